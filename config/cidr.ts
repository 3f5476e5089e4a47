/** Pure IPv4 CIDR arithmetic: parsing, overlap and subdivision. No Pulumi, no AWS. */

export interface Cidr {
    /** The network address as an unsigned 32-bit integer. */
    readonly base: number;
    /** The prefix length, 0 to 32. */
    readonly prefix: number;
}

const cidrPattern = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/**
 * Parses `a.b.c.d/n`. Returns undefined for anything malformed, including host bits set
 * (`10.0.0.1/16`), which AWS rejects for a VPC.
 */
export function parseCidr(text: string): Cidr | undefined {
    const parsed = parseAddressAndPrefix(text);
    return parsed && parsed.base % blockSize(parsed.prefix) === 0 ? parsed : undefined;
}

/**
 * The network a well-formed CIDR with host bits set belongs to: `10.10.0.0/16` for
 * `10.10.1.0/16`. Undefined when the text is malformed, or names a network already.
 */
export function networkOf(text: string): string | undefined {
    const parsed = parseAddressAndPrefix(text);
    if (!parsed || parsed.base % blockSize(parsed.prefix) === 0) {
        return undefined;
    }
    const size = blockSize(parsed.prefix);
    return formatCidr({ base: Math.floor(parsed.base / size) * size, prefix: parsed.prefix });
}

/** `a.b.c.d/n` as an address and a prefix, host bits and all; undefined when malformed. */
function parseAddressAndPrefix(text: string): Cidr | undefined {
    const match = cidrPattern.exec(text);
    if (!match) {
        return undefined;
    }
    const octets = match.slice(1, 5).map(Number);
    const prefix = Number(match[5]);
    if (octets.some((o) => o > 255) || prefix > 32) {
        return undefined;
    }
    return { base: octets.reduce((acc, o) => acc * 256 + o, 0), prefix };
}

export function formatCidr(cidr: Cidr): string {
    const octets = [24, 16, 8, 0].map((shift) => Math.floor(cidr.base / 2 ** shift) % 256);
    return `${octets.join(".")}/${cidr.prefix}`;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
    return a.base < b.base + blockSize(b.prefix) && b.base < a.base + blockSize(a.prefix);
}

/** True when `inner` lies wholly inside `outer`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
    return (
        inner.prefix >= outer.prefix &&
        inner.base >= outer.base &&
        inner.base + blockSize(inner.prefix) <= outer.base + blockSize(outer.prefix)
    );
}

/** The private address space a database network may use: RFC 1918 and RFC 6598. */
export const privateRanges: readonly Cidr[] = [
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "100.64.0.0/10",
].map((text) => parseCidr(text) as Cidr);

export function isPrivate(cidr: Cidr): boolean {
    return privateRanges.some((range) => cidrContains(range, cidr));
}

/**
 * Splits `cidr` into `2 ** extraBits` equal blocks and returns the first `count` of them.
 * `subdivide("10.0.0.0/16", 2, 3)` is `["10.0.0.0/18", "10.0.64.0/18", "10.0.128.0/18"]`.
 */
export function subdivide(cidr: string, extraBits: number, count: number): string[] {
    const parsed = parseCidr(cidr);
    if (!parsed) {
        throw new Error(`"${cidr}" is not an IPv4 CIDR`);
    }
    const prefix = parsed.prefix + extraBits;
    if (prefix > 28 || count > 2 ** extraBits) {
        throw new Error(`"${cidr}" cannot hold ${count} subnets of /${prefix}`);
    }
    return Array.from({ length: count }, (_, i) =>
        formatCidr({ base: parsed.base + i * blockSize(prefix), prefix }),
    );
}

function blockSize(prefix: number): number {
    return 2 ** (32 - prefix);
}

import * as assert from "assert";
import {
    cidrContains,
    cidrsOverlap,
    formatCidr,
    isPrivate,
    networkOf,
    parseCidr,
    subdivide,
} from "../config/cidr";

describe("cidr", () => {
    it("parses a CIDR and formats it back", () => {
        const cidr = parseCidr("10.20.0.0/16");
        assert.deepStrictEqual(cidr, { base: 10 * 2 ** 24 + 20 * 2 ** 16, prefix: 16 });
        assert.strictEqual(formatCidr(cidr!), "10.20.0.0/16");
    });

    for (const bad of [
        "10.0.0.0",
        "10.0.0.0/33",
        "256.0.0.0/8",
        "10.0.0.1/16",
        "10.0.0/16",
        "a.b.c.d/8",
        " 10.0.0.0/16",
    ]) {
        it(`refuses ${JSON.stringify(bad)}`, () => assert.strictEqual(parseCidr(bad), undefined));
    }

    it("finds the network of a CIDR written with host bits set, and only of such a CIDR", () => {
        assert.strictEqual(networkOf("10.10.1.0/16"), "10.10.0.0/16");
        assert.strictEqual(networkOf("192.168.10.77/28"), "192.168.10.64/28");
        assert.strictEqual(networkOf("10.0.0.1/0"), "0.0.0.0/0");
        for (const text of ["10.10.0.0/16", "10.0.0.0/33", "256.0.0.1/8", "10.0.0.1"]) {
            assert.strictEqual(networkOf(text), undefined, text);
        }
    });

    it("detects overlap and containment", () => {
        const a = parseCidr("10.0.0.0/16")!;
        assert.strictEqual(cidrsOverlap(a, parseCidr("10.0.128.0/17")!), true);
        assert.strictEqual(cidrsOverlap(a, parseCidr("10.1.0.0/16")!), false);
        assert.strictEqual(cidrsOverlap(parseCidr("10.0.0.0/8")!, a), true);
        assert.strictEqual(cidrContains(parseCidr("10.0.0.0/8")!, a), true);
        assert.strictEqual(cidrContains(a, parseCidr("10.0.0.0/8")!), false);
    });

    it("knows the private ranges", () => {
        assert.strictEqual(isPrivate(parseCidr("172.31.0.0/16")!), true);
        assert.strictEqual(isPrivate(parseCidr("100.64.0.0/16")!), true);
        assert.strictEqual(isPrivate(parseCidr("172.32.0.0/16")!), false);
        assert.strictEqual(isPrivate(parseCidr("0.0.0.0/0")!), false);
    });

    it("subdivides a VPC into equal subnets", () => {
        assert.deepStrictEqual(subdivide("10.0.0.0/16", 2, 3), [
            "10.0.0.0/18",
            "10.0.64.0/18",
            "10.0.128.0/18",
        ]);
        assert.deepStrictEqual(subdivide("192.168.4.0/24", 2, 2), [
            "192.168.4.0/26",
            "192.168.4.64/26",
        ]);
        assert.throws(() => subdivide("10.0.0.0/16", 2, 5), /cannot hold 5 subnets of \/18/);
    });
});

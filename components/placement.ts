/**
 * Where each database instance of a shard runs. Pure functions, tested directly.
 *
 * AZs are chosen by zone ID, not by name: names map to physical zones differently in every
 * account, IDs do not. Zones AWS documents as constrained are never chosen.
 *
 * Rules:
 * - the writer takes the first AZ;
 * - the standby, the failover target, never shares the writer's AZ;
 * - each reader goes to the AZ with the fewest readers so far, then the fewest instances, then
 *   the earliest in order, so readers spread as evenly as the region allows and a lost AZ takes
 *   out as few of them as possible.
 */

/** The most AZs a shard spreads over; more adds cost and no resilience for one writer. */
export const maxShardAzs = 3;

/**
 * Zone IDs a shard never uses. use1-az3 is us-east-1's constrained zone: it offers no newer
 * instance families (db.r6g among them) and lacks several VPC endpoint services.
 * Sources: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-regions-availability-zones.html
 * (AZ IDs are the same physical zone in every account), and the reports of use1-az3 refusing
 * newer instance types and endpoint services:
 * https://github.com/terraform-aws-modules/terraform-aws-vpc/issues/785
 */
export const constrainedZoneIds: readonly string[] = ["use1-az3"];

/** A standard AZ of a region, by name and ID. */
export interface Zone {
    readonly name: string;
    readonly zoneId: string;
}

export interface Placement {
    readonly writer: string;
    readonly standby: string;
    /** One AZ per reader, in reader order. */
    readonly readers: readonly string[];
}

/**
 * The AZ names a new shard network uses: up to three, by zone ID order and without constrained
 * zones, so the choice is stable across runs and the same physical zones in every account.
 * A region needs at least two usable zones.
 */
export function chooseAzs(zones: readonly Zone[]): string[] {
    const usable = zones
        .filter((zone) => !constrainedZoneIds.includes(zone.zoneId))
        .sort((a, b) => a.zoneId.localeCompare(b.zoneId));
    const names = [...new Set(usable.map((zone) => zone.name))];
    if (names.length < 2) {
        throw new Error(
            `a shard needs at least two usable availability zones, got ` +
                `${JSON.stringify(zones.map((z) => `${z.name} (${z.zoneId})`))}; ` +
                `the standby must not share the writer's AZ, and ${constrainedZoneIds.join(", ")} ` +
                `is never used`,
        );
    }
    return names.slice(0, maxShardAzs);
}

/** Writer, standby and readers over the given AZs (at least two). */
export function placeInstances(azs: readonly string[], readerCount: number): Placement {
    if (azs.length < 2) {
        throw new Error(
            `cannot place a standby apart from its writer in ${JSON.stringify(azs)}: need two AZs`,
        );
    }
    const [writer, standby] = azs;
    const instances = new Map(azs.map((az) => [az, 0]));
    const readersIn = new Map(azs.map((az) => [az, 0]));
    instances.set(writer, 1);
    instances.set(standby, 1);

    const readers: string[] = [];
    for (let i = 0; i < readerCount; i++) {
        const az = [...azs].sort(
            (a, b) =>
                readersIn.get(a)! - readersIn.get(b)! ||
                instances.get(a)! - instances.get(b)! ||
                azs.indexOf(a) - azs.indexOf(b),
        )[0];
        readers.push(az);
        readersIn.set(az, readersIn.get(az)! + 1);
        instances.set(az, instances.get(az)! + 1);
    }
    return { writer, standby, readers };
}

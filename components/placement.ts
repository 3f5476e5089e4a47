/**
 * Where each database instance of a shard runs. Pure functions, tested directly.
 *
 * Rules:
 * - the master takes the first AZ;
 * - the standby, the failover target, never shares the master's AZ;
 * - each read replica goes to the AZ with the fewest replicas so far, then the fewest instances,
 *   then the earliest in order, so replicas spread as evenly as the region allows and a lost AZ
 *   takes out as few readers as possible.
 */

/** The most AZs a shard spreads over; more adds cost and no resilience for one master. */
export const maxShardAzs = 3;

export interface Placement {
    readonly master: string;
    readonly standby: string;
    /** One AZ per read replica, in replica order. */
    readonly replicas: readonly string[];
}

/**
 * The AZs a new shard network uses: the first three of the region's, in name order, so the choice
 * is stable across runs. A region needs at least two.
 */
export function chooseAzs(available: readonly string[]): string[] {
    const unique = [...new Set(available)].sort();
    if (unique.length < 2) {
        throw new Error(
            `a shard needs at least two availability zones, got ${JSON.stringify(available)}; ` +
                `the standby must not share the master's AZ`,
        );
    }
    return unique.slice(0, maxShardAzs);
}

export function placeInstances(azs: readonly string[], replicaCount: number): Placement {
    if (azs.length < 2) {
        throw new Error(
            `cannot place a standby apart from its master in ${JSON.stringify(azs)}: need two AZs`,
        );
    }
    const [master, standby] = azs;
    const instances = new Map(azs.map((az) => [az, 0]));
    const replicasIn = new Map(azs.map((az) => [az, 0]));
    instances.set(master, 1);
    instances.set(standby, 1);

    const replicas: string[] = [];
    for (let i = 0; i < replicaCount; i++) {
        const az = [...azs].sort(
            (a, b) =>
                replicasIn.get(a)! - replicasIn.get(b)! ||
                instances.get(a)! - instances.get(b)! ||
                azs.indexOf(a) - azs.indexOf(b),
        )[0];
        replicas.push(az);
        replicasIn.set(az, replicasIn.get(az)! + 1);
        instances.set(az, instances.get(az)! + 1);
    }
    return { master, standby, replicas };
}

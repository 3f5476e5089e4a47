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

/**
 * The instance names of a shard generation. Generation 1 is `standby`, `replica-1`...; after the
 * n-th failover the rebuilt instances are generation n+1: `g2-standby`, `g2-replica-1`...
 * Names never repeat, so a rebuilt instance never collides with the one it replaces.
 */
export function generationLabels(
    generation: number,
    replicaCount: number,
): { standby: string; replicas: string[] } {
    const prefix = generation === 1 ? "" : `g${generation}-`;
    return {
        standby: `${prefix}standby`,
        replicas: Array.from({ length: replicaCount }, (_, i) => `${prefix}replica-${i + 1}`),
    };
}

/**
 * The shard's current layout after `promoted` (the promoted instances, oldest first): which
 * instance is master, in which AZ, and where the current generation's standby and replicas go.
 * The standby of every generation stays out of its master's AZ.
 */
export function currentLayout(
    azs: readonly string[],
    replicaCount: number,
    promoted: readonly string[],
): {
    generation: number;
    masterLabel: string;
    labels: { standby: string; replicas: string[] };
    placement: Placement;
} {
    let placement = placeInstances(azs, replicaCount);
    let masterLabel = "master";
    promoted.forEach((label, i) => {
        const labels = generationLabels(i + 1, replicaCount);
        const masterAz =
            label === labels.standby
                ? placement.standby
                : placement.replicas[labels.replicas.indexOf(label)];
        if (masterAz === undefined) {
            throw new Error(`"${label}" is not an instance of generation ${i + 1}`);
        }
        placement = placeInstances(
            [masterAz, ...azs.filter((az) => az !== masterAz)],
            replicaCount,
        );
        masterLabel = label;
    });
    const generation = promoted.length + 1;
    return {
        generation,
        masterLabel,
        labels: generationLabels(generation, replicaCount),
        placement,
    };
}

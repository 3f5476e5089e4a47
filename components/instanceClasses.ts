/**
 * What the alarms need to know about an RDS instance class: its memory, and from it the
 * max_connections RDS for PostgreSQL sets by default. Pure functions.
 *
 * Sizes follow EC2's scheme: `large` has 2 vCPUs, `xlarge` 4, `Nxlarge` 4N. Memory per vCPU
 * depends on the family: memory-optimised r (8 GiB), x2g (16 GiB), general-purpose m (4 GiB).
 * Source: https://aws.amazon.com/rds/instance-types/
 */

/**
 * The instance families a shard may run: Graviton memory-optimised r6g and r7g. Config refuses
 * other classes, and the `rds-allowed-instance-classes` policy defaults to the same list (a
 * policy config may narrow it). Both engines offer both families.
 */
export const allowedInstanceFamilies: readonly string[] = ["db.r6g", "db.r7g"];

/** The family of an instance class: `db.r6g` of `db.r6g.4xlarge`. */
export function instanceFamily(instanceClass: string): string {
    return instanceClass.split(".").slice(0, 2).join(".");
}

const gibPerVcpu: Record<string, number> = { r: 8, x: 16, m: 4 };

/** Burstable classes do not follow the per-vCPU rule. */
const burstableGiB: Record<string, number> = {
    micro: 1,
    small: 2,
    medium: 4,
    large: 8,
    xlarge: 16,
    "2xlarge": 32,
};

/** The memory of an instance class in GiB, or undefined for a class this table does not know. */
export function instanceMemoryGiB(instanceClass: string): number | undefined {
    const match = /^db\.([a-z]+)(\d+)([a-z]*)\.([a-z0-9]+)$/.exec(instanceClass);
    if (!match) {
        return undefined;
    }
    const [, family, , , size] = match;
    if (family === "t") {
        return burstableGiB[size];
    }
    const perVcpu = gibPerVcpu[family];
    const vcpus =
        size === "large"
            ? 2
            : size === "xlarge"
              ? 4
              : /^(\d+)xlarge$/.exec(size)
                ? 4 * Number(size.slice(0, -6))
                : undefined;
    return perVcpu && vcpus ? perVcpu * vcpus : undefined;
}

/**
 * RDS for PostgreSQL's default max_connections: LEAST({DBInstanceClassMemory/9531392}, 5000).
 * DBInstanceClassMemory is a little below the class's memory; using the full memory errs high,
 * which only makes the alarm threshold slightly more generous.
 * Source: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html#RDS_Limits.MaxConnections
 */
export function defaultMaxConnections(instanceClass: string): number | undefined {
    const memory = instanceMemoryGiB(instanceClass);
    return memory === undefined
        ? undefined
        : Math.min(Math.floor((memory * 2 ** 30) / 9531392), 5000);
}

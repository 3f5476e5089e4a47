/**
 * The two database engines a shard can run on, and what AWS allows of each. Pure data: config
 * validation, the component and the policy pack read the same facts.
 */

/**
 * `aurora-postgresql`: one Aurora cluster per shard (writer, standby at the writer's tier,
 * readers behind a custom endpoint). `postgres`: RDS for PostgreSQL, a Multi-AZ master with
 * AWS's synchronous standby, plus read replicas.
 */
export type Engine = "aurora-postgresql" | "postgres";
export const engines: readonly Engine[] = ["aurora-postgresql", "postgres"];
export const defaultEngine: Engine = "aurora-postgresql";

/**
 * Aurora storage: Standard bills I/O per request, I/O-Optimized (`aurora-iopt1`) includes it in
 * a higher instance and storage price. Changing it is in place (the provider replaces only
 * non-Aurora clusters on a storage change).
 * Source: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html
 * (StorageType: "aurora | aurora-iopt1").
 */
export type AuroraStorageType = "aurora" | "aurora-iopt1";
export const auroraStorageTypes: readonly AuroraStorageType[] = ["aurora", "aurora-iopt1"];

/**
 * Aurora PostgreSQL versions a shard may name: full versions only. AWS documents a major-only
 * version for Aurora MySQL alone, so Aurora shards state the minor, and minor upgrades are a
 * config change (instances do not upgrade themselves, which would leave config behind and make
 * the next `pulumi up` plan a downgrade). These are the versions whose extension support AWS
 * lists today; add a newer one once `aws rds describe-db-engine-versions --engine
 * aurora-postgresql` shows it in every region of the stack.
 * Sources: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html
 * (EngineVersion), https://docs.aws.amazon.com/AmazonRDS/latest/AuroraPostgreSQLReleaseNotes/AuroraPostgreSQL.Extensions.html
 */
export const auroraVersions: readonly string[] = ["17.4", "17.5", "17.6", "17.7"];

/** RDS for PostgreSQL: a major of 14 or newer, optionally with a minor. */
export const minimumPostgresMajor = 14;

/**
 * The version a shard runs when config names none. PostgreSQL 17 sources need DMS 3.6.1 or
 * newer (docs/deploying.md). Source: https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.PostgreSQL.html
 */
export const defaultEngineVersions: Readonly<Record<Engine, string>> = {
    "aurora-postgresql": "17.7",
    // A major alone: RDS picks its default minor and upgrades it in the maintenance window, and
    // the provider keeps the configured major without a diff.
    postgres: "17",
};

/**
 * Readers a shard may have. Aurora allows 15 replicas per cluster, and the standby is one of
 * them; RDS for PostgreSQL allows 15 read replicas per source, and the Multi-AZ standby is not
 * one of them.
 * Sources: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Replication.html,
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.html
 */
export const maxReaders: Readonly<Record<Engine, number>> = {
    "aurora-postgresql": 14,
    postgres: 15,
};

/**
 * An Aurora global database: the reader instances of the primary cluster plus the secondary
 * clusters may not exceed 15; each secondary takes one replica from the primary. AWS refuses the
 * last reader or secondary beyond it while `pulumi up` runs.
 * Source: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-attaching.html
 * ("The total number of reader instances in the primary DB cluster plus the number of secondary
 * clusters can't exceed 15.")
 */
export const auroraGlobalReaderLimit = 15;

/**
 * Readers besides the standby an Aurora shard may have beside `secondaries` recovery clusters:
 * the global database's limit, less the standby (a reader too) and the secondaries. 13 with one
 * recovery region. (An RDS shard's bound stays `maxReaders`: this limit is Aurora's.)
 */
export function maxAuroraReadersWith(secondaries: number): number {
    return Math.min(maxReaders["aurora-postgresql"], auroraGlobalReaderLimit - 1 - secondaries);
}

/**
 * The fewest readers a shard may have, on either engine: none, in which case reads go to the
 * writer's side (Aurora's cluster reader endpoint, which includes the standby; RDS's master).
 */
export const minReaders = 0;

/** The major of a version string: `16` of `16.6`. */
export function majorOf(version: string): string {
    return version.split(".")[0];
}

/**
 * Why a version is not one the engine offers, or undefined when it is.
 */
export function versionProblem(engine: Engine, version: string): string | undefined {
    if (engine === "aurora-postgresql") {
        return auroraVersions.includes(version)
            ? undefined
            : `is not an Aurora PostgreSQL version this stack offers; allowed: ${auroraVersions.join(", ")}`;
    }
    const match = /^(\d+)(\.\d+)?$/.exec(version);
    return match && Number(match[1]) >= minimumPostgresMajor
        ? undefined
        : `is not an RDS for PostgreSQL version; allowed: a major of ${minimumPostgresMajor} or ` +
              `newer, optionally with a minor ("17" or "17.6")`;
}

/** The parameter group family of an engine and version: `aurora-postgresql16`, `postgres16`. */
export function parameterFamily(engine: Engine, version: string): string {
    return `${engine}${majorOf(version)}`;
}

/**
 * The most data one shard's database holds, in GiB. An Aurora cluster volume grows to 128 TiB
 * (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/CHAP_Limits.html, "Amazon Aurora
 * size limits"); an RDS for PostgreSQL instance's storage volume holds at most 64 TiB
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.ModifyingExisting.html;
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html), and RDS needs its
 * autoscaling ceiling 10% above the allocation, so the data it can start from is 64 TiB / 1.1.
 */
export const maxDataGiB: Readonly<Record<Engine, number>> = {
    "aurora-postgresql": 131072,
    postgres: Math.floor(65536 / 1.1),
};

/**
 * Growth a shard's data must still have room for under its engine's limit: 25%, a year of
 * growth at the pace that sized it. Past `maxDataGiB / dataGrowthHeadroom` the plan warns.
 */
export const dataGrowthHeadroom = 1.25;

/** Why a shard's data size cannot be held by its engine, or undefined when it can. */
export function dataSizeProblem(engine: Engine, storageGiB: number): string | undefined {
    const max = maxDataGiB[engine];
    if (storageGiB <= max) {
        return undefined;
    }
    return engine === "aurora-postgresql"
        ? `is more than an Aurora cluster volume holds; allowed: up to ${max} GiB (128 TiB): split the shard`
        : `is more than an RDS for PostgreSQL instance holds; allowed: up to ${max} GiB (64 TiB, with ` +
              `the autoscaling ceiling 10% above the allocation): split the shard, or use engine aurora-postgresql (128 TiB)`;
}

/**
 * A warning when a shard's data leaves less than `dataGrowthHeadroom` below its engine's limit,
 * naming the way out: split the shard.
 */
export function dataSizeWarning(engine: Engine, storageGiB: number): string | undefined {
    const max = maxDataGiB[engine];
    if (storageGiB > max || storageGiB * dataGrowthHeadroom <= max) {
        return undefined;
    }
    const share = Math.round((storageGiB / max) * 100);
    return (
        `${storageGiB} GiB of data is ${share}% of what ${engine} holds (${max} GiB), leaving less than ` +
        `${Math.round((dataGrowthHeadroom - 1) * 100)}% to grow: split the shard (move cities to a new shard) before it fills`
    );
}

/**
 * Aurora reader autoscaling (Application Auto Scaling on `rds:cluster:ReadReplicaCount`): the
 * metric its target-tracking policy follows, as the shard's config names it, and the predefined
 * metric type. RDSReaderAverageCPUUtilization and RDSReaderAverageDatabaseConnections average
 * over the cluster's reader instances.
 * Source: https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PredefinedMetricSpecification.html
 */
export const readerScalingMetrics = {
    cpu: "RDSReaderAverageCPUUtilization",
    connections: "RDSReaderAverageDatabaseConnections",
} as const;
export type ReaderScalingMetric = keyof typeof readerScalingMetrics;

/** Reader autoscaling of an Aurora shard, above the readers it declares. */
export interface ReaderAutoscaling {
    /** The most readers, besides the standby: above `replicaCount`, at most 14. */
    readonly maxReaders: number;
    /** @default "cpu" */
    readonly metric?: ReaderScalingMetric;
    /**
     * The metric's target: CPU percent (10 to 90), or connections per reader (1 or more).
     * @default - 70 (percent CPU); required with `connections`
     */
    readonly targetValue?: number;
}

/** Every problem of a reader autoscaling setting, as `[subpath, value, problem]`. Pure. */
export function readerAutoscalingProblems(
    value: unknown,
    engine: Engine,
    replicaCount: number,
): { path: string; value: unknown; problem: string }[] {
    if (engine !== "aurora-postgresql") {
        return [
            {
                path: "",
                value,
                problem:
                    "is a setting of the aurora-postgresql engine only; RDS read replicas do not autoscale: remove it",
            },
        ];
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        return [{ path: "", value, problem: "is not { maxReaders, metric?, targetValue? }" }];
    }
    const { maxReaders: max, metric, targetValue, ...rest } = value as Record<string, unknown>;
    const problems: { path: string; value: unknown; problem: string }[] = Object.keys(rest).map(
        (key) => ({
            path: `.${key}`,
            value: rest[key],
            problem: "is not a known key; allowed: maxReaders, metric, targetValue",
        }),
    );
    const most = maxReaders["aurora-postgresql"];
    if (typeof max !== "number" || !Number.isInteger(max) || max <= replicaCount || max > most) {
        problems.push({
            path: ".maxReaders",
            value: max,
            problem: `is out of range; allowed: ${replicaCount + 1} to ${most} (above replicaCount ${replicaCount}, the floor; Aurora allows 15 replicas, one of them the standby)`,
        });
    }
    if (metric !== undefined && !(typeof metric === "string" && metric in readerScalingMetrics)) {
        problems.push({
            path: ".metric",
            value: metric,
            problem: `is not a scaling metric; allowed: ${Object.keys(readerScalingMetrics).join(", ")}`,
        });
    }
    const isConnections = metric === "connections";
    if (targetValue === undefined) {
        if (isConnections) {
            problems.push({
                path: ".targetValue",
                value: targetValue,
                problem: "is required with metric connections: the connections per reader to hold",
            });
        }
    } else if (
        typeof targetValue !== "number" ||
        (isConnections ? !(targetValue >= 1) : !(targetValue >= 10 && targetValue <= 90))
    ) {
        problems.push({
            path: ".targetValue",
            value: targetValue,
            problem: isConnections
                ? "is out of range; allowed: 1 or more connections per reader"
                : "is out of range; allowed: 10 to 90 percent CPU",
        });
    }
    return problems;
}

/**
 * The settings every shard has, whether it states them or not, and their defaults. The component
 * applies these when an argument is left out; config validation uses the same values to check
 * the effective settings of each shard; `Pulumi.yaml` documents them (a test keeps the three in step).
 */
export interface ShardSettings {
    /** Instance class of the master. */
    readonly masterInstanceClass: string;
    /** Instance class of each read replica. */
    readonly replicaInstanceClass: string;
    /** Instance class of the standby; undefined means the master's class. */
    readonly standbyInstanceClass?: string;
    /** Read replicas serving reads, besides the standby. */
    readonly replicaCount: number;
    /** Storage allocated to the master at creation, in GiB. */
    readonly allocatedStorageGiB: number;
    /** Ceiling for RDS storage autoscaling, in GiB. */
    readonly maxAllocatedStorageGiB: number;
    /** Days of automated backups and point-in-time recovery on the master. */
    readonly backupRetentionDays: number;
    /** Enhanced Monitoring granularity, in seconds. */
    readonly monitoringIntervalSeconds: number;
    /** Days CloudWatch keeps the exported PostgreSQL and upgrade logs. */
    readonly logRetentionDays: number;
}

export const shardDefaults = {
    masterInstanceClass: "db.r6g.8xlarge",
    replicaInstanceClass: "db.r6g.4xlarge",
    replicaCount: 2,
    allocatedStorageGiB: 1000,
    maxAllocatedStorageGiB: 4000,
    backupRetentionDays: 7,
    monitoringIntervalSeconds: 60,
    logRetentionDays: 30,
} as const satisfies ShardSettings;

/** Stack-wide failover, DNS and alarm settings; every shard uses the same. */
export interface FailoverSettings {
    /** The private hosted zone holding `writer.<shard>.<zone>` and `reader.<shard>.<zone>`. */
    readonly dnsZone: string;
    /** TTL of the writer and reader records, in seconds (at most 60). */
    readonly dnsTtlSeconds: number;
    /** A replica lagging more than this leaves the reader rotation and raises an alarm. */
    readonly replicaLagAlarmSeconds: number;
    /** A promotion candidate lagging more than this is unfit (it would lose more writes). */
    readonly failoverMaxLagSeconds: number;
    /** CPU utilisation alarm, per instance. */
    readonly cpuAlarmPercent: number;
    /** Free storage alarm, as a share of the allocated storage. */
    readonly freeStorageAlarmPercent: number;
    /** Freeable memory alarm, as a share of the instance class's memory. */
    readonly freeableMemoryAlarmPercent: number;
    /** Connections alarm, as a share of RDS's default max_connections for the class. */
    readonly connectionsAlarmPercent: number;
    /** Addresses subscribed to each shard's alarm topic (each must confirm by email). */
    readonly alarmEmails: readonly string[];
}

export const failoverDefaults = {
    dnsZone: "db.internal",
    dnsTtlSeconds: 5,
    replicaLagAlarmSeconds: 30,
    failoverMaxLagSeconds: 60,
    cpuAlarmPercent: 80,
    freeStorageAlarmPercent: 10,
    freeableMemoryAlarmPercent: 10,
    connectionsAlarmPercent: 80,
    alarmEmails: [] as readonly string[],
} as const satisfies FailoverSettings;

/** The PostgreSQL major version. 16 is the first with logical decoding on a standby. */
export const defaultEngineVersion = "17";

/**
 * RDS for PostgreSQL storage limits for gp3, in GiB.
 * Source: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Storage.html
 */
export const storageLimitsGiB = { min: 20, max: 65536 } as const;

/** Enhanced Monitoring intervals RDS accepts (0, which disables it, is not offered). */
export const monitoringIntervals: readonly number[] = [1, 5, 10, 15, 30, 60];

/** Retention periods CloudWatch Logs accepts, in days. */
export const logRetentionPeriods: readonly number[] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

/**
 * The settings every shard has, whether it states them or not, and their defaults. The component
 * applies these when an argument is left out; config validation uses the same values to check
 * the effective settings of each shard; `Pulumi.yaml` documents them (a test keeps the three in step).
 */

import { AuroraStorageType, defaultEngine, Engine } from "./engines";

export interface ShardSettings {
    /** The database engine: an Aurora cluster, or RDS for PostgreSQL Multi-AZ. */
    readonly engine: Engine;
    /** Instance class of the writer (and of the standby, which must match it). */
    readonly masterInstanceClass: string;
    /** Instance class of each reader. */
    readonly replicaInstanceClass: string;
    /** Readers serving reads, besides the standby. */
    readonly replicaCount: number;
    /** Aurora only: Standard (I/O billed per request) or I/O-Optimized storage. */
    readonly storageType: AuroraStorageType;
    /** Aurora only: alarm when the cluster volume grows past this many GiB. */
    readonly volumeAlarmGiB: number;
    /** RDS for PostgreSQL only: gp3 storage allocated to the master at creation, in GiB. */
    readonly allocatedStorageGiB: number;
    /** RDS for PostgreSQL only: ceiling for storage autoscaling, in GiB. */
    readonly maxAllocatedStorageGiB: number;
    /** Days of automated backups and point-in-time recovery. */
    readonly backupRetentionDays: number;
    /** Enhanced Monitoring granularity, in seconds. */
    readonly monitoringIntervalSeconds: number;
    /** Days CloudWatch keeps the exported PostgreSQL logs. */
    readonly logRetentionDays: number;
    /** Put RDS Proxy in front of the writer, for connection pooling and shorter failovers. */
    readonly proxy: boolean;
}

export const shardDefaults = {
    engine: defaultEngine,
    masterInstanceClass: "db.r6g.8xlarge",
    replicaInstanceClass: "db.r6g.4xlarge",
    replicaCount: 2,
    storageType: "aurora",
    volumeAlarmGiB: 4000,
    allocatedStorageGiB: 1000,
    maxAllocatedStorageGiB: 4000,
    backupRetentionDays: 7,
    monitoringIntervalSeconds: 60,
    logRetentionDays: 30,
    proxy: false,
} as const satisfies ShardSettings;

/** Settings that only one engine understands; setting one for the other engine is refused. */
export const engineOnlySettings: Readonly<Record<Engine, readonly (keyof ShardSettings)[]>> = {
    "aurora-postgresql": ["storageType", "volumeAlarmGiB"],
    postgres: ["allocatedStorageGiB", "maxAllocatedStorageGiB"],
};

/** Stack-wide DNS and alarm settings; every shard uses the same. */
export interface OperationSettings {
    /** The private hosted zone holding `writer.<shard>.<zone>` and `reader.<shard>.<zone>`. */
    readonly dnsZone: string;
    /** TTL of the writer and reader records, in seconds (at most 60). */
    readonly dnsTtlSeconds: number;
    /** A reader lagging more than this raises an alarm (and, on RDS, leaves the reader set). */
    readonly replicaLagAlarmSeconds: number;
    /** CPU utilisation alarm, per instance. */
    readonly cpuAlarmPercent: number;
    /** RDS for PostgreSQL: free storage alarm, as a share of the allocated storage. */
    readonly freeStorageAlarmPercent: number;
    /** Aurora: alarm when an instance's local storage (temporary files, logs) falls below this. */
    readonly freeLocalStorageAlarmGiB: number;
    /** Freeable memory alarm, as a share of the instance class's memory. */
    readonly freeableMemoryAlarmPercent: number;
    /** Connections alarm, as a share of the default max_connections for the class. */
    readonly connectionsAlarmPercent: number;
    /** Addresses subscribed to each shard's alarm topic (each must confirm by email). */
    readonly alarmEmails: readonly string[];
}

export const operationDefaults = {
    dnsZone: "db.internal",
    dnsTtlSeconds: 5,
    replicaLagAlarmSeconds: 30,
    cpuAlarmPercent: 80,
    freeStorageAlarmPercent: 10,
    freeLocalStorageAlarmGiB: 10,
    freeableMemoryAlarmPercent: 10,
    connectionsAlarmPercent: 80,
    alarmEmails: [] as readonly string[],
} as const satisfies OperationSettings;

/**
 * RDS for PostgreSQL storage limits for gp3, in GiB.
 * Source: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Storage.html
 */
export const storageLimitsGiB = { min: 20, max: 65536 } as const;

/**
 * RDS refuses a storage-autoscaling ceiling less than 10% above the allocation: the ceiling must
 * be at least `ceil(allocation * autoscalingHeadroom)`.
 * Source: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.Autoscaling.html
 */
export const autoscalingHeadroom = 1.1;

/**
 * TTL of the writer and reader records, in seconds: at most a minute, so a failover does not
 * wait on DNS caches. Config refuses a longer TTL, and `route53-failover-records` defaults to it.
 */
export const dnsTtlLimitsSeconds = { min: 1, max: 60 } as const;

/**
 * Days of automated backups: at least 7 anywhere, and prod stacks set 14. AWS allows 1 to 35.
 * Source: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html
 */
export const backupRetentionLimits = { min: 7, max: 35 } as const;

/** Enhanced Monitoring intervals RDS accepts (0, which disables it, is not offered). */
export const monitoringIntervals: readonly number[] = [1, 5, 10, 15, 30, 60];

/** Retention periods CloudWatch Logs accepts, in days. */
export const logRetentionPeriods: readonly number[] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

/** Settings of every instance that config does not expose. */
export const instanceDefaults = {
    performanceInsightsRetentionDays: 7,
    backupWindow: "03:00-04:00",
    maintenanceWindow: "sun:04:30-sun:05:30",
    databaseName: "geoshard",
    masterUsername: "geoshard_admin",
    caCertificateIdentifier: "rds-ca-rsa2048-g1",
} as const;

/** PostgreSQL's port; the security groups, the proxy and DMS all use it. */
export const postgresPort = 5432;

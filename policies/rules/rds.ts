/**
 * Rules for the database tier of both engines. RDS instances: a source is an instance without
 * `replicateSourceDb`; a replica inherits storage, encryption and credentials from its source and
 * must not restate them. Aurora: the cluster holds storage, encryption, backups and deletion
 * protection; each cluster instance its class, tier, exposure and monitoring. Each rule notes what
 * AWS does when the property is unset.
 */

import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { Unwrap } from "@pulumi/pulumi";
import {
    autoscalingHeadroom,
    backupRetentionLimits,
    storageLimitsGiB,
} from "../../components/defaults";
import { allowedInstanceFamilies, instanceFamily } from "../../components/instanceClasses";
import { protectedEnvironments } from "../../config/schema";
import { appliesIn, environmentsSetting, whereApplied } from "./environment";

type Db = Unwrap<aws.rds.InstanceArgs>;
type Cluster = Unwrap<aws.rds.ClusterArgs>;
type ClusterInstance = Unwrap<aws.rds.ClusterInstanceArgs>;

const isReplica = (db: Db) => db.replicateSourceDb !== undefined && db.replicateSourceDb !== "";
const mandatory = "mandatory" as const;

export const rdsStorageEncrypted: ResourceValidationPolicy = {
    name: "rds-storage-encrypted-with-customer-key",
    description: "RDS storage is encrypted, with a customer managed KMS key on sources.",
    enforcementLevel: mandatory,
    validateResource: [
        validateResourceOfType(aws.rds.Instance, (db, _args, report) => {
            // Unset storageEncrypted leaves storage unencrypted on a source; on a replica the
            // provider reads the inherited value back, so an unset value plans a replacement.
            if (db.storageEncrypted !== true) {
                report("Set storageEncrypted: true (on a replica, state the value it inherits).");
            }
            // Unset kmsKeyId on a source means the AWS managed key aws/rds.
            if (!isReplica(db) && !db.kmsKeyId) {
                report(
                    "Set kmsKeyId to the shard's customer managed key, not the AWS managed aws/rds key.",
                );
            }
        }),
        validateResourceOfType(aws.rds.Cluster, (cluster: Cluster, _args, report) => {
            // Unset is unencrypted on a provisioned cluster, and it cannot be changed later.
            if (cluster.storageEncrypted !== true || !cluster.kmsKeyId) {
                report(
                    "Set storageEncrypted: true and kmsKeyId to the shard's customer managed key on the cluster.",
                );
            }
        }),
    ],
};

export const rdsNotPublic: ResourceValidationPolicy = {
    name: "rds-not-public",
    description: "No RDS instance has a public address.",
    enforcementLevel: mandatory,
    validateResource: [
        validateResourceOfType(aws.rds.Instance, (db, _args, report) => {
            // Unset, AWS decides from the subnet group and VPC; say so explicitly.
            if (db.publiclyAccessible !== false) {
                report(
                    "Set publiclyAccessible: false; databases are reached only over private networks.",
                );
            }
        }),
        validateResourceOfType(aws.rds.ClusterInstance, (db: ClusterInstance, _args, report) => {
            if (db.publiclyAccessible !== false) {
                report(
                    "Set publiclyAccessible: false; databases are reached only over private networks.",
                );
            }
        }),
    ],
};

export const rdsBackups: ResourceValidationPolicy = {
    name: "rds-backup-retention",
    description:
        "Sources and clusters keep automated backups for at least the configured number of days.",
    enforcementLevel: mandatory,
    configSchema: {
        properties: {
            // Config keeps at least backupRetentionLimits.min days; a policy config may ask more.
            minimumDays: {
                type: "integer",
                default: backupRetentionLimits.min,
                minimum: 1,
                maximum: backupRetentionLimits.max,
            },
        },
    },
    validateResource: [
        validateResourceOfType(aws.rds.Instance, (db, args, report) => {
            if (isReplica(db)) {
                return;
            }
            const { minimumDays } = args.getConfig<{ minimumDays: number }>();
            // Unset, the RDS API keeps 1 day; the provider sends 0 (no backups) when told nothing.
            if ((db.backupRetentionPeriod ?? 0) < minimumDays) {
                report(
                    `Set backupRetentionPeriod to at least ${minimumDays} days (it is ${db.backupRetentionPeriod ?? "unset"}).`,
                );
            }
        }),
        validateResourceOfType(aws.rds.Cluster, (cluster: Cluster, args, report) => {
            const { minimumDays } = args.getConfig<{ minimumDays: number }>();
            // Unset, Aurora keeps 1 day.
            if ((cluster.backupRetentionPeriod ?? 1) < minimumDays) {
                report(
                    `Set backupRetentionPeriod to at least ${minimumDays} days on the cluster (it is ${cluster.backupRetentionPeriod ?? "unset"}).`,
                );
            }
        }),
    ],
};

/**
 * Deletion protection is required in the listed environments only (default: prod, where config
 * refuses `deletionProtection: false`), so a dev or staging stack can be torn down as
 * docs/runbooks/operations.md describes. The final snapshot is required everywhere.
 */
export const rdsDeletionSafety: ResourceValidationPolicy = {
    name: "rds-deletion-protection-and-final-snapshot",
    description:
        "Sources and clusters take a final snapshot when deleted, and have deletion protection in the listed environments.",
    enforcementLevel: mandatory,
    configSchema: {
        properties: { environments: environmentsSetting(protectedEnvironments) },
    },
    validateResource: [
        validateResourceOfType(aws.rds.Instance, (db, args, report) => {
            if (isReplica(db)) {
                return;
            }
            const { environments } = args.getConfig<{ environments: string[] }>();
            // Unset deletionProtection is false.
            if (appliesIn(environments, db) && db.deletionProtection !== true) {
                report(
                    `Set deletionProtection: true; it is required ${whereApplied(db)} (environments: ${environments.join(", ")}).`,
                );
            }
            // Unset skipFinalSnapshot is false, but then a finalSnapshotIdentifier is required.
            if (db.skipFinalSnapshot === true || !db.finalSnapshotIdentifier) {
                report(
                    "Set skipFinalSnapshot: false and a finalSnapshotIdentifier, so deleting a source keeps its data.",
                );
            }
        }),
        validateResourceOfType(aws.rds.Cluster, (cluster: Cluster, args, report) => {
            const { environments } = args.getConfig<{ environments: string[] }>();
            if (appliesIn(environments, cluster) && cluster.deletionProtection !== true) {
                report(
                    `Set deletionProtection: true on the cluster; it is required ${whereApplied(cluster)} (environments: ${environments.join(", ")}).`,
                );
            }
            // A secondary of a global database holds the primary's data, and takes none.
            const secondary = Boolean(cluster.globalClusterIdentifier);
            if (
                !secondary &&
                (cluster.skipFinalSnapshot === true || !cluster.finalSnapshotIdentifier)
            ) {
                report(
                    "Set skipFinalSnapshot: false and a finalSnapshotIdentifier on the cluster, so deleting it keeps its data.",
                );
            }
        }),
    ],
};

export const rdsIamAuthentication: ResourceValidationPolicy = {
    name: "rds-iam-authentication",
    description: "IAM database authentication is enabled.",
    enforcementLevel: mandatory,
    validateResource: [
        validateResourceOfType(aws.rds.Instance, (db, _args, report) => {
            // Unset is disabled.
            if (db.iamDatabaseAuthenticationEnabled !== true) {
                report("Set iamDatabaseAuthenticationEnabled: true.");
            }
        }),
        validateResourceOfType(aws.rds.Cluster, (cluster: Cluster, _args, report) => {
            if (cluster.iamDatabaseAuthenticationEnabled !== true) {
                report("Set iamDatabaseAuthenticationEnabled: true on the cluster.");
            }
        }),
    ],
};

export const rdsPerformanceInsights: ResourceValidationPolicy = {
    name: "rds-performance-insights-encrypted",
    description: "Performance Insights is on and encrypted with a customer managed key.",
    enforcementLevel: mandatory,
    validateResource: [
        validateResourceOfType(aws.rds.Instance, (db, _args, report) => {
            // Unset is off; an unset key means the AWS managed key.
            if (db.performanceInsightsEnabled !== true || !db.performanceInsightsKmsKeyId) {
                report(
                    "Set performanceInsightsEnabled: true and performanceInsightsKmsKeyId to the shard's key.",
                );
            }
        }),
        validateResourceOfType(aws.rds.ClusterInstance, (db: ClusterInstance, _args, report) => {
            if (db.performanceInsightsEnabled !== true || !db.performanceInsightsKmsKeyId) {
                report(
                    "Set performanceInsightsEnabled: true and performanceInsightsKmsKeyId to the shard's key.",
                );
            }
        }),
    ],
};

export const rdsEnhancedMonitoring: ResourceValidationPolicy = {
    name: "rds-enhanced-monitoring",
    description: "Enhanced Monitoring is on, with its role.",
    enforcementLevel: mandatory,
    validateResource: [
        validateResourceOfType(aws.rds.Instance, (db, _args, report) => {
            // Unset monitoringInterval is 0: off.
            if (!db.monitoringInterval || !db.monitoringRoleArn) {
                report("Set monitoringInterval (1 to 60 s) and monitoringRoleArn.");
            }
        }),
        validateResourceOfType(aws.rds.ClusterInstance, (db: ClusterInstance, _args, report) => {
            if (!db.monitoringInterval || !db.monitoringRoleArn) {
                report("Set monitoringInterval (1 to 60 s) and monitoringRoleArn.");
            }
        }),
    ],
};

export const rdsLogExports: ResourceValidationPolicy = {
    name: "rds-log-exports",
    description: "PostgreSQL and upgrade logs are exported to CloudWatch Logs.",
    enforcementLevel: mandatory,
    validateResource: [
        validateResourceOfType(aws.rds.Instance, (db, _args, report) => {
            // Unset exports nothing.
            const exported = db.enabledCloudwatchLogsExports ?? [];
            const missing = ["postgresql", "upgrade"].filter((log) => !exported.includes(log));
            if (missing.length > 0) {
                report(`Add ${missing.join(" and ")} to enabledCloudwatchLogsExports.`);
            }
        }),
        validateResourceOfType(aws.rds.Cluster, (cluster: Cluster, _args, report) => {
            // Aurora PostgreSQL exports its PostgreSQL log; it has no separate upgrade log.
            if (!(cluster.enabledCloudwatchLogsExports ?? []).includes("postgresql")) {
                report("Add postgresql to the cluster's enabledCloudwatchLogsExports.");
            }
        }),
    ],
};

export const currentCertificateAuthorities = [
    "rds-ca-rsa2048-g1",
    "rds-ca-rsa4096-g1",
    "rds-ca-ecc384-g1",
];

export const rdsCurrentCa: ResourceValidationPolicy = {
    name: "rds-current-ca",
    description: "The server certificate comes from a current RDS certificate authority.",
    enforcementLevel: mandatory,
    validateResource: [
        validateResourceOfType(aws.rds.Instance, (db, _args, report) => {
            // Unset takes the region's default, which can be an expiring CA; pin it.
            if (!currentCertificateAuthorities.includes(db.caCertIdentifier ?? "")) {
                report(
                    `Set caCertIdentifier to one of ${currentCertificateAuthorities.join(", ")} (it is ${db.caCertIdentifier ?? "unset"}).`,
                );
            }
        }),
        validateResourceOfType(aws.rds.ClusterInstance, (db: ClusterInstance, _args, report) => {
            if (!currentCertificateAuthorities.includes(db.caCertIdentifier ?? "")) {
                report(
                    `Set caCertIdentifier to one of ${currentCertificateAuthorities.join(", ")} (it is ${db.caCertIdentifier ?? "unset"}).`,
                );
            }
        }),
    ],
};

export const rdsAllowedClasses: ResourceValidationPolicy = {
    name: "rds-allowed-instance-classes",
    description:
        "Instance classes come from the allowed families (Graviton r6g and r7g by default).",
    enforcementLevel: mandatory,
    configSchema: {
        properties: {
            // Config refuses other families; a policy config may narrow the list.
            allowedFamilies: {
                type: "array",
                items: { type: "string" },
                default: [...allowedInstanceFamilies],
            },
        },
    },
    validateResource: [
        validateResourceOfType(aws.rds.Instance, (db, args, report) => {
            const { allowedFamilies } = args.getConfig<{ allowedFamilies: string[] }>();
            const family = instanceFamily(String(db.instanceClass));
            if (!allowedFamilies.includes(family)) {
                report(
                    `Use an instance class of ${allowedFamilies.join(", ")} (${db.instanceClass} is not allowed).`,
                );
            }
        }),
        validateResourceOfType(aws.rds.ClusterInstance, (db: ClusterInstance, args, report) => {
            const { allowedFamilies } = args.getConfig<{ allowedFamilies: string[] }>();
            const family = instanceFamily(String(db.instanceClass));
            if (!allowedFamilies.includes(family)) {
                report(
                    `Use an instance class of ${allowedFamilies.join(", ")} (${db.instanceClass} is not allowed).`,
                );
            }
        }),
    ],
};

export const rdsStorageType: ResourceValidationPolicy = {
    name: "rds-storage-type",
    description: "Instance storage is gp3 or provisioned IOPS; Aurora storage states its tier.",
    enforcementLevel: mandatory,
    validateResource: [
        validateResourceOfType(aws.rds.Instance, (db, _args, report) => {
            // Unset is gp2 on new instances.
            if (!["gp3", "io1", "io2"].includes(db.storageType ?? "")) {
                report(
                    `Set storageType to gp3, io1 or io2 (it is ${db.storageType ?? "unset, which means gp2"}).`,
                );
            }
        }),
        validateResourceOfType(aws.rds.Cluster, (cluster: Cluster, _args, report) => {
            // Unset leaves the tier to AWS (Standard); stating it makes a change of tier visible.
            if (!["aurora", "aurora-iopt1"].includes(cluster.storageType ?? "")) {
                report(
                    `Set storageType to aurora or aurora-iopt1 (it is ${cluster.storageType ?? "unset"}).`,
                );
            }
        }),
    ],
};

export { storageLimitsGiB };

export const rdsStorageLimits: ResourceValidationPolicy = {
    name: "rds-storage-within-limits",
    description:
        "Allocated storage and the autoscaling ceiling stay within RDS for PostgreSQL's limits.",
    enforcementLevel: mandatory,
    validateResource: validateResourceOfType(aws.rds.Instance, (db, _args, report) => {
        const { min, max } = storageLimitsGiB;
        if (
            db.allocatedStorage !== undefined &&
            (db.allocatedStorage < min || db.allocatedStorage > max)
        ) {
            report(
                `Set allocatedStorage between ${min} and ${max} GiB (it is ${db.allocatedStorage}).`,
            );
        }
        // Unset maxAllocatedStorage means no autoscaling: a full disk stops the database.
        if (db.maxAllocatedStorage === undefined || db.maxAllocatedStorage > max) {
            report(
                `Set maxAllocatedStorage, at most ${max} GiB, so storage autoscales (it is ${db.maxAllocatedStorage ?? "unset"}).`,
            );
        } else if (
            db.allocatedStorage !== undefined &&
            db.maxAllocatedStorage < Math.ceil(db.allocatedStorage * autoscalingHeadroom)
        ) {
            report(
                `Set maxAllocatedStorage at least 10% above allocatedStorage (${Math.ceil(db.allocatedStorage * autoscalingHeadroom)} GiB).`,
            );
        }
    }),
};

/** What a same-region replica inherits and AWS refuses on CreateDBInstanceReadReplica. */
export const replicaForbiddenSettings = [
    "username",
    "password",
    "dbName",
    "engineVersion",
    "allocatedStorage",
    "backupWindow",
    "finalSnapshotIdentifier",
] as const;

export const rdsReplicaSettings: ResourceValidationPolicy = {
    name: "rds-replica-settings",
    description: "Replicas set nothing AWS rejects on a replica, and take no final snapshot.",
    enforcementLevel: mandatory,
    validateResource: validateResourceOfType(aws.rds.Instance, (db, _args, report) => {
        if (!isReplica(db)) {
            return;
        }
        const set = replicaForbiddenSettings.filter((key) => db[key] !== undefined);
        if (set.length > 0) {
            report(`Remove ${set.join(", ")} from the replica: it inherits them from its source.`);
        }
        // AWS refuses a final snapshot of a replica at deletion.
        if (db.skipFinalSnapshot !== true) {
            report(
                "Set skipFinalSnapshot: true on the replica: AWS takes no final snapshot of a replica.",
            );
        }
    }),
};

export const rdsCrossRegionReplica: ResourceValidationPolicy = {
    name: "rds-cross-region-replica-source-and-key",
    description:
        "A replica in another region names its source by ARN and brings a KMS key of its own region.",
    enforcementLevel: mandatory,
    validateResource: validateResourceOfType(aws.rds.Instance, (db, args, report) => {
        const source = db.replicateSourceDb;
        const region = args.provider?.props?.region;
        const sourceRegion =
            typeof source === "string" && source.startsWith("arn:")
                ? source.split(":")[3]
                : undefined;
        if (!source || !sourceRegion || !region || sourceRegion === region) {
            return;
        }
        const keyRegion = typeof db.kmsKeyId === "string" ? db.kmsKeyId.split(":")[3] : undefined;
        if (keyRegion !== region) {
            report(
                `Set kmsKeyId to a key in ${region}: a cross-region replica cannot use its source's key (${db.kmsKeyId ?? "unset"}).`,
            );
        }
    }),
};

export const auroraPromotionTier: ResourceValidationPolicy = {
    name: "aurora-promotion-tier",
    description: "Every Aurora instance states its promotion tier, 0 to 15.",
    enforcementLevel: mandatory,
    validateResource: validateResourceOfType(aws.rds.ClusterInstance, (db, _args, report) => {
        // Unset, the provider sends 0 where the API would default to 1: every instance would
        // share the writer's tier, and a reader could be promoted over the standby.
        // Source: @pulumi/aws rds.ClusterInstance promotionTier ("Default 0").
        const tier = db.promotionTier;
        if (tier === undefined || !Number.isInteger(tier) || tier < 0 || tier > 15) {
            report(`Set promotionTier to a whole number from 0 to 15 (it is ${tier ?? "unset"}).`);
        }
    }),
};

export const rdsPolicies: ResourceValidationPolicy[] = [
    rdsStorageEncrypted,
    rdsNotPublic,
    rdsBackups,
    rdsDeletionSafety,
    rdsIamAuthentication,
    rdsPerformanceInsights,
    rdsEnhancedMonitoring,
    rdsLogExports,
    rdsCurrentCa,
    rdsAllowedClasses,
    rdsStorageType,
    rdsStorageLimits,
    rdsReplicaSettings,
    rdsCrossRegionReplica,
    auroraPromotionTier,
];

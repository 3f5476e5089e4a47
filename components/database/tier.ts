/**
 * What a shard needs from its database tier, whichever engine runs it. `aurora.ts` and
 * `postgres.ts` each build one; the RegionalShard uses only this interface.
 */

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ExtraParameters } from "../parameters";
import { RestoreSource } from "../restore";
import { OperationSettings } from "../defaults";
import { Engine } from "../engines";
import { Placement } from "../placement";

/** The handful of things every child of a shard needs: where it hangs, how it is named and tagged. */
export interface ShardScope {
    readonly parent: pulumi.Resource;
    /** The shard's name: the prefix of every child's Pulumi name. */
    readonly name: string;
    readonly region: string;
    /** The physical name of a shard resource: `geoshard-prod-europe-<suffix>`. */
    readonly identifier: (suffix: string) => string;
    readonly tags: (role: string, resource?: string) => Record<string, string>;
    /** The shard's customer managed key. */
    readonly key: aws.kms.Key;
    readonly logRetentionDays: number;
    /** CloudWatch names of the alarms created so far; `createAlarm` adds to it. */
    readonly alarmNames: string[];
}

/** What an instance is in the shard: its role decides its class, tier and protection. */
export type InstanceRole = "writer" | "standby" | "reader" | "recovery";

/** One database instance, as the plan, the alarms and the summary see it. */
export interface TierInstance {
    readonly role: InstanceRole;
    /** `writer`, `standby`, `reader-1`...: the stable part of its names. */
    readonly label: string;
    readonly identifier: string;
    readonly instanceClass: string;
    readonly availabilityZone: string;
    /** Aurora's failover priority, 0 first; undefined on RDS for PostgreSQL. */
    readonly promotionTier?: number;
    /** Pulumi `protect`: no `up` or `destroy` may delete it. */
    readonly protect: boolean;
    /** RDS deletion protection (on the cluster, for Aurora instances). */
    readonly deletionProtection: boolean;
    readonly resource: aws.rds.Instance | aws.rds.ClusterInstance;
    /** The instance's own host name: direct, it does not follow a failover. */
    readonly address: pulumi.Output<string>;
}

/** Where reads go: Aurora's custom reader endpoint, or RDS read replicas one by one. */
export type ReadTargets =
    | { readonly kind: "endpoint"; readonly address: pulumi.Output<string> }
    | {
          readonly kind: "replicas";
          readonly replicas: readonly {
              readonly label: string;
              readonly address: pulumi.Output<string>;
              /** The replica-lag alarm that takes it out of `reader.<shard>`. */
              readonly lagAlarmName: pulumi.Output<string>;
          }[];
      };

export interface DatabaseTier {
    readonly engine: Engine;
    /** The parameters the groups set, by name: Aurora's cluster group, and the instances'. */
    readonly parameters: {
        readonly cluster?: Readonly<Record<string, string>>;
        readonly instance: Readonly<Record<string, string>>;
    };
    /** The host name that follows a failover: the cluster endpoint, or the Multi-AZ endpoint. */
    readonly writerEndpoint: pulumi.Output<string>;
    readonly reads: ReadTargets;
    readonly port: number;
    readonly instances: readonly TierInstance[];
    /** The cluster's identifier, or the master's. */
    readonly identifier: string;
    /** The cluster's ARN, or the master's: what a recovery copy replicates. */
    readonly arn: pulumi.Output<string>;
    /** CloudWatch dimensions that always name the current writer. */
    readonly writerDimensions: Record<string, string>;
    /**
     * Each reader's lag alarm, which fires while the reader lags or reports nothing: Route 53
     * reads them to tell whether reads can stay home. Empty without readers: reads then go
     * where the writer is, and Route 53 checks the writer.
     */
    readonly readerLagAlarms: readonly { label: string; name: pulumi.Output<string> }[];
    /** The resource a `pulumi up` must wait for before anything connects: the writer. */
    readonly writerReady: pulumi.Resource;
    /** What RDS Proxy targets: the cluster, or the master instance. */
    readonly proxyTarget:
        | { readonly dbClusterIdentifier: pulumi.Output<string> }
        | { readonly dbInstanceIdentifier: pulumi.Output<string> };
    /**
     * What the RDS event subscriptions watch: the cluster and its instances (Aurora reports a
     * failover as a cluster event), or the instances (RDS reports a Multi-AZ failover on the
     * master). The first is the shard's `<shard>-events`, a second `<shard>-instance-events`.
     */
    readonly events: readonly {
        readonly sourceType: "db-cluster" | "db-instance";
        readonly sourceIds: pulumi.Output<string>[];
        readonly categories: readonly string[];
    }[];
}

/** What both engines take. */
export interface DatabaseTierArgs {
    readonly engineVersion: string;
    readonly writerClass: string;
    readonly readerClass: string;
    readonly placement: Placement;
    readonly backupRetentionDays: number;
    readonly monitoringIntervalSeconds: number;
    readonly monitoringRole: { readonly arn: pulumi.Output<string>; ready: pulumi.Resource };
    readonly securityGroupId: pulumi.Output<string>;
    readonly subnetGroupName: pulumi.Output<string>;
    readonly databaseName: string;
    readonly username: string;
    readonly password: pulumi.Output<string>;
    /** Where the database starts from, instead of empty (restore.ts). @default - empty */
    readonly restore?: RestoreSource;
    /** Extra parameters (parameters.ts), merged into the parameter groups. */
    readonly extraParameters: ExtraParameters;
    /** Daily backup window, UTC (`hh24:mi-hh24:mi`). */
    readonly backupWindow: string;
    /** Weekly maintenance window, UTC (`ddd:hh24:mi-ddd:hh24:mi`). */
    readonly maintenanceWindow: string;
    readonly deletionProtection: boolean;
    /** Pulumi `protect` on the data: the cluster and both writer-class instances, or the master. */
    readonly protect: boolean;
    /** Most WAL a logical slot may hold back, in MB (`max_slot_wal_keep_size`). */
    readonly slotWalLimitMb: number;
    readonly operations: OperationSettings;
    readonly alarmTopicArn: pulumi.Output<string>;
}

/** Parameters CDC, TLS and statement statistics need from the first boot, on both engines. */
export function replicationParameters(
    slotWalLimitMb: number,
): { name: string; value: string; applyMethod?: string }[] {
    return [
        { name: "rds.force_ssl", value: "1" },
        // Static: only a reboot applies them, and a new cluster boots with them.
        { name: "rds.logical_replication", value: "1", applyMethod: "pending-reboot" },
        {
            name: "shared_preload_libraries",
            value: "pg_stat_statements",
            applyMethod: "pending-reboot",
        },
        // A slot nobody reads may hold this much WAL; past it PostgreSQL gives up the slot rather
        // than the storage, and CDC must reload.
        { name: "max_slot_wal_keep_size", value: String(slotWalLimitMb) },
    ];
}

/**
 * The name prefixes of the log groups `exportedLogGroups` declares for clusters and instances
 * whose identifiers start with `identifierPrefix`: what a key lets CloudWatch Logs encrypt.
 */
export function rdsLogGroupPrefixes(identifierPrefix: string): string[] {
    return [`/aws/rds/cluster/${identifierPrefix}`, `/aws/rds/instance/${identifierPrefix}`];
}

/**
 * The log groups RDS exports a cluster's or an instance's logs into, created first so they carry
 * the scope's key and a retention period (RDS would otherwise create them unencrypted and keep
 * them forever). RDS finds them by name: `/aws/rds/<cluster|instance>/<identifier>/<log>`.
 * Pulumi names: `<prefix>-<log>-logs`; tag names: `<tagPrefix><log>-logs`.
 */
export function exportedLogGroups(
    scope: ShardScope,
    of: {
        readonly kind: "cluster" | "instance";
        readonly identifier: string;
        readonly prefix: string;
        readonly tagPrefix: string;
    },
    logTypes: readonly string[],
    provider?: aws.Provider,
): aws.cloudwatch.LogGroup[] {
    return logTypes.map(
        (logType) =>
            new aws.cloudwatch.LogGroup(
                `${of.prefix}-${logType}-logs`,
                {
                    name: `/aws/rds/${of.kind}/${of.identifier}/${logType}`,
                    retentionInDays: scope.logRetentionDays,
                    kmsKeyId: scope.key.arn,
                    tags: scope.tags("logs", `${of.tagPrefix}${logType}-logs`),
                },
                { parent: scope.parent, provider },
            ),
    );
}

/** A parameter list as the plan shows it: name to value. */
export function parameterValues(
    parameters: readonly { name: string; value: string }[],
): Record<string, string> {
    return Object.fromEntries(parameters.map((p) => [p.name, p.value]));
}

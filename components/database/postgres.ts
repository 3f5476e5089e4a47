/**
 * The RDS for PostgreSQL tier of a shard: a Multi-AZ master, whose synchronous standby AWS runs
 * and fails over to, plus read replicas spread over the AZs. The cheaper engine; its failover
 * takes minutes rather than seconds (see failoverBudget.ts).
 *
 * Children: `<shard>-params`, `<shard>-master`, `<shard>-reader-<n>`, each instance's log groups
 * `<shard>-<label>-<log>-logs`, and the alarms `<shard>-<label>-<metric>`.
 */

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AlarmSpec, createAlarm, instanceAlarmSpecs } from "../alarms";
import { instanceDefaults, postgresPort } from "../defaults";
import { mergeParameters } from "../parameters";
import { instanceStartInputs, restoredIgnoreChanges } from "../restore";
import { parameterFamily } from "../engines";
import {
    DatabaseTier,
    DatabaseTierArgs,
    exportedLogGroups,
    parameterValues,
    replicationParameters,
    ShardScope,
    TierInstance,
} from "./tier";

/**
 * The most WAL a stalled CDC slot may hold on RDS, as a share of the allocated storage
 * (`max_slot_wal_keep_size`). Past it PostgreSQL gives up the slot rather than the storage: the
 * master keeps running, and CDC must reload.
 */
export const slotWalLimitPercent = 20;

/** RDS exports these logs into `/aws/rds/instance/<identifier>/<log>`. */
export const postgresLogTypes = ["postgresql", "upgrade"] as const;

export interface PostgresTierArgs extends DatabaseTierArgs {
    readonly allocatedStorageGiB: number;
    readonly maxAllocatedStorageGiB: number;
}

export function createPostgresTier(scope: ShardScope, args: PostgresTierArgs): DatabaseTier {
    const { name, parent } = scope;
    // RDS for PostgreSQL has one DB parameter group: the extra `instance` parameters go there.
    const parameters = mergeParameters(
        replicationParameters(args.slotWalLimitMb),
        args.extraParameters.instance,
    );
    const parameterGroup = new aws.rds.ParameterGroup(
        `${name}-params`,
        {
            family: parameterFamily("postgres", args.engineVersion),
            description: `geoshard shard ${name}, RDS for PostgreSQL`,
            parameters,
            tags: scope.tags("database", "params"),
        },
        { parent },
    );

    const common = {
        storageType: "gp3",
        maxAllocatedStorage: args.maxAllocatedStorageGiB,
        vpcSecurityGroupIds: [args.securityGroupId],
        publiclyAccessible: false,
        parameterGroupName: parameterGroup.name,
        iamDatabaseAuthenticationEnabled: true,
        performanceInsightsEnabled: true,
        performanceInsightsKmsKeyId: scope.key.arn,
        performanceInsightsRetentionPeriod: instanceDefaults.performanceInsightsRetentionDays,
        monitoringInterval: args.monitoringIntervalSeconds,
        monitoringRoleArn: args.monitoringRole.arn,
        enabledCloudwatchLogsExports: [...postgresLogTypes],
        caCertIdentifier: instanceDefaults.caCertificateIdentifier,
        autoMinorVersionUpgrade: true,
        copyTagsToSnapshot: true,
        // Inherited from the source on replicas and ignored on creation, but stated: the
        // provider reads the inherited value back, and an unset one plans a replacement.
        storageEncrypted: true,
    } satisfies Partial<aws.rds.InstanceArgs>;

    const master = createInstance(
        scope,
        "master",
        {
            ...common,
            instanceClass: args.writerClass,
            // AWS keeps a synchronous standby in another AZ and fails over to it. Both AZs are
            // AWS's choice: CreateDBInstance refuses an AvailabilityZone with MultiAZ, and the
            // primary's AZ changes with every failover.
            // Sources: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZSingleStandby.html,
            // https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (AvailabilityZone)
            multiAz: true,
            engine: "postgres",
            engineVersion: args.engineVersion,
            allocatedStorage: args.allocatedStorageGiB,
            kmsKeyId: scope.key.arn,
            // A restored instance takes its database and master user from the source.
            ...instanceStartInputs(args.restore, args),
            password: args.password,
            dbSubnetGroupName: args.subnetGroupName,
            backupRetentionPeriod: args.backupRetentionDays,
            // Both change in place (ModifyDBInstance): backup_window and maintenance_window
            // are not ForceNew (hashicorp/terraform-provider-aws internal/service/rds/instance.go).
            backupWindow: args.backupWindow,
            maintenanceWindow: args.maintenanceWindow,
            deleteAutomatedBackups: false,
            deletionProtection: args.deletionProtection,
            skipFinalSnapshot: false,
            finalSnapshotIdentifier: scope.identifier("master-final"),
            tags: scope.tags("writer", "master"),
        },
        {
            protect: args.protect,
            dependsOn: [args.monitoringRole.ready],
            // A restored instance never diffs what it was created from (restore.ts).
            ...(args.restore ? { ignoreChanges: [...restoredIgnoreChanges.instance] } : {}),
        },
    );

    // A same-region replica names its source by identifier and inherits engine, version,
    // credentials, database, storage size, key and subnet group; AWS refuses those on a
    // replica, and a final snapshot of one. Replicas are created one after another: RDS answers
    // "DB instance is not in the available state" to a replica requested while the source is
    // busy with the previous one.
    // Sources: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstanceReadReplica.html,
    // https://github.com/hashicorp/terraform-provider-aws/issues/43474
    const replicas: aws.rds.Instance[] = [];
    args.placement.readers.forEach((az, i) => {
        const label = `reader-${i + 1}`;
        replicas.push(
            createInstance(
                scope,
                label,
                {
                    ...common,
                    instanceClass: args.readerClass,
                    multiAz: false,
                    availabilityZone: az,
                    replicateSourceDb: master.identifier,
                    // Replicas hold nothing the master does not: lowering replicaCount removes
                    // one in a single `pulumi up`, and AWS takes no final snapshot of a replica.
                    deletionProtection: false,
                    skipFinalSnapshot: true,
                    tags: scope.tags("reader", label),
                },
                {
                    protect: false,
                    dependsOn: [replicas[i - 1] ?? master, args.monitoringRole.ready],
                },
            ),
        );
    });

    const instances: TierInstance[] = [
        {
            role: "writer",
            label: "master",
            identifier: scope.identifier("master"),
            instanceClass: args.writerClass,
            availabilityZone: "Multi-AZ (AWS's choice)",
            protect: args.protect,
            deletionProtection: args.deletionProtection,
            resource: master,
            address: master.address,
        },
        ...replicas.map((resource, i): TierInstance => ({
            role: "reader",
            label: `reader-${i + 1}`,
            identifier: scope.identifier(`reader-${i + 1}`),
            instanceClass: args.readerClass,
            availabilityZone: args.placement.readers[i],
            protect: false,
            deletionProtection: false,
            resource,
            address: resource.address,
        })),
    ];
    const lagAlarms = createPostgresAlarms(scope, args, instances);

    return {
        engine: "postgres",
        parameters: { instance: parameterValues(parameters) },
        // The Multi-AZ endpoint moves to the standby on a failover.
        writerEndpoint: master.address,
        reads: {
            kind: "replicas",
            replicas: replicas.map((replica, i) => ({
                label: `reader-${i + 1}`,
                address: replica.address,
                lagAlarmName: lagAlarms[i].name,
            })),
        },
        port: postgresPort,
        instances,
        identifier: scope.identifier("master"),
        arn: master.arn,
        writerDimensions: { DBInstanceIdentifier: scope.identifier("master") },
        readerLagAlarms: replicas.map((_, i) => ({
            label: `reader-${i + 1}`,
            name: lagAlarms[i].name,
        })),
        writerReady: master,
        proxyTarget: { dbInstanceIdentifier: master.identifier },
        // RDS reports a Multi-AZ failover on the master itself.
        // Source: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Events.Messages.html
        events: [
            {
                sourceType: "db-instance",
                sourceIds: [master.identifier, ...replicas.map((r) => r.identifier)],
                categories: ["failover", "failure", "maintenance", "notification"],
            },
        ],
    };
}

/**
 * One instance and the log groups RDS exports its logs into, created first so they carry the
 * shard's key and a retention period (RDS would otherwise create them unencrypted, kept forever).
 */
function createInstance(
    scope: ShardScope,
    label: string,
    instanceArgs: Omit<aws.rds.InstanceArgs, "identifier">,
    opts: { protect: boolean; dependsOn: pulumi.Resource[]; ignoreChanges?: string[] },
): aws.rds.Instance {
    const identifier = scope.identifier(label);
    const logGroups = exportedLogGroups(
        scope,
        { kind: "instance", identifier, prefix: `${scope.name}-${label}`, tagPrefix: `${label}-` },
        postgresLogTypes,
    );
    return new aws.rds.Instance(
        `${scope.name}-${label}`,
        { ...instanceArgs, identifier },
        {
            parent: scope.parent,
            protect: opts.protect,
            dependsOn: [...opts.dependsOn, ...logGroups],
            ...(opts.ignoreChanges ? { ignoreChanges: opts.ignoreChanges } : {}),
        },
    );
}

/**
 * CPU, storage, memory and connections on every instance, replica lag on every replica (it also
 * takes a lagging replica out of `reader.<shard>`), and the CDC slot's lag on the master.
 * Returns the replicas' lag alarms, in replica order.
 */
function createPostgresAlarms(
    scope: ShardScope,
    args: PostgresTierArgs,
    instances: readonly TierInstance[],
): aws.cloudwatch.MetricAlarm[] {
    const s = args.operations;
    const gib = 2 ** 30;
    const lagAlarms: aws.cloudwatch.MetricAlarm[] = [];
    for (const db of instances) {
        const dimensions = { DBInstanceIdentifier: db.identifier };
        const specs: AlarmSpec[] = [
            ...instanceAlarmSpecs(db.label, db.identifier, db.instanceClass, s),
            {
                what: `${db.label}-free-storage`,
                metricName: "FreeStorageSpace",
                dimensions,
                statistic: "Minimum",
                comparison: "LessThanThreshold",
                threshold: Math.round(
                    (args.allocatedStorageGiB * gib * s.freeStorageAlarmPercent) / 100,
                ),
                minutes: 5,
                description: `${db.identifier}: free storage below ${s.freeStorageAlarmPercent}% of the ${args.allocatedStorageGiB} GiB allocated`,
            },
        ];
        for (const spec of specs) {
            createAlarm(scope, args.alarmTopicArn, spec);
        }
        if (db.role === "reader") {
            lagAlarms.push(
                createAlarm(scope, args.alarmTopicArn, {
                    what: `${db.label}-replica-lag`,
                    metricName: "ReplicaLag",
                    dimensions,
                    statistic: "Maximum",
                    comparison: "GreaterThanThreshold",
                    threshold: s.replicaLagAlarmSeconds,
                    minutes: 3,
                    description: `${db.identifier}: replication lag above ${s.replicaLagAlarmSeconds} s for 3 minutes, or no lag reported`,
                    // A replica that reports no lag is down or not replicating: take it out.
                    treatMissingData: "breaching",
                }),
            );
        }
    }
    const master = { DBInstanceIdentifier: scope.identifier("master") };
    const slotLagAlarmMb = Math.floor(args.slotWalLimitMb / 2);
    for (const [what, metricName, description] of [
        [
            "replication-slot-lag",
            "OldestReplicationSlotLag",
            `a replication slot holds back more than ${slotLagAlarmMb} MB of WAL, half its cap: is CDC reading?`,
        ],
        ["transaction-logs-disk", "TransactionLogsDiskUsage", `WAL above ${slotLagAlarmMb} MB`],
    ] as const) {
        createAlarm(scope, args.alarmTopicArn, {
            what,
            metricName,
            dimensions: master,
            statistic: "Maximum",
            comparison: "GreaterThanThreshold",
            threshold: slotLagAlarmMb * 2 ** 20,
            minutes: 5,
            description: `${scope.identifier("master")}: ${description}`,
        });
    }
    return lagAlarms;
}

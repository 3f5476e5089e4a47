/**
 * The Aurora PostgreSQL tier of a shard: one cluster with a writer, a standby of the writer's
 * class at the writer's promotion tier in another AZ, and readers at a lower tier behind a custom
 * READER endpoint that lists only them. Aurora replicates storage six ways over three AZs and
 * promotes the best-tier replica on a writer failure; nothing here re-implements that.
 *
 * Children: `<shard>-cluster-params`, `<shard>-instance-params`, `<shard>-cluster`,
 * `<shard>-cluster-postgresql-logs`, `<shard>-writer`, `<shard>-standby`, `<shard>-reader-<n>`,
 * `<shard>-readers-endpoint`, and the alarms `<shard>-<label>-<metric>`.
 */

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AlarmSpec, createAlarm, instanceAlarmSpecs } from "../alarms";
import { instanceDefaults, postgresPort } from "../defaults";
import {
    AuroraStorageType,
    parameterFamily,
    ReaderAutoscaling,
    readerScalingMetrics,
} from "../engines";
import { mergeParameters } from "../parameters";
import { clusterStartInputs, restoredIgnoreChanges } from "../restore";
import {
    DatabaseTier,
    DatabaseTierArgs,
    exportedLogGroups,
    InstanceRole,
    parameterValues,
    replicationParameters,
    ShardScope,
    TierInstance,
} from "./tier";

/**
 * Promotion tiers: the standby shares the writer's tier 0, so Aurora fails over to it (the
 * larger instance wins a tie); readers sit at the last tier, 15, and are promoted only when
 * both writer-class instances are gone. A recovery region's instances lead their own cluster, at
 * 0. The provider defaults to 0, the API to 1: every instance states its tier.
 * Source: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.AuroraHighAvailability.html
 */
export const promotionTiers = { writer: 0, standby: 0, reader: 15, recovery: 0 } as const;

/** Aurora exports PostgreSQL logs into `/aws/rds/cluster/<cluster>/postgresql`. */
export const auroraLogTypes = ["postgresql"] as const;

/** Every Aurora instance's parameters: slow statements and lock waits go to the exported log. */
export const auroraInstanceParameters = [
    { name: "log_min_duration_statement", value: "1000" },
    { name: "log_lock_waits", value: "1" },
] as const;

/**
 * The RDS event categories a shard's Aurora clusters report, home and recovery: failovers within
 * a region, and a global database's switchovers and failovers (`global-failover`, RDS-EVENT-0181
 * to 0187, 0238 to 0241, and 0397 once the global writer endpoint points at the new primary).
 * Source: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_Events.Messages.html
 */
export const auroraClusterEventCategories = [
    "failover",
    "failure",
    "global-failover",
    "maintenance",
    "notification",
] as const;

export interface AuroraTierArgs extends DatabaseTierArgs {
    readonly storageType: AuroraStorageType;
    /** Reader autoscaling above the declared readers. @default - none */
    readonly readerAutoscaling?: ReaderAutoscaling;
    /** Alarm when the cluster volume passes this size. */
    readonly volumeAlarmGiB: number;
    /** The cluster is the primary of a global database (it has a recovery region). */
    readonly global: boolean;
}

/** What every Aurora cluster of a shard states, the home cluster and a recovery secondary. */
export function auroraClusterSettings(a: {
    engineVersion: string;
    keyArn: pulumi.Input<string>;
    storageType: AuroraStorageType;
    subnetGroupName: pulumi.Input<string>;
    securityGroupId: pulumi.Input<string>;
    parameterGroupName: pulumi.Input<string>;
    backupRetentionDays: number;
    deletionProtection: boolean;
    /**
     * Backup and maintenance windows, UTC. Both change in place (ModifyDBCluster): the
     * provider's preferred_backup_window and preferred_maintenance_window are not ForceNew
     * (hashicorp/terraform-provider-aws internal/service/rds/cluster.go).
     * @default - 03:00-04:00 and sun:04:30-sun:05:30 UTC
     */
    windows?: { readonly backup: string; readonly maintenance: string };
}) {
    return {
        engine: "aurora-postgresql",
        engineMode: "provisioned",
        engineVersion: a.engineVersion,
        storageEncrypted: true,
        kmsKeyId: a.keyArn,
        storageType: a.storageType,
        dbSubnetGroupName: a.subnetGroupName,
        vpcSecurityGroupIds: [a.securityGroupId],
        dbClusterParameterGroupName: a.parameterGroupName,
        iamDatabaseAuthenticationEnabled: true,
        backupRetentionPeriod: a.backupRetentionDays,
        preferredBackupWindow: a.windows?.backup ?? instanceDefaults.backupWindow,
        preferredMaintenanceWindow: a.windows?.maintenance ?? instanceDefaults.maintenanceWindow,
        copyTagsToSnapshot: true,
        deletionProtection: a.deletionProtection,
        enabledCloudwatchLogsExports: [...auroraLogTypes],
    } satisfies Partial<aws.rds.ClusterArgs>;
}

/** What every Aurora instance of a shard states, home or recovery. */
export function auroraInstanceSettings(a: {
    clusterId: pulumi.Input<string>;
    instanceClass: string;
    promotionTier: number;
    availabilityZone: string;
    subnetGroupName: pulumi.Input<string>;
    parameterGroupName: pulumi.Input<string>;
    keyArn: pulumi.Input<string>;
    monitoringIntervalSeconds: number;
    monitoringRoleArn: pulumi.Input<string>;
}) {
    return {
        clusterIdentifier: a.clusterId,
        engine: "aurora-postgresql",
        instanceClass: a.instanceClass,
        promotionTier: a.promotionTier,
        availabilityZone: a.availabilityZone,
        dbSubnetGroupName: a.subnetGroupName,
        dbParameterGroupName: a.parameterGroupName,
        publiclyAccessible: false,
        // Minor upgrades come from config (engines.ts): an instance that upgraded itself would
        // leave the cluster's configured version behind.
        autoMinorVersionUpgrade: false,
        caCertIdentifier: instanceDefaults.caCertificateIdentifier,
        performanceInsightsEnabled: true,
        performanceInsightsKmsKeyId: a.keyArn,
        performanceInsightsRetentionPeriod: instanceDefaults.performanceInsightsRetentionDays,
        monitoringInterval: a.monitoringIntervalSeconds,
        monitoringRoleArn: a.monitoringRoleArn,
        copyTagsToSnapshot: true,
    } satisfies Partial<aws.rds.ClusterInstanceArgs>;
}

export function createAuroraTier(scope: ShardScope, args: AuroraTierArgs): DatabaseTier {
    const { name, parent } = scope;
    const family = parameterFamily("aurora-postgresql", args.engineVersion);
    const clusterParameters = mergeParameters(
        [
            // Whether Aurora applies rds.force_ssl and max_slot_wal_keep_size without a
            // reboot is not documented; AWS accepts pending-reboot for dynamic and static
            // parameters alike (immediate only for dynamic ones), and a new cluster boots
            // with every parameter of its group.
            ...replicationParameters(args.slotWalLimitMb).map((p) => ({
                ...p,
                applyMethod: "pending-reboot",
            })),
            // Cluster cache management: the tier-0 standby keeps the writer's buffer cache
            // warm, so a failover lands on a warm cache. It needs the standby in the
            // writer's class at tier 0, which this tier guarantees. AWS rules it out only
            // for the *secondary* clusters of a global database ("isn't supported for
            // Aurora PostgreSQL secondary DB clusters"), so the home cluster keeps it with
            // or without a recovery region; the secondary's group (recovery.ts) goes
            // without. After a switchover this cluster is a secondary, where the parameter
            // has no effect until it is primary again.
            // Source: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraPostgreSQL.cluster-cache-mgmt.html
            { name: "apg_ccm_enabled", value: "1" },
        ],
        args.extraParameters.cluster,
    );
    const instanceParameters = mergeParameters(
        auroraInstanceParameters,
        args.extraParameters.instance,
    );
    const clusterParams = new aws.rds.ClusterParameterGroup(
        `${name}-cluster-params`,
        {
            family,
            description: `geoshard shard ${name}, Aurora PostgreSQL cluster`,
            parameters: clusterParameters,
            tags: scope.tags("database", "cluster-params"),
        },
        { parent },
    );
    const instanceParams = new aws.rds.ParameterGroup(
        `${name}-instance-params`,
        {
            family,
            description: `geoshard shard ${name}, Aurora PostgreSQL instances`,
            parameters: instanceParameters,
            tags: scope.tags("database", "instance-params"),
        },
        { parent },
    );

    const clusterIdentifier = scope.identifier("cluster");
    const logGroups = exportedLogGroups(
        scope,
        {
            kind: "cluster",
            identifier: clusterIdentifier,
            prefix: `${name}-cluster`,
            tagPrefix: "cluster-",
        },
        auroraLogTypes,
    );
    const cluster = new aws.rds.Cluster(
        `${name}-cluster`,
        {
            clusterIdentifier,
            ...auroraClusterSettings({
                engineVersion: args.engineVersion,
                keyArn: scope.key.arn,
                storageType: args.storageType,
                subnetGroupName: args.subnetGroupName,
                securityGroupId: args.securityGroupId,
                parameterGroupName: clusterParams.name,
                backupRetentionDays: args.backupRetentionDays,
                deletionProtection: args.deletionProtection,
                windows: { backup: args.backupWindow, maintenance: args.maintenanceWindow },
            }),
            // A restored cluster takes its database and master user from the source.
            ...clusterStartInputs(args.restore, args),
            masterPassword: args.password,
            port: postgresPort,
            skipFinalSnapshot: false,
            finalSnapshotIdentifier: scope.identifier("cluster-final"),
            tags: scope.tags("database", "cluster"),
        },
        {
            parent,
            protect: args.protect,
            dependsOn: logGroups,
            // The instances choose their AZs. Left unset, the cluster's AZs are whatever RDS
            // assigns (three where the region has them, two in us-west-1); naming fewer than
            // RDS assigns would plan a replacement of the cluster on every later update.
            // Source: @pulumi/aws rds.Cluster availabilityZones ("RDS automatically assigns 3
            // AZs if less than 3 AZs are configured, which will show as a difference requiring
            // resource recreation"); hashicorp/terraform-provider-aws#29149.
            // In a global database (recovery.ts), RDS sets the global cluster identifier when
            // the cluster joins, the global cluster owns the engine version, and a switchover
            // makes this cluster a secondary with a replication source: removing that source
            // would promote it to a standalone cluster, so Pulumi leaves it alone.
            // The global cluster identifier is ignored with or without a recovery region: it
            // is never set here, and once read into state, removing `dr` would otherwise plan
            // an update that detaches this writer cluster before the secondary and the global
            // cluster are deleted, where the provider removes the writer last.
            // Sources: @pulumi/aws rds.GlobalCluster ("Do not configure
            // globalClusterIdentifier ... use ignoreChanges"), hashicorp/terraform-provider-aws
            // internal/service/rds/global_cluster.go (resourceGlobalClusterDelete).
            // A restored cluster never diffs what it was created from (restore.ts).
            ignoreChanges: [
                "availabilityZones",
                "globalClusterIdentifier",
                ...(args.restore ? restoredIgnoreChanges.cluster : []),
                ...(args.global ? ["engineVersion", "replicationSourceIdentifier"] : []),
            ],
        },
    );

    const instance = (
        role: InstanceRole,
        label: string,
        instanceClass: string,
        availabilityZone: string,
        dependsOn: pulumi.Resource[],
    ): TierInstance => {
        const identifier = scope.identifier(label);
        const protect = args.protect && role !== "reader";
        const resource = new aws.rds.ClusterInstance(
            `${name}-${label}`,
            {
                identifier,
                ...auroraInstanceSettings({
                    clusterId: cluster.id,
                    instanceClass,
                    promotionTier: promotionTiers[role],
                    availabilityZone,
                    subnetGroupName: args.subnetGroupName,
                    parameterGroupName: instanceParams.name,
                    keyArn: scope.key.arn,
                    monitoringIntervalSeconds: args.monitoringIntervalSeconds,
                    monitoringRoleArn: args.monitoringRole.arn,
                }),
                tags: scope.tags(role, label),
            },
            { parent, protect, dependsOn: [args.monitoringRole.ready, ...dependsOn] },
        );
        return {
            role,
            label,
            identifier,
            instanceClass,
            availabilityZone,
            promotionTier: promotionTiers[role],
            protect,
            deletionProtection: args.deletionProtection,
            resource,
            address: resource.endpoint,
        };
    };

    // The first instance to become available is a new cluster's writer, so the writer is
    // created alone and every other instance waits for it; otherwise a reader could win.
    // Source: hashicorp/terraform-provider-aws#11324 ("it is random what instance becomes the
    // writer when creating a new DB cluster").
    const writer = instance("writer", "writer", args.writerClass, args.placement.writer, []);
    const standby = instance("standby", "standby", args.writerClass, args.placement.standby, [
        writer.resource,
    ]);
    const readers = args.placement.readers.map((az, i) =>
        instance("reader", `reader-${i + 1}`, args.readerClass, az, [writer.resource]),
    );

    // Reads go to the readers only, whichever instance is writer: a custom READER endpoint
    // defined by its excluded members leaves out both writer-class instances, and takes in
    // every other reader, including one added later by hand or by autoscaling ("Any instances
    // that you add to the cluster are added to the endpoint"). Aurora does not change the list
    // when roles change in a failover: after one, the old standby writes and the old writer
    // reads, and both stay out, since a READER endpoint routes to readers only anyway.
    // Source: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Overview.Endpoints.html
    const readerAddress =
        readers.length > 0 || args.readerAutoscaling
            ? new aws.rds.ClusterEndpoint(
                  `${name}-readers-endpoint`,
                  {
                      clusterEndpointIdentifier: scope.identifier("readers"),
                      clusterIdentifier: cluster.id,
                      customEndpointType: "READER",
                      excludedMembers: [writer, standby].map(
                          (db) => (db.resource as aws.rds.ClusterInstance).identifier,
                      ),
                      tags: scope.tags("database", "readers-endpoint"),
                  },
                  // After the declared readers, so it never starts without a member to route to.
                  { parent, dependsOn: readers.map((r) => r.resource) },
              ).endpoint
            : // No readers: reads use the cluster's reader endpoint (the standby).
              cluster.readerEndpoint;

    const instances = [writer, standby, ...readers];
    const lagAlarms = createAuroraAlarms(scope, args, clusterIdentifier, instances);
    if (args.readerAutoscaling) {
        createReaderAutoscaling(scope, args, args.readerAutoscaling, clusterIdentifier, [
            cluster,
            ...instances.map((db) => db.resource),
        ]);
    }

    return {
        engine: "aurora-postgresql",
        parameters: {
            cluster: parameterValues(clusterParameters),
            instance: parameterValues(instanceParameters),
        },
        writerEndpoint: cluster.endpoint,
        reads: { kind: "endpoint", address: readerAddress },
        port: postgresPort,
        instances,
        identifier: clusterIdentifier,
        arn: cluster.arn,
        writerDimensions: { DBClusterIdentifier: clusterIdentifier, Role: "WRITER" },
        // Only readers: the standby's lag stops once it is the writer (components/dns.ts).
        readerLagAlarms: readers.map((db) => ({
            label: db.label,
            name: lagAlarms.get(db.label)!.name,
        })),
        writerReady: writer.resource,
        proxyTarget: { dbClusterIdentifier: cluster.id },
        // Aurora's db-instance events have no failover category: failover is a cluster event.
        // Source: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_Events.Messages.html
        events: [
            {
                sourceType: "db-cluster",
                sourceIds: [cluster.id],
                categories: [...auroraClusterEventCategories],
            },
            {
                sourceType: "db-instance",
                sourceIds: instances.map(
                    (db) => (db.resource as aws.rds.ClusterInstance).identifier,
                ),
                categories: ["failure", "maintenance", "notification"],
            },
        ],
    };
}

/**
 * Per instance: CPU, memory, connections, local storage; per replica: Aurora replica lag. Per
 * cluster: the volume against its ceiling, and on whichever instance is writer (the
 * DBClusterIdentifier + Role=WRITER dimensions follow a failover), the CDC slot's disk use and
 * the WAL it holds back.
 * Source: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.AuroraMonitoring.Metrics.html
 */
function createAuroraAlarms(
    scope: ShardScope,
    args: AuroraTierArgs,
    clusterIdentifier: string,
    instances: readonly TierInstance[],
): Map<string, aws.cloudwatch.MetricAlarm> {
    const s = args.operations;
    const gib = 2 ** 30;
    const specs: AlarmSpec[] = [];
    for (const db of instances) {
        specs.push(...instanceAlarmSpecs(db.label, db.identifier, db.instanceClass, s), {
            what: `${db.label}-free-local-storage`,
            metricName: "FreeLocalStorage",
            dimensions: { DBInstanceIdentifier: db.identifier },
            statistic: "Minimum",
            comparison: "LessThanThreshold",
            threshold: s.freeLocalStorageAlarmGiB * gib,
            minutes: 5,
            description: `${db.identifier}: local storage (temporary files, logs) below ${s.freeLocalStorageAlarmGiB} GiB`,
        });
        if (db.role !== "writer") {
            specs.push({
                what: `${db.label}-replica-lag`,
                metricName: "AuroraReplicaLag",
                dimensions: { DBInstanceIdentifier: db.identifier },
                statistic: "Maximum",
                comparison: "GreaterThanThreshold",
                // AuroraReplicaLag is in milliseconds.
                threshold: s.replicaLagAlarmSeconds * 1000,
                minutes: 3,
                description:
                    db.role === "reader"
                        ? `${db.identifier}: Aurora replica lag above ${s.replicaLagAlarmSeconds} s for 3 minutes, or no lag reported`
                        : `${db.identifier}: Aurora replica lag above ${s.replicaLagAlarmSeconds} s for 3 minutes`,
                // A reader that reports no lag is down or not replicating. The standby reports
                // none while it is the writer, after a failover: its silence is no alarm.
                treatMissingData: db.role === "reader" ? "breaching" : "missing",
            });
        }
    }
    const writerRole = { DBClusterIdentifier: clusterIdentifier, Role: "WRITER" };
    const slotLagAlarmMb = Math.floor(args.slotWalLimitMb / 2);
    specs.push(
        {
            what: "volume-used",
            metricName: "VolumeBytesUsed",
            dimensions: { DBClusterIdentifier: clusterIdentifier },
            statistic: "Maximum",
            comparison: "GreaterThanThreshold",
            threshold: args.volumeAlarmGiB * gib,
            minutes: 5,
            description: `${clusterIdentifier}: cluster volume above ${args.volumeAlarmGiB} GiB (volumeAlarmGiB)`,
        },
        {
            // Aurora publishes no OldestReplicationSlotLag; the slot files' disk use is its measure.
            what: "replication-slot-lag",
            metricName: "ReplicationSlotDiskUsage",
            dimensions: writerRole,
            statistic: "Maximum",
            comparison: "GreaterThanThreshold",
            threshold: slotLagAlarmMb * 2 ** 20,
            minutes: 5,
            description: `${clusterIdentifier}: replication slots hold more than ${slotLagAlarmMb} MB, half their cap: is CDC reading?`,
        },
        {
            what: "transaction-logs-disk",
            metricName: "TransactionLogsDiskUsage",
            dimensions: writerRole,
            statistic: "Maximum",
            comparison: "GreaterThanThreshold",
            threshold: slotLagAlarmMb * 2 ** 20,
            minutes: 5,
            description: `${clusterIdentifier}: WAL on the writer above ${slotLagAlarmMb} MB`,
        },
    );
    // Each replica's lag alarm, by label: Route 53 reads them with a recovery region.
    const lagAlarms = new Map<string, aws.cloudwatch.MetricAlarm>();
    for (const spec of specs) {
        const alarm = createAlarm(scope, args.alarmTopicArn, spec);
        if (spec.what.endsWith("-replica-lag")) {
            lagAlarms.set(spec.what.slice(0, -"-replica-lag".length), alarm);
        }
    }
    return lagAlarms;
}

/** The target CPU of reader autoscaling when none is given, in percent. */
export const defaultReaderCpuTarget = 70;

/**
 * Aurora Auto Scaling of the readers: Application Auto Scaling on the cluster's replica count,
 * with a target-tracking policy. The replica count includes the standby, so the range is the
 * declared readers plus the standby up to `maxReaders` plus the standby. Aurora adds readers of
 * the writer's class at promotion tier 15, and removes only readers it created: the declared
 * readers stay. It scales only while the cluster is available, and not a global database's
 * secondary cluster (the recovery copy).
 * Sources: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Integrating.AutoScaling.html,
 * https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html
 * (ResourceId `cluster:<identifier>`, ScalableDimension `rds:cluster:ReadReplicaCount`)
 *
 * Children: `<shard>-readers-scaling`, `<shard>-readers-scaling-policy`, and the alarm
 * `<shard>-readers-cpu` over every reader, the added ones included.
 */
function createReaderAutoscaling(
    scope: ShardScope,
    args: AuroraTierArgs,
    scaling: ReaderAutoscaling,
    clusterIdentifier: string,
    declared: pulumi.Resource[],
): void {
    const { name, parent } = scope;
    const readers = args.placement.readers.length;
    const target = new aws.appautoscaling.Target(
        `${name}-readers-scaling`,
        {
            serviceNamespace: "rds",
            scalableDimension: "rds:cluster:ReadReplicaCount",
            resourceId: `cluster:${clusterIdentifier}`,
            minCapacity: readers + 1,
            maxCapacity: scaling.maxReaders + 1,
            tags: scope.tags("database", "readers-scaling"),
        },
        // The declared instances first: autoscaling counts them.
        { parent, dependsOn: declared },
    );
    const metric = scaling.metric ?? "cpu";
    new aws.appautoscaling.Policy(
        `${name}-readers-scaling-policy`,
        {
            name: scope.identifier("readers-scaling"),
            policyType: "TargetTrackingScaling",
            serviceNamespace: target.serviceNamespace,
            scalableDimension: target.scalableDimension,
            resourceId: target.resourceId,
            targetTrackingScalingPolicyConfiguration: {
                predefinedMetricSpecification: {
                    predefinedMetricType: readerScalingMetrics[metric],
                },
                targetValue: scaling.targetValue ?? defaultReaderCpuTarget,
                // A new reader takes minutes to serve; scale in slowly so it is not removed
                // between two bursts.
                scaleOutCooldown: 300,
                scaleInCooldown: 900,
            },
        },
        { parent },
    );
    // Per-instance alarms cover the declared readers; this one covers every reader.
    createAlarm(scope, args.alarmTopicArn, {
        what: "readers-cpu",
        metricName: "CPUUtilization",
        dimensions: { DBClusterIdentifier: clusterIdentifier, Role: "READER" },
        statistic: "Average",
        comparison: "GreaterThanThreshold",
        threshold: args.operations.cpuAlarmPercent,
        minutes: 10,
        description: `${clusterIdentifier}: readers' average CPU above ${args.operations.cpuAlarmPercent}% for 10 minutes, with autoscaling at its ceiling of ${scaling.maxReaders} readers?`,
    });
}

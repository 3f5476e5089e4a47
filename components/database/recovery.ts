/**
 * A shard's copy in its recovery region, so the shard survives the loss of its home region.
 *
 * - Aurora: the shard's cluster becomes the primary of an Aurora Global Database, and a secondary
 *   cluster in the recovery region follows it, "with latency typically under a second". Its
 *   instances (db.r6g.8xlarge by default) take over on a switchover or failover; with none it is
 *   headless: storage only, cheaper, and an instance must be added before it can serve.
 * - RDS for PostgreSQL: a cross-region read replica, named by its source's ARN, under a key of
 *   its own region, promoted by an operator.
 *
 * The recovery region gets a network, a key, security group, parameter groups, an encrypted
 * topic and alarms of its own: alarms notify topics of their own region.
 * Sources: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.html,
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.XRgn.html
 *
 * Children, all with the recovery region's provider except the global cluster: `<shard>-recovery-*`.
 */

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AlarmSpec, createAlarm } from "../alarms";
import { instanceDefaults, OperationSettings } from "../defaults";
import { AuroraStorageType, Engine, parameterFamily } from "../engines";
import { ExtraParameters, mergeParameters } from "../parameters";
import { postgresSecurityGroup, privateNetwork } from "../network";
import { placeInstances } from "../placement";
import { alarmTopicPolicy, customerKey } from "../security";
import {
    auroraClusterEventCategories,
    auroraClusterSettings,
    auroraInstanceParameters,
    auroraInstanceSettings,
    auroraLogTypes,
    promotionTiers,
} from "./aurora";
import { postgresLogTypes } from "./postgres";
import {
    exportedLogGroups,
    rdsLogGroupPrefixes,
    replicationParameters,
    ShardScope,
    TierInstance,
} from "./tier";

export interface RecoveryArgs {
    readonly engine: Engine;
    /** The shard's extra parameters: the copy that may become the primary carries them too. */
    readonly extraParameters?: ExtraParameters;
    /** The recovery region and its provider. */
    readonly region: string;
    readonly provider: aws.Provider;
    /** CIDR of the recovery network; it never overlaps another shard's or the warehouse's. */
    readonly vpcCidr: string;
    /** The recovery region's AZs, chosen by zone ID. */
    readonly availabilityZones: readonly string[];
    /** Aurora: instances of the secondary cluster (0: headless). RDS: always the one replica. */
    readonly instances: number;
    /** RDS: the replica was promoted after a region loss and stands alone. */
    readonly promoted: boolean;
    readonly engineVersion: string;
    readonly instanceClass: string;
    readonly storageType: AuroraStorageType;
    /** RDS only: the replica's storage autoscaling ceiling. */
    readonly maxAllocatedStorageGiB: number;
    /** The home cluster or master, by ARN, and the writer that must exist before a copy. */
    readonly source: { readonly arn: pulumi.Output<string>; readonly ready: pulumi.Resource };
    readonly backupRetentionDays: number;
    readonly monitoringIntervalSeconds: number;
    readonly monitoringRoleArn: pulumi.Output<string>;
    readonly deletionProtection: boolean;
    readonly protect: boolean;
    /** Networks admitted to PostgreSQL in the recovery region, besides its own VPC. */
    readonly allowedCidrs: readonly string[];
    readonly slotWalLimitMb: number;
    readonly operations: OperationSettings;
    readonly accountId: pulumi.Output<string>;
    readonly partition: pulumi.Output<string>;
    /** `eu` for an EU-resident shard: tagged on the copy for the policy pack. */
    readonly residency?: string;
}

export interface Recovery {
    readonly region: string;
    /** Aurora: the global writer endpoint, which follows a switchover or failover. */
    readonly globalWriterEndpoint?: pulumi.Output<string>;
    /** Where reads go in the recovery region; undefined for a headless secondary. */
    readonly readerAddress?: pulumi.Output<string>;
    /** RDS: the replica's own address, which takes writes once promoted. */
    readonly promotableAddress?: pulumi.Output<string>;
    /** RDS: the replica has been promoted: both names point at it. */
    readonly promoted: boolean;
    readonly instances: readonly TierInstance[];
    /** CloudWatch names of the recovery region's alarms. */
    readonly alarms: readonly string[];
    /** The recovery region's customer managed key: the copy's storage, logs, topic, secret replica. */
    readonly keyArn: pulumi.Output<string>;
    /** The recovery region's alarm topic, which its alarms and RDS events notify. */
    readonly alarmTopicArn: pulumi.Output<string>;
    /** The recovery region's RDS event subscriptions: what they watch, into the recovery topic. */
    readonly events: readonly {
        readonly sourceType: string;
        readonly categories: readonly string[];
    }[];
    /** The recovery network, for the warehouse to peer with. */
    readonly network: {
        readonly vpcId: pulumi.Output<string>;
        readonly routeTableId: pulumi.Output<string>;
        readonly dbSecurityGroupId: pulumi.Output<string>;
        readonly tags: ShardScope["tags"];
    };
}

export function createRecovery(scope: ShardScope, args: RecoveryArgs): Recovery {
    const { name, parent } = scope;
    const opts = { parent, provider: args.provider };
    const identifier = (suffix: string) =>
        scope.identifier(`recovery${suffix ? `-${suffix}` : ""}`);
    const tags = (role: string, resource: string) => ({
        ...scope.tags(role, `recovery-${resource}`),
        "recovery-of": scope.region,
        ...(args.residency ? { residency: args.residency } : {}),
    });
    const key = customerKey(
        parent,
        `${name}-recovery`,
        {
            description: `geoshard shard ${name}, recovery copy in ${args.region}: storage, Performance Insights, logs, alarms`,
            region: args.region,
            accountId: args.accountId,
            partition: args.partition,
            logGroupPrefixes: rdsLogGroupPrefixes(identifier("")),
            alias: `alias/${identifier("key")}`,
            tags: tags("encryption", "key"),
        },
        args.provider,
    );
    const network = privateNetwork(
        parent,
        `${name}-recovery`,
        args.vpcCidr,
        args.availabilityZones,
        (resource) => tags("network", resource),
        args.provider,
    );
    const group = postgresSecurityGroup(
        parent,
        `${name}-recovery`,
        {
            vpcId: network.vpcId,
            description: `PostgreSQL of geoshard shard ${name}, recovery copy`,
            allowedCidrs: [args.vpcCidr, ...args.allowedCidrs],
            tags: (resource) => tags("security", resource),
        },
        args.provider,
    );
    const subnetGroup = new aws.rds.SubnetGroup(
        `${name}-recovery-subnets`,
        {
            name: identifier("subnets"),
            description: `Private subnets of geoshard shard ${name}, recovery copy`,
            subnetIds: network.subnetIds,
            tags: tags("network", "subnets"),
        },
        opts,
    );
    const topic = new aws.sns.Topic(
        `${name}-recovery-alarms`,
        {
            name: identifier("alarms"),
            kmsMasterKeyId: key.arn,
            tags: tags("alarms", "alarms-topic"),
        },
        opts,
    );
    // Its alarms and the secondary's RDS events publish here, as in the home region.
    new aws.sns.TopicPolicy(
        `${name}-recovery-alarms-policy`,
        { arn: topic.arn, policy: alarmTopicPolicy(topic.arn, args.accountId, args.partition) },
        opts,
    );
    for (const email of args.operations.alarmEmails) {
        new aws.sns.TopicSubscription(
            `${name}-recovery-alarms-${email}`,
            { topic: topic.arn, protocol: "email", endpoint: email },
            opts,
        );
    }
    const alarmNames: string[] = [];
    const recoveryScope: ShardScope = {
        parent,
        name,
        region: args.region,
        identifier,
        tags: (role, resource) => tags(role, resource ?? role),
        key,
        logRetentionDays: scope.logRetentionDays,
        alarmNames,
    };
    const alarm = (spec: AlarmSpec) => createAlarm(recoveryScope, topic.arn, spec, args.provider);
    const azs = placeInstances(args.availabilityZones, Math.max(0, args.instances - 2));
    const azOf = (i: number) =>
        [azs.writer, azs.standby, ...azs.readers][i % args.availabilityZones.length];
    const common = {
        args,
        scope: recoveryScope,
        globalIdentifier: scope.identifier("global"),
        homeTags: scope.tags,
        opts,
        key,
        subnetGroup,
        group,
        alarm,
        azOf,
    };
    const built =
        args.engine === "aurora-postgresql" ? auroraSecondary(common) : postgresReplica(common);
    for (const events of built.events) {
        new aws.rds.EventSubscription(
            `${name}-recovery-events`,
            {
                name: identifier("events"),
                snsTopic: topic.arn,
                sourceType: events.sourceType,
                sourceIds: [...events.sourceIds],
                eventCategories: [...events.categories],
                enabled: true,
                tags: tags("alarms", "events"),
            },
            opts,
        );
    }
    return {
        region: args.region,
        ...built,
        events: built.events.map((e) => ({
            sourceType: e.sourceType,
            categories: [...e.categories],
        })),
        keyArn: key.arn,
        alarmTopicArn: topic.arn,
        alarms: alarmNames,
        promoted: args.promoted,
        network: {
            vpcId: network.vpcId,
            routeTableId: network.routeTableId,
            dbSecurityGroupId: group.id,
            tags: recoveryScope.tags,
        },
    };
}

/** What the engine's half of a recovery copy builds; `createRecovery` adds the rest. */
type Built = Omit<
    Recovery,
    "region" | "alarms" | "promoted" | "network" | "keyArn" | "alarmTopicArn" | "events"
> & {
    /** RDS event subscriptions to create in the recovery region, into its topic. */
    readonly events: readonly {
        readonly sourceType: string;
        readonly sourceIds: readonly pulumi.Input<string>[];
        readonly categories: readonly string[];
    }[];
};

interface Common {
    readonly args: RecoveryArgs;
    readonly scope: ShardScope;
    /** The global cluster's identifier: `geoshard-prod-europe-global`. */
    readonly globalIdentifier: string;
    /** The home region's tags: the global cluster is created there. */
    readonly homeTags: ShardScope["tags"];
    readonly opts: { parent: pulumi.Resource; provider: aws.Provider };
    readonly key: aws.kms.Key;
    readonly subnetGroup: aws.rds.SubnetGroup;
    readonly group: aws.ec2.SecurityGroup;
    readonly alarm: (spec: AlarmSpec) => aws.cloudwatch.MetricAlarm;
    readonly azOf: (i: number) => string;
}

/**
 * The global cluster over the home cluster, and a secondary cluster in the recovery region.
 * Provider behaviours handled here, each from the provider's own documentation of
 * `aws.rds.GlobalCluster` and `aws.rds.Cluster`:
 * - the global cluster is made from the existing home cluster (`sourceDbClusterIdentifier`,
 *   which needs `forceDestroy`), so a recovery copy can be added to a deployed shard; the home
 *   cluster ignores `globalClusterIdentifier` (RDS sets it when it joins);
 * - the global cluster owns the engine version: upgrading it upgrades every member, so members
 *   ignore `engineVersion` ("Provider produced inconsistent final plan" otherwise);
 * - the secondary ignores `replicationSourceIdentifier`, which the global cluster manages and a
 *   switchover rewrites (removing it would promote the secondary to a standalone cluster);
 * - the secondary is created after the home writer exists, and takes no final snapshot: its
 *   data is the home cluster's.
 */
function auroraSecondary(c: Common): Built {
    const { args, scope, opts, key } = c;
    const { name, parent } = scope;
    const family = parameterFamily("aurora-postgresql", args.engineVersion);
    const global = new aws.rds.GlobalCluster(
        `${name}-global`,
        {
            globalClusterIdentifier: c.globalIdentifier,
            sourceDbClusterIdentifier: args.source.arn,
            forceDestroy: true,
            // Made from the home cluster, the global cluster takes its database name, engine,
            // version and encryption from it: CreateGlobalCluster refuses StorageEncrypted (and
            // DatabaseName) beside SourceDBClusterIdentifier, and the provider sends whatever is
            // set. Since provider 6.14 it ignores engine and engine version on create and uses
            // them for later upgrades, so they stay. The deploy-time rule
            // `global-cluster-from-source` guards this.
            // Sources: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateGlobalCluster.html,
            // https://github.com/hashicorp/terraform-provider-aws/pull/44252
            engine: "aurora-postgresql",
            engineVersion: args.engineVersion,
            deletionProtection: args.deletionProtection,
            tags: c.homeTags("database", "global"),
        },
        { parent, protect: args.protect, dependsOn: [args.source.ready] },
    );
    const clusterParams = new aws.rds.ClusterParameterGroup(
        `${name}-recovery-cluster-params`,
        {
            family,
            description: `geoshard shard ${name}, Aurora PostgreSQL secondary cluster`,
            parameters: mergeParameters(
                replicationParameters(args.slotWalLimitMb).map((p) => ({
                    ...p,
                    applyMethod: "pending-reboot",
                })),
                args.extraParameters?.cluster,
            ),
            tags: scope.tags("database", "cluster-params"),
        },
        opts,
    );
    const instanceParams = new aws.rds.ParameterGroup(
        `${name}-recovery-instance-params`,
        {
            family,
            description: `geoshard shard ${name}, Aurora PostgreSQL secondary instances`,
            parameters: mergeParameters(auroraInstanceParameters, args.extraParameters?.instance),
            tags: scope.tags("database", "instance-params"),
        },
        opts,
    );
    const clusterIdentifier = scope.identifier("cluster");
    const logGroups = exportedLogGroups(
        scope,
        {
            kind: "cluster",
            identifier: clusterIdentifier,
            prefix: `${name}-recovery-cluster`,
            tagPrefix: "cluster-",
        },
        auroraLogTypes,
        args.provider,
    );
    const cluster = new aws.rds.Cluster(
        `${name}-recovery-cluster`,
        {
            clusterIdentifier,
            ...auroraClusterSettings({
                engineVersion: args.engineVersion,
                keyArn: key.arn,
                storageType: args.storageType,
                subnetGroupName: c.subnetGroup.name,
                securityGroupId: c.group.id,
                parameterGroupName: clusterParams.name,
                backupRetentionDays: args.backupRetentionDays,
                deletionProtection: args.deletionProtection,
            }),
            globalClusterIdentifier: global.id,
            skipFinalSnapshot: true,
            tags: scope.tags("recovery", "cluster"),
        },
        {
            ...opts,
            protect: args.protect,
            dependsOn: [args.source.ready, ...logGroups],
            ignoreChanges: [
                "availabilityZones",
                "engineVersion",
                "globalClusterIdentifier",
                "replicationSourceIdentifier",
            ],
        },
    );
    // Only what holds data is `protect`ed: the global cluster and the secondary cluster, whose
    // volume is the copy. The secondary's instances hold none (Aurora storage is the cluster's),
    // so `dr.instances` may go down to 0 (headless) in one `pulumi up`; a protected instance
    // would make that `up` fail. RDS deletion protection is a cluster setting on Aurora.
    // Source: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Overview.StorageReliability.html
    const instances: TierInstance[] = Array.from({ length: args.instances }, (_, i) => {
        const label = `recovery-${i + 1}`;
        const identifier = scope.identifier(`${i + 1}`);
        const resource = new aws.rds.ClusterInstance(
            `${name}-${label}`,
            {
                identifier,
                ...auroraInstanceSettings({
                    clusterId: cluster.id,
                    instanceClass: args.instanceClass,
                    promotionTier: promotionTiers.recovery,
                    availabilityZone: c.azOf(i),
                    subnetGroupName: c.subnetGroup.name,
                    parameterGroupName: instanceParams.name,
                    keyArn: key.arn,
                    monitoringIntervalSeconds: args.monitoringIntervalSeconds,
                    monitoringRoleArn: args.monitoringRoleArn,
                }),
                tags: scope.tags("recovery", label),
            },
            { ...opts, protect: false },
        );
        return {
            role: "recovery",
            label,
            identifier,
            instanceClass: args.instanceClass,
            availabilityZone: c.azOf(i),
            promotionTier: promotionTiers.recovery,
            protect: false,
            deletionProtection: args.deletionProtection,
            resource,
            address: resource.endpoint,
        };
    });

    // Both metrics are published by the secondary cluster, in its region, in milliseconds.
    // Source: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.AuroraMonitoring.Metrics.html
    const lagMs = args.operations.replicaLagAlarmSeconds * 1000;
    for (const [what, metricName, meaning] of [
        [
            "global-replication-lag",
            "AuroraGlobalDBReplicationLag",
            "replication from the home region",
        ],
        [
            "global-rpo-lag",
            "AuroraGlobalDBRPOLag",
            "the recovery point (writes a region loss would lose)",
        ],
    ] as const) {
        c.alarm({
            what,
            metricName,
            dimensions: { DBClusterIdentifier: clusterIdentifier },
            statistic: "Maximum",
            comparison: "GreaterThanThreshold",
            threshold: lagMs,
            minutes: 3,
            description: `${clusterIdentifier}: ${meaning} lags more than ${args.operations.replicaLagAlarmSeconds} s`,
        });
    }
    return {
        globalWriterEndpoint: global.endpoint,
        readerAddress: instances.length > 0 ? cluster.readerEndpoint : undefined,
        instances,
        // The secondary's cluster events in its own region, global switchovers and failovers
        // among them: after a region loss this is the only region left to report them.
        // Source: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_Events.Messages.html
        events: [
            {
                sourceType: "db-cluster",
                sourceIds: [cluster.id],
                categories: [...auroraClusterEventCategories],
            },
        ],
    };
}

/**
 * A cross-region read replica of the master: it names its source by ARN (a same-region replica
 * names it by identifier) and encrypts with a key of its own region. Promoting it is an
 * operator's step (docs/runbooks/region-loss.md).
 * Source: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.XRgn.html
 */
function postgresReplica(c: Common): Built {
    const { args, scope, opts, key } = c;
    const { name } = scope;
    const params = new aws.rds.ParameterGroup(
        `${name}-recovery-params`,
        {
            family: parameterFamily("postgres", args.engineVersion),
            description: `geoshard shard ${name}, RDS for PostgreSQL recovery replica`,
            parameters: mergeParameters(
                replicationParameters(args.slotWalLimitMb),
                args.extraParameters?.instance,
            ),
            tags: scope.tags("database", "params"),
        },
        opts,
    );
    const identifier = scope.identifier("");
    const logGroups = exportedLogGroups(
        scope,
        { kind: "instance", identifier, prefix: `${name}-recovery`, tagPrefix: "" },
        postgresLogTypes,
        args.provider,
    );
    const replica = new aws.rds.Instance(
        `${name}-recovery`,
        {
            identifier,
            // Removing the source promotes the replica to a standalone database (the provider
            // does it, or adopts an operator's promotion). Source: @pulumi/aws rds.Instance
            // replicateSourceDb ("Removing the replicateSourceDb attribute ... will promote").
            ...(args.promoted ? {} : { replicateSourceDb: args.source.arn }),
            instanceClass: args.instanceClass,
            availabilityZone: c.azOf(0),
            multiAz: false,
            storageType: "gp3",
            maxAllocatedStorage: args.maxAllocatedStorageGiB,
            storageEncrypted: true,
            kmsKeyId: key.arn,
            dbSubnetGroupName: c.subnetGroup.name,
            vpcSecurityGroupIds: [c.group.id],
            parameterGroupName: params.name,
            publiclyAccessible: false,
            iamDatabaseAuthenticationEnabled: true,
            performanceInsightsEnabled: true,
            performanceInsightsKmsKeyId: key.arn,
            performanceInsightsRetentionPeriod: instanceDefaults.performanceInsightsRetentionDays,
            monitoringInterval: args.monitoringIntervalSeconds,
            monitoringRoleArn: args.monitoringRoleArn,
            enabledCloudwatchLogsExports: [...postgresLogTypes],
            caCertIdentifier: instanceDefaults.caCertificateIdentifier,
            autoMinorVersionUpgrade: true,
            copyTagsToSnapshot: true,
            // Backed up, so a promoted replica has point-in-time recovery from its first minute.
            backupRetentionPeriod: args.backupRetentionDays,
            deletionProtection: args.deletionProtection,
            // A replica takes no final snapshot; promoted, it holds the shard's data and does.
            ...(args.promoted
                ? { skipFinalSnapshot: false, finalSnapshotIdentifier: scope.identifier("final") }
                : { skipFinalSnapshot: true }),
            tags: scope.tags("recovery", "replica"),
        },
        { ...opts, protect: args.protect, dependsOn: [args.source.ready, ...logGroups] },
    );
    c.alarm({
        what: "replica-lag",
        metricName: "ReplicaLag",
        dimensions: { DBInstanceIdentifier: identifier },
        statistic: "Maximum",
        comparison: "GreaterThanThreshold",
        threshold: args.operations.replicaLagAlarmSeconds,
        minutes: 3,
        description: `${identifier}: the recovery replica lags more than ${args.operations.replicaLagAlarmSeconds} s: a region loss now would lose that much`,
        treatMissingData: "breaching",
    });
    return {
        events: [],
        readerAddress: replica.address,
        promotableAddress: replica.address,
        instances: [
            {
                role: "recovery",
                label: "recovery",
                identifier,
                instanceClass: args.instanceClass,
                availabilityZone: c.azOf(0),
                protect: args.protect,
                deletionProtection: args.deletionProtection,
                resource: replica,
                address: replica.address,
            },
        ],
    };
}

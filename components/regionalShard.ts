import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { CdcSelection, Residency } from "./cdc";
import { createAuroraTier, defaultReaderCpuTarget } from "./database/aurora";
import { createPostgresTier, slotWalLimitPercent } from "./database/postgres";
import { createProxy } from "./database/proxy";
import { createRecovery, Recovery } from "./database/recovery";
import { DatabaseTier, InstanceRole, rdsLogGroupPrefixes, ShardScope } from "./database/tier";
import {
    instanceDefaults,
    operationDefaults,
    OperationSettings,
    postgresPort,
    shardDefaults,
} from "./defaults";
import { createAlarm } from "./alarms";
import { createShardNames, createShardZone, ShardDns } from "./dns";
import {
    AuroraStorageType,
    defaultEngineVersions,
    Engine,
    ReaderAutoscaling,
    readerScalingMetrics,
} from "./engines";
import {
    failoverBudget,
    FailoverBudget,
    regionLossBudget,
    RegionLossBudget,
} from "./failoverBudget";
import { postgresSecurityGroup, privateNetwork } from "./network";
import { peerHomeWithRecovery, RecoveryNetworkSummary } from "./peering";
import { defaultNamePrefix, defaultWindows } from "./naming";
import { ExtraParameters } from "./parameters";
import { RestoreSource } from "./restore";
import { placeInstances } from "./placement";
import { alarmTopicPolicy, assumableFor, customerKey } from "./security";
import { createShardCdc, secretArnIn, WarehouseLink } from "./shardCdc";
import { replicationStatePattern } from "./warehouse";
import {
    argumentsMessage,
    checkShardProviderRegions,
    declaredProviderRegion,
    validateShardArgs,
} from "./validateArgs";

/** A subnet of an existing VPC, with the AZ it lies in. */
export interface ExistingSubnet {
    readonly id: pulumi.Input<string>;
    /** The subnet's AZ, by name: the instances are placed by it. */
    readonly availabilityZone: string;
}

/**
 * A shard's arguments: flat, every optional one defaulted to the behaviour its `@default`
 * describes. The component checks them all before it declares a child, and throws a
 * `pulumi.ResourceError` that lists every problem (`validateShardArgs`).
 */
export interface RegionalShardArgs {
    /** Environment name, part of every identifier and tag (`dev`, `staging`, `prod`, `prod-split`). */
    readonly environment: string;
    /**
     * The AWS region the shard lives in. It must be the region of the AWS provider the shard
     * uses (`opts.provider` or `opts.providers`, else the default provider's `aws:region`).
     */
    readonly region: string;
    /** CIDR of the shard's VPC: the VPC to create, or the CIDR of `existingVpc`. */
    readonly vpcCidr: string;
    /**
     * The region's AZs to create subnets in, in order of preference: at least two, and only the
     * first three are used. Choose them by zone ID (`chooseAzs`). Leave it out with
     * `existingVpc`, whose subnets' AZs are used.
     * @default - none: required unless `existingVpc` is set
     */
    readonly availabilityZones?: readonly string[];
    /**
     * Place the shard in an existing VPC instead of creating one: its subnets (in two or more
     * AZs) form the DB subnet group, and its owner routes to the warehouse over the peering.
     * @default - a new VPC of `vpcCidr` with one private subnet per AZ and a route table
     */
    readonly existingVpc?: {
        readonly vpcId: pulumi.Input<string>;
        readonly subnets: readonly ExistingSubnet[];
    };
    /**
     * Networks admitted to PostgreSQL (TCP 5432). Nothing else reaches the instances.
     * @default - the shard's VPC CIDR only (with `warehouse`, also the warehouse network, for CDC)
     */
    readonly allowedCidrs?: readonly string[];
    /**
     * Security groups admitted to PostgreSQL (TCP 5432) beside `allowedCidrs`, by a stable label
     * (the rule's name: `<shard>-postgres-sg-<label>`, and `<shard>-proxy-sg-<label>` with a
     * proxy). A group of the shard's VPC, or of a VPC peered with it in the same region: AWS
     * refuses a reference to a peer in another region. The recovery copy admits networks only.
     * Source: https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-security-groups.html
     * @default - none
     */
    readonly allowedSecurityGroups?: Readonly<Record<string, pulumi.Input<string>>>;
    /**
     * The engine: an Aurora cluster with a tier-0 standby, or RDS for PostgreSQL Multi-AZ.
     * @default "aurora-postgresql"
     */
    readonly engine?: Engine;
    /**
     * Engine version. Aurora: a full version this stack offers (`engines.ts`); minor upgrades are
     * changes of this argument. RDS: a major, or major.minor; with a major alone RDS picks its
     * default minor and applies minor upgrades in the maintenance window without drift.
     * @default - "17.7" on Aurora, "17" on RDS
     */
    readonly engineVersion?: string;
    /** Class of the writer, and of the Aurora standby. @default "db.r6g.8xlarge" */
    readonly masterInstanceClass?: string;
    /**
     * Aurora only: the standby's class. It must equal `masterInstanceClass`, since the standby
     * takes the writer's load on a failover; stating it documents that.
     * @default - the writer's class
     */
    readonly standbyInstanceClass?: string;
    /** Class of each reader. @default "db.r6g.4xlarge" */
    readonly replicaInstanceClass?: string;
    /**
     * Readers serving reads, besides the standby: 0 to 14 on Aurora (0 to 13 with `recovery`:
     * a global database counts its secondary cluster among Aurora's 15), 0 to 15 on RDS.
     * @default 2
     */
    readonly replicaCount?: number;
    /**
     * Aurora only: `aurora` (Standard, I/O billed per request) or `aurora-iopt1`
     * (I/O-Optimized). @default "aurora"
     */
    readonly storageType?: AuroraStorageType;
    /**
     * Aurora only: alarm when the cluster volume passes this many GiB; a quarter of it caps the
     * WAL a stalled CDC slot may hold. @default 4000
     */
    readonly volumeAlarmGiB?: number;
    /** RDS for PostgreSQL only: gp3 storage of the master at creation, in GiB. @default 1000 */
    readonly allocatedStorageGiB?: number;
    /**
     * RDS for PostgreSQL only: storage autoscaling ceiling, in GiB, at least 10% above the
     * allocation. @default 4000
     */
    readonly maxAllocatedStorageGiB?: number;
    /** Days of automated backups and point-in-time recovery, 7 to 35. @default 7 */
    readonly backupRetentionDays?: number;
    /** Enhanced Monitoring granularity, in seconds (1, 5, 10, 15, 30 or 60). @default 60 */
    readonly monitoringIntervalSeconds?: number;
    /** Days CloudWatch keeps exported PostgreSQL logs. @default 30 */
    readonly logRetentionDays?: number;
    /**
     * Put RDS Proxy in front of the writer: `writer.<shard>` then names the proxy.
     * @default false: the writer name points at the endpoint that follows a failover
     */
    readonly proxy?: boolean;
    /**
     * RDS deletion protection on the cluster (or the master). Turn it off only to tear down a
     * non-production shard.
     * @default true
     */
    readonly deletionProtection?: boolean;
    /**
     * Mark the cluster and both writer-class instances (or the master) `protect`, so no
     * `pulumi up` or `destroy` can delete them.
     * @default false: only RDS deletion protection guards them
     */
    readonly protectDatabases?: boolean;
    /**
     * A copy of the shard in another region, to survive the loss of its home region: an Aurora
     * Global Database secondary, or an RDS cross-region read replica. Pass that region's provider.
     * Its network is peered with the shard's (routes both ways, PostgreSQL admitted both ways)
     * and associated with the zone, so the names stay reachable after a region move.
     * @default - none: the shard lives in its home region only
     */
    readonly recovery?: {
        /** Another region than `region`; in the EU for an EU-resident shard. */
        readonly region: string;
        readonly provider: aws.Provider;
        /** CIDR of the recovery network. */
        readonly vpcCidr: string;
        /** The recovery region's AZs, chosen by zone ID: at least two; the first three are used. */
        readonly availabilityZones: readonly string[];
        /**
         * Aurora: instances of the secondary cluster, 0 (headless: storage only) to 15. RDS: 1,
         * the cross-region replica.
         * @default 1
         */
        readonly instances?: number;
        /**
         * RDS only: the recovery replica has been promoted after a region loss; it stands alone
         * and takes both names. (Aurora's global cluster records a failover itself.)
         * @default false
         */
        readonly promoted?: boolean;
        /**
         * Class of the recovery instances. A smaller class promotes as fast, but serves less
         * after a region loss until it is scaled up.
         * @default - the writer's class (`masterInstanceClass`)
         */
        readonly instanceClass?: string;
    };
    /**
     * The shard's data, in GiB, as the cost estimate sizes storage, I/O and backups. It declares
     * nothing: RDS storage is `allocatedStorageGiB`, and an Aurora volume grows by itself.
     * @default - unset: the estimate assumes 1,000 GiB
     */
    readonly storageGiB?: number;
    /**
     * The private hosted zone for the writer and reader names, and Route 53's provider: a zone
     * the caller owns (`zoneId`), or, without `zoneId`, one the shard creates with its own VPC
     * and owns.
     */
    readonly dns: ShardDns;
    /**
     * DNS TTL, alarm thresholds and alarm emails; what is left out keeps its default.
     * @default - TTL 5 s; alarms at 30 s of replica lag, 80% CPU, 10% free storage (RDS), 10 GiB
     * free local storage (Aurora), 10% freeable memory, 80% of max_connections; no emails
     */
    readonly operations?: Partial<OperationSettings>;
    /**
     * The warehouse this shard streams its changes to (`Warehouse.link()`). With it the shard
     * owns its CDC path: peering, stream, DMS replication, delivery.
     * @default - no CDC
     */
    readonly warehouse?: WarehouseLink;
    /** Tables and columns CDC leaves out. @default - none: every table, every column */
    readonly cdc?: CdcSelection;
    /**
     * `eu` when the shard holds EU personal data: its recovery copy must stay in the EU.
     * @default - none: no residency rule applies
     */
    readonly residency?: Residency;
    /**
     * The reference of an approved transfer of this EU shard's data out of the EU.
     * @default - none: an EU shard streams to a non-EU warehouse only without personal columns
     */
    readonly residencyWaiver?: string;
    /** Extra tags for every taggable resource. @default - none */
    readonly tags?: Record<string, string>;
    /**
     * ISO 3166-1 alpha-2 codes of the countries of the shard's cities. The home database (the
     * Aurora cluster, or the RDS master) carries them in a `countries` tag, with `residency`,
     * for the policy pack's `city-residency` rule; a country of a residency
     * (components/places/residency.ts) needs that residency.
     * @default - none: no `countries` tag, and the rule has nothing to check
     */
    readonly cityCountries?: readonly string[];
    /**
     * The first part of every physical name: `<namePrefix>-<environment>-<shard>-<resource>`.
     * Up to 16 lowercase letters, digits and single hyphens. Identifiers are ForceNew: changing
     * it on a deployed shard replaces its databases (with `protectDatabases`, the `up` fails
     * instead).
     * @default "geoshard"
     */
    readonly namePrefix?: string;
    /**
     * The database created beside `postgres`, which CDC reads. ForceNew: changing it on a
     * deployed shard replaces the database (with `protectDatabases`, the `up` fails instead).
     * @default "geoshard"
     */
    readonly databaseName?: string;
    /**
     * The master user. ForceNew: changing it on a deployed shard replaces the database (with
     * `protectDatabases`, the `up` fails instead).
     * @default "geoshard_admin"
     */
    readonly masterUsername?: string;
    /**
     * The daily backup window, UTC, `hh24:mi-hh24:mi`, 30 minutes or more, never meeting the
     * maintenance window. Changes in place.
     * @default - 02:00-03:00 local standard time of the region, in UTC
     */
    readonly backupWindow?: string;
    /**
     * The weekly maintenance window, UTC, `ddd:hh24:mi-ddd:hh24:mi`, 30 minutes or more.
     * Changes in place.
     * @default - Sunday 03:30-04:30 local standard time of the region, in UTC
     */
    readonly maintenanceWindow?: string;
    /**
     * Extra PostgreSQL parameters: Aurora's `cluster` group (every instance) and `instance`
     * group; RDS for PostgreSQL has the `instance` group only. A value is a string or number,
     * applied at the next reboot (a new shard boots with it), or `{ value, applyMethod }`. The
     * parameters the stack manages are refused with the reason (`managedParameters`): TLS,
     * logical replication, the CDC slot's WAL cap, cluster cache management, preload libraries.
     * The recovery copy carries the same parameters.
     * @default - none: the stack's parameters only
     */
    readonly parameters?: ExtraParameters;
    /**
     * Aurora only: reader autoscaling above `replicaCount` up to `maxReaders`, on the readers'
     * average CPU (default, target 70%) or connections. Aurora adds readers of the writer's
     * class at tier 15; the custom READER endpoint takes them in, never the standby. AWS creates
     * them outside Pulumi: see `readerAutoscaling` in the README before destroying a shard.
     * @default - none: `replicaCount` readers
     */
    readonly readerAutoscaling?: ReaderAutoscaling;
    /**
     * Start the database from a snapshot (Aurora: a cluster snapshot; RDS: a DB snapshot) or
     * from a point in time of another cluster or instance, instead of empty. The restored
     * database is encrypted with the shard's key; its database and master user are the
     * source's, so `databaseName` and `masterUsername` must name them. Ignored after creation:
     * removing it later never replaces the database. See docs/runbooks/restore.md.
     * @default - an empty database
     */
    readonly restore?: RestoreSource;
}

/** One instance as the summary shows it. */
export interface InstanceSummary {
    readonly role: InstanceRole;
    readonly identifier: string;
    readonly instanceClass: string;
    readonly availabilityZone: string;
    readonly promotionTier?: number;
    readonly protect: boolean;
    readonly deletionProtection: boolean;
}

/** What the shard is, in plain data: the plan and operators read this, not resource names. */
export interface ShardSummary {
    readonly engine: Engine;
    readonly engineVersion: string;
    readonly region: string;
    /** `Aurora Standard`, `Aurora I/O-Optimized`, or `gp3 1000 GiB -> 4000 GiB`. */
    readonly storage: string;
    /** Aurora: the storage type. */
    readonly storageType?: AuroraStorageType;
    /** RDS: gp3 GiB allocated to the master. */
    readonly allocatedStorageGiB?: number;
    /** The shard's data in GiB, where it is stated (`storageGiB`). */
    readonly storageGiB?: number;
    /**
     * Aurora: whether the standby's cache is kept warm (apg_ccm_enabled): always, in the home
     * cluster; a recovery region's secondary cluster goes without (AWS does not support it there).
     */
    readonly clusterCacheManagement?: boolean;
    readonly backupRetentionDays: number;
    /** Backup and maintenance windows, UTC. */
    readonly windows: { readonly backup: string; readonly maintenance: string };
    /** Aurora reader autoscaling: the range of readers, the metric and its target. */
    readonly readerAutoscaling?: {
        readonly minReaders: number;
        readonly maxReaders: number;
        readonly metric: string;
        readonly targetValue: number;
        /** The class Aurora gives the readers it adds: the writer's. */
        readonly instanceClass: string;
    };
    /** Labels of the security groups admitted beside the networks. */
    readonly allowedSecurityGroups: readonly string[];
    /** The parameters the groups set (the stack's and the extra ones), by name. */
    readonly parameters: {
        readonly cluster?: Readonly<Record<string, string>>;
        readonly instance: Readonly<Record<string, string>>;
    };
    readonly instances: readonly InstanceSummary[];
    /** What `writer.<shard>` resolves to, across a failover and, with a recovery region, a region loss. */
    readonly writes: string;
    /** What `reader.<shard>` resolves to. */
    readonly reads: string;
    readonly proxy: boolean;
    readonly names: {
        readonly writer: string;
        readonly reader: string;
        readonly ttlSeconds: number;
    };
    readonly failoverBudget: FailoverBudget;
    /** CloudWatch names of the shard's alarms, as operators search for them. */
    readonly alarms: readonly string[];
    /** RDS event subscriptions: what they watch and the categories reported into the topic. */
    readonly events: readonly {
        readonly sourceType: string;
        readonly categories: readonly string[];
    }[];
    /** The copy in the recovery region and what a region loss costs, when there is one. */
    readonly recovery?: {
        readonly region: string;
        readonly instances: readonly InstanceSummary[];
        readonly budget: RegionLossBudget;
        readonly alarms: readonly string[];
        /** The path between the home and recovery networks, and the zone's associations. */
        readonly network: RecoveryNetworkSummary;
    };
    /** The credentials secret and the regions it is replicated to, with whose key. */
    readonly credentials: {
        readonly secret: string;
        readonly replicas: readonly {
            readonly region: string;
            readonly key: "recovery" | "warehouse";
        }[];
    };
    /**
     * Every route by which the shard's state changes reach an operator: its RDS event
     * subscriptions (home and recovery) and the warehouse's rule on CDC replication states.
     */
    readonly eventRoutes: readonly EventRoute[];
}

/** One way events reach an alarm topic. */
export interface EventRoute {
    readonly region: string;
    /** `RDS db-cluster`, `RDS db-instance`, or `EventBridge rule <name>`. */
    readonly source: string;
    /** The event categories, or the event's detail type. */
    readonly events: readonly string[];
    /** The SNS topic, by name. */
    readonly topic: string;
}

/**
 * One geographic shard of the PostgreSQL tier, in one region: a private network, a customer
 * managed key, credentials in Secrets Manager, the database tier of its engine, the names
 * applications use, alarms and RDS events into an encrypted topic, and the CDC path to the
 * warehouse.
 *
 * Pass the region's AWS provider in `opts.providers`; every child uses it.
 */
export class RegionalShard extends pulumi.ComponentResource {
    /** The host name that follows a failover: Aurora's cluster endpoint, or the Multi-AZ endpoint. */
    public readonly writerEndpoint: pulumi.Output<string>;
    /** Where reads go directly: Aurora's custom reader endpoint; undefined on RDS (use `readerName`). */
    public readonly readerEndpoint?: pulumi.Output<string>;
    /** RDS Proxy's endpoint, when `proxy` is set. */
    public readonly proxyEndpoint?: pulumi.Output<string>;
    /** Aurora with a recovery region: the global writer endpoint, which follows a region move. */
    public readonly globalWriterEndpoint?: pulumi.Output<string>;
    /** Where reads go in the recovery region; undefined without one, or headless. */
    public readonly recoveryReaderEndpoint?: pulumi.Output<string>;
    /** Each instance's own host name, by label: for operators, not for application traffic. */
    public readonly instanceAddresses: Record<string, pulumi.Output<string>>;
    public readonly port: pulumi.Output<number>;
    public readonly kmsKeyArn: pulumi.Output<string>;
    /** Secrets Manager secret holding the master credentials as JSON. */
    public readonly credentialsSecretArn: pulumi.Output<string>;
    /**
     * The secret's replica in the recovery region, under the recovery region's key: the
     * credentials to use there once the home region is lost. Undefined without a recovery region.
     */
    public readonly recoveryCredentialsSecretArn?: pulumi.Output<string>;
    public readonly vpcId: pulumi.Output<string>;
    public readonly subnetIds: pulumi.Output<string>[];
    public readonly securityGroupId: pulumi.Output<string>;
    /** `writer.<shard>.<zone>`: follows a failover. */
    public readonly writerName: string;
    /** `reader.<shard>.<zone>`: the readers. */
    public readonly readerName: string;
    public readonly alarmTopicArn: pulumi.Output<string>;
    /** The write outage a writer failure costs, in AWS's words. */
    public readonly failoverBudget: FailoverBudget;
    /** The shard in plain data. */
    public readonly summary: ShardSummary;
    /** The shard's CDC path, when it streams to a warehouse. */
    public readonly cdc?: { streamName: string; replicationIdentifier: string; lakePrefix: string };
    /** The private route table of a created VPC (peering routes go here); undefined for an existing VPC. */
    public readonly routeTableId?: pulumi.Output<string>;

    constructor(name: string, args: RegionalShardArgs, opts?: pulumi.ComponentResourceOptions) {
        super("geoshard:index:RegionalShard", name, {}, opts);
        const problems = validateShardArgs(args, {
            name,
            providerRegion: declaredProviderRegion(this),
        });
        if (problems.length > 0) {
            throw new pulumi.ResourceError(argumentsMessage("RegionalShard", problems), this, true);
        }
        checkShardProviderRegions(this, args);
        const s = resolveShardArgs(args);
        const identifier = (suffix: string) =>
            `${s.namePrefix}-${args.environment}-${name}-${suffix}`;
        const tags = (role: string, resource: string = role) => ({
            ...args.tags,
            Name: identifier(resource),
            environment: args.environment,
            shard: name,
            role,
            ...(homeDatabase.includes(resource) ? placeTags(args) : {}),
        });

        const azs = args.existingVpc
            ? [...new Set(args.existingVpc.subnets.map((subnet) => subnet.availabilityZone))]
            : args.availabilityZones!.slice(0, 3);
        const placement = placeInstances(azs, s.replicaCount);

        const identity = aws.getCallerIdentityOutput({}, { parent: this });
        const partition = aws.getPartitionOutput({}, { parent: this });
        const key = customerKey(this, name, {
            description: `geoshard ${args.environment} shard ${name}: storage, Performance Insights, secrets, logs, alarms`,
            region: args.region,
            accountId: identity.accountId,
            partition: partition.partition,
            logGroupPrefixes: rdsLogGroupPrefixes(identifier("")),
            alias: `alias/${identifier("key")}`,
            tags: tags("encryption"),
        });
        const alarmNames: string[] = [];
        const scope: ShardScope = {
            parent: this,
            name,
            region: args.region,
            identifier,
            tags,
            key,
            logRetentionDays: s.logRetentionDays,
            alarmNames,
        };

        const network = args.existingVpc
            ? {
                  vpcId: pulumi.output(args.existingVpc.vpcId),
                  subnetIds: args.existingVpc.subnets.map((subnet) => pulumi.output(subnet.id)),
                  routeTableId: undefined,
              }
            : privateNetwork(this, name, args.vpcCidr, azs, (resource) =>
                  tags("network", resource),
              );
        const securityGroup = postgresSecurityGroup(this, name, {
            vpcId: network.vpcId,
            description: `PostgreSQL of geoshard shard ${name}`,
            // Clients in the recovery network reach the home databases over the peering.
            allowedCidrs: [...s.allowedCidrs, ...(args.recovery ? [args.recovery.vpcCidr] : [])],
            allowedSecurityGroups: args.allowedSecurityGroups,
            tags: (resource) => tags("security", resource),
        });
        const subnetGroup = new aws.rds.SubnetGroup(
            `${name}-subnets`,
            {
                name: identifier("subnets"),
                description: `Private subnets of geoshard shard ${name}`,
                subnetIds: network.subnetIds,
                tags: tags("network", "subnets"),
            },
            { parent: this },
        );
        const monitoring = this.createMonitoringRole(
            scope,
            identity.accountId,
            partition.partition,
        );
        const password = new random.RandomPassword(
            `${name}-master-password`,
            // Letters, digits, '-' and '_' only: RDS refuses '/', '@', '"', "'" and spaces, and
            // DMS passes the password inside an ODBC-style connection string, where ';', '{',
            // '}', '+' and '%' break it. 40 characters of 64 keep 240 bits.
            // Sources: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html
            // (MasterUserPassword), https://repost.aws/knowledge-center/create-source-target-endpoints-aws-dms
            { length: 40, special: true, overrideSpecial: "-_" },
            { parent: this },
        );
        const topic = this.createAlarmTopic(
            scope,
            identity.accountId,
            partition.partition,
            s.operations.alarmEmails,
        );

        const common = {
            engineVersion: s.engineVersion,
            writerClass: s.masterInstanceClass,
            readerClass: s.replicaInstanceClass,
            placement,
            backupRetentionDays: s.backupRetentionDays,
            monitoringIntervalSeconds: s.monitoringIntervalSeconds,
            monitoringRole: { arn: monitoring.role.arn, ready: monitoring.policy },
            securityGroupId: securityGroup.id,
            subnetGroupName: subnetGroup.name,
            databaseName: s.databaseName,
            username: s.masterUsername,
            password: password.result,
            backupWindow: s.backupWindow,
            maintenanceWindow: s.maintenanceWindow,
            extraParameters: s.parameters,
            restore: args.restore,
            deletionProtection: s.deletionProtection,
            protect: s.protectDatabases,
            operations: s.operations,
            alarmTopicArn: topic.arn,
        };
        // The most WAL a CDC slot may hold back (max_slot_wal_keep_size). It must outlast CDC's
        // full load, during which the slot keeps every change: at the reference's 1,000 writes/s
        // of about 1 KiB of WAL each, that is about 3.5 GiB an hour, while a full load of a 1 TB
        // shard takes hours. Aurora's volume grows on its own, so the cap is a quarter of the
        // volume alarm's ceiling (1,000 GiB by default: about 12 days of WAL); on RDS, a share
        // of the allocated storage (200 GiB of 1,000: about 2 days).
        const slotWalLimitMb =
            s.engine === "aurora-postgresql"
                ? Math.floor((s.volumeAlarmGiB * 1024) / 4)
                : Math.floor((s.allocatedStorageGiB * 1024 * slotWalLimitPercent) / 100);
        const tier: DatabaseTier =
            s.engine === "aurora-postgresql"
                ? createAuroraTier(scope, {
                      ...common,
                      storageType: s.storageType,
                      volumeAlarmGiB: s.volumeAlarmGiB,
                      readerAutoscaling: args.readerAutoscaling,
                      global: args.recovery !== undefined,
                      slotWalLimitMb,
                  })
                : createPostgresTier(scope, {
                      ...common,
                      allocatedStorageGiB: s.allocatedStorageGiB,
                      maxAllocatedStorageGiB: s.maxAllocatedStorageGiB,
                      slotWalLimitMb,
                  });

        const recovery = args.recovery
            ? createRecovery(scope, {
                  engine: s.engine,
                  extraParameters: s.parameters,
                  region: args.recovery.region,
                  provider: args.recovery.provider,
                  vpcCidr: args.recovery.vpcCidr,
                  availabilityZones: args.recovery.availabilityZones.slice(0, 3),
                  instances: s.engine === "postgres" ? 1 : (args.recovery.instances ?? 1),
                  promoted: args.recovery.promoted ?? false,
                  engineVersion: s.engineVersion,
                  instanceClass: args.recovery.instanceClass ?? s.masterInstanceClass,
                  storageType: s.storageType,
                  maxAllocatedStorageGiB: s.maxAllocatedStorageGiB,
                  source: { arn: tier.arn, ready: tier.writerReady },
                  backupRetentionDays: s.backupRetentionDays,
                  monitoringIntervalSeconds: s.monitoringIntervalSeconds,
                  monitoringRoleArn: monitoring.role.arn,
                  deletionProtection: s.deletionProtection,
                  protect: s.protectDatabases,
                  // Clients in the home network reach the copy over the peering.
                  allowedCidrs: [...s.allowedCidrs, args.vpcCidr],
                  slotWalLimitMb,
                  operations: s.operations,
                  accountId: identity.accountId,
                  partition: partition.partition,
                  residency: args.residency,
              })
            : undefined;
        // After a switchover or failover the names point into the recovery VPC: the home
        // network must reach it, and the recovery network the home databases.
        // Source: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-connecting.html
        // ("Considerations with using Global writer endpoints")
        const recoveryPeering =
            recovery && args.recovery
                ? peerHomeWithRecovery(
                      this,
                      name,
                      {
                          region: args.region,
                          vpcId: network.vpcId,
                          cidr: args.vpcCidr,
                          routeTableId: network.routeTableId,
                      },
                      {
                          region: recovery.region,
                          vpcId: recovery.network.vpcId,
                          cidr: args.recovery.vpcCidr,
                          routeTableId: recovery.network.routeTableId,
                          provider: args.recovery.provider,
                      },
                      tags,
                  )
                : undefined;
        const sourceHost =
            (recovery?.promoted ? recovery.promotableAddress : recovery?.globalWriterEndpoint) ??
            tier.writerEndpoint;
        // The credentials, with the name that follows a failover: the proxy, an operator and
        // DMS all connect through it. With a recovery region that is the global writer
        // endpoint (or, once an RDS copy is promoted, the copy), so DMS follows a region move.
        const { secret, value: secretValue } = this.createCredentialsSecret(
            scope,
            credentialReplicas(args.region, args.warehouse, recovery),
            {
                username: s.masterUsername,
                password: password.result,
                engine: "postgres",
                host: sourceHost,
                port: postgresPort,
                dbname: s.databaseName,
            },
        );
        tier.events.forEach((events, i) => {
            const what = i === 0 ? "events" : "instance-events";
            new aws.rds.EventSubscription(
                `${name}-${what}`,
                {
                    name: identifier(what),
                    snsTopic: topic.arn,
                    sourceType: events.sourceType,
                    sourceIds: events.sourceIds,
                    eventCategories: [...events.categories],
                    enabled: true,
                    tags: tags("alarms", what),
                },
                { parent: this },
            );
        });
        this.proxyEndpoint = s.proxy
            ? createProxy(scope, {
                  tier,
                  accountId: identity.accountId,
                  credentialsSecretArn: secret.arn,
                  vpcId: network.vpcId,
                  subnetIds: network.subnetIds,
                  allowedCidrs: s.allowedCidrs,
                  allowedSecurityGroups: args.allowedSecurityGroups,
                  dbSecurityGroupId: securityGroup.id,
              })
            : undefined;
        // The caller's zone, or one the shard owns, created with its VPC.
        const ownZone =
            args.dns.zoneId === undefined
                ? createShardZone(scope, args.dns, network.vpcId)
                : undefined;
        const names = createShardNames(scope, {
            dns: { ...args.dns, zoneId: ownZone?.zoneId ?? args.dns.zoneId! },
            zoneCreatedWithVpc: ownZone !== undefined,
            ttlSeconds: s.operations.dnsTtlSeconds,
            vpcId: network.vpcId,
            tier,
            proxyEndpoint: this.proxyEndpoint,
            recovery,
            // With a recovery region, the writer's name may move: Route 53 needs to know when
            // the home writer stops reporting.
            // (Aurora's writer name follows the global writer endpoint instead, unless a proxy
            // stands in front of it; Aurora without readers reads where the writer is, so its
            // reader name needs the check too.)
            writerHealthAlarm:
                recovery && (s.engine === "postgres" || s.proxy || s.replicaCount === 0)
                    ? createAlarm(scope, topic.arn, {
                          what: "writer-reporting",
                          metricName: "CPUUtilization",
                          dimensions: tier.writerDimensions,
                          statistic: "SampleCount",
                          comparison: "LessThanThreshold",
                          threshold: 1,
                          // Longer than an in-region failover (up to 120 s on Multi-AZ), so only a
                          // silent region moves the writer's name.
                          minutes: 5,
                          description: `${tier.identifier}: the writer has reported nothing for 5 minutes`,
                          treatMissingData: "breaching",
                      }).name
                    : undefined,
        });

        if (args.warehouse) {
            const cdc = createShardCdc({
                parent: this,
                name,
                environment: args.environment,
                region: args.region,
                identifier,
                tags,
                accountId: identity.accountId,
                warehouse: args.warehouse,
                shardVpcId: network.vpcId,
                shardVpcCidr: args.vpcCidr,
                shardRouteTableId: network.routeTableId,
                dbSecurityGroup: securityGroup,
                admitsWarehouse: s.allowedCidrs.includes(args.warehouse.vpcCidr),
                databaseName: s.databaseName,
                credentialsSecret: secret,
                shardKmsKeyArn: key.arn,
                // DMS reads the name that follows a failover, never the proxy (which does not
                // carry the replication protocol), and connects as it starts: the writer and
                // the secret's value must exist first.
                source: { host: sourceHost, port: tier.port },
                recoveryNetwork:
                    recovery && args.recovery
                        ? {
                              key: `${name}-recovery`,
                              region: recovery.region,
                              vpcId: recovery.network.vpcId,
                              vpcCidr: args.recovery.vpcCidr,
                              routeTableId: recovery.network.routeTableId,
                              dbSecurityGroupId: recovery.network.dbSecurityGroupId,
                              admitsWarehouse: s.allowedCidrs.includes(args.warehouse.vpcCidr),
                              provider: args.recovery.provider,
                              tags: recovery.network.tags,
                          }
                        : undefined,
                sourceReady: [tier.writerReady, secretValue],
                selection: args.cdc ?? { excludeTables: [], excludeColumns: [] },
                residency: args.residency,
                residencyWaiver: args.residencyWaiver,
                logRetentionDays: s.logRetentionDays,
            });
            this.cdc = {
                streamName: cdc.streamName,
                replicationIdentifier: cdc.replicationIdentifier,
                lakePrefix: cdc.lakePrefix,
            };
        }

        this.writerEndpoint = tier.writerEndpoint;
        this.globalWriterEndpoint = recovery?.globalWriterEndpoint;
        this.recoveryReaderEndpoint = recovery?.readerAddress;
        this.readerEndpoint = tier.reads.kind === "endpoint" ? tier.reads.address : undefined;
        this.instanceAddresses = Object.fromEntries(
            tier.instances.map((db) => [db.label, db.address]),
        );
        this.port = pulumi.output(tier.port);
        this.kmsKeyArn = key.arn;
        this.credentialsSecretArn = secret.arn;
        this.recoveryCredentialsSecretArn = recovery
            ? secret.arn.apply((arn) => secretArnIn(arn, args.region, recovery.region))
            : undefined;
        this.vpcId = network.vpcId;
        this.subnetIds = network.subnetIds;
        this.securityGroupId = securityGroup.id;
        this.routeTableId = network.routeTableId;
        this.writerName = names.writer;
        this.readerName = names.reader;
        this.alarmTopicArn = topic.arn;
        this.failoverBudget = failoverBudget(s.engine, s.operations.dnsTtlSeconds, s.proxy);
        this.summary = {
            engine: s.engine,
            engineVersion: s.engineVersion,
            region: args.region,
            storage:
                s.engine === "aurora-postgresql"
                    ? s.storageType === "aurora-iopt1"
                        ? "Aurora I/O-Optimized"
                        : "Aurora Standard"
                    : `gp3 ${s.allocatedStorageGiB} GiB -> ${s.maxAllocatedStorageGiB} GiB`,
            ...(s.engine === "aurora-postgresql"
                ? {
                      storageType: s.storageType,
                      // On in the home cluster with or without a recovery region: AWS rules
                      // it out for a global database's secondary clusters only.
                      clusterCacheManagement: true,
                  }
                : { allocatedStorageGiB: s.allocatedStorageGiB }),
            ...(args.storageGiB !== undefined ? { storageGiB: args.storageGiB } : {}),
            backupRetentionDays: s.backupRetentionDays,
            windows: { backup: s.backupWindow, maintenance: s.maintenanceWindow },
            parameters: tier.parameters,
            allowedSecurityGroups: Object.keys(args.allowedSecurityGroups ?? {}),
            ...(args.readerAutoscaling
                ? {
                      readerAutoscaling: {
                          minReaders: s.replicaCount,
                          maxReaders: args.readerAutoscaling.maxReaders,
                          metric: readerScalingMetrics[args.readerAutoscaling.metric ?? "cpu"],
                          targetValue: args.readerAutoscaling.targetValue ?? defaultReaderCpuTarget,
                          instanceClass: s.masterInstanceClass,
                      },
                  }
                : {}),
            instances: tier.instances.map((db) => ({
                role: db.role,
                identifier: db.identifier,
                instanceClass: db.instanceClass,
                availabilityZone: db.availabilityZone,
                ...(db.promotionTier !== undefined ? { promotionTier: db.promotionTier } : {}),
                protect: db.protect,
                deletionProtection: db.deletionProtection,
            })),
            ...describeNames(identifier, s.engine, tier, s.proxy, recovery),
            proxy: s.proxy,
            names: { ...names, ttlSeconds: s.operations.dnsTtlSeconds },
            failoverBudget: this.failoverBudget,
            alarms: alarmNames,
            events: tier.events.map((e) => ({
                sourceType: e.sourceType,
                categories: [...e.categories],
            })),
            ...(recovery
                ? {
                      recovery: {
                          region: recovery.region,
                          instances: recovery.instances.map((db) => ({
                              role: db.role,
                              identifier: db.identifier,
                              instanceClass: db.instanceClass,
                              availabilityZone: db.availabilityZone,
                              ...(db.promotionTier !== undefined
                                  ? { promotionTier: db.promotionTier }
                                  : {}),
                              protect: db.protect,
                              deletionProtection: db.deletionProtection,
                          })),
                          budget: regionLossBudget(
                              s.engine,
                              recovery.region,
                              recovery.instances.length,
                          ),
                          alarms: recovery.alarms,
                          network: {
                              ...recoveryPeering!.summary,
                              zoneAssociations: [
                                  `${args.region} home VPC`,
                                  `${recovery.region} recovery VPC`,
                              ],
                          },
                      },
                  }
                : {}),
            credentials: {
                secret: identifier("master-credentials"),
                replicas: credentialReplicas(args.region, args.warehouse, recovery).map((r) => ({
                    region: r.region,
                    key:
                        r.region === recovery?.region && r.region !== args.warehouse?.region
                            ? "recovery"
                            : "warehouse",
                })),
            },
            eventRoutes: [
                ...tier.events.map((e) => ({
                    region: args.region,
                    source: `RDS ${e.sourceType}`,
                    events: [...e.categories],
                    topic: identifier("alarms"),
                })),
                ...(recovery?.events ?? []).map((e) => ({
                    region: recovery!.region,
                    source: `RDS ${e.sourceType} (recovery)`,
                    events: [...e.categories],
                    topic: identifier("recovery-alarms"),
                })),
                ...(args.warehouse?.replicationStateRule
                    ? [
                          {
                              region: args.warehouse.region,
                              source: `EventBridge rule ${args.warehouse.replicationStateRule.name}`,
                              events: [...replicationStatePattern["detail-type"]],
                              topic: args.warehouse.replicationStateRule.topicName,
                          },
                      ]
                    : []),
            ],
        };

        this.registerOutputs({
            writerEndpoint: this.writerEndpoint,
            readerEndpoint: this.readerEndpoint,
            proxyEndpoint: this.proxyEndpoint,
            globalWriterEndpoint: this.globalWriterEndpoint,
            recoveryReaderEndpoint: this.recoveryReaderEndpoint,
            instanceAddresses: this.instanceAddresses,
            port: this.port,
            kmsKeyArn: this.kmsKeyArn,
            credentialsSecretArn: this.credentialsSecretArn,
            recoveryCredentialsSecretArn: this.recoveryCredentialsSecretArn,
            vpcId: this.vpcId,
            subnetIds: this.subnetIds,
            securityGroupId: this.securityGroupId,
            routeTableId: this.routeTableId,
            writerName: this.writerName,
            readerName: this.readerName,
            alarmTopicArn: this.alarmTopicArn,
            failoverBudget: this.failoverBudget,
            summary: this.summary,
            cdc: this.cdc,
        });
    }

    /**
     * The role RDS assumes to publish Enhanced Monitoring metrics, limited to this account
     * against the confused-deputy problem.
     * Source: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Monitoring.OS.Enabling.html
     */
    private createMonitoringRole(
        scope: ShardScope,
        accountId: pulumi.Output<string>,
        partition: pulumi.Output<string>,
    ): { role: aws.iam.Role; policy: aws.iam.RolePolicyAttachment } {
        const role = new aws.iam.Role(
            `${scope.name}-monitoring-role`,
            {
                description: `Enhanced Monitoring of geoshard shard ${scope.name}`,
                assumeRolePolicy: assumableFor("monitoring.rds.amazonaws.com", accountId),
                tags: scope.tags("monitoring"),
            },
            { parent: this },
        );
        const policy = new aws.iam.RolePolicyAttachment(
            `${scope.name}-monitoring-policy`,
            {
                role: role.name,
                policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`,
            },
            { parent: this },
        );
        return { role, policy };
    }

    /**
     * The shard's alarm topic, encrypted with the shard's key, and its email subscriptions.
     * CloudWatch alarms and RDS events of this account may publish to it.
     * Source: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_Events.Subscribing.html
     */
    private createAlarmTopic(
        scope: ShardScope,
        accountId: pulumi.Output<string>,
        partition: pulumi.Output<string>,
        emails: readonly string[],
    ): aws.sns.Topic {
        const topic = new aws.sns.Topic(
            `${scope.name}-alarms`,
            {
                name: scope.identifier("alarms"),
                kmsMasterKeyId: scope.key.arn,
                tags: scope.tags("alarms", "alarms-topic"),
            },
            { parent: this },
        );
        new aws.sns.TopicPolicy(
            `${scope.name}-alarms-policy`,
            {
                arn: topic.arn,
                policy: alarmTopicPolicy(topic.arn, accountId, partition),
            },
            { parent: this },
        );
        for (const email of emails) {
            new aws.sns.TopicSubscription(
                `${scope.name}-alarms-${email}`,
                { topic: topic.arn, protocol: "email", endpoint: email },
                { parent: this },
            );
        }
        return topic;
    }

    /**
     * The master credentials as RDS documents them for rotation, encrypted with the shard's key,
     * and replicated to `replicas` (`credentialReplicas`).
     * Source: https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_ReplicateSecretToRegions.html
     */
    private createCredentialsSecret(
        scope: ShardScope,
        replicas: readonly SecretReplica[],
        value: Record<string, pulumi.Input<string | number>>,
    ): { secret: aws.secretsmanager.Secret; value: aws.secretsmanager.SecretVersion } {
        const secret = new aws.secretsmanager.Secret(
            `${scope.name}-credentials`,
            {
                name: scope.identifier("master-credentials"),
                description: `Master credentials of geoshard shard ${scope.name}`,
                kmsKeyId: scope.key.arn,
                recoveryWindowInDays: 30,
                replicas: replicas.length > 0 ? [...replicas] : undefined,
                tags: scope.tags("credentials"),
            },
            { parent: this },
        );
        const version = new aws.secretsmanager.SecretVersion(
            `${scope.name}-credentials-value`,
            { secretId: secret.id, secretString: pulumi.secret(pulumi.jsonStringify(value)) },
            { parent: this },
        );
        return { secret, value: version };
    }
}

/** One replica of the credentials secret: its region and the key of that region it is under. */
export interface SecretReplica {
    readonly region: string;
    readonly kmsKeyId: pulumi.Input<string>;
}

/**
 * Where the credentials secret is replicated, one replica per region, never in the secret's own
 * region (Secrets Manager refuses it: "Invalid replica region"):
 * - the recovery region, under the recovery key, so the credentials survive the loss of the
 *   home region beside the copy they open;
 * - the warehouse region, under the warehouse key, where CDC reads them. Where the recovery
 *   region is the warehouse region, that one replica serves both and keeps the warehouse key,
 *   which CDC's role may use.
 * A secret replica is encrypted by Secrets Manager on the caller's behalf with the replica
 * region's key, so the deployer needs kms:GenerateDataKey and kms:Decrypt there, and a reader
 * kms:Decrypt; both keys leave their use to IAM in this account (`customerKey`).
 * Sources: https://docs.aws.amazon.com/secretsmanager/latest/userguide/replicate-secrets.html,
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html
 */
export function credentialReplicas(
    region: string,
    warehouse: { readonly region: string; readonly kmsKeyArn: pulumi.Input<string> } | undefined,
    recovery: { readonly region: string; readonly keyArn: pulumi.Input<string> } | undefined,
): SecretReplica[] {
    const replicas: SecretReplica[] = [];
    if (recovery && recovery.region !== region && recovery.region !== warehouse?.region) {
        replicas.push({ region: recovery.region, kmsKeyId: recovery.keyArn });
    }
    if (warehouse && warehouse.region !== region) {
        replicas.push({ region: warehouse.region, kmsKeyId: warehouse.kmsKeyArn });
    }
    return replicas;
}

/** What the writer and reader names resolve to (dns.ts builds them), in words for the plan. */
function describeNames(
    identifier: (suffix: string) => string,
    engine: Engine,
    tier: DatabaseTier,
    proxy: boolean,
    recovery: Recovery | undefined,
): { writes: string; reads: string } {
    const readers = tier.instances.filter((db) => db.role === "reader");
    const home =
        tier.reads.kind === "endpoint"
            ? readers.length > 0
                ? `the custom READER endpoint ${identifier("readers")}: ${readers.map((db) => db.identifier).join(", ")} and any reader added later (never the standby)`
                : "the cluster reader endpoint (the standby; no readers)"
            : readers.length > 0
              ? `weighted over ${readers.map((db) => db.identifier).join(", ")}, each out while its lag alarm fires`
              : "the writer (no read replicas)";
    const writerHome = proxy
        ? "RDS Proxy, which moves its connections to the new writer"
        : engine === "aurora-postgresql"
          ? "the cluster writer endpoint, which follows a failover"
          : "the Multi-AZ endpoint, which follows a failover";
    if (recovery === undefined) {
        return { writes: writerHome, reads: home };
    }
    if (recovery.promoted) {
        const replica = `the promoted recovery replica in ${recovery.region}`;
        return { writes: replica, reads: replica };
    }
    const recoveryInstances = recovery.instances.length;
    const writes =
        engine === "aurora-postgresql"
            ? proxy
                ? `PRIMARY ${writerHome}, while the home writer reports; SECONDARY the global writer endpoint`
                : "the global writer endpoint, which follows a failover, a switchover and a region failover"
            : `PRIMARY ${writerHome}, while it reports; SECONDARY the recovery replica (writable once promoted)`;
    const secondary =
        engine === "aurora-postgresql"
            ? recoveryInstances > 0
                ? "the recovery cluster's reader endpoint"
                : "the writer name (the recovery copy is headless)"
            : "the recovery replica";
    return {
        writes,
        reads: `PRIMARY ${home}, while one reader is healthy; SECONDARY ${secondary}`,
    };
}

/** The component's arguments with every default applied, once. Pure; tested directly. */
export function resolveShardArgs(args: RegionalShardArgs) {
    const engine = args.engine ?? shardDefaults.engine;
    return {
        engine,
        engineVersion: args.engineVersion ?? defaultEngineVersions[engine],
        masterInstanceClass: args.masterInstanceClass ?? shardDefaults.masterInstanceClass,
        replicaInstanceClass: args.replicaInstanceClass ?? shardDefaults.replicaInstanceClass,
        replicaCount: args.replicaCount ?? shardDefaults.replicaCount,
        storageType: args.storageType ?? shardDefaults.storageType,
        volumeAlarmGiB: args.volumeAlarmGiB ?? shardDefaults.volumeAlarmGiB,
        allocatedStorageGiB: args.allocatedStorageGiB ?? shardDefaults.allocatedStorageGiB,
        maxAllocatedStorageGiB: args.maxAllocatedStorageGiB ?? shardDefaults.maxAllocatedStorageGiB,
        backupRetentionDays: args.backupRetentionDays ?? shardDefaults.backupRetentionDays,
        monitoringIntervalSeconds:
            args.monitoringIntervalSeconds ?? shardDefaults.monitoringIntervalSeconds,
        logRetentionDays: args.logRetentionDays ?? shardDefaults.logRetentionDays,
        proxy: args.proxy ?? shardDefaults.proxy,
        deletionProtection: args.deletionProtection ?? true,
        protectDatabases: args.protectDatabases ?? false,
        allowedCidrs: args.allowedCidrs ?? [args.vpcCidr],
        operations: { ...operationDefaults, ...args.operations },
        namePrefix: args.namePrefix ?? defaultNamePrefix,
        databaseName: args.databaseName ?? instanceDefaults.databaseName,
        masterUsername: args.masterUsername ?? instanceDefaults.masterUsername,
        backupWindow: args.backupWindow ?? defaultWindows(args.region).backup,
        maintenanceWindow: args.maintenanceWindow ?? defaultWindows(args.region).maintenance,
        parameters: args.parameters ?? {},
    };
}

/** The home database's resource labels: the Aurora cluster, the RDS master. */
const homeDatabase = ["cluster", "master"];

/**
 * The tags the `city-residency` rule reads on the home database: the cities' countries, sorted
 * and separated by spaces, and the residency. A tag value takes up to 256 characters of letters,
 * digits, spaces and `_ . : / = + - @`.
 * Source: https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html
 */
function placeTags(args: RegionalShardArgs): Record<string, string> {
    return args.cityCountries
        ? {
              countries: [...new Set(args.cityCountries)].sort().join(" "),
              ...(args.residency ? { residency: args.residency } : {}),
          }
        : {};
}

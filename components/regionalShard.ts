import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
    defaultEngineVersion,
    failoverDefaults,
    FailoverSettings,
    shardDefaults,
} from "./defaults";
import { createFailover, FailoverBudget, ShardDns } from "./failover";
import { privateNetwork } from "./network";
import { customerKey } from "./security";
import { CdcSelection } from "./cdc";
import { createShardCdc, slotWalLimitPercent, WarehouseLink } from "./shardCdc";
import { chooseAzs, currentLayout } from "./placement";

/** A subnet of an existing VPC, with the AZ it lies in. */
export interface ExistingSubnet {
    readonly id: string;
    readonly availabilityZone: string;
}

export interface RegionalShardArgs {
    /** Environment name, used in identifiers and tags (`dev`, `staging`, `prod`). */
    readonly environment: string;
    /** The AWS region the shard lives in. Must be the region of the provider passed in `opts`. */
    readonly region: string;
    /** CIDR of the shard's VPC: the VPC to create, or the CIDR of `existingVpc`. */
    readonly vpcCidr: string;
    /**
     * The region's AZs. The shard uses the first three in name order; it needs two.
     * Ignored when `existingVpc` is set: the subnets' AZs are used.
     */
    readonly availabilityZones: readonly string[];
    /**
     * Place the shard in an existing VPC instead of creating one.
     * @default - a new VPC of `vpcCidr` with one private subnet per AZ
     */
    readonly existingVpc?: {
        readonly vpcId: string;
        readonly subnets: readonly ExistingSubnet[];
    };
    /**
     * Networks admitted to PostgreSQL (TCP 5432). Nothing else reaches the instances.
     * @default - the shard's VPC CIDR only
     */
    readonly allowedCidrs?: readonly string[];
    /**
     * PostgreSQL major version, optionally with a minor. With a major alone RDS picks its default
     * minor and applies minor upgrades in the maintenance window without drift.
     * @default "17"
     */
    readonly engineVersion?: string;
    /** @default "db.r6g.8xlarge" */
    readonly masterInstanceClass?: string;
    /** @default "db.r6g.4xlarge" */
    readonly replicaInstanceClass?: string;
    /** @default - the master's class, so a promoted standby carries the master's load */
    readonly standbyInstanceClass?: string;
    /** Read replicas serving reads, besides the standby. @default 2 */
    readonly replicaCount?: number;
    /** Storage allocated to the master at creation, in GiB; replicas inherit it. @default 1000 */
    readonly allocatedStorageGiB?: number;
    /** Ceiling for storage autoscaling on every instance, in GiB. @default 4000 */
    readonly maxAllocatedStorageGiB?: number;
    /** Days of automated backups on the master and on the standby. @default 7 */
    readonly backupRetentionDays?: number;
    /** Enhanced Monitoring granularity, in seconds. @default 60 */
    readonly monitoringIntervalSeconds?: number;
    /** Days CloudWatch keeps exported PostgreSQL and upgrade logs. @default 30 */
    readonly logRetentionDays?: number;
    /** Days Performance Insights keeps data (7 is free of charge). @default 7 */
    readonly performanceInsightsRetentionDays?: number;
    /** Daily backup window, UTC. @default "03:00-04:00" */
    readonly backupWindow?: string;
    /** Weekly maintenance window, UTC; must not overlap the backup window. @default "sun:04:30-sun:05:30" */
    readonly maintenanceWindow?: string;
    /** Name of the database created on the master. @default "geoshard" */
    readonly databaseName?: string;
    /** Master user name. @default "geoshard_admin" */
    readonly masterUsername?: string;
    /** Server certificate authority. @default "rds-ca-rsa2048-g1" */
    readonly caCertificateIdentifier?: string;
    /**
     * RDS deletion protection on the master and the standby. Turn it off only to tear down a
     * non-production shard.
     * @default true
     */
    readonly deletionProtection?: boolean;
    /**
     * Mark the master and the standby `protect`, so no `pulumi up` or `destroy` can delete them.
     * @default false
     */
    readonly protectDatabases?: boolean;
    /**
     * The instances promoted so far, oldest first, as recorded in config after each failover
     * (`["standby"]`, then `["standby", "g2-standby"]`). The last is the master; the standby and
     * replicas are the next generation's (`g2-standby`, `g2-replica-1`), built from it.
     * @default - none: the original master
     */
    readonly promoted?: readonly string[];
    /** The private hosted zone for the writer and reader names, and Route 53's provider. */
    readonly dns: ShardDns;
    /** DNS TTL, alarm thresholds, failover lag bound and alarm emails. @default failoverDefaults */
    readonly failover?: Partial<FailoverSettings>;
    /**
     * The warehouse this shard streams its changes to. With it the shard replicates its
     * credentials there and owns its CDC path: peering, stream, DMS replication, delivery.
     * @default - no CDC
     */
    readonly warehouse?: WarehouseLink;
    /** Tables and columns CDC leaves out. @default - none: every table, every column */
    readonly cdc?: CdcSelection;
    /** `eu` when the shard holds EU personal data. @default - none */
    readonly residency?: string;
    /** The reference of an approved transfer of this EU shard's data out of the EU. */
    readonly residencyWaiver?: string;
    /** Extra tags for every taggable resource. @default - none */
    readonly tags?: Record<string, string>;
}

/** What an instance of the shard is, in names, identifiers and the `role` tag. */
export type DatabaseRole = "master" | "standby" | "replica";

/** Where the component writes PostgreSQL logs: RDS exports into these groups by name. */
export const exportedLogTypes = ["postgresql", "upgrade"] as const;

/** Defaults of the settings that are not part of `ShardSettings`. */
export const instanceDefaults = {
    performanceInsightsRetentionDays: 7,
    backupWindow: "03:00-04:00",
    maintenanceWindow: "sun:04:30-sun:05:30",
    databaseName: "geoshard",
    masterUsername: "geoshard_admin",
    caCertificateIdentifier: "rds-ca-rsa2048-g1",
} as const;

const postgresPort = 5432;

/**
 * One geographic shard of the PostgreSQL tier, in one region: a private network, a customer
 * managed KMS key, credentials in Secrets Manager, a master, a standby of the master's class in
 * another AZ, and read replicas spread over the AZs.
 *
 * Pass the region's AWS provider in `opts.providers`; every child uses it.
 */
export class RegionalShard extends pulumi.ComponentResource {
    /** Identifier of each instance, by role; replicas in order. */
    public readonly masterIdentifier: pulumi.Output<string>;
    public readonly standbyIdentifier: pulumi.Output<string>;
    public readonly replicaIdentifiers: pulumi.Output<string>[];
    /** Host names of the instances. */
    public readonly masterAddress: pulumi.Output<string>;
    public readonly standbyAddress: pulumi.Output<string>;
    public readonly replicaAddresses: pulumi.Output<string>[];
    public readonly port: pulumi.Output<number>;
    /** The AZ of each instance, as placed. */
    public readonly placement: { master: string; standby: string; replicas: readonly string[] };
    public readonly kmsKeyArn: pulumi.Output<string>;
    /** Secrets Manager secret holding the master credentials as JSON. */
    public readonly credentialsSecretArn: pulumi.Output<string>;
    public readonly vpcId: pulumi.Output<string>;
    public readonly subnetIds: pulumi.Output<string>[];
    public readonly securityGroupId: pulumi.Output<string>;
    /** `writer.<shard>.<zone>`: the master, or the standby once the master fails. */
    public readonly writerName: string;
    /** `reader.<shard>.<zone>`: the read replicas that are up and within the lag bound. */
    public readonly readerName: string;
    public readonly alarmTopicArn: pulumi.Output<string>;
    /** The write outage a master failure costs with this shard's settings. */
    public readonly failoverBudget: FailoverBudget;
    /** 1, plus one for each promotion recorded in `promoted`. */
    public readonly generation: number;
    /** The shard's CDC path, when it streams to a warehouse. */
    public readonly cdc?: { streamName: string; replicationIdentifier: string; lakePrefix: string };
    /** The private route table of a created VPC (peering routes go here); undefined for an existing VPC. */
    public readonly routeTableId?: pulumi.Output<string>;

    private readonly name: string;
    private readonly args: RegionalShardArgs;

    constructor(name: string, args: RegionalShardArgs, opts?: pulumi.ComponentResourceOptions) {
        super("geoshard:index:RegionalShard", name, {}, opts);
        this.name = name;
        this.args = args;

        const azs = args.existingVpc
            ? chooseAzs(args.existingVpc.subnets.map((s) => s.availabilityZone))
            : chooseAzs(args.availabilityZones);
        const replicaCount = args.replicaCount ?? shardDefaults.replicaCount;
        const layout = currentLayout(azs, replicaCount, args.promoted ?? []);
        this.placement = layout.placement;
        this.generation = layout.generation;

        const identity = aws.getCallerIdentityOutput({}, { parent: this });
        const partition = aws.getPartitionOutput({}, { parent: this });
        const key = this.createKey(identity.accountId, partition.partition);
        const network = this.createNetwork(azs);
        const securityGroup = this.createSecurityGroup(network.vpcId);
        const subnetGroup = new aws.rds.SubnetGroup(
            `${name}-subnets`,
            {
                name: this.identifier("subnets"),
                description: `Private subnets of geoshard shard ${name}`,
                subnetIds: network.subnetIds,
                tags: this.tags("network", "subnets"),
            },
            { parent: this },
        );
        const parameterGroup = this.createParameterGroup();
        const monitoring = this.createMonitoringRole(identity.accountId, partition.partition);
        const password = new random.RandomPassword(
            `${name}-master-password`,
            // RDS refuses '/', '@', '"' and spaces in a master password.
            { length: 40, special: true, overrideSpecial: "!#$%^&*()-_=+[]{}<>:?" },
            { parent: this },
        );

        const common: Omit<aws.rds.InstanceArgs, "instanceClass"> = {
            storageType: "gp3",
            maxAllocatedStorage:
                args.maxAllocatedStorageGiB ?? shardDefaults.maxAllocatedStorageGiB,
            vpcSecurityGroupIds: [securityGroup.id],
            publiclyAccessible: false,
            multiAz: false,
            parameterGroupName: parameterGroup.name,
            iamDatabaseAuthenticationEnabled: true,
            performanceInsightsEnabled: true,
            performanceInsightsKmsKeyId: key.arn,
            performanceInsightsRetentionPeriod:
                args.performanceInsightsRetentionDays ??
                instanceDefaults.performanceInsightsRetentionDays,
            monitoringInterval:
                args.monitoringIntervalSeconds ?? shardDefaults.monitoringIntervalSeconds,
            monitoringRoleArn: monitoring.role.arn,
            enabledCloudwatchLogsExports: [...exportedLogTypes],
            caCertIdentifier:
                args.caCertificateIdentifier ?? instanceDefaults.caCertificateIdentifier,
            autoMinorVersionUpgrade: true,
            copyTagsToSnapshot: true,
        };
        const protect = args.protectDatabases ?? false;
        const deletionProtection = args.deletionProtection ?? true;
        const backupRetentionDays = args.backupRetentionDays ?? shardDefaults.backupRetentionDays;
        const masterClass = args.masterInstanceClass ?? shardDefaults.masterInstanceClass;
        const databaseName = args.databaseName ?? instanceDefaults.databaseName;
        const username = args.masterUsername ?? instanceDefaults.masterUsername;

        const masterSettings = {
            instanceClass: masterClass,
            availabilityZone: this.placement.master,
            backupRetentionPeriod: backupRetentionDays,
            backupWindow: args.backupWindow ?? instanceDefaults.backupWindow,
            maintenanceWindow: args.maintenanceWindow ?? instanceDefaults.maintenanceWindow,
            deleteAutomatedBackups: false,
            deletionProtection,
            skipFinalSnapshot: false,
            finalSnapshotIdentifier: this.identifier(`${layout.masterLabel}-final`),
        };
        const master = this.createInstance(
            "master",
            layout.masterLabel,
            layout.masterLabel === "master"
                ? {
                      ...common,
                      ...masterSettings,
                      engine: "postgres",
                      engineVersion: args.engineVersion ?? defaultEngineVersion,
                      allocatedStorage:
                          args.allocatedStorageGiB ?? shardDefaults.allocatedStorageGiB,
                      storageEncrypted: true,
                      kmsKeyId: key.arn,
                      dbName: databaseName,
                      username,
                      password: password.result,
                      dbSubnetGroupName: subnetGroup.name,
                  }
                : // A promoted replica keeps its name, so Pulumi adopts it as master instead of
                  // replacing it. Without a source it is standalone: if the promoter has not
                  // promoted it yet, `pulumi up` does (a planned switchover). Engine, storage,
                  // key, credentials and subnet group stay as inherited.
                  { ...common, ...masterSettings, storageEncrypted: true },
            { protect, dependsOn: [monitoring.policy] },
            key,
        );

        // A same-region replica names its source by identifier and inherits from it the engine,
        // version, credentials, database, storage size, encryption and key, and subnet group;
        // AWS refuses those settings on a replica, and a final snapshot of one. Replicas are created
        // one after another: RDS answers "DB instance is not in the available state" to a replica
        // requested while the source is still busy with the previous one.
        // Sources: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstanceReadReplica.html
        // and https://github.com/hashicorp/terraform-provider-aws/issues/43474
        const replicaOf = (
            role: DatabaseRole,
            az: string,
            instanceClass: string,
        ): Omit<aws.rds.InstanceArgs, "identifier" | "tags"> => ({
            ...common,
            instanceClass,
            availabilityZone: az,
            replicateSourceDb: master.identifier,
            // Inherited from the source and ignored on creation, but stated: the provider reads
            // it back as true, and an unset value (false) would plan a replacement of the replica.
            // https://github.com/terraform-aws-modules/terraform-aws-rds/issues/432
            storageEncrypted: true,
            skipFinalSnapshot: true,
            // The standby is the failover target: protected like the master, and backed up
            // (RDS for PostgreSQL 14.1 and newer) so a promoted standby has point-in-time
            // recovery from its first minute as master. Read replicas hold nothing the master
            // does not, so lowering replicaCount removes one in a single `pulumi up`.
            deletionProtection: role === "standby" && deletionProtection,
            ...(role === "standby" ? { backupRetentionPeriod: backupRetentionDays } : {}),
        });
        const standbyClass = args.standbyInstanceClass ?? masterClass;
        const standby = this.createInstance(
            "standby",
            layout.labels.standby,
            replicaOf("standby", this.placement.standby, standbyClass),
            { protect, dependsOn: [monitoring.policy] },
            key,
        );
        const replicaClass = args.replicaInstanceClass ?? shardDefaults.replicaInstanceClass;
        const replicas: aws.rds.Instance[] = [];
        this.placement.replicas.forEach((az, i) => {
            const previous = replicas[i - 1] ?? standby;
            replicas.push(
                this.createInstance(
                    "replica",
                    layout.labels.replicas[i],
                    replicaOf("replica", az, replicaClass),
                    { dependsOn: [previous, monitoring.policy] },
                    key,
                ),
            );
        });

        const secret = this.createCredentialsSecret(key, {
            username,
            password: password.result,
            engine: "postgres",
            host: master.address,
            port: master.port,
            dbname: databaseName,
        });

        const instance = (
            role: DatabaseRole,
            label: string,
            instanceClass: string,
            resource: aws.rds.Instance,
        ) => ({
            role,
            label,
            instanceClass,
            identifier: this.identifier(label),
            resource,
        });
        const failover = createFailover({
            parent: this,
            name,
            region: args.region,
            generation: layout.generation,
            identifier: (suffix) => this.identifier(suffix),
            tags: (role, resource) => this.tags(role, resource),
            accountId: identity.accountId,
            partition: partition.partition,
            key,
            master: instance("master", layout.masterLabel, masterClass, master),
            standby: instance("standby", layout.labels.standby, standbyClass, standby),
            replicas: replicas.map((r, i) =>
                instance("replica", layout.labels.replicas[i], replicaClass, r),
            ),
            allocatedStorageGiB: args.allocatedStorageGiB ?? shardDefaults.allocatedStorageGiB,
            databaseName,
            credentialsSecret: secret,
            vpcId: network.vpcId,
            subnetIds: network.subnetIds,
            ownsVpc: !args.existingVpc,
            dbSecurityGroup: securityGroup,
            logRetentionDays: args.logRetentionDays ?? shardDefaults.logRetentionDays,
            settings: { ...failoverDefaults, ...args.failover },
            dns: args.dns,
        });
        this.writerName = failover.writerName;
        this.readerName = failover.readerName;
        this.alarmTopicArn = failover.topicArn;
        this.failoverBudget = failover.budget;

        if (args.warehouse) {
            const cdc = createShardCdc({
                parent: this,
                name,
                environment: args.environment,
                region: args.region,
                identifier: (suffix) => this.identifier(suffix),
                tags: (role, resource) => this.tags(role, resource),
                accountId: identity.accountId,
                warehouse: args.warehouse,
                shardVpcId: network.vpcId,
                shardVpcCidr: args.vpcCidr,
                shardRouteTableId: network.routeTableId,
                dbSecurityGroup: securityGroup,
                admitsWarehouse: (args.allowedCidrs ?? [args.vpcCidr]).includes(
                    args.warehouse.vpcCidr,
                ),
                master,
                databaseName,
                credentialsSecret: secret,
                selection: args.cdc ?? { excludeTables: [], excludeColumns: [] },
                residency: args.residency,
                residencyWaiver: args.residencyWaiver,
                allocatedStorageGiB: args.allocatedStorageGiB ?? shardDefaults.allocatedStorageGiB,
                shardAlarmTopicArn: failover.topicArn,
                logRetentionDays: args.logRetentionDays ?? shardDefaults.logRetentionDays,
            });
            this.cdc = {
                streamName: cdc.streamName,
                replicationIdentifier: cdc.replicationIdentifier,
                lakePrefix: cdc.lakePrefix,
            };
        }

        this.masterIdentifier = master.identifier;
        this.standbyIdentifier = standby.identifier;
        this.replicaIdentifiers = replicas.map((r) => r.identifier);
        this.masterAddress = master.address;
        this.standbyAddress = standby.address;
        this.replicaAddresses = replicas.map((r) => r.address);
        this.port = master.port;
        this.kmsKeyArn = key.arn;
        this.credentialsSecretArn = secret.arn;
        this.vpcId = network.vpcId;
        this.subnetIds = network.subnetIds;
        this.securityGroupId = securityGroup.id;
        this.routeTableId = network.routeTableId;

        this.registerOutputs({
            masterIdentifier: this.masterIdentifier,
            standbyIdentifier: this.standbyIdentifier,
            replicaIdentifiers: this.replicaIdentifiers,
            masterAddress: this.masterAddress,
            standbyAddress: this.standbyAddress,
            replicaAddresses: this.replicaAddresses,
            port: this.port,
            kmsKeyArn: this.kmsKeyArn,
            credentialsSecretArn: this.credentialsSecretArn,
            vpcId: this.vpcId,
            subnetIds: this.subnetIds,
            securityGroupId: this.securityGroupId,
            writerName: this.writerName,
            readerName: this.readerName,
            alarmTopicArn: this.alarmTopicArn,
        });
    }

    /** The physical name of a shard resource: `geoshard-prod-europe-master`. */
    private identifier(suffix: string): string {
        return `geoshard-${this.args.environment}-${this.name}-${suffix}`;
    }

    private tags(role: string, resource: string = role): Record<string, string> {
        return {
            ...this.args.tags,
            Name: this.identifier(resource),
            environment: this.args.environment,
            shard: this.name,
            role,
        };
    }

    /** The shard's customer managed key: storage, Performance Insights, credentials, logs, alarms. */
    private createKey(
        accountId: pulumi.Output<string>,
        partition: pulumi.Output<string>,
    ): aws.kms.Key {
        return customerKey(this, this.name, {
            description: `geoshard ${this.args.environment} shard ${this.name}: storage, Performance Insights, secrets, logs, alarms`,
            region: this.args.region,
            accountId,
            partition,
            logGroupPrefixes: [
                `/aws/rds/instance/${this.identifier("")}`,
                `/aws/lambda/${this.identifier("")}`,
            ],
            alias: `alias/${this.identifier("key")}`,
            tags: this.tags("encryption"),
        });
    }

    /**
     * A VPC with one private subnet per AZ and a route table of its own (no internet route), or
     * the given existing VPC. RDS needs no internet access: replication, backups, monitoring and
     * log export run on AWS's side.
     */
    private createNetwork(azs: readonly string[]): {
        vpcId: pulumi.Output<string>;
        subnetIds: pulumi.Output<string>[];
        routeTableId?: pulumi.Output<string>;
    } {
        const existing = this.args.existingVpc;
        if (existing) {
            return {
                vpcId: pulumi.output(existing.vpcId),
                subnetIds: existing.subnets.map((s) => pulumi.output(s.id)),
            };
        }
        return privateNetwork(this, this.name, this.args.vpcCidr, azs, (resource) =>
            this.tags("network", resource),
        );
    }

    /** Admits PostgreSQL from the allowed networks only; no egress (RDS needs none). */
    private createSecurityGroup(vpcId: pulumi.Output<string>): aws.ec2.SecurityGroup {
        const group = new aws.ec2.SecurityGroup(
            `${this.name}-db-sg`,
            {
                vpcId,
                description: `PostgreSQL of geoshard shard ${this.name}`,
                tags: this.tags("security", "db-sg"),
            },
            { parent: this },
        );
        for (const cidr of this.args.allowedCidrs ?? [this.args.vpcCidr]) {
            new aws.vpc.SecurityGroupIngressRule(
                `${this.name}-postgres-from-${cidr.replace(/[./]/g, "-")}`,
                {
                    securityGroupId: group.id,
                    description: `PostgreSQL from ${cidr}`,
                    ipProtocol: "tcp",
                    fromPort: postgresPort,
                    toPort: postgresPort,
                    cidrIpv4: cidr,
                    tags: this.tags("security", "postgres-ingress"),
                },
                { parent: this },
            );
        }
        return group;
    }

    /**
     * TLS only, logical decoding on (CDC needs it, and it is static: it must be there from the
     * first boot), and pg_stat_statements loaded.
     */
    private createParameterGroup(): aws.rds.ParameterGroup {
        const major = (this.args.engineVersion ?? defaultEngineVersion).split(".")[0];
        const allocatedGiB = this.args.allocatedStorageGiB ?? shardDefaults.allocatedStorageGiB;
        return new aws.rds.ParameterGroup(
            `${this.name}-params`,
            {
                family: `postgres${major}`,
                description: `geoshard shard ${this.name}, PostgreSQL ${major}`,
                parameters: [
                    { name: "rds.force_ssl", value: "1" },
                    { name: "rds.logical_replication", value: "1", applyMethod: "pending-reboot" },
                    {
                        name: "shared_preload_libraries",
                        value: "pg_stat_statements",
                        applyMethod: "pending-reboot",
                    },
                    // A replication slot nobody reads may hold this much WAL, then PostgreSQL
                    // gives up the slot rather than the master's storage (CDC must then reload).
                    {
                        name: "max_slot_wal_keep_size",
                        value: String(
                            Math.floor((allocatedGiB * 1024 * slotWalLimitPercent) / 100),
                        ),
                    },
                ],
                tags: this.tags("database"),
            },
            { parent: this },
        );
    }

    /**
     * The role RDS assumes to publish Enhanced Monitoring metrics, limited to this account
     * against the confused-deputy problem.
     * Source: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Monitoring.OS.Enabling.html
     */
    private createMonitoringRole(
        accountId: pulumi.Output<string>,
        partition: pulumi.Output<string>,
    ): { role: aws.iam.Role; policy: aws.iam.RolePolicyAttachment } {
        const role = new aws.iam.Role(
            `${this.name}-monitoring-role`,
            {
                description: `Enhanced Monitoring of geoshard shard ${this.name}`,
                assumeRolePolicy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Principal: { Service: "monitoring.rds.amazonaws.com" },
                            Action: "sts:AssumeRole",
                            Condition: { StringEquals: { "aws:SourceAccount": accountId } },
                        },
                    ],
                }),
                tags: this.tags("monitoring"),
            },
            { parent: this },
        );
        const policy = new aws.iam.RolePolicyAttachment(
            `${this.name}-monitoring-policy`,
            {
                role: role.name,
                policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`,
            },
            { parent: this },
        );
        return { role, policy };
    }

    /**
     * One database instance and the log groups RDS exports its logs into, created first so they
     * carry the shard's key and a retention period (RDS would otherwise create them unencrypted
     * and kept forever).
     */
    private createInstance(
        role: DatabaseRole,
        label: string,
        instanceArgs: Omit<aws.rds.InstanceArgs, "identifier" | "tags">,
        opts: { protect?: boolean; dependsOn?: pulumi.Resource[] },
        key: aws.kms.Key,
    ): aws.rds.Instance {
        const identifier = this.identifier(label);
        const logGroups = exportedLogTypes.map(
            (logType) =>
                new aws.cloudwatch.LogGroup(
                    `${this.name}-${label}-${logType}-logs`,
                    {
                        name: `/aws/rds/instance/${identifier}/${logType}`,
                        retentionInDays:
                            this.args.logRetentionDays ?? shardDefaults.logRetentionDays,
                        kmsKeyId: key.arn,
                        tags: this.tags("logs", `${label}-${logType}-logs`),
                    },
                    { parent: this },
                ),
        );
        return new aws.rds.Instance(
            `${this.name}-${label}`,
            { ...instanceArgs, identifier, tags: this.tags(role, label) },
            {
                parent: this,
                protect: opts.protect,
                dependsOn: [...(opts.dependsOn ?? []), ...logGroups],
            },
        );
    }

    /** The master credentials as RDS documents them for rotation, encrypted with the shard's key. */
    private createCredentialsSecret(
        key: aws.kms.Key,
        value: Record<string, pulumi.Input<string | number>>,
    ): aws.secretsmanager.Secret {
        const secret = new aws.secretsmanager.Secret(
            `${this.name}-credentials`,
            {
                name: this.identifier("master-credentials"),
                description: `Master credentials of geoshard shard ${this.name}`,
                kmsKeyId: key.arn,
                recoveryWindowInDays: 30,
                // CDC reads the credentials in the warehouse region, under the warehouse key.
                replicas: this.args.warehouse
                    ? [
                          {
                              region: this.args.warehouse.region,
                              kmsKeyId: this.args.warehouse.kmsKeyArn,
                          },
                      ]
                    : undefined,
                tags: this.tags("credentials"),
            },
            { parent: this },
        );
        new aws.secretsmanager.SecretVersion(
            `${this.name}-credentials-value`,
            { secretId: secret.id, secretString: pulumi.secret(pulumi.jsonStringify(value)) },
            { parent: this },
        );
        return secret;
    }
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { privateNetwork } from "./network";
import type { WarehouseLink } from "./shardCdc";
import {
    argumentsMessage,
    checkProviderRegion,
    declaredProviderRegion,
    validateWarehouseArgs,
} from "./validateArgs";
import { alarmTopicPolicy, assumableBy, customerKey, denyInsecureTransport } from "./security";

export interface WarehouseArgs {
    /** Environment name, used in physical names and tags. */
    readonly environment: string;
    /** The warehouse region. Must be the region of the provider passed in `opts`. */
    readonly region: string;
    readonly vpcCidr: string;
    /** The AZs to use, at most three, chosen by zone ID (see placement.ts). */
    readonly availabilityZones: readonly string[];
    /**
     * Create the account's `dms-vpc-role` and `dms-cloudwatch-logs-role`, which DMS needs before
     * any replication exists. They are one per account, with fixed names: a second stack in the
     * account, or an account where the DMS console already created them, fails on CreateRole
     * with EntityAlreadyExists. Set it in at most one stack per account.
     * @default false: the account must have them; `prerequisites` says how to check and create them
     */
    readonly createDmsVpcRole?: boolean;
    /** Also create Redshift Serverless over the data lake. @default false */
    readonly redshift?: boolean;
    /** Days CloudWatch keeps the warehouse's logs. @default 30 */
    readonly logRetentionDays?: number;
    /** Addresses subscribed to the warehouse's alarm topic. @default - none */
    readonly alarmEmails?: readonly string[];
}

/** The physical names of a warehouse, derived from the environment. */
export function warehouseNames(environment: string) {
    return {
        prefix: `geoshard-${environment}-warehouse`,
        glueDatabase: `geoshard_${environment}`,
        athenaWorkgroup: `geoshard-${environment}`,
    };
}

/** Something the account must have before `pulumi up`, with the commands to check and create it. */
export interface Prerequisite {
    /** What the account must have, by its name: `dms-vpc-role`. */
    readonly name: string;
    readonly what: string;
    readonly check: string;
    readonly create: readonly string[];
    readonly source: string;
}

/**
 * The roles DMS looks up by fixed name in the account: `dms-vpc-role` to place replications in
 * a VPC, `dms-cloudwatch-logs-role` to write their logs. Each trusts dms.amazonaws.com and
 * carries one AWS managed policy.
 * Source: https://docs.aws.amazon.com/dms/latest/userguide/security-iam.html#CHAP_Security.APIRole
 */
export const dmsAccountRoles: readonly { name: string; policy: string; purpose: string }[] = [
    {
        name: "dms-vpc-role",
        policy: "AmazonDMSVPCManagementRole",
        purpose: "manage network interfaces in VPCs",
    },
    {
        name: "dms-cloudwatch-logs-role",
        policy: "AmazonDMSCloudWatchLogsRole",
        purpose: "write replication logs to CloudWatch",
    },
];

/** The AWS CLI commands that check for and create the DMS account roles. */
export function dmsAccountRolePrerequisites(partition = "aws"): Prerequisite[] {
    const trust = JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: "dms.amazonaws.com" },
                Action: "sts:AssumeRole",
            },
        ],
    });
    return dmsAccountRoles.map((role) => ({
        name: role.name,
        what: `IAM role ${role.name} (lets AWS DMS ${role.purpose}), once per account`,
        check: `aws iam get-role --role-name ${role.name}`,
        create: [
            `aws iam create-role --role-name ${role.name} --assume-role-policy-document '${trust}'`,
            `aws iam attach-role-policy --role-name ${role.name} --policy-arn arn:${partition}:iam::aws:policy/service-role/${role.policy}`,
        ],
        source: "https://docs.aws.amazon.com/dms/latest/userguide/security-iam.html#CHAP_Security.APIRole",
    }));
}

/**
 * The analytics side of the stack, once per stack in the warehouse region: a private network
 * peered with every shard, where the DMS Serverless replications run; an encrypted S3 data lake
 * that Firehose fills from each shard's Kinesis stream, partitioned by shard, table and date;
 * a Glue database and crawler so Athena can query it; optionally Redshift Serverless.
 *
 * The shards own their CDC resources (stream, replication, delivery); the warehouse owns what
 * they share. DMS must run in the region of the stream it writes, and the lake is in the same
 * region, so everything that writes lives here.
 */
export class Warehouse extends pulumi.ComponentResource {
    public readonly vpcId: pulumi.Output<string>;
    public readonly routeTableId: pulumi.Output<string>;
    public readonly kmsKeyArn: pulumi.Output<string>;
    public readonly bucketName: pulumi.Output<string>;
    public readonly bucketArn: pulumi.Output<string>;
    public readonly replicationSubnetGroupId: pulumi.Output<string>;
    public readonly dmsSecurityGroupId: pulumi.Output<string>;
    public readonly glueDatabaseName: pulumi.Output<string>;
    public readonly athenaWorkgroupName: pulumi.Output<string>;
    public readonly redshiftWorkgroupName?: pulumi.Output<string>;
    /** Alarms of the warehouse region (the shards' CDC latency) notify this topic. */
    public readonly alarmTopicArn: pulumi.Output<string>;
    /**
     * The EventBridge rule that sends every DMS Serverless replication's state changes (stopped,
     * failed, running...) in the warehouse region to the alarm topic.
     */
    public readonly replicationStateRuleName: pulumi.Output<string>;
    /** The Kinesis and Secrets Manager endpoints a replication needs before it starts. */
    public readonly apiEndpoints: aws.ec2.VpcEndpoint[];
    /** The bucket that receives the lake's server access logs, under `lake/`. */
    public readonly accessLogBucketName: pulumi.Output<string>;
    /** What the account must have that this warehouse does not create (the DMS account roles). */
    public readonly prerequisites: readonly Prerequisite[];

    private readonly name: string;
    private readonly args: WarehouseArgs;

    constructor(name: string, args: WarehouseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("geoshard:index:Warehouse", name, {}, opts);
        const problems = validateWarehouseArgs(args, {
            providerRegion: declaredProviderRegion(this),
        });
        if (problems.length > 0) {
            throw new pulumi.ResourceError(argumentsMessage("Warehouse", problems), this, true);
        }
        checkProviderRegion(
            this,
            "Warehouse",
            this.getProvider("aws::Provider"),
            "region",
            args.region,
            "the warehouse's AWS provider",
        );
        this.name = name;
        this.args = args;
        const names = warehouseNames(args.environment);

        const identity = aws.getCallerIdentityOutput({}, { parent: this });
        const partition = aws.getPartitionOutput({}, { parent: this });
        const key = this.createKey(identity.accountId, partition.partition);
        const azs = [...args.availabilityZones];
        const network = privateNetwork(this, name, args.vpcCidr, azs, (resource) =>
            this.tags("network", resource),
        );

        // DMS reaches the shards over peering, and Kinesis and Secrets Manager through
        // endpoints: DMS Serverless must reach its dependencies through VPC endpoints.
        // Source: https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Serverless.Limitations.html
        const dmsGroup = new aws.ec2.SecurityGroup(
            `${name}-dms-sg`,
            {
                vpcId: network.vpcId,
                description: "DMS Serverless replications of geoshard",
                tags: this.tags("cdc", "dms-sg"),
            },
            { parent: this },
        );
        const endpointGroup = new aws.ec2.SecurityGroup(
            `${name}-endpoints-sg`,
            {
                vpcId: network.vpcId,
                description: "AWS API endpoints of the geoshard warehouse",
                tags: this.tags("network", "endpoints-sg"),
            },
            { parent: this },
        );
        new aws.vpc.SecurityGroupIngressRule(
            `${name}-endpoints-from-dms`,
            {
                securityGroupId: endpointGroup.id,
                description: "HTTPS from DMS",
                ipProtocol: "tcp",
                fromPort: 443,
                toPort: 443,
                referencedSecurityGroupId: dmsGroup.id,
                tags: this.tags("network", "endpoints-from-dms"),
            },
            { parent: this },
        );
        new aws.vpc.SecurityGroupEgressRule(
            `${name}-dms-to-endpoints`,
            {
                securityGroupId: dmsGroup.id,
                // No apostrophe: EC2 accepts a-zA-Z0-9. _-:/()#,@[]+=&;{}!$* only.
                // Source: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html
                description: "HTTPS to the AWS API endpoints of the geoshard warehouse",
                ipProtocol: "tcp",
                fromPort: 443,
                toPort: 443,
                referencedSecurityGroupId: endpointGroup.id,
                tags: this.tags("cdc", "dms-to-endpoints"),
            },
            { parent: this },
        );
        this.apiEndpoints = ["kinesis-streams", "secretsmanager"].map(
            (service) =>
                new aws.ec2.VpcEndpoint(
                    `${name}-${service}-endpoint`,
                    {
                        vpcId: network.vpcId,
                        serviceName: `com.amazonaws.${args.region}.${service}`,
                        vpcEndpointType: "Interface",
                        privateDnsEnabled: true,
                        subnetIds: network.subnetIds,
                        securityGroupIds: [endpointGroup.id],
                        tags: this.tags("network", `${service}-endpoint`),
                    },
                    { parent: this },
                ),
        );

        // S3 without the internet, for Redshift's enhanced VPC routing (gateway endpoints are free).
        new aws.ec2.VpcEndpoint(
            `${name}-s3-endpoint`,
            {
                vpcId: network.vpcId,
                serviceName: `com.amazonaws.${args.region}.s3`,
                vpcEndpointType: "Gateway",
                routeTableIds: [network.routeTableId],
                tags: this.tags("network", "s3-endpoint"),
            },
            { parent: this },
        );

        const createDmsVpcRole = args.createDmsVpcRole ?? false;
        const dmsServiceRoles = createDmsVpcRole
            ? this.createDmsServiceRoles(partition.partition)
            : [];
        this.prerequisites = createDmsVpcRole ? [] : dmsAccountRolePrerequisites();
        tellOperator(this, prerequisitesMessage(this.prerequisites));
        const subnetGroup = new aws.dms.ReplicationSubnetGroup(
            `${name}-dms-subnets`,
            {
                replicationSubnetGroupId: `${names.prefix}-dms`,
                replicationSubnetGroupDescription: "Private subnets of the geoshard warehouse",
                subnetIds: network.subnetIds,
                tags: this.tags("cdc", "dms-subnets"),
            },
            { parent: this, dependsOn: dmsServiceRoles },
        );

        const lake = this.createLake(key, identity.accountId);
        const accessLogs = this.createAccessLogs(lake, identity.accountId);
        const glueDatabase = new aws.glue.CatalogDatabase(
            `${name}-glue-database`,
            {
                name: names.glueDatabase,
                description: "CDC of every geoshard shard, partitioned by shard, table and date",
            },
            { parent: this },
        );
        this.createCrawler(lake, key, glueDatabase, partition.partition);
        const workgroup = new aws.athena.Workgroup(
            `${name}-athena`,
            {
                name: names.athenaWorkgroup,
                description: "Queries over the geoshard data lake",
                configuration: {
                    enforceWorkgroupConfiguration: true,
                    resultConfiguration: {
                        outputLocation: pulumi.interpolate`s3://${lake.bucket}/athena-results/`,
                        encryptionConfiguration: {
                            encryptionOption: "SSE_KMS",
                            kmsKeyArn: key.arn,
                        },
                    },
                },
                tags: this.tags("analytics", "athena"),
            },
            { parent: this },
        );
        if (args.redshift) {
            this.redshiftWorkgroupName = this.createRedshift(
                key,
                lake,
                network.subnetIds,
                network.vpcId,
            );
        }

        const topic = new aws.sns.Topic(
            `${name}-alarms`,
            {
                name: `${names.prefix}-alarms`,
                kmsMasterKeyId: key.arn,
                tags: this.tags("alarms", "alarms-topic"),
            },
            { parent: this },
        );
        for (const email of args.alarmEmails ?? []) {
            new aws.sns.TopicSubscription(
                `${name}-alarms-${email}`,
                { topic: topic.arn, protocol: "email", endpoint: email },
                { parent: this },
            );
        }
        const stateRule = this.createReplicationStateRule(
            topic,
            identity.accountId,
            partition.partition,
        );
        this.alarmTopicArn = topic.arn;
        this.replicationStateRuleName = stateRule.name;

        this.vpcId = network.vpcId;
        this.routeTableId = network.routeTableId;
        this.kmsKeyArn = key.arn;
        this.bucketName = lake.bucket;
        this.bucketArn = lake.arn;
        this.replicationSubnetGroupId = subnetGroup.replicationSubnetGroupId;
        this.dmsSecurityGroupId = dmsGroup.id;
        this.glueDatabaseName = glueDatabase.name;
        this.athenaWorkgroupName = workgroup.name;
        this.accessLogBucketName = accessLogs.bucket;
        this.registerOutputs({
            vpcId: this.vpcId,
            routeTableId: this.routeTableId,
            kmsKeyArn: this.kmsKeyArn,
            bucketName: this.bucketName,
            bucketArn: this.bucketArn,
            replicationSubnetGroupId: this.replicationSubnetGroupId,
            dmsSecurityGroupId: this.dmsSecurityGroupId,
            glueDatabaseName: this.glueDatabaseName,
            athenaWorkgroupName: this.athenaWorkgroupName,
            redshiftWorkgroupName: this.redshiftWorkgroupName,
            alarmTopicArn: this.alarmTopicArn,
            replicationStateRuleName: this.replicationStateRuleName,
            apiEndpoints: this.apiEndpoints,
            accessLogBucketName: this.accessLogBucketName,
            prerequisites: this.prerequisites,
        });
    }

    /**
     * What a RegionalShard needs to stream its changes here (its `warehouse` argument): this
     * warehouse's network, key, lake, DMS placement and alarm topic, and the AWS provider of its
     * region, which runs the shard's replication, stream and delivery.
     */
    public link(): WarehouseLink {
        const provider = this.getProvider("aws::Provider");
        if (provider === undefined) {
            throw new pulumi.ResourceError(
                `the warehouse has no AWS provider of its own to lend its shards; pass the provider ` +
                    `of ${this.args.region} in the warehouse's opts.providers`,
                this,
            );
        }
        return {
            provider,
            region: this.args.region,
            vpcCidr: this.args.vpcCidr,
            vpcId: this.vpcId,
            routeTableId: this.routeTableId,
            kmsKeyArn: this.kmsKeyArn,
            bucketArn: this.bucketArn,
            replicationSubnetGroupId: this.replicationSubnetGroupId,
            dmsSecurityGroupId: this.dmsSecurityGroupId,
            alarmTopicArn: this.alarmTopicArn,
            replicationStateRule: replicationStateRoute(this.args.environment),
            readyForReplication: this.apiEndpoints,
        };
    }

    private tags(role: string, resource: string = role): Record<string, string> {
        return {
            Name: `${warehouseNames(this.args.environment).prefix}-${resource}`,
            environment: this.args.environment,
            shard: "warehouse",
            role,
        };
    }

    /**
     * The warehouse key: the lake, the streams, the replicated credentials, the logs and the alarm
     * topic. Services use it through the IAM roles granted below and in each shard's CDC roles.
     */
    private createKey(
        accountId: pulumi.Output<string>,
        partition: pulumi.Output<string>,
    ): aws.kms.Key {
        const names = warehouseNames(this.args.environment);
        return customerKey(this, this.name, {
            description: `geoshard ${this.args.environment} warehouse: data lake, CDC streams, replicated credentials, logs`,
            region: this.args.region,
            accountId,
            partition,
            logGroupPrefixes: [`/geoshard/${this.args.environment}/`],
            alias: `alias/${names.prefix}-key`,
            tags: this.tags("encryption", "key"),
            // The replication state rule publishes to the alarm topic this key encrypts.
            eventRules: true,
        });
    }

    /**
     * DMS publishes a serverless replication's state changes to EventBridge as "DMS Replication
     * State Change" (source `aws.dms`); a replication that stops or fails publishes no CDC
     * latency, so its alarms alone would sit in INSUFFICIENT_DATA. A rule on the default bus
     * sends those events to the alarm topic, whose policy admits this rule alone (by ARN) and
     * whose key admits EventBridge. The rule matches every serverless replication of the account
     * in this region: the event reference does not document what `resources` holds for
     * serverless replications, and a filter that missed would drop every event unseen.
     * Sources: https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-dms.html,
     * https://docs.aws.amazon.com/dms/latest/userguide/CHAP_EventBridge.html,
     * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions
     */
    private createReplicationStateRule(
        topic: aws.sns.Topic,
        accountId: pulumi.Output<string>,
        partition: pulumi.Output<string>,
    ): aws.cloudwatch.EventRule {
        const { name } = this;
        const rule = new aws.cloudwatch.EventRule(
            `${name}-replication-state`,
            {
                name: replicationStateRuleName(this.args.environment),
                description: "State changes of the geoshard CDC replications (DMS Serverless)",
                eventPattern: JSON.stringify(replicationStatePattern),
                tags: this.tags("alarms", "replication-state"),
            },
            { parent: this },
        );
        new aws.cloudwatch.EventTarget(
            `${name}-replication-state-alarms`,
            { rule: rule.name, arn: topic.arn },
            { parent: this },
        );
        new aws.sns.TopicPolicy(
            `${name}-alarms-policy`,
            {
                arn: topic.arn,
                policy: alarmTopicPolicy(topic.arn, accountId, partition, [rule.arn]),
            },
            { parent: this },
        );
        return rule;
    }

    /** The two account-wide roles of `dmsAccountRoles`, for the one stack per account that owns them. */
    private createDmsServiceRoles(partition: pulumi.Output<string>): pulumi.Resource[] {
        return dmsAccountRoles.flatMap(({ name: roleName, policy: policyName, purpose }) => {
            const role = new aws.iam.Role(
                `${this.name}-${roleName}`,
                {
                    name: roleName,
                    description: `Lets AWS DMS ${purpose} (DMS requires this name)`,
                    assumeRolePolicy: assumableBy("dms.amazonaws.com"),
                    tags: this.tags("cdc", roleName),
                },
                { parent: this },
            );
            const policy = new aws.iam.RolePolicyAttachment(
                `${this.name}-${roleName.replace(/-role$/, "")}-policy`,
                {
                    role: role.name,
                    policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/service-role/${policyName}`,
                },
                { parent: this },
            );
            return [role, policy];
        });
    }

    /**
     * The data lake: versioned, encrypted with the warehouse key (with an S3 Bucket Key, so KMS
     * is not called per object), no public access, TLS only, old versions and aborted uploads
     * cleaned up, cold data moved to cheaper storage.
     */
    private createLake(key: aws.kms.Key, accountId: pulumi.Output<string>): aws.s3.Bucket {
        const { name } = this;
        const { bucket } = this.privateBucket("lake", accountId, this.tags("storage", "lake"));
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-lake-encryption`,
            {
                bucket: bucket.id,
                rules: [
                    {
                        applyServerSideEncryptionByDefault: {
                            sseAlgorithm: "aws:kms",
                            kmsMasterKeyId: key.arn,
                        },
                        bucketKeyEnabled: true,
                    },
                ],
            },
            { parent: this },
        );
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-lake-lifecycle`,
            {
                bucket: bucket.id,
                rules: [
                    {
                        id: "cdc-to-infrequent-access",
                        status: "Enabled",
                        filter: { prefix: "cdc/" },
                        transitions: [
                            { days: 30, storageClass: "STANDARD_IA" },
                            { days: 180, storageClass: "GLACIER_IR" },
                        ],
                    },
                    {
                        id: "expire-old-versions",
                        status: "Enabled",
                        // The whole bucket. An empty filter draws a provider warning that will
                        // become an error: hashicorp/terraform-provider-aws#42714.
                        filter: { prefix: "" },
                        noncurrentVersionExpiration: { noncurrentDays: 30 },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                    },
                    {
                        id: "expire-query-results",
                        status: "Enabled",
                        filter: { prefix: "athena-results/" },
                        expiration: { days: 30 },
                    },
                ],
            },
            { parent: this },
        );
        new aws.s3.BucketPolicy(
            `${name}-lake-policy`,
            {
                bucket: bucket.id,
                policy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [denyInsecureTransport(bucket.arn)],
                }),
            },
            { parent: this },
        );
        return bucket;
    }

    /**
     * A bucket of this warehouse, `<prefix>-<purpose>-<account>`, that only this account reaches:
     * ACLs disabled (the bucket owner owns every object), public access blocked, versioned.
     * Children: `<name>-<purpose>` and its `-ownership`, `-public-access`, `-versioning`.
     */
    private privateBucket(
        purpose: string,
        accountId: pulumi.Output<string>,
        tags: Record<string, string>,
    ): { bucket: aws.s3.Bucket; ownership: aws.s3.BucketOwnershipControls } {
        const { name } = this;
        const prefix = warehouseNames(this.args.environment).prefix;
        const bucket = new aws.s3.Bucket(
            `${name}-${purpose}`,
            { bucket: pulumi.interpolate`${prefix}-${purpose}-${accountId}`, tags },
            { parent: this },
        );
        const ownership = new aws.s3.BucketOwnershipControls(
            `${name}-${purpose}-ownership`,
            { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
            { parent: this },
        );
        new aws.s3.BucketPublicAccessBlock(
            `${name}-${purpose}-public-access`,
            {
                bucket: bucket.id,
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            },
            { parent: this },
        );
        new aws.s3.BucketVersioning(
            `${name}-${purpose}-versioning`,
            { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
            { parent: this },
        );
        return { bucket, ownership };
    }

    /**
     * Server access logs of the lake, in a bucket of their own: who read or wrote the warehouse's
     * data. S3 writes them as the logging service principal, which a bucket policy admits for
     * this lake and account only (ACLs are disabled by BucketOwnerEnforced). The bucket keeps the
     * default encryption S3 applies to every new bucket, SSE-S3: a log target supports default
     * encryption with SSE-S3 only, not SSE-KMS. Logs expire after a year.
     * Sources: https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html,
     * https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html
     */
    private createAccessLogs(lake: aws.s3.Bucket, accountId: pulumi.Output<string>): aws.s3.Bucket {
        const { name } = this;
        // Versioned, so a deleted or overwritten log is kept for a month.
        const { bucket, ownership } = this.privateBucket(
            "access-logs",
            accountId,
            this.tags("logs", "access-logs"),
        );
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-access-logs-lifecycle`,
            {
                bucket: bucket.id,
                rules: [
                    {
                        id: "expire-logs",
                        status: "Enabled",
                        filter: { prefix: "" },
                        expiration: { days: accessLogRetentionDays },
                        noncurrentVersionExpiration: { noncurrentDays: 30 },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                    },
                ],
            },
            { parent: this },
        );
        const policy = new aws.s3.BucketPolicy(
            `${name}-access-logs-policy`,
            {
                bucket: bucket.id,
                policy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Sid: "S3ServerAccessLogsFromTheLake",
                            Effect: "Allow",
                            Principal: { Service: "logging.s3.amazonaws.com" },
                            Action: "s3:PutObject",
                            Resource: pulumi.interpolate`${bucket.arn}/lake/*`,
                            Condition: {
                                ArnLike: { "aws:SourceArn": lake.arn },
                                StringEquals: { "aws:SourceAccount": accountId },
                            },
                        },
                        denyInsecureTransport(bucket.arn),
                    ],
                }),
            },
            { parent: this },
        );
        new aws.s3.BucketLogging(
            `${name}-lake-logging`,
            { bucket: lake.id, targetBucket: bucket.bucket, targetPrefix: "lake/" },
            // The grant and the ownership setting come first, before S3 delivers any log.
            { parent: this, dependsOn: [policy, ownership] },
        );
        return bucket;
    }

    /** A crawler that keeps the Glue tables of `cdc/` in step with what the shards send. */
    private createCrawler(
        lake: aws.s3.Bucket,
        key: aws.kms.Key,
        database: aws.glue.CatalogDatabase,
        partition: pulumi.Output<string>,
    ): void {
        const { name } = this;
        const role = new aws.iam.Role(
            `${name}-crawler-role`,
            {
                description: "Glue crawler of the geoshard data lake",
                assumeRolePolicy: assumableBy("glue.amazonaws.com"),
                tags: this.tags("analytics", "crawler-role"),
            },
            { parent: this },
        );
        new aws.iam.RolePolicyAttachment(
            `${name}-crawler-service`,
            {
                role: role.name,
                policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/service-role/AWSGlueServiceRole`,
            },
            { parent: this },
        );
        new aws.iam.RolePolicy(
            `${name}-crawler-lake`,
            {
                role: role.name,
                policy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [...lakeReader(lake, key)],
                }),
            },
            { parent: this },
        );
        new aws.glue.Crawler(
            `${name}-crawler`,
            {
                name: `${warehouseNames(this.args.environment).prefix}-crawler`,
                databaseName: database.name,
                role: role.arn,
                s3Targets: [{ path: pulumi.interpolate`s3://${lake.bucket}/cdc/` }],
                schedule: "cron(15 * * * ? *)",
                recrawlPolicy: { recrawlBehavior: "CRAWL_NEW_FOLDERS_ONLY" },
                schemaChangePolicy: { updateBehavior: "LOG", deleteBehavior: "LOG" },
                configuration: JSON.stringify({
                    Version: 1.0,
                    // s3://<lake>/cdc/table=<schema_table>/shard=<shard>/dt=<date>/: the level
                    // counts from the bucket, which is level 1 (cdc/ is 2), so level 3 gives one
                    // Glue table per source table, partitioned by shard and date, and one query
                    // spans all shards. Level 2 would make a single table of cdc/ with mixed schemas.
                    // Sources: https://docs.aws.amazon.com/glue/latest/dg/crawler-table-level.html
                    // ("created at that absolute level from the Amazon S3 bucket"), and
                    // awslabs/data-solutions-framework-on-aws data-catalog-database.ts, whose
                    // default level is the prefix depth plus 2.
                    Grouping: { TableLevelConfiguration: crawlerTableLevel },
                }),
                tags: this.tags("analytics", "crawler"),
            },
            { parent: this },
        );
    }

    /** Redshift Serverless in the warehouse subnets, reading the lake through Spectrum. */
    private createRedshift(
        key: aws.kms.Key,
        lake: aws.s3.Bucket,
        subnetIds: pulumi.Output<string>[],
        vpcId: pulumi.Output<string>,
    ): pulumi.Output<string> {
        const { name } = this;
        const prefix = warehouseNames(this.args.environment).prefix;
        const role = new aws.iam.Role(
            `${name}-redshift-role`,
            {
                description: "Redshift Serverless reading the geoshard data lake",
                assumeRolePolicy: assumableBy("redshift.amazonaws.com"),
                tags: this.tags("analytics", "redshift-role"),
            },
            { parent: this },
        );
        new aws.iam.RolePolicy(
            `${name}-redshift-lake`,
            {
                role: role.name,
                policy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [
                        ...lakeReader(lake, key),
                        {
                            Sid: "ReadCatalog",
                            Effect: "Allow",
                            Action: [
                                "glue:GetDatabase",
                                "glue:GetDatabases",
                                "glue:GetTable",
                                "glue:GetTables",
                                "glue:GetPartition",
                                "glue:GetPartitions",
                            ],
                            Resource: "*",
                        },
                    ],
                }),
            },
            { parent: this },
        );
        const group = new aws.ec2.SecurityGroup(
            `${name}-redshift-sg`,
            {
                vpcId,
                description: "Redshift Serverless of the geoshard warehouse",
                tags: this.tags("analytics", "redshift-sg"),
            },
            { parent: this },
        );
        const namespace = new aws.redshiftserverless.Namespace(
            `${name}-redshift`,
            {
                namespaceName: `${prefix}`,
                dbName: "analytics",
                adminUsername: "geoshard_admin",
                manageAdminPassword: true,
                adminPasswordSecretKmsKeyId: key.arn,
                kmsKeyId: key.arn,
                iamRoles: [role.arn],
                defaultIamRoleArn: role.arn,
                tags: this.tags("analytics", "redshift"),
            },
            { parent: this },
        );
        const workgroup = new aws.redshiftserverless.Workgroup(
            `${name}-redshift-workgroup`,
            {
                workgroupName: `${prefix}`,
                namespaceName: namespace.namespaceName,
                baseCapacity: 8,
                subnetIds,
                securityGroupIds: [group.id],
                publiclyAccessible: false,
                enhancedVpcRouting: true,
                tags: this.tags("analytics", "redshift-workgroup"),
            },
            { parent: this },
        );
        return workgroup.workgroupName;
    }
}

/**
 * The operator's to-do before `pulumi up`, in one line, or undefined when there is nothing to do.
 * The stack cannot see IAM roles it does not declare, so it names them and where the commands to
 * check for and create them are written (`prerequisites` carries the same commands).
 */
export function prerequisitesMessage(prerequisites: readonly Prerequisite[]): string | undefined {
    if (prerequisites.length === 0) {
        return undefined;
    }
    return (
        `the account must have ${prerequisites.map((p) => p.name).join(" and ")}, which this stack does not ` +
        "create (geoshard:warehouse.createDmsVpcRole creates them, in one stack per account); " +
        'how to check and create them: docs/deploying.md, "The account-wide DMS roles"'
    );
}

/**
 * A warning in `pulumi preview` and `up`, and on the offline plan's stderr: the mock runtime
 * collects it with the run, and the plan prints it once.
 */
function tellOperator(resource: pulumi.Resource, message: string | undefined): void {
    if (message !== undefined) {
        void pulumi.log.warn(message, resource);
    }
}

/** The event pattern of DMS Serverless replications' state changes (`createReplicationStateRule`). */
export const replicationStatePattern = {
    source: ["aws.dms"],
    "detail-type": ["DMS Replication State Change"],
} as const;

/** The warehouse's EventBridge rule on replication state changes, by environment. */
export function replicationStateRuleName(environment: string): string {
    return `${warehouseNames(environment).prefix}-replication-state`;
}

/** The replication state rule of an environment's warehouse and the topic it notifies, by name. */
export function replicationStateRoute(environment: string): { name: string; topicName: string } {
    return {
        name: replicationStateRuleName(environment),
        topicName: `${warehouseNames(environment).prefix}-alarms`,
    };
}

/** The Glue crawler's table level for `cdc/table=<t>/...`: bucket 1, `cdc/` 2, table 3. */
export const crawlerTableLevel = 3;

/** Days the lake's server access logs are kept. */
export const accessLogRetentionDays = 365;

/** What reading the lake's CDC takes: list the bucket, read `cdc/`, decrypt with the key. */
function lakeReader(lake: aws.s3.Bucket, key: aws.kms.Key): Record<string, unknown>[] {
    return [
        { Sid: "ListLake", Effect: "Allow", Action: "s3:ListBucket", Resource: lake.arn },
        {
            Sid: "ReadCdc",
            Effect: "Allow",
            Action: "s3:GetObject",
            Resource: pulumi.interpolate`${lake.arn}/cdc/*`,
        },
        { Sid: "DecryptLake", Effect: "Allow", Action: "kms:Decrypt", Resource: key.arn },
    ];
}

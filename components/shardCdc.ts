/**
 * The CDC half of a RegionalShard: its path from the master to the warehouse's data lake.
 *
 *   master (shard region) --peering--> DMS Serverless (warehouse region) --> Kinesis stream
 *   --> Firehose --> s3://<lake>/cdc/table=<schema_table>/shard=<shard>/dt=<date>/
 *
 * DMS writes Kinesis, S3 and Redshift targets in its own region, so the replication runs in the
 * warehouse region and reaches the master across regions, over VPC peering. It reads the master
 * credentials from a replica of the shard's secret in the warehouse region, or from the secret
 * itself when the shard lives in the warehouse region (Secrets Manager replicates only to other
 * regions: https://docs.aws.amazon.com/secretsmanager/latest/userguide/replicate-secrets.html).
 * Sources: https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Target.S3.html (same region),
 * https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Serverless.Limitations.html (endpoints).
 *
 * Children are named `<shard>-cdc-<what>`; those in the warehouse region use its provider.
 */

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CdcSelection, dmsResourceIdentifier, tableMappings } from "./cdc";
import { assumableFor } from "./security";

/** What a shard needs to know of the warehouse. */
export interface WarehouseLink {
    /** The AWS provider of the warehouse region: the shard's CDC resources there use it. */
    readonly provider: pulumi.ProviderResource;
    readonly region: string;
    readonly vpcCidr: string;
    readonly vpcId: pulumi.Input<string>;
    readonly routeTableId: pulumi.Input<string>;
    readonly kmsKeyArn: pulumi.Input<string>;
    readonly bucketArn: pulumi.Input<string>;
    readonly replicationSubnetGroupId: pulumi.Input<string>;
    readonly dmsSecurityGroupId: pulumi.Input<string>;
    /** The warehouse region's alarm topic (alarms notify topics of their own region). */
    readonly alarmTopicArn: pulumi.Input<string>;
    /**
     * The EventBridge rule that sends replications' state changes to that topic.
     * @default - none: a stopped or failed replication is seen through its status only
     */
    readonly replicationStateRule?: { readonly name: string; readonly topicName: string };
    /** What a replication needs in place before it starts: the warehouse's API endpoints. */
    readonly readyForReplication: pulumi.Resource[];
}

/**
 * The inputs of a CDC replication whose change replaces it (with a full reload) rather than
 * updating it in place: see `createCdc`.
 */
export const replicationReplacedOn = [
    "tableMappings",
    "replicationSettings",
    "computeConfig",
    "sourceEndpointArn",
    "targetEndpointArn",
] as const;

/** The CDC latency (source or target) above which the shard's CDC alarm fires. */
export const cdcLatencyAlarmSeconds = 300;

/** Where DMS connects: the database tier's writer. DMS itself reads host and port from the secret. */
export interface CdcSource {
    /** The writer's host name, as the secret holds it; tagged on the DMS source endpoint. */
    readonly host: pulumi.Input<string>;
    /** The PostgreSQL port: the warehouse network is admitted on it, and DMS leaves on it. */
    readonly port: number;
}

export interface ShardCdcContext {
    readonly parent: pulumi.Resource;
    readonly name: string;
    readonly environment: string;
    readonly region: string;
    readonly identifier: (suffix: string) => string;
    readonly tags: (role: string, resource?: string) => Record<string, string>;
    readonly accountId: pulumi.Output<string>;
    readonly warehouse: WarehouseLink;
    readonly shardVpcId: pulumi.Input<string>;
    readonly shardVpcCidr: string;
    /** The shard's private route table; undefined for an existing VPC, whose owner routes. */
    readonly shardRouteTableId?: pulumi.Input<string>;
    readonly dbSecurityGroup: aws.ec2.SecurityGroup;
    /** The shard already admits the warehouse network (it is in its allowedCidrs). */
    readonly admitsWarehouse: boolean;
    readonly source: CdcSource;
    /** The recovery copy's network, peered with the warehouse as well. @default - none */
    readonly recoveryNetwork?: PeeredNetwork;
    /**
     * What must exist before DMS connects: the writer and the secret's value (the secret's
     * `host` is the writer's address). A replication that starts earlier fails its connection
     * test, and the provider reports the replication as failed.
     */
    readonly sourceReady: readonly pulumi.Resource[];
    readonly databaseName: string;
    /**
     * The shard's credentials secret. In another region than the warehouse it must replicate
     * to the warehouse region under the warehouse key; in the warehouse region it must not.
     */
    readonly credentialsSecret: aws.secretsmanager.Secret;
    /** The key of the shard's secret: DMS decrypts the primary secret with it in the warehouse region. */
    readonly shardKmsKeyArn: pulumi.Input<string>;
    readonly selection: CdcSelection;
    /** `eu` for a shard holding EU personal data; tagged on its replication for the policy pack. */
    readonly residency?: string;
    /** The reference of an approved EU transfer, if any. */
    readonly residencyWaiver?: string;
    readonly logRetentionDays: number;
}

export interface CdcOutputs {
    readonly streamName: string;
    readonly replicationIdentifier: string;
    /** Where the shard's rows land, with the partition keys Firehose fills in. */
    readonly lakePrefix: string;
}

/**
 * The shard's CDC path. The slot's own alarms belong to the database tier, which knows its
 * engine's metrics.
 */
export function createShardCdc(ctx: ShardCdcContext): CdcOutputs {
    return createCdc(ctx);
}

/** The secret DMS reads: the primary in its own region, else its replica in the warehouse region. */
export function cdcSecretArn(primaryArn: string, shardRegion: string, warehouseRegion: string) {
    return secretArnIn(primaryArn, shardRegion, warehouseRegion);
}

/**
 * A secret's ARN in `region`: a replica's ARN is the primary's with the replica's region.
 * Source: https://docs.aws.amazon.com/secretsmanager/latest/userguide/replicate-secrets.html
 */
export function secretArnIn(primaryArn: string, primaryRegion: string, region: string): string {
    return primaryRegion === region
        ? primaryArn
        : primaryArn.replace(`:secretsmanager:${primaryRegion}:`, `:secretsmanager:${region}:`);
}

function createCdc(ctx: ShardCdcContext): CdcOutputs {
    const { name, parent, warehouse } = ctx;
    const inWarehouse = { parent, provider: warehouse.provider };
    const network = connectNetworks(ctx, {
        key: ctx.name,
        region: ctx.region,
        vpcId: ctx.shardVpcId,
        vpcCidr: ctx.shardVpcCidr,
        routeTableId: ctx.shardRouteTableId,
        dbSecurityGroupId: ctx.dbSecurityGroup.id,
        admitsWarehouse: ctx.admitsWarehouse,
        tags: ctx.tags,
    });
    // The recovery copy is peered too, so that after a region failover DMS reaches the new
    // writer (and only needs a reload: its slot stayed in the lost region).
    if (ctx.recoveryNetwork) {
        connectNetworks(ctx, ctx.recoveryNetwork);
    }

    const streamName = ctx.identifier("cdc");
    // One stream per shard, not one keyed by shard: each shard's throughput, retention, access
    // and deletion stand alone, and an EU shard's rows never share a stream with others.
    const stream = new aws.kinesis.Stream(
        `${name}-cdc-stream`,
        {
            name: streamName,
            streamModeDetails: { streamMode: "ON_DEMAND" },
            encryptionType: "KMS",
            kmsKeyId: warehouse.kmsKeyArn,
            // A week of changes survives a stalled delivery.
            retentionPeriod: 168,
            tags: ctx.tags("cdc", "cdc-stream"),
        },
        inWarehouse,
    );
    const inWarehouseRegion = ctx.region === warehouse.region;
    const secretArn = ctx.credentialsSecret.arn.apply((arn) =>
        cdcSecretArn(arn, ctx.region, warehouse.region),
    );

    const dmsRole = new aws.iam.Role(
        `${name}-cdc-dms-role`,
        {
            description: `DMS reading geoshard shard ${name} and writing its CDC stream`,
            // Secrets Manager access needs DMS's regional principal; Kinesis targets the global one.
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Principal: {
                            Service: ["dms.amazonaws.com", `dms.${warehouse.region}.amazonaws.com`],
                        },
                        Action: "sts:AssumeRole",
                    },
                ],
            }),
            tags: ctx.tags("cdc", "cdc-dms-role"),
        },
        inWarehouse,
    );
    const dmsPolicy = new aws.iam.RolePolicy(
        `${name}-cdc-dms-policy`,
        {
            role: dmsRole.name,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "ReadCredentials",
                        Effect: "Allow",
                        Action: "secretsmanager:GetSecretValue",
                        Resource: secretArn,
                    },
                    // The primary secret is encrypted with the shard key (the replica with the
                    // warehouse key): GetSecretValue needs kms:Decrypt on it, and only through
                    // Secrets Manager in the shard's region.
                    // Source: https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html
                    ...(inWarehouseRegion
                        ? [
                              {
                                  Sid: "DecryptShardCredentials",
                                  Effect: "Allow",
                                  Action: "kms:Decrypt",
                                  Resource: ctx.shardKmsKeyArn,
                                  Condition: {
                                      StringEquals: {
                                          "kms:ViaService": `secretsmanager.${ctx.region}.amazonaws.com`,
                                      },
                                  },
                              },
                          ]
                        : []),
                    {
                        Sid: "WriteStream",
                        Effect: "Allow",
                        Action: [
                            "kinesis:DescribeStream",
                            "kinesis:PutRecord",
                            "kinesis:PutRecords",
                        ],
                        Resource: stream.arn,
                    },
                    {
                        Sid: "UseWarehouseKey",
                        Effect: "Allow",
                        Action: ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"],
                        Resource: warehouse.kmsKeyArn,
                    },
                ],
            }),
        },
        inWarehouse,
    );
    const source = new aws.dms.Endpoint(
        `${name}-cdc-source`,
        {
            endpointId: ctx.identifier("cdc-source"),
            endpointType: "source",
            engineName: "postgres",
            databaseName: ctx.databaseName,
            sslMode: "require",
            secretsManagerArn: secretArn,
            secretsManagerAccessRoleArn: dmsRole.arn,
            postgresSettings: {
                // PluginNameValue is no-preference | test-decoding | pglogical, with hyphens: the
                // provider refuses the underscore at plan time.
                // Sources: https://docs.aws.amazon.com/dms/latest/APIReference/API_PostgreSQLSettings.html,
                // hashicorp/terraform-provider-aws internal/service/dms/endpoint.go (plugin_name).
                pluginName: "test-decoding",
                // A heartbeat keeps the slot moving while the shard is idle, so WAL is released.
                heartbeatEnable: true,
                heartbeatFrequency: 5,
            },
            tags: {
                ...ctx.tags("cdc", "cdc-source"),
                // The writer the secret named at deployment: compare after a failover.
                "source-host": ctx.source.host,
            },
        },
        { ...inWarehouse, dependsOn: [dmsPolicy] },
    );
    const target = new aws.dms.Endpoint(
        `${name}-cdc-target`,
        {
            endpointId: ctx.identifier("cdc-target"),
            endpointType: "target",
            engineName: "kinesis",
            kinesisSettings: {
                streamArn: stream.arn,
                serviceAccessRoleArn: dmsRole.arn,
                messageFormat: "json-unformatted",
                includeControlDetails: true,
                includeTableAlterOperations: true,
                includeTransactionDetails: true,
                includePartitionValue: true,
                partitionIncludeSchemaTable: true,
            },
            tags: ctx.tags("cdc", "cdc-target"),
        },
        { ...inWarehouse, dependsOn: [dmsPolicy] },
    );
    const replicationIdentifier = ctx.identifier("cdc");
    // The ARN's last part: the identifier while it fits DMS's 31 characters, a derived one beyond.
    const resourceIdentifier = dmsResourceIdentifier(replicationIdentifier);
    new aws.dms.ReplicationConfig(
        `${name}-cdc-replication`,
        {
            replicationConfigIdentifier: replicationIdentifier,
            resourceIdentifier,
            replicationType: "full-load-and-cdc",
            sourceEndpointArn: source.endpointArn,
            targetEndpointArn: target.endpointArn,
            tableMappings: JSON.stringify(tableMappings(ctx.selection)),
            replicationSettings: JSON.stringify({ Logging: { EnableLogging: true } }),
            startReplication: true,
            computeConfig: {
                replicationSubnetGroupId: warehouse.replicationSubnetGroupId,
                vpcSecurityGroupIds: [warehouse.dmsSecurityGroupId],
                minCapacityUnits: 2,
                maxCapacityUnits: 16,
                // A standby in another AZ: an AZ event would otherwise stop CDC until the AZ is
                // back. AWS recommends it for CDC and ongoing replication.
                // Source: https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Serverless.Components.html
                multiAz: true,
                kmsKeyId: warehouse.kmsKeyArn,
                preferredMaintenanceWindow: "sun:05:30-sun:06:30",
            },
            tags: {
                ...ctx.tags("cdc", "cdc-replication"),
                ...(ctx.residency ? { residency: ctx.residency } : {}),
                // Tag values allow letters, digits, spaces and _ . : / = + - @ only.
                ...(ctx.residencyWaiver
                    ? {
                          "residency-waiver": ctx.residencyWaiver
                              .replace(/[^\p{L}\p{N} _.:/=+\-@]/gu, "-")
                              .slice(0, 256),
                      }
                    : {}),
            },
        },
        // DMS connects as soon as it starts (Testing Connection): the path to the writer, the
        // writer itself and the secret's value must exist first.
        // Source: https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Serverless.Components.html
        //
        // A change to what the replication reads, writes or runs on replaces it instead of
        // updating it. The provider's update stops a running replication, modifies it and
        // starts it at once, and the start fails while DMS is still MODIFYING ("is in MODIFYING
        // state and cannot start"), leaving CDC stopped; the bug is open:
        // https://github.com/hashicorp/terraform-provider-aws/issues/35650. A new table
        // selection needs a full reload anyway. The identifiers are fixed, so the old
        // replication goes first. docs/deploying.md says what an operator sees.
        {
            ...inWarehouse,
            dependsOn: [...network, ...warehouse.readyForReplication, ...ctx.sourceReady],
            replaceOnChanges: [...replicationReplacedOn],
            deleteBeforeReplace: true,
        },
    );

    const lakePrefix = `cdc/table=!{partitionKeyFromQuery:table}/shard=${name}/dt=!{timestamp:yyyy-MM-dd}/`;
    createDelivery(ctx, stream, lakePrefix);
    createCdcLatencyAlarms(ctx, resourceIdentifier);
    return { streamName, replicationIdentifier, lakePrefix };
}

/** One network the warehouse peers with: the shard's own, or its recovery copy's. */
export interface PeeredNetwork {
    /** Prefix of the children's names: the shard's name, or `<shard>-recovery`. */
    readonly key: string;
    readonly region: string;
    readonly vpcId: pulumi.Input<string>;
    readonly vpcCidr: string;
    /** The network's private route table; undefined for an existing VPC, whose owner routes. */
    readonly routeTableId?: pulumi.Input<string>;
    readonly dbSecurityGroupId: pulumi.Input<string>;
    /** The database already admits the warehouse network (it is in its allowedCidrs). */
    readonly admitsWarehouse: boolean;
    /** The network's region provider; the shard's own when undefined. */
    readonly provider?: aws.Provider;
    readonly tags: (role: string, resource?: string) => Record<string, string>;
}

/**
 * Peering between the warehouse VPC (requester) and a shard network (accepter), routes both
 * ways, and PostgreSQL admitted from the warehouse network. Security groups cannot reference
 * each other across regions, so both sides name CIDRs.
 */
function connectNetworks(ctx: ShardCdcContext, side: PeeredNetwork): pulumi.Resource[] {
    const { parent, warehouse } = ctx;
    const { key } = side;
    const here = { parent, provider: side.provider };
    const port = ctx.source.port;
    const peering = new aws.ec2.VpcPeeringConnection(
        `${key}-cdc-peering`,
        {
            vpcId: warehouse.vpcId,
            peerVpcId: side.vpcId,
            peerRegion: side.region,
            tags: side.tags("cdc", "cdc-peering"),
        },
        { parent, provider: warehouse.provider },
    );
    const accepter = new aws.ec2.VpcPeeringConnectionAccepter(
        `${key}-cdc-peering-accept`,
        {
            vpcPeeringConnectionId: peering.id,
            autoAccept: true,
            tags: side.tags("cdc", "cdc-peering"),
        },
        here,
    );
    const routes: pulumi.Resource[] = [
        accepter,
        new aws.vpc.SecurityGroupEgressRule(
            `${key}-cdc-dms-to-postgres`,
            {
                securityGroupId: warehouse.dmsSecurityGroupId,
                description: `PostgreSQL on geoshard shard ${key}`,
                ipProtocol: "tcp",
                fromPort: port,
                toPort: port,
                cidrIpv4: side.vpcCidr,
                tags: side.tags("cdc", "cdc-dms-to-postgres"),
            },
            { parent, provider: warehouse.provider },
        ),
        new aws.ec2.Route(
            `${key}-cdc-warehouse-route`,
            {
                routeTableId: warehouse.routeTableId,
                destinationCidrBlock: side.vpcCidr,
                vpcPeeringConnectionId: peering.id,
            },
            { parent, provider: warehouse.provider, dependsOn: [accepter] },
        ),
    ];
    if (!side.admitsWarehouse) {
        routes.push(
            new aws.vpc.SecurityGroupIngressRule(
                `${key}-postgres-from-warehouse`,
                {
                    securityGroupId: side.dbSecurityGroupId,
                    // No apostrophe: EC2 accepts a-zA-Z0-9. _-:/()#,@[]+=&;{}!$* only.
                    // Source: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html
                    description: "PostgreSQL from the DMS replications of the geoshard warehouse",
                    ipProtocol: "tcp",
                    fromPort: port,
                    toPort: port,
                    cidrIpv4: warehouse.vpcCidr,
                    tags: side.tags("security", "postgres-from-warehouse"),
                },
                here,
            ),
        );
    }
    if (side.routeTableId) {
        routes.push(
            new aws.ec2.Route(
                `${key}-cdc-shard-route`,
                {
                    routeTableId: side.routeTableId,
                    destinationCidrBlock: warehouse.vpcCidr,
                    vpcPeeringConnectionId: peering.id,
                },
                { ...here, dependsOn: [accepter] },
            ),
        );
    }
    return routes;
}

/** Firehose from the shard's stream into the lake, partitioned by table, shard and date. */
function createDelivery(ctx: ShardCdcContext, stream: aws.kinesis.Stream, prefix: string): void {
    const { name, parent, warehouse } = ctx;
    const inWarehouse = { parent, provider: warehouse.provider };
    const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-cdc-delivery-logs`,
        {
            name: `/geoshard/${ctx.environment}/firehose/${name}`,
            retentionInDays: ctx.logRetentionDays,
            kmsKeyId: warehouse.kmsKeyArn,
            tags: ctx.tags("logs", "cdc-delivery-logs"),
        },
        inWarehouse,
    );
    const logStream = new aws.cloudwatch.LogStream(
        `${name}-cdc-delivery-log-stream`,
        { name: "delivery", logGroupName: logGroup.name },
        inWarehouse,
    );
    const role = new aws.iam.Role(
        `${name}-cdc-firehose-role`,
        {
            description: `Firehose delivering geoshard shard ${name}'s CDC into the lake`,
            assumeRolePolicy: assumableFor(
                "firehose.amazonaws.com",
                ctx.accountId,
                "sts:ExternalId",
            ),
            tags: ctx.tags("cdc", "cdc-firehose-role"),
        },
        inWarehouse,
    );
    const policy = new aws.iam.RolePolicy(
        `${name}-cdc-firehose-policy`,
        {
            role: role.name,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "ReadStream",
                        Effect: "Allow",
                        Action: [
                            "kinesis:DescribeStream",
                            "kinesis:DescribeStreamSummary",
                            "kinesis:GetShardIterator",
                            "kinesis:GetRecords",
                            "kinesis:ListShards",
                        ],
                        Resource: stream.arn,
                    },
                    {
                        Sid: "WriteShardPrefixes",
                        Effect: "Allow",
                        Action: ["s3:PutObject", "s3:AbortMultipartUpload"],
                        Resource: [
                            pulumi.interpolate`${warehouse.bucketArn}/cdc/*`,
                            pulumi.interpolate`${warehouse.bucketArn}/errors/shard=${name}/*`,
                        ],
                    },
                    {
                        Sid: "LocateLake",
                        Effect: "Allow",
                        Action: [
                            "s3:GetBucketLocation",
                            "s3:ListBucket",
                            "s3:ListBucketMultipartUploads",
                        ],
                        Resource: warehouse.bucketArn,
                    },
                    {
                        Sid: "UseWarehouseKey",
                        Effect: "Allow",
                        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
                        Resource: warehouse.kmsKeyArn,
                    },
                    {
                        Sid: "WriteDeliveryLogs",
                        Effect: "Allow",
                        Action: "logs:PutLogEvents",
                        Resource: pulumi.interpolate`${logGroup.arn}:*`,
                    },
                ],
            }),
        },
        inWarehouse,
    );
    new aws.kinesis.FirehoseDeliveryStream(
        `${name}-cdc-delivery`,
        {
            name: ctx.identifier("cdc"),
            destination: "extended_s3",
            kinesisSourceConfiguration: { kinesisStreamArn: stream.arn, roleArn: role.arn },
            extendedS3Configuration: {
                roleArn: role.arn,
                bucketArn: warehouse.bucketArn,
                prefix,
                errorOutputPrefix: `errors/shard=${name}/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/`,
                // Dynamic partitioning needs a buffer of at least 64 MiB.
                bufferingSize: 64,
                bufferingInterval: 300,
                compressionFormat: "GZIP",
                kmsKeyArn: warehouse.kmsKeyArn,
                dynamicPartitioningConfiguration: { enabled: true },
                processingConfiguration: {
                    enabled: true,
                    processors: [
                        {
                            type: "MetadataExtraction",
                            parameters: [
                                {
                                    parameterName: "MetadataExtractionQuery",
                                    parameterValue:
                                        '{table: (.metadata["schema-name"] + "_" + .metadata["table-name"])}',
                                },
                                { parameterName: "JsonParsingEngine", parameterValue: "JQ-1.6" },
                            ],
                        },
                        {
                            type: "AppendDelimiterToRecord",
                            parameters: [{ parameterName: "Delimiter", parameterValue: "\\n" }],
                        },
                    ],
                },
                cloudwatchLoggingOptions: {
                    enabled: true,
                    logGroupName: logGroup.name,
                    logStreamName: logStream.name,
                },
            },
            tags: ctx.tags("cdc", "cdc-delivery"),
        },
        { ...inWarehouse, dependsOn: [policy] },
    );
}

/**
 * CDC latency alarms, in the warehouse region where DMS publishes them.
 *
 * Missing data is `missing`, not `breaching`: DMS reports CDC latency only while it applies
 * changes, so through the full load (hours for a large shard) and before the first start there
 * are no data points. `missing` leaves the alarm in INSUFFICIENT_DATA then, instead of ALARM;
 * `notBreaching` would instead show a replication that stopped reporting as healthy. A stopped
 * or failed replication is watched through its status (docs/deploying.md), not this metric.
 * Source: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html
 *
 * The dimension `ReplicationConfigId` is not confirmed by a published AWS reference for DMS
 * Serverless; docs/deploying.md has the check to run after the first start. DMS's task metrics
 * name a task by its ARN's resource identifier, so the alarms use that one; it is also the
 * replication's identifier whenever that fits 31 characters, so either value then matches.
 */
function createCdcLatencyAlarms(ctx: ShardCdcContext, resourceIdentifier: string): void {
    const { name, parent } = ctx;
    for (const metricName of ["CDCLatencySource", "CDCLatencyTarget"]) {
        const what =
            metricName === "CDCLatencySource" ? "cdc-latency-source" : "cdc-latency-target";
        new aws.cloudwatch.MetricAlarm(
            `${name}-${what}`,
            {
                name: ctx.identifier(what),
                alarmDescription: `The CDC of ${name} is more than ${cdcLatencyAlarmSeconds} s behind its writer`,
                namespace: "AWS/DMS",
                metricName,
                dimensions: { ReplicationConfigId: resourceIdentifier },
                statistic: "Maximum",
                period: 60,
                evaluationPeriods: 5,
                threshold: cdcLatencyAlarmSeconds,
                comparisonOperator: "GreaterThanThreshold",
                treatMissingData: "missing",
                alarmActions: [ctx.warehouse.alarmTopicArn],
                okActions: [ctx.warehouse.alarmTopicArn],
                tags: ctx.tags("cdc", what),
            },
            { parent, provider: ctx.warehouse.provider },
        );
    }
}

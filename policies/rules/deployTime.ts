/**
 * Deploy-time rules: what AWS or the provider refuses only when `pulumi preview` or `pulumi up`
 * reaches it, although the types accept it. Each rule holds one family of AWS's input rules, in
 * small tables; each table row cites its source (the provider file in
 * hashicorp/terraform-provider-aws, or the AWS API reference). A violation names the resource,
 * the input, its value and what AWS accepts.
 *
 * Values unknown until deployment are left to the preview, as everywhere in the pack.
 */

import { dmsResourceIdentifierMaxLength } from "../../components/cdc";
import { auroraGlobalReaderLimit } from "../../components/engines";
import {
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";

/** One AWS rule on one input of one resource type. */
export interface InputRule {
    /** The Pulumi type token, e.g. `aws:dms/endpoint:Endpoint`. */
    readonly type: string;
    /** The input: dotted, with `[]` for every element of a list (`ingress[].description`). */
    readonly input: string;
    /** What AWS accepts, in the words of the violation message. */
    readonly accepts: string;
    readonly valid: (value: string) => boolean;
}

/** Every value at `path` in `props`, with the concrete path (`replicas[0].region`). */
export function valuesAt(props: unknown, path: string): { path: string; value: unknown }[] {
    let found: { path: string; value: unknown }[] = [{ path: "", value: props }];
    for (const segment of path.split(".")) {
        const list = segment.endsWith("[]");
        const key = list ? segment.slice(0, -2) : segment;
        found = found.flatMap(({ path: at, value }) => {
            if (value === null || typeof value !== "object") {
                return [];
            }
            const here = at ? `${at}.${key}` : key;
            const next = (value as Record<string, unknown>)[key];
            if (!list) {
                return next === undefined ? [] : [{ path: here, value: next }];
            }
            return Array.isArray(next)
                ? next.map((item, i) => ({ path: `${here}[${i}]`, value: item }))
                : [];
        });
    }
    return found;
}

/** Validates every string input of `rules` that applies to the resource's type. */
function validateInputs(rules: readonly InputRule[]) {
    return (args: ResourceValidationArgs, report: (message: string) => void) => {
        for (const rule of rules.filter((r) => r.type === args.type)) {
            for (const { path, value } of valuesAt(args.props, rule.input)) {
                if (typeof value === "string" && !rule.valid(value)) {
                    report(
                        `${args.name}: ${path} is ${JSON.stringify(value)}; AWS accepts ${rule.accepts}.`,
                    );
                }
            }
        }
    };
}

// ------------------------------------------------------------------------------------------------
// Building blocks

const lengthIn = (value: string, min: number, max: number) =>
    value.length >= min && value.length <= max;

/** 1 to `max` characters matching `charset` (a character class, anchored here). */
const charset =
    (set: RegExp, max: number, min = 1) =>
    (value: string) =>
        lengthIn(value, min, max) && new RegExp(`^${set.source}*$`, set.flags).test(value);

const oneOf = (values: readonly string[]) => (value: string) => values.includes(value);

const either = (values: readonly string[]) =>
    values.length === 1 ? values[0] : `${values.slice(0, -1).join(", ")} or ${values.at(-1)}`;

/**
 * The identifier shape RDS and DMS share: starts with a letter, then letters, digits and
 * hyphens, never two hyphens in a row, not ending with one. `lower` also refuses capitals, as
 * the provider's `validIdentifier` does for RDS (RDS stores identifiers in lower case).
 */
const identifier =
    (max: number, lower: boolean) =>
    (value: string): boolean =>
        lengthIn(value, 1, max) &&
        (lower ? /^[a-z][a-z0-9-]*$/ : /^[A-Za-z][A-Za-z0-9-]*$/).test(value) &&
        !value.includes("--") &&
        !value.endsWith("-");

const identifierWords = (max: number, lower: boolean) =>
    `1 to ${max} ${lower ? "lowercase " : ""}letters, digits and hyphens, starting with a letter, without two hyphens in a row or a trailing hyphen`;

// ------------------------------------------------------------------------------------------------
// EC2: descriptions of security groups and their rules

/**
 * What EC2 accepts in a security group's name and description (VPC groups) and in a rule's
 * description: up to 255 of a-z A-Z 0-9, space and ._-:/()#,@[]+=&;{}!$*. No apostrophe.
 * Sources: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html,
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html. The provider checks
 * only the length (internal/service/ec2/vpc_security_group.go) or nothing
 * (vpc_security_group_ingress_rule.go), so the refusal comes during `pulumi up`.
 */
export const ec2Description = charset(/[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]/, 255, 0);
const ec2Words = "up to 255 of a-z, A-Z, 0-9, space and ._-:/()#,@[]+=&;{}!$* (no apostrophe)";

const groupTypes = [
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
];

export const ec2GroupRules: readonly InputRule[] = [
    ...["description", "name", "namePrefix"].map((input) => ({
        type: "aws:ec2/securityGroup:SecurityGroup",
        input,
        accepts: ec2Words,
        valid: ec2Description,
    })),
    ...groupTypes.flatMap((type) =>
        ["ingress[].description", "egress[].description"].map((input) => ({
            type,
            input,
            accepts: ec2Words,
            valid: ec2Description,
        })),
    ),
];

export const ec2RuleDescriptionRules: readonly InputRule[] = [
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    "aws:ec2/securityGroupRule:SecurityGroupRule",
].map((type) => ({ type, input: "description", accepts: ec2Words, valid: ec2Description }));

export const ec2SecurityGroupDescription: ResourceValidationPolicy = {
    name: "ec2-security-group-description",
    description:
        "Security group names and descriptions, and their inline rules' descriptions, use only what EC2 accepts.",
    enforcementLevel: "mandatory",
    validateResource: validateInputs(ec2GroupRules),
};

export const ec2RuleDescription: ResourceValidationPolicy = {
    name: "ec2-security-group-rule-description",
    description: "Security group rule descriptions use only what EC2 accepts.",
    enforcementLevel: "mandatory",
    validateResource: validateInputs(ec2RuleDescriptionRules),
};

// ------------------------------------------------------------------------------------------------
// DMS enumerations

const dmsEndpoint = "aws:dms/endpoint:Endpoint";

/**
 * Sources: hashicorp/terraform-provider-aws internal/service/dms/endpoint.go (engine_name,
 * endpoint_type, ssl_mode, kinesis_settings.message_format, postgres_settings.plugin_name, all
 * checked at plan time), internal/service/dms/replication_config.go (replication_type); the
 * engine list as @pulumi/aws 7.48.0 documents `EndpointArgs.engineName`; the AWS API reference
 * https://docs.aws.amazon.com/dms/latest/APIReference/API_PostgreSQLSettings.html (PluginName:
 * no-preference | test-decoding | pglogical), API_KinesisSettings.html (MessageFormat: json |
 * json-unformatted), API_CreateReplicationConfig.html (ReplicationType).
 */
export const dmsEnumerationValues = {
    engineName: [
        "aurora",
        "aurora-postgresql",
        "aurora-serverless",
        "aurora-postgresql-serverless",
        "azuredb",
        "azure-sql-managed-instance",
        "babelfish",
        "db2",
        "db2-zos",
        "docdb",
        "dynamodb",
        "elasticsearch",
        "kafka",
        "kinesis",
        "mariadb",
        "mongodb",
        "mysql",
        "neptune",
        "opensearch",
        "oracle",
        "postgres",
        "redshift",
        "redshift-serverless",
        "s3",
        "sqlserver",
        "sybase",
    ],
    endpointType: ["source", "target"],
    sslMode: ["none", "require", "verify-ca", "verify-full"],
    pluginName: ["no-preference", "test-decoding", "pglogical"],
    messageFormat: ["json", "json-unformatted"],
    replicationType: ["full-load", "cdc", "full-load-and-cdc"],
} as const;

const enumeration = (type: string, input: string, values: readonly string[]): InputRule => ({
    type,
    input,
    accepts: either(values),
    valid: oneOf(values),
});

export const dmsEnumerationRules: readonly InputRule[] = [
    enumeration(dmsEndpoint, "engineName", dmsEnumerationValues.engineName),
    enumeration(dmsEndpoint, "endpointType", dmsEnumerationValues.endpointType),
    enumeration(dmsEndpoint, "sslMode", dmsEnumerationValues.sslMode),
    enumeration(dmsEndpoint, "postgresSettings.pluginName", dmsEnumerationValues.pluginName),
    enumeration(dmsEndpoint, "kinesisSettings.messageFormat", dmsEnumerationValues.messageFormat),
    enumeration(
        "aws:dms/replicationConfig:ReplicationConfig",
        "replicationType",
        dmsEnumerationValues.replicationType,
    ),
];

export const dmsEnumerations: ResourceValidationPolicy = {
    name: "dms-enumerations",
    description:
        "DMS endpoint and replication settings take values DMS knows (engine, endpoint type, SSL mode, plugin, message format, replication type).",
    enforcementLevel: "mandatory",
    validateResource: validateInputs(dmsEnumerationRules),
};

// ------------------------------------------------------------------------------------------------
// RDS identifiers and names, instances and Aurora alike

const rdsIdentifier = (type: string, input: string): InputRule => ({
    type,
    input,
    accepts: identifierWords(63, true),
    valid: identifier(63, true),
});

/**
 * Final snapshot identifiers: 1 to 255 letters, digits and hyphens, starting with a letter.
 * Source: internal/service/rds/instance.go and cluster.go (final_snapshot_identifier).
 */
const finalSnapshot = (type: string): InputRule => ({
    type,
    input: "finalSnapshotIdentifier",
    accepts: identifierWords(255, false),
    valid: identifier(255, false),
});

/**
 * Parameter group names: 1 to 255 lowercase letters, digits, periods and hyphens, starting
 * with a letter, no two hyphens in a row, no trailing hyphen.
 * Source: internal/service/rds/validate.go (validParamGroupName).
 */
const parameterGroupName = (type: string): InputRule => ({
    type,
    input: "name",
    accepts:
        "1 to 255 lowercase letters, digits, periods and hyphens, starting with a letter, without two hyphens in a row or a trailing hyphen",
    valid: (value) =>
        lengthIn(value, 1, 255) &&
        /^[a-z][a-z0-9.-]*$/.test(value) &&
        !value.includes("--") &&
        !value.endsWith("-"),
});

/**
 * Sources: internal/service/rds/validate.go (validIdentifier, validParamGroupName,
 * validSubnetGroupName, validEventSubscriptionName), used by instance.go, cluster.go,
 * cluster_instance.go, cluster_endpoint.go (also custom_endpoint_type), global_cluster.go; the
 * 63-character limits from the RDS API reference (CreateDBInstance, CreateDBCluster,
 * CreateGlobalCluster: "1 to 63 letters, numbers, or hyphens"; CreateDBProxy DBProxyName:
 * 1-63, [a-zA-Z](?:-?[a-zA-Z0-9]+)*) and the Aurora user guide ("The maximum length for a
 * custom endpoint name is 63 characters",
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Endpoints.Custom.Considerations.html).
 */
export const rdsNameRules: readonly InputRule[] = [
    rdsIdentifier("aws:rds/instance:Instance", "identifier"),
    finalSnapshot("aws:rds/instance:Instance"),
    rdsIdentifier("aws:rds/cluster:Cluster", "clusterIdentifier"),
    finalSnapshot("aws:rds/cluster:Cluster"),
    rdsIdentifier("aws:rds/clusterInstance:ClusterInstance", "identifier"),
    rdsIdentifier("aws:rds/clusterEndpoint:ClusterEndpoint", "clusterEndpointIdentifier"),
    enumeration("aws:rds/clusterEndpoint:ClusterEndpoint", "customEndpointType", ["READER", "ANY"]),
    rdsIdentifier("aws:rds/globalCluster:GlobalCluster", "globalClusterIdentifier"),
    parameterGroupName("aws:rds/parameterGroup:ParameterGroup"),
    parameterGroupName("aws:rds/clusterParameterGroup:ClusterParameterGroup"),
    {
        type: "aws:rds/subnetGroup:SubnetGroup",
        input: "name",
        accepts:
            'up to 255 lowercase letters, digits, spaces, periods, underscores and hyphens, and not "default"',
        valid: (value) => charset(/[a-z0-9_ .-]/, 255)(value) && value.toLowerCase() !== "default",
    },
    {
        type: "aws:rds/eventSubscription:EventSubscription",
        input: "name",
        accepts: identifierWords(255, false),
        valid: identifier(255, false),
    },
    {
        type: "aws:rds/proxy:Proxy",
        input: "name",
        accepts: identifierWords(63, false),
        valid: (value) => lengthIn(value, 1, 63) && /^[a-zA-Z](?:-?[a-zA-Z0-9]+)*$/.test(value),
    },
];

export const rdsIdentifiers: ResourceValidationPolicy = {
    name: "rds-identifiers",
    description:
        "RDS and Aurora identifiers and names (instances, clusters, endpoints, parameter and subnet groups, final snapshots, event subscriptions, proxies, global clusters) have the length and characters RDS accepts.",
    enforcementLevel: "mandatory",
    validateResource: validateInputs(rdsNameRules),
};

// ------------------------------------------------------------------------------------------------
// Names of everything else the stack declares

/** S3 general purpose bucket names. Source: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html */
export function validBucketName(value: string): boolean {
    return (
        lengthIn(value, 3, 63) &&
        /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(value) &&
        !value.includes("..") &&
        !/^\d{1,3}(\.\d{1,3}){3}$/.test(value) &&
        !["xn--", "sthree-", "amzn-s3-demo-"].some((p) => value.startsWith(p)) &&
        !["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"].some((s) => value.endsWith(s))
    );
}

/**
 * Sources, row by row: IAM CreateRole RoleName (1-64, [\w+=,.@-]+); Kinesis CreateStream
 * StreamName (1-128, [a-zA-Z0-9_.-]+); Firehose CreateDeliveryStream DeliveryStreamName (1-64,
 * [a-zA-Z0-9_.-]+); SNS CreateTopic Name (1-256 ASCII letters, digits, underscores, hyphens;
 * FIFO topics end in .fifo); KMS aliases (https://docs.aws.amazon.com/kms/latest/developerguide/alias-create.html:
 * 1-256 letters, digits, /, _ and -, alias/ first, never alias/aws/); Secrets Manager
 * CreateSecret Name (1-512 ASCII letters, digits and /_+=.@-); CloudWatch PutMetricAlarm
 * AlarmName (1-255, no control characters); CloudWatch Logs CreateLogGroup logGroupName (1-512,
 * [.\-_/#A-Za-z0-9]+); DMS identifiers: internal/service/dms/validate.go (validEndpointID,
 * validReplicationSubnetGroupID) and the DMS ResourceIdentifier rule (up to 31 letters, digits
 * and hyphens, CreateEndpoint and CreateReplicationTask; CreateReplicationConfig documents no
 * limit of its own, so the same ARN rule is assumed); Route 53 health checks:
 * internal/service/route53/health_check.go limits reference_name to
 * 64 - id.UniqueIDSuffixLength (26) - 11 = 27 characters, because the provider appends a
 * generated suffix to the caller reference; S3 bucket names (validBucketName).
 */
export const resourceNameRules: readonly InputRule[] = [
    {
        type: "aws:iam/role:Role",
        input: "name",
        accepts: "1 to 64 letters, digits and _+=,.@-",
        valid: charset(/[\w+=,.@-]/, 64),
    },
    {
        type: "aws:kinesis/stream:Stream",
        input: "name",
        accepts: "1 to 128 letters, digits and _.-",
        valid: charset(/[a-zA-Z0-9_.-]/, 128),
    },
    {
        type: "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
        input: "name",
        accepts: "1 to 64 letters, digits and _.-",
        valid: charset(/[a-zA-Z0-9_.-]/, 64),
    },
    {
        type: "aws:sns/topic:Topic",
        input: "name",
        accepts:
            "1 to 256 ASCII letters, digits, underscores and hyphens (a FIFO topic ends in .fifo)",
        valid: (value) => charset(/[a-zA-Z0-9_-]/, 256)(value.replace(/\.fifo$/, "")),
    },
    {
        type: "aws:kms/alias:Alias",
        input: "name",
        accepts:
            "alias/ followed by letters, digits, /, _ and -, 256 characters in all, not under alias/aws/",
        valid: (value) =>
            charset(/[a-zA-Z0-9/_-]/, 256)(value) &&
            value.startsWith("alias/") &&
            value.length > "alias/".length &&
            !value.startsWith("alias/aws/"),
    },
    {
        type: "aws:secretsmanager/secret:Secret",
        input: "name",
        accepts: "1 to 512 ASCII letters, digits and /_+=.@-",
        valid: charset(/[a-zA-Z0-9/_+=.@-]/, 512),
    },
    {
        type: "aws:cloudwatch/metricAlarm:MetricAlarm",
        input: "name",
        accepts: "1 to 255 characters without control characters",
        valid: charset(/[^\u0000-\u001f\u007f]/, 255),
    },
    {
        type: "aws:cloudwatch/logGroup:LogGroup",
        input: "name",
        accepts: "1 to 512 letters, digits and ._-/#",
        valid: charset(/[.\-_/#A-Za-z0-9]/, 512),
    },
    {
        type: dmsEndpoint,
        input: "endpointId",
        accepts: identifierWords(255, false),
        valid: identifier(255, false),
    },
    {
        type: "aws:dms/replicationConfig:ReplicationConfig",
        input: "replicationConfigIdentifier",
        accepts: identifierWords(255, false),
        valid: identifier(255, false),
    },
    {
        type: "aws:dms/replicationConfig:ReplicationConfig",
        input: "resourceIdentifier",
        accepts: identifierWords(dmsResourceIdentifierMaxLength, false),
        valid: identifier(dmsResourceIdentifierMaxLength, false),
    },
    {
        type: "aws:dms/replicationSubnetGroup:ReplicationSubnetGroup",
        input: "replicationSubnetGroupId",
        accepts: 'up to 255 letters, digits, spaces and ._-, and not "default"',
        valid: (value) => charset(/[0-9A-Za-z_ .-]/, 255)(value) && value !== "default",
    },
    {
        type: "aws:route53/healthCheck:HealthCheck",
        input: "referenceName",
        accepts: "at most 27 characters (the provider appends a generated suffix)",
        valid: (value) => value.length <= 27,
    },
    {
        type: "aws:s3/bucket:Bucket",
        input: "bucket",
        accepts:
            "3 to 63 lowercase letters, digits, periods and hyphens, starting and ending with a letter or digit, without .., an IP address form, or a reserved prefix or suffix",
        valid: validBucketName,
    },
];

export const resourceNames: ResourceValidationPolicy = {
    name: "resource-name-limits",
    description:
        "Names of IAM roles, streams, topics, aliases, secrets, alarms, log groups, DMS identifiers, Route 53 health check references and S3 buckets have the length and characters AWS and the provider accept.",
    enforcementLevel: "mandatory",
    validateResource: validateInputs(resourceNameRules),
};

// ------------------------------------------------------------------------------------------------
// Secrets Manager replicas

/**
 * The region a resource is managed in: its own `region` input (pulumi-aws 7), else its provider's.
 * Undefined when neither says, or while the value is unknown.
 */
export function regionOf(
    props: Record<string, any>,
    provider?: { props?: any },
): string | undefined {
    const region = props.region ?? provider?.props?.region;
    return typeof region === "string" ? region : undefined;
}

/**
 * A secret replicates to other regions only: a replica in the secret's own region is refused
 * ("InvalidParameterException: Invalid replica region") during `pulumi up`; the provider does not
 * check it (internal/service/secretsmanager/secret.go).
 * Source: https://docs.aws.amazon.com/secretsmanager/latest/userguide/replicate-secrets.html
 */
export const secretReplicaRegions: ResourceValidationPolicy = {
    name: "secret-replica-region",
    description: "A Secrets Manager secret replicates only to regions other than its own.",
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        if (args.type !== "aws:secretsmanager/secret:Secret") {
            return;
        }
        const own = regionOf(args.props, args.provider);
        for (const { path, value } of valuesAt(args.props, "replicas[].region")) {
            if (own !== undefined && value === own) {
                report(
                    `${args.name}: ${path} is "${own}", the secret's own region; AWS accepts replicas in other regions only.`,
                );
            }
        }
    },
};

// ------------------------------------------------------------------------------------------------
// Stack rules

/** Every resource `resource` depends on, directly or through others. */
export function dependencyClosure(resource: PolicyResource): PolicyResource[] {
    const seen = new Map<string, PolicyResource>();
    const queue = [...resource.dependencies];
    while (queue.length > 0) {
        const next = queue.shift()!;
        if (!seen.has(next.urn)) {
            seen.set(next.urn, next);
            queue.push(...next.dependencies);
        }
    }
    return [...seen.values()];
}

const isSourceDatabase = (r: PolicyResource) =>
    (r.type === "aws:rds/instance:Instance" && !r.props.replicateSourceDb) ||
    r.type === "aws:rds/clusterInstance:ClusterInstance";

/**
 * A DMS Serverless replication created with `startReplication: true` connects to its source
 * as it starts (Testing Connection), and the provider's create waits for running or stopped
 * and fails on `failed` (internal/service/dms/replication_config.go, waitReplicationRunning).
 * The source endpoint reads the database's address from the secret's value, so the replication
 * must wait for a source database (an RDS instance that is not a replica, or an Aurora cluster
 * instance) and for a secret value, directly or through what it depends on. The stack policy
 * reads the dependencies the engine records (PolicyResource.dependencies: explicit dependsOn
 * and input dependencies).
 * Source: https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Serverless.Components.html
 */
export const dmsReplicationStartOrder: StackValidationPolicy = {
    name: "dms-replication-start-order",
    description:
        "A DMS replication that starts on creation waits for its source database and the secret value it connects with.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        for (const replication of args.resources.filter(
            (r) =>
                r.type === "aws:dms/replicationConfig:ReplicationConfig" &&
                r.props.startReplication === true,
        )) {
            const closure = dependencyClosure(replication);
            const missing = [
                ...(closure.some(isSourceDatabase)
                    ? []
                    : [
                          "a source database (aws:rds/instance:Instance without replicateSourceDb, or aws:rds/clusterInstance:ClusterInstance)",
                      ]),
                ...(closure.some((r) => r.type === "aws:secretsmanager/secretVersion:SecretVersion")
                    ? []
                    : ["the secret value (aws:secretsmanager/secretVersion:SecretVersion)"]),
            ];
            if (missing.length > 0) {
                report(
                    `${replication.name}: startReplication is true, but the replication does not depend on ${missing.join(" or on ")}; DMS tests its connection to the source as it starts, so add them to dependsOn, or create the replication with startReplication: false.`,
                    replication.urn,
                );
            }
        }
    },
};

const loggingTypes = [
    "aws:s3/bucketLogging:BucketLogging",
    "aws:s3/bucketLoggingV2:BucketLoggingV2",
];
const encryptionTypes = [
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
];

/**
 * A bucket that receives server access logs supports default encryption with SSE-S3 (AES256)
 * only; with SSE-KMS default encryption, log delivery fails.
 * Source: https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
 */
export const s3AccessLogTargetEncryption: StackValidationPolicy = {
    name: "s3-access-log-target-encryption",
    description:
        "A bucket that receives S3 server access logs has no SSE-KMS default encryption (S3 supports SSE-S3 only there).",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const buckets = args.resources.filter((r) => r.type === "aws:s3/bucket:Bucket");
        const targets = [
            ...args.resources
                .filter((r) => loggingTypes.includes(r.type))
                .map((r) => r.props.targetBucket),
            ...buckets.map((b) => b.props.logging?.targetBucket),
        ].filter((t): t is string => typeof t === "string");
        for (const bucket of buckets.filter((b) => targets.includes(b.props.bucket))) {
            const algorithms = [
                ...args.resources
                    .filter(
                        (r) =>
                            encryptionTypes.includes(r.type) &&
                            (r.props.bucket === bucket.props.bucket ||
                                r.dependencies.some((d) => d.urn === bucket.urn)),
                    )
                    .flatMap((r) =>
                        (r.props.rules ?? []).map(
                            (rule: any) => rule.applyServerSideEncryptionByDefault?.sseAlgorithm,
                        ),
                    ),
                bucket.props.serverSideEncryptionConfiguration?.rule
                    ?.applyServerSideEncryptionByDefault?.sseAlgorithm,
            ];
            const kms = algorithms.find((a) => typeof a === "string" && a.startsWith("aws:kms"));
            if (kms) {
                report(
                    `${bucket.name}: receives server access logs, but its default encryption is "${kms}"; AWS accepts SSE-S3 (AES256) only on a log target bucket.`,
                    bucket.urn,
                );
            }
        }
    },
};

/** The deploy-time rules the stack passes today: mandatory in the pack. */
// ------------------------------------------------------------------------------------------------
// Combinations AWS refuses

/**
 * CreateDBInstance refuses an AvailabilityZone together with MultiAZ: "Requesting a specific
 * availability zone is not valid for Multi-AZ instances" (InvalidParameterCombination). AWS
 * places the primary and its standby, and the primary's AZ changes with every failover.
 * Source: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html
 * (AvailabilityZone: "You can't specify the AvailabilityZone parameter if the DB instance is a
 * Multi-AZ deployment.")
 */
export const rdsMultiAzPlacement: ResourceValidationPolicy = {
    name: "rds-multi-az-placement",
    description:
        "A Multi-AZ DB instance names no availability zone: AWS places it and its standby.",
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        if (
            args.type === "aws:rds/instance:Instance" &&
            args.props.multiAz === true &&
            args.props.availabilityZone !== undefined
        ) {
            report(
                `${args.name}: availabilityZone is ${JSON.stringify(args.props.availabilityZone)} on a Multi-AZ instance; AWS accepts no availability zone with multiAz: true.`,
            );
        }
    },
};

/**
 * A global cluster made from an existing cluster takes the database name, engine, version and
 * encryption from it: CreateGlobalCluster says of SourceDBClusterIdentifier "don't specify
 * values for the following settings ... DatabaseName, Engine, EngineVersion, StorageEncrypted",
 * and of StorageEncrypted "Can't be specified if SourceDBClusterIdentifier is specified". The
 * provider sends `storageEncrypted` and `databaseName` whenever they are set
 * (internal/service/rds/global_cluster.go, resourceGlobalClusterCreate); since provider 6.14 it
 * leaves engine and engine version out of that request, so those may stay.
 * Sources: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateGlobalCluster.html,
 * https://github.com/hashicorp/terraform-provider-aws/pull/44252
 */
export const globalClusterFromSource: ResourceValidationPolicy = {
    name: "global-cluster-from-source",
    description:
        "An Aurora global cluster made from an existing cluster states no storageEncrypted or databaseName: it takes them from that cluster.",
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        if (
            args.type !== "aws:rds/globalCluster:GlobalCluster" ||
            args.props.sourceDbClusterIdentifier === undefined
        ) {
            return;
        }
        for (const input of ["storageEncrypted", "databaseName"]) {
            if (args.props[input] !== undefined) {
                report(
                    `${args.name}: ${input} is ${JSON.stringify(args.props[input])} beside sourceDbClusterIdentifier; AWS accepts no ${input} on a global cluster made from an existing cluster, which takes it from that cluster.`,
                );
            }
        }
    },
};

const clusterType = "aws:rds/cluster:Cluster";
const clusterInstanceType = "aws:rds/clusterInstance:ClusterInstance";

/** Whether `member` names `cluster` (by identifier or ARN) or takes an input from it. */
const refersTo = (member: PolicyResource, input: string, cluster: PolicyResource): boolean => {
    const named = member.props[input];
    const id = cluster.props.clusterIdentifier;
    return (
        member.dependencies.some((d) => d.urn === cluster.urn) ||
        (typeof named === "string" &&
            typeof id === "string" &&
            (named === id || named.endsWith(`:cluster:${id}`)))
    );
};

/**
 * An Aurora global database holds at most 15 readers: "The total number of reader instances in
 * the primary DB cluster plus the number of secondary clusters can't exceed 15". AWS refuses the
 * reader or secondary beyond that during `pulumi up`. The primary is the cluster the global
 * cluster is made from (`sourceDbClusterIdentifier`); its readers are its instances but one
 * writer; the secondaries are the clusters that join the global cluster.
 * Source: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-attaching.html
 */
export const auroraGlobalReaders: StackValidationPolicy = {
    name: "aurora-global-reader-limit",
    description: `An Aurora global database has at most ${auroraGlobalReaderLimit} primary readers plus secondary clusters.`,
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const clusters = args.resources.filter((r) => r.type === clusterType);
        const instances = args.resources.filter((r) => r.type === clusterInstanceType);
        for (const global of args.resources.filter(
            (r) => r.type === "aws:rds/globalCluster:GlobalCluster",
        )) {
            const primary = clusters.find((c) => refersTo(global, "sourceDbClusterIdentifier", c));
            const secondaries = clusters.filter(
                (c) =>
                    c !== primary &&
                    (c.dependencies.some((d) => d.urn === global.urn) ||
                        (c.props.globalClusterIdentifier !== undefined &&
                            c.props.globalClusterIdentifier ===
                                global.props.globalClusterIdentifier)),
            );
            if (primary === undefined) {
                continue;
            }
            const members = instances.filter((i) => refersTo(i, "clusterIdentifier", primary));
            const readers = Math.max(0, members.length - 1);
            if (readers + secondaries.length > auroraGlobalReaderLimit) {
                report(
                    `${global.name}: its primary cluster ${primary.name} has ${readers} readers (${members.length} instances, one the writer) and ${secondaries.length} secondary clusters, ${readers + secondaries.length} in all; AWS accepts at most ${auroraGlobalReaderLimit}: remove readers or secondaries.`,
                    global.urn,
                );
            }
        }
    },
};

export const deployTimePolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
    ec2SecurityGroupDescription,
    ec2RuleDescription,
    dmsEnumerations,
    rdsIdentifiers,
    resourceNames,
    secretReplicaRegions,
    dmsReplicationStartOrder,
    s3AccessLogTargetEncryption,
    rdsMultiAzPlacement,
    globalClusterFromSource,
    auroraGlobalReaders,
];

/**
 * The physical names a stack declares in its AWS account, and the check that no two stacks of the
 * project or its examples declare the same one.
 *
 * A physical name (an RDS identifier, a bucket, a secret, a DMS identifier, a Glue database, an
 * Athena workgroup, a log group, a KMS alias, an IAM role...) is unique in its account, in a
 * region or account-wide, and carries the environment's name but not the stack's: each
 * environment name owns its physical names in an account (README, "One account per
 * environment"). Two stacks that declared the same name would meet only at `pulumi up`, as
 * "already exists"; `npm run plan:all` refuses them first.
 */

import { RecordedResource } from "./mockRuntime";

/** Where AWS keeps a name unique: in the resource's region, or in the whole account. */
type Scope = "region" | "account";

/** One input of one resource type that names the resource in its account. */
export interface NamingInput {
    readonly type: string;
    readonly input: string;
    readonly scope: Scope;
}

const named = (type: string, input: string, scope: Scope = "region"): NamingInput => ({
    type,
    input,
    scope,
});

/**
 * Every input the stack sets that AWS keeps unique per region or per account. A global cluster
 * is account-wide; S3 buckets are unique in the partition and IAM names in the account.
 */
export const namingInputs: readonly NamingInput[] = [
    named("aws:rds/cluster:Cluster", "clusterIdentifier"),
    named("aws:rds/cluster:Cluster", "finalSnapshotIdentifier"),
    named("aws:rds/instance:Instance", "identifier"),
    named("aws:rds/instance:Instance", "finalSnapshotIdentifier"),
    named("aws:rds/clusterInstance:ClusterInstance", "identifier"),
    named("aws:rds/clusterEndpoint:ClusterEndpoint", "clusterEndpointIdentifier"),
    named("aws:rds/globalCluster:GlobalCluster", "globalClusterIdentifier", "account"),
    named("aws:rds/subnetGroup:SubnetGroup", "name"),
    named("aws:rds/parameterGroup:ParameterGroup", "name"),
    named("aws:rds/clusterParameterGroup:ClusterParameterGroup", "name"),
    named("aws:rds/eventSubscription:EventSubscription", "name"),
    named("aws:rds/proxy:Proxy", "name"),
    named("aws:rds/proxyEndpoint:ProxyEndpoint", "dbProxyEndpointName"),
    named("aws:secretsmanager/secret:Secret", "name"),
    named("aws:kms/alias:Alias", "name"),
    named("aws:cloudwatch/logGroup:LogGroup", "name"),
    named("aws:cloudwatch/metricAlarm:MetricAlarm", "name"),
    named("aws:cloudwatch/compositeAlarm:CompositeAlarm", "alarmName"),
    // An EventBridge rule's name is unique per event bus, and the stack uses the default bus.
    named("aws:cloudwatch/eventRule:EventRule", "name"),
    named("aws:sns/topic:Topic", "name"),
    named("aws:kinesis/stream:Stream", "name"),
    named("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "name"),
    named("aws:dms/endpoint:Endpoint", "endpointId"),
    named("aws:dms/replicationConfig:ReplicationConfig", "replicationConfigIdentifier"),
    named("aws:dms/replicationConfig:ReplicationConfig", "resourceIdentifier"),
    named("aws:dms/replicationSubnetGroup:ReplicationSubnetGroup", "replicationSubnetGroupId"),
    named("aws:glue/catalogDatabase:CatalogDatabase", "name"),
    named("aws:glue/crawler:Crawler", "name"),
    named("aws:athena/workgroup:Workgroup", "name"),
    named("aws:redshiftserverless/namespace:Namespace", "namespaceName"),
    named("aws:redshiftserverless/workgroup:Workgroup", "workgroupName"),
    named("aws:s3/bucket:Bucket", "bucket", "account"),
    named("aws:s3/bucketV2:BucketV2", "bucket", "account"),
    named("aws:iam/role:Role", "name", "account"),
    named("aws:iam/policy:Policy", "name", "account"),
];

/**
 * Inputs called like a name that name nothing in the account: a name inside another resource
 * (a record in its zone, a stream in its log group, a policy inline in its role, a security
 * group in its VPC), a name AWS suffixes (a health check's reference), or a private zone's
 * domain, which any number of zones may share.
 */
export const scopedNamingInputs: readonly string[] = [
    "aws:route53/record:Record name",
    "aws:route53/zone:Zone name",
    "aws:route53/healthCheck:HealthCheck referenceName",
    "aws:cloudwatch/logStream:LogStream name",
    "aws:iam/rolePolicy:RolePolicy name",
    "aws:ec2/securityGroup:SecurityGroup name",
];

/** A physical name as one stack declares it. */
export interface PhysicalName {
    /** `type input`, e.g. `aws:rds/instance:Instance identifier`. */
    readonly kind: string;
    /** Where it must be unique: a region, or `account`. */
    readonly where: string;
    readonly value: string;
    /** The logical name of the resource that declares it. */
    readonly resource: string;
}

/** The physical names `resources` declare. Values unknown at plan time are left out. */
export function physicalNames(resources: readonly RecordedResource[]): PhysicalName[] {
    const names: PhysicalName[] = [];
    for (const resource of resources) {
        for (const naming of namingInputs.filter((n) => n.type === resource.type)) {
            const value = resource.inputs[naming.input];
            if (typeof value === "string" && value !== "") {
                names.push({
                    kind: `${naming.type} ${naming.input}`,
                    where: naming.scope === "account" ? "account" : (resource.region ?? "?"),
                    value,
                    resource: resource.name,
                });
            }
        }
    }
    return names;
}

/** One stack's names, labelled as the report names the stack (`dev (.)`). */
export interface StackNames {
    readonly stack: string;
    readonly names: readonly PhysicalName[];
}

/**
 * Every physical name two stacks both declare, one message each, naming both stacks, the kind of
 * name, where it is unique and its value. Empty when the stacks could share one account.
 */
export function nameCollisions(stacks: readonly StackNames[]): string[] {
    const owners = new Map<string, { stack: string; name: PhysicalName }>();
    const collisions: string[] = [];
    for (const { stack, names } of stacks) {
        for (const name of names) {
            const key = `${name.kind}\u0000${name.where}\u0000${name.value}`;
            const owner = owners.get(key);
            if (owner === undefined) {
                owners.set(key, { stack, name });
            } else if (owner.stack !== stack) {
                const where = name.where === "account" ? "the account" : name.where;
                collisions.push(
                    `${owner.stack} and ${stack} both declare ${name.kind} ${JSON.stringify(name.value)} ` +
                        `in ${where} (${owner.name.resource}, ${name.resource}); one account holds ` +
                        `one environment of each name: give one of them another geoshard:environment`,
                );
            }
        }
    }
    return collisions;
}

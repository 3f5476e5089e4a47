/** Every resource a team pays for or answers for says whose it is. */

import { ResourceValidationPolicy } from "@pulumi/policy";

/** The resource types the stack tags; each must carry every required tag. */
export const taggedTypes: readonly string[] = [
    "aws:rds/instance:Instance",
    "aws:rds/cluster:Cluster",
    "aws:rds/globalCluster:GlobalCluster",
    "aws:rds/clusterInstance:ClusterInstance",
    "aws:rds/clusterEndpoint:ClusterEndpoint",
    "aws:rds/clusterParameterGroup:ClusterParameterGroup",
    "aws:rds/eventSubscription:EventSubscription",
    "aws:rds/proxy:Proxy",
    "aws:rds/parameterGroup:ParameterGroup",
    "aws:rds/subnetGroup:SubnetGroup",
    "aws:kms/key:Key",
    "aws:ec2/vpc:Vpc",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/vpcEndpoint:VpcEndpoint",
    "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
    "aws:secretsmanager/secret:Secret",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:sns/topic:Topic",
    "aws:iam/role:Role",
    "aws:route53/zone:Zone",
    "aws:route53/healthCheck:HealthCheck",
    "aws:kinesis/stream:Stream",
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
    "aws:dms/endpoint:Endpoint",
    "aws:dms/replicationConfig:ReplicationConfig",
    "aws:s3/bucket:Bucket",
];

export const requiredTags: ResourceValidationPolicy = {
    name: "required-tags",
    description: "Tagged resource types carry the required tags.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            tags: {
                type: "array",
                items: { type: "string" },
                default: ["environment", "shard", "role"],
            },
        },
    },
    validateResource: (args, report) => {
        if (!taggedTypes.includes(args.type)) {
            return;
        }
        const { tags } = args.getConfig<{ tags: string[] }>();
        const present = (args.props.tags ?? {}) as Record<string, string>;
        const missing = tags.filter((tag) => !present[tag]);
        if (missing.length > 0) {
            report(`Add the tags ${missing.join(", ")}.`);
        }
    },
};

export const tagPolicies: ResourceValidationPolicy[] = [requiredTags];

import * as assert from "assert";
import { Policies } from "@pulumi/policy";
import { policies } from "../policies/rules";
import { deployTimePolicies, valuesAt } from "../policies/rules/deployTime";
import { ProgramRun, RecordedResource } from "../tools/mockRuntime";
import { evaluatePolicies } from "../tools/policyEval";
import { reportPlan } from "../tools/plan";
import { awsProvider, declared, stackRun } from "./helpers";

const everyDeployRule: Policies = deployTimePolicies;

const rule = (name: string): Policies => {
    const found = everyDeployRule.filter((p) => p.name === name);
    assert.strictEqual(found.length, 1, `no deploy-time rule ${name}`);
    return found;
};

/** The messages one deploy-time rule reports over some resources. */
function messages(policy: string, ...resources: RecordedResource[]): string[] {
    return evaluatePolicies(
        [awsProvider("eu-west-2"), awsProvider("us-east-1"), ...resources],
        rule(policy),
    ).violations.map((v) => v.message);
}

const ec2Accepts =
    "AWS accepts up to 255 of a-z, A-Z, 0-9, space and ._-:/()#,@[]+=&;{}!$* (no apostrophe).";
const rdsAccepts =
    "AWS accepts 1 to 63 lowercase letters, digits and hyphens, starting with a letter, without two hyphens in a row or a trailing hyphen.";

/** [policy, what, type, compliant inputs, one bad property, the exact message] */
type Case = [string, string, string, Record<string, any>, Record<string, any>, string];

const cases: Case[] = [
    // EC2
    [
        "ec2-security-group-description",
        "a group description with an apostrophe",
        "aws:ec2/securityGroup:SecurityGroup",
        { description: "DMS Serverless replications of geoshard", vpcId: "vpc-1" },
        { description: "the warehouse's DMS" },
        `subject: description is "the warehouse's DMS"; ${ec2Accepts}`,
    ],
    [
        "ec2-security-group-description",
        "a group description of 256 characters",
        "aws:ec2/securityGroup:SecurityGroup",
        { description: "a".repeat(255) },
        { description: "a".repeat(256) },
        `subject: description is "${"a".repeat(256)}"; ${ec2Accepts}`,
    ],
    [
        "ec2-security-group-description",
        "an inline rule description with a non-ASCII letter",
        "aws:ec2/securityGroup:SecurityGroup",
        { description: "x", ingress: [{ description: "HTTPS (443) from DMS" }] },
        { ingress: [{ description: "HTTPS from the café" }] },
        `subject: ingress[0].description is "HTTPS from the café"; ${ec2Accepts}`,
    ],
    [
        "ec2-security-group-description",
        "a group name with a quote",
        "aws:ec2/securityGroup:SecurityGroup",
        { name: "geoshard-prod-dms" },
        { name: 'geoshard "dms"' },
        `subject: name is "geoshard \\"dms\\""; ${ec2Accepts}`,
    ],
    [
        "ec2-security-group-description",
        "a default group's egress description",
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
        { egress: [] },
        { egress: [{ description: "the VPC's default" }] },
        `subject: egress[0].description is "the VPC's default"; ${ec2Accepts}`,
    ],
    [
        "ec2-security-group-rule-description",
        "an ingress rule with an apostrophe",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        { description: "PostgreSQL from the DMS replications of the geoshard warehouse" },
        { description: "PostgreSQL from the warehouse's DMS replications" },
        `subject: description is "PostgreSQL from the warehouse's DMS replications"; ${ec2Accepts}`,
    ],
    [
        "ec2-security-group-rule-description",
        "an egress rule with an apostrophe",
        "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
        { description: "HTTPS to the AWS API endpoints of the geoshard warehouse" },
        { description: "HTTPS to the warehouse's AWS API endpoints" },
        `subject: description is "HTTPS to the warehouse's AWS API endpoints"; ${ec2Accepts}`,
    ],
    [
        "ec2-security-group-rule-description",
        "a classic rule with a backslash",
        "aws:ec2/securityGroupRule:SecurityGroupRule",
        { description: "PostgreSQL (5432) from 10.0.0.0/8" },
        { description: "a\\b" },
        `subject: description is "a\\\\b"; ${ec2Accepts}`,
    ],
    // DMS
    [
        "dms-enumerations",
        "the plugin name with an underscore",
        "aws:dms/endpoint:Endpoint",
        {
            engineName: "postgres",
            endpointType: "source",
            sslMode: "require",
            postgresSettings: { pluginName: "test-decoding" },
        },
        { postgresSettings: { pluginName: "test_decoding" } },
        'subject: postgresSettings.pluginName is "test_decoding"; AWS accepts no-preference, test-decoding or pglogical.',
    ],
    [
        "dms-enumerations",
        "an SSL mode DMS does not know",
        "aws:dms/endpoint:Endpoint",
        { engineName: "postgres", sslMode: "verify-full" },
        { sslMode: "required" },
        'subject: sslMode is "required"; AWS accepts none, require, verify-ca or verify-full.',
    ],
    [
        "dms-enumerations",
        "an engine name DMS does not know",
        "aws:dms/endpoint:Endpoint",
        { engineName: "aurora-postgresql" },
        { engineName: "postgresql" },
        `subject: engineName is "postgresql"; AWS accepts aurora, aurora-postgresql, aurora-serverless, aurora-postgresql-serverless, azuredb, azure-sql-managed-instance, babelfish, db2, db2-zos, docdb, dynamodb, elasticsearch, kafka, kinesis, mariadb, mongodb, mysql, neptune, opensearch, oracle, postgres, redshift, redshift-serverless, s3, sqlserver or sybase.`,
    ],
    [
        "dms-enumerations",
        "an endpoint type DMS does not know",
        "aws:dms/endpoint:Endpoint",
        { endpointType: "target" },
        { endpointType: "both" },
        'subject: endpointType is "both"; AWS accepts source or target.',
    ],
    [
        "dms-enumerations",
        "a Kinesis message format in capitals",
        "aws:dms/endpoint:Endpoint",
        { engineName: "kinesis", kinesisSettings: { messageFormat: "json-unformatted" } },
        { kinesisSettings: { messageFormat: "JSON_UNFORMATTED" } },
        'subject: kinesisSettings.messageFormat is "JSON_UNFORMATTED"; AWS accepts json or json-unformatted.',
    ],
    [
        "dms-enumerations",
        "a replication type DMS does not know",
        "aws:dms/replicationConfig:ReplicationConfig",
        { replicationType: "full-load-and-cdc" },
        { replicationType: "full-load-cdc" },
        'subject: replicationType is "full-load-cdc"; AWS accepts full-load, cdc or full-load-and-cdc.',
    ],
    // RDS and Aurora
    [
        "rds-identifiers",
        "an instance identifier in capitals",
        "aws:rds/instance:Instance",
        { identifier: "geoshard-prod-europe-master" },
        { identifier: "Geoshard-Prod-Europe-Master" },
        `subject: identifier is "Geoshard-Prod-Europe-Master"; ${rdsAccepts}`,
    ],
    [
        "rds-identifiers",
        "an instance identifier of 64 characters",
        "aws:rds/instance:Instance",
        { identifier: `g${"x".repeat(62)}` },
        { identifier: `g${"x".repeat(63)}` },
        `subject: identifier is "g${"x".repeat(63)}"; ${rdsAccepts}`,
    ],
    [
        "rds-identifiers",
        "a final snapshot identifier with two hyphens in a row",
        "aws:rds/instance:Instance",
        { finalSnapshotIdentifier: "geoshard-prod-europe-master-final" },
        { finalSnapshotIdentifier: "geoshard-prod--final" },
        'subject: finalSnapshotIdentifier is "geoshard-prod--final"; AWS accepts 1 to 255 letters, digits and hyphens, starting with a letter, without two hyphens in a row or a trailing hyphen.',
    ],
    [
        "rds-identifiers",
        "a cluster identifier ending in a hyphen",
        "aws:rds/cluster:Cluster",
        { clusterIdentifier: "geoshard-prod-europe" },
        { clusterIdentifier: "geoshard-prod-europe-" },
        `subject: clusterIdentifier is "geoshard-prod-europe-"; ${rdsAccepts}`,
    ],
    [
        "rds-identifiers",
        "a cluster's final snapshot identifier starting with a digit",
        "aws:rds/cluster:Cluster",
        { finalSnapshotIdentifier: "geoshard-prod-europe-final" },
        { finalSnapshotIdentifier: "1-final" },
        'subject: finalSnapshotIdentifier is "1-final"; AWS accepts 1 to 255 letters, digits and hyphens, starting with a letter, without two hyphens in a row or a trailing hyphen.',
    ],
    [
        "rds-identifiers",
        "a cluster instance identifier with an underscore",
        "aws:rds/clusterInstance:ClusterInstance",
        { identifier: "geoshard-prod-europe-writer" },
        { identifier: "geoshard_prod_europe_writer" },
        `subject: identifier is "geoshard_prod_europe_writer"; ${rdsAccepts}`,
    ],
    [
        "rds-identifiers",
        "a cluster endpoint identifier starting with a digit",
        "aws:rds/clusterEndpoint:ClusterEndpoint",
        { clusterEndpointIdentifier: "europe-analytics", customEndpointType: "READER" },
        { clusterEndpointIdentifier: "1-analytics" },
        `subject: clusterEndpointIdentifier is "1-analytics"; ${rdsAccepts}`,
    ],
    [
        "rds-identifiers",
        "a custom endpoint of type WRITER",
        "aws:rds/clusterEndpoint:ClusterEndpoint",
        { clusterEndpointIdentifier: "europe-analytics", customEndpointType: "ANY" },
        { customEndpointType: "WRITER" },
        'subject: customEndpointType is "WRITER"; AWS accepts READER or ANY.',
    ],
    [
        "rds-identifiers",
        "a global cluster identifier of 64 characters",
        "aws:rds/globalCluster:GlobalCluster",
        { globalClusterIdentifier: "geoshard-prod" },
        { globalClusterIdentifier: `g${"x".repeat(63)}` },
        `subject: globalClusterIdentifier is "g${"x".repeat(63)}"; ${rdsAccepts}`,
    ],
    [
        "rds-identifiers",
        "a parameter group name with an underscore",
        "aws:rds/parameterGroup:ParameterGroup",
        { name: "geoshard-prod-postgres17.1" },
        { name: "geoshard_prod" },
        'subject: name is "geoshard_prod"; AWS accepts 1 to 255 lowercase letters, digits, periods and hyphens, starting with a letter, without two hyphens in a row or a trailing hyphen.',
    ],
    [
        "rds-identifiers",
        "a cluster parameter group name in capitals",
        "aws:rds/clusterParameterGroup:ClusterParameterGroup",
        { name: "geoshard-prod-aurora-postgresql17" },
        { name: "Geoshard" },
        'subject: name is "Geoshard"; AWS accepts 1 to 255 lowercase letters, digits, periods and hyphens, starting with a letter, without two hyphens in a row or a trailing hyphen.',
    ],
    [
        "rds-identifiers",
        "a subnet group named default",
        "aws:rds/subnetGroup:SubnetGroup",
        { name: "geoshard-prod-europe-subnets" },
        { name: "default" },
        'subject: name is "default"; AWS accepts up to 255 lowercase letters, digits, spaces, periods, underscores and hyphens, and not "default".',
    ],
    [
        "rds-identifiers",
        "an event subscription with an underscore",
        "aws:rds/eventSubscription:EventSubscription",
        { name: "geoshard-prod-europe-events" },
        { name: "geoshard_events" },
        'subject: name is "geoshard_events"; AWS accepts 1 to 255 letters, digits and hyphens, starting with a letter, without two hyphens in a row or a trailing hyphen.',
    ],
    [
        "rds-identifiers",
        "a proxy name with two hyphens in a row",
        "aws:rds/proxy:Proxy",
        { name: "geoshard-prod-europe" },
        { name: "geoshard--europe" },
        'subject: name is "geoshard--europe"; AWS accepts 1 to 63 letters, digits and hyphens, starting with a letter, without two hyphens in a row or a trailing hyphen.',
    ],
    // Other names
    [
        "resource-name-limits",
        "an IAM role name of 65 characters",
        "aws:iam/role:Role",
        { name: "dms-vpc-role" },
        { name: "r".repeat(65) },
        `subject: name is "${"r".repeat(65)}"; AWS accepts 1 to 64 letters, digits and _+=,.@-.`,
    ],
    [
        "resource-name-limits",
        "a Kinesis stream name with a space",
        "aws:kinesis/stream:Stream",
        { name: "geoshard-prod-europe-cdc" },
        { name: "geoshard prod" },
        'subject: name is "geoshard prod"; AWS accepts 1 to 128 letters, digits and _.-.',
    ],
    [
        "resource-name-limits",
        "a Firehose name of 65 characters",
        "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
        { name: "geoshard-prod-europe-cdc" },
        { name: "f".repeat(65) },
        `subject: name is "${"f".repeat(65)}"; AWS accepts 1 to 64 letters, digits and _.-.`,
    ],
    [
        "resource-name-limits",
        "an SNS topic name with a period",
        "aws:sns/topic:Topic",
        { name: "geoshard-prod-europe-alarms" },
        { name: "geoshard.alarms" },
        'subject: name is "geoshard.alarms"; AWS accepts 1 to 256 ASCII letters, digits, underscores and hyphens (a FIFO topic ends in .fifo).',
    ],
    [
        "resource-name-limits",
        "a KMS alias under alias/aws/",
        "aws:kms/alias:Alias",
        { name: "alias/geoshard-prod-europe-key" },
        { name: "alias/aws/geoshard" },
        'subject: name is "alias/aws/geoshard"; AWS accepts alias/ followed by letters, digits, /, _ and -, 256 characters in all, not under alias/aws/.',
    ],
    [
        "resource-name-limits",
        "a secret name with a space",
        "aws:secretsmanager/secret:Secret",
        { name: "geoshard-prod-europe-master-credentials" },
        { name: "master credentials" },
        'subject: name is "master credentials"; AWS accepts 1 to 512 ASCII letters, digits and /_+=.@-.',
    ],
    [
        "resource-name-limits",
        "an alarm name with a line break",
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        { name: "geoshard-prod-europe-cdc-latency-source" },
        { name: "cdc\nlatency" },
        'subject: name is "cdc\\nlatency"; AWS accepts 1 to 255 characters without control characters.',
    ],
    [
        "resource-name-limits",
        "a log group name with a colon",
        "aws:cloudwatch/logGroup:LogGroup",
        { name: "/geoshard/prod/firehose/europe" },
        { name: "/geoshard:prod" },
        'subject: name is "/geoshard:prod"; AWS accepts 1 to 512 letters, digits and ._-/#.',
    ],
    [
        "resource-name-limits",
        "a DMS endpoint identifier starting with a digit",
        "aws:dms/endpoint:Endpoint",
        { endpointId: "geoshard-prod-europe-cdc-source" },
        { endpointId: "1-source" },
        'subject: endpointId is "1-source"; AWS accepts 1 to 255 letters, digits and hyphens, starting with a letter, without two hyphens in a row or a trailing hyphen.',
    ],
    [
        "resource-name-limits",
        "a replication config identifier with an underscore",
        "aws:dms/replicationConfig:ReplicationConfig",
        { replicationConfigIdentifier: "geoshard-prod-europe-cdc" },
        { replicationConfigIdentifier: "geoshard_prod" },
        'subject: replicationConfigIdentifier is "geoshard_prod"; AWS accepts 1 to 255 letters, digits and hyphens, starting with a letter, without two hyphens in a row or a trailing hyphen.',
    ],
    [
        "resource-name-limits",
        "a replication resource identifier of 32 characters",
        "aws:dms/replicationConfig:ReplicationConfig",
        { resourceIdentifier: "geoshard-prod-europe-cdc" },
        { resourceIdentifier: `r${"x".repeat(31)}` },
        `subject: resourceIdentifier is "r${"x".repeat(31)}"; AWS accepts 1 to 31 letters, digits and hyphens, starting with a letter, without two hyphens in a row or a trailing hyphen.`,
    ],
    [
        "resource-name-limits",
        "a replication subnet group named default",
        "aws:dms/replicationSubnetGroup:ReplicationSubnetGroup",
        { replicationSubnetGroupId: "geoshard-prod-warehouse-dms" },
        { replicationSubnetGroupId: "default" },
        'subject: replicationSubnetGroupId is "default"; AWS accepts up to 255 letters, digits, spaces and ._-, and not "default".',
    ],
    [
        "resource-name-limits",
        "a health check reference of 28 characters",
        "aws:route53/healthCheck:HealthCheck",
        { referenceName: "europe-master-writable" },
        { referenceName: "abcdefghijkl-master-writable" },
        'subject: referenceName is "abcdefghijkl-master-writable"; AWS accepts at most 27 characters (the provider appends a generated suffix).',
    ],
    [
        "resource-name-limits",
        "a bucket name in capitals",
        "aws:s3/bucket:Bucket",
        { bucket: "geoshard-prod-warehouse-lake-123456789012" },
        { bucket: "Geoshard-Lake" },
        'subject: bucket is "Geoshard-Lake"; AWS accepts 3 to 63 lowercase letters, digits, periods and hyphens, starting and ending with a letter or digit, without .., an IP address form, or a reserved prefix or suffix.',
    ],
    [
        "resource-name-limits",
        "a bucket name with a reserved suffix",
        "aws:s3/bucket:Bucket",
        { bucket: "geoshard-logs" },
        { bucket: "geoshard-logs-s3alias" },
        'subject: bucket is "geoshard-logs-s3alias"; AWS accepts 3 to 63 lowercase letters, digits, periods and hyphens, starting and ending with a letter or digit, without .., an IP address form, or a reserved prefix or suffix.',
    ],
];

describe("deploy-time rules, one AWS rule at a time", () => {
    for (const [policy, what, type, compliant, bad, message] of cases) {
        it(`${policy}: ${what}`, () => {
            assert.deepStrictEqual(messages(policy, declared(type, compliant)), [], "compliant");
            assert.deepStrictEqual(messages(policy, declared(type, { ...compliant, ...bad })), [
                message,
            ]);
        });
    }

    it("finds every value of a nested or listed input, and nothing where there is none", () => {
        assert.deepStrictEqual(valuesAt({ a: [{ b: "x" }, { c: 1 }, { b: "y" }] }, "a[].b"), [
            { path: "a[0].b", value: "x" },
            { path: "a[2].b", value: "y" },
        ]);
        assert.deepStrictEqual(valuesAt({ a: "x" }, "a.b"), []);
        assert.deepStrictEqual(valuesAt({}, "a[].b"), []);
    });

    it("secret-replica-region: a replica in the secret's own region, by provider or by input", () => {
        const secret = (inputs: Record<string, any>, region: string) =>
            declared("aws:secretsmanager/secret:Secret", inputs, { region });
        const replicas = [{ region: "us-east-1", kmsKeyId: "k" }];
        assert.deepStrictEqual(
            messages("secret-replica-region", secret({ replicas }, "eu-west-2")),
            [],
            "another region",
        );
        assert.deepStrictEqual(
            messages("secret-replica-region", secret({ replicas }, "us-east-1")),
            [
                'subject: replicas[0].region is "us-east-1", the secret\'s own region; AWS accepts replicas in other regions only.',
            ],
        );
        assert.deepStrictEqual(
            messages(
                "secret-replica-region",
                secret({ region: "us-east-1", replicas }, "eu-west-2"),
            ),
            [
                'subject: replicas[0].region is "us-east-1", the secret\'s own region; AWS accepts replicas in other regions only.',
            ],
            "the resource's own region input wins over its provider's",
        );
        assert.deepStrictEqual(
            messages("secret-replica-region", secret({}, "us-east-1")),
            [],
            "no replicas",
        );
    });

    describe("dms-replication-start-order", () => {
        const master = declared("aws:rds/instance:Instance", { identifier: "m" }, { name: "m" });
        const replica = declared(
            "aws:rds/instance:Instance",
            { identifier: "r", replicateSourceDb: "m" },
            { name: "r", dependencies: [master] },
        );
        const writer = declared(
            "aws:rds/clusterInstance:ClusterInstance",
            { identifier: "w" },
            { name: "w" },
        );
        const value = declared(
            "aws:secretsmanager/secretVersion:SecretVersion",
            { secretId: "s" },
            { name: "v", dependencies: [master] },
        );
        const endpoint = declared(
            "aws:dms/endpoint:Endpoint",
            { endpointType: "source" },
            { name: "source", dependencies: [value] },
        );
        const replication = (dependencies: RecordedResource[], startReplication = true) =>
            declared(
                "aws:dms/replicationConfig:ReplicationConfig",
                { startReplication },
                { name: "cdc", dependencies },
            );
        const all = [master, replica, writer, value, endpoint];

        it("accepts a replication that waits for the database and the secret value, even through its endpoint", () => {
            assert.deepStrictEqual(
                messages("dms-replication-start-order", ...all, replication([endpoint])),
                [],
            );
            assert.deepStrictEqual(
                messages("dms-replication-start-order", ...all, replication([writer, value])),
                [],
                "an Aurora writer",
            );
            assert.deepStrictEqual(
                messages("dms-replication-start-order", ...all, replication([], false)),
                [],
                "created stopped",
            );
        });

        it("refuses one that starts before them; a read replica is no source", () => {
            assert.deepStrictEqual(
                messages("dms-replication-start-order", ...all, replication([replica])),
                [
                    "cdc: startReplication is true, but the replication does not depend on the secret value (aws:secretsmanager/secretVersion:SecretVersion); DMS tests its connection to the source as it starts, so add them to dependsOn, or create the replication with startReplication: false.",
                ],
            );
            assert.deepStrictEqual(
                messages("dms-replication-start-order", ...all, replication([])),
                [
                    "cdc: startReplication is true, but the replication does not depend on a source database (aws:rds/instance:Instance without replicateSourceDb, or aws:rds/clusterInstance:ClusterInstance) or on the secret value (aws:secretsmanager/secretVersion:SecretVersion); DMS tests its connection to the source as it starts, so add them to dependsOn, or create the replication with startReplication: false.",
                ],
            );
        });
    });

    it("global-cluster-from-source: no encryption or database name beside a source cluster", () => {
        const global = (inputs: Record<string, any>) =>
            declared("aws:rds/globalCluster:GlobalCluster", {
                globalClusterIdentifier: "geoshard-prod-europe-global",
                engine: "aurora-postgresql",
                engineVersion: "17.7",
                forceDestroy: true,
                deletionProtection: true,
                ...inputs,
            });
        const source = "arn:aws:rds:eu-west-2:123456789012:cluster:geoshard-prod-europe-cluster";
        assert.deepStrictEqual(
            messages("global-cluster-from-source", global({ sourceDbClusterIdentifier: source })),
            [],
            "engine and version may stay: provider 6.14 leaves them out of the create",
        );
        assert.deepStrictEqual(
            messages("global-cluster-from-source", global({ storageEncrypted: true })),
            [],
            "a new, empty global cluster states its encryption",
        );
        assert.deepStrictEqual(
            messages(
                "global-cluster-from-source",
                global({
                    sourceDbClusterIdentifier: source,
                    storageEncrypted: true,
                    databaseName: "geoshard",
                }),
            ),
            [
                "subject: storageEncrypted is true beside sourceDbClusterIdentifier; AWS accepts no storageEncrypted on a global cluster made from an existing cluster, which takes it from that cluster.",
                'subject: databaseName is "geoshard" beside sourceDbClusterIdentifier; AWS accepts no databaseName on a global cluster made from an existing cluster, which takes it from that cluster.',
            ],
        );
    });

    it("aurora-global-reader-limit: primary readers plus secondaries, at most 15", () => {
        const home = declared(
            "aws:rds/cluster:Cluster",
            { clusterIdentifier: "geoshard-prod-europe-cluster" },
            { name: "home" },
        );
        const global = declared(
            "aws:rds/globalCluster:GlobalCluster",
            {
                globalClusterIdentifier: "geoshard-prod-europe-global",
                sourceDbClusterIdentifier:
                    "arn:aws:rds:eu-west-2:123456789012:cluster:geoshard-prod-europe-cluster",
            },
            { name: "global" },
        );
        const secondary = (n: number) =>
            declared(
                "aws:rds/cluster:Cluster",
                {
                    clusterIdentifier: `geoshard-prod-europe-recovery-${n}-cluster`,
                    globalClusterIdentifier: "global-id",
                },
                { name: `secondary-${n}`, region: "eu-west-1", dependencies: [global] },
            );
        // Home instances name the cluster by its identifier, or take its id as an input.
        const instances = (count: number) =>
            Array.from({ length: count }, (_, i) =>
                i % 2 === 0
                    ? declared(
                          "aws:rds/clusterInstance:ClusterInstance",
                          { clusterIdentifier: "geoshard-prod-europe-cluster" },
                          { name: `home-${i}` },
                      )
                    : declared(
                          "aws:rds/clusterInstance:ClusterInstance",
                          { clusterIdentifier: "home-id" },
                          { name: `home-${i}`, dependencies: [home] },
                      ),
            );
        // The secondary's own instance counts toward neither side.
        const recoveryInstance = declared(
            "aws:rds/clusterInstance:ClusterInstance",
            { clusterIdentifier: "geoshard-prod-europe-recovery-1-cluster" },
            { name: "recovery-1", region: "eu-west-1" },
        );
        const stack = (homeInstances: number, secondaries: number) =>
            messages(
                "aurora-global-reader-limit",
                home,
                global,
                recoveryInstance,
                ...instances(homeInstances),
                ...Array.from({ length: secondaries }, (_, i) => secondary(i + 1)),
            );
        // A writer, 14 readers (the standby among them) and one secondary: 15.
        assert.deepStrictEqual(stack(15, 1), []);
        assert.deepStrictEqual(stack(16, 0), [], "no secondary yet");
        assert.deepStrictEqual(stack(16, 1), [
            "global: its primary cluster home has 15 readers (16 instances, one the writer) and 1 secondary clusters, 16 in all; AWS accepts at most 15: remove readers or secondaries.",
        ]);
        assert.deepStrictEqual(stack(14, 2), []);
        assert.deepStrictEqual(stack(15, 2), [
            "global: its primary cluster home has 14 readers (15 instances, one the writer) and 2 secondary clusters, 16 in all; AWS accepts at most 15: remove readers or secondaries.",
        ]);
    });

    it("s3-access-log-target-encryption: SSE-S3 on a log target, never SSE-KMS", () => {
        const logs = declared("aws:s3/bucket:Bucket", { bucket: "logs" }, { name: "logs" });
        const lake = declared("aws:s3/bucket:Bucket", { bucket: "lake" }, { name: "lake" });
        const logging = declared(
            "aws:s3/bucketLogging:BucketLogging",
            { bucket: "lake-id", targetBucket: "logs", targetPrefix: "lake/" },
            { name: "logging", dependencies: [lake, logs] },
        );
        const encryption = (sseAlgorithm: string) =>
            declared(
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                {
                    bucket: "logs-id",
                    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm } }],
                },
                { name: "logs-encryption", dependencies: [logs] },
            );
        assert.deepStrictEqual(
            messages("s3-access-log-target-encryption", logs, lake, logging),
            [],
            "S3's default encryption",
        );
        assert.deepStrictEqual(
            messages("s3-access-log-target-encryption", logs, lake, logging, encryption("AES256")),
            [],
        );
        assert.deepStrictEqual(
            messages("s3-access-log-target-encryption", logs, lake, logging, encryption("aws:kms")),
            [
                'logs: receives server access logs, but its default encryption is "aws:kms"; AWS accepts SSE-S3 (AES256) only on a log target bucket.',
            ],
        );
    });
});

describe("deploy-time rules over the stacks", () => {
    type Editable = RecordedResource & { dependencies: string[] };
    const runs = new Map<string, ProgramRun>();
    /** The stack's run, planned once; each test edits its own copy of the resources. */
    const runOf = async (stack: string): Promise<ProgramRun & { resources: Editable[] }> => {
        if (!runs.has(stack)) {
            runs.set(stack, await stackRun(stack));
        }
        const run = runs.get(stack)!;
        return {
            ...run,
            resources: run.resources.map((r) => ({
                ...r,
                inputs: JSON.parse(JSON.stringify(r.inputs)),
                dependencies: [...r.dependencies],
            })),
        };
    };
    const find = (run: { resources: Editable[] }, name: string) =>
        run.resources.find((r) => r.name === name)!;

    it("registers every rule in the pack, mandatory", () => {
        for (const policy of deployTimePolicies) {
            assert.ok(policies.includes(policy), `${policy.name} is in the pack`);
            assert.strictEqual(policy.enforcementLevel, "mandatory");
        }
    });

    it("passes the prod and dev plans", async () => {
        for (const stack of ["prod", "dev"]) {
            const report = evaluatePolicies((await runOf(stack)).resources, deployTimePolicies);
            assert.deepStrictEqual(report.violations, [], stack);
            assert.deepStrictEqual(report.skipped, [], stack);
        }
    });

    it("refuses the DMS plugin name with an underscore if it comes back: the plan exits 1", async () => {
        const run = await runOf("prod");
        find(run, "europe-cdc-source").inputs.postgresSettings.pluginName = "test_decoding";
        const { code, text } = reportPlan("prod", run, false);
        assert.strictEqual(code, 1);
        assert.match(
            text,
            /^ {2}\[mandatory\] dms-enumerations {2}europe-cdc-source: europe-cdc-source: postgresSettings\.pluginName is "test_decoding"; AWS accepts no-preference, test-decoding or pglogical\.$/m,
        );
    });

    it("refuses an apostrophe in a security group or rule description if it comes back", async () => {
        const run = await runOf("prod");
        find(run, "warehouse-dms-sg").inputs.description = "The warehouse's DMS";
        find(run, "warehouse-dms-to-endpoints").inputs.description =
            "HTTPS to the warehouse's AWS API endpoints";
        const { code, text } = reportPlan("prod", run, false);
        assert.strictEqual(code, 1);
        assert.match(text, /\[mandatory\] ec2-security-group-description {2}warehouse-dms-sg: /);
        assert.deepStrictEqual(
            evaluatePolicies(run.resources, rule("ec2-security-group-rule-description"))
                .violations.filter((v) => v.resource.startsWith("warehouse-"))
                .map((v) => v.message),
            [
                `warehouse-dms-to-endpoints: description is "HTTPS to the warehouse's AWS API endpoints"; ${ec2Accepts}`,
            ],
        );
    });

    it("refuses a secret replica in the secret's own region if it comes back", async () => {
        const run = await runOf("prod");
        const rules = rule("secret-replica-region");
        // The us-east shard is in the warehouse region: its secret's one replica is in its
        // recovery region.
        assert.deepStrictEqual(find(run, "us-east-credentials").inputs.replicas, [
            {
                region: "us-west-1",
                kmsKeyId: "arn:aws:kms:us-west-1:123456789012:key/us-east-recovery-key",
            },
        ]);
        assert.deepStrictEqual(evaluatePolicies(run.resources, rules).violations, []);
        find(run, "us-east-credentials").inputs.replicas.push({
            region: "us-east-1",
            kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/warehouse",
        });
        assert.deepStrictEqual(
            evaluatePolicies(run.resources, rules).violations.map((v) => v.message),
            [
                'us-east-credentials: replicas[1].region is "us-east-1", the secret\'s own region; AWS accepts replicas in other regions only.',
            ],
        );
    });

    it("refuses a replication that no longer waits for its database", async () => {
        const run = await runOf("prod");
        const replication = find(run, "asia-cdc-replication");
        const value = find(run, "asia-credentials-value");
        const writer = find(run, "asia-writer");
        const source = find(run, "asia-cdc-source");
        const rules = rule("dms-replication-start-order");
        const messageOf = () =>
            evaluatePolicies(run.resources, rules)
                .violations.filter((v) => v.resource === "asia-cdc-replication")
                .map((v) => v.message);
        // As the database tier wires it: the writer and the secret's value.
        assert.ok(replication.dependencies.includes(writer.urn));
        assert.ok(replication.dependencies.includes(value.urn));
        assert.deepStrictEqual(messageOf(), []);
        // A regression: the replication and its endpoint forget the writer and the value.
        replication.dependencies = replication.dependencies.filter(
            (urn) => urn !== writer.urn && urn !== source.urn && urn !== value.urn,
        );
        assert.deepStrictEqual(messageOf(), [
            "asia-cdc-replication: startReplication is true, but the replication does not depend on a source database (aws:rds/instance:Instance without replicateSourceDb, or aws:rds/clusterInstance:ClusterInstance) or on the secret value (aws:secretsmanager/secretVersion:SecretVersion); DMS tests its connection to the source as it starts, so add them to dependsOn, or create the replication with startReplication: false.",
        ]);
    });

    it("refuses an availability zone on a Multi-AZ master if it comes back", async () => {
        const run = await runOf("prod");
        const rules = rule("rds-multi-az-placement");
        const master = {
            ...find(run, "us-east-writer"),
            type: "aws:rds/instance:Instance",
            inputs: { identifier: "m", multiAz: true, availabilityZone: "us-east-1c" } as Record<
                string,
                unknown
            >,
        };
        assert.deepStrictEqual(
            evaluatePolicies([...run.resources, master], rules).violations.map((v) => v.message),
            [
                'us-east-writer: availabilityZone is "us-east-1c" on a Multi-AZ instance; AWS accepts no availability zone with multiAz: true.',
            ],
        );
        delete master.inputs.availabilityZone;
        assert.deepStrictEqual(evaluatePolicies([...run.resources, master], rules).violations, []);
    });

    it("refuses encryption stated on a global cluster made from the home cluster if it comes back", async () => {
        const run = await runOf("prod");
        const rules = rule("global-cluster-from-source");
        const global = find(run, "us-east-global");
        assert.strictEqual(global.inputs.storageEncrypted, undefined);
        assert.strictEqual(global.inputs.databaseName, undefined);
        assert.deepStrictEqual(evaluatePolicies(run.resources, rules).violations, []);
        global.inputs.storageEncrypted = true;
        assert.deepStrictEqual(
            evaluatePolicies(run.resources, rules).violations.map((v) => v.message),
            [
                "us-east-global: storageEncrypted is true beside sourceDbClusterIdentifier; AWS accepts no storageEncrypted on a global cluster made from an existing cluster, which takes it from that cluster.",
            ],
        );
    });

    it("counts the prod global databases' readers, and refuses a sixteenth", async () => {
        const run = await runOf("prod");
        const rules = rule("aurora-global-reader-limit");
        assert.deepStrictEqual(evaluatePolicies(run.resources, rules).violations, []);
        // Prod's europe: a writer, a standby, two readers and one secondary. Twelve more
        // readers make 15 readers beside the secondary.
        const reader = find(run, "europe-reader-2");
        for (let i = 3; i <= 14; i++) {
            run.resources.push({
                ...reader,
                name: `europe-reader-${i}`,
                urn: reader.urn.replace(/europe-reader-2$/, `europe-reader-${i}`),
            });
        }
        assert.deepStrictEqual(
            evaluatePolicies(run.resources, rules).violations.map((v) => v.message),
            [
                "europe-global: its primary cluster europe-cluster has 15 readers (16 instances, one the writer) and 1 secondary clusters, 16 in all; AWS accepts at most 15: remove readers or secondaries.",
            ],
        );
    });
});

import * as assert from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { cdcSecretArn, createShardCdc, ShardCdcContext } from "../components/shardCdc";
import {
    accessLogRetentionDays,
    crawlerTableLevel,
    dmsAccountRolePrerequisites,
    prerequisitesMessage,
    Warehouse,
} from "../components/warehouse";
import { GeoshardMocks, mockAccountId } from "../tools/mockRuntime";

/** A registration: what the engine would see, with its dependencies. */
interface Registered {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly inputs: Record<string, any>;
    readonly dependencies: readonly string[];
}

/**
 * Declares resources under the project's mocks, outside index.ts, and returns what they
 * registered. Used for the components' own defaults and for the ShardCdcContext the database
 * tier will pass, which the program does not exercise yet.
 */
async function underMocks(declare: () => void): Promise<Registered[]> {
    const mocks = new GeoshardMocks();
    await pulumi.runtime.setMocks(mocks, "geoshard", "unit", false);
    const recorded: Omit<Registered, "inputs">[] = [];
    const monitor = pulumi.runtime.getMonitor() as any;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (request: any, callback: (err: unknown, response: any) => void) =>
        register(request, (err: unknown, response: any) => {
            if (!err) {
                recorded.push({
                    type: request.getType(),
                    name: request.getName(),
                    urn: response.getUrn(),
                    dependencies: request.getDependenciesList(),
                });
            }
            callback(err, response);
        });
    declare();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    await require("@pulumi/pulumi/runtime/settings").waitForRPCs();
    return recorded.map((r) => ({ ...r, inputs: mocks.inputsOf(r.type, r.name)?.inputs ?? {} }));
}

const one = (all: readonly Registered[], name: string, type: string): Registered => {
    const found = all.filter((r) => r.name === name && r.type === type);
    assert.strictEqual(found.length, 1, `one ${type} named ${name}`);
    return found[0];
};

describe("CDC secret", () => {
    it("reads the primary secret in the warehouse region, its replica elsewhere", () => {
        const primary = `arn:aws:secretsmanager:us-east-1:${mockAccountId}:secret:s-AbCdEf`;
        assert.strictEqual(cdcSecretArn(primary, "us-east-1", "us-east-1"), primary);
        assert.strictEqual(
            cdcSecretArn(
                `arn:aws:secretsmanager:eu-west-2:${mockAccountId}:secret:s-AbCdEf`,
                "eu-west-2",
                "us-east-1",
            ),
            primary,
        );
    });
});

describe("CDC with the database tier's context", () => {
    let registered: Registered[];

    /** A shard in the warehouse region on port 5433, with an Aurora-style writer. */
    before(async () => {
        registered = await underMocks(() => {
            const provider = new aws.Provider("aws-us-east-1", { region: "us-east-1" });
            const parent = new pulumi.ComponentResource(
                "geoshard:index:RegionalShard",
                "east",
                {},
                {
                    providers: [provider],
                },
            );
            const inShard = { parent };
            const key = new aws.kms.Key("east-key", {}, inShard);
            const secret = new aws.secretsmanager.Secret(
                "east-credentials",
                { name: "geoshard-test-east-credentials", kmsKeyId: key.arn },
                inShard,
            );
            const writer = new aws.rds.ClusterInstance(
                "east-writer",
                {
                    identifier: "geoshard-test-east-writer",
                    clusterIdentifier: "geoshard-test-east",
                    instanceClass: "db.r6g.large",
                    engine: "aurora-postgresql",
                },
                inShard,
            );
            const value = new aws.secretsmanager.SecretVersion(
                "east-credentials-value",
                { secretId: secret.id, secretString: "{}" },
                inShard,
            );
            const group = new aws.ec2.SecurityGroup("east-db-sg", { vpcId: "vpc-east" }, inShard);
            const context: ShardCdcContext = {
                parent,
                name: "east",
                environment: "test",
                region: "us-east-1",
                identifier: (suffix) => `geoshard-test-east-${suffix}`,
                tags: (role, resource = role) => ({
                    environment: "test",
                    shard: "east",
                    role,
                    Name: resource,
                }),
                accountId: pulumi.output(mockAccountId),
                warehouse: {
                    provider,
                    region: "us-east-1",
                    vpcCidr: "10.100.0.0/16",
                    vpcId: "vpc-warehouse",
                    routeTableId: "rtb-warehouse",
                    kmsKeyArn: `arn:aws:kms:us-east-1:${mockAccountId}:key/warehouse`,
                    bucketArn: "arn:aws:s3:::lake",
                    replicationSubnetGroupId: "geoshard-test-warehouse-dms",
                    dmsSecurityGroupId: "sg-dms",
                    alarmTopicArn: `arn:aws:sns:us-east-1:${mockAccountId}:alarms`,
                    readyForReplication: [],
                },
                shardVpcId: "vpc-east",
                shardVpcCidr: "10.10.0.0/16",
                shardRouteTableId: "rtb-east",
                dbSecurityGroup: group,
                admitsWarehouse: false,
                source: { host: "writer.east.example", port: 5433 },
                sourceReady: [writer, value],
                databaseName: "geoshard",
                credentialsSecret: secret,
                shardKmsKeyArn: key.arn,
                selection: { excludeTables: [], excludeColumns: [] },
                logRetentionDays: 30,
            };
            createShardCdc(context);
        });
    });

    it("starts the replication only after the writer and the secret's value exist", () => {
        const replication = one(
            registered,
            "east-cdc-replication",
            "aws:dms/replicationConfig:ReplicationConfig",
        );
        for (const [name, type] of [
            ["east-writer", "aws:rds/clusterInstance:ClusterInstance"],
            ["east-credentials-value", "aws:secretsmanager/secretVersion:SecretVersion"],
        ]) {
            assert.ok(
                replication.dependencies.includes(one(registered, name, type).urn),
                `waits for ${name}`,
            );
        }
    });

    it("reads the primary secret and may decrypt it with the shard key, through Secrets Manager only", () => {
        const source = one(registered, "east-cdc-source", "aws:dms/endpoint:Endpoint");
        assert.strictEqual(
            source.inputs.secretsManagerArn,
            `arn:aws:secretsmanager:us-east-1:${mockAccountId}:secret:geoshard-test-east-credentials-AbCdEf`,
        );
        assert.strictEqual(source.inputs.tags["source-host"], "writer.east.example");
        const statements = JSON.parse(
            one(registered, "east-cdc-dms-policy", "aws:iam/rolePolicy:RolePolicy").inputs.policy,
        ).Statement;
        assert.deepStrictEqual(
            statements.find((s: any) => s.Sid === "DecryptShardCredentials"),
            {
                Sid: "DecryptShardCredentials",
                Effect: "Allow",
                Action: "kms:Decrypt",
                Resource: `arn:aws:kms:us-east-1:${mockAccountId}:key/east-key`,
                Condition: {
                    StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" },
                },
            },
        );
    });

    it("admits the warehouse on the source's port, with a description EC2 accepts", () => {
        const ingress = one(
            registered,
            "east-postgres-from-warehouse",
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        );
        assert.deepStrictEqual(
            [ingress.inputs.fromPort, ingress.inputs.toPort, ingress.inputs.description],
            [5433, 5433, "PostgreSQL from the DMS replications of the geoshard warehouse"],
        );
        const egress = one(
            registered,
            "east-cdc-dms-to-postgres",
            "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
        );
        assert.deepStrictEqual([egress.inputs.fromPort, egress.inputs.toPort], [5433, 5433]);
    });

    it("leaves the replication slot alarms to the database tier", () => {
        assert.deepStrictEqual(
            registered
                .filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm")
                .map((r) => r.name),
            ["east-cdc-latency-source", "east-cdc-latency-target"],
        );
    });
});

describe("Warehouse defaults", () => {
    let registered: Registered[];
    let warehouse: Warehouse;
    let warnings: string[];

    before(async () => {
        warnings = [];
        const warn = console.warn;
        console.warn = (message: string) => warnings.push(message);
        try {
            registered = await underMocks(() => {
                const provider = new aws.Provider("aws-us-east-1", { region: "us-east-1" });
                warehouse = new Warehouse(
                    "warehouse",
                    {
                        environment: "dev",
                        region: "us-east-1",
                        vpcCidr: "10.100.0.0/16",
                        availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"],
                    },
                    { providers: [provider] },
                );
            });
        } finally {
            console.warn = warn;
        }
    });

    it("creates no account-wide DMS role, and says which the account needs and how to make them", () => {
        assert.deepStrictEqual(
            registered
                .filter((r) => r.type === "aws:iam/role:Role")
                .map((r) => r.inputs.name)
                .filter((n) => n !== undefined),
            [],
        );
        assert.deepStrictEqual(warehouse.prerequisites, dmsAccountRolePrerequisites());
        assert.deepStrictEqual(
            warehouse.prerequisites.map((p) => [p.check, ...p.create]),
            [
                [
                    "aws iam get-role --role-name dms-vpc-role",
                    `aws iam create-role --role-name dms-vpc-role --assume-role-policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"dms.amazonaws.com"},"Action":"sts:AssumeRole"}]}'`,
                    "aws iam attach-role-policy --role-name dms-vpc-role --policy-arn arn:aws:iam::aws:policy/service-role/AmazonDMSVPCManagementRole",
                ],
                [
                    "aws iam get-role --role-name dms-cloudwatch-logs-role",
                    `aws iam create-role --role-name dms-cloudwatch-logs-role --assume-role-policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"dms.amazonaws.com"},"Action":"sts:AssumeRole"}]}'`,
                    "aws iam attach-role-policy --role-name dms-cloudwatch-logs-role --policy-arn arn:aws:iam::aws:policy/service-role/AmazonDMSCloudWatchLogsRole",
                ],
            ],
        );
        assert.deepStrictEqual(warnings, [
            `warning: [runtime] ${prerequisitesMessage(warehouse.prerequisites)}`,
        ]);
        assert.strictEqual(prerequisitesMessage([]), undefined);
    });

    it("logs the lake's server access into a private bucket of its own that S3 may write for this lake only", () => {
        const bucket = one(registered, "warehouse-access-logs", "aws:s3/bucket:Bucket");
        assert.strictEqual(
            bucket.inputs.bucket,
            `geoshard-dev-warehouse-access-logs-${mockAccountId}`,
        );
        assert.deepStrictEqual(
            one(registered, "warehouse-lake-logging", "aws:s3/bucketLogging:BucketLogging").inputs,
            {
                bucket: "warehouse-lake-id",
                targetBucket: `geoshard-dev-warehouse-access-logs-${mockAccountId}`,
                targetPrefix: "lake/",
            },
        );
        assert.strictEqual(
            one(
                registered,
                "warehouse-access-logs-ownership",
                "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
            ).inputs.rule.objectOwnership,
            "BucketOwnerEnforced",
        );
        assert.deepStrictEqual(
            registered
                .filter(
                    (r) =>
                        r.type ===
                        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                )
                .map((r) => r.name),
            ["warehouse-lake-encryption"],
            "the log bucket keeps S3's default SSE-S3: a log target cannot use SSE-KMS",
        );
        const [allowLogs, denyPlain] = JSON.parse(
            one(registered, "warehouse-access-logs-policy", "aws:s3/bucketPolicy:BucketPolicy")
                .inputs.policy,
        ).Statement;
        assert.deepStrictEqual(allowLogs, {
            Sid: "S3ServerAccessLogsFromTheLake",
            Effect: "Allow",
            Principal: { Service: "logging.s3.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: `arn:aws:s3:::geoshard-dev-warehouse-access-logs-${mockAccountId}/lake/*`,
            Condition: {
                ArnLike: {
                    "aws:SourceArn": `arn:aws:s3:::geoshard-dev-warehouse-lake-${mockAccountId}`,
                },
                StringEquals: { "aws:SourceAccount": mockAccountId },
            },
        });
        assert.deepStrictEqual(denyPlain.Condition, { Bool: { "aws:SecureTransport": "false" } });
        const rules = one(
            registered,
            "warehouse-access-logs-lifecycle",
            "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        ).inputs.rules;
        assert.deepStrictEqual(rules[0].filter, { prefix: "" });
        assert.deepStrictEqual(rules[0].expiration, { days: accessLogRetentionDays });
    });

    it("crawls one Glue table per source table", () => {
        assert.strictEqual(crawlerTableLevel, 3);
        assert.deepStrictEqual(
            JSON.parse(
                one(registered, "warehouse-crawler", "aws:glue/crawler:Crawler").inputs
                    .configuration,
            ),
            { Version: 1, Grouping: { TableLevelConfiguration: 3 } },
        );
    });

    it("applies the lake's lifecycle rules with explicit filters", () => {
        const lake = one(
            registered,
            "warehouse-lake-lifecycle",
            "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        ).inputs.rules;
        assert.deepStrictEqual(
            lake.map((r: any) => r.filter),
            [{ prefix: "cdc/" }, { prefix: "" }, { prefix: "athena-results/" }],
        );
    });

    it("describes its security groups and rules with what EC2 accepts", () => {
        assert.strictEqual(
            one(
                registered,
                "warehouse-dms-to-endpoints",
                "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
            ).inputs.description,
            "HTTPS to the AWS API endpoints of the geoshard warehouse",
        );
    });
});

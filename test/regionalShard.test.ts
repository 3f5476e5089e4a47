import * as assert from "assert";
import {
    isSecretValue,
    mockAccountId,
    ProgramRun,
    RecordedResource,
    reveal,
} from "../tools/mockRuntime";
import { instancesOf, named, ofType, referenceShards, run, types } from "./helpers";

/** Resource types AWS cannot tag; every other aws: resource must carry the shard tags. */
const untaggable = new Set([
    "aws:ec2/routeTableAssociation:RouteTableAssociation",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:kms/alias:Alias",
    "aws:secretsmanager/secretVersion:SecretVersion",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:lambda/permission:Permission",
    "aws:cloudwatch/eventTarget:EventTarget",
    "aws:route53/record:Record",
    "aws:sns/topicSubscription:TopicSubscription",
    "aws:ec2/route:Route",
    "aws:route53/zoneAssociation:ZoneAssociation",
    "aws:cloudwatch/logStream:LogStream",
]);

/** Per shard, what runs in the warehouse region: the CDC path DMS must write from there. */
const warehouseRegionSuffixes = [
    "cdc-stream",
    "cdc-dms-to-postgres",
    "cdc-dms-role",
    "cdc-dms-policy",
    "cdc-source",
    "cdc-target",
    "cdc-replication",
    "cdc-peering",
    "cdc-warehouse-route",
    "cdc-delivery-logs",
    "cdc-delivery-log-stream",
    "cdc-firehose-role",
    "cdc-firehose-policy",
    "cdc-delivery",
    "cdc-latency-source",
    "cdc-latency-target",
];

const urnOf = (r: RecordedResource) => r.urn;

describe("RegionalShard, the reference stack in prod", () => {
    let prod: ProgramRun;

    before(async () => {
        prod = await run({ backupRetentionDays: "14" });
    });

    it("declares one component per shard and one provider per region", () => {
        assert.deepStrictEqual(
            ofType(prod, types.shard).map((r) => r.name),
            ["us-east", "us-west", "europe", "asia"],
        );
        assert.deepStrictEqual(
            ofType(prod, types.provider).map((p) => [p.name, p.inputs.region]),
            [
                ["aws-ap-southeast-1", "ap-southeast-1"],
                ["aws-eu-west-2", "eu-west-2"],
                ["aws-us-east-1", "us-east-1"],
                ["aws-us-west-1", "us-west-1"],
                ["aws-global", "us-east-1"],
            ],
        );
    });

    it("puts a shard's resources in its region, its CDC path in the warehouse's, Route 53 on the global provider", () => {
        for (const shard of referenceShards()) {
            const children = prod.resources.filter((r) =>
                r.parent.endsWith(`RegionalShard::${shard.name}`),
            );
            const awsChildren = children.filter((r) => r.type.startsWith("aws:"));
            assert.ok(awsChildren.length > 20);
            for (const child of awsChildren) {
                const inWarehouse = warehouseRegionSuffixes.some(
                    (w) => child.name === `${shard.name}-${w}`,
                );
                const expected =
                    child.type.startsWith("aws:route53/") || inWarehouse
                        ? "us-east-1"
                        : shard.region;
                assert.strictEqual(child.region, expected, `${child.name} is in ${child.region}`);
            }
        }
    });

    it("gives each shard exactly one master, one standby and two replicas, of the design card's classes", () => {
        assert.strictEqual(ofType(prod, types.instance).length, 16);
        for (const shard of referenceShards()) {
            const { masters, standbys, replicas } = instancesOf(prod, shard.name);
            assert.deepStrictEqual(
                masters.map((m) => m.inputs.instanceClass),
                ["db.r6g.8xlarge"],
            );
            assert.deepStrictEqual(
                standbys.map((s) => s.inputs.instanceClass),
                ["db.r6g.8xlarge"],
            );
            assert.deepStrictEqual(
                replicas.map((r) => r.inputs.instanceClass),
                ["db.r6g.4xlarge", "db.r6g.4xlarge"],
            );
            assert.deepStrictEqual(
                [...masters, ...standbys, ...replicas].map((i) => i.inputs.identifier),
                ["master", "standby", "replica-1", "replica-2"].map(
                    (s) => `geoshard-prod-${shard.name}-${s}`,
                ),
            );
        }
    });

    it("places the standby apart from the master and spreads replicas over three AZs", () => {
        const { masters, standbys, replicas } = instancesOf(prod, "us-east");
        assert.deepStrictEqual(
            [masters[0], standbys[0], ...replicas].map((i) => i.inputs.availabilityZone),
            ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1a"],
        );
        assert.deepStrictEqual(
            ofType(prod, types.subnet)
                .filter((s) => s.inputs.tags.shard === "us-east")
                .map((s) => [s.name, s.inputs.availabilityZone, s.inputs.cidrBlock]),
            [
                ["us-east-subnet-us-east-1a", "us-east-1a", "10.10.0.0/18"],
                ["us-east-subnet-us-east-1b", "us-east-1b", "10.10.64.0/18"],
                ["us-east-subnet-us-east-1c", "us-east-1c", "10.10.128.0/18"],
            ],
        );
    });

    it("works in a region with only two AZs (us-west-1)", () => {
        const { masters, standbys, replicas } = instancesOf(prod, "us-west");
        assert.deepStrictEqual(
            [masters[0], standbys[0], ...replicas].map((i) => i.inputs.availabilityZone),
            ["us-west-1a", "us-west-1c", "us-west-1a", "us-west-1c"],
        );
        assert.deepStrictEqual(
            ofType(prod, types.subnet)
                .filter((s) => s.inputs.tags.shard === "us-west")
                .map((s) => s.inputs.availabilityZone),
            ["us-west-1a", "us-west-1c"],
        );
    });

    it("configures the master for safety, recovery and observability", () => {
        const master = named(prod, "europe-master");
        const key = named(prod, "europe-key", types.key);
        const role = named(prod, "europe-monitoring-role", types.role);
        const expected: Record<string, unknown> = {
            identifier: "geoshard-prod-europe-master",
            engine: "postgres",
            engineVersion: "17",
            instanceClass: "db.r6g.8xlarge",
            availabilityZone: "eu-west-2a",
            multiAz: false,
            storageType: "gp3",
            allocatedStorage: 1000,
            maxAllocatedStorage: 4000,
            storageEncrypted: true,
            kmsKeyId: `arn:aws:kms:eu-west-2:${mockAccountId}:key/europe-key`,
            publiclyAccessible: false,
            dbSubnetGroupName: "geoshard-prod-europe-subnets",
            parameterGroupName: "europe-params-0a1b2c3",
            vpcSecurityGroupIds: ["europe-db-sg-id"],
            dbName: "geoshard",
            username: "geoshard_admin",
            backupRetentionPeriod: 14,
            backupWindow: "03:00-04:00",
            maintenanceWindow: "sun:04:30-sun:05:30",
            deleteAutomatedBackups: false,
            deletionProtection: true,
            skipFinalSnapshot: false,
            finalSnapshotIdentifier: "geoshard-prod-europe-master-final",
            copyTagsToSnapshot: true,
            iamDatabaseAuthenticationEnabled: true,
            performanceInsightsEnabled: true,
            performanceInsightsKmsKeyId: `arn:aws:kms:eu-west-2:${mockAccountId}:key/europe-key`,
            performanceInsightsRetentionPeriod: 7,
            monitoringInterval: 60,
            monitoringRoleArn: `arn:aws:iam::${mockAccountId}:role/europe-monitoring-role`,
            enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
            caCertIdentifier: "rds-ca-rsa2048-g1",
            autoMinorVersionUpgrade: true,
        };
        for (const [input, value] of Object.entries(expected)) {
            assert.deepStrictEqual(master.inputs[input], value, `master ${input}`);
        }
        assert.strictEqual(key.inputs.enableKeyRotation, true);
        assert.ok(role);
        assert.ok(
            isSecretValue(master.inputs.password),
            "the master password reaches the engine as a secret",
        );
        assert.strictEqual(master.inputs.replicateSourceDb, undefined);
    });

    it("creates replicas with only what AWS accepts on a replica", () => {
        const forbidden = [
            "username",
            "password",
            "dbName",
            "engine",
            "engineVersion",
            "allocatedStorage",
            "kmsKeyId",
            "dbSubnetGroupName",
            "backupWindow",
            "maintenanceWindow",
            "finalSnapshotIdentifier",
        ];
        for (const shard of referenceShards()) {
            const { standbys, replicas } = instancesOf(prod, shard.name);
            for (const replica of [...standbys, ...replicas]) {
                for (const input of forbidden) {
                    assert.strictEqual(
                        replica.inputs[input],
                        undefined,
                        `${replica.name} sets ${input}`,
                    );
                }
                assert.strictEqual(
                    replica.inputs.replicateSourceDb,
                    `geoshard-prod-${shard.name}-master`,
                );
                assert.strictEqual(
                    replica.inputs.storageEncrypted,
                    true,
                    "stated as inherited, or the provider plans a replacement",
                );
                assert.strictEqual(
                    replica.inputs.skipFinalSnapshot,
                    true,
                    "RDS takes no final snapshot of a replica",
                );
                assert.strictEqual(replica.inputs.storageType, "gp3");
                assert.strictEqual(replica.inputs.maxAllocatedStorage, 4000);
                assert.strictEqual(replica.inputs.publiclyAccessible, false);
                assert.strictEqual(replica.inputs.iamDatabaseAuthenticationEnabled, true);
                assert.strictEqual(replica.inputs.performanceInsightsEnabled, true);
                assert.strictEqual(replica.inputs.monitoringInterval, 60);
                assert.strictEqual(replica.inputs.caCertIdentifier, "rds-ca-rsa2048-g1");
                assert.deepStrictEqual(replica.inputs.enabledCloudwatchLogsExports, [
                    "postgresql",
                    "upgrade",
                ]);
            }
            assert.strictEqual(
                standbys[0].inputs.backupRetentionPeriod,
                14,
                "a promoted standby has backups at once",
            );
            assert.strictEqual(standbys[0].inputs.deletionProtection, true);
            assert.deepStrictEqual(
                replicas.map((r) => r.inputs.deletionProtection),
                [false, false],
                "a replica can be removed in one pulumi up",
            );
            assert.deepStrictEqual(
                replicas.map((r) => r.inputs.backupRetentionPeriod),
                [undefined, undefined],
            );
        }
    });

    it("creates the standby first, then the replicas one after another", () => {
        const { masters, standbys, replicas } = instancesOf(prod, "asia");
        assert.ok(standbys[0].dependencies.includes(masters[0].urn));
        assert.ok(replicas[0].dependencies.includes(standbys[0].urn));
        assert.ok(replicas[1].dependencies.includes(replicas[0].urn));
        assert.ok(!standbys[0].dependencies.some((d) => replicas.map(urnOf).includes(d)));
    });

    it("protects the master and the standby in prod, and nothing else", () => {
        const protectedNames = prod.resources.filter((r) => r.protect).map((r) => r.name);
        assert.deepStrictEqual(
            protectedNames.sort(),
            referenceShards()
                .flatMap((s) => [`${s.name}-master`, `${s.name}-standby`])
                .sort(),
        );
    });

    it("exports each instance's logs into an encrypted group with a retention, created before it", () => {
        const master = named(prod, "us-east-master");
        const groups = ofType(prod, types.logGroup).filter(
            (g) => g.inputs.tags.shard === "us-east" && g.inputs.name.startsWith("/aws/rds/"),
        );
        assert.strictEqual(groups.length, 8);
        const masterGroups = groups.filter((g) => g.name.startsWith("us-east-master-"));
        assert.deepStrictEqual(
            masterGroups.map((g) => [g.inputs.name, g.inputs.retentionInDays, g.inputs.kmsKeyId]),
            ["postgresql", "upgrade"].map((t) => [
                `/aws/rds/instance/geoshard-prod-us-east-master/${t}`,
                30,
                `arn:aws:kms:us-east-1:${mockAccountId}:key/us-east-key`,
            ]),
        );
        for (const group of masterGroups) {
            assert.ok(master.dependencies.includes(group.urn));
        }
    });

    it("gives each shard a rotating customer key that CloudWatch Logs may use only for its RDS logs", () => {
        const key = named(prod, "us-west-key", types.key);
        assert.strictEqual(key.inputs.enableKeyRotation, true);
        assert.strictEqual(key.inputs.deletionWindowInDays, 30);
        const policy = JSON.parse(key.inputs.policy);
        assert.deepStrictEqual(policy.Statement[0].Principal, {
            AWS: `arn:aws:iam::${mockAccountId}:root`,
        });
        assert.deepStrictEqual(policy.Statement[1].Principal, {
            Service: "logs.us-west-1.amazonaws.com",
        });
        assert.deepStrictEqual(policy.Statement[1].Condition, {
            ArnLike: {
                "kms:EncryptionContext:aws:logs:arn": [
                    `arn:aws:logs:us-west-1:${mockAccountId}:log-group:/aws/rds/instance/geoshard-prod-us-west-*`,
                    `arn:aws:logs:us-west-1:${mockAccountId}:log-group:/aws/lambda/geoshard-prod-us-west-*`,
                ],
            },
        });
        assert.deepStrictEqual(
            ofType(prod, "aws:kms/alias:Alias").map((a) => a.inputs.name),
            [
                "alias/geoshard-prod-warehouse-key",
                ...referenceShards().map((s) => `alias/geoshard-prod-${s.name}-key`),
            ],
        );
    });

    it("sets the parameters CDC and TLS need from the first boot", () => {
        const params = named(prod, "asia-params", types.parameterGroup);
        assert.strictEqual(params.inputs.family, "postgres17");
        assert.deepStrictEqual(params.inputs.parameters, [
            { name: "rds.force_ssl", value: "1" },
            { name: "rds.logical_replication", value: "1", applyMethod: "pending-reboot" },
            {
                name: "shared_preload_libraries",
                value: "pg_stat_statements",
                applyMethod: "pending-reboot",
            },
            // 20% of 1000 GiB, in MB: a stuck slot never holds more WAL.
            { name: "max_slot_wal_keep_size", value: "204800" },
        ]);
    });

    it("admits PostgreSQL from the shard's VPC and the warehouse only, with no inline rules", () => {
        const group = named(prod, "europe-db-sg", "aws:ec2/securityGroup:SecurityGroup");
        assert.strictEqual(group.inputs.ingress, undefined);
        assert.strictEqual(group.inputs.egress, undefined);
        const rules = ofType(prod, types.ingress).filter(
            (r) =>
                r.inputs.securityGroupId === "europe-db-sg-id" && r.inputs.cidrIpv4 !== undefined,
        );
        assert.deepStrictEqual(
            rules.map((r) => [
                r.name,
                r.inputs.cidrIpv4,
                r.inputs.ipProtocol,
                r.inputs.fromPort,
                r.inputs.toPort,
            ]),
            [
                ["europe-postgres-from-10-30-0-0-16", "10.30.0.0/16", "tcp", 5432, 5432],
                ["europe-postgres-from-warehouse", "10.100.0.0/16", "tcp", 5432, 5432],
            ],
        );
        const vpc = named(prod, "europe-vpc", types.vpc);
        assert.strictEqual(vpc.inputs.cidrBlock, "10.30.0.0/16");
        assert.ok(
            ofType(prod, types.subnet).every((s) => s.inputs.mapPublicIpOnLaunch === false),
            "no subnet hands out public addresses",
        );
        assert.strictEqual(ofType(prod, "aws:ec2/internetGateway:InternetGateway").length, 0);
    });

    it("keeps the credentials in Secrets Manager under the shard's key, and out of every output", () => {
        const secret = named(prod, "asia-credentials", types.secret);
        assert.strictEqual(
            secret.inputs.kmsKeyId,
            `arn:aws:kms:ap-southeast-1:${mockAccountId}:key/asia-key`,
        );
        assert.strictEqual(secret.inputs.name, "geoshard-prod-asia-master-credentials");
        const version = named(prod, "asia-credentials-value", types.secretVersion);
        assert.ok(isSecretValue(version.inputs.secretString));
        assert.deepStrictEqual(JSON.parse(reveal(version.inputs.secretString)), {
            username: "geoshard_admin",
            password: "mock-password-not-secret",
            engine: "postgres",
            host: "geoshard-prod-asia-master.c0ffee12abcd.ap-southeast-1.rds.amazonaws.com",
            port: 5432,
            dbname: "geoshard",
        });
        const password = named(
            prod,
            "asia-master-password",
            "random:index/randomPassword:RandomPassword",
        );
        assert.strictEqual(password.inputs.length, 40);
        assert.ok(!/[/@" ]/.test(password.inputs.overrideSpecial), 'RDS refuses / @ " and space');
        assert.ok(!JSON.stringify(prod.outputs).includes("mock-password-not-secret"));
    });

    it("lets RDS publish Enhanced Monitoring through a role only this account's RDS can assume", () => {
        const role = named(prod, "us-east-monitoring-role", types.role);
        assert.deepStrictEqual(JSON.parse(role.inputs.assumeRolePolicy).Statement, [
            {
                Effect: "Allow",
                Principal: { Service: "monitoring.rds.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "aws:SourceAccount": mockAccountId } },
            },
        ]);
        const attachment = named(
            prod,
            "us-east-monitoring-policy",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        );
        assert.strictEqual(
            attachment.inputs.policyArn,
            "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
        );
        for (const instance of instancesOf(prod, "us-east").all) {
            assert.ok(
                instance.dependencies.includes(attachment.urn),
                `${instance.name} waits for the role's policy`,
            );
        }
    });

    it("tags every taggable resource with environment, shard and role", () => {
        const taggable = prod.resources.filter(
            (r) =>
                r.type.startsWith("aws:") &&
                !untaggable.has(r.type) &&
                r.parent.includes("RegionalShard"),
        );
        assert.ok(taggable.length > 90, "the check covers the stack");
        for (const resource of taggable) {
            const tags = resource.inputs.tags ?? {};
            assert.strictEqual(tags.environment, "prod", `${resource.name} environment`);
            assert.ok(
                referenceShards().some((s) => s.name === tags.shard),
                `${resource.name} shard`,
            );
            assert.ok(
                typeof tags.role === "string" && tags.role.length > 0,
                `${resource.name} role`,
            );
        }
        for (const provider of ofType(prod, types.provider)) {
            assert.deepStrictEqual(JSON.parse(provider.inputs.defaultTags), {
                tags: { project: "geoshard", environment: "prod", "managed-by": "pulumi" },
            });
        }
    });

    it("exports the shard map applications read", () => {
        const shardMap = prod.outputs.shardMap as any;
        assert.deepStrictEqual(shardMap.cityToShard, {
            new_york: "us-east",
            boston: "us-east",
            san_francisco: "us-west",
            los_angeles: "us-west",
            london: "europe",
            paris: "europe",
            berlin: "europe",
            tokyo: "asia",
            singapore: "asia",
            mumbai: "asia",
        });
        const host = (id: string, region: string) =>
            `geoshard-prod-${id}.c0ffee12abcd.${region}.rds.amazonaws.com`;
        assert.deepStrictEqual(shardMap.shards.europe, {
            region: "eu-west-2",
            cities: ["london", "paris", "berlin"],
            writerName: "writer.europe.db.internal",
            readerName: "reader.europe.db.internal",
            writer: host("europe-master", "eu-west-2"),
            readers: [host("europe-replica-1", "eu-west-2"), host("europe-replica-2", "eu-west-2")],
            standby: host("europe-standby", "eu-west-2"),
            port: 5432,
            credentialsSecretArn: `arn:aws:secretsmanager:eu-west-2:${mockAccountId}:secret:geoshard-prod-europe-master-credentials-AbCdEf`,
        });
        assert.deepStrictEqual(Object.keys(shardMap.shards), [
            "us-east",
            "us-west",
            "europe",
            "asia",
        ]);
    });
});

describe("RegionalShard, variations", () => {
    it("protects nothing outside prod", async () => {
        const dev = await run({ environment: "dev" });
        assert.deepStrictEqual(
            dev.resources.filter((r) => r.protect).map((r) => r.name),
            [],
        );
        assert.strictEqual(named(dev, "asia-master").inputs.identifier, "geoshard-dev-asia-master");
    });

    it("turns deletion protection off where a dev stack asks, to tear it down", async () => {
        const dev = await run({ environment: "dev", deletionProtection: "false" });
        assert.deepStrictEqual(
            instancesOf(dev, "europe").all.map((i) => [i.name, i.inputs.deletionProtection]),
            [
                ["europe-master", false],
                ["europe-standby", false],
                ["europe-replica-1", false],
                ["europe-replica-2", false],
            ],
        );
    });

    it("honours per-shard overrides: replica count, standby class, storage", async () => {
        const shards = referenceShards();
        shards[0] = { ...shards[0], replicaCount: 3, standbyInstanceClass: "db.r6g.4xlarge" };
        shards[1] = {
            ...shards[1],
            replicaCount: 0,
            allocatedStorageGiB: 200,
            maxAllocatedStorageGiB: 1000,
        };
        const result = await run({}, shards);
        const east = instancesOf(result, "us-east");
        assert.strictEqual(east.replicas.length, 3);
        assert.deepStrictEqual(
            east.replicas.map((r) => r.inputs.availabilityZone),
            ["us-east-1c", "us-east-1a", "us-east-1b"],
        );
        assert.strictEqual(east.standbys[0].inputs.instanceClass, "db.r6g.4xlarge");
        const west = instancesOf(result, "us-west");
        assert.strictEqual(west.replicas.length, 0);
        assert.strictEqual(west.standbys.length, 1);
        assert.strictEqual(west.masters[0].inputs.allocatedStorage, 200);
        assert.strictEqual(west.standbys[0].inputs.maxAllocatedStorage, 1000);
        assert.deepStrictEqual((result.outputs.shardMap as any).shards["us-west"].readers, []);
    });

    it("admits extra networks when a shard lists them", async () => {
        const shards = referenceShards();
        shards[2] = { ...shards[2], allowedCidrs: ["10.30.0.0/16", "10.100.0.0/16"] };
        const result = await run({}, shards);
        assert.deepStrictEqual(
            ofType(result, types.ingress)
                .filter((r) => r.inputs.tags.shard === "europe" && r.inputs.cidrIpv4 !== undefined)
                .map((r) => r.inputs.cidrIpv4),
            ["10.30.0.0/16", "10.100.0.0/16"],
        );
    });

    it("uses the first three AZs of a region with more, and two where there are two", async () => {
        const result = await run({}, referenceShards(), {
            zones: {
                "eu-west-2": ["eu-west-2c", "eu-west-2a"],
                "ap-southeast-1": [
                    "ap-southeast-1d",
                    "ap-southeast-1b",
                    "ap-southeast-1a",
                    "ap-southeast-1c",
                ],
            },
        });
        const azsOf = (shard: string) =>
            ofType(result, types.subnet)
                .filter((s) => s.inputs.tags.shard === shard)
                .map((s) => s.inputs.availabilityZone);
        assert.deepStrictEqual(azsOf("europe"), ["eu-west-2a", "eu-west-2c"]);
        assert.deepStrictEqual(azsOf("asia"), [
            "ap-southeast-1a",
            "ap-southeast-1b",
            "ap-southeast-1c",
        ]);
        const europe = instancesOf(result, "europe");
        assert.notStrictEqual(
            europe.standbys[0].inputs.availabilityZone,
            europe.masters[0].inputs.availabilityZone,
        );
    });

    describe("in an existing VPC", () => {
        const existingVpc = {
            vpcId: "vpc-0abc0abc0abc0abc0",
            subnetIds: ["subnet-0aaa0aaa0aaa0aaa0", "subnet-0bbb0bbb0bbb0bbb0"],
        };
        const subnets = {
            "subnet-0aaa0aaa0aaa0aaa0": {
                vpcId: existingVpc.vpcId,
                availabilityZone: "eu-west-2b",
                cidrBlock: "10.30.0.0/20",
            },
            "subnet-0bbb0bbb0bbb0bbb0": {
                vpcId: existingVpc.vpcId,
                availabilityZone: "eu-west-2a",
                cidrBlock: "10.30.16.0/20",
            },
            "subnet-0ccc0ccc0ccc0ccc0": {
                vpcId: "vpc-0fff0fff0fff0fff0",
                availabilityZone: "eu-west-2c",
                cidrBlock: "10.31.0.0/20",
            },
            "subnet-0ddd0ddd0ddd0ddd0": {
                vpcId: existingVpc.vpcId,
                availabilityZone: "eu-west-2b",
                cidrBlock: "10.30.32.0/20",
            },
        };

        it("creates no network of its own and places instances by the subnets' AZs", async () => {
            const shards = referenceShards();
            shards[2] = { ...shards[2], existingVpc };
            const result = await run({}, shards, { subnets });
            const europe = result.resources.filter((r) =>
                r.parent.endsWith("RegionalShard::europe"),
            );
            assert.deepStrictEqual(
                europe.filter((r) =>
                    ["aws:ec2/vpc:Vpc", types.subnet, "aws:ec2/routeTable:RouteTable"].includes(
                        r.type,
                    ),
                ),
                [],
            );
            assert.deepStrictEqual(
                named(result, "europe-subnets", types.subnetGroup).inputs.subnetIds,
                existingVpc.subnetIds,
            );
            assert.strictEqual(
                named(result, "europe-db-sg", "aws:ec2/securityGroup:SecurityGroup").inputs.vpcId,
                existingVpc.vpcId,
            );
            const { masters, standbys } = instancesOf(result, "europe");
            assert.deepStrictEqual(
                [masters[0].inputs.availabilityZone, standbys[0].inputs.availabilityZone],
                ["eu-west-2a", "eu-west-2b"],
            );
        });

        it("refuses a subnet of another VPC before declaring any shard", async () => {
            const shards = referenceShards();
            shards[2] = {
                ...shards[2],
                existingVpc: {
                    ...existingVpc,
                    subnetIds: ["subnet-0aaa0aaa0aaa0aaa0", "subnet-0ccc0ccc0ccc0ccc0"],
                },
            };
            await assert.rejects(run({}, shards, { subnets }), (error: any) => {
                assert.strictEqual(
                    error.message,
                    'geoshard:shards[2].existingVpc.subnetIds[1]: "subnet-0ccc0ccc0ccc0ccc0" lies in vpc-0fff0fff0fff0fff0; allowed: subnets of vpc-0abc0abc0abc0abc0',
                );
                assert.deepStrictEqual(
                    error.resources.filter((r: RecordedResource) => r.type !== types.provider),
                    [],
                );
                return true;
            });
        });

        it("refuses subnets that all lie in one AZ", async () => {
            const shards = referenceShards();
            shards[2] = {
                ...shards[2],
                existingVpc: {
                    ...existingVpc,
                    subnetIds: ["subnet-0aaa0aaa0aaa0aaa0", "subnet-0ddd0ddd0ddd0ddd0"],
                },
            };
            await assert.rejects(run({}, shards, { subnets }), {
                message:
                    'geoshard:shards[2].existingVpc.subnetIds: ["subnet-0aaa0aaa0aaa0aaa0","subnet-0ddd0ddd0ddd0ddd0"] lie in one AZ (eu-west-2b); allowed: subnets in at least two AZs, so the standby never shares the master\'s AZ',
            });
        });
    });

    it("refuses a region that offers one AZ", async () => {
        await assert.rejects(
            run({}, referenceShards(), { zones: { "ap-southeast-1": ["ap-southeast-1a"] } }),
            {
                message:
                    'geoshard:shards[3].region: "ap-southeast-1" offers 1 availability zone(s) to this account; at least two are needed',
            },
        );
    });
});

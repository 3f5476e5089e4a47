import * as assert from "assert";
import { policies } from "../policies/rules";
import { regionPlace } from "../components/shardMap";
import {
    isSecretValue,
    mockAccountId,
    ProgramRun,
    RecordedResource,
    reveal,
} from "../tools/mockRuntime";
import { evaluatePolicies } from "../tools/policyEval";
import {
    instancesOf,
    named,
    ofType,
    referenceShards,
    run,
    sharedRun,
    ShardEntry,
    stackPolicyConfig,
    types,
} from "./helpers";

/** Resource types AWS cannot tag; every other aws: resource must carry the shard tags. */
const untaggable = new Set([
    "aws:ec2/routeTableAssociation:RouteTableAssociation",
    "aws:ec2/route:Route",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:kms/alias:Alias",
    "aws:secretsmanager/secretVersion:SecretVersion",
    "aws:sns/topicPolicy:TopicPolicy",
    "aws:sns/topicSubscription:TopicSubscription",
    "aws:route53/record:Record",
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

const regionOf: Record<string, string> = Object.fromEntries(
    referenceShards().map((s) => [s.name, s.region]),
);
/** An instance's own host name, as the mocks compute it. */
const host = (identifier: string, region: string) =>
    `${identifier}.c0ffee12abcd.${region}.rds.amazonaws.com`;
const clusterEndpoint = (shard: string) =>
    `geoshard-prod-${shard}-cluster.cluster-c0ffee12abcd.${regionOf[shard]}.rds.amazonaws.com`;
const clusterReaderEndpoint = (shard: string) =>
    `geoshard-prod-${shard}-cluster.cluster-ro-c0ffee12abcd.${regionOf[shard]}.rds.amazonaws.com`;
const readersEndpoint = (shard: string) =>
    `geoshard-prod-${shard}-readers.cluster-custom-c0ffee12abcd.${regionOf[shard]}.rds.amazonaws.com`;
const proxyEndpoint = (shard: string) =>
    `geoshard-prod-${shard}-proxy.proxy-c0ffee12abcd.${regionOf[shard]}.rds.amazonaws.com`;
const keyArn = (shard: string) =>
    `arn:aws:kms:${regionOf[shard]}:${mockAccountId}:key/${shard}-key`;
const topicArn = (shard: string) =>
    `arn:aws:sns:${regionOf[shard]}:${mockAccountId}:geoshard-prod-${shard}-alarms`;
const secretArn = (shard: string) =>
    `arn:aws:secretsmanager:${regionOf[shard]}:${mockAccountId}:secret:geoshard-prod-${shard}-master-credentials-AbCdEf`;
const warehouseKeyArn = `arn:aws:kms:us-east-1:${mockAccountId}:key/warehouse-key`;
const shardTags = (shard: string, role: string, resource: string = role) => ({
    Name: `geoshard-prod-${shard}-${resource}`,
    environment: "prod",
    shard,
    role,
});

const childrenOf = (r: ProgramRun, shard: string) =>
    r.resources.filter((x) => x.parent.endsWith(`RegionalShard::${shard}`));
const childOf = (r: ProgramRun, shard: string, type: string) =>
    childrenOf(r, shard).filter((x) => x.type === type);
const rdsAlarmsOf = (r: ProgramRun, shard: string) =>
    childOf(r, shard, types.alarm).filter((a) => a.inputs.namespace === "AWS/RDS");
const recordsOf = (r: ProgramRun, shard: string) =>
    ofType(r, types.record).filter((x) => x.name.startsWith(`${shard}-`));
const secretValueOf = (r: ProgramRun, shard: string) =>
    JSON.parse(
        reveal(named(r, `${shard}-credentials-value`, types.secretVersion).inputs.secretString),
    );
const policyOf = (r: ProgramRun, name: string, type: string) =>
    JSON.parse(named(r, name, type).inputs.policy);
const pick = (o: Record<string, any>, keys: string[]) =>
    Object.fromEntries(keys.map((k) => [k, o[k]]));
const targetGroup = "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup";
const shardMapOf = (r: ProgramRun) => (r.outputs.shardMap as any).shards;
const summaryOf = (r: ProgramRun) => r.outputs.summary as Record<string, any>;
const urnsOfTypes = (r: ProgramRun, typeList: string[]) =>
    r.resources
        .filter((x) => typeList.includes(x.type))
        .map((x) => x.urn)
        .sort();
const alarmNames = (shard: string, labels: string[], perCluster: string[]) => [
    ...labels.flatMap((label) => {
        const metrics = ["cpu", "freeable-memory", "connections", "free-local-storage"];
        return [...metrics, ...(label === "writer" ? [] : ["replica-lag"])].map(
            (m) => `geoshard-prod-${shard}-${label}-${m}`,
        );
    }),
    ...perCluster.map((what) => `geoshard-prod-${shard}-${what}`),
];

/**
 * The prod run, shared by the describes that compare against it (one program run for the file's
 * reference stack).
 */
const runProd = () => sharedRun({ backupRetentionDays: "14" });

describe("RegionalShard on Aurora PostgreSQL, the reference stack in prod (one region: no dr)", () => {
    let prod: ProgramRun;

    before(async () => {
        prod = await runProd();
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
            const awsChildren = childrenOf(prod, shard.name).filter((r) =>
                r.type.startsWith("aws:"),
            );
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

    it("gives each shard one Aurora cluster: a writer and a standby of the design card's class at tier 0, two readers at tier 15", () => {
        assert.deepStrictEqual(ofType(prod, types.instance), [], "no RDS instance on Aurora");
        assert.strictEqual(ofType(prod, types.cluster).length, 4);
        assert.strictEqual(ofType(prod, types.clusterInstance).length, 16);
        for (const shard of referenceShards()) {
            assert.deepStrictEqual(
                childOf(prod, shard.name, types.cluster).map((c) => c.name),
                [`${shard.name}-cluster`],
            );
            const { all, writers, standbys, readers } = instancesOf(prod, shard.name);
            assert.deepStrictEqual(
                all.map((i) => [
                    i.name,
                    i.type,
                    i.inputs.identifier,
                    i.inputs.instanceClass,
                    i.inputs.promotionTier,
                ]),
                [
                    ["writer", "db.r6g.8xlarge", 0],
                    ["standby", "db.r6g.8xlarge", 0],
                    ["reader-1", "db.r6g.4xlarge", 15],
                    ["reader-2", "db.r6g.4xlarge", 15],
                ].map(([label, instanceClass, tier]) => [
                    `${shard.name}-${label}`,
                    types.clusterInstance,
                    `geoshard-prod-${shard.name}-${label}`,
                    instanceClass,
                    tier,
                ]),
            );
            assert.deepStrictEqual(
                [writers.length, standbys.length, readers.length],
                [1, 1, 2],
                "one writer, one standby, two readers by role tag",
            );
            assert.notStrictEqual(
                standbys[0].inputs.availabilityZone,
                writers[0].inputs.availabilityZone,
                `${shard.name}: the standby shares the writer's AZ`,
            );
        }
    });

    it("chooses AZs by zone ID and never the constrained use1-az3 (us-east-1a in this account)", () => {
        // Zone IDs sorted: use1-az1 (1c), use1-az2 (1d), use1-az4 (1e); use1-az3 (1a) is left out.
        const azsOf = (shard: string) =>
            instancesOf(prod, shard).all.map((i) => [i.name, i.inputs.availabilityZone]);
        assert.deepStrictEqual(azsOf("us-east"), [
            ["us-east-writer", "us-east-1c"],
            ["us-east-standby", "us-east-1d"],
            ["us-east-reader-1", "us-east-1e"],
            ["us-east-reader-2", "us-east-1c"],
        ]);
        assert.deepStrictEqual(
            childOf(prod, "us-east", types.subnet).map((s) => [
                s.name,
                s.inputs.availabilityZone,
                s.inputs.cidrBlock,
            ]),
            [
                ["us-east-subnet-us-east-1c", "us-east-1c", "10.10.0.0/18"],
                ["us-east-subnet-us-east-1d", "us-east-1d", "10.10.64.0/18"],
                ["us-east-subnet-us-east-1e", "us-east-1e", "10.10.128.0/18"],
            ],
        );
        assert.ok(
            !prod.resources.some(
                (r) =>
                    r.inputs.tags?.shard === "us-east" &&
                    r.inputs.availabilityZone === "us-east-1a",
            ),
            "nothing of the us-east shard lies in us-east-1a (use1-az3)",
        );
        // euw2-az1 (2c), euw2-az2 (2a), euw2-az3 (2b); apse1-az1..3 are 1a..1c.
        assert.deepStrictEqual(azsOf("europe"), [
            ["europe-writer", "eu-west-2c"],
            ["europe-standby", "eu-west-2a"],
            ["europe-reader-1", "eu-west-2b"],
            ["europe-reader-2", "eu-west-2c"],
        ]);
        assert.deepStrictEqual(azsOf("asia"), [
            ["asia-writer", "ap-southeast-1a"],
            ["asia-standby", "ap-southeast-1b"],
            ["asia-reader-1", "ap-southeast-1c"],
            ["asia-reader-2", "ap-southeast-1a"],
        ]);
        // What the AZ lookup asks for is asserted with every other lookup, below.
    });

    it("makes no lookup but these, each with exactly these arguments", () => {
        // The region's available, standard AZs only: without the zone-type filter a Local Zone
        // or a Wavelength Zone (opted in) could host a database. One lookup per shard region,
        // and one for the warehouse. Then the account and the partition, for ARNs, per shard and
        // for the warehouse, with no arguments.
        const zones = {
            state: "available",
            filters: [{ name: "zone-type", values: ["availability-zone"] }],
        };
        const expected = [
            ...["ap-southeast-1", "eu-west-2", "us-east-1", "us-east-1", "us-west-1"].map(
                (region) => ["aws:index/getAvailabilityZones:getAvailabilityZones", region, zones],
            ),
            ...["ap-southeast-1", "eu-west-2", "us-east-1", "us-east-1", "us-west-1"].flatMap(
                (region) => [
                    ["aws:index/getCallerIdentity:getCallerIdentity", region, {}],
                    ["aws:index/getPartition:getPartition", region, {}],
                ],
            ),
        ];
        // In a stable order, comparing the arguments as objects (key order does not matter).
        const sorted = (calls: unknown[][]) =>
            [...calls].sort((a, b) => `${a[0]} ${a[1]}`.localeCompare(`${b[0]} ${b[1]}`));
        assert.deepStrictEqual(
            sorted(prod.calls.map((c) => [c.token, c.region, c.inputs])),
            sorted(expected),
        );
    });

    it("works in a region with only two AZs (us-west-1): the standby and the readers use the other one", () => {
        assert.deepStrictEqual(
            instancesOf(prod, "us-west").all.map((i) => [i.name, i.inputs.availabilityZone]),
            [
                ["us-west-writer", "us-west-1c"],
                ["us-west-standby", "us-west-1a"],
                ["us-west-reader-1", "us-west-1c"],
                ["us-west-reader-2", "us-west-1a"],
            ],
        );
        assert.deepStrictEqual(
            childOf(prod, "us-west", types.subnet).map((s) => s.inputs.availabilityZone),
            ["us-west-1c", "us-west-1a"],
        );
        assert.ok(!("availabilityZones" in named(prod, "us-west-cluster", types.cluster).inputs));
    });

    it("creates the writer alone first; the standby and every reader wait for it", () => {
        for (const shard of referenceShards()) {
            const { writers, standbys, readers } = instancesOf(prod, shard.name);
            const writer = writers[0];
            for (const other of [...standbys, ...readers]) {
                assert.ok(
                    other.dependencies.includes(writer.urn),
                    `${other.name} waits for the writer`,
                );
            }
            assert.ok(
                ![...standbys, ...readers].some((i) => writer.dependencies.includes(i.urn)),
                "the writer waits for no other instance",
            );
        }
    });

    it("configures the cluster exactly: encrypted with the shard key, 14 days of backups, protected, IAM auth, logs exported, no AZs", () => {
        const cluster = named(prod, "europe-cluster", types.cluster);
        assert.ok(isSecretValue(cluster.inputs.masterPassword), "the password is a secret");
        // An allowlist: a new input (applyImmediately, availabilityZones...) fails here until
        // it is reviewed. The options (protect, ignoreChanges...) are held in options.test.ts.
        assert.deepStrictEqual(
            { ...cluster.inputs, masterPassword: reveal(cluster.inputs.masterPassword) },
            {
                clusterIdentifier: "geoshard-prod-europe-cluster",
                engine: "aurora-postgresql",
                engineMode: "provisioned",
                engineVersion: "17.7",
                databaseName: "geoshard",
                masterUsername: "geoshard_admin",
                masterPassword: "mock-password-not-secret",
                port: 5432,
                storageEncrypted: true,
                kmsKeyId: keyArn("europe"),
                storageType: "aurora",
                dbSubnetGroupName: "geoshard-prod-europe-subnets",
                vpcSecurityGroupIds: ["europe-db-sg-id"],
                dbClusterParameterGroupName: "europe-cluster-params-0a1b2c3",
                iamDatabaseAuthenticationEnabled: true,
                backupRetentionPeriod: 14,
                // eu-west-2 (London, UTC+0): 02:00-03:00 and Sunday 03:30-04:30 local.
                preferredBackupWindow: "02:00-03:00",
                preferredMaintenanceWindow: "sun:03:30-sun:04:30",
                copyTagsToSnapshot: true,
                deletionProtection: true,
                skipFinalSnapshot: false,
                finalSnapshotIdentifier: "geoshard-prod-europe-cluster-final",
                enabledCloudwatchLogsExports: ["postgresql"],
                // The home database carries its cities' countries for the city-residency rule.
                tags: { ...shardTags("europe", "database", "cluster"), countries: "GB" },
            },
        );
        for (const shard of referenceShards()) {
            const inputs = named(prod, `${shard.name}-cluster`, types.cluster).inputs;
            assert.strictEqual(inputs.kmsKeyId, keyArn(shard.name));
            assert.strictEqual(inputs.backupRetentionPeriod, 14);
            assert.strictEqual(inputs.availabilityZones, undefined);
        }
    });

    it("configures each cluster instance exactly: explicit tier, private, no self-upgrade, PI with the key, monitoring, CA pinned", () => {
        for (const shard of referenceShards()) {
            const tiers: Record<string, number> = { writer: 0, standby: 0, reader: 15 };
            for (const instance of instancesOf(prod, shard.name).all) {
                const role = instance.inputs.tags.role as string;
                const label = instance.name.slice(shard.name.length + 1);
                assert.deepStrictEqual(instance.inputs, {
                    identifier: `geoshard-prod-${shard.name}-${label}`,
                    clusterIdentifier: `${shard.name}-cluster-id`,
                    engine: "aurora-postgresql",
                    instanceClass: role === "reader" ? "db.r6g.4xlarge" : "db.r6g.8xlarge",
                    promotionTier: tiers[role],
                    availabilityZone: instance.inputs.availabilityZone,
                    dbSubnetGroupName: `geoshard-prod-${shard.name}-subnets`,
                    dbParameterGroupName: `${shard.name}-instance-params-0a1b2c3`,
                    publiclyAccessible: false,
                    autoMinorVersionUpgrade: false,
                    caCertIdentifier: "rds-ca-rsa2048-g1",
                    performanceInsightsEnabled: true,
                    performanceInsightsKmsKeyId: keyArn(shard.name),
                    performanceInsightsRetentionPeriod: 7,
                    monitoringInterval: 60,
                    monitoringRoleArn: `arn:aws:iam::${mockAccountId}:role/${shard.name}-monitoring-role`,
                    copyTagsToSnapshot: true,
                    tags: shardTags(shard.name, role, label),
                });
            }
        }
    });

    it("protects the cluster, the writer and the standby in prod, and nothing else", () => {
        assert.deepStrictEqual(
            prod.resources
                .filter((r) => r.protect)
                .map((r) => r.name)
                .sort(),
            referenceShards()
                .flatMap((s) => [`${s.name}-cluster`, `${s.name}-writer`, `${s.name}-standby`])
                .sort(),
        );
        for (const reader of instancesOf(prod, "asia").readers) {
            assert.strictEqual(reader.protect, false, `${reader.name} can be scaled away`);
        }
    });

    it("sets the cluster parameters CDC, TLS and cluster cache management need, and the instance parameters", () => {
        const clusterParams = named(prod, "asia-cluster-params", types.clusterParameterGroup);
        assert.deepStrictEqual(clusterParams.inputs, {
            family: "aurora-postgresql17",
            description: "geoshard shard asia, Aurora PostgreSQL cluster",
            parameters: [
                { name: "rds.force_ssl", value: "1", applyMethod: "pending-reboot" },
                { name: "rds.logical_replication", value: "1", applyMethod: "pending-reboot" },
                {
                    name: "shared_preload_libraries",
                    value: "pg_stat_statements",
                    applyMethod: "pending-reboot",
                },
                // A quarter of volumeAlarmGiB (4000 GiB), in MB.
                {
                    name: "max_slot_wal_keep_size",
                    value: String((4000 * 1024) / 4),
                    applyMethod: "pending-reboot",
                },
                { name: "apg_ccm_enabled", value: "1" },
            ],
            tags: shardTags("asia", "database", "cluster-params"),
        });
        assert.strictEqual(
            named(prod, "asia-cluster", types.cluster).inputs.dbClusterParameterGroupName,
            "asia-cluster-params-0a1b2c3",
        );
        assert.deepStrictEqual(named(prod, "asia-instance-params", types.parameterGroup).inputs, {
            family: "aurora-postgresql17",
            description: "geoshard shard asia, Aurora PostgreSQL instances",
            parameters: [
                { name: "log_min_duration_statement", value: "1000" },
                { name: "log_lock_waits", value: "1" },
            ],
            tags: shardTags("asia", "database", "instance-params"),
        });
    });

    it("routes reads through a custom READER endpoint that excludes the writer and the standby, so a reader added later receives reads", () => {
        for (const shard of referenceShards()) {
            const endpoints = childOf(prod, shard.name, types.clusterEndpoint);
            assert.deepStrictEqual(
                endpoints.map((e) => e.inputs),
                [
                    {
                        clusterEndpointIdentifier: `geoshard-prod-${shard.name}-readers`,
                        clusterIdentifier: `${shard.name}-cluster-id`,
                        customEndpointType: "READER",
                        excludedMembers: [
                            `geoshard-prod-${shard.name}-writer`,
                            `geoshard-prod-${shard.name}-standby`,
                        ],
                        tags: shardTags(shard.name, "database", "readers-endpoint"),
                    },
                ],
            );
            const { writers, standbys, readers } = instancesOf(prod, shard.name);
            for (const excluded of [...writers, ...standbys]) {
                assert.ok(endpoints[0].inputs.excludedMembers.includes(excluded.inputs.identifier));
            }
            for (const reader of readers) {
                assert.ok(endpoints[0].dependencies.includes(reader.urn));
            }
        }
    });

    it("exports the PostgreSQL log into a group under the shard key with a retention, created before the cluster", () => {
        const groups = childOf(prod, "us-east", types.logGroup).filter((g) =>
            g.inputs.name.startsWith("/aws/rds/"),
        );
        assert.deepStrictEqual(
            groups.map((g) => [g.name, g.inputs]),
            [
                [
                    "us-east-cluster-postgresql-logs",
                    {
                        name: "/aws/rds/cluster/geoshard-prod-us-east-cluster/postgresql",
                        retentionInDays: 30,
                        kmsKeyId: keyArn("us-east"),
                        tags: shardTags("us-east", "logs", "cluster-postgresql-logs"),
                    },
                ],
            ],
        );
        assert.ok(
            named(prod, "us-east-cluster", types.cluster).dependencies.includes(groups[0].urn),
        );
    });

    it("gives each shard a rotating key that CloudWatch Logs may use for its RDS logs, and alarms and RDS events for its topic", () => {
        const key = named(prod, "us-west-key", types.key);
        assert.strictEqual(key.inputs.enableKeyRotation, true);
        assert.strictEqual(key.inputs.deletionWindowInDays, 30);
        const statements = JSON.parse(key.inputs.policy).Statement;
        assert.deepStrictEqual(statements[0].Principal, {
            AWS: `arn:aws:iam::${mockAccountId}:root`,
        });
        assert.deepStrictEqual(statements[1].Principal, {
            Service: "logs.us-west-1.amazonaws.com",
        });
        assert.deepStrictEqual(statements[1].Condition, {
            ArnLike: {
                "kms:EncryptionContext:aws:logs:arn": [
                    `arn:aws:logs:us-west-1:${mockAccountId}:log-group:/aws/rds/cluster/geoshard-prod-us-west-*`,
                    `arn:aws:logs:us-west-1:${mockAccountId}:log-group:/aws/rds/instance/geoshard-prod-us-west-*`,
                ],
            },
        });
        assert.deepStrictEqual(statements[2], {
            Sid: "AlarmsAndRdsEventsPublishToEncryptedTopics",
            Effect: "Allow",
            Principal: { Service: ["cloudwatch.amazonaws.com", "events.rds.amazonaws.com"] },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
            Resource: "*",
            Condition: { StringEquals: { "aws:SourceAccount": mockAccountId } },
        });
        assert.strictEqual(statements.length, 3);
        assert.deepStrictEqual(
            ofType(prod, "aws:kms/alias:Alias").map((a) => a.inputs.name),
            [
                "alias/geoshard-prod-warehouse-key",
                ...referenceShards().map((s) => `alias/geoshard-prod-${s.name}-key`),
            ],
        );
    });

    it("keeps the credentials in Secrets Manager: host is the cluster endpoint, a replica only outside the warehouse region", () => {
        for (const shard of referenceShards()) {
            const secret = named(prod, `${shard.name}-credentials`, types.secret);
            assert.strictEqual(secret.inputs.kmsKeyId, keyArn(shard.name));
            assert.strictEqual(
                secret.inputs.name,
                `geoshard-prod-${shard.name}-master-credentials`,
            );
            // The warehouse is in us-east-1: Secrets Manager refuses a replica in the secret's
            // own region, so the us-east shard has none.
            assert.deepStrictEqual(
                secret.inputs.replicas,
                shard.region === "us-east-1"
                    ? undefined
                    : [{ region: "us-east-1", kmsKeyId: warehouseKeyArn }],
                `${shard.name} replicas`,
            );
            const version = named(prod, `${shard.name}-credentials-value`, types.secretVersion);
            assert.ok(isSecretValue(version.inputs.secretString), "the value is a secret");
            assert.deepStrictEqual(secretValueOf(prod, shard.name), {
                username: "geoshard_admin",
                password: "mock-password-not-secret",
                engine: "postgres",
                host: clusterEndpoint(shard.name),
                port: 5432,
                dbname: "geoshard",
            });
        }
        const password = named(prod, "asia-master-password", types.password);
        // Letters, digits, '-' and '_': RDS refuses / @ " and space; DMS's connection string
        // breaks on ; { } + %.
        assert.deepStrictEqual(password.inputs, {
            length: 40,
            special: true,
            overrideSpecial: "-_",
        });
        assert.ok(!JSON.stringify(prod.outputs).includes("mock-password-not-secret"));
    });

    it("reports each cluster's failover, global failover, failure, maintenance and notification events, and its instances', into the shard's encrypted topic", () => {
        for (const shard of referenceShards()) {
            assert.deepStrictEqual(
                childOf(prod, shard.name, types.eventSubscription).map((e) => e.inputs),
                [
                    {
                        name: `geoshard-prod-${shard.name}-events`,
                        snsTopic: topicArn(shard.name),
                        sourceType: "db-cluster",
                        sourceIds: [`${shard.name}-cluster-id`],
                        // global-failover: a global database's switchovers and failovers.
                        eventCategories: [
                            "failover",
                            "failure",
                            "global-failover",
                            "maintenance",
                            "notification",
                        ],
                        enabled: true,
                        tags: shardTags(shard.name, "alarms", "events"),
                    },
                    {
                        name: `geoshard-prod-${shard.name}-instance-events`,
                        snsTopic: topicArn(shard.name),
                        sourceType: "db-instance",
                        sourceIds: ["writer", "standby", "reader-1", "reader-2"].map(
                            (label) => `geoshard-prod-${shard.name}-${label}`,
                        ),
                        // Aurora reports a failover as a cluster event only.
                        eventCategories: ["failure", "maintenance", "notification"],
                        enabled: true,
                        tags: shardTags(shard.name, "alarms", "instance-events"),
                    },
                ],
            );
            assert.strictEqual(
                named(prod, `${shard.name}-alarms`, types.topic).inputs.kmsMasterKeyId,
                keyArn(shard.name),
            );
        }
        const topicPolicy = policyOf(prod, "europe-alarms-policy", types.topicPolicy);
        assert.deepStrictEqual(topicPolicy.Statement[1], {
            Sid: "AlarmsAndRdsEventsPublish",
            Effect: "Allow",
            Principal: { Service: ["cloudwatch.amazonaws.com", "events.rds.amazonaws.com"] },
            Action: "sns:Publish",
            Resource: topicArn("europe"),
            Condition: { StringEquals: { "aws:SourceAccount": mockAccountId } },
        });
        assert.deepStrictEqual(topicPolicy.Statement[0].Principal, {
            AWS: `arn:aws:iam::${mockAccountId}:root`,
        });
    });

    it("raises the Aurora alarms of each shard, 22 with two readers, all into the shard's topic", () => {
        for (const shard of referenceShards()) {
            const alarms = rdsAlarmsOf(prod, shard.name);
            const expected = alarmNames(
                shard.name,
                ["writer", "standby", "reader-1", "reader-2"],
                ["volume-used", "replication-slot-lag", "transaction-logs-disk"],
            );
            assert.strictEqual(expected.length, 22);
            assert.deepStrictEqual(alarms.map((a) => a.inputs.name).sort(), [...expected].sort());
            assert.deepStrictEqual(
                [...summaryOf(prod)[shard.name].alarms].sort(),
                [...expected].sort(),
            );
            for (const alarm of alarms) {
                assert.deepStrictEqual(alarm.inputs.alarmActions, [topicArn(shard.name)]);
                assert.deepStrictEqual(alarm.inputs.okActions, [topicArn(shard.name)]);
                assert.strictEqual(alarm.inputs.period, 60);
            }
        }
        const alarm = (name: string, keys: string[]) =>
            pick(named(prod, name, types.alarm).inputs, keys);
        const keys = [
            "metricName",
            "dimensions",
            "statistic",
            "comparisonOperator",
            "threshold",
            "evaluationPeriods",
        ];
        const cluster = "geoshard-prod-europe-cluster";
        for (const label of ["standby", "reader-1", "reader-2"]) {
            assert.deepStrictEqual(alarm(`europe-${label}-replica-lag`, keys), {
                metricName: "AuroraReplicaLag",
                dimensions: { DBInstanceIdentifier: `geoshard-prod-europe-${label}` },
                statistic: "Maximum",
                comparisonOperator: "GreaterThanThreshold",
                threshold: 30000, // milliseconds: 30 s
                evaluationPeriods: 3,
            });
        }
        const halfTheSlotCapBytes = Math.floor((4000 * 1024) / 4 / 2) * 2 ** 20;
        assert.deepStrictEqual(alarm("europe-replication-slot-lag", keys), {
            metricName: "ReplicationSlotDiskUsage",
            dimensions: { DBClusterIdentifier: cluster, Role: "WRITER" },
            statistic: "Maximum",
            comparisonOperator: "GreaterThanThreshold",
            threshold: halfTheSlotCapBytes,
            evaluationPeriods: 5,
        });
        assert.deepStrictEqual(alarm("europe-transaction-logs-disk", keys), {
            metricName: "TransactionLogsDiskUsage",
            dimensions: { DBClusterIdentifier: cluster, Role: "WRITER" },
            statistic: "Maximum",
            comparisonOperator: "GreaterThanThreshold",
            threshold: halfTheSlotCapBytes,
            evaluationPeriods: 5,
        });
        assert.deepStrictEqual(alarm("europe-volume-used", keys), {
            metricName: "VolumeBytesUsed",
            dimensions: { DBClusterIdentifier: cluster },
            statistic: "Maximum",
            comparisonOperator: "GreaterThanThreshold",
            threshold: 4000 * 2 ** 30,
            evaluationPeriods: 5,
        });
        assert.deepStrictEqual(alarm("europe-writer-free-local-storage", keys), {
            metricName: "FreeLocalStorage",
            dimensions: { DBInstanceIdentifier: "geoshard-prod-europe-writer" },
            statistic: "Minimum",
            comparisonOperator: "LessThanThreshold",
            threshold: 10 * 2 ** 30,
            evaluationPeriods: 5,
        });
    });

    it("names writer.<shard> and reader.<shard> by simple CNAMEs with a 5 s TTL: the cluster endpoint and the custom endpoint", () => {
        for (const shard of referenceShards()) {
            const common = { zoneId: "ZPRIVATEZONE", type: "CNAME", ttl: 5 };
            assert.deepStrictEqual(
                recordsOf(prod, shard.name).map((r) => [r.name, r.region, r.inputs]),
                [
                    [
                        `${shard.name}-writer`,
                        "us-east-1",
                        {
                            ...common,
                            name: `writer.${shard.name}.db.internal`,
                            records: [clusterEndpoint(shard.name)],
                        },
                    ],
                    [
                        `${shard.name}-reader`,
                        "us-east-1",
                        {
                            ...common,
                            name: `reader.${shard.name}.db.internal`,
                            records: [readersEndpoint(shard.name)],
                        },
                    ],
                ],
            );
            assert.deepStrictEqual(
                named(prod, `${shard.name}-zone-association`, types.zoneAssociation).inputs,
                { zoneId: "ZPRIVATEZONE", vpcId: `${shard.name}-vpc-id`, vpcRegion: shard.region },
            );
        }
        assert.deepStrictEqual(ofType(prod, types.healthCheck), [], "no health checks on Aurora");
    });

    it("starts DMS only once the writer and the secret's value exist, and reads the secret, never a proxy", () => {
        for (const shard of referenceShards()) {
            const replication = named(prod, `${shard.name}-cdc-replication`, types.replication);
            assert.ok(replication.parent.endsWith(`RegionalShard::${shard.name}`));
            const writer = named(prod, `${shard.name}-writer`, types.clusterInstance);
            const value = named(prod, `${shard.name}-credentials-value`, types.secretVersion);
            assert.ok(replication.dependencies.includes(writer.urn), "waits for the writer");
            assert.ok(replication.dependencies.includes(value.urn), "waits for the secret value");
        }
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

    it("admits PostgreSQL from the shard's VPC and the warehouse only, with no inline rules", () => {
        const group = named(prod, "europe-db-sg", types.securityGroup);
        assert.strictEqual(group.inputs.ingress, undefined);
        assert.strictEqual(group.inputs.egress, undefined);
        const rules = ofType(prod, types.ingress).filter(
            (r) => r.inputs.securityGroupId === "europe-db-sg-id",
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
        assert.strictEqual(named(prod, "europe-vpc", types.vpc).inputs.cidrBlock, "10.30.0.0/16");
        assert.ok(
            ofType(prod, types.subnet).every((s) => s.inputs.mapPublicIpOnLaunch === false),
            "no subnet hands out public addresses",
        );
        assert.strictEqual(ofType(prod, "aws:ec2/internetGateway:InternetGateway").length, 0);
        assert.strictEqual(ofType(prod, types.proxy).length, 0, "no proxy unless asked");
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

    it("exports the shard map: the names that follow a failover first, AWS's endpoints, then the direct instance endpoints", () => {
        const shardMap = prod.outputs.shardMap as any;
        assert.deepStrictEqual(shardMap.cityToShard, {
            new_york: "us-east",
            boston: "us-east",
            san_francisco: "us-west",
            los_angeles: "us-west",
            london: "europe",
            edinburgh: "europe",
            leeds: "europe",
            tokyo: "asia",
            singapore: "asia",
            mumbai: "asia",
        });
        assert.deepStrictEqual(Object.keys(shardMap.shards), [
            "us-east",
            "us-west",
            "europe",
            "asia",
        ]);
        for (const shard of referenceShards()) {
            const instance = (label: string) =>
                host(`geoshard-prod-${shard.name}-${label}`, shard.region);
            assert.deepStrictEqual(shardMap.shards[shard.name], {
                region: shard.region,
                cities: shard.cities,
                engine: "aurora-postgresql",
                writer: `writer.${shard.name}.db.internal`,
                reader: `reader.${shard.name}.db.internal`,
                port: 5432,
                credentialsSecretArn: secretArn(shard.name),
                endpoints: {
                    writer: clusterEndpoint(shard.name),
                    reader: readersEndpoint(shard.name),
                },
                direct: {
                    writer: instance("writer"),
                    standby: instance("standby"),
                    "reader-1": instance("reader-1"),
                    "reader-2": instance("reader-2"),
                },
                location: regionPlace(shard.region),
            });
            // The names that follow a failover are what applications see first.
            assert.deepStrictEqual(Object.keys(shardMap.shards[shard.name]).slice(0, 2), [
                "writer",
                "reader",
            ]);
        }
    });

    it("publishes each shard's summary: engine, instances with role, class, AZ, tier and protection, and the failover budget in AWS's words", () => {
        const summary = summaryOf(prod).europe;
        const instance = (
            role: string,
            label: string,
            instanceClass: string,
            availabilityZone: string,
            promotionTier: number,
            protect: boolean,
        ) => ({
            role,
            identifier: `geoshard-prod-europe-${label}`,
            instanceClass,
            availabilityZone,
            promotionTier,
            protect,
            deletionProtection: true,
        });
        assert.deepStrictEqual(
            { ...summary, alarms: summary.alarms.length },
            {
                engine: "aurora-postgresql",
                engineVersion: "17.7",
                region: "eu-west-2",
                storage: "Aurora Standard",
                storageType: "aurora",
                // One region: the standby's cache is kept warm.
                clusterCacheManagement: true,
                backupRetentionDays: 14,
                windows: { backup: "02:00-03:00", maintenance: "sun:03:30-sun:04:30" },
                allowedSecurityGroups: [],
                parameters: {
                    cluster: {
                        "rds.force_ssl": "1",
                        "rds.logical_replication": "1",
                        shared_preload_libraries: "pg_stat_statements",
                        max_slot_wal_keep_size: "1024000",
                        apg_ccm_enabled: "1",
                    },
                    instance: { log_min_duration_statement: "1000", log_lock_waits: "1" },
                },
                instances: [
                    instance("writer", "writer", "db.r6g.8xlarge", "eu-west-2c", 0, true),
                    instance("standby", "standby", "db.r6g.8xlarge", "eu-west-2a", 0, true),
                    instance("reader", "reader-1", "db.r6g.4xlarge", "eu-west-2b", 15, false),
                    instance("reader", "reader-2", "db.r6g.4xlarge", "eu-west-2c", 15, false),
                ],
                writes: "the cluster writer endpoint, which follows a failover",
                reads: "the custom READER endpoint geoshard-prod-europe-readers: geoshard-prod-europe-reader-1, geoshard-prod-europe-reader-2 and any reader added later (never the standby)",
                proxy: false,
                names: {
                    writer: "writer.europe.db.internal",
                    reader: "reader.europe.db.internal",
                    ttlSeconds: 5,
                },
                failoverBudget: {
                    engine: "aurora-postgresql",
                    typicalMaxSeconds: 60,
                    typical: "often under 30 s, typically under 60 s",
                    awsWording:
                        "service is typically restored in less than 60 seconds, and often less than 30 seconds",
                    source: "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.AuroraHighAvailability.html",
                    dnsTtlSeconds: 5,
                    committedWritesAtRisk:
                        "none: a commit returns only once Aurora has written it to the shared cluster volume (six copies over three AZs), which the promoted standby reads",
                    againstReference:
                        "meets the reference's 30 s often, not always; the AWS Advanced JDBC/Node.js wrappers cut the client-visible outage to seconds",
                },
                alarms: 22,
                events: [
                    {
                        sourceType: "db-cluster",
                        categories: [
                            "failover",
                            "failure",
                            "global-failover",
                            "maintenance",
                            "notification",
                        ],
                    },
                    {
                        sourceType: "db-instance",
                        categories: ["failure", "maintenance", "notification"],
                    },
                ],
                // No recovery region: the one replica is in the warehouse region, for CDC.
                credentials: {
                    secret: "geoshard-prod-europe-master-credentials",
                    replicas: [{ region: "us-east-1", key: "warehouse" }],
                },
                eventRoutes: [
                    {
                        region: "eu-west-2",
                        source: "RDS db-cluster",
                        events: [
                            "failover",
                            "failure",
                            "global-failover",
                            "maintenance",
                            "notification",
                        ],
                        topic: "geoshard-prod-europe-alarms",
                    },
                    {
                        region: "eu-west-2",
                        source: "RDS db-instance",
                        events: ["failure", "maintenance", "notification"],
                        topic: "geoshard-prod-europe-alarms",
                    },
                    {
                        region: "us-east-1",
                        source: "EventBridge rule geoshard-prod-warehouse-replication-state",
                        events: ["DMS Replication State Change"],
                        topic: "geoshard-prod-warehouse-alarms",
                    },
                ],
            },
        );
        for (const shard of referenceShards()) {
            assert.deepStrictEqual(
                summaryOf(prod)[shard.name].instances.map((i: any) => i.availabilityZone),
                instancesOf(prod, shard.name).all.map((i) => i.inputs.availabilityZone),
                "the summary shows the AZs the instances were given",
            );
        }
    });
});

describe("RegionalShard on RDS for PostgreSQL (engine: postgres)", () => {
    let pg: ProgramRun;

    before(async () => {
        pg = await sharedRun({ engine: "postgres" });
    });

    it("declares a Multi-AZ master and two read replicas per shard: no standby instance, no cluster", () => {
        for (const type of [
            types.cluster,
            types.clusterInstance,
            types.clusterEndpoint,
            types.clusterParameterGroup,
        ]) {
            assert.deepStrictEqual(ofType(pg, type), [], `no ${type}`);
        }
        for (const shard of referenceShards()) {
            const { all, standbys } = instancesOf(pg, shard.name);
            assert.deepStrictEqual(standbys, [], "AWS runs the standby");
            assert.deepStrictEqual(
                all.map((i) => [i.name, i.type, i.inputs.instanceClass, i.inputs.multiAz]),
                [
                    [`${shard.name}-master`, types.instance, "db.r6g.8xlarge", true],
                    [`${shard.name}-reader-1`, types.instance, "db.r6g.4xlarge", false],
                    [`${shard.name}-reader-2`, types.instance, "db.r6g.4xlarge", false],
                ],
            );
        }
    });

    it("configures the master exactly: Multi-AZ, gp3 1000 GiB growing to 4000, the shard key, backups, deletion safety", () => {
        const master = named(pg, "europe-master");
        assert.ok(isSecretValue(master.inputs.password));
        assert.deepStrictEqual(
            { ...master.inputs, password: reveal(master.inputs.password) },
            {
                identifier: "geoshard-prod-europe-master",
                engine: "postgres",
                engineVersion: "17",
                instanceClass: "db.r6g.8xlarge",
                multiAz: true,
                storageType: "gp3",
                allocatedStorage: 1000,
                maxAllocatedStorage: 4000,
                storageEncrypted: true,
                kmsKeyId: keyArn("europe"),
                publiclyAccessible: false,
                dbSubnetGroupName: "geoshard-prod-europe-subnets",
                parameterGroupName: "europe-params-0a1b2c3",
                vpcSecurityGroupIds: ["europe-db-sg-id"],
                dbName: "geoshard",
                username: "geoshard_admin",
                password: "mock-password-not-secret",
                backupRetentionPeriod: 7,
                // eu-west-2 (London, UTC+0): 02:00-03:00 and Sunday 03:30-04:30 local.
                backupWindow: "02:00-03:00",
                maintenanceWindow: "sun:03:30-sun:04:30",
                deleteAutomatedBackups: false,
                deletionProtection: true,
                skipFinalSnapshot: false,
                finalSnapshotIdentifier: "geoshard-prod-europe-master-final",
                copyTagsToSnapshot: true,
                iamDatabaseAuthenticationEnabled: true,
                performanceInsightsEnabled: true,
                performanceInsightsKmsKeyId: keyArn("europe"),
                performanceInsightsRetentionPeriod: 7,
                monitoringInterval: 60,
                monitoringRoleArn: `arn:aws:iam::${mockAccountId}:role/europe-monitoring-role`,
                enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
                caCertIdentifier: "rds-ca-rsa2048-g1",
                autoMinorVersionUpgrade: true,
                tags: { ...shardTags("europe", "writer", "master"), countries: "GB" },
            },
        );
    });

    it("leaves both AZs of the Multi-AZ master to RDS, which refuses an AvailabilityZone with MultiAZ", () => {
        for (const shard of referenceShards()) {
            assert.ok(!("availabilityZone" in named(pg, `${shard.name}-master`).inputs));
            const azs = instancesOf(pg, shard.name).readers.map((r) => r.inputs.availabilityZone);
            assert.strictEqual(new Set(azs).size, 2, `${shard.name}: replicas in two AZs`);
        }
    });

    it("creates read replicas with only what AWS accepts on a replica, one after another", () => {
        for (const shard of referenceShards()) {
            const { writers, readers } = instancesOf(pg, shard.name);
            readers.forEach((replica, i) => {
                const label = `reader-${i + 1}`;
                assert.deepStrictEqual(replica.inputs, {
                    identifier: `geoshard-prod-${shard.name}-${label}`,
                    replicateSourceDb: `geoshard-prod-${shard.name}-master`,
                    instanceClass: "db.r6g.4xlarge",
                    multiAz: false,
                    availabilityZone: replica.inputs.availabilityZone,
                    storageType: "gp3",
                    maxAllocatedStorage: 4000,
                    storageEncrypted: true,
                    publiclyAccessible: false,
                    parameterGroupName: `${shard.name}-params-0a1b2c3`,
                    vpcSecurityGroupIds: [`${shard.name}-db-sg-id`],
                    iamDatabaseAuthenticationEnabled: true,
                    performanceInsightsEnabled: true,
                    performanceInsightsKmsKeyId: keyArn(shard.name),
                    performanceInsightsRetentionPeriod: 7,
                    monitoringInterval: 60,
                    monitoringRoleArn: `arn:aws:iam::${mockAccountId}:role/${shard.name}-monitoring-role`,
                    enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
                    caCertIdentifier: "rds-ca-rsa2048-g1",
                    autoMinorVersionUpgrade: true,
                    copyTagsToSnapshot: true,
                    deletionProtection: false,
                    skipFinalSnapshot: true,
                    tags: shardTags(shard.name, "reader", label),
                });
                for (const inherited of [
                    "engine",
                    "engineVersion",
                    "username",
                    "password",
                    "dbName",
                    "allocatedStorage",
                    "kmsKeyId",
                    "finalSnapshotIdentifier",
                ]) {
                    assert.ok(!(inherited in replica.inputs), `${replica.name} sets ${inherited}`);
                }
            });
            assert.ok(readers[0].dependencies.includes(writers[0].urn));
            assert.ok(readers[1].dependencies.includes(readers[0].urn), "one after another");
        }
    });

    it("exports each instance's logs into groups under the shard key, created before the instance", () => {
        const master = named(pg, "us-east-master");
        const groups = childOf(pg, "us-east", types.logGroup).filter((g) =>
            g.inputs.name.startsWith("/aws/rds/"),
        );
        assert.deepStrictEqual(
            groups.map((g) => g.inputs.name).sort(),
            ["master", "reader-1", "reader-2"]
                .flatMap((label) =>
                    ["postgresql", "upgrade"].map(
                        (log) => `/aws/rds/instance/geoshard-prod-us-east-${label}/${log}`,
                    ),
                )
                .sort(),
        );
        for (const group of groups) {
            assert.strictEqual(group.inputs.kmsKeyId, keyArn("us-east"));
            assert.strictEqual(group.inputs.retentionInDays, 30);
        }
        for (const group of groups.filter((g) => g.name.startsWith("us-east-master-"))) {
            assert.ok(master.dependencies.includes(group.urn));
        }
    });

    it("protects only the master in prod", () => {
        assert.deepStrictEqual(
            pg.resources
                .filter((r) => r.protect)
                .map((r) => r.name)
                .sort(),
            referenceShards()
                .map((s) => `${s.name}-master`)
                .sort(),
        );
    });

    it("names writer.<shard> the Multi-AZ endpoint, which the secret's host and DMS use too", () => {
        for (const shard of referenceShards()) {
            const masterHost = host(`geoshard-prod-${shard.name}-master`, shard.region);
            assert.deepStrictEqual(named(pg, `${shard.name}-writer`, types.record).inputs, {
                zoneId: "ZPRIVATEZONE",
                name: `writer.${shard.name}.db.internal`,
                type: "CNAME",
                ttl: 5,
                records: [masterHost],
            });
            assert.strictEqual(secretValueOf(pg, shard.name).host, masterHost);
            const replication = named(pg, `${shard.name}-cdc-replication`, types.replication);
            assert.ok(replication.dependencies.includes(named(pg, `${shard.name}-master`).urn));
        }
    });

    it("spreads reader.<shard> over the replicas by weight, each behind a CloudWatch health check on its ReplicaLag alarm", () => {
        for (const shard of referenceShards()) {
            const readers = recordsOf(pg, shard.name).filter(
                (r) => r.inputs.name === `reader.${shard.name}.db.internal`,
            );
            assert.deepStrictEqual(
                readers.map((r) => [r.name, r.inputs]),
                [1, 2].map((n) => [
                    `${shard.name}-reader-reader-${n}`,
                    {
                        zoneId: "ZPRIVATEZONE",
                        name: `reader.${shard.name}.db.internal`,
                        type: "CNAME",
                        ttl: 5,
                        records: [host(`geoshard-prod-${shard.name}-reader-${n}`, shard.region)],
                        setIdentifier: `reader-${n}`,
                        weightedRoutingPolicies: [{ weight: 1 }],
                        healthCheckId: `${shard.name}-reader-${n}-health-id`,
                    },
                ]),
            );
            for (const n of [1, 2]) {
                const check = named(pg, `${shard.name}-reader-${n}-health`, types.healthCheck);
                assert.deepStrictEqual(check.inputs, {
                    type: "CLOUDWATCH_METRIC",
                    cloudwatchAlarmName: `geoshard-prod-${shard.name}-reader-${n}-replica-lag`,
                    cloudwatchAlarmRegion: shard.region,
                    insufficientDataHealthStatus: "Unhealthy",
                    referenceName: `${shard.name}-reader-${n}`,
                    tags: shardTags(shard.name, "dns", `reader-${n}-health`),
                });
                // The provider appends a 37-character suffix within Route 53's 64.
                assert.ok(check.inputs.referenceName.length <= 27);
                const lag = named(pg, `${shard.name}-reader-${n}-replica-lag`, types.alarm);
                assert.deepStrictEqual(
                    [
                        lag.inputs.metricName,
                        lag.inputs.dimensions,
                        lag.inputs.threshold,
                        lag.inputs.treatMissingData,
                    ],
                    [
                        "ReplicaLag",
                        { DBInstanceIdentifier: `geoshard-prod-${shard.name}-reader-${n}` },
                        30, // seconds
                        "breaching",
                    ],
                );
            }
        }
    });

    it("subscribes to the events of the master and each replica", () => {
        assert.deepStrictEqual(named(pg, "asia-events", types.eventSubscription).inputs, {
            name: "geoshard-prod-asia-events",
            snsTopic: topicArn("asia"),
            sourceType: "db-instance",
            sourceIds: ["master", "reader-1", "reader-2"].map((l) => `geoshard-prod-asia-${l}`),
            eventCategories: ["failover", "failure", "maintenance", "notification"],
            enabled: true,
            tags: shardTags("asia", "alarms", "events"),
        });
    });

    it("raises the RDS alarms, with the CDC slot's lag on the master", () => {
        const alarms = rdsAlarmsOf(pg, "asia");
        const perInstance = (label: string) =>
            ["cpu", "freeable-memory", "connections", "free-storage"]
                .concat(label === "master" ? [] : ["replica-lag"])
                .map((m) => `geoshard-prod-asia-${label}-${m}`);
        const expected = [
            ...perInstance("master"),
            ...perInstance("reader-1"),
            ...perInstance("reader-2"),
            "geoshard-prod-asia-replication-slot-lag",
            "geoshard-prod-asia-transaction-logs-disk",
        ];
        assert.deepStrictEqual(alarms.map((a) => a.inputs.name).sort(), [...expected].sort());
        assert.deepStrictEqual([...summaryOf(pg).asia.alarms].sort(), [...expected].sort());
        const slot = named(pg, "asia-replication-slot-lag", types.alarm).inputs;
        assert.deepStrictEqual(
            [slot.metricName, slot.dimensions, slot.threshold],
            [
                "OldestReplicationSlotLag",
                { DBInstanceIdentifier: "geoshard-prod-asia-master" },
                // Half of max_slot_wal_keep_size: 20% of 1000 GiB, in bytes.
                102400 * 2 ** 20,
            ],
        );
        for (const alarm of alarms) {
            assert.deepStrictEqual(alarm.inputs.alarmActions, [topicArn("asia")]);
        }
        assert.strictEqual(
            named(pg, "asia-params", types.parameterGroup).inputs.parameters.find(
                (p: { name: string }) => p.name === "max_slot_wal_keep_size",
            ).value,
            "204800",
        );
    });

    it("publishes the shard map and summary of the Multi-AZ engine", () => {
        const direct = (label: string) => host(`geoshard-prod-us-west-${label}`, "us-west-1");
        const entry = shardMapOf(pg)["us-west"];
        assert.deepStrictEqual(
            [entry.engine, entry.writer, entry.reader, entry.endpoints, entry.direct],
            [
                "postgres",
                "writer.us-west.db.internal",
                "reader.us-west.db.internal",
                { writer: direct("master") },
                {
                    master: direct("master"),
                    "reader-1": direct("reader-1"),
                    "reader-2": direct("reader-2"),
                },
            ],
        );
        const summary = summaryOf(pg)["us-west"];
        assert.strictEqual(summary.storage, "gp3 1000 GiB -> 4000 GiB");
        assert.deepStrictEqual(
            summary.instances.map((i: any) => [i.role, i.identifier, i.promotionTier, i.protect]),
            [
                ["writer", "geoshard-prod-us-west-master", undefined, true],
                ["reader", "geoshard-prod-us-west-reader-1", undefined, false],
                ["reader", "geoshard-prod-us-west-reader-2", undefined, false],
            ],
        );
        assert.deepStrictEqual(
            [
                summary.failoverBudget.engine,
                summary.failoverBudget.typicalMaxSeconds,
                summary.failoverBudget.awsWording,
                summary.failoverBudget.source,
            ],
            [
                "postgres",
                120,
                "Failover times are typically 60-120 seconds",
                "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZSingleStandby.html",
            ],
        );
        assert.match(
            summary.failoverBudget.committedWritesAtRisk,
            /^none: the Multi-AZ standby is synchronous/,
        );
    });

    it("passes the policy pack, and prod's policy config but for the recovery region it requires of every shard", () => {
        // These shards have no `dr`; Pulumi.prod.yaml gives each one, and passes clean
        // (policies.test.ts).
        const report = evaluatePolicies(pg.resources, policies);
        assert.deepStrictEqual(report.violations, []);
        assert.deepStrictEqual(report.skipped, []);
        assert.deepStrictEqual(
            evaluatePolicies(pg.resources, policies, stackPolicyConfig("prod")).violations.map(
                (v) => [v.policy, v.resource],
            ),
            referenceShards().map((s) => ["region-loss-recovery", s.name]),
        );
    });
});

describe("RegionalShard, per-shard overrides: RDS Proxy on both engines, no readers, three readers", () => {
    let mixed: ProgramRun;
    const extraCidr = "10.60.0.0/16";

    before(async () => {
        const shards: ShardEntry[] = referenceShards();
        shards[0] = { ...shards[0], proxy: true, allowedCidrs: ["10.10.0.0/16", extraCidr] };
        shards[1] = { ...shards[1], engine: "postgres", proxy: true };
        shards[2] = {
            ...shards[2],
            replicaCount: 0,
            storageType: "aurora-iopt1",
            volumeAlarmGiB: 500,
        };
        shards[3] = { ...shards[3], replicaCount: 3 };
        mixed = await run({}, shards);
    });

    it("puts RDS Proxy in front of the Aurora cluster: TLS, the shard's secret, SCRAM; writer.<shard> names the proxy", () => {
        const proxy = named(mixed, "us-east-proxy", types.proxy);
        assert.deepStrictEqual(proxy.inputs, {
            name: "geoshard-prod-us-east-proxy",
            engineFamily: "POSTGRESQL",
            roleArn: `arn:aws:iam::${mockAccountId}:role/us-east-proxy-role`,
            vpcSubnetIds: ["1c", "1d", "1e"].map((az) => `us-east-subnet-us-east-${az}-id`),
            vpcSecurityGroupIds: ["us-east-proxy-sg-id"],
            requireTls: true,
            idleClientTimeout: 1800,
            debugLogging: false,
            auths: [
                {
                    authScheme: "SECRETS",
                    secretArn: secretArn("us-east"),
                    iamAuth: "DISABLED",
                    clientPasswordAuthType: "POSTGRES_SCRAM_SHA_256",
                    description: "The shard's master credentials",
                },
            ],
            tags: shardTags("us-east", "proxy"),
        });
        const target = named(mixed, "us-east-proxy-target", types.proxyTarget);
        // targetGroupName is the default target group's name ("default"), computed by AWS and
        // not by the mocks, so it is left out here.
        assert.deepStrictEqual(pick(target.inputs, ["dbProxyName", "dbClusterIdentifier"]), {
            dbProxyName: "geoshard-prod-us-east-proxy",
            dbClusterIdentifier: "us-east-cluster-id",
        });
        assert.strictEqual(target.inputs.dbInstanceIdentifier, undefined);
        assert.ok(
            target.dependencies.includes(named(mixed, "us-east-writer", types.clusterInstance).urn),
            "the proxy targets the cluster once its writer exists",
        );
        assert.deepStrictEqual(named(mixed, "us-east-writer", types.record).inputs.records, [
            proxyEndpoint("us-east"),
        ]);
        assert.deepStrictEqual(
            named(mixed, "us-east-reader", types.record).inputs.records,
            [readersEndpoint("us-east")],
            "reads bypass the proxy",
        );
        assert.deepStrictEqual(shardMapOf(mixed)["us-east"].endpoints, {
            writer: clusterEndpoint("us-east"),
            reader: readersEndpoint("us-east"),
            proxy: proxyEndpoint("us-east"),
        });
        assert.strictEqual(summaryOf(mixed)["us-east"].proxy, true);
        assert.match(summaryOf(mixed)["us-east"].failoverBudget.proxy, /^RDS Proxy "bypasses/);
    });

    it("puts RDS Proxy in front of a Multi-AZ master, targeting the instance", () => {
        const target = named(mixed, "us-west-proxy-target", types.proxyTarget);
        assert.deepStrictEqual(pick(target.inputs, ["dbProxyName", "dbInstanceIdentifier"]), {
            dbProxyName: "geoshard-prod-us-west-proxy",
            dbInstanceIdentifier: "geoshard-prod-us-west-master",
        });
        assert.strictEqual(target.inputs.dbClusterIdentifier, undefined);
        assert.ok(target.dependencies.includes(named(mixed, "us-west-master").urn));
        assert.deepStrictEqual(
            named(mixed, "us-west-proxy-target-group", targetGroup).inputs.connectionPoolConfig,
            {
                maxConnectionsPercent: 90,
                maxIdleConnectionsPercent: 50,
                connectionBorrowTimeout: 120,
            },
        );
        assert.strictEqual(
            named(mixed, "us-west-proxy", types.proxy).inputs.engineFamily,
            "POSTGRESQL",
        );
        assert.deepStrictEqual(named(mixed, "us-west-writer", types.record).inputs.records, [
            proxyEndpoint("us-west"),
        ]);
        assert.deepStrictEqual(
            ofType(mixed, types.proxy).map((p) => p.name),
            ["us-east-proxy", "us-west-proxy"],
        );
    });

    it("lets each proxy read only its shard's secret, and decrypt it only through Secrets Manager", () => {
        for (const shard of ["us-east", "us-west"]) {
            assert.deepStrictEqual(
                policyOf(mixed, `${shard}-proxy-policy`, types.rolePolicy).Statement,
                [
                    {
                        Sid: "ReadCredentials",
                        Effect: "Allow",
                        Action: "secretsmanager:GetSecretValue",
                        Resource: secretArn(shard),
                    },
                    {
                        Sid: "DecryptCredentials",
                        Effect: "Allow",
                        Action: "kms:Decrypt",
                        Resource: keyArn(shard),
                        Condition: {
                            StringEquals: {
                                "kms:ViaService": `secretsmanager.${regionOf[shard]}.amazonaws.com`,
                            },
                        },
                    },
                ],
            );
            assert.deepStrictEqual(
                JSON.parse(named(mixed, `${shard}-proxy-role`, types.role).inputs.assumeRolePolicy)
                    .Statement[0].Principal,
                { Service: "rds.amazonaws.com" },
            );
        }
    });

    it("admits clients to the proxy from the allowed networks, and the proxy to the database", () => {
        assert.deepStrictEqual(
            ofType(mixed, types.ingress)
                .filter((r) => r.inputs.securityGroupId === "us-east-proxy-sg-id")
                .map((r) => r.inputs.cidrIpv4),
            ["10.10.0.0/16", extraCidr],
        );
        assert.deepStrictEqual(
            ofType(mixed, types.ingress)
                .filter((r) => r.inputs.securityGroupId === "us-east-db-sg-id")
                .map((r) => r.inputs.cidrIpv4 ?? `sg ${r.inputs.referencedSecurityGroupId}`),
            ["10.10.0.0/16", extraCidr, "10.100.0.0/16", "sg us-east-proxy-sg-id"],
        );
    });

    it("keeps CDC off the proxy: the secret DMS reads names the cluster endpoint or the Multi-AZ endpoint", () => {
        assert.strictEqual(secretValueOf(mixed, "us-east").host, clusterEndpoint("us-east"));
        assert.strictEqual(
            secretValueOf(mixed, "us-west").host,
            host("geoshard-prod-us-west-master", "us-west-1"),
        );
        for (const shard of ["us-east", "us-west"]) {
            const value = named(mixed, `${shard}-credentials-value`, types.secretVersion);
            const replication = named(mixed, `${shard}-cdc-replication`, types.replication);
            assert.ok(replication.dependencies.includes(value.urn));
            assert.ok(!JSON.stringify(replication.inputs).includes("proxy"));
        }
    });

    it("without readers: no custom endpoint, and reader.<shard> is the cluster reader endpoint", () => {
        assert.deepStrictEqual(childOf(mixed, "europe", types.clusterEndpoint), []);
        assert.deepStrictEqual(
            instancesOf(mixed, "europe").all.map((i) => i.name),
            ["europe-writer", "europe-standby"],
        );
        assert.deepStrictEqual(named(mixed, "europe-reader", types.record).inputs.records, [
            clusterReaderEndpoint("europe"),
        ]);
        assert.deepStrictEqual(shardMapOf(mixed).europe.endpoints, {
            writer: clusterEndpoint("europe"),
            reader: clusterReaderEndpoint("europe"),
        });
        assert.strictEqual(
            summaryOf(mixed).europe.reads,
            "the cluster reader endpoint (the standby; no readers)",
        );
        assert.deepStrictEqual(
            rdsAlarmsOf(mixed, "europe")
                .map((a) => a.inputs.name)
                .sort(),
            alarmNames(
                "europe",
                ["writer", "standby"],
                ["volume-used", "replication-slot-lag", "transaction-logs-disk"],
            ).sort(),
        );
    });

    it("sizes the WAL cap and the volume alarm from volumeAlarmGiB, and sets I/O-Optimized storage", () => {
        const europe = named(mixed, "europe-cluster-params", types.clusterParameterGroup);
        assert.deepStrictEqual(
            europe.inputs.parameters.find(
                (p: { name: string }) => p.name === "max_slot_wal_keep_size",
            ),
            {
                name: "max_slot_wal_keep_size",
                value: String((500 * 1024) / 4),
                applyMethod: "pending-reboot",
            },
        );
        assert.strictEqual(
            named(mixed, "europe-volume-used", types.alarm).inputs.threshold,
            500 * 2 ** 30,
        );
        assert.strictEqual(
            named(mixed, "europe-cluster", types.cluster).inputs.storageType,
            "aurora-iopt1",
        );
        assert.strictEqual(summaryOf(mixed).europe.storage, "Aurora I/O-Optimized");
    });

    it("with three readers: all three in the READER endpoint, one per AZ, all at tier 15", () => {
        const { readers } = instancesOf(mixed, "asia");
        assert.deepStrictEqual(
            readers.map((r) => [r.name, r.inputs.availabilityZone, r.inputs.promotionTier]),
            [
                ["asia-reader-1", "ap-southeast-1c", 15],
                ["asia-reader-2", "ap-southeast-1a", 15],
                ["asia-reader-3", "ap-southeast-1b", 15],
            ],
        );
        const endpoint = named(mixed, "asia-readers-endpoint", types.clusterEndpoint);
        assert.deepStrictEqual(endpoint.inputs.excludedMembers, [
            "geoshard-prod-asia-writer",
            "geoshard-prod-asia-standby",
        ]);
        assert.deepStrictEqual(
            endpoint.dependencies.filter((urn) => urn.includes("::asia-reader-")).length,
            3,
        );
    });

    it("passes the policy pack, and prod's policy config but for the shard without readers (and the recovery region)", () => {
        assert.deepStrictEqual(evaluatePolicies(mixed.resources, policies).violations, []);
        assert.deepStrictEqual(
            evaluatePolicies(mixed.resources, policies, stackPolicyConfig("prod"))
                .violations.filter((v) => v.policy !== "region-loss-recovery")
                .map((v) => [v.policy, v.message]),
            [["shard-topology", "Shard europe: has 0 readers; raise replicaCount to at least 2."]],
        );
    });
});

describe("RegionalShard, scaling replaces nothing: a larger writer class, a fifth shard, shards reordered", () => {
    /** Every resource whose replacement would lose data or keys. */
    const stateful = [types.cluster, types.clusterInstance, types.key];
    const fifth: ShardEntry = {
        name: "brazil",
        region: "sa-east-1",
        vpcCidr: "10.50.0.0/16",
        cities: ["sao_paulo"],
    };
    let prod: ProgramRun;
    let scaled: ProgramRun;

    before(async () => {
        prod = await runProd();
        // All three changes in one run (one program run for the describe): a URN that depended
        // on a class or on a shard's position would show here.
        scaled = await run({ backupRetentionDays: "14", masterInstanceClass: "db.r6g.12xlarge" }, [
            fifth,
            ...referenceShards().reverse(),
        ]);
    });

    it("keeps every URN of the existing shards; the only new ones are the fifth shard's and its region's provider", () => {
        const before = new Set(prod.resources.map((r) => r.urn));
        const after = new Set(scaled.resources.map((r) => r.urn));
        assert.deepStrictEqual(
            [...before].filter((urn) => !after.has(urn)),
            [],
            "a resource of the existing shards would be deleted or replaced",
        );
        assert.deepStrictEqual(
            [...after]
                .filter((urn) => !before.has(urn))
                .filter((urn) => !/::brazil(-|$)/.test(urn) && !urn.endsWith("::aws-sa-east-1")),
            [],
        );
        assert.deepStrictEqual(
            urnsOfTypes(scaled, stateful).filter((urn) => !urn.includes("::brazil-")),
            urnsOfTypes(prod, stateful),
            "no cluster, instance or key of the existing shards changes its URN",
        );
    });

    it("changes only instanceClass of the writer and the standby, nothing of the cluster or the readers", () => {
        for (const shard of referenceShards()) {
            for (const label of ["cluster", "writer", "standby", "reader-1", "reader-2"]) {
                const type = label === "cluster" ? types.cluster : types.clusterInstance;
                const before = named(prod, `${shard.name}-${label}`, type).inputs;
                const after = named(scaled, `${shard.name}-${label}`, type).inputs;
                const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])]
                    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
                    .sort();
                assert.deepStrictEqual(
                    changed,
                    ["writer", "standby"].includes(label) ? ["instanceClass"] : [],
                    `${shard.name}-${label}`,
                );
                if (changed.length > 0) {
                    assert.strictEqual(after.instanceClass, "db.r6g.12xlarge");
                }
            }
            assert.deepStrictEqual(
                named(scaled, `${shard.name}-key`, types.key).inputs,
                named(prod, `${shard.name}-key`, types.key).inputs,
            );
        }
    });

    it("builds the fifth shard like the others", () => {
        assert.deepStrictEqual(
            instancesOf(scaled, "brazil").all.map((i) => [
                i.name,
                i.inputs.instanceClass,
                i.inputs.availabilityZone,
                i.inputs.promotionTier,
            ]),
            [
                ["brazil-writer", "db.r6g.12xlarge", "sa-east-1a", 0],
                ["brazil-standby", "db.r6g.12xlarge", "sa-east-1b", 0],
                ["brazil-reader-1", "db.r6g.4xlarge", "sa-east-1c", 15],
                ["brazil-reader-2", "db.r6g.4xlarge", "sa-east-1a", 15],
            ],
        );
        assert.deepStrictEqual(Object.keys(shardMapOf(scaled)), [
            "brazil",
            "asia",
            "europe",
            "us-west",
            "us-east",
        ]);
    });
});

describe("RegionalShard, variations", () => {
    it("protects nothing outside prod, and turns deletion protection off where a dev stack asks", async () => {
        const dev = await run({ environment: "dev", deletionProtection: "false" }, [
            referenceShards()[3],
        ]);
        assert.deepStrictEqual(
            dev.resources.filter((r) => r.protect).map((r) => r.name),
            [],
        );
        assert.deepStrictEqual(
            ofType(dev, types.cluster).map((c) => [
                c.inputs.clusterIdentifier,
                c.inputs.deletionProtection,
                c.inputs.backupRetentionPeriod,
            ]),
            [["geoshard-dev-asia-cluster", false, 7]],
        );
        assert.deepStrictEqual(
            instancesOf(dev, "asia").all.map((i) => i.inputs.identifier),
            ["writer", "standby", "reader-1", "reader-2"].map((l) => `geoshard-dev-asia-${l}`),
        );
        assert.deepStrictEqual(
            summaryOf(dev).asia.instances.map((i: any) => [i.protect, i.deletionProtection]),
            [
                [false, false],
                [false, false],
                [false, false],
                [false, false],
            ],
        );
    });

    it("refuses a region whose only other AZ is the constrained use1-az3", async () => {
        await assert.rejects(
            run({}, referenceShards(), { zones: { "us-east-1": ["us-east-1a", "us-east-1b"] } }),
            {
                message:
                    'geoshard:shards[0].region: "us-east-1": a shard needs at least two usable availability zones, got ["us-east-1a (use1-az3)","us-east-1b (use1-az6)"]; the standby must not share the writer\'s AZ, and use1-az3 is never used',
            },
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
        const withEurope = (vpc: typeof existingVpc) => {
            const shards = referenceShards();
            shards[2] = { ...shards[2], existingVpc: vpc };
            return shards;
        };

        it("creates no network of its own and places the instances by the subnets' AZs", async () => {
            const result = await run({}, [withEurope(existingVpc)[2]], { subnets });
            assert.deepStrictEqual(
                childrenOf(result, "europe").filter((r) =>
                    [types.vpc, types.subnet, "aws:ec2/routeTable:RouteTable"].includes(r.type),
                ),
                [],
            );
            assert.deepStrictEqual(
                named(result, "europe-subnets", types.subnetGroup).inputs.subnetIds,
                existingVpc.subnetIds,
            );
            assert.strictEqual(
                named(result, "europe-db-sg", types.securityGroup).inputs.vpcId,
                existingVpc.vpcId,
            );
            assert.deepStrictEqual(
                instancesOf(result, "europe").all.map((i) => [i.name, i.inputs.availabilityZone]),
                [
                    ["europe-writer", "eu-west-2b"],
                    ["europe-standby", "eu-west-2a"],
                    ["europe-reader-1", "eu-west-2b"],
                    ["europe-reader-2", "eu-west-2a"],
                ],
            );
            // Each subnet is looked up by its id alone, in the shard's region.
            assert.deepStrictEqual(
                result.calls
                    .filter((c) => c.token === "aws:ec2/getSubnet:getSubnet")
                    .map((c) => [c.inputs, c.region]),
                existingVpc.subnetIds.map((id) => [{ id }, "eu-west-2"]),
            );
        });

        it("peers an existing VPC with its recovery network, and leaves the home route to the VPC's owner", async () => {
            const shard = {
                ...withEurope(existingVpc)[2],
                dr: { region: "eu-west-1", vpcCidr: "10.31.0.0/16", instances: 1 },
            };
            const result = await run({}, [shard], { subnets });
            assert.deepStrictEqual(
                named(
                    result,
                    "europe-recovery-peering",
                    "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
                ).inputs.vpcId,
                existingVpc.vpcId,
            );
            // Only the recovery side's route: the existing VPC's route tables are its owner's.
            assert.deepStrictEqual(
                ofType(result, "aws:ec2/route:Route")
                    .filter((r) => /^europe-(recovery-)?route-to-/.test(r.name))
                    .map((r) => [r.name, r.inputs.destinationCidrBlock]),
                [["europe-recovery-route-to-home", "10.30.0.0/16"]],
            );
            const network = (result.outputs.summary as any).europe.recovery.network;
            assert.deepStrictEqual(
                [network.routes, network.gaps],
                [
                    ["eu-west-1 10.31.0.0/16 -> 10.30.0.0/16"],
                    [
                        "the owner of the existing VPC in eu-west-2 routes 10.31.0.0/16 through the peering geoshard-prod-europe-recovery-peering",
                    ],
                ],
            );
            // The database still admits the recovery network, and the zone answers in both VPCs.
            assert.strictEqual(
                named(result, "europe-postgres-from-10-31-0-0-16", types.ingress).inputs.cidrIpv4,
                "10.31.0.0/16",
            );
            assert.strictEqual(
                named(result, "europe-recovery-zone-association", types.zoneAssociation).inputs
                    .vpcRegion,
                "eu-west-1",
            );
        });

        it("refuses a subnet of another VPC before declaring any shard", async () => {
            const shards = withEurope({
                ...existingVpc,
                subnetIds: ["subnet-0aaa0aaa0aaa0aaa0", "subnet-0ccc0ccc0ccc0ccc0"],
            });
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
            const shards = withEurope({
                ...existingVpc,
                subnetIds: ["subnet-0aaa0aaa0aaa0aaa0", "subnet-0ddd0ddd0ddd0ddd0"],
            });
            await assert.rejects(run({}, shards, { subnets }), {
                message:
                    'geoshard:shards[2].existingVpc.subnetIds: ["subnet-0aaa0aaa0aaa0aaa0","subnet-0ddd0ddd0ddd0ddd0"] lie in one AZ (eu-west-2b); allowed: subnets in at least two AZs, so the standby never shares the writer\'s AZ',
            });
        });
    });
});

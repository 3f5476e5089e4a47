import * as assert from "assert";
import { createHash } from "crypto";
import {
    dmsResourceIdentifier,
    dmsResourceIdentifierMaxLength,
    euRegions,
    replicationIdentifier,
    residencyAllows,
    tableMappings,
} from "../components/cdc";
import { resourceNameRules } from "../policies/rules/deployTime";
import { ConfigError, validateConfig } from "../config/validate";
import { mockAccountId, ProgramRun, RecordedResource } from "../tools/mockRuntime";
import {
    named,
    ofType,
    rawConfig,
    referenceShards,
    run,
    ShardEntry,
    types,
    unqualified,
} from "./helpers";

const none = { excludeTables: [], excludeColumns: [] };
const europeResident = (cdc?: Record<string, unknown>): ShardEntry[] => {
    const shards = referenceShards();
    shards[2] = { ...shards[2], residency: "eu", ...(cdc ? { cdc } : {}) };
    return shards;
};
const byType = (r: ProgramRun, type: string, name: string): RecordedResource =>
    named(r, name, type);
const policy = (r: ProgramRun, name: string) =>
    JSON.parse(byType(r, "aws:iam/rolePolicy:RolePolicy", name).inputs.policy).Statement;
const pick = (o: Record<string, any>, keys: string[]) =>
    Object.fromEntries(keys.map((k) => [k, o[k]]));

describe("CDC rules", () => {
    it("maps every table by default", () => {
        assert.deepStrictEqual(tableMappings(none), {
            rules: [
                {
                    "rule-type": "selection",
                    "rule-id": "1",
                    "rule-name": "include-all",
                    "object-locator": { "schema-name": "%", "table-name": "%" },
                    "rule-action": "include",
                },
            ],
        });
    });

    it("excludes the configured tables and removes the configured columns", () => {
        const rules = tableMappings({
            excludeTables: ["audit.%"],
            excludeColumns: ["public.users.email"],
        }).rules;
        assert.deepStrictEqual(rules.slice(1), [
            {
                "rule-id": "2",
                "rule-type": "selection",
                "rule-name": "exclude-audit-%",
                "object-locator": { "schema-name": "audit", "table-name": "%" },
                "rule-action": "exclude",
            },
            {
                "rule-id": "3",
                "rule-type": "transformation",
                "rule-name": "drop-public-users-email",
                "rule-target": "column",
                "object-locator": {
                    "schema-name": "public",
                    "table-name": "users",
                    "column-name": "email",
                },
                "rule-action": "remove-column",
            },
        ]);
    });

    const residencyCases: [string, Parameters<typeof residencyAllows>, boolean][] = [
        ["a shard without residency, anywhere", [undefined, "us-east-1", none, undefined], true],
        ["an EU shard to an EU warehouse", ["eu", "eu-central-1", none, undefined], true],
        ["an EU shard to London, outside the EU", ["eu", "eu-west-2", none, undefined], false],
        [
            "an EU shard to the US with nothing excluded",
            ["eu", "us-east-1", none, undefined],
            false,
        ],
        [
            "an EU shard to the US without its personal columns",
            [
                "eu",
                "us-east-1",
                { excludeTables: [], excludeColumns: ["public.users.email"] },
                undefined,
            ],
            true,
        ],
        [
            "an EU shard to the US with excluded tables only",
            ["eu", "us-east-1", { excludeTables: ["public.users"], excludeColumns: [] }, undefined],
            false,
        ],
        [
            "an EU shard to the US under a waiver",
            ["eu", "us-east-1", none, "TIA-2026-014, SCCs of 2026-03-01"],
            true,
        ],
        ["an EU shard to the US under a blank waiver", ["eu", "us-east-1", none, "   "], false],
    ];
    for (const [name, args, allowed] of residencyCases) {
        it(`${allowed ? "allows" : "refuses"} ${name}`, () =>
            assert.strictEqual(residencyAllows(...args), allowed));
    }

    it("counts only EU member-state regions as the EU", () => {
        assert.ok(!euRegions.includes("eu-west-2") && !euRegions.includes("eu-central-2"));
        assert.ok(euRegions.includes("eu-central-1") && euRegions.includes("eu-west-1"));
    });
});

describe("CDC config", () => {
    const problems = (settings: Record<string, unknown>, shards: unknown): readonly string[] => {
        try {
            validateConfig(unqualified(rawConfig(settings, shards)));
            return [];
        } catch (error) {
            assert.ok(error instanceof ConfigError);
            return error.problems;
        }
    };
    const transfer = `geoshard:shards[2].residency: "eu" shard europe would stream to the warehouse in us-east-1, outside the EU (a GDPR transfer); allowed: list its personal-data columns in cdc.excludeColumns, set cdc.residencyWaiver to the approval's reference, or put geoshard:warehouse.region in the EU (${euRegions.join(", ")})`;

    const cases: {
        name: string;
        settings?: Record<string, unknown>;
        shards: unknown;
        problems: string[];
    }[] = [
        {
            name: "an EU shard streaming its personal data to the US",
            shards: europeResident(),
            problems: [transfer],
        },
        {
            name: "an EU shard without personal columns",
            shards: europeResident({ excludeColumns: ["public.users.email"] }),
            problems: [],
        },
        {
            name: "an EU shard under a documented waiver",
            shards: europeResident({ residencyWaiver: "DPA-2026-014 (SCCs)" }),
            problems: [],
        },
        {
            name: "an EU shard with a warehouse in the EU",
            settings: { warehouse: { region: "eu-central-1", vpcCidr: "10.100.0.0/16" } },
            shards: europeResident(),
            problems: [],
        },
        {
            name: "a residency that does not exist",
            shards: referenceShards().map((s, i) => (i === 1 ? { ...s, residency: "us" } : s)),
            problems: ['geoshard:shards[1].residency: "us" is not a residency; allowed: eu'],
        },
        {
            name: "malformed exclusions and a token waiver",
            shards: europeResident({
                excludeTables: ["Users"],
                excludeColumns: ["users.email"],
                residencyWaiver: "ok",
            }),
            problems: [
                'geoshard:shards[2].cdc.residencyWaiver: "ok" is not a waiver reference; allowed: the reference of the documented approval, at least 8 characters',
                'geoshard:shards[2].cdc.excludeTables[0]: "Users" is not schema.table (lowercase; % as a wildcard)',
                'geoshard:shards[2].cdc.excludeColumns[0]: "users.email" is not schema.table.column (lowercase)',
                transfer,
            ],
        },
        {
            name: "a warehouse switch that is not a boolean",
            settings: {
                warehouse: { region: "us-east-1", vpcCidr: "10.100.0.0/16", redshift: "yes" },
            },
            shards: referenceShards(),
            problems: ['geoshard:warehouse.redshift: "yes" is not a boolean; allowed: true, false'],
        },
    ];
    for (const c of cases) {
        it(`${c.problems.length ? "refuses" : "accepts"} ${c.name}`, () => {
            assert.deepStrictEqual(problems(c.settings ?? {}, c.shards), c.problems);
        });
    }
});

describe("CDC under mocks", () => {
    let prod: ProgramRun;

    before(async () => {
        prod = await run(
            {},
            europeResident({ excludeColumns: ["public.users.email", "public.users.phone"] }),
        );
    });

    it("runs one full-load-and-CDC replication per shard, in the warehouse region", () => {
        // In shard order: registrations complete in whatever order their inputs resolve.
        const order = referenceShards().map((s) => `${s.name}-cdc-replication`);
        const replications = ofType(prod, "aws:dms/replicationConfig:ReplicationConfig").sort(
            (a, b) => order.indexOf(a.name) - order.indexOf(b.name),
        );
        assert.deepStrictEqual(
            replications.map((r) => [
                r.name,
                r.region,
                r.inputs.replicationType,
                r.inputs.startReplication,
            ]),
            referenceShards().map((s) => [
                `${s.name}-cdc-replication`,
                "us-east-1",
                "full-load-and-cdc",
                true,
            ]),
        );
        const asia = byType(
            prod,
            "aws:dms/replicationConfig:ReplicationConfig",
            "asia-cdc-replication",
        );
        // The whole compute config, Multi-AZ as AWS recommends for CDC.
        assert.deepStrictEqual(asia.inputs.computeConfig, {
            replicationSubnetGroupId: "geoshard-prod-warehouse-dms",
            vpcSecurityGroupIds: ["warehouse-dms-sg-id"],
            minCapacityUnits: 2,
            maxCapacityUnits: 16,
            multiAz: true,
            kmsKeyId: `arn:aws:kms:us-east-1:${mockAccountId}:key/warehouse-key`,
            preferredMaintenanceWindow: "sun:05:30-sun:06:30",
        });
        // A change to what it reads, writes or runs on replaces it, the old one first (its
        // identifiers are fixed): the provider's in-place update fails on a running
        // replication (hashicorp/terraform-provider-aws#35650).
        for (const replication of replications) {
            assert.deepStrictEqual(
                [replication.options.replaceOnChanges, replication.options.deleteBeforeReplace],
                [
                    [
                        "tableMappings",
                        "replicationSettings",
                        "computeConfig",
                        "sourceEndpointArn",
                        "targetEndpointArn",
                    ],
                    true,
                ],
                replication.name,
            );
            assert.deepStrictEqual(replication.options.ignoreChanges, [], replication.name);
        }
        // DMS connects as it starts: the network path and the API endpoints come first.
        for (const [type, name] of [
            ["aws:ec2/vpcEndpoint:VpcEndpoint", "warehouse-kinesis-streams-endpoint"],
            ["aws:ec2/vpcEndpoint:VpcEndpoint", "warehouse-secretsmanager-endpoint"],
            ["aws:ec2/route:Route", "asia-cdc-shard-route"],
            ["aws:ec2/route:Route", "asia-cdc-warehouse-route"],
            [
                "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
                "asia-postgres-from-warehouse",
            ],
        ]) {
            assert.ok(asia.dependencies.includes(named(prod, name, type).urn), `waits for ${name}`);
        }
    });

    it("honours each shard's exclusions in its table mappings", () => {
        const mappings = (shard: string) =>
            JSON.parse(
                byType(
                    prod,
                    "aws:dms/replicationConfig:ReplicationConfig",
                    `${shard}-cdc-replication`,
                ).inputs.tableMappings,
            );
        assert.deepStrictEqual(
            mappings("europe"),
            tableMappings({
                excludeTables: [],
                excludeColumns: ["public.users.email", "public.users.phone"],
            }),
        );
        assert.deepStrictEqual(mappings("asia"), tableMappings(none));
    });

    it("reads the master over TLS with credentials from the secret's replica in the warehouse region", () => {
        const source = byType(prod, "aws:dms/endpoint:Endpoint", "europe-cdc-source");
        assert.deepStrictEqual(
            pick(source.inputs, [
                "endpointType",
                "engineName",
                "databaseName",
                "sslMode",
                "secretsManagerArn",
                "secretsManagerAccessRoleArn",
                "serverName",
                "password",
                "username",
            ]),
            {
                endpointType: "source",
                engineName: "postgres",
                databaseName: "geoshard",
                sslMode: "require",
                secretsManagerArn: `arn:aws:secretsmanager:us-east-1:${mockAccountId}:secret:geoshard-prod-europe-master-credentials-AbCdEf`,
                secretsManagerAccessRoleArn: `arn:aws:iam::${mockAccountId}:role/europe-cdc-dms-role`,
                serverName: undefined,
                password: undefined,
                username: undefined,
            },
        );
        assert.deepStrictEqual(source.inputs.postgresSettings, {
            pluginName: "test-decoding",
            heartbeatEnable: true,
            heartbeatFrequency: 5,
        });
        const secret = named(prod, "europe-credentials", "aws:secretsmanager/secret:Secret");
        assert.deepStrictEqual(secret.inputs.replicas, [
            {
                region: "us-east-1",
                kmsKeyId: `arn:aws:kms:us-east-1:${mockAccountId}:key/warehouse-key`,
            },
        ]);
        const target = byType(prod, "aws:dms/endpoint:Endpoint", "europe-cdc-target");
        assert.deepStrictEqual(
            pick(target.inputs.kinesisSettings, [
                "streamArn",
                "messageFormat",
                "partitionIncludeSchemaTable",
            ]),
            {
                streamArn: `arn:aws:kinesis:us-east-1:${mockAccountId}:stream/geoshard-prod-europe-cdc`,
                messageFormat: "json-unformatted",
                partitionIncludeSchemaTable: true,
            },
        );
    });

    it("peers each shard with the warehouse, routes both ways and admits the warehouse on 5432", () => {
        for (const shard of referenceShards()) {
            const peering = byType(
                prod,
                "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
                `${shard.name}-cdc-peering`,
            );
            assert.deepStrictEqual(
                [
                    peering.region,
                    peering.inputs.vpcId,
                    peering.inputs.peerVpcId,
                    peering.inputs.peerRegion,
                    peering.inputs.autoAccept,
                ],
                ["us-east-1", "warehouse-vpc-id", `${shard.name}-vpc-id`, shard.region, undefined],
            );
            const accepter = byType(
                prod,
                "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter",
                `${shard.name}-cdc-peering-accept`,
            );
            assert.deepStrictEqual(
                [
                    accepter.region,
                    accepter.inputs.vpcPeeringConnectionId,
                    accepter.inputs.autoAccept,
                ],
                [shard.region, `${shard.name}-cdc-peering-id`, true],
            );
            const toShard = byType(
                prod,
                "aws:ec2/route:Route",
                `${shard.name}-cdc-warehouse-route`,
            );
            const toWarehouse = byType(
                prod,
                "aws:ec2/route:Route",
                `${shard.name}-cdc-shard-route`,
            );
            assert.deepStrictEqual(
                [
                    toShard.region,
                    toShard.inputs.routeTableId,
                    toShard.inputs.destinationCidrBlock,
                    toShard.inputs.vpcPeeringConnectionId,
                ],
                [
                    "us-east-1",
                    "warehouse-private-routes-id",
                    shard.vpcCidr,
                    `${shard.name}-cdc-peering-id`,
                ],
            );
            assert.deepStrictEqual(
                [
                    toWarehouse.region,
                    toWarehouse.inputs.routeTableId,
                    toWarehouse.inputs.destinationCidrBlock,
                ],
                [shard.region, `${shard.name}-private-routes-id`, "10.100.0.0/16"],
            );
            assert.ok(
                toWarehouse.dependencies.includes(accepter.urn),
                "routes wait for the peering to be accepted",
            );
            const ingress = byType(
                prod,
                "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
                `${shard.name}-postgres-from-warehouse`,
            );
            assert.deepStrictEqual(
                pick(ingress.inputs, ["securityGroupId", "cidrIpv4", "fromPort", "toPort"]),
                {
                    securityGroupId: `${shard.name}-db-sg-id`,
                    cidrIpv4: "10.100.0.0/16",
                    fromPort: 5432,
                    toPort: 5432,
                },
            );
            const egress = byType(
                prod,
                "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
                `${shard.name}-cdc-dms-to-postgres`,
            );
            assert.deepStrictEqual(
                [
                    egress.region,
                    egress.inputs.securityGroupId,
                    egress.inputs.cidrIpv4,
                    egress.inputs.fromPort,
                ],
                ["us-east-1", "warehouse-dms-sg-id", shard.vpcCidr, 5432],
            );
        }
    });

    it("lands each shard in an encrypted on-demand stream of its own", () => {
        const names = referenceShards().map((s) => `geoshard-prod-${s.name}-cdc`);
        const streams = ofType(prod, "aws:kinesis/stream:Stream").sort(
            (a, b) => names.indexOf(a.inputs.name) - names.indexOf(b.inputs.name),
        );
        assert.deepStrictEqual(
            streams.map((s) => [
                s.inputs.name,
                s.region,
                s.inputs.streamModeDetails,
                s.inputs.encryptionType,
                s.inputs.kmsKeyId,
            ]),
            referenceShards().map((s) => [
                `geoshard-prod-${s.name}-cdc`,
                "us-east-1",
                { streamMode: "ON_DEMAND" },
                "KMS",
                `arn:aws:kms:us-east-1:${mockAccountId}:key/warehouse-key`,
            ]),
        );
    });

    it("keeps the lake versioned, encrypted, private and TLS-only", () => {
        assert.strictEqual(ofType(prod, "aws:s3/bucket:Bucket").length, 2, "the lake and its logs");
        assert.deepStrictEqual(
            named(prod, "warehouse-lake-versioning", "aws:s3/bucketVersioning:BucketVersioning")
                .inputs.versioningConfiguration,
            {
                status: "Enabled",
            },
        );
        assert.deepStrictEqual(
            named(
                prod,
                "warehouse-lake-encryption",
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            ).inputs.rules,
            [
                {
                    applyServerSideEncryptionByDefault: {
                        sseAlgorithm: "aws:kms",
                        kmsMasterKeyId: `arn:aws:kms:us-east-1:${mockAccountId}:key/warehouse-key`,
                    },
                    bucketKeyEnabled: true,
                },
            ],
        );
        assert.deepStrictEqual(
            pick(
                named(
                    prod,
                    "warehouse-lake-public-access",
                    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                ).inputs,
                [
                    "blockPublicAcls",
                    "blockPublicPolicy",
                    "ignorePublicAcls",
                    "restrictPublicBuckets",
                ],
            ),
            {
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            },
        );
        const statement = JSON.parse(
            named(prod, "warehouse-lake-policy", "aws:s3/bucketPolicy:BucketPolicy").inputs.policy,
        ).Statement[0];
        assert.deepStrictEqual(pick(statement, ["Effect", "Action", "Condition"]), {
            Effect: "Deny",
            Action: "s3:*",
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        });
        const lifecycle = named(
            prod,
            "warehouse-lake-lifecycle",
            "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        );
        assert.deepStrictEqual(
            lifecycle.inputs.rules.map((r: any) => r.id),
            ["cdc-to-infrequent-access", "expire-old-versions", "expire-query-results"],
        );
    });

    it("delivers into the lake partitioned by table, shard and date", () => {
        const delivery = byType(
            prod,
            "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
            "europe-cdc-delivery",
        );
        const s3 = delivery.inputs.extendedS3Configuration;
        assert.deepStrictEqual(
            pick(s3, [
                "prefix",
                "errorOutputPrefix",
                "bufferingSize",
                "compressionFormat",
                "kmsKeyArn",
                "dynamicPartitioningConfiguration",
            ]),
            {
                prefix: "cdc/table=!{partitionKeyFromQuery:table}/shard=europe/dt=!{timestamp:yyyy-MM-dd}/",
                errorOutputPrefix:
                    "errors/shard=europe/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/",
                bufferingSize: 64,
                compressionFormat: "GZIP",
                kmsKeyArn: `arn:aws:kms:us-east-1:${mockAccountId}:key/warehouse-key`,
                dynamicPartitioningConfiguration: { enabled: true },
            },
        );
        assert.deepStrictEqual(s3.processingConfiguration.processors[0].parameters, [
            {
                parameterName: "MetadataExtractionQuery",
                parameterValue:
                    '{table: (.metadata["schema-name"] + "_" + .metadata["table-name"])}',
            },
            { parameterName: "JsonParsingEngine", parameterValue: "JQ-1.6" },
        ]);
        assert.strictEqual(
            delivery.inputs.kinesisSourceConfiguration.kinesisStreamArn,
            `arn:aws:kinesis:us-east-1:${mockAccountId}:stream/geoshard-prod-europe-cdc`,
        );
        const write = policy(prod, "europe-cdc-firehose-policy").find(
            (s: any) => s.Sid === "WriteShardPrefixes",
        );
        assert.deepStrictEqual(write.Resource, [
            "arn:aws:s3:::geoshard-prod-warehouse-lake-123456789012/cdc/*",
            "arn:aws:s3:::geoshard-prod-warehouse-lake-123456789012/errors/shard=europe/*",
        ]);
    });

    it("lets DMS read only its shard's secret replica and write only its shard's stream", () => {
        assert.deepStrictEqual(
            policy(prod, "us-west-cdc-dms-policy").map((s: any) => [s.Action, s.Resource]),
            [
                [
                    "secretsmanager:GetSecretValue",
                    `arn:aws:secretsmanager:us-east-1:${mockAccountId}:secret:geoshard-prod-us-west-master-credentials-AbCdEf`,
                ],
                [
                    ["kinesis:DescribeStream", "kinesis:PutRecord", "kinesis:PutRecords"],
                    `arn:aws:kinesis:us-east-1:${mockAccountId}:stream/geoshard-prod-us-west-cdc`,
                ],
                [
                    ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"],
                    `arn:aws:kms:us-east-1:${mockAccountId}:key/warehouse-key`,
                ],
            ],
        );
        assert.deepStrictEqual(
            JSON.parse(
                byType(prod, "aws:iam/role:Role", "us-west-cdc-dms-role").inputs.assumeRolePolicy,
            ).Statement[0].Principal,
            {
                Service: ["dms.amazonaws.com", "dms.us-east-1.amazonaws.com"],
            },
        );
    });

    it("alarms on the writer's replication slots and WAL, and on CDC latency", () => {
        const slot = named(
            prod,
            "asia-replication-slot-lag",
            "aws:cloudwatch/metricAlarm:MetricAlarm",
        );
        assert.deepStrictEqual(
            [slot.region, slot.inputs.metricName, slot.inputs.dimensions, slot.inputs.threshold],
            [
                "ap-southeast-1",
                // Aurora publishes no OldestReplicationSlotLag; the WRITER role follows a failover.
                "ReplicationSlotDiskUsage",
                { DBClusterIdentifier: "geoshard-prod-asia-cluster", Role: "WRITER" },
                // Half the slot WAL cap, a quarter of the 4000 GiB volume ceiling.
                500 * 2 ** 30,
            ],
        );
        const logs = named(
            prod,
            "asia-transaction-logs-disk",
            "aws:cloudwatch/metricAlarm:MetricAlarm",
        );
        assert.strictEqual(logs.inputs.metricName, "TransactionLogsDiskUsage");
        const latency = named(
            prod,
            "asia-cdc-latency-target",
            "aws:cloudwatch/metricAlarm:MetricAlarm",
        );
        assert.deepStrictEqual(
            [
                latency.region,
                latency.inputs.namespace,
                latency.inputs.dimensions,
                latency.inputs.threshold,
                latency.inputs.treatMissingData,
                latency.inputs.alarmActions,
            ],
            [
                "us-east-1",
                "AWS/DMS",
                { ReplicationConfigId: "geoshard-prod-asia-cdc" },
                300,
                "missing",
                [`arn:aws:sns:us-east-1:${mockAccountId}:geoshard-prod-warehouse-alarms`],
            ],
        );
    });

    it("catalogs the lake for Athena and encrypts query results", () => {
        assert.strictEqual(
            named(prod, "warehouse-glue-database", "aws:glue/catalogDatabase:CatalogDatabase")
                .inputs.name,
            "geoshard_prod",
        );
        assert.deepStrictEqual(
            named(prod, "warehouse-crawler", "aws:glue/crawler:Crawler").inputs.s3Targets,
            [{ path: "s3://geoshard-prod-warehouse-lake-123456789012/cdc/" }],
        );
        const athena = named(prod, "warehouse-athena", "aws:athena/workgroup:Workgroup").inputs
            .configuration;
        assert.strictEqual(athena.enforceWorkgroupConfiguration, true);
        assert.deepStrictEqual(athena.resultConfiguration.encryptionConfiguration, {
            encryptionOption: "SSE_KMS",
            kmsKeyArn: `arn:aws:kms:us-east-1:${mockAccountId}:key/warehouse-key`,
        });
        assert.deepStrictEqual(
            ofType(prod, "aws:redshiftserverless/workgroup:Workgroup"),
            [],
            "Redshift only behind its switch",
        );
        // The account-wide DMS roles are left to the account unless a stack is told to create them.
        assert.deepStrictEqual(
            ofType(prod, "aws:iam/role:Role").filter((r) => r.name.startsWith("warehouse-dms-")),
            [],
        );
    });

    it("adds Redshift Serverless behind the switch, and creates the account's DMS roles where told to", async () => {
        const result = await run({
            warehouse: {
                region: "us-east-1",
                vpcCidr: "10.100.0.0/16",
                redshift: true,
                createDmsVpcRole: true,
            },
        });
        assert.deepStrictEqual(
            ["dms-vpc-role", "dms-cloudwatch-logs-role"].map(
                (role) => named(result, `warehouse-${role}`, "aws:iam/role:Role").inputs.name,
            ),
            ["dms-vpc-role", "dms-cloudwatch-logs-role"],
        );
        const workgroup = named(
            result,
            "warehouse-redshift-workgroup",
            "aws:redshiftserverless/workgroup:Workgroup",
        );
        assert.deepStrictEqual(
            pick(workgroup.inputs, ["publiclyAccessible", "enhancedVpcRouting"]),
            { publiclyAccessible: false, enhancedVpcRouting: true },
        );
        const namespace = named(
            result,
            "warehouse-redshift",
            "aws:redshiftserverless/namespace:Namespace",
        );
        assert.deepStrictEqual(pick(namespace.inputs, ["manageAdminPassword", "kmsKeyId"]), {
            manageAdminPassword: true,
            kmsKeyId: `arn:aws:kms:us-east-1:${mockAccountId}:key/warehouse-key`,
        });
    });
});

describe("the resource identifier of a DMS replication", () => {
    const rule = resourceNameRules.find(
        (r) => r.type === types.replication && r.input === "resourceIdentifier",
    )!;

    it("is the replication's identifier while it fits 31 characters", () => {
        const fits = replicationIdentifier("prod", "abcdefghijklm");
        assert.strictEqual(fits.length, dmsResourceIdentifierMaxLength);
        assert.strictEqual(dmsResourceIdentifier(fits), fits);
        assert.strictEqual(
            dmsResourceIdentifier(replicationIdentifier("prod", "europe")),
            "geoshard-prod-europe-cdc",
        );
    });

    it("is cut to 22 characters and a hash beyond, in what DMS accepts, distinct per shard", () => {
        const names = [
            "abcdefghijklmn",
            "abcdefghij-lmnopqrst",
            "abcdefghij-lmnopqrsu",
            "a-b-c-d-e-f-g-h-i-j",
        ];
        const derived = ["prod", "staging", "dev-redshift", "staging-abcd", "prod-split"].flatMap(
            (environment) =>
                names.map((name) =>
                    dmsResourceIdentifier(replicationIdentifier(environment, name)),
                ),
        );
        assert.strictEqual(new Set(derived).size, derived.length);
        for (const id of derived) {
            assert.ok(rule.valid(id), id);
            assert.match(id, /^[a-z][a-z0-9]*(-[a-z0-9]+)*-[0-9a-f]{8}$/);
            assert.ok(id.length <= dmsResourceIdentifierMaxLength, id);
        }
        // A cut that ends in a hyphen drops it: no two hyphens in a row.
        assert.strictEqual(
            dmsResourceIdentifier(replicationIdentifier("staging-abcd", "abcdefghij-lmnopqrst")),
            "geoshard-staging-abcd-18b40850",
        );
        assert.strictEqual(
            dmsResourceIdentifier(replicationIdentifier("prod", "abcdefghijklmn")),
            `geoshard-prod-abcdefgh-${sha8("geoshard-prod-abcdefghijklmn-cdc")}`,
        );
    });
});

function sha8(text: string): string {
    return createHash("sha256").update(text).digest("hex").slice(0, 8);
}

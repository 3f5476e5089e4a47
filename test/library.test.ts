import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import * as lib from "../lib";
import {
    Engine,
    RegionalShard,
    RegionalShardArgs,
    ShardSummary,
    validateShardArgs,
    validateWarehouseArgs,
    Warehouse,
    WarehouseArgs,
} from "../lib";
import { awsRegions } from "../config/regions";
import { policies } from "../policies/rules";
import { ProgramError, reveal, runProgramFunction } from "../tools/mockRuntime";
import { evaluatePolicies } from "../tools/policyEval";
import { projectRoot } from "../tools/stackConfig";

describe("the library entry", () => {
    it("exports the components, their validators, the AZ choice and the router; everything else it exports is a type", () => {
        assert.deepStrictEqual(Object.keys(lib).sort(), [
            "RegionalShard",
            "UnknownCityError",
            "Warehouse",
            "chooseAzs",
            "createRouter",
            "offlinePlanLimits",
            "planProgram",
            "validateShardArgs",
            "validateWarehouseArgs",
        ]);
    });

    it("leaves index.ts the program Pulumi runs", () => {
        // The Node.js runtime runs package.json's `exports["."]` before its `main`, unless
        // Pulumi.yaml names a `main`: a library `exports` would replace the program.
        const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot, "package.json"), "utf8"));
        assert.strictEqual(pkg.main, "index.ts");
        assert.strictEqual(pkg.exports, undefined);
        const project = parse(fs.readFileSync(path.join(projectRoot, "Pulumi.yaml"), "utf8"));
        assert.strictEqual(project.main, undefined);
    });
});

/** A shard in us-east-1 that the component accepts, with the given changes. */
function shardArgs(
    provider: aws.Provider | undefined,
    changes: Partial<RegionalShardArgs> = {},
): RegionalShardArgs {
    return {
        environment: "staging",
        region: "us-east-1",
        vpcCidr: "10.10.0.0/16",
        availabilityZones: ["us-east-1b", "us-east-1c"],
        dns: { zoneId: "Z0123456789", zoneName: "db.internal", provider: provider! },
        ...changes,
    };
}

const warehouseArgs = (changes: Partial<WarehouseArgs> = {}): WarehouseArgs => ({
    environment: "staging",
    region: "us-east-1",
    vpcCidr: "10.100.0.0/16",
    availabilityZones: ["us-east-1b", "us-east-1c"],
    ...changes,
});

/** The ResourceError a program failed with, and what it had registered, by type and name. */
async function refusal(program: () => void, config: Record<string, string> = {}) {
    try {
        await runProgramFunction(program, config);
    } catch (error) {
        assert.ok(error instanceof ProgramError, String(error));
        assert.ok(pulumi.ResourceError.isInstance(error.cause), String(error.cause));
        return {
            message: error.cause.message,
            resource: (error.cause as pulumi.ResourceError).resource,
            registered: error.resources.map((r) => `${r.type}::${r.name}`).sort(),
        };
    }
    assert.fail("the program was not refused");
}

describe("RegionalShard and Warehouse check their own arguments", () => {
    it("accepts a shard and a warehouse in the region of their provider", () => {
        assert.deepStrictEqual(validateShardArgs(shardArgs(undefined), {}), []);
        assert.deepStrictEqual(
            validateShardArgs(shardArgs(undefined), { providerRegion: "us-east-1" }),
            [],
        );
        assert.deepStrictEqual(validateWarehouseArgs(warehouseArgs()), []);
    });

    it("names every problem of a shard's arguments once, at its argument, with config's own words", () => {
        assert.deepStrictEqual(
            validateShardArgs(
                shardArgs(undefined, {
                    replicaInstanceClass: "db.r6g.huge",
                    replicaCount: 20,
                    engineVersion: "16.4",
                    standbyInstanceClass: "db.r6g.4xlarge",
                    allocatedStorageGiB: 500,
                    availabilityZones: ["us-east-1b"],
                }),
            ),
            [
                'replicaInstanceClass: "db.r6g.huge" is a class whose memory is not known; allowed: a standard size (large, xlarge, Nxlarge)',
                "replicaCount: 20 is out of range; allowed: 0 to 14 readers (Aurora allows 15 replicas per cluster, one of them the standby)",
                'engineVersion: "16.4" is not an Aurora PostgreSQL version this stack offers; allowed: 17.4, 17.5, 17.6, 17.7 (engine aurora-postgresql)',
                "allocatedStorageGiB: 500 is a setting of the postgres engine only; this shard runs aurora-postgresql: remove it",
                `standbyInstanceClass: "db.r6g.4xlarge" is not the writer's class; allowed: db.r6g.8xlarge (the standby must carry the writer's load, and cluster cache management needs the same class)`,
                `availabilityZones: ["us-east-1b"] names one AZ; allowed: two or more AZs, so the standby never shares the writer's AZ`,
            ],
        );
    });

    it("bounds an Aurora shard's readers beside its recovery cluster, as config does", () => {
        const recovery = {
            region: "us-west-1",
            provider: undefined!,
            vpcCidr: "10.11.0.0/16",
            availabilityZones: ["us-west-1a", "us-west-1c"],
        };
        assert.deepStrictEqual(
            validateShardArgs(shardArgs(undefined, { replicaCount: 13, recovery })),
            [],
        );
        assert.deepStrictEqual(
            validateShardArgs(shardArgs(undefined, { replicaCount: 14, recovery })),
            [
                "replicaCount: 14 is out of range beside recovery; allowed: 0 to 13 readers (an Aurora global database allows 15 readers in the primary cluster plus secondary clusters: the standby, 13 readers and the recovery cluster)",
            ],
        );
        assert.deepStrictEqual(validateShardArgs(shardArgs(undefined, { replicaCount: 14 })), []);
    });

    it("refuses the other engine's settings, AZs beside an existing VPC, and a recovery copy that would not survive", () => {
        assert.deepStrictEqual(
            validateShardArgs(
                shardArgs(undefined, {
                    region: "eu-west-2",
                    engine: "postgres",
                    storageType: "aurora-iopt1",
                    standbyInstanceClass: "db.r6g.8xlarge",
                    availabilityZones: ["eu-west-2a", "eu-west-2b"],
                    existingVpc: {
                        vpcId: pulumi.output("vpc-0a1b2c3d4e5f60718"),
                        subnets: [
                            { id: "subnet-1", availabilityZone: "eu-west-2a" },
                            { id: pulumi.output("subnet-2"), availabilityZone: "eu-west-2a" },
                        ],
                    },
                    recovery: {
                        region: "eu-west-2",
                        provider: undefined!,
                        vpcCidr: "10.11.0.0/16",
                        availabilityZones: ["us-west-1a", "us-west-1c"],
                        instances: 0,
                    },
                    residency: "eu",
                    cdc: { excludeTables: ["Users"], excludeColumns: [] },
                }),
                { providerRegion: "eu-west-1" },
            ),
            [
                'region: "eu-west-2" is not the region of the default AWS provider (eu-west-1); allowed: eu-west-1, or a provider of eu-west-2',
                'storageType: "aurora-iopt1" is a setting of the aurora-postgresql engine only; this shard runs postgres: remove it',
                `standbyInstanceClass: "db.r6g.8xlarge" is a setting of the aurora-postgresql engine only; RDS's Multi-AZ standby always has the master's class: remove it`,
                `availabilityZones: ["eu-west-2a","eu-west-2b"] is set with existingVpc, whose subnets' AZs are used: remove it`,
                `existingVpc.subnets[*].availabilityZone: ["eu-west-2a","eu-west-2a"] name one AZ; allowed: two or more AZs, so the standby never shares the writer's AZ`,
                'recovery.region: "eu-west-2" is the shard\'s own region; allowed: another region, so a region loss spares the copy',
                'recovery.region: "eu-west-2" is outside the EU, and the shard holds EU personal data; allowed: eu-central-1, eu-north-1, eu-south-1, eu-south-2, eu-west-1, eu-west-3',
                "recovery.instances: 0 is out of range; allowed: 1: RDS for PostgreSQL recovers into one cross-region read replica",
                'recovery.availabilityZones[0]: "us-west-1a" is not an AZ of eu-west-2',
                'recovery.availabilityZones[1]: "us-west-1c" is not an AZ of eu-west-2',
                'cdc.excludeTables[0]: "Users" is not schema.table (lowercase; % as a wildcard)',
            ],
        );
        assert.deepStrictEqual(
            validateShardArgs(
                shardArgs(undefined, {
                    engine: "mysql" as Engine,
                    engineVersion: "17",
                    allocatedStorageGiB: 100,
                }),
            ),
            ['engine: "mysql" is not a database engine; allowed: aurora-postgresql, postgres'],
            "nothing checked against an engine it does not run",
        );
        assert.deepStrictEqual(
            validateShardArgs(
                shardArgs(undefined, {
                    engine: "postgres",
                    storageGiB: 70000,
                    recovery: {
                        region: "us-west-1",
                        provider: undefined!,
                        vpcCidr: "10.11.0.0/16",
                        availabilityZones: ["us-west-1a", "us-west-1c"],
                        instanceClass: "db.m5.large",
                    },
                }),
            ),
            [
                `recovery.instanceClass: "db.m5.large" is not of an allowed instance family; allowed: db.r6g.*, db.r7g.* (Graviton memory-optimised)`,
                "storageGiB: 70000 is more than an RDS for PostgreSQL instance holds; allowed: up to 59578 GiB (64 TiB, with the autoscaling ceiling 10% above the allocation): split the shard, or use engine aurora-postgresql (128 TiB)",
            ],
            "a component built directly checks the data size and the recovery class as config does",
        );
        assert.deepStrictEqual(
            validateShardArgs(shardArgs(undefined, { availabilityZones: undefined })),
            [
                "availabilityZones: missing; expected two or more AZs of the region, chosen by zone ID (or existingVpc)",
            ],
        );
    });

    it("names every problem of a warehouse's arguments", () => {
        assert.deepStrictEqual(
            validateWarehouseArgs(
                warehouseArgs({
                    vpcCidr: "8.8.0.0/16",
                    availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c", "us-west-1a"],
                    logRetentionDays: 8,
                }),
            ),
            [
                'vpcCidr: "8.8.0.0/16" is not a usable VPC CIDR; allowed: a private IPv4 CIDR (10/8, 172.16/12, 192.168/16, 100.64/10) from /16 to /24',
                'availabilityZones[3]: "us-west-1a" is not an AZ of us-east-1',
                'availabilityZones: ["us-east-1a","us-east-1b","us-east-1c","us-west-1a"] names more than 3 AZs; allowed: two or three, one private subnet each',
                "logRetentionDays: 8 is not a CloudWatch Logs retention period; allowed: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
            ],
        );
    });

    it("refuses an environment and a shard name config would refuse, in config's words", () => {
        assert.deepStrictEqual(
            validateShardArgs(shardArgs(undefined, { environment: "QA team" }), {
                name: "Orders_DB",
            }),
            [
                'environment: "QA team" is not an environment; allowed: dev, staging, prod, or one of them, a hyphen and a word of lowercase letters and digits (e.g. prod-split), at most 12 characters',
                'name: "Orders_DB" is not a shard name; allowed: up to 20 lowercase letters, digits and single hyphens, starting with a letter (it becomes part of RDS identifiers)',
            ],
        );
        // A 20-character name fits every environment: a DMS identifier past 31 characters is
        // derived shorter.
        assert.deepStrictEqual(
            validateShardArgs(shardArgs(undefined, { environment: "staging" }), {
                name: "abcdefghijklmnopqrst",
            }),
            [],
        );
        assert.deepStrictEqual(validateShardArgs(shardArgs(undefined), { name: "orders" }), []);
        assert.deepStrictEqual(validateWarehouseArgs(warehouseArgs({ environment: "qa" })), [
            'environment: "qa" is not an environment; allowed: dev, staging, prod, or one of them, a hyphen and a word of lowercase letters and digits (e.g. prod-split), at most 12 characters',
        ]);
    });

    it('throws a ResourceError naming the environment and the shard name of new RegionalShard("Orders_DB", { environment: "QA team" })', async () => {
        const refused = await refusal(() => {
            const provider = new aws.Provider("aws-us-east-1", { region: "us-east-1" });
            new RegionalShard("Orders_DB", shardArgs(provider, { environment: "QA team" }), {
                providers: [provider],
            });
        });
        assert.deepStrictEqual(
            [refused.message, refused.registered],
            [
                [
                    "invalid RegionalShard arguments (2 problems):",
                    '  - environment: "QA team" is not an environment; allowed: dev, staging, prod, or one of them, a hyphen and a word of lowercase letters and digits (e.g. prod-split), at most 12 characters',
                    '  - name: "Orders_DB" is not a shard name; allowed: up to 20 lowercase letters, digits and single hyphens, starting with a letter (it becomes part of RDS identifiers)',
                ].join("\n"),
                ["geoshard:index:RegionalShard::Orders_DB", "pulumi:providers:aws::aws-us-east-1"],
            ],
        );
    });

    it("creates and owns a private zone with its own VPC when given no zone ID, and passes the pack's defaults without a warehouse", async () => {
        const run = await runProgramFunction(() => {
            const provider = new aws.Provider("aws-us-east-1", { region: "us-east-1" });
            new RegionalShard(
                "orders",
                shardArgs(provider, { dns: { zoneName: "orders.internal", provider } }),
                { providers: [provider] },
            );
        }, {});
        const zones = run.resources.filter((r) => r.type === "aws:route53/zone:Zone");
        assert.deepStrictEqual(
            zones.map((z) => [z.name, z.parent.endsWith("RegionalShard::orders"), z.inputs]),
            [
                [
                    "orders-zone",
                    true,
                    {
                        name: "orders.internal",
                        comment: "Names of geoshard shard orders",
                        vpcs: [{ vpcId: "orders-vpc-id", vpcRegion: "us-east-1" }],
                        tags: {
                            Name: "geoshard-staging-orders-zone",
                            environment: "staging",
                            shard: "orders",
                            role: "dns",
                        },
                    },
                ],
            ],
        );
        assert.deepStrictEqual(zones[0].options.ignoreChanges, ["vpcs"]);
        assert.deepStrictEqual(
            run.resources.filter((r) => r.type === "aws:route53/zoneAssociation:ZoneAssociation"),
            [],
            "the zone was created with the VPC: nothing to associate",
        );
        const writer = run.resources.find((r) => r.name === "orders-writer");
        assert.strictEqual(writer?.inputs.zoneId, "ZORDERSZONE");
        assert.deepStrictEqual(evaluatePolicies(run.resources, policies).violations, []);
    });

    it("checks names and windows as config does", () => {
        assert.deepStrictEqual(
            validateShardArgs(
                shardArgs(undefined, {
                    namePrefix: "orders-platform",
                    databaseName: "select",
                    masterUsername: "pg_admin",
                    backupWindow: "08:00-09:00",
                    maintenanceWindow: "sun:08:45-sun:09:45",
                }),
                { name: "orders" },
            ),
            [
                'databaseName: "select" is a reserved word of PostgreSQL; allowed: 1 to 63 letters, digits or underscores, starting with a letter, not a reserved word, not postgres, template0, template1 or rdsadmin',
                'masterUsername: "pg_admin" is a role name PostgreSQL or RDS reserves; allowed: 1 to 16 letters, digits or underscores, starting with a letter, not a reserved word, not public or none, not starting with pg_ or rds',
                'maintenanceWindow: "sun:08:45-sun:09:45" meets the backup window 08:00-09:00; allowed: windows that never overlap (RDS refuses a backup window that conflicts with the maintenance window)',
            ],
        );
    });

    it("refuses, as config does, a prefix and a name whose RDS identifiers pass 63 characters", () => {
        const name = "abcdefghijklmnopqrst";
        // geoshard-staging-<20>-recovery-cluster: 55 characters, within 63.
        assert.deepStrictEqual(validateShardArgs(shardArgs(undefined), { name }), []);
        assert.deepStrictEqual(
            validateShardArgs(shardArgs(undefined, { namePrefix: "abcdefghijklmnop" }), { name }),
            // 16 + 9 + 20 + 17 = 62 characters: the longest prefix still fits staging.
            [],
        );
        assert.deepStrictEqual(
            validateShardArgs(
                shardArgs(undefined, {
                    namePrefix: "abcdefghijklmnop",
                    environment: "staging-vpc",
                }),
                { name },
            ),
            [
                `name: "${name}" makes the RDS identifier abcdefghijklmnop-staging-vpc-${name}-recovery-cluster 66 characters long; allowed: up to 63: shorten the shard name or the namePrefix (abcdefghijklmnop)`,
            ],
        );
    });

    it("names its resources with its prefix and creates its database, user and windows as given, on both engines", async () => {
        const naming = {
            namePrefix: "acme",
            databaseName: "orders",
            masterUsername: "orders_admin",
            backupWindow: "04:00-04:30",
            maintenanceWindow: "tue:05:00-tue:05:30",
        };
        const run = await runProgramFunction(() => {
            const provider = new aws.Provider("aws-us-east-1", { region: "us-east-1" });
            new RegionalShard("aurora", shardArgs(provider, naming), { providers: [provider] });
            new RegionalShard(
                "rds",
                shardArgs(provider, { ...naming, engine: "postgres", vpcCidr: "10.20.0.0/16" }),
                { providers: [provider] },
            );
        }, {});
        const inputs = (name: string) => run.resources.find((r) => r.name === name)!.inputs;
        const cluster = inputs("aurora-cluster");
        assert.deepStrictEqual(
            [
                cluster.clusterIdentifier,
                cluster.databaseName,
                cluster.masterUsername,
                cluster.preferredBackupWindow,
                cluster.preferredMaintenanceWindow,
                cluster.finalSnapshotIdentifier,
            ],
            [
                "acme-staging-aurora-cluster",
                "orders",
                "orders_admin",
                "04:00-04:30",
                "tue:05:00-tue:05:30",
                "acme-staging-aurora-cluster-final",
            ],
        );
        const master = inputs("rds-master");
        assert.deepStrictEqual(
            [
                master.identifier,
                master.dbName,
                master.username,
                master.backupWindow,
                master.maintenanceWindow,
            ],
            [
                "acme-staging-rds-master",
                "orders",
                "orders_admin",
                "04:00-04:30",
                "tue:05:00-tue:05:30",
            ],
        );
        const secret = JSON.parse(reveal(inputs("aurora-credentials-value").secretString));
        assert.deepStrictEqual([secret.username, secret.dbname], ["orders_admin", "orders"]);
        assert.deepStrictEqual(
            run.resources
                .filter((r) => typeof r.inputs.tags?.Name === "string")
                .filter((r) => !r.inputs.tags.Name.startsWith("acme-staging-"))
                .map((r) => r.name),
            [],
            "every physical name starts with the prefix",
        );
    });

    it("merges extra parameters into the parameter groups, the recovery copy's too, and refuses managed ones", async () => {
        assert.deepStrictEqual(
            validateShardArgs(
                shardArgs(undefined, {
                    engine: "postgres",
                    parameters: { cluster: { work_mem: "1" }, instance: { "rds.force_ssl": 0 } },
                }),
            ),
            [
                'parameters.cluster: {"work_mem":"1"} is a group of Aurora only; RDS for PostgreSQL has one DB parameter group: set these under instance',
                "parameters.instance.rds.force_ssl: 0 is managed by the stack: the stack requires TLS on every connection",
            ],
        );
        const run = await runProgramFunction(() => {
            const east = new aws.Provider("aws-us-east-1", { region: "us-east-1" });
            const west = new aws.Provider("aws-us-west-2", { region: "us-west-2" });
            new RegionalShard(
                "orders",
                shardArgs(east, {
                    parameters: {
                        cluster: { work_mem: 65536 },
                        instance: {
                            log_min_duration_statement: "250",
                            idle_in_transaction_session_timeout: {
                                value: "600000",
                                applyMethod: "immediate",
                            },
                        },
                    },
                    recovery: {
                        region: "us-west-2",
                        provider: west,
                        vpcCidr: "10.11.0.0/16",
                        availabilityZones: ["us-west-2a", "us-west-2b"],
                    },
                }),
                { providers: [east] },
            );
        }, {});
        const parameters = (name: string) =>
            run.resources.find((r) => r.name === name)!.inputs.parameters;
        // A global database: no cluster cache management; the extra cluster parameter last.
        const cluster = [
            { name: "rds.force_ssl", value: "1", applyMethod: "pending-reboot" },
            { name: "rds.logical_replication", value: "1", applyMethod: "pending-reboot" },
            {
                name: "shared_preload_libraries",
                value: "pg_stat_statements",
                applyMethod: "pending-reboot",
            },
            { name: "max_slot_wal_keep_size", value: "1024000", applyMethod: "pending-reboot" },
            { name: "work_mem", value: "65536", applyMethod: "pending-reboot" },
        ];
        // Cluster cache management in the home cluster, with a recovery copy or without; never
        // in the secondary's group, where AWS does not support it.
        const [ccm] = [{ name: "apg_ccm_enabled", value: "1" }];
        const homeCluster = [...cluster.slice(0, 4), ccm, ...cluster.slice(4)];
        // The stack's default log_min_duration_statement gives way to the shard's.
        const instance = [
            { name: "log_min_duration_statement", value: "250", applyMethod: "pending-reboot" },
            { name: "log_lock_waits", value: "1" },
            {
                name: "idle_in_transaction_session_timeout",
                value: "600000",
                applyMethod: "immediate",
            },
        ];
        assert.deepStrictEqual(
            [
                parameters("orders-cluster-params"),
                parameters("orders-instance-params"),
                parameters("orders-recovery-cluster-params"),
                parameters("orders-recovery-instance-params"),
            ],
            [homeCluster, instance, cluster, instance],
        );
    });

    it("admits security groups beside the CIDRs, to the database and its proxy, within the pack", async () => {
        assert.deepStrictEqual(
            validateShardArgs(
                shardArgs(undefined, {
                    allowedSecurityGroups: { App: "sg-1", jobs: "sg-0123456789abcdef0" },
                }),
            ),
            [
                'allowedSecurityGroups: "App" is not a label; allowed: lowercase letters, digits and hyphens, starting with a letter or digit (it names the rule)',
                'allowedSecurityGroups.App: "sg-1" is not a security group ID; expected sg- and 8 or 17 hex digits',
            ],
        );
        const run = await runProgramFunction(() => {
            const provider = new aws.Provider("aws-us-east-1", { region: "us-east-1" });
            const app = new aws.ec2.SecurityGroup(
                "app",
                {
                    vpcId: "vpc-0123456789abcdef0",
                    description: "orders app",
                    tags: { environment: "staging", shard: "orders", role: "app" },
                },
                { provider },
            );
            new RegionalShard(
                "orders",
                shardArgs(provider, {
                    proxy: true,
                    allowedSecurityGroups: { app: app.id, jobs: "sg-0123456789abcdef0" },
                }),
                { providers: [provider] },
            );
        }, {});
        const rules = run.resources
            .filter((r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
            .filter((r) => r.inputs.referencedSecurityGroupId !== undefined)
            // Registration order follows when each ID resolves: compare by name.
            .sort((a, b) => a.name.localeCompare(b.name))
            .map((r) => [
                r.name,
                r.inputs.securityGroupId,
                r.inputs.referencedSecurityGroupId,
                r.inputs.description,
                r.inputs.fromPort,
                r.inputs.toPort,
            ]);
        assert.deepStrictEqual(rules, [
            [
                "orders-database-from-proxy",
                "orders-db-sg-id",
                "orders-proxy-sg-id",
                "PostgreSQL from the shard RDS Proxy",
                5432,
                5432,
            ],
            [
                "orders-postgres-sg-app",
                "orders-db-sg-id",
                "app-id",
                "PostgreSQL from security group app",
                5432,
                5432,
            ],
            [
                "orders-postgres-sg-jobs",
                "orders-db-sg-id",
                "sg-0123456789abcdef0",
                "PostgreSQL from security group jobs",
                5432,
                5432,
            ],
            [
                "orders-proxy-sg-app",
                "orders-proxy-sg-id",
                "app-id",
                "PostgreSQL clients from security group app",
                5432,
                5432,
            ],
            [
                "orders-proxy-sg-jobs",
                "orders-proxy-sg-id",
                "sg-0123456789abcdef0",
                "PostgreSQL clients from security group jobs",
                5432,
                5432,
            ],
        ]);
        assert.deepStrictEqual(evaluatePolicies(run.resources, policies).violations, []);
    });

    it("autoscales Aurora readers above the declared ones, behind an endpoint that excludes the writer-class pair", async () => {
        assert.deepStrictEqual(
            validateShardArgs(shardArgs(undefined, { readerAutoscaling: { maxReaders: 2 } })),
            [
                "readerAutoscaling.maxReaders: 2 is out of range; allowed: 3 to 14 (above replicaCount 2, the floor; Aurora allows 15 replicas, one of them the standby)",
            ],
        );
        assert.deepStrictEqual(
            validateShardArgs(
                shardArgs(undefined, {
                    readerAutoscaling: { maxReaders: 6, metric: "connections" },
                }),
            ),
            [
                "readerAutoscaling.targetValue: undefined is required with metric connections: the connections per reader to hold",
            ],
        );
        assert.deepStrictEqual(
            validateShardArgs(
                shardArgs(undefined, { engine: "postgres", readerAutoscaling: { maxReaders: 6 } }),
            ),
            [
                'readerAutoscaling: {"maxReaders":6} is a setting of the aurora-postgresql engine only; RDS read replicas do not autoscale: remove it',
            ],
        );
        const run = await runProgramFunction(() => {
            const provider = new aws.Provider("aws-us-east-1", { region: "us-east-1" });
            new RegionalShard(
                "orders",
                shardArgs(provider, { readerAutoscaling: { maxReaders: 6 } }),
                {
                    providers: [provider],
                },
            );
        }, {});
        const named = (name: string) => run.resources.find((r) => r.name === name)!;
        const target = named("orders-readers-scaling");
        assert.deepStrictEqual(target.inputs, {
            serviceNamespace: "rds",
            scalableDimension: "rds:cluster:ReadReplicaCount",
            resourceId: "cluster:geoshard-staging-orders-cluster",
            // The replica count includes the standby: 2 readers + 1 to 6 readers + 1.
            minCapacity: 3,
            maxCapacity: 7,
            tags: {
                Name: "geoshard-staging-orders-readers-scaling",
                environment: "staging",
                shard: "orders",
                role: "database",
            },
        });
        for (const declared of [
            "orders-cluster",
            "orders-writer",
            "orders-standby",
            "orders-reader-1",
            "orders-reader-2",
        ]) {
            const rds = run.resources.find(
                (r) => r.name === declared && r.type.startsWith("aws:rds/"),
            );
            assert.ok(target.dependencies.includes(rds!.urn), declared);
        }
        assert.deepStrictEqual(named("orders-readers-scaling-policy").inputs, {
            name: "geoshard-staging-orders-readers-scaling",
            policyType: "TargetTrackingScaling",
            serviceNamespace: "rds",
            scalableDimension: "rds:cluster:ReadReplicaCount",
            resourceId: "cluster:geoshard-staging-orders-cluster",
            targetTrackingScalingPolicyConfiguration: {
                predefinedMetricSpecification: {
                    predefinedMetricType: "RDSReaderAverageCPUUtilization",
                },
                targetValue: 70,
                scaleOutCooldown: 300,
                scaleInCooldown: 900,
            },
        });
        // Readers added later join the endpoint; the writer and the standby never do.
        const endpoint = named("orders-readers-endpoint").inputs;
        assert.deepStrictEqual(
            [endpoint.customEndpointType, endpoint.excludedMembers, endpoint.staticMembers],
            [
                "READER",
                ["geoshard-staging-orders-writer", "geoshard-staging-orders-standby"],
                undefined,
            ],
        );
        assert.deepStrictEqual(named("orders-readers-cpu").inputs.dimensions, {
            DBClusterIdentifier: "geoshard-staging-orders-cluster",
            Role: "READER",
        });
        assert.deepStrictEqual(evaluatePolicies(run.resources, policies).violations, []);
    });

    it("restores prod-like shards from a snapshot and from a point in time, on both engines, and never diffs the restore again", async () => {
        const prodLike = (vpcCidr: string, changes: Partial<RegionalShardArgs>) =>
            ({
                ...shardArgs(undefined, changes),
                environment: "prod",
                vpcCidr,
                protectDatabases: true,
                backupRetentionDays: 14,
                masterInstanceClass: "db.r6g.8xlarge",
                replicaInstanceClass: "db.r6g.4xlarge",
                ...changes,
            }) as RegionalShardArgs;
        const restores: Record<string, Partial<RegionalShardArgs>> = {
            "aurora-snap": { restore: { snapshotIdentifier: "orders-before-delete" } },
            "aurora-pitr": {
                restore: {
                    sourceIdentifier: "geoshard-prod-orders-cluster",
                    restoreTime: "2026-12-04T09:41:00Z",
                },
            },
            "rds-snap": {
                engine: "postgres",
                restore: { snapshotIdentifier: "rds:geoshard-prod-orders-master-2026-12-04-03-00" },
            },
            "rds-pitr": {
                engine: "postgres",
                restore: {
                    sourceIdentifier: "geoshard-prod-orders-master",
                    useLatestRestorableTime: true,
                },
            },
        };
        const run = await runProgramFunction(() => {
            const provider = new aws.Provider("aws-us-east-1", { region: "us-east-1" });
            Object.entries(restores).forEach(([name, changes], i) => {
                const args = prodLike(`10.${40 + i}.0.0/16`, changes);
                new RegionalShard(
                    name,
                    { ...args, dns: { zoneId: "Z0123456789", zoneName: "db.internal", provider } },
                    { providers: [provider] },
                );
            });
        }, {});
        const db = (name: string) =>
            run.resources.find(
                (r) =>
                    r.name === name &&
                    (r.type === "aws:rds/cluster:Cluster" ||
                        r.type === "aws:rds/instance:Instance"),
            )!;
        const restoreInputs = (name: string) => {
            const inputs = db(name).inputs;
            return {
                snapshotIdentifier: inputs.snapshotIdentifier,
                restoreToPointInTime: inputs.restoreToPointInTime,
                kmsKeyId: inputs.kmsKeyId,
                names: [
                    inputs.databaseName ?? inputs.dbName,
                    inputs.masterUsername ?? inputs.username,
                ],
                protect: db(name).protect,
                ignoreChanges: db(name).options.ignoreChanges,
            };
        };
        assert.deepStrictEqual(
            Object.keys(restores).map((name) =>
                restoreInputs(`${name}-${name.startsWith("aurora") ? "cluster" : "master"}`),
            ),
            [
                {
                    snapshotIdentifier: "orders-before-delete",
                    restoreToPointInTime: undefined,
                    kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/aurora-snap-key",
                    names: [undefined, undefined],
                    protect: true,
                    ignoreChanges: [
                        "availabilityZones",
                        "globalClusterIdentifier",
                        "snapshotIdentifier",
                        "restoreToPointInTime",
                        "masterUsername",
                        "databaseName",
                    ],
                },
                {
                    snapshotIdentifier: undefined,
                    restoreToPointInTime: {
                        sourceClusterIdentifier: "geoshard-prod-orders-cluster",
                        restoreToTime: "2026-12-04T09:41:00Z",
                    },
                    kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/aurora-pitr-key",
                    names: [undefined, undefined],
                    protect: true,
                    ignoreChanges: [
                        "availabilityZones",
                        "globalClusterIdentifier",
                        "snapshotIdentifier",
                        "restoreToPointInTime",
                        "masterUsername",
                        "databaseName",
                    ],
                },
                {
                    snapshotIdentifier: "rds:geoshard-prod-orders-master-2026-12-04-03-00",
                    restoreToPointInTime: undefined,
                    kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/rds-snap-key",
                    names: [undefined, undefined],
                    protect: true,
                    ignoreChanges: [
                        "snapshotIdentifier",
                        "restoreToPointInTime",
                        "username",
                        "dbName",
                    ],
                },
                {
                    snapshotIdentifier: undefined,
                    restoreToPointInTime: {
                        sourceDbInstanceIdentifier: "geoshard-prod-orders-master",
                        useLatestRestorableTime: true,
                    },
                    kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/rds-pitr-key",
                    names: [undefined, undefined],
                    protect: true,
                    ignoreChanges: [
                        "snapshotIdentifier",
                        "restoreToPointInTime",
                        "username",
                        "dbName",
                    ],
                },
            ],
        );
        // The credentials the shard publishes name the source's user and database.
        const secret = JSON.parse(
            reveal(
                run.resources.find((r) => r.name === "aurora-pitr-credentials-value")!.inputs
                    .secretString,
            ),
        );
        assert.deepStrictEqual([secret.username, secret.dbname], ["geoshard_admin", "geoshard"]);
        assert.deepStrictEqual(
            validateShardArgs(
                shardArgs(undefined, {
                    restore: { sourceIdentifier: "orders", restoreTime: "2026-12-04 09:41" },
                }),
            ),
            [
                'restore.restoreTime: "2026-12-04 09:41" is not a UTC time; expected YYYY-MM-DDTHH:MM:SSZ',
            ],
        );
        assert.deepStrictEqual(
            validateShardArgs(
                shardArgs(undefined, {
                    restore: { sourceIdentifier: "orders" },
                    recovery: {
                        region: "us-west-2",
                        provider: undefined!,
                        vpcCidr: "10.11.0.0/16",
                        availabilityZones: ["us-west-2a", "us-west-2b"],
                    },
                }),
            ),
            [
                'restore: {"sourceIdentifier":"orders"} names no point in time; set restoreTime or useLatestRestorableTime: true',
            ],
        );
    });

    it("throws a ResourceError on the shard listing every problem, before declaring any child", async () => {
        let shard: RegionalShard | undefined;
        const refused = await refusal(() => {
            const provider = new aws.Provider("aws-us-east-1", { region: "us-east-1" });
            shard = new RegionalShard(
                "east",
                shardArgs(provider, { masterInstanceClass: "db.r6g.gigantic", replicaCount: 15 }),
                { providers: [provider] },
            );
        });
        assert.deepStrictEqual(refused, {
            message: [
                "invalid RegionalShard arguments (2 problems):",
                '  - masterInstanceClass: "db.r6g.gigantic" is a class whose memory is not known; allowed: a standard size (large, xlarge, Nxlarge)',
                "  - replicaCount: 15 is out of range; allowed: 0 to 14 readers (Aurora allows 15 replicas per cluster, one of them the standby)",
            ].join("\n"),
            resource: refused.resource,
            registered: [
                "geoshard:index:RegionalShard::east",
                "pulumi:providers:aws::aws-us-east-1",
            ],
        });
        assert.strictEqual(shard, undefined, "the constructor threw");
        assert.strictEqual(
            await new Promise((resolve) => refused.resource!.urn.apply(resolve)),
            "urn:pulumi:test::geoshard::geoshard:index:RegionalShard::east",
        );
    });

    it("refuses a region other than its provider's, once the provider has registered", async () => {
        const refused = await refusal(() => {
            const provider = new aws.Provider("aws-us-east-1", { region: "us-east-1" });
            new RegionalShard(
                "europe",
                shardArgs(provider, {
                    region: "eu-west-2",
                    availabilityZones: ["eu-west-2a", "eu-west-2b"],
                }),
                { providers: [provider] },
            );
        });
        assert.strictEqual(
            refused.message,
            "invalid RegionalShard arguments (1 problem):\n" +
                '  - region: "eu-west-2" is not the region of the shard\'s AWS provider (us-east-1); allowed: us-east-1, or a provider of eu-west-2',
        );
        assert.ok(refused.resource instanceof RegionalShard);
    });

    it("refuses a recovery region other than its provider's, and a warehouse region other than the link's provider's", async () => {
        const recovery = await refusal(() => {
            const east = new aws.Provider("aws-us-east-1", { region: "us-east-1" });
            new RegionalShard(
                "east",
                shardArgs(east, {
                    recovery: {
                        region: "us-west-2",
                        provider: east,
                        vpcCidr: "10.11.0.0/16",
                        availabilityZones: ["us-west-2a", "us-west-2b"],
                    },
                }),
                { providers: [east] },
            );
        });
        assert.strictEqual(
            recovery.message,
            "invalid RegionalShard arguments (1 problem):\n" +
                '  - recovery.region: "us-west-2" is not the region of recovery.provider (us-east-1); allowed: us-east-1, or a provider of us-west-2',
        );
        const warehouse = await refusal(() => {
            const east = new aws.Provider("aws-us-east-1", { region: "us-east-1" });
            const west = new aws.Provider("aws-us-west-2", { region: "us-west-2" });
            const link = new Warehouse("warehouse", warehouseArgs(), { providers: [east] }).link();
            new RegionalShard("east", shardArgs(east, { warehouse: { ...link, provider: west } }), {
                providers: [east],
            });
        });
        assert.strictEqual(
            warehouse.message,
            "invalid RegionalShard arguments (1 problem):\n" +
                '  - warehouse.region: "us-east-1" is not the region of warehouse.provider (us-west-2); allowed: us-west-2, or a provider of us-east-1',
        );
    });

    it("compares its region with the default provider's aws:region at once, when it has no provider", async () => {
        const refused = await refusal(
            () => {
                const dnsProvider = new aws.Provider("aws-global", { region: "us-east-1" });
                new RegionalShard(
                    "europe",
                    shardArgs(dnsProvider, {
                        region: "eu-west-2",
                        availabilityZones: ["eu-west-2a", "eu-west-2b"],
                    }),
                );
            },
            { "aws:region": "us-east-1" },
        );
        assert.deepStrictEqual(
            [refused.message, refused.registered],
            [
                "invalid RegionalShard arguments (1 problem):\n" +
                    '  - region: "eu-west-2" is not the region of the default AWS provider (us-east-1); allowed: us-east-1, or a provider of eu-west-2',
                ["geoshard:index:RegionalShard::europe", "pulumi:providers:aws::aws-global"],
            ],
        );
    });

    it("throws a ResourceError on the warehouse, and lends no link without a provider of its own", async () => {
        const bad = await refusal(() => {
            const provider = new aws.Provider("aws-us-east-1", { region: "us-east-1" });
            new Warehouse("warehouse", warehouseArgs({ availabilityZones: ["us-east-1a"] }), {
                providers: [provider],
            });
        });
        assert.deepStrictEqual(
            [bad.message, bad.registered],
            [
                "invalid Warehouse arguments (1 problem):\n" +
                    `  - availabilityZones: ["us-east-1a"] names one AZ; allowed: two or more AZs, so the standby never shares the writer's AZ`,
                ["geoshard:index:Warehouse::warehouse", "pulumi:providers:aws::aws-us-east-1"],
            ],
        );
        const wrongRegion = await refusal(() => {
            const provider = new aws.Provider("aws-us-west-2", { region: "us-west-2" });
            new Warehouse("warehouse", warehouseArgs(), { providers: [provider] });
        });
        assert.strictEqual(
            wrongRegion.message,
            "invalid Warehouse arguments (1 problem):\n" +
                '  - region: "us-east-1" is not the region of the warehouse\'s AWS provider (us-west-2); allowed: us-west-2, or a provider of us-east-1',
        );
        const noLink = await refusal(() => {
            new Warehouse("warehouse", warehouseArgs()).link();
        });
        assert.strictEqual(
            noLink.message,
            "the warehouse has no AWS provider of its own to lend its shards; pass the provider of us-east-1 in the warehouse's opts.providers",
        );
    });
});

describe("the components' outputs", () => {
    /** The public fields a component declares: what a caller reads, and Pulumi must record. */
    const publicFields = (component: object, privateFields: readonly string[] = []) =>
        Object.keys(component)
            .filter((key) => !key.startsWith("__") && key !== "urn")
            .filter((key) => !privateFields.includes(key))
            .sort();

    it("registers every public output of a shard and a warehouse", async () => {
        const registered = new Map<object, string[]>();
        const prototype = pulumi.ComponentResource.prototype as any;
        const registerOutputs = prototype.registerOutputs;
        prototype.registerOutputs = function (outputs?: Record<string, unknown>) {
            // The base class registers the outputs of `initialize` too: keep every key.
            const keys = new Set([...(registered.get(this) ?? []), ...Object.keys(outputs ?? {})]);
            registered.set(this, [...keys].sort());
            return registerOutputs.call(this, outputs);
        };
        let shard: RegionalShard;
        let warehouse: Warehouse;
        try {
            await runProgramFunction(() => {
                const provider = new aws.Provider("aws-us-east-1", { region: "us-east-1" });
                warehouse = new Warehouse("warehouse", warehouseArgs(), { providers: [provider] });
                shard = new RegionalShard(
                    "east",
                    shardArgs(provider, { warehouse: warehouse.link() }),
                    { providers: [provider] },
                );
            }, {});
        } finally {
            prototype.registerOutputs = registerOutputs;
        }
        assert.deepStrictEqual(registered.get(shard!), [
            "alarmTopicArn",
            "cdc",
            "credentialsSecretArn",
            "failoverBudget",
            "globalWriterEndpoint",
            "instanceAddresses",
            "kmsKeyArn",
            "port",
            "proxyEndpoint",
            "readerEndpoint",
            "readerName",
            "recoveryCredentialsSecretArn",
            "recoveryReaderEndpoint",
            "routeTableId",
            "securityGroupId",
            "subnetIds",
            "summary",
            "vpcId",
            "writerEndpoint",
            "writerName",
        ]);
        assert.deepStrictEqual(registered.get(shard!), publicFields(shard!));
        assert.deepStrictEqual(registered.get(warehouse!), [
            "accessLogBucketName",
            "alarmTopicArn",
            "apiEndpoints",
            "athenaWorkgroupName",
            "bucketArn",
            "bucketName",
            "dmsSecurityGroupId",
            "glueDatabaseName",
            "kmsKeyArn",
            "prerequisites",
            "redshiftWorkgroupName",
            "replicationStateRuleName",
            "replicationSubnetGroupId",
            "routeTableId",
            "vpcId",
        ]);
        assert.deepStrictEqual(
            registered.get(warehouse!),
            publicFields(warehouse!, ["name", "args"]),
        );
    });
});

describe("a program of its own that imports the library (examples/library-consumer)", () => {
    const dir = path.join(projectRoot, "examples", "library-consumer");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const consumer = () => require("../examples/library-consumer")();
    /** Its staging stack, as the Pulumi CLI hands it over, with the given changes. */
    const plan = (changes: Record<string, string> = {}) =>
        lib.planProgram(consumer, {
            dir,
            stack: "staging",
            config: changes,
            policyConfig: path.join(dir, "policy-config.json"),
        });

    it("plans one shard and its warehouse under the mocks, within the policy pack", async () => {
        const run = await plan();
        assert.deepStrictEqual(
            run.resources
                .filter((r) => r.type.startsWith("geoshard:"))
                .map((r) => `${r.type}::${r.name}`)
                .sort(),
            ["geoshard:index:RegionalShard::orders", "geoshard:index:Warehouse::analytics"],
        );
        // With the warehouse's replication state rule, its target and its topic's policy.
        assert.strictEqual(run.resources.length, 123);
        assert.deepStrictEqual(
            [run.outputs.writer, run.outputs.reader, run.outputs.lake],
            [
                "writer.orders.orders.internal",
                "reader.orders.orders.internal",
                "geoshard-staging-lib-warehouse-lake-123456789012",
            ],
        );
        assert.deepStrictEqual(
            (run.outputs.summary as ShardSummary).instances.map(
                (db) => `${db.role} ${db.instanceClass} ${db.availabilityZone}`,
            ),
            [
                "writer db.r6g.large us-east-1c",
                "standby db.r6g.large us-east-1d",
                "reader db.r6g.large us-east-1e",
                "reader db.r6g.large us-east-1c",
            ],
        );
        // The shard's CDC runs in the warehouse's region, through the provider the link lends.
        assert.strictEqual(
            run.resources.find((r) => r.name === "orders-cdc-replication")?.region,
            "us-east-1",
        );
        assert.deepStrictEqual(
            [run.project, run.stack, run.passed, run.policies.violations, run.policies.skipped],
            ["geoshard-consumer", "staging", true, [], []],
        );
        assert.ok(
            run.limits.startsWith("Offline plan under Pulumi mocks: no AWS account was read."),
        );
        // The consumer's policy config is the pack's, read and checked as the CLI reads it.
        assert.deepStrictEqual(
            JSON.parse(fs.readFileSync(path.join(dir, "policy-config.json"), "utf8")),
            { "shard-topology": { minimumReplicas: 2, requireCdc: true } },
        );
    });

    it("reports the pack's violations under the consumer's policy config, and refuses a config the pack would not take", async () => {
        const run = await plan({ "geoshard-consumer:replicaCount": "1" });
        assert.deepStrictEqual(
            [run.passed, run.policies.violations.map((v) => `${v.policy}: ${v.message}`)],
            [
                false,
                ["shard-topology: Shard orders: has 1 reader; raise replicaCount to at least 2."],
            ],
        );
        await assert.rejects(
            lib.planProgram(consumer, {
                dir,
                stack: "staging",
                policyConfig: { "shard-topology": { minimumReplica: 2 } },
            }),
            {
                message:
                    "policyConfig:\n  - shard-topology.minimumReplica: is not a setting of shard-topology; did you mean minimumReplicas?",
            },
        );
    });

    it("refuses bad arguments with a ResourceError on the shard, listing each", async () => {
        await assert.rejects(
            plan({
                "geoshard-consumer:instanceClass": "db.r6g.huge",
                "geoshard-consumer:replicaCount": "20",
            }),
            (error: unknown) => {
                assert.ok(error instanceof ProgramError);
                assert.ok(pulumi.ResourceError.isInstance(error.cause));
                assert.ok((error.cause as pulumi.ResourceError).resource instanceof RegionalShard);
                assert.strictEqual(
                    error.message,
                    [
                        "invalid RegionalShard arguments (3 problems):",
                        '  - masterInstanceClass: "db.r6g.huge" is a class whose memory is not known; allowed: a standard size (large, xlarge, Nxlarge)',
                        '  - replicaInstanceClass: "db.r6g.huge" is a class whose memory is not known; allowed: a standard size (large, xlarge, Nxlarge)',
                        "  - replicaCount: 20 is out of range; allowed: 0 to 14 readers (Aurora allows 15 replicas per cluster, one of them the standby)",
                    ].join("\n"),
                );
                assert.deepStrictEqual(
                    error.resources.filter((r) => r.parent.endsWith("::orders")),
                    [],
                    "the shard declared no child",
                );
                return true;
            },
        );
    });

    it("refuses a region AWS does not have, at the first component it reaches", async () => {
        await assert.rejects(plan({ "geoshard-consumer:region": "eu-west-9" }), {
            message: `invalid Warehouse arguments (1 problem):\n  - region: "eu-west-9" is not a known AWS region; allowed: ${awsRegions.join(", ")}`,
        });
    });
});

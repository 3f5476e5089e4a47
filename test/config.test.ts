import * as assert from "assert";
import { dmsResourceIdentifier, replicationIdentifier } from "../components/cdc";
import { engineOnlySettings, operationDefaults, shardDefaults } from "../components/defaults";
import { defaultEngineVersions } from "../components/engines";
import { awsRegions } from "../config/regions";
import { inheritedSettingKeys, operationKeys, shardKeys, stackKeys } from "../config/schema";
import { ConfigError, validateConfig } from "../config/validate";
import { projectDefaults, readStackConfig } from "../tools/stackConfig";
import { rawConfig, referenceShards, ShardEntry, unqualified } from "./helpers";

/** The problems validateConfig reports for a config, or [] when it accepts it. */
function problemsOf(raw: Record<string, string>): readonly string[] {
    try {
        validateConfig(unqualified(raw));
        return [];
    } catch (error) {
        assert.ok(error instanceof ConfigError, `unexpected ${error}`);
        return error.problems;
    }
}

/** The reference shards with one shard changed. */
function withShard(
    index: number,
    change: Partial<ShardEntry> & Record<string, unknown>,
): ShardEntry[] {
    const shards = referenceShards();
    shards[index] = { ...shards[index], ...change };
    return shards;
}

const vpcCidrRule =
    "is not a usable VPC CIDR; allowed: a private IPv4 CIDR (10/8, 172.16/12, 192.168/16, 100.64/10) from /16 to /24";
const allocationRule =
    "is out of range; allowed: 20 to 59578 GiB (gp3 allows 65536, and the autoscaling ceiling must be 10% above the allocation)";
const ceilingRule = "is out of range; allowed: 20 to 65536 GiB (RDS for PostgreSQL gp3 limits)";
const auroraReaders = "readers (Aurora allows 15 replicas per cluster, one of them the standby)";
const classRule = "is not an RDS instance class; expected db.<family>.<size>, e.g. db.r6g.4xlarge";

describe("config validation", () => {
    it("accepts the reference shards and fills in the documented defaults", () => {
        const config = validateConfig(unqualified(rawConfig()));
        assert.strictEqual(config.environment, "prod");
        assert.strictEqual(config.deletionProtection, true);
        assert.deepStrictEqual(
            config.shards.map((s) => s.name),
            ["us-east", "us-west", "europe", "asia"],
        );
        const { places, ...europe } = config.shards[2];
        assert.deepStrictEqual(
            places.map((p) => [p.key, p.name, p.country, p.source]),
            [
                ["london", "London", "GB", "gazetteer"],
                ["edinburgh", "Edinburgh", "GB", "gazetteer"],
                ["leeds", "Leeds", "GB", "gazetteer"],
            ],
        );
        assert.deepStrictEqual(europe, {
            ...shardDefaults,
            name: "europe",
            region: "eu-west-2",
            vpcCidr: "10.30.0.0/16",
            cities: ["london", "edinburgh", "leeds"],
            engineVersion: defaultEngineVersions["aurora-postgresql"],
            allowedCidrs: ["10.30.0.0/16"],
            allowedSecurityGroupIds: [],
            cdc: { excludeTables: [], excludeColumns: [] },
            namePrefix: "geoshard",
            databaseName: "geoshard",
            masterUsername: "geoshard_admin",
            // eu-west-2, London (UTC+0): 02:00-03:00 and Sunday 03:30-04:30 local.
            backupWindow: "02:00-03:00",
            maintenanceWindow: "sun:03:30-sun:04:30",
            parameters: { cluster: {}, instance: {} },
        });
        assert.deepStrictEqual(config.operations, operationDefaults);
        assert.deepStrictEqual(config.warehouse, {
            region: "us-east-1",
            vpcCidr: "10.100.0.0/16",
            redshift: false,
            createDmsVpcRole: false,
        });
    });

    it("lets stack-wide settings (given as text, like Pulumi does) apply to every shard and a shard override them", () => {
        const config = validateConfig(
            unqualified(
                rawConfig(
                    {
                        replicaCount: "3",
                        masterInstanceClass: "db.r7g.2xlarge",
                        backupRetentionDays: "21",
                    },
                    withShard(1, { replicaCount: 0, standbyInstanceClass: "db.r7g.2xlarge" }),
                ),
            ),
        );
        assert.deepStrictEqual(
            config.shards.map((s) => [
                s.replicaCount,
                s.masterInstanceClass,
                s.backupRetentionDays,
            ]),
            [
                [3, "db.r7g.2xlarge", 21],
                [0, "db.r7g.2xlarge", 21],
                [3, "db.r7g.2xlarge", 21],
                [3, "db.r7g.2xlarge", 21],
            ],
        );
    });

    it("accepts several shards in one region, each with its own network", () => {
        const shards = [
            ...referenceShards(),
            {
                name: "us-east-2",
                region: "us-east-1",
                vpcCidr: "10.11.0.0/16",
                cities: ["philadelphia"],
            },
        ];
        assert.deepStrictEqual(problemsOf(rawConfig({}, shards)), []);
    });

    it("takes a shard's data size and its recovery class, raising an RDS allocation to hold the data", () => {
        const shards = [
            // 120 TB on Aurora: held, with less than 25% to grow (the plan warns).
            { ...referenceShards()[0], storageGiB: 111759 },
            { ...referenceShards()[1], engine: "postgres", storageGiB: 20000 },
            { ...referenceShards()[2], engine: "postgres" },
            {
                ...referenceShards()[3],
                dr: {
                    region: "ap-northeast-1",
                    vpcCidr: "10.41.0.0/16",
                    instanceClass: "db.r6g.4xlarge",
                },
            },
        ];
        const config = validateConfig(unqualified(rawConfig({}, shards)));
        const [usEast, usWest, europe, asia] = config.shards;
        assert.strictEqual(usEast.storageGiB, 111759);
        // 20,000 GiB of data: allocation 20,000, its ceiling 10% above (RDS's rule).
        assert.deepStrictEqual(
            [usWest.storageGiB, usWest.allocatedStorageGiB, usWest.maxAllocatedStorageGiB],
            [20000, 20000, 22000],
        );
        // Unset: nothing changes, so a live instance keeps its storage.
        assert.deepStrictEqual(
            [europe.storageGiB, europe.allocatedStorageGiB, europe.maxAllocatedStorageGiB],
            [undefined, shardDefaults.allocatedStorageGiB, shardDefaults.maxAllocatedStorageGiB],
        );
        assert.strictEqual(asia.dr?.instanceClass, "db.r6g.4xlarge");
        assert.strictEqual(usEast.dr, undefined);
    });

    const cases: {
        name: string;
        settings?: Record<string, unknown>;
        shards?: unknown;
        problems: string[];
    }[] = [
        {
            name: "a missing shard list",
            settings: { shards: undefined },
            problems: [
                "geoshard:shards: missing; expected a non-empty list of { name, region, vpcCidr, cities }",
            ],
        },
        {
            name: "an empty shard list",
            shards: [],
            problems: [
                "geoshard:shards: [] is not a non-empty list of { name, region, vpcCidr, cities }",
            ],
        },
        {
            name: "a shard list that is not JSON",
            settings: { shards: "us-east,europe" },
            problems: [
                'geoshard:shards: "us-east,europe" is not a non-empty list of { name, region, vpcCidr, cities }',
            ],
        },
        {
            name: "a malformed region",
            shards: withShard(0, { region: "us_east_1" }),
            problems: [
                'geoshard:shards[0].region: "us_east_1" is not an AWS region code; expected the form eu-west-2',
            ],
        },
        {
            name: "an unknown region",
            shards: withShard(2, { region: "eu-west-9" }),
            problems: [
                `geoshard:shards[2].region: "eu-west-9" is not a known AWS region; allowed: ${awsRegions.join(", ")}`,
            ],
        },
        {
            name: "duplicate shard names",
            shards: withShard(3, { name: "europe" }),
            problems: [
                'geoshard:shards[3].name: "europe" is already the name of geoshard:shards[2]; shard names are unique',
            ],
        },
        {
            name: "a shard name that cannot be part of an RDS identifier",
            shards: withShard(0, { name: "US_East" }),
            problems: [
                'geoshard:shards[0].name: "US_East" is not a shard name; allowed: up to 20 lowercase letters, digits and single hyphens, starting with a letter (it becomes part of RDS identifiers)',
            ],
        },
        {
            name: "a malformed CIDR",
            shards: withShard(2, { vpcCidr: "10.0.0.0/33" }),
            problems: [`geoshard:shards[2].vpcCidr: "10.0.0.0/33" ${vpcCidrRule}`],
        },
        {
            name: "a public CIDR",
            shards: withShard(1, { vpcCidr: "8.8.0.0/16" }),
            problems: [`geoshard:shards[1].vpcCidr: "8.8.0.0/16" ${vpcCidrRule}`],
        },
        {
            name: "overlapping shard CIDRs",
            shards: withShard(1, { vpcCidr: "10.10.128.0/17" }),
            problems: [
                'geoshard:shards[1].vpcCidr: "10.10.128.0/17" overlaps geoshard:shards[0].vpcCidr (10.10.0.0/16); shard networks are peered and must not overlap',
            ],
        },
        {
            name: "a shard CIDR overlapping the warehouse",
            settings: { warehouse: { region: "us-east-1", vpcCidr: "10.40.0.0/20" } },
            problems: [
                'geoshard:shards[3].vpcCidr: "10.40.0.0/16" overlaps geoshard:warehouse.vpcCidr (10.40.0.0/20); the warehouse network is peered with every shard',
            ],
        },
        {
            name: "a city in two shards",
            shards: withShard(1, { cities: ["san_francisco", "boston"] }),
            problems: [
                'geoshard:shards[1].cities[1]: "boston" is already in geoshard:shards[0] (us-east); a city belongs to one shard',
            ],
        },
        {
            name: "a malformed city",
            shards: withShard(0, { cities: ["New York"] }),
            problems: [
                'geoshard:shards[0].cities[0]: "New York" is not a city key; allowed: lowercase letters, digits and underscores, starting with a letter, optionally @ and a country code (paris@FR), or a place { name, country, lat, lon }',
            ],
        },
        {
            name: "an instance class that is not a db.* class",
            shards: withShard(0, { masterInstanceClass: "r6g.8xlarge" }),
            problems: [`geoshard:shards[0].masterInstanceClass: "r6g.8xlarge" ${classRule}`],
        },
        {
            name: "a stack-wide replica class that is not a db.* class",
            settings: { replicaInstanceClass: "m5.large" },
            problems: [`geoshard:replicaInstanceClass: "m5.large" ${classRule}`],
        },
        {
            name: "storage below RDS's minimum",
            settings: { engine: "postgres", allocatedStorageGiB: "10" },
            problems: [`geoshard:allocatedStorageGiB: 10 ${allocationRule}`],
        },
        {
            name: "storage above RDS's maximum",
            settings: { engine: "postgres" },
            shards: withShard(2, { maxAllocatedStorageGiB: 122880 }),
            problems: [`geoshard:shards[2].maxAllocatedStorageGiB: 122880 ${ceilingRule}`],
        },
        {
            name: "an allocation that leaves no room for the 10% autoscaling headroom",
            settings: { engine: "postgres" },
            shards: withShard(0, { allocatedStorageGiB: 59579, maxAllocatedStorageGiB: 65536 }),
            problems: [`geoshard:shards[0].allocatedStorageGiB: 59579 ${allocationRule}`],
        },
        {
            name: "an autoscaling ceiling below the allocation",
            settings: { engine: "postgres" },
            shards: withShard(0, { allocatedStorageGiB: 5000 }),
            problems: [
                "geoshard:shards[0].maxAllocatedStorageGiB: 4000 is too low for an allocation of 5000 GiB; allowed: at least 5500 GiB (RDS needs the autoscaling ceiling 10% above the allocation)",
            ],
        },
        {
            name: "storage that is not a number, once, without a false ceiling problem",
            settings: { engine: "postgres", allocatedStorageGiB: "lots" },
            problems: [
                'geoshard:allocatedStorageGiB: "lots" is not a whole number; allowed: 20 to 59578 GiB (gp3 allows 65536, and the autoscaling ceiling must be 10% above the allocation)',
            ],
        },
        {
            name: "a replica count that is not a whole number",
            shards: withShard(1, { replicaCount: 1.5 }),
            problems: [
                `geoshard:shards[1].replicaCount: 1.5 is not a whole number; allowed: 0 to 14 ${auroraReaders}`,
            ],
        },
        {
            name: "a negative replica count",
            shards: withShard(1, { replicaCount: -1 }),
            problems: [
                `geoshard:shards[1].replicaCount: -1 is out of range; allowed: 0 to 14 ${auroraReaders}`,
            ],
        },
        {
            name: "15 readers on Aurora, where the standby takes the fifteenth replica",
            shards: withShard(1, { replicaCount: 15 }),
            problems: [
                `geoshard:shards[1].replicaCount: 15 is out of range; allowed: 0 to 14 ${auroraReaders}`,
            ],
        },
        {
            name: "16 read replicas on RDS",
            settings: { engine: "postgres" },
            shards: withShard(1, { replicaCount: 16 }),
            problems: [
                "geoshard:shards[1].replicaCount: 16 is out of range; allowed: 0 to 15 readers (RDS allows 15 read replicas per source)",
            ],
        },
        {
            name: "backup retention below a week",
            settings: { backupRetentionDays: "6" },
            problems: [
                "geoshard:backupRetentionDays: 6 is out of range; allowed: 7 to 35 days (AWS keeps 1 to 35; this stack keeps at least a week)",
            ],
        },
        {
            name: "backup retention past AWS's 35 days",
            shards: withShard(0, { backupRetentionDays: 36 }),
            problems: [
                "geoshard:shards[0].backupRetentionDays: 36 is out of range; allowed: 7 to 35 days (AWS keeps 1 to 35; this stack keeps at least a week)",
            ],
        },
        {
            name: "a recovery region that is the home region, or outside the EU for an EU shard",
            shards: [
                {
                    ...referenceShards()[0],
                    dr: { region: "us-east-1", vpcCidr: "10.11.0.0/16" },
                },
                referenceShards()[1],
                {
                    ...referenceShards()[2],
                    residency: "eu",
                    cdc: { residencyWaiver: "TIA-2026-0042" },
                    dr: { region: "us-east-2", vpcCidr: "10.31.0.0/16" },
                },
                referenceShards()[3],
            ],
            problems: [
                'geoshard:shards[0].dr.region: "us-east-1" is the shard\'s own region; allowed: another region, so a region loss spares the copy',
                'geoshard:shards[2].dr.region: "us-east-2" is outside the EU, and the shard holds EU personal data; allowed: eu-central-1, eu-north-1, eu-south-1, eu-south-2, eu-west-1, eu-west-3',
            ],
        },
        {
            name: "a recovery network that overlaps another shard's, and instances out of range",
            shards: withShard(3, {
                dr: { region: "ap-northeast-1", vpcCidr: "10.10.128.0/17", instances: 16 },
            }),
            problems: [
                "geoshard:shards[3].dr.instances: 16 is out of range; allowed: 0 (headless: storage only) to 15 instances of the secondary cluster",
                'geoshard:shards[3].dr.vpcCidr: "10.10.128.0/17" overlaps geoshard:shards[0].vpcCidr (10.10.0.0/16); shard networks are peered and must not overlap',
            ],
        },
        {
            name: "a headless RDS copy, and a promotion recorded on Aurora",
            shards: [
                {
                    ...referenceShards()[0],
                    engine: "postgres",
                    dr: { region: "us-west-2", vpcCidr: "10.11.0.0/16", instances: 0 },
                },
                {
                    ...referenceShards()[1],
                    dr: { region: "us-east-2", vpcCidr: "10.21.0.0/16", promoted: true },
                },
            ],
            problems: [
                "geoshard:shards[0].dr.instances: 0 is out of range; allowed: 1: RDS for PostgreSQL recovers into one cross-region read replica",
                "geoshard:shards[1].dr.promoted: true is a setting of the postgres engine only; Aurora's global cluster records a switchover or failover itself: remove it",
            ],
        },
        {
            name: "more data than the engine holds, and a recovery class that is not one",
            shards: [
                // The reference's US East: 120 TB (111,759 GiB) is more than RDS's 64 TiB.
                { ...referenceShards()[0], engine: "postgres", storageGiB: 111759 },
                { ...referenceShards()[1], storageGiB: 140000 },
                {
                    ...referenceShards()[2],
                    storageGiB: 0,
                    dr: {
                        region: "eu-west-1",
                        vpcCidr: "10.31.0.0/16",
                        instanceClass: "r6g.large",
                    },
                },
                {
                    ...referenceShards()[3],
                    engine: "postgres",
                    allocatedStorageGiB: 2000,
                    storageGiB: 3000,
                },
            ],
            problems: [
                "geoshard:shards[0].storageGiB: 111759 is more than an RDS for PostgreSQL instance holds; allowed: up to 59578 GiB (64 TiB, with the autoscaling ceiling 10% above the allocation): split the shard, or use engine aurora-postgresql (128 TiB)",
                "geoshard:shards[1].storageGiB: 140000 is more than an Aurora cluster volume holds; allowed: up to 131072 GiB (128 TiB): split the shard",
                'geoshard:shards[2].dr.instanceClass: "r6g.large" is not an RDS instance class; expected db.<family>.<size>, e.g. db.r6g.4xlarge',
                "geoshard:shards[2].storageGiB: 0 is not a whole number of GiB above 0",
                "geoshard:shards[3].allocatedStorageGiB: 2000 is below the shard's data (storageGiB 3000); allowed: at least 3000 GiB, or leave it unset",
            ],
        },
        {
            name: "a budget that is not a positive number of USD",
            settings: { maxMonthlyUsd: "-5" },
            problems: [
                'geoshard:maxMonthlyUsd: "-5" is not a budget; allowed: a positive number of USD a month, e.g. 46000',
            ],
        },
        {
            name: "an unknown engine",
            settings: { engine: "mysql" },
            problems: [
                'geoshard:engine: "mysql" is not a database engine; allowed: aurora-postgresql, postgres',
            ],
        },
        {
            name: "an unknown Aurora storage type",
            shards: withShard(3, { storageType: "gp3" }),
            problems: [
                'geoshard:shards[3].storageType: "gp3" is not an Aurora storage type; allowed: aurora, aurora-iopt1',
            ],
        },
        {
            name: "a standby class other than the writer's",
            shards: withShard(0, { standbyInstanceClass: "db.r6g.4xlarge" }),
            problems: [
                "geoshard:shards[0].standbyInstanceClass: \"db.r6g.4xlarge\" is not the writer's class; allowed: db.r6g.8xlarge (the standby must carry the writer's load, and cluster cache management needs the same class)",
            ],
        },
        {
            name: "RDS storage settings given to an Aurora shard, and Aurora's to an RDS shard",
            shards: [
                { ...referenceShards()[0], allocatedStorageGiB: 2000 },
                { ...referenceShards()[1], engine: "postgres", storageType: "aurora-iopt1" },
                {
                    ...referenceShards()[2],
                    engine: "postgres",
                    standbyInstanceClass: "db.r6g.8xlarge",
                },
                referenceShards()[3],
            ],
            problems: [
                "geoshard:shards[0].allocatedStorageGiB: 2000 is a setting of the postgres engine only; this shard runs aurora-postgresql: remove it",
                'geoshard:shards[1].storageType: "aurora-iopt1" is a setting of the aurora-postgresql engine only; this shard runs postgres: remove it',
                "geoshard:shards[2].standbyInstanceClass: \"db.r6g.8xlarge\" is a setting of the aurora-postgresql engine only; RDS's Multi-AZ standby always has the master's class: remove it",
            ],
        },
        {
            name: "a stack-wide setting of an engine no shard runs",
            settings: { maxAllocatedStorageGiB: "8000" },
            problems: [
                'geoshard:maxAllocatedStorageGiB: "8000" is a setting of the postgres engine only, and no shard of this stack runs it (engines: aurora-postgresql): remove it',
            ],
        },
        {
            name: "an Enhanced Monitoring interval RDS does not offer",
            settings: { monitoringIntervalSeconds: "45" },
            problems: [
                "geoshard:monitoringIntervalSeconds: 45 is not an Enhanced Monitoring interval; allowed: 1, 5, 10, 15, 30, 60",
            ],
        },
        {
            name: "a missing environment",
            settings: { environment: undefined },
            problems: [
                "geoshard:environment: missing; expected dev, staging, prod, or one of them, a hyphen and a word of lowercase letters and digits (e.g. prod-split), at most 12 characters",
            ],
        },
        {
            name: "an unknown environment",
            settings: { environment: "production" },
            problems: [
                'geoshard:environment: "production" is not an environment; allowed: dev, staging, prod, or one of them, a hyphen and a word of lowercase letters and digits (e.g. prod-split), at most 12 characters',
            ],
        },
        {
            name: "an Aurora version Aurora does not offer here, once, at the key that set it",
            settings: { engineVersion: "16" },
            shards: withShard(2, { engineVersion: "17.9" }),
            problems: [
                'geoshard:shards[2].engineVersion: "17.9" is not an Aurora PostgreSQL version this stack offers; allowed: 17.4, 17.5, 17.6, 17.7 (engine aurora-postgresql)',
                'geoshard:engineVersion: "16" is not an Aurora PostgreSQL version this stack offers; allowed: 17.4, 17.5, 17.6, 17.7 (engine aurora-postgresql of geoshard:shards[0], geoshard:shards[1], geoshard:shards[3])',
            ],
        },
        {
            name: "an RDS for PostgreSQL major older than 14",
            settings: { engine: "postgres", engineVersion: "13.7" },
            shards: [referenceShards()[0]],
            problems: [
                'geoshard:engineVersion: "13.7" is not an RDS for PostgreSQL version; allowed: a major of 14 or newer, optionally with a minor ("17" or "17.6") (engine postgres of geoshard:shards[0])',
            ],
        },
        {
            name: "a stack-wide version that only the Aurora shards cannot run",
            settings: { engineVersion: "16" },
            shards: withShard(1, { engine: "postgres" }),
            problems: [
                'geoshard:engineVersion: "16" is not an Aurora PostgreSQL version this stack offers; allowed: 17.4, 17.5, 17.6, 17.7 (engine aurora-postgresql of geoshard:shards[0], geoshard:shards[2], geoshard:shards[3])',
            ],
        },
        {
            name: "deletion protection turned off in prod",
            settings: { deletionProtection: "false" },
            problems: [
                "geoshard:deletionProtection: false is not allowed in prod; prod databases keep RDS deletion protection",
            ],
        },
        {
            name: "deletion protection that is not a boolean",
            settings: { environment: "dev", deletionProtection: "no" },
            problems: ['geoshard:deletionProtection: "no" is not a boolean; allowed: true, false'],
        },
        {
            name: "a DNS TTL above a minute",
            settings: { dnsTtlSeconds: "300" },
            problems: [
                "geoshard:dnsTtlSeconds: 300 is out of range; allowed: 1 to 60 seconds (a failover must not wait on DNS caches)",
            ],
        },
        {
            name: "a DNS zone that is not a domain name",
            settings: { dnsZone: "DB_internal" },
            problems: [
                'geoshard:dnsZone: "DB_internal" is not a DNS zone name; expected lowercase labels such as db.internal',
            ],
        },
        {
            name: "an alarm threshold out of range and a bad email",
            settings: { freeStorageAlarmPercent: "75", alarmEmails: ["dba@example.com", "oncall"] },
            problems: [
                'geoshard:alarmEmails[1]: "oncall" is not an email address',
                "geoshard:freeStorageAlarmPercent: 75 is out of range; allowed: 1 to 50 percent",
            ],
        },
        {
            name: "a DNS TTL that is not a whole number",
            settings: { dnsTtlSeconds: "5s" },
            problems: [
                'geoshard:dnsTtlSeconds: "5s" is not a whole number; allowed: 1 to 60 seconds (a failover must not wait on DNS caches)',
            ],
        },
        {
            name: "an instance class whose memory the alarms cannot size",
            shards: withShard(1, { replicaInstanceClass: "db.r6g.metal" }),
            problems: [
                'geoshard:shards[1].replicaInstanceClass: "db.r6g.metal" is a class whose memory is not known; allowed: a standard size (large, xlarge, Nxlarge)',
            ],
        },
        {
            name: "instance classes outside the families the policy pack allows",
            settings: { masterInstanceClass: "db.m6g.large" },
            shards: withShard(1, { replicaInstanceClass: "db.t4g.medium" }),
            problems: [
                'geoshard:masterInstanceClass: "db.m6g.large" is not of an allowed instance family; allowed: db.r6g.*, db.r7g.* (Graviton memory-optimised)',
                'geoshard:shards[1].replicaInstanceClass: "db.t4g.medium" is not of an allowed instance family; allowed: db.r6g.*, db.r7g.* (Graviton memory-optimised)',
            ],
        },
        {
            name: "values that are not objects where objects belong",
            settings: { warehouse: ["us-east-1"] },
            shards: [
                "us-east",
                {
                    ...referenceShards()[1],
                    existingVpc: "vpc-0123456789abcdef0",
                    cdc: ["public.users"],
                },
            ],
            problems: [
                'geoshard:shards[0]: "us-east" is not a shard; expected an object with name, region, vpcCidr and cities',
                'geoshard:shards[1].existingVpc: "vpc-0123456789abcdef0" is not an existing VPC; expected { vpcId, subnetIds }',
                'geoshard:shards[1].cdc: ["public.users"] is not a CDC selection; expected { excludeTables, excludeColumns, residencyWaiver }',
                'geoshard:warehouse: ["us-east-1"] is not a warehouse; expected { region, vpcCidr }',
            ],
        },
        {
            name: "a misspelt stack key, with the key meant",
            settings: { replicaCout: "3", DeletionProtection: "false" },
            problems: [
                'geoshard:replicaCout: "3" is not a geoshard setting; did you mean geoshard:replicaCount?',
                'geoshard:DeletionProtection: "false" is not a geoshard setting; did you mean geoshard:deletionProtection?',
            ],
        },
        {
            name: "an unknown stack key that resembles none",
            settings: { colour: "blue" },
            problems: [
                `geoshard:colour: "blue" is not a geoshard setting; known: ${stackKeys.join(", ")}`,
            ],
        },
        {
            name: "misspelt keys of a shard, its warehouse, CDC and recovery region, with the keys meant",
            settings: {
                warehouse: { region: "us-east-1", vpcCidr: "10.100.0.0/16", redshfit: true },
            },
            shards: withShard(0, {
                replicaCont: 3,
                cdc: { excludeColumn: ["public.users.email"] },
                dr: { region: "us-west-1", vpcCdir: "10.11.0.0/16" },
            }),
            problems: [
                "geoshard:shards[0].replicaCont: 3 is not a known key; did you mean replicaCount?",
                'geoshard:shards[0].dr.vpcCdir: "10.11.0.0/16" is not a known key; did you mean vpcCidr?',
                "geoshard:shards[0].dr.vpcCidr: missing; expected a private IPv4 CIDR (10/8, 172.16/12, 192.168/16, 100.64/10) from /16 to /24",
                'geoshard:shards[0].cdc.excludeColumn: ["public.users.email"] is not a known key; did you mean excludeColumns?',
                "geoshard:warehouse.redshfit: true is not a known key; did you mean redshift?",
            ],
        },
        {
            name: "an unknown shard key that resembles none",
            shards: withShard(0, { colour: "blue" }),
            problems: [
                `geoshard:shards[0].colour: "blue" is not a known key; allowed: ${shardKeys.join(", ")}`,
            ],
        },
        {
            name: "a public network admitted to PostgreSQL",
            shards: withShard(0, { allowedCidrs: ["10.10.0.0/16", "0.0.0.0/0"] }),
            problems: [
                'geoshard:shards[0].allowedCidrs[1]: "0.0.0.0/0" is not a private IPv4 CIDR; PostgreSQL is never opened to public addresses',
            ],
        },
        {
            name: "an existing VPC with a single subnet",
            shards: withShard(0, {
                existingVpc: {
                    vpcId: "vpc-0123456789abcdef0",
                    subnetIds: ["subnet-0123456789abcdef0"],
                },
            }),
            problems: [
                'geoshard:shards[0].existingVpc.subnetIds: ["subnet-0123456789abcdef0"] is not a list of at least two subnet ids (a DB subnet group spans two or more AZs)',
            ],
        },
        {
            name: "a missing warehouse",
            settings: { warehouse: undefined },
            problems: ["geoshard:warehouse: missing; expected { region, vpcCidr }"],
        },
        {
            name: "a warehouse in an unknown region with a malformed CIDR",
            settings: { warehouse: { region: "eu-north-9", vpcCidr: "10.100.0.0" } },
            problems: [
                `geoshard:warehouse.region: "eu-north-9" is not a known AWS region; allowed: ${awsRegions.join(", ")}`,
                `geoshard:warehouse.vpcCidr: "10.100.0.0" ${vpcCidrRule}`,
            ],
        },
    ];

    for (const c of cases) {
        it(`refuses ${c.name}`, () => {
            assert.deepStrictEqual(
                problemsOf(rawConfig(c.settings, c.shards ?? referenceShards())),
                c.problems,
            );
        });
    }

    it("reports every problem at once, in one message", () => {
        const shards = withShard(0, { region: "us_east_1", replicaCount: -2 });
        shards[1].cities = ["boston"];
        try {
            validateConfig(unqualified(rawConfig({ environment: "qa" }, shards)));
            assert.fail("accepted");
        } catch (error) {
            assert.ok(error instanceof ConfigError);
            assert.strictEqual(
                error.message,
                [
                    "invalid geoshard configuration (4 problems):",
                    '  - geoshard:environment: "qa" is not an environment; allowed: dev, staging, prod, or one of them, a hyphen and a word of lowercase letters and digits (e.g. prod-split), at most 12 characters',
                    '  - geoshard:shards[0].region: "us_east_1" is not an AWS region code; expected the form eu-west-2',
                    `  - geoshard:shards[0].replicaCount: -2 is out of range; allowed: 0 to 14 ${auroraReaders}`,
                    '  - geoshard:shards[1].cities[0]: "boston" is already in geoshard:shards[0] (us-east); a city belongs to one shard',
                ].join("\n"),
            );
        }
    });
});

describe("config validation: both ends of every documented range", () => {
    /** One shard per engine, so each engine's bounds can be tried on a shard of its own. */
    const onEngine = (
        engine: "aurora-postgresql" | "postgres",
        settings: Record<string, unknown>,
    ) => withShard(0, { engine, ...settings }).slice(0, 1);
    const auroraReaders =
        "readers (Aurora allows 15 replicas per cluster, one of them the standby)";
    const rdsReaders = "readers (RDS allows 15 read replicas per source)";
    const dr = { region: "us-west-1", vpcCidr: "10.11.0.0/16", instances: 1 };
    const globalReaders =
        "is out of range beside geoshard:shards[0].dr; allowed: 0 to 13 readers (an Aurora " +
        "global database allows 15 readers in the primary cluster plus secondary clusters: the " +
        "standby, 13 readers and the recovery cluster)";
    const ends: {
        name: string;
        settings?: Record<string, unknown>;
        shards?: unknown;
        problems: string[];
    }[] = [
        {
            name: "0 readers on Aurora",
            shards: onEngine("aurora-postgresql", { replicaCount: 0 }),
            problems: [],
        },
        {
            name: "14 readers on Aurora",
            shards: onEngine("aurora-postgresql", { replicaCount: 14 }),
            problems: [],
        },
        {
            name: "15 readers on Aurora",
            shards: onEngine("aurora-postgresql", { replicaCount: 15 }),
            problems: [
                `geoshard:shards[0].replicaCount: 15 is out of range; allowed: 0 to 14 ${auroraReaders}`,
            ],
        },
        {
            name: "-1 readers on Aurora",
            shards: onEngine("aurora-postgresql", { replicaCount: -1 }),
            problems: [
                `geoshard:shards[0].replicaCount: -1 is out of range; allowed: 0 to 14 ${auroraReaders}`,
            ],
        },
        {
            name: "13 readers on Aurora beside a recovery region",
            shards: onEngine("aurora-postgresql", { replicaCount: 13, dr }),
            problems: [],
        },
        {
            name: "14 readers on Aurora beside a recovery region",
            shards: onEngine("aurora-postgresql", { replicaCount: 14, dr }),
            problems: [`geoshard:shards[0].replicaCount: 14 ${globalReaders}`],
        },
        {
            name: "14 readers stack-wide, inherited by an Aurora shard with a recovery region",
            settings: { replicaCount: "14" },
            shards: onEngine("aurora-postgresql", { dr }),
            problems: [`geoshard:replicaCount: 14 ${globalReaders}`],
        },
        {
            name: "14 readers on RDS beside a recovery region: the Aurora limit does not apply",
            shards: onEngine("postgres", { replicaCount: 14, dr }),
            problems: [],
        },
        {
            name: "0 readers on RDS",
            shards: onEngine("postgres", { replicaCount: 0 }),
            problems: [],
        },
        {
            name: "15 readers on RDS",
            shards: onEngine("postgres", { replicaCount: 15 }),
            problems: [],
        },
        {
            name: "16 readers on RDS",
            shards: onEngine("postgres", { replicaCount: 16 }),
            problems: [
                `geoshard:shards[0].replicaCount: 16 is out of range; allowed: 0 to 15 ${rdsReaders}`,
            ],
        },
        { name: "14 readers stack-wide on Aurora", settings: { replicaCount: "14" }, problems: [] },
        {
            name: "15 readers stack-wide, once, naming the Aurora shards that inherit them",
            settings: { replicaCount: "15" },
            shards: withShard(3, { engine: "postgres" }),
            problems: [
                `geoshard:replicaCount: 15 is out of range for the aurora-postgresql shards geoshard:shards[0], geoshard:shards[1], geoshard:shards[2]; allowed: 0 to 14 ${auroraReaders}`,
            ],
        },
        {
            name: "15 readers stack-wide where every shard runs RDS",
            settings: { engine: "postgres", replicaCount: "15" },
            problems: [],
        },
        {
            name: "16 readers stack-wide",
            settings: { engine: "postgres", replicaCount: "16" },
            problems: [
                "geoshard:replicaCount: 16 is out of range; allowed: 0 to 15 readers (on Aurora at most 14, on RDS 15)",
            ],
        },
        { name: "7 days of backups", settings: { backupRetentionDays: "7" }, problems: [] },
        {
            name: "35 days of backups",
            shards: withShard(0, { backupRetentionDays: 35 }),
            problems: [],
        },
        {
            name: "6 days of backups",
            shards: withShard(0, { backupRetentionDays: 6 }),
            problems: [
                "geoshard:shards[0].backupRetentionDays: 6 is out of range; allowed: 7 to 35 days (AWS keeps 1 to 35; this stack keeps at least a week)",
            ],
        },
        {
            name: "36 days of backups",
            settings: { backupRetentionDays: "36" },
            problems: [
                "geoshard:backupRetentionDays: 36 is out of range; allowed: 7 to 35 days (AWS keeps 1 to 35; this stack keeps at least a week)",
            ],
        },
        {
            name: "an allocation of 59578 GiB under a ceiling of 65536 GiB",
            shards: onEngine("postgres", {
                allocatedStorageGiB: 59578,
                maxAllocatedStorageGiB: 65536,
            }),
            problems: [],
        },
        {
            name: "an allocation of 59579 GiB under a ceiling of 65536 GiB",
            shards: onEngine("postgres", {
                allocatedStorageGiB: 59579,
                maxAllocatedStorageGiB: 65536,
            }),
            problems: [`geoshard:shards[0].allocatedStorageGiB: 59579 ${allocationRule}`],
        },
        {
            name: "an allocation of 20 GiB under a ceiling of 22 GiB",
            shards: onEngine("postgres", { allocatedStorageGiB: 20, maxAllocatedStorageGiB: 22 }),
            problems: [],
        },
        {
            name: "an allocation of 19 GiB",
            shards: onEngine("postgres", { allocatedStorageGiB: 19 }),
            problems: [`geoshard:shards[0].allocatedStorageGiB: 19 ${allocationRule}`],
        },
        {
            name: "a ceiling of 65536 GiB",
            shards: onEngine("postgres", { maxAllocatedStorageGiB: 65536 }),
            problems: [],
        },
        {
            name: "a ceiling of 65537 GiB",
            shards: onEngine("postgres", { maxAllocatedStorageGiB: 65537 }),
            problems: [`geoshard:shards[0].maxAllocatedStorageGiB: 65537 ${ceilingRule}`],
        },
        {
            name: "a ceiling exactly 10% above the allocation (1100 GiB over 1000 GiB)",
            shards: onEngine("postgres", {
                allocatedStorageGiB: 1000,
                maxAllocatedStorageGiB: 1100,
            }),
            problems: [],
        },
        {
            name: "a ceiling just short of 10% above the allocation",
            shards: onEngine("postgres", {
                allocatedStorageGiB: 1000,
                maxAllocatedStorageGiB: 1099,
            }),
            problems: [
                "geoshard:shards[0].maxAllocatedStorageGiB: 1099 is too low for an allocation of 1000 GiB; allowed: at least 1100 GiB (RDS needs the autoscaling ceiling 10% above the allocation)",
            ],
        },
        {
            name: "a volume alarm at 10 GiB",
            shards: withShard(0, { volumeAlarmGiB: 10 }),
            problems: [],
        },
        {
            name: "a volume alarm at 131072 GiB",
            settings: { volumeAlarmGiB: "131072" },
            problems: [],
        },
        {
            name: "a volume alarm at 9 GiB",
            shards: withShard(0, { volumeAlarmGiB: 9 }),
            problems: [
                "geoshard:shards[0].volumeAlarmGiB: 9 is out of range; allowed: 10 to 131072 GiB (an Aurora volume grows to 128 TiB)",
            ],
        },
        {
            name: "a volume alarm at 131073 GiB",
            settings: { volumeAlarmGiB: "131073" },
            problems: [
                "geoshard:volumeAlarmGiB: 131073 is out of range; allowed: 10 to 131072 GiB (an Aurora volume grows to 128 TiB)",
            ],
        },
        {
            name: "a 20-character shard name in prod",
            shards: withShard(0, { name: "abcdefghij-lmnopqrst" }),
            problems: [],
        },
        {
            name: "a 21-character shard name in prod",
            shards: withShard(0, { name: "abcdefghij-lmnopqrstu" }),
            problems: [
                'geoshard:shards[0].name: "abcdefghij-lmnopqrstu" is not a shard name; allowed: up to 20 lowercase letters, digits and single hyphens, starting with a letter (it becomes part of RDS identifiers)',
            ],
        },
        {
            name: "a 20-character shard name in a 12-character environment",
            settings: { environment: "staging-abcd", deletionProtection: "false" },
            shards: withShard(0, { name: "abcdefghij-lmnopqrst" }),
            problems: [],
        },
        {
            name: "a 13-character environment",
            settings: { environment: "staging-abcde" },
            problems: [
                'geoshard:environment: "staging-abcde" is not an environment; allowed: dev, staging, prod, or one of them, a hyphen and a word of lowercase letters and digits (e.g. prod-split), at most 12 characters',
            ],
        },
        {
            name: "an environment of an unknown tier",
            settings: { environment: "qa-east" },
            problems: [
                'geoshard:environment: "qa-east" is not an environment; allowed: dev, staging, prod, or one of them, a hyphen and a word of lowercase letters and digits (e.g. prod-split), at most 12 characters',
            ],
        },
        {
            name: "deletion protection off in an environment of the prod tier",
            settings: { environment: "prod-split", deletionProtection: "false" },
            problems: [
                "geoshard:deletionProtection: false is not allowed in prod-split; prod-split databases keep RDS deletion protection",
            ],
        },
        { name: "a DNS TTL of 1 s", settings: { dnsTtlSeconds: "1" }, problems: [] },
        { name: "a DNS TTL of 60 s", settings: { dnsTtlSeconds: "60" }, problems: [] },
        {
            name: "a DNS TTL of 0 s",
            settings: { dnsTtlSeconds: "0" },
            problems: [
                "geoshard:dnsTtlSeconds: 0 is out of range; allowed: 1 to 60 seconds (a failover must not wait on DNS caches)",
            ],
        },
        {
            name: "a DNS TTL of 61 s",
            settings: { dnsTtlSeconds: "61" },
            problems: [
                "geoshard:dnsTtlSeconds: 61 is out of range; allowed: 1 to 60 seconds (a failover must not wait on DNS caches)",
            ],
        },
    ];
    for (const c of ends) {
        it(`${c.problems.length === 0 ? "accepts" : "refuses"} ${c.name}`, () => {
            assert.deepStrictEqual(
                problemsOf(rawConfig(c.settings, c.shards ?? referenceShards())),
                c.problems,
            );
        });
    }
});

describe("config validation says what is wrong once, and how to fix it", () => {
    const cases: {
        name: string;
        settings?: Record<string, unknown>;
        shards?: unknown;
        problems: string[];
    }[] = [
        {
            name: "a bad stack-wide engine, without false problems about the engine's settings",
            settings: {
                engine: "postgress",
                allocatedStorageGiB: "2000",
                engineVersion: "16",
                replicaCount: "15",
            },
            problems: [
                'geoshard:engine: "postgress" is not a database engine; allowed: aurora-postgresql, postgres',
            ],
        },
        {
            name: "a bad shard engine, without false problems about its engine-only settings, version or recovery copy",
            shards: withShard(1, {
                engine: "aurora",
                storageType: "aurora-iopt1",
                engineVersion: "16",
                dr: { region: "us-east-2", vpcCidr: "10.21.0.0/16", instances: 0, promoted: false },
            }),
            problems: [
                'geoshard:shards[1].engine: "aurora" is not a database engine; allowed: aurora-postgresql, postgres',
            ],
        },
        {
            name: "a bad stack-wide allocation, without a false ceiling problem on a shard",
            settings: { engine: "postgres", allocatedStorageGiB: "lots" },
            shards: withShard(0, { maxAllocatedStorageGiB: 1050 }),
            problems: [
                'geoshard:allocatedStorageGiB: "lots" is not a whole number; allowed: 20 to 59578 GiB (gp3 allows 65536, and the autoscaling ceiling must be 10% above the allocation)',
            ],
        },
        {
            name: "a bad writer class, without a false problem about the standby's",
            shards: withShard(0, {
                masterInstanceClass: "r6g.8xlarge",
                standbyInstanceClass: "r6g.8xlarge",
            }),
            problems: [`geoshard:shards[0].masterInstanceClass: "r6g.8xlarge" ${classRule}`],
        },
        {
            name: "a fraction of a reader as not a whole number, not as out of range",
            settings: { replicaCount: "2.5", dnsTtlSeconds: "2.5" },
            problems: [
                "geoshard:replicaCount: 2.5 is not a whole number; allowed: 0 to 15 readers (on Aurora at most 14, on RDS 15)",
                'geoshard:dnsTtlSeconds: "2.5" is not a whole number; allowed: 1 to 60 seconds (a failover must not wait on DNS caches)',
            ],
        },
        {
            name: "networks with host bits set, offering the network address",
            settings: { warehouse: { region: "us-east-1", vpcCidr: "10.100.7.0/16" } },
            shards: withShard(0, {
                vpcCidr: "10.10.1.0/16",
                allowedCidrs: ["10.10.0.0/16", "192.168.10.1/24"],
                dr: { region: "us-west-1", vpcCidr: "10.11.0.5/16" },
            }),
            problems: [
                'geoshard:shards[0].vpcCidr: "10.10.1.0/16" has host bits set; did you mean 10.10.0.0/16?',
                'geoshard:shards[0].allowedCidrs[1]: "192.168.10.1/24" has host bits set; did you mean 192.168.10.0/24?',
                'geoshard:shards[0].dr.vpcCidr: "10.11.0.5/16" has host bits set; did you mean 10.11.0.0/16?',
                'geoshard:warehouse.vpcCidr: "10.100.7.0/16" has host bits set; did you mean 10.100.0.0/16?',
            ],
        },
        {
            name: "a network with host bits set whose network address would not do either",
            shards: withShard(0, { vpcCidr: "8.8.8.1/16" }),
            problems: [`geoshard:shards[0].vpcCidr: "8.8.8.1/16" ${vpcCidrRule}`],
        },
    ];
    for (const c of cases) {
        it(`with ${c.name}`, () => {
            assert.deepStrictEqual(
                problemsOf(rawConfig(c.settings, c.shards ?? referenceShards())),
                c.problems,
            );
        });
    }
});

describe("names and windows", () => {
    it("defaults each shard's windows to its region's night, in UTC, and keeps today's names", () => {
        const config = validateConfig(unqualified(rawConfig()));
        assert.deepStrictEqual(
            config.shards.map((s) => [
                s.region,
                s.namePrefix,
                s.databaseName,
                s.masterUsername,
                s.backupWindow,
                s.maintenanceWindow,
            ]),
            [
                // N. Virginia, UTC-5: 02:00 local is 07:00 UTC.
                [
                    "us-east-1",
                    "geoshard",
                    "geoshard",
                    "geoshard_admin",
                    "07:00-08:00",
                    "sun:08:30-sun:09:30",
                ],
                // N. California, UTC-8.
                [
                    "us-west-1",
                    "geoshard",
                    "geoshard",
                    "geoshard_admin",
                    "10:00-11:00",
                    "sun:11:30-sun:12:30",
                ],
                [
                    "eu-west-2",
                    "geoshard",
                    "geoshard",
                    "geoshard_admin",
                    "02:00-03:00",
                    "sun:03:30-sun:04:30",
                ],
                // Singapore, UTC+8: Sunday 03:30 local is Saturday 19:30 UTC.
                [
                    "ap-southeast-1",
                    "geoshard",
                    "geoshard",
                    "geoshard_admin",
                    "18:00-19:00",
                    "sat:19:30-sat:20:30",
                ],
            ],
        );
    });

    it("takes stack-wide names and windows, and a shard's own over them", () => {
        const config = validateConfig(
            unqualified(
                rawConfig(
                    {
                        namePrefix: "orders",
                        databaseName: "orders",
                        masterUsername: "orders_admin",
                        backupWindow: "14:00-15:00",
                    },
                    withShard(1, {
                        namePrefix: "ord",
                        databaseName: "Orders_West",
                        maintenanceWindow: "wed:05:00-wed:05:30",
                    }),
                ),
            ),
        );
        assert.deepStrictEqual(
            config.shards
                .slice(0, 2)
                .map((s) => [
                    s.namePrefix,
                    s.databaseName,
                    s.masterUsername,
                    s.backupWindow,
                    s.maintenanceWindow,
                ]),
            [
                ["orders", "orders", "orders_admin", "14:00-15:00", "sun:08:30-sun:09:30"],
                ["ord", "Orders_West", "orders_admin", "14:00-15:00", "wed:05:00-wed:05:30"],
            ],
        );
    });

    it("refuses names PostgreSQL or RDS would refuse, malformed or short windows, and windows that meet", () => {
        assert.deepStrictEqual(
            problemsOf(
                rawConfig(
                    {
                        namePrefix: "Geo_Shard",
                        masterUsername: "rdsadmin",
                        backupWindow: "3:00-04:00",
                    },
                    withShard(0, {
                        databaseName: "postgres",
                        maintenanceWindow: "sun:04:00-sun:04:20",
                    }),
                ),
            ),
            [
                'geoshard:namePrefix: "Geo_Shard" is not a name prefix; allowed: up to 16 lowercase letters, digits and single hyphens, starting with a letter (it starts every RDS identifier)',
                'geoshard:masterUsername: "rdsadmin" is a role name PostgreSQL or RDS reserves; allowed: 1 to 16 letters, digits or underscores, starting with a letter, not a reserved word, not public or none, not starting with pg_ or rds',
                'geoshard:backupWindow: "3:00-04:00" is not a backup window; allowed: hh24:mi-hh24:mi in UTC, e.g. 18:00-19:00',
                'geoshard:shards[0].databaseName: "postgres" is a database every instance has already; allowed: 1 to 63 letters, digits or underscores, starting with a letter, not a reserved word, not postgres, template0, template1 or rdsadmin',
                'geoshard:shards[0].maintenanceWindow: "sun:04:00-sun:04:20" is shorter than 30 minutes; allowed: a window of 30 minutes or more',
            ],
        );
        assert.deepStrictEqual(
            problemsOf(
                rawConfig(
                    { masterUsername: "user", databaseName: "1orders" },
                    withShard(2, {
                        backupWindow: "03:00-04:00",
                        maintenanceWindow: "sun:03:30-sun:04:30",
                    }),
                ),
            ),
            [
                'geoshard:databaseName: "1orders" is not a database name; allowed: 1 to 63 letters, digits or underscores, starting with a letter, not a reserved word, not postgres, template0, template1 or rdsadmin',
                'geoshard:masterUsername: "user" is a reserved word of PostgreSQL; allowed: 1 to 16 letters, digits or underscores, starting with a letter, not a reserved word, not public or none, not starting with pg_ or rds',
                'geoshard:shards[2].maintenanceWindow: "sun:03:30-sun:04:30" meets the backup window 03:00-04:00; allowed: windows that never overlap (RDS refuses a backup window that conflicts with the maintenance window)',
            ],
        );
    });

    it("refuses a prefix and a name that make an RDS identifier longer than 63 characters", () => {
        const name = "abcdefghijklmnopqrst";
        // geoshard-prod-<20>-recovery-cluster: 8 + 4 + 20 + 3 + 17 = 52.
        assert.deepStrictEqual(problemsOf(rawConfig({}, withShard(0, { name }))), []);
        // A 16-character prefix: 16 + 4 + 20 + 3 + 17 = 60, still within 63.
        assert.deepStrictEqual(
            problemsOf(rawConfig({ namePrefix: "abcdefghijklmnop" }, withShard(0, { name }))),
            [],
        );
        assert.deepStrictEqual(
            problemsOf(
                rawConfig(
                    { namePrefix: "abcdefghijklmnop", environment: "prod-emea" },
                    withShard(0, { name }),
                ),
            ),
            [
                `geoshard:shards[0].name: "${name}" makes the RDS identifier abcdefghijklmnop-prod-emea-${name}-recovery-cluster 64 characters long; allowed: up to 63: shorten the shard name or the namePrefix (abcdefghijklmnop)`,
            ],
        );
    });

    it("takes a longer prefix: a DMS identifier past 31 characters is derived shorter, not refused", () => {
        assert.deepStrictEqual(problemsOf(rawConfig({ namePrefix: "geoshard-orders" })), []);
        const identifier = replicationIdentifier("prod", "us-east", "geoshard-orders");
        assert.strictEqual(identifier, "geoshard-orders-prod-us-east-cdc");
        assert.match(dmsResourceIdentifier(identifier), /^geoshard-orders-prod-u-[0-9a-f]{8}$/);
        // The shorter names keep their identifier, and with it their replication's ARN.
        const fits = replicationIdentifier("prod", "asia", "geoshard-orders");
        assert.strictEqual(dmsResourceIdentifier(fits), fits);
    });
});

describe("security-group access", () => {
    it("takes distinct security group IDs beside the CIDRs, and refuses anything else", () => {
        const ids = ["sg-0123456789abcdef0", "sg-01234567"];
        assert.deepStrictEqual(
            validateConfig(
                unqualified(rawConfig({}, withShard(0, { allowedSecurityGroupIds: ids }))),
            ).shards[0].allowedSecurityGroupIds,
            ids,
        );
        assert.deepStrictEqual(
            problemsOf(
                rawConfig(
                    {},
                    withShard(0, {
                        allowedSecurityGroupIds: ["sg-01234567", "sg-01234567", "app-servers"],
                    }),
                ),
            ),
            [
                'geoshard:shards[0].allowedSecurityGroupIds[1]: "sg-01234567" is listed twice',
                'geoshard:shards[0].allowedSecurityGroupIds[2]: "app-servers" is not a security group ID; expected sg- and 8 or 17 hex digits',
            ],
        );
        assert.deepStrictEqual(
            problemsOf(rawConfig({}, withShard(0, { allowedSecurityGroupIds: "sg-01234567" }))),
            [
                'geoshard:shards[0].allowedSecurityGroupIds: "sg-01234567" is not a list of security group IDs',
            ],
        );
    });
});

describe("reader autoscaling", () => {
    it("takes a range above replicaCount on Aurora, and refuses it on RDS or out of range", () => {
        assert.deepStrictEqual(
            validateConfig(
                unqualified(
                    rawConfig(
                        {},
                        withShard(0, {
                            readerAutoscaling: {
                                maxReaders: 8,
                                metric: "connections",
                                targetValue: 500,
                            },
                        }),
                    ),
                ),
            ).shards[0].readerAutoscaling,
            { maxReaders: 8, metric: "connections", targetValue: 500 },
        );
        assert.deepStrictEqual(
            problemsOf(
                rawConfig({}, [
                    ...withShard(0, {
                        readerAutoscaling: { maxReaders: 15, metric: "memory", targetValue: 95 },
                    }).slice(0, 2),
                    {
                        ...referenceShards()[2],
                        engine: "postgres",
                        readerAutoscaling: { maxReaders: 4 },
                    },
                    referenceShards()[3],
                ]),
            ),
            [
                "geoshard:shards[0].readerAutoscaling.maxReaders: 15 is out of range; allowed: 3 to 14 (above replicaCount 2, the floor; Aurora allows 15 replicas, one of them the standby)",
                'geoshard:shards[0].readerAutoscaling.metric: "memory" is not a scaling metric; allowed: cpu, connections',
                "geoshard:shards[0].readerAutoscaling.targetValue: 95 is out of range; allowed: 10 to 90 percent CPU",
                'geoshard:shards[2].readerAutoscaling: {"maxReaders":4} is a setting of the aurora-postgresql engine only; RDS read replicas do not autoscale: remove it',
            ],
        );
    });
});

describe("restore", () => {
    it("takes a snapshot or a point in time per shard, and refuses what AWS cannot do", () => {
        const restore = {
            sourceIdentifier: "geoshard-prod-us-west-cluster",
            restoreTime: "2026-12-04T09:41:00Z",
        };
        const shards = referenceShards();
        shards[1] = { ...shards[1], restore } as (typeof shards)[1];
        assert.deepStrictEqual(
            validateConfig(unqualified(rawConfig({}, shards))).shards[1].restore,
            restore,
        );
        assert.deepStrictEqual(
            problemsOf(
                rawConfig(
                    {},
                    withShard(0, {
                        restore: { snapshotIdentifier: "orders-1", sourceIdentifier: "orders" },
                    }),
                ),
            ),
            [
                'geoshard:shards[0].restore: {"snapshotIdentifier":"orders-1","sourceIdentifier":"orders"} is not a restore; expected { snapshotIdentifier } or { sourceIdentifier, restoreTime | useLatestRestorableTime: true }, not both',
            ],
        );
    });
});

describe("extra parameters", () => {
    it("merges a shard's over the stack's, by group and name; RDS shards take no cluster group", () => {
        const config = validateConfig(
            unqualified(
                rawConfig(
                    {
                        parameters: JSON.stringify({
                            cluster: { work_mem: "65536" },
                            instance: { idle_in_transaction_session_timeout: 600000 },
                        }),
                    },
                    withShard(1, {
                        engine: "postgres",
                        parameters: {
                            instance: {
                                work_mem: { value: "32768", applyMethod: "immediate" },
                            },
                        },
                    }),
                ),
            ),
        );
        assert.deepStrictEqual(
            config.shards.slice(0, 2).map((s) => s.parameters),
            [
                {
                    cluster: { work_mem: "65536" },
                    instance: { idle_in_transaction_session_timeout: 600000 },
                },
                {
                    instance: {
                        idle_in_transaction_session_timeout: 600000,
                        work_mem: { value: "32768", applyMethod: "immediate" },
                    },
                },
            ],
        );
        assert.deepStrictEqual(validateConfig(unqualified(rawConfig())).shards[0].parameters, {
            cluster: {},
            instance: {},
        });
    });

    it("refuses the parameters the stack manages, with the reason, and what is not a parameter", () => {
        assert.deepStrictEqual(
            problemsOf(
                rawConfig(
                    {
                        parameters: JSON.stringify({
                            cluster: { "rds.force_ssl": "0", apg_ccm_enabled: "0" },
                            instances: {},
                        }),
                    },
                    withShard(2, {
                        engine: "postgres",
                        parameters: {
                            cluster: { work_mem: "1" },
                            instance: {
                                "rds.logical_replication": "0",
                                max_slot_wal_keep_size: "-1",
                                shared_preload_libraries: "pg_cron",
                                "Work-Mem": "1",
                                statement_timeout: { value: "1", applyMethod: "later" },
                            },
                        },
                    }),
                ),
            ),
            [
                "geoshard:parameters.instances: {} is not a known key; did you mean instance?",
                'geoshard:parameters.cluster.rds.force_ssl: "0" is managed by the stack: the stack requires TLS on every connection',
                'geoshard:parameters.cluster.apg_ccm_enabled: "0" is managed by the stack: the stack keeps the tier-0 standby\'s cache warm, and turns it off in a global database, where AWS does not support it',
                'geoshard:shards[2].parameters.cluster: {"work_mem":"1"} is a group of Aurora only; RDS for PostgreSQL has one DB parameter group: set these under instance',
                'geoshard:shards[2].parameters.instance.rds.logical_replication: "0" is managed by the stack: CDC reads the shard through a logical replication slot, which needs it on',
                'geoshard:shards[2].parameters.instance.max_slot_wal_keep_size: "-1" is managed by the stack: the stack caps the WAL a CDC slot may hold from the storage (volumeAlarmGiB, or allocatedStorageGiB on RDS)',
                'geoshard:shards[2].parameters.instance.shared_preload_libraries: "pg_cron" is managed by the stack: the stack preloads pg_stat_statements, which a list set here would drop',
                'geoshard:shards[2].parameters.instance.Work-Mem: "Work-Mem" is not a PostgreSQL parameter name; allowed: lowercase letters, digits, underscores and dots',
                'geoshard:shards[2].parameters.instance.statement_timeout: {"value":"1","applyMethod":"later"} is not a parameter value; allowed: a string, a number, or { value, applyMethod: immediate | pending-reboot }',
            ],
        );
    });
});

describe("stack files", () => {
    it("declare in Pulumi.yaml the same defaults the component applies", () => {
        const declared = projectDefaults();
        const expected: Record<string, unknown> = {
            "geoshard:deletionProtection": true,
            "geoshard:stackRole": "all",
        };
        // Settings of one engine carry no project default: a default would count as stated.
        const engineOnly: readonly string[] = Object.values(engineOnlySettings).flat();
        for (const key of inheritedSettingKeys.filter((k) => !engineOnly.includes(k))) {
            expected[`geoshard:${key}`] = shardDefaults[key];
        }
        for (const key of operationKeys) {
            expected[`geoshard:${key}`] = operationDefaults[key];
        }
        assert.deepStrictEqual(declared, expected);
    });

    it("prod holds the reference's four shards with the design card's classes", () => {
        const config = validateConfig(unqualified(readStackConfig("prod")));
        assert.deepStrictEqual(
            config.shards.map((s) => [
                s.name,
                s.region,
                s.cities.join(" "),
                s.masterInstanceClass,
                s.replicaInstanceClass,
                s.replicaCount,
            ]),
            [
                ["us-east", "us-east-1", "new_york boston", "db.r6g.8xlarge", "db.r6g.4xlarge", 2],
                [
                    "us-west",
                    "us-west-1",
                    "san_francisco los_angeles",
                    "db.r6g.8xlarge",
                    "db.r6g.4xlarge",
                    2,
                ],
                [
                    "europe",
                    "eu-west-2",
                    "london paris berlin",
                    "db.r6g.8xlarge",
                    "db.r6g.4xlarge",
                    2,
                ],
                [
                    "asia",
                    "ap-southeast-1",
                    "tokyo singapore mumbai",
                    "db.r6g.8xlarge",
                    "db.r6g.4xlarge",
                    2,
                ],
            ],
        );
    });

    it("dev has prod's topology on smaller classes", () => {
        const prod = validateConfig(unqualified(readStackConfig("prod")));
        const dev = validateConfig(unqualified(readStackConfig("dev")));
        assert.strictEqual(dev.environment, "dev");
        assert.deepStrictEqual(
            dev.shards.map((s) => [s.name, s.region, s.cities, s.replicaCount]),
            prod.shards.map((s) => [s.name, s.region, s.cities, s.replicaCount]),
        );
        assert.ok(
            dev.shards.every(
                (s) =>
                    s.masterInstanceClass === "db.r6g.large" &&
                    s.replicaInstanceClass === "db.r6g.large",
            ),
        );
    });
});

describe("config validation: application VPCs", () => {
    const vpc = { region: "us-east-1", vpcId: "vpc-0a1b2c3d4e5f60718", cidr: "10.200.0.0/16" };
    const allowed = "a private IPv4 CIDR (10/8, 172.16/12, 192.168/16, 100.64/10) from /16 to /28";

    it("defaults to none, and reads a list of { region, vpcId, cidr } as given", () => {
        assert.deepStrictEqual(validateConfig(unqualified(rawConfig())).applicationVpcs, []);
        const other = {
            region: "eu-west-2",
            vpcId: "vpc-0a1b2c3d4e5f60719",
            cidr: "172.16.0.0/28",
        };
        assert.deepStrictEqual(
            validateConfig(unqualified(rawConfig({ applicationVpcs: [vpc, other] })))
                .applicationVpcs,
            [vpc, other],
        );
    });

    const cases: { name: string; value: unknown; shards?: ShardEntry[]; problems: string[] }[] = [
        {
            name: "a value that is not a list",
            value: vpc,
            problems: [
                `geoshard:applicationVpcs: ${JSON.stringify(vpc)} is not a list of { region, vpcId, cidr }`,
            ],
        },
        {
            name: "an unknown key and a missing VPC id",
            value: [{ region: "us-east-1", cidr: "10.200.0.0/16", vpc: "vpc-0a1b2c3d4e5f60718" }],
            problems: [
                'geoshard:applicationVpcs[0].vpc: "vpc-0a1b2c3d4e5f60718" is not a known key; did you mean vpcId?',
                "geoshard:applicationVpcs[0].vpcId: missing; expected a VPC id such as vpc-0123456789abcdef0",
            ],
        },
        {
            name: "a malformed VPC id, an unknown region and a public CIDR",
            value: [{ region: "us-east-9", vpcId: "vpc-1", cidr: "8.8.0.0/16" }],
            problems: [
                `geoshard:applicationVpcs[0].region: "us-east-9" is not a known AWS region; allowed: ${awsRegions.join(", ")}`,
                'geoshard:applicationVpcs[0].vpcId: "vpc-1" is not a VPC id; expected vpc-0123456789abcdef0',
                `geoshard:applicationVpcs[0].cidr: "8.8.0.0/16" is not a usable VPC CIDR; allowed: ${allowed}`,
            ],
        },
        {
            name: "a CIDR with host bits, and a VPC listed twice",
            value: [vpc, { ...vpc, cidr: "10.201.1.0/16" }],
            problems: [
                'geoshard:applicationVpcs[1].vpcId: "vpc-0a1b2c3d4e5f60718" is listed twice; each VPC once',
                'geoshard:applicationVpcs[1].cidr: "10.201.1.0/16" has host bits set; did you mean 10.201.0.0/16?',
            ],
        },
        {
            name: "a network that overlaps a shard's and the warehouse's",
            value: [
                { ...vpc, cidr: "10.30.128.0/17" },
                { ...vpc, vpcId: "vpc-0a1b2c3d4e5f60719", cidr: "10.100.0.0/24" },
            ],
            problems: [
                'geoshard:applicationVpcs[0].cidr: "10.30.128.0/17" overlaps geoshard:shards[2].vpcCidr (10.30.0.0/16); an application network is routed to the databases, and overlapping networks cannot be',
                'geoshard:applicationVpcs[1].cidr: "10.100.0.0/24" overlaps geoshard:warehouse.vpcCidr (10.100.0.0/16); an application network is routed to the databases, and overlapping networks cannot be',
            ],
        },
        {
            name: "a shard's existing VPC, which the shard associates already",
            value: [{ region: "eu-west-2", vpcId: "vpc-0abc0abc0abc0abc0", cidr: "172.16.0.0/16" }],
            shards: withShard(2, {
                existingVpc: {
                    vpcId: "vpc-0abc0abc0abc0abc0",
                    subnetIds: ["subnet-0aaa0aaa0aaa0aaa0", "subnet-0bbb0bbb0bbb0bbb0"],
                },
            }),
            problems: [
                'geoshard:applicationVpcs[0].vpcId: "vpc-0abc0abc0abc0abc0" is geoshard:shards[2].existingVpc.vpcId (europe), which the shard associates with the zone already',
            ],
        },
    ];
    for (const c of cases) {
        it(`refuses ${c.name}`, () => {
            assert.deepStrictEqual(
                problemsOf(rawConfig({ applicationVpcs: c.value }, c.shards ?? referenceShards())),
                c.problems,
            );
        });
    }
});

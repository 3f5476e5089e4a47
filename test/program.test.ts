import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ProgramError } from "../tools/mockRuntime";
import { buildPlan, planUsage, renderPlan } from "../tools/plan";
import { readStackConfig } from "../tools/stackConfig";
import { projectDir, referenceShards, run, runPlan, sharedRun } from "./helpers";

describe("the program refuses bad config before declaring anything", () => {
    const badConfigs: {
        name: string;
        settings?: Record<string, unknown>;
        shards?: unknown;
        message: string;
    }[] = [
        {
            name: "no shards",
            shards: [],
            message:
                "invalid geoshard configuration (1 problem):\n  - geoshard:shards: [] is not a non-empty list of { name, region, vpcCidr, cities }",
        },
        {
            name: "overlapping networks and a bad class",
            shards: referenceShards().map((s, i) =>
                i === 3 ? { ...s, vpcCidr: "10.10.0.0/16", replicaInstanceClass: "large" } : s,
            ),
            message: [
                "invalid geoshard configuration (2 problems):",
                '  - geoshard:shards[3].replicaInstanceClass: "large" is not an RDS instance class; expected db.<family>.<size>, e.g. db.r6g.4xlarge',
                '  - geoshard:shards[3].vpcCidr: "10.10.0.0/16" overlaps geoshard:shards[0].vpcCidr (10.10.0.0/16); shard networks are peered and must not overlap',
            ].join("\n"),
        },
        {
            name: "no environment",
            settings: { environment: undefined },
            message:
                "invalid geoshard configuration (1 problem):\n  - geoshard:environment: missing; expected dev, staging, prod, or one of them, a hyphen and a word of lowercase letters and digits (e.g. prod-split), at most 12 characters",
        },
    ];

    for (const bad of badConfigs) {
        it(`with ${bad.name}`, async () => {
            await assert.rejects(
                run(bad.settings, bad.shards ?? referenceShards()),
                (error: unknown) => {
                    assert.ok(error instanceof ProgramError);
                    assert.ok(
                        pulumi.RunError.isInstance(error.cause),
                        "a RunError prints without a stack trace",
                    );
                    assert.strictEqual(error.message, bad.message);
                    assert.deepStrictEqual(
                        error.resources,
                        [],
                        "nothing is registered, not even a provider",
                    );
                    return true;
                },
            );
        });
    }
});

describe("offline plan", () => {
    it("prints the four prod shards with the design card's classes", async () => {
        const { code, out: text, err } = await runPlan(["--stack", "prod"]);
        assert.strictEqual(code, 0, err);
        for (const shard of ["us-east", "us-west", "europe", "asia"]) {
            assert.match(text, new RegExp(`^Shard ${shard} `, "m"));
            for (const [role, label, instanceClass, tier] of [
                ["writer", "writer", "8xlarge", 0],
                ["standby", "standby", "8xlarge", 0],
                ["reader", "reader-1", "4xlarge", 15],
                ["reader", "reader-2", "4xlarge", 15],
            ]) {
                assert.match(
                    text,
                    new RegExp(
                        `^  ${role} +geoshard-prod-${shard}-${label} +db\\.r6g\\.${instanceClass} +${shard === "us-west" ? "us-west-1[ac]" : "\\S+"} +${tier} `,
                        "m",
                    ),
                );
            }
        }
        assert.match(
            text,
            /^  engine    aurora-postgresql 17\.7, storage Aurora Standard, backups 14 d, the standby's cache kept warm$/m,
        );
        // Where the credentials survive a region loss, and where events are reported.
        const europe = text.slice(text.indexOf("Shard europe"), text.indexOf("Shard asia"));
        assert.deepStrictEqual(
            europe
                .split("\n")
                .filter((line) => /^  (secret|routes) |^ {12}\S+ (RDS|EventBridge)/.test(line)),
            [
                "  secret    geoshard-prod-europe-master-credentials, replicated to eu-west-1 (recovery key), us-east-1 (warehouse key)",
                "  routes    eu-west-2 RDS db-cluster: failover, failure, global-failover, maintenance, notification -> geoshard-prod-europe-alarms",
                "            eu-west-2 RDS db-instance: failure, maintenance, notification -> geoshard-prod-europe-alarms",
                "            eu-west-1 RDS db-cluster (recovery): failover, failure, global-failover, maintenance, notification -> geoshard-prod-europe-recovery-alarms",
                "            us-east-1 EventBridge rule geoshard-prod-warehouse-replication-state: DMS Replication State Change -> geoshard-prod-warehouse-alarms",
            ],
        );
        assert.match(
            text,
            /^  writer    writer\.europe\.db\.internal \(TTL 5 s\) -> the global writer endpoint, which follows a failover, a switchover and a region failover$/m,
        );
        assert.match(
            text,
            /^  reader    reader\.europe\.db\.internal -> PRIMARY the custom READER endpoint geoshard-prod-europe-readers: geoshard-prod-europe-reader-1, geoshard-prod-europe-reader-2 and any reader added later \(never the standby\), while one reader is healthy; SECONDARY the recovery cluster's reader endpoint$/m,
        );
        // Every shard recovers into another region; the EU shard inside the EU.
        // The recovery instance goes to the region's first AZ by zone ID.
        for (const [shard, region, az] of [
            ["us-east", "us-west-1", "us-west-1c"],
            ["us-west", "us-east-1", "us-east-1c"],
            ["europe", "eu-west-1", "eu-west-1a"],
            ["asia", "ap-northeast-1", "ap-northeast-1a"],
        ]) {
            assert.match(
                text,
                new RegExp(
                    `^  recovery  ${region}: geoshard-prod-${shard}-recovery-1 db\\.r6g\\.8xlarge ${az} tier 0; alarms geoshard-prod-${shard}-recovery-global-replication-lag, geoshard-prod-${shard}-recovery-global-rpo-lag$`,
                    "m",
                ),
            );
            assert.match(
                text,
                new RegExp(
                    `^  region    ${region}, Aurora secondary, 1 instance: up to 5 min; as \\[R1\\] above$`,
                    "m",
                ),
            );
        }
        // Said once for the four shards, each of which refers to it.
        assert.match(
            text,
            /^  \[R1\] us-east, us-west, europe, asia: the recovery region, Aurora secondary, 1 instance: about 5 min to promote the secondary \(AWS: "RTO can be in the order of minutes"; 5 min planned here\); .*meets the reference's 5 min \(Aurora secondary, headless \(storage only\) instead: about 17 min\)\. Source: https:\/\/docs\.aws\.amazon\.com\/AmazonRDS\/latest\/AuroraUserGuide\/aurora-global-database-disaster-recovery\.html$/m,
        );
        assert.match(
            text,
            /^  \[F1\] us-east, us-west, europe, asia: often under 30 s, typically under 60 s without writes \(AWS: "service is typically restored in less than 60 seconds, and often less than 30 seconds"\) \+ DNS TTL 5 s; reference 30 s: .*Committed writes lost: none: .*Source: https:\/\/docs\.aws\.amazon\.com\/AmazonRDS\/latest\/AuroraUserGuide\/Concepts\.AuroraHighAvailability\.html$/m,
        );
        assert.strictEqual(text.match(/Committed writes lost/g)?.length, 1);
        assert.strictEqual(
            text.match(
                /^  failover  often under 30 s, typically under 60 s \+ DNS TTL 5 s; as \[F1\] above$/gm,
            )?.length,
            4,
        );
        assert.match(
            text,
            /^  alarms    22 alarms, each named geoshard-prod-europe-<what it watches>:\n {12}writer: cpu, freeable-memory, connections, free-local-storage\n {12}standby, reader-1, reader-2: cpu, freeable-memory, connections, free-local-storage, replica-lag\n {12}the shard: volume-used, replication-slot-lag, transaction-logs-disk$/m,
        );
        assert.match(text, /^Total: \d+ resources$/m);
        assert.match(
            text,
            /shardMap\.cityToShard +new_york->us-east boston->us-east san_francisco->us-west/,
        );
    });

    it("prints the same plan as JSON", async () => {
        const { code, out } = await runPlan(["--stack", "dev", "--json"]);
        assert.strictEqual(code, 0);
        const plan = JSON.parse(out);
        assert.strictEqual(plan.environment, "dev");
        assert.deepStrictEqual(
            plan.shards.map((s: any) => [
                s.name,
                s.instances.map(
                    (i: any) => `${i.role}:${i.instanceClass}:${i.promotionTier}:${i.protect}`,
                ),
            ]),
            ["us-east", "us-west", "europe", "asia"].map((name) => [
                name,
                [
                    "writer:db.r6g.large:0:false",
                    "standby:db.r6g.large:0:false",
                    "reader:db.r6g.large:15:false",
                    "reader:db.r6g.large:15:false",
                ],
            ]),
        );
        // By zone ID: us-west-1c is usw1-az1, us-west-1a usw1-az3 in the mocked account.
        assert.deepStrictEqual(plan.shards[1].subnets, [
            { availabilityZone: "us-west-1c", cidr: "10.120.0.0/18" },
            { availabilityZone: "us-west-1a", cidr: "10.120.64.0/18" },
        ]);
    });

    it("reports both protections: Pulumi's protect and RDS deletion protection", async () => {
        const plan = buildPlan("prod", await sharedRun({ backupRetentionDays: "14" }));
        assert.deepStrictEqual(
            plan.shards[0].instances.map((i) => [
                i.role,
                i.availabilityZone,
                i.protect,
                i.deletionProtection,
            ]),
            [
                // us-east-1a is the constrained use1-az3 in the mocked account: never chosen.
                ["writer", "us-east-1c", true, true],
                ["standby", "us-east-1d", true, true],
                ["reader", "us-east-1e", false, true],
                ["reader", "us-east-1c", false, true],
            ],
        );
        assert.strictEqual(plan.shards[0].backupRetentionDays, 14);
        const text = renderPlan(plan);
        assert.match(
            text,
            /^  access    PostgreSQL 5432 from 10\.10\.0\.0\/16, 10\.100\.0\.0\/16 only; TLS required$/m,
        );
        assert.match(
            text,
            /^  writer   geoshard-prod-us-east-writer    db\.r6g\.8xlarge  us-east-1c  0     yes      yes \(cluster\)$/m,
        );
        // The region's night, and the effective parameters of both groups.
        assert.match(
            text,
            /^  windows   backups 07:00-08:00 UTC daily, maintenance sun:08:30-sun:09:30 UTC$/m,
        );
        assert.match(
            text,
            /^  params    cluster: rds\.force_ssl=1, rds\.logical_replication=1, shared_preload_libraries=pg_stat_statements, max_slot_wal_keep_size=1024000, apg_ccm_enabled=1$/m,
        );
        assert.match(
            text,
            /^  params    instance: log_min_duration_statement=1000, log_lock_waits=1$/m,
        );
    });

    it("shows a shard's reader autoscaling range and the readers' cost at both ends", async () => {
        const shards = referenceShards();
        shards[0] = { ...shards[0], readerAutoscaling: { maxReaders: 6 } } as (typeof shards)[0];
        const plan = buildPlan("prod", await run({}, shards));
        assert.deepStrictEqual(plan.shards[0].readerAutoscaling, {
            minReaders: 2,
            maxReaders: 6,
            metric: "RDSReaderAverageCPUUtilization",
            targetValue: 70,
            instanceClass: "db.r6g.8xlarge",
        });
        const text = renderPlan(plan);
        assert.match(
            text,
            /^  readers   2 to 6 by autoscaling on RDSReaderAverageCPUUtilization at 70; readers it adds are db\.r6g\.8xlarge, the writer's class$/m,
        );
        // 2 x db.r6g.4xlarge, then 4 more at the writer's db.r6g.8xlarge, 730 h a month.
        assert.match(
            text,
            /^            readers' instances \$[\d,]+\/month at 2, \$[\d,]+\/month at 6 \(list prices, instance-hours only\)$/m,
        );
    });

    it("plans the RDS for PostgreSQL engine: a Multi-AZ master and read replicas, with its own budget", async () => {
        const plan = buildPlan("prod", await sharedRun({ engine: "postgres" }));
        assert.deepStrictEqual(
            plan.shards[2].instances.map((i) => [i.role, i.identifier, i.protect]),
            [
                ["writer", "geoshard-prod-europe-master", true],
                ["reader", "geoshard-prod-europe-reader-1", false],
                ["reader", "geoshard-prod-europe-reader-2", false],
            ],
        );
        const text = renderPlan(plan);
        assert.match(
            text,
            /^  \[F1\] us-east, us-west, europe, asia: typically 60-120 s without writes \(AWS: "Failover times are typically 60-120 seconds"\) \+ DNS TTL 5 s; reference 30 s: misses the reference's 30 s/m,
        );
        assert.match(
            text,
            /^  reader    reader\.europe\.db\.internal -> weighted over geoshard-prod-europe-reader-1, geoshard-prod-europe-reader-2, each out while its lag alarm fires$/m,
        );
    });

    it("exits 1 with the validation messages on bad config", async () => {
        const root = projectDir({
            "Pulumi.broken.yaml":
                "config:\n  geoshard:environment: prod\n  geoshard:warehouse: {region: us-east-1, vpcCidr: 10.100.0.0/16}\n  geoshard:shards: []\n",
        });
        const { code, err } = await runPlan(["--stack", "broken"], root);
        assert.strictEqual(code, 1);
        assert.strictEqual(
            err,
            "plan: stack broken would not deploy:\ninvalid geoshard configuration (1 problem):\n  - geoshard:shards: [] is not a non-empty list of { name, region, vpcCidr, cities }",
        );
    });

    it("exits 2 on a stack that does not exist or a bad argument", async () => {
        const usage = planUsage;
        assert.deepStrictEqual(await runPlan(["--stack", "qa"]), {
            code: 2,
            out: "",
            err: `plan: no stack "qa": Pulumi.qa.yaml does not exist; stacks here: dev, prod\n${usage}`,
        });
        assert.deepStrictEqual(await runPlan(["--stak", "prod"]), {
            code: 2,
            out: "",
            err: `plan: unknown argument "--stak"; did you mean --stack?\n${usage}`,
        });
    });

    it("reads stack files as the CLI does: project defaults under stack values, all as text", () => {
        const config = readStackConfig("prod");
        assert.strictEqual(config["geoshard:backupRetentionDays"], "14");
        assert.strictEqual(config["geoshard:replicaCount"], "2");
        assert.strictEqual(config["geoshard:engine"], "aurora-postgresql");
        assert.strictEqual(config["geoshard:engineVersion"], undefined);
        assert.deepStrictEqual(JSON.parse(config["geoshard:warehouse"]), {
            region: "us-east-1",
            vpcCidr: "10.100.0.0/16",
        });
    });
});

import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ProgramError } from "../tools/mockRuntime";
import { buildPlan, planCommand, renderPlan } from "../tools/plan";
import { readStackConfig } from "../tools/stackConfig";
import { referenceShards, run } from "./helpers";

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
                "invalid geoshard configuration (1 problem):\n  - geoshard:environment: missing; expected one of dev, staging, prod",
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
        const out: string[] = [];
        const err: string[] = [];
        const code = await planCommand(
            ["--stack", "prod"],
            (t) => out.push(t),
            (t) => err.push(t),
        );
        assert.strictEqual(code, 0, err.join("\n"));
        const text = out.join("\n");
        for (const shard of ["us-east", "us-west", "europe", "asia"]) {
            assert.match(text, new RegExp(`^Shard ${shard} `, "m"));
            assert.match(
                text,
                new RegExp(`^  master +geoshard-prod-${shard}-master +db\\.r6g\\.8xlarge `, "m"),
            );
            assert.match(
                text,
                new RegExp(`^  standby +geoshard-prod-${shard}-standby +db\\.r6g\\.8xlarge `, "m"),
            );
            for (const n of [1, 2]) {
                assert.match(
                    text,
                    new RegExp(
                        `^  replica +geoshard-prod-${shard}-replica-${n} +db\\.r6g\\.4xlarge `,
                        "m",
                    ),
                );
            }
        }
        assert.match(
            text,
            /^  writer    writer\.europe\.db\.internal \(TTL 5 s\): PRIMARY geoshard-prod-europe-master while the master takes writes and has not failed over; SECONDARY geoshard-prod-europe-standby$/m,
        );
        assert.match(
            text,
            /^  reader    reader\.europe\.db\.internal: weighted over geoshard-prod-europe-replica-1, geoshard-prod-europe-replica-2, each out while its lag alarm fires$/m,
        );
        assert.match(
            text,
            /^  failover  detection 15-130 s \+ confirmation 20 s \+ promotion 180 s \(assumed\) \+ DNS TTL 5 s = 220-335 s without writes \(reference: 30 s; see docs\/runbooks\/failover\.md\)$/m,
        );
        assert.match(text, /^Total: \d+ resources$/m);
        assert.match(
            text,
            /shardMap\.cityToShard +new_york->us-east boston->us-east san_francisco->us-west/,
        );
    });

    it("prints the same plan as JSON", async () => {
        const out: string[] = [];
        assert.strictEqual(await planCommand(["--stack", "dev", "--json"], (t) => out.push(t)), 0);
        const plan = JSON.parse(out.join(""));
        assert.strictEqual(plan.environment, "dev");
        assert.deepStrictEqual(
            plan.shards.map((s: any) => [
                s.name,
                s.instances.map((i: any) => `${i.role}:${i.instanceClass}:${i.protected}`),
            ]),
            ["us-east", "us-west", "europe", "asia"].map((name) => [
                name,
                [
                    "master:db.r6g.large:false",
                    "standby:db.r6g.large:false",
                    "replica:db.r6g.large:false",
                    "replica:db.r6g.large:false",
                ],
            ]),
        );
        assert.deepStrictEqual(plan.shards[1].subnets, [
            { availabilityZone: "us-west-1a", cidr: "10.120.0.0/18" },
            { availabilityZone: "us-west-1c", cidr: "10.120.64.0/18" },
        ]);
    });

    it("reports which instances are encrypted how, and which are protected", async () => {
        const plan = buildPlan("prod", await run({ backupRetentionDays: "14" }));
        assert.deepStrictEqual(
            plan.shards[0].instances.map((i) => [
                i.role,
                i.encryption,
                i.backupRetentionDays,
                i.protected,
            ]),
            [
                ["master", "customer key", 14, true],
                ["standby", "source's key", 14, true],
                ["replica", "source's key", 0, false],
                ["replica", "source's key", 0, false],
            ],
        );
        assert.match(
            renderPlan(plan),
            /^  access    PostgreSQL 5432 from 10\.10\.0\.0\/16, 10\.100\.0\.0\/16 only; TLS required$/m,
        );
    });

    it("exits 1 with the validation messages on bad config", async () => {
        const root = makeStackDir(
            "geoshard:environment: prod\n  geoshard:warehouse: {region: us-east-1, vpcCidr: 10.100.0.0/16}\n  geoshard:shards: []",
        );
        const err: string[] = [];
        const code = await planCommand(
            ["--stack", "broken"],
            () => undefined,
            (t) => err.push(t),
            root,
        );
        assert.strictEqual(code, 1);
        assert.strictEqual(
            err.join("\n"),
            "plan: stack broken would not deploy:\ninvalid geoshard configuration (1 problem):\n  - geoshard:shards: [] is not a non-empty list of { name, region, vpcCidr, cities }",
        );
    });

    it("exits 2 on a stack that does not exist or a bad argument", async () => {
        const err: string[] = [];
        assert.strictEqual(
            await planCommand(
                ["--stack", "qa"],
                () => undefined,
                (t) => err.push(t),
            ),
            2,
        );
        assert.strictEqual(
            await planCommand(
                ["--stak", "prod"],
                () => undefined,
                (t) => err.push(t),
            ),
            2,
        );
        assert.deepStrictEqual(err, [
            'plan: no stack "qa": Pulumi.qa.yaml does not exist; stacks here: dev, prod\nusage: npm run plan -- --stack NAME [--json]',
            'plan: unknown argument "--stak"\nusage: npm run plan -- --stack NAME [--json]',
        ]);
    });

    it("reads stack files as the CLI does: project defaults under stack values, all as text", () => {
        const config = readStackConfig("prod");
        assert.strictEqual(config["geoshard:backupRetentionDays"], "14");
        assert.strictEqual(config["geoshard:replicaCount"], "2");
        assert.strictEqual(config["geoshard:engineVersion"], "17");
        assert.deepStrictEqual(JSON.parse(config["geoshard:warehouse"]), {
            region: "us-east-1",
            vpcCidr: "10.100.0.0/16",
        });
    });
});

/** A project directory with the real Pulumi.yaml and one extra stack file. */
function makeStackDir(configBody: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "geoshard-plan-"));
    fs.copyFileSync(path.join(__dirname, "..", "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    fs.writeFileSync(path.join(dir, "Pulumi.broken.yaml"), `config:\n  ${configBody}\n`);
    return dir;
}

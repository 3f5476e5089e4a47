import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { policies } from "../policies/rules";
import { appliesIn, listedIn } from "../policies/rules/environment";
import { replicationIdentifier } from "../components/cdc";
import { environmentNameMaxLength, shardNameMaxLength } from "../config/schema";
import { warehouseNames } from "../components/warehouse";
import { mockAccountId, ProgramRun, runProgram } from "../tools/mockRuntime";
import { stackPolicyConfigFile } from "../tools/plan";
import { evaluatePolicies, PolicyConfig } from "../tools/policyEval";
import { readStackConfig } from "../tools/stackConfig";
import {
    prodShards,
    projectDir,
    rawConfig,
    referenceShards,
    runPlan,
    stackPolicyConfig,
    types,
} from "./helpers";

const repo = path.join(__dirname, "..");

/** The mandatory violations of a run, as `policy: resource: message`. */
function mandatory(run: ProgramRun, config: PolicyConfig = {}): string[] {
    return evaluatePolicies(run.resources, policies, config)
        .violations.filter((v) => v.enforcementLevel === "mandatory")
        .map((v) => `${v.policy}: ${v.resource}: ${v.message}`);
}

/** Every database resource RDS deletion protection applies to. */
const protectable = [types.cluster, "aws:rds/globalCluster:GlobalCluster", types.instance];

describe("config and the policy pack agree", () => {
    it("lets a dev stack being torn down, with no readers or one on either engine, pass the pack", async () => {
        // Pulumi.dev.yaml as the CLI reads it, with deletion protection off and few readers.
        const dev = readStackConfig("dev");
        const shards = JSON.parse(dev["geoshard:shards"]);
        shards[0].replicaCount = 0;
        shards[1].replicaCount = 1;
        Object.assign(shards[2], {
            engine: "postgres",
            replicaCount: 0,
            dr: { ...shards[2].dr, instances: 1 },
        });
        const run = await runProgram({
            ...dev,
            "geoshard:deletionProtection": "false",
            "geoshard:shards": JSON.stringify(shards),
        });
        // Deletion protection is off on every database that has it, and nothing is protected.
        const databases = run.resources.filter(
            (r) => protectable.includes(r.type) && !r.inputs.replicateSourceDb,
        );
        assert.ok(databases.length >= 9, `${databases.length} databases`);
        for (const db of databases) {
            assert.strictEqual(db.inputs.deletionProtection, false, db.name);
        }
        assert.deepStrictEqual(
            run.resources.filter((r) => r.protect).map((r) => r.name),
            [],
        );
        assert.deepStrictEqual(mandatory(run), []);
        assert.deepStrictEqual(mandatory(run, stackPolicyConfig("dev")), []);
    });

    it("lets the longest names and largest counts config accepts pass the pack, on both engines", async () => {
        // The longest environment name and the longest shard names config accepts.
        const longest = "abcdefghij-lmnopqrst";
        const other = "zyxwvutsrq-ponmlkjih";
        assert.strictEqual(longest.length, shardNameMaxLength);
        const environment = "staging-abcd";
        assert.strictEqual(environment.length, environmentNameMaxLength);
        const run = await runProgram(
            rawConfig(
                {
                    environment,
                    proxy: "true",
                    deletionProtection: "false",
                    warehouse: {
                        region: "us-east-1",
                        vpcCidr: "10.100.0.0/16",
                        redshift: true,
                        createDmsVpcRole: true,
                    },
                },
                [
                    {
                        ...referenceShards()[3],
                        name: longest,
                        engine: "postgres",
                        replicaCount: 15,
                        dr: { region: "ap-northeast-1", vpcCidr: "10.41.0.0/16" },
                    },
                    {
                        ...referenceShards()[2],
                        name: other,
                        // The most beside a recovery cluster: Aurora's 15 readers include it.
                        replicaCount: 13,
                        residency: "eu",
                        cdc: { residencyWaiver: "TIA-2026-0042" },
                        dr: { region: "eu-west-1", vpcCidr: "10.31.0.0/16", instances: 15 },
                    },
                ],
            ),
        );
        assert.deepStrictEqual(mandatory(run), []);
        // The replications keep their identifiers; their ARNs' resource identifiers are cut to
        // DMS's 31 characters with a hash, distinct per shard.
        const replications = run.resources.filter((r) => r.type === types.replication);
        assert.deepStrictEqual(
            replications.map((r) => r.inputs.replicationConfigIdentifier).sort(),
            [longest, other].map((name) => replicationIdentifier(environment, name)).sort(),
        );
        assert.deepStrictEqual(
            replications.map((r) => r.inputs.resourceIdentifier).sort(),
            ["geoshard-staging-abcd-18b40850", "geoshard-staging-abcd-04e3eec0"].sort(),
        );
    });

    it("plans a 20-character shard name in prod under prod's policy config, and refuses 21", async () => {
        const shards = prodShards();
        shards[3].name = "asia-pacific-central";
        assert.strictEqual(shards[3].name.length, 20);
        const run = await runProgram({
            ...readStackConfig("prod"),
            "geoshard:shards": JSON.stringify(shards),
        });
        assert.deepStrictEqual(mandatory(run, stackPolicyConfig("prod")), []);
        const replication = run.resources.find(
            (r) => r.type === types.replication && r.inputs.tags?.shard === shards[3].name,
        )!;
        assert.strictEqual(
            replication.inputs.replicationConfigIdentifier,
            "geoshard-prod-asia-pacific-central-cdc",
        );
        assert.strictEqual(
            replication.inputs.resourceIdentifier,
            "geoshard-prod-asia-pac-a99e7c7b",
        );
        // Today's short names keep their replication's ARN.
        const europe = run.resources.find(
            (r) => r.type === types.replication && r.inputs.tags?.shard === "europe",
        )!;
        assert.strictEqual(europe.inputs.resourceIdentifier, "geoshard-prod-europe-cdc");

        shards[3].name = "asia-pacific-centrals";
        await assert.rejects(
            runProgram({ ...readStackConfig("prod"), "geoshard:shards": JSON.stringify(shards) }),
            (error: Error) =>
                error.message.includes(
                    'geoshard:shards[3].name: "asia-pacific-centrals" is not a shard name; allowed: up to 20 lowercase letters',
                ),
        );
    });

    it("keeps prod's stricter rules in prod's policy config, not in the pack's defaults", async () => {
        // A prod shard that config accepts: no readers, no recovery region.
        const run = await runProgram(
            rawConfig({ engine: "postgres", replicaCount: "0" }, [referenceShards()[2]]),
        );
        assert.deepStrictEqual(mandatory(run), []);
        assert.deepStrictEqual(mandatory(run, stackPolicyConfig("prod")), [
            "shard-topology: europe: Shard europe: has 0 readers; raise replicaCount to at least 2.",
            "region-loss-recovery: europe: Shard europe: has no recovery region; in prod a region loss would take its data and names: set dr: { region, vpcCidr } on the shard.",
        ]);
    });

    it("holds an environment of the prod tier to the rules that list prod", async () => {
        assert.strictEqual(listedIn(["prod"], "prod-split"), true);
        assert.strictEqual(listedIn(["prod"], "prodx"), false);
        assert.strictEqual(listedIn(["prod"], "dev-redshift"), false);
        assert.strictEqual(listedIn(["prod-split"], "prod"), false);
        assert.strictEqual(appliesIn(["prod"], { tags: { environment: "prod-split" } }), true);
        const run = await runProgram(
            rawConfig({ environment: "prod-split", engine: "postgres", replicaCount: "2" }, [
                referenceShards()[2],
            ]),
        );
        // The program protects its databases as in prod, and prod's policy config applies.
        assert.ok(run.resources.filter((r) => r.protect).length > 0);
        assert.deepStrictEqual(mandatory(run, stackPolicyConfig("prod")), [
            "region-loss-recovery: europe: Shard europe: has no recovery region; in prod-split a region loss would take its data and names: set dr: { region, vpcCidr } on the shard.",
        ]);
    });

    it("gives every stack a policy config, which CI passes to the plan and to pulumi", () => {
        const stacks = fs
            .readdirSync(repo)
            .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
            .filter((s): s is string => s !== undefined);
        for (const stack of stacks) {
            assert.ok(
                fs.existsSync(path.join(repo, "policies", "config", `${stack}.json`)),
                `policies/config/${stack}.json`,
            );
        }
        // CI plans every stack with plan:all; the plan reads each stack's config by default.
        const ci = fs.readFileSync(path.join(repo, ".ci", "run"), "utf8");
        assert.match(ci, /^npm run -s plan:all$/m);
        const planAll = fs.readFileSync(path.join(repo, "tools", "planAll.ts"), "utf8");
        assert.doesNotMatch(planAll, /--no-policy-pack-config|"--policy-pack-config"/);
        assert.strictEqual(
            stackPolicyConfigFile("prod"),
            path.join("policies", "config", "prod.json"),
        );
        const workflows = ["pull-request.yml", "main.yml"].map((f) =>
            fs.readFileSync(path.join(repo, ".github", "workflows", f), "utf8"),
        );
        assert.match(
            workflows[0],
            /policyPackConfigs: policies\/config\/\$\{\{ matrix\.stack \}\}\.json/,
        );
        for (const stack of ["dev", "prod"]) {
            assert.ok(
                workflows[1].includes(`policyPackConfigs: policies/config/${stack}.json`),
                `main.yml deploys ${stack} under its policy config`,
            );
        }
    });
});

describe("the teardown runbook works as written", () => {
    const runbook = fs.readFileSync(path.join(repo, "docs", "runbooks", "operations.md"), "utf8");
    const section = runbook.slice(
        runbook.indexOf("## Tear down a dev or staging stack"),
        runbook.indexOf("\n## ", runbook.indexOf("## Tear down a dev or staging stack") + 1),
    );
    const commands = /```sh\n([\s\S]*?)```/
        .exec(section)![1]
        .split("\n")
        .map((line) => line.replace(/\s+#.*$/, "").trim())
        .filter(Boolean);

    it("turns deletion protection off, and the plan with the pack passes", async () => {
        assert.deepStrictEqual(
            commands.map((c) => c.split(" ").slice(0, 3).join(" ")),
            ["pulumi config set", "npm run plan", "pulumi up --stack", "pulumi destroy --stack"],
        );
        // Step 1, as `pulumi config set` would write it into a copy of Pulumi.dev.yaml.
        const [, key, value] = /^pulumi config set --stack dev (\S+) (\S+)$/.exec(commands[0])!;
        assert.deepStrictEqual([key, value], ["geoshard:deletionProtection", "false"]);
        const dir = projectDir({
            "Pulumi.dev.yaml": `${fs.readFileSync(path.join(repo, "Pulumi.dev.yaml"), "utf8")}  ${key}: ${value}\n`,
            "policies/config/dev.json": fs.readFileSync(
                path.join(repo, "policies", "config", "dev.json"),
                "utf8",
            ),
        });
        // Step 2: the plan, with the flags the runbook gives, under the stack's policy config.
        const argv = commands[1].split(" ").slice(4);
        const { code, out, err } = await runPlan([...argv, "--json"], dir);
        assert.strictEqual(code, 0, err);
        const plan = JSON.parse(out);
        assert.strictEqual(plan.policyConfig, "policies/config/dev.json");
        assert.deepStrictEqual(plan.policy.violations, []);
        const instances = plan.shards.flatMap((s: any) => s.instances);
        assert.ok(instances.length > 0);
        for (const instance of instances) {
            assert.deepStrictEqual(
                [instance.identifier, instance.protect, instance.deletionProtection],
                [instance.identifier, false, false],
            );
        }
        // The runbook names the buckets a destroy stops at, as the program names them.
        const { prefix } = warehouseNames("dev");
        assert.strictEqual(plan.outputs.warehouse.bucket, `${prefix}-lake-${mockAccountId}`);
        for (const bucket of [`${prefix}-lake-<account>`, `${prefix}-access-logs-<account>`]) {
            assert.ok(section.includes(`\`${bucket}\``), `the runbook names ${bucket}`);
        }
    });
});

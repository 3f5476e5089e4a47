import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { policies } from "../policies/rules";
import { runProgram } from "../tools/mockRuntime";
import { parseArgs, planUsage } from "../tools/plan";
import { evaluatePolicies, hasMandatoryViolation, parsePolicyConfig } from "../tools/policyEval";
import { projectDir, referenceShards, runPlan as plan } from "./helpers";

/** A valid one-shard stack with two readers: quick to plan. */
const oneShardStack = [
    "config:",
    "  geoshard:environment: staging",
    "  geoshard:masterInstanceClass: db.r6g.large",
    "  geoshard:replicaInstanceClass: db.r6g.large",
    "  geoshard:replicaCount: 2",
    "  geoshard:shards:",
    "    - { name: europe, region: eu-west-2, vpcCidr: 10.30.0.0/16, cities: [london] }",
    "  geoshard:warehouse: { region: eu-west-2, vpcCidr: 10.100.0.0/16 }",
    "",
].join("\n");

describe("offline plan: arguments", () => {
    it("parses its flags, with a value after a space or an equals sign", () => {
        assert.deepStrictEqual(parseArgs(["-s", "dev"]), { stack: "dev", json: false });
        assert.deepStrictEqual(
            parseArgs([
                "--stack",
                "prod",
                "--json",
                "--out",
                "plan.json",
                "--policy-pack-config=policies/config/prod.json",
            ]),
            {
                stack: "prod",
                json: true,
                out: "plan.json",
                policyPackConfig: "policies/config/prod.json",
            },
        );
    });

    it("refuses a flag without its value, an unknown flag (naming the one meant) and a stray argument", () => {
        const refusal = (argv: string[]) => {
            try {
                parseArgs(argv);
            } catch (error) {
                return (error as Error).message;
            }
            return "accepted";
        };
        assert.strictEqual(refusal(["--stack"]), "--stack needs a value");
        assert.strictEqual(refusal(["--stack", "dev", "--out", "--json"]), "--out needs a value");
        assert.strictEqual(
            refusal(["--stack", "dev", "--jsn"]),
            'unknown argument "--jsn"; did you mean --json?',
        );
        assert.strictEqual(
            refusal(["--stack", "dev", "--policy-config", "c.json"]),
            'unknown argument "--policy-config"; did you mean --policy-pack-config?',
        );
        assert.strictEqual(refusal(["--stack", "dev", "prod"]), 'unknown argument "prod"');
        assert.strictEqual(refusal([]), "missing --stack NAME");
    });

    // What npm hands the plan when the `--` is missing (npm 11): `npm run plan --stack prod`
    // runs `plan.ts prod` with npm_config_stack=true; `npm run plan --stack=prod` runs `plan.ts`
    // with npm_config_stack=prod; `npm run plan -s prod` (npm's own -s) runs `plan.ts prod`.
    const npmCases: [string, string[], Record<string, string>, string, string][] = [
        [
            "npm run plan --stack prod",
            ["prod"],
            { npm_config_stack: "true" },
            "--stack prod",
            "prod",
        ],
        [
            "npm run plan --stack=prod",
            [],
            { npm_config_stack: "prod" },
            "--stack prod",
            "no arguments",
        ],
        [
            "npm run plan -s prod",
            ["prod"],
            { npm_config_loglevel: "silent" },
            "--stack prod",
            "prod",
        ],
        [
            "npm run plan --stack prod --json --out plan.json",
            ["prod", "plan.json"],
            { npm_config_stack: "true", npm_config_json: "true", npm_config_out: "true" },
            "--stack prod --json --out plan.json",
            "prod plan.json",
        ],
    ];
    for (const [typed, argv, env, meant, received] of npmCases) {
        it(`asks whether \`${typed}\` meant the flags after --`, async () => {
            assert.throws(
                () => parseArgs(argv, env),
                new Error(
                    `did you mean npm run plan -- ${meant}?\n` +
                        `(npm takes the flags before -- as its own; the plan received ${received})`,
                ),
            );
        });
    }

    it("prints the hint and exits 2", async () => {
        const { code, out, err } = await plan(["prod"], undefined, { npm_config_stack: "true" });
        assert.strictEqual(code, 2);
        assert.strictEqual(out, "");
        assert.deepStrictEqual(err.split("\n"), [
            "plan: did you mean npm run plan -- --stack prod?",
            "(npm takes the flags before -- as its own; the plan received prod)",
            planUsage,
        ]);
    });
});

describe("offline plan: output and policy config", () => {
    let root: string;

    before(() => {
        root = projectDir({
            "Pulumi.one.yaml": oneShardStack,
            "stricter.json": JSON.stringify({ "shard-topology": { minimumReplicas: 3 } }),
        });
    });

    it("writes the JSON plan alone to --out: no banner, nothing on stdout, warnings on stderr", async () => {
        const file = path.join(root, "plan.json");
        const written: string[] = [];
        const write = process.stdout.write;
        process.stdout.write = ((chunk: string | Uint8Array) => {
            written.push(String(chunk));
            return true;
        }) as typeof process.stdout.write;
        let result: { code: number; out: string; err: string };
        try {
            result = await plan(["--stack", "one", "--json", "--out", file], root);
        } finally {
            process.stdout.write = write;
        }
        assert.strictEqual(result.code, 0, result.err);
        assert.strictEqual(result.out, "");
        assert.deepStrictEqual(written, [], "nothing reaches stdout");
        assert.strictEqual(result.err, `plan: wrote the JSON plan of stack one to ${file}`);
        const text = fs.readFileSync(file, "utf8");
        assert.ok(text.startsWith("{\n"), "the file starts with the JSON, not a banner");
        const parsed = JSON.parse(text);
        assert.strictEqual(parsed.stack, "one");
        assert.deepStrictEqual(parsed.policy.violations, []);
    });

    it("exits 1 on a mandatory violation of a valid config, in text and in --json", async () => {
        const stricter = path.join(root, "stricter.json");
        const text = await plan(["--stack", "one", "--policy-pack-config", stricter], root);
        assert.strictEqual(text.code, 1);
        assert.match(
            text.out,
            /^ {2}\[mandatory\] shard-topology {2}europe: Shard europe: has 2 readers; raise replicaCount to at least 3\.$/m,
        );
        assert.strictEqual(
            text.err,
            "plan: stack one violates mandatory policies; pulumi preview --policy-pack would fail",
        );

        const json = await plan(
            ["--stack", "one", "--json", "--policy-pack-config", stricter],
            root,
        );
        assert.strictEqual(json.code, 1);
        assert.deepStrictEqual(
            JSON.parse(json.out).policy.violations.map((v: any) => [v.policy, v.enforcementLevel]),
            [["shard-topology", "mandatory"]],
        );
        assert.strictEqual(json.err, text.err);
    });

    it("exits 2 on a policy config the pack would not take, naming every problem", async () => {
        const bad = path.join(root, "bad.json");
        fs.writeFileSync(
            bad,
            JSON.stringify({
                "shard-topolgy": { minimumReplicas: 3 },
                "region-loss-recovery": { environments: "prod", enforcement: "mandatory" },
                "rds-backup-retention": { minimumDays: 40, enforcementLevel: "strict" },
            }),
        );
        const { code, err } = await plan(["--stack", "one", "--policy-pack-config", bad], root);
        assert.strictEqual(code, 2);
        assert.strictEqual(
            err,
            [
                `plan: ${bad}:`,
                "  - shard-topolgy: is not a policy of the pack; did you mean shard-topology?",
                '  - region-loss-recovery.environments: "prod" is not a list',
                "  - region-loss-recovery.enforcement: is not a setting of region-loss-recovery; settings: environments",
                "  - rds-backup-retention.minimumDays: 40 is out of range; allowed: from 1 to 35",
                '  - rds-backup-retention.enforcementLevel: "strict" is not an enforcement level; allowed: advisory, mandatory, remediate, disabled',
                planUsage,
            ].join("\n"),
        );
        const missing = await plan(
            ["--stack", "one", "--policy-pack-config", path.join(root, "none.json")],
            root,
        );
        assert.strictEqual(missing.code, 2);
        assert.match(missing.err, /^plan: cannot read --policy-pack-config .*none\.json: ENOENT/);
    });

    it("takes the CLI's forms of policy config: a level alone, `all`, and a level beside settings", async () => {
        const run = await runProgram(
            Object.fromEntries(
                Object.entries({
                    environment: "staging",
                    shards: [referenceShards()[2]],
                    warehouse: { region: "eu-west-2", vpcCidr: "10.100.0.0/16" },
                }).map(([k, v]) => [
                    `geoshard:${k}`,
                    typeof v === "string" ? v : JSON.stringify(v),
                ]),
            ),
        );
        const stricter = { minimumReplicas: 3 };
        const levels = (config: object) =>
            evaluatePolicies(
                run.resources,
                policies,
                parsePolicyConfig(JSON.stringify(config), policies, "config.json"),
            ).violations.map((v) => [v.policy, v.enforcementLevel]);
        assert.deepStrictEqual(levels({ "shard-topology": stricter }), [
            ["shard-topology", "mandatory"],
        ]);
        assert.deepStrictEqual(
            levels({ "shard-topology": { ...stricter, enforcementLevel: "advisory" } }),
            [["shard-topology", "advisory"]],
        );
        assert.deepStrictEqual(levels({ all: "advisory", "shard-topology": stricter }), [
            ["shard-topology", "advisory"],
        ]);
        assert.deepStrictEqual(
            levels({
                all: "advisory",
                "shard-topology": { ...stricter, enforcementLevel: "mandatory" },
            }),
            [["shard-topology", "mandatory"]],
        );
        assert.deepStrictEqual(levels({ "shard-topology": "disabled" }), []);
        const report = evaluatePolicies(run.resources, policies, {
            all: { enforcementLevel: "advisory" },
            "shard-topology": stricter,
        });
        assert.strictEqual(hasMandatoryViolation(report), false);
    });
});

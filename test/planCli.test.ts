import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { plural } from "../config/plural";
import { dmsAccountRolePrerequisites, prerequisitesMessage } from "../components/warehouse";
import { policies } from "../policies/rules";
import { runProgram } from "../tools/mockRuntime";
import { fleetConfig } from "../tools/bench";
import { parseArgs, planHelp, planUsage } from "../tools/plan";
import { wrap } from "../tools/planText";
import { readStackConfig } from "../tools/stackConfig";
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
            ...planUsage.split("\n"),
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
        assert.deepStrictEqual(result.err.split("\n"), [
            `plan: warning: ${prerequisitesMessage(dmsAccountRolePrerequisites())}`,
            `plan: wrote the JSON plan of stack one to ${file}`,
        ]);
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
            text.err.split("\n").pop(),
            `plan: stack one violates mandatory policies under ${stricter}; ` +
                "pulumi preview --policy-pack would fail",
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

/** Runs the plan as its own process, stdout a pipe, and reads all it writes. */
function planProcess(argv: string[]): Promise<{ code: number | null; out: string; err: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn(
            process.execPath,
            ["-r", "ts-node/register/transpile-only", "tools/plan.ts", ...argv],
            { cwd: path.join(__dirname, ".."), stdio: ["ignore", "pipe", "pipe"] },
        );
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
        child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
        child.on("error", reject);
        child.on("close", (code) =>
            resolve({
                code,
                out: Buffer.concat(out).toString("utf8"),
                err: Buffer.concat(err).toString("utf8"),
            }),
        );
    });
}

/** The project's prod stack file, with `line` added to its config. */
function prodWith(line: string): string {
    return `${fs.readFileSync(path.join(__dirname, "..", "Pulumi.prod.yaml"), "utf8")}  ${line}\n`;
}

describe("offline plan: through a pipe", () => {
    // Two processes side by side: a large JSON plan and a six-shard text plan, both past the
    // 64 KiB a pipe holds, which `process.exit` used to cut.
    let json: { code: number | null; out: string; err: string };
    let text: { code: number | null; out: string; err: string };
    let six: string;

    before(async function () {
        this.timeout(120000);
        six = projectDir({
            "Pulumi.six.yaml": [
                "config:",
                ...Object.entries(fleetConfig(6)).map(([key, value]) => `  ${key}: ${value}`),
                "",
            ].join("\n"),
        });
        [json, text] = await Promise.all([
            planProcess(["--stack", "prod", "--json"]),
            planProcess(["--stack", "six", "--dir", six]),
        ]);
    });

    it("writes a JSON plan past 64 KiB whole, and exits with the plan's code", () => {
        assert.strictEqual(json.code, 0, json.err);
        assert.ok(json.out.length > 128 * 1024, `${json.out.length} bytes`);
        const plan = JSON.parse(json.out);
        assert.strictEqual(plan.stack, "prod");
        assert.strictEqual(plan.policyConfig, "policies/config/prod.json");
    });

    it("writes a six-shard text plan whole, ending with the bill, and warns once on stderr", () => {
        assert.strictEqual(text.code, 0, text.err);
        assert.ok(text.out.length > 60 * 1024, `${text.out.length} bytes`);
        assert.strictEqual(text.out.match(/^Shard shard-\d /gm)?.length, 6);
        // The bill's last part and the levers after it, whole: from its price dates to the end,
        // no line cut off.
        const tail = text.out.slice(text.out.lastIndexOf("\nprices as of: "));
        assert.match(tail, /^\nprices as of: \d{4}[^]*\n$/);
        const [bill, levers, ...rest] = tail.slice(1, -1).split("\n\n");
        assert.deepStrictEqual(rest, [], tail);
        assert.match(bill, /\nprice age: oldest \d{4}-\d\d-\d\d, newest \d{4}-\d\d-\d\d$/);
        assert.match(levers, /^Levers, USD a month at the same prices\n/);
        assert.match(levers, /\n {2}reserved 1-year no-upfront: [^]*$/);
        assert.deepStrictEqual(text.err.trimEnd().split("\n"), [
            `plan: warning: ${prerequisitesMessage(dmsAccountRolePrerequisites())}`,
        ]);
    });

    it("opens a six-shard plan with one screen that holds every shard, at most 60 lines of 120 columns", () => {
        const screen = text.out.slice(0, text.out.indexOf("\nPolicy verdict under ")).split("\n");
        assert.ok(screen.length <= 60, `${screen.length} lines`);
        assert.deepStrictEqual(
            screen.filter((l) => l.length > 120),
            [],
        );
        assert.strictEqual(screen.filter((l) => /^shard-\d /.test(l)).length, 6);
        // The detail, wrapped to 100 columns for a pipe; only a URL longer than that stands alone.
        const detail = text.out.slice(text.out.indexOf("\nPolicy verdict under ")).split("\n");
        assert.deepStrictEqual(
            detail.filter((l) => l.length > 100 && !/^ *https:\/\/\S+$/.test(l)),
            [],
        );
    });

    it("carries every resource's inputs and options, sorted, with no secret value", () => {
        const plan = JSON.parse(json.out);
        assert.ok(!json.out.includes("mock-password-not-secret"), "the mock password is redacted");
        const urns = plan.resources.map((r: any) => r.urn);
        assert.deepStrictEqual(urns, [...urns].sort());
        const writer = plan.resources.find(
            (r: any) =>
                r.type === "aws:rds/clusterInstance:ClusterInstance" && r.name === "us-east-writer",
        );
        assert.strictEqual(writer.inputs.identifier, "geoshard-prod-us-east-writer");
        assert.strictEqual(writer.inputs.instanceClass, "db.r6g.8xlarge");
        assert.strictEqual(writer.shard, "us-east");
        assert.strictEqual(writer.region, "us-east-1");
        assert.strictEqual(writer.options.protect, true);
        assert.match(writer.options.provider, /::pulumi:providers:aws::aws-us-east-1$/);
        assert.ok(writer.options.dependsOn.length > 0);
        assert.deepStrictEqual(Object.keys(writer), Object.keys(writer).sort());
        assert.deepStrictEqual(Object.keys(writer.options), [
            "aliases",
            "deleteBeforeReplace",
            "dependsOn",
            "ignoreChanges",
            "protect",
            "provider",
            "replaceOnChanges",
            "retainOnDelete",
        ]);
        // A secret input prints as "[secret]": the credentials' secret string.
        const versions = plan.resources.filter(
            (r: any) => r.type === "aws:secretsmanager/secretVersion:SecretVersion",
        );
        assert.strictEqual(versions.length, 4);
        for (const version of versions) {
            assert.strictEqual(version.inputs.secretString, "[secret]");
        }
    });

    it("prints the same bytes for the same stack, so two plans diff cleanly", async () => {
        const again = await plan(["--stack", "prod", "--json"]);
        assert.strictEqual(again.code, 0);
        assert.ok(json.out === `${again.out}\n`, "two JSON plans of prod differ");
    });
});

describe("offline plan: the stack's policy config, the first screen, --brief, --help", () => {
    let root: string;
    let failing: { code: number; out: string; err: string };

    before(async function () {
        this.timeout(120000);
        root = projectDir({
            "Pulumi.prod.yaml": prodWith("geoshard:replicaCount: 1"),
            "policies/config/prod.json": fs.readFileSync(
                path.join(__dirname, "..", "policies", "config", "prod.json"),
                "utf8",
            ),
        });
        failing = await plan(["--stack", "prod"], root, {}, { width: 100 });
    });

    it("plans under policies/config/<stack>.json by default, and names it: one reader in prod fails", () => {
        assert.strictEqual(failing.code, 1);
        assert.match(failing.out, /^Policy verdict under policies\/config\/prod\.json: FAIL$/m);
        assert.match(
            failing.out,
            /^ {2}\[mandatory\] shard-topology {2}europe: Shard europe: has 1 reader; raise replicaCount to at least 2\.$/m,
        );
        assert.match(
            failing.err,
            /^plan: stack prod violates mandatory policies under policies\/config\/prod\.json; pulumi preview --policy-pack would fail$/m,
        );
    });

    it("puts each shard's budgets, cost and attention on the first screen, then the verdict", () => {
        const [screen, after] = failing.out.split("\n\nPolicy verdict under ");
        const lines = screen.split("\n");
        assert.ok(lines.length <= 60, `${lines.length} lines`);
        assert.deepStrictEqual(
            lines.filter((l) => l.length > 120),
            [],
        );
        for (const shard of ["us-east", "us-west", "europe", "asia"]) {
            const block = screen.slice(screen.indexOf(`\n${shard}  `));
            assert.match(
                block,
                new RegExp(`^${shard} +\\S+ +.* [\\d,]+\\.\\d\\d\\*? USD a month$`, "m"),
            );
            assert.match(
                block,
                /^ {2}failover {3}often under 30 s, typically under 60 s \+ DNS TTL 5 s; writes lost: none; meets 30 s often, not always$/m,
            );
            assert.match(
                block,
                /^ {2}region {5}\S+ \(1 instance\): up to 5 min; data at risk: the replication lag; meets 5 min$/m,
            );
            assert.match(
                block,
                /^ {2}attention {2}1 mandatory policy finding \(shard-topology\); /m,
            );
        }
        assert.match(
            screen,
            /^policy {5}FAIL under policies\/config\/prod\.json: 4 mandatory violations, 2 advisory findings; the verdict follows$/m,
        );
        assert.match(after, /^policies\/config\/prod\.json: FAIL\n/);
        // The detail keeps within 100 columns (a pipe's), but for a URL longer than that.
        assert.deepStrictEqual(
            after.split("\n").filter((l) => l.length > 100 && !/^ *https:\/\/\S+$/.test(l)),
            [],
        );
    });

    it("--no-policy-pack-config plans under the pack's defaults, and --brief prints the first screen only", async () => {
        const defaults = await plan(
            ["--stack", "prod", "--no-policy-pack-config", "--brief"],
            root,
            {},
            { width: 100 },
        );
        assert.strictEqual(defaults.code, 0, defaults.err);
        assert.match(
            defaults.out,
            /\npolicy {5}pass under defaults: no policy config: 0 mandatory violations, \d+ advisory findings?; the verdict follows$/,
        );
        assert.ok(!defaults.out.includes("Policy verdict"), "no verdict after the first screen");
        assert.ok(defaults.out.split("\n").length <= 60);
    });

    it("--help prints the usage on stdout and exits 0", async () => {
        assert.deepStrictEqual(await plan(["--help"]), { code: 0, out: planHelp, err: "" });
        assert.deepStrictEqual(await plan(["--stack", "prod", "-h"]), {
            code: 0,
            out: planHelp,
            err: "",
        });
        assert.ok(planHelp.startsWith(`${planUsage}\n`));
    });
});

describe("offline plan: text layout", () => {
    it("wraps under the label column, keeps a long URL whole, and leaves short lines alone", () => {
        assert.strictEqual(
            wrap("  failover  one two three four five six", 24),
            "  failover  one two\n            three four\n            five six",
        );
        assert.strictEqual(wrap("short", 10), "short");
        assert.strictEqual(
            wrap("  see https://example.com/a/very/long/path/indeed x", 20),
            "  see\n    https://example.com/a/very/long/path/indeed\n    x",
        );
        assert.strictEqual(wrap("abcdefghijkl", 5), "abcde\n  fgh\n  ijk\n  l");
    });

    it("says counts in the number they take", () => {
        assert.deepStrictEqual(
            [0, 1, 2].map((n) => plural(n, "violation")),
            ["0 violations", "1 violation", "2 violations"],
        );
        assert.strictEqual(plural(3, "policy", "policies"), "3 policies");
    });
});

describe("stack files as the Pulumi CLI reads them", () => {
    it("reads keys without the project's namespace as the project's, and refuses one key twice", () => {
        const root = projectDir({
            "Pulumi.short.yaml": "config:\n  replicaCount: 3\n  geoshard:environment: staging\n",
            "Pulumi.twice.yaml": "config:\n  replicaCount: 3\n  geoshard:replicaCount: 2\n",
        });
        const config = readStackConfig("short", root);
        assert.strictEqual(config["geoshard:replicaCount"], "3");
        assert.strictEqual(config["geoshard:environment"], "staging");
        assert.strictEqual(config.replicaCount, undefined);
        assert.throws(
            () => readStackConfig("twice", root),
            new Error(
                "Pulumi.twice.yaml: replicaCount and geoshard:replicaCount are one key, " +
                    "geoshard:replicaCount; keep one",
            ),
        );
    });

    it("names the file of a YAML error, and the plan exits 2 with it", async () => {
        const root = projectDir({ "Pulumi.bad.yaml": "config:\n  geoshard:shards: [\n" });
        const { code, err } = await plan(["--stack", "bad"], root);
        assert.strictEqual(code, 2);
        assert.match(err, /^plan: Pulumi\.bad\.yaml: not valid YAML: /);
    });
});

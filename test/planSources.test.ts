import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ProgramError, runProgram } from "../tools/mockRuntime";
import { planUsage } from "../tools/plan";
import { stackFixtures } from "../tools/planSources";
import { projectRoot, readStackConfig } from "../tools/stackConfig";
import { projectDir, rawConfig, runPlan as plan } from "./helpers";

const splitDir = path.join(projectRoot, "examples", "split");
const globalStack = "acme/geoshard/prod-global";

const shardsStack = [
    "config:",
    "  geoshard:environment: dev",
    "  geoshard:stackRole: shards",
    `  geoshard:globalStack: ${globalStack}`,
    "  geoshard:shards: [{name: east, region: us-east-1, vpcCidr: 10.10.0.0/16, cities: [boston]}]",
    "  geoshard:warehouse: {region: us-east-1, vpcCidr: 10.100.0.0/16}",
].join("\n");

describe("offline plan of a split environment", () => {
    it("plans a shards stack on the outputs of its global stack, planned first from the same directory", async () => {
        const { code, out, err } = await plan([
            "--dir",
            "examples/split",
            "--stack",
            "prod-americas",
        ]);
        assert.strictEqual(code, 0, err);
        assert.match(out, /^geoshard offline plan: stack prod-americas, environment prod-split$/m);
        assert.deepStrictEqual(
            out.match(/^Shard \S+/gm),
            ["Shard us-east", "Shard us-west"],
            "the shards of this stack only",
        );
        // The lake's name reaches the CDC path only through the StackReference.
        assert.match(
            out,
            /^ {2}cdc {7}us-west-1 -> DMS Serverless geoshard-prod-split-us-west-cdc in us-east-1 \(over peering, TLS\) -> Kinesis geoshard-prod-split-us-west-cdc -> Firehose -> s3:\/\/geoshard-prod-split-warehouse-lake-123456789012\/cdc\//m,
        );
        // Each recovery copy adds a topic policy, an RDS event subscription, and a peering with
        // its routes, PostgreSQL rule and zone association.
        assert.match(out, /^Total: 237 resources$/m);
        assert.match(
            out,
            /^Policy verdict under defaults: no policy config: pass\n {2}pack geoshard, \d+ policies over 237 resources: 0 violations \(0 mandatory\)$/m,
        );
        assert.doesNotMatch(out, /^ {2}global /m, "a shards stack exports no global output");
    });

    it("feeds the StackReference every output of the global stack", async () => {
        const fixtures = await stackFixtures(
            readStackConfig("prod-emea-apac", projectRoot, splitDir),
            splitDir,
        );
        assert.deepStrictEqual(Object.keys(fixtures.stackOutputs!), [globalStack]);
        const outputs = fixtures.stackOutputs![globalStack] as any;
        assert.deepStrictEqual(Object.keys(outputs), ["environment", "global"]);
        assert.strictEqual(outputs.global.zoneId, "ZPRIVATEZONE");
        assert.strictEqual(outputs.global.warehouse.vpcId, "warehouse-vpc-id");
        assert.deepStrictEqual(
            await stackFixtures(readStackConfig("prod-global", projectRoot, splitDir), splitDir),
            {},
            "a global stack reads no other stack",
        );
    });

    it("plans the split in JSON too, with the global stack's lake in the warehouse output", async () => {
        const { code, out } = await plan([
            "--stack",
            "prod-emea-apac",
            "--json",
            "--dir",
            "examples/split",
        ]);
        assert.strictEqual(code, 0);
        const planned = JSON.parse(out);
        assert.deepStrictEqual(
            planned.shards.map((s: any) => s.name),
            ["europe", "asia"],
        );
        assert.strictEqual(
            planned.outputs.warehouse.bucket,
            "geoshard-prod-split-warehouse-lake-123456789012",
        );
    });

    it("exits 2 naming the file it expected when the global stack's file is missing", async () => {
        const root = projectDir({ "Pulumi.dev-east.yaml": shardsStack }, "stacks");
        const { code, out, err } = await plan(["--dir", "stacks", "--stack", "dev-east"], root);
        assert.strictEqual(code, 2);
        assert.strictEqual(out, "");
        assert.strictEqual(
            err,
            `plan: stack dev-east: the global stack ${globalStack} has no stack file: expected stacks/Pulumi.prod-global.yaml beside the shards stack's; the offline plan plans the global stack first and reads its outputs`,
        );
    });

    it("exits 2 when the named global stack is no global stack", async () => {
        const root = projectDir(
            {
                "Pulumi.dev-east.yaml": shardsStack,
                "Pulumi.prod-global.yaml": shardsStack,
            },
            "stacks",
        );
        const { code, err } = await plan(["--dir", "stacks", "--stack", "dev-east"], root);
        assert.strictEqual(code, 2);
        assert.strictEqual(
            err,
            `plan: stack dev-east: the global stack ${globalStack} is no global stack: stacks/Pulumi.prod-global.yaml sets geoshard:stackRole shards; expected global`,
        );
    });

    it("exits 1 with the global stack's own messages when it would not deploy", async () => {
        const root = projectDir(
            {
                "Pulumi.dev-east.yaml": shardsStack,
                "Pulumi.prod-global.yaml":
                    "config:\n  geoshard:environment: qa\n  geoshard:stackRole: global\n  geoshard:warehouse: {region: us-east-1, vpcCidr: 10.100.0.0/16}\n",
            },
            "stacks",
        );
        const { code, err } = await plan(["--dir", "stacks", "--stack", "dev-east"], root);
        assert.strictEqual(code, 1);
        assert.strictEqual(
            err,
            [
                "plan: stack dev-east would not deploy:",
                `its global stack ${globalStack} (stacks/Pulumi.prod-global.yaml) would not deploy:`,
                "invalid geoshard configuration (1 problem):",
                '  - geoshard:environment: "qa" is not an environment; allowed: dev, staging, prod, or one of them, a hyphen and a word of lowercase letters and digits (e.g. prod-split), at most 12 characters',
            ].join("\n"),
        );
    });

    it("fails a shards stack run without its global stack's outputs as a program error, not a crash", async () => {
        const config = readStackConfig("prod-americas", projectRoot, splitDir);
        await assert.rejects(runProgram(config), (error: unknown) => {
            assert.ok(error instanceof ProgramError);
            assert.match(
                error.message,
                /failed to read resource #acme\/geoshard\/prod-global 'acme\/geoshard\/prod-global' \[pulumi:pulumi:StackReference\]: no stack acme\/geoshard\/prod-global in the mocked backend$/,
            );
            return true;
        });
    });
});

describe("offline plan of stack files in another directory", () => {
    it("exits 2 on a --dir without a directory, or one that does not exist", async () => {
        const usage = planUsage;
        assert.deepStrictEqual(await plan(["--stack", "dev", "--dir"]), {
            code: 2,
            out: "",
            err: `plan: --dir needs a directory of stack files, e.g. --dir examples/split\n${usage}`,
        });
        assert.deepStrictEqual(await plan(["--dir", "examples/nowhere", "--stack", "dev"]), {
            code: 2,
            out: "",
            err: `plan: --dir examples/nowhere: no such directory\n${usage}`,
        });
        assert.deepStrictEqual(await plan(["--dir", "examples/split", "--stack", "prod"]), {
            code: 2,
            out: "",
            err: `plan: no stack "prod": examples/split/Pulumi.prod.yaml does not exist; stacks here: prod-americas, prod-emea-apac, prod-global\n${usage}`,
        });
    });

    it("reads the directory's fixtures.json into the mocked account, and refuses one it does not know", async () => {
        const subnet = { vpcId: "vpc-0abc0abc0abc0abc0", availabilityZone: "us-east-1b" };
        const root = projectDir(
            {
                "Pulumi.dev.yaml": `config:\n${Object.entries(rawConfig({ environment: "dev" }))
                    .map(([k, v]) => `  ${k}: '${v}'`)
                    .join("\n")}\n`,
                "fixtures.json": JSON.stringify({ subnets: { "subnet-1": subnet } }),
            },
            "stacks",
        );
        assert.deepStrictEqual(
            await stackFixtures(
                readStackConfig("dev", root, path.join(root, "stacks")),
                path.join(root, "stacks"),
                root,
            ),
            { subnets: { "subnet-1": subnet } },
        );
        fs.writeFileSync(
            path.join(root, "stacks", "fixtures.json"),
            JSON.stringify({ subnet: {}, zones: {} }),
        );
        const { code, err } = await plan(["--dir", "stacks", "--stack", "dev"], root);
        assert.strictEqual(code, 2);
        assert.strictEqual(
            err,
            'plan: stack dev: stacks/fixtures.json: "subnet" is not a fixture; known: zones, subnets',
        );
    });
});

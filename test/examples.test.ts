import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runProgram } from "../tools/mockRuntime";
import { stacksToPlan } from "../tools/planAll";
import { readFixtures } from "../tools/planSources";
import { projectRoot, readStackConfig } from "../tools/stackConfig";
import { instancesOf, named, runPlan, types } from "./helpers";

describe("examples", () => {
    it("are planned by CI with the project's stacks: every stack file of every example that runs this program", () => {
        assert.deepStrictEqual(stacksToPlan(), [
            { stack: "dev", dir: "." },
            { stack: "prod", dir: "." },
            { stack: "staging-shared-vpc", dir: "examples/existing-vpc" },
            { stack: "prod-americas", dir: "examples/split" },
            { stack: "prod-emea-apac", dir: "examples/split" },
            { stack: "prod-global", dir: "examples/split" },
            { stack: "staging", dir: "examples/staging" },
            { stack: "dev-analytics", dir: "examples/warehouse-redshift" },
        ]);
        const ci = fs.readFileSync(path.join(projectRoot, ".ci", "run"), "utf8");
        assert.match(ci, /^npm run -s plan:all$/m);
    });

    it("leave an example with a Pulumi.yaml of its own, a program of its own, to its test", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "geoshard-examples-"));
        for (const [dir, files] of Object.entries({
            ".": ["Pulumi.yaml", "Pulumi.qa.yaml"],
            "examples/stacks": ["Pulumi.a.yaml", "fixtures.json"],
            "examples/program": ["Pulumi.yaml", "Pulumi.dev.yaml", "index.ts"],
        })) {
            fs.mkdirSync(path.join(root, dir), { recursive: true });
            files.forEach((file) => fs.writeFileSync(path.join(root, dir, file), ""));
        }
        assert.deepStrictEqual(stacksToPlan(root), [
            { stack: "qa", dir: "." },
            { stack: "a", dir: "examples/stacks" },
        ]);
    });

    it("plans a shard in an existing VPC on the subnets the example's fixtures.json gives the mocked account", async () => {
        const dir = path.join(projectRoot, "examples", "existing-vpc");
        const fixtures = readFixtures(dir);
        const run = await runProgram(readStackConfig("staging-shared-vpc", projectRoot, dir), {
            fixtures,
        });
        const subnetIds = [
            "subnet-0a1b2c3d4e5f60001",
            "subnet-0a1b2c3d4e5f60002",
            "subnet-0a1b2c3d4e5f60003",
        ];
        assert.deepStrictEqual(Object.keys(fixtures.subnets!), subnetIds);
        assert.deepStrictEqual(
            named(run, "eu-shared-subnets", types.subnetGroup).inputs.subnetIds,
            subnetIds,
        );
        assert.strictEqual(
            named(run, "eu-shared-db-sg", types.securityGroup).inputs.vpcId,
            "vpc-0a1b2c3d4e5f60718",
        );
        assert.deepStrictEqual(
            instancesOf(run, "eu-shared").all.map((db) => db.inputs.availabilityZone),
            ["eu-west-2a", "eu-west-2b", "eu-west-2c", "eu-west-2a"],
        );
        assert.deepStrictEqual(
            run.resources
                .filter((r) => r.type === types.vpc)
                .map((r) => r.name)
                .sort(),
            ["us-own-vpc", "warehouse-vpc"],
            "no VPC for the shard in the existing one",
        );

        const { code, out } = await runPlan([
            "--stack",
            "staging-shared-vpc",
            "--dir",
            "examples/existing-vpc",
        ]);
        assert.strictEqual(code, 0);
        assert.match(out, /^ {2}network {3}VPC \(existing\); private subnets \(existing\)$/m);
    });
});

import * as assert from "assert";
import { validateConfig } from "../config/validate";
import { policies } from "../policies/rules";
import { criticalPath, documentedBench, fleetConfig } from "../tools/bench";
import { noOptions, RecordedResource, runProgram } from "../tools/mockRuntime";
import { evaluatePolicies } from "../tools/policyEval";
import { unqualified } from "./helpers";

const node = (
    name: string,
    type: string,
    dependencies: string[],
    inputs: Record<string, any> = {},
): RecordedResource => ({
    type,
    name,
    urn: name,
    custom: true,
    inputs,
    parent: "",
    protect: false,
    dependencies,
    options: noOptions,
});

describe("scale", () => {
    it("finds the longest chain of slow creations", () => {
        const rds = "aws:rds/instance:Instance";
        const path = criticalPath([
            node("vpc", "aws:ec2/vpc:Vpc", []),
            node("master", rds, ["vpc"]),
            node("standby", rds, ["master"], { replicateSourceDb: "master" }),
            node("replica", rds, ["standby"], { replicateSourceDb: "master" }),
            node("endpoint", "aws:ec2/vpcEndpoint:VpcEndpoint", ["vpc"], {
                vpcEndpointType: "Interface",
            }),
            node("dms", "aws:dms/replicationConfig:ReplicationConfig", ["master", "endpoint"]),
        ]);
        assert.deepStrictEqual(path, {
            minutes: 55,
            chain: ["master (15 min)", "standby (20 min)", "replica (20 min)"],
        });
    });

    it("generates valid fleets, several shards to a region past eight", () => {
        const config = validateConfig(unqualified(fleetConfig(64)));
        assert.strictEqual(config.shards.length, 64);
        assert.strictEqual(config.shards.filter((s) => s.region === "us-east-1").length, 8);
    });

    it("keeps 16 shards compliant, with the critical path of 4: regions deploy in parallel", async () => {
        const small = await runProgram(fleetConfig(4), { stack: "scale-4" });
        const large = await runProgram(fleetConfig(16), { stack: "scale-16" });
        // Every shard declares the same 112 children (its recovery copy among them), however many
        // shards there are.
        for (const run of [small, large]) {
            const perShard = new Map<string, number>();
            for (const r of run.resources.filter((r) => r.parent.includes("RegionalShard::"))) {
                perShard.set(r.parent, (perShard.get(r.parent) ?? 0) + 1);
            }
            assert.deepStrictEqual(new Set(perShard.values()), new Set([112]));
        }
        assert.deepStrictEqual(evaluatePolicies(large.resources, policies).violations, []);
        assert.strictEqual(
            criticalPath(large.resources).minutes,
            criticalPath(small.resources).minutes,
        );
        // Cluster (5) -> writer (12) -> recovery cluster (5) -> its instance (12): the secondary
        // joins once the home writer exists.
        assert.strictEqual(criticalPath(large.resources).minutes, 34);
        // docs/performance.md shows what `npm run bench -- --write` printed: its counts and
        // critical path must still be the program's.
        const documented = new Map(
            documentedBench()
                .split("\n")
                .map((line) => /^\| (\d+) \| (\d+) \| .* \| (\d+) \|$/.exec(line))
                .filter((m): m is RegExpExecArray => m !== null)
                .map((m) => [Number(m[1]), [Number(m[2]), Number(m[3])]]),
        );
        assert.deepStrictEqual(
            [documented.get(4), documented.get(16)],
            [
                [small.resources.length, criticalPath(small.resources).minutes],
                [large.resources.length, criticalPath(large.resources).minutes],
            ],
            "docs/performance.md is stale: npm run bench -- --write",
        );
    });
});

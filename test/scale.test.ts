import * as assert from "assert";
import { maxPeeringConnectionsPerVpc, peeringConnectionsPerVpc } from "../components/peering";
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
        // The warehouse VPC peers with 64 shards and 61 recovery copies: 125, the most a VPC may.
        assert.strictEqual(config.shards.filter((s) => s.dr !== undefined).length, 61);
        assert.deepStrictEqual(
            peeringConnectionsPerVpc(config.shards).filter((v) => v.connections > 2),
            [{ vpc: "warehouse", connections: 125 }],
        );
        assert.strictEqual(
            Math.max(...peeringConnectionsPerVpc(config.shards).map((v) => v.connections)),
            maxPeeringConnectionsPerVpc,
        );
    });

    it("has the pack refuse a VPC in more than 125 peering connections, and count only known VPC ids", () => {
        const peerings = (n: number, vpcId?: string) =>
            Array.from({ length: n }, (_, i) =>
                node(`peering-${i}`, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection", [], {
                    ...(vpcId ? { vpcId } : {}),
                    peerVpcId: `vpc-${i}`,
                }),
            );
        const limit = (resources: RecordedResource[]) =>
            evaluatePolicies(resources, policies)
                .violations.filter((v) => v.policy === "vpc-peering-limit")
                .map((v) => v.message);
        assert.deepStrictEqual(limit(peerings(125, "warehouse-vpc")), []);
        assert.deepStrictEqual(limit(peerings(126)), [], "unknown ids are not counted");
        assert.deepStrictEqual(limit(peerings(126, "warehouse-vpc")), [
            "VPC warehouse-vpc takes part in 126 VPC peering connections; AWS allows at most 125 per VPC: give fewer shards a recovery copy, or move shards to an environment with a warehouse of its own.",
        ]);
    });

    it("accepts 62 shards with recovery copies and refuses 63: the warehouse VPC's 125 peerings", () => {
        // Every shard with a recovery copy: two peerings on the warehouse VPC each.
        const everyCopy = (n: number) => {
            const config = fleetConfig(n);
            const shards = JSON.parse(config["geoshard:shards"]).map((s: any, i: number) => ({
                ...s,
                dr: {
                    region: s.region === "us-east-1" ? "us-west-2" : "us-east-1",
                    vpcCidr: `10.${100 + i}.0.0/16`,
                },
            }));
            return unqualified({ ...config, "geoshard:shards": JSON.stringify(shards) });
        };
        const accepted = validateConfig(everyCopy(62));
        assert.strictEqual(accepted.shards.filter((s) => s.dr !== undefined).length, 62);
        assert.deepStrictEqual(peeringConnectionsPerVpc(accepted.shards)[0], {
            vpc: "warehouse",
            connections: 124,
        });
        assert.throws(
            () => validateConfig(everyCopy(63)),
            (error: Error) => {
                assert.deepStrictEqual(
                    error.message.split("\n").filter((line) => line.includes("peering")),
                    [
                        '  - geoshard:shards: "63 shards, 63 with a recovery copy (dr)" put the warehouse ' +
                            "VPC in 126 VPC peering connections, one per shard and one per recovery " +
                            "copy; AWS allows at most 125 active peering connections per VPC, a " +
                            "limit no quota request raises " +
                            "(https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-connection-quotas.html); " +
                            "allowed: shards + recovery copies <= 125: drop the recovery copy of 1 " +
                            "shard, or move shards to another environment with a warehouse of its own",
                    ],
                );
                return true;
            },
        );
    });

    it("keeps 16 shards compliant, with the critical path of 4: regions deploy in parallel", async () => {
        const small = await runProgram(fleetConfig(4), { stack: "scale-4" });
        const large = await runProgram(fleetConfig(16), { stack: "scale-16" });
        // Every shard declares the same 118 children (its recovery copy among them), however many
        // shards there are.
        for (const run of [small, large]) {
            const perShard = new Map<string, number>();
            for (const r of run.resources.filter((r) => r.parent.includes("RegionalShard::"))) {
                perShard.set(r.parent, (perShard.get(r.parent) ?? 0) + 1);
            }
            assert.deepStrictEqual(new Set(perShard.values()), new Set([118]));
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

import * as assert from "assert";
import { ConfigError, validateConfig } from "../config/validate";
import { policies } from "../policies/rules";
import { ProgramRun } from "../tools/mockRuntime";
import { reportPlan } from "../tools/plan";
import { evaluatePolicies } from "../tools/policyEval";
import { named, ofType, prodShards, rawConfig, referenceShards, run, unqualified } from "./helpers";

const globalStack = "acme/geoshard/prod-global";

describe("one environment split into a global stack and shards stacks", () => {
    let global: ProgramRun;
    let east: ProgramRun;

    before(async () => {
        global = await run({ stackRole: "global", shards: undefined });
        east = await run({ stackRole: "shards", globalStack }, prodShards().slice(0, 2), {
            stackOutputs: { [globalStack]: { global: global.outputs.global } },
        });
    });

    it("declares only the zone and the warehouse in the global stack, and exports what shards need", () => {
        assert.deepStrictEqual(ofType(global, "geoshard:index:RegionalShard"), []);
        assert.strictEqual(ofType(global, "geoshard:index:Warehouse").length, 1);
        assert.strictEqual(ofType(global, "aws:route53/zone:Zone").length, 1);
        const exported = global.outputs.global as any;
        assert.strictEqual(exported.zoneId, "ZPRIVATEZONE");
        assert.strictEqual(exported.warehouse.vpcId, "warehouse-vpc-id");
        assert.strictEqual(
            exported.warehouse.replicationSubnetGroupId,
            "geoshard-prod-warehouse-dms",
        );
        assert.deepStrictEqual(Object.keys(global.outputs).sort(), ["environment", "global"]);
    });

    it("joins a shards stack to the global stack's zone and warehouse, without declaring them", () => {
        assert.deepStrictEqual(ofType(east, "geoshard:index:Warehouse"), []);
        assert.deepStrictEqual(ofType(east, "aws:route53/zone:Zone"), []);
        assert.deepStrictEqual(
            ofType(east, "geoshard:index:RegionalShard").map((s) => s.name),
            ["us-east", "us-west"],
        );
        assert.strictEqual(
            named(east, "us-west-zone-association", "aws:route53/zoneAssociation:ZoneAssociation")
                .inputs.zoneId,
            "ZPRIVATEZONE",
        );
        const peering = named(
            east,
            "us-east-cdc-peering",
            "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
        );
        assert.deepStrictEqual(
            [peering.region, peering.inputs.vpcId],
            ["us-east-1", "warehouse-vpc-id"],
        );
        const replication = named(
            east,
            "us-west-cdc-replication",
            "aws:dms/replicationConfig:ReplicationConfig",
        );
        assert.strictEqual(
            replication.inputs.computeConfig.replicationSubnetGroupId,
            "geoshard-prod-warehouse-dms",
        );
        assert.deepStrictEqual(Object.keys((east.outputs.shardMap as any).shards), [
            "us-east",
            "us-west",
        ]);
    });

    it("plans a global stack: its resources and what it exports", () => {
        const { code, text } = reportPlan("prod-global", global, false);
        assert.strictEqual(code, 0);
        assert.match(
            text,
            /^ {2}global {2}zone ZPRIVATEZONE, warehouse VPC warehouse-vpc-id, lake geoshard-prod-warehouse-lake-123456789012$/m,
        );
    });

    it("keeps both stacks within the policy pack", () => {
        assert.deepStrictEqual(evaluatePolicies(global.resources, policies).violations, []);
        assert.deepStrictEqual(evaluatePolicies(east.resources, policies).violations, []);
    });

    it("refuses a shards stack without its global stack, and shards in a global stack", () => {
        const problems = (settings: Record<string, unknown>) => {
            try {
                validateConfig(unqualified(rawConfig(settings)));
                return [];
            } catch (error) {
                assert.ok(error instanceof ConfigError);
                return error.problems;
            }
        };
        assert.deepStrictEqual(problems({ stackRole: "shards" }), [
            "geoshard:globalStack: missing; expected the global stack of this environment, as organization/project/stack",
        ]);
        assert.deepStrictEqual(problems({ stackRole: "global" }), [
            `geoshard:shards: ${JSON.stringify(referenceShards()).slice(0, 77)}... is set in a global stack; declare shards in the shards stacks`,
        ]);
        assert.deepStrictEqual(problems({ stackRole: "regional" }), [
            'geoshard:stackRole: "regional" is not a stack role; allowed: all, global, shards',
        ]);
        assert.deepStrictEqual(problems({ globalStack }), [
            `geoshard:globalStack: "${globalStack}" is set, but only a shards stack reads a global stack (stackRole is all)`,
        ]);
    });
});

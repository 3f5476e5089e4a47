import * as assert from "assert";
import * as path from "path";
import { runProgram } from "../tools/mockRuntime";
import {
    nameCollisions,
    namingInputs,
    physicalNames,
    scopedNamingInputs,
} from "../tools/physicalNames";
import { stacksToPlan } from "../tools/planAll";
import { projectRoot, readStackConfig } from "../tools/stackConfig";

describe("physical names: one account per environment", () => {
    it("gives every stack file of the project and its examples its own environment, but a split's", () => {
        const owners = new Map<string, string>();
        for (const { stack, dir } of stacksToPlan()) {
            const config = readStackConfig(stack, projectRoot, path.join(projectRoot, dir));
            const environment = config["geoshard:environment"];
            // The stacks of one split environment share its name (the split checks keep their
            // shards apart); any other stack owns its environment's name alone.
            const owner =
                (config["geoshard:stackRole"] ?? "all") === "all"
                    ? `${stack} (${dir})`
                    : `the split in ${dir}`;
            const earlier = owners.get(environment);
            assert.ok(earlier === undefined || earlier === owner, `${owner} and ${earlier}`);
            owners.set(environment, owner);
        }
        assert.deepStrictEqual([...owners.keys()].sort(), [
            "dev",
            "dev-redshift",
            "prod",
            "prod-split",
            "staging",
            "staging-vpc",
        ]);
    });

    it("finds the names two stacks of one environment both declare, naming both stacks", async () => {
        // The root dev stack and the Redshift example, as they were: both in dev.
        // The dev stack's us-east shard is enough to meet the example's.
        const devConfig = readStackConfig("dev");
        const dev = await runProgram({
            ...devConfig,
            "geoshard:shards": JSON.stringify(JSON.parse(devConfig["geoshard:shards"]).slice(0, 1)),
        });
        const dir = path.join(projectRoot, "examples", "warehouse-redshift");
        const analytics = await runProgram({
            ...readStackConfig("dev-analytics", projectRoot, dir),
            "geoshard:environment": "dev",
        });
        const collisions = nameCollisions([
            { stack: "dev (.)", names: physicalNames(dev.resources) },
            {
                stack: "dev-analytics (examples/warehouse-redshift)",
                names: physicalNames(analytics.resources),
            },
        ]);
        assert.ok(
            collisions.includes(
                'dev (.) and dev-analytics (examples/warehouse-redshift) both declare aws:rds/cluster:Cluster clusterIdentifier "geoshard-dev-us-east-cluster" in us-east-1 (us-east-cluster, us-east-cluster); one account holds one environment of each name: give one of them another geoshard:environment',
            ),
            collisions.join("\n"),
        );
        assert.ok(
            collisions.includes(
                'dev (.) and dev-analytics (examples/warehouse-redshift) both declare aws:s3/bucket:Bucket bucket "geoshard-dev-warehouse-lake-123456789012" in the account (warehouse-lake, warehouse-lake); one account holds one environment of each name: give one of them another geoshard:environment',
            ),
            collisions.join("\n"),
        );
        assert.ok(
            collisions.some((c) =>
                c.includes(
                    'both declare aws:rds/clusterInstance:ClusterInstance identifier "geoshard-dev-us-east-writer" in us-east-1',
                ),
            ),
            collisions.join("\n"),
        );
        assert.ok(
            collisions.some((c) =>
                c.includes('aws:glue/catalogDatabase:CatalogDatabase name "geoshard_dev"'),
            ),
        );
        assert.ok(
            collisions.some((c) =>
                c.includes('aws:athena/workgroup:Workgroup name "geoshard-dev"'),
            ),
        );
        // Every `name` and `identifier` is either collected or named as scoped to its parent.
        const known = new Set([
            ...namingInputs.map((n) => `${n.type} ${n.input}`),
            ...scopedNamingInputs,
        ]);
        const unseen = new Set<string>();
        for (const resource of [...dev.resources, ...analytics.resources]) {
            for (const [input, value] of Object.entries(resource.inputs)) {
                // A resource's own name or identifier; other inputs refer to other resources.
                const naming = input === "name" || input === "identifier";
                if (
                    resource.custom &&
                    naming &&
                    typeof value === "string" &&
                    !known.has(`${resource.type} ${input}`)
                ) {
                    unseen.add(`${resource.type} ${input}`);
                }
            }
        }
        assert.deepStrictEqual([...unseen].sort(), []);
    }).timeout(60000);

    it("reports nothing twice within one stack, and a shared name once per later stack", () => {
        const name = (value: string) => ({
            kind: "aws:sns/topic:Topic name",
            where: "us-east-1",
            value,
            resource: "t",
        });
        assert.deepStrictEqual(
            nameCollisions([
                { stack: "a", names: [name("x"), name("x")] },
                { stack: "b", names: [name("y")] },
                { stack: "c", names: [name("x"), { ...name("y"), where: "eu-west-1" }] },
            ]),
            [
                'a and c both declare aws:sns/topic:Topic name "x" in us-east-1 (t, t); one account holds one environment of each name: give one of them another geoshard:environment',
            ],
        );
    });
});

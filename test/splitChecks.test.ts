import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import {
    checkSplitEnvironment,
    checkWarehouseAgrees,
    splitEnvironment,
    SplitMember,
} from "../tools/planSources";
import { projectRoot } from "../tools/stackConfig";
import { projectDir, runPlan as plan } from "./helpers";

const splitDir = path.join(projectRoot, "examples", "split");
const reference = "acme/geoshard/prod-global";

/** The example's stack files, with `edit` applied to one of them, in a directory of their own. */
function splitCopy(file: string, edit: (text: string) => string): string {
    const files = Object.fromEntries(
        fs
            .readdirSync(splitDir)
            .filter((f) => f.endsWith(".yaml"))
            .map((f) => [f, fs.readFileSync(path.join(splitDir, f), "utf8")]),
    );
    assert.ok(files[file], file);
    const edited = edit(files[file]);
    assert.notStrictEqual(edited, files[file], "the edit changed nothing");
    return projectDir({ ...files, [file]: edited }, "stacks");
}

/** The members of the example's split environment, with `edit` applied to one stack file. */
function members(file: string, edit: (text: string) => string): SplitMember[] {
    const root = splitCopy(file, edit);
    return splitEnvironment("prod-global", path.join(root, "stacks"), root);
}

describe("a split environment checked as one", () => {
    it("reads the example's global stack and both shards stacks, which hold together", () => {
        const split = splitEnvironment("prod-global", splitDir);
        assert.deepStrictEqual(
            split.map((m) => `${m.file} ${m.config.stackRole} ${m.config.environment}`),
            [
                "examples/split/Pulumi.prod-americas.yaml shards prod-split",
                "examples/split/Pulumi.prod-emea-apac.yaml shards prod-split",
                "examples/split/Pulumi.prod-global.yaml global prod-split",
            ],
        );
        assert.deepStrictEqual(checkSplitEnvironment(split), []);
    });

    it("refuses a shards stack whose warehouse is not its global stack's, naming both files", () => {
        const outputs = {
            environment: "prod-split",
            global: { warehouse: { region: "us-east-1", vpcCidr: "10.100.0.0/16" } },
        };
        const config = {
            "geoshard:environment": "prod-split",
            "geoshard:warehouse": JSON.stringify({ region: "us-east-1", vpcCidr: "10.101.0.0/16" }),
        };
        const files = [
            "stacks/Pulumi.prod-global.yaml",
            "stacks/Pulumi.prod-americas.yaml",
        ] as const;
        assert.deepStrictEqual(checkWarehouseAgrees(config, outputs, reference, ...files), [
            'stacks/Pulumi.prod-americas.yaml: geoshard:warehouse.vpcCidr "10.101.0.0/16" differs from the warehouse of the global stack acme/geoshard/prod-global (stacks/Pulumi.prod-global.yaml), whose outputs hold vpcCidr "10.100.0.0/16"; a shards stack joins that warehouse: set "10.100.0.0/16"',
        ]);
        const elsewhere = {
            "geoshard:environment": "prod",
            "geoshard:warehouse": JSON.stringify({ region: "eu-west-1", vpcCidr: "10.100.0.0/16" }),
        };
        assert.deepStrictEqual(checkWarehouseAgrees(elsewhere, outputs, reference, ...files), [
            'stacks/Pulumi.prod-americas.yaml: geoshard:environment "prod" differs from the environment of the global stack acme/geoshard/prod-global (stacks/Pulumi.prod-global.yaml), "prod-split"; a split environment\'s stacks share its name',
            'stacks/Pulumi.prod-americas.yaml: geoshard:warehouse.region "eu-west-1" differs from the warehouse of the global stack acme/geoshard/prod-global (stacks/Pulumi.prod-global.yaml), whose outputs hold region "us-east-1"; a shards stack joins that warehouse: set "us-east-1"',
        ]);
        // The same values agree.
        assert.deepStrictEqual(
            checkWarehouseAgrees(
                { ...config, "geoshard:warehouse": JSON.stringify(outputs.global.warehouse) },
                outputs,
                reference,
                ...files,
            ),
            [],
        );
    });

    it("refuses a city, or a shard name, in two shards stacks", () => {
        const city = members("Pulumi.prod-emea-apac.yaml", (t) =>
            t.replace("cities: [london, paris, berlin]", "cities: [london, boston, berlin]"),
        );
        assert.deepStrictEqual(checkSplitEnvironment(city), [
            'stacks/Pulumi.prod-emea-apac.yaml: geoshard:shards[0].cities[1] "boston" is already in geoshard:shards[0].cities[1] in stacks/Pulumi.prod-americas.yaml; a city belongs to one shard of the environment',
        ]);
        const name = members("Pulumi.prod-emea-apac.yaml", (t) =>
            t.replace("- name: asia", "- name: us-west"),
        );
        assert.deepStrictEqual(checkSplitEnvironment(name), [
            'stacks/Pulumi.prod-emea-apac.yaml: geoshard:shards[1].name "us-west" is already the name of geoshard:shards[1] in stacks/Pulumi.prod-americas.yaml; shard names are unique across the stacks of an environment',
        ]);
    });

    it("refuses a home or recovery network overlapping one of another shards stack", () => {
        const home = members("Pulumi.prod-emea-apac.yaml", (t) =>
            t.replace("vpcCidr: 10.40.0.0/16", "vpcCidr: 10.20.0.0/16"),
        );
        assert.deepStrictEqual(checkSplitEnvironment(home), [
            'stacks/Pulumi.prod-emea-apac.yaml: geoshard:shards[1].vpcCidr "10.20.0.0/16" overlaps geoshard:shards[1].vpcCidr (10.20.0.0/16) in stacks/Pulumi.prod-americas.yaml; the warehouse peers with every network of the environment, so none may overlap another',
        ]);
        const recovery = members("Pulumi.prod-emea-apac.yaml", (t) =>
            t.replace("vpcCidr: 10.31.0.0/16", "vpcCidr: 10.11.0.0/17"),
        );
        assert.deepStrictEqual(checkSplitEnvironment(recovery), [
            'stacks/Pulumi.prod-emea-apac.yaml: geoshard:shards[0].dr.vpcCidr "10.11.0.0/17" overlaps geoshard:shards[0].dr.vpcCidr (10.11.0.0/16) in stacks/Pulumi.prod-americas.yaml; the warehouse peers with every network of the environment, so none may overlap another',
        ]);
    });

    it("refuses a sibling whose warehouse differs, and its networks over the global stack's warehouse", () => {
        const split = members("Pulumi.prod-emea-apac.yaml", (t) =>
            t
                .replace(
                    "  geoshard:warehouse:\n    region: us-east-1\n    vpcCidr: 10.100.0.0/16",
                    "  geoshard:warehouse:\n    region: us-east-1\n    vpcCidr: 10.200.0.0/16",
                )
                .replace("vpcCidr: 10.40.0.0/16", "vpcCidr: 10.100.0.0/16"),
        );
        const overlap =
            'stacks/Pulumi.prod-emea-apac.yaml: geoshard:shards[1].vpcCidr "10.100.0.0/16" overlaps geoshard:warehouse.vpcCidr (10.100.0.0/16) in stacks/Pulumi.prod-global.yaml; the warehouse peers with every network of the environment, so none may overlap another';
        assert.deepStrictEqual(checkSplitEnvironment(split), [
            'stacks/Pulumi.prod-emea-apac.yaml: geoshard:warehouse.vpcCidr "10.200.0.0/16" differs from geoshard:warehouse.vpcCidr (10.100.0.0/16) in stacks/Pulumi.prod-global.yaml; a shards stack joins its global stack\'s warehouse',
            overlap,
        ]);
        // The stack being planned is held to the global stack's outputs instead.
        assert.deepStrictEqual(checkSplitEnvironment(split, "stacks/Pulumi.prod-emea-apac.yaml"), [
            overlap,
        ]);
    });

    it("leaves out a stack of another environment, or of another global stack", () => {
        const other = members("Pulumi.prod-emea-apac.yaml", (t) =>
            t.replace("globalStack: acme/geoshard/prod-global", "globalStack: acme/geoshard/x"),
        );
        assert.deepStrictEqual(
            other.map((m) => path.basename(m.file)),
            ["Pulumi.prod-americas.yaml", "Pulumi.prod-global.yaml"],
        );
    });

    it("exits 1 planning a shards stack whose warehouse CIDR differs, naming both files", async () => {
        const root = splitCopy("Pulumi.prod-americas.yaml", (t) =>
            t.replace(
                "  geoshard:warehouse:\n    region: us-east-1\n    vpcCidr: 10.100.0.0/16",
                "  geoshard:warehouse:\n    region: us-east-1\n    vpcCidr: 10.101.0.0/16",
            ),
        );
        const { code, out, err } = await plan(
            ["--dir", "stacks", "--stack", "prod-americas"],
            root,
        );
        assert.strictEqual(code, 1);
        assert.strictEqual(out, "");
        assert.strictEqual(
            err,
            [
                "plan: stack prod-americas would not deploy:",
                "the split environment prod-split does not hold together (1 problem):",
                '  - stacks/Pulumi.prod-americas.yaml: geoshard:warehouse.vpcCidr "10.101.0.0/16" differs from the warehouse of the global stack acme/geoshard/prod-global (stacks/Pulumi.prod-global.yaml), whose outputs hold vpcCidr "10.100.0.0/16"; a shards stack joins that warehouse: set "10.100.0.0/16"',
            ].join("\n"),
        );
    });

    it("exits 1 planning the global stack when two of its shards stacks share a city", async () => {
        const root = splitCopy("Pulumi.prod-emea-apac.yaml", (t) =>
            t.replace("cities: [tokyo, singapore, mumbai]", "cities: [tokyo, new_york, mumbai]"),
        );
        const { code, err } = await plan(["--dir", "stacks", "--stack", "prod-global"], root);
        assert.strictEqual(code, 1);
        assert.strictEqual(
            err,
            [
                "plan: stack prod-global would not deploy:",
                "the split environment prod-split does not hold together (1 problem):",
                '  - stacks/Pulumi.prod-emea-apac.yaml: geoshard:shards[1].cities[1] "new_york" is already in geoshard:shards[0].cities[0] in stacks/Pulumi.prod-americas.yaml; a city belongs to one shard of the environment',
            ].join("\n"),
        );
    });
});

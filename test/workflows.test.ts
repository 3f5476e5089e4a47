import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

const dir = path.join(__dirname, "..", ".github", "workflows");
const load = (file: string) =>
    parse(fs.readFileSync(path.join(dir, file), "utf8"), { strict: true, uniqueKeys: true });
const stacks = fs
    .readdirSync(path.join(__dirname, ".."))
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();

/** Every step of every job that uses pulumi/actions. */
function pulumiSteps(workflow: any): { job: string; step: any }[] {
    return Object.entries<any>(workflow.jobs).flatMap(([job, spec]) =>
        (spec.steps as any[])
            .filter((s) => String(s.uses).startsWith("pulumi/actions@"))
            .map((step) => ({ job, step })),
    );
}

describe("CI workflows", () => {
    it("parse as YAML and declare jobs whose needs exist and whose steps run or use something", () => {
        for (const file of fs.readdirSync(dir)) {
            const workflow = load(file);
            assert.ok(
                workflow.name && workflow.on && workflow.jobs,
                `${file} lacks name, on or jobs`,
            );
            for (const [job, spec] of Object.entries<any>(workflow.jobs)) {
                assert.ok(spec["runs-on"], `${file}: ${job} has no runs-on`);
                for (const need of [spec.needs ?? []].flat()) {
                    assert.ok(workflow.jobs[need], `${file}: ${job} needs unknown job ${need}`);
                }
                for (const step of spec.steps) {
                    assert.ok(
                        (step.run === undefined) !== (step.uses === undefined),
                        `${file}: ${job} has a step with neither or both of run and uses`,
                    );
                }
            }
        }
    });

    it("on pull requests: tests, the offline plan of every stack and example, and a policy-checked preview of every stack", () => {
        const workflow = load("pull-request.yml");
        assert.deepStrictEqual(Object.keys(workflow.on), ["pull_request"]);
        const runs = workflow.jobs.test.steps.map((s: any) => s.run).filter(Boolean);
        assert.deepStrictEqual(
            runs.filter((r: string) => r.startsWith("npm ") && !r.includes("plan")),
            ["npm ci", "npm run lint", "npm test"],
        );
        assert.ok(
            runs.includes("npm run -s plan:all"),
            "the offline plan of every stack and example",
        );
        assert.deepStrictEqual([...workflow.jobs.preview.strategy.matrix.stack].sort(), stacks);
        const [{ step }] = pulumiSteps(workflow);
        assert.deepStrictEqual(
            [step.with.command, step.with.policyPacks, step.with["stack-name"]],
            ["preview", "policies", "${{ matrix.stack }}"],
        );
        assert.strictEqual(step.env.PULUMI_ACCESS_TOKEN, "${{ secrets.PULUMI_ACCESS_TOKEN }}");
    });

    it("on main: pulumi up on dev, then on prod behind the production environment's approval", () => {
        const workflow = load("main.yml");
        assert.deepStrictEqual(workflow.on, { push: { branches: ["main"] } });
        const ups = pulumiSteps(workflow).map(({ job, step }) => [
            job,
            step.with.command,
            step.with["stack-name"],
            step.with.policyPacks,
        ]);
        assert.deepStrictEqual(ups, [
            ["deploy-dev", "up", "dev", "policies"],
            ["deploy-prod", "up", "prod", "policies"],
        ]);
        assert.strictEqual(workflow.jobs["deploy-prod"].environment, "production");
        assert.strictEqual(workflow.jobs["deploy-prod"].needs, "deploy-dev");
        assert.strictEqual(workflow.concurrency["cancel-in-progress"], false);
    });
});

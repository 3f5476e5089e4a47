/**
 * What the offline plan reads besides a stack's config:
 *
 * - `--dir DIR`: the directory of the stack files (default: the project's own). An example keeps
 *   its stack files in `examples/<name>/` and plans with this project's program and the defaults
 *   of its `Pulumi.yaml`.
 * - `DIR/fixtures.json`, when present: what the mocked account holds for the stacks of that
 *   directory, such as the subnets of an existing VPC that `aws.ec2.getSubnet` finds.
 * - For a shards stack (`geoshard:stackRole: shards`), its global stack: the last segment of
 *   `geoshard:globalStack` names `DIR/Pulumi.<stack>.yaml`, which is planned first; its outputs
 *   are what the shards stack's StackReference reads.
 */

import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { Fixtures, ProgramError, runProgram } from "./mockRuntime";
import { projectRoot, readStackConfig } from "./stackConfig";

/** A problem with the arguments or the stack files, not with the config: the plan exits 2. */
export class PlanUsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PlanUsageError";
    }
}

/** `--dir DIR` taken out of the arguments, DIR resolved against the project directory. */
export function takeStackDir(
    argv: readonly string[],
    root: string = projectRoot,
): { argv: string[]; dir: string } {
    const rest: string[] = [];
    let dir = root;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] !== "--dir") {
            rest.push(argv[i]);
            continue;
        }
        const value = argv[++i];
        if (value === undefined || value.startsWith("-")) {
            throw new Error("--dir needs a directory of stack files, e.g. --dir examples/split");
        }
        dir = path.resolve(root, value);
        if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
            throw new Error(`--dir ${value}: no such directory`);
        }
    }
    return { argv: rest, dir };
}

export const fixturesFile = "fixtures.json";
const fixtureKeys: readonly string[] = ["zones", "subnets"];

/** The mocked account of a directory's stacks: its `fixtures.json`, or nothing. */
export function readFixtures(dir: string, root: string = projectRoot): Fixtures {
    const file = path.join(dir, fixturesFile);
    if (!fs.existsSync(file)) {
        return {};
    }
    const shown = path.relative(root, file);
    let fixtures: unknown;
    try {
        fixtures = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (error) {
        throw new PlanUsageError(`${shown}: not JSON: ${(error as Error).message}`);
    }
    if (typeof fixtures !== "object" || fixtures === null || Array.isArray(fixtures)) {
        throw new PlanUsageError(`${shown}: expected an object with ${fixtureKeys.join(", ")}`);
    }
    const unknown = Object.keys(fixtures).filter((key) => !fixtureKeys.includes(key));
    if (unknown.length > 0) {
        throw new PlanUsageError(
            `${shown}: ${unknown.map((k) => `"${k}"`).join(", ")} is not a fixture; known: ${fixtureKeys.join(", ")}`,
        );
    }
    return fixtures as Fixtures;
}

/**
 * The fixtures a stack plans with: its directory's, and for a shards stack the outputs of its
 * global stack, planned first from the same directory. Throws a PlanUsageError when the global
 * stack's file is missing or is no global stack, and a RunError when the global stack would not
 * deploy.
 */
export async function stackFixtures(
    config: Record<string, string>,
    dir: string,
    root: string = projectRoot,
): Promise<Fixtures> {
    const fixtures = readFixtures(dir, root);
    const reference = config["geoshard:globalStack"];
    if (config["geoshard:stackRole"] !== "shards" || reference === undefined) {
        // Any other stack, or a shards stack without its global stack, which config refuses.
        return fixtures;
    }
    const stack = reference.split("/").pop()!;
    const stackFile = path.join(dir, `Pulumi.${stack}.yaml`);
    const file = path.relative(root, stackFile);
    if (!fs.existsSync(stackFile)) {
        throw new PlanUsageError(
            `the global stack ${reference} has no stack file: expected ${file} beside the shards ` +
                `stack's; the offline plan plans the global stack first and reads its outputs`,
        );
    }
    const globalConfig = readStackConfig(stack, root, dir);
    const role = globalConfig["geoshard:stackRole"];
    if (role !== "global") {
        throw new PlanUsageError(
            `the global stack ${reference} is no global stack: ${file} sets geoshard:stackRole ` +
                `${role ?? "all"}; expected global`,
        );
    }
    let outputs: Record<string, unknown>;
    try {
        ({ outputs } = await runProgram(globalConfig, { stack, fixtures }));
    } catch (error) {
        const cause = error instanceof ProgramError ? error.cause : error;
        throw new pulumi.RunError(
            `its global stack ${reference} (${file}) would not deploy:\n${(cause as Error).message}`,
        );
    }
    return { ...fixtures, stackOutputs: { [reference]: outputs } };
}

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
 * - For a stack of a split environment, its siblings: the global stack and every shards stack of
 *   DIR that joins it. Config checks one stack at a time; the plan checks the environment as one
 *   (`checkSplitEnvironment`).
 */

import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { cidrsOverlap, parseCidr } from "../config/cidr";
import { StackConfig } from "../config/schema";
import { namespace, validateConfig } from "../config/validate";
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
 * deploy or the split environment does not hold together (`checkWarehouseAgrees`,
 * `checkSplitEnvironment`; `ownStack` names the stack planned, for the messages and the siblings).
 */
export async function stackFixtures(
    config: Record<string, string>,
    dir: string,
    root: string = projectRoot,
    ownStack?: string,
): Promise<Fixtures> {
    const fixtures = readFixtures(dir, root);
    const reference = config["geoshard:globalStack"];
    if (config["geoshard:stackRole"] === "global" && ownStack !== undefined) {
        // A global stack's plan checks the shards stacks beside it that join it.
        const problems = checkSplitEnvironment(splitEnvironment(ownStack, dir, root));
        if (problems.length > 0) {
            throw new pulumi.RunError(splitMessage(config, problems));
        }
    }
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
    const problems = [
        ...checkWarehouseAgrees(
            config,
            outputs,
            reference,
            file,
            ownStack && path.relative(root, path.join(dir, `Pulumi.${ownStack}.yaml`)),
        ),
        ...checkSplitEnvironment(
            splitEnvironment(stack, dir, root),
            ownStack && path.relative(root, path.join(dir, `Pulumi.${ownStack}.yaml`)),
        ),
    ];
    if (problems.length > 0) {
        throw new pulumi.RunError(splitMessage(globalConfig, problems));
    }
    return { ...fixtures, stackOutputs: { [reference]: outputs } };
}

/** One stack file of a split environment, with its validated config. */
export interface SplitMember {
    /** The stack file, as messages show it (relative to the project). */
    readonly file: string;
    readonly config: StackConfig;
}

/**
 * The stacks of the split environment whose global stack is `globalStack`, from `dir`: the global
 * stack's file, and every shards stack file of the same environment that names it. A file whose
 * config does not validate is left out: its own plan reports why.
 */
export function splitEnvironment(
    globalStack: string,
    dir: string,
    root: string = projectRoot,
): SplitMember[] {
    const members: SplitMember[] = [];
    const stacks = fs
        .readdirSync(dir)
        .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
        .filter((stack): stack is string => stack !== undefined)
        .sort();
    for (const stack of stacks) {
        let config: StackConfig;
        try {
            config = validateConfig(unqualified(readStackConfig(stack, root, dir)));
        } catch {
            continue;
        }
        const joins =
            stack === globalStack
                ? config.stackRole === "global"
                : config.stackRole === "shards" &&
                  config.globalStack?.split("/").pop() === globalStack;
        if (joins) {
            members.push({
                file: path.relative(root, path.join(dir, `Pulumi.${stack}.yaml`)),
                config,
            });
        }
    }
    const environment = members.find((m) => m.config.stackRole === "global")?.config.environment;
    return members.filter((m) => environment === undefined || m.config.environment === environment);
}

/**
 * What a split environment must hold as one, which config cannot see from one stack: every shards
 * stack states its global stack's warehouse, shard names and cities are unique across its shards
 * stacks, and no network of one stack (a shard's, its recovery copy's, the warehouse's) overlaps a
 * network of another, since the warehouse peers with all of them. One message per problem,
 * naming both files, the key paths and the values. `checkedAgainstOutputs` names the stack file
 * whose warehouse is compared with the global stack's outputs instead.
 */
export function checkSplitEnvironment(
    members: readonly SplitMember[],
    checkedAgainstOutputs?: string,
): string[] {
    const problems: string[] = [];
    interface Owned {
        readonly file: string;
        readonly path: string;
        readonly value: string;
    }
    const names = new Map<string, Owned>();
    const cities = new Map<string, Owned>();
    // The global stack's warehouse network first: every shard network is peered with it.
    const global = members.find((m) => m.config.stackRole === "global");
    const networks: Owned[] = global
        ? [
              {
                  file: global.file,
                  path: `${namespace}:warehouse.vpcCidr`,
                  value: global.config.warehouse.vpcCidr,
              },
          ]
        : [];
    for (const { file, config } of members) {
        // A shards stack's warehouse is its global stack's. The stack being planned is checked
        // against the global stack's outputs instead (`checkWarehouseAgrees`).
        if (global && config.stackRole === "shards" && file !== checkedAgainstOutputs) {
            for (const key of ["region", "vpcCidr"] as const) {
                if (config.warehouse[key] !== global.config.warehouse[key]) {
                    problems.push(
                        `${file}: ${namespace}:warehouse.${key} ` +
                            `${JSON.stringify(config.warehouse[key])} differs from ` +
                            `${namespace}:warehouse.${key} ` +
                            `(${global.config.warehouse[key]}) in ${global.file}; a shards stack ` +
                            `joins its global stack's warehouse`,
                    );
                }
            }
        }
        const ownNetworks: Owned[] = [];
        config.shards.forEach((shard, i) => {
            const at = `${namespace}:shards[${i}]`;
            const name = names.get(shard.name);
            if (name && name.file !== file) {
                problems.push(
                    `${file}: ${at}.name ${JSON.stringify(shard.name)} is already the name of ` +
                        `${name.path} in ${name.file}; shard names are unique across the stacks of ` +
                        `an environment`,
                );
            } else {
                names.set(shard.name, { file, path: at, value: shard.name });
            }
            shard.cities.forEach((city, j) => {
                const owner = cities.get(city);
                if (owner && owner.file !== file) {
                    problems.push(
                        `${file}: ${at}.cities[${j}] ${JSON.stringify(city)} is already in ` +
                            `${owner.path} in ${owner.file}; a city belongs to one shard of the ` +
                            `environment`,
                    );
                } else {
                    cities.set(city, { file, path: `${at}.cities[${j}]`, value: city });
                }
            });
            ownNetworks.push({ file, path: `${at}.vpcCidr`, value: shard.vpcCidr });
            if (shard.dr) {
                ownNetworks.push({ file, path: `${at}.dr.vpcCidr`, value: shard.dr.vpcCidr });
            }
        });
        for (const network of ownNetworks) {
            const cidr = parseCidr(network.value);
            const other = networks.find((n) => {
                const theirs = parseCidr(n.value);
                return cidr && theirs && cidrsOverlap(cidr, theirs);
            });
            if (other) {
                problems.push(
                    `${file}: ${network.path} ${JSON.stringify(network.value)} overlaps ` +
                        `${other.path} (${other.value}) in ${other.file}; the warehouse peers with ` +
                        `every network of the environment, so none may overlap another`,
                );
            }
        }
        networks.push(...ownNetworks);
    }
    return problems;
}

/**
 * A shards stack's warehouse settings against what its global stack's outputs hold: the stack
 * checks its networks and CDC against its own `geoshard:warehouse`, but joins the global stack's
 * warehouse, so the two must be the same.
 */
export function checkWarehouseAgrees(
    config: Record<string, string>,
    globalOutputs: Record<string, unknown>,
    reference: string,
    globalFile: string,
    ownFile?: string,
): string[] {
    const warehouse = (globalOutputs.global as { warehouse?: Record<string, unknown> } | undefined)
        ?.warehouse;
    let own: Record<string, unknown>;
    try {
        own = JSON.parse(config[`${namespace}:warehouse`] ?? "{}");
    } catch {
        return [];
    }
    const where = `${ownFile ? `${ownFile}: ` : ""}`;
    const environment = config[`${namespace}:environment`];
    const problems =
        typeof globalOutputs.environment === "string" &&
        environment !== undefined &&
        environment !== globalOutputs.environment
            ? [
                  `${where}${namespace}:environment ${JSON.stringify(environment)} differs from ` +
                      `the environment of the global stack ${reference} (${globalFile}), ` +
                      `${JSON.stringify(globalOutputs.environment)}; a split environment's stacks ` +
                      `share its name`,
              ]
            : [];
    if (!warehouse || typeof own !== "object" || own === null) {
        return problems;
    }
    return problems.concat(
        (["region", "vpcCidr"] as const)
            .filter((key) => own[key] !== undefined && own[key] !== warehouse[key])
            .map(
                (key) =>
                    `${where}${namespace}:warehouse.${key} ${JSON.stringify(own[key])} differs from ` +
                    `the warehouse of the global stack ${reference} (${globalFile}), whose outputs ` +
                    `hold ${key} ${JSON.stringify(warehouse[key])}; a shards stack joins that ` +
                    `warehouse: set ${JSON.stringify(warehouse[key])}`,
            ),
    );
}

function splitMessage(globalConfig: Record<string, string>, problems: readonly string[]): string {
    const environment = globalConfig[`${namespace}:environment`];
    return (
        `the split environment ${environment} does not hold together (${problems.length} ` +
        `problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p}`).join("\n")
    );
}

/** `geoshard:`-qualified config as validateConfig reads it. */
function unqualified(config: Record<string, string>): Record<string, string> {
    const prefix = `${namespace}:`;
    return Object.fromEntries(
        Object.entries(config)
            .filter(([key]) => key.startsWith(prefix))
            .map(([key, value]) => [key.slice(prefix.length), value]),
    );
}

/**
 * The offline plan, with the policy pack, of every stack CI gates on: the project's own stack
 * files, then those of each example (`examples/<name>/Pulumi.<stack>.yaml`, planned with this
 * project's program as `--dir examples/<name>` would). An example with a `Pulumi.yaml` of its own
 * is a program of its own, which its test plans. One process plans them all.
 *
 *   npm run plan:all
 *
 * Prints one line per stack, and the messages of any that fails. Then checks that the stacks could
 * share one account: no two declare the same physical name (tools/physicalNames.ts). Exits with
 * the highest exit code of the plans, or 1 when two stacks share a name (0 when every stack plans,
 * passes the mandatory policies and owns its names).
 */

import * as fs from "fs";
import * as path from "path";
import { nameCollisions, physicalNames, StackNames } from "./physicalNames";
import { planCommand } from "./plan";
import { projectRoot } from "./stackConfig";

/** Every stack to plan, as `--stack` and the `--dir` of its file, relative to the project. */
export function stacksToPlan(root: string = projectRoot): { stack: string; dir: string }[] {
    const stacksIn = (dir: string) =>
        fs
            .readdirSync(path.join(root, dir))
            .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
            .filter((stack): stack is string => stack !== undefined)
            .sort()
            .map((stack) => ({ stack, dir }));
    const examples = fs.existsSync(path.join(root, "examples"))
        ? fs
              .readdirSync(path.join(root, "examples"), { withFileTypes: true })
              .filter((entry) => entry.isDirectory())
              .map((entry) => path.join("examples", entry.name))
              .filter((dir) => !fs.existsSync(path.join(root, dir, "Pulumi.yaml")))
              .sort()
        : [];
    return [".", ...examples].flatMap(stacksIn);
}

async function main(): Promise<number> {
    let worst = 0;
    const named: StackNames[] = [];
    // A warning every stack repeats (the account's DMS roles) is said once.
    const said = new Set<string>();
    const err = (text: string) => {
        if (!said.has(text)) {
            said.add(text);
            console.error(text);
        }
    };
    for (const { stack, dir } of stacksToPlan()) {
        // Each stack plans under its policy config, policies/config/<stack>.json where there is
        // one, as the plan does by default and as CI's pulumi runs do.
        const code = await planCommand(
            ["--stack", stack, "--dir", dir],
            () => undefined,
            err,
            undefined,
            process.env,
            {},
            (run) =>
                named.push({ stack: `${stack} (${dir})`, names: physicalNames(run.resources) }),
        );
        console.log(`${code === 0 ? "ok  " : "FAIL"} ${stack} (${dir})`);
        worst = Math.max(worst, code);
    }
    // Every stack and example could share one account: no two declare the same physical name.
    const collisions = nameCollisions(named);
    for (const collision of collisions) {
        console.error(`plan:all: ${collision}`);
    }
    console.log(
        `${collisions.length === 0 ? "ok  " : "FAIL"} physical names of ${named.length} stacks: ` +
            `${collisions.length === 0 ? "no two share one" : `${collisions.length} shared`}`,
    );
    return collisions.length > 0 ? Math.max(worst, 1) : worst;
}

if (require.main === module) {
    // Set, not forced: `process.exit` would drop what stdout still holds for a pipe.
    main().then((code) => {
        process.exitCode = code;
    });
}

/**
 * The offline plan, with the policy pack, of every stack CI gates on: the project's own stack
 * files, then those of each example (`examples/<name>/Pulumi.<stack>.yaml`, planned with this
 * project's program as `--dir examples/<name>` would). An example with a `Pulumi.yaml` of its own
 * is a program of its own, which its test plans. One process plans them all.
 *
 *   npm run plan:all
 *
 * Prints one line per stack, and the messages of any that fails; exits with the highest exit code
 * of the plans (0 when every stack plans and passes the mandatory policies).
 */

import * as fs from "fs";
import * as path from "path";
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
    for (const { stack, dir } of stacksToPlan()) {
        // The project's stacks plan under their policy config, as CI's pulumi runs do.
        const policyConfig = path.join("policies", "config", `${stack}.json`);
        const withConfig =
            dir === "." && fs.existsSync(path.join(projectRoot, policyConfig))
                ? ["--policy-pack-config", policyConfig]
                : [];
        const code = await planCommand(
            ["--stack", stack, "--dir", dir, ...withConfig],
            () => undefined,
        );
        console.log(`${code === 0 ? "ok  " : "FAIL"} ${stack} (${dir})`);
        worst = Math.max(worst, code);
    }
    return worst;
}

if (require.main === module) {
    main().then((code) => process.exit(code));
}

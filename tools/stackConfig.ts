/**
 * Reads a stack's config the way the Pulumi CLI hands it to the program: the stack file's values,
 * the project file's defaults for keys the stack leaves unset, every value as a string and every
 * structured value as JSON.
 */

import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export const projectRoot = path.resolve(__dirname, "..");

interface ProjectFile {
    name: string;
    config?: Record<string, unknown>;
}

export function readProjectFile(root: string = projectRoot): ProjectFile {
    return parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as ProjectFile;
}

/** The defaults the project file declares, by fully qualified key. */
export function projectDefaults(root: string = projectRoot): Record<string, unknown> {
    const project = readProjectFile(root);
    const defaults: Record<string, unknown> = {};
    for (const [key, declaration] of Object.entries(project.config ?? {})) {
        const qualified = key.includes(":") ? key : `${project.name}:${key}`;
        if (
            typeof declaration === "object" &&
            declaration !== null &&
            !Array.isArray(declaration)
        ) {
            if ("default" in declaration) {
                defaults[qualified] = (declaration as { default: unknown }).default;
            }
        } else {
            defaults[qualified] = declaration;
        }
    }
    return defaults;
}

/**
 * Config of `Pulumi.<stack>.yaml` over the project defaults, as the program receives it. The
 * stack file is read from `stackDir`, by default the project's own directory; an example keeps
 * its stack files in a directory of its own and runs with this project's program and defaults.
 */
export function readStackConfig(
    stack: string,
    root: string = projectRoot,
    stackDir: string = root,
): Record<string, string> {
    const file = path.join(stackDir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        const stacks = fs
            .readdirSync(stackDir)
            .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
            .filter((s): s is string => s !== undefined);
        throw new Error(
            `no stack "${stack}": ${path.relative(root, file)} does not exist; stacks here: ${stacks.join(", ")}`,
        );
    }
    const stackFile = (parse(fs.readFileSync(file, "utf8")) ?? {}) as {
        config?: Record<string, unknown>;
    };
    const values = { ...projectDefaults(root), ...(stackFile.config ?? {}) };
    return Object.fromEntries(
        Object.entries(values).map(([key, value]) => [
            key,
            typeof value === "string" ? value : JSON.stringify(value),
        ]),
    );
}

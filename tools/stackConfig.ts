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
    return parseYaml(path.join(root, "Pulumi.yaml"), root) as ProjectFile;
}

/** A YAML file's content; a syntax error names the file (relative to `root`) and the line. */
function parseYaml(file: string, root: string): unknown {
    const text = fs.readFileSync(file, "utf8");
    try {
        return parse(text);
    } catch (error) {
        throw new Error(
            `${path.relative(root, file)}: not valid YAML: ${(error as Error).message}`,
        );
    }
}

/**
 * A config key as the program reads it: `geoshard:replicaCount`. A stack file may leave out the
 * project's own namespace (`replicaCount:`), which the Pulumi CLI reads as the project's.
 * Source: https://www.pulumi.com/docs/iac/concepts/config/ ("Configuration keys")
 */
export function qualifiedKey(key: string, project: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

/** The defaults the project file declares, by fully qualified key. */
export function projectDefaults(root: string = projectRoot): Record<string, unknown> {
    const project = readProjectFile(root);
    const defaults: Record<string, unknown> = {};
    for (const [key, declaration] of Object.entries(project.config ?? {})) {
        const qualified = qualifiedKey(key, project.name);
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
    const stackFile = (parseYaml(file, root) ?? {}) as {
        config?: Record<string, unknown>;
    };
    const project = readProjectFile(root).name;
    const own = Object.entries(stackFile.config ?? {}).map(
        ([key, value]) => [qualifiedKey(key, project), value] as const,
    );
    const written = new Map<string, string>();
    for (const [key] of Object.entries(stackFile.config ?? {})) {
        const qualified = qualifiedKey(key, project);
        if (written.has(qualified)) {
            throw new Error(
                `${path.relative(root, file)}: ${written.get(qualified)} and ${key} are one key, ` +
                    `${qualified}; keep one`,
            );
        }
        written.set(qualified, key);
    }
    const values = { ...projectDefaults(root), ...Object.fromEntries(own) };
    return Object.fromEntries(
        Object.entries(values).map(([key, value]) => [
            key,
            typeof value === "string" ? value : JSON.stringify(value),
        ]),
    );
}

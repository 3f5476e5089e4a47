/**
 * The one place the program reads Pulumi config. Everything else receives the typed StackConfig.
 */

import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "./schema";
import { ConfigError, namespace, validateConfig } from "./validate";

/**
 * Reads every `geoshard:` key of the current stack and validates them together. Invalid config
 * stops the program with every problem listed, before any resource is declared.
 */
export function loadConfig(): StackConfig {
    const raw: Record<string, string> = {};
    for (const [fullKey, value] of Object.entries(pulumi.runtime.allConfig())) {
        const separator = fullKey.indexOf(":");
        if (fullKey.slice(0, separator) === namespace) {
            raw[fullKey.slice(separator + 1)] = value;
        }
    }
    try {
        return validateConfig(raw);
    } catch (error) {
        if (error instanceof ConfigError) {
            // A RunError ends the program with its message alone, without a stack trace.
            throw new pulumi.RunError(error.message);
        }
        throw error;
    }
}

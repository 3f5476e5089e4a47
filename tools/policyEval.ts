/**
 * Evaluates the geoshard policy pack against a program run under the mocks, the way the Pulumi
 * engine would at preview: each resource policy sees each resource's inputs and provider, each
 * stack policy sees every resource with its parent. No policy server is started.
 */

import {
    Policies,
    PolicyProviderResource,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";
import { nearest } from "../config/suggest";
import { reveal, RecordedResource } from "./mockRuntime";

/** One violation, as `pulumi preview --policy-pack` would print it. */
export interface Violation {
    readonly policy: string;
    readonly enforcementLevel: string;
    readonly resource: string;
    readonly urn: string;
    readonly message: string;
}

export interface PolicyReport {
    readonly policies: number;
    readonly resources: number;
    readonly violations: readonly Violation[];
    /** Checks that met a value unknown until deployment; the engine skips those too. */
    readonly skipped: readonly { policy: string; resource: string }[];
}

/**
 * Policy config as `--policy-pack-config` takes it: per policy name, its settings and
 * optionally its `enforcementLevel`, or just an enforcement level; `all` sets the level of every
 * policy, below a policy's own.
 * Source: https://www.pulumi.com/docs/iac/using-pulumi/crossguard/configuration/
 */
export type PolicyConfig = Record<string, Record<string, unknown> | EnforcementLevel>;

export const enforcementLevels = ["advisory", "mandatory", "remediate", "disabled"] as const;
export type EnforcementLevel = (typeof enforcementLevels)[number];

class NotApplicable extends Error {}

export function evaluatePolicies(
    resources: readonly RecordedResource[],
    policies: Policies,
    config: PolicyConfig = {},
): PolicyReport {
    const violations: Violation[] = [];
    const skipped: { policy: string; resource: string }[] = [];
    const providers = providerResources(resources);
    const policyResources = toPolicyResources(resources, providers);

    for (const policy of policies) {
        const { level, settings } = configOf(policy, config);
        if (level === "disabled") {
            continue;
        }
        const getConfig = <T extends object>() => ({ ...defaultsOf(policy), ...settings }) as T;
        const notApplicable = (reason?: string): never => {
            throw new NotApplicable(reason);
        };
        const guard = (resource: string, check: () => void) => {
            try {
                check();
            } catch (error) {
                if (error instanceof NotApplicable) {
                    return;
                }
                if ((error as Error)?.constructor?.name === "UnknownValueError") {
                    skipped.push({ policy: policy.name, resource });
                    return;
                }
                throw error;
            }
        };

        if ("validateResource" in policy && policy.validateResource) {
            const validations = [policy.validateResource].flat();
            for (const resource of policyResources.filter((r) => r.custom)) {
                const report: ReportViolation = (message) =>
                    violations.push({
                        policy: policy.name,
                        enforcementLevel: level,
                        resource: resource.name,
                        urn: resource.urn,
                        message,
                    });
                const args: ResourceValidationArgs = {
                    type: resource.type,
                    props: resource.props,
                    urn: resource.urn,
                    name: resource.name,
                    opts: resource.opts,
                    provider: resource.provider,
                    stackTags: new Map(),
                    isType: (cls) => (cls as any).__pulumiType === resource.type,
                    asType: (cls: any) =>
                        cls.__pulumiType === resource.type ? (resource.props as any) : undefined,
                    getConfig,
                    notApplicable,
                };
                for (const validate of validations) {
                    guard(resource.name, () => void validate(args, report));
                }
            }
        }
        if ("validateStack" in policy && (policy as StackValidationPolicy).validateStack) {
            const report: ReportViolation = (message, urn) => {
                const resource = policyResources.find((r) => r.urn === urn);
                violations.push({
                    policy: policy.name,
                    enforcementLevel: level,
                    resource: resource?.name ?? "(stack)",
                    urn: urn ?? "",
                    message,
                });
            };
            guard(
                "(stack)",
                () =>
                    void (policy as StackValidationPolicy).validateStack(
                        {
                            resources: policyResources,
                            getConfig,
                            notApplicable,
                            stackTags: new Map(),
                        },
                        report,
                    ),
            );
        }
    }
    return { policies: policies.length, resources: resources.length, violations, skipped };
}

/** A policy's enforcement level and settings under `config`, as the engine resolves them. */
function configOf(
    policy: ResourceValidationPolicy | StackValidationPolicy,
    config: PolicyConfig,
): { level: string; settings: Record<string, unknown> } {
    const levelOf = (entry: PolicyConfig[string] | undefined) =>
        typeof entry === "string" ? entry : (entry?.enforcementLevel as string | undefined);
    const own = config[policy.name];
    const settings = typeof own === "object" ? { ...own } : {};
    delete settings.enforcementLevel;
    return {
        level: levelOf(own) ?? levelOf(config.all) ?? policy.enforcementLevel ?? "advisory",
        settings,
    };
}

/**
 * Reads a policy config file as `pulumi preview --policy-pack-config` does, and checks it
 * against the pack: known policy names (or `all`), enforcement levels, and settings of the
 * types and ranges each policy's config schema declares. Throws an Error naming every problem.
 */
export function parsePolicyConfig(text: string, policies: Policies, file: string): PolicyConfig {
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (error) {
        throw new Error(`${file} is not JSON: ${(error as Error).message}`);
    }
    if (!isObject(parsed)) {
        throw new Error(`${file} is not an object of policy names`);
    }
    const names = policies.map((p) => p.name);
    const problems: string[] = [];
    const checkLevel = (at: string, level: unknown) => {
        if (!enforcementLevels.includes(level as EnforcementLevel)) {
            problems.push(
                `${at}: ${JSON.stringify(level)} is not an enforcement level; allowed: ${enforcementLevels.join(", ")}`,
            );
        }
    };
    for (const [name, entry] of Object.entries(parsed)) {
        const policy = policies.find((p) => p.name === name);
        if (!policy && name !== "all") {
            const meant = nearest(name, names);
            problems.push(
                `${name}: is not a policy of the pack` +
                    (meant ? `; did you mean ${meant}?` : `; policies: ${names.join(", ")}`),
            );
            continue;
        }
        if (typeof entry === "string") {
            checkLevel(name, entry);
            continue;
        }
        if (!isObject(entry)) {
            problems.push(`${name}: is neither an enforcement level nor an object of settings`);
            continue;
        }
        const schema = (policy?.configSchema?.properties ?? {}) as Record<string, SettingSchema>;
        for (const [key, value] of Object.entries(entry)) {
            if (key === "enforcementLevel") {
                checkLevel(`${name}.${key}`, value);
            } else if (!(key in schema)) {
                const meant = nearest(key, Object.keys(schema));
                const known = Object.keys(schema);
                problems.push(
                    `${name}.${key}: is not a setting of ${name}` +
                        (meant
                            ? `; did you mean ${meant}?`
                            : known.length
                              ? `; settings: ${known.join(", ")}`
                              : "; it takes none"),
                );
            } else {
                const problem = settingProblem(value, schema[key]);
                if (problem) {
                    problems.push(`${name}.${key}: ${JSON.stringify(value)} ${problem}`);
                }
            }
        }
    }
    if (problems.length > 0) {
        throw new Error(`${file}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    }
    return parsed as PolicyConfig;
}

/** The JSON Schema keywords the pack's config schemas use. */
interface SettingSchema {
    readonly type?: "integer" | "number" | "boolean" | "string" | "array";
    readonly items?: SettingSchema;
    readonly minimum?: number;
    readonly maximum?: number;
    readonly exclusiveMinimum?: number;
}

/** Why a value does not fit its schema, or undefined when it does. */
function settingProblem(value: unknown, schema: SettingSchema): string | undefined {
    switch (schema.type) {
        case "array":
            if (!Array.isArray(value)) {
                return "is not a list";
            }
            for (const item of value) {
                const problem = schema.items && settingProblem(item, schema.items);
                if (problem) {
                    return `holds ${JSON.stringify(item)}, which ${problem}`;
                }
            }
            return undefined;
        case "boolean":
        case "string":
            return typeof value === schema.type ? undefined : `is not a ${schema.type}`;
        case "integer":
        case "number": {
            if (
                typeof value !== "number" ||
                (schema.type === "integer" && !Number.isInteger(value))
            ) {
                return `is not ${schema.type === "integer" ? "a whole number" : "a number"}`;
            }
            const { minimum, maximum, exclusiveMinimum } = schema;
            if (
                (minimum !== undefined && value < minimum) ||
                (maximum !== undefined && value > maximum) ||
                (exclusiveMinimum !== undefined && value <= exclusiveMinimum)
            ) {
                const low =
                    minimum !== undefined
                        ? `${minimum}`
                        : exclusiveMinimum !== undefined
                          ? `more than ${exclusiveMinimum}`
                          : undefined;
                const range = [low && `from ${low}`, maximum !== undefined && `to ${maximum}`]
                    .filter(Boolean)
                    .join(" ");
                return `is out of range; allowed: ${range}`;
            }
            return undefined;
        }
        default:
            return undefined;
    }
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** True when the report holds a violation of a mandatory policy: CI must stop. */
export function hasMandatoryViolation(report: PolicyReport): boolean {
    return report.violations.some((v) => v.enforcementLevel === "mandatory");
}

function defaultsOf(
    policy: ResourceValidationPolicy | StackValidationPolicy,
): Record<string, unknown> {
    const properties = (policy.configSchema?.properties ?? {}) as Record<
        string,
        { default?: unknown }
    >;
    return Object.fromEntries(
        Object.entries(properties)
            .filter(([, schema]) => "default" in schema)
            .map(([key, schema]) => [key, schema.default]),
    );
}

function providerResources(
    resources: readonly RecordedResource[],
): Map<string, PolicyProviderResource> {
    const byRegion = new Map<string, PolicyProviderResource>();
    for (const provider of resources.filter((r) => r.type.startsWith("pulumi:providers:"))) {
        byRegion.set(provider.inputs.region, {
            type: provider.type,
            props: { ...provider.inputs },
            urn: provider.urn,
            name: provider.name,
        });
    }
    return byRegion;
}

type EvaluatedResource = PolicyResource & { custom: boolean };

function toPolicyResources(
    resources: readonly RecordedResource[],
    providers: Map<string, PolicyProviderResource>,
): EvaluatedResource[] {
    const byUrn = new Map<string, EvaluatedResource>();
    const list = resources.map((r) => {
        const resource: EvaluatedResource = {
            type: r.type,
            props: revealedInputs(r.inputs),
            urn: r.urn,
            name: r.name,
            opts: {
                protect: r.protect,
                ignoreChanges: [],
                aliases: [],
                customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
                additionalSecretOutputs: [],
            } as any,
            provider: r.region ? providers.get(r.region) : undefined,
            dependencies: [],
            propertyDependencies: {},
            custom: r.custom,
            isType: (cls: any) => cls.__pulumiType === r.type,
            asType: (cls: any) =>
                cls.__pulumiType === r.type ? (resource.props as any) : undefined,
        };
        byUrn.set(r.urn, resource);
        return resource;
    });
    for (const [i, r] of resources.entries()) {
        (list[i] as { parent?: PolicyResource }).parent = byUrn.get(r.parent);
        list[i].dependencies.push(
            ...r.dependencies
                .map((urn) => byUrn.get(urn))
                .filter((d): d is EvaluatedResource => !!d),
        );
    }
    return list;
}

/**
 * Inputs as the engine hands them to policies: secrets in the clear. Inputs holding values
 * unknown until deployment (the SDK's unknown-checking proxy) are passed on untouched.
 */
function revealedInputs(inputs: Record<string, any>): Record<string, any> {
    try {
        return revealAll(inputs);
    } catch (error) {
        if ((error as Error)?.constructor?.name === "UnknownValueError") {
            return inputs;
        }
        throw error;
    }
}

/** Secrets in the clear, as plain values. */
function revealAll(value: unknown): any {
    const plain = reveal(value);
    if (Array.isArray(plain)) {
        return plain.map(revealAll);
    }
    if (plain && typeof plain === "object") {
        return Object.fromEntries(Object.entries(plain).map(([k, v]) => [k, revealAll(v)]));
    }
    return plain;
}

/**
 * The plan as JSON (`npm run plan -- --stack NAME --json`): every resource with its inputs, secrets
 * redacted, and the options a reviewer weighs, in a stable order so two plans diff line by line.
 * docs/plan-json.md describes the shape.
 */

import { StackCost } from "../pricing";
import { isSecretValue, ProgramRun, RecordedResource } from "./mockRuntime";
import { PolicyReport } from "./policyEval";
import type { EngineChoice, Plan } from "./plan";

/** What a secret input prints as: the plan never carries the value. */
export const redacted = "[secret]";

/** One resource as the JSON plan carries it. */
export interface PlannedResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** The shard it belongs to (at any depth below the shard's component), if any. */
    readonly shard?: string;
    /** The region of its provider; absent for components and resources without a region. */
    readonly region?: string;
    /** URN of its parent; absent at the stack's top. */
    readonly parent?: string;
    readonly custom: boolean;
    /** Its inputs, each secret (and anything inside one) as "[secret]". */
    readonly inputs: Record<string, unknown>;
    readonly options: {
        readonly protect: boolean;
        readonly ignoreChanges: readonly string[];
        readonly replaceOnChanges: readonly string[];
        readonly deleteBeforeReplace: boolean;
        readonly retainOnDelete: boolean;
        /** URNs it waits for: explicit `dependsOn` and the resources its inputs come from. */
        readonly dependsOn: readonly string[];
        readonly aliases: readonly (string | Record<string, unknown>)[];
        /** URN of its explicit provider; absent for the default provider and components. */
        readonly provider?: string;
        readonly deletedWith?: string;
        readonly customTimeouts?: { create?: string; update?: string; delete?: string };
    };
}

/** Replaces every secret, at any depth, by "[secret]". */
export function redact(value: unknown): unknown {
    if (isSecretValue(value)) {
        return redacted;
    }
    if (Array.isArray(value)) {
        return value.map(redact);
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v)]));
    }
    return value;
}

/** The resource as the JSON plan carries it. */
export function plannedResource(
    resource: RecordedResource,
    shardOf: (urn: string) => string | undefined,
): PlannedResource {
    const o = resource.options;
    const shard = shardOf(resource.urn);
    // The provider reference reads `<provider urn>::<id>`: the URN is what a reviewer follows.
    const provider = o.provider.replace(/::[^:]*$/, "");
    return {
        urn: resource.urn,
        type: resource.type,
        name: resource.name,
        ...(shard !== undefined ? { shard } : {}),
        ...(resource.region !== undefined ? { region: resource.region } : {}),
        ...(resource.parent ? { parent: resource.parent } : {}),
        custom: resource.custom,
        inputs: redact(resource.inputs) as Record<string, unknown>,
        options: {
            protect: resource.protect,
            ignoreChanges: [...o.ignoreChanges].sort(),
            replaceOnChanges: [...o.replaceOnChanges].sort(),
            deleteBeforeReplace: o.deleteBeforeReplace,
            retainOnDelete: o.retainOnDelete,
            dependsOn: [...new Set(resource.dependencies)].sort(),
            aliases: o.aliases,
            ...(provider ? { provider } : {}),
            ...(o.deletedWith ? { deletedWith: o.deletedWith } : {}),
            ...(o.customTimeouts ? { customTimeouts: o.customTimeouts } : {}),
        },
    };
}

/**
 * A copy with every object's keys sorted, arrays kept in their order: the same plan prints the
 * same bytes.
 */
export function sortedKeys(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(sortedKeys);
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(
            Object.keys(value)
                .sort()
                .map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]),
        );
    }
    return value;
}

/** Everything the JSON plan carries. */
export interface PlanJsonInput {
    readonly plan: Plan;
    readonly run: ProgramRun;
    readonly policy: PolicyReport;
    /** The policy config in force: its file, or "defaults: no policy config". */
    readonly policyConfig: string;
    readonly cost: StackCost;
    readonly engineChoice: readonly EngineChoice[];
}

/** The plan as JSON text: resources sorted by URN, keys sorted, secrets redacted. */
export function planJson(input: PlanJsonInput, shardOf: (urn: string) => string | undefined) {
    const { plan, run, policy, cost, engineChoice } = input;
    const resources = [...run.resources]
        .sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0))
        .map((r) => plannedResource(r, shardOf));
    const document = {
        stack: plan.stack,
        environment: plan.environment,
        policyConfig: input.policyConfig,
        shards: plan.shards,
        resources,
        outputs: redact(plan.outputs),
        policy: { ...policy, passed: !policy.violations.some(isMandatory) },
        cost,
        engineChoice,
    };
    return JSON.stringify(sortedKeys(document), null, 2);
}

function isMandatory(v: { enforcementLevel: string }): boolean {
    return v.enforcementLevel === "mandatory";
}

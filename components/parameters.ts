/**
 * Extra PostgreSQL parameters a shard may set in its parameter groups, beside those the stack
 * manages. Pure: config and the component's own checks use `parameterProblems`; the tiers merge
 * with `mergeParameters`. Imports nothing of the project.
 */

/** One extra parameter's value: a value applied at the next reboot, or with its apply method. */
export type ParameterValue =
    | string
    | number
    | { readonly value: string | number; readonly applyMethod: ParameterApplyMethod };

/**
 * `immediate` applies a dynamic parameter at once (AWS refuses it for a static one);
 * `pending-reboot` applies either kind at the next reboot, and a new instance boots with it.
 * Source: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_Parameter.html (ApplyMethod)
 */
export const parameterApplyMethods = ["immediate", "pending-reboot"] as const;
export type ParameterApplyMethod = (typeof parameterApplyMethods)[number];

/**
 * Extra parameters by group. Aurora: `cluster` goes into the cluster parameter group (every
 * instance), `instance` into the instances' DB parameter group. RDS for PostgreSQL has one DB
 * parameter group: `instance` only.
 * Source: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_WorkingWithParamGroups.html
 */
export interface ExtraParameters {
    readonly cluster?: Readonly<Record<string, ParameterValue>>;
    readonly instance?: Readonly<Record<string, ParameterValue>>;
}

/** Parameters the stack sets itself, with the reason an extra parameter may not set them. */
export const managedParameters: Readonly<Record<string, string>> = {
    "rds.logical_replication":
        "CDC reads the shard through a logical replication slot, which needs it on",
    "rds.force_ssl": "the stack requires TLS on every connection",
    max_slot_wal_keep_size:
        "the stack caps the WAL a CDC slot may hold from the storage (volumeAlarmGiB, or allocatedStorageGiB on RDS)",
    apg_ccm_enabled:
        "the stack keeps the tier-0 standby's cache warm, and turns it off in a global database, where AWS does not support it",
    shared_preload_libraries:
        "the stack preloads pg_stat_statements, which a list set here would drop",
};

/**
 * A PostgreSQL setting's name: letters, digits and underscores, with dots for an extension's or
 * RDS's namespace (`rds.`, `pg_stat_statements.`).
 * Source: https://www.postgresql.org/docs/current/config-setting.html
 */
const parameterNamePattern = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$/;

/** Problems of one group's extra parameters, each as `[name or "", value, problem]`. */
export function parameterProblems(
    group: unknown,
): { name?: string; value: unknown; problem: string }[] {
    if (typeof group !== "object" || group === null || Array.isArray(group)) {
        return [
            {
                value: group,
                problem:
                    'is not an object of parameter names and values, e.g. { "work_mem": "65536" }',
            },
        ];
    }
    const problems: { name?: string; value: unknown; problem: string }[] = [];
    for (const [name, value] of Object.entries(group)) {
        if (!parameterNamePattern.test(name)) {
            problems.push({
                name,
                value: name,
                problem:
                    "is not a PostgreSQL parameter name; allowed: lowercase letters, digits, underscores and dots",
            });
        } else if (managedParameters[name] !== undefined) {
            problems.push({
                name,
                value,
                problem: `is managed by the stack: ${managedParameters[name]}`,
            });
        } else if (valueOf(value) === undefined) {
            problems.push({
                name,
                value,
                problem:
                    "is not a parameter value; allowed: a string, a number, or { value, applyMethod: immediate | pending-reboot }",
            });
        }
    }
    return problems;
}

function valueOf(value: unknown): { value: string; applyMethod: ParameterApplyMethod } | undefined {
    if (typeof value === "string" || (typeof value === "number" && Number.isFinite(value))) {
        return { value: String(value), applyMethod: "pending-reboot" };
    }
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
        const { value: inner, applyMethod, ...rest } = value as Record<string, unknown>;
        if (
            Object.keys(rest).length === 0 &&
            (typeof inner === "string" || typeof inner === "number") &&
            parameterApplyMethods.includes(applyMethod as ParameterApplyMethod)
        ) {
            return { value: String(inner), applyMethod: applyMethod as ParameterApplyMethod };
        }
    }
    return undefined;
}

/**
 * The parameters of a group: the stack's, then the extra ones, by name (an extra parameter
 * overrides a default the stack does not manage, such as `log_min_duration_statement`).
 * Extra parameters without an apply method apply at the next reboot, which AWS accepts for
 * dynamic and static parameters alike; a new shard boots with them.
 */
export function mergeParameters(
    base: readonly { name: string; value: string; applyMethod?: string }[],
    extra: Readonly<Record<string, ParameterValue>> | undefined,
): { name: string; value: string; applyMethod?: string }[] {
    const merged = new Map(base.map((p) => [p.name, { ...p }]));
    for (const [name, value] of Object.entries(extra ?? {})) {
        const parsed = valueOf(value);
        if (parsed !== undefined) {
            merged.set(name, { name, ...parsed });
        }
    }
    return [...merged.values()];
}

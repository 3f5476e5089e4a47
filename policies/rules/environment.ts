/**
 * Rules that hold only in some environments read a resource's environment from its
 * `environment` tag, which every resource of the stack carries (`required-tags`). Their config
 * lists the environments (`environments`), defaulting to what config and the program do there, so
 * a stack that config accepts passes the pack.
 */

/** The schema of a rule's `environments` setting, with its default. */
export function environmentsSetting(defaults: readonly string[]) {
    return {
        type: "array",
        items: { type: "string" },
        default: [...defaults],
    } as const;
}

/** The environment a resource is tagged with, or undefined when it carries no such tag. */
export function environmentOf(props: Record<string, any>): string | undefined {
    const environment = props?.tags?.environment;
    return typeof environment === "string" && environment !== "" ? environment : undefined;
}

/**
 * Whether `environment` is one of `environments`: by its name, or by its tier, the part of the
 * name before a hyphen, so `prod` also covers `prod-split` (config/schema.ts).
 */
export function listedIn(environments: readonly string[], environment: unknown): boolean {
    return (
        typeof environment === "string" &&
        (environments.includes(environment) || environments.includes(environment.split("-")[0]))
    );
}

/**
 * Whether a rule limited to `environments` applies to a resource. A resource without an
 * environment tag is held to the rule: nothing says it is outside the listed environments.
 */
export function appliesIn(environments: readonly string[], props: Record<string, any>): boolean {
    const environment = environmentOf(props);
    return environment === undefined || listedIn(environments, environment);
}

/** Where a rule applied, for its message: `in prod`, or on a resource without the tag. */
export function whereApplied(props: Record<string, any>): string {
    const environment = environmentOf(props);
    return environment === undefined
        ? "on a resource without an environment tag"
        : `in ${environment}`;
}

/**
 * Pure rules of the CDC path: which tables and columns leave a shard, and where EU data may go.
 * No Pulumi, no AWS: config validation and the RegionalShard use the same functions.
 */

/** What a shard sends to the warehouse: everything, minus what config excludes. */
export interface CdcSelection {
    /** `schema.table`; `%` matches any run of characters, as in DMS object locators. */
    readonly excludeTables: readonly string[];
    /** `schema.table.column`: dropped before a row leaves the shard's master. */
    readonly excludeColumns: readonly string[];
}

export const tablePattern = /^[a-z_][a-z0-9_$]*\.[a-z_%][a-z0-9_$%]*$/;
export const columnPattern = /^[a-z_][a-z0-9_$]*\.[a-z_][a-z0-9_$]*\.[a-z_][a-z0-9_$]*$/;

/**
 * DMS table mappings: include every table of every schema, exclude the excluded tables, and
 * remove the excluded columns.
 * Source: https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Tasks.CustomizingTasks.TableMapping.SelectionTransformation.html
 */
export function tableMappings(selection: CdcSelection): { rules: Record<string, unknown>[] } {
    const rules: Record<string, unknown>[] = [
        {
            "rule-type": "selection",
            "rule-id": "1",
            "rule-name": "include-all",
            "object-locator": { "schema-name": "%", "table-name": "%" },
            "rule-action": "include",
        },
    ];
    const add = (rule: Record<string, unknown>) => {
        const id = String(rules.length + 1);
        rules.push({ "rule-id": id, ...rule });
    };
    for (const table of selection.excludeTables) {
        const [schema, name] = table.split(".");
        add({
            "rule-type": "selection",
            "rule-name": `exclude-${schema}-${name}`,
            "object-locator": { "schema-name": schema, "table-name": name },
            "rule-action": "exclude",
        });
    }
    for (const column of selection.excludeColumns) {
        const [schema, table, name] = column.split(".");
        add({
            "rule-type": "transformation",
            "rule-name": `drop-${schema}-${table}-${name}`,
            "rule-target": "column",
            "object-locator": { "schema-name": schema, "table-name": table, "column-name": name },
            "rule-action": "remove-column",
        });
    }
    return { rules };
}

/**
 * AWS regions in EU member states. London (eu-west-2) and Zurich (eu-central-2) are outside the
 * EU: they hold EU adequacy decisions, but a transfer there is still a transfer, and this stack
 * treats it as one.
 */
export const euRegions: readonly string[] = [
    "eu-central-1",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-3",
];

export type Residency = "eu";
export const residencies: readonly Residency[] = ["eu"];

/**
 * Whether a shard's CDC may reach the warehouse. An EU-resident shard streaming to a warehouse
 * outside the EU makes a GDPR transfer: allowed only when personal-data columns are excluded,
 * or under an explicit, documented waiver.
 */
export function residencyAllows(
    residency: Residency | undefined,
    warehouseRegion: string,
    selection: CdcSelection,
    waiver: string | undefined,
): boolean {
    return (
        residency !== "eu" ||
        euRegions.includes(warehouseRegion) ||
        selection.excludeColumns.length > 0 ||
        (waiver !== undefined && waiver.trim().length > 0)
    );
}

/**
 * The most characters DMS takes in a resource identifier, the last part of a replication's ARN.
 * The DMS API reference gives 31 for endpoints and replication tasks (ResourceIdentifier of
 * CreateEndpoint and CreateReplicationTask) and no other limit for replication configs, so the
 * same one is assumed. The stack names a shard's replication `replicationIdentifier`: the
 * tightest limit on a shard's name. Config checks it, and so does the deploy-time rule
 * `resource-name-limits`.
 */
export const dmsResourceIdentifierMaxLength = 31;

/** The identifier of a shard's DMS replication, as the component names it. */
export function replicationIdentifier(
    environment: string,
    shard: string,
    namePrefix: string = "geoshard",
): string {
    return `${namePrefix}-${environment}-${shard}-cdc`;
}

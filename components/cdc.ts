/**
 * Pure rules of the CDC path: which tables and columns leave a shard, and where EU data may go.
 * No Pulumi, no AWS: config validation and the RegionalShard use the same functions.
 */

import type { Residency } from "./places/residency";
import { createHash } from "crypto";

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

// The residencies and their country sets are data: components/places/residency.ts.
export { residencies } from "./places/residency";
export type { Residency } from "./places/residency";

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
 * The most characters DMS takes in a resource identifier, the last part of a replication's ARN:
 * 31 ASCII letters, digits and hyphens, beginning with a letter, not ending with a hyphen, without
 * two hyphens in a row. The DMS API reference states it for the ResourceIdentifier of
 * CreateEndpoint and CreateReplicationTask, and gives CreateReplicationConfig's the same field and
 * meaning; botocore's model (dms, ReplicationConfig / Endpoint ResourceIdentifier) carries no
 * other limit, so the same one is assumed.
 * Source: https://docs.aws.amazon.com/dms/latest/APIReference/API_CreateEndpoint.html
 * Source: https://docs.aws.amazon.com/dms/latest/APIReference/API_CreateReplicationConfig.html
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

/**
 * The resource identifier DMS gets for a replication named `identifier`, the last part of its
 * ARN: the identifier itself while it fits DMS's 31 characters, which keeps the ARN of every
 * replication deployed so far; otherwise the identifier cut to 22 characters, a hyphen and 8
 * hexadecimal digits of its SHA-256, so two long names that share their first 22 characters still
 * differ. Both start with a letter and keep single hyphens (shard and environment names have no
 * double hyphen; a cut that ends in a hyphen drops it).
 */
export function dmsResourceIdentifier(identifier: string): string {
    if (identifier.length <= dmsResourceIdentifierMaxLength) {
        return identifier;
    }
    const hash = createHash("sha256").update(identifier).digest("hex").slice(0, 8);
    const head = identifier
        .slice(0, dmsResourceIdentifierMaxLength - hash.length - 1)
        .replace(/-+$/, "");
    return `${head}-${hash}`;
}

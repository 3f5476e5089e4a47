/**
 * The prod stack as the cost model sees it: the four shards and warehouse of `Pulumi.prod.yaml`
 * on the default data tier (one Aurora PostgreSQL cluster per shard: a db.r6g.8xlarge writer, a
 * db.r6g.8xlarge standby at tier 0 and two db.r6g.4xlarge readers), without a proxy or a
 * recovery copy. docs/cost.md is computed from it; a test keeps it in step with the stack file.
 */

import { ShardCostInput, StackCostInput } from "./estimate";

/**
 * CloudWatch alarms per Aurora shard: CPU, freeable memory, connections and local storage on
 * each of the 4 instances (16), AuroraReplicaLag on the standby and both readers (3), the
 * cluster volume (1), the CDC slot's lag (1), and DMS source and target latency (2).
 */
export const auroraAlarmsPerShard = 23;

/** The reference's shard on Aurora, in a region. */
export function referenceShard(
    name: string,
    region: string,
    overrides: Partial<ShardCostInput> = {},
): ShardCostInput {
    return {
        name,
        region,
        engine: "aurora-postgresql",
        instances: [
            { role: "writer", instanceClass: "db.r6g.8xlarge" },
            { role: "standby", instanceClass: "db.r6g.8xlarge" },
            { role: "reader", instanceClass: "db.r6g.4xlarge" },
            { role: "reader", instanceClass: "db.r6g.4xlarge" },
        ],
        storageGiB: 1000,
        backupRetentionDays: 7,
        proxy: false,
        alarms: auroraAlarmsPerShard,
        // Aurora's writer and reader names are plain CNAMEs to the cluster's endpoints.
        healthChecks: 0,
        ...overrides,
    };
}

export const prodWarehouseRegion = "us-east-1";

/** Pulumi.prod.yaml: 14 days of backups, every shard streaming to the warehouse in us-east-1. */
export function prodStackCostInput(): StackCostInput {
    const shard = (name: string, region: string) =>
        referenceShard(name, region, {
            backupRetentionDays: 14,
            cdc: { warehouseRegion: prodWarehouseRegion },
        });
    return {
        shards: [
            shard("us-east", "us-east-1"),
            shard("us-west", "us-west-1"),
            shard("europe", "eu-west-2"),
            shard("asia", "ap-southeast-1"),
        ],
        warehouse: { region: prodWarehouseRegion, redshift: false },
        zones: 1,
    };
}

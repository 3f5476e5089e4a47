/**
 * The prod stack as the cost model sees it: the four shards and warehouse of `Pulumi.prod.yaml`
 * on the default data tier (one Aurora PostgreSQL cluster per shard: a db.r6g.8xlarge writer, a
 * db.r6g.8xlarge standby at tier 0 and two db.r6g.4xlarge readers), without a proxy, each with
 * an Aurora Global Database secondary of one db.r6g.8xlarge in its recovery region.
 * docs/cost.md is computed from it; a test holds it equal to what the offline plan of
 * `Pulumi.prod.yaml` feeds the cost model (and `devStackCostInput` to `Pulumi.dev.yaml`'s), and
 * says to change this file when the program declares something else.
 */

import { ShardCostInput, StackCostInput } from "./estimate";

/**
 * CloudWatch alarms per Aurora shard: CPU, freeable memory, connections and local storage on
 * each of the 4 instances (16), AuroraReplicaLag on the standby and both readers (3), the
 * cluster volume (1), the CDC slot's disk use and WAL (2), DMS source and target latency (2).
 */
export const auroraAlarmsPerShard = 24;

/** A recovery copy's alarms: the global database's replication and RPO lag. */
export const recoveryAlarmsPerShard = 2;

/**
 * Route 53 health checks of an Aurora shard with a recovery region: one per reader's lag
 * alarm, and the calculated check over them that keeps reads home.
 */
export const recoveryHealthChecksPerShard = 3;

/** Where each prod shard recovers (Pulumi.prod.yaml). */
export const prodRecoveryRegions: Record<string, string> = {
    "us-east": "us-west-1",
    "us-west": "us-east-1",
    europe: "eu-west-1",
    asia: "ap-northeast-1",
};

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
    // The plan knows an Aurora shard's storage tier, not its volume: the usage assumption sizes it.
    const shard = (name: string, region: string): ShardCostInput => {
        // eslint-disable-next-line @typescript-eslint/no-unused-vars
        const { storageGiB, ...withoutVolume } = referenceShard(name, region, {
            storageType: "aurora",
            backupRetentionDays: 14,
            // DMS Serverless runs Multi-AZ, as AWS recommends for CDC.
            cdc: { warehouseRegion: prodWarehouseRegion, multiAz: true },
            recovery: {
                region: prodRecoveryRegions[name],
                instances: [{ instanceClass: "db.r6g.8xlarge" }],
                // One inter-region peering joins the home and recovery VPCs.
                networkPath: { peeringConnections: 1, transitGatewayAttachments: 0 },
                // The credentials' replica in the recovery region, unless that region is the
                // warehouse's, whose replica CDC prices.
                ...(prodRecoveryRegions[name] !== prodWarehouseRegion ? { secretReplicas: 1 } : {}),
            },
            alarms: auroraAlarmsPerShard + recoveryAlarmsPerShard,
            healthChecks: recoveryHealthChecksPerShard,
        });
        return withoutVolume;
    };
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

/** Pulumi.dev.yaml: prod's topology on db.r6g.large, 7 days of backups, headless recovery copies. */
export function devStackCostInput(): StackCostInput {
    const prod = prodStackCostInput();
    return {
        ...prod,
        shards: prod.shards.map((shard) => ({
            ...shard,
            instances: shard.instances.map((i) => ({ ...i, instanceClass: "db.r6g.large" })),
            backupRetentionDays: 7,
            recovery: { ...shard.recovery!, instances: [] },
        })),
    };
}

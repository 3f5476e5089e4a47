/**
 * What a planned stack costs: the cost model's input read off the plan (each shard's published
 * summary, and the alarms and health checks it declared), so the bill follows the program rather
 * than a description of it.
 */

import { engines, Engine } from "../components/engines";
import { estimateStack, ShardCostInput, StackCost, StackCostInput } from "../pricing";
import { ProgramRun } from "./mockRuntime";
import { Plan, PlannedShard } from "./plan";

const alarmType = "aws:cloudwatch/metricAlarm:MetricAlarm";
const healthCheckType = "aws:route53/healthCheck:HealthCheck";

/** The cost model's view of one planned shard. */
export function shardCostInput(shard: PlannedShard, plan: Plan): ShardCostInput {
    const engine = shard.engine as Engine;
    if (!engines.includes(engine)) {
        throw new Error(`shard ${shard.name}: no cost model for engine ${shard.engine}`);
    }
    const declared = (type: string) =>
        plan.resources.filter((r) => r.shard === shard.name && r.type === type).length;
    return {
        name: shard.name,
        region: shard.region,
        engine,
        ...(shard.storageType ? { storageType: shard.storageType } : {}),
        instances: shard.instances.map((db) => ({
            role: db.role,
            instanceClass: db.instanceClass,
            ...(engine === "postgres" && db.role === "writer" ? { multiAz: true } : {}),
        })),
        ...(shard.allocatedStorageGiB !== undefined
            ? { storageGiB: shard.allocatedStorageGiB }
            : {}),
        backupRetentionDays: shard.backupRetentionDays,
        proxy: shard.proxy,
        ...(shard.recovery
            ? {
                  recovery: {
                      region: shard.recovery.region,
                      instances: shard.recovery.instances.map((db) => ({
                          instanceClass: db.instanceClass,
                      })),
                  },
              }
            : {}),
        ...(shard.cdc ? { cdc: { warehouseRegion: shard.cdc.region } } : {}),
        // Every alarm the shard declares, in every region: its own, its recovery copy's, CDC's.
        alarms: declared(alarmType),
        healthChecks: declared(healthCheckType),
    };
}

/** The cost model's view of a planned stack. */
export function stackCostInput(
    plan: Plan,
    run: ProgramRun,
    maxMonthlyUsd?: number,
): StackCostInput {
    // The stack declares the warehouse where it exports `global`; a shards stack's warehouse and
    // zone are its global stack's, and billed there.
    const global = run.outputs.global as
        { warehouse: { region: string; redshiftWorkgroup?: string } } | undefined;
    return {
        shards: plan.shards.map((shard) => shardCostInput(shard, plan)),
        ...(global
            ? {
                  warehouse: {
                      region: global.warehouse.region,
                      redshift: Boolean(global.warehouse.redshiftWorkgroup),
                  },
              }
            : {}),
        zones: plan.resources.filter((r) => r.type === "aws:route53/zone:Zone").length,
        ...(maxMonthlyUsd !== undefined ? { maxMonthlyUsd } : {}),
    };
}

/** The estimated monthly bill of a planned stack. */
export function planCost(plan: Plan, run: ProgramRun, maxMonthlyUsd?: number): StackCost {
    return estimateStack(stackCostInput(plan, run, maxMonthlyUsd));
}

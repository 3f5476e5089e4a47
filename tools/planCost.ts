/**
 * What a planned stack costs: the cost model's input read off the plan (each shard's published
 * summary, and the alarms and health checks it declared), so the bill follows the program rather
 * than a description of it.
 */

import { dataSizeWarning, engines, Engine } from "../components/engines";
import { estimateStack, ShardCostInput, StackCost, StackCostInput } from "../pricing";
import { ProgramRun } from "./mockRuntime";
import { Plan, PlannedShard } from "./plan";

const alarmType = "aws:cloudwatch/metricAlarm:MetricAlarm";
const healthCheckType = "aws:route53/healthCheck:HealthCheck";
const replicationType = "aws:dms/replicationConfig:ReplicationConfig";
const peeringType = "aws:ec2/vpcPeeringConnection:VpcPeeringConnection";
const secretType = "aws:secretsmanager/secret:Secret";
/** Transit Gateway attachments of a VPC, in the provider's `ec2transitgateway` module. */
const transitGatewayAttachmentType = /^aws:ec2transitgateway\/vpcAttachment:/;

/**
 * The inputs of the resources of one type a shard declares, as recorded by the mock runtime;
 * none without a run (a plan read back from JSON).
 */
function declaredInputs(
    shard: string,
    type: string | RegExp,
    plan: Plan,
    run?: ProgramRun,
): Record<string, any>[] {
    const matches = (t: string) => (typeof type === "string" ? t === type : type.test(t));
    const names = new Set(
        plan.resources.filter((r) => r.shard === shard && matches(r.type)).map((r) => r.name),
    );
    return (run?.resources ?? [])
        .filter((r) => matches(r.type) && names.has(r.name))
        .map((r) => r.inputs);
}

/**
 * The cost model's view of one planned shard. With the program's run it also reads inputs of
 * declared resources the summary does not carry: whether DMS Serverless runs Multi-AZ
 * (`computeConfig.multiAz`), and the network path between the home and the recovery VPC.
 */
export function shardCostInput(shard: PlannedShard, plan: Plan, run?: ProgramRun): ShardCostInput {
    const engine = shard.engine as Engine;
    if (!engines.includes(engine)) {
        throw new Error(`shard ${shard.name}: no cost model for engine ${shard.engine}`);
    }
    const declared = (type: string) =>
        plan.resources.filter((r) => r.shard === shard.name && r.type === type).length;
    const multiAz = declaredInputs(shard.name, replicationType, plan, run).some(
        (inputs) => inputs.computeConfig?.multiAz === true,
    );
    // The CDC path peers the warehouse with the shard (`<key>-cdc-peering`); any other peering
    // connection of the shard joins its home and recovery VPCs.
    const peeringConnections = plan.resources.filter(
        (r) => r.shard === shard.name && r.type === peeringType && !/-cdc-peering$/.test(r.name),
    ).length;
    const transitGatewayAttachments = plan.resources.filter(
        (r) => r.shard === shard.name && transitGatewayAttachmentType.test(r.type),
    ).length;
    const networkPath =
        peeringConnections + transitGatewayAttachments > 0
            ? { networkPath: { peeringConnections, transitGatewayAttachments } }
            : {};
    // Secrets replicated into the recovery region; one the warehouse's region also needs is
    // priced with CDC.
    const secretReplicas = declaredInputs(shard.name, secretType, plan, run)
        .flatMap((inputs) => (inputs.replicas ?? []) as { region?: string }[])
        .filter(
            (r) => r.region === shard.recovery?.region && r.region !== shard.cdc?.region,
        ).length;
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
        // RDS bills the allocation; an Aurora volume bills the data it holds.
        ...(shard.allocatedStorageGiB !== undefined
            ? { storageGiB: shard.allocatedStorageGiB }
            : shard.storageGiB !== undefined
              ? { storageGiB: shard.storageGiB }
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
                      ...networkPath,
                      ...(secretReplicas > 0 ? { secretReplicas } : {}),
                  },
              }
            : {}),
        ...(shard.cdc
            ? { cdc: { warehouseRegion: shard.cdc.region, ...(multiAz ? { multiAz } : {}) } }
            : {}),
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
        shards: plan.shards.map((shard) => shardCostInput(shard, plan, run)),
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

/** A warning for each shard whose stated data size nears its engine's limit. */
export function dataSizeWarnings(plan: Plan): string[] {
    return plan.shards.flatMap((shard) => {
        const warning =
            shard.storageGiB === undefined
                ? undefined
                : dataSizeWarning(shard.engine as Engine, shard.storageGiB);
        return warning ? [`${shard.name}: ${warning}`] : [];
    });
}

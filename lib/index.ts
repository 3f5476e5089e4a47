/**
 * geoshard as a library: the components and the types another Pulumi program needs to declare
 * shards and a warehouse of its own, without this project's config or stacks.
 *
 *   import { RegionalShard, Warehouse } from "<path to geoshard>/lib";
 *
 * The root program (`index.ts`) is one user of these components; `examples/library-consumer/`
 * is another.
 */

export { RegionalShard } from "../components/regionalShard";
export type {
    EventRoute,
    ExistingSubnet,
    InstanceSummary,
    RegionalShardArgs,
    ShardSummary,
} from "../components/regionalShard";
export { Warehouse } from "../components/warehouse";
export type { Prerequisite, WarehouseArgs } from "../components/warehouse";
export type { WarehouseLink } from "../components/shardCdc";
export type { ShardDns } from "../components/dns";
export type { MappedCity, RegionPlace, ShardMap, ShardMapEntry } from "../components/shardMap";
export { createRouter, UnknownCityError } from "./router";
export type { ShardRouter } from "./router";
export type { CdcSelection, Residency } from "../components/cdc";
export type {
    AuroraStorageType,
    Engine,
    ReaderAutoscaling,
    ReaderScalingMetric,
} from "../components/engines";
export type { ExtraParameters, ParameterValue } from "../components/parameters";
export type { RestoreSource } from "../components/restore";
export type { OperationSettings } from "../components/defaults";
export type { FailoverBudget, RegionLossBudget } from "../components/failoverBudget";
export type { RecoveryNetworkSummary } from "../components/peering";
export type { InstanceRole } from "../components/database/tier";
export { validateShardArgs, validateWarehouseArgs } from "../components/validateArgs";
export { chooseAzs } from "../components/placement";
export type { Zone } from "../components/placement";
export { planProgram, offlinePlanLimits } from "./offlinePlan";
export type { PlanProgramOptions, ProgramPlan } from "./offlinePlan";
export type {
    Program,
    RecordedResource,
    RecordedOptions,
    RecordedCall,
} from "../tools/mockRuntime";
export type { PolicyConfig, PolicyReport, Violation } from "../tools/policyEval";

/** The typed, validated configuration of a geoshard stack. Produced only by `validateConfig`. */

import { CdcSelection, Residency } from "../components/cdc";
import { OperationSettings, ShardSettings } from "../components/defaults";
import { CityPlace } from "../components/places/gazetteer";
import { ExtraParameters } from "../components/parameters";
import { ReaderAutoscaling } from "../components/engines";
import { RestoreSource } from "../components/restore";

export type Environment = "dev" | "staging" | "prod";
export const environments: readonly Environment[] = ["dev", "staging", "prod"];

/**
 * An environment's name: `dev`, `staging` or `prod`, or one of them, a hyphen and a word
 * (`dev-redshift`, `staging-vpc`, `prod-split`). The name is part of every physical name of the
 * environment, and one account holds one environment of each name: two stacks that share an
 * account need two names (README, "One account per environment"). What an environment does
 * (protection, the policy pack's environment lists) follows the part before the hyphen, its tier.
 * At most 12 characters, so a 20-character shard name fits every physical name.
 */
export const environmentNamePattern = /^(dev|staging|prod)(-[a-z0-9]+)?$/;
export const environmentNameMaxLength = 12;

/** The tier of an environment's name: `prod` for `prod` and `prod-split`. */
export function environmentTier(name: string): Environment {
    return name.split("-")[0] as Environment;
}

/**
 * Environments whose databases stay protected: the program sets Pulumi's `protect` on their
 * clusters and writer-class instances, and config refuses `deletionProtection: false` there. The
 * policy pack's protection rules (`prod-databases-protected`,
 * `rds-deletion-protection-and-final-snapshot`, `global-cluster-encrypted`) default to the same
 * list, so a stack that config accepts passes them.
 */
export const protectedEnvironments: readonly Environment[] = ["prod"];

/** A VPC that already exists, given instead of `vpcCidr`-driven creation. */
export interface ExistingVpc {
    readonly vpcId: string;
    /** Private subnets for the DB subnet group, in at least two AZs. */
    readonly subnetIds: readonly string[];
}

/**
 * The longest shard name, in every environment. The name is part of every physical name of its
 * shard; the tightest AWS limit it meets is the 63 characters of an RDS identifier, which
 * `geoshard-<environment>-<shard>-<longest suffix>` fits. DMS's 31-character resource identifier
 * is derived to fit instead (`dmsResourceIdentifier`).
 */
export const shardNameMaxLength = 20;

export interface ShardConfig extends ShardSettings {
    /** Stable key of the shard: part of every resource name and RDS identifier. */
    readonly name: string;
    readonly region: string;
    /** CIDR of the shard's VPC (of the existing VPC when `existingVpc` is set). */
    readonly vpcCidr: string;
    /** The engine version, resolved: the shard's, the stack's, or the engine's default. */
    readonly engineVersion: string;
    /** Cities whose users live in this shard; each city belongs to exactly one shard. */
    readonly cities: readonly string[];
    /** Each city of `cities`, in the same order, as a place: its name, country and coordinates. */
    readonly places: readonly CityPlace[];
    /**
     * The round trip, in ms, this shard's cities should see; a city whose physical floor exceeds
     * it is a warning in the plan. The shard's own, else the stack's. @default - none: no warning
     */
    readonly latencyTargetMs?: number;
    /** Networks admitted to PostgreSQL; the shard's own VPC when unset. */
    readonly allowedCidrs: readonly string[];
    /** Security groups admitted to PostgreSQL beside the networks: of the shard's VPC or a same-region peer. */
    readonly allowedSecurityGroupIds: readonly string[];
    readonly existingVpc?: ExistingVpc;
    /** `eu`: the shard's data is EU personal data; CDC to a non-EU warehouse needs exclusions or a waiver. */
    readonly residency?: Residency;
    /** What CDC leaves out, and the waiver for an EU transfer. */
    readonly cdc: ShardCdc;
    /** The recovery region and its copy. @default - none: the shard lives in one region */
    readonly dr?: RecoveryConfig;
    /**
     * The shard's data, in GiB: sizes the storage, I/O and backup lines of the estimate, and on
     * `postgres` raises the allocation (and its autoscaling ceiling) to hold it.
     * @default - unset: the estimate assumes 1,000 GiB, and storage keeps its settings
     */
    readonly storageGiB?: number;
    /** First part of every physical name: the shard's, else the stack's, else `geoshard`. */
    readonly namePrefix: string;
    /** The database created beside `postgres`. Changing it on a deployed shard replaces it. */
    readonly databaseName: string;
    /** The master user. Changing it on a deployed shard replaces the database. */
    readonly masterUsername: string;
    /** Daily backup window, UTC: the shard's, the stack's, or the region's night. */
    readonly backupWindow: string;
    /** Weekly maintenance window, UTC: the shard's, the stack's, or the region's night. */
    readonly maintenanceWindow: string;
    /**
     * Extra parameters: the stack's with the shard's over them, by name (Aurora shards take the
     * stack's `cluster` group; RDS shards have none).
     */
    readonly parameters: ExtraParameters;
    /** Aurora: reader autoscaling above `replicaCount`. @default - none */
    readonly readerAutoscaling?: ReaderAutoscaling;
    /** Where the database starts from, instead of empty. @default - empty */
    readonly restore?: RestoreSource;
}

/** Where a shard's copy lives, to survive the loss of its home region. */
export interface RecoveryConfig {
    /** Another region; in the EU for an EU-resident shard. */
    readonly region: string;
    /** CIDR of the recovery network. */
    readonly vpcCidr: string;
    /** Aurora: instances of the secondary cluster, 0 for headless. RDS: 1, the replica. */
    readonly instances: number;
    /** RDS: the replica was promoted after a region loss (docs/runbooks/region-loss.md). */
    readonly promoted: boolean;
    /**
     * The class of the recovery instances. A smaller class promotes as fast but serves less
     * after a region loss until it is scaled up. @default - unset: the writer's class
     */
    readonly instanceClass?: string;
}

export interface ShardCdc extends CdcSelection {
    /** A reference to the approval (transfer impact assessment, SCCs) for sending EU rows out of the EU. */
    readonly residencyWaiver?: string;
}

/**
 * A VPC of applications that use the shards, in either region of a shard or elsewhere: it is
 * associated with the private zone, so the names resolve in it, and its CIDR is admitted by
 * every database security group, home and recovery. Its route to the shards' networks is its
 * owner's (docs/architecture.md, "Application networks").
 */
export interface ApplicationVpc {
    readonly region: string;
    readonly vpcId: string;
    readonly cidr: string;
}

export interface WarehouseConfig {
    readonly region: string;
    readonly vpcCidr: string;
    /** Also create Redshift Serverless over the data lake. */
    readonly redshift: boolean;
    /** Create the account-wide `dms-vpc-role`; false where another stack of the account owns it. */
    readonly createDmsVpcRole: boolean;
}

/**
 * What a stack declares. `all`: everything, the default. A large environment splits into one
 * `global` stack (the private zone and the warehouse) and several `shards` stacks that read the
 * global stack's outputs through a StackReference.
 */
export type StackRole = "all" | "global" | "shards";
export const stackRoles: readonly StackRole[] = ["all", "global", "shards"];

export interface StackConfig {
    /** The environment's name (`prod`, `prod-split`): part of every physical name and tag. */
    readonly environment: string;
    /** What the environment is: the part of its name before the hyphen. */
    readonly tier: Environment;
    readonly stackRole: StackRole;
    /** The global stack a `shards` stack joins, as `organization/project/stack`. */
    readonly globalStack?: string;
    /** RDS deletion protection on clusters and masters; only a non-prod stack may turn it off. */
    readonly deletionProtection: boolean;
    readonly shards: readonly ShardConfig[];
    readonly warehouse: WarehouseConfig;
    readonly operations: OperationSettings;
    /** Application VPCs that resolve the names and reach the databases. @default - none */
    readonly applicationVpcs: readonly ApplicationVpc[];
    /** The monthly budget in USD; the plan and an advisory rule report an estimate above it. */
    readonly maxMonthlyUsd?: number;
    /** The stack-wide latency target in ms; a shard may set its own. @default - none */
    readonly latencyTargetMs?: number;
    /**
     * The shard the router gives a city it does not know; published in the shard map.
     * @default - none: the router refuses an unknown city
     */
    readonly defaultShard?: string;
}

/**
 * Config values exactly as Pulumi hands them to a program: strings (structured values as JSON
 * text), or undefined when unset. Keys are given without the `geoshard:` namespace.
 */
export type RawConfig = Readonly<Record<string, string | undefined>>;

/** Stack-wide keys whose values every shard inherits unless it overrides them. */
export const inheritedSettingKeys = [
    "engine",
    "masterInstanceClass",
    "replicaInstanceClass",
    "replicaCount",
    "storageType",
    "volumeAlarmGiB",
    "allocatedStorageGiB",
    "maxAllocatedStorageGiB",
    "backupRetentionDays",
    "monitoringIntervalSeconds",
    "logRetentionDays",
    "proxy",
] as const satisfies readonly (keyof ShardSettings)[];

/** Stack-wide DNS and alarm keys. */
export const operationKeys = [
    "dnsZone",
    "dnsTtlSeconds",
    "replicaLagAlarmSeconds",
    "cpuAlarmPercent",
    "freeStorageAlarmPercent",
    "freeLocalStorageAlarmGiB",
    "freeableMemoryAlarmPercent",
    "connectionsAlarmPercent",
    "alarmEmails",
] as const satisfies readonly (keyof OperationSettings)[];

/** Names and windows, stack-wide or per shard (a shard's value wins). */
export const namingKeys = [
    "namePrefix",
    "databaseName",
    "masterUsername",
    "backupWindow",
    "maintenanceWindow",
] as const;
export type NamingKey = (typeof namingKeys)[number];

/** Every key a stack may set under the `geoshard:` namespace. */
export const stackKeys: readonly string[] = [
    "environment",
    "stackRole",
    "globalStack",
    "engineVersion",
    "deletionProtection",
    "maxMonthlyUsd",
    "latencyTargetMs",
    "defaultShard",
    "parameters",
    "shards",
    "warehouse",
    "applicationVpcs",
    ...inheritedSettingKeys,
    ...operationKeys,
    ...namingKeys,
];

/** Every key a shard entry may carry. */
export const shardKeys: readonly string[] = [
    "name",
    "region",
    "vpcCidr",
    "cities",
    "allowedCidrs",
    "allowedSecurityGroupIds",
    "existingVpc",
    "engineVersion",
    "standbyInstanceClass",
    "residency",
    "cdc",
    "dr",
    "storageGiB",
    "latencyTargetMs",
    "parameters",
    "readerAutoscaling",
    "restore",
    ...inheritedSettingKeys,
    ...namingKeys,
];

export const warehouseKeys: readonly string[] = [
    "region",
    "vpcCidr",
    "redshift",
    "createDmsVpcRole",
];
export const applicationVpcKeys: readonly string[] = ["region", "vpcId", "cidr"];
export const recoveryKeys: readonly string[] = [
    "region",
    "vpcCidr",
    "instances",
    "promoted",
    "instanceClass",
];
export const cdcKeys: readonly string[] = ["excludeTables", "excludeColumns", "residencyWaiver"];

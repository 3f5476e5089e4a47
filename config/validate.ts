/**
 * Validation of a stack's config as a whole. Pure functions: no Pulumi runtime, no AWS.
 *
 * Every problem is collected and reported together, each naming the key path, the bad value and
 * what is allowed, so one edit of a stack file fixes them all. Nothing is declared until the whole
 * config is valid.
 */

import {
    autoscalingHeadroom,
    backupRetentionLimits,
    instanceDefaults,
    dnsTtlLimitsSeconds,
    engineOnlySettings,
    logRetentionPeriods,
    monitoringIntervals,
    operationDefaults,
    OperationSettings,
    shardDefaults,
    ShardSettings,
    storageLimitsGiB,
} from "../components/defaults";
import {
    columnPattern,
    euRegions,
    Residency,
    residencies,
    residencyAllows,
    tablePattern,
} from "../components/cdc";
import {
    auroraStorageTypes,
    defaultEngineVersions,
    auroraGlobalReaderLimit,
    Engine,
    engines,
    maxAuroraReadersWith,
    maxReaders,
    minReaders,
    ReaderAutoscaling,
    readerAutoscalingProblems,
    versionProblem,
    dataSizeProblem,
} from "../components/engines";
import {
    allowedInstanceFamilies,
    instanceFamily,
    instanceMemoryGiB,
} from "../components/instanceClasses";
import {
    backupWindowProblem,
    databaseNameProblem,
    defaultNamePrefix,
    defaultWindows,
    maintenanceWindowProblem,
    masterUsernameProblem,
    namePrefixProblem,
    windowsOverlap,
} from "../components/naming";
import { ExtraParameters, parameterProblems, ParameterValue } from "../components/parameters";
import { restoreProblems, RestoreSource } from "../components/restore";
import { Cidr, cidrsOverlap, isPrivate, networkOf, parseCidr } from "./cidr";
import { awsRegions, regionPattern } from "./regions";
import { maxPeeringConnectionsPerVpc, peeringConnectionsPerVpc } from "../components/peering";
import {
    ApplicationVpc,
    applicationVpcKeys,
    environmentNameMaxLength,
    environmentNamePattern,
    environments,
    environmentTier,
    protectedEnvironments,
    ExistingVpc,
    inheritedSettingKeys,
    NamingKey,
    namingKeys,
    RecoveryConfig,
    recoveryKeys,
    RawConfig,
    ShardConfig,
    shardKeys,
    shardNameMaxLength,
    ShardCdc,
    StackConfig,
    StackRole,
    stackRoles,
    cdcKeys,
    stackKeys,
    WarehouseConfig,
    warehouseKeys,
} from "./schema";
import { nearest } from "./suggest";
import { checkCityResidency, readCityPlaces, readDefaultShard, readLatencyTarget } from "./places";

export const namespace = "geoshard";

export class ConfigError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(
            `invalid ${namespace} configuration (${problems.length} ` +
                `problem${problems.length === 1 ? "" : "s"}):\n` +
                problems.map((p) => `  - ${p}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

/** Collects problems, each prefixed by the key path it concerns. */
export class Problems {
    readonly list: string[] = [];

    add(path: string, value: unknown, problem: string): void {
        this.list.push(`${path}: ${show(value)} ${problem}`);
    }

    missing(path: string, expected: string): void {
        this.list.push(`${path}: missing; expected ${expected}`);
    }
}

/** Shard names become part of RDS identifiers (at most 63 characters, no double hyphen). */
const shardNamePattern = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const instanceClassPattern = /^db\.[a-z0-9-]+\.[a-z0-9-]+$/;
const vpcIdPattern = /^vpc-[0-9a-f]{8,17}$/;
const securityGroupIdPattern = /^sg-[0-9a-f]{8,17}$/;
/** A label of an admitted security group: it names the ingress rule. */
export const securityGroupLabelPattern = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** A security group ID: `sg-` and 8 or 17 hex digits. */
export function securityGroupIdProblem(id: unknown): string | undefined {
    return typeof id === "string" && securityGroupIdPattern.test(id)
        ? undefined
        : "is not a security group ID; expected sg- and 8 or 17 hex digits";
}

/**
 * A shard's `allowedSecurityGroupIds`: distinct security group IDs, admitted to PostgreSQL
 * beside `allowedCidrs`. Each must be in the shard's VPC or a VPC peered with it in the same
 * region, which AWS checks at deploy time.
 * Source: https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-security-groups.html
 */
function readAllowedSecurityGroupIds(value: unknown, path: string, problems: Problems): string[] {
    if (value === undefined) {
        return [];
    }
    if (!Array.isArray(value)) {
        problems.add(path, value, "is not a list of security group IDs");
        return [];
    }
    const ids: string[] = [];
    value.forEach((id, i) => {
        const problem = securityGroupIdProblem(id);
        if (problem) {
            problems.add(`${path}[${i}]`, id, problem);
        } else if (ids.includes(id)) {
            problems.add(`${path}[${i}]`, id, "is listed twice");
        } else {
            ids.push(id);
        }
    });
    return ids;
}
const subnetIdPattern = /^subnet-[0-9a-f]{8,17}$/;
const vpcPrefix = { min: 16, max: 24 } as const;
/** The largest allocation that leaves room for a ceiling 10% above it within gp3's limit. */
const maxAllocationGiB = Math.floor(storageLimitsGiB.max / autoscalingHeadroom);
/** Aurora volumes grow to 128 TiB. Source: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/CHAP_Limits.html */
const auroraVolumeMaxGiB = 131072;

/**
 * Validates raw config and returns the typed stack config, or throws a ConfigError that lists
 * every problem found.
 */
export function validateConfig(raw: RawConfig): StackConfig {
    const problems = new Problems();
    for (const key of Object.keys(raw)) {
        if (!stackKeys.includes(key)) {
            const meant = nearest(key, stackKeys);
            problems.add(
                key ? `${namespace}:${key}` : namespace,
                raw[key],
                `is not a ${namespace} setting; ` +
                    (meant
                        ? `did you mean ${namespace}:${meant}?`
                        : `known: ${stackKeys.join(", ")}`),
            );
        }
    }

    const environment = readEnvironment(raw.environment, problems);
    const { stackRole, globalStack } = readStackRole(raw, problems);
    const deletionProtection = readDeletionProtection(
        raw.deletionProtection,
        environment,
        problems,
    );
    const stackSettings = readStackSettings(raw, problems);
    const stackNaming = readNaming(raw, (key) => `${namespace}:${key}`, problems);
    const stackParameters =
        raw.parameters === undefined
            ? {}
            : (readParameters(
                  parseJson(raw.parameters) ?? raw.parameters,
                  `${namespace}:parameters`,
                  undefined,
                  problems,
              ) ?? {});
    const shards =
        stackRole === "global"
            ? refuseShardsInGlobalStack(raw.shards, problems)
            : readShards(
                  raw.shards,
                  stackSettings,
                  raw.engineVersion,
                  { naming: stackNaming, parameters: stackParameters },
                  problems,
              );
    const warehouse = readWarehouse(raw.warehouse, problems);
    const operations = readOperationSettings(raw, problems);
    const maxMonthlyUsd = readBudget(raw.maxMonthlyUsd, problems);
    const applicationVpcs = readApplicationVpcs(raw.applicationVpcs, problems);
    const latencyTargetMs = readLatencyTarget(
        raw.latencyTargetMs,
        `${namespace}:latencyTargetMs`,
        problems,
    );
    const defaultShard = readDefaultShard(
        raw.defaultShard,
        shards.map((s) => s.config.name),
        `${namespace}:defaultShard`,
        problems,
    );
    checkStackWideEngineSettings(raw, stackSettings, shards, problems);
    checkAcrossShards(shards, warehouse, problems);
    checkPeeringLimit(shards, problems);
    checkIdentifierRoom(shards, environment, problems);
    checkApplicationVpcs(applicationVpcs, shards, warehouse, problems);
    checkResidency(shards, warehouse, problems);

    if (problems.list.length > 0) {
        throw new ConfigError(problems.list);
    }
    return {
        environment: environment!,
        tier: environmentTier(environment!),
        stackRole,
        ...(globalStack ? { globalStack } : {}),
        deletionProtection,
        // A shard's latency target is its own, else the stack's.
        shards: shards.map((s) =>
            s.config.latencyTargetMs === undefined && latencyTargetMs !== undefined
                ? { ...s.config, latencyTargetMs }
                : s.config,
        ),
        warehouse: warehouse!,
        operations,
        applicationVpcs: applicationVpcs.map((v) => v.config),
        ...(maxMonthlyUsd !== undefined ? { maxMonthlyUsd } : {}),
        ...(latencyTargetMs !== undefined ? { latencyTargetMs } : {}),
        ...(defaultShard !== undefined ? { defaultShard } : {}),
    };
}

/**
 * Why a shard's longest RDS identifier, `<namePrefix>-<environment>-<shard>-recovery-cluster`,
 * passes the 63 characters RDS takes (CreateDBCluster, DBClusterIdentifier: "1 to 63 letters,
 * numbers, or hyphens", https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html),
 * or undefined when it fits. The default prefix leaves room for a 20-character shard name in a
 * 12-character environment; a longer prefix takes it from the name. Shared by config and the
 * component's own checks.
 */
export function identifierRoomProblem(
    namePrefix: string,
    environment: string,
    name: string,
): string | undefined {
    const longest = `${namePrefix}-${environment}-${name}${longestRdsSuffix}`;
    return longest.length > rdsIdentifierMaxLength
        ? `makes the RDS identifier ${longest} ${longest.length} characters long; allowed: ` +
              `up to ${rdsIdentifierMaxLength}: shorten the shard name or the namePrefix ` +
              `(${namePrefix})`
        : undefined;
}

function checkIdentifierRoom(
    shards: readonly ReadShard[],
    environment: string | undefined,
    problems: Problems,
): void {
    if (environment === undefined) {
        return;
    }
    for (const shard of shards) {
        const { name, namePrefix } = shard.config;
        const problem =
            namePrefix === undefined
                ? undefined
                : identifierRoomProblem(namePrefix, environment, name);
        if (problem) {
            problems.add(`${namespace}:shards[${shard.index}].name`, name, problem);
        }
    }
}

/** RDS identifiers hold at most 63 characters. */
const rdsIdentifierMaxLength = 63;
/** The longest suffix a shard gives an RDS identifier: its recovery cluster's. */
const longestRdsSuffix = "-recovery-cluster";

/**
 * The warehouse VPC peers with every shard and every recovery copy (CDC follows the writer
 * across a region move), and a VPC takes part in at most 125 active peering connections, a hard
 * limit. A stack past it fails at the first peering over the limit, half deployed, so config
 * refuses it. A shards stack counts its own shards only: shards stacks that share a global
 * stack's warehouse must keep their sum under the limit.
 */
export function checkPeeringLimit(shards: readonly ReadShard[], problems: Problems): void {
    const counts = peeringConnectionsPerVpc(shards.map((s) => s.config));
    for (const { vpc, connections } of counts) {
        if (connections > maxPeeringConnectionsPerVpc) {
            const copies = shards.filter((s) => s.config.dr !== undefined).length;
            const over = connections - maxPeeringConnectionsPerVpc;
            problems.add(
                `${namespace}:shards`,
                `${shards.length} shards, ${copies} with a recovery copy (dr)`,
                `put the ${vpc} VPC in ${connections} VPC peering connections, one per shard and ` +
                    `one per recovery copy; AWS allows at most ${maxPeeringConnectionsPerVpc} ` +
                    `active peering connections per VPC, a limit no quota request raises ` +
                    `(https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-connection-quotas.html); ` +
                    `allowed: shards + recovery copies <= ${maxPeeringConnectionsPerVpc}: drop the ` +
                    `recovery copy of ${over} shard${over === 1 ? "" : "s"}, or move ` +
                    `shards to another environment with a warehouse of its own`,
            );
        }
    }
}

interface ReadApplicationVpc {
    readonly path: string;
    readonly config: ApplicationVpc;
    readonly cidr?: Cidr;
}

/** Application VPCs: a list of { region, vpcId, cidr }, each VPC once. */
function readApplicationVpcs(value: string | undefined, problems: Problems): ReadApplicationVpc[] {
    const path = `${namespace}:applicationVpcs`;
    if (value === undefined) {
        return [];
    }
    const expected = "a list of { region, vpcId, cidr }";
    const list = parseJson(value);
    if (!Array.isArray(list)) {
        problems.add(path, list ?? value, `is not ${expected}`);
        return [];
    }
    const read: ReadApplicationVpc[] = [];
    list.forEach((item, i) => {
        const itemPath = `${path}[${i}]`;
        const vpc = readObject(
            item,
            applicationVpcKeys,
            itemPath,
            "an application VPC; expected { region, vpcId, cidr }",
            problems,
        );
        if (!vpc) {
            return;
        }
        const region = readRegion(vpc.region, `${itemPath}.region`, problems);
        let vpcId: string | undefined;
        if (vpc.vpcId === undefined) {
            problems.missing(`${itemPath}.vpcId`, "a VPC id such as vpc-0123456789abcdef0");
        } else if (typeof vpc.vpcId !== "string" || !vpcIdPattern.test(vpc.vpcId)) {
            problems.add(
                `${itemPath}.vpcId`,
                vpc.vpcId,
                "is not a VPC id; expected vpc-0123456789abcdef0",
            );
        } else if (read.some((other) => other.config.vpcId === vpc.vpcId)) {
            problems.add(`${itemPath}.vpcId`, vpc.vpcId, "is listed twice; each VPC once");
        } else {
            vpcId = vpc.vpcId;
        }
        const cidr = readApplicationCidr(vpc.cidr, `${itemPath}.cidr`, problems);
        if (region && vpcId && cidr) {
            read.push({ path: itemPath, config: { region, vpcId, cidr: String(vpc.cidr) }, cidr });
        }
    });
    return read;
}

/** A VPC's primary CIDR: private, /16 to /28 (the sizes a VPC may have). */
function readApplicationCidr(value: unknown, path: string, problems: Problems): Cidr | undefined {
    const allowed = "a private IPv4 CIDR (10/8, 172.16/12, 192.168/16, 100.64/10) from /16 to /28";
    if (value === undefined) {
        problems.missing(path, allowed);
        return undefined;
    }
    const cidr = typeof value === "string" ? parseCidr(value) : undefined;
    if (!cidr || !isPrivate(cidr) || cidr.prefix < 16 || cidr.prefix > 28) {
        const network = typeof value === "string" ? networkOf(value) : undefined;
        problems.add(
            path,
            value,
            network && parseCidr(network) && !cidr
                ? hostBitsProblem(network)
                : `is not a usable VPC CIDR; allowed: ${allowed}`,
        );
        return undefined;
    }
    return cidr;
}

/**
 * An application VPC is routed to the shards' networks, so it may overlap none of them, and it
 * is associated with the zone once: a shard's existing VPC is associated by the shard already.
 */
function checkApplicationVpcs(
    vpcs: readonly ReadApplicationVpc[],
    shards: readonly ReadShard[],
    warehouse: WarehouseConfig | undefined,
    problems: Problems,
): void {
    const shardPath = (shard: ReadShard) => `${namespace}:shards[${shard.index}]`;
    const networks = [
        ...shards.flatMap((shard) => [
            ...(shard.cidr
                ? [
                      {
                          path: `${shardPath(shard)}.vpcCidr`,
                          text: shard.config.vpcCidr,
                          cidr: shard.cidr,
                      },
                  ]
                : []),
            ...(shard.recoveryCidr
                ? [
                      {
                          path: `${shardPath(shard)}.dr.vpcCidr`,
                          text: shard.config.dr!.vpcCidr,
                          cidr: shard.recoveryCidr,
                      },
                  ]
                : []),
        ]),
        ...(warehouse?.vpcCidr && parseCidr(warehouse.vpcCidr)
            ? [
                  {
                      path: `${namespace}:warehouse.vpcCidr`,
                      text: warehouse.vpcCidr,
                      cidr: parseCidr(warehouse.vpcCidr)!,
                  },
              ]
            : []),
    ];
    for (const vpc of vpcs) {
        for (const network of networks) {
            if (vpc.cidr && cidrsOverlap(vpc.cidr, network.cidr)) {
                problems.add(
                    `${vpc.path}.cidr`,
                    vpc.config.cidr,
                    `overlaps ${network.path} (${network.text}); an application network is routed to the databases, and overlapping networks cannot be`,
                );
            }
        }
        const owner = shards.find((s) => s.config.existingVpc?.vpcId === vpc.config.vpcId);
        if (owner) {
            problems.add(
                `${vpc.path}.vpcId`,
                vpc.config.vpcId,
                `is ${shardPath(owner)}.existingVpc.vpcId (${owner.config.name}), which the shard associates with the zone already`,
            );
        }
    }
}

const allowedEnvironments =
    `${environments.join(", ")}, or one of them, a hyphen and a word of lowercase letters ` +
    `and digits (e.g. prod-split), at most ${environmentNameMaxLength} characters`;

function readEnvironment(value: string | undefined, problems: Problems): string | undefined {
    const path = `${namespace}:environment`;
    if (value === undefined) {
        problems.missing(path, allowedEnvironments);
        return undefined;
    }
    return checkEnvironment(value, path, problems);
}

/**
 * An environment this stack knows: it is part of every identifier and tag, and the pack's
 * environment-scoped rules (`prod-databases-protected`, ...) list environments by their tier,
 * the part before a hyphen. Shared by config and the components' own checks.
 */
export function checkEnvironment(
    value: unknown,
    path: string,
    problems: Problems,
): string | undefined {
    if (
        typeof value !== "string" ||
        !environmentNamePattern.test(value) ||
        value.length > environmentNameMaxLength
    ) {
        problems.add(path, value, `is not an environment; allowed: ${allowedEnvironments}`);
        return undefined;
    }
    return value;
}

/**
 * A shard's name: part of every RDS identifier (lowercase letters, digits and single hyphens,
 * starting with a letter), and short enough for its DMS replication's identifier in any
 * environment. Shared by config and the components' own checks. True when well-formed.
 */
export function checkShardName(name: unknown, path: string, problems: Problems): boolean {
    if (
        typeof name !== "string" ||
        !shardNamePattern.test(name) ||
        name.length > shardNameMaxLength
    ) {
        if (name === undefined) {
            problems.missing(path, "a shard name");
        } else {
            problems.add(
                path,
                name,
                `is not a shard name; allowed: up to ${shardNameMaxLength} lowercase letters, digits ` +
                    `and single hyphens, starting with a letter (it becomes part of RDS identifiers)`,
            );
        }
        return false;
    }
    return true;
}

/** Stack-wide values a shard takes unless it states its own. */
interface StackWide {
    readonly naming: Partial<Record<NamingKey, string>>;
    readonly parameters: ExtraParameters;
}

/**
 * Extra parameters, `{ cluster?, instance? }`, each an object of parameter names and values
 * (components/parameters.ts): the stack's managed parameters refused with the reason, and on a
 * shard known to run RDS for PostgreSQL, `cluster`, which RDS does not have. Shared by config
 * and the component's own checks. Undefined when unset or not an object.
 */
export function readParameters(
    value: unknown,
    path: string,
    engine: Engine | undefined,
    problems: Problems,
): ExtraParameters | undefined {
    if (value === undefined) {
        return undefined;
    }
    const groups = readObject(
        value,
        ["cluster", "instance"],
        path,
        "an object of parameter groups; expected { cluster?: {...}, instance?: {...} }",
        problems,
    );
    if (!groups) {
        return undefined;
    }
    const read: Record<string, Record<string, ParameterValue>> = {};
    for (const group of ["cluster", "instance"] as const) {
        if (groups[group] === undefined) {
            continue;
        }
        if (group === "cluster" && engine === "postgres") {
            problems.add(
                `${path}.cluster`,
                groups.cluster,
                "is a group of Aurora only; RDS for PostgreSQL has one DB parameter group: " +
                    "set these under instance",
            );
            continue;
        }
        const found = parameterProblems(groups[group]);
        for (const p of found) {
            problems.add(`${path}.${group}${p.name ? `.${p.name}` : ""}`, p.value, p.problem);
        }
        if (found.length === 0) {
            read[group] = groups[group] as Record<string, ParameterValue>;
        }
    }
    return read;
}

/** How each naming key is checked (components/naming.ts). */
const namingProblems: Readonly<Record<NamingKey, (value: unknown) => string | undefined>> = {
    namePrefix: namePrefixProblem,
    databaseName: databaseNameProblem,
    masterUsername: masterUsernameProblem,
    backupWindow: backupWindowProblem,
    maintenanceWindow: maintenanceWindowProblem,
};

/**
 * The names and windows `source` states, each checked; a refused one is left out. Shared by
 * config (stack-wide and per shard) and the component's own checks.
 */
export function readNaming(
    source: Record<string, unknown>,
    pathOf: (key: string) => string,
    problems: Problems,
): Partial<Record<NamingKey, string>> {
    const naming: Partial<Record<NamingKey, string>> = {};
    for (const key of namingKeys) {
        const value = source[key];
        if (value === undefined) {
            continue;
        }
        const problem = namingProblems[key](value);
        if (problem) {
            problems.add(pathOf(key), value, problem);
        } else {
            naming[key] = value as string;
        }
    }
    return naming;
}

/**
 * The names and windows a shard uses: what it states, else the defaults (windows at the region's
 * night), and a problem when its windows meet, at the window it or its stack stated.
 */
export function resolveNaming(
    stated: Partial<Record<NamingKey, string>>,
    region: string,
    pathOf: (key: NamingKey) => string,
    problems: Problems,
): Record<NamingKey, string> {
    const windows = defaultWindows(region);
    const naming = {
        namePrefix: stated.namePrefix ?? defaultNamePrefix,
        databaseName: stated.databaseName ?? instanceDefaults.databaseName,
        masterUsername: stated.masterUsername ?? instanceDefaults.masterUsername,
        backupWindow: stated.backupWindow ?? windows.backup,
        maintenanceWindow: stated.maintenanceWindow ?? windows.maintenance,
    };
    if (windowsOverlap(naming.backupWindow, naming.maintenanceWindow)) {
        const key = stated.maintenanceWindow !== undefined ? "maintenanceWindow" : "backupWindow";
        problems.add(
            pathOf(key),
            naming[key],
            `meets the ${key === "backupWindow" ? "maintenance" : "backup"} window ` +
                `${key === "backupWindow" ? naming.maintenanceWindow : naming.backupWindow}; ` +
                `allowed: windows that never overlap (RDS refuses a backup window that ` +
                `conflicts with the maintenance window)`,
        );
    }
    return naming;
}

function readStackRole(
    raw: RawConfig,
    problems: Problems,
): { stackRole: StackRole; globalStack?: string } {
    const role = (raw.stackRole ?? "all") as StackRole;
    if (!stackRoles.includes(role)) {
        // Whether globalStack belongs here depends on the role: nothing more to check.
        problems.add(
            `${namespace}:stackRole`,
            role,
            `is not a stack role; allowed: ${stackRoles.join(", ")}`,
        );
        return { stackRole: "all" };
    }
    const globalStack = raw.globalStack;
    if (role === "shards" && !/^[\w.-]+\/[\w.-]+\/[\w.-]+$/.test(globalStack ?? "")) {
        if (globalStack === undefined) {
            problems.missing(
                `${namespace}:globalStack`,
                "the global stack of this environment, as organization/project/stack",
            );
        } else {
            problems.add(
                `${namespace}:globalStack`,
                globalStack,
                "is not a stack name; expected organization/project/stack",
            );
        }
    }
    if (role !== "shards" && globalStack !== undefined) {
        problems.add(
            `${namespace}:globalStack`,
            globalStack,
            `is set, but only a shards stack reads a global stack (stackRole is ${role})`,
        );
    }
    return { stackRole: role, ...(role === "shards" && globalStack ? { globalStack } : {}) };
}

function refuseShardsInGlobalStack(value: string | undefined, problems: Problems): ReadShard[] {
    if (value !== undefined) {
        problems.add(
            `${namespace}:shards`,
            parseJson(value) ?? value,
            "is set in a global stack; declare shards in the shards stacks",
        );
    }
    return [];
}

function readBudget(value: string | undefined, problems: Problems): number | undefined {
    if (value === undefined) {
        return undefined;
    }
    const budget = /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
    if (!(budget > 0)) {
        problems.add(
            `${namespace}:maxMonthlyUsd`,
            value,
            "is not a budget; allowed: a positive number of USD a month, e.g. 46000",
        );
        return undefined;
    }
    return budget;
}

function readDeletionProtection(
    value: string | undefined,
    environment: string | undefined,
    problems: Problems,
): boolean {
    const path = `${namespace}:deletionProtection`;
    if (value === undefined || value === "true") {
        return true;
    }
    if (value !== "false") {
        problems.add(path, value, "is not a boolean; allowed: true, false");
        return true;
    }
    if (environment !== undefined && protectedEnvironments.includes(environmentTier(environment))) {
        problems.add(
            path,
            false,
            `is not allowed in ${environment}; ${environment} databases keep RDS deletion protection`,
        );
        return true;
    }
    return false;
}

export type InheritedSettings = Pick<ShardSettings, (typeof inheritedSettingKeys)[number]>;

/**
 * Settings as read: the values, and the keys whose stated value was refused (here, or where it
 * was inherited from). A refused key holds its fallback, which nothing may be checked against:
 * that would only produce a second, false problem.
 */
export interface ReadSettings {
    readonly settings: InheritedSettings;
    readonly invalid: ReadonlySet<string>;
}

/** The most readers either engine allows: the stack-wide bound, before engines are known. */
const mostReaders = Math.max(...Object.values(maxReaders));

/** Why an engine allows at most its number of readers, for messages. */
const readerLimitReason: Readonly<Record<Engine, string>> = {
    "aurora-postgresql": "Aurora allows 15 replicas per cluster, one of them the standby",
    postgres: "RDS allows 15 read replicas per source",
};

/** Stack-wide settings: config values where set, the documented defaults elsewhere. */
function readStackSettings(raw: RawConfig, problems: Problems): ReadSettings {
    const parsed: Record<string, unknown> = {};
    for (const key of inheritedSettingKeys) {
        const text = raw[key];
        if (text === undefined) {
            continue;
        }
        // Pulumi passes every value as text: integers arrive as "7", booleans as "true".
        const kind = typeof shardDefaults[key];
        parsed[key] =
            kind === "number" && /^-?\d+(\.\d+)?$/.test(text)
                ? Number(text)
                : kind === "boolean" && (text === "true" || text === "false")
                  ? text === "true"
                  : text;
    }
    return readSettings(
        parsed,
        { settings: shardDefaults, invalid: new Set() },
        (key) => `${namespace}:${key}`,
        problems,
        "stack",
    );
}

/**
 * The settings `source` states, over `fallback`. A bad value is reported once, and nothing is
 * cross-checked against it (its fallback would only produce a second, false problem). At the
 * stack level the number of readers is bounded by the most either engine allows; each engine's
 * own bound is checked where a shard inherits the value (`checkInheritedByEngine`).
 */
export function readSettings(
    source: Record<string, unknown>,
    fallback: ReadSettings,
    pathOf: (key: string) => string,
    problems: Problems,
    level: "stack" | "shard",
): ReadSettings {
    const invalid = new Set<string>(
        [...fallback.invalid].filter((key) => source[key] === undefined),
    );
    const refuse = (key: keyof InheritedSettings, problem: string) => {
        problems.add(pathOf(key), source[key], problem);
        invalid.add(key);
    };
    const inherited = <T>(key: keyof InheritedSettings): T => fallback.settings[key] as T;
    const oneOf = <T>(key: keyof InheritedSettings, allowed: readonly T[], what: string): T => {
        const value = source[key];
        if (value === undefined) {
            return inherited(key);
        }
        if (!allowed.includes(value as T)) {
            refuse(key, `is not ${what}; allowed: ${allowed.join(", ")}`);
            return inherited(key);
        }
        return value as T;
    };
    const integer = (key: keyof InheritedSettings, min: number, max: number, unit: string) => {
        const value = source[key];
        if (value === undefined) {
            return inherited<number>(key);
        }
        if (typeof value !== "number" || !Number.isInteger(value)) {
            refuse(key, `is not a whole number; allowed: ${min} to ${max} ${unit}`);
            return inherited<number>(key);
        }
        if (value < min || value > max) {
            refuse(key, `is out of range; allowed: ${min} to ${max} ${unit}`);
            return inherited<number>(key);
        }
        return value;
    };
    const instanceClass = (key: "masterInstanceClass" | "replicaInstanceClass"): string => {
        const value = readInstanceClass(source[key], pathOf(key), problems);
        if (source[key] !== undefined && value === undefined) {
            invalid.add(key);
        }
        return value ?? inherited<string>(key);
    };

    const engine = oneOf<Engine>("engine", engines, "a database engine");
    const engineKnown = !invalid.has("engine");
    const readerLimit = level === "shard" && engineKnown ? maxReaders[engine] : mostReaders;
    const settings: InheritedSettings = {
        engine,
        masterInstanceClass: instanceClass("masterInstanceClass"),
        replicaInstanceClass: instanceClass("replicaInstanceClass"),
        replicaCount: integer(
            "replicaCount",
            minReaders,
            readerLimit,
            level === "shard" && engineKnown
                ? `readers (${readerLimitReason[engine]})`
                : "readers (on Aurora at most 14, on RDS 15)",
        ),
        storageType: oneOf("storageType", auroraStorageTypes, "an Aurora storage type"),
        volumeAlarmGiB: integer(
            "volumeAlarmGiB",
            10,
            auroraVolumeMaxGiB,
            "GiB (an Aurora volume grows to 128 TiB)",
        ),
        allocatedStorageGiB: integer(
            "allocatedStorageGiB",
            storageLimitsGiB.min,
            maxAllocationGiB,
            `GiB (gp3 allows ${storageLimitsGiB.max}, and the autoscaling ceiling must be 10% above the allocation)`,
        ),
        maxAllocatedStorageGiB: integer(
            "maxAllocatedStorageGiB",
            storageLimitsGiB.min,
            storageLimitsGiB.max,
            "GiB (RDS for PostgreSQL gp3 limits)",
        ),
        backupRetentionDays: integer(
            "backupRetentionDays",
            backupRetentionLimits.min,
            backupRetentionLimits.max,
            "days (AWS keeps 1 to 35; this stack keeps at least a week)",
        ),
        monitoringIntervalSeconds: oneOf(
            "monitoringIntervalSeconds",
            monitoringIntervals,
            "an Enhanced Monitoring interval",
        ),
        logRetentionDays: oneOf(
            "logRetentionDays",
            logRetentionPeriods,
            "a CloudWatch Logs retention period",
        ),
        proxy: oneOf("proxy", [true, false], "a boolean"),
    };

    // Checked where either value is set, so a stack-wide mistake is reported once, not per shard.
    const floor = Math.ceil(settings.allocatedStorageGiB * autoscalingHeadroom);
    const storageSetHere =
        source.allocatedStorageGiB !== undefined || source.maxAllocatedStorageGiB !== undefined;
    const storageValid =
        !invalid.has("allocatedStorageGiB") && !invalid.has("maxAllocatedStorageGiB");
    if (storageSetHere && storageValid && settings.maxAllocatedStorageGiB < floor) {
        problems.add(
            pathOf("maxAllocatedStorageGiB"),
            settings.maxAllocatedStorageGiB,
            `is too low for an allocation of ${settings.allocatedStorageGiB} GiB; allowed: at least ` +
                `${floor} GiB (RDS needs the autoscaling ceiling 10% above the allocation)`,
        );
    }
    return { settings, invalid };
}

function readInstanceClass(value: unknown, path: string, problems: Problems): string | undefined {
    if (value === undefined) {
        return undefined;
    }
    if (typeof value !== "string" || !instanceClassPattern.test(value)) {
        problems.add(
            path,
            value,
            `is not an RDS instance class; expected db.<family>.<size>, e.g. db.r6g.4xlarge`,
        );
        return undefined;
    }
    if (!allowedInstanceFamilies.includes(instanceFamily(value))) {
        // The same list is the rds-allowed-instance-classes policy's default.
        problems.add(
            path,
            value,
            `is not of an allowed instance family; allowed: ${allowedInstanceFamilies.map((f) => `${f}.*`).join(", ")} (Graviton memory-optimised)`,
        );
        return undefined;
    }
    if (instanceMemoryGiB(value) === undefined) {
        // The memory and connection alarms are sized from the class.
        problems.add(
            path,
            value,
            "is a class whose memory is not known; allowed: a standard size (large, xlarge, Nxlarge)",
        );
        return undefined;
    }
    return value;
}

interface ReadShard {
    readonly index: number;
    readonly config: ShardConfig;
    /** Keys the shard states itself; it inherits every other setting. */
    readonly stated: ReadonlySet<string>;
    /** Settings whose value was refused, here or at the stack level it inherits from. */
    readonly invalid: ReadonlySet<string>;
    /** Parsed VPC CIDR, when it was valid. */
    readonly cidr?: Cidr;
    /** Parsed recovery VPC CIDR, when it was valid. */
    readonly recoveryCidr?: Cidr;
}

function readShards(
    value: string | undefined,
    stackSettings: ReadSettings,
    stackEngineVersion: string | undefined,
    stackWide: StackWide,
    problems: Problems,
): ReadShard[] {
    const path = `${namespace}:shards`;
    const expected = "a non-empty list of { name, region, vpcCidr, cities }";
    if (value === undefined) {
        problems.missing(path, expected);
        return [];
    }
    const list = parseJson(value);
    if (!Array.isArray(list) || list.length === 0) {
        problems.add(path, list ?? value, `is not ${expected}`);
        return [];
    }
    const shards = list.flatMap((entry, index) => {
        const shard = readShard(
            entry,
            `${path}[${index}]`,
            stackSettings,
            stackEngineVersion,
            stackWide,
            problems,
        );
        return shard ? [{ index, ...shard }] : [];
    });
    checkInheritedByEngine(shards, stackSettings, stackEngineVersion, problems);
    return shards;
}

function readShard(
    entry: unknown,
    path: string,
    stackSettings: ReadSettings,
    stackEngineVersion: string | undefined,
    stackWide: StackWide,
    problems: Problems,
): Omit<ReadShard, "index"> | undefined {
    const shard = readObject(
        entry,
        shardKeys,
        path,
        "a shard; expected an object with name, region, vpcCidr and cities",
        problems,
    );
    if (!shard) {
        return undefined;
    }

    const name = shard.name;
    checkShardName(name, `${path}.name`, problems);
    const region = readRegion(shard.region, `${path}.region`, problems);
    const parsedCidr = readVpcCidr(shard.vpcCidr, `${path}.vpcCidr`, problems);
    const read = readCityPlaces(shard.cities, `${path}.cities`, problems);
    const allowedCidrs = readAllowedCidrs(shard.allowedCidrs, `${path}.allowedCidrs`, problems);
    const allowedSecurityGroupIds = readAllowedSecurityGroupIds(
        shard.allowedSecurityGroupIds,
        `${path}.allowedSecurityGroupIds`,
        problems,
    );
    const existingVpc = readExistingVpc(shard.existingVpc, `${path}.existingVpc`, problems);
    const { settings, invalid } = readSettings(
        shard,
        stackSettings,
        (key) => `${path}.${key}`,
        problems,
        "shard",
    );
    // A refused engine leaves nothing that depends on the engine to check.
    const engine = invalid.has("engine") ? undefined : settings.engine;
    const engineVersion = readShardEngineVersion(
        shard.engineVersion,
        stackEngineVersion,
        settings.engine,
        engine !== undefined,
        path,
        problems,
    );
    checkEngineOnlySettings(shard, settings, invalid, (key) => `${path}.${key}`, problems);
    const residency = readResidency(shard.residency, `${path}.residency`, problems);
    checkCityResidency(
        read,
        residency,
        typeof name === "string" ? name : "",
        `${path}.cities`,
        problems,
    );
    const latencyTargetMs = readLatencyTarget(
        shard.latencyTargetMs,
        `${path}.latencyTargetMs`,
        problems,
    );
    const recovery = readRecovery(shard.dr, `${path}.dr`, engine, region, residency, problems);
    if (recovery && engine === "aurora-postgresql" && !invalid.has("replicaCount")) {
        checkGlobalReaders(
            settings.replicaCount,
            shard.replicaCount !== undefined ? `${path}.replicaCount` : `${namespace}:replicaCount`,
            `${path}.dr`,
            problems,
        );
    }
    const cdc = readCdc(shard.cdc, `${path}.cdc`, problems);
    const storageGiB = readDataSize(shard.storageGiB, `${path}.storageGiB`, engine, problems);
    if (storageGiB !== undefined && engine === "postgres") {
        holdData(settings, storageGiB, shard.allocatedStorageGiB !== undefined, path, problems);
    }
    const ownNaming = readNaming(shard, (key) => `${path}.${key}`, problems);
    const naming = resolveNaming(
        { ...stackWide.naming, ...ownNaming },
        region ?? "",
        (key) => (ownNaming[key] !== undefined ? `${path}.${key}` : `${namespace}:${key}`),
        problems,
    );
    let readerAutoscaling: ReaderAutoscaling | undefined;
    if (shard.readerAutoscaling !== undefined && engine !== undefined) {
        const found = readerAutoscalingProblems(
            shard.readerAutoscaling,
            engine,
            settings.replicaCount,
        );
        for (const p of found) {
            problems.add(`${path}.readerAutoscaling${p.path}`, p.value, p.problem);
        }
        readerAutoscaling =
            found.length === 0 ? (shard.readerAutoscaling as ReaderAutoscaling) : undefined;
    }
    let restore: RestoreSource | undefined;
    if (shard.restore !== undefined) {
        const found = restoreProblems(shard.restore);
        for (const p of found) {
            problems.add(`${path}.restore${p.path}`, p.value, p.problem);
        }
        restore = found.length === 0 ? (shard.restore as RestoreSource) : undefined;
    }
    const ownParameters =
        readParameters(shard.parameters, `${path}.parameters`, engine, problems) ?? {};
    const parameters = {
        // Aurora shards take the stack's cluster parameters; RDS has no cluster group.
        ...(settings.engine === "aurora-postgresql"
            ? { cluster: { ...stackWide.parameters.cluster, ...ownParameters.cluster } }
            : {}),
        instance: { ...stackWide.parameters.instance, ...ownParameters.instance },
    };

    const vpcCidr = typeof shard.vpcCidr === "string" ? shard.vpcCidr : "";
    return {
        config: {
            ...settings,
            name: typeof name === "string" ? name : "",
            region: region ?? "",
            vpcCidr,
            cities: read.cities,
            places: read.places,
            engineVersion,
            allowedCidrs: allowedCidrs ?? [vpcCidr],
            allowedSecurityGroupIds,
            cdc,
            ...naming,
            parameters,
            ...(readerAutoscaling ? { readerAutoscaling } : {}),
            ...(restore ? { restore } : {}),
            ...(residency ? { residency } : {}),
            ...(existingVpc ? { existingVpc } : {}),
            ...(recovery ? { dr: recovery.config } : {}),
            ...(storageGiB !== undefined ? { storageGiB } : {}),
            ...(latencyTargetMs !== undefined ? { latencyTargetMs } : {}),
        },
        stated: new Set(Object.keys(shard)),
        invalid,
        cidr: parsedCidr,
        recoveryCidr: recovery?.cidr,
    };
}

/**
 * An Aurora shard with a recovery region is the primary of a global database, whose primary
 * readers (the standby and `replicaCount`) plus secondary clusters may not exceed
 * `auroraGlobalReaderLimit`: with one recovery cluster, at most 13 readers besides the standby.
 * The shard's own `replicaCount` is named when it states one, else the stack's. The component
 * checks its own arguments with it too (components/validateArgs.ts).
 * Source: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-attaching.html
 */
export function checkGlobalReaders(
    replicaCount: number,
    replicaCountPath: string,
    recoveryPath: string,
    problems: Problems,
): void {
    const max = maxAuroraReadersWith(1);
    if (replicaCount <= max) {
        return;
    }
    problems.add(
        replicaCountPath,
        replicaCount,
        `is out of range beside ${recoveryPath}; allowed: ${minReaders} to ${max} readers (an ` +
            `Aurora global database allows ${auroraGlobalReaderLimit} readers in the primary ` +
            `cluster plus secondary clusters: the standby, ${max} readers and the recovery cluster)`,
    );
}

/**
 * The shard's engine version: its own, else the stack's, else its engine's default. Its own is
 * checked here, against its engine (unless the engine was refused); the stack's once per engine,
 * by `checkInheritedByEngine`.
 */
function readShardEngineVersion(
    own: unknown,
    stack: string | undefined,
    engine: Engine,
    engineKnown: boolean,
    path: string,
    problems: Problems,
): string {
    if (own === undefined) {
        return stack ?? defaultEngineVersions[engine];
    }
    if (typeof own !== "string") {
        problems.add(`${path}.engineVersion`, own, "is not a version string");
    } else if (engineKnown) {
        const problem = versionProblem(engine, own);
        if (problem) {
            problems.add(`${path}.engineVersion`, own, `${problem} (engine ${engine})`);
        }
    }
    return String(own);
}

/**
 * The stack-wide values whose bounds depend on a shard's engine (`engineVersion`, and
 * `replicaCount` beyond the stack-wide bound), checked once per engine against the shards that
 * inherit them, at the stack key, naming those shards.
 */
function checkInheritedByEngine(
    shards: readonly ReadShard[],
    stackSettings: ReadSettings,
    stackEngineVersion: string | undefined,
    problems: Problems,
): void {
    const inheriting = (key: string) =>
        engines.map((engine) => ({
            engine,
            paths: shards
                .filter(
                    (s) =>
                        !s.stated.has(key) &&
                        !s.invalid.has("engine") &&
                        s.config.engine === engine,
                )
                .map((s) => `${namespace}:shards[${s.index}]`),
        }));
    if (stackEngineVersion !== undefined) {
        for (const { engine, paths } of inheriting("engineVersion")) {
            const problem = paths.length > 0 && versionProblem(engine, stackEngineVersion);
            if (problem) {
                problems.add(
                    `${namespace}:engineVersion`,
                    stackEngineVersion,
                    `${problem} (engine ${engine} of ${paths.join(", ")})`,
                );
            }
        }
    }
    const replicaCount = stackSettings.settings.replicaCount;
    if (!stackSettings.invalid.has("replicaCount")) {
        for (const { engine, paths } of inheriting("replicaCount")) {
            if (paths.length > 0 && replicaCount > maxReaders[engine]) {
                problems.add(
                    `${namespace}:replicaCount`,
                    replicaCount,
                    `is out of range for the ${engine} shards ${paths.join(", ")}; allowed: ` +
                        `${minReaders} to ${maxReaders[engine]} readers (${readerLimitReason[engine]})`,
                );
            }
        }
    }
}

/**
 * A shard may not state a setting its engine does not understand, and the Aurora standby runs
 * in the writer's class (cluster cache management and a failover that carries the writer's load
 * both need it); RDS's Multi-AZ standby has no class of its own to set. Nothing is checked
 * against a refused engine or writer class.
 */
export function checkEngineOnlySettings(
    shard: Record<string, unknown>,
    settings: InheritedSettings,
    invalid: ReadonlySet<string>,
    pathOf: (key: string) => string,
    problems: Problems,
): void {
    if (invalid.has("engine")) {
        return;
    }
    const other: Engine = settings.engine === "postgres" ? "aurora-postgresql" : "postgres";
    for (const key of engineOnlySettings[other]) {
        if (shard[key] !== undefined) {
            problems.add(
                pathOf(key),
                shard[key],
                `is a setting of the ${other} engine only; this shard runs ${settings.engine}: remove it`,
            );
        }
    }
    const standby = shard.standbyInstanceClass;
    if (standby === undefined) {
        return;
    }
    if (settings.engine === "postgres") {
        problems.add(
            pathOf("standbyInstanceClass"),
            standby,
            "is a setting of the aurora-postgresql engine only; RDS's Multi-AZ standby always has the master's class: remove it",
        );
    } else if (!invalid.has("masterInstanceClass") && standby !== settings.masterInstanceClass) {
        problems.add(
            pathOf("standbyInstanceClass"),
            standby,
            `is not the writer's class; allowed: ${settings.masterInstanceClass} (the standby must carry the writer's load, and cluster cache management needs the same class)`,
        );
    }
}

/**
 * A stack-wide setting of an engine that no shard of the stack runs is a mistake. Not checked
 * while an engine was refused: which engines the shards run is not known then.
 */
function checkStackWideEngineSettings(
    raw: RawConfig,
    stackSettings: ReadSettings,
    shards: readonly ReadShard[],
    problems: Problems,
): void {
    if (
        shards.length === 0 ||
        stackSettings.invalid.has("engine") ||
        shards.some((shard) => shard.invalid.has("engine"))
    ) {
        return;
    }
    const used = new Set(shards.map((shard) => shard.config.engine));
    for (const engine of engines) {
        if (used.has(engine)) {
            continue;
        }
        for (const key of engineOnlySettings[engine]) {
            if (raw[key] !== undefined) {
                problems.add(
                    `${namespace}:${key}`,
                    raw[key],
                    `is a setting of the ${engine} engine only, and no shard of this stack runs it (engines: ${[...used].join(", ")}): remove it`,
                );
            }
        }
    }
}

/**
 * The shard's recovery region: another region, in the EU for an EU-resident shard, with a
 * network of its own. Aurora takes 0 (headless) to 15 secondary instances; RDS one replica.
 */
export function readRecovery(
    value: unknown,
    path: string,
    engine: Engine | undefined,
    homeRegion: string | undefined,
    residency: Residency | undefined,
    problems: Problems,
): { config: RecoveryConfig; cidr?: Cidr } | undefined {
    if (value === undefined) {
        return undefined;
    }
    const dr = readObject(
        value,
        recoveryKeys,
        path,
        "a recovery region; expected { region, vpcCidr, instances, promoted }",
        problems,
    );
    if (!dr) {
        return undefined;
    }
    const region = readRegion(dr.region, `${path}.region`, problems);
    if (region && region === homeRegion) {
        problems.add(
            `${path}.region`,
            region,
            "is the shard's own region; allowed: another region, so a region loss spares the copy",
        );
    }
    if (region && residency === "eu" && !euRegions.includes(region)) {
        problems.add(
            `${path}.region`,
            region,
            `is outside the EU, and the shard holds EU personal data; allowed: ${euRegions.join(", ")}`,
        );
    }
    const cidr = readVpcCidr(dr.vpcCidr, `${path}.vpcCidr`, problems);
    // The bounds depend on the engine; with a refused engine only the kind of value is checked.
    const max = engine === "aurora-postgresql" ? 15 : engine === "postgres" ? 1 : Infinity;
    const min = engine === "postgres" ? 1 : 0;
    const allowed =
        engine === "aurora-postgresql"
            ? "0 (headless: storage only) to 15 instances of the secondary cluster"
            : engine === "postgres"
              ? "1: RDS for PostgreSQL recovers into one cross-region read replica"
              : "a number of instances";
    let instances = 1;
    if (dr.instances !== undefined) {
        if (typeof dr.instances !== "number" || !Number.isInteger(dr.instances)) {
            problems.add(
                `${path}.instances`,
                dr.instances,
                `is not a whole number; allowed: ${allowed}`,
            );
        } else if (dr.instances < min || dr.instances > max) {
            problems.add(`${path}.instances`, dr.instances, `is out of range; allowed: ${allowed}`);
        } else {
            instances = dr.instances;
        }
    }
    let promoted = false;
    if (dr.promoted !== undefined) {
        if (engine === "aurora-postgresql") {
            problems.add(
                `${path}.promoted`,
                dr.promoted,
                "is a setting of the postgres engine only; Aurora's global cluster records a switchover or failover itself: remove it",
            );
        } else if (typeof dr.promoted !== "boolean") {
            problems.add(`${path}.promoted`, dr.promoted, "is not a boolean; allowed: true, false");
        } else {
            promoted = dr.promoted;
        }
    }
    const instanceClass = readInstanceClass(dr.instanceClass, `${path}.instanceClass`, problems);
    return {
        config: {
            region: region ?? "",
            vpcCidr: typeof dr.vpcCidr === "string" ? dr.vpcCidr : "",
            instances,
            promoted,
            ...(instanceClass ? { instanceClass } : {}),
        },
        cidr,
    };
}

/**
 * A shard's data size in GiB: a whole number its engine can hold (`maxDataGiB`). Near the limit
 * the plan warns (`dataSizeWarning`); past it the engine cannot hold the data, so config refuses.
 */
export function readDataSize(
    value: unknown,
    path: string,
    engine: Engine | undefined,
    problems: Problems,
): number | undefined {
    if (value === undefined) {
        return undefined;
    }
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
        problems.add(path, value, "is not a whole number of GiB above 0");
        return undefined;
    }
    const problem = engine === undefined ? undefined : dataSizeProblem(engine, value);
    if (problem) {
        problems.add(path, value, problem);
        return undefined;
    }
    return value;
}

/**
 * On RDS the data must fit the allocation: a data size above it raises the allocation and, 10%
 * above that, the autoscaling ceiling, unless the shard states its own allocation, which must
 * then hold the data. Unset, nothing changes, so existing instances keep their storage.
 */
function holdData(
    settings: { allocatedStorageGiB: number; maxAllocatedStorageGiB: number },
    storageGiB: number,
    allocationStated: boolean,
    path: string,
    problems: Problems,
): void {
    if (storageGiB <= settings.allocatedStorageGiB) {
        return;
    }
    if (allocationStated) {
        problems.add(
            `${path}.allocatedStorageGiB`,
            settings.allocatedStorageGiB,
            `is below the shard's data (storageGiB ${storageGiB}); allowed: at least ${storageGiB} GiB, or leave it unset`,
        );
        return;
    }
    settings.allocatedStorageGiB = storageGiB;
    settings.maxAllocatedStorageGiB = Math.max(
        settings.maxAllocatedStorageGiB,
        Math.ceil(storageGiB * autoscalingHeadroom),
    );
}

export function readResidency(
    value: unknown,
    path: string,
    problems: Problems,
): Residency | undefined {
    if (value === undefined) {
        return undefined;
    }
    if (!residencies.includes(value as Residency)) {
        problems.add(path, value, `is not a residency; allowed: ${residencies.join(", ")}`);
        return undefined;
    }
    return value as Residency;
}

export function readCdc(value: unknown, path: string, problems: Problems): ShardCdc {
    const none: ShardCdc = { excludeTables: [], excludeColumns: [] };
    if (value === undefined) {
        return none;
    }
    const cdc = readObject(
        value,
        cdcKeys,
        path,
        "a CDC selection; expected { excludeTables, excludeColumns, residencyWaiver }",
        problems,
    );
    if (!cdc) {
        return none;
    }
    const list = (key: string, pattern: RegExp, shape: string): string[] => {
        const items = cdc[key];
        if (items === undefined) {
            return [];
        }
        if (!Array.isArray(items)) {
            problems.add(`${path}.${key}`, items, `is not a list of ${shape}`);
            return [];
        }
        return items.filter((item, i) => {
            if (typeof item !== "string" || !pattern.test(item)) {
                problems.add(`${path}.${key}[${i}]`, item, `is not ${shape}`);
                return false;
            }
            return true;
        });
    };
    const waiver = cdc.residencyWaiver;
    const waiverValid = typeof waiver === "string" && waiver.trim().length >= 8;
    if (waiver !== undefined && !waiverValid) {
        problems.add(
            `${path}.residencyWaiver`,
            waiver,
            "is not a waiver reference; allowed: the reference of the documented approval, at least 8 characters",
        );
    }
    return {
        excludeTables: list(
            "excludeTables",
            tablePattern,
            "schema.table (lowercase; % as a wildcard)",
        ),
        excludeColumns: list("excludeColumns", columnPattern, "schema.table.column (lowercase)"),
        ...(waiverValid ? { residencyWaiver: waiver } : {}),
    };
}

export function readRegion(value: unknown, path: string, problems: Problems): string | undefined {
    if (value === undefined) {
        problems.missing(path, "an AWS region code such as eu-west-2");
        return undefined;
    }
    if (typeof value !== "string" || !regionPattern.test(value)) {
        problems.add(path, value, "is not an AWS region code; expected the form eu-west-2");
        return undefined;
    }
    if (!awsRegions.includes(value)) {
        problems.add(path, value, `is not a known AWS region; allowed: ${awsRegions.join(", ")}`);
        return undefined;
    }
    return value;
}

export function readVpcCidr(value: unknown, path: string, problems: Problems): Cidr | undefined {
    const allowed = `a private IPv4 CIDR (10/8, 172.16/12, 192.168/16, 100.64/10) from /${vpcPrefix.min} to /${vpcPrefix.max}`;
    if (value === undefined) {
        problems.missing(path, allowed);
        return undefined;
    }
    const usable = (cidr: Cidr | undefined): cidr is Cidr =>
        !!cidr && isPrivate(cidr) && cidr.prefix >= vpcPrefix.min && cidr.prefix <= vpcPrefix.max;
    const cidr = typeof value === "string" ? parseCidr(value) : undefined;
    if (!usable(cidr)) {
        // 10.10.1.0/16: a typo of the network address, which the message offers when it would do.
        const network = typeof value === "string" ? networkOf(value) : undefined;
        problems.add(
            path,
            value,
            network && usable(parseCidr(network))
                ? hostBitsProblem(network)
                : `is not a usable VPC CIDR; allowed: ${allowed}`,
        );
        return undefined;
    }
    return cidr;
}

/** A CIDR whose address has bits set past its prefix: AWS takes only the network address. */
function hostBitsProblem(network: string): string {
    return `has host bits set; did you mean ${network}?`;
}

export function readAllowedCidrs(
    value: unknown,
    path: string,
    problems: Problems,
): string[] | undefined {
    if (value === undefined) {
        return undefined;
    }
    if (!Array.isArray(value) || value.length === 0) {
        problems.add(path, value, "is not a non-empty list of private IPv4 CIDRs");
        return undefined;
    }
    value.forEach((cidr, i) => {
        const parsed = typeof cidr === "string" ? parseCidr(cidr) : undefined;
        if (!parsed || !isPrivate(parsed)) {
            const network = typeof cidr === "string" ? networkOf(cidr) : undefined;
            const networkParsed = network ? parseCidr(network) : undefined;
            problems.add(
                `${path}[${i}]`,
                cidr,
                network && networkParsed && isPrivate(networkParsed)
                    ? hostBitsProblem(network)
                    : "is not a private IPv4 CIDR; PostgreSQL is never opened to public addresses",
            );
        }
    });
    return value as string[];
}

function readExistingVpc(
    value: unknown,
    path: string,
    problems: Problems,
): ExistingVpc | undefined {
    if (value === undefined) {
        return undefined;
    }
    const vpc = readObject(
        value,
        ["vpcId", "subnetIds"],
        path,
        "an existing VPC; expected { vpcId, subnetIds }",
        problems,
    );
    if (!vpc) {
        return undefined;
    }
    if (typeof vpc.vpcId !== "string" || !vpcIdPattern.test(vpc.vpcId)) {
        problems.add(`${path}.vpcId`, vpc.vpcId, "is not a VPC id; expected vpc-0123456789abcdef0");
    }
    const subnetIds = vpc.subnetIds;
    if (!Array.isArray(subnetIds) || subnetIds.length < 2) {
        problems.add(
            `${path}.subnetIds`,
            subnetIds,
            "is not a list of at least two subnet ids (a DB subnet group spans two or more AZs)",
        );
        return undefined;
    }
    subnetIds.forEach((id, i) => {
        if (typeof id !== "string" || !subnetIdPattern.test(id)) {
            problems.add(
                `${path}.subnetIds[${i}]`,
                id,
                "is not a subnet id; expected subnet-0123456789abcdef0",
            );
        } else if (subnetIds.indexOf(id) !== i) {
            problems.add(`${path}.subnetIds[${i}]`, id, "is listed twice; each subnet once");
        }
    });
    return { vpcId: String(vpc.vpcId), subnetIds: subnetIds as string[] };
}

function readWarehouse(value: string | undefined, problems: Problems): WarehouseConfig | undefined {
    const path = `${namespace}:warehouse`;
    if (value === undefined) {
        problems.missing(path, "{ region, vpcCidr }");
        return undefined;
    }
    const parsed = parseJson(value);
    const warehouse = readObject(
        parsed ?? value,
        warehouseKeys,
        path,
        "a warehouse; expected { region, vpcCidr }",
        problems,
    );
    if (!warehouse) {
        return undefined;
    }
    const region = readRegion(warehouse.region, `${path}.region`, problems);
    const cidr = readVpcCidr(warehouse.vpcCidr, `${path}.vpcCidr`, problems);
    for (const flag of ["redshift", "createDmsVpcRole"]) {
        if (warehouse[flag] !== undefined && typeof warehouse[flag] !== "boolean") {
            problems.add(
                `${path}.${flag}`,
                warehouse[flag],
                "is not a boolean; allowed: true, false",
            );
        }
    }
    return {
        region: region ?? "",
        vpcCidr: cidr ? String(warehouse.vpcCidr) : "",
        redshift: warehouse.redshift === true,
        // The account-wide DMS roles: created only where a stack is told to, since a second
        // stack, or an account that has used DMS, already has them (docs/deploying.md).
        createDmsVpcRole: warehouse.createDmsVpcRole === true,
    };
}

const dnsZonePattern =
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const emailPattern = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function readOperationSettings(raw: RawConfig, problems: Problems): OperationSettings {
    const path = (key: string) => `${namespace}:${key}`;
    const integer = (
        key: keyof OperationSettings,
        min: number,
        max: number,
        unit: string,
        why = "",
    ): number => {
        const text = raw[key];
        const fallback = operationDefaults[key] as number;
        if (text === undefined) {
            return fallback;
        }
        const value = /^-?\d+$/.test(text) ? Number(text) : text;
        if (typeof value !== "number") {
            problems.add(
                path(key),
                value,
                `is not a whole number; allowed: ${min} to ${max} ${unit}${why}`,
            );
            return fallback;
        }
        if (value < min || value > max) {
            problems.add(
                path(key),
                value,
                `is out of range; allowed: ${min} to ${max} ${unit}${why}`,
            );
            return fallback;
        }
        return value;
    };

    const dnsZone = raw.dnsZone ?? operationDefaults.dnsZone;
    if (!dnsZonePattern.test(dnsZone)) {
        problems.add(
            path("dnsZone"),
            dnsZone,
            "is not a DNS zone name; expected lowercase labels such as db.internal",
        );
    }
    let alarmEmails: string[] = [];
    if (raw.alarmEmails !== undefined) {
        const list = parseJson(raw.alarmEmails);
        if (!Array.isArray(list)) {
            problems.add(
                path("alarmEmails"),
                list ?? raw.alarmEmails,
                "is not a list of email addresses",
            );
        } else {
            list.forEach((email, i) => {
                if (typeof email !== "string" || !emailPattern.test(email)) {
                    problems.add(`${path("alarmEmails")}[${i}]`, email, "is not an email address");
                }
            });
            alarmEmails = list as string[];
        }
    }
    return {
        dnsZone,
        dnsTtlSeconds: integer(
            "dnsTtlSeconds",
            dnsTtlLimitsSeconds.min,
            dnsTtlLimitsSeconds.max,
            "seconds",
            " (a failover must not wait on DNS caches)",
        ),
        replicaLagAlarmSeconds: integer("replicaLagAlarmSeconds", 1, 3600, "seconds"),
        cpuAlarmPercent: integer("cpuAlarmPercent", 1, 100, "percent"),
        freeStorageAlarmPercent: integer("freeStorageAlarmPercent", 1, 50, "percent"),
        freeLocalStorageAlarmGiB: integer("freeLocalStorageAlarmGiB", 1, 1024, "GiB"),
        freeableMemoryAlarmPercent: integer("freeableMemoryAlarmPercent", 1, 50, "percent"),
        connectionsAlarmPercent: integer("connectionsAlarmPercent", 1, 100, "percent"),
        alarmEmails,
    };
}

/**
 * An EU-resident shard may stream to a warehouse outside the EU only without its personal-data
 * columns, or under a documented waiver.
 */
function checkResidency(
    shards: readonly ReadShard[],
    warehouse: WarehouseConfig | undefined,
    problems: Problems,
): void {
    if (!warehouse?.region) {
        return;
    }
    for (const shard of shards) {
        const { residency, cdc, name } = shard.config;
        if (!residencyAllows(residency, warehouse.region, cdc, cdc.residencyWaiver)) {
            problems.add(
                `${namespace}:shards[${shard.index}].residency`,
                residency,
                `shard ${name} would stream to the warehouse in ${warehouse.region}, outside the EU ` +
                    `(a GDPR transfer); allowed: list its personal-data columns in cdc.excludeColumns, ` +
                    `set cdc.residencyWaiver to the approval's reference, or put ` +
                    `${namespace}:warehouse.region in the EU (${euRegions.join(", ")})`,
            );
        }
    }
}

/** Rules that span shards: unique names and cities, CIDRs that never overlap. */
function checkAcrossShards(
    shards: readonly ReadShard[],
    warehouse: WarehouseConfig | undefined,
    problems: Problems,
): void {
    const path = (s: ReadShard) => `${namespace}:shards[${s.index}]`;
    const firstByName = new Map<string, ReadShard>();
    const firstByCity = new Map<string, ReadShard>();
    for (const shard of shards) {
        const { name, cities } = shard.config;
        const earlier = firstByName.get(name);
        if (name && earlier) {
            problems.add(
                `${path(shard)}.name`,
                name,
                `is already the name of ${path(earlier)}; shard names are unique`,
            );
        } else {
            firstByName.set(name, shard);
        }
        cities.forEach((city, i) => {
            const owner = firstByCity.get(city);
            if (owner && owner !== shard) {
                problems.add(
                    `${path(shard)}.cities[${i}]`,
                    city,
                    `is already in ${path(owner)} (${owner.config.name}); a city belongs to one shard`,
                );
            } else if (owner === shard) {
                problems.add(`${path(shard)}.cities[${i}]`, city, "is listed twice in this shard");
            } else {
                firstByCity.set(city, shard);
            }
        });
    }

    // Every network a stack peers or may peer: shards, their recovery networks, the warehouse.
    const networks = shards.flatMap((shard) => [
        ...(shard.cidr
            ? [{ path: `${path(shard)}.vpcCidr`, text: shard.config.vpcCidr, cidr: shard.cidr }]
            : []),
        ...(shard.recoveryCidr
            ? [
                  {
                      path: `${path(shard)}.dr.vpcCidr`,
                      text: shard.config.dr!.vpcCidr,
                      cidr: shard.recoveryCidr,
                  },
              ]
            : []),
    ]);
    const warehouseCidr = warehouse?.vpcCidr ? parseCidr(warehouse.vpcCidr) : undefined;
    networks.forEach((network, i) => {
        for (const other of networks.slice(0, i)) {
            if (cidrsOverlap(network.cidr, other.cidr)) {
                problems.add(
                    network.path,
                    network.text,
                    `overlaps ${other.path} (${other.text}); shard networks are peered and must not overlap`,
                );
            }
        }
        if (warehouseCidr && cidrsOverlap(network.cidr, warehouseCidr)) {
            problems.add(
                network.path,
                network.text,
                `overlaps ${namespace}:warehouse.vpcCidr (${warehouse!.vpcCidr}); the warehouse network is peered with every shard`,
            );
        }
    });
}

/** An object with only known keys, or a problem saying what was expected instead. */
function readObject(
    value: unknown,
    keys: readonly string[],
    path: string,
    expected: string,
    problems: Problems,
): Record<string, unknown> | undefined {
    if (!isRecord(value)) {
        problems.add(path, value, `is not ${expected}`);
        return undefined;
    }
    checkKeys(value, keys, path, problems);
    return value;
}

function checkKeys(
    entry: Record<string, unknown>,
    allowed: readonly string[],
    path: string,
    problems: Problems,
): void {
    for (const key of Object.keys(entry)) {
        if (!allowed.includes(key)) {
            const meant = nearest(key, allowed);
            problems.add(
                `${path}.${key}`,
                entry[key],
                meant
                    ? `is not a known key; did you mean ${meant}?`
                    : `is not a known key; allowed: ${allowed.join(", ")}`,
            );
        }
    }
}

function parseJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * The offline plan: runs index.ts under the Pulumi mock runtime with a stack's config and prints
 * what `pulumi up` would declare, grouped by shard and role. No cloud, no credentials.
 *
 *   npm run plan -- --stack prod [--json] [--out FILE] [--policy-pack-config FILE]
 *
 * It then evaluates the policy pack (policies/rules.ts) against what it planned, as
 * `pulumi preview --policy-pack policies [--policy-pack-config FILE]` would, compares the engines
 * for each shard, and ends with the estimated monthly bill (pricing/): per shard and component,
 * stack-wide, in total, naming what it could not price.
 *
 * The plan goes to stdout, or with `--out` to FILE only; warnings and errors go to stderr.
 * `npm run -s plan` keeps npm's own banner off stdout too.
 *
 * Exit codes: 0 planned and compliant; 1 the program refused the config, or a mandatory policy
 * is violated (the messages are printed); 2 usage.
 */

import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { describeBudget, describeRegionLoss, failoverBudget } from "../components/failoverBudget";
import {
    compareEngines,
    engineVerdict,
    renderCostTable,
    renderLevers,
    renderShardLines,
} from "../pricing";
import { usd } from "../pricing/format";
import { dataSizeWarnings, planCost, shardCostInput, stackCostInput } from "./planCost";
import { RecoveryNetworkSummary } from "../components/peering";
import { ShardSummary } from "../components/regionalShard";
import { policies } from "../policies/rules";
import {
    evaluatePolicies,
    hasMandatoryViolation,
    parsePolicyConfig,
    PolicyConfig,
    PolicyReport,
} from "./policyEval";
import { nearest } from "../config/suggest";
import { plural } from "../config/plural";
import { instanceItem, lookupPrice, priceSheet } from "../pricing/catalog";
import {
    ProgramError,
    ProgramRun,
    realisticZones,
    RecordedResource,
    runProgram,
} from "./mockRuntime";
import { PlanUsageError, stackFixtures, takeStackDir } from "./planSources";
import { projectRoot, readStackConfig } from "./stackConfig";
import { planJson } from "./planJson";
import {
    defaultWidth,
    firstScreen,
    outputWidth,
    renderDecision,
    screenWidth,
    wrap,
} from "./planText";
import { renderLatency } from "./planLatency";
import { ShardMap } from "../components/shardMap";

/** A shard as the plan shows it: what the component publishes, plus its network and CDC. */
export interface PlannedShard extends ShardSummary {
    readonly name: string;
    readonly cities: readonly string[];
    readonly vpcCidr?: string;
    readonly subnets: readonly { availabilityZone: string; cidr: string }[];
    readonly allowedCidrs: readonly string[];
    readonly cdc?: PlannedCdc;
    readonly resourceCount: number;
}

export interface Plan {
    readonly stack: string;
    readonly environment: string;
    readonly shards: readonly PlannedShard[];
    readonly resources: readonly { type: string; name: string; shard?: string; region?: string }[];
    readonly outputs: Record<string, unknown>;
}

const shardType = "geoshard:index:RegionalShard";

export interface PlannedCdc {
    /** The region the replication, stream and delivery run in: the warehouse's. */
    readonly region: string;
    readonly replication: string;
    readonly stream: string;
    readonly bucket: string;
    readonly prefix: string;
    readonly excludedTables: readonly string[];
    readonly excludedColumns: readonly string[];
}

/** The shard's CDC path, read off its replication, stream and delivery. */
function plannedCdc(children: readonly RecordedResource[]): PlannedCdc | undefined {
    const replication = children.find(
        (r) => r.type === "aws:dms/replicationConfig:ReplicationConfig",
    );
    const stream = children.find((r) => r.type === "aws:kinesis/stream:Stream");
    const delivery = children.find(
        (r) => r.type === "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
    );
    if (!replication || !stream || !delivery) {
        return undefined;
    }
    const rules: Record<string, any>[] = JSON.parse(replication.inputs.tableMappings).rules;
    const locator = (rule: Record<string, any>) =>
        Object.values(rule["object-locator"] as Record<string, string>).join(".");
    return {
        region: replication.region!,
        replication: replication.inputs.replicationConfigIdentifier,
        stream: stream.inputs.name,
        bucket: delivery.inputs.extendedS3Configuration.bucketArn.replace(/^arn:[^:]+:s3:::/, ""),
        prefix: delivery.inputs.extendedS3Configuration.prefix,
        excludedTables: rules.filter((r) => r["rule-action"] === "exclude").map(locator),
        excludedColumns: rules.filter((r) => r["rule-action"] === "remove-column").map(locator),
    };
}

/** The shard a resource belongs to: the name of its RegionalShard parent. */
function shardOf(resource: RecordedResource): string | undefined {
    const parts = resource.parent.split("::");
    return parts[parts.length - 2]?.endsWith(shardType) ? parts[parts.length - 1] : undefined;
}

export function buildPlan(stack: string, run: ProgramRun): Plan {
    // A global stack declares no shards and exports no shard map.
    const shardMap = (run.outputs.shardMap ?? { shards: {} }) as {
        shards: Record<string, { cities: string[] }>;
    };
    const summaries = (run.outputs.summary ?? {}) as Record<string, ShardSummary>;
    const shards = run.resources
        .filter((r) => r.type === shardType)
        .map((component): PlannedShard => {
            const children = run.resources.filter((r) => shardOf(r) === component.name);
            const ofType = (type: string) => children.filter((r) => r.type === type);
            return {
                name: component.name,
                ...summaries[component.name],
                cities: shardMap.shards[component.name].cities,
                vpcCidr: ofType("aws:ec2/vpc:Vpc")[0]?.inputs.cidrBlock,
                subnets: ofType("aws:ec2/subnet:Subnet")
                    .filter((s) => s.name.startsWith(`${component.name}-subnet-`))
                    .map((s) => ({
                        availabilityZone: s.inputs.availabilityZone,
                        cidr: s.inputs.cidrBlock,
                    })),
                allowedCidrs: ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
                    .filter((rule) => rule.name.startsWith(`${component.name}-postgres-from-`))
                    .map((rule) => rule.inputs.cidrIpv4),
                cdc: plannedCdc(children),
                resourceCount: children.length,
            };
        });
    return {
        stack,
        environment: String(run.outputs.environment),
        shards,
        resources: run.resources.map((r) => ({
            type: r.type,
            name: r.name,
            shard: shardOf(r),
            region: r.region,
        })),
        outputs: run.outputs,
    };
}

/**
 * The readers' instance-hours a month at the bottom and the top of the autoscaling range, at
 * list prices (pricing/): the declared readers at their class, the added ones at the writer's.
 */
function readerScalingCost(shard: PlannedShard): string {
    const scaling = shard.readerAutoscaling!;
    const billing = shard.storageType ?? "aurora";
    const hourly = (instanceClass: string) => {
        const ref = instanceItem(instanceClass, billing);
        return lookupPrice(ref.service, ref.item, shard.region)?.usd;
    };
    const readerClass = shard.instances.find((db) => db.role === "reader")?.instanceClass;
    const declared = readerClass ? hourly(readerClass) : 0;
    const added = hourly(scaling.instanceClass);
    if (declared === undefined || added === undefined) {
        return `readers' cost: no list price for these classes in ${shard.region}`;
    }
    const hours = priceSheet.hoursPerMonth;
    const atMin = scaling.minReaders * declared * hours;
    const atMax = atMin + (scaling.maxReaders - scaling.minReaders) * added * hours;
    const usd = (n: number) => `$${Math.round(n).toLocaleString("en-US")}`;
    return `readers' instances ${usd(atMin)}/month at ${scaling.minReaders}, ${usd(atMax)}/month at ${scaling.maxReaders} (list prices, instance-hours only)`;
}

/** A shard's windows and the parameters its groups set, for the per-shard detail. */
function describeShardSettings(shard: PlannedShard): string[] {
    const list = (parameters: Readonly<Record<string, string>>) =>
        Object.entries(parameters)
            .map(([name, value]) => `${name}=${value}`)
            .join(", ");
    const { cluster, instance } = shard.parameters;
    return [
        ...(shard.allowedSecurityGroups.length > 0
            ? [`  access    also from security groups ${shard.allowedSecurityGroups.join(", ")}`]
            : []),
        ...(shard.readerAutoscaling
            ? [
                  `  readers   ${shard.readerAutoscaling.minReaders} to ${shard.readerAutoscaling.maxReaders} by autoscaling on ` +
                      `${shard.readerAutoscaling.metric} at ${shard.readerAutoscaling.targetValue}; ` +
                      `readers it adds are ${shard.readerAutoscaling.instanceClass}, the writer's class`,
                  `            ${readerScalingCost(shard)}`,
              ]
            : []),
        `  windows   backups ${shard.windows.backup} UTC daily, maintenance ${shard.windows.maintenance} UTC`,
        ...(cluster ? [`  params    cluster: ${list(cluster)}`] : []),
        `  params    ${cluster ? "instance" : "instances"}: ${list(instance)}`,
    ];
}

/** The plan's first lines: what it is, and what it assumed instead of asking the account. */
export function planHeader(plan: Plan): string[] {
    const regions = [
        ...new Set(
            plan.shards.flatMap((s) => [s.region, ...(s.recovery ? [s.recovery.region] : [])]),
        ),
    ];
    return [
        `geoshard offline plan: stack ${plan.stack}, environment ${plan.environment}`,
        `${plural(plan.resources.length, "resource")} as \`pulumi up\` would declare them, ` +
            "from the Pulumi mock runtime; no cloud calls.",
        ...(regions.length
            ? [
                  "AZs assumed as a new account sees them (the real run looks them up): " +
                      regions
                          .map(
                              (r) =>
                                  `${r} ${(realisticZones[r] ?? ["a", "b", "c"].map((z) => r + z)).length}`,
                          )
                          .join(", "),
              ]
            : []),
    ];
}

/**
 * What several shards share, said once: each distinct failover and region-loss budget, by a
 * label the shards' lines refer to.
 */
export interface SharedFacts {
    readonly lines: readonly string[];
    /** The label of a shard's failover budget, and of its region-loss budget when it has one. */
    readonly failover: ReadonlyMap<string, string>;
    readonly regionLoss: ReadonlyMap<string, string>;
}

/** The recovery region a region-loss paragraph names, written generically to share it. */
const theRecoveryRegion = "the recovery region";

export function sharedFacts(plan: Plan): SharedFacts {
    const lines: string[] = [];
    const failover = new Map<string, string>();
    const regionLoss = new Map<string, string>();
    const group = (
        title: string,
        prefix: string,
        described: [shard: string, text: string][],
        labels: Map<string, string>,
    ) => {
        const texts = [...new Set(described.map(([, text]) => text))];
        if (texts.length === 0) {
            return;
        }
        lines.push(title);
        texts.forEach((text, i) => {
            const label = `${prefix}${i + 1}`;
            const shards = described.filter(([, t]) => t === text).map(([name]) => name);
            shards.forEach((name) => labels.set(name, label));
            lines.push(`  [${label}] ${shards.join(", ")}: ${text}`);
        });
    };
    group(
        "Failover in the home region (writer lost), by shard",
        "F",
        plan.shards.map((shard) => [
            shard.name,
            describeBudget(shard.failoverBudget) +
                (shard.failoverBudget.proxy ? ` ${shard.failoverBudget.proxy}` : ""),
        ]),
        failover,
    );
    group(
        "Region loss (home region lost), by shard",
        "R",
        plan.shards.flatMap((shard) =>
            shard.recovery
                ? [
                      [
                          shard.name,
                          describeRegionLoss({
                              ...shard.recovery.budget,
                              recoveryRegion: theRecoveryRegion,
                          }),
                      ] as [string, string],
                  ]
                : [],
        ),
        regionLoss,
    );
    return { lines, failover, regionLoss };
}

/**
 * One part of a shard's detail: a few lines, each starting with a label column. The detail is
 * this list, in order: a new fact about a shard is a new renderer here.
 */
export type ShardDetail = (shard: PlannedShard, shared: SharedFacts) => string[];

const networkDetail: ShardDetail = (shard) => [
    `  network   VPC ${shard.vpcCidr ?? "(existing)"}; private subnets ` +
        (shard.subnets.map((s) => `${s.availabilityZone} ${s.cidr}`).join(", ") || "(existing)"),
    `  access    PostgreSQL 5432 from ${shard.allowedCidrs.join(", ")} only; TLS required`,
];

const engineDetail: ShardDetail = (shard) => [
    `  engine    ${shard.engine} ${shard.engineVersion}, storage ${shard.storage}, ` +
        `backups ${shard.backupRetentionDays} d` +
        (shard.clusterCacheManagement === undefined
            ? ""
            : shard.clusterCacheManagement
              ? ", the standby's cache kept warm"
              : ", no cluster cache management") +
        (shard.proxy ? ", RDS Proxy in front of the writer" : ""),
    table(
        ["role", "identifier", "class", "AZ", "tier", "protect", "deletion prot."],
        shard.instances.map((db) => [
            db.role,
            db.identifier,
            db.instanceClass,
            db.availabilityZone,
            db.promotionTier === undefined ? "-" : String(db.promotionTier),
            db.protect ? "yes" : "no",
            db.deletionProtection
                ? shard.engine === "aurora-postgresql"
                    ? "yes (cluster)"
                    : "yes"
                : "no",
        ]),
        "  ",
    ),
];

const namesDetail: ShardDetail = (shard) => [
    `  writer    ${shard.names.writer} (TTL ${shard.names.ttlSeconds} s) -> ${shard.writes}`,
    `  reader    ${shard.names.reader} -> ${shard.reads}`,
];

const failoverDetail: ShardDetail = (shard, shared) => [
    `  failover  ${shard.failoverBudget.typical} + DNS TTL ${shard.names.ttlSeconds} s; ` +
        `as [${shared.failover.get(shard.name)}] above`,
];

const cdcDetail: ShardDetail = (shard) => {
    const c = shard.cdc;
    return c
        ? [
              `  cdc       ${shard.region} -> DMS Serverless ${c.replication} in ${c.region} ` +
                  `(over peering, TLS) -> Kinesis ${c.stream} -> Firehose -> s3://${c.bucket}/${c.prefix}`,
              `            excluded: ${[...c.excludedTables, ...c.excludedColumns].join(", ") || "nothing"}`,
          ]
        : [];
};

/**
 * A shard's alarms, said by what they watch: the name prefix once, then each group of instances
 * that have the same alarms (`standby, reader-1: cpu, ..., replica-lag`), then the rest.
 */
function alarmLines(shard: PlannedShard): string[] {
    const prefix =
        `${shard.instances.find((db) => db.role === "writer")?.identifier ?? ""}`.replace(
            /[^-]*$/,
            "",
        );
    const labels = shard.instances.map((db) => db.identifier.slice(prefix.length));
    const named = shard.alarms.every((a) => a.startsWith(prefix)) && prefix !== "";
    if (!named) {
        return [`  alarms    ${plural(shard.alarms.length, "alarm")}: ${shard.alarms.join(", ")}`];
    }
    const groups = new Map<string, string[]>();
    const rest: string[] = [];
    for (const label of labels) {
        const watched = shard.alarms
            .filter((a) => a.startsWith(`${prefix}${label}-`))
            .map((a) => a.slice(`${prefix}${label}-`.length))
            .join(", ");
        groups.set(watched, [...(groups.get(watched) ?? []), label]);
    }
    for (const alarm of shard.alarms) {
        if (!labels.some((label) => alarm.startsWith(`${prefix}${label}-`))) {
            rest.push(alarm.slice(prefix.length));
        }
    }
    return [
        `  alarms    ${plural(shard.alarms.length, "alarm")}, each named ${prefix}<what it watches>:`,
        ...[...groups]
            .filter(([watched]) => watched !== "")
            .map(([watched, group]) => `            ${group.join(", ")}: ${watched}`),
        ...(rest.length ? [`            the shard: ${rest.join(", ")}`] : []),
    ];
}

const monitoringDetail: ShardDetail = (shard) => [
    ...alarmLines(shard),
    `  events    ${shard.events.map((e) => `${e.sourceType} ${e.categories.join(", ")}`).join("; ")} -> the alarm topic`,
];

const recoveryDetail: ShardDetail = (shard, shared) => {
    const recovery = shard.recovery;
    if (!recovery) {
        return ["  recovery  none: the shard lives in its home region only"];
    }
    const instances =
        recovery.instances
            .map(
                (db) =>
                    `${db.identifier} ${db.instanceClass} ${db.availabilityZone}` +
                    (db.promotionTier === undefined ? "" : ` tier ${db.promotionTier}`),
            )
            .join(", ") || "headless secondary (storage only)";
    return [
        `  recovery  ${recovery.region}: ${instances}; alarms ${recovery.alarms.join(", ")}`,
        `  region    ${recovery.region}, ${recovery.budget.copy}: up to ` +
            `${recovery.budget.recoveryMinutes} min; as [${shared.regionLoss.get(shard.name)}] above`,
    ];
};

const recoveryNetworkDetail: ShardDetail = (shard) =>
    shard.recovery ? describeRecoveryNetwork(shard.recovery.network) : [];

const resourceCountDetail: ShardDetail = (shard) => [`  resources ${shard.resourceCount}`];

/** A shard's detail, in the order it prints. */
export const shardDetail: readonly ShardDetail[] = [
    networkDetail,
    engineDetail,
    describeShardSettings,
    namesDetail,
    failoverDetail,
    cdcDetail,
    monitoringDetail,
    credentialsAndEventRoutes,
    recoveryDetail,
    recoveryNetworkDetail,
    resourceCountDetail,
];

/** The plan's header and its detail, unwrapped. */
export function renderPlan(plan: Plan): string {
    return [...planHeader(plan), "", renderDetail(plan)].join("\n");
}

/**
 * The plan's detail: the facts several shards share, said once, then each shard's lines, the
 * resource counts and the outputs. Lines are not wrapped here; `reportPlan` wraps them.
 */
export function renderDetail(plan: Plan): string {
    const lines: string[] = [];
    const shared = sharedFacts(plan);
    lines.push(...shared.lines);
    for (const shard of plan.shards) {
        lines.push("");
        lines.push(`Shard ${shard.name}  ${shard.region}  cities: ${shard.cities.join(", ")}`);
        for (const render of shardDetail) {
            lines.push(...render(shard, shared));
        }
    }
    lines.push("");
    const byType = new Map<string, number>();
    for (const r of plan.resources) {
        byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
    }
    lines.push(`Total: ${plural(plan.resources.length, "resource")}`);
    lines.push(
        table(
            ["count", "type"],
            [...byType].sort((a, b) => b[1] - a[1]).map(([t, n]) => [String(n), t]),
            "  ",
        ),
    );

    const shardMap = plan.outputs.shardMap as
        | {
              shards: Record<string, { writer: string; reader: string; direct: object }>;
              cityToShard: Record<string, string>;
          }
        | undefined;
    lines.push("");
    lines.push("Outputs");
    lines.push(`  environment  ${plan.environment}`);
    if (shardMap) {
        lines.push(
            `  shardMap.cityToShard  ` +
                Object.entries(shardMap.cityToShard)
                    .map(([city, shard]) => `${city}->${shard}`)
                    .join(" "),
        );
        for (const [name, entry] of Object.entries(shardMap.shards)) {
            lines.push(
                `  shardMap.shards.${name}  writer ${entry.writer}, reader ${entry.reader}, ` +
                    `${plural(Object.keys(entry.direct).length, "direct instance endpoint")}`,
            );
        }
    }
    const global = plan.outputs.global as
        { zoneId: string; warehouse: { bucketName: string; vpcId: string } } | undefined;
    if (global) {
        lines.push(
            `  global  zone ${global.zoneId}, warehouse VPC ${global.warehouse.vpcId}, lake ${global.warehouse.bucketName}`,
        );
    }
    return lines.join("\n");
}

/** The path between a shard's home and recovery networks, and where its names resolve. */
export function describeRecoveryNetwork(network: RecoveryNetworkSummary): string[] {
    return [
        `  dr path   ${network.path} ${network.home} <-> ${network.recovery}; routes ${
            network.routes.join(", ") || "none declared"
        }`,
        ...network.gaps.map((gap) => `            gap: ${gap}`),
        `  zone      associated with the ${network.zoneAssociations.join(", the ")}`,
    ];
}

function table(header: string[], rows: string[][], indent: string): string {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const format = (row: string[]) =>
        indent +
        row
            .map((cell, i) => cell.padEnd(widths[i]))
            .join("  ")
            .trimEnd();
    return [format(header), ...rows.map(format)].join("\n");
}

export const planUsage =
    "usage: npm run plan -- --stack NAME [--dir DIR] [--brief | --json] [--out FILE]\n" +
    "                      [--policy-pack-config FILE | --no-policy-pack-config]";

/** What `--help` prints: the usage, then what each flag does. */
export const planHelp = [
    planUsage,
    "",
    "The offline plan of a stack: what `pulumi up` would declare, under the Pulumi mock runtime.",
    "First one screen per shard (topology, failover and region-loss budgets, monthly cost, what",
    "needs attention), then the policy verdict, then the detail.",
    "",
    "  -s, --stack NAME             the stack: Pulumi.NAME.yaml",
    "  --dir DIR                    where the stack files are (default: the project's directory)",
    "  --brief                      print the first screen only",
    "  --json                       the plan as JSON: every resource with its inputs (secrets",
    "                               redacted) and options; docs/plan-json.md",
    "  --out FILE                   write the plan to FILE instead of stdout",
    "  --policy-pack-config FILE    the policy config (default: policies/config/NAME.json when",
    "                               it exists, as CI passes it)",
    "  --no-policy-pack-config      the pack's defaults, even where the stack has a config",
    "  -h, --help                   this help",
    "",
    "Exit codes: 0 planned and compliant; 1 the config is refused or a mandatory policy is",
    "violated; 2 usage.",
].join("\n");

/** What the command line asks of the plan. */
export interface PlanArgs {
    readonly stack: string;
    readonly json: boolean;
    /** Print only the first screen. */
    readonly brief?: boolean;
    /** Write the plan to this file instead of stdout. */
    readonly out?: string;
    /** Policy config, as `pulumi preview --policy-pack-config` takes it. */
    readonly policyPackConfig?: string;
    /** Plan under the pack's defaults, even where the stack has a policy config. */
    readonly noPolicyPackConfig?: boolean;
}

/** The flags the plan takes, and whether each takes a value. */
const planFlags: Readonly<Record<string, "value" | "switch">> = {
    "--stack": "value",
    "--json": "switch",
    "--brief": "switch",
    "--out": "value",
    "--policy-pack-config": "value",
    "--no-policy-pack-config": "switch",
};
const flagAliases: Readonly<Record<string, string>> = { "-s": "--stack" };

/** Whether the arguments ask for help: `--help` or `-h` anywhere. */
export function asksForHelp(argv: readonly string[]): boolean {
    return argv.some((a) => a === "--help" || a === "-h");
}

/**
 * Parses the plan's arguments. `env` is where npm leaves the flags it took for itself: `npm run
 * plan --stack prod` (no `--`) passes only `prod`, and sets `npm_config_stack`. Then the error
 * is the command that was meant.
 */
export function parseArgs(
    argv: readonly string[],
    env: Readonly<Record<string, string | undefined>> = {},
): PlanArgs {
    const values: Record<string, string | true> = {};
    const positionals: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        const [written, inline] = argv[i].startsWith("--")
            ? (argv[i].split(/=(.*)/s) as [string, string?])
            : [argv[i], undefined];
        const flag = flagAliases[written] ?? written;
        if (!flag.startsWith("-")) {
            positionals.push(flag);
            continue;
        }
        const kind = planFlags[flag];
        if (kind === undefined) {
            const meant = nearest(flag, Object.keys(planFlags));
            throw new Error(
                `unknown argument "${argv[i]}"` + (meant ? `; did you mean ${meant}?` : ""),
            );
        }
        if (kind === "switch") {
            values[flag] = true;
            continue;
        }
        const value = inline ?? argv[++i];
        if (value === undefined || value === "" || value.startsWith("-")) {
            throw new Error(`${flag} needs a value`);
        }
        values[flag] = value;
    }
    const stack = values["--stack"];
    if (typeof stack !== "string") {
        throw new Error(npmHint(values, positionals, env) ?? "missing --stack NAME");
    }
    if (positionals.length > 0) {
        throw new Error(`unknown argument "${positionals[0]}"`);
    }
    const option = (flag: string) => {
        const value = values[flag];
        return typeof value === "string" ? value : undefined;
    };
    if (values["--json"] === true && values["--brief"] === true) {
        throw new Error("--brief is a view of the text plan; --json carries everything");
    }
    if (option("--policy-pack-config") && values["--no-policy-pack-config"] === true) {
        throw new Error("--policy-pack-config and --no-policy-pack-config contradict each other");
    }
    return {
        stack,
        json: values["--json"] === true,
        ...(values["--brief"] === true ? { brief: true } : {}),
        ...(option("--out") ? { out: option("--out") } : {}),
        ...(option("--policy-pack-config")
            ? { policyPackConfig: option("--policy-pack-config") }
            : {}),
        ...(values["--no-policy-pack-config"] === true ? { noPolicyPackConfig: true } : {}),
    };
}

/**
 * The command meant, when npm kept the plan's flags: it takes flags before `--` as its own
 * config (`npm_config_<flag>`: `true` when a value followed, which npm passes on as an argument,
 * or the value of `--flag=value`). Undefined when nothing points that way.
 */
function npmHint(
    values: Record<string, string | true>,
    positionals: readonly string[],
    env: Readonly<Record<string, string | undefined>>,
): string | undefined {
    const keptByNpm = (flag: string) => env[`npm_config_${flag.slice(2).replace(/-/g, "_")}`];
    const rest = [...positionals];
    const words: string[] = [];
    for (const [flag, kind] of Object.entries(planFlags)) {
        const own = values[flag];
        const npm = own === undefined ? keptByNpm(flag) : undefined;
        if (kind === "switch") {
            if (own !== undefined || npm !== undefined) {
                words.push(flag);
            }
            continue;
        }
        // npm keeps `--flag=value` whole; of `--flag value` it keeps the flag (as "true") and
        // passes the value on. A lone argument is the stack's name.
        const value =
            typeof own === "string"
                ? own
                : npm !== undefined && npm !== "true"
                  ? npm
                  : npm === "true" || flag === "--stack"
                    ? rest.shift()
                    : undefined;
        if (value !== undefined) {
            words.push(flag, value);
        }
    }
    if (!words.includes("--stack")) {
        return undefined;
    }
    const received = positionals.length ? positionals.join(" ") : "no arguments";
    return (
        `did you mean npm run plan -- ${[...words, ...rest].join(" ")}?\n` +
        `(npm takes the flags before -- as its own; the plan received ${received})`
    );
}

/** How the plan command prints, besides its arguments. */
export interface PlanOutput {
    /**
     * The width the detail wraps to. @default 100, the width for a pipe or a file; the command
     * line passes the terminal's width when stdout is one.
     */
    readonly width?: number;
    /** The width of the first screen. @default 120, or the terminal's when narrower */
    readonly screenWidth?: number;
}

/** The plan command: prints to `out` and `err`, returns the exit code. */
export async function planCommand(
    argv: readonly string[],
    out: (text: string) => void = console.log,
    err: (text: string) => void = console.error,
    root: string = projectRoot,
    env: Readonly<Record<string, string | undefined>> = process.env,
    output: PlanOutput = {},
    onRun: (run: ProgramRun) => void = () => undefined,
    // What runs the program under the mocks; tests pass one that shares runs of equal config.
    runner: typeof runProgram = runProgram,
): Promise<number> {
    if (asksForHelp(argv)) {
        out(planHelp);
        return 0;
    }
    let args: PlanArgs;
    let config: Record<string, string>;
    let policy: { config: PolicyConfig; name: string };
    let dir: string;
    try {
        const located = takeStackDir(argv, root);
        dir = located.dir;
        args = parseArgs(located.argv, env);
        config = readStackConfig(args.stack, root, dir);
        policy = policyConfigOf(args, root);
    } catch (error) {
        err(`plan: ${(error as Error).message}\n${planUsage}`);
        return 2;
    }
    let run: ProgramRun;
    try {
        run = await runner(config, {
            stack: args.stack,
            fixtures: await stackFixtures(config, dir, root, args.stack),
        });
    } catch (error) {
        if (error instanceof PlanUsageError) {
            err(`plan: stack ${args.stack}: ${error.message}`);
            return 2;
        }
        const cause = error instanceof ProgramError ? error.cause : error;
        const message = pulumi.RunError.isInstance(cause)
            ? cause.message
            : String((cause as Error).stack ?? cause);
        err(`plan: stack ${args.stack} would not deploy:\n${message}`);
        return 1;
    }
    for (const warning of run.warnings ?? []) {
        err(`plan: warning: ${warning}`);
    }
    onRun(run);
    const { code, text } = reportPlan(
        args.stack,
        run,
        args.json,
        maxMonthlyUsdOf(config),
        policy.config,
        {
            policyConfigName: policy.name,
            width: output.width ?? defaultWidth,
            screenWidth: output.screenWidth,
            brief: args.brief,
        },
    );
    if (args.out) {
        try {
            fs.writeFileSync(args.out, `${text}\n`);
        } catch (error) {
            err(`plan: cannot write ${args.out}: ${(error as Error).message}`);
            return 2;
        }
        err(
            `plan: wrote the ${args.json ? "JSON " : ""}plan of stack ${args.stack} to ${args.out}`,
        );
    } else {
        out(text);
    }
    if (code !== 0) {
        err(
            `plan: stack ${args.stack} violates mandatory policies under ${policy.name}; ` +
                "pulumi preview --policy-pack would fail",
        );
    }
    return code;
}

/** Where a stack's policy config lives, as CI passes it to `pulumi preview`. */
export function stackPolicyConfigFile(stack: string): string {
    return path.join("policies", "config", `${stack}.json`);
}

/** The words for a plan under the pack's defaults. */
export const noPolicyConfig = "defaults: no policy config";

/**
 * The policy config the plan runs under, and its name: `--policy-pack-config FILE`; else the
 * stack's `policies/config/<stack>.json` (relative to the project) when it exists, as CI passes
 * it; else, or with `--no-policy-pack-config`, the pack's defaults.
 */
function policyConfigOf(args: PlanArgs, root: string): { config: PolicyConfig; name: string } {
    if (args.policyPackConfig) {
        return {
            config: readPolicyConfig(args.policyPackConfig),
            name: args.policyPackConfig,
        };
    }
    const own = stackPolicyConfigFile(args.stack);
    if (args.noPolicyPackConfig || !fs.existsSync(path.join(root, own))) {
        return { config: {}, name: noPolicyConfig };
    }
    return { config: readPolicyConfig(path.join(root, own), own), name: own };
}

/** A policy config file, checked against the pack; `shown` names it in messages. */
function readPolicyConfig(file: string, shown: string = file): PolicyConfig {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        throw new Error(`cannot read --policy-pack-config ${shown}: ${(error as Error).message}`);
    }
    return parsePolicyConfig(text, policies, shown);
}

/** The stack's monthly budget, from its validated config (the program accepted it already). */
function maxMonthlyUsdOf(config: Record<string, string>): number | undefined {
    const raw = config["geoshard:maxMonthlyUsd"];
    return raw === undefined ? undefined : Number(raw);
}

/** How `reportPlan` words and lays out the plan. */
export interface ReportOptions {
    /** The policy config in force, as the verdict names it. @default "defaults: no policy config" */
    readonly policyConfigName?: string;
    /** The width the detail wraps to. @default no wrapping (the command wraps to 100 columns) */
    readonly width?: number;
    /** The width of the first screen. @default 120 */
    readonly screenWidth?: number;
    /** Only the first screen. @default false */
    readonly brief?: boolean;
}

/**
 * The plan and its policy report, as text or JSON, with the exit code CI gates on. The text is
 * the first screen (`renderDecision`), the policy verdict, then the detail, each line wrapped to
 * the width.
 */
export function reportPlan(
    stack: string,
    run: ProgramRun,
    json: boolean,
    maxMonthlyUsd?: number,
    policyConfig: PolicyConfig = {},
    options: ReportOptions = {},
): { code: number; text: string } {
    const policyConfigName = options.policyConfigName ?? noPolicyConfig;
    const width = options.width ?? Infinity;
    const plan = buildPlan(stack, run);
    const cost = planCost(plan, run, maxMonthlyUsd);
    // The budget rule reads the estimate from its config, as `--policy-pack-config` would pass
    // it, beside what a policy config file sets (the stack's maxMonthlyUsd over the file's).
    const budget = policyConfig["monthly-budget"];
    const policy = evaluatePolicies(run.resources, policies, {
        ...policyConfig,
        "monthly-budget": {
            ...(typeof budget === "string" ? { enforcementLevel: budget } : budget),
            ...(maxMonthlyUsd !== undefined ? { maxMonthlyUsd } : {}),
            estimatedMonthlyUsd: cost.monthlyUsd,
            unpriced: cost.unpriced.map((u) => `${u.scope} ${u.component}: ${u.description}`),
            incomplete: cost.incomplete.map(
                (u) => `${u.scope} ${u.component}: ${u.description} (${u.region})`,
            ),
        },
    });
    const code = hasMandatoryViolation(policy) ? 1 : 0;
    const engineChoice = engineChoiceOf(plan, run);
    const shardOf = shardOfUrn(run.resources);
    if (json) {
        return {
            code,
            text: planJson(
                { plan, run, policy, policyConfig: policyConfigName, cost, engineChoice },
                shardOf,
            ),
        };
    }
    const decision = renderDecision(
        {
            plan,
            cost,
            policy,
            shardOfUrn: shardOf,
            policyConfig: policyConfigName,
            header: planHeader(plan),
        },
        Math.min(options.screenWidth ?? firstScreen.columns, firstScreen.columns),
    );
    if (options.brief) {
        return { code, text: decision };
    }
    const detail = [
        renderPolicy(policy, policyConfigName),
        "Detail",
        renderDetail(plan),
        renderLatency(run.outputs.shardMap as ShardMap | undefined),
        renderEngineChoice(engineChoice),
        [
            "Cost lines per shard, each with its quantity, unit price and the price's region, " +
                "date and confidence",
            ...cost.shards.map(renderShardLines),
        ].join("\n"),
        renderCostTable(cost),
        renderLevers(stackCostInput(plan, run, maxMonthlyUsd), cost, dataSizeWarnings(plan)),
    ];
    return { code, text: [decision, ...detail.map((part) => wrap(part, width))].join("\n\n") };
}

/** The shard a resource belongs to, at any depth below its RegionalShard, by URN. */
export function shardOfUrn(
    resources: readonly RecordedResource[],
): (urn: string) => string | undefined {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    return (urn) => {
        for (let r = byUrn.get(urn); r; r = byUrn.get(r.parent)) {
            if (r.type === shardType) {
                return r.name;
            }
        }
        return undefined;
    };
}

/** One shard on each engine: what it costs a month, against its failover time and data at risk. */
export interface EngineChoice {
    readonly shard: string;
    readonly options: readonly {
        readonly label: string;
        /** Instances, storage and I/O, backups and proxy: the part the engine decides. */
        readonly databaseUsd: number;
        readonly shardUsd: number;
        /** Whether the figure leaves out unpriced items. */
        readonly incomplete: boolean;
        readonly failover: string;
        readonly committedWritesAtRisk: string;
        readonly current: boolean;
    }[];
    /** Which option costs least, or why the comparison cannot decide. */
    readonly verdict: string;
}

function engineChoiceOf(plan: Plan, run: ProgramRun): EngineChoice[] {
    return plan.shards.map((shard) => {
        const compared = compareEngines(shardCostInput(shard, plan, run));
        return {
            shard: shard.name,
            verdict: engineVerdict(compared).text,
            options: compared.map((option) => {
                const budget = failoverBudget(option.engine, shard.names.ttlSeconds, shard.proxy);
                return {
                    label: option.label,
                    databaseUsd: option.databaseUsd,
                    shardUsd: option.cost.monthlyUsd,
                    incomplete: option.cost.unpriced.length > 0,
                    failover: budget.typical,
                    committedWritesAtRisk: budget.committedWritesAtRisk.split(":")[0],
                    current:
                        option.engine === shard.engine &&
                        (option.engine === "postgres" || option.storageType === shard.storageType),
                };
            }),
        };
    });
}

/**
 * Each shard on each engine, in a table that fits 100 columns: the engine's failover and
 * committed writes at risk are the same for every shard, so they are said once, under it.
 */
function renderEngineChoice(choices: readonly EngineChoice[]): string {
    const rows = choices.flatMap((choice) =>
        choice.options.map((o) => [
            choice.shard,
            `${o.label}${o.current ? " (planned)" : ""}`,
            `${usd(o.databaseUsd)}${o.incomplete ? "*" : ""}`,
            `${usd(o.shardUsd)}${o.incomplete ? "*" : ""}`,
        ]),
    );
    const engines = new Map<string, string>();
    for (const o of choices.flatMap((choice) => choice.options)) {
        engines.set(
            o.label,
            `${o.failover} without writes, committed writes lost: ${o.committedWritesAtRisk}`,
        );
    }
    return [
        "Engine choice per shard, USD a month (database: instances, storage and I/O, backups, " +
            "proxy; * leaves out unpriced items)",
        table(["shard", "engine", "database", "shard"], rows, "  "),
        ...choices.map((choice) => `  ${choice.shard}: ${choice.verdict}`),
        "Writer failover on each engine (AWS)",
        ...[...engines].map(([label, budget]) => `  ${label}: ${budget}`),
    ].join("\n");
}

/** The policy verdict: its first line names the policy config in force, then each violation. */
export function renderPolicy(report: PolicyReport, policyConfig: string = noPolicyConfig): string {
    const mandatory = report.violations.filter((v) => v.enforcementLevel === "mandatory").length;
    const lines = [
        `Policy verdict under ${policyConfig}: ${mandatory ? "FAIL" : "pass"}`,
        `  pack geoshard, ${plural(report.policies, "policy", "policies")} over ` +
            `${plural(report.resources, "resource")}: ${plural(report.violations.length, "violation")} ` +
            `(${mandatory} mandatory)` +
            (report.skipped.length
                ? `, ${plural(report.skipped.length, "check")} left to preview (unknown values)`
                : ""),
    ];
    for (const v of report.violations) {
        lines.push(`  [${v.enforcementLevel}] ${v.policy}  ${v.resource}: ${v.message}`);
    }
    return lines.join("\n");
}

if (require.main === module) {
    // The exit code is set, not forced: `process.exit` would drop what stdout still holds for a
    // pipe (64 KiB at a time), cutting a large plan short. Node exits once the streams drain.
    planCommand(process.argv.slice(2), undefined, undefined, undefined, undefined, {
        width: outputWidth(process.stdout),
        screenWidth: screenWidth(process.stdout),
    }).then((code) => {
        process.exitCode = code;
    });
}

/**
 * Where a shard's credentials are replicated (region and key), and every route by which its
 * state changes reach a topic: RDS event subscriptions, home and recovery, and the warehouse's
 * rule on CDC replication states.
 */
export function credentialsAndEventRoutes(shard: ShardSummary): string[] {
    const { replicas } = shard.credentials;
    return [
        `  secret    ${shard.credentials.secret}, replicated to ` +
            (replicas.map((r) => `${r.region} (${r.key} key)`).join(", ") || "no other region"),
        ...shard.eventRoutes.map(
            (route, i) =>
                `  ${i === 0 ? "routes   " : "         "} ${route.region} ${route.source}: ` +
                `${route.events.join(", ")} -> ${route.topic}`,
        ),
    ];
}

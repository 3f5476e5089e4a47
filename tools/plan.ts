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
import * as pulumi from "@pulumi/pulumi";
import { describeBudget, describeRegionLoss, failoverBudget } from "../components/failoverBudget";
import { compareEngines, renderCostTable, renderShardLines } from "../pricing";
import { usd } from "../pricing/format";
import { planCost, shardCostInput } from "./planCost";
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
import { instanceItem, lookupPrice, priceSheet } from "../pricing/catalog";
import {
    ProgramError,
    ProgramRun,
    realisticZones,
    RecordedResource,
    runProgram,
} from "./mockRuntime";
import { PlanUsageError, stackFixtures, takeStackDir } from "./planSources";
import { readStackConfig } from "./stackConfig";

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

export function renderPlan(plan: Plan): string {
    const lines: string[] = [];
    lines.push(`geoshard offline plan: stack ${plan.stack}, environment ${plan.environment}`);
    lines.push(
        `Resources as \`pulumi up\` would declare them, from the Pulumi mock runtime; no cloud calls.`,
    );
    const regions = [
        ...new Set(
            plan.shards.flatMap((s) => [s.region, ...(s.recovery ? [s.recovery.region] : [])]),
        ),
    ];
    lines.push(
        `AZs assumed as a new account sees them (the real run looks them up): ` +
            regions
                .map(
                    (r) =>
                        `${r} ${(realisticZones[r] ?? ["a", "b", "c"].map((s) => r + s)).length}`,
                )
                .join(", "),
    );
    for (const shard of plan.shards) {
        lines.push("");
        lines.push(`Shard ${shard.name}  ${shard.region}  cities: ${shard.cities.join(", ")}`);
        lines.push(
            `  network   VPC ${shard.vpcCidr ?? "(existing)"}; private subnets ` +
                (shard.subnets.map((s) => `${s.availabilityZone} ${s.cidr}`).join(", ") ||
                    "(existing)"),
        );
        lines.push(
            `  access    PostgreSQL 5432 from ${shard.allowedCidrs.join(", ")} only; TLS required`,
        );
        lines.push(
            `  engine    ${shard.engine} ${shard.engineVersion}, storage ${shard.storage}, ` +
                `backups ${shard.backupRetentionDays} d` +
                (shard.clusterCacheManagement === undefined
                    ? ""
                    : shard.clusterCacheManagement
                      ? ", the standby's cache kept warm"
                      : ", no cluster cache management (unsupported in a global database)") +
                (shard.proxy ? ", RDS Proxy in front of the writer" : ""),
        );
        lines.push(...describeShardSettings(shard));
        lines.push(
            table(
                ["role", "identifier", "class", "AZ", "tier", "protect", "deletion protection"],
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
        );
        const { names } = shard;
        lines.push(`  writer    ${names.writer} (TTL ${names.ttlSeconds} s) -> ${shard.writes}`);
        lines.push(`  reader    ${names.reader} -> ${shard.reads}`);
        lines.push(`  failover  ${describeBudget(shard.failoverBudget)}`);
        if (shard.failoverBudget.proxy) {
            lines.push(`            ${shard.failoverBudget.proxy}`);
        }
        if (shard.cdc) {
            const c = shard.cdc;
            lines.push(
                `  cdc       ${shard.region} -> DMS Serverless ${c.replication} in ${c.region} (over peering, TLS) ` +
                    `-> Kinesis ${c.stream} -> Firehose -> s3://${c.bucket}/${c.prefix}`,
            );
            lines.push(
                `            excluded: ${[...c.excludedTables, ...c.excludedColumns].join(", ") || "nothing"}`,
            );
        }
        lines.push(`  alarms    ${shard.alarms.length}: ${shard.alarms.join(", ")}`);
        lines.push(
            `  events    ${shard.events.map((e) => `${e.sourceType} ${e.categories.join(", ")}`).join("; ")} -> the alarm topic`,
        );
        const recovery = shard.recovery;
        lines.push(
            recovery
                ? `  recovery  ${recovery.region}: ${
                      recovery.instances
                          .map(
                              (db) =>
                                  `${db.identifier} ${db.instanceClass} ${db.availabilityZone}` +
                                  (db.promotionTier === undefined
                                      ? ""
                                      : ` tier ${db.promotionTier}`),
                          )
                          .join(", ") || "headless secondary (storage only)"
                  }; alarms ${recovery.alarms.join(", ")}`
                : "  recovery  none: the shard lives in its home region only",
        );
        if (recovery) {
            lines.push(`  region    ${describeRegionLoss(recovery.budget)}`);
        }
        lines.push(`  resources ${shard.resourceCount}`);
    }

    lines.push("");
    const byType = new Map<string, number>();
    for (const r of plan.resources) {
        byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
    }
    lines.push(`Total: ${plan.resources.length} resources`);
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
                    `${Object.keys(entry.direct).length} direct instance endpoints`,
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
    "usage: npm run plan -- --stack NAME [--dir DIR] [--json] [--out FILE] [--policy-pack-config FILE]";

/** What the command line asks of the plan. */
export interface PlanArgs {
    readonly stack: string;
    readonly json: boolean;
    /** Write the plan to this file instead of stdout. */
    readonly out?: string;
    /** Policy config, as `pulumi preview --policy-pack-config` takes it. */
    readonly policyPackConfig?: string;
}

/** The flags the plan takes, and whether each takes a value. */
const planFlags: Readonly<Record<string, "value" | "switch">> = {
    "--stack": "value",
    "--json": "switch",
    "--out": "value",
    "--policy-pack-config": "value",
};
const flagAliases: Readonly<Record<string, string>> = { "-s": "--stack" };

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
    return {
        stack,
        json: values["--json"] === true,
        ...(option("--out") ? { out: option("--out") } : {}),
        ...(option("--policy-pack-config")
            ? { policyPackConfig: option("--policy-pack-config") }
            : {}),
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

/** The plan command: prints to `out` and `err`, returns the exit code. */
export async function planCommand(
    argv: readonly string[],
    out: (text: string) => void = console.log,
    err: (text: string) => void = console.error,
    root?: string,
    env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<number> {
    let args: PlanArgs;
    let config: Record<string, string>;
    let policyConfig: PolicyConfig = {};
    let dir: string;
    try {
        const located = takeStackDir(argv, root);
        dir = located.dir;
        args = parseArgs(located.argv, env);
        config = readStackConfig(args.stack, root, dir);
        if (args.policyPackConfig) {
            policyConfig = readPolicyConfig(args.policyPackConfig);
        }
    } catch (error) {
        err(`plan: ${(error as Error).message}\n${planUsage}`);
        return 2;
    }
    let run: ProgramRun;
    try {
        run = await runProgram(config, {
            stack: args.stack,
            fixtures: await stackFixtures(config, dir, root),
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
    const { code, text } = reportPlan(
        args.stack,
        run,
        args.json,
        maxMonthlyUsdOf(config),
        policyConfig,
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
            `plan: stack ${args.stack} violates mandatory policies; pulumi preview --policy-pack would fail`,
        );
    }
    return code;
}

/** A policy config file, checked against the pack. */
function readPolicyConfig(file: string): PolicyConfig {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        throw new Error(`cannot read --policy-pack-config ${file}: ${(error as Error).message}`);
    }
    return parsePolicyConfig(text, policies, file);
}

/** The stack's monthly budget, from its validated config (the program accepted it already). */
function maxMonthlyUsdOf(config: Record<string, string>): number | undefined {
    const raw = config["geoshard:maxMonthlyUsd"];
    return raw === undefined ? undefined : Number(raw);
}

/** The plan and its policy report, as text or JSON, with the exit code CI gates on. */
export function reportPlan(
    stack: string,
    run: ProgramRun,
    json: boolean,
    maxMonthlyUsd?: number,
    policyConfig: PolicyConfig = {},
): { code: number; text: string } {
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
        },
    });
    const engineChoice = engineChoiceOf(plan);
    const text = json
        ? JSON.stringify({ ...plan, policy, cost, engineChoice }, null, 2)
        : [
              renderPlan(plan),
              renderPolicy(policy),
              renderEngineChoice(engineChoice),
              [
                  "Cost lines per shard, each with its quantity, unit price and the price's region, date and confidence",
                  ...cost.shards.map(renderShardLines),
              ].join("\n"),
              renderCostTable(cost),
          ].join("\n\n");
    return { code: hasMandatoryViolation(policy) ? 1 : 0, text };
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
}

function engineChoiceOf(plan: Plan): EngineChoice[] {
    return plan.shards.map((shard) => ({
        shard: shard.name,
        options: compareEngines(shardCostInput(shard, plan)).map((option) => {
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
    }));
}

function renderEngineChoice(choices: readonly EngineChoice[]): string {
    const rows = choices.flatMap((choice) =>
        choice.options.map((o) => [
            choice.shard,
            `${o.label}${o.current ? " (planned)" : ""}`,
            `${usd(o.databaseUsd)}${o.incomplete ? "*" : ""}`,
            `${usd(o.shardUsd)}${o.incomplete ? "*" : ""}`,
            o.failover,
            o.committedWritesAtRisk,
        ]),
    );
    return [
        "Engine choice per shard, USD a month (database: instances, storage and I/O, backups, proxy; * leaves out unpriced items)",
        table(
            [
                "shard",
                "engine",
                "database",
                "shard",
                "writer failover (AWS)",
                "committed writes lost",
            ],
            rows,
            "  ",
        ),
    ].join("\n");
}

export function renderPolicy(report: PolicyReport): string {
    const mandatory = report.violations.filter((v) => v.enforcementLevel === "mandatory").length;
    const lines = [
        `Policy pack geoshard: ${report.policies} policies over ${report.resources} resources: ` +
            `${report.violations.length} violations (${mandatory} mandatory)` +
            (report.skipped.length
                ? `, ${report.skipped.length} checks left to preview (unknown values)`
                : ""),
    ];
    for (const v of report.violations) {
        lines.push(`  [${v.enforcementLevel}] ${v.policy}  ${v.resource}: ${v.message}`);
    }
    return lines.join("\n");
}

if (require.main === module) {
    planCommand(process.argv.slice(2)).then((code) => process.exit(code));
}

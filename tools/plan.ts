/**
 * The offline plan: runs index.ts under the Pulumi mock runtime with a stack's config and prints
 * what `pulumi up` would declare, grouped by shard and role. No cloud, no credentials.
 *
 *   npm run plan -- --stack prod [--json]
 *
 * It then evaluates the policy pack (policies/rules.ts) against what it planned, as
 * `pulumi preview --policy-pack policies` would.
 *
 * Exit codes: 0 planned and compliant; 1 the program refused the config, or a mandatory policy
 * is violated (the messages are printed); 2 usage.
 */

import * as pulumi from "@pulumi/pulumi";
import { failoverBudget, FailoverBudget } from "../components/failover";
import { policies } from "../policies/rules";
import { evaluatePolicies, hasMandatoryViolation, PolicyReport } from "./policyEval";
import {
    ProgramError,
    ProgramRun,
    realisticZones,
    RecordedResource,
    runProgram,
} from "./mockRuntime";
import { readStackConfig } from "./stackConfig";

export interface PlannedInstance {
    readonly role: string;
    readonly name: string;
    readonly identifier: string;
    readonly instanceClass: string;
    readonly availabilityZone: string;
    readonly storageType: string;
    /** GiB at creation; undefined on replicas, which take the master's. */
    readonly allocatedStorageGiB?: number;
    readonly maxAllocatedStorageGiB: number;
    /** "customer key" on the master; "source's key" on replicas, which inherit it. */
    readonly encryption: string;
    readonly backupRetentionDays: number;
    readonly protected: boolean;
}

export interface PlannedShard {
    readonly name: string;
    readonly region: string;
    readonly cities: readonly string[];
    readonly vpcCidr?: string;
    readonly subnets: readonly { availabilityZone: string; cidr: string }[];
    readonly allowedCidrs: readonly string[];
    readonly instances: readonly PlannedInstance[];
    readonly dns: PlannedDns;
    readonly cdc?: PlannedCdc;
    readonly failoverBudget: FailoverBudget;
    /** Alarm names by what they watch, e.g. `master-writable`, `replica-1-replica-lag`. */
    readonly alarms: readonly string[];
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

export interface PlannedDns {
    readonly writer: { name: string; ttl: number; primary: string; secondary: string };
    readonly reader: { name: string; targets: readonly string[] };
}

/** The writer pair and reader set of a shard, targets shown as instance identifiers. */
function plannedDns(
    records: readonly RecordedResource[],
    children: readonly RecordedResource[],
): PlannedDns {
    const identifiers = new Set(
        children
            .filter((r) => r.type === "aws:rds/instance:Instance")
            .map((db) => db.inputs.identifier as string),
    );
    // Record targets are instance host names: `<identifier>.<id>.<region>.rds.amazonaws.com`.
    const target = (record: RecordedResource) => {
        const host: string = record.inputs.records[0];
        const identifier = host.split(".")[0];
        return identifiers.has(identifier) ? identifier : host;
    };
    const one = (suffix: string) => records.find((r) => r.name.endsWith(suffix))!;
    const primary = one("-writer-primary");
    const readers = records.filter((r) => r.inputs.name.startsWith("reader."));
    return {
        writer: {
            name: primary.inputs.name,
            ttl: primary.inputs.ttl,
            primary: target(primary),
            secondary: target(one("-writer-secondary")),
        },
        reader: {
            name: readers[0].inputs.name,
            targets: readers.filter((r) => r.inputs.setIdentifier !== undefined).map(target),
        },
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
        shards: Record<string, { region: string; cities: string[] }>;
    };
    const shards = run.resources
        .filter((r) => r.type === shardType)
        .map((component): PlannedShard => {
            const children = run.resources.filter((r) => shardOf(r) === component.name);
            const ofType = (type: string) => children.filter((r) => r.type === type);
            const vpc = ofType("aws:ec2/vpc:Vpc")[0];
            return {
                name: component.name,
                region: shardMap.shards[component.name].region,
                cities: shardMap.shards[component.name].cities,
                vpcCidr: vpc?.inputs.cidrBlock,
                subnets: ofType("aws:ec2/subnet:Subnet").map((s) => ({
                    availabilityZone: s.inputs.availabilityZone,
                    cidr: s.inputs.cidrBlock,
                })),
                allowedCidrs: ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
                    .map((rule) => rule.inputs.cidrIpv4)
                    .filter((cidr) => cidr !== undefined),
                dns: plannedDns(ofType("aws:route53/record:Record"), children),
                cdc: plannedCdc(children),
                instances: ofType("aws:rds/instance:Instance").map((db) => ({
                    role: db.inputs.tags.role,
                    name: db.name,
                    identifier: db.inputs.identifier,
                    instanceClass: db.inputs.instanceClass,
                    availabilityZone: db.inputs.availabilityZone,
                    storageType: db.inputs.storageType,
                    allocatedStorageGiB: db.inputs.allocatedStorage,
                    maxAllocatedStorageGiB: db.inputs.maxAllocatedStorage,
                    encryption: db.inputs.replicateSourceDb
                        ? "source's key"
                        : db.inputs.storageEncrypted && db.inputs.kmsKeyId
                          ? "customer key"
                          : "NONE",
                    backupRetentionDays: db.inputs.backupRetentionPeriod ?? 0,
                    protected: db.protect,
                })),
                failoverBudget: failoverBudget(
                    ofType("aws:route53/record:Record").find((r) =>
                        r.name.endsWith("-writer-primary"),
                    )!.inputs.ttl,
                ),
                alarms: ofType("aws:cloudwatch/metricAlarm:MetricAlarm").map((a) =>
                    a.name.slice(component.name.length + 1),
                ),
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

export function renderPlan(plan: Plan): string {
    const lines: string[] = [];
    lines.push(`geoshard offline plan: stack ${plan.stack}, environment ${plan.environment}`);
    lines.push(
        `Resources as \`pulumi up\` would declare them, from the Pulumi mock runtime; no cloud calls.`,
    );
    const regions = [...new Set(plan.shards.map((s) => s.region))];
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
            table(
                [
                    "role",
                    "identifier",
                    "class",
                    "AZ",
                    "storage GiB",
                    "encryption",
                    "backups",
                    "protect",
                ],
                shard.instances.map((db) => [
                    db.role,
                    db.identifier,
                    db.instanceClass,
                    db.availabilityZone,
                    `${db.storageType} ${db.allocatedStorageGiB ?? "(source)"} -> ${db.maxAllocatedStorageGiB}`,
                    db.encryption,
                    db.backupRetentionDays ? `${db.backupRetentionDays} d` : "-",
                    db.protected ? "yes" : "no",
                ]),
                "  ",
            ),
        );
        const { writer, reader } = shard.dns;
        lines.push(
            `  writer    ${writer.name} (TTL ${writer.ttl} s): PRIMARY ${writer.primary} ` +
                `while the master takes writes and has not failed over; SECONDARY ${writer.secondary}`,
        );
        lines.push(
            `  reader    ${reader.name}: ` +
                (reader.targets.length > 0
                    ? `weighted over ${reader.targets.join(", ")}, each out while its lag alarm fires`
                    : `the writer (no read replicas)`),
        );
        const b = shard.failoverBudget;
        lines.push(
            `  failover  detection ${b.detectionSeconds.min}-${b.detectionSeconds.max} s + confirmation ` +
                `${b.confirmationSeconds} s + promotion ${b.promotionSeconds} s (assumed) + DNS TTL ` +
                `${b.dnsSeconds} s = ${b.totalSeconds.min}-${b.totalSeconds.max} s without writes ` +
                `(reference: 30 s; see docs/runbooks/failover.md)`,
        );
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
              shards: Record<string, { writer: string; readers: string[] }>;
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
                `  shardMap.shards.${name}  writer ${entry.writer}, ${entry.readers.length} readers`,
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

function parseArgs(argv: readonly string[]): { stack: string; json: boolean } {
    let stack: string | undefined;
    let json = false;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--stack" || argv[i] === "-s") {
            stack = argv[++i];
        } else if (argv[i] === "--json") {
            json = true;
        } else {
            throw new Error(`unknown argument "${argv[i]}"`);
        }
    }
    if (!stack) {
        throw new Error("missing --stack NAME");
    }
    return { stack, json };
}

/** The plan command: prints to `out` and `err`, returns the exit code. */
export async function planCommand(
    argv: readonly string[],
    out: (text: string) => void = console.log,
    err: (text: string) => void = console.error,
    root?: string,
): Promise<number> {
    let args: { stack: string; json: boolean };
    let config: Record<string, string>;
    try {
        args = parseArgs(argv);
        config = readStackConfig(args.stack, root);
    } catch (error) {
        err(`plan: ${(error as Error).message}\nusage: npm run plan -- --stack NAME [--json]`);
        return 2;
    }
    let run: ProgramRun;
    try {
        run = await runProgram(config, { stack: args.stack });
    } catch (error) {
        const cause = error instanceof ProgramError ? error.cause : error;
        const message = pulumi.RunError.isInstance(cause)
            ? cause.message
            : String((cause as Error).stack ?? cause);
        err(`plan: stack ${args.stack} would not deploy:\n${message}`);
        return 1;
    }
    const { code, text } = reportPlan(args.stack, run, args.json);
    out(text);
    if (code !== 0) {
        err(
            `plan: stack ${args.stack} violates mandatory policies; pulumi preview --policy-pack would fail`,
        );
    }
    return code;
}

/** The plan and its policy report, as text or JSON, with the exit code CI gates on. */
export function reportPlan(
    stack: string,
    run: ProgramRun,
    json: boolean,
): { code: number; text: string } {
    const plan = buildPlan(stack, run);
    const policy = evaluatePolicies(run.resources, policies);
    const text = json
        ? JSON.stringify({ ...plan, policy }, null, 2)
        : `${renderPlan(plan)}\n\n${renderPolicy(policy)}`;
    return { code: hasMandatoryViolation(policy) ? 1 : 0, text };
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

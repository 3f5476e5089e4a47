/**
 * The monthly cost of a stack, per shard and component, from list prices and usage
 * assumptions. Pure functions over plain data: the caller describes the stack, nothing here
 * reads config or resources.
 *
 * Every line carries its quantity, its unit price with the price's date and source, and its
 * USD a month. A thing without a price is an unpriced line: listed, never counted as zero, and
 * named in the total.
 */

import { checkBudget, checkComplete } from "./budget";
import {
    AuroraStorageType,
    Engine,
    InstanceBilling,
    instanceItem,
    ItemRef,
    items,
    lookupPrice,
    Price,
    priceSheet,
    services,
} from "./catalog";
import { cents, quantity as fmt } from "./format";
import {
    firehoseRecordMinimumBytes,
    kinesisIncludedRetentionHours,
    MonthlyUsage,
    monthlyUsage,
    UsageAssumptions,
    usageAssumptions,
    validateUsage,
} from "./usage";

export const shardComponents = [
    "instances",
    "storage-and-io",
    "backups",
    "proxy",
    "recovery",
    "cdc",
    "monitoring-and-dns",
] as const;
export type ShardComponent = (typeof shardComponents)[number];

export const stackComponents = ["warehouse", "zone"] as const;
export type StackComponent = (typeof stackComponents)[number];
export type Component = ShardComponent | StackComponent;

/**
 * Aurora Standard (`aurora`) is the default storage configuration: at the reference's load it
 * costs less than I/O-Optimized, whose higher instance and storage rates pay only once I/O
 * charges pass about a quarter of the Aurora bill.
 *
 * One us-east-1 shard at the defaults of `usageAssumptions` (writer and standby db.r6g.8xlarge,
 * two db.r6g.4xlarge readers, 1,000 GB, 730 h):
 *   I/O:            1,000 writes/s x 1 + 9,000 reads/s x 5 pages x 1% misses = 1,450 I/O/s
 *                   x 2,628,000 s = 3,810.6 million x $0.20 = $762.12
 *   Standard:       instances (2 x 4.153 + 2 x 2.076) x 730 = $9,094.34
 *                   + storage 1,000 x $0.10 = $100.00 + I/O $762.12 = $9,956.46
 *                   I/O is 7.7% of it, well under 25%.
 *   I/O-Optimized:  instances (2 x 5.399 + 2 x 2.699) x 730 = $11,823.08
 *                   + storage 1,000 x $0.225 = $225.00 = $12,048.08
 *   Standard saves $2,091.62 a month per shard. I/O-Optimized would pay only past $2,853.74
 *   of I/O a month (14,268.7 million I/Os, 5,429 I/O/s), 3.7 times the assumed rate.
 * `auroraStorageTierNumbers` (engines.ts) recomputes these figures; a test holds them to this
 * comment.
 */
export const defaultAuroraStorageType: AuroraStorageType = "aurora";

/** One database instance. */
export interface InstanceInput {
    /** What it does, shown on its line: `writer`, `standby`, `reader` (Aurora); `master`, `replica` (RDS). */
    readonly role: string;
    readonly instanceClass: string;
    /**
     * RDS only: a Multi-AZ DB instance. One Multi-AZ price covers the primary and its standby;
     * its storage is billed twice. @default false
     */
    readonly multiAz?: boolean;
}

/** The copy of a shard in another region (Aurora Global Database secondary, or RDS replica). */
export interface RecoveryInput {
    readonly region: string;
    /** Aurora: the secondary cluster's instances, none for a headless (storage-only) secondary. RDS: the cross-region read replicas, at least one. */
    readonly instances: readonly { readonly instanceClass: string }[];
    /**
     * The network path declared between the home and the recovery VPC: VPC peering connections
     * (free in themselves; AWS bills the data crossing regions per GB) and Transit Gateway
     * attachments (billed per attachment-hour and per GB processed).
     * @default - none declared
     */
    readonly networkPath?: {
        readonly peeringConnections: number;
        readonly transitGatewayAttachments: number;
    };
    /**
     * Replicas of the shard's secrets in the recovery region (other than the warehouse's, which
     * CDC prices); Secrets Manager bills each replica as a secret. @default 0
     */
    readonly secretReplicas?: number;
}

export interface ShardCostInput {
    readonly name: string;
    readonly region: string;
    readonly engine: Engine;
    /** Aurora only. @default Aurora Standard (see `defaultAuroraStorageType`) */
    readonly storageType?: AuroraStorageType;
    /** Aurora: the cluster's instances. RDS: the master (`multiAz: true`) and its read replicas. */
    readonly instances: readonly InstanceInput[];
    /** @default the usage assumption, 1,000 GiB */
    readonly storageGiB?: number;
    /** Days of automated backups; 0 turns them off. */
    readonly backupRetentionDays: number;
    /** RDS Proxy in front of the writer. */
    readonly proxy: boolean;
    /** A copy in a recovery region; none without it. */
    readonly recovery?: RecoveryInput;
    /**
     * CDC into the warehouse; none without it. `multiAz`: the DMS Serverless replication runs
     * Multi-AZ (`computeConfig.multiAz`), billed at the Multi-AZ DCU rate. @default Single-AZ
     */
    readonly cdc?: { readonly warehouseRegion: string; readonly multiAz?: boolean };
    /** CloudWatch alarms of the shard. */
    readonly alarms: number;
    /** Route 53 health checks (CloudWatch-alarm based) of the shard. */
    readonly healthChecks: number;
    /** Overrides of `usageAssumptions` for this shard. */
    readonly usage?: Partial<UsageAssumptions>;
}

export interface StackCostInput {
    readonly shards: readonly ShardCostInput[];
    /** The warehouse, where this stack declares it (a shards stack's is its global stack's). */
    readonly warehouse?: { readonly region: string; readonly redshift: boolean };
    /** Route 53 hosted zones (the stack's one private zone). */
    readonly zones: number;
    /** The budget; with it the estimate carries a finding when it exceeds the budget. */
    readonly maxMonthlyUsd?: number;
}

/** What kind of charge a line is, for summaries that regroup lines (the cost document). */
export type LineKind =
    "instance" | "storage" | "io" | "backup" | "proxy" | "transfer" | "service" | "fixed";

export interface CostLine {
    readonly kind: LineKind;
    /** The instance's role, on instance lines. */
    readonly role?: string;
    /** The instance's class, on instance lines. */
    readonly instanceClass?: string;
    readonly description: string;
    /** Where it is billed. */
    readonly region: string;
    /** In the price's unit (e.g. millions of requests); absent for usage the model does not size. */
    readonly quantity?: number;
    readonly quantityUnit: string;
    readonly price?: Price;
    /** quantity x price, rounded to cents; absent when the line is unpriced. */
    readonly monthlyUsd?: number;
    /** Why the line has no price. */
    readonly unpriced?: string;
}

export interface ComponentCost {
    readonly component: Component;
    /** False when the shard has none of it (no proxy, no recovery copy, no CDC). */
    readonly configured: boolean;
    readonly lines: readonly CostLine[];
    /** The sum of the priced lines. */
    readonly monthlyUsd: number;
    /** True when a line is unpriced: the sum leaves it out. */
    readonly incomplete: boolean;
}

/** A thing the total leaves out. */
export interface UnpricedItem {
    /** The shard's name, or `stack` for stack-wide components. */
    readonly scope: string;
    readonly component: Component;
    readonly kind: LineKind;
    /** The class, when the item is an instance's hours. */
    readonly instanceClass?: string;
    /**
     * An instance-hour, storage, I/O or backup line of the database or its recovery copy: without
     * it the estimate is incomplete, not merely short of a small item.
     */
    readonly essential: boolean;
    readonly description: string;
    readonly region: string;
    readonly reason: string;
}

export interface ShardCost {
    readonly name: string;
    readonly region: string;
    readonly engine: Engine;
    readonly storageType?: AuroraStorageType;
    readonly components: readonly ComponentCost[];
    /** The sum of every priced line. */
    readonly monthlyUsd: number;
    readonly unpriced: readonly UnpricedItem[];
    /** Problems a reader must see, e.g. an instance class without a price. */
    readonly messages: readonly string[];
    readonly usage: UsageAssumptions;
}

export interface StackCost {
    readonly shards: readonly ShardCost[];
    readonly stackWide: readonly ComponentCost[];
    /** The sum of every priced line; `unpriced` says what it leaves out. */
    readonly monthlyUsd: number;
    readonly unpriced: readonly UnpricedItem[];
    readonly messages: readonly string[];
    readonly maxMonthlyUsd?: number;
    /** Set when the estimate exceeds `maxMonthlyUsd`. */
    readonly budgetFinding?: string;
    /**
     * The essential items the total leaves out (see `isEssential`): while there is one, the total
     * is a floor, not an estimate.
     */
    readonly incomplete: readonly UnpricedItem[];
    /** Set, with a budget, while the estimate is incomplete: it cannot show the stack within it. */
    readonly incompleteFinding?: string;
}

/** The kinds of line a database bill cannot do without. */
export const essentialKinds: readonly LineKind[] = ["instance", "storage", "io", "backup"];

/** The components whose essential lines are the database's own: the shard and its recovery copy. */
export const databaseBillComponents: readonly Component[] = [
    "instances",
    "storage-and-io",
    "backups",
    "recovery",
];

/**
 * Whether a line of this kind in this component is essential: an instance-hour, storage, I/O or
 * backup line of the database or its recovery copy. CDC's S3 and the lake are not.
 */
export function isEssential(component: Component, kind: LineKind): boolean {
    return databaseBillComponents.includes(component) && essentialKinds.includes(kind);
}

const noPriceInSheet = "the price sheet has no price for it";

/** A charge at the sheet's price for an item in a region. */
function charge(
    kind: LineKind,
    ref: ItemRef,
    region: string,
    description: string,
    amount: number,
    quantityUnit: string,
    extra: {
        role?: string;
        instanceClass?: string;
        substitute?: { ref: ItemRef; reason: string };
    } = {},
): CostLine {
    let price = lookupPrice(ref.service, ref.item, region);
    const substitute = extra.substitute;
    if (!price && substitute) {
        const stand = lookupPrice(substitute.ref.service, substitute.ref.item, region);
        price = stand && { ...stand, substituteFor: `${ref.item}: ${substitute.reason}` };
    }
    const base = {
        kind,
        ...(extra.role ? { role: extra.role } : {}),
        ...(extra.instanceClass ? { instanceClass: extra.instanceClass } : {}),
        description,
        region,
    };
    if (price) {
        return {
            ...base,
            quantity: amount,
            quantityUnit,
            price,
            monthlyUsd: cents(amount * price.usd),
        };
    }
    if (amount === 0) {
        return { ...base, quantity: 0, quantityUnit, monthlyUsd: 0 };
    }
    return {
        ...base,
        quantity: amount,
        quantityUnit,
        unpriced: `no "${ref.item}" price for the region`,
    };
}

/** A charge the model names but neither sizes nor prices. */
function unpricedUsage(
    kind: LineKind,
    description: string,
    region: string,
    quantityUnit: string,
    reason = noPriceInSheet,
): CostLine {
    return { kind, description, region, quantityUnit, unpriced: reason };
}

function component(name: Component, lines: CostLine[], configured = true): ComponentCost {
    return {
        component: name,
        configured,
        lines,
        monthlyUsd: cents(lines.reduce((sum, l) => sum + (l.monthlyUsd ?? 0), 0)),
        incomplete: lines.some((l) => l.unpriced !== undefined),
    };
}

/** vCPUs of a class by EC2's size scheme: large 2, xlarge 4, Nxlarge 4N. */
export function classVcpus(instanceClass: string): number | undefined {
    const size = /^db\.[a-z0-9-]+\.([a-z0-9]+)$/.exec(instanceClass)?.[1];
    if (size === "large") {
        return 2;
    }
    if (size === "xlarge") {
        return 4;
    }
    const n = /^(\d+)xlarge$/.exec(size ?? "")?.[1];
    return n ? 4 * Number(n) : undefined;
}

const billingLabel: Record<InstanceBilling, string> = {
    aurora: "Aurora Standard",
    "aurora-iopt1": "Aurora I/O-Optimized",
    "single-az": "RDS Single-AZ",
    "multi-az": "RDS Multi-AZ",
};

/** The classes the sheet prices one way in a region, for messages. */
function classesPriced(billing: InstanceBilling, region: string): string[] {
    const service =
        billing === "aurora" || billing === "aurora-iopt1" ? services.aurora : services.rds;
    const classes = new Set(
        priceSheet.prices
            .filter((p) => p.service === service)
            .map((p) => /\b(db\.[a-z0-9]+\.[a-z0-9]+)\b/.exec(p.item)?.[1] ?? ""),
    );
    return [...classes].filter((c) => {
        const ref = instanceItem(c, billing);
        return c !== "" && lookupPrice(ref.service, ref.item, region) !== undefined;
    });
}

/** Instance-hour lines, and a message for each class the sheet does not price. */
function instanceLines(
    instances: readonly InstanceInput[],
    billingOf: (i: InstanceInput) => InstanceBilling,
    region: string,
    engine: Engine,
    hours: number,
    messages: string[],
    describe: (i: InstanceInput) => string,
): CostLine[] {
    return instances.map((instance) => {
        const billing = billingOf(instance);
        const line = charge(
            "instance",
            instanceItem(instance.instanceClass, billing),
            region,
            describe(instance),
            hours,
            "instance-hours",
            { role: instance.role, instanceClass: instance.instanceClass },
        );
        if (line.unpriced) {
            const priced = classesPriced(billing, region);
            messages.push(
                `No price for ${instance.instanceClass} (${instance.role}) on ${engine}, ` +
                    `${billingLabel[billing]}, in ${region}: it is left out of the total. ` +
                    (priced.length > 0
                        ? `The price data has ${priced.join(", ")} there.`
                        : `The price data has no ${billingLabel[billing]} class there.`),
            );
        }
        return line;
    });
}

/** Every problem with a shard's input, each naming the value. */
export function validateShardCostInput(shard: ShardCostInput): string[] {
    const problems: string[] = [];
    const integer = (field: string, value: number, min: number, max = Infinity) => {
        if (!Number.isInteger(value) || value < min || value > max) {
            problems.push(
                `${field} must be an integer from ${min}${max < Infinity ? ` to ${max}` : ""} (it is ${value})`,
            );
        }
    };
    if (shard.instances.length === 0) {
        problems.push("instances must name at least the writer");
    }
    if (shard.engine === "aurora-postgresql") {
        if (shard.instances.some((i) => i.multiAz)) {
            problems.push(
                "multiAz is for the postgres engine; an Aurora cluster spans AZs with its instances",
            );
        }
    } else if (shard.engine === "postgres") {
        if (shard.storageType !== undefined) {
            problems.push(
                `storageType ${shard.storageType} is for aurora-postgresql; postgres uses gp3`,
            );
        }
        if (shard.recovery && shard.recovery.instances.length === 0) {
            problems.push(
                "a postgres recovery copy is a cross-region read replica: give it an instance",
            );
        }
    } else {
        problems.push(
            `engine must be aurora-postgresql or postgres (it is ${String(shard.engine)})`,
        );
    }
    if (shard.storageGiB !== undefined && !(shard.storageGiB > 0)) {
        problems.push(`storageGiB must be above 0 (it is ${shard.storageGiB})`);
    }
    integer("backupRetentionDays", shard.backupRetentionDays, 0, 35);
    integer("alarms", shard.alarms, 0);
    integer("healthChecks", shard.healthChecks, 0);
    if (shard.recovery?.region === shard.region) {
        problems.push(`recovery.region must differ from the shard's region ${shard.region}`);
    }
    problems.push(...validateUsage({ ...usageAssumptions, ...shard.usage }));
    return problems;
}

/** The monthly cost of one shard. Throws on an input that cannot describe a shard. */
export function estimateShard(shard: ShardCostInput): ShardCost {
    const problems = validateShardCostInput(shard);
    if (problems.length > 0) {
        throw new Error(`shard ${shard.name}: ${problems.join("; ")}`);
    }
    const usage: UsageAssumptions = { ...usageAssumptions, ...shard.usage };
    const monthly = monthlyUsage(usage);
    const storageGiB = shard.storageGiB ?? usage.storageGiB;
    const messages: string[] = [];
    const aurora = shard.engine === "aurora-postgresql";
    const tier = aurora ? (shard.storageType ?? defaultAuroraStorageType) : undefined;
    const ctx: Context = { shard, usage, monthly, storageGiB, tier, messages };

    const components = [
        component("instances", instancesOf(ctx)),
        component("storage-and-io", storageOf(ctx)),
        component("backups", backupsOf(ctx)),
        component("proxy", shard.proxy ? proxyOf(ctx) : [], shard.proxy),
        component(
            "recovery",
            shard.recovery ? recoveryOf(ctx, shard.recovery) : [],
            !!shard.recovery,
        ),
        component("cdc", shard.cdc ? cdcOf(ctx, shard.cdc) : [], !!shard.cdc),
        component("monitoring-and-dns", monitoringOf(ctx)),
    ];
    return {
        name: shard.name,
        region: shard.region,
        engine: shard.engine,
        ...(tier ? { storageType: tier } : {}),
        components,
        monthlyUsd: cents(components.reduce((sum, c) => sum + c.monthlyUsd, 0)),
        unpriced: unpricedOf(shard.name, components),
        messages,
        usage,
    };
}

interface Context {
    readonly shard: ShardCostInput;
    readonly usage: UsageAssumptions;
    readonly monthly: MonthlyUsage;
    readonly storageGiB: number;
    readonly tier?: AuroraStorageType;
    readonly messages: string[];
}

function instancesOf({ shard, usage, tier, messages }: Context): CostLine[] {
    return instanceLines(
        shard.instances,
        (i) => tier ?? (i.multiAz ? "multi-az" : "single-az"),
        shard.region,
        shard.engine,
        usage.hoursPerMonth,
        messages,
        (i) =>
            `${i.role} ${i.instanceClass}` +
            (tier
                ? ` (${billingLabel[tier]})`
                : i.multiAz
                  ? " Multi-AZ (primary + standby)"
                  : " Single-AZ"),
    );
}

/** gp3 in a region without a gp3 price: RDS has charged gp2 and gp3 alike per GB wherever both are known. */
const gp2ForGp3 = {
    ref: items.gp2,
    reason: "the gp2 rate; RDS has charged gp2 and gp3 the same per GB in every region where both are known",
};

function storageOf({ shard, monthly, storageGiB, tier }: Context): CostLine[] {
    if (tier) {
        const lines = [
            charge(
                "storage",
                tier === "aurora" ? items.auroraStorage : items.auroraIoOptimizedStorage,
                shard.region,
                `cluster volume ${fmt(storageGiB)} GB (${billingLabel[tier]})`,
                storageGiB,
                "GB-months",
            ),
        ];
        if (tier === "aurora") {
            lines.push(
                charge(
                    "io",
                    items.auroraIo,
                    shard.region,
                    `I/O requests, ${fmt(monthly.auroraIoMillions / (monthly.secondsPerMonth / 1e6), 1)}/s`,
                    monthly.auroraIoMillions,
                    "million requests",
                ),
            );
        }
        return lines;
    }
    // Each RDS instance has its own copy; a Multi-AZ instance's standby has another.
    return shard.instances.map((i) =>
        charge(
            "storage",
            items.gp3,
            shard.region,
            `${i.role} gp3 ${fmt(storageGiB)} GB${i.multiAz ? " x 2 (Multi-AZ standby copy)" : ""}`,
            storageGiB * (i.multiAz ? 2 : 1),
            "GB-months",
            { substitute: gp2ForGp3 },
        ),
    );
}

/**
 * Backup storage beyond the free allowance. Backups hold a full copy of the data plus what
 * changes during the retention period; AWS keeps backup storage up to 100% of the database
 * storage free (Aurora: of the cluster volume; RDS: of the region's total database storage,
 * replicas included). So billed = max(0, data + days x daily change - allowance).
 */
function backupsOf({ shard, monthly, storageGiB, tier }: Context): CostLine[] {
    const days = shard.backupRetentionDays;
    const kept = days === 0 ? 0 : storageGiB + days * monthly.changedGBPerDay;
    const allowance = tier ? storageGiB : storageGiB * shard.instances.length;
    const billed = Math.max(0, kept - allowance);
    return [
        charge(
            "backup",
            tier ? items.auroraBackup : items.rdsBackup,
            shard.region,
            days === 0
                ? "no automated backups"
                : `${days} d x ${fmt(monthly.changedGBPerDay, 1)} GB/day changed beyond the ${fmt(allowance)} GB free allowance`,
            billed,
            "GB-months",
        ),
    ];
}

/**
 * RDS Proxy bills the vCPUs of the databases it fronts, at least 2: every instance of an Aurora
 * cluster, the master of RDS (its Multi-AZ standby is not a target).
 */
function proxyOf({ shard, usage, tier }: Context): CostLine[] {
    const targets = tier ? shard.instances : [writerOf(shard.instances)];
    const vcpus = targets.map((i) => classVcpus(i.instanceClass));
    const description = `proxy over ${targets.map((t) => t.instanceClass).join(" + ")}`;
    if (vcpus.some((v) => v === undefined)) {
        return [
            unpricedUsage(
                "proxy",
                description,
                shard.region,
                "vCPU-hours",
                "vCPUs of the class unknown",
            ),
        ];
    }
    const total = Math.max(
        2,
        vcpus.reduce((sum: number, v) => sum + v!, 0),
    );
    return [
        charge(
            "proxy",
            items.proxy,
            shard.region,
            `${description} (${total} vCPUs)`,
            total * usage.hoursPerMonth,
            "vCPU-hours",
        ),
    ];
}

/** The instance that takes writes: the Multi-AZ one, the `writer` or `master`, else the first. */
export function writerOf(instances: readonly InstanceInput[]): InstanceInput {
    return (
        instances.find((i) => i.multiAz) ??
        instances.find((i) => i.role === "writer" || i.role === "master") ??
        instances[0]
    );
}

function recoveryOf(ctx: Context, recovery: RecoveryInput): CostLine[] {
    const { shard, usage, monthly, storageGiB, tier, messages } = ctx;
    const instances = recovery.instances.map((i, n) => ({
        role: tier ? `secondary-${n + 1}` : `replica-${n + 1}`,
        instanceClass: i.instanceClass,
    }));
    const lines = instanceLines(
        instances,
        () => tier ?? "single-az",
        recovery.region,
        shard.engine,
        usage.hoursPerMonth,
        messages,
        (i) => `${tier ? "secondary" : "cross-region replica"} ${i.instanceClass}`,
    );
    if (tier) {
        lines.push(
            charge(
                "storage",
                tier === "aurora" ? items.auroraStorage : items.auroraIoOptimizedStorage,
                recovery.region,
                `secondary cluster volume ${fmt(storageGiB)} GB${instances.length === 0 ? " (headless)" : ""}`,
                storageGiB,
                "GB-months",
            ),
        );
        // A global database bills each write I/O replicated from the primary into a secondary
        // region, on both storage configurations, in the secondary's region
        // (https://aws.amazon.com/rds/aurora/pricing/, "Global Database").
        lines.push(
            charge(
                "io",
                items.globalWrites,
                recovery.region,
                "replicated write I/Os into the secondary",
                (usage.writesPerSecond * usage.writeIosPerWrite * monthly.secondsPerMonth) / 1e6,
                "million requests",
            ),
        );
    } else {
        lines.push(
            ...instances.map((i) =>
                charge(
                    "storage",
                    items.gp3,
                    recovery.region,
                    `${i.role} gp3 ${fmt(storageGiB)} GB`,
                    storageGiB,
                    "GB-months",
                    {
                        substitute: gp2ForGp3,
                    },
                ),
            ),
        );
    }
    lines.push(
        charge(
            "transfer",
            items.interRegion,
            shard.region,
            `WAL ${shard.region} -> ${recovery.region}`,
            monthly.changedGBPerMonth,
            "GB",
        ),
        charge(
            "fixed",
            items.kmsKey,
            recovery.region,
            "customer key in the recovery region",
            1,
            "key-months",
        ),
    );
    if (recovery.secretReplicas) {
        lines.push(
            charge(
                "fixed",
                items.secret,
                recovery.region,
                `${recovery.secretReplicas} secret replica${recovery.secretReplicas === 1 ? "" : "s"} in the recovery region`,
                recovery.secretReplicas,
                "secret-months",
            ),
        );
    }
    lines.push(...networkPathOf(ctx, recovery));
    return lines;
}

/**
 * The declared path between the home and the recovery VPC. A peering connection costs nothing
 * by the hour; the data that crosses it leaves the home region at its inter-region rate
 * (https://aws.amazon.com/ec2/pricing/on-demand/, "Data Transfer within the AWS region"; the
 * same rate as any inter-region transfer). A Transit Gateway bills each attachment by the hour
 * and each GB it processes; the price sheet has neither.
 */
function networkPathOf({ shard, usage }: Context, recovery: RecoveryInput): CostLine[] {
    const path = recovery.networkPath;
    if (!path) {
        return [];
    }
    const lines: CostLine[] = [];
    if (path.peeringConnections > 0) {
        lines.push(
            charge(
                "transfer",
                items.interRegion,
                shard.region,
                `${fmt(usage.recoveryPathGBPerMonth)} GB a month over ${path.peeringConnections} peering connection${path.peeringConnections === 1 ? "" : "s"} ${shard.region} <-> ${recovery.region}`,
                usage.recoveryPathGBPerMonth,
                "GB",
            ),
        );
    }
    if (path.transitGatewayAttachments > 0) {
        lines.push(
            unpricedUsage(
                "transfer",
                `${path.transitGatewayAttachments} Transit Gateway attachments, ${fmt(usage.recoveryPathGBPerMonth)} GB a month`,
                shard.region,
                "attachment-hours",
                "the price sheet has no Transit Gateway price",
            ),
        );
    }
    return lines;
}

function cdcOf(
    { shard, usage, monthly }: Context,
    cdc: NonNullable<ShardCostInput["cdc"]>,
): CostLine[] {
    const warehouse = cdc.warehouseRegion;
    const gb = monthly.cdcGBPerMonth;
    const gbPerDay = (gb * 24) / usage.hoursPerMonth;
    const firehoseBilledGB =
        (monthly.cdcRecordMillions *
            1e6 *
            Math.max(usage.cdcRecordBytes, firehoseRecordMinimumBytes)) /
        1e9;
    const objectsThousands =
        (usage.cdcTables * (3600 / usage.firehoseBufferSeconds) * usage.hoursPerMonth) / 1000;
    const retainedGBMonths =
        (gb * Math.max(0, usage.streamRetentionHours - kinesisIncludedRetentionHours)) /
        usage.hoursPerMonth;
    const lines = [
        charge(
            "service",
            cdc.multiAz ? items.dmsMultiAz : items.dms,
            warehouse,
            `DMS Serverless${cdc.multiAz ? " Multi-AZ" : ""}, ${fmt(usage.dmsCapacityUnits)} DCUs on average`,
            usage.dmsCapacityUnits * usage.hoursPerMonth,
            "DCU-hours",
        ),
        shard.region === warehouse
            ? charge(
                  "transfer",
                  items.crossAz,
                  shard.region,
                  "changes to DMS across AZs, billed on both sides (none if in one AZ)",
                  2 * gb,
                  "GB",
              )
            : charge(
                  "transfer",
                  items.interRegion,
                  shard.region,
                  `changes ${shard.region} -> ${warehouse}`,
                  gb,
                  "GB",
              ),
        charge(
            "service",
            items.kinesisStreamHour,
            warehouse,
            "Kinesis on-demand stream",
            usage.hoursPerMonth,
            "stream-hours",
        ),
        charge("service", items.kinesisIngested, warehouse, "Kinesis data in", gb, "GB"),
        charge(
            "service",
            items.kinesisRetrieved,
            warehouse,
            "Kinesis data read by Firehose",
            gb,
            "GB",
        ),
        charge(
            "service",
            items.kinesisRetention,
            warehouse,
            `Kinesis retention ${usage.streamRetentionHours} h beyond the included 24 h`,
            retainedGBMonths,
            "GB-months",
        ),
        charge(
            "service",
            items.firehoseIngestion,
            warehouse,
            `Firehose ingestion, each record billed as at least ${firehoseRecordMinimumBytes / 1000} KB`,
            firehoseBilledGB,
            "GB",
        ),
        charge(
            "service",
            items.firehosePartitioning,
            warehouse,
            "Firehose dynamic partitioning",
            gb,
            "GB",
        ),
        charge(
            "service",
            items.firehoseObjects,
            warehouse,
            `Firehose objects: ${usage.cdcTables} tables x a flush every ${usage.firehoseBufferSeconds} s`,
            objectsThousands,
            "thousand objects",
        ),
        charge(
            "service",
            items.firehoseJq,
            warehouse,
            "Firehose JQ partition-key extraction",
            usage.firehoseJqHoursPerMonth,
            "JQ hours",
        ),
        charge(
            "storage",
            items.s3Storage,
            warehouse,
            `S3 Standard: ${usage.lakeStandardDays} days of changes, uncompressed`,
            gbPerDay * usage.lakeStandardDays,
            "GB-months",
        ),
        charge(
            "service",
            items.s3Puts,
            warehouse,
            "S3 PUTs of the delivered objects",
            objectsThousands,
            "thousand requests",
        ),
    ];
    if (shard.region !== warehouse) {
        lines.push(
            charge(
                "fixed",
                items.secret,
                warehouse,
                "credentials secret replica for DMS",
                1,
                "secret-months",
            ),
        );
    }
    return lines;
}

function monitoringOf({ shard }: Context): CostLine[] {
    const region = shard.region;
    return [
        charge(
            "fixed",
            items.alarm,
            region,
            `${shard.alarms} CloudWatch alarms`,
            shard.alarms,
            "alarm-months",
        ),
        charge(
            "fixed",
            items.alarmHealthCheck,
            region,
            `${shard.healthChecks} Route 53 health checks on alarms`,
            shard.healthChecks,
            "health check-months",
        ),
        charge("fixed", items.kmsKey, region, "customer key", 1, "key-months"),
        charge("fixed", items.secret, region, "credentials secret", 1, "secret-months"),
        unpricedUsage(
            "service",
            "CloudWatch Logs: exported PostgreSQL logs, Enhanced Monitoring",
            region,
            "GB",
        ),
        unpricedUsage("service", "Performance Insights", region, "vCPU-months"),
        unpricedUsage("service", "SNS alarm notifications", region, "notifications"),
    ];
}

/** Interface endpoints the warehouse keeps for DMS: kinesis-streams and secretsmanager. */
const warehouseInterfaceEndpoints = 2;

function warehouseOf(warehouse: NonNullable<StackCostInput["warehouse"]>): ComponentCost {
    const region = warehouse.region;
    const lines = [
        charge("fixed", items.kmsKey, region, "warehouse customer key", 1, "key-months"),
        unpricedUsage(
            "fixed",
            `${warehouseInterfaceEndpoints} VPC interface endpoints`,
            region,
            "endpoint-hours",
        ),
        unpricedUsage("service", "Glue crawler, hourly", region, "DPU-hours"),
        unpricedUsage("service", "Athena queries", region, "TB scanned"),
        unpricedUsage(
            "storage",
            "lake data after 30 days (Standard-IA, then Glacier Instant Retrieval)",
            region,
            "GB-months",
        ),
    ];
    if (warehouse.redshift) {
        lines.push(unpricedUsage("service", "Redshift Serverless", region, "RPU-hours"));
    }
    return component("warehouse", lines);
}

function zoneOf(zones: number): ComponentCost {
    return component("zone", [
        charge(
            "fixed",
            items.privateZone,
            "global",
            `${zones} private hosted zone${zones === 1 ? "" : "s"}`,
            zones,
            "zone-months",
        ),
        unpricedUsage("service", "DNS queries", "global", "million queries"),
    ]);
}

function unpricedOf(scope: string, components: readonly ComponentCost[]): UnpricedItem[] {
    return components.flatMap((c) =>
        c.lines
            .filter((l) => l.unpriced !== undefined)
            .map((l) => ({
                scope,
                component: c.component,
                kind: l.kind,
                ...(l.instanceClass ? { instanceClass: l.instanceClass } : {}),
                essential: isEssential(c.component, l.kind),
                description: l.description,
                region: l.region,
                reason: l.unpriced!,
            })),
    );
}

/** The monthly cost of a stack: its shards, the warehouse and the zone. */
export function estimateStack(input: StackCostInput): StackCost {
    const shards = input.shards.map(estimateShard);
    const stackWide = [
        ...(input.warehouse ? [warehouseOf(input.warehouse)] : []),
        zoneOf(input.zones),
    ];
    const monthlyUsd = cents(
        shards.reduce((sum, s) => sum + s.monthlyUsd, 0) +
            stackWide.reduce((sum, c) => sum + c.monthlyUsd, 0),
    );
    const unpriced = [...shards.flatMap((s) => s.unpriced), ...unpricedOf("stack", stackWide)];
    const incomplete = unpriced.filter((u) => u.essential);
    const finding =
        input.maxMonthlyUsd === undefined
            ? undefined
            : checkBudget(monthlyUsd, input.maxMonthlyUsd, unpriced.map(describeUnpriced));
    const incompleteFinding =
        input.maxMonthlyUsd === undefined
            ? undefined
            : checkComplete(monthlyUsd, input.maxMonthlyUsd, incomplete.map(describeUnpriced));
    return {
        shards,
        stackWide,
        monthlyUsd,
        unpriced,
        messages: shards.flatMap((s) => s.messages.map((m) => `${s.name}: ${m}`)),
        ...(input.maxMonthlyUsd === undefined ? {} : { maxMonthlyUsd: input.maxMonthlyUsd }),
        ...(finding ? { budgetFinding: finding } : {}),
        incomplete,
        ...(incompleteFinding ? { incompleteFinding } : {}),
    };
}

export function describeUnpriced(u: UnpricedItem): string {
    return `${u.scope} ${u.component}: ${u.description} (${u.region}): ${u.reason}`;
}

/** Every distinct price an estimate uses. */
export function pricesUsed(cost: StackCost | ShardCost): Price[] {
    const components =
        "shards" in cost
            ? [...cost.shards.flatMap((s) => s.components), ...cost.stackWide]
            : cost.components;
    const byKey = new Map<string, Price>();
    for (const line of components.flatMap((c) => c.lines)) {
        if (line.price) {
            byKey.set(`${line.price.service}|${line.price.item}|${line.price.region}`, line.price);
        }
    }
    return [...byKey.values()];
}

/**
 * The computed sections of docs/cost.md. Each sits between `<!-- cost:NAME -->` and
 * `<!-- /cost:NAME -->`; a test fails when one differs from what the model computes now.
 *
 *     npx ts-node --transpile-only pricing/costDoc.ts --write   # rewrite the sections in place
 */

import { readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { items, lookupPrice, priceSheet } from "./catalog";
import {
    auroraStorageTierNumbers,
    compareEngines,
    databaseComponents,
    engineVerdict,
} from "./engines";
import {
    CostLine,
    estimateShard,
    estimateStack,
    pricesUsed,
    ShardCostInput,
    StackCost,
    StackCostInput,
} from "./estimate";
import { oneSizeDown, reservedComparison } from "./levers";
import { cents, quantity, usd } from "./format";
import { devStackCostInput, prodStackCostInput, referenceShard } from "./prodStack";
import { componentCell, costHeadline, renderCostTable, unpricedLines } from "./render";
import { monthlyUsage, usageAssumptions, UsageAssumptions } from "./usage";

/** The reference's "Database Costs" section, USD a month. */
export const referenceCosts = {
    shards: 4,
    perShard: { master: 3000, replicas: 2 * 1500, standby: 3000 },
    storage: 5000,
    backups: 3000,
    transfer: 2000,
    total: 46000,
} as const;

/** The reference's database sizes per shard, in TB (its "Sharding Example with Numbers" table). */
export const referenceSizesTB: Record<string, number> = {
    "us-east": 120,
    "us-west": 80,
    europe: 100,
    asia: 100,
};

/** Failover time and committed writes at risk per engine, as AWS states them. */
export const failoverFigures = {
    aurora: {
        failover: "typically under 60 s, often under 30 s",
        atRisk: "none (the new writer reads the same volume)",
    },
    rds: { failover: "60 to 120 s", atRisk: "none (synchronous standby)" },
} as const;

/** The prod estimate the document shows, with the reference's total as the budget. */
export function prodCost(): StackCost {
    return estimateStack({ ...prodStackCostInput(), maxMonthlyUsd: referenceCosts.total });
}

const star = (incomplete: boolean) => (incomplete ? "*" : "");

interface Sum {
    usd: number;
    incomplete: boolean;
    /** False when no line has a price. */
    priced?: boolean;
}

function sum(lines: readonly CostLine[]): Sum {
    return {
        usd: cents(lines.reduce((s, l) => s + (l.monthlyUsd ?? 0), 0)),
        incomplete: lines.some((l) => l.unpriced !== undefined),
        priced: lines.some((l) => l.monthlyUsd !== undefined),
    };
}

const cell = (s: Sum) => (s.priced === false ? "unpriced" : `${usd(s.usd)}${star(s.incomplete)}`);

function table(header: string[], rows: string[][]): string {
    const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
    return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

function prodTable(cost: StackCost): string {
    return ["```text", renderCostTable(cost), "```"].join("\n");
}

/** The price of an item in us-east-1, where the reference prices its example shard. */
function usEast1(ref: { service: string; item: string }): number {
    return lookupPrice(ref.service, ref.item, "us-east-1")!.usd;
}

/**
 * The reference's four lines, each beside what AWS charges for that item today and what the
 * prod stack's estimate has for it.
 */
function referenceComparison(cost: StackCost): string {
    const lines = cost.shards.flatMap((s) =>
        s.components.flatMap((c) => c.lines.map((l) => ({ component: c.component, line: l }))),
    );
    const pick = (test: (c: string, l: CostLine) => boolean) =>
        sum(lines.filter((x) => test(x.component, x.line)).map((x) => x.line));
    const n = referenceCosts.shards;
    const reference = estimateShard(referenceShard("us-east", "us-east-1"));
    const refInstances = reference.components.find((c) => c.component === "instances")!;
    const storagePrice = usEast1(items.auroraStorage);
    const backupPrice = usEast1(items.auroraBackup);
    const crossAz = usEast1(items.crossAz);
    const tb600 = 600 * 1000 * storagePrice;
    const tableTB = Object.values(referenceSizesTB).reduce((a, b) => a + b, 0);
    const u = cost.shards[0].usage;
    const rows: [string, string, string, Sum, string][] = [
        [
            "instances",
            `4 x $9,000 = ${usd(n * 9000)}`,
            `${usd(cents(n * refInstances.monthlyUsd))}: the same four classes per shard at us-east-1's Aurora Standard prices, ${usd(refInstances.monthlyUsd)} a shard`,
            pick((c, l) => c === "instances" && l.kind === "instance"),
            "Each shard at its own region's price; us-west-1, eu-west-2 and ap-southeast-1 charge 10-21% more. The standby is billed as a full instance.",
        ],
        [
            "storage",
            `$5,000, "600 TB x $0.10/GB", which is itself ${usd(tb600)}`,
            `${usd(tb600)} for 600 TB at $${storagePrice.toFixed(2)}/GB-month (Aurora Standard, us-east-1); ${usd(tableTB * 1000 * storagePrice)} for the ${tableTB} TB its own shard table adds up to`,
            pick((c, l) => c === "storage-and-io" && l.kind === "storage"),
            `The stack holds ${quantity(u.storageGiB)} GiB a shard, the master spec's "1 TB SSD"; set \`storageGiB\` per shard to price the table's sizes (see below).`,
        ],
        [
            "backups",
            "$3,000, no basis stated",
            `$${backupPrice}/GB-month beyond the free allowance (Aurora, us-east-1): $3,000 buys ${quantity(3000 / backupPrice, 0)} GB-months beyond the volume`,
            pick((c) => c === "backups"),
            "AWS keeps backups up to the volume's size free; only 14 days of changes beyond it are billed.",
        ],
        [
            "transfer",
            '$2,000, "cross-AZ replication"',
            `$0: Aurora replicates its volume across AZs within the storage price (cross-AZ traffic that is billed costs $${crossAz}/GB each way)`,
            pick((c, l) => l.kind === "transfer" && c !== "recovery"),
            "What is billed is CDC leaving each shard's region for the warehouse, and crossing AZs in us-east-1.",
        ],
    ];
    return table(
        [
            "reference line",
            "the reference",
            "that item at today's prices",
            "geoshard prod",
            "why they differ",
        ],
        rows.map(([name, ref, today, ours, why]) => [name, ref, today, cell(ours), why]),
    );
}

/** What the stack adds beyond the reference's four lines. */
function additions(cost: StackCost): string {
    const lines = cost.shards.flatMap((s) =>
        s.components.flatMap((c) => c.lines.map((l) => ({ component: c.component, line: l }))),
    );
    const pick = (test: (c: string, l: CostLine) => boolean) =>
        sum(lines.filter((x) => test(x.component, x.line)).map((x) => x.line));
    const warehouse = cost.stackWide.find((c) => c.component === "warehouse")!;
    const zone = cost.stackWide.find((c) => c.component === "zone")!;
    const rows: [string, Sum, string][] = [
        [
            "Aurora I/O",
            pick((c, l) => c === "storage-and-io" && l.kind === "io"),
            "Aurora Standard bills every I/O against the volume; the reference has no such line.",
        ],
        [
            "recovery copies",
            pick((c) => c === "recovery"),
            "A Global Database secondary of one db.r6g.8xlarge per shard in its recovery region, its volume, the replicated writes and WAL shipped to it, and its key. The reference promises a 5-minute multi-region failover and prices no second region.",
        ],
        [
            "CDC path",
            pick((c) => c === "cdc"),
            "DMS Serverless, Kinesis, Firehose and S3 per shard, and the changes leaving each region.",
        ],
        [
            "monitoring, keys, secrets",
            pick((c) => c === "monitoring-and-dns"),
            "Alarms, health checks, each shard's customer key and credentials secret.",
        ],
        [
            "warehouse and zone",
            sum([...warehouse.lines, ...zone.lines]),
            "The warehouse key and the private hosted zone; endpoints, Glue, Athena and queries are unpriced.",
        ],
    ];
    return table(
        ["beyond the reference", "geoshard prod", "what it is"],
        rows.map(([name, ours, why]) => [name, cell(ours), why]),
    );
}

/** Prod with a change applied to every shard. */
function prodWith(change: (s: ShardCostInput) => ShardCostInput): StackCostInput {
    const input = prodStackCostInput();
    return { ...input, shards: input.shards.map(change) };
}

const smallerRecovery = (s: ShardCostInput): ShardCostInput => ({
    ...s,
    recovery: {
        ...s.recovery!,
        instances: s.recovery!.instances.map((i) => ({
            instanceClass: oneSizeDown(i.instanceClass) ?? i.instanceClass,
        })),
    },
});

const headlessRecovery = (s: ShardCostInput): ShardCostInput => ({
    ...s,
    recovery: { ...s.recovery!, instances: [] },
});

/**
 * Why prod is where it is and which levers bring it toward $46,000: each step's monthly figure,
 * with what it trades. Reserved rates apply only where the sheet has them.
 */
function levers(): string {
    const reserved = (cost: StackCost) => {
        const r = reservedComparison(cost);
        return cents(cost.monthlyUsd - (r.onDemandUsd - r.reservedUsd));
    };
    const today = estimateStack(prodStackCostInput());
    const smaller = estimateStack(prodWith(smallerRecovery));
    const headless = estimateStack(prodWith(headlessRecovery));
    const figure = (usdAmount: number, c: StackCost) =>
        `${usd(usdAmount)}${star(c.incomplete.length > 0)}`;
    const versus = (usdAmount: number) =>
        `${usdAmount > referenceCosts.total ? "+" : ""}${usd(cents(usdAmount - referenceCosts.total))}`;
    const r = reservedComparison(today);
    const rows: [string, string, number, StackCost][] = [
        ["prod today", "-", today.monthlyUsd, today],
        [
            "recovery copies one size down (`dr.instanceClass: db.r6g.4xlarge`)",
            "after a region loss the shard serves on 16 vCPUs, half its writer, until scaled up",
            smaller.monthlyUsd,
            smaller,
        ],
        [
            "and 1-year no-upfront reserved instances where the sheet has a rate",
            `a year's commitment; rates exist for us-east-1 r6g only (${r.covered} of ${r.instanceLines} instance lines today)`,
            reserved(smaller),
            smaller,
        ],
        [
            "instead: headless recovery copies (`dr.instances: 0`), reserved as above",
            "after a region loss nothing serves until an instance is added to the secondary (minutes, not one)",
            reserved(headless),
            headless,
        ],
    ];
    return table(
        ["step", "what it trades", "prod a month", "against $46,000"],
        rows.map(([step, trade, amount, c]) => [step, trade, figure(amount, c), versus(amount)]),
    );
}

/** Dev's bill, and its share of prod's. */
function devTable(): string {
    const dev = estimateStack(devStackCostInput());
    const prod = estimateStack(prodStackCostInput());
    return [
        "```text",
        renderCostTable(dev),
        "```",
        "",
        `Dev comes to ${((dev.monthlyUsd / prod.monthlyUsd) * 100).toFixed(0)}% of prod's priced ` +
            `lines ($${usd(dev.monthlyUsd)} against $${usd(prod.monthlyUsd)}): its instances are\n` +
            "small, but each shard keeps prod's CDC path, its assumed load (so the same Aurora I/O)\n" +
            "and a recovery volume with its replicated writes.",
    ].join("\n");
}

/** The first lines of the page: each stack's headline. */
function headlines(cost: StackCost): string {
    const dev = estimateStack(devStackCostInput());
    return ["```text", `prod: ${costHeadline(cost)}`, `dev:  ${costHeadline(dev)}`, "```"].join(
        "\n",
    );
}

function perShardComparison(cost: StackCost): string {
    const ref = referenceCosts.perShard;
    const refShard = ref.master + ref.replicas + ref.standby;
    return table(
        ["shard", "region", "instances", "reference", "whole shard"],
        cost.shards.map((s) => {
            const instances = s.components.find((c) => c.component === "instances")!;
            return [
                s.name,
                s.region,
                componentCell(instances),
                usd(refShard),
                cell({ usd: s.monthlyUsd, incomplete: s.unpriced.length > 0 }),
            ];
        }),
    );
}

function referenceSizes(): string {
    const input = prodStackCostInput();
    const rows = input.shards.map((shard) => {
        const tb = referenceSizesTB[shard.name];
        const cost = estimateShard({ ...shard, storageGiB: tb * 1000 });
        const volume = cost.components
            .find((c) => c.component === "storage-and-io")!
            .lines.filter((l) => l.kind === "storage");
        return [shard.name, shard.region, `${tb} TB`, cell(sum(volume))];
    });
    return table(["shard", "region", "reference size", "Aurora Standard volume a month"], rows);
}

/** Recovery copies the region-loss work may add, priced where the sheet can. */
export const recoveryExamples: readonly {
    shard: string;
    region: string;
    instances: readonly string[];
}[] = [
    { shard: "us-east", region: "us-west-1", instances: ["db.r6g.8xlarge"] },
    { shard: "us-east", region: "us-west-1", instances: [] },
    { shard: "us-west", region: "us-east-1", instances: ["db.r6g.8xlarge"] },
    { shard: "europe", region: "eu-west-1", instances: ["db.r6g.8xlarge"] },
];

function recoveryCopies(): string {
    const shards = prodStackCostInput().shards;
    const rows = recoveryExamples.map((example) => {
        const shard = shards.find((s) => s.name === example.shard)!;
        const recovery = {
            region: example.region,
            instances: example.instances.map((instanceClass) => ({ instanceClass })),
        };
        const cost = estimateShard({ ...shard, recovery });
        const c = cost.components.find((x) => x.component === "recovery")!;
        return [
            example.shard,
            `${shard.region} -> ${example.region}`,
            example.instances.length === 0 ? "none (headless)" : example.instances.join(", "),
            componentCell(c),
            c.lines
                .filter((l) => l.unpriced)
                .map((l) => l.description)
                .join("; ") || "-",
        ];
    });
    return table(["shard", "copy", "secondary instances", "a month", "unpriced"], rows);
}

function engineComparison(): string {
    const verdicts = prodStackCostInput().shards.map(
        (shard) => `- **${shard.name}**: ${engineVerdict(compareEngines(shard)).text}.`,
    );
    const rows = prodStackCostInput().shards.flatMap((shard) =>
        compareEngines(shard).map((option) => {
            const part = (name: string) =>
                componentCell(option.cost.components.find((x) => x.component === name)!);
            const dbIncomplete = option.cost.components.some(
                (c) => databaseComponents.includes(c.component) && c.incomplete,
            );
            const figures =
                option.engine === "postgres" ? failoverFigures.rds : failoverFigures.aurora;
            return [
                shard.name,
                option.label,
                part("instances"),
                part("storage-and-io"),
                part("backups"),
                cell({ usd: option.databaseUsd, incomplete: dbIncomplete }),
                cell({ usd: option.cost.monthlyUsd, incomplete: option.cost.unpriced.length > 0 }),
                figures.failover,
                figures.atRisk,
            ];
        }),
    );
    return (
        table(
            [
                "shard",
                "engine",
                "instances",
                "storage and I/O",
                "backups",
                "database",
                "whole shard",
                "failover (AWS)",
                "committed writes lost",
            ],
            rows,
        ) + ["", "", ...verdicts].join("\n")
    );
}

function storageTier(): string {
    const shard = referenceShard("reference", "us-east-1");
    const t = auroraStorageTierNumbers(shard);
    return table(
        ["figure (one us-east-1 shard, a month)", "value"],
        [
            ["I/O at the reference's load", `${quantity(t.ioPerSecond, 0)} I/Os a second`],
            ["Aurora Standard: instances + storage + I/O", usd(t.standardUsd)],
            ["of which I/O", `${usd(t.ioUsd)} (${(t.ioShare * 100).toFixed(1)}%)`],
            ["Aurora I/O-Optimized: instances + storage", usd(t.ioOptimizedUsd)],
            ["Standard saves", usd(cents(t.ioOptimizedUsd - t.standardUsd))],
            [
                "I/O-Optimized pays past",
                `${usd(t.breakEvenIoUsd)} of I/O, ${quantity(t.breakEvenIoPerSecond, 0)} I/Os a second (${(t.breakEvenIoPerSecond / t.ioPerSecond).toFixed(1)} times the assumed rate)`,
            ],
            [
                "cheaper, and the default",
                t.cheaper === "aurora" ? "Aurora Standard" : "I/O-Optimized",
            ],
        ],
    );
}

const assumptionNotes: Record<keyof UsageAssumptions, string> = {
    hoursPerMonth: "AWS's convention, 8,760 h / 12",
    writesPerSecond: 'reference: "Master: 1K writes/sec"',
    readShare: 'reference: "10K queries/sec, 90% reads"',
    writeIosPerWrite: "Aurora bills WAL writes in 4 KB units; one small write's WAL fits one",
    pagesPerRead: "an index descent and the heap page",
    bufferCacheHitRatio: "assumes the working set fits a reader's 128 GiB",
    storageGiB: "the stack's allocatedStorageGiB; the reference's master has 1 TB",
    changedBytesPerWrite: "WAL a write leaves: backups' daily change, a recovery copy's feed",
    cdcRecordBytes: "one change as a DMS JSON record",
    dmsCapacityUnits: "the stack's minimum DCUs (maximum 16, reached during the full load)",
    streamRetentionHours: "the stack's stream retention",
    cdcTables: "tables that change, one Firehose partition each",
    firehoseBufferSeconds: "the stack's buffering interval",
    firehoseJqHoursPerMonth: "one JQ hour per hour of delivery",
    lakeStandardDays: "the lake moves cdc/ to Standard-IA after 30 days; priced uncompressed",
    recoveryPathGBPerMonth: "checks, operators and reads over a declared home <-> recovery path",
};

function assumptions(): string {
    const u = usageAssumptions;
    const m = monthlyUsage(u);
    const rows = (Object.keys(u) as (keyof UsageAssumptions)[]).map((k) => [
        `\`${k}\``,
        quantity(u[k], 3),
        assumptionNotes[k],
    ]);
    const derived = [
        ["reads a second", quantity(m.readsPerSecond, 0)],
        ["Aurora I/O requests a month", `${quantity(m.auroraIoMillions, 1)} million`],
        ["changed data a day", `${quantity(m.changedGBPerDay, 1)} GB`],
        ["CDC changes a month", `${quantity(m.cdcRecordMillions, 1)} million`],
        ["CDC data a month", `${quantity(m.cdcGBPerMonth, 1)} GB`],
    ];
    return [
        table(["assumption", "default", "basis"], rows),
        "",
        table(["derived, per shard", "value"], derived),
    ].join("\n");
}

function shortSource(source: string): string {
    return source.split(/ \(| -- /)[0];
}

function prices(): string {
    const used = new Map<string, ReturnType<typeof pricesUsed>[number]>();
    const costs = [
        prodCost(),
        ...prodStackCostInput().shards.flatMap((s) => compareEngines(s).map((o) => o.cost)),
    ];
    for (const price of costs.flatMap((c) => pricesUsed(c))) {
        used.set(`${price.item}|${price.region}`, price);
    }
    const sorted = [...used.values()].sort(
        (a, b) => a.item.localeCompare(b.item) || a.region.localeCompare(b.region),
    );
    const sources = [...new Set(sorted.map((p) => shortSource(p.source)))];
    const basis = new Map(priceSheet.prices.map((p) => [`${p.item}|${p.region}`, p.basis]));
    const rows = sorted.map((p) => [
        p.item,
        p.region,
        String(p.usd),
        p.unit,
        p.asOf,
        `${p.confidence}, ${basis.get(`${p.item}|${p.region}`)}`,
        String(sources.indexOf(shortSource(p.source)) + 1),
    ]);
    return [
        table(["item", "region", "USD", "unit", "as of", "confidence, basis", "source"], rows),
        "",
        "Sources:",
        "",
        ...sources.map((s, i) => {
            const firstHand = !sorted.some(
                (p) => shortSource(p.source) === s && p.source.includes("NOT read first-hand"),
            );
            return `${i + 1}. ${s}${firstHand ? "" : " (a transcription by a public document, not read first-hand)"}`;
        }),
    ].join("\n");
}

function unpriced(cost: StackCost): string {
    return ["```text", ...unpricedLines(cost.unpriced).map((l) => l.trim()), "```"].join("\n");
}

/** Every computed section, by name. */
export function costDocSections(): Record<string, string> {
    const cost = prodCost();
    return {
        headline: headlines(cost),
        "prod-table": prodTable(cost),
        "per-shard": perShardComparison(cost),
        reference: referenceComparison(cost),
        additions: additions(cost),
        levers: levers(),
        dev: devTable(),
        "reference-sizes": referenceSizes(),
        engines: engineComparison(),
        recovery: recoveryCopies(),
        "storage-tier": storageTier(),
        assumptions: assumptions(),
        prices: prices(),
        unpriced: unpriced(cost),
    };
}

const section = (name: string) =>
    new RegExp(`<!-- cost:${name} -->\\n([\\s\\S]*?)\\n?<!-- /cost:${name} -->`);

/** The document with every computed section replaced by what the model computes now. */
export function updateCostDoc(text: string, sections = costDocSections()): string {
    let out = text;
    for (const [name, body] of Object.entries(sections)) {
        if (!section(name).test(out)) {
            throw new Error(`docs/cost.md has no <!-- cost:${name} --> section`);
        }
        out = out.replace(
            section(name),
            () => `<!-- cost:${name} -->\n${body}\n<!-- /cost:${name} -->`,
        );
    }
    return out;
}

/** The body of one computed section as the document has it. */
export function docSection(text: string, name: string): string | undefined {
    return section(name).exec(text)?.[1];
}

export const costDocPath = join(__dirname, "..", "docs", "cost.md");

if (require.main === module) {
    const text = readFileSync(costDocPath, "utf8");
    const updated = updateCostDoc(text);
    if (process.argv.includes("--write")) {
        writeFileSync(costDocPath, updated);
    } else if (updated !== text) {
        console.error("docs/cost.md is out of date: run with --write");
        process.exitCode = 1;
    }
}

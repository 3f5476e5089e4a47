/**
 * The computed sections of docs/cost.md. Each sits between `<!-- cost:NAME -->` and
 * `<!-- /cost:NAME -->`; a test fails when one differs from what the model computes now.
 *
 *     npx ts-node --transpile-only pricing/costDoc.ts --write   # rewrite the sections in place
 */

import { readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { priceSheet } from "./catalog";
import { auroraStorageTierNumbers, compareEngines, databaseComponents } from "./engines";
import { CostLine, estimateShard, estimateStack, pricesUsed, StackCost } from "./estimate";
import { cents, quantity, usd } from "./format";
import { prodStackCostInput, referenceShard } from "./prodStack";
import { componentCell, renderCostTable, unpricedLines } from "./render";
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

function referenceComparison(cost: StackCost): string {
    const lines = cost.shards.flatMap((s) =>
        s.components.flatMap((c) => c.lines.map((l) => ({ component: c.component, line: l }))),
    );
    const pick = (test: (c: string, l: CostLine) => boolean) =>
        sum(lines.filter((x) => test(x.component, x.line)).map((x) => x.line));
    const role = (r: string) => pick((_c, l) => l.kind === "instance" && l.role === r);
    const n = referenceCosts.shards;
    const first = cost.shards[0];
    const firstOf = (r: string) =>
        first.components[0].lines.find((l) => l.kind === "instance" && l.role === r)!;
    const writer = firstOf("writer");
    const reader = firstOf("reader");
    const writers = lines.filter((x) => x.line.role === "writer" && x.line.monthlyUsd);
    const dearest = Math.round(
        (Math.max(...writers.map((x) => x.line.monthlyUsd!)) / writer.monthlyUsd! - 1) * 100,
    );
    const warehouse = cost.stackWide.find((c) => c.component === "warehouse")!;
    const zone = cost.stackWide.find((c) => c.component === "zone")!;
    const u = first.usage;
    const m = monthlyUsage(u);
    const rows: [string, number | undefined, Sum, string][] = [
        [
            "master (writer)",
            n * referenceCosts.perShard.master,
            role("writer"),
            `Aurora db.r6g.8xlarge at each region's price: ${usd(writer.monthlyUsd!)} in ${first.region}, close to the reference's $3,000; up to ${dearest}% more elsewhere.`,
        ],
        [
            'standby ("backup database")',
            n * referenceCosts.perShard.standby,
            role("standby"),
            "The same class as the writer, an Aurora replica at promotion tier 0.",
        ],
        [
            "replicas (2 per shard)",
            n * referenceCosts.perShard.replicas,
            role("reader"),
            `db.r6g.4xlarge readers: ${usd(reader.monthlyUsd!)} each in ${first.region} against the reference's $1,500.`,
        ],
        [
            "storage",
            referenceCosts.storage,
            pick((_c, l) => l.kind === "storage" && _c === "storage-and-io"),
            `One Aurora cluster volume per shard, shared by its four instances, sized at the stack's ${quantity(u.storageGiB)} GiB. The reference prices 600 TB at $0.10/GB, which is $60,000, not $5,000; its own table adds up to 400 TB (see below).`,
        ],
        [
            "I/O (not in the reference)",
            undefined,
            pick((_c, l) => l.kind === "io"),
            `Aurora Standard bills I/O: ${quantity(m.auroraIoMillions / (m.secondsPerMonth / 1e6), 0)} I/Os a second at the reference's load (see the assumptions).`,
        ],
        [
            "backups",
            referenceCosts.backups,
            pick((c) => c === "backups"),
            `Only backup storage beyond 100% of the volume is billed: ${first.components.find((c) => c.component === "backups")!.lines[0].description}.`,
        ],
        [
            "transfer",
            referenceCosts.transfer,
            pick((c, l) => l.kind === "transfer" && c !== "recovery"),
            "Replication between AZs is not billed on AWS (Aurora replicates its volume itself). What is billed is CDC leaving each shard's region for the warehouse, and crossing AZs in us-east-1.",
        ],
        [
            "recovery copy (priced by the reference nowhere)",
            undefined,
            pick((c) => c === "recovery"),
            "An Aurora Global Database secondary of one db.r6g.8xlarge per shard in its recovery region, its volume, the WAL shipped to it and its key. The reference promises a 5-minute multi-region failover and prices no second region.",
        ],
        [
            "CDC path (not in the reference)",
            undefined,
            pick((c, l) => c === "cdc" && l.kind !== "transfer"),
            "DMS Serverless, Kinesis, Firehose and S3 per shard, in the warehouse region. Firehose bills each change as at least 5 KB.",
        ],
        [
            "monitoring, keys, secrets (not in the reference)",
            undefined,
            pick((c) => c === "monitoring-and-dns"),
            "Alarms, the shard's customer key and its credentials secret.",
        ],
        [
            "warehouse and zone (not in the reference)",
            undefined,
            sum([...warehouse.lines, ...zone.lines]),
            "Only the warehouse key has a price; endpoints, Glue, Athena and the hosted zone are unpriced.",
        ],
    ];
    const total: Sum = { usd: cost.monthlyUsd, incomplete: cost.unpriced.length > 0 };
    const difference = (ref: number | undefined, ours: Sum) =>
        ref === undefined
            ? `+${usd(ours.usd)}`
            : `${ours.usd >= ref ? "+" : ""}${usd(ours.usd - ref)}`;
    return table(
        ["line", "reference", "geoshard prod", "difference", "why"],
        [
            ...rows.map(([name, ref, ours, why]) => [
                name,
                ref === undefined ? "-" : usd(ref),
                cell(ours),
                difference(ref, ours),
                why,
            ]),
            [
                "**total**",
                `**${usd(referenceCosts.total)}**`,
                `**${cell(total)}**`,
                `**${difference(referenceCosts.total, total)}**`,
                "`*`: leaves out unpriced items, listed below.",
            ],
        ],
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
    return table(
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
        "prod-table": prodTable(cost),
        "per-shard": perShardComparison(cost),
        reference: referenceComparison(cost),
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

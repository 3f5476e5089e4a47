/** Text views of an estimate: the per-shard table, each shard's lines, and the budget finding. */

import { checkBudget } from "./budget";
import {
    ComponentCost,
    CostLine,
    describeUnpriced,
    LineKind,
    pricesUsed,
    ShardComponent,
    shardComponents,
    ShardCost,
    StackCost,
    UnpricedItem,
} from "./estimate";
import { quantity, usd } from "./format";

const columnTitles: Record<ShardComponent, string> = {
    instances: "instances",
    "storage-and-io": "storage+io",
    backups: "backups",
    proxy: "proxy",
    recovery: "recovery",
    cdc: "cdc",
    "monitoring-and-dns": "mon+dns",
};

/**
 * A component's cell: its USD, `*` when it leaves out an unpriced line, `-` when the shard has
 * none of it, `unpriced` when nothing in it has a price.
 */
export function componentCell(c: ComponentCost): string {
    if (!c.configured) {
        return "-";
    }
    if (c.incomplete && c.lines.every((l) => l.monthlyUsd === undefined)) {
        return "unpriced";
    }
    return `${usd(c.monthlyUsd)}${c.incomplete ? "*" : ""}`;
}

function totalCell(monthlyUsd: number, incomplete: boolean): string {
    return `${usd(monthlyUsd)}${incomplete ? "*" : ""}`;
}

/**
 * The estimate as a fixed-width table: a row per shard with a column per component, the
 * stack-wide rows and the total; then what the total leaves out and the dates of the prices.
 */
export function renderCostTable(cost: StackCost): string {
    const header = ["shard", "region", ...shardComponents.map((c) => columnTitles[c]), "total"];
    const rows: string[][] = cost.shards.map((s) => [
        s.name,
        s.region,
        ...s.components.map(componentCell),
        totalCell(s.monthlyUsd, s.unpriced.length > 0),
    ]);
    const blank = shardComponents.map(() => "");
    for (const c of cost.stackWide) {
        const region = [...new Set(c.lines.map((l) => l.region))].join(", ");
        rows.push([c.component, region, ...blank, componentCell(c)]);
    }
    rows.push(["total", "", ...blank, totalCell(cost.monthlyUsd, cost.unpriced.length > 0)]);

    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const format = (cells: string[]) =>
        cells
            .map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
            .join("  ")
            .trimEnd();
    const hours = cost.shards[0]?.usage.hoursPerMonth ?? 730;
    const lines = [
        costHeadline(cost),
        `Estimated monthly cost, USD at on-demand list prices, ${hours} h a month`,
        format(header),
        ...rows.slice(0, cost.shards.length).map(format),
        ...rows.slice(cost.shards.length, -1).map(format),
        format(rows[rows.length - 1]),
    ];
    if (cost.unpriced.length > 0) {
        lines.push(
            `* leaves out ${cost.unpriced.length} unpriced items:`,
            ...unpricedLines(cost.unpriced),
        );
    }
    for (const message of cost.messages) {
        lines.push(`! ${message}`);
    }
    lines.push(`prices as of: ${priceDates(cost)}`, `price age: ${priceAge(cost)}`);
    if (cost.incompleteFinding) {
        lines.push(`budget: ${cost.incompleteFinding}`);
    }
    if (cost.budgetFinding) {
        lines.push(`budget: ${cost.budgetFinding}`);
    } else if (cost.maxMonthlyUsd !== undefined && !cost.incompleteFinding) {
        lines.push(`budget: within $${usd(cost.maxMonthlyUsd)} a month`);
    }
    return lines.join("\n");
}

const kindLabels: Partial<Record<LineKind, string>> = {
    storage: "storage",
    io: "I/O",
    backup: "backup",
};

/**
 * The first line of a bill. While an instance-hour, storage, I/O or backup line is unpriced it
 * says so before any figure, `incomplete: N items unpriced: <region> (<classes and lines>), ...`,
 * and calls the priced sum a floor; otherwise it gives the total and how many minor items it
 * leaves out.
 */
export function costHeadline(cost: StackCost): string {
    const missing = cost.incomplete;
    if (missing.length > 0) {
        const byRegion = new Map<string, Set<string>>();
        for (const u of missing) {
            const what = u.instanceClass ?? kindLabels[u.kind] ?? u.kind;
            byRegion.set(u.region, (byRegion.get(u.region) ?? new Set()).add(what));
        }
        const where = [...byRegion.entries()]
            .map(([region, what]) => `${region} (${[...what].join(", ")})`)
            .join(", ");
        return (
            `incomplete: ${missing.length} item${missing.length === 1 ? "" : "s"} unpriced: ${where}; ` +
            `the priced lines alone come to $${usd(cost.monthlyUsd)} a month, a floor, not an estimate`
        );
    }
    const minor = cost.unpriced.length;
    return (
        `Estimated monthly cost: $${usd(cost.monthlyUsd)} a month, every instance, storage, I/O and ` +
        `backup line priced` +
        (minor > 0 ? `; leaves out ${minor} minor unpriced item${minor === 1 ? "" : "s"} (*)` : "")
    );
}

/** Each shard's total, whether it is complete, and the stack's, for a caller's own layout. */
export function shardTotals(cost: StackCost): {
    readonly name: string;
    readonly region: string;
    readonly monthlyUsd: number;
    /** False while one of its instance-hour, storage, I/O or backup lines is unpriced. */
    readonly complete: boolean;
}[] {
    return cost.shards.map((s) => ({
        name: s.name,
        region: s.region,
        monthlyUsd: s.monthlyUsd,
        complete: !s.unpriced.some((u) => u.essential),
    }));
}

/** The oldest and the newest capture date among the prices an estimate uses. */
export function priceAge(cost: StackCost | ShardCost): string {
    const dates = [...new Set(pricesUsed(cost).map((p) => p.asOf))].sort();
    if (dates.length === 0) {
        return "no prices used";
    }
    return `oldest ${dates[0]}, newest ${dates[dates.length - 1]}`;
}

/** Unpriced items, one line per kind of item with the shards and regions it applies to. */
export function unpricedLines(unpriced: readonly UnpricedItem[]): string[] {
    const groups = new Map<string, UnpricedItem[]>();
    for (const u of unpriced) {
        const key = `${u.component}: ${u.description}: ${u.reason}`;
        groups.set(key, [...(groups.get(key) ?? []), u]);
    }
    return [...groups.entries()].map(([key, list]) => {
        const where = list.map((u) => (u.scope === "stack" ? u.region : `${u.scope} ${u.region}`));
        return `  ${key} [${where.join(", ")}]`;
    });
}

/** The capture dates of the prices an estimate uses, oldest first, with how many carry each. */
export function priceDates(cost: StackCost | ShardCost): string {
    const counts = new Map<string, number>();
    for (const price of pricesUsed(cost)) {
        counts.set(price.asOf, (counts.get(price.asOf) ?? 0) + 1);
    }
    return [...counts.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([date, n]) => `${date} (${n} price${n === 1 ? "" : "s"})`)
        .join(", ");
}

/** One line of an estimate: quantity x unit price = USD, with the price's date and confidence. */
export function renderLine(line: CostLine): string {
    const amount =
        line.quantity === undefined ? "" : `${quantity(line.quantity)} ${line.quantityUnit}`;
    if (!line.price) {
        return line.monthlyUsd === 0
            ? `${line.description}: ${amount} = 0.00`
            : `${line.description}: ${amount}${amount ? ", " : ""}unpriced (${line.unpriced})`;
    }
    const p = line.price;
    return (
        `${line.description}: ${amount} x ${p.usd} ${p.unit} = ${usd(line.monthlyUsd!)}` +
        ` (${p.region}, as of ${p.asOf}, ${p.confidence}${p.substituteFor ? `; stands in for ${p.substituteFor}` : ""})`
    );
}

/** Every line of one shard, grouped by component. */
export function renderShardLines(shard: ShardCost): string {
    const out = [
        `${shard.name} (${shard.region}, ${shard.engine}${shard.storageType ? ` ${shard.storageType}` : ""}): ${totalCell(shard.monthlyUsd, shard.unpriced.length > 0)} a month`,
    ];
    for (const c of shard.components.filter((c) => c.configured)) {
        out.push(
            `  ${c.component}: ${componentCell(c)}`,
            ...c.lines.map((l) => `    ${renderLine(l)}`),
        );
    }
    return out.join("\n");
}

/** The budget finding for an estimate, or undefined when it is within the budget. */
export function budgetFinding(cost: StackCost, maxMonthlyUsd: number): string | undefined {
    return checkBudget(cost.monthlyUsd, maxMonthlyUsd, cost.unpriced.map(describeUnpriced));
}

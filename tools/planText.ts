/**
 * The plan's first screen and its text layout: what a reviewer decides on, one screen of at most
 * 60 lines of 120 columns (per shard its topology, failover and region-loss budgets, monthly cost
 * and what needs attention), and the wrapping of every line to the output's width.
 */

import { latencyRows } from "../components/places/latency";
import { ShardMap } from "../components/shardMap";
import { latencyShardsOf } from "./planLatency";
import { renderCostTable, ShardCost, StackCost } from "../pricing";
import { usd } from "../pricing/format";
import { plural } from "../config/plural";
import { referenceFailoverSeconds, referenceRegionLossMinutes } from "../components/failoverBudget";
import { PolicyReport, Violation } from "./policyEval";
import type { Plan, PlannedShard } from "./plan";

/** The first screen's limits: it fits an 80x24 terminal twice over, and a review pane. */
export const firstScreen = { lines: 60, columns: 120 } as const;

/** The width of the detail when stdout is no terminal (a pipe, a file, a CI log). */
export const defaultWidth = 100;

/** Where the plan prints: a terminal of some width, or not a terminal. */
export interface Stream {
    readonly isTTY?: boolean;
    readonly columns?: number;
}

function terminalColumns(stream: Stream): number | undefined {
    return stream.isTTY && stream.columns && stream.columns > 0 ? stream.columns : undefined;
}

/** The width the detail wraps to: the terminal's when stdout is one, else `defaultWidth`. */
export function outputWidth(stream: Stream): number {
    return terminalColumns(stream) ?? defaultWidth;
}

/** The width of the first screen: `firstScreen.columns`, or the terminal's when narrower. */
export function screenWidth(stream: Stream): number {
    return Math.min(terminalColumns(stream) ?? firstScreen.columns, firstScreen.columns);
}

/**
 * Wraps each line longer than `width` at spaces. A continuation line hangs under the line's
 * text: after a label column (`  failover  ...`, two or more spaces after the first word) or
 * two spaces in from the line's indent. A word longer than the room left is cut, except a URL:
 * one longer than the width stays whole on a line of its own, so it can still be followed.
 */
export function wrap(text: string, width: number): string {
    if (!Number.isFinite(width)) {
        return text;
    }
    return text
        .split("\n")
        .flatMap((line) => wrapLine(line, width))
        .join("\n");
}

function wrapLine(line: string, width: number): string[] {
    if (line.length <= width) {
        return [line];
    }
    const indent = /^ */.exec(line)![0].length;
    const label = /^( *\S+ {2,})\S/.exec(line)?.[1].length;
    const hang = label !== undefined && label <= width / 2 ? label : indent + 2;
    const pad = " ".repeat(Math.min(hang, Math.floor(width / 2)));
    const out: string[] = [];
    let rest = line;
    let prefix = "";
    while (prefix.length + rest.length > width) {
        const room = width - prefix.length;
        const cut = rest.lastIndexOf(" ", room);
        const word = /^\S+/.exec(rest.trimStart())![0];
        // Break at the last space that leaves text on the line; else keep a URL whole, or cut
        // a word too long to fit.
        const at =
            cut > rest.length - rest.trimStart().length
                ? cut
                : /^https?:\/\//.test(word)
                  ? rest.length - rest.trimStart().length + word.length
                  : room;
        if (at >= rest.length) {
            break;
        }
        out.push((prefix + rest.slice(0, at)).trimEnd());
        rest = rest.slice(at).trimStart();
        prefix = pad;
    }
    out.push(prefix + rest);
    return out;
}

/** Shortens a line to `width`, ending it with "..." when it had more. */
function fit(line: string, width: number): string {
    return line.length <= width ? line : `${line.slice(0, width - 3).trimEnd()}...`;
}

/** What the first screen reads besides the plan. */
export interface DecisionInput {
    readonly plan: Plan;
    readonly cost: StackCost;
    readonly policy: PolicyReport;
    /** The shard each violation's resource belongs to, by URN; undefined for stack-wide ones. */
    readonly shardOfUrn: (urn: string) => string | undefined;
    /** The policy config in force, as the verdict names it. */
    readonly policyConfig: string;
    readonly header: readonly string[];
}

/**
 * The first screen: the plan's header, then per shard its topology, budgets, cost and what needs
 * attention, then the stack's cost and the policy outcome in a line each. At most
 * `firstScreen.lines` lines of `columns` (at most `firstScreen.columns`), each wrapped; the
 * detail below says at length what the shard blocks sum up.
 */
export function renderDecision(
    input: DecisionInput,
    columns: number = firstScreen.columns,
): string {
    const { plan, cost, policy } = input;
    const lines: string[] = [
        ...input.header,
        `Budgets against the reference: writer failover ${referenceFailoverSeconds} s, ` +
            `region loss ${referenceRegionLossMinutes} min. The detail follows the policy verdict.`,
    ];
    // Cities whose round-trip floor exceeds their shard's latency target, by shard.
    const overTarget = new Map<string, string[]>();
    const shardMap = plan.outputs.shardMap as ShardMap | undefined;
    if (shardMap && Object.keys(shardMap.shards).length > 0) {
        for (const row of latencyRows(latencyShardsOf(shardMap))) {
            if (row.warning) {
                overTarget.set(row.shard, [...(overTarget.get(row.shard) ?? []), row.city]);
            }
        }
    }
    for (const shard of plan.shards) {
        const shardCost = cost.shards.find((s) => s.name === shard.name);
        const violations = policy.violations.filter((v) => input.shardOfUrn(v.urn) === shard.name);
        lines.push("");
        lines.push(
            `${shard.name}  ${shard.region}  ${shard.cities.join(", ")}` +
                (shardCost ? `  ${costCell(shardCost)} USD a month` : ""),
        );
        lines.push(`  topology   ${topology(shard)}`);
        lines.push(`  failover   ${failoverLine(shard)}`);
        lines.push(`  region     ${regionLossLine(shard)}`);
        lines.push(
            `  attention  ${attention(shard, shardCost, violations, overTarget.get(shard.name) ?? []).join("; ")}`,
        );
    }
    lines.push("");
    lines.push(`cost       ${costHeadline(cost)}`);
    lines.push(
        `           total ${usd(cost.monthlyUsd)}${cost.unpriced.length ? "*" : ""} USD a month` +
            (cost.unpriced.length
                ? `, leaving out ${plural(cost.unpriced.length, "unpriced item")}`
                : "") +
            (cost.budgetFinding
                ? `; over the budget of ${usd(cost.maxMonthlyUsd!)}`
                : cost.maxMonthlyUsd !== undefined
                  ? `; within the budget of ${usd(cost.maxMonthlyUsd)}`
                  : ""),
    );
    lines.push(`policy     ${policyOutcome(policy, input.policyConfig)}; the verdict follows`);
    const wrapped = wrap(lines.join("\n"), columns).split("\n");
    // A stack of many shards keeps its first screen: the lines past it say where the rest is.
    return wrapped.length <= firstScreen.lines
        ? wrapped.join("\n")
        : [
              ...wrapped.slice(0, firstScreen.lines - 1),
              fit(
                  `... ${wrapped.length - firstScreen.lines + 1} more lines: every shard is in the detail below`,
                  columns,
              ),
          ].join("\n");
}

/** A shard's total as the cost table shows it: `*` when it leaves out unpriced items. */
function costCell(shard: ShardCost): string {
    return `${usd(shard.monthlyUsd)}${shard.unpriced.length ? "*" : ""}`;
}

/**
 * The estimate's headline as pricing words it: the first line of its cost table, which says what
 * the figures are and whether the estimate is complete.
 */
export function costHeadline(cost: StackCost): string {
    return renderCostTable(cost).split("\n")[0];
}

/** `aurora-postgresql 17.7: writer + standby db.r6g.8xlarge, 2 readers db.r6g.4xlarge`. */
function topology(shard: PlannedShard): string {
    const byClass = new Map<string, Map<string, number>>();
    for (const db of shard.instances) {
        const roles = byClass.get(db.instanceClass) ?? new Map<string, number>();
        roles.set(db.role, (roles.get(db.role) ?? 0) + 1);
        byClass.set(db.instanceClass, roles);
    }
    const instances = [...byClass].map(
        ([instanceClass, roles]) =>
            [...roles].map(([role, n]) => (n === 1 ? role : plural(n, role))).join(" + ") +
            ` ${instanceClass}`,
    );
    return (
        `${shard.engine} ${shard.engineVersion}: ${instances.join(", ")}` +
        `${shard.proxy ? "; RDS Proxy" : ""}`
    );
}

/**
 * The first clause of a budget's sentence, without its parentheses: what it says before its
 * detail and its source. `stops` are the characters that end the clause.
 */
function clause(text: string, stops: RegExp = /[;,]/): string {
    return text
        .replace(/\s*\([^)]*\)/g, "")
        .split(stops)[0]
        .trim();
}

/** `meets the reference's 30 s often, not always` as `meets 30 s often, not always`. */
function againstReference(text: string): string {
    return clause(text, /[;:]/).replace("the reference's ", "");
}

function failoverLine(shard: PlannedShard): string {
    const budget = shard.failoverBudget;
    return (
        `${budget.typical} + DNS TTL ${budget.dnsTtlSeconds} s` +
        `${shard.proxy ? " (RDS Proxy)" : ""}; writes lost: ` +
        `${budget.committedWritesAtRisk.split(":")[0]}; ${againstReference(budget.againstReference)}`
    );
}

function regionLossLine(shard: PlannedShard): string {
    const budget = shard.recovery?.budget;
    if (!budget) {
        return "no recovery region: losing the home region loses the shard until it is restored";
    }
    // `Aurora secondary, 1 instance` as `1 instance`, `... headless (storage only)` as `headless`.
    const copy = clause(budget.copy.replace(/^Aurora secondary, /, ""));
    return (
        `${budget.recoveryRegion} (${copy}): up to ${budget.recoveryMinutes} min; data at risk: ` +
        `${clause(budget.dataAtRisk.replace(/^unplanned failover: /, "")).replace(" at the moment of loss", "")}; ` +
        `${againstReference(budget.againstReference)}`
    );
}

/** What needs attention in a shard: its policy findings, unpriced costs, missed references. */
function attention(
    shard: PlannedShard,
    cost: ShardCost | undefined,
    violations: readonly Violation[],
    overLatencyTarget: readonly string[] = [],
): string[] {
    const items: string[] = [];
    for (const level of ["mandatory", "advisory"]) {
        const found = violations.filter((v) => v.enforcementLevel === level);
        if (found.length) {
            items.push(
                `${plural(found.length, `${level} policy finding`)} ` +
                    `(${[...new Set(found.map((v) => v.policy))].join(", ")})`,
            );
        }
    }
    if (/^misses/.test(shard.failoverBudget.againstReference)) {
        items.push("failover misses the reference");
    }
    const regionLoss = shard.recovery?.budget.againstReference;
    if (regionLoss === undefined) {
        items.push("no recovery region");
    } else if (/^misses/.test(regionLoss)) {
        items.push("region loss misses the reference");
    }
    if (cost && cost.unpriced.length) {
        items.push(`cost leaves out ${plural(cost.unpriced.length, "unpriced item")}`);
    }
    if (overLatencyTarget.length) {
        items.push(`over the latency target: ${overLatencyTarget.join(", ")}`);
    }
    return items.length ? items : ["nothing"];
}

/** `PASS` or `FAIL`, the violations by level, and the policy config in force. */
export function policyOutcome(report: PolicyReport, policyConfig: string): string {
    const mandatory = report.violations.filter((v) => v.enforcementLevel === "mandatory").length;
    const advisory = report.violations.length - mandatory;
    return (
        `${mandatory ? "FAIL" : "pass"} under ${policyConfig}: ` +
        `${plural(mandatory, "mandatory violation")}, ${plural(advisory, "advisory finding")}`
    );
}

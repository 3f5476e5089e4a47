/**
 * The levers a platform team reaches for, priced: the recovery copy's class (with the capacity
 * it leaves after a region loss), the shard's data size, and 1-year no-upfront reserved
 * instances beside on-demand.
 */

import { lookupPrice, services } from "./catalog";
import {
    classVcpus,
    CostLine,
    estimateShard,
    ShardCostInput,
    StackCost,
    StackCostInput,
    writerOf,
} from "./estimate";
import { cents, quantity, usd } from "./format";
import { usageAssumptions } from "./usage";

/** A shard's recovery copy as a lever: what it costs, and what it serves after a region loss. */
export interface RecoveryLever {
    readonly shard: string;
    readonly region: string;
    readonly instanceClass?: string;
    readonly instances: number;
    /** The recovery component a month: a floor while `unpriced` names a line. */
    readonly monthlyUsd: number;
    /** Its instance, storage and I/O lines without a price. */
    readonly unpriced: readonly string[];
    /** What the copy costs with its instances at the writer's class, the default. */
    readonly atWriterClassUsd: number;
    /** One size smaller than the copy's class, what it would cost and serve; none below large. */
    readonly smaller?: {
        readonly instanceClass: string;
        readonly monthlyUsd: number;
        readonly vcpus: number;
    };
    /** vCPUs serving after a region loss, until the copy is scaled up. */
    readonly vcpusAfterLoss: number;
    readonly writerVcpus: number;
    /** vCPUs of the home cluster (or master and replicas). */
    readonly homeVcpus: number;
}

const recoveryCost = (shard: ShardCostInput) => {
    const c = estimateShard(shard).components.find((x) => x.component === "recovery")!;
    return {
        usd: c.monthlyUsd,
        unpriced: c.lines
            .filter(
                (l) => l.unpriced !== undefined && ["instance", "storage", "io"].includes(l.kind),
            )
            .map((l) => l.description),
    };
};

const sizes = ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"];

/** The class one size below, in the same family: `db.r6g.8xlarge` -> `db.r6g.4xlarge`. */
export function oneSizeDown(instanceClass: string): string | undefined {
    const m = /^(db\.[a-z0-9-]+)\.([a-z0-9]+)$/.exec(instanceClass);
    const i = m ? sizes.indexOf(m[2]) : -1;
    return i > 0 ? `${m![1]}.${sizes[i - 1]}` : undefined;
}

/** The recovery copy of a shard as a lever, or undefined when the shard has none. */
export function recoveryLever(shard: ShardCostInput): RecoveryLever | undefined {
    const recovery = shard.recovery;
    if (!recovery) {
        return undefined;
    }
    const writer = writerOf(shard.instances);
    const vcpus = (cls: string) => classVcpus(cls) ?? 0;
    const withClass = (instanceClass: string): ShardCostInput => ({
        ...shard,
        recovery: { ...recovery, instances: recovery.instances.map(() => ({ instanceClass })) },
    });
    const own = recoveryCost(shard);
    const atWriterClassUsd = recoveryCost(withClass(writer.instanceClass)).usd;
    const down = recovery.instances[0] && oneSizeDown(recovery.instances[0].instanceClass);
    const smaller = down
        ? {
              instanceClass: down,
              monthlyUsd: recoveryCost(withClass(down)).usd,
              vcpus: recovery.instances.length * vcpus(down),
          }
        : undefined;
    return {
        shard: shard.name,
        region: recovery.region,
        ...(recovery.instances[0] ? { instanceClass: recovery.instances[0].instanceClass } : {}),
        instances: recovery.instances.length,
        monthlyUsd: own.usd,
        unpriced: own.unpriced,
        atWriterClassUsd,
        ...(smaller ? { smaller } : {}),
        vcpusAfterLoss: recovery.instances.reduce((s, i) => s + vcpus(i.instanceClass), 0),
        writerVcpus: vcpus(writer.instanceClass),
        homeVcpus: shard.instances.reduce((s, i) => s + vcpus(i.instanceClass), 0),
    };
}

/** One line: the copy's class, its cost and saving, and the capacity after a region loss. */
export function describeRecoveryLever(lever: RecoveryLever): string {
    const money =
        `$${usd(lever.monthlyUsd)}${lever.unpriced.length > 0 ? "*" : ""} a month` +
        (lever.unpriced.length > 0 ? ` (* leaves out ${lever.unpriced.join(", ")})` : "");
    if (lever.instances === 0) {
        return (
            `${lever.shard}: recovery copy in ${lever.region} headless (storage only): ${money}; ` +
            "after a region loss nothing serves until an instance is added (minutes)"
        );
    }
    const saving =
        lever.atWriterClassUsd > lever.monthlyUsd
            ? `, saves $${usd(cents(lever.atWriterClassUsd - lever.monthlyUsd))} a month against the writer's class`
            : "";
    const share = (part: number, whole: number) =>
        whole > 0 ? `${Math.round((part / whole) * 100)}%` : "?";
    return (
        `${lever.shard}: recovery copy ${lever.instances} x ${lever.instanceClass} in ${lever.region}: ${money}${saving}; ` +
        `after a region loss ${lever.vcpusAfterLoss} vCPUs serve, ${share(lever.vcpusAfterLoss, lever.writerVcpus)} ` +
        `of the writer and ${share(lever.vcpusAfterLoss, lever.homeVcpus)} of the home's ${lever.homeVcpus}, until scaled up` +
        (lever.smaller
            ? `; dr.instanceClass ${lever.smaller.instanceClass} would save $${usd(cents(lever.monthlyUsd - lever.smaller.monthlyUsd))} ` +
              `and leave ${lever.smaller.vcpus} vCPUs (${share(lever.smaller.vcpus, lever.writerVcpus)} of the writer)`
            : "")
    );
}

/** On-demand against 1-year no-upfront reserved, over the instance lines the sheet has both for. */
export interface ReservedComparison {
    readonly onDemandUsd: number;
    readonly reservedUsd: number;
    /** Instance lines with a reserved price. */
    readonly covered: number;
    /** Priced instance lines. */
    readonly instanceLines: number;
    /** Classes, billings and regions the sheet has no reserved price for. */
    readonly without: readonly string[];
}

/** The sheet's 1-year no-upfront reserved item for an on-demand instance-hour item. */
export function reservedItem(onDemandItem: string): string {
    return onDemandItem.replace(
        / instance-hour$/,
        " reserved 1yr no-upfront effective instance-hour",
    );
}

/**
 * Every priced instance line of an estimate at 1-year no-upfront reserved rates, where the sheet
 * has them, beside the same lines on demand; and what it has no reserved rate for.
 */
export function reservedComparison(cost: StackCost): ReservedComparison {
    const lines: CostLine[] = cost.shards
        .flatMap((s) => s.components)
        .flatMap((c) => c.lines)
        .filter((l) => l.kind === "instance" && l.price !== undefined);
    let onDemandUsd = 0;
    let reservedUsd = 0;
    let covered = 0;
    const without = new Set<string>();
    for (const line of lines) {
        const p = line.price!;
        const reserved = lookupPrice(p.service, reservedItem(p.item), line.region);
        if (reserved) {
            covered += 1;
            onDemandUsd += line.monthlyUsd!;
            reservedUsd += cents(line.quantity! * reserved.usd);
        } else {
            const billing =
                p.service === services.aurora
                    ? / io-optimized /.test(p.item)
                        ? "Aurora I/O-Optimized"
                        : "Aurora Standard"
                    : / multi-az /.test(p.item)
                      ? "RDS Multi-AZ"
                      : "RDS Single-AZ";
            without.add(`${line.instanceClass} ${billing} in ${line.region}`);
        }
    }
    return {
        onDemandUsd: cents(onDemandUsd),
        reservedUsd: cents(reservedUsd),
        covered,
        instanceLines: lines.length,
        without: [...without],
    };
}

/** The reserved comparison in one line. */
export function describeReserved(r: ReservedComparison): string {
    if (r.covered === 0) {
        return `reserved 1-year no-upfront: the price sheet has no reserved rate for any of the ${r.instanceLines} instance lines`;
    }
    return (
        `reserved 1-year no-upfront: ${r.covered} of ${r.instanceLines} instance lines have a rate: ` +
        `$${usd(r.onDemandUsd)} on demand -> $${usd(r.reservedUsd)} reserved, saves ` +
        `$${usd(cents(r.onDemandUsd - r.reservedUsd))} a month` +
        (r.without.length > 0 ? `; no reserved rate for ${r.without.join(", ")}` : "")
    );
}

/**
 * The levers of a stack, priced: each shard's data size and recovery copy, reserved rates, and
 * the caller's warnings (a data size near the engine's limit).
 */
export function renderLevers(
    input: StackCostInput,
    cost: StackCost,
    warnings: readonly string[] = [],
): string {
    const lines = ["Levers, USD a month at the same prices"];
    for (const shard of input.shards) {
        const gib = shard.storageGiB ?? usageAssumptions.storageGiB;
        lines.push(
            `  ${shard.name}: data ${quantity(gib)} GiB${shard.storageGiB === undefined ? " (assumed)" : ""} sizes storage, I/O and backups`,
        );
        const lever = recoveryLever(shard);
        if (lever) {
            lines.push(`  ${describeRecoveryLever(lever)}`);
        }
    }
    lines.push(`  ${describeReserved(reservedComparison(cost))}`);
    lines.push(...warnings.map((w) => `! ${w}`));
    return lines.join("\n");
}

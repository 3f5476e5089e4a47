/**
 * The engine choice in numbers: one shard on Aurora Standard, Aurora I/O-Optimized and RDS
 * Multi-AZ with read replicas, with the same instance classes; and the figures behind the
 * default Aurora storage configuration.
 */

import { AuroraStorageType, Engine, items, lookupPrice } from "./catalog";
import {
    Component,
    estimateShard,
    LineKind,
    ShardCost,
    ShardCostInput,
    writerOf,
} from "./estimate";
import { cents, usd } from "./format";
import { monthlyUsage } from "./usage";

/** One engine option of a shard, with what had to change to express the shard on it. */
export interface EngineOption {
    readonly label: "Aurora Standard" | "Aurora I/O-Optimized" | "RDS Multi-AZ with replicas";
    readonly engine: Engine;
    readonly storageType?: AuroraStorageType;
    readonly cost: ShardCost;
    /** instances + storage and I/O + backups + proxy: the part the engine decides. */
    readonly databaseUsd: number;
    /** Whether every line of `databaseUsd` has a price; when not, it understates the option. */
    readonly complete: boolean;
    /** The unpriced lines `databaseUsd` leaves out, as `description (region)`. */
    readonly unpricedLines: readonly string[];
    readonly notes: readonly string[];
}

/**
 * What one shard costs a month on each engine with the same classes: Aurora Standard, Aurora
 * I/O-Optimized, and RDS Multi-AZ with read replicas. Failover time and data at risk are the
 * caller's to set beside them.
 */
export function compareEngines(shard: ShardCostInput): EngineOption[] {
    const rds = asPostgres(shard);
    const options: Omit<EngineOption, "databaseUsd" | "complete" | "unpricedLines">[] = [
        {
            label: "Aurora Standard",
            engine: "aurora-postgresql",
            storageType: "aurora",
            cost: estimateShard(asAurora(shard, "aurora")),
            notes: [],
        },
        {
            label: "Aurora I/O-Optimized",
            engine: "aurora-postgresql",
            storageType: "aurora-iopt1",
            cost: estimateShard(asAurora(shard, "aurora-iopt1")),
            notes: [],
        },
        {
            label: "RDS Multi-AZ with replicas",
            engine: "postgres",
            cost: estimateShard(rds.input),
            notes: rds.notes,
        },
    ];
    return options.map((o) => {
        const missing = o.cost.components
            .filter((c) => databaseComponents.includes(c.component))
            .flatMap((c) => c.lines)
            .filter((l) => l.unpriced !== undefined)
            .map((l) => `${l.description} (${l.region})`);
        return {
            ...o,
            databaseUsd: databaseUsd(o.cost),
            complete: missing.length === 0,
            unpricedLines: missing,
        };
    });
}

/** What the engine comparison of one shard concludes. */
export interface EngineVerdict {
    /** False when an option leaves out a line: then no option is called cheaper. */
    readonly decided: boolean;
    /** The option whose database part costs least, when decided. */
    readonly cheapest?: EngineOption["label"];
    readonly text: string;
}

/**
 * The comparison's conclusion. Options are compared only when every database line of every
 * option has a price: a missing instance or storage price makes an option look cheaper than it
 * is, so then the verdict says it cannot decide and names the lines.
 */
export function engineVerdict(options: readonly EngineOption[]): EngineVerdict {
    const gaps = options.filter((o) => !o.complete);
    if (gaps.length > 0) {
        return {
            decided: false,
            text:
                "cannot decide: " +
                gaps.map((o) => `${o.label} leaves out ${o.unpricedLines.join(", ")}`).join("; "),
        };
    }
    const sorted = [...options].sort((a, b) => a.databaseUsd - b.databaseUsd);
    const [first, second] = sorted;
    return {
        decided: true,
        cheapest: first.label,
        text:
            `${first.label} costs least` +
            (second
                ? `, $${usd(cents(second.databaseUsd - first.databaseUsd))} a month below ${second.label}`
                : ""),
    };
}

/** The components an engine decides. */
export const databaseComponents: readonly Component[] = [
    "instances",
    "storage-and-io",
    "backups",
    "proxy",
];

/** The part of a shard's cost its engine decides. */
export function databaseUsd(cost: ShardCost): number {
    return cents(
        cost.components
            .filter((c) => databaseComponents.includes(c.component))
            .reduce((sum, c) => sum + c.monthlyUsd, 0),
    );
}

/** The shard as an Aurora cluster: a Multi-AZ master becomes a writer and a standby of its class. */
export function asAurora(shard: ShardCostInput, storageType: AuroraStorageType): ShardCostInput {
    const instances =
        shard.engine === "aurora-postgresql"
            ? shard.instances
            : shard.instances.flatMap((i) =>
                  i.multiAz
                      ? [
                            { role: "writer", instanceClass: i.instanceClass },
                            { role: "standby", instanceClass: i.instanceClass },
                        ]
                      : [{ role: "reader", instanceClass: i.instanceClass }],
              );
    return { ...shard, engine: "aurora-postgresql", storageType, instances };
}

/**
 * The shard on RDS for PostgreSQL: the writer becomes a Multi-AZ master, whose price covers the
 * standby; the other instances become Single-AZ read replicas.
 */
export function asPostgres(shard: ShardCostInput): { input: ShardCostInput; notes: string[] } {
    if (shard.engine === "postgres") {
        return { input: shard, notes: [] };
    }
    const notes: string[] = [];
    const writer = writerOf(shard.instances);
    const standby = shard.instances.find(
        (i) => i !== writer && i.role === "standby" && i.instanceClass === writer.instanceClass,
    );
    if (!standby) {
        notes.push(
            "the cluster has no standby of the writer's class; the Multi-AZ master adds one",
        );
    }
    const replicas = shard.instances
        .filter((i) => i !== writer && i !== standby)
        .map((i) => ({ role: "replica", instanceClass: i.instanceClass }));
    let recovery = shard.recovery;
    if (recovery && recovery.instances.length === 0) {
        notes.push(
            `RDS has no storage-only copy: the headless secondary becomes a cross-region replica of ${writer.instanceClass}`,
        );
        recovery = { ...recovery, instances: [{ instanceClass: writer.instanceClass }] };
    }
    const input: ShardCostInput = {
        ...shard,
        engine: "postgres",
        storageType: undefined,
        instances: [
            { role: "master", instanceClass: writer.instanceClass, multiAz: true },
            ...replicas,
        ],
        ...(recovery ? { recovery } : {}),
    };
    return { input, notes };
}

/** The figures behind `defaultAuroraStorageType`, for one shard. */
export interface StorageTierNumbers {
    readonly ioPerSecond: number;
    readonly ioUsd: number;
    /** Instances + storage + I/O on Aurora Standard. */
    readonly standardUsd: number;
    /** Instances + storage on I/O-Optimized. */
    readonly ioOptimizedUsd: number;
    /** The I/O charge's share of the Standard figure. */
    readonly ioShare: number;
    /** The I/O charge a month at which the two cost the same. */
    readonly breakEvenIoUsd: number;
    readonly breakEvenIoPerSecond: number;
    /** The configuration that costs less. */
    readonly cheaper: AuroraStorageType;
}

export function auroraStorageTierNumbers(shard: ShardCostInput): StorageTierNumbers {
    const part = (storageType: AuroraStorageType) => {
        const cost = estimateShard({
            ...asAurora(shard, storageType),
            proxy: false,
            recovery: undefined,
            cdc: undefined,
        });
        const lines = cost.components
            .filter((c) => c.component === "instances" || c.component === "storage-and-io")
            .flatMap((c) => c.lines);
        if (lines.some((l) => l.unpriced)) {
            throw new Error(
                `shard ${shard.name}: ${storageType} instances or storage are unpriced in ${shard.region}`,
            );
        }
        const sum = (kind?: LineKind) =>
            cents(
                lines
                    .filter((l) => !kind || l.kind === kind)
                    .reduce((s, l) => s + l.monthlyUsd!, 0),
            );
        return { total: sum(), io: sum("io"), usage: cost.usage };
    };
    const standard = part("aurora");
    const optimized = part("aurora-iopt1");
    const ioPrice = lookupPrice(items.auroraIo.service, items.auroraIo.item, shard.region)!.usd;
    const seconds = standard.usage.hoursPerMonth * 3600;
    const breakEvenIoUsd = cents(optimized.total - (standard.total - standard.io));
    const io = monthlyUsage(standard.usage);
    return {
        ioPerSecond: (io.auroraIoMillions * 1e6) / seconds,
        ioUsd: standard.io,
        standardUsd: standard.total,
        ioOptimizedUsd: optimized.total,
        ioShare: standard.io / standard.total,
        breakEvenIoUsd,
        breakEvenIoPerSecond: ((breakEvenIoUsd / ioPrice) * 1e6) / seconds,
        cheaper: standard.total <= optimized.total ? "aurora" : "aurora-iopt1",
    };
}

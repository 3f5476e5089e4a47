/**
 * The plan's latency section: each city's shard, its distance and the physical floor of its
 * round trip, from the shard map the program publishes. Self-contained: `renderLatency` takes the
 * `shardMap` output and returns the section's text.
 */

import {
    latencyRows,
    LatencyRow,
    LatencyShard,
    RegionDistance,
} from "../components/places/latency";
import { ShardMap } from "../components/shardMap";

/** The shards of a shard map as the latency table reads them. */
export function latencyShardsOf(map: ShardMap): LatencyShard[] {
    return Object.entries(map.shards).map(([name, entry]) => ({
        name,
        region: entry.region,
        ...(entry.recovery ? { recoveryRegion: entry.recovery.region } : {}),
        ...(entry.latencyTargetMs !== undefined ? { latencyTargetMs: entry.latencyTargetMs } : {}),
        cities: entry.cities.map((key) => ({ key, ...map.places[key] })),
    }));
}

const km = (d: RegionDistance) => Math.round(d.km).toLocaleString("en-US");
const ms = (d: RegionDistance) => d.floorMs.toFixed(1);

/**
 * One city's row. The distances of the recovery and the nearest region are left to their
 * floors (a floor is the distance over 100 km per ms), so the table fits 100 columns.
 */
function cells(row: LatencyRow): string[] {
    return [
        row.city,
        row.country,
        row.shard,
        row.home.region,
        km(row.home),
        ms(row.home),
        row.recovery?.region ?? "-",
        row.recovery ? ms(row.recovery) : "-",
        row.nearest.region,
        ms(row.nearest),
    ];
}

const header = ["city", "cc", "shard", "region", "km", "ms", "recovery", "ms", "nearest", "ms"];

/** What the columns hold, under the table. */
const legend =
    "  cc: country; km and ms: great-circle distance and round-trip floor to the shard's region; " +
    "recovery and nearest: the floor to the recovery region after a region loss and to the " +
    "nearest AWS region";

/** The targets the rows are held to, and the reference's, said once under the table. */
function targetLines(rows: readonly LatencyRow[]): string[] {
    const targets = new Map<string, number | undefined>();
    for (const row of rows) {
        targets.set(row.shard, row.targetMs);
    }
    const values = new Set(targets.values());
    const held =
        values.size === 1
            ? [...values][0] === undefined
                ? "no latencyTargetMs"
                : `${[...values][0]} ms on every shard`
            : [...targets].map(([shard, t]) => `${shard} ${t ?? "-"} ms`).join(", ");
    const reference = rows
        .filter((row) => row.referenceTargetMs !== undefined)
        .map((row) => `${row.city} ${row.referenceTargetMs} ms`);
    return [
        `  target (latencyTargetMs): ${held}`,
        ...(reference.length ? [`  the reference's targets: ${reference.join(", ")}`] : []),
    ];
}

/** The section: a title line, the table, then one warning per city over its target. */
export function renderLatency(shardMap: ShardMap | undefined): string {
    const title =
        "Latency floors per city: great-circle km, round trip over fibre at 2/3 c (km / 100 ms)";
    if (!shardMap || Object.keys(shardMap.shards).length === 0) {
        return `${title}\n  This stack declares no shards.`;
    }
    const rows = latencyRows(latencyShardsOf(shardMap));
    const warnings = rows.flatMap((row) => (row.warning ? [row.warning] : []));
    const body = [header, ...rows.map(cells)];
    const widths = header.map((_, i) => Math.max(...body.map((line) => line[i].length)));
    const lines = body.map(
        (line) =>
            "  " +
            line
                .map((cell, i) =>
                    !/^[a-z]/.test(cell) && i !== 1
                        ? cell.padStart(widths[i])
                        : cell.padEnd(widths[i]),
                )
                .join("  ")
                .trimEnd(),
    );
    return [
        `${title}; ${warnings.length} ${warnings.length === 1 ? "city" : "cities"} over target`,
        ...lines,
        legend,
        ...targetLines(rows),
        "  A floor is what no network beats: real paths follow cables and add routing.",
        ...warnings.map((w) => `  Warning: ${w}`),
    ].join("\n");
}

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

function cells(row: LatencyRow): string[] {
    return [
        row.city,
        row.country,
        row.shard,
        row.home.region,
        km(row.home),
        ms(row.home),
        row.recovery?.region ?? "-",
        row.recovery ? km(row.recovery) : "-",
        row.recovery ? ms(row.recovery) : "-",
        row.nearest.region,
        km(row.nearest),
        ms(row.nearest),
        row.referenceTargetMs !== undefined ? String(row.referenceTargetMs) : "-",
        row.targetMs !== undefined ? String(row.targetMs) : "-",
    ];
}

const header = [
    "city",
    "country",
    "shard",
    "region",
    "km",
    "floor ms",
    "recovery",
    "km",
    "floor ms",
    "nearest region",
    "km",
    "floor ms",
    "reference ms",
    "target ms",
];

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
                    i >= 4 && !/^[a-z]/.test(cell)
                        ? cell.padStart(widths[i])
                        : cell.padEnd(widths[i]),
                )
                .join("  ")
                .trimEnd(),
    );
    return [
        `${title}; ${warnings.length} ${warnings.length === 1 ? "city" : "cities"} over target`,
        ...lines,
        "  A floor is what no network beats: real paths follow cables and add routing.",
        ...warnings.map((w) => `  Warning: ${w}`),
    ].join("\n");
}

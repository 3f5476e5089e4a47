/**
 * Each city's distance to its shard and the physical floor of its round trip: what no network,
 * cache or instance class can beat. The plan prints these rows; a city whose floor exceeds its
 * shard's latency target becomes a warning that names the region that would meet it.
 */

import { Coordinates, greatCircleKm, roundTripFloorMs } from "./geo";
import { regionLocation, regionLocations } from "./regionLocations";

/**
 * The latency table of the reference architecture (database-scaling step 3): its promised
 * database round trip for the cities it names.
 */
export const referenceTargetsMs: Readonly<Record<string, number>> = {
    new_york: 5,
    london: 8,
    tokyo: 10,
};

export interface LatencyCity extends Coordinates {
    readonly key: string;
    readonly country: string;
}

/** A shard as the latency table needs it. */
export interface LatencyShard {
    readonly name: string;
    readonly region: string;
    readonly recoveryRegion?: string;
    /** The round trip the shard promises its cities, in ms. @default - none: no warning */
    readonly latencyTargetMs?: number;
    readonly cities: readonly LatencyCity[];
}

/** A distance to a region and the round trip's floor over it. */
export interface RegionDistance {
    readonly region: string;
    readonly km: number;
    readonly floorMs: number;
}

export interface LatencyRow {
    readonly city: string;
    readonly country: string;
    readonly shard: string;
    readonly home: RegionDistance;
    /** After a region loss, from the recovery region. */
    readonly recovery?: RegionDistance;
    /** The nearest region the stack may name (config/regions.ts). */
    readonly nearest: RegionDistance;
    /** The reference's promise for this city, in ms. */
    readonly referenceTargetMs?: number;
    readonly targetMs?: number;
    /** Set when the home floor exceeds `targetMs`. */
    readonly warning?: string;
}

function distance(point: Coordinates, region: string): RegionDistance {
    const location = regionLocation(region);
    if (!location) {
        throw new Error(`no location for region ${region}`);
    }
    const km = greatCircleKm(point, location);
    return { region, km, floorMs: roundTripFloorMs(km) };
}

/** The region nearest a point; ties go to the region code first in alphabetical order. */
export function nearestRegion(point: Coordinates): RegionDistance {
    return Object.keys(regionLocations)
        .sort()
        .map((region) => distance(point, region))
        .reduce((best, next) => (next.km < best.km ? next : best));
}

/** One row per city, shard by shard in the order given. */
export function latencyRows(shards: readonly LatencyShard[]): LatencyRow[] {
    return shards.flatMap((shard) =>
        shard.cities.map((city): LatencyRow => {
            const home = distance(city, shard.region);
            const nearest = nearestRegion(city);
            const targetMs = shard.latencyTargetMs;
            const referenceTargetMs = referenceTargetsMs[city.key];
            return {
                city: city.key,
                country: city.country,
                shard: shard.name,
                home,
                ...(shard.recoveryRegion ? { recovery: distance(city, shard.recoveryRegion) } : {}),
                nearest,
                ...(referenceTargetMs !== undefined ? { referenceTargetMs } : {}),
                ...(targetMs !== undefined ? { targetMs } : {}),
                ...(targetMs !== undefined && home.floorMs > targetMs
                    ? { warning: latencyWarning(city.key, home, nearest, targetMs) }
                    : {}),
            };
        }),
    );
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

function latencyWarning(
    city: string,
    home: RegionDistance,
    nearest: RegionDistance,
    targetMs: number,
): string {
    const floor = `${city}: the round trip to ${home.region} cannot be under ${ms(home.floorMs)}, above the ${targetMs} ms target`;
    return nearest.floorMs <= targetMs
        ? `${floor}; ${nearest.region} would meet it (${ms(nearest.floorMs)}).`
        : `${floor}; no region meets it, the nearest is ${nearest.region} (${ms(nearest.floorMs)}).`;
}

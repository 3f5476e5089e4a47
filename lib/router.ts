/**
 * The reference's ShardRouter, typed, over the `shardMap` output: a city picks its shard, a
 * traveler's coordinates pick the shard of the nearest configured city, and a shard gives the
 * names to connect to. No cloud calls: build it once from the map an application reads through
 * a StackReference.
 *
 *   const router = createRouter(await shardMapOf(stackReference));
 *   const shard = router.shardForCity(user.city);
 *   connect(router.writerOf(shard));
 *
 * An unknown city is an explicit choice: the map's `defaultShard` (`geoshard:defaultShard`), or
 * an error. The reference's router falls back to US East in silence; a rider whose city is
 * missing from the map would then write to the wrong region's shard and nobody would know.
 */

import { greatCircleKm } from "../components/places/geo";
import { ShardMap, ShardMapEntry } from "../components/shardMap";

export interface ShardRouter {
    /** The shard of a configured city; an unknown city gets the default shard, or throws. */
    shardForCity(city: string): string;
    /**
     * The shard of the configured city nearest the point (a traveler's position), by
     * great-circle distance; a shard whose map lists no places is chosen by its region's
     * location. Ties go to the shard first by name.
     */
    shardForLocation(lat: number, lon: number): string;
    /** `writer.<shard>.<zone>`: the name that follows a failover. */
    writerOf(shard: string): string;
    /** `reader.<shard>.<zone>`: the readers. */
    readerOf(shard: string): string;
    /** The shard's whole entry. */
    entryOf(shard: string): ShardMapEntry;
}

/** Thrown for a city the map does not list, when the map has no default shard. */
export class UnknownCityError extends Error {}

export function createRouter(map: ShardMap): ShardRouter {
    const shardNames = Object.keys(map.shards).sort();
    if (map.defaultShard !== undefined && !map.shards[map.defaultShard]) {
        throw new Error(
            `shard map: defaultShard "${map.defaultShard}" is not one of its shards (${shardNames.join(", ")})`,
        );
    }
    const entryOf = (shard: string): ShardMapEntry => {
        const entry = Object.prototype.hasOwnProperty.call(map.shards, shard)
            ? map.shards[shard]
            : undefined;
        if (!entry) {
            throw new Error(
                `"${shard}" is not a shard of the map; shards: ${shardNames.join(", ")}`,
            );
        }
        return entry;
    };
    // Each point a traveler may be near: every city, and the region of a shard without places.
    const points = shardNames.flatMap((shard) => {
        const cities = Object.values(map.places ?? {}).filter((p) => p.shard === shard);
        return cities.length > 0
            ? cities.map((p) => ({ shard, lat: p.lat, lon: p.lon }))
            : [{ shard, ...map.shards[shard].location }];
    });
    return {
        shardForCity(city) {
            if (Object.prototype.hasOwnProperty.call(map.cityToShard, city)) {
                return map.cityToShard[city];
            }
            if (map.defaultShard !== undefined) {
                return map.defaultShard;
            }
            throw new UnknownCityError(
                `city "${city}" is not in the shard map and the map has no defaultShard; ` +
                    `add it to a shard's cities, or set geoshard:defaultShard`,
            );
        },
        shardForLocation(lat, lon) {
            if (!(Math.abs(lat) <= 90 && Math.abs(lon) <= 180)) {
                throw new RangeError(`(${lat}, ${lon}) is not a latitude and longitude in degrees`);
            }
            let best = points[0];
            let bestKm = Infinity;
            for (const point of points) {
                const km = greatCircleKm({ lat, lon }, point);
                if (km < bestKm) {
                    best = point;
                    bestKm = km;
                }
            }
            return best.shard;
        },
        writerOf: (shard) => entryOf(shard).writer,
        readerOf: (shard) => entryOf(shard).reader,
        entryOf,
    };
}

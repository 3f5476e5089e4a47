/**
 * The shard map: what applications read, through a StackReference, to find a city's shard and
 * the names to connect to. The program exports it as `shardMap`; another program that declares
 * shards with the library can publish the same shape. `lib/router.ts` routes by it.
 */

import { Engine } from "./engines";
import { CityPlace } from "./places/gazetteer";
import { regionLocation } from "./places/regionLocations";

export interface ShardMap {
    /** Each shard's entry, by shard name. */
    readonly shards: Record<string, ShardMapEntry>;
    /** The reference's `cityToShard`: city key to shard name. */
    readonly cityToShard: Record<string, string>;
    /** Each city of `cityToShard` as a place, by the same key. */
    readonly places: Record<string, MappedCity>;
    /** The shard for a city the map does not list (`geoshard:defaultShard`). @default - none */
    readonly defaultShard?: string;
}

/** A city: where it is, and its shard. */
export interface MappedCity {
    /** The place's name: GeoNames' ("New York City"), or the key of a place config gave itself. */
    readonly name: string;
    /** ISO 3166-1 alpha-2 country code. */
    readonly country: string;
    /** Decimal degrees, WGS 84. */
    readonly lat: number;
    readonly lon: number;
    readonly shard: string;
}

/** Where a region is: the metro area AWS names it after (components/places/regionLocations.ts). */
export interface RegionPlace {
    readonly metro: string;
    readonly country: string;
    readonly lat: number;
    readonly lon: number;
}

/** One shard: the names to connect to first, then AWS's own names behind them. */
export interface ShardMapEntry {
    readonly region: string;
    readonly cities: readonly string[];
    readonly engine: Engine;
    /** `writer.<shard>.<zone>`: connect here for writes; it follows a failover. */
    readonly writer: string;
    /** `reader.<shard>.<zone>`: the readers (never the standby). */
    readonly reader: string;
    readonly port: number;
    /** Secrets Manager ARN of the master credentials. */
    readonly credentialsSecretArn: string;
    /**
     * With a recovery region: the credentials' replica there, under that region's key. Read it
     * in the recovery region once the home region is lost.
     */
    readonly recoveryCredentialsSecretArn?: string;
    /** AWS's own names behind `writer` and `reader`; they follow a failover too. */
    readonly endpoints: {
        readonly writer: string;
        readonly reader?: string;
        readonly proxy?: string;
        /** Aurora with a recovery region: follows a switchover or region failover. */
        readonly globalWriter?: string;
        /** The recovery region's readers. */
        readonly recoveryReader?: string;
    };
    /** Each instance's own host name, by label. Direct: it does not follow a failover. */
    readonly direct: Record<string, string>;
    /** Where `region` is. */
    readonly location: RegionPlace;
    /** The recovery region and where it is. @default - none: no recovery region */
    readonly recovery?: { readonly region: string; readonly location: RegionPlace };
    /** The round trip in ms the shard's cities should see. @default - none */
    readonly latencyTargetMs?: number;
}

/** A region's place; every region config accepts has one (config/regions.ts). */
export function regionPlace(region: string): RegionPlace {
    const location = regionLocation(region);
    if (!location) {
        throw new Error(`no location for region ${region}: add it to regionLocations`);
    }
    const { metro, country, lat, lon } = location;
    return { metro, country, lat, lon };
}

export function mappedCity(place: CityPlace, shard: string): MappedCity {
    const { name, country, lat, lon } = place;
    return { name, country, lat, lon, shard };
}

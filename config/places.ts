/**
 * Config of cities as places: each shard's cities resolved through the gazetteer, the residency
 * a city's country demands, the latency target and the router's default shard. Called by
 * `validateConfig`; every problem names its key path, the value and what is allowed.
 */

import {
    CityPlace,
    cityKeyPattern,
    countryPattern,
    describeCandidate,
    explicitPlace,
    isCityText,
    resolveCityKey,
} from "../components/places/gazetteer";
import { isCoordinates } from "../components/places/geo";
import { Residency, residenciesOf } from "../components/places/residency";

/** Where problems go: `Problems` of config/validate.ts. */
export interface ProblemSink {
    add(path: string, value: unknown, problem: string): void;
    missing(path: string, expected: string): void;
}

const expectedList = "a non-empty list of city keys such as new_york";
const explicitKeys = ["name", "country", "lat", "lon"];

/**
 * A shard's `cities`: keys the gazetteer resolves (`new_york`, `paris@FR`) or places given as
 * `{ name, country, lat, lon }`. `cities` are the keys, in order; `places` the resolved places.
 */
export function readCityPlaces(value: unknown, path: string, problems: ProblemSink): ReadCities {
    if (value === undefined) {
        problems.missing(path, expectedList);
        return { cities: [], places: [], entries: [] };
    }
    if (!Array.isArray(value) || value.length === 0) {
        problems.add(path, value, `is not ${expectedList}`);
        return { cities: [], places: [], entries: [] };
    }
    const entries = value.flatMap((entry, index) => {
        const place = readCity(entry, `${path}[${index}]`, problems);
        return place ? [{ index, value: entry as unknown, place }] : [];
    });
    return {
        cities: entries.map((e) => e.place.key),
        places: entries.map((e) => e.place),
        entries,
    };
}

export interface ReadCities {
    /** The keys, in config order: `cityToShard`'s keys. */
    readonly cities: string[];
    readonly places: CityPlace[];
    /** Each resolved place with its position and value in config, for later messages. */
    readonly entries: readonly { index: number; value: unknown; place: CityPlace }[];
}

function readCity(entry: unknown, path: string, problems: ProblemSink): CityPlace | undefined {
    if (typeof entry === "string") {
        if (!isCityText(entry)) {
            problems.add(
                path,
                entry,
                "is not a city key; allowed: lowercase letters, digits and underscores, starting " +
                    "with a letter, optionally @ and a country code (paris@FR), or a place " +
                    "{ name, country, lat, lon }",
            );
            return undefined;
        }
        const resolved = resolveCityKey(entry);
        if ("place" in resolved) {
            return resolved.place;
        }
        const offered = resolved.candidates.map(describeCandidate).join("; ");
        problems.add(
            path,
            entry,
            `${resolved.problem}` +
                (offered ? `; candidates: ${offered}` : "") +
                `; name the country (${entry.split("@")[0]}@CC) or give the place as ` +
                `{ name, country, lat, lon }`,
        );
        return undefined;
    }
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
        problems.add(path, entry, "is not a city key or a place { name, country, lat, lon }");
        return undefined;
    }
    const place = entry as Record<string, unknown>;
    let valid = true;
    const refuse = (key: string, problem: string) => {
        valid = false;
        if (place[key] === undefined) {
            problems.missing(`${path}.${key}`, problem);
        } else {
            problems.add(`${path}.${key}`, place[key], `is not ${problem}`);
        }
    };
    for (const key of Object.keys(place).filter((k) => !explicitKeys.includes(k))) {
        valid = false;
        problems.add(
            `${path}.${key}`,
            place[key],
            `is not a key of a place; allowed: ${explicitKeys.join(", ")}`,
        );
    }
    if (typeof place.name !== "string" || !cityKeyPattern.test(place.name)) {
        refuse(
            "name",
            "a city key: lowercase letters, digits and underscores, starting with a letter",
        );
    }
    if (typeof place.country !== "string" || !countryPattern.test(place.country)) {
        refuse("country", "an ISO 3166-1 alpha-2 country code such as FR");
    }
    if (!isCoordinates(place.lat, 0)) {
        refuse("lat", "a latitude in degrees, -90 to 90");
    }
    if (!isCoordinates(0, place.lon)) {
        refuse("lon", "a longitude in degrees, -180 to 180");
    }
    return valid
        ? explicitPlace(
              place.name as string,
              place.country as string,
              place.lat as number,
              place.lon as number,
          )
        : undefined;
}

/**
 * A city in a country of a residency (components/places/residency.ts) belongs in a shard with
 * that residency: refused in any other, with the fix.
 */
export function checkCityResidency(
    read: ReadCities,
    residency: Residency | undefined,
    shardName: string,
    path: string,
    problems: ProblemSink,
): void {
    for (const { index, value, place } of read.entries) {
        for (const required of residenciesOf(place.country)) {
            if (required !== residency) {
                problems.add(
                    `${path}[${index}]`,
                    value,
                    `is in ${place.country}, where residency ${required} applies; move it to a ` +
                        `shard with residency: ${required}, or set residency: ${required} on ` +
                        `shard ${shardName}`,
                );
            }
        }
    }
}

/** A latency target: a whole number of ms, 1 to 1000, as a string (stack) or a number (shard). */
export function readLatencyTarget(
    value: unknown,
    path: string,
    problems: ProblemSink,
): number | undefined {
    if (value === undefined) {
        return undefined;
    }
    const target =
        typeof value === "number" ? value : typeof value === "string" ? Number(value) : NaN;
    if (!(Number.isInteger(target) && target >= 1 && target <= 1000)) {
        problems.add(
            path,
            value,
            "is not a latency target; allowed: a round trip in whole ms, 1 to 1000",
        );
        return undefined;
    }
    return target;
}

/** The router's shard for a city it does not know: one of this stack's shards. */
export function readDefaultShard(
    value: string | undefined,
    shardNames: readonly string[],
    path: string,
    problems: ProblemSink,
): string | undefined {
    if (value === undefined) {
        return undefined;
    }
    if (!shardNames.includes(value)) {
        problems.add(
            path,
            value,
            `is not a shard of this stack; allowed: ${shardNames.join(", ")}`,
        );
        return undefined;
    }
    return value;
}

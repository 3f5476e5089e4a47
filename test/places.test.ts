import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { describeCandidate, resolveCityKey } from "../components/places/gazetteer";
import { greatCircleKm, roundTripFloorMs } from "../components/places/geo";
import { latencyRows, nearestRegion } from "../components/places/latency";
import { regionLocations } from "../components/places/regionLocations";
import { residenciesOf, residencyCountries } from "../components/places/residency";
import { validateShardArgs } from "../components/validateArgs";
import { RegionalShardArgs } from "../components/regionalShard";
import { ShardMap } from "../components/shardMap";
import { awsRegions } from "../config/regions";
import { ConfigError, validateConfig } from "../config/validate";
import { cityResidency } from "../policies/rules/shards";
import { ProgramRun, RecordedResource } from "../tools/mockRuntime";
import { reportPlan } from "../tools/plan";
import { evaluatePolicies } from "../tools/policyEval";
import { latencyShardsOf, renderLatency } from "../tools/planLatency";
import {
    prodRun,
    prodShards,
    rawConfig,
    referenceShards,
    sharedRun,
    types,
    unqualified,
} from "./helpers";

/** The problems validateConfig reports, or [] when it accepts the config. */
function problemsOf(raw: Record<string, string>): readonly string[] {
    try {
        validateConfig(unqualified(raw));
        return [];
    } catch (error) {
        assert.ok(error instanceof ConfigError, `unexpected ${error}`);
        return error.problems;
    }
}

/** The reference shards with the first shard's cities replaced. */
function usEastWith(cities: unknown[]) {
    const shards = referenceShards() as Record<string, unknown>[];
    shards[0] = { ...shards[0], cities };
    return shards;
}

describe("cities as places", () => {
    describe("the gazetteer", () => {
        it("resolves every prod city to its GeoNames place: name, country, coordinates", () => {
            const resolved = [
                "new_york",
                "boston",
                "san_francisco",
                "los_angeles",
                "london",
                "paris",
                "berlin",
                "tokyo",
                "singapore",
                "mumbai",
            ].map((key) => {
                const r = resolveCityKey(key);
                assert.ok("place" in r, `${key}: ${JSON.stringify(r)}`);
                const { name, country, lat, lon } = r.place;
                return [key, name, country, lat, lon];
            });
            assert.deepStrictEqual(resolved, [
                ["new_york", "New York City", "US", 40.71427, -74.00597],
                ["boston", "Boston", "US", 42.35843, -71.05977],
                ["san_francisco", "San Francisco", "US", 37.77493, -122.41942],
                ["los_angeles", "Los Angeles", "US", 34.05223, -118.24368],
                ["london", "London", "GB", 51.50853, -0.12574],
                ["paris", "Paris", "FR", 48.85341, 2.3488],
                ["berlin", "Berlin", "DE", 52.52437, 13.41053],
                ["tokyo", "Tokyo", "JP", 35.6895, 139.69171],
                ["singapore", "Singapore", "SG", 1.28967, 103.85007],
                ["mumbai", "Mumbai", "IN", 19.07283, 72.88261],
            ]);
        });

        it("folds accents and punctuation into the key, and keeps GeoNames' id and population", () => {
            assert.deepStrictEqual(resolveCityKey("sao_paulo"), {
                place: {
                    key: "sao_paulo",
                    name: "São Paulo",
                    country: "BR",
                    lat: -23.5475,
                    lon: -46.63611,
                    source: "gazetteer",
                    geonameId: 3448439,
                    population: 10021295,
                },
            });
        });

        it("refuses a name without a dominant place, offering the five most populous", () => {
            const r = resolveCityKey("valencia");
            assert.ok("problem" in r);
            assert.strictEqual(
                r.problem,
                "is ambiguous: 10 places of that name, none 10 times as populous as the next",
            );
            assert.deepStrictEqual(r.candidates.map(describeCandidate), [
                "Valencia, VE (07), population 1,385,083",
                "Valencia, ES (60), population 814,208",
                "Valencia, US (CA), population 148,456",
                "Valencia, CO (12), population 10,652",
                "Valencia, PH (07), population 5,027",
            ]);
        });

        it("takes the country after @, which can still leave namesakes: Paris, Texas against Paris, Tennessee", () => {
            const spain = resolveCityKey("valencia@ES");
            assert.ok("place" in spain);
            assert.deepStrictEqual([spain.place.key, spain.place.country], ["valencia", "ES"]);
            const us = resolveCityKey("paris@US");
            assert.ok("problem" in us);
            assert.deepStrictEqual(us.candidates.slice(0, 2).map(describeCandidate), [
                "Paris, US (TX), population 24,782",
                "Paris, US (TN), population 10,150",
            ]);
        });

        it("refuses an unknown name, offering the places whose name starts with it", () => {
            const r = resolveCityKey("frankfurt");
            assert.deepStrictEqual(r, {
                problem: "is not a place in the GeoNames gazetteer",
                candidates: [
                    { name: "Frankfurt am Main", country: "DE", admin: "05", population: 650000 },
                    { name: "Frankfurt (Oder)", country: "DE", admin: "11", population: 51691 },
                ],
            });
            assert.deepStrictEqual(resolveCityKey("xyzzy_qq"), {
                problem: "is not a place in the GeoNames gazetteer",
                candidates: [],
            });
        });
    });

    describe("config", () => {
        it("refuses berlin in a shard without residency eu, with the fix", () => {
            assert.deepStrictEqual(problemsOf(rawConfig({}, usEastWith(["new_york", "berlin"]))), [
                'geoshard:shards[0].cities[1]: "berlin" is in DE, where residency eu applies; move it to a shard with residency: eu, or set residency: eu on shard us-east',
            ]);
        });

        it("refuses a city of an EEA state outside the EU too (Oslo, Norway), and accepts GB without residency", () => {
            assert.deepStrictEqual(problemsOf(rawConfig({}, usEastWith(["oslo", "glasgow"]))), [
                'geoshard:shards[0].cities[0]: "oslo" is in NO, where residency eu applies; move it to a shard with residency: eu, or set residency: eu on shard us-east',
            ]);
        });

        it("refuses an ambiguous city with its candidates, and accepts the same city with its country or as a place", () => {
            assert.deepStrictEqual(
                problemsOf(rawConfig({}, usEastWith(["new_york", "valencia"]))),
                [
                    'geoshard:shards[0].cities[1]: "valencia" is ambiguous: 10 places of that name, none 10 times as populous as the next; candidates: Valencia, VE (07), population 1,385,083; Valencia, ES (60), population 814,208; Valencia, US (CA), population 148,456; Valencia, CO (12), population 10,652; Valencia, PH (07), population 5,027; name the country (valencia@CC) or give the place as { name, country, lat, lon }',
                ],
            );
            const config = validateConfig(
                unqualified(
                    rawConfig(
                        {},
                        usEastWith([
                            "new_york",
                            "valencia@VE",
                            { name: "paris_tx", country: "US", lat: 33.66, lon: -95.56 },
                        ]),
                    ),
                ),
            );
            const usEast = config.shards[0];
            assert.deepStrictEqual(usEast.cities, ["new_york", "valencia", "paris_tx"]);
            assert.deepStrictEqual(usEast.places[2], {
                key: "paris_tx",
                name: "paris_tx",
                country: "US",
                lat: 33.66,
                lon: -95.56,
                source: "config",
            });
            assert.deepStrictEqual(
                [usEast.places[1].name, usEast.places[1].country, usEast.places[1].source],
                ["Valencia", "VE", "gazetteer"],
            );
        });

        it("says what is wrong with a place config gives itself, field by field", () => {
            assert.deepStrictEqual(
                problemsOf(
                    rawConfig(
                        {},
                        usEastWith([
                            { name: "Paris TX", country: "usa", lat: 95, lon: "x", zip: 1 },
                            42,
                        ]),
                    ),
                ),
                [
                    "geoshard:shards[0].cities[0].zip: 1 is not a key of a place; allowed: name, country, lat, lon",
                    'geoshard:shards[0].cities[0].name: "Paris TX" is not a city key: lowercase letters, digits and underscores, starting with a letter',
                    'geoshard:shards[0].cities[0].country: "usa" is not an ISO 3166-1 alpha-2 country code such as FR',
                    "geoshard:shards[0].cities[0].lat: 95 is not a latitude in degrees, -90 to 90",
                    'geoshard:shards[0].cities[0].lon: "x" is not a longitude in degrees, -180 to 180',
                    "geoshard:shards[0].cities[1]: 42 is not a city key or a place { name, country, lat, lon }",
                ],
            );
        });

        it("refuses the same city given twice, once by key and once as a place", () => {
            assert.deepStrictEqual(
                problemsOf(
                    rawConfig(
                        {},
                        usEastWith([
                            "new_york",
                            { name: "new_york", country: "US", lat: 40.7, lon: -74 },
                        ]),
                    ),
                ),
                ['geoshard:shards[0].cities[1]: "new_york" is listed twice in this shard'],
            );
        });

        it("applies the stack's latency target to every shard unless a shard sets its own", () => {
            const shards = referenceShards() as Record<string, unknown>[];
            shards[3] = { ...shards[3], latencyTargetMs: 60 };
            const config = validateConfig(
                unqualified(rawConfig({ latencyTargetMs: "10" }, shards)),
            );
            assert.strictEqual(config.latencyTargetMs, 10);
            assert.deepStrictEqual(
                config.shards.map((s) => s.latencyTargetMs),
                [10, 10, 10, 60],
            );
            const none = validateConfig(unqualified(rawConfig()));
            assert.deepStrictEqual(
                none.shards.map((s) => s.latencyTargetMs),
                [undefined, undefined, undefined, undefined],
            );
        });

        it("refuses a latency target outside 1 to 1000 whole ms, and a default shard the stack lacks", () => {
            const shards = referenceShards() as Record<string, unknown>[];
            shards[1] = { ...shards[1], latencyTargetMs: 0 };
            assert.deepStrictEqual(
                problemsOf(rawConfig({ latencyTargetMs: "2.5", defaultShard: "mars" }, shards)),
                [
                    "geoshard:shards[1].latencyTargetMs: 0 is not a latency target; allowed: a round trip in whole ms, 1 to 1000",
                    'geoshard:latencyTargetMs: "2.5" is not a latency target; allowed: a round trip in whole ms, 1 to 1000',
                    'geoshard:defaultShard: "mars" is not a shard of this stack; allowed: us-east, us-west, europe, asia',
                ],
            );
            assert.strictEqual(
                validateConfig(unqualified(rawConfig({ defaultShard: "us-east" }))).defaultShard,
                "us-east",
            );
        });
    });

    describe("the component", () => {
        const args = (cityCountries: string[], residency?: "eu"): RegionalShardArgs => ({
            environment: "prod",
            region: "eu-west-2",
            vpcCidr: "10.30.0.0/16",
            availabilityZones: ["eu-west-2a", "eu-west-2b"],
            // validateShardArgs reads no provider.
            dns: { zoneId: "Z0123456789", zoneName: "db.internal", provider: undefined! },
            cityCountries,
            ...(residency ? { residency } : {}),
        });

        it("refuses a country of a residency the shard does not declare, and a malformed code", () => {
            assert.deepStrictEqual(validateShardArgs(args(["GB", "DE", "de"])), [
                'cityCountries[1]: "DE" needs residency: eu; set it, or serve that country\'s cities from a shard that has it',
                'cityCountries[2]: "de" is not an ISO 3166-1 alpha-2 country code such as FR',
            ]);
            assert.deepStrictEqual(validateShardArgs(args(["GB", "DE"], "eu")), []);
        });
    });

    describe("residencies, regions and distances", () => {
        it("lists the 27 EU member states and the 3 EEA states outside the EU", () => {
            assert.strictEqual(residencyCountries.eu.length, 30);
            assert.strictEqual(new Set(residencyCountries.eu).size, 30);
            assert.deepStrictEqual(
                ["DE", "GR", "IE", "NO", "IS", "LI", "GB", "CH", "US"].map(
                    (c) => residenciesOf(c).length,
                ),
                [1, 1, 1, 1, 1, 1, 0, 0, 0],
            );
        });

        it("has a location for every region config accepts, and for no other", () => {
            assert.deepStrictEqual(Object.keys(regionLocations).sort(), [...awsRegions].sort());
            assert.deepStrictEqual(regionLocations["us-east-1"], {
                awsName: "N. Virginia",
                metro: "Ashburn (Northern Virginia)",
                country: "US",
                lat: 39.04,
                lon: -77.49,
            });
        });

        it("measures great circles and the fibre floor: London-Paris 344 km, 1,000 km is 10 ms", () => {
            const london = { lat: 51.50853, lon: -0.12574 };
            const paris = { lat: 48.85341, lon: 2.3488 };
            assert.strictEqual(Math.round(greatCircleKm(london, paris)), 344);
            assert.strictEqual(greatCircleKm(london, london), 0);
            assert.strictEqual(roundTripFloorMs(1000), 10);
            assert.strictEqual(
                nearestRegion({ lat: 35.6895, lon: 139.69171 }).region,
                "ap-northeast-1",
            );
        });
    });

    describe("on the prod stack", () => {
        let prod: ProgramRun;
        before(async () => {
            prod = await prodRun();
        });

        it("warns about Tokyo and Mumbai against 10 ms, naming ap-northeast-1 and ap-south-1", () => {
            const rows = latencyRows(latencyShardsOf(prod.outputs.shardMap as ShardMap));
            assert.deepStrictEqual(
                rows.map((r) => [r.city, r.home.region, Math.round(r.home.km), r.recovery?.region]),
                [
                    ["new_york", "us-east-1", 351, "us-west-1"],
                    ["boston", "us-east-1", 655, "us-west-1"],
                    ["san_francisco", "us-west-1", 67, "us-east-1"],
                    ["los_angeles", "us-west-1", 492, "us-east-1"],
                    ["london", "eu-west-2", 0, "eu-west-1"],
                    ["paris", "eu-west-2", 344, "eu-west-1"],
                    ["berlin", "eu-west-2", 932, "eu-west-1"],
                    ["tokyo", "ap-southeast-1", 5318, "ap-northeast-1"],
                    ["singapore", "ap-southeast-1", 0, "ap-northeast-1"],
                    ["mumbai", "ap-southeast-1", 3910, "ap-northeast-1"],
                ],
            );
            assert.deepStrictEqual(
                rows
                    .filter((r) => r.referenceTargetMs !== undefined)
                    .map((r) => [r.city, r.referenceTargetMs]),
                [
                    ["new_york", 5],
                    ["london", 8],
                    ["tokyo", 10],
                ],
            );
            assert.deepStrictEqual(
                rows.flatMap((r) => (r.warning ? [r.warning] : [])),
                [
                    "tokyo: the round trip to ap-southeast-1 cannot be under 53.2 ms, above the 10 ms target; ap-northeast-1 would meet it (0.0 ms).",
                    "mumbai: the round trip to ap-southeast-1 cannot be under 39.1 ms, above the 10 ms target; ap-south-1 would meet it (0.0 ms).",
                ],
            );
        });

        it("prints the latency section: a header, one line per city, then the warnings", () => {
            const lines = renderLatency(prod.outputs.shardMap as ShardMap).split("\n");
            assert.strictEqual(
                lines[0],
                "Latency floors per city: great-circle km, round trip over fibre at 2/3 c (km / 100 ms); 2 cities over target",
            );
            assert.strictEqual(lines.length, 1 + 1 + 10 + 4 + 2);
            assert.match(
                lines[9],
                /^ {2}tokyo +JP +asia +ap-southeast-1 +5,318 +53\.2 +ap-northeast-1 +0\.0 +ap-northeast-1 +0\.0$/,
            );
            assert.deepStrictEqual(lines.slice(13, 15), [
                "  target (latencyTargetMs): 10 ms on every shard",
                "  the reference's targets: new_york 5 ms, london 8 ms, tokyo 10 ms",
            ]);
            // The table fits the plan's 100 columns, so a pipe or a CI log shows it unwrapped.
            assert.ok(lines.slice(1, 12).every((line) => line.length <= 100));
            assert.match(lines[16], /^ {2}Warning: tokyo: .* ap-northeast-1 would meet it/);
            assert.match(lines[17], /^ {2}Warning: mumbai: .* ap-south-1 would meet it/);
            assert.strictEqual(
                renderLatency(undefined),
                "Latency floors per city: great-circle km, round trip over fibre at 2/3 c (km / 100 ms)\n  This stack declares no shards.",
            );
        });

        it("puts the latency section into the prod plan, after the shards", () => {
            const { code, text } = reportPlan("prod", prod, false);
            assert.strictEqual(code, 0);
            const section = renderLatency(prod.outputs.shardMap as ShardMap);
            assert.ok(text.includes(`\n\n${section}\n\n`), "the section stands on its own");
            assert.ok(text.indexOf(section) > text.indexOf("Shard asia"));
            // The first screen names the cities over target among the shard's attention items.
            assert.match(text, /^ {2}attention {2}.*; over the latency target: tokyo, mumbai$/m);
            assert.doesNotMatch(text, /^ {2}attention {2}.*over the latency target: (?!tokyo)/m);
            assert.match(
                text,
                /Warning: tokyo: the round trip to ap-southeast-1 cannot be under 53\.2 ms, above the 10 ms target; ap-northeast-1 would meet it/,
            );
            assert.match(
                text,
                /Warning: mumbai: the round trip to ap-southeast-1 cannot be under 39\.1 ms, above the 10 ms target; ap-south-1 would meet it/,
            );
        });

        it("publishes the shard map docs/architecture.md documents: places, locations, recovery, target", () => {
            const doc = fs.readFileSync(
                path.join(__dirname, "..", "docs", "architecture.md"),
                "utf8",
            );
            const section = doc.slice(doc.indexOf("### The shard map"));
            const block = section.slice(
                section.indexOf("```json") + 7,
                section.indexOf("```\n", 10),
            );
            const documented = JSON.parse(block);
            const map = prod.outputs.shardMap as ShardMap;
            const europe = map.shards.europe;
            const {
                writer,
                reader,
                port,
                region,
                cities,
                engine,
                location,
                recovery,
                latencyTargetMs,
            } = documented.shards.europe;
            assert.deepStrictEqual(
                {
                    writer,
                    reader,
                    port,
                    region,
                    cities,
                    engine,
                    location,
                    recovery,
                    latencyTargetMs,
                },
                {
                    writer: europe.writer,
                    reader: europe.reader,
                    port: europe.port,
                    region: europe.region,
                    cities: europe.cities,
                    engine: europe.engine,
                    location: europe.location,
                    recovery: europe.recovery,
                    latencyTargetMs: europe.latencyTargetMs,
                },
            );
            assert.deepStrictEqual(
                Object.keys(documented.shards.europe),
                Object.keys(europe),
                "the documented entry has every field, in order",
            );
            for (const city of europe.cities) {
                assert.deepStrictEqual(documented.places[city], map.places[city]);
                assert.strictEqual(documented.cityToShard[city], map.cityToShard[city]);
            }
            assert.deepStrictEqual(Object.keys(map), ["shards", "cityToShard", "places"]);
            assert.deepStrictEqual(Object.keys(map.places), Object.keys(map.cityToShard));
        });

        it("tags each home database with its cities' countries, and the pack finds no violation", () => {
            const homes = prod.resources
                .filter((r) => r.type === types.cluster && r.inputs.tags.role === "database")
                .map((r) => [r.name, r.inputs.tags.countries, r.inputs.tags.residency])
                .sort();
            assert.deepStrictEqual(homes, [
                ["asia-cluster", "IN JP SG", undefined],
                ["europe-cluster", "DE FR GB", "eu"],
                ["us-east-cluster", "US", undefined],
                ["us-west-cluster", "US", undefined],
            ]);
            // Only the home database: its instances and the recovery copy carry no countries.
            assert.strictEqual(
                prod.resources.filter((r) => r.inputs.tags?.countries !== undefined).length,
                4,
            );
            assert.deepStrictEqual(
                evaluatePolicies(prod.resources, [cityResidency]).violations,
                [],
            );
        });
    });

    describe("the city-residency rule on a synthesized stack", () => {
        let reference: ProgramRun;
        before(async () => {
            reference = await sharedRun();
        });

        /** The reference stack with the europe cluster's tags changed, as another program might declare them. */
        function withEuropeTags(tags: Record<string, string | undefined>): RecordedResource[] {
            return reference.resources.map((r) =>
                r.type === types.cluster && r.name === "europe-cluster"
                    ? { ...r, inputs: { ...r.inputs, tags: { ...r.inputs.tags, ...tags } } }
                    : r,
            );
        }

        it("refuses a shard serving Berlin without residency eu", () => {
            assert.deepStrictEqual(
                evaluatePolicies(withEuropeTags({ countries: "DE GB" }), [
                    cityResidency,
                ]).violations.map((v) => [v.policy, v.enforcementLevel, v.resource, v.message]),
                [
                    [
                        "city-residency",
                        "mandatory",
                        "europe",
                        "Shard europe serves cities in DE, where residency eu applies, but declares no residency: set residency: eu on the shard, or move those cities to a shard that has it.",
                    ],
                ],
            );
        });

        it("accepts it with residency eu, and a shard whose cities are all outside the EU and EEA", () => {
            assert.deepStrictEqual(
                evaluatePolicies(withEuropeTags({ countries: "DE GB", residency: "eu" }), [
                    cityResidency,
                ]).violations,
                [],
            );
            assert.deepStrictEqual(
                evaluatePolicies(reference.resources, [cityResidency]).violations,
                [],
            );
        });

        it("is one of the pack's stack rules, and the prod shards pass the whole pack's view of it", async () => {
            const prod = await sharedRun({}, prodShards());
            assert.deepStrictEqual(
                evaluatePolicies(prod.resources, [cityResidency]).violations,
                [],
            );
            const { policies } = await import("../policies/rules");
            assert.ok(policies.includes(cityResidency));
        });
    });
});

import * as assert from "assert";
import { ShardMap } from "../components/shardMap";
import { createRouter, UnknownCityError } from "../lib";
import { runProgram } from "../tools/mockRuntime";
import { readStackConfig } from "../tools/stackConfig";
import { prodRun } from "./helpers";

describe("the router over the prod shard map", () => {
    let map: ShardMap;
    before(async () => {
        const prod = await prodRun();
        map = prod.outputs.shardMap as ShardMap;
    });

    it("routes every prod city to its shard, as cityToShard has it", () => {
        const router = createRouter(map);
        assert.deepStrictEqual(
            Object.keys(map.cityToShard).map((city) => [city, router.shardForCity(city)]),
            [
                ["new_york", "us-east"],
                ["boston", "us-east"],
                ["san_francisco", "us-west"],
                ["los_angeles", "us-west"],
                ["london", "europe"],
                ["paris", "europe"],
                ["berlin", "europe"],
                ["tokyo", "asia"],
                ["singapore", "asia"],
                ["mumbai", "asia"],
            ],
        );
    });

    it("gives a New York rider the US East writer, and its readers", () => {
        const router = createRouter(map);
        const shard = router.shardForCity("new_york");
        assert.strictEqual(shard, "us-east");
        assert.strictEqual(router.writerOf(shard), "writer.us-east.db.internal");
        assert.strictEqual(router.readerOf(shard), "reader.us-east.db.internal");
        assert.strictEqual(router.entryOf(shard).region, "us-east-1");
    });

    it("sends a traveler to the shard of the nearest configured city, not a fence", () => {
        const router = createRouter(map);
        const travelers: [string, number, number, string][] = [
            ["London, Trafalgar Square", 51.508, -0.128, "europe"],
            ["Heathrow", 51.47, -0.4543, "europe"],
            ["Amsterdam (no shard lists it; Paris and London are nearest)", 52.37, 4.89, "europe"],
            ["Tokyo, Shibuya", 35.658, 139.7016, "asia"],
            ["Seattle (nearest configured: San Francisco)", 47.61, -122.33, "us-west"],
            ["Philadelphia (nearest configured: New York)", 39.95, -75.17, "us-east"],
            ["Bangalore (nearest configured: Mumbai)", 12.97, 77.59, "asia"],
        ];
        assert.deepStrictEqual(
            travelers.map(([where, lat, lon]) => [where, router.shardForLocation(lat, lon)]),
            travelers.map(([where, , , shard]) => [where, shard]),
        );
        assert.throws(() => router.shardForLocation(91, 0), {
            name: "RangeError",
            message: "(91, 0) is not a latitude and longitude in degrees",
        });
    });

    it("refuses an unknown city when the map has no default shard, as prod has none", () => {
        assert.strictEqual(map.defaultShard, undefined);
        const router = createRouter(map);
        assert.throws(
            () => router.shardForCity("atlantis"),
            (error: Error) =>
                error instanceof UnknownCityError &&
                error.message ===
                    'city "atlantis" is not in the shard map and the map has no defaultShard; add it to a shard\'s cities, or set geoshard:defaultShard',
        );
        assert.throws(() => router.writerOf("mars"), {
            message: '"mars" is not a shard of the map; shards: asia, europe, us-east, us-west',
        });
    });

    it("gives an unknown city exactly the configured default shard", async () => {
        const withDefault = await runProgram(
            { ...readStackConfig("prod"), "geoshard:defaultShard": "europe" },
            { stack: "prod" },
        );
        const defaulted = withDefault.outputs.shardMap as ShardMap;
        assert.strictEqual(defaulted.defaultShard, "europe");
        const router = createRouter(defaulted);
        assert.strictEqual(router.shardForCity("atlantis"), "europe");
        // A known city still goes to its own shard.
        assert.strictEqual(router.shardForCity("tokyo"), "asia");
    });

    it("refuses a map whose default shard is not one of its shards", () => {
        assert.throws(() => createRouter({ ...map, defaultShard: "mars" }), {
            message:
                'shard map: defaultShard "mars" is not one of its shards (asia, europe, us-east, us-west)',
        });
    });

    it("routes a traveler by a shard's region when the map lists no places for it", () => {
        const { places: _places, ...withoutPlaces } = map;
        void _places;
        const router = createRouter({ ...withoutPlaces, places: {} });
        // Osaka is nearer Singapore than London, Virginia or California.
        assert.strictEqual(router.shardForLocation(34.69, 135.5), "asia");
        assert.strictEqual(router.shardForLocation(48.85, 2.35), "europe");
    });
});

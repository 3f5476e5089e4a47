import * as assert from "assert";
import { chooseAzs, placeInstances, Zone } from "../components/placement";

const zones = (pairs: [string, string][]): Zone[] =>
    pairs.map(([name, zoneId]) => ({ name, zoneId }));

describe("placement", () => {
    it("chooses three AZs by zone ID, so every account gets the same physical zones", () => {
        assert.deepStrictEqual(
            chooseAzs(
                zones([
                    ["eu-west-2a", "euw2-az2"],
                    ["eu-west-2b", "euw2-az3"],
                    ["eu-west-2c", "euw2-az1"],
                ]),
            ),
            ["eu-west-2c", "eu-west-2a", "eu-west-2b"],
        );
    });

    it("never chooses us-east-1's constrained zone use1-az3, whatever its name", () => {
        assert.deepStrictEqual(
            chooseAzs(
                zones([
                    ["us-east-1a", "use1-az3"],
                    ["us-east-1b", "use1-az6"],
                    ["us-east-1c", "use1-az1"],
                    ["us-east-1d", "use1-az2"],
                    ["us-east-1e", "use1-az4"],
                ]),
            ),
            ["us-east-1c", "us-east-1d", "us-east-1e"],
        );
    });

    it("works with the two AZs of us-west-1", () => {
        assert.deepStrictEqual(
            chooseAzs(
                zones([
                    ["us-west-1a", "usw1-az3"],
                    ["us-west-1c", "usw1-az1"],
                ]),
            ),
            ["us-west-1c", "us-west-1a"],
        );
    });

    it("refuses a region with one usable AZ, naming the constrained one it skipped", () => {
        assert.throws(
            () =>
                chooseAzs(
                    zones([
                        ["us-east-1a", "use1-az3"],
                        ["us-east-1b", "use1-az6"],
                    ]),
                ),
            {
                message:
                    'a shard needs at least two usable availability zones, got ["us-east-1a (use1-az3)","us-east-1b (use1-az6)"]; ' +
                    "the standby must not share the writer's AZ, and use1-az3 is never used",
            },
        );
    });

    it("puts writer, standby and two readers on three AZs, one reader apart from the writer", () => {
        assert.deepStrictEqual(placeInstances(["a", "b", "c"], 2), {
            writer: "a",
            standby: "b",
            readers: ["c", "a"],
        });
    });

    it("with two AZs keeps the standby apart from the writer and splits the readers", () => {
        assert.deepStrictEqual(placeInstances(["a", "c"], 2), {
            writer: "a",
            standby: "c",
            readers: ["a", "c"],
        });
    });

    for (const azCount of [2, 3]) {
        for (const readerCount of [0, 1, 2, 3, 5, 14]) {
            it(`spreads ${readerCount} readers evenly over ${azCount} AZs`, () => {
                const azs = ["a", "b", "c"].slice(0, azCount);
                const placement = placeInstances(azs, readerCount);
                assert.notStrictEqual(placement.standby, placement.writer);
                assert.strictEqual(placement.readers.length, readerCount);
                const counts = azs.map((az) => placement.readers.filter((r) => r === az).length);
                assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `uneven: ${counts}`);
            });
        }
    }
});

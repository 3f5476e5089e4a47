import * as assert from "assert";
import { chooseAzs, placeInstances } from "../components/placement";

describe("placement", () => {
    it("uses the first three AZs in name order, whatever order the region lists them in", () => {
        assert.deepStrictEqual(
            chooseAzs(["us-east-1f", "us-east-1b", "us-east-1a", "us-east-1c", "us-east-1d"]),
            ["us-east-1a", "us-east-1b", "us-east-1c"],
        );
    });

    it("refuses a region with one AZ", () => {
        assert.throws(
            () => chooseAzs(["ap-x-1a"]),
            /a shard needs at least two availability zones, got \["ap-x-1a"\]; the standby must not share the master's AZ/,
        );
    });

    it("puts master, standby and two replicas on three AZs, one replica apart from the master", () => {
        assert.deepStrictEqual(placeInstances(["a", "b", "c"], 2), {
            master: "a",
            standby: "b",
            replicas: ["c", "a"],
        });
    });

    it("with two AZs keeps the standby apart from the master and splits the replicas", () => {
        assert.deepStrictEqual(placeInstances(["a", "c"], 2), {
            master: "a",
            standby: "c",
            replicas: ["a", "c"],
        });
    });

    for (const azCount of [2, 3]) {
        for (const replicaCount of [0, 1, 2, 3, 5, 14]) {
            it(`spreads ${replicaCount} replicas evenly over ${azCount} AZs`, () => {
                const azs = ["a", "b", "c"].slice(0, azCount);
                const placement = placeInstances(azs, replicaCount);
                assert.notStrictEqual(placement.standby, placement.master);
                assert.strictEqual(placement.replicas.length, replicaCount);
                const counts = azs.map((az) => placement.replicas.filter((r) => r === az).length);
                assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `uneven: ${counts}`);
            });
        }
    }
});

import * as assert from "assert";
import { editDistance, nearest } from "../config/suggest";

describe("suggestions for a mistyped key", () => {
    it("counts insertions, deletions and substitutions", () => {
        assert.strictEqual(editDistance("", ""), 0);
        assert.strictEqual(editDistance("stack", "stack"), 0);
        assert.strictEqual(editDistance("stak", "stack"), 1);
        assert.strictEqual(editDistance("kitten", "sitting"), 3);
        assert.strictEqual(editDistance("", "abc"), 3);
    });

    it("names the nearest known word when it is close enough and unambiguous", () => {
        const keys = ["replicaCount", "replicaInstanceClass", "region", "redshift"];
        assert.strictEqual(nearest("replicaCout", keys), "replicaCount");
        assert.strictEqual(nearest("REPLICACOUNT", keys), "replicaCount");
        assert.strictEqual(nearest("redshfit", keys), "redshift");
        assert.strictEqual(nearest("colour", keys), undefined);
        // One edit from "redshift" and one from "regshaft": no guess.
        assert.strictEqual(nearest("regshift", ["region", "redshift", "regshaft"]), undefined);
    });
});

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import * as lib from "../lib";
import { projectRoot } from "../tools/stackConfig";

describe("the library entry", () => {
    it("exports the components and the AZ choice; everything else it exports is a type", () => {
        assert.deepStrictEqual(Object.keys(lib).sort(), [
            "RegionalShard",
            "Warehouse",
            "chooseAzs",
        ]);
    });

    it("leaves index.ts the program Pulumi runs", () => {
        // The Node.js runtime runs package.json's `exports["."]` before its `main`, unless
        // Pulumi.yaml names a `main`: a library `exports` would replace the program.
        const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot, "package.json"), "utf8"));
        assert.strictEqual(pkg.main, "index.ts");
        assert.strictEqual(pkg.exports, undefined);
        const project = parse(fs.readFileSync(path.join(projectRoot, "Pulumi.yaml"), "utf8"));
        assert.strictEqual(project.main, undefined);
    });
});

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { prodRun } from "./helpers";

/**
 * Resource URNs are a contract with live databases: a changed URN makes Pulumi delete one
 * resource and create another. This test keeps the prod stack's URNs in a snapshot.
 */
const snapshot = path.join(__dirname, "snapshots", "prod-urns.txt");

describe("URN stability", () => {
    it("keeps every URN of the prod stack", async () => {
        const run = await prodRun();
        const urns = run.resources.map((r) => r.urn).sort();
        if (process.env.UPDATE_URN_SNAPSHOT) {
            fs.writeFileSync(snapshot, urns.join("\n") + "\n");
        }
        const expected = fs.readFileSync(snapshot, "utf8").trim().split("\n");
        const removed = expected.filter((u) => !urns.includes(u));
        const added = urns.filter((u) => !expected.includes(u));
        assert.ok(
            removed.length === 0 && added.length === 0,
            [
                `The prod stack's URNs changed: ${removed.length} gone, ${added.length} new.`,
                ...removed.map((u) => `  - ${u}`),
                ...added.map((u) => `  + ${u}`),
                "A resource whose URN disappears is DELETED by the next `pulumi up` (a database among them).",
                "If a resource moved or was renamed on purpose, give it `aliases` with its old name or",
                "parent so Pulumi adopts the live resource, then accept the new URNs:",
                "  UPDATE_URN_SNAPSHOT=1 npx mocha --grep 'URN stability'",
                "New resources alone (only + lines) are safe: accept them the same way.",
            ].join("\n"),
        );
    });
});

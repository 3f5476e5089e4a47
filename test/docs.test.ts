/**
 * The docs hold facts the code holds too: the pack's rules, the config keys and their defaults,
 * the limits config enforces, and what the alarms do. Each test reads both sides, so a change to
 * one side alone fails here.
 */

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { dmsResourceIdentifierMaxLength } from "../components/cdc";
import {
    backupRetentionLimits,
    dnsTtlLimitsSeconds,
    monitoringIntervals,
    operationDefaults,
    shardDefaults,
    storageLimitsGiB,
} from "../components/defaults";
import {
    auroraGlobalReaderLimit,
    maxAuroraReadersWith,
    maxReaders,
    minReaders,
} from "../components/engines";
import { cdcLatencyAlarmSeconds } from "../components/shardCdc";
import {
    environmentNameMaxLength,
    inheritedSettingKeys,
    shardKeys,
    shardNameMaxLength,
    stackKeys,
} from "../config/schema";
import { policies } from "../policies/rules";
import { ProgramRun } from "../tools/mockRuntime";
import { referenceShards, run } from "./helpers";

const repo = path.join(__dirname, "..");
const read = (file: string) => fs.readFileSync(path.join(repo, file), "utf8");

/** The rows of the Markdown table whose header row is `header`, as trimmed cells. */
function table(text: string, header: string): string[][] {
    const lines = text.split("\n");
    const start = lines.indexOf(header);
    assert.ok(start >= 0, `no table ${header}`);
    const rows: string[][] = [];
    for (const line of lines.slice(start + 2)) {
        if (!line.startsWith("|")) {
            break;
        }
        // Cells split on `|`, but not on an escaped `\|` inside a cell.
        rows.push(
            line
                .slice(1, -1)
                .split(/(?<!\\)\|/)
                .map((cell) => cell.trim()),
        );
    }
    return rows;
}

/** The first `code span` of a cell. */
const codeOf = (cell: string) => /^`([^`]+)`/.exec(cell)?.[1] ?? cell;

describe("the docs agree with the code", () => {
    const readme = read("README.md");

    it("lists every rule of the pack in the README, with its level and its settings, and no other", () => {
        const rows = table(readme, "| rule | level | checks | config (default) |");
        const documented = rows.map(([rule, level, , config]) => ({
            name: codeOf(rule),
            stack: rule.endsWith("(stack)"),
            level,
            config,
        }));
        assert.deepStrictEqual(
            documented.map((d) => d.name),
            policies.map((p) => p.name),
            "the README lists the rules of policies/rules.ts, in its order",
        );
        for (const policy of policies) {
            const row = documented.find((d) => d.name === policy.name)!;
            assert.strictEqual(row.level, policy.enforcementLevel, policy.name);
            assert.strictEqual(row.stack, "validateStack" in policy, `${policy.name} (stack)`);
            const settings = Object.keys(policy.configSchema?.properties ?? {});
            assert.deepStrictEqual(
                settings.filter((key) => !row.config.includes(`\`${key}\``)),
                [],
                `${policy.name}: settings the README leaves out`,
            );
        }
    });

    it("gives every config key a README row, with Pulumi.yaml's type and default", () => {
        const rows = table(readme, "| key | type | default | meaning |");
        assert.deepStrictEqual(
            rows.map(([key]) => codeOf(key)).sort(),
            [...stackKeys].sort(),
            "README's config table against config/schema.ts stackKeys",
        );
        const project = parse(read("Pulumi.yaml")) as {
            config: Record<string, { type: string; default?: unknown; items?: unknown }>;
        };
        const declared = Object.keys(project.config);
        assert.deepStrictEqual(
            declared.filter((key) => !stackKeys.includes(key)),
            [],
            "Pulumi.yaml declares only keys config/schema.ts knows",
        );
        for (const key of declared) {
            const { type, default: fallback } = project.config[key];
            const [, readmeType, readmeDefault] = rows.find(([k]) => codeOf(k) === key)!;
            const expectedType =
                type === "array"
                    ? /^list/
                    : type === "string"
                      ? /string|`/
                      : new RegExp(`^${type}$`);
            assert.match(readmeType, expectedType, `${key}: Pulumi.yaml type ${type}`);
            if (fallback !== undefined) {
                const shown = Array.isArray(fallback) ? JSON.stringify(fallback) : String(fallback);
                assert.strictEqual(codeOf(readmeDefault), shown, `${key}: Pulumi.yaml default`);
            }
        }
        // The defaults the program applies, where Pulumi.yaml leaves them out (engine-only keys).
        const defaults: Record<string, unknown> = { ...shardDefaults, ...operationDefaults };
        for (const [key, value] of Object.entries(defaults)) {
            const row = rows.find(([k]) => codeOf(k) === key)!;
            const shown = Array.isArray(value) ? JSON.stringify(value) : String(value);
            assert.strictEqual(codeOf(row[2]), shown, `${key}: the program's default`);
        }
        // A shard entry: the keys of its own; the inherited ones are the stack table's.
        const shardRows = table(readme, "| key | required | meaning |");
        assert.deepStrictEqual(
            shardRows
                .map(([key]) => codeOf(key))
                .filter((key) => key !== "any inherited key above")
                .sort(),
            shardKeys
                .filter((key) => !(inheritedSettingKeys as readonly string[]).includes(key))
                .sort(),
        );
    });

    it("quotes config's limits as the constants set them", () => {
        const project = read("Pulumi.yaml");
        const row = (key: string) =>
            table(readme, "| key | type | default | meaning |")
                .find(([k]) => codeOf(k) === key)!
                .join(" | ");
        const shardRow = table(readme, "| key | required | meaning |")
            .find(([k]) => codeOf(k) === "name")!
            .join(" | ");
        // The shard name, the same in every environment.
        assert.match(
            project,
            new RegExp(`lowercase, digits, hyphens, <= ${shardNameMaxLength}\\n`),
        );
        assert.ok(
            shardRow.includes(`up to ${shardNameMaxLength} lowercase letters`) &&
                shardRow.includes(`the ${dmsResourceIdentifierMaxLength} characters DMS takes`),
            shardRow,
        );
        assert.ok(
            row("environment").includes(`at most ${environmentNameMaxLength} characters`),
            row("environment"),
        );
        // Readers: the standby is Aurora's fifteenth replica.
        const aurora = maxReaders["aurora-postgresql"];
        assert.strictEqual(aurora + 1, 15);
        assert.ok(
            row("replicaCount").includes(
                `${minReaders} to ${aurora} on Aurora (the standby is the fifteenth replica), ` +
                    `${minReaders} to ${maxAuroraReadersWith(1)} on an Aurora shard with \`dr\` ` +
                    `(a global database counts its secondary cluster among the ` +
                    `${auroraGlobalReaderLimit}), ${minReaders} to ${maxReaders.postgres} on RDS`,
            ),
            row("replicaCount"),
        );
        assert.ok(
            row("backupRetentionDays").includes(
                `${backupRetentionLimits.min} to ${backupRetentionLimits.max}`,
            ),
            row("backupRetentionDays"),
        );
        assert.ok(
            row("dnsTtlSeconds").includes(
                `${dnsTtlLimitsSeconds.min} to ${dnsTtlLimitsSeconds.max}`,
            ),
            row("dnsTtlSeconds"),
        );
        const intervals = monitoringIntervals.slice(0, -1).join(", ");
        assert.ok(
            row("monitoringIntervalSeconds").includes(
                `${intervals} or ${monitoringIntervals.at(-1)}`,
            ),
            row("monitoringIntervalSeconds"),
        );
        const maxAllocation = Math.floor(storageLimitsGiB.max / 1.1);
        assert.ok(
            row("allocatedStorageGiB").includes(`${storageLimitsGiB.min} to ${maxAllocation}`),
            row("allocatedStorageGiB"),
        );
        assert.ok(
            row("maxAllocatedStorageGiB").includes(`at most ${storageLimitsGiB.max}`),
            row("maxAllocatedStorageGiB"),
        );
    });

    describe("the runbooks and the architecture describe the alarms as they are", () => {
        let shards: ProgramRun;
        const architecture = read("docs/architecture.md");
        const failover = read("docs/runbooks/failover.md");
        /** CloudWatch's state for an alarm with no data, by `treatMissingData`. */
        const stateWithoutData: Record<string, string> = {
            missing: "INSUFFICIENT_DATA",
            breaching: "ALARM",
            notBreaching: "OK",
            ignore: "the state it was in",
        };
        const alarm = (name: string) => {
            const found = shards.resources.filter(
                (r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" && r.name === name,
            );
            assert.strictEqual(found.length, 1, name);
            return found[0].inputs;
        };

        before(async function () {
            // One program run: under a loaded machine it may take longer than mocha's default.
            this.timeout(60000);
            // One Aurora shard and one RDS shard, with CDC: every alarm the docs describe.
            shards = await run({}, [
                referenceShards()[0],
                { ...referenceShards()[1], engine: "postgres" },
            ]);
        });

        it("the Aurora replica-lag alarms: threshold, period and missing data", () => {
            const standby = alarm("us-east-standby-replica-lag");
            const reader = alarm("us-east-reader-1-replica-lag");
            const seconds = operationDefaults.replicaLagAlarmSeconds;
            for (const spec of [standby, reader]) {
                assert.strictEqual(spec.threshold, seconds * 1000);
                assert.strictEqual(spec.period * spec.evaluationPeriods, 180);
            }
            const row = architecture
                .split("\n")
                .find((line) =>
                    line.startsWith("| `standby-replica-lag`, `reader-<n>-replica-lag`"),
                )!;
            assert.ok(
                row.includes(`above \`replicaLagAlarmSeconds\` (${seconds}) for 3 min`) &&
                    row.includes(`the threshold is ${(seconds * 1000).toLocaleString("en-US")}`),
                row,
            );
            assert.strictEqual(
                row.includes("a reader's also on no data (missing data breaches)"),
                reader.treatMissingData === "breaching",
                row,
            );
            assert.strictEqual(
                row.includes("the standby's not (missing data is missing"),
                standby.treatMissingData === "missing",
                row,
            );
            // After a failover the standby is writer and reports no lag: its alarm's state then.
            const state = stateWithoutData[standby.treatMissingData];
            assert.ok(failover.includes(`\`standby-replica-lag\` goes to ${state}`), state);
            assert.ok(failover.includes(`\`standby-replica-lag\` in ${state} while`), state);
            assert.ok(
                failover.includes(`standby-replica-lag\` goes to ${state} a few minutes after`),
                state,
            );
            assert.ok(
                architecture.includes(
                    `treats\n  missing data as ${standby.treatMissingData}, so it goes to ${state}`,
                ),
                state,
            );
        });

        it("the RDS replica-lag alarm and the CDC latency alarms", () => {
            const replica = alarm("us-west-reader-1-replica-lag");
            const row = architecture
                .split("\n")
                .find((line) => line.startsWith("| `reader-<n>-replica-lag` | `ReplicaLag`"))!;
            assert.strictEqual(
                row.includes("or no data (missing data breaches)"),
                replica.treatMissingData === "breaching",
                row,
            );
            assert.strictEqual(replica.threshold, operationDefaults.replicaLagAlarmSeconds);
            const cdc = alarm("us-east-cdc-latency-source");
            assert.strictEqual(cdc.threshold, cdcLatencyAlarmSeconds);
            assert.ok(
                failover.includes(
                    `if DMS falls more than ${cdcLatencyAlarmSeconds / 60} minutes behind`,
                ),
            );
            const state = stateWithoutData[cdc.treatMissingData];
            assert.ok(
                failover.includes(
                    `leaves it in ${state}, since missing data is ${cdc.treatMissingData}`,
                ),
                state,
            );
        });
    });
});

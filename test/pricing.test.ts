import * as assert from "assert";
import { readFileSync } from "fs";
import { join } from "path";
import { shardDefaults } from "../components/defaults";
import {
    checkBudget as ruleCheckBudget,
    monthlyBudget,
    monthlyBudgetPolicy,
} from "../policies/rules/budget";
import {
    auroraStorageTierNumbers,
    budgetFinding,
    checkBudget,
    checkComplete,
    compareEngines,
    ComponentCost,
    costHeadline,
    describeRecoveryLever,
    describeReserved,
    engineVerdict,
    oneSizeDown,
    priceAge,
    recoveryLever,
    reservedComparison,
    shardTotals,
    defaultAuroraStorageType,
    estimateShard,
    estimateStack,
    lookupPrice,
    parsePriceSheet,
    priceSheet,
    pricesUsed,
    renderCostTable,
    renderShardLines,
    ShardCost,
    ShardCostInput,
    usageAssumptions,
} from "../pricing";
import { costDocPath, costDocSections, docSection, prodCost } from "../pricing/costDoc";
import { cents, usd } from "../pricing/format";
import { prodStackCostInput, referenceShard } from "../pricing/prodStack";
import { evaluatePolicies, hasMandatoryViolation } from "../tools/policyEval";
import { readStackConfig } from "../tools/stackConfig";

const part = (cost: ShardCost, name: string): ComponentCost =>
    cost.components.find((c) => c.component === name)!;

/** The reference's shard in us-east-1 with 7 days of backups and no CDC. */
const usEast = (overrides: Partial<ShardCostInput> = {}) =>
    referenceShard("us-east", "us-east-1", overrides);

describe("pricing: the price data", () => {
    it("keeps every entry's source, date, confidence and basis", () => {
        const scale = Object.keys(
            JSON.parse(readFileSync(join(__dirname, "../pricing/prices.json"), "utf8"))
                .confidence_scale,
        );
        for (const p of priceSheet.prices) {
            assert.match(p.as_of, /^\d{4}(-\d{2}(-\d{2})?)?$/, p.item);
            assert.ok(p.source.length > 10, p.item);
            assert.ok(scale.includes(p.confidence), `${p.item}: ${p.confidence}`);
            assert.match(p.basis, /^(observed|inferred|derived)/, p.item);
            assert.ok(
                [
                    "us-east-1",
                    "us-west-1",
                    "eu-west-2",
                    "ap-southeast-1",
                    "eu-west-1",
                    "ap-northeast-1",
                    "global",
                ].includes(p.region),
                `${p.item} in ${p.region}`,
            );
        }
        assert.strictEqual(priceSheet.prices.length, 646);
        assert.match(priceSheet.note, /^AWS on-demand list prices for the geoshard cost model/);
        assert.doesNotMatch(priceSheet.note, /\/(work|home|tmp|Users)\//);
    });

    it("refuses an entry without its date", () => {
        const entry = { ...priceSheet.prices[0], as_of: undefined };
        const sheet = { note: "n", compiled: "c", currency: "USD", prices: [entry] };
        assert.throws(
            () => parsePriceSheet(sheet),
            /prices\[0\]: as_of must be a non-empty string/,
        );
    });

    it("looks a price up by service, item and region, with its date and source", () => {
        const price = lookupPrice(
            "Amazon Aurora PostgreSQL",
            "aurora-postgresql db.r6g.8xlarge standard instance-hour",
            "us-east-1",
        );
        assert.deepStrictEqual(
            [price?.usd, price?.unit, price?.asOf, price?.source.split("@")[0]],
            [4.153, "USD per instance-hour", "2021-12-21", "vantage-sh/ec2instances.info"],
        );
        assert.strictEqual(
            lookupPrice("Amazon Aurora", "aurora standard I/O requests", "ap-southeast-1"),
            undefined,
        );
        const check = "route53 health check cloudwatch-metric (alarm-based) month";
        assert.strictEqual(lookupPrice("Amazon Route 53", check, "eu-west-2")?.region, "global");
    });

    it("bills Multi-AZ as twice Single-AZ, as the model does for gp3 storage", () => {
        const rds = (item: string) => lookupPrice("Amazon RDS", item, "us-east-1")!.usd;
        assert.strictEqual(
            rds("rds gp3 storage multi-az GB-month"),
            2 * rds("rds gp3 storage single-az GB-month"),
        );
    });
});

describe("pricing: one shard, by hand", () => {
    it("prices us-east-1 on Aurora Standard", () => {
        // instances: writer + standby 2 x 4.153 x 730 = 6,063.38; readers 2 x 2.076 x 730 = 3,030.96
        // storage:   1,000 GB x 0.10 = 100.00
        // I/O:       (1,000 writes/s x 1 + 9,000 reads/s x 5 pages x 1%) = 1,450/s
        //            x 2,628,000 s = 3,810.6 million x 0.20 = 762.12
        // backups:   7 d x 86.4 GB/day (1,000 writes/s x 86,400 s x 1 KB) = 604.8 GB x 0.021 = 12.70
        // monitoring: 24 alarms x 0.10 + key 1.00 + secret 0.40 = 3.80
        // total:     9,094.34 + 862.12 + 12.70 + 3.80 = 9,972.96
        const cost = estimateShard(usEast());
        assert.strictEqual(cost.storageType, "aurora");
        assert.deepStrictEqual(
            cost.components.map((c) => [c.component, c.monthlyUsd]),
            [
                ["instances", 9094.34],
                ["storage-and-io", 862.12],
                ["backups", 12.7],
                ["proxy", 0],
                ["recovery", 0],
                ["cdc", 0],
                ["monitoring-and-dns", 3.8],
            ],
        );
        assert.strictEqual(cost.monthlyUsd, 9972.96);
        assert.deepStrictEqual(
            part(cost, "instances").lines.map((l) => [l.role, l.quantity, l.monthlyUsd]),
            [
                ["writer", 730, 3031.69],
                ["standby", 730, 3031.69],
                ["reader", 730, 1515.48],
                ["reader", 730, 1515.48],
            ],
        );
        const io = part(cost, "storage-and-io").lines[1];
        assert.strictEqual(Number(io.quantity!.toFixed(3)), 3810.6);
        assert.strictEqual(io.price?.unit, "USD per 1 million I/O requests");
        assert.deepStrictEqual(
            cost.unpriced.map((u) => u.description),
            [
                "CloudWatch Logs: exported PostgreSQL logs, Enhanced Monitoring",
                "Performance Insights",
                "SNS alarm notifications",
            ],
        );
        assert.deepStrictEqual(cost.messages, []);
    });

    it("prices us-east-1 on RDS Multi-AZ with two replicas", () => {
        // instances: Multi-AZ master 7.194 x 730 = 5,251.62; replicas 2 x 1.798 x 730 = 2,625.08
        // storage:   (2 copies + 1 + 1) x 1,000 GB x 0.115 = 460.00
        // backups:   1,000 + 7 x 86.4 = 1,604.8 GB kept, under the 3,000 GB of the three instances: 0
        // total:     7,876.70 + 460.00 + 0 + 3.80 = 8,340.50
        const cost = estimateShard(
            usEast({
                engine: "postgres",
                instances: [
                    { role: "master", instanceClass: "db.r6g.8xlarge", multiAz: true },
                    { role: "replica", instanceClass: "db.r6g.4xlarge" },
                    { role: "replica", instanceClass: "db.r6g.4xlarge" },
                ],
            }),
        );
        assert.strictEqual(part(cost, "instances").monthlyUsd, 7876.7);
        assert.deepStrictEqual(
            part(cost, "storage-and-io").lines.map((l) => l.quantity),
            [2000, 1000, 1000],
        );
        assert.strictEqual(part(cost, "storage-and-io").monthlyUsd, 460);
        assert.strictEqual(part(cost, "backups").monthlyUsd, 0);
        assert.strictEqual(part(cost, "backups").incomplete, false);
        assert.strictEqual(cost.monthlyUsd, 8340.5);
    });

    it("prices a shard's CDC path into a warehouse in another region", () => {
        // In us-east-1 unless noted, 2,628 GB of changes a month (1,000/s x 2,628,000 s x 1 KB):
        //   DMS 2 DCU x 730 h x 0.0819 = 119.57; eu-west-2 -> us-east-1 2,628 x 0.02 = 52.56
        //   Kinesis 730 x 0.04 = 29.20 + in 2,628 x 0.08 = 210.24 + out 2,628 x 0.04 = 105.12
        //     + retention 2,628 x 144 / 730 = 518.4 GB-months x 0.10 = 51.84
        //   Firehose 2,628 million records x 5 KB = 13,140 GB x 0.029 = 381.06
        //     + partitioning 2,628 x 0.02 = 52.56 + objects 20 x 12/h x 730 = 175.2 k x 0.005 = 0.88
        //     + JQ 730 h x 0.07 = 51.10
        //   S3 30 days x 86.4 GB = 2,592 GB x 0.023 = 59.62 + PUTs 175.2 k x 0.005 = 0.88
        //   secret replica 0.40
        //   = 1,115.03
        const cost = estimateShard(
            referenceShard("europe", "eu-west-2", { cdc: { warehouseRegion: "us-east-1" } }),
        );
        const cdc = part(cost, "cdc");
        assert.deepStrictEqual(
            cdc.lines.map((l) => l.monthlyUsd),
            [
                119.57, 52.56, 29.2, 210.24, 105.12, 51.84, 381.06, 52.56, 0.88, 51.1, 59.62, 0.88,
                0.4,
            ],
        );
        assert.strictEqual(cdc.monthlyUsd, 1115.03);
        assert.strictEqual(cdc.lines[1].price?.region, "eu-west-2");
    });

    it("prices the proxy by the vCPUs it fronts", () => {
        // Aurora: every instance, 32 + 32 + 16 + 16 = 96 vCPUs x 730 h x 0.015 = 1,051.20
        const aurora = estimateShard(usEast({ proxy: true }));
        assert.strictEqual(part(aurora, "proxy").monthlyUsd, 1051.2);
        // RDS: the master only, 32 x 730 x 0.015 = 350.40
        const rds = compareEngines(usEast({ proxy: true }))[2].cost;
        assert.strictEqual(part(rds, "proxy").monthlyUsd, 350.4);
    });

    it("prices a recovery copy, with instances or headless", () => {
        // us-east-1 -> us-west-1: secondary 4.582 x 730 = 3,344.86 + volume 1,000 x 0.11 = 110.00
        //   + WAL 2,628 GB x 0.02 = 52.56 + key 1.00 = 3,508.42; headless: 163.56
        const recovery = (instances: { instanceClass: string }[]) =>
            part(
                estimateShard(usEast({ recovery: { region: "us-west-1", instances } })),
                "recovery",
            );
        const copy = recovery([{ instanceClass: "db.r6g.8xlarge" }]);
        assert.strictEqual(copy.monthlyUsd, 3508.42);
        assert.strictEqual(recovery([]).monthlyUsd, 163.56);
        // The sheet has no Global Database replicated-write price for us-west-1.
        assert.deepStrictEqual(
            copy.lines.filter((l) => l.unpriced).map((l) => l.description),
            ["replicated write I/Os into the secondary"],
        );
        // us-west-1 -> us-east-1: 2,628 million replicated write I/Os x 0.20 = 525.60
        const intoUsEast = estimateShard(
            referenceShard("us-west", "us-west-1", {
                recovery: { region: "us-east-1", instances: [] },
            }),
        );
        const writes = part(intoUsEast, "recovery").lines.find(
            (l) => l.description === "replicated write I/Os into the secondary",
        )!;
        assert.deepStrictEqual(
            [writes.kind, writes.region, writes.quantity, writes.price?.usd, writes.monthlyUsd],
            ["io", "us-east-1", 2628, 0.2, 525.6],
        );
    });

    it("follows usage overrides", () => {
        const io = (writesPerSecond: number) =>
            part(estimateShard(usEast({ usage: { writesPerSecond } })), "storage-and-io").lines[1]
                .monthlyUsd;
        assert.strictEqual(io(2000), 2 * io(1000)!);
        assert.throws(
            () => estimateShard(usEast({ usage: { readShare: 1 } })),
            /shard us-east: usage.readShare must be at least 0 and below 1 \(it is 1\)/,
        );
    });
});

describe("pricing: what has no price", () => {
    it("lists a service without a price in the region as unpriced, never as zero", () => {
        const cost = estimateShard(referenceShard("asia", "ap-southeast-1"));
        const storage = part(cost, "storage-and-io");
        assert.strictEqual(storage.monthlyUsd, 0);
        assert.strictEqual(storage.incomplete, true);
        assert.ok(storage.lines.every((l) => l.monthlyUsd === undefined && l.unpriced));
        assert.deepStrictEqual(
            cost.unpriced
                .filter((u) => u.component === "storage-and-io")
                .map((u) => [u.description, u.region, u.reason]),
            [
                [
                    "cluster volume 1,000 GB (Aurora Standard)",
                    "ap-southeast-1",
                    'no "aurora standard storage GB-month" price for the region',
                ],
                [
                    "I/O requests, 1,450/s",
                    "ap-southeast-1",
                    'no "aurora standard I/O requests" price for the region',
                ],
            ],
        );
        // The total is the priced lines only: 4 instances, the key, secret and alarms, and
        // nothing for storage.
        assert.strictEqual(
            cost.monthlyUsd,
            part(cost, "instances").monthlyUsd + part(cost, "monitoring-and-dns").monthlyUsd,
        );
        const table = renderCostTable(
            estimateStack(stackOf([referenceShard("asia", "ap-southeast-1")])),
        );
        assert.match(table, /asia\s+ap-southeast-1\s+10,976\.28\s+unpriced\s+unpriced/);
        assert.match(table, /storage-and-io: I\/O requests, 1,450\/s: .* \[asia ap-southeast-1\]/);
        assert.match(
            renderShardLines(cost),
            /I\/O requests, 1,450\/s: 3,810\.6 million requests, unpriced/,
        );
    });

    it("names a class the data does not price, with its region and engine", () => {
        const shard = usEast({
            instances: [
                { role: "writer", instanceClass: "db.x2g.4xlarge" },
                { role: "reader", instanceClass: "db.r6g.4xlarge" },
            ],
        });
        const cost = estimateShard(shard);
        assert.deepStrictEqual(cost.messages, [
            "No price for db.x2g.4xlarge (writer) on aurora-postgresql, Aurora Standard, in us-east-1: " +
                "it is left out of the total. The price data has db.r6g.large, db.r6g.xlarge, " +
                "db.r6g.2xlarge, db.r6g.4xlarge, db.r6g.8xlarge, db.r6g.12xlarge, db.r6g.16xlarge, " +
                "db.r7g.large, db.r7g.xlarge, db.r7g.8xlarge, db.r7g.12xlarge, db.r8g.large, " +
                "db.r8g.xlarge, db.r8g.2xlarge, db.r8g.4xlarge, db.r8g.8xlarge, db.r8g.12xlarge, " +
                "db.r8g.16xlarge there.",
        ]);
        assert.strictEqual(part(cost, "instances").monthlyUsd, 1515.48);
        assert.strictEqual(part(cost, "instances").incomplete, true);
        const stack = estimateStack(stackOf([shard]));
        assert.deepStrictEqual(stack.messages, [`us-east: ${cost.messages[0]}`]);
        assert.match(renderCostTable(stack), /^! us-east: No price for db\.x2g\.4xlarge/m);
    });

    it("says when a region has no price for the class at all", () => {
        const cost = estimateShard(referenceShard("brazil", "sa-east-1"));
        assert.strictEqual(cost.messages.length, 4);
        assert.match(
            cost.messages[0],
            /^No price for db\.r6g\.8xlarge \(writer\) on aurora-postgresql, Aurora Standard, in sa-east-1: .* The price data has no Aurora Standard class there\.$/,
        );
        assert.strictEqual(cost.monthlyUsd, 0);
    });

    it("counts a zero quantity as zero even without a price", () => {
        // RDS backups within the free allowance in ap-southeast-1, where the sheet has no backup price.
        const cost = compareEngines(referenceShard("asia", "ap-southeast-1"))[2].cost;
        assert.strictEqual(part(cost, "backups").monthlyUsd, 0);
        assert.strictEqual(part(cost, "backups").incomplete, false);
    });

    it("says what the stack total leaves out", () => {
        const cost = estimateStack(prodStackCostInput());
        const stackWide = cost.unpriced.filter((u) => u.scope === "stack");
        assert.deepStrictEqual(
            stackWide.map((u) => `${u.component}: ${u.description}`),
            [
                "warehouse: 2 VPC interface endpoints",
                "warehouse: Glue crawler, hourly",
                "warehouse: Athena queries",
                "warehouse: lake data after 30 days (Standard-IA, then Glacier Instant Retrieval)",
                "zone: DNS queries",
            ],
        );
        const table = renderCostTable(cost);
        // The private zone is priced ($0.50), its queries are not.
        assert.match(table, /^zone\s+global\s+0\.50\*$/m);
        assert.match(
            table,
            new RegExp(`^\\* leaves out ${cost.unpriced.length} unpriced items:$`, "m"),
        );
        assert.match(table, /^total\s+63,026\.86\*$/m);
        const redshift = estimateStack({
            ...prodStackCostInput(),
            warehouse: { region: "us-east-1", redshift: true },
        });
        assert.ok(redshift.unpriced.some((u) => u.description === "Redshift Serverless"));
    });
});

function stackOf(shards: ShardCostInput[]) {
    return { shards, warehouse: { region: "us-east-1", redshift: false }, zones: 1 };
}

describe("pricing: the budget", () => {
    it("finds nothing within the budget, and the overrun beyond it", () => {
        assert.strictEqual(checkBudget(45999.99, 46000), undefined);
        assert.strictEqual(checkBudget(46000, 46000), undefined);
        assert.strictEqual(
            checkBudget(47305.91, 46000),
            "The estimated monthly cost, $47,305.91, exceeds the budget of $46,000.00 by $1,305.91 (2.8%).",
        );
        assert.strictEqual(ruleCheckBudget, checkBudget);
        assert.match(
            checkBudget(50000, 46000, ["a", "b"])!,
            /by \$4,000\.00 \(8\.7%\)\. It leaves out 2 unpriced items, so the bill will be higher still\.$/,
        );
        assert.throws(
            () => checkBudget(1, 0),
            /maxMonthlyUsd must be a positive number of USD \(it is 0\)/,
        );
        assert.throws(() => checkBudget(-1, 10), /the estimate must be a number of USD >= 0/);
    });

    it("reports from the stack estimate", () => {
        const cost = estimateStack({ ...prodStackCostInput(), maxMonthlyUsd: 46000 });
        assert.strictEqual(cost.budgetFinding, budgetFinding(cost, 46000));
        assert.match(cost.budgetFinding!, /^The estimated monthly cost, \$63,026\.86, exceeds/);
        // One us-east-1 shard prices every instance, storage, I/O and backup line.
        const complete = estimateStack({ ...stackOf([usEast()]), maxMonthlyUsd: 60000 });
        assert.deepStrictEqual(
            [complete.budgetFinding, complete.incompleteFinding],
            [undefined, undefined],
        );
        assert.match(renderCostTable(complete), /^budget: within \$60,000\.00 a month$/m);
    });

    describe("the monthly-budget rule", () => {
        const run = (config: Record<string, unknown>) =>
            evaluatePolicies([], [monthlyBudget], { "monthly-budget": config });

        it("is an advisory stack rule with a maxMonthlyUsd setting", () => {
            assert.strictEqual(monthlyBudget.name, "monthly-budget");
            assert.strictEqual(monthlyBudget.enforcementLevel, "advisory");
            const setting = monthlyBudget.configSchema?.properties.maxMonthlyUsd;
            assert.deepStrictEqual(setting, { type: "number", exclusiveMinimum: 0 });
        });

        it("reports an estimate over the budget, without failing the plan", () => {
            const report = run({
                maxMonthlyUsd: 46000,
                estimatedMonthlyUsd: 47305.91,
                unpriced: ["zone"],
            });
            assert.deepStrictEqual(
                report.violations.map((v) => [v.policy, v.enforcementLevel, v.resource, v.message]),
                [
                    [
                        "monthly-budget",
                        "advisory",
                        "(stack)",
                        "The estimated monthly cost, $47,305.91, exceeds the budget of $46,000.00 by $1,305.91 (2.8%). It leaves out 1 unpriced item, so the bill will be higher still.",
                    ],
                ],
            );
            assert.strictEqual(hasMandatoryViolation(report), false);
        });

        it("stays silent within the budget, without a budget, or without an estimate", () => {
            assert.deepStrictEqual(
                run({ maxMonthlyUsd: 50000, estimatedMonthlyUsd: 47305.91 }).violations,
                [],
            );
            assert.deepStrictEqual(run({ estimatedMonthlyUsd: 47305.91 }).violations, []);
            assert.deepStrictEqual(run({ maxMonthlyUsd: 1 }).violations, []);
        });

        it("reports an incomplete estimate as a finding of its own, however low the figure", () => {
            const report = run({
                maxMonthlyUsd: 46000,
                estimatedMonthlyUsd: 7150,
                unpriced: ["us-east instances: writer db.r7g.8xlarge", "zone"],
                incomplete: ["us-east instances: writer db.r7g.8xlarge (us-east-1)"],
            });
            assert.deepStrictEqual(
                report.violations.map((v) => [v.policy, v.enforcementLevel, v.message]),
                [
                    [
                        "monthly-budget",
                        "advisory",
                        "The estimate is incomplete: 1 instance, storage, I/O or backup item is unpriced " +
                            "(us-east instances: writer db.r7g.8xlarge (us-east-1)). The priced lines alone " +
                            "come to $7,150.00, so it cannot show the stack within the budget of $46,000.00.",
                    ],
                ],
            );
            assert.deepStrictEqual(monthlyBudget.configSchema?.properties.incomplete, {
                type: "array",
                items: { type: "string" },
            });
        });

        it("takes its estimate from any source", () => {
            const rule = monthlyBudgetPolicy((args) => ({
                monthlyUsd: args.resources.length * 1000,
                unpriced: [],
            }));
            const config = { "monthly-budget": { maxMonthlyUsd: 1 } };
            const report = evaluatePolicies([], [rule], config);
            assert.deepStrictEqual(report.violations, []);
            const over = monthlyBudgetPolicy(() => ({ monthlyUsd: 2, unpriced: [] }));
            assert.strictEqual(evaluatePolicies([], [over], config).violations.length, 1);
        });
    });
});

describe("pricing: engines and the Aurora storage configuration", () => {
    it("prices the same classes on each engine", () => {
        const options = compareEngines(usEast());
        assert.deepStrictEqual(
            options.map((o) => [o.label, part(o.cost, "instances").monthlyUsd, o.databaseUsd]),
            [
                // 9,094.34 + 862.12 + 12.70
                ["Aurora Standard", 9094.34, 9969.16],
                // (2 x 5.399 + 2 x 2.699) x 730 = 11,823.08, + 1,000 x 0.225 + 12.70
                ["Aurora I/O-Optimized", 11823.08, 12060.78],
                // 7,876.70 + 460.00 + 0
                ["RDS Multi-AZ with replicas", 7876.7, 8336.7],
            ],
        );
        assert.strictEqual(options[0].cost.monthlyUsd, estimateShard(usEast()).monthlyUsd);
        assert.deepStrictEqual(
            options[2].cost.components[0].lines.map((l) => l.description),
            [
                "master db.r6g.8xlarge Multi-AZ (primary + standby)",
                "replica db.r6g.4xlarge Single-AZ",
                "replica db.r6g.4xlarge Single-AZ",
            ],
        );
        assert.deepStrictEqual(options[2].notes, []);
    });

    it("notes what it changes to express a shard on the other engine", () => {
        const headless = compareEngines(
            usEast({ recovery: { region: "us-west-1", instances: [] } }),
        );
        assert.deepStrictEqual(headless[2].notes, [
            "RDS has no storage-only copy: the headless secondary becomes a cross-region replica of db.r6g.8xlarge",
        ]);
        const rds = usEast({
            engine: "postgres",
            instances: [{ role: "master", instanceClass: "db.r6g.8xlarge", multiAz: true }],
        });
        assert.deepStrictEqual(
            compareEngines(rds)[0].cost.components[0].lines.map((l) => l.role),
            ["writer", "standby"],
        );
    });

    it("defaults to Aurora Standard, with the numbers its comment shows", () => {
        const t = auroraStorageTierNumbers(usEast());
        assert.strictEqual(defaultAuroraStorageType, "aurora");
        assert.strictEqual(t.cheaper, defaultAuroraStorageType);
        // The stack's default is the model's choice.
        assert.strictEqual(shardDefaults.storageType, defaultAuroraStorageType);
        assert.ok(t.ioShare < 0.25, `I/O is ${t.ioShare} of the Aurora bill`);
        assert.deepStrictEqual(
            [t.ioUsd, t.standardUsd, t.ioOptimizedUsd, t.breakEvenIoUsd],
            [762.12, 9956.46, 12048.08, 2853.74],
        );
        const comment = readFileSync(join(__dirname, "../pricing/estimate.ts"), "utf8");
        for (const figure of [t.ioUsd, t.standardUsd, t.ioOptimizedUsd, t.breakEvenIoUsd]) {
            assert.ok(comment.includes(`$${usd(figure)}`), `the comment lacks $${usd(figure)}`);
        }
        assert.ok(comment.includes(`${(t.ioShare * 100).toFixed(1)}%`));
        assert.ok(comment.includes(`$${usd(t.ioOptimizedUsd - t.standardUsd)}`));
    });
});

describe("pricing: dates and the prod stack", () => {
    it("dates and sources every price an estimate uses", () => {
        const costs = [
            estimateStack(prodStackCostInput()),
            ...prodStackCostInput().shards.flatMap((s) => compareEngines(s).map((o) => o.cost)),
        ];
        const prices = costs.flatMap((c) => pricesUsed(c));
        assert.ok(prices.length > 40);
        for (const p of prices) {
            assert.match(p.asOf, /^\d{4}(-\d{2}-\d{2})?$/, p.item);
            assert.ok(p.source.length > 10, p.item);
        }
        assert.match(
            renderCostTable(estimateStack(prodStackCostInput())),
            /^prices as of: 2021-12-21 \(\d+ prices\), .*2026-10-06/m,
        );
    });

    it("describes the prod stack of Pulumi.prod.yaml on the stack's defaults", () => {
        const config = readStackConfig("prod");
        const shards = JSON.parse(config["geoshard:shards"]) as { name: string; region: string }[];
        const input = prodStackCostInput();
        assert.deepStrictEqual(
            input.shards.map((s) => [s.name, s.region]),
            shards.map((s) => [s.name, s.region]),
        );
        assert.strictEqual(
            JSON.parse(config["geoshard:warehouse"]).region,
            input.warehouse?.region,
        );
        for (const shard of input.shards) {
            assert.strictEqual(
                shard.backupRetentionDays,
                Number(config["geoshard:backupRetentionDays"]),
            );
            // An Aurora volume is sized by the usage assumption (test/planCost.test.ts holds this
            // input equal to the plan's).
            assert.strictEqual(shard.storageGiB, undefined);
            assert.deepStrictEqual(
                shard.instances.map((i) => i.instanceClass),
                [
                    shardDefaults.masterInstanceClass,
                    shardDefaults.masterInstanceClass,
                    shardDefaults.replicaInstanceClass,
                    shardDefaults.replicaInstanceClass,
                ],
            );
        }
        assert.strictEqual(usageAssumptions.storageGiB, shardDefaults.allocatedStorageGiB);
    });
});

describe("pricing: docs/cost.md", () => {
    it("keeps docs/cost.md's figures equal to the model's", () => {
        const doc = readFileSync(costDocPath, "utf8");
        for (const [name, body] of Object.entries(costDocSections())) {
            assert.strictEqual(
                docSection(doc, name),
                body,
                `docs/cost.md section ${name} is stale: npx ts-node --transpile-only pricing/costDoc.ts --write`,
            );
        }
        const prose = Object.keys(costDocSections()).reduce(
            (text, name) => text.replace(docSection(text, name)!, ""),
            doc,
        );
        // The page opens with each stack's headline, which says first when it is incomplete.
        assert.ok(
            docSection(doc, "headline")!.includes(`prod: ${costHeadline(prodCost())}`),
            "the headline opens the page",
        );
        assert.ok(doc.indexOf("<!-- cost:headline -->") < doc.indexOf("<!-- cost:prod-table -->"));
        // The budget rule and maxMonthlyUsd are wired; dev is about a fifth of prod, not a few percent.
        assert.doesNotMatch(prose, /not yet|a few percent/);
        assert.match(docSection(doc, "dev")!, /^Dev comes to 19% of prod's priced lines/m);
        // The reference's four lines, each reconciled.
        assert.deepStrictEqual(
            docSection(doc, "reference")!
                .split("\n")
                .slice(2)
                .map((row) => row.split(" | ")[0]),
            ["| instances", "| storage", "| backups", "| transfer"],
        );
        assert.match(
            docSection(doc, "reference")!,
            /"600 TB x \$0\.10\/GB", which is itself 60,000\.00/,
        );
        assert.doesNotMatch(doc, /\/(work|home|tmp|Users)\//);
    });
});

describe("pricing: an incomplete bill says so first", () => {
    /** Prod with its classes swapped for another family. */
    const prodOn = (family: string) => {
        const input = prodStackCostInput();
        const swap = (c: string) => c.replace(/^db\.r6g\./, `db.${family}.`);
        return {
            ...input,
            maxMonthlyUsd: 1e9,
            shards: input.shards.map((s) => ({
                ...s,
                instances: s.instances.map((i) => ({ ...i, instanceClass: swap(i.instanceClass) })),
                recovery: s.recovery && {
                    ...s.recovery,
                    instances: s.recovery.instances.map((i) => ({
                        instanceClass: swap(i.instanceClass),
                    })),
                },
            })),
        };
    };

    it("heads prod on r7g with the unpriced regions and classes, and never calls it within budget", () => {
        const r6g = estimateStack(prodOn("r6g"));
        const r7g = estimateStack(prodOn("r7g"));
        const headline = costHeadline(r7g);
        // Either complete and dearer, or incomplete and saying so before any figure.
        assert.ok(r7g.incomplete.length > 0 || r7g.monthlyUsd > r6g.monthlyUsd);
        assert.match(headline, /^incomplete: \d+ items unpriced: /);
        // The sheet's gaps: no r7g.4xlarge Aurora Standard in us-east-1 (README, "Known gaps").
        assert.match(headline, /us-east-1 \(db\.r7g\.4xlarge\)/);
        const table = renderCostTable(r7g);
        assert.strictEqual(table.split("\n")[0], headline);
        assert.ok(table.indexOf(headline) < table.indexOf("total "));
        // A budget of a billion dollars: still not within it, because lines are missing.
        assert.match(r7g.incompleteFinding!, /^The estimate is incomplete: \d+ instance, storage/);
        assert.doesNotMatch(table, /^budget: within/m);
        assert.match(table, /^budget: The estimate is incomplete/m);
    });

    for (const region of ["sa-east-1", "eu-central-1"]) {
        it(`flags a fifth shard in ${region}, without prices, as incomplete by name`, () => {
            const input = prodStackCostInput();
            const fifth = referenceShard("fifth", region, {
                backupRetentionDays: 14,
                cdc: { warehouseRegion: "us-east-1" },
            });
            const cost = estimateStack({ ...input, shards: [...input.shards, fifth] });
            const headline = costHeadline(cost);
            assert.match(
                headline,
                new RegExp(
                    `${region} \\(db\\.r6g\\.8xlarge, db\\.r6g\\.4xlarge, storage, I/O, backup\\)`,
                ),
            );
            assert.deepStrictEqual(
                cost.incomplete.filter((u) => u.scope === "fifth").map((u) => u.kind),
                ["instance", "instance", "instance", "instance", "storage", "io", "backup"],
            );
            assert.deepStrictEqual(
                shardTotals(cost).map((s) => [s.name, s.complete]),
                [
                    ["us-east", false],
                    ["us-west", false],
                    ["europe", false],
                    ["asia", false],
                    ["fifth", false],
                ],
            );
        });
    }

    it("heads a complete bill with its total", () => {
        const cost = estimateStack(stackOf([usEast()]));
        assert.deepStrictEqual(cost.incomplete, []);
        assert.strictEqual(
            costHeadline(cost),
            `Estimated monthly cost: $${usd(cost.monthlyUsd)} a month, every instance, storage, ` +
                `I/O and backup line priced; leaves out ${cost.unpriced.length} minor unpriced items (*)`,
        );
        assert.deepStrictEqual(shardTotals(cost), [
            {
                name: "us-east",
                region: "us-east-1",
                monthlyUsd: cost.shards[0].monthlyUsd,
                complete: true,
            },
        ]);
        assert.strictEqual(checkComplete(1, 2, []), undefined);
    });

    it("shows how old the prices are", () => {
        const cost = estimateStack(prodStackCostInput());
        assert.strictEqual(priceAge(cost), "oldest 2021-12-21, newest 2026-10-06");
        assert.match(renderCostTable(cost), /^price age: oldest 2021-12-21, newest 2026-10-06$/m);
    });

    it("compares engines only when every option prices every database line", () => {
        // Dev's class: the sheet has no db.r6g.large Aurora I/O-Optimized price in us-east-1.
        const small = (c: string) => c.replace(/\d*xlarge$/, "large");
        const dev = usEast({
            instances: usEast().instances.map((i) => ({
                ...i,
                instanceClass: small(i.instanceClass),
            })),
        });
        const verdict = engineVerdict(compareEngines(dev));
        assert.strictEqual(verdict.decided, false);
        assert.strictEqual(verdict.cheapest, undefined);
        assert.match(
            verdict.text,
            /^cannot decide: Aurora I\/O-Optimized leaves out writer db\.r6g\.large \(Aurora I\/O-Optimized\) \(us-east-1\), /,
        );
        const full = engineVerdict(compareEngines(usEast()));
        assert.deepStrictEqual([full.decided, full.cheapest], [true, "RDS Multi-AZ with replicas"]);
        assert.match(
            full.text,
            /^RDS Multi-AZ with replicas costs least, \$[\d,.]+ a month below Aurora Standard$/,
        );
    });
});

describe("pricing: levers", () => {
    it("puts 1-year no-upfront reserved rates beside on-demand, and says where the sheet has none", () => {
        const cost = estimateStack(stackOf([usEast(), referenceShard("europe", "eu-west-2")]));
        const r = reservedComparison(cost);
        // us-east-1: (2 x 2.7208 + 2 x 1.3604) x 730 = 3,972.36 + 1,986.18
        assert.deepStrictEqual(
            [r.covered, r.instanceLines, r.onDemandUsd, r.reservedUsd],
            [4, 8, 9094.34, 5958.54],
        );
        assert.deepStrictEqual(r.without, [
            "db.r6g.8xlarge Aurora Standard in eu-west-2",
            "db.r6g.4xlarge Aurora Standard in eu-west-2",
        ]);
        assert.match(
            describeReserved(r),
            /^reserved 1-year no-upfront: 4 of 8 instance lines have a rate: \$9,094\.34 on demand -> \$5,958\.54 reserved, saves \$3,135\.80 a month; no reserved rate for db\.r6g\.8xlarge Aurora Standard in eu-west-2, /,
        );
    });

    it("prices a smaller recovery class beside the capacity left after a region loss", () => {
        const shard = (instanceClass: string) =>
            usEast({ recovery: { region: "us-west-1", instances: [{ instanceClass }] } });
        const lever = recoveryLever(shard("db.r6g.4xlarge"))!;
        // us-west-1 Aurora Standard: 8xlarge 4.582, 4xlarge 2.291 an hour: 1,672.43 a month apart.
        assert.strictEqual(cents(lever.atWriterClassUsd - lever.monthlyUsd), 1672.43);
        assert.deepStrictEqual(
            [lever.vcpusAfterLoss, lever.writerVcpus, lever.homeVcpus],
            [16, 32, 96],
        );
        assert.match(
            describeRecoveryLever(lever),
            /^us-east: recovery copy 1 x db\.r6g\.4xlarge in us-west-1: \$[\d,.]+\* a month \(\* leaves out replicated write I\/Os into the secondary\), saves \$1,672\.43 a month against the writer's class; after a region loss 16 vCPUs serve, 50% of the writer and 17% of the home's 96, until scaled up; dr\.instanceClass db\.r6g\.2xlarge would save /,
        );
        assert.strictEqual(oneSizeDown("db.r6g.large"), undefined);
        assert.strictEqual(oneSizeDown("db.r6g.16xlarge"), "db.r6g.12xlarge");
    });

    it("prices DMS Serverless Multi-AZ and a declared home <-> recovery path", () => {
        const shard = usEast({
            cdc: { warehouseRegion: "us-east-1", multiAz: true },
            recovery: {
                region: "us-west-1",
                instances: [],
                networkPath: { peeringConnections: 1, transitGatewayAttachments: 2 },
            },
        });
        const cost = estimateShard(shard);
        const dms = part(cost, "cdc").lines[0];
        // 2 DCUs x 730 h x 0.1638 = 239.15
        assert.deepStrictEqual(
            [dms.description, dms.price?.usd, dms.monthlyUsd],
            ["DMS Serverless Multi-AZ, 2 DCUs on average", 0.1638, 239.15],
        );
        const path = part(cost, "recovery").lines.slice(-2);
        // 100 GB a month x 0.02 out of us-east-1
        assert.deepStrictEqual(
            path.map((l) => [l.description, l.monthlyUsd, l.unpriced]),
            [
                ["100 GB a month over 1 peering connection us-east-1 <-> us-west-1", 2, undefined],
                [
                    "2 Transit Gateway attachments, 100 GB a month",
                    undefined,
                    "the price sheet has no Transit Gateway price",
                ],
            ],
        );
    });
});

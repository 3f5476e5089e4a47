import * as assert from "assert";
import { prodStackCostInput } from "../pricing/prodStack";
import { ProgramRun } from "../tools/mockRuntime";
import { buildPlan } from "../tools/plan";
import { stackCostInput } from "../tools/planCost";
import { prodRun, runPlan } from "./helpers";

describe("the plan's bill", () => {
    let prod: ProgramRun;

    before(async () => {
        prod = await prodRun();
    });

    it("reads the cost model's input off what the program declares, equal to the documented prod stack", () => {
        const plan = buildPlan("prod", prod);
        // docs/cost.md is computed from pricing/prodStack.ts: it must describe this plan.
        assert.deepStrictEqual(stackCostInput(plan, prod, 46000), {
            ...prodStackCostInput(),
            maxMonthlyUsd: 46000,
        });
    });

    it("ends the plan with the bill: the per-shard table, the total, what it leaves out, the budget", async () => {
        const { code, out: text } = await runPlan(["--stack", "prod"]);
        assert.strictEqual(code, 0);
        const bill = text.slice(text.indexOf("Estimated monthly cost"));
        assert.match(
            bill,
            /^shard +region +instances +storage\+io +backups +proxy +recovery +cdc +mon\+dns +total$/m,
        );
        assert.match(bill, /^us-east +us-east-1 +9,094\.34 +862\.12 /m);
        assert.match(bill, /^total +54,294\.26\*$/m);
        assert.match(bill, /^\* leaves out 40 unpriced items:$/m);
        assert.match(
            bill,
            /^ {2}zone: 1 private hosted zone: the price sheet has no price for it \[global\]$/m,
        );
        assert.match(
            bill,
            /^budget: The estimated monthly cost, \$54,294\.26, exceeds the budget of \$46,000\.00 by \$8,294\.26 \(18\.0%\)\. It leaves out 40 unpriced items, so the bill will be higher still\.$/m,
        );
        // The budget is advisory: the plan reports it and still exits 0.
        assert.match(
            text,
            /^ {2}\[advisory\] monthly-budget +\(stack\): The estimated monthly cost, \$54,294\.26, exceeds/m,
        );
        // Every priced line names its price's date.
        const lines = text.slice(
            text.indexOf("Cost lines per shard"),
            text.indexOf("Estimated monthly cost"),
        );
        assert.match(
            lines,
            /^ {4}writer db\.r6g\.8xlarge \(Aurora Standard\): 730 instance-hours x 4\.153 USD per instance-hour = 3,031\.69 \(us-east-1, as of 2021-12-21, medium\)$/m,
        );
        for (const line of lines.split("\n").filter((l) => / = [\d,.]+ \(/.test(l))) {
            assert.match(line, /, as of \d{4}(-\d\d-\d\d)?, /, line);
        }
        // Each shard's engines side by side, with their failover and data at risk.
        assert.match(
            text,
            /^ {2}europe +Aurora Standard \(planned\) +11,551\.11\* +12,724\.20\* +often under 30 s, typically under 60 s +none$/m,
        );
        assert.match(
            text,
            /^ {2}europe +RDS Multi-AZ with replicas +9,795\.70\* +10,968\.79\* +typically 60-120 s +none$/m,
        );
    });

    it("carries the same figures in --json", async () => {
        const { code, out } = await runPlan(["--stack", "prod", "--json"]);
        assert.strictEqual(code, 0);
        const plan = JSON.parse(out);
        assert.strictEqual(plan.cost.monthlyUsd, 54294.26);
        assert.strictEqual(plan.cost.maxMonthlyUsd, 46000);
        assert.deepStrictEqual(
            plan.cost.shards.map((s: any) => [s.name, s.monthlyUsd]),
            [
                ["us-east", 14609.41],
                ["us-west", 14446.36],
                ["europe", 12724.2],
                ["asia", 12513.29],
            ],
        );
        assert.deepStrictEqual(
            plan.engineChoice[0].options.map((o: any) => [o.label, o.current]),
            [
                ["Aurora Standard", true],
                ["Aurora I/O-Optimized", false],
                ["RDS Multi-AZ with replicas", false],
            ],
        );
        // Every priced line names the date of its price.
        const lines = plan.cost.shards.flatMap((s: any) =>
            s.components.flatMap((c: any) => c.lines),
        );
        assert.ok(lines.every((l: any) => l.unpriced || /^\d{4}(-\d\d-\d\d)?$/.test(l.price.asOf)));
    });
});

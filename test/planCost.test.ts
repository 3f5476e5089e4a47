import * as assert from "assert";
import { estimateShard } from "../pricing";
import { devStackCostInput, prodStackCostInput } from "../pricing/prodStack";
import { ProgramRun } from "../tools/mockRuntime";
import { buildPlan, reportPlan } from "../tools/plan";
import { dataSizeWarnings, shardCostInput, stackCostInput } from "../tools/planCost";
import { devRun, prodRun, prodShards, run as runWith, runPlan } from "./helpers";

describe("the plan's bill", () => {
    let prod: ProgramRun;

    before(async () => {
        prod = await prodRun();
    });

    it("reads the cost model's input off what the program declares, equal to the documented prod stack", () => {
        const plan = buildPlan("prod", prod);
        // docs/cost.md is computed from pricing/prodStack.ts: it must describe this plan.
        assert.deepStrictEqual(
            stackCostInput(plan, prod, 46000),
            { ...prodStackCostInput(), maxMonthlyUsd: 46000 },
            "pricing/prodStack.ts no longer describes what Pulumi.prod.yaml declares: change " +
                "prodStackCostInput (and its alarm and health-check counts, auroraAlarmsPerShard, " +
                "recoveryAlarmsPerShard, recoveryHealthChecksPerShard) in pricing/prodStack.ts to " +
                "match, then regenerate docs/cost.md",
        );
    });

    it("reads dev's cost model input off its plan, equal to the documented dev stack", async () => {
        const dev = await devRun();
        assert.deepStrictEqual(
            stackCostInput(buildPlan("dev", dev), dev),
            devStackCostInput(),
            "pricing/prodStack.ts (devStackCostInput) no longer describes what Pulumi.dev.yaml " +
                "declares: change it there to match, then regenerate docs/cost.md",
        );
    });

    it("ends the plan with the bill: the per-shard table, the total, what it leaves out, the budget", async () => {
        const { code, out: text } = await runPlan(["--stack", "prod"]);
        assert.strictEqual(code, 0);
        // The headline comes first, before any total: prod's sheet still lacks storage, I/O and
        // backup prices in four regions, so it says the estimate is incomplete and where.
        const bill = text.slice(text.indexOf("\nincomplete: ") + 1);
        // The headline also leads the first screen's cost, before the policy verdict, the engine
        // table and every figure of the detail.
        const headline = text.indexOf(
            "\ncost       incomplete: 8 items unpriced: us-west-1 (I/O, backup), ",
        );
        assert.ok(
            headline > 0 && headline < text.indexOf("Policy verdict under"),
            "headline first",
        );
        assert.match(
            bill,
            /^incomplete: 8 items unpriced: us-west-1 \(I\/O, backup\), eu-west-1 \(storage\), ap-southeast-1 \(storage, I\/O, backup\), ap-northeast-1 \(I\/O\); the priced lines alone come to \$63,026\.86 a month, a floor, not an estimate\nEstimated monthly cost, USD/,
        );
        assert.match(
            bill,
            /^shard +region +instances +storage\+io +backups +proxy +recovery +cdc +mon\+dns +total$/m,
        );
        assert.match(bill, /^us-east +us-east-1 +9,094\.34 +862\.12 /m);
        assert.match(bill, /^total +63,026\.86\*$/m);
        assert.match(bill, /^\* leaves out 27 unpriced items:$/m);
        assert.match(
            bill,
            /^ {2}zone: DNS queries: the price sheet has no price for it \[global\]$/m,
        );
        assert.match(bill, /^price age: oldest 2021-12-21, newest 2026-10-06$/m);
        assert.match(
            bill,
            /^budget: The estimated monthly cost, \$63,026\.86, exceeds the budget of \$46,000\.00 by \$17,026\.86 \(37\.0%\)\. It leaves out 27 unpriced items, so the bill will be higher still\.$/m,
        );
        assert.match(
            bill,
            /^budget: The estimate is incomplete: 8 instance, storage, I\/O or backup items are unpriced /m,
        );
        // The budget is advisory: the plan reports both findings and still exits 0.
        assert.match(
            text,
            /^ {2}\[advisory\] monthly-budget +\(stack\): The estimate is incomplete: 8 /m,
        );
        assert.match(
            text,
            /^ {2}\[advisory\] monthly-budget +\(stack\): The estimated monthly cost, \$63,026\.86, exceeds/m,
        );
        // Every priced line names its price's date.
        const lines = text.slice(
            text.indexOf("Cost lines per shard"),
            text.lastIndexOf("Estimated monthly cost"),
        );
        assert.match(
            lines,
            /^ {4}writer db\.r6g\.8xlarge \(Aurora Standard\): 730 instance-hours x 4\.153 USD per instance-hour = 3,031\.69 \(us-east-1, as of 2021-12-21, medium\)$/m,
        );
        for (const line of lines.split("\n").filter((l) => / = [\d,.]+ \(/.test(l))) {
            assert.match(line, /, as of \d{4}(-\d\d-\d\d)?, /, line);
        }
        // Each shard's engines side by side, each engine's failover and data at risk said once
        // under the table, and a verdict only where every option prices every database line.
        assert.match(
            text,
            /^ {2}europe +Aurora Standard \(planned\) +11,551\.11\* +16,770\.20\*$/m,
        );
        assert.match(text, /^ {2}europe +RDS Multi-AZ with replicas +9,795\.70\* +14,032\.21\*$/m);
        assert.match(
            text,
            /^ {2}Aurora Standard: often under 30 s, typically under 60 s without writes, committed writes lost: none$/m,
        );
        assert.match(
            text,
            /^ {2}RDS Multi-AZ with replicas: typically 60-120 s without writes, committed writes lost: none$/m,
        );
        assert.match(
            text,
            /^ {2}us-east: RDS Multi-AZ with replicas costs least, \$1,645\.16 a month below Aurora Standard$/m,
        );
        assert.match(
            text,
            /^ {2}europe: cannot decide: Aurora I\/O-Optimized leaves out cluster volume 1,000 GB \(Aurora I\/O-Optimized\) \(eu-west-2\)$/m,
        );
        // Every instance line of every prod region is priced, the recovery regions' included.
        assert.doesNotMatch(lines, /instance-hours, unpriced/);
        assert.match(
            lines,
            /^ {4}secondary db\.r6g\.8xlarge: 730 instance-hours x 4\.582 USD per instance-hour = 3,344\.86 \(eu-west-1, /m,
        );
        assert.match(
            lines,
            /^ {4}secondary db\.r6g\.8xlarge: 730 instance-hours x 5\.012 USD per instance-hour = 3,658\.76 \(ap-northeast-1, /m,
        );
        // The levers: each shard's data size and recovery copy, and reserved rates.
        assert.match(
            text,
            /^ {2}us-east: recovery copy 1 x db\.r6g\.8xlarge in us-west-1: \$3,510\.42\* a month .* after a region loss 32 vCPUs serve, 100% of the writer and 33% of the home's 96, until scaled up; dr\.instanceClass db\.r6g\.4xlarge would save \$1,672\.43 and leave 16 vCPUs \(50% of the writer\)$/m,
        );
        assert.match(
            text,
            /^ {2}reserved 1-year no-upfront: 5 of 20 instance lines have a rate: /m,
        );
    });

    it("carries the same figures in --json", async () => {
        const { code, out } = await runPlan(["--stack", "prod", "--json"]);
        assert.strictEqual(code, 0);
        const plan = JSON.parse(out);
        assert.strictEqual(plan.cost.monthlyUsd, 63026.86);
        assert.strictEqual(plan.cost.maxMonthlyUsd, 46000);
        assert.deepStrictEqual(
            plan.cost.shards.map((s: any) => [s.name, s.monthlyUsd]),
            [
                ["us-east", 14731.99],
                ["us-west", 15097.14],
                ["europe", 16770.2],
                ["asia", 16426.03],
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

    it("prices DMS Serverless Multi-AZ read off the declared replication's computeConfig.multiAz", () => {
        const replication = "aws:dms/replicationConfig:ReplicationConfig";
        const plan = buildPlan("prod", prod);
        assert.deepStrictEqual(shardCostInput(plan.shards[0], plan, prod).cdc, {
            warehouseRegion: "us-east-1",
            multiAz: true,
        });
        // A replication declared without the input is priced Single-AZ.
        const singleAz: ProgramRun = {
            ...prod,
            resources: prod.resources.map((r) =>
                r.type === replication
                    ? {
                          ...r,
                          inputs: {
                              ...r.inputs,
                              computeConfig: { ...r.inputs.computeConfig, multiAz: false },
                          },
                      }
                    : r,
            ),
        };
        const single = buildPlan("prod", singleAz);
        assert.deepStrictEqual(shardCostInput(single.shards[0], single, singleAz).cdc, {
            warehouseRegion: "us-east-1",
        });
    });

    it("prices a declared home <-> recovery peering and Transit Gateway attachments", () => {
        const peering = "aws:ec2/vpcPeeringConnection:VpcPeeringConnection";
        const plan = buildPlan("prod", prod);
        // The program joins each shard's home and recovery VPCs with one peering connection; the
        // CDC path's peering with the warehouse is priced with CDC.
        assert.deepStrictEqual(
            plan.shards.map((s) => shardCostInput(s, plan, prod).recovery?.networkPath),
            plan.shards.map(() => ({ peeringConnections: 1, transitGatewayAttachments: 0 })),
        );
        const recoveryPeering = prod.resources.find(
            (r) => r.type === peering && r.name === "us-east-recovery-peering",
        )!;
        const withAttachment: ProgramRun = {
            ...prod,
            resources: [
                ...prod.resources.filter(
                    (r) => !(r.type === peering && r.name === "us-west-recovery-peering"),
                ),
                {
                    ...recoveryPeering,
                    type: "aws:ec2transitgateway/vpcAttachment:VpcAttachment",
                    name: "us-east-recovery-attachment",
                    urn: `${recoveryPeering.urn}-attachment`,
                },
            ],
        };
        const changed = buildPlan("prod", withAttachment);
        assert.deepStrictEqual(
            shardCostInput(changed.shards[0], changed, withAttachment).recovery?.networkPath,
            { peeringConnections: 1, transitGatewayAttachments: 1 },
        );
        assert.strictEqual(
            shardCostInput(changed.shards[1], changed, withAttachment).recovery?.networkPath,
            undefined,
        );
    });

    it("prices a credentials secret replicated into the recovery region", () => {
        const secret = "aws:secretsmanager/secret:Secret";
        const plan = buildPlan("prod", prod);
        const europe = shardCostInput(plan.shards[2], plan, prod);
        assert.strictEqual(europe.recovery?.secretReplicas, 1);
        const line = estimateShard(europe)
            .components.find((c) => c.component === "recovery")!
            .lines.find((l) => l.description === "1 secret replica in the recovery region")!;
        assert.deepStrictEqual([line.region, line.monthlyUsd], ["eu-west-1", 0.4]);
        // us-west recovers into us-east-1, the warehouse's region: CDC already prices that replica.
        assert.strictEqual(
            shardCostInput(plan.shards[1], plan, prod).recovery?.secretReplicas,
            undefined,
        );
        // A secret without the recovery region's replica prices none.
        const unreplicated: ProgramRun = {
            ...prod,
            resources: prod.resources.map((r) =>
                r.type === secret && r.name === "europe-credentials"
                    ? {
                          ...r,
                          inputs: {
                              ...r.inputs,
                              replicas: r.inputs.replicas.filter(
                                  (replica: { region: string }) => replica.region !== "eu-west-1",
                              ),
                          },
                      }
                    : r,
            ),
        };
        const without = buildPlan("prod", unreplicated);
        assert.strictEqual(
            shardCostInput(without.shards[2], without, unreplicated).recovery?.secretReplicas,
            undefined,
        );
    });

    it("sizes the recovery copy by dr.instanceClass and the bill by a shard's storageGiB", async () => {
        const shards = prodShards().map((s) =>
            s.name === "us-east"
                ? {
                      ...s,
                      storageGiB: 111759,
                      dr: { ...(s.dr as object), instanceClass: "db.r6g.4xlarge" },
                  }
                : s,
        );
        const run = await runWith({ backupRetentionDays: 14, maxMonthlyUsd: 46000 }, shards);
        const secondary = run.resources.filter(
            (r) =>
                r.type === "aws:rds/clusterInstance:ClusterInstance" &&
                r.region === "us-west-1" &&
                r.name.startsWith("us-east-"),
        );
        assert.deepStrictEqual(
            secondary.map((r) => [r.name, r.inputs.instanceClass]),
            [["us-east-recovery-1", "db.r6g.4xlarge"]],
        );
        const plan = buildPlan("prod", run);
        const input = shardCostInput(plan.shards[0], plan, run);
        assert.strictEqual(input.storageGiB, 111759);
        assert.deepStrictEqual(input.recovery?.instances, [{ instanceClass: "db.r6g.4xlarge" }]);
        // The reference's 120 TB on Aurora fits 128 TiB, but with less than 25% to grow.
        assert.deepStrictEqual(dataSizeWarnings(plan), [
            "us-east: 111759 GiB of data is 85% of what aurora-postgresql holds (131072 GiB), leaving " +
                "less than 25% to grow: split the shard (move cities to a new shard) before it fills",
        ]);
    });

    it("never reports prod on r7g as within budget: the bill says first what it leaves out", async () => {
        const r7g = await runWith(
            {
                masterInstanceClass: "db.r7g.8xlarge",
                replicaInstanceClass: "db.r7g.4xlarge",
                backupRetentionDays: 14,
                maxMonthlyUsd: 46000,
            },
            prodShards(),
        );
        const { code, text } = reportPlan("prod", r7g, false, 46000);
        assert.strictEqual(code, 0);
        // The sheet has no r7g.4xlarge Aurora Standard price in us-east-1 (its README's gaps).
        assert.match(
            text,
            /^cost {7}incomplete: \d+ items unpriced: us-east-1 \(db\.r7g\.4xlarge\)/m,
        );
        assert.match(
            text,
            /^ {2}\[advisory\] monthly-budget +\(stack\): The estimate is incomplete: \d+ instance, storage, I\/O or backup items are unpriced \(us-east instances: reader db\.r7g\.4xlarge \(Aurora Standard\) \(us-east-1\); /m,
        );
        assert.doesNotMatch(text, /^budget: within/m);
    });
});

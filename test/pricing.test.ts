import * as assert from "assert";
import { readFileSync } from "fs";
import { join } from "path";
import { lookupPrice, parsePriceSheet, priceSheet } from "../pricing/catalog";

describe("pricing: the price data", () => {
    it("keeps every entry's source, date, confidence and basis", () => {
        const scale = Object.keys(
            JSON.parse(readFileSync(join(__dirname, "../pricing/prices.json"), "utf8"))
                .confidence_scale,
        );
        for (const p of priceSheet.prices) {
            assert.match(p.as_of, /^\d{4}(-\d{2}-\d{2})?$/, p.item);
            assert.ok(p.source.length > 10, p.item);
            assert.ok(scale.includes(p.confidence), `${p.item}: ${p.confidence}`);
            assert.match(p.basis, /^(observed|inferred|derived)/, p.item);
            assert.ok(
                ["us-east-1", "us-west-1", "eu-west-2", "ap-southeast-1", "global"].includes(
                    p.region,
                ),
                `${p.item} in ${p.region}`,
            );
        }
        assert.match(priceSheet.note, /^Extract of the project's AWS price sheet compiled/);
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

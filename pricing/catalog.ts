/**
 * The AWS list prices the cost model uses, from `prices.json`: an extract of the project's price
 * sheet in which every entry keeps its source, the date it was captured (`as_of`), a confidence
 * and a basis. Loading checks every entry; lookups are pure.
 */

import rawSheet from "./prices.json";

/** One entry of `prices.json`, field for field. */
export interface PriceEntry {
    readonly service: string;
    readonly item: string;
    /** An AWS region, or `global` for a service priced the same everywhere (Route 53). */
    readonly region: string;
    readonly usd: number;
    /** What `usd` buys, e.g. `USD per 1 million I/O requests`. */
    readonly unit: string;
    /** Where the figure was read: a repository at a commit and path, or a document. */
    readonly source: string;
    /**
     * When the figure was captured (`YYYY-MM-DD`, or `YYYY-MM` or `YYYY` where the source gives
     * only that).
     */
    readonly as_of: string;
    readonly confidence: string;
    /** observed, observed (secondary), inferred or derived. */
    readonly basis: string;
    /** The AWS Price List SKU, where the source has one. */
    readonly sku?: string;
    readonly note?: string;
}

export interface PriceSheet {
    readonly note: string;
    readonly compiled: string;
    readonly currency: string;
    readonly hoursPerMonth: number;
    readonly prices: readonly PriceEntry[];
}

/** A price as an estimate cites it. */
export interface Price {
    readonly service: string;
    readonly item: string;
    /** The entry's region (`global` for Route 53). */
    readonly region: string;
    readonly usd: number;
    readonly unit: string;
    readonly asOf: string;
    readonly source: string;
    readonly confidence: string;
    /** Set when this price stands in for one the sheet lacks: which one, and why it may. */
    readonly substituteFor?: string;
}

const requiredText = [
    "service",
    "item",
    "region",
    "unit",
    "source",
    "as_of",
    "confidence",
    "basis",
];
const asOfPattern = /^\d{4}(-\d{2}(-\d{2})?)?$/;

/**
 * Checks a parsed price file and returns it typed. Throws one error listing every bad entry: a
 * price without its source or date must never reach an estimate.
 */
export function parsePriceSheet(raw: unknown): PriceSheet {
    const sheet = raw as Record<string, unknown>;
    const problems: string[] = [];
    if (!Array.isArray(sheet?.prices)) {
        throw new Error("price sheet: `prices` must be a list");
    }
    const seen = new Set<string>();
    sheet.prices.forEach((entry: Record<string, unknown>, i: number) => {
        const where = `prices[${i}]`;
        for (const field of requiredText) {
            if (typeof entry[field] !== "string" || entry[field] === "") {
                problems.push(`${where}: ${field} must be a non-empty string`);
            }
        }
        if (typeof entry.usd !== "number" || !(entry.usd >= 0)) {
            problems.push(`${where}: usd must be a number >= 0`);
        }
        if (typeof entry.as_of === "string" && !asOfPattern.test(entry.as_of)) {
            problems.push(`${where}: as_of ${entry.as_of} is not YYYY, YYYY-MM or YYYY-MM-DD`);
        }
        const key = `${entry.service}|${entry.item}|${entry.region}`;
        if (seen.has(key)) {
            problems.push(`${where}: a second price for ${entry.item} in ${entry.region}`);
        }
        seen.add(key);
    });
    // The sheet describes itself in `about`; extracts written before it did so in `note`.
    const note = sheet.about ?? sheet.note;
    if (typeof note !== "string") {
        problems.push("about must be a string");
    }
    for (const field of ["compiled", "currency"]) {
        if (typeof sheet[field] !== "string") {
            problems.push(`${field} must be a string`);
        }
    }
    if (sheet.currency !== "USD") {
        problems.push(`currency must be USD, not ${String(sheet.currency)}`);
    }
    if (problems.length > 0) {
        throw new Error(`price sheet: ${problems.join("; ")}`);
    }
    return {
        note: note as string,
        compiled: sheet.compiled as string,
        currency: sheet.currency as string,
        hoursPerMonth: sheet.hours_per_month_convention as number,
        prices: sheet.prices as PriceEntry[],
    };
}

/** The project's prices. */
export const priceSheet: PriceSheet = parsePriceSheet(rawSheet);

/**
 * The price of an item in a region, or undefined when the sheet has none. A `global` entry
 * answers for every region.
 */
export function lookupPrice(
    service: string,
    item: string,
    region: string,
    sheet: PriceSheet = priceSheet,
): Price | undefined {
    const matches = sheet.prices.filter((p) => p.service === service && p.item === item);
    const entry =
        matches.find((p) => p.region === region) ?? matches.find((p) => p.region === "global");
    return entry && toPrice(entry);
}

export function toPrice(entry: PriceEntry): Price {
    return {
        service: entry.service,
        item: entry.item,
        region: entry.region,
        usd: entry.usd,
        unit: entry.unit,
        asOf: entry.as_of,
        source: entry.source,
        confidence: entry.confidence,
    };
}

/** The services as the sheet names them. */
export const services = {
    rds: "Amazon RDS for PostgreSQL",
    aurora: "Amazon Aurora PostgreSQL",
    auroraStorage: "Amazon Aurora",
    rdsStorage: "Amazon RDS",
    proxy: "Amazon RDS Proxy",
    dms: "AWS Database Migration Service",
    kinesis: "Amazon Kinesis Data Streams",
    firehose: "Amazon Data Firehose",
    s3: "Amazon S3",
    transfer: "AWS Data Transfer",
    kms: "AWS KMS",
    secrets: "AWS Secrets Manager",
    route53: "Amazon Route 53",
    cloudwatch: "Amazon CloudWatch",
} as const;

/** A priced thing: the sheet's service and item. */
export interface ItemRef {
    readonly service: string;
    readonly item: string;
}

/** The items the model prices, other than instance-hours. */
export const items = {
    auroraStorage: { service: services.auroraStorage, item: "aurora standard storage GB-month" },
    auroraIoOptimizedStorage: {
        service: services.auroraStorage,
        item: "aurora i/o-optimized storage GB-month",
    },
    auroraIo: { service: services.auroraStorage, item: "aurora standard I/O requests" },
    auroraBackup: {
        service: services.auroraStorage,
        item: "aurora backup storage beyond free allowance GB-month",
    },
    gp3: { service: services.rdsStorage, item: "rds gp3 storage single-az GB-month" },
    gp3MultiAz: { service: services.rdsStorage, item: "rds gp3 storage multi-az GB-month" },
    gp2: { service: services.rdsStorage, item: "rds gp2 storage single-az GB-month" },
    rdsBackup: {
        service: services.rdsStorage,
        item: "rds backup storage beyond free allowance GB-month",
    },
    globalWrites: {
        service: services.auroraStorage,
        item: "aurora global database replicated write I/Os",
    },
    proxy: { service: services.proxy, item: "rds proxy provisioned-instance vCPU-hour" },
    dms: { service: services.dms, item: "dms serverless single-az DCU-hour" },
    dmsMultiAz: { service: services.dms, item: "dms serverless multi-az DCU-hour" },
    kinesisStreamHour: { service: services.kinesis, item: "kinesis on-demand stream-hour" },
    kinesisIngested: { service: services.kinesis, item: "kinesis on-demand data ingested GB" },
    kinesisRetrieved: { service: services.kinesis, item: "kinesis on-demand data retrieved GB" },
    kinesisRetention: {
        service: services.kinesis,
        item: "kinesis on-demand extended retention (24h-7d) GB-month",
    },
    firehoseIngestion: {
        service: services.firehose,
        item: "firehose direct-put ingestion first 500 TB/month GB",
    },
    firehosePartitioning: {
        service: services.firehose,
        item: "firehose dynamic partitioning data processed GB",
    },
    firehoseObjects: {
        service: services.firehose,
        item: "firehose dynamic partitioning S3 objects delivered",
    },
    firehoseJq: {
        service: services.firehose,
        item: "firehose dynamic partitioning JQ processing hour",
    },
    s3Storage: { service: services.s3, item: "s3 standard storage first 50 TB/month GB-month" },
    s3Puts: { service: services.s3, item: "s3 standard PUT/COPY/POST/LIST requests" },
    interRegion: {
        service: services.transfer,
        item: "inter-region data transfer out (to any other AWS region) GB",
    },
    crossAz: {
        service: services.transfer,
        item: "intra-region cross-AZ data transfer GB (each direction)",
    },
    kmsKey: { service: services.kms, item: "kms customer managed key month" },
    secret: { service: services.secrets, item: "secrets manager secret month" },
    alarm: {
        service: services.cloudwatch,
        item: "cloudwatch standard-resolution alarm (per metric) month",
    },
    privateZone: { service: services.route53, item: "route53 private hosted zone month" },
    alarmHealthCheck: {
        service: services.route53,
        item: "route53 health check cloudwatch-metric (alarm-based) month",
    },
} as const satisfies Record<string, ItemRef>;

/** The engines and Aurora's two storage configurations. */
export type Engine = "aurora-postgresql" | "postgres";
export type AuroraStorageType = "aurora" | "aurora-iopt1";

/** How an instance is billed: Aurora by storage configuration, RDS Single-AZ or Multi-AZ. */
export type InstanceBilling = AuroraStorageType | "single-az" | "multi-az";

/** The sheet's item for an hour of an instance class billed one way. */
export function instanceItem(instanceClass: string, billing: InstanceBilling): ItemRef {
    switch (billing) {
        case "aurora":
            return {
                service: services.aurora,
                item: `aurora-postgresql ${instanceClass} standard instance-hour`,
            };
        case "aurora-iopt1":
            return {
                service: services.aurora,
                item: `aurora-postgresql ${instanceClass} io-optimized instance-hour`,
            };
        case "single-az":
            return {
                service: services.rds,
                item: `rds-postgresql ${instanceClass} single-az instance-hour`,
            };
        case "multi-az":
            return {
                service: services.rds,
                item: `rds-postgresql ${instanceClass} multi-az (db instance: primary + standby) instance-hour`,
            };
    }
}

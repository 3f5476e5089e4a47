/**
 * What a writer failure costs a shard, per engine, in AWS's own words. Pure data and functions:
 * the component publishes the budget, the plan prints it, and the tests pin it.
 */

import { Engine } from "./engines";

/** The reference architecture's target for a crashed master. */
export const referenceFailoverSeconds = 30;

export interface FailoverBudget {
    readonly engine: Engine;
    /** Seconds without writes, as AWS documents them: the typical upper bound, the usual range. */
    readonly typicalMaxSeconds: number;
    /** The same in words: `often under 30 s, typically under 60 s`. */
    readonly typical: string;
    /** AWS's sentence, quoted, and where it stands. */
    readonly awsWording: string;
    readonly source: string;
    /** Clients that cache DNS add the record TTL before they reach the new writer. */
    readonly dnsTtlSeconds: number;
    /** What a failover loses of the writes clients were told had committed. */
    readonly committedWritesAtRisk: string;
    /** How RDS Proxy, when configured, changes what clients see. */
    readonly proxy?: string;
    /** Whether the budget meets the reference's 30 s, said plainly. */
    readonly againstReference: string;
}

const auroraWording =
    "service is typically restored in less than 60 seconds, and often less than 30 seconds";
const multiAzWording = "Failover times are typically 60-120 seconds";
const proxyWording =
    'RDS Proxy "bypasses Domain Name System (DNS) caches to reduce failover times by up to 66%"';

/** The failover budget of a shard of the given engine. */
export function failoverBudget(
    engine: Engine,
    dnsTtlSeconds: number,
    proxy: boolean,
): FailoverBudget {
    const proxyNote = proxy
        ? `${proxyWording}; clients of the proxy keep their connections except those mid-transaction. ` +
          "Source: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy-planning.html"
        : undefined;
    if (engine === "aurora-postgresql") {
        return {
            engine,
            typicalMaxSeconds: 60,
            typical: "often under 30 s, typically under 60 s",
            awsWording: auroraWording,
            source: "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.AuroraHighAvailability.html",
            dnsTtlSeconds,
            committedWritesAtRisk:
                "none: a commit returns only once Aurora has written it to the shared cluster " +
                "volume (six copies over three AZs), which the promoted standby reads",
            ...(proxyNote ? { proxy: proxyNote } : {}),
            againstReference:
                `meets the reference's ${referenceFailoverSeconds} s often, not always; the AWS ` +
                "Advanced JDBC/Node.js wrappers cut the client-visible outage to seconds",
        };
    }
    return {
        engine,
        typicalMaxSeconds: 120,
        typical: "typically 60-120 s",
        awsWording: multiAzWording,
        source: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZSingleStandby.html",
        dnsTtlSeconds,
        committedWritesAtRisk:
            "none: the Multi-AZ standby is synchronous, so a commit returns only once the " +
            "standby's volume has it",
        ...(proxyNote ? { proxy: proxyNote } : {}),
        againstReference:
            `misses the reference's ${referenceFailoverSeconds} s: 60-120 s, about 20-41 s with ` +
            "RDS Proxy's up to 66%; choose aurora-postgresql where 30 s matters",
    };
}

/** One line for the plan: the budget against the reference, with its source. */
export function describeBudget(budget: FailoverBudget): string {
    return (
        `${budget.typical} without writes (AWS: "${budget.awsWording}") + DNS TTL ` +
        `${budget.dnsTtlSeconds} s; reference ${referenceFailoverSeconds} s: ${budget.againstReference}. ` +
        `Committed writes lost: ${budget.committedWritesAtRisk}. Source: ${budget.source}`
    );
}

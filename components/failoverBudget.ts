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

/** The reference architecture's answer to "Entire datacenter down". */
export const referenceRegionLossMinutes = 5;

/** What the loss of a shard's home region costs, per engine and recovery shape. */
export interface RegionLossBudget {
    readonly recoveryRegion: string;
    /** `Aurora secondary, 1 instance`, `Aurora secondary, headless`, `cross-region replica`. */
    readonly copy: string;
    /** Time until writes succeed again in the recovery region, in words, with AWS's figure. */
    readonly recoveryTime: string;
    /** Upper bound used against the reference, in minutes. */
    readonly recoveryMinutes: number;
    /** Committed writes a region loss can lose. */
    readonly dataAtRisk: string;
    readonly source: string;
    readonly againstReference: string;
    /** Aurora: the other shape's figure (headless, or with one instance), for the trade-off. */
    readonly otherShape?: { readonly copy: string; readonly recoveryMinutes: number };
}

/**
 * Minutes to add an Aurora instance to a headless secondary before it can be promoted: the
 * planning figure of `tools/bench.ts` for an instance, which AWS does not publish.
 */
export const headlessInstanceMinutes = 12;

export function regionLossBudget(
    engine: Engine,
    recoveryRegion: string,
    instances: number,
): RegionLossBudget {
    const budget = shapeBudget(engine, recoveryRegion, instances);
    if (engine !== "aurora-postgresql") {
        return budget;
    }
    const other = shapeBudget(engine, recoveryRegion, instances > 0 ? 0 : 1);
    return { ...budget, otherShape: { copy: other.copy, recoveryMinutes: other.recoveryMinutes } };
}

function shapeBudget(engine: Engine, recoveryRegion: string, instances: number): RegionLossBudget {
    const against = (minutes: number) =>
        minutes <= referenceRegionLossMinutes
            ? `meets the reference's ${referenceRegionLossMinutes} min`
            : `misses the reference's ${referenceRegionLossMinutes} min`;
    if (engine === "aurora-postgresql") {
        const source =
            "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html";
        const dataAtRisk =
            'unplanned failover: the replication lag at the moment of loss (AWS: "RPO is typically ' +
            'measured in seconds"), watched by the AuroraGlobalDBRPOLag alarm; planned switchover: none';
        if (instances > 0) {
            return {
                recoveryRegion,
                copy: `Aurora secondary, ${instances} instance${instances === 1 ? "" : "s"}`,
                recoveryTime:
                    'about 5 min to promote the secondary (AWS: "RTO can be in the order of ' +
                    'minutes"; 5 min planned here); the global writer endpoint follows',
                recoveryMinutes: 5,
                dataAtRisk,
                source,
                againstReference: against(5),
            };
        }
        const minutes = 5 + headlessInstanceMinutes;
        return {
            recoveryRegion,
            copy: "Aurora secondary, headless (storage only)",
            recoveryTime:
                `about ${minutes} min: an instance must be added (~${headlessInstanceMinutes} min, ` +
                "a planning figure) before the secondary can be promoted",
            recoveryMinutes: minutes,
            dataAtRisk,
            source,
            againstReference: against(minutes),
        };
    }
    return {
        recoveryRegion,
        copy: "cross-region read replica",
        recoveryTime:
            'an operator promotes the replica; AWS: promotion "can take several minutes or longer, ' +
            'depending on the size of the read replica" (10 min planned here)',
        recoveryMinutes: 10,
        dataAtRisk:
            "the replica's lag at the moment of loss (asynchronous; the ReplicaLag alarm watches it)",
        source: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.Promote.html",
        againstReference: against(10),
    };
}

/** One line for the plan. */
export function describeRegionLoss(budget: RegionLossBudget): string {
    const other = budget.otherShape
        ? ` (${budget.otherShape.copy} instead: about ${budget.otherShape.recoveryMinutes} min)`
        : "";
    return (
        `${budget.recoveryRegion}, ${budget.copy}: ${budget.recoveryTime}; data at risk: ` +
        `${budget.dataAtRisk}; ${budget.againstReference}${other}. Source: ${budget.source}`
    );
}

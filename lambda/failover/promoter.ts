/**
 * Failover promoter for one geoshard shard: the decision logic of the failover Lambda, with the
 * AWS clients injected so that it can be tested without AWS.
 *
 * The shard's "master can take writes" alarm invokes the Lambda when it goes to ALARM. The
 * promoter then, in order: ignores anything that is not a transition to ALARM; stops if the
 * shard has already failed over (the latch alarm is in ALARM, or a candidate is already
 * standalone); re-reads the master alarm a few times to confirm the master is really down;
 * picks the standby, or else the least-lagging read replica, provided it is available and
 * within the lag bound; promotes it; repoints the writer's SECONDARY DNS record if the promoted
 * instance is not the standby; trips the latch; and publishes one report to SNS.
 *
 * Nothing is changed before the promotion, so any failure up to and including the promotion
 * throws (Lambda may retry the asynchronous invocation, and the checks run again from the
 * start). Once an instance has been promoted nothing throws: a retry could otherwise promote a
 * second instance (the one being promoted is "modifying", so no longer fit, and may still show
 * its replication source until the promotion ends). Every later failure goes into the report.
 */

import type { CloudWatchAlarmEvent } from "aws-lambda";
import {
    CloudWatchClient,
    DescribeAlarmsCommand,
    GetMetricDataCommand,
    MetricDataQuery,
    PutMetricDataCommand,
} from "@aws-sdk/client-cloudwatch";
import {
    DBInstance,
    DescribeDBInstancesCommand,
    PromoteReadReplicaCommand,
    RDSClient,
} from "@aws-sdk/client-rds";
import {
    ChangeBatch,
    ChangeResourceRecordSetsCommand,
    Route53Client,
} from "@aws-sdk/client-route-53";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";

/** What the promoter knows about its shard; {@link parseConfig} builds it from the environment. */
export interface PromoterConfig {
    /** The shard's name, e.g. "europe". */
    shard: string;
    /** DB instance identifier of the shard's master. */
    masterId: string;
    /** DB instance identifier of the standby: the preferred failover target. */
    standbyId: string;
    /** DB instance identifiers of the shard's read replicas, the fallback targets. */
    replicaIds: string[];
    /** A candidate whose replica lag is more than this many seconds is unfit. */
    maxStandbyLagSeconds: number;
    /** ARN of the SNS topic that receives the reports. */
    topicArn: string;
    /** Name of the master-health alarm, re-read to confirm that the master is down. */
    masterAlarmName: string;
    /** Name of the fail-back guard alarm: ALARM means the shard has already failed over. */
    latchAlarmName: string;
    /** Namespace of the metric the promoter publishes (value 1) to trip the latch. */
    latchNamespace: string;
    /** Name of the latch metric; published with the dimension Shard=<shard>. */
    latchMetricName: string;
    /** How many times to read the master alarm before promoting (at least 1). */
    confirmChecks: number;
    /** Milliseconds between two reads of the master alarm. */
    confirmIntervalMs: number;
    /** The writer's Route 53 failover pair; only its SECONDARY record is ever changed. */
    writer: {
        hostedZoneId: string;
        recordName: string;
        secondarySetIdentifier: string;
        ttlSeconds: number;
    };
}

/** The AWS clients the promoter calls, and how it waits between confirm checks. */
export interface PromoterClients {
    rds: RDSClient;
    cloudwatch: CloudWatchClient;
    sns: SNSClient;
    route53: Route53Client;
    /** Resolves after `ms` milliseconds (a stub in tests). */
    sleep: (ms: number) => Promise<void>;
}

/** What one invocation decided; the Lambda returns it, and it is logged. */
export type PromotionOutcome =
    /** The event is not a transition to ALARM. */
    | { action: "ignored"; reason: string }
    /** A confirm check saw the master alarm in a state other than ALARM. */
    | { action: "master-healthy"; reason: string }
    /** The latch alarm is in ALARM, or a candidate is already standalone. */
    | { action: "already-failed-over"; reason: string }
    /** No candidate was fit: all lag too much, have no lag data, or are unavailable. */
    | { action: "no-candidate"; reason: string }
    /** `instanceId` was promoted; DNS and latch say whether those later steps succeeded. */
    | {
          action: "promoted";
          instanceId: string;
          lagSeconds: number;
          dnsRepointed: boolean;
          latchTripped: boolean;
      };

/** The runbook an operator follows after any failover. */
const runbook = "docs/runbooks/failover.md";

/** How far back replica lag is read, and the period of its datapoints. */
const lagWindowMs = 5 * 60 * 1000;
const lagPeriodSeconds = 60;

/** One failover target, as found at the start of the invocation. */
interface Candidate {
    id: string;
    role: "standby" | "replica";
    /** undefined when DescribeDBInstances reported DBInstanceNotFoundFault. */
    instance: DBInstance | undefined;
    /** Most recent ReplicaLag datapoint in seconds; undefined when there is none usable. */
    lagSeconds?: number;
}

/**
 * Handles one CloudWatch alarm state-change event (the alarm invokes the Lambda directly) and
 * returns what was decided. See the module comment for the order of the steps; it throws only
 * before anything has been changed, or to rethrow a failed PromoteReadReplica.
 */
export async function handleAlarm(
    event: CloudWatchAlarmEvent,
    config: PromoterConfig,
    clients: PromoterClients,
): Promise<PromotionOutcome> {
    const log = (decision: string, details: Record<string, unknown>): void => {
        console.log(JSON.stringify({ shard: config.shard, decision, ...details }));
    };

    // 1. Only a transition to ALARM may start a failover.
    const state = event?.alarmData?.state?.value;
    if (state !== "ALARM") {
        const reason = `alarm ${event?.alarmData?.alarmName} went to ${state}, not ALARM`;
        log("ignored", { reason });
        return { action: "ignored", reason };
    }

    // 2. Idempotency: the latch, then the candidates' replication state.
    const latchState = await alarmState(clients.cloudwatch, config.latchAlarmName);
    if (latchState === "ALARM") {
        const reason =
            `latch alarm ${config.latchAlarmName} is in ALARM: ` +
            "the shard has already failed over";
        log("already-failed-over", { reason });
        return { action: "already-failed-over", reason };
    }
    const candidates: Candidate[] = [
        { id: config.standbyId, role: "standby", instance: undefined },
        ...config.replicaIds.map((id): Candidate => ({ id, role: "replica", instance: undefined })),
    ];
    for (const candidate of candidates) {
        candidate.instance = await describeInstance(clients.rds, candidate.id);
    }
    // A read replica always carries the identifier of its source; a promoted instance does not.
    const standalone = candidates.filter(
        (c) => c.instance !== undefined && !c.instance.ReadReplicaSourceDBInstanceIdentifier,
    );
    if (standalone.length > 0) {
        const names = standalone.map((c) => `${c.role} ${c.id}`).join(", ");
        const verb = standalone.length === 1 ? "is" : "are";
        const reason =
            `${names} ${verb} already standalone (no replication source): ` +
            "the shard has already failed over";
        log("already-failed-over", { reason });
        return { action: "already-failed-over", reason };
    }

    // 3. Confirm the master is really down: every read of its alarm must say ALARM.
    for (let check = 1; check <= config.confirmChecks; check++) {
        if (check > 1) {
            await clients.sleep(config.confirmIntervalMs);
        }
        const masterState = await alarmState(clients.cloudwatch, config.masterAlarmName);
        if (masterState !== "ALARM") {
            const reason =
                `master alarm ${config.masterAlarmName} is ${masterState} ` +
                `on confirm check ${check} of ${config.confirmChecks}`;
            log("master-healthy", { reason });
            return { action: "master-healthy", reason };
        }
    }

    // 4. Choose: the standby when fit, else the fit replica with the lowest lag.
    await readLags(clients.cloudwatch, candidates);
    const fit = (c: Candidate): boolean =>
        c.instance?.DBInstanceStatus === "available" &&
        c.lagSeconds !== undefined &&
        c.lagSeconds <= config.maxStandbyLagSeconds;
    const standby = candidates[0];
    const fitReplicas = candidates
        .filter((c) => c.role === "replica" && fit(c))
        .sort((a, b) => a.lagSeconds! - b.lagSeconds!);
    const chosen = fit(standby) ? standby : fitReplicas[0];
    const summary = candidates.map((c) => ({
        id: c.id,
        role: c.role,
        status: c.instance?.DBInstanceStatus ?? "not found",
        lagSeconds: c.lagSeconds ?? null,
        fit: fit(c),
    }));
    if (chosen === undefined) {
        const reason =
            "no candidate is available with a replica lag of at most " +
            `${config.maxStandbyLagSeconds} s`;
        log("no-candidate", { reason, candidates: summary });
        await publish(
            clients.sns,
            config,
            `geoshard ${config.shard}: no failover candidate, operator action needed`,
            [
                `Shard ${config.shard}: the master ${config.masterId} is confirmed unable to ` +
                    `take writes (alarm ${config.masterAlarmName} in ALARM on ` +
                    `${checksText(config)}), ` +
                    `but no candidate is fit to be promoted: a candidate must be available ` +
                    `with a replica lag of at most ${config.maxStandbyLagSeconds} s.`,
                "",
                "Candidates:",
                ...candidates.map((c) => `  - ${describeCandidate(c, config)}`),
                "",
                "Nothing was changed: no instance was promoted, DNS is unchanged and the " +
                    "fail-back guard is not armed.",
                `An operator must act: follow ${runbook}.`,
            ],
        );
        return { action: "no-candidate", reason };
    }
    const lagSeconds = chosen.lagSeconds!;
    log("chosen", { instanceId: chosen.id, role: chosen.role, lagSeconds, candidates: summary });

    // 5. Promote. Failing here changes nothing, so report it and let the invocation fail.
    try {
        await clients.rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: chosen.id }));
    } catch (error) {
        log("promotion-failed", { instanceId: chosen.id, error: messageOf(error) });
        await publishQuietly(
            clients.sns,
            config,
            `geoshard ${config.shard}: promotion of ${chosen.id} FAILED`,
            [
                `Shard ${config.shard}: the master ${config.masterId} is confirmed unable to ` +
                    `take writes, but the promotion of ${chosen.role} ${chosen.id} failed: ` +
                    messageOf(error),
                "",
                "Nothing else was changed: DNS was not repointed and the fail-back guard (latch) " +
                    "was not tripped.",
                "The invocation fails with this error; if Lambda retries it, the checks run " +
                    "again from the start.",
                `If the shard still has no writer, an operator must act: follow ${runbook}.`,
            ],
            log,
        );
        throw error;
    }
    log("promoted", { instanceId: chosen.id, role: chosen.role, lagSeconds });

    // 6. The SECONDARY record already names the standby; any other target needs it repointed.
    let dnsRepointed = false;
    let dnsLine: string;
    if (chosen.role === "standby") {
        dnsLine =
            `DNS: unchanged. The SECONDARY record of ${config.writer.recordName} already ` +
            "points at the standby; Route 53 answers with it while the master's health check " +
            "fails.";
    } else {
        const address = chosen.instance?.Endpoint?.Address;
        const changeBatch = secondaryChange(config, address ?? `<endpoint of ${chosen.id}>`);
        try {
            if (!address) {
                throw new Error(
                    `DescribeDBInstances returned no endpoint address for ${chosen.id}`,
                );
            }
            await clients.route53.send(
                new ChangeResourceRecordSetsCommand({
                    HostedZoneId: config.writer.hostedZoneId,
                    ChangeBatch: changeBatch,
                }),
            );
            dnsRepointed = true;
            log("dns-repointed", { recordName: config.writer.recordName, address });
            dnsLine =
                `DNS: repointed. The SECONDARY record of ${config.writer.recordName} ` +
                `(set ${config.writer.secondarySetIdentifier}) now points at ${address} ` +
                `(TTL ${config.writer.ttlSeconds} s).`;
        } catch (error) {
            log("dns-failed", { recordName: config.writer.recordName, error: messageOf(error) });
            dnsLine =
                `DNS: NOT repointed: ${messageOf(error)}. The SECONDARY record of ` +
                `${config.writer.recordName} still points at the standby, which is not the new ` +
                `writer. Repoint it by hand:\n` +
                `  aws route53 change-resource-record-sets --hosted-zone-id ` +
                `${config.writer.hostedZoneId} --change-batch '${JSON.stringify(changeBatch)}'`;
        }
    }

    // 7. Trip the latch, so that the fail-back guard alarm stops any further promotion.
    let latchTripped = false;
    let latchLine: string;
    try {
        await clients.cloudwatch.send(
            new PutMetricDataCommand({
                Namespace: config.latchNamespace,
                MetricData: [
                    {
                        MetricName: config.latchMetricName,
                        Dimensions: [{ Name: "Shard", Value: config.shard }],
                        Value: 1,
                        Unit: "Count",
                    },
                ],
            }),
        );
        latchTripped = true;
        log("latch-tripped", { namespace: config.latchNamespace, metric: config.latchMetricName });
        latchLine =
            "Fail-back guard: armed. Published " +
            `${config.latchNamespace}/${config.latchMetricName} ` +
            `Shard=${config.shard} = 1; the alarm ${config.latchAlarmName} goes to ALARM when ` +
            `CloudWatch next evaluates it, and from then on this function promotes nothing.`;
    } catch (error) {
        log("latch-failed", { error: messageOf(error) });
        latchLine =
            "Fail-back guard: NOT armed: publishing the latch metric failed: " +
            `${messageOf(error)}. Until it is armed, another ALARM of ` +
            `${config.masterAlarmName} could promote a second instance. Arm it by hand now:\n` +
            `  aws cloudwatch put-metric-data --region ${event.region} ` +
            `--namespace ${config.latchNamespace} --metric-name ${config.latchMetricName} ` +
            `--dimensions Shard=${config.shard} --value 1 --unit Count`;
    }

    // 8. Report.
    await publishQuietly(
        clients.sns,
        config,
        `geoshard ${config.shard}: promoted ${chosen.id}`,
        [
            `Shard ${config.shard}: the master ${config.masterId} was confirmed unable to ` +
                `take writes (alarm ${config.masterAlarmName} in ALARM on ` +
                `${checksText(config)}), so the ` +
                `${chosen.role} ${chosen.id} was promoted to a standalone, writable instance.`,
            "",
            `Replica lag at promotion: ${lagSeconds} s (bound ${config.maxStandbyLagSeconds} s). ` +
                "Writes committed on the master in about the last " +
                `${lagSeconds} s before it failed ` +
                `may be missing from ${chosen.id}.`,
            "",
            "Candidates:",
            ...candidates.map((c) => `  - ${describeCandidate(c, config)}`),
            "",
            dnsLine,
            "",
            latchLine,
            "",
            `Next steps: follow ${runbook}: set the shard's promoted instance in config and run ` +
                `pulumi up. The old master ${config.masterId} was not touched.`,
        ],
        log,
    );
    const outcome: PromotionOutcome = {
        action: "promoted",
        instanceId: chosen.id,
        lagSeconds,
        dnsRepointed,
        latchTripped,
    };
    log("done", { outcome });
    return outcome;
}

/**
 * The state of a metric or composite alarm. DescribeAlarms returns only metric alarms unless
 * AlarmTypes is given, so both types are asked for. A missing alarm is a configuration error:
 * it throws, before anything has been changed.
 */
async function alarmState(cloudwatch: CloudWatchClient, alarmName: string): Promise<string> {
    const output = await cloudwatch.send(
        new DescribeAlarmsCommand({
            AlarmNames: [alarmName],
            AlarmTypes: ["MetricAlarm", "CompositeAlarm"],
        }),
    );
    const alarm = [...(output.MetricAlarms ?? []), ...(output.CompositeAlarms ?? [])][0];
    if (alarm?.StateValue === undefined) {
        throw new Error(`alarm ${alarmName} was not found`);
    }
    return alarm.StateValue;
}

/**
 * One DB instance, or undefined when RDS answers DBInstanceNotFoundFault (RDS raises that
 * error, rather than returning an empty list, when DBInstanceIdentifier names no instance).
 */
async function describeInstance(rds: RDSClient, id: string): Promise<DBInstance | undefined> {
    try {
        const output = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
        return output.DBInstances?.[0];
    } catch (error) {
        if ((error as { name?: unknown } | undefined)?.name === "DBInstanceNotFoundFault") {
            return undefined;
        }
        throw error;
    }
}

/**
 * Sets each found candidate's lagSeconds from one GetMetricData call: the most recent
 * ReplicaLag datapoint (the maximum over 60 s) in the last 5 minutes. RDS publishes
 * ReplicaLag, in seconds, once a minute for each read replica; a missing datapoint (the replica
 * stopped reporting) or a negative one (RDS reports -1 when replication is not running) leaves
 * the lag unknown, which makes the candidate unfit.
 */
async function readLags(cloudwatch: CloudWatchClient, candidates: Candidate[]): Promise<void> {
    const found = candidates.filter((c) => c.instance !== undefined);
    if (found.length === 0) {
        return;
    }
    const queries: MetricDataQuery[] = found.map((c, i) => ({
        Id: `lag${i}`,
        MetricStat: {
            Metric: {
                Namespace: "AWS/RDS",
                MetricName: "ReplicaLag",
                Dimensions: [{ Name: "DBInstanceIdentifier", Value: c.id }],
            },
            Period: lagPeriodSeconds,
            Stat: "Maximum",
        },
        ReturnData: true,
    }));
    const endTime = new Date();
    const startTime = new Date(endTime.getTime() - lagWindowMs);
    const latest = new Map<string, { at: number; value: number }>();
    let nextToken: string | undefined;
    do {
        const output = await cloudwatch.send(
            new GetMetricDataCommand({
                MetricDataQueries: queries,
                StartTime: startTime,
                EndTime: endTime,
                ScanBy: "TimestampDescending",
                NextToken: nextToken,
            }),
        );
        for (const result of output.MetricDataResults ?? []) {
            const timestamps = result.Timestamps ?? [];
            const values = result.Values ?? [];
            for (let i = 0; i < Math.min(timestamps.length, values.length); i++) {
                const at = new Date(timestamps[i]).getTime();
                const previous = latest.get(result.Id ?? "");
                if (previous === undefined || at > previous.at) {
                    latest.set(result.Id ?? "", { at, value: values[i] });
                }
            }
        }
        nextToken = output.NextToken;
    } while (nextToken);
    found.forEach((c, i) => {
        const value = latest.get(`lag${i}`)?.value;
        c.lagSeconds = value !== undefined && value >= 0 ? value : undefined;
    });
}

/** The UPSERT that points the writer's SECONDARY record at `address`. */
function secondaryChange(config: PromoterConfig, address: string): ChangeBatch {
    return {
        Comment: `geoshard ${config.shard}: failover, writer SECONDARY to the promoted instance`,
        Changes: [
            {
                Action: "UPSERT",
                ResourceRecordSet: {
                    Name: config.writer.recordName,
                    Type: "CNAME",
                    SetIdentifier: config.writer.secondarySetIdentifier,
                    Failover: "SECONDARY",
                    TTL: config.writer.ttlSeconds,
                    ResourceRecords: [{ Value: address }],
                },
            },
        ],
    };
}

/** One report line about a candidate. */
function describeCandidate(c: Candidate, config: PromoterConfig): string {
    if (c.instance === undefined) {
        return `${c.role} ${c.id}: not found`;
    }
    const status = c.instance.DBInstanceStatus ?? "unknown status";
    const lag =
        c.lagSeconds === undefined
            ? "replica lag unknown (no ReplicaLag datapoint in the last 5 minutes)"
            : c.lagSeconds <= config.maxStandbyLagSeconds
              ? `replica lag ${c.lagSeconds} s`
              : `replica lag ${c.lagSeconds} s, ` +
                `above the bound of ${config.maxStandbyLagSeconds} s`;
    return `${c.role} ${c.id}: ${status}, ${lag}`;
}

/** "3 checks 10000 ms apart", or "1 check". */
function checksText(config: PromoterConfig): string {
    return config.confirmChecks === 1
        ? "1 check"
        : `${config.confirmChecks} checks ${config.confirmIntervalMs} ms apart`;
}

/**
 * Publishes a report. SNS rejects a Subject of 100 characters or more, or one with line breaks,
 * so the subject is kept to one line and cut to 99 characters.
 */
async function publish(
    sns: SNSClient,
    config: PromoterConfig,
    subject: string,
    lines: string[],
): Promise<void> {
    await sns.send(
        new PublishCommand({
            TopicArn: config.topicArn,
            Subject: subject.replace(/\s+/g, " ").slice(0, 99),
            Message: lines.join("\n"),
        }),
    );
}

/** Publishes a report after a change was attempted, when an SNS failure must not throw. */
async function publishQuietly(
    sns: SNSClient,
    config: PromoterConfig,
    subject: string,
    lines: string[],
    log: (decision: string, details: Record<string, unknown>) => void,
): Promise<void> {
    try {
        await publish(sns, config, subject, lines);
    } catch (error) {
        log("report-failed", { subject, error: messageOf(error), report: lines.join("\n") });
    }
}

function messageOf(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
}

/**
 * Builds the configuration from the Lambda's environment variables: SHARD, MASTER_ID,
 * STANDBY_ID, REPLICA_IDS (comma-separated; empty or unset for none), MAX_STANDBY_LAG_SECONDS,
 * TOPIC_ARN, MASTER_ALARM_NAME, LATCH_ALARM_NAME, LATCH_NAMESPACE, LATCH_METRIC_NAME,
 * CONFIRM_CHECKS, CONFIRM_INTERVAL_MS, HOSTED_ZONE_ID, WRITER_RECORD_NAME,
 * WRITER_SECONDARY_SET_ID and WRITER_TTL_SECONDS. Throws one Error that names every missing or
 * invalid variable.
 */
export function parseConfig(env: Record<string, string | undefined>): PromoterConfig {
    const problems: string[] = [];
    const text = (name: string): string => {
        const value = env[name]?.trim() ?? "";
        if (value === "") {
            problems.push(`${name} is missing`);
        }
        return value;
    };
    const number = (name: string, pattern: RegExp, rule: string, max?: number): number => {
        const value = text(name);
        if (value === "") {
            return NaN;
        }
        const parsed = Number(value);
        if (!pattern.test(value) || (max !== undefined && parsed > max)) {
            problems.push(`${name} must be ${rule} (got "${value}")`);
        }
        return parsed;
    };
    const wholeNumber = /^\d+$/;

    const shard = text("SHARD");
    const masterId = text("MASTER_ID");
    const standbyId = text("STANDBY_ID");
    const replicaIds = (env.REPLICA_IDS ?? "")
        .split(",")
        .map((id) => id.trim())
        .filter((id) => id !== "");
    const maxStandbyLagSeconds = number(
        "MAX_STANDBY_LAG_SECONDS",
        /^\d+(\.\d+)?$/,
        "a number of seconds >= 0",
    );
    const topicArn = text("TOPIC_ARN");
    if (topicArn !== "" && !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w.-]+$/.test(topicArn)) {
        problems.push(`TOPIC_ARN must be an SNS topic ARN (got "${topicArn}")`);
    }
    const masterAlarmName = text("MASTER_ALARM_NAME");
    const latchAlarmName = text("LATCH_ALARM_NAME");
    const latchNamespace = text("LATCH_NAMESPACE");
    const latchMetricName = text("LATCH_METRIC_NAME");
    const confirmChecks = number("CONFIRM_CHECKS", /^[1-9]\d*$/, "a whole number >= 1");
    const confirmIntervalMs = number(
        "CONFIRM_INTERVAL_MS",
        wholeNumber,
        "a whole number of milliseconds >= 0",
    );
    const hostedZoneId = text("HOSTED_ZONE_ID");
    const recordName = text("WRITER_RECORD_NAME");
    const secondarySetIdentifier = text("WRITER_SECONDARY_SET_ID");
    const ttlSeconds = number(
        "WRITER_TTL_SECONDS",
        wholeNumber,
        "a whole number of seconds from 0 to 2147483647",
        2147483647,
    );

    if (standbyId !== "" && standbyId === masterId) {
        problems.push(`STANDBY_ID must differ from MASTER_ID (both "${standbyId}")`);
    }
    const badReplicas = replicaIds.filter(
        (id, i) => id === masterId || id === standbyId || replicaIds.indexOf(id) !== i,
    );
    if (badReplicas.length > 0) {
        problems.push(
            "REPLICA_IDS must not repeat an instance or name the master or standby " +
                `(got "${badReplicas.join(",")}")`,
        );
    }
    if (problems.length > 0) {
        throw new Error(`invalid failover configuration: ${problems.join("; ")}`);
    }
    return {
        shard,
        masterId,
        standbyId,
        replicaIds,
        maxStandbyLagSeconds,
        topicArn,
        masterAlarmName,
        latchAlarmName,
        latchNamespace,
        latchMetricName,
        confirmChecks,
        confirmIntervalMs,
        writer: { hostedZoneId, recordName, secondarySetIdentifier, ttlSeconds },
    };
}

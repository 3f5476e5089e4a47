import * as assert from "assert";
import {
    CloudWatchClient,
    DescribeAlarmsCommand,
    GetMetricDataCommand,
    PutMetricDataCommand,
} from "@aws-sdk/client-cloudwatch";
import {
    DBInstance,
    DBInstanceNotFoundFault,
    DescribeDBInstancesCommand,
    PromoteReadReplicaCommand,
    RDSClient,
} from "@aws-sdk/client-rds";
import { ChangeResourceRecordSetsCommand, Route53Client } from "@aws-sdk/client-route-53";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import type { CloudWatchAlarmEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import {
    handleAlarm,
    parseConfig,
    PromoterClients,
    PromoterConfig,
} from "../../lambda/failover/promoter";

const master = "geoshard-europe-master";
const standby = "geoshard-europe-standby";
const replica1 = "geoshard-europe-replica-1";
const replica2 = "geoshard-europe-replica-2";

const config: PromoterConfig = {
    shard: "europe",
    masterId: master,
    standbyId: standby,
    replicaIds: [replica1, replica2],
    maxStandbyLagSeconds: 30,
    topicArn: "arn:aws:sns:eu-west-2:123456789012:geoshard-europe-failover",
    masterAlarmName: "geoshard-europe-master-writable",
    latchAlarmName: "geoshard-europe-failover-latch",
    latchNamespace: "Geoshard/Failover",
    latchMetricName: "FailedOver",
    confirmChecks: 3,
    confirmIntervalMs: 20000,
    writer: {
        hostedZoneId: "Z0123456789ABCDEFGHIJ",
        recordName: "writer.europe.db.example.internal",
        secondarySetIdentifier: "europe-writer-secondary",
        ttlSeconds: 30,
    },
};

const rds = mockClient(RDSClient);
const cloudwatch = mockClient(CloudWatchClient);
const sns = mockClient(SNSClient);
const route53 = mockClient(Route53Client);

/** The shard as AWS sees it during one test. */
interface World {
    latchState: string;
    /** The master alarm's state on each confirm check, in order; ALARM once they run out. */
    masterStates: string[];
    /** The instances that exist; any other identifier is not found. */
    instances: Record<string, DBInstance>;
    /** Each candidate's latest ReplicaLag; a missing one has no datapoints. */
    lags: Record<string, number>;
    promoteError?: Error;
    dnsError?: Error;
    latchError?: Error;
}

function address(id: string): string {
    return `${id}.c1a2b3c4d5e6.eu-west-2.rds.amazonaws.com`;
}

/** A read replica of the master. */
function replicaOf(id: string, status = "available"): DBInstance {
    return {
        DBInstanceIdentifier: id,
        DBInstanceStatus: status,
        ReadReplicaSourceDBInstanceIdentifier: master,
        Endpoint: { Address: address(id), Port: 5432 },
    };
}

/** A healthy shard whose master is down on every confirm check. */
function world(change: Partial<World> = {}): World {
    return {
        latchState: "INSUFFICIENT_DATA",
        masterStates: [],
        instances: {
            [standby]: replicaOf(standby),
            [replica1]: replicaOf(replica1),
            [replica2]: replicaOf(replica2),
        },
        lags: { [standby]: 2, [replica1]: 4, [replica2]: 3 },
        ...change,
    };
}

const now = Date.now();

function install(w: World): void {
    const masterStates = [...w.masterStates];
    cloudwatch.on(DescribeAlarmsCommand).callsFake((input) => {
        const name = input.AlarmNames[0];
        const state =
            name === config.latchAlarmName
                ? w.latchState
                : name === config.masterAlarmName
                  ? (masterStates.shift() ?? "ALARM")
                  : undefined;
        return { MetricAlarms: state ? [{ AlarmName: name, StateValue: state }] : [] };
    });
    cloudwatch.on(GetMetricDataCommand).callsFake((input) => ({
        // Oldest first, with an older, larger value: only the most recent datapoint counts.
        MetricDataResults: input.MetricDataQueries.map((query: any) => {
            const lag = w.lags[query.MetricStat.Metric.Dimensions[0].Value];
            return lag === undefined
                ? { Id: query.Id, Timestamps: [], Values: [], StatusCode: "Complete" }
                : {
                      Id: query.Id,
                      Timestamps: [new Date(now - 120000), new Date(now - 60000)],
                      Values: [999, lag],
                      StatusCode: "Complete",
                  };
        }),
    }));
    const latch = cloudwatch.on(PutMetricDataCommand);
    if (w.latchError) {
        latch.rejects(w.latchError);
    } else {
        latch.resolves({});
    }
    rds.on(DescribeDBInstancesCommand).callsFake((input) => {
        const instance = w.instances[input.DBInstanceIdentifier];
        if (instance === undefined) {
            throw new DBInstanceNotFoundFault({
                message: `DBInstance ${input.DBInstanceIdentifier} not found.`,
                $metadata: {},
            });
        }
        return { DBInstances: [instance] };
    });
    const promote = rds.on(PromoteReadReplicaCommand);
    if (w.promoteError) {
        promote.rejects(w.promoteError);
    } else {
        promote.resolves({ DBInstance: {} });
    }
    const dns = route53.on(ChangeResourceRecordSetsCommand);
    if (w.dnsError) {
        dns.rejects(w.dnsError);
    } else {
        dns.resolves({
            ChangeInfo: { Id: "/change/C1", Status: "PENDING", SubmittedAt: new Date() },
        });
    }
    sns.on(PublishCommand).resolves({ MessageId: "m-1" });
}

function alarmEvent(value = "ALARM"): CloudWatchAlarmEvent {
    const state = (v: string) => ({
        value: v,
        reason: "test",
        timestamp: new Date(now).toISOString(),
    });
    return {
        source: "aws.cloudwatch",
        alarmArn: `arn:aws:cloudwatch:eu-west-2:123456789012:alarm:${config.masterAlarmName}`,
        accountId: "123456789012",
        time: new Date(now).toISOString(),
        region: "eu-west-2",
        alarmData: {
            alarmName: config.masterAlarmName,
            state: state(value),
            previousState: state(value === "ALARM" ? "OK" : "ALARM"),
            configuration: { metrics: [] },
        },
    };
}

let delays: number[];
let logged: string[];
const realLog = console.log;

function clients(): PromoterClients {
    return {
        rds: new RDSClient({ region: "eu-west-2" }),
        cloudwatch: new CloudWatchClient({ region: "eu-west-2" }),
        sns: new SNSClient({ region: "eu-west-2" }),
        route53: new Route53Client({ region: "eu-west-2" }),
        sleep: async (ms) => {
            delays.push(ms);
        },
    };
}

/** Runs the promoter against a world. */
function run(w: World, event = alarmEvent()) {
    install(w);
    return handleAlarm(event, config, clients());
}

/** The decisions logged, one JSON line each. */
function decisions(): string[] {
    return logged.map((line) => JSON.parse(line).decision);
}

function alarmsRead(): string[] {
    return cloudwatch.commandCalls(DescribeAlarmsCommand).map((c) => {
        assert.deepStrictEqual(c.args[0].input.AlarmTypes, ["MetricAlarm", "CompositeAlarm"]);
        return c.args[0].input.AlarmNames![0];
    });
}

function instancesDescribed(): (string | undefined)[] {
    return rds
        .commandCalls(DescribeDBInstancesCommand)
        .map((c) => c.args[0].input.DBInstanceIdentifier);
}

function promoted(): unknown[] {
    return rds.commandCalls(PromoteReadReplicaCommand).map((c) => c.args[0].input);
}

function published(): { TopicArn?: string; Subject?: string; Message?: string }[] {
    return sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
}

const latchInput = {
    Namespace: "Geoshard/Failover",
    MetricData: [
        {
            MetricName: "FailedOver",
            Dimensions: [{ Name: "Shard", Value: "europe" }],
            Value: 1,
            Unit: "Count",
        },
    ],
};

function secondaryUpsert(id: string) {
    return {
        HostedZoneId: "Z0123456789ABCDEFGHIJ",
        ChangeBatch: {
            Comment: "geoshard europe: failover, writer SECONDARY to the promoted instance",
            Changes: [
                {
                    Action: "UPSERT",
                    ResourceRecordSet: {
                        Name: "writer.europe.db.example.internal",
                        Type: "CNAME",
                        SetIdentifier: "europe-writer-secondary",
                        Failover: "SECONDARY",
                        TTL: 30,
                        ResourceRecords: [{ Value: address(id) }],
                    },
                },
            ],
        },
    };
}

describe("failover promoter", () => {
    beforeEach(() => {
        rds.reset();
        cloudwatch.reset();
        sns.reset();
        route53.reset();
        delays = [];
        logged = [];
        console.log = (line: string) => {
            logged.push(line);
        };
    });

    afterEach(() => {
        console.log = realLog;
    });

    it("promotes a fit standby when the master is down, and leaves DNS alone", async () => {
        const outcome = await run(world());

        assert.deepStrictEqual(outcome, {
            action: "promoted",
            instanceId: standby,
            lagSeconds: 2,
            dnsRepointed: false,
            latchTripped: true,
        });
        assert.deepStrictEqual(alarmsRead(), [
            config.latchAlarmName,
            config.masterAlarmName,
            config.masterAlarmName,
            config.masterAlarmName,
        ]);
        assert.deepStrictEqual(delays, [20000, 20000]);
        assert.deepStrictEqual(instancesDescribed(), [standby, replica1, replica2]);

        const lagReads = cloudwatch.commandCalls(GetMetricDataCommand);
        assert.strictEqual(lagReads.length, 1);
        const lagInput = lagReads[0].args[0].input;
        assert.strictEqual(lagInput.EndTime!.getTime() - lagInput.StartTime!.getTime(), 300000);
        assert.strictEqual(lagInput.ScanBy, "TimestampDescending");
        assert.deepStrictEqual(
            lagInput.MetricDataQueries,
            [standby, replica1, replica2].map((id, i) => ({
                Id: `lag${i}`,
                MetricStat: {
                    Metric: {
                        Namespace: "AWS/RDS",
                        MetricName: "ReplicaLag",
                        Dimensions: [{ Name: "DBInstanceIdentifier", Value: id }],
                    },
                    Period: 60,
                    Stat: "Maximum",
                },
                ReturnData: true,
            })),
        );

        assert.deepStrictEqual(promoted(), [{ DBInstanceIdentifier: standby }]);
        assert.strictEqual(route53.calls().length, 0);
        assert.deepStrictEqual(
            cloudwatch.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input),
            [latchInput],
        );

        const reports = published();
        assert.strictEqual(reports.length, 1);
        assert.strictEqual(reports[0].TopicArn, config.topicArn);
        assert.strictEqual(reports[0].Subject, `geoshard europe: promoted ${standby}`);
        const message = reports[0].Message!;
        assert.match(message, /Replica lag at promotion: 2 s \(bound 30 s\)/);
        assert.match(message, /DNS: unchanged/);
        assert.match(message, /Fail-back guard: armed/);
        assert.ok(
            message.includes(
                "follow docs/runbooks/failover.md: set the shard's promoted instance in config " +
                    "and run pulumi up",
            ),
        );
        assert.deepStrictEqual(decisions(), ["chosen", "promoted", "latch-tripped", "done"]);
    });

    it("stands down when the master alarm has cleared by the second confirm check", async () => {
        const outcome = await run(world({ masterStates: ["ALARM", "OK"] }));

        assert.deepStrictEqual(outcome, {
            action: "master-healthy",
            reason: "master alarm geoshard-europe-master-writable is OK on confirm check 2 of 3",
        });
        assert.deepStrictEqual(delays, [20000]);
        assert.deepStrictEqual(alarmsRead(), [
            config.latchAlarmName,
            config.masterAlarmName,
            config.masterAlarmName,
        ]);
        assert.deepStrictEqual(promoted(), []);
        assert.strictEqual(cloudwatch.commandCalls(GetMetricDataCommand).length, 0);
        assert.strictEqual(cloudwatch.commandCalls(PutMetricDataCommand).length, 0);
        assert.strictEqual(route53.calls().length, 0);
        assert.strictEqual(sns.calls().length, 0);
        assert.deepStrictEqual(decisions(), ["master-healthy"]);
    });

    it("promotes the least-lagging replica and repoints DNS when the standby lags", async () => {
        const outcome = await run(
            world({ lags: { [standby]: 45, [replica1]: 12, [replica2]: 7 } }),
        );

        assert.deepStrictEqual(outcome, {
            action: "promoted",
            instanceId: replica2,
            lagSeconds: 7,
            dnsRepointed: true,
            latchTripped: true,
        });
        assert.deepStrictEqual(promoted(), [{ DBInstanceIdentifier: replica2 }]);
        assert.deepStrictEqual(
            route53.commandCalls(ChangeResourceRecordSetsCommand).map((c) => c.args[0].input),
            [secondaryUpsert(replica2)],
        );
        assert.deepStrictEqual(
            cloudwatch.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input),
            [latchInput],
        );
        const reports = published();
        assert.strictEqual(reports.length, 1);
        assert.strictEqual(reports[0].Subject, `geoshard europe: promoted ${replica2}`);
        assert.ok(reports[0].Message!.includes(`now points at ${address(replica2)}`));
        assert.ok(
            reports[0].Message!.includes(
                `standby ${standby}: available, replica lag 45 s, above the bound of 30 s`,
            ),
        );
    });

    it("passes over an unavailable standby and a missing replica", async () => {
        const outcome = await run(
            world({
                instances: {
                    [standby]: replicaOf(standby, "storage-full"),
                    [replica2]: replicaOf(replica2),
                },
            }),
        );

        assert.deepStrictEqual(outcome, {
            action: "promoted",
            instanceId: replica2,
            lagSeconds: 3,
            dnsRepointed: true,
            latchTripped: true,
        });
        assert.deepStrictEqual(instancesDescribed(), [standby, replica1, replica2]);
        assert.deepStrictEqual(promoted(), [{ DBInstanceIdentifier: replica2 }]);
        assert.ok(published()[0].Message!.includes(`replica ${replica1}: not found`));
    });

    it("does nothing on a second trigger once the latch alarm is in ALARM", async () => {
        const outcome = await run(world({ latchState: "ALARM" }));

        assert.deepStrictEqual(outcome, {
            action: "already-failed-over",
            reason:
                "latch alarm geoshard-europe-failover-latch is in ALARM: " +
                "the shard has already failed over",
        });
        assert.deepStrictEqual(alarmsRead(), [config.latchAlarmName]);
        assert.strictEqual(rds.calls().length, 0);
        assert.strictEqual(route53.calls().length, 0);
        assert.strictEqual(sns.calls().length, 0);
        assert.strictEqual(cloudwatch.commandCalls(PutMetricDataCommand).length, 0);
        assert.deepStrictEqual(delays, []);
    });

    it("does nothing when the standby is already standalone, latch or not", async () => {
        const promotedStandby = replicaOf(standby);
        delete promotedStandby.ReadReplicaSourceDBInstanceIdentifier;
        const outcome = await run(
            world({ instances: { ...world().instances, [standby]: promotedStandby } }),
        );

        assert.deepStrictEqual(outcome, {
            action: "already-failed-over",
            reason:
                "standby geoshard-europe-standby is already standalone (no replication source): " +
                "the shard has already failed over",
        });
        assert.deepStrictEqual(alarmsRead(), [config.latchAlarmName]);
        assert.deepStrictEqual(promoted(), []);
        assert.strictEqual(route53.calls().length, 0);
        assert.strictEqual(sns.calls().length, 0);
        assert.strictEqual(cloudwatch.commandCalls(PutMetricDataCommand).length, 0);
    });

    it("reports a failed promotion, changes nothing else and rethrows the error", async () => {
        const failure = new Error(
            "Instance geoshard-europe-standby is not in the available state.",
        );
        failure.name = "InvalidDBInstanceStateFault";

        await assert.rejects(run(world({ promoteError: failure })), (error) => error === failure);

        assert.deepStrictEqual(promoted(), [{ DBInstanceIdentifier: standby }]);
        assert.strictEqual(route53.calls().length, 0);
        assert.strictEqual(cloudwatch.commandCalls(PutMetricDataCommand).length, 0);
        const reports = published();
        assert.strictEqual(reports.length, 1);
        assert.strictEqual(reports[0].Subject, `geoshard europe: promotion of ${standby} FAILED`);
        const message = reports[0].Message!;
        assert.ok(
            message.includes(
                `the promotion of standby ${standby} failed: ` +
                    "Instance geoshard-europe-standby is not in the available state.",
            ),
        );
        assert.ok(
            message.includes(
                "Nothing else was changed: DNS was not repointed and the fail-back guard " +
                    "(latch) was not tripped.",
            ),
        );
    });

    it("reports, and promotes nothing, when no candidate is fit", async () => {
        const outcome = await run(
            world({
                instances: {
                    [standby]: replicaOf(standby),
                    [replica1]: replicaOf(replica1, "rebooting"),
                    [replica2]: replicaOf(replica2),
                },
                lags: { [standby]: 31, [replica1]: 1 },
            }),
        );

        assert.deepStrictEqual(outcome, {
            action: "no-candidate",
            reason: "no candidate is available with a replica lag of at most 30 s",
        });
        assert.deepStrictEqual(promoted(), []);
        assert.strictEqual(route53.calls().length, 0);
        assert.strictEqual(cloudwatch.commandCalls(PutMetricDataCommand).length, 0);
        const reports = published();
        assert.strictEqual(reports.length, 1);
        assert.strictEqual(
            reports[0].Subject,
            "geoshard europe: no failover candidate, operator action needed",
        );
        const message = reports[0].Message!;
        for (const line of [
            `  - standby ${standby}: available, replica lag 31 s, above the bound of 30 s`,
            `  - replica ${replica1}: rebooting, replica lag 1 s`,
            `  - replica ${replica2}: available, ` +
                "replica lag unknown (no ReplicaLag datapoint in the last 5 minutes)",
            "An operator must act: follow docs/runbooks/failover.md.",
        ]) {
            assert.ok(message.split("\n").includes(line), `missing line: ${line}\n${message}`);
        }
        assert.deepStrictEqual(decisions(), ["no-candidate"]);
    });

    it("keeps the promotion and says so when repointing DNS fails", async () => {
        const outcome = await run(
            world({
                lags: { [standby]: 60, [replica1]: 5, [replica2]: 9 },
                dnsError: new Error("Throttling: Rate exceeded"),
            }),
        );

        assert.deepStrictEqual(outcome, {
            action: "promoted",
            instanceId: replica1,
            lagSeconds: 5,
            dnsRepointed: false,
            latchTripped: true,
        });
        assert.deepStrictEqual(
            cloudwatch.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input),
            [latchInput],
        );
        const message = published()[0].Message!;
        assert.ok(message.includes("DNS: NOT repointed: Throttling: Rate exceeded."));
        assert.ok(
            message.includes(
                "aws route53 change-resource-record-sets --hosted-zone-id Z0123456789ABCDEFGHIJ " +
                    `--change-batch '${JSON.stringify(secondaryUpsert(replica1).ChangeBatch)}'`,
            ),
        );
    });

    it("keeps the promotion and says how to arm the guard if the latch fails", async () => {
        const outcome = await run(world({ latchError: new Error("AccessDenied") }));

        assert.deepStrictEqual(outcome, {
            action: "promoted",
            instanceId: standby,
            lagSeconds: 2,
            dnsRepointed: false,
            latchTripped: false,
        });
        const message = published()[0].Message!;
        assert.ok(message.includes("Fail-back guard: NOT armed"));
        assert.ok(
            message.includes(
                "aws cloudwatch put-metric-data --region eu-west-2 --namespace Geoshard/Failover " +
                    "--metric-name FailedOver --dimensions Shard=europe --value 1 --unit Count",
            ),
        );
    });

    for (const value of ["OK", "INSUFFICIENT_DATA"]) {
        it(`ignores a transition to ${value} without calling AWS`, async () => {
            const outcome = await run(world(), alarmEvent(value));

            assert.deepStrictEqual(outcome, {
                action: "ignored",
                reason: `alarm geoshard-europe-master-writable went to ${value}, not ALARM`,
            });
            for (const mock of [rds, cloudwatch, sns, route53]) {
                assert.strictEqual(mock.calls().length, 0, mock.clientName());
            }
            assert.deepStrictEqual(delays, []);
        });
    }
});

describe("failover promoter configuration", () => {
    const env: Record<string, string> = {
        SHARD: "europe",
        MASTER_ID: master,
        STANDBY_ID: standby,
        REPLICA_IDS: `${replica1}, ${replica2}`,
        MAX_STANDBY_LAG_SECONDS: "30",
        TOPIC_ARN: "arn:aws:sns:eu-west-2:123456789012:geoshard-europe-failover",
        MASTER_ALARM_NAME: "geoshard-europe-master-writable",
        LATCH_ALARM_NAME: "geoshard-europe-failover-latch",
        LATCH_NAMESPACE: "Geoshard/Failover",
        LATCH_METRIC_NAME: "FailedOver",
        CONFIRM_CHECKS: "3",
        CONFIRM_INTERVAL_MS: "20000",
        HOSTED_ZONE_ID: "Z0123456789ABCDEFGHIJ",
        WRITER_RECORD_NAME: "writer.europe.db.example.internal",
        WRITER_SECONDARY_SET_ID: "europe-writer-secondary",
        WRITER_TTL_SECONDS: "30",
    };

    it("parses a full environment", () => {
        assert.deepStrictEqual(parseConfig(env), config);
    });

    it("accepts an empty or unset REPLICA_IDS", () => {
        assert.deepStrictEqual(parseConfig({ ...env, REPLICA_IDS: "" }).replicaIds, []);
        assert.deepStrictEqual(parseConfig({ ...env, REPLICA_IDS: undefined }).replicaIds, []);
    });

    it("names every missing or invalid variable in one error", () => {
        const bad = {
            ...env,
            MASTER_ID: undefined,
            LATCH_NAMESPACE: "  ",
            MAX_STANDBY_LAG_SECONDS: "-1",
            CONFIRM_CHECKS: "0",
            CONFIRM_INTERVAL_MS: "soon",
            WRITER_TTL_SECONDS: "3e1",
            TOPIC_ARN: "geoshard-europe-failover",
            REPLICA_IDS: `${replica1},${standby}`,
        };
        assert.throws(
            () => parseConfig(bad),
            (error: Error) => {
                assert.strictEqual(
                    error.message,
                    "invalid failover configuration: " +
                        [
                            "MASTER_ID is missing",
                            'MAX_STANDBY_LAG_SECONDS must be a number of seconds >= 0 (got "-1")',
                            'TOPIC_ARN must be an SNS topic ARN (got "geoshard-europe-failover")',
                            "LATCH_NAMESPACE is missing",
                            'CONFIRM_CHECKS must be a whole number >= 1 (got "0")',
                            "CONFIRM_INTERVAL_MS must be a whole number of milliseconds >= 0 " +
                                '(got "soon")',
                            "WRITER_TTL_SECONDS must be a whole number of seconds " +
                                'from 0 to 2147483647 (got "3e1")',
                            "REPLICA_IDS must not repeat an instance or name the master or " +
                                `standby (got "${standby}")`,
                        ].join("; "),
                );
                return true;
            },
        );
    });

    it("refuses a standby that is the master", () => {
        assert.throws(
            () => parseConfig({ ...env, STANDBY_ID: master }),
            /STANDBY_ID must differ from MASTER_ID/,
        );
    });
});

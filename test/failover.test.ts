import * as assert from "assert";
import { failoverBudget } from "../components/failover";
import { bundledSource } from "../components/lambdaCode";
import { currentLayout } from "../components/placement";
import { mockAccountId, ProgramRun } from "../tools/mockRuntime";
import { instancesOf, named, ofType, referenceShards, run, types } from "./helpers";

const host = (identifier: string, region: string) =>
    `${identifier}.c0ffee12abcd.${region}.rds.amazonaws.com`;
const alarm = (r: ProgramRun, name: string) =>
    named(r, name, "aws:cloudwatch/metricAlarm:MetricAlarm");
const record = (r: ProgramRun, name: string) => named(r, name, "aws:route53/record:Record");
const healthCheck = (r: ProgramRun, name: string) =>
    named(r, name, "aws:route53/healthCheck:HealthCheck");
const shardChildren = (r: ProgramRun, shard: string) =>
    r.resources.filter((x) => x.parent.endsWith(`RegionalShard::${shard}`));
const policyOf = (r: ProgramRun, name: string) =>
    JSON.parse(named(r, name, "aws:iam/rolePolicy:RolePolicy").inputs.policy);

describe("failover, the reference stack", () => {
    let prod: ProgramRun;

    before(async () => {
        prod = await run();
    });

    it("associates one private zone with the warehouse and every shard VPC, through the global provider", () => {
        const zones = ofType(prod, "aws:route53/zone:Zone");
        assert.strictEqual(zones.length, 1);
        assert.strictEqual(zones[0].inputs.name, "db.internal");
        assert.strictEqual(zones[0].region, "us-east-1");
        assert.ok(zones[0].urn.endsWith("::private-zone"));
        // The zone starts with the warehouse VPC; every shard associates its own.
        assert.deepStrictEqual(zones[0].inputs.vpcs, [
            { vpcId: "warehouse-vpc-id", vpcRegion: "us-east-1" },
        ]);
        assert.deepStrictEqual(
            ofType(prod, "aws:route53/zoneAssociation:ZoneAssociation")
                .map((a) => [a.name, a.region, a.inputs.zoneId, a.inputs.vpcId, a.inputs.vpcRegion])
                .sort(),
            referenceShards()
                .map((s) => [
                    `${s.name}-zone-association`,
                    "us-east-1",
                    "ZPRIVATEZONE",
                    `${s.name}-vpc-id`,
                    s.region,
                ])
                .sort(),
        );
        for (const shard of referenceShards()) {
            assert.strictEqual(
                named(prod, `${shard.name}-vpc`, types.vpc).inputs.enableDnsSupport,
                true,
            );
        }
    });

    it("pairs writer.<shard> PRIMARY to the master and SECONDARY to the standby", () => {
        for (const shard of referenceShards()) {
            const primary = record(prod, `${shard.name}-writer-primary`);
            const secondary = record(prod, `${shard.name}-writer-secondary`);
            const common = {
                zoneId: "ZPRIVATEZONE",
                name: `writer.${shard.name}.db.internal`,
                type: "CNAME",
                ttl: 5,
            };
            const fields = [
                ...Object.keys(common),
                "records",
                "setIdentifier",
                "failoverRoutingPolicies",
                "healthCheckId",
            ];
            assert.deepStrictEqual(pick(primary.inputs, fields), {
                ...common,
                records: [host(`geoshard-prod-${shard.name}-master`, shard.region)],
                setIdentifier: "primary",
                failoverRoutingPolicies: [{ type: "PRIMARY" }],
                healthCheckId: `${shard.name}-writer-primary-health-id`,
            });
            assert.deepStrictEqual(pick(secondary.inputs, fields), {
                ...common,
                records: [host(`geoshard-prod-${shard.name}-standby`, shard.region)],
                setIdentifier: "secondary",
                failoverRoutingPolicies: [{ type: "SECONDARY" }],
                healthCheckId: undefined,
            });
        }
    });

    it("makes the PRIMARY healthy only while the master takes writes and no failover happened", () => {
        const primary = healthCheck(prod, "europe-writer-primary-health");
        assert.deepStrictEqual(
            pick(primary.inputs, ["type", "childHealthchecks", "childHealthThreshold"]),
            {
                type: "CALCULATED",
                childHealthchecks: [
                    "europe-master-writable-health-id",
                    "europe-not-failed-over-health-id",
                ],
                childHealthThreshold: 2,
            },
        );
        const fields = [
            "type",
            "cloudwatchAlarmName",
            "cloudwatchAlarmRegion",
            "insufficientDataHealthStatus",
        ];
        assert.deepStrictEqual(
            pick(healthCheck(prod, "europe-master-writable-health").inputs, fields),
            {
                type: "CLOUDWATCH_METRIC",
                cloudwatchAlarmName: "geoshard-prod-europe-master-writable",
                cloudwatchAlarmRegion: "eu-west-2",
                insufficientDataHealthStatus: "LastKnownStatus",
            },
        );
        assert.deepStrictEqual(
            pick(healthCheck(prod, "europe-not-failed-over-health").inputs, fields),
            {
                type: "CLOUDWATCH_METRIC",
                cloudwatchAlarmName: "geoshard-prod-europe-failed-over-g1",
                cloudwatchAlarmRegion: "eu-west-2",
                insufficientDataHealthStatus: "Healthy",
            },
        );
    });

    it("spreads reader.<shard> over exactly the read replicas, each behind its lag alarm", () => {
        for (const shard of referenceShards()) {
            const readers = ofType(prod, "aws:route53/record:Record").filter(
                (r) => r.inputs.name === `reader.${shard.name}.db.internal`,
            );
            assert.deepStrictEqual(
                readers.map((r) => [
                    r.inputs.setIdentifier,
                    r.inputs.records,
                    r.inputs.weightedRoutingPolicies,
                    r.inputs.healthCheckId,
                ]),
                [1, 2].map((n) => [
                    `replica-${n}`,
                    [host(`geoshard-prod-${shard.name}-replica-${n}`, shard.region)],
                    [{ weight: 1 }],
                    `${shard.name}-replica-${n}-health-id`,
                ]),
            );
            for (const n of [1, 2]) {
                const check = healthCheck(prod, `${shard.name}-replica-${n}-health`);
                assert.strictEqual(
                    check.inputs.cloudwatchAlarmName,
                    `geoshard-prod-${shard.name}-replica-${n}-replica-lag`,
                );
                assert.strictEqual(check.inputs.insufficientDataHealthStatus, "Unhealthy");
            }
        }
    });

    it("raises master-writable after three failed probe writes in a minute, and invokes the promoter", () => {
        const master = alarm(prod, "asia-master-writable");
        assert.deepStrictEqual(
            pick(master.inputs, [
                "name",
                "namespace",
                "metricName",
                "dimensions",
                "statistic",
                "period",
                "evaluationPeriods",
                "threshold",
                "comparisonOperator",
                "treatMissingData",
                "alarmActions",
                "okActions",
            ]),
            {
                name: "geoshard-prod-asia-master-writable",
                namespace: "geoshard/Health",
                metricName: "MasterWriteFailures",
                dimensions: { Shard: "asia" },
                statistic: "Sum",
                period: 60,
                evaluationPeriods: 1,
                threshold: 3,
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                treatMissingData: "missing",
                alarmActions: [
                    `arn:aws:lambda:ap-southeast-1:${mockAccountId}:function:geoshard-prod-asia-promoter`,
                    `arn:aws:sns:ap-southeast-1:${mockAccountId}:geoshard-prod-asia-alarms`,
                ],
                okActions: [
                    `arn:aws:sns:ap-southeast-1:${mockAccountId}:geoshard-prod-asia-alarms`,
                ],
            },
        );
        const permission = named(
            prod,
            "asia-promoter-from-alarm",
            "aws:lambda/permission:Permission",
        );
        assert.deepStrictEqual(pick(permission.inputs, ["principal", "sourceArn", "action"]), {
            principal: "lambda.alarms.cloudwatch.amazonaws.com",
            sourceArn: `arn:aws:cloudwatch:ap-southeast-1:${mockAccountId}:alarm:geoshard-prod-asia-master-writable`,
            action: "lambda:InvokeFunction",
        });
        const silent = alarm(prod, "asia-probe-silent");
        assert.deepStrictEqual(
            pick(silent.inputs, [
                "metricName",
                "statistic",
                "evaluationPeriods",
                "threshold",
                "comparisonOperator",
                "treatMissingData",
            ]),
            {
                metricName: "MasterWriteProbes",
                statistic: "SampleCount",
                evaluationPeriods: 3,
                threshold: 1,
                comparisonOperator: "LessThanThreshold",
                treatMissingData: "breaching",
            },
        );
    });

    it("latches a failover: the alarm keeps its state while no data arrives", () => {
        const latch = alarm(prod, "us-west-failed-over");
        assert.deepStrictEqual(
            pick(latch.inputs, [
                "name",
                "namespace",
                "metricName",
                "dimensions",
                "statistic",
                "threshold",
                "comparisonOperator",
                "treatMissingData",
            ]),
            {
                name: "geoshard-prod-us-west-failed-over-g1",
                namespace: "geoshard/Failover",
                metricName: "FailedOver",
                dimensions: { Shard: "us-west" },
                statistic: "Maximum",
                threshold: 1,
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                treatMissingData: "ignore",
            },
        );
    });

    it("alarms on CPU, storage, memory and connections of every instance and on every replica's lag", () => {
        const names = ofType(prod, "aws:cloudwatch/metricAlarm:MetricAlarm")
            .filter(
                (a) =>
                    a.inputs.namespace === "AWS/RDS" &&
                    a.inputs.tags.shard === "us-east" &&
                    a.inputs.tags.role === "alarm",
            )
            .map((a) => a.name);
        const perInstance = ["cpu", "free-storage", "freeable-memory", "connections"];
        assert.deepStrictEqual(
            names.sort(),
            [
                ...perInstance.map((w) => `us-east-master-${w}`),
                ...[...perInstance, "replica-lag"].flatMap((w) =>
                    ["standby", "replica-1", "replica-2"].map((i) => `us-east-${i}-${w}`),
                ),
            ].sort(),
        );
        const threshold = (name: string) => [
            alarm(prod, name).inputs.threshold,
            alarm(prod, name).inputs.comparisonOperator,
        ];
        const gib = 2 ** 30;
        assert.deepStrictEqual(threshold("us-east-master-cpu"), [80, "GreaterThanThreshold"]);
        assert.deepStrictEqual(threshold("us-east-master-free-storage"), [
            100 * gib,
            "LessThanThreshold",
        ]);
        assert.deepStrictEqual(threshold("us-east-master-freeable-memory"), [
            Math.round(25.6 * gib),
            "LessThanThreshold",
        ]);
        assert.deepStrictEqual(threshold("us-east-replica-1-freeable-memory"), [
            Math.round(12.8 * gib),
            "LessThanThreshold",
        ]);
        // 256 GiB / 9531392 is above RDS's cap of 5000 connections; 80% of 5000.
        assert.deepStrictEqual(threshold("us-east-master-connections"), [
            4000,
            "GreaterThanThreshold",
        ]);
        const lag = alarm(prod, "us-east-replica-2-replica-lag");
        assert.deepStrictEqual(
            pick(lag.inputs, [
                "metricName",
                "dimensions",
                "threshold",
                "evaluationPeriods",
                "treatMissingData",
            ]),
            {
                metricName: "ReplicaLag",
                dimensions: { DBInstanceIdentifier: "geoshard-prod-us-east-replica-2" },
                threshold: 30,
                evaluationPeriods: 3,
                treatMissingData: "breaching",
            },
        );
    });

    it("sends every alarm to the shard's encrypted topic", () => {
        const topic = named(prod, "europe-alarms", "aws:sns/topic:Topic");
        assert.strictEqual(
            topic.inputs.kmsMasterKeyId,
            `arn:aws:kms:eu-west-2:${mockAccountId}:key/europe-key`,
        );
        const topicArn = `arn:aws:sns:eu-west-2:${mockAccountId}:geoshard-prod-europe-alarms`;
        const alarms = ofType(prod, "aws:cloudwatch/metricAlarm:MetricAlarm").filter(
            (a) => a.inputs.tags.shard === "europe" && a.region === "eu-west-2",
        );
        assert.strictEqual(alarms.length, 24);
        for (const a of alarms) {
            assert.ok(a.inputs.alarmActions.includes(topicArn), `${a.name} reaches the topic`);
        }
        const policy = JSON.parse(named(prod, "europe-key", types.key).inputs.policy);
        assert.deepStrictEqual(policy.Statement[2], {
            Sid: "CloudWatchAlarmsPublishToEncryptedTopics",
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
            Resource: "*",
            Condition: { StringEquals: { "aws:SourceAccount": mockAccountId } },
        });
    });

    it("gives the promoter only the actions it needs, on its own shard's resources", () => {
        const arn = (what: string) =>
            `arn:aws:rds:us-east-1:${mockAccountId}:db:geoshard-prod-us-east-${what}`;
        const statements = policyOf(prod, "us-east-promoter-policy").Statement;
        assert.deepStrictEqual(
            statements.map((s: any) => [s.Sid, s.Action, s.Resource]),
            [
                [
                    "DescribeCandidates",
                    "rds:DescribeDBInstances",
                    [arn("standby"), arn("replica-1"), arn("replica-2")],
                ],
                [
                    "PromoteShardReplicas",
                    "rds:PromoteReadReplica",
                    [arn("standby"), arn("replica-1"), arn("replica-2")],
                ],
                [
                    "ReadShardAlarms",
                    "cloudwatch:DescribeAlarms",
                    ["master-writable", "failed-over-g1"].map(
                        (a) =>
                            `arn:aws:cloudwatch:us-east-1:${mockAccountId}:alarm:geoshard-prod-us-east-${a}`,
                    ),
                ],
                ["ReadReplicaLag", "cloudwatch:GetMetricData", "*"],
                ["TripLatch", "cloudwatch:PutMetricData", "*"],
                [
                    "Report",
                    "sns:Publish",
                    `arn:aws:sns:us-east-1:${mockAccountId}:geoshard-prod-us-east-alarms`,
                ],
                [
                    "EncryptReport",
                    ["kms:GenerateDataKey*", "kms:Decrypt"],
                    `arn:aws:kms:us-east-1:${mockAccountId}:key/us-east-key`,
                ],
                [
                    "RepointShardWriter",
                    "route53:ChangeResourceRecordSets",
                    "arn:aws:route53:::hostedzone/ZPRIVATEZONE",
                ],
                [
                    "WriteOwnLogs",
                    ["logs:CreateLogStream", "logs:PutLogEvents"],
                    `arn:aws:logs:us-east-1:${mockAccountId}:log-group:/aws/lambda/geoshard-prod-us-east-promoter:*`,
                ],
            ],
        );
        assert.ok(
            !statements.some(
                (s: any) =>
                    s.Action === "*" ||
                    (s.Resource === "*" && !s.Sid.startsWith("ReadReplicaLag") && !s.Condition),
            ),
        );
        assert.deepStrictEqual(statements[4].Condition, {
            StringEquals: { "cloudwatch:namespace": "geoshard/Failover" },
        });
        assert.deepStrictEqual(statements[7].Condition, {
            "ForAllValues:StringEquals": {
                "route53:ChangeResourceRecordSetsNormalizedRecordNames": [
                    "writer.us-east.db.internal",
                ],
                "route53:ChangeResourceRecordSetsRecordTypes": ["CNAME"],
                "route53:ChangeResourceRecordSetsActions": ["UPSERT"],
            },
        });
        assert.deepStrictEqual(
            ofType(prod, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                .filter((a) => a.name.startsWith("us-east-promoter"))
                .map((a) => a.name),
            [],
            "no managed policy widens the promoter's role",
        );
    });

    it("tells the promoter its shard's instances, alarms, bound and writer record", () => {
        const promoter = named(prod, "us-west-promoter", "aws:lambda/function:Function");
        assert.deepStrictEqual(promoter.inputs.environment.variables, {
            SHARD: "us-west",
            MASTER_ID: "geoshard-prod-us-west-master",
            STANDBY_ID: "geoshard-prod-us-west-standby",
            REPLICA_IDS: "geoshard-prod-us-west-replica-1,geoshard-prod-us-west-replica-2",
            MAX_STANDBY_LAG_SECONDS: "60",
            TOPIC_ARN: `arn:aws:sns:us-west-1:${mockAccountId}:geoshard-prod-us-west-alarms`,
            MASTER_ALARM_NAME: "geoshard-prod-us-west-master-writable",
            LATCH_ALARM_NAME: "geoshard-prod-us-west-failed-over-g1",
            LATCH_NAMESPACE: "geoshard/Failover",
            LATCH_METRIC_NAME: "FailedOver",
            CONFIRM_CHECKS: "3",
            CONFIRM_INTERVAL_MS: "10000",
            HOSTED_ZONE_ID: "ZPRIVATEZONE",
            WRITER_RECORD_NAME: "writer.us-west.db.internal",
            WRITER_SECONDARY_SET_ID: "secondary",
            WRITER_TTL_SECONDS: "5",
        });
        assert.deepStrictEqual(
            pick(promoter.inputs, [
                "runtime",
                "handler",
                "reservedConcurrentExecutions",
                "timeout",
                "kmsKeyArn",
            ]),
            {
                runtime: "nodejs22.x",
                handler: "index.handler",
                reservedConcurrentExecutions: 1,
                timeout: 120,
                kmsKeyArn: `arn:aws:kms:us-west-1:${mockAccountId}:key/us-west-key`,
            },
        );
    });

    it("runs the write probe in the shard's VPC every minute, with private paths to AWS APIs", () => {
        const probe = named(prod, "europe-probe", "aws:lambda/function:Function");
        assert.deepStrictEqual(probe.inputs.vpcConfig, {
            subnetIds: ["eu-west-2a", "eu-west-2b", "eu-west-2c"].map(
                (az) => `europe-subnet-${az}-id`,
            ),
            securityGroupIds: ["europe-probe-sg-id"],
        });
        assert.deepStrictEqual(probe.inputs.environment.variables, {
            SHARD: "europe",
            DB_HOST: host("geoshard-prod-europe-master", "eu-west-2"),
            DB_PORT: "5432",
            DB_NAME: "geoshard",
            SECRET_ARN: `arn:aws:secretsmanager:eu-west-2:${mockAccountId}:secret:geoshard-prod-europe-master-credentials-AbCdEf`,
            METRIC_NAMESPACE: "geoshard/Health",
            PROBES_PER_RUN: "11",
            PROBE_INTERVAL_MS: "5000",
            PROBE_TIMEOUT_MS: "2000",
            NODE_EXTRA_CA_CERTS: "/var/runtime/ca-cert.pem",
        });
        assert.strictEqual(
            named(prod, "europe-probe-schedule", "aws:cloudwatch/eventRule:EventRule").inputs
                .scheduleExpression,
            "rate(1 minute)",
        );
        assert.deepStrictEqual(
            ofType(prod, "aws:ec2/vpcEndpoint:VpcEndpoint")
                .filter((e) => e.inputs.tags.shard === "europe")
                .map((e) => [
                    e.inputs.serviceName,
                    e.inputs.vpcEndpointType,
                    e.inputs.privateDnsEnabled,
                ]),
            [
                ["com.amazonaws.eu-west-2.secretsmanager", "Interface", true],
                ["com.amazonaws.eu-west-2.monitoring", "Interface", true],
            ],
        );
        const statements = policyOf(prod, "europe-probe-policy").Statement;
        assert.deepStrictEqual(
            statements.map((s: any) => [s.Action, s.Resource, s.Condition]),
            [
                [
                    "secretsmanager:GetSecretValue",
                    `arn:aws:secretsmanager:eu-west-2:${mockAccountId}:secret:geoshard-prod-europe-master-credentials-AbCdEf`,
                    undefined,
                ],
                ["kms:Decrypt", `arn:aws:kms:eu-west-2:${mockAccountId}:key/europe-key`, undefined],
                [
                    "cloudwatch:PutMetricData",
                    "*",
                    { StringEquals: { "cloudwatch:namespace": "geoshard/Health" } },
                ],
            ],
        );
        const fromProbe = named(prod, "europe-postgres-from-probe", types.ingress);
        assert.deepStrictEqual(
            pick(fromProbe.inputs, ["securityGroupId", "referencedSecurityGroupId", "fromPort"]),
            {
                securityGroupId: "europe-db-sg-id",
                referencedSecurityGroupId: "europe-probe-sg-id",
                fromPort: 5432,
            },
        );
    });

    it("bundles both functions into self-contained code that uses the runtime's AWS SDK", () => {
        const failover = bundledSource("failover");
        const probe = bundledSource("probe");
        assert.match(failover, /require\("@aws-sdk\/client-rds"\)/);
        assert.match(probe, /require\("@aws-sdk\/client-cloudwatch"\)/);
        assert.doesNotMatch(probe, /require\("pg"\)/, "pg is bundled in");
        assert.match(probe, /pg_is_in_recovery/);
    });

    it("states each shard's failover budget", () => {
        assert.deepStrictEqual(failoverBudget(5), {
            detectionSeconds: { min: 15, max: 130 },
            confirmationSeconds: 20,
            promotionSeconds: 180,
            dnsSeconds: 5,
            totalSeconds: { min: 220, max: 335 },
        });
    });
});

describe("failover, variations", () => {
    it("takes thresholds, TTL and alarm emails from config", async () => {
        const result = await run({
            dnsTtlSeconds: "30",
            cpuAlarmPercent: "65",
            replicaLagAlarmSeconds: "10",
            failoverMaxLagSeconds: "5",
            alarmEmails: ["dba@example.com"],
            dnsZone: "shards.example.internal",
        });
        assert.strictEqual(record(result, "asia-writer-primary").inputs.ttl, 30);
        assert.strictEqual(
            record(result, "asia-writer-primary").inputs.name,
            "writer.asia.shards.example.internal",
        );
        assert.strictEqual(alarm(result, "asia-standby-cpu").inputs.threshold, 65);
        assert.strictEqual(alarm(result, "asia-replica-1-replica-lag").inputs.threshold, 10);
        assert.strictEqual(
            named(result, "asia-promoter", "aws:lambda/function:Function").inputs.environment
                .variables.MAX_STANDBY_LAG_SECONDS,
            "5",
        );
        const subscription = named(
            result,
            "asia-alarms-dba@example.com",
            "aws:sns/topicSubscription:TopicSubscription",
        );
        assert.deepStrictEqual(pick(subscription.inputs, ["protocol", "endpoint"]), {
            protocol: "email",
            endpoint: "dba@example.com",
        });
    });

    it("points reader.<shard> at the writer when a shard has no read replicas", async () => {
        const shards = referenceShards();
        shards[0] = { ...shards[0], replicaCount: 0 };
        const result = await run({}, shards);
        const readers = ofType(result, "aws:route53/record:Record").filter(
            (r) => r.inputs.name === "reader.us-east.db.internal",
        );
        assert.deepStrictEqual(
            readers.map((r) => [r.name, r.inputs.records, r.inputs.setIdentifier]),
            [["us-east-reader", ["writer.us-east.db.internal"], undefined]],
        );
    });

    it("needs no endpoints of its own in an existing VPC, and lets the probe out on HTTPS", async () => {
        const shards = referenceShards();
        shards[2] = {
            ...shards[2],
            existingVpc: {
                vpcId: "vpc-0abc0abc0abc0abc0",
                subnetIds: ["subnet-0aaa0aaa0aaa0aaa0", "subnet-0bbb0bbb0bbb0bbb0"],
            },
        };
        const result = await run({}, shards, {
            subnets: {
                "subnet-0aaa0aaa0aaa0aaa0": {
                    vpcId: "vpc-0abc0abc0abc0abc0",
                    availabilityZone: "eu-west-2a",
                    cidrBlock: "10.30.0.0/20",
                },
                "subnet-0bbb0bbb0bbb0bbb0": {
                    vpcId: "vpc-0abc0abc0abc0abc0",
                    availabilityZone: "eu-west-2b",
                    cidrBlock: "10.30.16.0/20",
                },
            },
        });
        const europe = shardChildren(result, "europe");
        assert.deepStrictEqual(
            europe.filter((r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint"),
            [],
        );
        const https = named(
            result,
            "europe-probe-to-https",
            "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
        );
        assert.deepStrictEqual(pick(https.inputs, ["fromPort", "toPort", "cidrIpv4"]), {
            fromPort: 443,
            toPort: 443,
            cidrIpv4: "0.0.0.0/0",
        });
        assert.deepStrictEqual(
            named(result, "europe-zone-association", "aws:route53/zoneAssociation:ZoneAssociation")
                .inputs.vpcId,
            "vpc-0abc0abc0abc0abc0",
        );
    });

    describe("after the standby was promoted (promoted: [standby])", () => {
        let after: ProgramRun;

        before(async () => {
            const shards = referenceShards();
            shards[0] = { ...shards[0], promoted: ["standby"] };
            after = await run({}, shards);
        });

        it("adopts the promoted standby as master, standalone, under its own name", () => {
            const { masters, standbys, replicas } = instancesOf(after, "us-east");
            assert.deepStrictEqual(
                masters.map((m) => m.name),
                ["us-east-standby"],
            );
            const master = masters[0].inputs;
            assert.strictEqual(master.identifier, "geoshard-prod-us-east-standby");
            assert.strictEqual(
                master.replicateSourceDb,
                undefined,
                "standalone: pulumi up promotes it if the promoter has not",
            );
            assert.deepStrictEqual(
                pick(master, [
                    "instanceClass",
                    "availabilityZone",
                    "backupRetentionPeriod",
                    "deletionProtection",
                    "skipFinalSnapshot",
                    "finalSnapshotIdentifier",
                    "storageEncrypted",
                ]),
                {
                    instanceClass: "db.r6g.8xlarge",
                    availabilityZone: "us-east-1b",
                    backupRetentionPeriod: 7,
                    deletionProtection: true,
                    skipFinalSnapshot: false,
                    finalSnapshotIdentifier: "geoshard-prod-us-east-standby-final",
                    storageEncrypted: true,
                },
            );
            for (const inherited of [
                "username",
                "password",
                "dbName",
                "allocatedStorage",
                "kmsKeyId",
            ]) {
                assert.strictEqual(
                    master[inherited],
                    undefined,
                    `the promoted master keeps its inherited ${inherited}`,
                );
            }
            assert.ok(masters[0].protect);
            assert.deepStrictEqual(
                standbys.map((s) => [
                    s.name,
                    s.inputs.replicateSourceDb,
                    s.inputs.availabilityZone,
                    s.protect,
                ]),
                [["us-east-g2-standby", "geoshard-prod-us-east-standby", "us-east-1a", true]],
            );
            assert.deepStrictEqual(
                replicas.map((r) => [r.name, r.inputs.replicateSourceDb]),
                [
                    ["us-east-g2-replica-1", "geoshard-prod-us-east-standby"],
                    ["us-east-g2-replica-2", "geoshard-prod-us-east-standby"],
                ],
            );
            assert.ok(
                !after.resources.some((r) => r.name === "us-east-master"),
                "the failed master is no longer declared",
            );
        });

        it("points the writer at the new master, guarded by the new generation's latch", () => {
            assert.deepStrictEqual(record(after, "us-east-writer-primary").inputs.records, [
                host("geoshard-prod-us-east-standby", "us-east-1"),
            ]);
            assert.deepStrictEqual(record(after, "us-east-writer-secondary").inputs.records, [
                host("geoshard-prod-us-east-g2-standby", "us-east-1"),
            ]);
            assert.strictEqual(
                alarm(after, "us-east-failed-over").inputs.name,
                "geoshard-prod-us-east-failed-over-g2",
            );
            assert.strictEqual(
                healthCheck(after, "us-east-not-failed-over-health").inputs.cloudwatchAlarmName,
                "geoshard-prod-us-east-failed-over-g2",
            );
            const env = named(after, "us-east-promoter", "aws:lambda/function:Function").inputs
                .environment.variables;
            assert.deepStrictEqual(
                [env.MASTER_ID, env.STANDBY_ID, env.REPLICA_IDS, env.LATCH_ALARM_NAME],
                [
                    "geoshard-prod-us-east-standby",
                    "geoshard-prod-us-east-g2-standby",
                    "geoshard-prod-us-east-g2-replica-1,geoshard-prod-us-east-g2-replica-2",
                    "geoshard-prod-us-east-failed-over-g2",
                ],
            );
            assert.strictEqual(
                named(after, "us-east-probe", "aws:lambda/function:Function").inputs.environment
                    .variables.DB_HOST,
                host("geoshard-prod-us-east-standby", "us-east-1"),
            );
        });

        it("leaves the other shards untouched", () => {
            assert.deepStrictEqual(
                instancesOf(after, "europe").masters.map((m) => m.name),
                ["europe-master"],
            );
        });
    });

    it("places each generation's standby away from its master", () => {
        const azs = ["a", "b", "c"];
        assert.deepStrictEqual(currentLayout(azs, 2, []).placement, {
            master: "a",
            standby: "b",
            replicas: ["c", "a"],
        });
        const second = currentLayout(azs, 2, ["replica-1"]);
        assert.deepStrictEqual(second.placement, {
            master: "c",
            standby: "a",
            replicas: ["b", "c"],
        });
        assert.strictEqual(second.masterLabel, "replica-1");
        const third = currentLayout(["a", "c"], 2, ["standby", "g2-standby"]);
        assert.deepStrictEqual(
            [third.generation, third.masterLabel, third.placement.master, third.placement.standby],
            [3, "g2-standby", "a", "c"],
        );
        assert.deepStrictEqual(third.labels, {
            standby: "g3-standby",
            replicas: ["g3-replica-1", "g3-replica-2"],
        });
    });
});

function pick(object: Record<string, any>, keys: readonly string[]): Record<string, any> {
    return Object.fromEntries(keys.map((k) => [k, object[k]]));
}

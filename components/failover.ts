/**
 * The failover half of a RegionalShard: the signal that says whether the master can take writes,
 * the alarms, the Route 53 names applications use, and the function that promotes the standby.
 * Every resource here is a child of the shard and is named `<shard>-<what>`.
 *
 * How a failover runs (docs/runbooks/failover.md has the operator's side):
 * 1. The probe writes to the master every 5 s; three failed writes in a minute put the
 *    master-writable alarm in ALARM.
 * 2. The writer PRIMARY health check follows that alarm, so Route 53 answers
 *    `writer.<shard>.<zone>` with the SECONDARY, the standby.
 * 3. The alarm invokes the promoter, which confirms, checks lag, promotes the standby (or the
 *    least-lagging replica), and trips the latch.
 * 4. The latch alarm keeps the PRIMARY unhealthy, so a returning old master never takes writes
 *    again (no fail-back, no split brain) until config names the new master.
 */

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { FailoverSettings } from "./defaults";
import { defaultMaxConnections, instanceMemoryGiB } from "./instanceClasses";
import { lambdaArchive, lambdaRuntime } from "./lambdaCode";
import { assumableBy } from "./security";

/** Where the probe publishes its write results. */
export const healthNamespace = "geoshard/Health";
/** Where the promoter trips the fail-back latch. */
export const failoverNamespace = "geoshard/Failover";
export const latchMetricName = "FailedOver";

/** The probe's rhythm: the reference's heartbeat every 5 s, declared down after three misses. */
export const probeSchedule = {
    intervalSeconds: 5,
    probesPerRun: 11,
    timeoutSeconds: 2,
    missesToAlarm: 3,
    alarmPeriodSeconds: 60,
} as const;

/** How the promoter confirms the master is down before acting. */
export const promoterConfirmation = { checks: 3, intervalSeconds: 10 } as const;

/**
 * Time to promote an RDS read replica. AWS says only that promotion "can take several minutes or
 * longer, depending on the size of the read replica"; 180 s is the planning figure used here.
 * Source: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.Promote.html
 */
export const assumedPromotionSeconds = 180;

/** Seconds from a master failure to writes succeeding again through `writer.<shard>.<zone>`. */
export interface FailoverBudget {
    /** From the first failed write to the master-writable alarm: best and worst case. */
    readonly detectionSeconds: { readonly min: number; readonly max: number };
    /** The promoter re-reading the alarm before it acts. */
    readonly confirmationSeconds: number;
    readonly promotionSeconds: number;
    /** Clients still holding the old answer: the record TTL. */
    readonly dnsSeconds: number;
    readonly totalSeconds: { readonly min: number; readonly max: number };
}

/**
 * The write outage a master failure costs with these settings. DNS moves to the standby as soon
 * as the alarm fires, in parallel with promotion, so only the TTL adds after promotion.
 */
export function failoverBudget(dnsTtlSeconds: number): FailoverBudget {
    const misses = probeSchedule.missesToAlarm * probeSchedule.intervalSeconds;
    // The probe publishes once per run; the alarm evaluates once per period.
    const runSeconds = probeSchedule.probesPerRun * probeSchedule.intervalSeconds;
    const detection = { min: misses, max: misses + runSeconds + probeSchedule.alarmPeriodSeconds };
    const confirmationSeconds =
        (promoterConfirmation.checks - 1) * promoterConfirmation.intervalSeconds;
    const fixed = confirmationSeconds + assumedPromotionSeconds + dnsTtlSeconds;
    return {
        detectionSeconds: detection,
        confirmationSeconds,
        promotionSeconds: assumedPromotionSeconds,
        dnsSeconds: dnsTtlSeconds,
        totalSeconds: { min: detection.min + fixed, max: detection.max + fixed },
    };
}

/** One database instance of the shard, as the failover resources see it. */
export interface ShardInstance {
    /** `master`, `standby`, `replica-1`, or a later generation's `g2-standby`... */
    readonly label: string;
    readonly role: "master" | "standby" | "replica";
    readonly instanceClass: string;
    readonly identifier: string;
    readonly resource: aws.rds.Instance;
}

/** The shard's private hosted zone and the provider that manages Route 53 (a global service). */
export interface ShardDns {
    readonly zoneId: pulumi.Input<string>;
    readonly zoneName: string;
    readonly provider: aws.Provider;
}

export interface FailoverContext {
    readonly parent: pulumi.Resource;
    readonly name: string;
    readonly region: string;
    readonly generation: number;
    readonly identifier: (suffix: string) => string;
    readonly tags: (role: string, resource?: string) => Record<string, string>;
    readonly accountId: pulumi.Output<string>;
    readonly partition: pulumi.Output<string>;
    readonly key: aws.kms.Key;
    readonly master: ShardInstance;
    readonly standby: ShardInstance;
    readonly replicas: readonly ShardInstance[];
    readonly allocatedStorageGiB: number;
    readonly databaseName: string;
    readonly credentialsSecret: aws.secretsmanager.Secret;
    readonly vpcId: pulumi.Input<string>;
    readonly subnetIds: pulumi.Input<string>[];
    /** Whether the component created the VPC (and so may add endpoints to it). */
    readonly ownsVpc: boolean;
    readonly dbSecurityGroup: aws.ec2.SecurityGroup;
    readonly logRetentionDays: number;
    readonly settings: FailoverSettings;
    readonly dns: ShardDns;
}

export interface FailoverOutputs {
    readonly writerName: string;
    readonly readerName: string;
    readonly topicArn: pulumi.Output<string>;
    readonly budget: FailoverBudget;
}

export function createFailover(ctx: FailoverContext): FailoverOutputs {
    const topic = createTopic(ctx);
    createProbe(ctx);
    const names = {
        masterAlarm: ctx.identifier("master-writable"),
        // The latch is per generation: after config names the promoted master, the new
        // generation's latch starts clear and guards the next failover.
        latchAlarm: ctx.identifier(`failed-over-g${ctx.generation}`),
        writer: `writer.${ctx.name}.${ctx.dns.zoneName}`,
        reader: `reader.${ctx.name}.${ctx.dns.zoneName}`,
    };
    const promoter = createPromoter(ctx, topic, names);
    const health = createHealthAlarms(ctx, topic, promoter, names);
    const lagAlarms = createInstanceAlarms(ctx, topic);
    // Route 53 checks name their alarms; the alarms' outputs make them exist first.
    createDns(ctx, names, health, lagAlarms);
    new aws.lambda.Permission(
        `${ctx.name}-promoter-from-alarm`,
        {
            function: promoter.name,
            action: "lambda:InvokeFunction",
            principal: "lambda.alarms.cloudwatch.amazonaws.com",
            sourceArn: health.masterAlarm.arn,
            sourceAccount: ctx.accountId,
        },
        { parent: ctx.parent },
    );
    return {
        writerName: names.writer,
        readerName: names.reader,
        topicArn: topic.arn,
        budget: failoverBudget(ctx.settings.dnsTtlSeconds),
    };
}

/** The shard's alarm topic, encrypted with the shard's key, and its email subscriptions. */
function createTopic(ctx: FailoverContext): aws.sns.Topic {
    const topic = new aws.sns.Topic(
        `${ctx.name}-alarms`,
        {
            name: ctx.identifier("alarms"),
            kmsMasterKeyId: ctx.key.arn,
            tags: ctx.tags("alarms", "alarms-topic"),
        },
        { parent: ctx.parent },
    );
    for (const email of ctx.settings.alarmEmails) {
        new aws.sns.TopicSubscription(
            `${ctx.name}-alarms-${email}`,
            { topic: topic.arn, protocol: "email", endpoint: email },
            { parent: ctx.parent },
        );
    }
    return topic;
}

/** A Lambda's log group, created first so it carries the shard key and a retention period. */
function functionLogGroup(
    ctx: FailoverContext,
    what: string,
    functionName: string,
): aws.cloudwatch.LogGroup {
    return new aws.cloudwatch.LogGroup(
        `${ctx.name}-${what}-logs`,
        {
            name: `/aws/lambda/${functionName}`,
            retentionInDays: ctx.logRetentionDays,
            kmsKeyId: ctx.key.arn,
            tags: ctx.tags("logs", `${what}-logs`),
        },
        { parent: ctx.parent },
    );
}

/**
 * The write probe: a function in the shard's VPC that, every minute, writes to the master every
 * 5 s and publishes how many writes failed. It reads the master credentials through a Secrets
 * Manager endpoint and publishes through a CloudWatch endpoint, so the VPC needs no internet.
 */
function createProbe(ctx: FailoverContext): void {
    const { name, parent } = ctx;
    const functionName = ctx.identifier("probe");
    const probeGroup = new aws.ec2.SecurityGroup(
        `${name}-probe-sg`,
        {
            vpcId: ctx.vpcId,
            description: `Write probe of geoshard shard ${name}`,
            tags: ctx.tags("health", "probe-sg"),
        },
        { parent },
    );
    new aws.vpc.SecurityGroupEgressRule(
        `${name}-probe-to-postgres`,
        {
            securityGroupId: probeGroup.id,
            description: "PostgreSQL on the shard's instances",
            ipProtocol: "tcp",
            fromPort: 5432,
            toPort: 5432,
            referencedSecurityGroupId: ctx.dbSecurityGroup.id,
            tags: ctx.tags("health", "probe-to-postgres"),
        },
        { parent },
    );
    new aws.vpc.SecurityGroupIngressRule(
        `${name}-postgres-from-probe`,
        {
            securityGroupId: ctx.dbSecurityGroup.id,
            description: "PostgreSQL from the write probe",
            ipProtocol: "tcp",
            fromPort: 5432,
            toPort: 5432,
            referencedSecurityGroupId: probeGroup.id,
            tags: ctx.tags("security", "postgres-from-probe"),
        },
        { parent },
    );
    if (ctx.ownsVpc) {
        createEndpoints(ctx, probeGroup);
    } else {
        // In an existing VPC the probe uses the routes and endpoints the VPC already has.
        new aws.vpc.SecurityGroupEgressRule(
            `${name}-probe-to-https`,
            {
                securityGroupId: probeGroup.id,
                description: "HTTPS to Secrets Manager and CloudWatch through the VPC's own path",
                ipProtocol: "tcp",
                fromPort: 443,
                toPort: 443,
                cidrIpv4: "0.0.0.0/0",
                tags: ctx.tags("health", "probe-to-https"),
            },
            { parent },
        );
    }

    const role = new aws.iam.Role(
        `${name}-probe-role`,
        {
            description: `Write probe of geoshard shard ${name}`,
            assumeRolePolicy: assumableBy("lambda.amazonaws.com"),
            tags: ctx.tags("health", "probe-role"),
        },
        { parent },
    );
    const vpcAccess = new aws.iam.RolePolicyAttachment(
        `${name}-probe-vpc-access`,
        {
            role: role.name,
            policyArn: pulumi.interpolate`arn:${ctx.partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole`,
        },
        { parent },
    );
    const policy = new aws.iam.RolePolicy(
        `${name}-probe-policy`,
        {
            role: role.name,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "ReadMasterCredentials",
                        Effect: "Allow",
                        Action: "secretsmanager:GetSecretValue",
                        Resource: ctx.credentialsSecret.arn,
                    },
                    {
                        Sid: "DecryptWithShardKey",
                        Effect: "Allow",
                        Action: "kms:Decrypt",
                        Resource: ctx.key.arn,
                    },
                    {
                        Sid: "PublishHealthMetrics",
                        Effect: "Allow",
                        Action: "cloudwatch:PutMetricData",
                        Resource: "*",
                        Condition: { StringEquals: { "cloudwatch:namespace": healthNamespace } },
                    },
                ],
            }),
        },
        { parent },
    );
    const logs = functionLogGroup(ctx, "probe", functionName);
    const probe = new aws.lambda.Function(
        `${name}-probe`,
        {
            name: functionName,
            description: `Writes to the master of geoshard shard ${name} every ${probeSchedule.intervalSeconds} s`,
            runtime: lambdaRuntime,
            architectures: ["arm64"],
            handler: "index.handler",
            code: lambdaArchive("probe"),
            role: role.arn,
            memorySize: 256,
            timeout: probeSchedule.probesPerRun * probeSchedule.intervalSeconds + 20,
            // One run at a time: a slow run must not overlap the next minute's.
            reservedConcurrentExecutions: 1,
            vpcConfig: { subnetIds: ctx.subnetIds, securityGroupIds: [probeGroup.id] },
            kmsKeyArn: ctx.key.arn,
            environment: {
                variables: {
                    SHARD: name,
                    DB_HOST: ctx.master.resource.address,
                    DB_PORT: "5432",
                    DB_NAME: ctx.databaseName,
                    SECRET_ARN: ctx.credentialsSecret.arn,
                    METRIC_NAMESPACE: healthNamespace,
                    PROBES_PER_RUN: String(probeSchedule.probesPerRun),
                    PROBE_INTERVAL_MS: String(probeSchedule.intervalSeconds * 1000),
                    PROBE_TIMEOUT_MS: String(probeSchedule.timeoutSeconds * 1000),
                    // Node.js 20+ runtimes trust the RDS CAs only when told to.
                    NODE_EXTRA_CA_CERTS: "/var/runtime/ca-cert.pem",
                },
            },
            tags: ctx.tags("health", "probe"),
        },
        { parent, dependsOn: [logs, vpcAccess, policy] },
    );
    const schedule = new aws.cloudwatch.EventRule(
        `${name}-probe-schedule`,
        {
            name: ctx.identifier("probe-schedule"),
            description: `Runs the write probe of geoshard shard ${name}`,
            scheduleExpression: "rate(1 minute)",
            tags: ctx.tags("health", "probe-schedule"),
        },
        { parent },
    );
    new aws.cloudwatch.EventTarget(
        `${name}-probe-target`,
        { rule: schedule.name, arn: probe.arn },
        { parent },
    );
    new aws.lambda.Permission(
        `${name}-probe-from-schedule`,
        {
            function: probe.name,
            action: "lambda:InvokeFunction",
            principal: "events.amazonaws.com",
            sourceArn: schedule.arn,
        },
        { parent },
    );
}

/** Interface endpoints that let the probe reach Secrets Manager and CloudWatch privately. */
function createEndpoints(ctx: FailoverContext, probeGroup: aws.ec2.SecurityGroup): void {
    const { name, parent } = ctx;
    const endpointGroup = new aws.ec2.SecurityGroup(
        `${name}-endpoints-sg`,
        {
            vpcId: ctx.vpcId,
            description: `AWS API endpoints of geoshard shard ${name}`,
            tags: ctx.tags("network", "endpoints-sg"),
        },
        { parent },
    );
    new aws.vpc.SecurityGroupIngressRule(
        `${name}-endpoints-from-probe`,
        {
            securityGroupId: endpointGroup.id,
            description: "HTTPS from the write probe",
            ipProtocol: "tcp",
            fromPort: 443,
            toPort: 443,
            referencedSecurityGroupId: probeGroup.id,
            tags: ctx.tags("network", "endpoints-from-probe"),
        },
        { parent },
    );
    new aws.vpc.SecurityGroupEgressRule(
        `${name}-probe-to-endpoints`,
        {
            securityGroupId: probeGroup.id,
            description: "HTTPS to the VPC's AWS API endpoints",
            ipProtocol: "tcp",
            fromPort: 443,
            toPort: 443,
            referencedSecurityGroupId: endpointGroup.id,
            tags: ctx.tags("health", "probe-to-endpoints"),
        },
        { parent },
    );
    for (const service of ["secretsmanager", "monitoring"]) {
        new aws.ec2.VpcEndpoint(
            `${name}-${service}-endpoint`,
            {
                vpcId: ctx.vpcId,
                serviceName: `com.amazonaws.${ctx.region}.${service}`,
                vpcEndpointType: "Interface",
                privateDnsEnabled: true,
                subnetIds: ctx.subnetIds,
                securityGroupIds: [endpointGroup.id],
                tags: ctx.tags("network", `${service}-endpoint`),
            },
            { parent },
        );
    }
}

/**
 * The promoter: invoked by the master-writable alarm. Its role may describe and promote only
 * this shard's instances, read only this shard's two alarms, publish only to this shard's topic
 * and the failover namespace, and change only this shard's writer record.
 */
function createPromoter(
    ctx: FailoverContext,
    topic: aws.sns.Topic,
    names: { masterAlarm: string; latchAlarm: string; writer: string },
): aws.lambda.Function {
    const { name, parent } = ctx;
    const functionName = ctx.identifier("promoter");
    const candidates = [ctx.standby, ...ctx.replicas];
    const dbArn = (i: ShardInstance) =>
        pulumi.interpolate`arn:${ctx.partition}:rds:${ctx.region}:${ctx.accountId}:db:${i.identifier}`;
    const alarmArn = (alarm: string) =>
        pulumi.interpolate`arn:${ctx.partition}:cloudwatch:${ctx.region}:${ctx.accountId}:alarm:${alarm}`;
    const role = new aws.iam.Role(
        `${name}-promoter-role`,
        {
            description: `Failover promoter of geoshard shard ${name}`,
            assumeRolePolicy: assumableBy("lambda.amazonaws.com"),
            tags: ctx.tags("failover", "promoter-role"),
        },
        { parent },
    );
    const logs = functionLogGroup(ctx, "promoter", functionName);
    const policy = new aws.iam.RolePolicy(
        `${name}-promoter-policy`,
        {
            role: role.name,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "DescribeCandidates",
                        Effect: "Allow",
                        Action: "rds:DescribeDBInstances",
                        Resource: candidates.map(dbArn),
                    },
                    {
                        Sid: "PromoteShardReplicas",
                        Effect: "Allow",
                        Action: "rds:PromoteReadReplica",
                        Resource: candidates.map(dbArn),
                    },
                    {
                        Sid: "ReadShardAlarms",
                        Effect: "Allow",
                        Action: "cloudwatch:DescribeAlarms",
                        Resource: [alarmArn(names.masterAlarm), alarmArn(names.latchAlarm)],
                    },
                    // GetMetricData has no resource-level permissions.
                    {
                        Sid: "ReadReplicaLag",
                        Effect: "Allow",
                        Action: "cloudwatch:GetMetricData",
                        Resource: "*",
                    },
                    {
                        Sid: "TripLatch",
                        Effect: "Allow",
                        Action: "cloudwatch:PutMetricData",
                        Resource: "*",
                        Condition: { StringEquals: { "cloudwatch:namespace": failoverNamespace } },
                    },
                    { Sid: "Report", Effect: "Allow", Action: "sns:Publish", Resource: topic.arn },
                    {
                        Sid: "EncryptReport",
                        Effect: "Allow",
                        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
                        Resource: ctx.key.arn,
                    },
                    {
                        Sid: "RepointShardWriter",
                        Effect: "Allow",
                        Action: "route53:ChangeResourceRecordSets",
                        Resource: pulumi.interpolate`arn:${ctx.partition}:route53:::hostedzone/${ctx.dns.zoneId}`,
                        Condition: {
                            "ForAllValues:StringEquals": {
                                "route53:ChangeResourceRecordSetsNormalizedRecordNames": [
                                    names.writer,
                                ],
                                "route53:ChangeResourceRecordSetsRecordTypes": ["CNAME"],
                                "route53:ChangeResourceRecordSetsActions": ["UPSERT"],
                            },
                        },
                    },
                    {
                        Sid: "WriteOwnLogs",
                        Effect: "Allow",
                        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                        Resource: pulumi.interpolate`${logs.arn}:*`,
                    },
                ],
            }),
        },
        { parent },
    );
    return new aws.lambda.Function(
        `${name}-promoter`,
        {
            name: functionName,
            description: `Promotes the standby of geoshard shard ${name} when its master cannot take writes`,
            runtime: lambdaRuntime,
            architectures: ["arm64"],
            handler: "index.handler",
            code: lambdaArchive("failover"),
            role: role.arn,
            memorySize: 256,
            timeout: 120,
            // Two alarm deliveries must never race into two promotions.
            reservedConcurrentExecutions: 1,
            kmsKeyArn: ctx.key.arn,
            environment: {
                variables: {
                    SHARD: name,
                    MASTER_ID: ctx.master.identifier,
                    STANDBY_ID: ctx.standby.identifier,
                    REPLICA_IDS: ctx.replicas.map((r) => r.identifier).join(","),
                    MAX_STANDBY_LAG_SECONDS: String(ctx.settings.failoverMaxLagSeconds),
                    TOPIC_ARN: topic.arn,
                    MASTER_ALARM_NAME: names.masterAlarm,
                    LATCH_ALARM_NAME: names.latchAlarm,
                    LATCH_NAMESPACE: failoverNamespace,
                    LATCH_METRIC_NAME: latchMetricName,
                    CONFIRM_CHECKS: String(promoterConfirmation.checks),
                    CONFIRM_INTERVAL_MS: String(promoterConfirmation.intervalSeconds * 1000),
                    HOSTED_ZONE_ID: ctx.dns.zoneId,
                    WRITER_RECORD_NAME: names.writer,
                    WRITER_SECONDARY_SET_ID: "secondary",
                    WRITER_TTL_SECONDS: String(ctx.settings.dnsTtlSeconds),
                },
            },
            tags: ctx.tags("failover", "promoter"),
        },
        { parent, dependsOn: [logs, policy] },
    );
}

/**
 * The three alarms behind the writer name: master-writable (the probe's failed writes), the
 * probe's own silence, and the fail-back latch.
 */
function createHealthAlarms(
    ctx: FailoverContext,
    topic: aws.sns.Topic,
    promoter: aws.lambda.Function,
    names: { masterAlarm: string; latchAlarm: string },
): { masterAlarm: aws.cloudwatch.MetricAlarm; latchAlarm: aws.cloudwatch.MetricAlarm } {
    const { name, parent } = ctx;
    const shardDimension = { Shard: name };
    const masterAlarm = new aws.cloudwatch.MetricAlarm(
        `${name}-master-writable`,
        {
            name: names.masterAlarm,
            alarmDescription: `The master of geoshard shard ${name} failed ${probeSchedule.missesToAlarm} or more probe writes in a minute`,
            namespace: healthNamespace,
            metricName: "MasterWriteFailures",
            dimensions: shardDimension,
            statistic: "Sum",
            period: probeSchedule.alarmPeriodSeconds,
            evaluationPeriods: 1,
            threshold: probeSchedule.missesToAlarm,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            // A silent probe is not a failed master: the probe-silent alarm reports it instead.
            treatMissingData: "missing",
            alarmActions: [promoter.arn, topic.arn],
            okActions: [topic.arn],
            tags: ctx.tags("health", "master-writable"),
        },
        { parent },
    );
    new aws.cloudwatch.MetricAlarm(
        `${name}-probe-silent`,
        {
            name: ctx.identifier("probe-silent"),
            alarmDescription: `The write probe of geoshard shard ${name} has published nothing for 3 minutes: failover detection is blind`,
            namespace: healthNamespace,
            metricName: "MasterWriteProbes",
            dimensions: shardDimension,
            statistic: "SampleCount",
            period: probeSchedule.alarmPeriodSeconds,
            evaluationPeriods: 3,
            threshold: 1,
            comparisonOperator: "LessThanThreshold",
            treatMissingData: "breaching",
            alarmActions: [topic.arn],
            okActions: [topic.arn],
            tags: ctx.tags("health", "probe-silent"),
        },
        { parent },
    );
    const latchAlarm = new aws.cloudwatch.MetricAlarm(
        `${name}-failed-over`,
        {
            name: names.latchAlarm,
            alarmDescription:
                `The promoter has failed geoshard shard ${name} over (generation ${ctx.generation}); ` +
                `writes stay on the promoted instance until config names it master`,
            namespace: failoverNamespace,
            metricName: latchMetricName,
            dimensions: shardDimension,
            statistic: "Maximum",
            period: 60,
            evaluationPeriods: 1,
            threshold: 1,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            // The latch: once tripped, the alarm keeps its state while no data arrives.
            treatMissingData: "ignore",
            alarmActions: [topic.arn],
            tags: ctx.tags("failover", "failed-over"),
        },
        { parent },
    );
    return { masterAlarm, latchAlarm };
}

/** CPU, storage, memory and connections on every instance; replication lag on every replica. */
function createInstanceAlarms(
    ctx: FailoverContext,
    topic: aws.sns.Topic,
): Map<string, aws.cloudwatch.MetricAlarm> {
    const lagAlarms = new Map<string, aws.cloudwatch.MetricAlarm>();
    const s = ctx.settings;
    const gib = 2 ** 30;
    for (const db of [ctx.master, ctx.standby, ...ctx.replicas]) {
        const memoryGiB = instanceMemoryGiB(db.instanceClass)!;
        const alarms: {
            what: string;
            metricName: string;
            statistic: string;
            comparison: string;
            threshold: number;
            minutes: number;
            description: string;
        }[] = [
            {
                what: "cpu",
                metricName: "CPUUtilization",
                statistic: "Average",
                comparison: "GreaterThanThreshold",
                threshold: s.cpuAlarmPercent,
                minutes: 10,
                description: `CPU above ${s.cpuAlarmPercent}% for 10 minutes`,
            },
            {
                what: "free-storage",
                metricName: "FreeStorageSpace",
                statistic: "Minimum",
                comparison: "LessThanThreshold",
                threshold: Math.round(
                    (ctx.allocatedStorageGiB * gib * s.freeStorageAlarmPercent) / 100,
                ),
                minutes: 5,
                description: `free storage below ${s.freeStorageAlarmPercent}% of the ${ctx.allocatedStorageGiB} GiB allocated`,
            },
            {
                what: "freeable-memory",
                metricName: "FreeableMemory",
                statistic: "Minimum",
                comparison: "LessThanThreshold",
                threshold: Math.round((memoryGiB * gib * s.freeableMemoryAlarmPercent) / 100),
                minutes: 5,
                description: `freeable memory below ${s.freeableMemoryAlarmPercent}% of ${memoryGiB} GiB`,
            },
            {
                what: "connections",
                metricName: "DatabaseConnections",
                statistic: "Maximum",
                comparison: "GreaterThanThreshold",
                threshold: Math.floor(
                    (defaultMaxConnections(db.instanceClass)! * s.connectionsAlarmPercent) / 100,
                ),
                minutes: 5,
                description: `connections above ${s.connectionsAlarmPercent}% of max_connections`,
            },
        ];
        if (db.role !== "master") {
            alarms.push({
                what: "replica-lag",
                metricName: "ReplicaLag",
                statistic: "Maximum",
                comparison: "GreaterThanThreshold",
                threshold: s.replicaLagAlarmSeconds,
                minutes: 3,
                description: `replication lag above ${s.replicaLagAlarmSeconds} s for 3 minutes, or no lag reported`,
            });
        }
        for (const alarm of alarms) {
            const resource = new aws.cloudwatch.MetricAlarm(
                `${ctx.name}-${db.label}-${alarm.what}`,
                {
                    name: ctx.identifier(`${db.label}-${alarm.what}`),
                    alarmDescription: `${db.identifier}: ${alarm.description}`,
                    namespace: "AWS/RDS",
                    metricName: alarm.metricName,
                    dimensions: { DBInstanceIdentifier: db.resource.identifier },
                    statistic: alarm.statistic,
                    period: 60,
                    evaluationPeriods: alarm.minutes,
                    threshold: alarm.threshold,
                    comparisonOperator: alarm.comparison,
                    // A replica that reports no lag is down or not replicating: take it out.
                    treatMissingData: alarm.what === "replica-lag" ? "breaching" : "missing",
                    alarmActions: [topic.arn],
                    okActions: [topic.arn],
                    tags: ctx.tags("alarm", `${db.label}-${alarm.what}`),
                },
                { parent: ctx.parent },
            );
            if (alarm.what === "replica-lag") {
                lagAlarms.set(db.label, resource);
            }
        }
    }
    return lagAlarms;
}

/**
 * `writer.<shard>.<zone>`: a failover pair, PRIMARY to the master behind a calculated health
 * check (master writable AND not failed over), SECONDARY to the standby. `reader.<shard>.<zone>`:
 * one weighted record per read replica, each behind its lag alarm. All CNAMEs: RDS endpoints are
 * names, and Route 53 alias records cannot target them.
 *
 * Route 53's checkers cannot reach private endpoints, so every check reads a CloudWatch alarm.
 * Source: https://docs.aws.amazon.com/Route53/latest/APIReference/API_AlarmIdentifier.html
 */
function createDns(
    ctx: FailoverContext,
    names: { writer: string; reader: string },
    health: { masterAlarm: aws.cloudwatch.MetricAlarm; latchAlarm: aws.cloudwatch.MetricAlarm },
    lagAlarms: Map<string, aws.cloudwatch.MetricAlarm>,
): void {
    const { name, parent } = ctx;
    const opts = { parent, provider: ctx.dns.provider };
    const ttl = ctx.settings.dnsTtlSeconds;
    // The shard's VPC resolves the zone's names.
    new aws.route53.ZoneAssociation(
        `${name}-zone-association`,
        { zoneId: ctx.dns.zoneId, vpcId: ctx.vpcId, vpcRegion: ctx.region },
        opts,
    );
    const alarmCheck = (what: string, alarm: pulumi.Input<string>, insufficientData: string) =>
        new aws.route53.HealthCheck(
            `${name}-${what}-health`,
            {
                type: "CLOUDWATCH_METRIC",
                cloudwatchAlarmName: alarm,
                cloudwatchAlarmRegion: ctx.region,
                insufficientDataHealthStatus: insufficientData,
                referenceName: `${name}-${what}`.slice(0, 64),
                tags: ctx.tags("dns", `${what}-health`),
            },
            opts,
        );

    // A probe gap must neither fail the writer over nor flap it: keep the last known status.
    const masterCheck = alarmCheck("master-writable", health.masterAlarm.name, "LastKnownStatus");
    // No latch data means no failover has happened in this generation.
    const latchCheck = alarmCheck("not-failed-over", health.latchAlarm.name, "Healthy");
    const primaryCheck = new aws.route53.HealthCheck(
        `${name}-writer-primary-health`,
        {
            type: "CALCULATED",
            childHealthchecks: [masterCheck.id, latchCheck.id],
            childHealthThreshold: 2,
            referenceName: `${name}-writer-primary`.slice(0, 64),
            tags: ctx.tags("dns", "writer-primary-health"),
        },
        opts,
    );
    // Every name is a CNAME: RDS endpoints are names, and alias records cannot target them.
    const cname = (
        resourceName: string,
        recordName: string,
        target: pulumi.Input<string>,
        routing: Partial<aws.route53.RecordArgs> = {},
    ) =>
        new aws.route53.Record(
            resourceName,
            {
                zoneId: ctx.dns.zoneId,
                name: recordName,
                type: "CNAME",
                ttl,
                records: [target],
                ...routing,
            },
            opts,
        );
    cname(`${name}-writer-primary`, names.writer, ctx.master.resource.address, {
        setIdentifier: "primary",
        failoverRoutingPolicies: [{ type: "PRIMARY" }],
        healthCheckId: primaryCheck.id,
    });
    cname(`${name}-writer-secondary`, names.writer, ctx.standby.resource.address, {
        setIdentifier: "secondary",
        failoverRoutingPolicies: [{ type: "SECONDARY" }],
    });

    if (ctx.replicas.length === 0) {
        // No read replicas: reads go wherever writes go.
        cname(`${name}-reader`, names.reader, names.writer);
        return;
    }
    for (const replica of ctx.replicas) {
        // Unknown lag is no basis to serve reads; when every replica is unhealthy Route 53
        // answers with all of them, so reads degrade rather than stop.
        const check = alarmCheck(replica.label, lagAlarms.get(replica.label)!.name, "Unhealthy");
        cname(`${name}-reader-${replica.label}`, names.reader, replica.resource.address, {
            setIdentifier: replica.label,
            weightedRoutingPolicies: [{ weight: 1 }],
            healthCheckId: check.id,
        });
    }
}

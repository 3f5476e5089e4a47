/**
 * CloudWatch alarms of a shard's database tier, all into the shard's encrypted topic. Each engine
 * names the metrics it publishes; this module builds the alarms the same way for both.
 */

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ShardScope } from "./database/tier";
import { OperationSettings } from "./defaults";
import { defaultMaxConnections, instanceMemoryGiB } from "./instanceClasses";

/** One alarm: what it watches and when it fires. */
export interface AlarmSpec {
    /** The stable part of its names: `writer-cpu` -> `geoshard-prod-asia-writer-cpu`. */
    readonly what: string;
    readonly metricName: string;
    readonly dimensions: Record<string, pulumi.Input<string>>;
    readonly statistic: "Average" | "Minimum" | "Maximum" | "Sum" | "SampleCount";
    readonly comparison: "GreaterThanThreshold" | "LessThanThreshold";
    readonly threshold: number;
    /** Minutes the condition must hold (one-minute periods). */
    readonly minutes: number;
    readonly description: string;
    /** @default "missing": no data keeps the alarm's state */
    readonly treatMissingData?: "missing" | "breaching" | "notBreaching";
}

/**
 * Builds each alarm as a child of the shard, named `<shard>-<what>`, in the region of `provider`
 * (the shard's own by default). An alarm notifies topics of its own region only.
 */
export function createAlarm(
    scope: ShardScope,
    topicArn: pulumi.Input<string>,
    spec: AlarmSpec,
    provider?: aws.Provider,
): aws.cloudwatch.MetricAlarm {
    scope.alarmNames.push(scope.identifier(spec.what));
    return new aws.cloudwatch.MetricAlarm(
        `${scope.name}-${spec.what}`,
        {
            name: scope.identifier(spec.what),
            alarmDescription: spec.description,
            namespace: "AWS/RDS",
            metricName: spec.metricName,
            dimensions: spec.dimensions,
            statistic: spec.statistic,
            period: 60,
            evaluationPeriods: spec.minutes,
            threshold: spec.threshold,
            comparisonOperator: spec.comparison,
            treatMissingData: spec.treatMissingData ?? "missing",
            alarmActions: [topicArn],
            okActions: [topicArn],
            tags: scope.tags("alarm", spec.what),
        },
        { parent: scope.parent, provider },
    );
}

const gib = 2 ** 30;

/**
 * CPU, freeable memory and connections of one instance: the alarms both engines share.
 * Thresholds come from the class's memory and its default max_connections, which
 * `instanceClasses.ts` knows for every class config accepts.
 */
export function instanceAlarmSpecs(
    label: string,
    identifier: string,
    instanceClass: string,
    s: OperationSettings,
): AlarmSpec[] {
    const memoryGiB = instanceMemoryGiB(instanceClass);
    const maxConnections = defaultMaxConnections(instanceClass);
    if (memoryGiB === undefined || maxConnections === undefined) {
        throw new Error(`no memory size known for ${instanceClass}; alarms cannot be sized`);
    }
    const dimensions = { DBInstanceIdentifier: identifier };
    return [
        {
            what: `${label}-cpu`,
            metricName: "CPUUtilization",
            dimensions,
            statistic: "Average",
            comparison: "GreaterThanThreshold",
            threshold: s.cpuAlarmPercent,
            minutes: 10,
            description: `${identifier}: CPU above ${s.cpuAlarmPercent}% for 10 minutes`,
        },
        {
            what: `${label}-freeable-memory`,
            metricName: "FreeableMemory",
            dimensions,
            statistic: "Minimum",
            comparison: "LessThanThreshold",
            threshold: Math.round((memoryGiB * gib * s.freeableMemoryAlarmPercent) / 100),
            minutes: 5,
            description: `${identifier}: freeable memory below ${s.freeableMemoryAlarmPercent}% of ${memoryGiB} GiB`,
        },
        {
            what: `${label}-connections`,
            metricName: "DatabaseConnections",
            dimensions,
            statistic: "Maximum",
            comparison: "GreaterThanThreshold",
            threshold: Math.floor((maxConnections * s.connectionsAlarmPercent) / 100),
            minutes: 5,
            description: `${identifier}: connections above ${s.connectionsAlarmPercent}% of max_connections (${maxConnections})`,
        },
    ];
}

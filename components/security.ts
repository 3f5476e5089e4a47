/** Building blocks the shard and the warehouse share: their keys and their roles' trust. */

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface CustomerKeyArgs {
    readonly description: string;
    /** The region of the key (CloudWatch Logs' principal is regional). */
    readonly region: string;
    readonly accountId: pulumi.Output<string>;
    readonly partition: pulumi.Output<string>;
    /** Log group name prefixes CloudWatch Logs may encrypt with the key, e.g. `/aws/lambda/geoshard-prod-asia-`. */
    readonly logGroupPrefixes: readonly string[];
    readonly alias: string;
    readonly tags: Record<string, string>;
    /**
     * EventBridge publishes to topics the key encrypts (an EventBridge rule targets one).
     * @default false: only CloudWatch alarms and RDS events publish to the key's topics
     */
    readonly eventRules?: boolean;
}

/**
 * A customer managed key with yearly rotation and a 30-day deletion window, and its alias.
 * The account administers it (so IAM policies govern its use, as with AWS's default key policy);
 * CloudWatch Logs may use it only for the given log groups, and CloudWatch alarms and RDS events
 * only to publish to topics it encrypts, from this account.
 * Sources: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html,
 * https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
 * Children: `<name>-key`, `<name>-key-alias`, with the given provider (the parent's by default).
 */
export function customerKey(
    parent: pulumi.Resource,
    name: string,
    args: CustomerKeyArgs,
    provider?: aws.Provider,
): aws.kms.Key {
    const opts = { parent, provider };
    const { region, accountId, partition } = args;
    const logGroupArn = pulumi.interpolate`arn:${partition}:logs:${region}:${accountId}:log-group`;
    const key = new aws.kms.Key(
        `${name}-key`,
        {
            description: args.description,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "AccountAdministersKey",
                        Effect: "Allow",
                        Principal: {
                            AWS: pulumi.interpolate`arn:${partition}:iam::${accountId}:root`,
                        },
                        Action: "kms:*",
                        Resource: "*",
                    },
                    {
                        Sid: "CloudWatchLogsEncryptsOwnLogs",
                        Effect: "Allow",
                        Principal: { Service: `logs.${region}.amazonaws.com` },
                        Action: [
                            "kms:Encrypt*",
                            "kms:Decrypt*",
                            "kms:ReEncrypt*",
                            "kms:GenerateDataKey*",
                            "kms:Describe*",
                        ],
                        Resource: "*",
                        Condition: {
                            ArnLike: {
                                "kms:EncryptionContext:aws:logs:arn": args.logGroupPrefixes.map(
                                    (prefix) => pulumi.interpolate`${logGroupArn}:${prefix}*`,
                                ),
                            },
                        },
                    },
                    {
                        // CloudWatch alarms and RDS event subscriptions publish to topics the
                        // key encrypts. Source: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_Events.Subscribing.html
                        Sid: "AlarmsAndRdsEventsPublishToEncryptedTopics",
                        Effect: "Allow",
                        Principal: {
                            Service: ["cloudwatch.amazonaws.com", "events.rds.amazonaws.com"],
                        },
                        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
                        Resource: "*",
                        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
                    },
                    // EventBridge rules publish to topics the key encrypts: the topic's policy
                    // names the rules. Source: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions
                    ...(args.eventRules
                        ? [
                              {
                                  Sid: "EventBridgePublishesToEncryptedTopics",
                                  Effect: "Allow",
                                  Principal: { Service: "events.amazonaws.com" },
                                  Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
                                  Resource: "*",
                                  Condition: { StringEquals: { "aws:SourceAccount": accountId } },
                              },
                          ]
                        : []),
                ],
            }),
            tags: args.tags,
        },
        opts,
    );
    new aws.kms.Alias(`${name}-key-alias`, { name: args.alias, targetKeyId: key.keyId }, opts);
    return key;
}

/**
 * The policy of an alarm topic: the account manages it and publishes to it; CloudWatch alarms and
 * RDS event subscriptions of this account publish to it; and each of `rules`, EventBridge rules
 * by ARN, may publish to it (the rule is named, not just the account: least privilege). The
 * topic's key must admit the same services (`customerKey`, `eventRules`).
 * Sources: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_Events.Subscribing.html,
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions
 */
export function alarmTopicPolicy(
    topicArn: pulumi.Input<string>,
    accountId: pulumi.Input<string>,
    partition: pulumi.Input<string>,
    rules: readonly pulumi.Input<string>[] = [],
): pulumi.Output<string> {
    return pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AccountManagesTopic",
                Effect: "Allow",
                Principal: { AWS: pulumi.interpolate`arn:${partition}:iam::${accountId}:root` },
                Action: [
                    "sns:GetTopicAttributes",
                    "sns:SetTopicAttributes",
                    "sns:Subscribe",
                    "sns:ListSubscriptionsByTopic",
                    "sns:Publish",
                ],
                Resource: topicArn,
            },
            {
                Sid: "AlarmsAndRdsEventsPublish",
                Effect: "Allow",
                Principal: {
                    Service: ["cloudwatch.amazonaws.com", "events.rds.amazonaws.com"],
                },
                Action: "sns:Publish",
                Resource: topicArn,
                Condition: { StringEquals: { "aws:SourceAccount": accountId } },
            },
            ...(rules.length > 0
                ? [
                      {
                          Sid: "EventBridgeRulesPublish",
                          Effect: "Allow",
                          Principal: { Service: "events.amazonaws.com" },
                          Action: "sns:Publish",
                          Resource: topicArn,
                          Condition: { ArnEquals: { "aws:SourceArn": [...rules] } },
                      },
                  ]
                : []),
        ],
    });
}

/** A trust policy that lets one AWS service assume a role. */
export function assumableBy(service: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
    });
}

/**
 * A trust policy that lets one AWS service assume a role only on this account's behalf, against
 * the confused-deputy problem: `aws:SourceAccount`, or `sts:ExternalId` where the service passes
 * the account that way (Firehose).
 * Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
 */
export function assumableFor(
    service: string,
    accountId: pulumi.Input<string>,
    key: "aws:SourceAccount" | "sts:ExternalId" = "aws:SourceAccount",
): pulumi.Output<string> {
    return pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: service },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { [key]: accountId } },
            },
        ],
    });
}

/** A bucket policy statement that refuses every request not made over TLS. */
export function denyInsecureTransport(bucketArn: pulumi.Input<string>): Record<string, unknown> {
    return {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, pulumi.interpolate`${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
}

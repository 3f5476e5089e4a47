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
                ],
            }),
            tags: args.tags,
        },
        opts,
    );
    new aws.kms.Alias(`${name}-key-alias`, { name: args.alias, targetKeyId: key.keyId }, opts);
    return key;
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

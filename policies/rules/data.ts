/** Rules for the data's keys, lake, streams and replication endpoints. */

import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

export const kmsRotation: ResourceValidationPolicy = {
    name: "kms-key-rotation",
    description: "Customer managed KMS keys rotate.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(aws.kms.Key, (key, _args, report) => {
        // Unset is no rotation.
        if (key.enableKeyRotation !== true) {
            report("Set enableKeyRotation: true.");
        }
    }),
};

/**
 * A key S3 may name that is no customer managed key: the AWS managed key of S3, by alias or
 * alias ARN (`aws/s3`). Only the account's own key lets its policy and rotation govern the lake.
 * Source: https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
 */
const awsManagedS3Key = /(^|:)alias\/aws\/s3$/;

export const s3Encryption: ResourceValidationPolicy = {
    name: "s3-encryption-with-customer-key",
    description: "Bucket default encryption uses a customer managed KMS key.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(
        aws.s3.BucketServerSideEncryptionConfiguration,
        (config, _args, report) => {
            // With sseAlgorithm aws:kms and no kmsMasterKeyId, S3 uses its AWS managed key.
            const byDefault = (config.rules ?? []).map(
                (rule) => rule.applyServerSideEncryptionByDefault,
            );
            if (
                byDefault.length === 0 ||
                !byDefault.every((sse) => sse?.sseAlgorithm === "aws:kms" && !!sse.kmsMasterKeyId)
            ) {
                report(
                    'Set applyServerSideEncryptionByDefault to sseAlgorithm "aws:kms" with kmsMasterKeyId.',
                );
                return;
            }
            for (const sse of byDefault) {
                if (awsManagedS3Key.test(sse!.kmsMasterKeyId!)) {
                    report(
                        `kmsMasterKeyId is "${sse!.kmsMasterKeyId}", the AWS managed key of S3; name a customer managed key.`,
                    );
                }
            }
        },
    ),
};

export const s3PublicAccessBlock: ResourceValidationPolicy = {
    name: "s3-public-access-block",
    description: "A bucket's public access block blocks everything.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(
        aws.s3.BucketPublicAccessBlock,
        (block, _args, report) => {
            // Each unset flag is false: that kind of public access stays possible.
            const open = (
                [
                    "blockPublicAcls",
                    "blockPublicPolicy",
                    "ignorePublicAcls",
                    "restrictPublicBuckets",
                ] as const
            ).filter((flag) => block[flag] !== true);
            if (open.length > 0) {
                report(`Set ${open.join(", ")} to true.`);
            }
        },
    ),
};

export const kinesisEncryption: ResourceValidationPolicy = {
    name: "kinesis-stream-encrypted",
    description: "Kinesis streams are encrypted with KMS.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(aws.kinesis.Stream, (stream, _args, report) => {
        // Unset is NONE: records at rest are not encrypted.
        if (stream.encryptionType !== "KMS" || !stream.kmsKeyId) {
            report('Set encryptionType: "KMS" and kmsKeyId.');
        }
    }),
};

/**
 * The fewest hours a CDC stream keeps its records: a week, so a delivery stalled over a long
 * weekend loses no change. Kinesis keeps 24 hours when unset, and up to 8760.
 * Source: https://docs.aws.amazon.com/kinesis/latest/APIReference/API_IncreaseStreamRetentionPeriod.html
 */
export const streamRetentionHours = { min: 24, default: 168, max: 8760 } as const;

export const kinesisRetention: ResourceValidationPolicy = {
    name: "kinesis-stream-retention",
    description: "Kinesis streams keep their records long enough to outlast a stalled consumer.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            minimumHours: {
                type: "integer",
                default: streamRetentionHours.default,
                minimum: streamRetentionHours.min,
                maximum: streamRetentionHours.max,
            },
        },
    },
    validateResource: validateResourceOfType(aws.kinesis.Stream, (stream, args, report) => {
        const { minimumHours } = args.getConfig<{ minimumHours: number }>();
        // Unset is Kinesis's default, 24 hours.
        const hours = stream.retentionPeriod ?? streamRetentionHours.min;
        if (hours < minimumHours) {
            report(
                `Set retentionPeriod to at least ${minimumHours} hours (it is ${stream.retentionPeriod ?? "unset, which means 24"}).`,
            );
        }
    }),
};

export const dmsEndpointSsl: ResourceValidationPolicy = {
    name: "dms-endpoint-ssl",
    description: "DMS database endpoints require TLS.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(aws.dms.Endpoint, (endpoint, _args, report) => {
        if (
            ![
                "postgres",
                "aurora-postgresql",
                "mysql",
                "aurora",
                "mariadb",
                "oracle",
                "sqlserver",
            ].includes(endpoint.engineName)
        ) {
            return;
        }
        // Unset is "none": the connection is not encrypted.
        if (!["require", "verify-ca", "verify-full"].includes(endpoint.sslMode ?? "none")) {
            report(
                `Set sslMode to require, verify-ca or verify-full (it is ${endpoint.sslMode ?? "unset, which means none"}).`,
            );
        }
    }),
};

export const dataPolicies: ResourceValidationPolicy[] = [
    kmsRotation,
    s3Encryption,
    s3PublicAccessBlock,
    kinesisEncryption,
    kinesisRetention,
    dmsEndpointSsl,
];

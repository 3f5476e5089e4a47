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

export const s3Encryption: ResourceValidationPolicy = {
    name: "s3-encryption-with-customer-key",
    description: "Bucket default encryption uses a customer managed KMS key.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(
        aws.s3.BucketServerSideEncryptionConfiguration,
        (config, _args, report) => {
            const rules = config.rules ?? [];
            const kms = rules.some(
                (rule) =>
                    rule.applyServerSideEncryptionByDefault?.sseAlgorithm === "aws:kms" &&
                    !!rule.applyServerSideEncryptionByDefault?.kmsMasterKeyId,
            );
            if (!kms) {
                report(
                    'Set applyServerSideEncryptionByDefault to sseAlgorithm "aws:kms" with kmsMasterKeyId.',
                );
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
    dmsEndpointSsl,
];

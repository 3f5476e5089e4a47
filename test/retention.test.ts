/**
 * The settings that keep data and its encryption: how long the CDC stream, backups, logs,
 * deleted secrets and keys and old lake versions last, and which key encrypts the lake. Where a
 * rule or a validator guards a setting, the case it must refuse sits next to the one it passes.
 */

import * as assert from "assert";
import { Policies } from "@pulumi/policy";
import { validateShardArgs } from "../lib";
import { policies } from "../policies/rules";
import { streamRetentionHours } from "../policies/rules/data";
import { mockAccountId, ProgramRun } from "../tools/mockRuntime";
import { evaluatePolicies, PolicyConfig } from "../tools/policyEval";
import {
    awsProvider,
    declared,
    named,
    ofType,
    prodRun,
    prodShards,
    sharedRun,
    types,
} from "./helpers";

/** The messages one rule reports for one resource in us-east-1. */
function messages(
    rule: string,
    type: string,
    inputs: Record<string, unknown>,
    config: PolicyConfig = {},
): string[] {
    const selected: Policies = policies.filter((p) => p.name === rule);
    assert.strictEqual(selected.length, 1, `no rule ${rule}`);
    return evaluatePolicies(
        [awsProvider("us-east-1"), declared(type, inputs, { region: "us-east-1" })],
        selected,
        config,
    ).violations.map((v) => v.message);
}

const stream = "aws:kinesis/stream:Stream";
const sse =
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
const lifecycle = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration";
const warehouseKey = `arn:aws:kms:us-east-1:${mockAccountId}:key/warehouse-key`;
const shards = ["us-east", "us-west", "europe", "asia"];

describe("data retention in the prod stack", () => {
    let prod: ProgramRun;

    before(async () => {
        prod = await prodRun();
    });

    it("keeps a week of changes in each shard's CDC stream, encrypted with the warehouse key", () => {
        assert.deepStrictEqual(
            ofType(prod, stream)
                .map((s) => [
                    s.name,
                    s.inputs.retentionPeriod,
                    s.inputs.encryptionType,
                    s.inputs.kmsKeyId,
                ])
                .sort(),
            shards
                .map((s) => [`${s}-cdc-stream`, 168, "KMS", warehouseKey])
                .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
        );
        assert.deepStrictEqual(
            evaluatePolicies(
                prod.resources,
                policies.filter((p) => p.name === "kinesis-stream-retention"),
            ).violations,
            [],
        );
    });

    it("keeps 14 days of backups on every cluster, home and recovery, and 30 days of logs under the shard's key", () => {
        assert.deepStrictEqual(
            [...new Set(ofType(prod, types.cluster).map((c) => c.inputs.backupRetentionPeriod))],
            [14],
        );
        assert.strictEqual(ofType(prod, types.cluster).length, 8);
        for (const group of ofType(prod, types.logGroup)) {
            // CDC delivery logs are the warehouse's; database logs are their shard's.
            const owner = group.name.includes("-cdc-")
                ? "warehouse"
                : group.name.replace(/-cluster-postgresql-logs$/, "");
            assert.strictEqual(group.inputs.retentionInDays, 30, group.name);
            assert.match(group.inputs.kmsKeyId, new RegExp(`:key/${owner}-key$`), group.name);
        }
    });

    it("keeps deleted credentials 30 days and a deleted key 30 days, so either can be restored", () => {
        for (const secret of ofType(prod, types.secret)) {
            assert.strictEqual(secret.inputs.recoveryWindowInDays, 30, secret.name);
        }
        assert.strictEqual(ofType(prod, types.secret).length, 4);
        for (const key of ofType(prod, types.key)) {
            assert.deepStrictEqual(
                [key.inputs.deletionWindowInDays, key.inputs.enableKeyRotation],
                [30, true],
                key.name,
            );
        }
        assert.strictEqual(ofType(prod, types.key).length, 9);
    });

    it("versions the lake and its access logs; expires only old versions, aborted uploads and query results", () => {
        for (const purpose of ["lake", "access-logs"]) {
            assert.deepStrictEqual(
                named(
                    prod,
                    `warehouse-${purpose}-versioning`,
                    "aws:s3/bucketVersioning:BucketVersioning",
                ).inputs.versioningConfiguration,
                { status: "Enabled" },
            );
        }
        // No rule expires current CDC data: it moves to cheaper storage and stays.
        assert.deepStrictEqual(named(prod, "warehouse-lake-lifecycle", lifecycle).inputs.rules, [
            {
                id: "cdc-to-infrequent-access",
                status: "Enabled",
                filter: { prefix: "cdc/" },
                transitions: [
                    { days: 30, storageClass: "STANDARD_IA" },
                    { days: 180, storageClass: "GLACIER_IR" },
                ],
            },
            {
                id: "expire-old-versions",
                status: "Enabled",
                filter: { prefix: "" },
                noncurrentVersionExpiration: { noncurrentDays: 30 },
                abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
            },
            {
                id: "expire-query-results",
                status: "Enabled",
                filter: { prefix: "athena-results/" },
                expiration: { days: 30 },
            },
        ]);
        assert.deepStrictEqual(
            named(prod, "warehouse-access-logs-lifecycle", lifecycle).inputs.rules.map(
                (r: Record<string, unknown>) => [
                    r.filter,
                    r.expiration,
                    r.noncurrentVersionExpiration,
                ],
            ),
            [[{ prefix: "" }, { days: 365 }, { noncurrentDays: 30 }]],
        );
    });

    it("encrypts the lake with the warehouse's customer key, and passes the customer-key rule", () => {
        assert.deepStrictEqual(named(prod, "warehouse-lake-encryption", sse).inputs.rules, [
            {
                applyServerSideEncryptionByDefault: {
                    sseAlgorithm: "aws:kms",
                    kmsMasterKeyId: warehouseKey,
                },
                bucketKeyEnabled: true,
            },
        ]);
        assert.deepStrictEqual(
            evaluatePolicies(
                prod.resources,
                policies.filter((p) => p.name === "s3-encryption-with-customer-key"),
            ).violations,
            [],
        );
    });
});

describe("deletion protection and final snapshots of every copy of the data", () => {
    it("protects each Aurora cluster and global database from deletion; the home cluster takes a final snapshot", async () => {
        const prod = await prodRun();
        for (const s of shards) {
            const home = named(prod, `${s}-cluster`, types.cluster).inputs;
            const copy = named(prod, `${s}-recovery-cluster`, types.cluster).inputs;
            const global = named(prod, `${s}-global`, "aws:rds/globalCluster:GlobalCluster").inputs;
            assert.deepStrictEqual(
                [
                    home.deletionProtection,
                    home.skipFinalSnapshot,
                    home.finalSnapshotIdentifier,
                    copy.deletionProtection,
                    // The secondary's data is the home cluster's: no snapshot of its own.
                    copy.skipFinalSnapshot,
                    global.deletionProtection,
                    // Encrypted through the home cluster it is made from: CreateGlobalCluster
                    // refuses StorageEncrypted beside a source cluster.
                    global.storageEncrypted,
                    home.storageEncrypted,
                ],
                [
                    true,
                    false,
                    `geoshard-prod-${s}-cluster-final`,
                    true,
                    true,
                    true,
                    undefined,
                    true,
                ],
                s,
            );
        }
    });

    it("protects an RDS shard's master and its cross-region recovery replica from deletion", async () => {
        const postgres = await sharedRun({ engine: "postgres" }, prodShards().slice(0, 1));
        const master = named(postgres, "us-east-master", types.instance).inputs;
        const copy = named(postgres, "us-east-recovery", types.instance).inputs;
        assert.deepStrictEqual(
            [
                master.deletionProtection,
                master.skipFinalSnapshot,
                master.deleteAutomatedBackups,
                copy.deletionProtection,
                copy.storageEncrypted,
                copy.backupRetentionPeriod,
            ],
            [true, false, false, true, true, 7],
        );
    });

    it("encrypts every alarm topic with its owner's customer key", async () => {
        const prod = await prodRun();
        const topics = ofType(prod, types.topic);
        assert.strictEqual(topics.length, 9);
        for (const topic of topics) {
            const owner = topic.name.replace(/-alarms$/, "");
            assert.match(topic.inputs.kmsMasterKeyId, new RegExp(`:key/${owner}-key$`), topic.name);
        }
    });
});

describe("kinesis-stream-retention", () => {
    const keyed = { encryptionType: "KMS", kmsKeyId: warehouseKey };

    it("passes a week, and refuses a day, or no retention at all (Kinesis's 24 hours)", () => {
        assert.deepStrictEqual(streamRetentionHours, { min: 24, default: 168, max: 8760 });
        assert.deepStrictEqual(
            messages("kinesis-stream-retention", stream, { ...keyed, retentionPeriod: 168 }),
            [],
        );
        assert.deepStrictEqual(
            messages("kinesis-stream-retention", stream, { ...keyed, retentionPeriod: 167 }),
            ["Set retentionPeriod to at least 168 hours (it is 167)."],
        );
        assert.deepStrictEqual(
            messages("kinesis-stream-retention", stream, { ...keyed, retentionPeriod: 24 }),
            ["Set retentionPeriod to at least 168 hours (it is 24)."],
        );
        assert.deepStrictEqual(messages("kinesis-stream-retention", stream, keyed), [
            "Set retentionPeriod to at least 168 hours (it is unset, which means 24).",
        ]);
    });

    it("takes a longer minimum from the policy config", () => {
        const config = { "kinesis-stream-retention": { minimumHours: 336 } };
        assert.deepStrictEqual(
            messages("kinesis-stream-retention", stream, { retentionPeriod: 168 }, config),
            ["Set retentionPeriod to at least 336 hours (it is 168)."],
        );
        assert.deepStrictEqual(
            messages("kinesis-stream-retention", stream, { retentionPeriod: 336 }, config),
            [],
        );
    });
});

describe("s3-encryption-with-customer-key", () => {
    const rule = "s3-encryption-with-customer-key";
    const withDefault = (applyServerSideEncryptionByDefault: Record<string, unknown>) => ({
        rules: [{ applyServerSideEncryptionByDefault }],
    });
    const missingKey = [
        'Set applyServerSideEncryptionByDefault to sseAlgorithm "aws:kms" with kmsMasterKeyId.',
    ];

    it("passes aws:kms with a customer key", () => {
        assert.deepStrictEqual(
            messages(
                rule,
                sse,
                withDefault({ sseAlgorithm: "aws:kms", kmsMasterKeyId: warehouseKey }),
            ),
            [],
        );
    });

    it("refuses aws:kms without kmsMasterKeyId: S3 then uses its AWS managed key", () => {
        assert.deepStrictEqual(
            messages(rule, sse, withDefault({ sseAlgorithm: "aws:kms" })),
            missingKey,
        );
        assert.deepStrictEqual(
            messages(rule, sse, withDefault({ sseAlgorithm: "aws:kms", kmsMasterKeyId: "" })),
            missingKey,
        );
    });

    it("refuses the AWS managed key by alias or alias ARN", () => {
        for (const kmsMasterKeyId of [
            "alias/aws/s3",
            `arn:aws:kms:us-east-1:${mockAccountId}:alias/aws/s3`,
        ]) {
            assert.deepStrictEqual(
                messages(rule, sse, withDefault({ sseAlgorithm: "aws:kms", kmsMasterKeyId })),
                [
                    `kmsMasterKeyId is "${kmsMasterKeyId}", the AWS managed key of S3; name a customer managed key.`,
                ],
            );
        }
        assert.deepStrictEqual(
            messages(
                rule,
                sse,
                withDefault({
                    sseAlgorithm: "aws:kms",
                    kmsMasterKeyId: "alias/geoshard-prod-warehouse-key",
                }),
            ),
            [],
            "a customer key by its own alias",
        );
    });

    it("refuses SSE-S3, no rule at all, and a second rule without the key", () => {
        assert.deepStrictEqual(
            messages(rule, sse, withDefault({ sseAlgorithm: "AES256" })),
            missingKey,
        );
        assert.deepStrictEqual(messages(rule, sse, { rules: [] }), missingKey);
        assert.deepStrictEqual(messages(rule, sse, {}), missingKey);
        assert.deepStrictEqual(
            messages(rule, sse, {
                rules: [
                    {
                        applyServerSideEncryptionByDefault: {
                            sseAlgorithm: "aws:kms",
                            kmsMasterKeyId: warehouseKey,
                        },
                    },
                    { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
                ],
            }),
            missingKey,
        );
    });
});

describe("the component refuses retention below the floor, through the library", () => {
    const args = (changes: Record<string, number>) => ({
        environment: "staging",
        region: "eu-central-1",
        vpcCidr: "10.10.0.0/16",
        availabilityZones: ["eu-central-1a", "eu-central-1b"],
        dns: { zoneId: "Z0123456789", zoneName: "db.internal", provider: undefined! },
        ...changes,
    });

    it("passes 7 days of backups and 1 day of logs; refuses 6 days of backups and 31 days of logs", () => {
        assert.deepStrictEqual(
            validateShardArgs(args({ backupRetentionDays: 7, logRetentionDays: 1 })),
            [],
        );
        assert.deepStrictEqual(
            validateShardArgs(args({ backupRetentionDays: 35, logRetentionDays: 3653 })),
            [],
        );
        assert.deepStrictEqual(
            validateShardArgs(args({ backupRetentionDays: 6, logRetentionDays: 31 })),
            [
                "backupRetentionDays: 6 is out of range; allowed: 7 to 35 days (AWS keeps 1 to 35; this stack keeps at least a week)",
                "logRetentionDays: 31 is not a CloudWatch Logs retention period; allowed: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
            ],
        );
        assert.deepStrictEqual(validateShardArgs(args({ backupRetentionDays: 36 })), [
            "backupRetentionDays: 36 is out of range; allowed: 7 to 35 days (AWS keeps 1 to 35; this stack keeps at least a week)",
        ]);
    });
});

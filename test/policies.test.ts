import * as assert from "assert";
import { Policies } from "@pulumi/policy";
import { policies } from "../policies/rules";
import { RecordedResource, runProgram } from "../tools/mockRuntime";
import { evaluatePolicies, PolicyConfig } from "../tools/policyEval";
import { reportPlan } from "../tools/plan";
import { readStackConfig } from "../tools/stackConfig";
// The SDK's own representation of a value unknown during preview.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { unknownCheckingProxy, unknownStringValue } = require("@pulumi/policy/proxy");

const tags = { environment: "prod", shard: "europe", role: "master" };
const key = "arn:aws:kms:eu-west-2:123456789012:key/europe";

/** A compliant source instance: each case changes one property. */
const source = (): Record<string, any> => ({
    identifier: "geoshard-prod-europe-master",
    instanceClass: "db.r6g.8xlarge",
    availabilityZone: "eu-west-2a",
    storageType: "gp3",
    allocatedStorage: 1000,
    maxAllocatedStorage: 4000,
    storageEncrypted: true,
    kmsKeyId: key,
    publiclyAccessible: false,
    backupRetentionPeriod: 7,
    deletionProtection: true,
    skipFinalSnapshot: false,
    finalSnapshotIdentifier: "geoshard-prod-europe-master-final",
    iamDatabaseAuthenticationEnabled: true,
    performanceInsightsEnabled: true,
    performanceInsightsKmsKeyId: key,
    monitoringInterval: 60,
    monitoringRoleArn: "arn:aws:iam::123456789012:role/monitoring",
    enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
    caCertIdentifier: "rds-ca-rsa2048-g1",
    tags,
});

/** A compliant same-region replica. */
const replica = (): Record<string, any> => {
    const db = source();
    for (const inherited of [
        "allocatedStorage",
        "kmsKeyId",
        "backupRetentionPeriod",
        "finalSnapshotIdentifier",
    ]) {
        delete db[inherited];
    }
    return {
        ...db,
        replicateSourceDb: "geoshard-prod-europe-master",
        skipFinalSnapshot: true,
        deletionProtection: false,
    };
};

function resource(
    type: string,
    inputs: Record<string, any>,
    region = "eu-west-2",
    name = "subject",
): RecordedResource[] {
    return [
        {
            type: "pulumi:providers:aws",
            name: `aws-${region}`,
            urn: `urn:pulumi:test::geoshard::pulumi:providers:aws::aws-${region}`,
            custom: true,
            inputs: { region },
            parent: "",
            protect: false,
            dependencies: [],
        },
        {
            type,
            name,
            urn: `urn:pulumi:test::geoshard::${type}::${name}`,
            custom: true,
            inputs,
            region,
            parent: "",
            protect: false,
            dependencies: [],
        },
    ];
}

/** The messages one policy reports for one resource. */
function messages(
    policy: string,
    type: string,
    inputs: Record<string, any>,
    config: PolicyConfig = {},
    region?: string,
): string[] {
    const selected: Policies = policies.filter((p) => p.name === policy);
    assert.strictEqual(selected.length, 1, `no policy ${policy}`);
    return evaluatePolicies(resource(type, inputs, region), selected, config).violations.map(
        (v) => v.message,
    );
}

const rds = "aws:rds/instance:Instance";
const without = (o: Record<string, any>, key: string) => {
    const copy = { ...o };
    delete copy[key];
    return copy;
};

describe("policy pack: RDS rules", () => {
    const cases: [string, string, Record<string, any>, string[]][] = [
        ["rds-storage-encrypted-with-customer-key", "compliant", source(), []],
        [
            "rds-storage-encrypted-with-customer-key",
            "unset encryption",
            without(source(), "storageEncrypted"),
            ["Set storageEncrypted: true (on a replica, state the value it inherits)."],
        ],
        [
            "rds-storage-encrypted-with-customer-key",
            "the AWS managed key",
            without(source(), "kmsKeyId"),
            ["Set kmsKeyId to the shard's customer managed key, not the AWS managed aws/rds key."],
        ],
        ["rds-storage-encrypted-with-customer-key", "a replica inheriting its key", replica(), []],
        ["rds-not-public", "compliant", source(), []],
        [
            "rds-not-public",
            "a public master",
            { ...source(), publiclyAccessible: true },
            ["Set publiclyAccessible: false; databases are reached only over private networks."],
        ],
        [
            "rds-not-public",
            "unset",
            without(source(), "publiclyAccessible"),
            ["Set publiclyAccessible: false; databases are reached only over private networks."],
        ],
        [
            "rds-backup-retention",
            "one day",
            { ...source(), backupRetentionPeriod: 1 },
            ["Set backupRetentionPeriod to at least 7 days (it is 1)."],
        ],
        [
            "rds-backup-retention",
            "unset",
            without(source(), "backupRetentionPeriod"),
            ["Set backupRetentionPeriod to at least 7 days (it is unset)."],
        ],
        ["rds-backup-retention", "a replica without backups", replica(), []],
        [
            "rds-deletion-protection-and-final-snapshot",
            "no protection",
            { ...source(), deletionProtection: false },
            [
                "Set deletionProtection: true (turn it off only to tear down a non-production stack).",
            ],
        ],
        [
            "rds-deletion-protection-and-final-snapshot",
            "skipping the final snapshot",
            { ...source(), skipFinalSnapshot: true },
            [
                "Set skipFinalSnapshot: false and a finalSnapshotIdentifier, so deleting a source keeps its data.",
            ],
        ],
        [
            "rds-iam-authentication",
            "unset",
            without(source(), "iamDatabaseAuthenticationEnabled"),
            ["Set iamDatabaseAuthenticationEnabled: true."],
        ],
        [
            "rds-performance-insights-encrypted",
            "with the AWS key",
            without(source(), "performanceInsightsKmsKeyId"),
            [
                "Set performanceInsightsEnabled: true and performanceInsightsKmsKeyId to the shard's key.",
            ],
        ],
        [
            "rds-enhanced-monitoring",
            "off",
            { ...source(), monitoringInterval: 0 },
            ["Set monitoringInterval (1 to 60 s) and monitoringRoleArn."],
        ],
        [
            "rds-log-exports",
            "postgresql only",
            { ...source(), enabledCloudwatchLogsExports: ["postgresql"] },
            ["Add upgrade to enabledCloudwatchLogsExports."],
        ],
        [
            "rds-log-exports",
            "unset",
            without(source(), "enabledCloudwatchLogsExports"),
            ["Add postgresql and upgrade to enabledCloudwatchLogsExports."],
        ],
        [
            "rds-current-ca",
            "the expired 2019 CA",
            { ...source(), caCertIdentifier: "rds-ca-2019" },
            [
                "Set caCertIdentifier to one of rds-ca-rsa2048-g1, rds-ca-rsa4096-g1, rds-ca-ecc384-g1 (it is rds-ca-2019).",
            ],
        ],
        [
            "rds-allowed-instance-classes",
            "an x86 class",
            { ...source(), instanceClass: "db.m5.large" },
            ["Use an instance class of db.r6g, db.r7g (db.m5.large is not allowed)."],
        ],
        [
            "rds-allowed-instance-classes",
            "r7g",
            { ...source(), instanceClass: "db.r7g.16xlarge" },
            [],
        ],
        [
            "rds-storage-type",
            "unset (gp2)",
            without(source(), "storageType"),
            ["Set storageType to gp3, io1 or io2 (it is unset, which means gp2)."],
        ],
        [
            "rds-storage-within-limits",
            "120 TB",
            { ...source(), allocatedStorage: 122880, maxAllocatedStorage: 122880 },
            [
                "Set allocatedStorage between 20 and 65536 GiB (it is 122880).",
                "Set maxAllocatedStorage, at most 65536 GiB, so storage autoscales (it is 122880).",
            ],
        ],
        [
            "rds-storage-within-limits",
            "no autoscaling",
            without(source(), "maxAllocatedStorage"),
            ["Set maxAllocatedStorage, at most 65536 GiB, so storage autoscales (it is unset)."],
        ],
        [
            "rds-storage-within-limits",
            "a ceiling too close",
            { ...source(), maxAllocatedStorage: 1050 },
            ["Set maxAllocatedStorage at least 10% above allocatedStorage (1100 GiB)."],
        ],
        ["rds-replica-settings", "compliant replica", replica(), []],
        [
            "rds-replica-settings",
            "a replica restating credentials",
            { ...replica(), username: "admin", password: "x" },
            ["Remove username, password from the replica: it inherits them from its source."],
        ],
        [
            "rds-replica-settings",
            "a replica asking for a final snapshot",
            { ...replica(), skipFinalSnapshot: false },
            [
                "Set skipFinalSnapshot: true on the replica: AWS takes no final snapshot of a replica.",
            ],
        ],
    ];
    for (const [policy, name, inputs, expected] of cases) {
        it(`${policy}: ${name}`, () =>
            assert.deepStrictEqual(messages(policy, rds, inputs), expected));
    }

    it("takes config: a longer retention, other classes, no deletion protection", () => {
        assert.deepStrictEqual(
            messages("rds-backup-retention", rds, source(), {
                "rds-backup-retention": { minimumDays: 14 },
            }),
            ["Set backupRetentionPeriod to at least 14 days (it is 7)."],
        );
        assert.deepStrictEqual(
            messages(
                "rds-allowed-instance-classes",
                rds,
                { ...source(), instanceClass: "db.m6g.large" },
                { "rds-allowed-instance-classes": { allowedFamilies: ["db.m6g"] } },
            ),
            [],
        );
        assert.deepStrictEqual(
            messages(
                "rds-deletion-protection-and-final-snapshot",
                rds,
                { ...source(), deletionProtection: false },
                {
                    "rds-deletion-protection-and-final-snapshot": {
                        requireDeletionProtection: false,
                    },
                },
            ),
            [],
        );
    });

    it("requires a key of the replica's own region on a cross-region replica", () => {
        const crossRegion = {
            ...replica(),
            replicateSourceDb: "arn:aws:rds:us-east-1:123456789012:db:geoshard-prod-us-east-master",
        };
        assert.deepStrictEqual(
            messages("rds-cross-region-replica-source-and-key", rds, crossRegion, {}, "eu-west-2"),
            [
                "Set kmsKeyId to a key in eu-west-2: a cross-region replica cannot use its source's key (unset).",
            ],
        );
        assert.deepStrictEqual(
            messages(
                "rds-cross-region-replica-source-and-key",
                rds,
                { ...crossRegion, kmsKeyId: key },
                {},
                "eu-west-2",
            ),
            [],
        );
        assert.deepStrictEqual(
            messages("rds-cross-region-replica-source-and-key", rds, replica(), {}, "eu-west-2"),
            [],
            "same region: not applicable",
        );
    });

    it("leaves a check whose value is unknown until deployment to the preview, rather than failing it", () => {
        const inputs = unknownCheckingProxy({ ...source(), kmsKeyId: unknownStringValue });
        const report = evaluatePolicies(
            resource(rds, inputs),
            policies.filter((p) => p.name === "rds-storage-encrypted-with-customer-key"),
        );
        assert.deepStrictEqual(report.violations, []);
        assert.deepStrictEqual(report.skipped, [
            { policy: "rds-storage-encrypted-with-customer-key", resource: "subject" },
        ]);
    });
});

describe("policy pack: data, DNS and tag rules", () => {
    it("kms-key-rotation", () => {
        assert.deepStrictEqual(
            messages("kms-key-rotation", "aws:kms/key:Key", { enableKeyRotation: true, tags }),
            [],
        );
        assert.deepStrictEqual(messages("kms-key-rotation", "aws:kms/key:Key", { tags }), [
            "Set enableKeyRotation: true.",
        ]);
    });

    it("s3-encryption-with-customer-key and s3-public-access-block", () => {
        const sse =
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
        assert.deepStrictEqual(
            messages("s3-encryption-with-customer-key", sse, {
                rules: [
                    {
                        applyServerSideEncryptionByDefault: {
                            sseAlgorithm: "aws:kms",
                            kmsMasterKeyId: key,
                        },
                    },
                ],
            }),
            [],
        );
        assert.deepStrictEqual(
            messages("s3-encryption-with-customer-key", sse, {
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
            }),
            [
                'Set applyServerSideEncryptionByDefault to sseAlgorithm "aws:kms" with kmsMasterKeyId.',
            ],
        );
        const pab = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
        assert.deepStrictEqual(
            messages("s3-public-access-block", pab, {
                blockPublicAcls: true,
                blockPublicPolicy: true,
            }),
            ["Set ignorePublicAcls, restrictPublicBuckets to true."],
        );
    });

    it("kinesis-stream-encrypted and dms-endpoint-ssl", () => {
        const stream = "aws:kinesis/stream:Stream";
        assert.deepStrictEqual(
            messages("kinesis-stream-encrypted", stream, { encryptionType: "KMS", kmsKeyId: key }),
            [],
        );
        assert.deepStrictEqual(messages("kinesis-stream-encrypted", stream, {}), [
            'Set encryptionType: "KMS" and kmsKeyId.',
        ]);
        const endpoint = "aws:dms/endpoint:Endpoint";
        assert.deepStrictEqual(
            messages("dms-endpoint-ssl", endpoint, { engineName: "postgres", sslMode: "require" }),
            [],
        );
        assert.deepStrictEqual(messages("dms-endpoint-ssl", endpoint, { engineName: "postgres" }), [
            "Set sslMode to require, verify-ca or verify-full (it is unset, which means none).",
        ]);
        assert.deepStrictEqual(
            messages("dms-endpoint-ssl", endpoint, { engineName: "kinesis" }),
            [],
            "not a database",
        );
    });

    it("route53-failover-records", () => {
        const record = "aws:route53/record:Record";
        const primary = {
            name: "writer.europe.db.internal",
            ttl: 5,
            failoverRoutingPolicies: [{ type: "PRIMARY" }],
            healthCheckId: "hc",
        };
        assert.deepStrictEqual(messages("route53-failover-records", record, primary), []);
        assert.deepStrictEqual(
            messages("route53-failover-records", record, {
                ...primary,
                ttl: 300,
                healthCheckId: undefined,
            }),
            [
                "Set ttl to at most 60 s: clients must follow a failover (it is 300).",
                "Give the PRIMARY record a healthCheckId, or Route 53 never fails over.",
            ],
        );
        assert.deepStrictEqual(
            messages(
                "route53-failover-records",
                record,
                { ...primary, ttl: 30 },
                { "route53-failover-records": { maxTtlSeconds: 10 } },
            ),
            ["Set ttl to at most 10 s: clients must follow a failover (it is 30)."],
        );
        assert.deepStrictEqual(
            messages("route53-failover-records", record, { name: "x", ttl: 3600 }),
            [],
            "a simple record is not applicable",
        );
    });

    it("required-tags", () => {
        assert.deepStrictEqual(messages("required-tags", rds, source()), []);
        assert.deepStrictEqual(
            messages("required-tags", rds, { ...source(), tags: { environment: "prod" } }),
            ["Add the tags shard, role."],
        );
        assert.deepStrictEqual(messages("required-tags", rds, without(source(), "tags")), [
            "Add the tags environment, shard, role.",
        ]);
        assert.deepStrictEqual(
            messages("required-tags", rds, source(), {
                "required-tags": { tags: ["environment", "cost-center"] },
            }),
            ["Add the tags cost-center."],
        );
        assert.deepStrictEqual(
            messages("required-tags", "aws:ec2/route:Route", {}),
            [],
            "untaggable types are not checked",
        );
    });
});

describe("policy pack: stack rules and the whole stack", () => {
    it("passes the prod stack clean, and dev too", async () => {
        for (const stack of ["prod", "dev"]) {
            const run = await runProgram(readStackConfig(stack), { stack });
            const report = evaluatePolicies(run.resources, policies);
            assert.deepStrictEqual(report.violations, [], `${stack} violates policies`);
            assert.strictEqual(report.policies, policies.length);
        }
    });

    it("catches a public master in the offline plan: a clear message and a failing exit code", async () => {
        const run = await runProgram(readStackConfig("prod"), { stack: "prod" });
        run.resources.find((r) => r.name === "europe-master")!.inputs.publiclyAccessible = true;
        const { code, text } = reportPlan("prod", run, false);
        assert.strictEqual(code, 1);
        assert.match(
            text,
            /^Policy pack geoshard: \d+ policies over \d+ resources: 1 violations \(1 mandatory\)\n {2}\[mandatory\] rds-not-public {2}europe-master: Set publiclyAccessible: false; databases are reached only over private networks\.$/m,
        );
    });

    it("catches a broken shard topology and an EU transfer without exclusions", async () => {
        const run = await runProgram(readStackConfig("prod"), { stack: "prod" });
        const find = (name: string) => run.resources.find((r) => r.name === name)!;
        find("asia-standby").inputs.instanceClass = "db.r6g.4xlarge";
        find("asia-standby").inputs.availabilityZone = "ap-southeast-1a";
        const europe = find("europe-cdc-replication");
        europe.inputs.tableMappings = JSON.stringify({
            rules: JSON.parse(europe.inputs.tableMappings).rules.slice(0, 2),
        });
        const us = run.resources.indexOf(find("us-east-writer-secondary"));
        (run.resources as RecordedResource[]).splice(us, 1);
        const stackRules = policies.filter((p) =>
            ["shard-topology", "eu-residency"].includes(p.name),
        );
        assert.deepStrictEqual(
            evaluatePolicies(run.resources, stackRules).violations.map((v) => [
                v.policy,
                v.resource,
                v.message,
            ]),
            [
                [
                    "shard-topology",
                    "us-east",
                    "Shard us-east: lacks the writer PRIMARY/SECONDARY failover pair; applications would have no name that follows a failover.",
                ],
                [
                    "shard-topology",
                    "asia",
                    "Shard asia: standby is db.r6g.4xlarge, master db.r6g.8xlarge; a standby must carry the master's load: use the master's class.",
                ],
                [
                    "shard-topology",
                    "asia",
                    "Shard asia: standby shares the master's AZ ap-southeast-1a; place it in another AZ.",
                ],
                [
                    "eu-residency",
                    "europe-cdc-replication",
                    "europe-cdc-replication streams an EU shard to us-east-1, outside the EU, with every column: exclude its personal-data columns (cdc.excludeColumns) or record a residency waiver.",
                ],
            ],
        );
    });

    it("counts replicas against the configured minimum, and lets a waiver through", async () => {
        const shards = referenceShardsWith(
            { replicaCount: 1 },
            { residency: "eu", cdc: { residencyWaiver: "TIA-2026-014 approved" } },
        );
        const run = await runProgram(shards, { stack: "test" });
        const stackRules = policies.filter((p) =>
            ["shard-topology", "eu-residency"].includes(p.name),
        );
        assert.deepStrictEqual(
            evaluatePolicies(run.resources, stackRules).violations.map((v) => v.message),
            ["Shard us-east: has 1 read replicas; raise replicaCount to at least 2."],
        );
        assert.deepStrictEqual(
            evaluatePolicies(run.resources, stackRules, {
                "shard-topology": { minimumReplicas: 1 },
            }).violations,
            [],
        );
        assert.strictEqual(
            run.resources.find((r) => r.name === "europe-cdc-replication")!.inputs.tags[
                "residency-waiver"
            ],
            "TIA-2026-014 approved",
        );
    });
});

/** Raw prod-like config with the us-east shard and the europe shard changed. */
function referenceShardsWith(
    usEast: Record<string, unknown>,
    europe: Record<string, unknown>,
): Record<string, string> {
    const config = readStackConfig("prod");
    const shards = JSON.parse(config["geoshard:shards"]);
    Object.assign(shards[0], usEast);
    Object.assign(shards[2], europe);
    delete shards[2].cdc.excludeColumns;
    return { ...config, "geoshard:shards": JSON.stringify(shards) };
}

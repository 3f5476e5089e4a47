import * as assert from "assert";
import { Policies } from "@pulumi/policy";
import { policies } from "../policies/rules";
import { ProgramRun, RecordedResource, runProgram } from "../tools/mockRuntime";
import { evaluatePolicies, PolicyConfig } from "../tools/policyEval";
import { reportPlan } from "../tools/plan";
import { readStackConfig } from "../tools/stackConfig";
import { awsProvider, declared, prodRun } from "./helpers";
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

/** One resource and its region's provider, as the mock runtime records them. */
function resource(
    type: string,
    inputs: Record<string, any>,
    region = "eu-west-2",
    name = "subject",
): RecordedResource[] {
    return [awsProvider(region), declared(type, inputs, { name, region })];
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
            "no protection in prod",
            { ...source(), deletionProtection: false },
            ["Set deletionProtection: true; it is required in prod (environments: prod)."],
        ],
        [
            "rds-deletion-protection-and-final-snapshot",
            "no protection without an environment tag",
            { ...source(), deletionProtection: false, tags: { shard: "europe", role: "master" } },
            [
                "Set deletionProtection: true; it is required on a resource without an environment tag (environments: prod).",
            ],
        ],
        [
            "rds-deletion-protection-and-final-snapshot",
            "no protection in dev, being torn down",
            { ...source(), deletionProtection: false, tags: { ...tags, environment: "dev" } },
            [],
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
                { "rds-deletion-protection-and-final-snapshot": { environments: [] } },
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

/** A compliant Aurora cluster: each case changes one property. */
const cluster = (): Record<string, any> => ({
    clusterIdentifier: "geoshard-prod-europe-cluster",
    engine: "aurora-postgresql",
    engineMode: "provisioned",
    engineVersion: "17.7",
    storageEncrypted: true,
    kmsKeyId: key,
    storageType: "aurora",
    backupRetentionPeriod: 14,
    deletionProtection: true,
    skipFinalSnapshot: false,
    finalSnapshotIdentifier: "geoshard-prod-europe-cluster-final",
    iamDatabaseAuthenticationEnabled: true,
    enabledCloudwatchLogsExports: ["postgresql"],
    tags: { ...tags, role: "database" },
});

/** A compliant Aurora cluster instance (the standby). */
const clusterInstance = (): Record<string, any> => ({
    identifier: "geoshard-prod-europe-standby",
    clusterIdentifier: "geoshard-prod-europe-cluster",
    engine: "aurora-postgresql",
    instanceClass: "db.r6g.8xlarge",
    promotionTier: 0,
    availabilityZone: "eu-west-2a",
    publiclyAccessible: false,
    autoMinorVersionUpgrade: false,
    caCertIdentifier: "rds-ca-rsa2048-g1",
    performanceInsightsEnabled: true,
    performanceInsightsKmsKeyId: key,
    monitoringInterval: 60,
    monitoringRoleArn: "arn:aws:iam::123456789012:role/monitoring",
    tags: { ...tags, role: "standby" },
});

const auroraCluster = "aws:rds/cluster:Cluster";
const auroraInstance = "aws:rds/clusterInstance:ClusterInstance";

describe("policy pack: Aurora rules", () => {
    it("passes a compliant cluster and cluster instance through every rule", () => {
        for (const [type, inputs] of [
            [auroraCluster, cluster()],
            [auroraInstance, clusterInstance()],
        ] as const) {
            assert.deepStrictEqual(
                evaluatePolicies(resource(type, inputs), policies).violations,
                [],
                type,
            );
        }
    });

    const clusterCases: [string, string, Record<string, any>, string[]][] = [
        [
            "rds-storage-encrypted-with-customer-key",
            "unencrypted",
            { ...cluster(), storageEncrypted: false },
            [
                "Set storageEncrypted: true and kmsKeyId to the shard's customer managed key on the cluster.",
            ],
        ],
        [
            "rds-storage-encrypted-with-customer-key",
            "the AWS managed key",
            without(cluster(), "kmsKeyId"),
            [
                "Set storageEncrypted: true and kmsKeyId to the shard's customer managed key on the cluster.",
            ],
        ],
        [
            "rds-backup-retention",
            "one day",
            { ...cluster(), backupRetentionPeriod: 1 },
            ["Set backupRetentionPeriod to at least 7 days on the cluster (it is 1)."],
        ],
        [
            "rds-backup-retention",
            "unset (Aurora keeps 1 day)",
            without(cluster(), "backupRetentionPeriod"),
            ["Set backupRetentionPeriod to at least 7 days on the cluster (it is unset)."],
        ],
        [
            "rds-backup-retention",
            "exactly the minimum",
            { ...cluster(), backupRetentionPeriod: 7 },
            [],
        ],
        [
            "rds-deletion-protection-and-final-snapshot",
            "no deletion protection in prod",
            { ...cluster(), deletionProtection: false },
            [
                "Set deletionProtection: true on the cluster; it is required in prod (environments: prod).",
            ],
        ],
        [
            "rds-deletion-protection-and-final-snapshot",
            "no deletion protection in staging",
            {
                ...cluster(),
                deletionProtection: false,
                tags: { ...cluster().tags, environment: "staging" },
            },
            [],
        ],
        [
            "rds-deletion-protection-and-final-snapshot",
            "skipping the final snapshot",
            { ...cluster(), skipFinalSnapshot: true },
            [
                "Set skipFinalSnapshot: false and a finalSnapshotIdentifier on the cluster, so deleting it keeps its data.",
            ],
        ],
        [
            "rds-deletion-protection-and-final-snapshot",
            "no final snapshot name",
            without(cluster(), "finalSnapshotIdentifier"),
            [
                "Set skipFinalSnapshot: false and a finalSnapshotIdentifier on the cluster, so deleting it keeps its data.",
            ],
        ],
        [
            "rds-iam-authentication",
            "unset",
            without(cluster(), "iamDatabaseAuthenticationEnabled"),
            ["Set iamDatabaseAuthenticationEnabled: true on the cluster."],
        ],
        [
            "rds-log-exports",
            "unset",
            without(cluster(), "enabledCloudwatchLogsExports"),
            ["Add postgresql to the cluster's enabledCloudwatchLogsExports."],
        ],
        [
            "rds-log-exports",
            "an Aurora MySQL log only",
            { ...cluster(), enabledCloudwatchLogsExports: ["audit"] },
            ["Add postgresql to the cluster's enabledCloudwatchLogsExports."],
        ],
        [
            "rds-storage-type",
            "unset",
            without(cluster(), "storageType"),
            ["Set storageType to aurora or aurora-iopt1 (it is unset)."],
        ],
        [
            "rds-storage-type",
            "an instance storage type",
            { ...cluster(), storageType: "gp3" },
            ["Set storageType to aurora or aurora-iopt1 (it is gp3)."],
        ],
        ["rds-storage-type", "I/O-Optimized", { ...cluster(), storageType: "aurora-iopt1" }, []],
        [
            "required-tags",
            "no role",
            { ...cluster(), tags: { environment: "prod", shard: "europe" } },
            ["Add the tags role."],
        ],
    ];
    for (const [policy, name, inputs, expected] of clusterCases) {
        it(`${policy} on a cluster: ${name}`, () =>
            assert.deepStrictEqual(messages(policy, auroraCluster, inputs), expected));
    }

    const instanceCases: [string, string, Record<string, any>, string[]][] = [
        [
            "rds-not-public",
            "public",
            { ...clusterInstance(), publiclyAccessible: true },
            ["Set publiclyAccessible: false; databases are reached only over private networks."],
        ],
        [
            "rds-not-public",
            "unset",
            without(clusterInstance(), "publiclyAccessible"),
            ["Set publiclyAccessible: false; databases are reached only over private networks."],
        ],
        [
            "rds-performance-insights-encrypted",
            "off",
            { ...clusterInstance(), performanceInsightsEnabled: false },
            [
                "Set performanceInsightsEnabled: true and performanceInsightsKmsKeyId to the shard's key.",
            ],
        ],
        [
            "rds-performance-insights-encrypted",
            "with the AWS key",
            without(clusterInstance(), "performanceInsightsKmsKeyId"),
            [
                "Set performanceInsightsEnabled: true and performanceInsightsKmsKeyId to the shard's key.",
            ],
        ],
        [
            "rds-enhanced-monitoring",
            "off",
            { ...clusterInstance(), monitoringInterval: 0 },
            ["Set monitoringInterval (1 to 60 s) and monitoringRoleArn."],
        ],
        [
            "rds-enhanced-monitoring",
            "without its role",
            without(clusterInstance(), "monitoringRoleArn"),
            ["Set monitoringInterval (1 to 60 s) and monitoringRoleArn."],
        ],
        [
            "rds-current-ca",
            "unset (the region's default)",
            without(clusterInstance(), "caCertIdentifier"),
            [
                "Set caCertIdentifier to one of rds-ca-rsa2048-g1, rds-ca-rsa4096-g1, rds-ca-ecc384-g1 (it is unset).",
            ],
        ],
        [
            "rds-current-ca",
            "the expired 2019 CA",
            { ...clusterInstance(), caCertIdentifier: "rds-ca-2019" },
            [
                "Set caCertIdentifier to one of rds-ca-rsa2048-g1, rds-ca-rsa4096-g1, rds-ca-ecc384-g1 (it is rds-ca-2019).",
            ],
        ],
        [
            "rds-allowed-instance-classes",
            "an x86 class",
            { ...clusterInstance(), instanceClass: "db.r5.8xlarge" },
            ["Use an instance class of db.r6g, db.r7g (db.r5.8xlarge is not allowed)."],
        ],
        [
            "rds-allowed-instance-classes",
            "Serverless v2",
            { ...clusterInstance(), instanceClass: "db.serverless" },
            ["Use an instance class of db.r6g, db.r7g (db.serverless is not allowed)."],
        ],
        [
            "rds-allowed-instance-classes",
            "r7g",
            { ...clusterInstance(), instanceClass: "db.r7g.8xlarge" },
            [],
        ],
        [
            "aurora-promotion-tier",
            "unset (the provider sends 0)",
            without(clusterInstance(), "promotionTier"),
            ["Set promotionTier to a whole number from 0 to 15 (it is unset)."],
        ],
        [
            "aurora-promotion-tier",
            "past the last tier",
            { ...clusterInstance(), promotionTier: 16 },
            ["Set promotionTier to a whole number from 0 to 15 (it is 16)."],
        ],
        [
            "aurora-promotion-tier",
            "negative",
            { ...clusterInstance(), promotionTier: -1 },
            ["Set promotionTier to a whole number from 0 to 15 (it is -1)."],
        ],
        [
            "aurora-promotion-tier",
            "a fraction",
            { ...clusterInstance(), promotionTier: 1.5 },
            ["Set promotionTier to a whole number from 0 to 15 (it is 1.5)."],
        ],
        ["aurora-promotion-tier", "the last tier", { ...clusterInstance(), promotionTier: 15 }, []],
        [
            "required-tags",
            "no tags",
            without(clusterInstance(), "tags"),
            ["Add the tags environment, shard, role."],
        ],
    ];
    for (const [policy, name, inputs, expected] of instanceCases) {
        it(`${policy} on a cluster instance: ${name}`, () =>
            assert.deepStrictEqual(messages(policy, auroraInstance, inputs), expected));
    }

    it("takes config on Aurora too: a longer retention, other classes, no deletion protection", () => {
        assert.deepStrictEqual(
            messages("rds-backup-retention", auroraCluster, cluster(), {
                "rds-backup-retention": { minimumDays: 21 },
            }),
            ["Set backupRetentionPeriod to at least 21 days on the cluster (it is 14)."],
        );
        assert.deepStrictEqual(
            messages(
                "rds-allowed-instance-classes",
                auroraInstance,
                { ...clusterInstance(), instanceClass: "db.x2g.large" },
                { "rds-allowed-instance-classes": { allowedFamilies: ["db.x2g"] } },
            ),
            [],
        );
        assert.deepStrictEqual(
            messages(
                "rds-deletion-protection-and-final-snapshot",
                auroraCluster,
                { ...cluster(), deletionProtection: false },
                { "rds-deletion-protection-and-final-snapshot": { environments: [] } },
            ),
            [],
        );
    });

    it("leaves to the cluster what Aurora holds there, and to instances what they hold", () => {
        // No storage, backups or IAM auth on an instance; no exposure, monitoring or class on
        // the cluster: those rules do not apply to the other type.
        const instanceOnly = { ...clusterInstance() };
        for (const policy of [
            "rds-storage-encrypted-with-customer-key",
            "rds-backup-retention",
            "rds-deletion-protection-and-final-snapshot",
            "rds-iam-authentication",
            "rds-log-exports",
            "rds-storage-type",
            "rds-storage-within-limits",
            "rds-replica-settings",
        ]) {
            assert.deepStrictEqual(messages(policy, auroraInstance, instanceOnly), [], policy);
        }
        for (const policy of [
            "rds-not-public",
            "rds-performance-insights-encrypted",
            "rds-enhanced-monitoring",
            "rds-current-ca",
            "rds-allowed-instance-classes",
            "aurora-promotion-tier",
        ]) {
            assert.deepStrictEqual(messages(policy, auroraCluster, cluster()), [], policy);
        }
    });
});

describe("policy pack: the global database", () => {
    const globalCluster = "aws:rds/globalCluster:GlobalCluster";
    const global = (): Record<string, any> => ({
        globalClusterIdentifier: "geoshard-prod-europe-global",
        engine: "aurora-postgresql",
        storageEncrypted: true,
        deletionProtection: true,
        tags: { ...tags, role: "database" },
    });

    it("global-cluster-encrypted: encrypted everywhere, protected in the listed environments", () => {
        const check = (inputs: Record<string, any>, config: PolicyConfig = {}) =>
            messages("global-cluster-encrypted", globalCluster, inputs, config);
        assert.deepStrictEqual(check(global()), []);
        assert.deepStrictEqual(check({ ...global(), storageEncrypted: false }), [
            "Set storageEncrypted: true on the global cluster.",
        ]);
        // Made from the encrypted home cluster, it inherits the encryption and states none.
        const fromSource = global();
        delete fromSource.storageEncrypted;
        assert.deepStrictEqual(
            check({
                ...fromSource,
                sourceDbClusterIdentifier:
                    "arn:aws:rds:eu-west-2:123456789012:cluster:geoshard-prod-europe-cluster",
            }),
            [],
        );
        assert.deepStrictEqual(check(fromSource), [
            "Set storageEncrypted: true on the global cluster.",
        ]);
        assert.deepStrictEqual(check({ ...global(), deletionProtection: false }), [
            "Set deletionProtection: true on the global cluster; it is required in prod (environments: prod).",
        ]);
        const dev = {
            ...global(),
            deletionProtection: false,
            tags: { ...tags, environment: "dev" },
        };
        assert.deepStrictEqual(check(dev), []);
        assert.deepStrictEqual(
            check(dev, { "global-cluster-encrypted": { environments: ["prod", "dev"] } }),
            [
                "Set deletionProtection: true on the global cluster; it is required in dev (environments: prod, dev).",
            ],
        );
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
    /** Pulumi.prod.yaml, and the same stack on RDS for PostgreSQL. */
    let prod: ProgramRun;
    let postgres: ProgramRun;

    before(async () => {
        prod = await prodRun();
        postgres = await runProgram(
            { ...readStackConfig("prod"), "geoshard:engine": "postgres" },
            { stack: "prod" },
        );
    });

    /** A resource as a test may break it. */
    type Editable = { -readonly [K in keyof RecordedResource]: RecordedResource[K] };
    /** A copy of a run's resources to break; the shared runs stay intact. */
    const copyOf = (run: ProgramRun): Editable[] => structuredClone([...run.resources]);
    const find = (resources: Editable[], name: string, type: string) => {
        const found = resources.filter((r) => r.name === name && r.type === type);
        assert.strictEqual(found.length, 1, `${type} ${name}`);
        return found[0];
    };
    const remove = (resources: Editable[], name: string, type: string) =>
        resources.splice(resources.indexOf(find(resources, name, type)), 1);
    /** A second resource like `name`, under another name: what a duplicate declaration records. */
    const duplicate = (
        resources: Editable[],
        name: string,
        type: string,
        as: string,
        inputs: Record<string, any> = {},
    ) => {
        const original = find(resources, name, type);
        resources.push({
            ...structuredClone(original),
            name: as,
            urn: original.urn.replace(new RegExp(`::${name}$`), `::${as}`),
            inputs: { ...structuredClone(original.inputs), ...inputs },
        });
    };
    const violations = (
        resources: readonly RecordedResource[],
        policy: string,
        config: PolicyConfig = {},
    ) =>
        evaluatePolicies(
            resources,
            policies.filter((p) => p.name === policy),
            config,
        ).violations.map((v) => [v.resource, v.message]);
    const instance = "aws:rds/instance:Instance";
    const endpoint = "aws:rds/clusterEndpoint:ClusterEndpoint";

    it("passes the prod stack clean, on Aurora and with engine postgres", () => {
        for (const run of [prod, postgres]) {
            const report = evaluatePolicies(run.resources, policies);
            assert.deepStrictEqual(report.violations, []);
            assert.deepStrictEqual(report.skipped, []);
            assert.strictEqual(report.policies, policies.length);
        }
        // What the pack saw: per shard, a home cluster and a recovery copy (Aurora), or a
        // Multi-AZ master, two replicas and a recovery replica (postgres).
        const roles = (run: ProgramRun, type: string) =>
            run.resources
                .filter((r) => r.type === type)
                .map((r) => r.inputs.tags.role)
                .sort();
        assert.deepStrictEqual(roles(prod, auroraCluster), [
            ...Array(4).fill("database"),
            ...Array(4).fill("recovery"),
        ]);
        assert.deepStrictEqual(roles(postgres, auroraCluster), []);
        assert.deepStrictEqual(roles(postgres, instance), [
            ...Array(8).fill("reader"),
            ...Array(4).fill("recovery"),
            ...Array(4).fill("writer"),
        ]);
    });

    it("catches a public writer in the offline plan: a clear message and a failing exit code", () => {
        const resources = copyOf(prod);
        find(resources, "europe-writer", auroraInstance).inputs.publiclyAccessible = true;
        const { code, text } = reportPlan("prod", { ...prod, resources }, false);
        assert.strictEqual(code, 1);
        assert.match(
            text,
            /^Policy verdict under defaults: no policy config: FAIL\n {2}pack geoshard, \d+ policies over \d+ resources: 1 violation \(1 mandatory\)\n {2}\[mandatory\] rds-not-public {2}europe-writer: Set publiclyAccessible: false; databases are reached only over private networks\.$/m,
        );
    });

    describe("shard-topology on Aurora", () => {
        it("catches a standby of another class, at another tier, in the writer's AZ", () => {
            const resources = copyOf(prod);
            const writer = find(resources, "asia-writer", auroraInstance).inputs;
            Object.assign(find(resources, "asia-standby", auroraInstance).inputs, {
                instanceClass: "db.r6g.4xlarge",
                promotionTier: 1,
                availabilityZone: writer.availabilityZone,
            });
            assert.deepStrictEqual(violations(resources, "shard-topology"), [
                [
                    "asia",
                    "Shard asia: standby is db.r6g.4xlarge, writer db.r6g.8xlarge; a standby must carry the writer's load: use the writer's class.",
                ],
                [
                    "asia",
                    "Shard asia: standby is at promotion tier 1, writer at 0; put the standby at the writer's tier so Aurora fails over to it.",
                ],
                [
                    "asia",
                    "Shard asia: standby shares the writer's AZ ap-southeast-1a; place it in another AZ.",
                ],
            ]);
        });

        it("catches a reader at the standby's tier, which Aurora could promote instead", () => {
            const resources = copyOf(prod);
            find(resources, "europe-reader-2", auroraInstance).inputs.promotionTier = 0;
            assert.deepStrictEqual(violations(resources, "shard-topology"), [
                [
                    "europe",
                    "Shard europe: reader geoshard-prod-europe-reader-2 is at tier 0, not below the standby's 0; Aurora could promote it instead.",
                ],
            ]);
        });

        it("catches a missing standby, a second writer and a second cluster", () => {
            const resources = copyOf(prod);
            remove(resources, "us-east-standby", auroraInstance);
            duplicate(resources, "us-west-writer", auroraInstance, "us-west-writer-2");
            duplicate(resources, "asia-cluster", auroraCluster, "asia-cluster-2");
            assert.deepStrictEqual(violations(resources, "shard-topology"), [
                [
                    "us-east",
                    "Shard us-east: has 0 standbys; declare exactly one, the failover target.",
                ],
                ["us-west", "Shard us-west: has 2 writers; declare exactly one."],
                ["asia", "Shard asia: has 2 Aurora clusters; declare exactly one."],
            ]);
        });

        it("counts readers against the configured minimum, none by default", () => {
            const resources = copyOf(prod);
            remove(resources, "europe-reader-2", auroraInstance);
            const atLeast = (minimumReplicas: number) => ({
                "shard-topology": { minimumReplicas },
            });
            assert.deepStrictEqual(violations(resources, "shard-topology", atLeast(2)), [
                ["europe", "Shard europe: has 1 reader; raise replicaCount to at least 2."],
            ]);
            assert.deepStrictEqual(violations(resources, "shard-topology", atLeast(1)), []);
            // Config accepts replicaCount 0, so the default minimum is 0.
            remove(resources, "europe-reader-1", auroraInstance);
            assert.deepStrictEqual(violations(resources, "shard-topology"), []);
        });

        it("counts a global database's primary readers and secondaries against Aurora's 15", () => {
            const resources = copyOf(prod);
            // 13 readers, the standby and the recovery cluster: 15, the most AWS allows.
            for (let i = 3; i <= 13; i++) {
                duplicate(resources, "europe-reader-2", auroraInstance, `europe-reader-${i}`);
            }
            assert.deepStrictEqual(violations(resources, "shard-topology"), []);
            duplicate(resources, "europe-reader-2", auroraInstance, "europe-reader-14");
            assert.deepStrictEqual(violations(resources, "shard-topology"), [
                [
                    "europe",
                    "Shard europe: has 15 readers in its primary cluster (the standby included) and 1 secondary cluster(s); an Aurora global database allows 15 in all, so lower replicaCount to 13.",
                ],
            ]);
        });

        it("requires a CDC replication per shard when requireCdc is set (this project's policy configs)", () => {
            const resources = copyOf(prod);
            remove(
                resources,
                "asia-cdc-replication",
                "aws:dms/replicationConfig:ReplicationConfig",
            );
            assert.deepStrictEqual(
                violations(resources, "shard-topology", {
                    "shard-topology": { requireCdc: true },
                }),
                [
                    [
                        "asia",
                        "Shard asia: has no CDC replication; the warehouse would miss its changes.",
                    ],
                ],
            );
            // The default accepts a shard without a warehouse, as the component does.
            assert.deepStrictEqual(violations(resources, "shard-topology"), []);
        });
    });

    describe("shard-topology on RDS for PostgreSQL", () => {
        it("catches a master that is not Multi-AZ", () => {
            const resources = copyOf(postgres);
            find(resources, "europe-master", instance).inputs.multiAz = false;
            assert.deepStrictEqual(violations(resources, "shard-topology"), [
                [
                    "europe",
                    "Shard europe: master is not Multi-AZ; set multiAz: true, so AWS keeps a synchronous standby and fails over to it.",
                ],
            ]);
        });

        it("catches a standby replica beside a Multi-AZ master", () => {
            const resources = copyOf(postgres);
            duplicate(resources, "asia-reader-1", instance, "asia-standby", {
                identifier: "geoshard-prod-asia-standby",
                tags: { environment: "prod", shard: "asia", role: "standby" },
            });
            assert.deepStrictEqual(violations(resources, "shard-topology"), [
                [
                    "asia",
                    "Shard asia: declares a standby replica beside a Multi-AZ master; AWS runs the standby, remove it.",
                ],
            ]);
        });

        it("counts its read replicas against the minimum", () => {
            const resources = copyOf(postgres);
            remove(resources, "us-west-reader-2", instance);
            remove(resources, "us-west-reader-1", instance);
            assert.deepStrictEqual(
                violations(resources, "shard-topology", {
                    "shard-topology": { minimumReplicas: 2 },
                }),
                [["us-west", "Shard us-west: has 0 readers; raise replicaCount to at least 2."]],
            );
            assert.deepStrictEqual(violations(resources, "shard-topology"), []);
        });
    });

    describe("shard-reader-endpoint", () => {
        it("catches a reader endpoint that does not exclude the standby", () => {
            const resources = copyOf(prod);
            find(resources, "us-west-readers-endpoint", endpoint).inputs.excludedMembers = [
                "geoshard-prod-us-west-writer",
            ];
            assert.deepStrictEqual(violations(resources, "shard-reader-endpoint"), [
                [
                    "us-west",
                    "Shard us-west: reader endpoint excludes geoshard-prod-us-west-writer; exclude exactly the writer and the standby geoshard-prod-us-west-standby, geoshard-prod-us-west-writer, so reads never land on the standby.",
                ],
            ]);
        });

        it("catches a reader endpoint of the wrong type, and one with static members, which a reader added later would miss", () => {
            const resources = copyOf(prod);
            find(resources, "europe-readers-endpoint", endpoint).inputs.customEndpointType = "ANY";
            find(resources, "asia-readers-endpoint", endpoint).inputs.staticMembers = [
                "geoshard-prod-asia-reader-1",
                "geoshard-prod-asia-reader-2",
            ];
            assert.deepStrictEqual(violations(resources, "shard-reader-endpoint"), [
                ["europe", "Shard europe: reader endpoint is ANY; make it READER."],
                [
                    "asia",
                    "Shard asia: reader endpoint lists static members geoshard-prod-asia-reader-1, geoshard-prod-asia-reader-2; list none and exclude the writer and the standby instead, so a reader added later receives reads.",
                ],
            ]);
        });

        it("catches a shard with readers but no custom endpoint", () => {
            const resources = copyOf(prod);
            remove(resources, "us-east-readers-endpoint", endpoint);
            assert.deepStrictEqual(violations(resources, "shard-reader-endpoint"), [
                ["us-east", "Shard us-east: has 0 custom endpoints; declare one READER endpoint."],
            ]);
        });
    });

    describe("prod-databases-protected", () => {
        it("catches an unprotected cluster and standby in prod", () => {
            const resources = copyOf(prod);
            find(resources, "europe-cluster", auroraCluster).protect = false;
            find(resources, "asia-standby", auroraInstance).protect = false;
            find(resources, "asia-reader-1", auroraInstance).protect = false;
            assert.deepStrictEqual(violations(resources, "prod-databases-protected"), [
                [
                    "europe-cluster",
                    "Shard europe: europe-cluster is not protected; in prod a `pulumi destroy` must not reach it: set protect.",
                ],
                [
                    "asia-standby",
                    "Shard asia: asia-standby is not protected; in prod a `pulumi destroy` must not reach it: set protect.",
                ],
            ]);
        });

        it("catches an unprotected Multi-AZ master in prod", () => {
            const resources = copyOf(postgres);
            find(resources, "us-east-master", instance).protect = false;
            assert.deepStrictEqual(violations(resources, "prod-databases-protected"), [
                [
                    "us-east-master",
                    "Shard us-east: us-east-master is not protected; in prod a `pulumi destroy` must not reach it: set protect.",
                ],
            ]);
        });

        it("leaves dev unprotected, and covers the environments configured", () => {
            const resources = copyOf(prod);
            for (const r of resources.filter((r) => r.inputs.tags?.shard === "europe")) {
                r.protect = false;
                r.inputs.tags.environment = "dev";
            }
            assert.deepStrictEqual(violations(resources, "prod-databases-protected"), []);
            assert.deepStrictEqual(
                violations(resources, "prod-databases-protected", {
                    "prod-databases-protected": { environments: ["prod", "dev"] },
                }).map(([name]) => name),
                ["europe-cluster", "europe-writer", "europe-standby"],
            );
        });
    });

    it("eu-residency: catches an EU transfer without exclusions, and lets a waiver through", () => {
        const resources = copyOf(prod);
        const europe = find(
            resources,
            "europe-cdc-replication",
            "aws:dms/replicationConfig:ReplicationConfig",
        );
        // Only the include-all selection: every column leaves the shard.
        europe.inputs.tableMappings = JSON.stringify({
            rules: JSON.parse(europe.inputs.tableMappings).rules.slice(0, 1),
        });
        assert.deepStrictEqual(violations(resources, "eu-residency"), [
            [
                "europe-cdc-replication",
                "europe-cdc-replication streams an EU shard to us-east-1, outside the EU, with every column: exclude its personal-data columns (cdc.excludeColumns) or record a residency waiver.",
            ],
        ]);
        europe.inputs.tags["residency-waiver"] = "TIA-2026-014 approved";
        assert.deepStrictEqual(violations(resources, "eu-residency"), []);
    });
});

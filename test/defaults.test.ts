/**
 * The component's documented defaults, as a library consumer gets them: a program that imports
 * `lib/` and declares shards with the fewest arguments, and `resolveShardArgs` called directly.
 * The stack's own config sets most of these explicitly, so only these tests see a default flip.
 */

import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as aws from "@pulumi/aws";
import { RegionalShard, RegionalShardArgs } from "../lib";
import { resolveShardArgs } from "../components/regionalShard";
import { isSecretValue, ProgramRun, runProgramFunction } from "../tools/mockRuntime";
import { evaluatePolicies } from "../tools/policyEval";
import { policies } from "../policies/rules";
import { named, types } from "./helpers";

/** What a consumer must give: everything else is a default. */
const minimal = (changes: Partial<RegionalShardArgs> = {}): RegionalShardArgs => ({
    environment: "staging",
    region: "eu-central-1",
    vpcCidr: "10.10.0.0/16",
    availabilityZones: ["eu-central-1a", "eu-central-1b", "eu-central-1c"],
    dns: { zoneId: "Z0123456789", zoneName: "db.internal", provider: undefined! },
    ...changes,
});

/** The defaults as `RegionalShardArgs` documents them, written out: a changed default fails here. */
const documented = {
    engine: "aurora-postgresql",
    engineVersion: "17.7",
    masterInstanceClass: "db.r6g.8xlarge",
    replicaInstanceClass: "db.r6g.4xlarge",
    replicaCount: 2,
    storageType: "aurora",
    volumeAlarmGiB: 4000,
    allocatedStorageGiB: 1000,
    maxAllocatedStorageGiB: 4000,
    backupRetentionDays: 7,
    monitoringIntervalSeconds: 60,
    logRetentionDays: 30,
    proxy: false,
    deletionProtection: true,
    protectDatabases: false,
    allowedCidrs: ["10.10.0.0/16"],
    namePrefix: "geoshard",
    databaseName: "geoshard",
    masterUsername: "geoshard_admin",
    // The region's night: 02:00-03:00 and Sunday 03:30-04:30 in Frankfurt's standard time.
    backupWindow: "01:00-02:00",
    maintenanceWindow: "sun:02:30-sun:03:30",
    parameters: {},
    operations: {
        dnsZone: "db.internal",
        dnsTtlSeconds: 5,
        replicaLagAlarmSeconds: 30,
        cpuAlarmPercent: 80,
        freeStorageAlarmPercent: 10,
        freeLocalStorageAlarmGiB: 10,
        freeableMemoryAlarmPercent: 10,
        connectionsAlarmPercent: 80,
        alarmEmails: [],
    },
};

describe("the component's defaults, resolved once (resolveShardArgs)", () => {
    it("resolves the fewest arguments to the documented defaults: deletion protection on, a week of backups", () => {
        assert.deepStrictEqual(resolveShardArgs(minimal()), documented);
        assert.deepStrictEqual(resolveShardArgs(minimal({ engine: "postgres" })), {
            ...documented,
            engine: "postgres",
            engineVersion: "17",
        });
    });

    it("keeps a deliberate false or 0: defaults apply to what is left out, never to what is set", () => {
        const resolved = resolveShardArgs(
            minimal({
                deletionProtection: false,
                protectDatabases: true,
                replicaCount: 0,
                proxy: true,
                backupRetentionDays: 35,
                allowedCidrs: [],
                operations: { dnsTtlSeconds: 60 },
            }),
        );
        assert.deepStrictEqual(
            [
                resolved.deletionProtection,
                resolved.protectDatabases,
                resolved.replicaCount,
                resolved.proxy,
                resolved.backupRetentionDays,
                resolved.allowedCidrs,
                resolved.operations,
            ],
            [false, true, 0, true, 35, [], { ...documented.operations, dnsTtlSeconds: 60 }],
        );
    });

    it("documents each default it applies: every `@default <value>` of RegionalShardArgs is what it resolves", () => {
        const source = fs.readFileSync(
            path.join(__dirname, "..", "components", "regionalShard.ts"),
            "utf8",
        );
        const body = /export interface RegionalShardArgs \{\n([\s\S]*?)\n\}/.exec(source)![1];
        const resolved = resolveShardArgs(minimal()) as Record<string, unknown>;
        const checked: string[] = [];
        // A top-level field: four spaces in, after its doc comment.
        for (const match of body.matchAll(/\n {4}\/\*\*([\s\S]*?)\*\/\n {4}readonly (\w+)\??:/g)) {
            const [, doc, field] = match;
            const value = /@default ([^\s:-][^\s:]*)/.exec(doc)?.[1];
            if (value === undefined || !(field in resolved)) {
                continue;
            }
            assert.deepStrictEqual(resolved[field], JSON.parse(value), field);
            checked.push(field);
        }
        // The literal defaults; a new one is checked as soon as it is documented.
        for (const field of [
            "engine",
            "masterInstanceClass",
            "replicaInstanceClass",
            "replicaCount",
            "storageType",
            "volumeAlarmGiB",
            "allocatedStorageGiB",
            "maxAllocatedStorageGiB",
            "backupRetentionDays",
            "monitoringIntervalSeconds",
            "logRetentionDays",
            "proxy",
            "deletionProtection",
            "protectDatabases",
        ]) {
            assert.ok(checked.includes(field), `${field} documents its default`);
        }
    });
});

describe("the component's defaults as a library consumer gets them", () => {
    let run: ProgramRun;

    before(async () => {
        // Two shards of a program of its own, through lib/: one per engine, no other argument.
        run = await runProgramFunction(() => {
            const provider = new aws.Provider("aws-eu-central-1", { region: "eu-central-1" });
            const dns = { zoneId: "Z0123456789", zoneName: "db.internal", provider };
            new RegionalShard("orders", minimal({ dns }), { providers: [provider] });
            new RegionalShard(
                "ledger",
                minimal({ dns, engine: "postgres", vpcCidr: "10.20.0.0/16" }),
                { providers: [provider] },
            );
        }, {});
    });

    const keyArn = (shard: string) => `arn:aws:kms:eu-central-1:123456789012:key/${shard}-key`;

    it("gives an Aurora cluster deletion protection, a final snapshot, a week of backups, the shard's key and Standard storage", () => {
        const cluster = named(run, "orders-cluster", types.cluster);
        assert.deepStrictEqual(
            {
                deletionProtection: cluster.inputs.deletionProtection,
                skipFinalSnapshot: cluster.inputs.skipFinalSnapshot,
                finalSnapshotIdentifier: cluster.inputs.finalSnapshotIdentifier,
                backupRetentionPeriod: cluster.inputs.backupRetentionPeriod,
                storageEncrypted: cluster.inputs.storageEncrypted,
                kmsKeyId: cluster.inputs.kmsKeyId,
                storageType: cluster.inputs.storageType,
                engineVersion: cluster.inputs.engineVersion,
                iamDatabaseAuthenticationEnabled: cluster.inputs.iamDatabaseAuthenticationEnabled,
                copyTagsToSnapshot: cluster.inputs.copyTagsToSnapshot,
                passwordIsSecret: isSecretValue(cluster.inputs.masterPassword),
            },
            {
                deletionProtection: true,
                skipFinalSnapshot: false,
                finalSnapshotIdentifier: "geoshard-staging-orders-cluster-final",
                backupRetentionPeriod: 7,
                storageEncrypted: true,
                kmsKeyId: keyArn("orders"),
                storageType: "aurora",
                engineVersion: "17.7",
                iamDatabaseAuthenticationEnabled: true,
                copyTagsToSnapshot: true,
                passwordIsSecret: true,
            },
        );
        // The AZs RDS assigns, and the global cluster a recovery copy would join (ignored with or
        // without one, so removing a copy never detaches the writer first). Not protected:
        // protectDatabases is off unless asked.
        assert.deepStrictEqual(cluster.options.ignoreChanges, [
            "availabilityZones",
            "globalClusterIdentifier",
        ]);
        assert.deepStrictEqual(
            run.resources.filter((r) => r.protect).map((r) => r.name),
            [],
        );
    });

    it("gives Aurora a writer and a standby of db.r6g.8xlarge and two db.r6g.4xlarge readers, private, monitored every 60 s", () => {
        const instances = run.resources
            .filter((r) => r.type === types.clusterInstance)
            .sort((a, b) => a.name.localeCompare(b.name));
        assert.deepStrictEqual(
            instances.map((i) => [
                i.name,
                i.inputs.instanceClass,
                i.inputs.publiclyAccessible,
                i.inputs.monitoringInterval,
                i.inputs.performanceInsightsKmsKeyId,
            ]),
            [
                ["orders-reader-1", "db.r6g.4xlarge", false, 60, keyArn("orders")],
                ["orders-reader-2", "db.r6g.4xlarge", false, 60, keyArn("orders")],
                ["orders-standby", "db.r6g.8xlarge", false, 60, keyArn("orders")],
                ["orders-writer", "db.r6g.8xlarge", false, 60, keyArn("orders")],
            ],
        );
        assert.deepStrictEqual(
            run.resources.filter((r) => r.type === "aws:rds/proxy:Proxy"),
            [],
            "no proxy",
        );
    });

    it("gives an RDS master Multi-AZ, deletion protection, a final snapshot, a week of backups and 1000 -> 4000 GiB of encrypted gp3", () => {
        const master = named(run, "ledger-master", types.instance);
        assert.deepStrictEqual(
            {
                multiAz: master.inputs.multiAz,
                deletionProtection: master.inputs.deletionProtection,
                skipFinalSnapshot: master.inputs.skipFinalSnapshot,
                finalSnapshotIdentifier: master.inputs.finalSnapshotIdentifier,
                deleteAutomatedBackups: master.inputs.deleteAutomatedBackups,
                backupRetentionPeriod: master.inputs.backupRetentionPeriod,
                storageEncrypted: master.inputs.storageEncrypted,
                kmsKeyId: master.inputs.kmsKeyId,
                storageType: master.inputs.storageType,
                allocatedStorage: master.inputs.allocatedStorage,
                maxAllocatedStorage: master.inputs.maxAllocatedStorage,
                engineVersion: master.inputs.engineVersion,
                instanceClass: master.inputs.instanceClass,
            },
            {
                multiAz: true,
                deletionProtection: true,
                skipFinalSnapshot: false,
                finalSnapshotIdentifier: "geoshard-staging-ledger-master-final",
                deleteAutomatedBackups: false,
                backupRetentionPeriod: 7,
                storageEncrypted: true,
                kmsKeyId: keyArn("ledger"),
                storageType: "gp3",
                allocatedStorage: 1000,
                maxAllocatedStorage: 4000,
                engineVersion: "17",
                instanceClass: "db.r6g.8xlarge",
            },
        );
        assert.deepStrictEqual(master.options.ignoreChanges, []);
    });

    it("keeps logs 30 days and credentials 30 days after deletion, each under the shard's key; the key rotates", () => {
        for (const shard of ["orders", "ledger"]) {
            const logs = run.resources.filter(
                (r) => r.type === types.logGroup && r.name.startsWith(`${shard}-`),
            );
            assert.ok(logs.length > 0);
            for (const group of logs) {
                assert.deepStrictEqual(
                    [group.inputs.retentionInDays, group.inputs.kmsKeyId],
                    [30, keyArn(shard)],
                    group.name,
                );
            }
            const secret = named(run, `${shard}-credentials`, types.secret);
            assert.deepStrictEqual(
                [secret.inputs.recoveryWindowInDays, secret.inputs.kmsKeyId],
                [30, keyArn(shard)],
            );
            const key = named(run, `${shard}-key`, types.key);
            assert.deepStrictEqual(
                [key.inputs.enableKeyRotation, key.inputs.deletionWindowInDays],
                [true, 30],
            );
        }
    });

    it("passes the policy pack with its defaults", () => {
        assert.deepStrictEqual(
            evaluatePolicies(
                run.resources,
                // Without a warehouse the shard has no CDC: shard-topology's requireCdc is off.
                policies,
                { "shard-topology": { requireCdc: false } },
            ).violations,
            [],
        );
    });
});

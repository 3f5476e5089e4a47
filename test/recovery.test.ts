import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { regionLossBudget } from "../components/failoverBudget";
import { credentialReplicas, ShardSummary } from "../components/regionalShard";
import { policies } from "../policies/rules";
import { describeRecoveryNetwork } from "../tools/plan";
import { ProgramRun, RecordedResource, reveal } from "../tools/mockRuntime";
import { evaluatePolicies, PolicyConfig } from "../tools/policyEval";
import {
    awsProvider,
    declared,
    named,
    ofType,
    prodShards,
    referenceShards,
    run,
    stackPolicyConfig,
    types,
} from "./helpers";

const cluster = "aws:rds/cluster:Cluster";
const clusterInstance = "aws:rds/clusterInstance:ClusterInstance";
const record = "aws:route53/record:Record";
const check = "aws:route53/healthCheck:HealthCheck";
const alarm = "aws:cloudwatch/metricAlarm:MetricAlarm";

const childrenOf = (run: ProgramRun, shard: string) =>
    run.resources.filter((r) => r.parent.endsWith(`RegionalShard::${shard}`));
const recordsOf = (run: ProgramRun, shard: string) =>
    childrenOf(run, shard)
        .filter((r) => r.type === record)
        .map((r) => ({
            name: r.name,
            record: r.inputs.name,
            target: r.inputs.records[0],
            failover: r.inputs.failoverRoutingPolicies?.[0]?.type,
            weighted: r.inputs.weightedRoutingPolicies !== undefined,
            checked: r.inputs.healthCheckId !== undefined,
        }));
const dependsOn = (resource: RecordedResource, on: RecordedResource) =>
    resource.dependencies.includes(on.urn);
const summaryOf = (run: ProgramRun, shard: string) =>
    (run.outputs.summary as Record<string, ShardSummary>)[shard];
const violations = (run: ProgramRun, config: PolicyConfig = {}) =>
    evaluatePolicies(run.resources, policies, config).violations.map(
        (v) => `${v.policy}: ${v.message}`,
    );

/** Application networks in two regions, admitted by every database and associated with the zone. */
const applicationVpcs = [
    { region: "us-east-1", vpcId: "vpc-0a1b2c3d4e5f60718", cidr: "10.200.0.0/16" },
    { region: "us-west-1", vpcId: "vpc-0a1b2c3d4e5f60719", cidr: "10.201.0.0/16" },
];
const peeringType = "aws:ec2/vpcPeeringConnection:VpcPeeringConnection";
const accepterType = "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter";
const routeType = "aws:ec2/route:Route";
const dashed = (cidr: string) => cidr.replace(/[./]/g, "-");

describe("region loss: Aurora Global Database", () => {
    let prod: ProgramRun;

    before(async () => {
        prod = await run({ applicationVpcs }, prodShards());
    });

    it("makes each home cluster the primary of a global cluster, from the existing cluster", () => {
        const global = named(prod, "europe-global", "aws:rds/globalCluster:GlobalCluster");
        const home = named(prod, "europe-cluster", cluster);
        assert.deepStrictEqual(global.inputs, {
            globalClusterIdentifier: "geoshard-prod-europe-global",
            sourceDbClusterIdentifier:
                "arn:aws:rds:eu-west-2:123456789012:cluster:geoshard-prod-europe-cluster",
            forceDestroy: true,
            engine: "aurora-postgresql",
            engineVersion: "17.7",
            // No storageEncrypted (nor databaseName): CreateGlobalCluster refuses them beside a
            // source cluster, whose encryption the global cluster takes.
            deletionProtection: true,
            tags: {
                Name: "geoshard-prod-europe-global",
                environment: "prod",
                shard: "europe",
                role: "database",
            },
        });
        // The global cluster lives in the home region, and waits for the home writer.
        assert.strictEqual(global.region, "eu-west-2");
        assert.ok(dependsOn(global, named(prod, "europe-writer", clusterInstance)));
        assert.ok(global.protect);
        // Cluster cache management stays on in the home (primary) cluster; AWS rules it out
        // for the secondary only, whose group goes without it.
        const ccm = (name: string) =>
            named(prod, name, types.clusterParameterGroup).inputs.parameters.filter(
                (p: any) => p.name === "apg_ccm_enabled",
            );
        assert.deepStrictEqual(ccm("europe-cluster-params"), [
            { name: "apg_ccm_enabled", value: "1" },
        ]);
        assert.deepStrictEqual(ccm("europe-recovery-cluster-params"), []);
        assert.strictEqual(home.inputs.globalClusterIdentifier, undefined);
        assert.deepStrictEqual(home.options.ignoreChanges, [
            "availabilityZones",
            "globalClusterIdentifier",
            "engineVersion",
            "replicationSourceIdentifier",
        ]);
    });

    it("builds the secondary in the recovery region: its own network, key, parameters and instance", () => {
        const secondary = named(prod, "europe-recovery-cluster", cluster);
        assert.strictEqual(secondary.region, "eu-west-1");
        const key = named(prod, "europe-recovery-key", "aws:kms/key:Key");
        assert.strictEqual(key.region, "eu-west-1");
        const logsMay = JSON.parse(key.inputs.policy).Statement[1];
        assert.deepStrictEqual(
            [logsMay.Principal, logsMay.Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"]],
            [
                { Service: "logs.eu-west-1.amazonaws.com" },
                [
                    "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/rds/cluster/geoshard-prod-europe-recovery*",
                    "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/rds/instance/geoshard-prod-europe-recovery*",
                ],
            ],
        );
        assert.deepStrictEqual(
            ofType(prod, types.ingress)
                .filter((r) => r.name.startsWith("europe-recovery-postgres-from-1"))
                .map((r) => [
                    r.region,
                    r.inputs.securityGroupId,
                    r.inputs.cidrIpv4,
                    r.inputs.fromPort,
                ]),
            [
                ["eu-west-1", "europe-recovery-db-sg-id", "10.31.0.0/16", 5432],
                ["eu-west-1", "europe-recovery-db-sg-id", "10.30.0.0/16", 5432],
                ["eu-west-1", "europe-recovery-db-sg-id", "10.200.0.0/16", 5432],
                ["eu-west-1", "europe-recovery-db-sg-id", "10.201.0.0/16", 5432],
            ],
            "PostgreSQL from its own network, the shard's and the application networks, in the recovery region",
        );
        assert.deepStrictEqual(
            ofType(prod, types.logGroup)
                .filter((g) => g.region === "eu-west-1" && g.name.startsWith("europe-"))
                .map((g) => [g.name, g.inputs.name, g.inputs.kmsKeyId]),
            [
                [
                    "europe-recovery-cluster-postgresql-logs",
                    "/aws/rds/cluster/geoshard-prod-europe-recovery-cluster/postgresql",
                    "arn:aws:kms:eu-west-1:123456789012:key/europe-recovery-key",
                ],
            ],
        );
        assert.deepStrictEqual(
            {
                globalClusterIdentifier: secondary.inputs.globalClusterIdentifier,
                kmsKeyId: secondary.inputs.kmsKeyId,
                storageEncrypted: secondary.inputs.storageEncrypted,
                engineVersion: secondary.inputs.engineVersion,
                masterUsername: secondary.inputs.masterUsername,
                masterPassword: secondary.inputs.masterPassword,
                deletionProtection: secondary.inputs.deletionProtection,
                skipFinalSnapshot: secondary.inputs.skipFinalSnapshot,
                dbSubnetGroupName: secondary.inputs.dbSubnetGroupName,
                role: secondary.inputs.tags.role,
                residency: secondary.inputs.tags.residency,
            },
            {
                globalClusterIdentifier: "europe-global-id",
                kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/europe-recovery-key",
                storageEncrypted: true,
                engineVersion: "17.7",
                // The secondary inherits credentials from the global database.
                masterUsername: undefined,
                masterPassword: undefined,
                deletionProtection: true,
                skipFinalSnapshot: true,
                dbSubnetGroupName: "geoshard-prod-europe-recovery-subnets",
                role: "recovery",
                residency: "eu",
            },
        );
        assert.ok(dependsOn(secondary, named(prod, "europe-writer", clusterInstance)));
        const [instance] = childrenOf(prod, "europe").filter(
            (r) => r.type === clusterInstance && r.name.startsWith("europe-recovery"),
        );
        assert.deepStrictEqual(
            [
                instance.name,
                instance.region,
                instance.inputs.instanceClass,
                instance.inputs.promotionTier,
                instance.inputs.availabilityZone,
                instance.inputs.performanceInsightsKmsKeyId,
            ],
            [
                "europe-recovery-1",
                "eu-west-1",
                "db.r6g.8xlarge",
                0,
                "eu-west-1a",
                "arn:aws:kms:eu-west-1:123456789012:key/europe-recovery-key",
            ],
        );
        const subnets = childrenOf(prod, "europe").filter(
            (r) => r.type === "aws:ec2/subnet:Subnet" && r.name.startsWith("europe-recovery"),
        );
        assert.deepStrictEqual(
            subnets.map((s) => [s.region, s.inputs.cidrBlock]),
            [
                ["eu-west-1", "10.31.0.0/18"],
                ["eu-west-1", "10.31.64.0/18"],
                ["eu-west-1", "10.31.128.0/18"],
            ],
        );
    });

    it("protects what holds data in prod, never the recovery instances, so dr.instances may drop to 0", () => {
        const protect = (name: string, type: string) => named(prod, name, type).protect;
        assert.deepStrictEqual(
            {
                home: protect("us-east-cluster", cluster),
                writer: protect("us-east-writer", clusterInstance),
                standby: protect("us-east-standby", clusterInstance),
                reader: protect("us-east-reader-1", clusterInstance),
                global: protect("us-east-global", "aws:rds/globalCluster:GlobalCluster"),
                recoveryCluster: protect("us-east-recovery-cluster", cluster),
                recoveryInstance: protect("us-east-recovery-1", clusterInstance),
            },
            {
                home: true,
                writer: true,
                standby: true,
                reader: false,
                global: true,
                recoveryCluster: true,
                recoveryInstance: false,
            },
        );
    });

    it("alarms on the global database's replication and RPO lag, in the recovery region, in ms", () => {
        const alarms = childrenOf(prod, "asia").filter(
            (r) => r.type === alarm && r.inputs.metricName.startsWith("AuroraGlobalDB"),
        );
        assert.deepStrictEqual(
            alarms.map((a) => [
                a.inputs.name,
                a.region,
                a.inputs.metricName,
                a.inputs.dimensions,
                a.inputs.threshold,
                a.inputs.alarmActions,
            ]),
            ["AuroraGlobalDBReplicationLag", "AuroraGlobalDBRPOLag"].map((metric, i) => [
                `geoshard-prod-asia-recovery-global-${i === 0 ? "replication" : "rpo"}-lag`,
                "ap-northeast-1",
                metric,
                { DBClusterIdentifier: "geoshard-prod-asia-recovery-cluster" },
                30000,
                ["arn:aws:sns:ap-northeast-1:123456789012:geoshard-prod-asia-recovery-alarms"],
            ]),
        );
    });

    it("points writer.<shard> at the global writer endpoint, and fails reader.<shard> over to the recovery readers", () => {
        const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
        assert.deepStrictEqual(recordsOf(prod, "us-west").sort(byName), [
            {
                name: "us-west-reader-primary",
                record: "reader.us-west.db.internal",
                target: "geoshard-prod-us-west-readers.cluster-custom-c0ffee12abcd.us-west-1.rds.amazonaws.com",
                failover: "PRIMARY",
                weighted: false,
                checked: true,
            },
            {
                name: "us-west-reader-secondary",
                record: "reader.us-west.db.internal",
                target: "geoshard-prod-us-west-recovery-cluster.cluster-ro-c0ffee12abcd.us-east-1.rds.amazonaws.com",
                failover: "SECONDARY",
                weighted: false,
                checked: false,
            },
            {
                name: "us-west-writer",
                record: "writer.us-west.db.internal",
                target: "geoshard-prod-us-west-global.global-c0ffee12abcd.global.rds.amazonaws.com",
                failover: undefined,
                weighted: false,
                checked: false,
            },
        ]);
        // The PRIMARY is healthy while at least one home reader's lag alarm is.
        const checks = childrenOf(prod, "us-west").filter((r) => r.type === check);
        const calculated = checks.find((c) => c.inputs.type === "CALCULATED")!;
        assert.strictEqual(calculated.inputs.childHealthThreshold, 1);
        assert.deepStrictEqual(
            checks
                .filter((c) => c.inputs.type === "CLOUDWATCH_METRIC")
                .map((c) => [
                    c.inputs.cloudwatchAlarmName,
                    c.inputs.cloudwatchAlarmRegion,
                    c.inputs.insufficientDataHealthStatus,
                ]),
            [1, 2].map((n) => [
                `geoshard-prod-us-west-reader-${n}-replica-lag`,
                "us-west-1",
                "Unhealthy",
            ]),
        );
        assert.strictEqual(calculated.inputs.childHealthchecks.length, 2);
        assert.ok(checks.every((c) => c.inputs.referenceName.length <= 27));
    });

    it("lets CDC follow a region move: the secret names the global writer, and the warehouse peers with the recovery network", () => {
        const value = named(
            prod,
            "asia-credentials-value",
            "aws:secretsmanager/secretVersion:SecretVersion",
        );
        const secret = JSON.parse(reveal(value.inputs.secretString));
        assert.strictEqual(
            secret.host,
            "geoshard-prod-asia-global.global-c0ffee12abcd.global.rds.amazonaws.com",
        );
        const peering = named(
            prod,
            "asia-recovery-cdc-peering",
            "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
        );
        assert.deepStrictEqual(
            [peering.region, peering.inputs.peerRegion, peering.inputs.peerVpcId],
            ["us-east-1", "ap-northeast-1", "asia-recovery-vpc-id"],
        );
        const accepter = named(
            prod,
            "asia-recovery-cdc-peering-accept",
            "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter",
        );
        assert.strictEqual(accepter.region, "ap-northeast-1");
        const ingress = named(
            prod,
            "asia-recovery-postgres-from-warehouse",
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        );
        assert.deepStrictEqual(
            [ingress.region, ingress.inputs.cidrIpv4, ingress.inputs.securityGroupId],
            ["ap-northeast-1", "10.100.0.0/16", "asia-recovery-db-sg-id"],
        );
        const routes = ["asia-recovery-cdc-warehouse-route", "asia-recovery-cdc-shard-route"].map(
            (route) => named(prod, route, "aws:ec2/route:Route"),
        );
        assert.deepStrictEqual(
            routes.map((r) => [r.region, r.inputs.destinationCidrBlock]),
            [
                ["us-east-1", "10.41.0.0/16"],
                ["ap-northeast-1", "10.100.0.0/16"],
            ],
        );
    });

    it("joins each shard's home and recovery networks: one peering, routes both ways, PostgreSQL admitted both ways, the zone in both", () => {
        const tags = (shard: string) => ({
            Name: `geoshard-prod-${shard}-recovery-peering`,
            environment: "prod",
            shard,
            role: "network",
        });
        for (const shard of prodShards()) {
            const { name, region, vpcCidr } = shard as {
                name: string;
                region: string;
                vpcCidr: string;
            };
            const dr = shard.dr as { region: string; vpcCidr: string };
            const peering = named(prod, `${name}-recovery-peering`, peeringType);
            // Requested from the home region, naming the recovery region: never auto-accepted
            // by the requester across regions.
            assert.deepStrictEqual(
                [peering.region, peering.inputs],
                [
                    region,
                    {
                        vpcId: `${name}-vpc-id`,
                        peerVpcId: `${name}-recovery-vpc-id`,
                        peerRegion: dr.region,
                        tags: tags(name),
                    },
                ],
            );
            const accepter = named(prod, `${name}-recovery-peering-accept`, accepterType);
            assert.deepStrictEqual(
                [accepter.region, accepter.inputs],
                [
                    dr.region,
                    {
                        vpcPeeringConnectionId: `${name}-recovery-peering-id`,
                        autoAccept: true,
                        tags: tags(name),
                    },
                ],
            );
            // A route each way through the same connection, once it is accepted.
            const toRecovery = named(prod, `${name}-route-to-recovery`, routeType);
            const toHome = named(prod, `${name}-recovery-route-to-home`, routeType);
            assert.deepStrictEqual(
                [toRecovery, toHome].map((r) => [r.region, r.inputs]),
                [
                    [
                        region,
                        {
                            routeTableId: `${name}-private-routes-id`,
                            destinationCidrBlock: dr.vpcCidr,
                            vpcPeeringConnectionId: `${name}-recovery-peering-id`,
                        },
                    ],
                    [
                        dr.region,
                        {
                            routeTableId: `${name}-recovery-private-routes-id`,
                            destinationCidrBlock: vpcCidr,
                            vpcPeeringConnectionId: `${name}-recovery-peering-id`,
                        },
                    ],
                ],
            );
            assert.ok(dependsOn(toRecovery, accepter) && dependsOn(toHome, accepter));
            // Each side's databases admit the other side and the application networks.
            const admitted = (prefix: string, group: string) =>
                ofType(prod, types.ingress)
                    .filter((r) => r.name.startsWith(`${prefix}-postgres-from-1`))
                    .map((r) => {
                        assert.deepStrictEqual(
                            [r.inputs.securityGroupId, r.inputs.fromPort, r.inputs.toPort],
                            [group, 5432, 5432],
                        );
                        return r.inputs.cidrIpv4;
                    })
                    .sort();
            assert.deepStrictEqual(
                admitted(name, `${name}-db-sg-id`),
                [vpcCidr, dr.vpcCidr, "10.200.0.0/16", "10.201.0.0/16"].sort(),
            );
            assert.deepStrictEqual(
                admitted(`${name}-recovery`, `${name}-recovery-db-sg-id`),
                [vpcCidr, dr.vpcCidr, "10.200.0.0/16", "10.201.0.0/16"].sort(),
            );
            assert.strictEqual(
                named(prod, `${name}-postgres-from-${dashed(dr.vpcCidr)}`, types.ingress).region,
                region,
            );
            // Both VPCs resolve the names.
            assert.deepStrictEqual(
                [`${name}-zone-association`, `${name}-recovery-zone-association`].map(
                    (n) => named(prod, n, types.zoneAssociation).inputs,
                ),
                [
                    { zoneId: "ZPRIVATEZONE", vpcId: `${name}-vpc-id`, vpcRegion: region },
                    {
                        zoneId: "ZPRIVATEZONE",
                        vpcId: `${name}-recovery-vpc-id`,
                        vpcRegion: dr.region,
                    },
                ],
            );
            // The reader's SECONDARY and the writer's target after a region move live in the
            // recovery VPC, which the home route table now reaches.
            const secondary = named(prod, `${name}-reader-secondary`, record);
            assert.strictEqual(
                secondary.inputs.records[0],
                `geoshard-prod-${name}-recovery-cluster.cluster-ro-c0ffee12abcd.${dr.region}.rds.amazonaws.com`,
            );
            // What the plan prints comes from the published summary.
            assert.deepStrictEqual((prod.outputs.summary as any)[name].recovery.network, {
                path: "inter-region VPC peering",
                home: `${region} ${vpcCidr}`,
                recovery: `${dr.region} ${dr.vpcCidr}`,
                routes: [
                    `${region} ${vpcCidr} -> ${dr.vpcCidr}`,
                    `${dr.region} ${dr.vpcCidr} -> ${vpcCidr}`,
                ],
                gaps: [],
                zoneAssociations: [`${region} home VPC`, `${dr.region} recovery VPC`],
            });
        }
        // Application VPCs resolve the names too, associated once for the environment.
        assert.deepStrictEqual(
            applicationVpcs.map((vpc) => {
                const association = named(
                    prod,
                    `application-${vpc.vpcId}-zone-association`,
                    types.zoneAssociation,
                );
                return [association.region, association.inputs];
            }),
            applicationVpcs.map((vpc) => [
                "us-east-1",
                { zoneId: "ZPRIVATEZONE", vpcId: vpc.vpcId, vpcRegion: vpc.region },
            ]),
        );
        // No VPC of the stack is near the peering limit: the warehouse takes 8, others 2.
        const perVpc = new Map<string, number>();
        for (const p of ofType(prod, peeringType)) {
            for (const vpc of [p.inputs.vpcId, p.inputs.peerVpcId]) {
                perVpc.set(vpc, (perVpc.get(vpc) ?? 0) + 1);
            }
        }
        assert.strictEqual(perVpc.get("warehouse-vpc-id"), 8);
        assert.deepStrictEqual(
            new Set([...perVpc].filter(([vpc]) => vpc !== "warehouse-vpc-id").map(([, n]) => n)),
            new Set([2]),
        );
    });

    it("has the plan print each shard's path between its networks and the zone's associations", () => {
        const network = (prod.outputs.summary as any).europe.recovery.network;
        assert.deepStrictEqual(describeRecoveryNetwork(network), [
            "  dr path   inter-region VPC peering eu-west-2 10.30.0.0/16 <-> eu-west-1 10.31.0.0/16; routes eu-west-2 10.30.0.0/16 -> 10.31.0.0/16, eu-west-1 10.31.0.0/16 -> 10.30.0.0/16",
            "  zone      associated with the eu-west-2 home VPC, the eu-west-1 recovery VPC",
        ]);
        // An existing VPC's missing route is printed as a gap.
        assert.deepStrictEqual(
            describeRecoveryNetwork({
                ...network,
                routes: ["eu-west-1 10.31.0.0/16 -> 10.30.0.0/16"],
                gaps: [
                    "the owner of the existing VPC in eu-west-2 routes 10.31.0.0/16 through the peering p",
                ],
            }).slice(0, 2),
            [
                "  dr path   inter-region VPC peering eu-west-2 10.30.0.0/16 <-> eu-west-1 10.31.0.0/16; routes eu-west-1 10.31.0.0/16 -> 10.30.0.0/16",
                "            gap: the owner of the existing VPC in eu-west-2 routes 10.31.0.0/16 through the peering p",
            ],
        );
    });

    it("documents where the names lead in each failure case, on the network the test above holds", () => {
        const doc = fs.readFileSync(path.join(__dirname, "..", "docs", "architecture.md"), "utf8");
        const section = doc.split("### Where the names lead when something fails")[1];
        assert.ok(section, "docs/architecture.md has the failure-case table");
        const rows = section
            .split("\n## ")[0]
            .split("\n")
            .filter((line) => line.startsWith("| ") && !line.startsWith("| ---"))
            .map((line) => line.split(" | ")[0].slice(2));
        assert.deepStrictEqual(rows, [
            "case",
            "home writer down (in-region failover)",
            "all home readers down",
            "home region unreachable, before a failover",
            "planned switchover",
            "unplanned failover (`--allow-data-loss`)",
        ]);
    });

    it("replicates the credentials into the recovery region under its key, and names the replica in the shard map", () => {
        const kms = (region: string, key: string) =>
            `arn:aws:kms:${region}:123456789012:key/${key}`;
        const replicas = (shard: string) =>
            named(prod, `${shard}-credentials`, types.secret).inputs.replicas;
        // One replica per region, never the secret's own; where the recovery region is the
        // warehouse region (us-west), the one replica there keeps the warehouse key CDC uses.
        assert.deepStrictEqual(
            Object.fromEntries(
                ["us-east", "us-west", "europe", "asia"].map((s) => [s, replicas(s)]),
            ),
            {
                "us-east": [
                    { region: "us-west-1", kmsKeyId: kms("us-west-1", "us-east-recovery-key") },
                ],
                "us-west": [{ region: "us-east-1", kmsKeyId: kms("us-east-1", "warehouse-key") }],
                europe: [
                    { region: "eu-west-1", kmsKeyId: kms("eu-west-1", "europe-recovery-key") },
                    { region: "us-east-1", kmsKeyId: kms("us-east-1", "warehouse-key") },
                ],
                asia: [
                    {
                        region: "ap-northeast-1",
                        kmsKeyId: kms("ap-northeast-1", "asia-recovery-key"),
                    },
                    { region: "us-east-1", kmsKeyId: kms("us-east-1", "warehouse-key") },
                ],
            },
        );
        // Secrets Manager encrypts a replica with the replica region's key on the caller's
        // behalf: the recovery key leaves its use to IAM in this account.
        const recoveryKey = JSON.parse(
            named(prod, "us-east-recovery-key", types.key).inputs.policy,
        );
        assert.deepStrictEqual(recoveryKey.Statement[0], {
            Sid: "AccountAdministersKey",
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::123456789012:root" },
            Action: "kms:*",
            Resource: "*",
        });
        const shardMap = prod.outputs.shardMap as any;
        assert.deepStrictEqual(
            ["us-east", "europe"].map((s) => [
                shardMap.shards[s].credentialsSecretArn,
                shardMap.shards[s].recoveryCredentialsSecretArn,
            ]),
            [
                [
                    "arn:aws:secretsmanager:us-east-1:123456789012:secret:geoshard-prod-us-east-master-credentials-AbCdEf",
                    "arn:aws:secretsmanager:us-west-1:123456789012:secret:geoshard-prod-us-east-master-credentials-AbCdEf",
                ],
                [
                    "arn:aws:secretsmanager:eu-west-2:123456789012:secret:geoshard-prod-europe-master-credentials-AbCdEf",
                    "arn:aws:secretsmanager:eu-west-1:123456789012:secret:geoshard-prod-europe-master-credentials-AbCdEf",
                ],
            ],
        );
        assert.deepStrictEqual(summaryOf(prod, "us-west").credentials, {
            secret: "geoshard-prod-us-west-master-credentials",
            replicas: [{ region: "us-east-1", key: "warehouse" }],
        });
        assert.deepStrictEqual(summaryOf(prod, "asia").credentials.replicas, [
            { region: "ap-northeast-1", key: "recovery" },
            { region: "us-east-1", key: "warehouse" },
        ]);
    });

    it("reports the secondary's cluster events, global failovers among them, into the recovery topic", () => {
        const subscription = named(prod, "europe-recovery-events", types.eventSubscription);
        assert.strictEqual(subscription.region, "eu-west-1");
        assert.deepStrictEqual(subscription.inputs, {
            name: "geoshard-prod-europe-recovery-events",
            snsTopic: "arn:aws:sns:eu-west-1:123456789012:geoshard-prod-europe-recovery-alarms",
            sourceType: "db-cluster",
            sourceIds: ["europe-recovery-cluster-id"],
            eventCategories: [
                "failover",
                "failure",
                "global-failover",
                "maintenance",
                "notification",
            ],
            enabled: true,
            tags: {
                Name: "geoshard-prod-europe-recovery-events",
                environment: "prod",
                shard: "europe",
                role: "alarms",
                "recovery-of": "eu-west-2",
                residency: "eu",
            },
        });
        // The topic admits RDS events and alarms of this account; its key admits them too.
        const policy = named(prod, "europe-recovery-alarms-policy", types.topicPolicy);
        assert.strictEqual(policy.region, "eu-west-1");
        const topic = "arn:aws:sns:eu-west-1:123456789012:geoshard-prod-europe-recovery-alarms";
        assert.deepStrictEqual(JSON.parse(policy.inputs.policy).Statement[1], {
            Sid: "AlarmsAndRdsEventsPublish",
            Effect: "Allow",
            Principal: { Service: ["cloudwatch.amazonaws.com", "events.rds.amazonaws.com"] },
            Action: "sns:Publish",
            Resource: topic,
            Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
        });
        assert.strictEqual(JSON.parse(policy.inputs.policy).Statement.length, 2);
        const key = JSON.parse(named(prod, "europe-recovery-key", types.key).inputs.policy);
        assert.deepStrictEqual(
            key.Statement.map((st: any) => [st.Sid, st.Principal.Service]),
            [
                ["AccountAdministersKey", undefined],
                ["CloudWatchLogsEncryptsOwnLogs", "logs.eu-west-1.amazonaws.com"],
                [
                    "AlarmsAndRdsEventsPublishToEncryptedTopics",
                    ["cloudwatch.amazonaws.com", "events.rds.amazonaws.com"],
                ],
            ],
        );
        assert.deepStrictEqual(summaryOf(prod, "europe").eventRoutes[2], {
            region: "eu-west-1",
            source: "RDS db-cluster (recovery)",
            events: ["failover", "failure", "global-failover", "maintenance", "notification"],
            topic: "geoshard-prod-europe-recovery-alarms",
        });
    });

    it("sends every CDC replication's state changes to the warehouse topic, which admits that rule alone", () => {
        const rule = named(
            prod,
            "warehouse-replication-state",
            "aws:cloudwatch/eventRule:EventRule",
        );
        assert.strictEqual(rule.region, "us-east-1");
        assert.deepStrictEqual(
            { ...rule.inputs, eventPattern: JSON.parse(rule.inputs.eventPattern) },
            {
                name: "geoshard-prod-warehouse-replication-state",
                description: "State changes of the geoshard CDC replications (DMS Serverless)",
                eventPattern: {
                    source: ["aws.dms"],
                    "detail-type": ["DMS Replication State Change"],
                },
                tags: {
                    Name: "geoshard-prod-warehouse-replication-state",
                    environment: "prod",
                    shard: "warehouse",
                    role: "alarms",
                },
            },
        );
        const ruleArn =
            "arn:aws:events:us-east-1:123456789012:rule/geoshard-prod-warehouse-replication-state";
        const topic = "arn:aws:sns:us-east-1:123456789012:geoshard-prod-warehouse-alarms";
        const target = named(
            prod,
            "warehouse-replication-state-alarms",
            "aws:cloudwatch/eventTarget:EventTarget",
        );
        assert.deepStrictEqual(target.inputs, {
            rule: "geoshard-prod-warehouse-replication-state",
            arn: topic,
        });
        const statements = JSON.parse(
            named(prod, "warehouse-alarms-policy", types.topicPolicy).inputs.policy,
        ).Statement;
        assert.deepStrictEqual(
            statements.map((st: any) => st.Sid),
            ["AccountManagesTopic", "AlarmsAndRdsEventsPublish", "EventBridgeRulesPublish"],
        );
        assert.deepStrictEqual(statements[2], {
            Sid: "EventBridgeRulesPublish",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sns:Publish",
            Resource: topic,
            Condition: { ArnEquals: { "aws:SourceArn": [ruleArn] } },
        });
        // The warehouse key admits EventBridge for the topic it encrypts; a shard's key does not.
        const keyStatements = (name: string) =>
            JSON.parse(named(prod, name, types.key).inputs.policy).Statement;
        assert.deepStrictEqual(
            keyStatements("warehouse-key").find(
                (st: any) => st.Sid === "EventBridgePublishesToEncryptedTopics",
            ),
            {
                Sid: "EventBridgePublishesToEncryptedTopics",
                Effect: "Allow",
                Principal: { Service: "events.amazonaws.com" },
                Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
                Resource: "*",
                Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
            },
        );
        assert.ok(
            !JSON.stringify(keyStatements("us-east-key")).includes("events.amazonaws.com"),
            "least privilege: only the warehouse key",
        );
        assert.deepStrictEqual(summaryOf(prod, "asia").eventRoutes.at(-1), {
            region: "us-east-1",
            source: "EventBridge rule geoshard-prod-warehouse-replication-state",
            events: ["DMS Replication State Change"],
            topic: "geoshard-prod-warehouse-alarms",
        });
    });

    it("passes the policy pack, and states a region-loss budget that meets the reference", () => {
        assert.deepStrictEqual(violations(prod), []);
        const summary = (prod.outputs.summary as any).europe.recovery;
        assert.strictEqual(summary.region, "eu-west-1");
        assert.strictEqual(summary.budget.recoveryMinutes, 5);
        assert.strictEqual(summary.budget.againstReference, "meets the reference's 5 min");
    });
});

describe("region loss: variations", () => {
    it("keeps a headless secondary: storage only, a longer recovery, reads fall back to the writer", async () => {
        const shards = prodShards()
            .filter((s) => s.name === "asia")
            .map((s) => ({ ...s, dr: { ...(s.dr as object), instances: 0 } }));
        const headless = await run({}, shards);
        assert.deepStrictEqual(
            childrenOf(headless, "asia")
                .filter((r) => r.type === clusterInstance)
                .map((r) => r.name),
            ["asia-writer", "asia-standby", "asia-reader-1", "asia-reader-2"],
        );
        assert.deepStrictEqual(
            recordsOf(headless, "asia").find((r) => r.failover === "SECONDARY")!.target,
            "writer.asia.db.internal",
        );
        const budget = (headless.outputs.summary as any).asia.recovery.budget;
        assert.deepStrictEqual(
            [budget.copy, budget.recoveryMinutes, budget.againstReference],
            ["Aurora secondary, headless (storage only)", 17, "misses the reference's 5 min"],
        );
        assert.deepStrictEqual(violations(headless), []);
    });

    it("without readers, keeps reads home through an in-region failover: the reader PRIMARY is checked on the writer, not the standby's lag", async () => {
        const shards = prodShards().filter((s) => s.name === "asia");
        const noReaders = await run({ replicaCount: 0 }, shards);
        const checks = childrenOf(noReaders, "asia").filter((r) => r.type === check);
        // One check: the writer reports (Role=WRITER follows a failover to the standby).
        assert.deepStrictEqual(
            checks.map((c) => [
                c.name,
                c.inputs.type,
                c.inputs.cloudwatchAlarmName,
                c.inputs.cloudwatchAlarmRegion,
                c.inputs.insufficientDataHealthStatus,
            ]),
            [
                [
                    "asia-writer-health",
                    "CLOUDWATCH_METRIC",
                    "geoshard-prod-asia-writer-reporting",
                    "ap-southeast-1",
                    "Unhealthy",
                ],
            ],
        );
        const writerAlarm = named(noReaders, "asia-writer-reporting", alarm);
        assert.deepStrictEqual(
            [
                writerAlarm.inputs.metricName,
                writerAlarm.inputs.dimensions,
                writerAlarm.inputs.statistic,
                writerAlarm.inputs.evaluationPeriods,
                writerAlarm.inputs.treatMissingData,
            ],
            [
                "CPUUtilization",
                { DBClusterIdentifier: "geoshard-prod-asia-cluster", Role: "WRITER" },
                "SampleCount",
                5,
                "breaching",
            ],
        );
        const primary = named(noReaders, "asia-reader-primary", record);
        assert.deepStrictEqual(
            [primary.inputs.records, primary.inputs.healthCheckId],
            [
                [
                    "geoshard-prod-asia-cluster.cluster-ro-c0ffee12abcd.ap-southeast-1.rds.amazonaws.com",
                ],
                "asia-writer-health-id",
            ],
        );
        // The writer name still follows the global writer endpoint alone.
        assert.deepStrictEqual(
            recordsOf(noReaders, "asia").find((r) => r.name === "asia-writer"),
            {
                name: "asia-writer",
                record: "writer.asia.db.internal",
                target: "geoshard-prod-asia-global.global-c0ffee12abcd.global.rds.amazonaws.com",
                failover: undefined,
                weighted: false,
                checked: false,
            },
        );
    });

    it("recovers RDS for PostgreSQL into a cross-region replica named by ARN, under a key of its region", async () => {
        const postgres = await run({ engine: "postgres" }, prodShards().slice(0, 1));
        const replica = named(postgres, "us-east-recovery", "aws:rds/instance:Instance");
        assert.deepStrictEqual(
            [
                replica.region,
                replica.inputs.replicateSourceDb,
                replica.inputs.kmsKeyId,
                replica.inputs.instanceClass,
                replica.inputs.skipFinalSnapshot,
                replica.inputs.backupRetentionPeriod,
            ],
            [
                "us-west-1",
                "arn:aws:rds:us-east-1:123456789012:db:geoshard-prod-us-east-master",
                "arn:aws:kms:us-west-1:123456789012:key/us-east-recovery-key",
                "db.r6g.8xlarge",
                true,
                7,
            ],
        );
        assert.deepStrictEqual(ofType(postgres, "aws:rds/globalCluster:GlobalCluster"), []);
        // Both names fail over to the replica: writes once an operator promotes it.
        assert.deepStrictEqual(
            recordsOf(postgres, "us-east")
                .filter((r) => r.failover)
                .map((r) => [r.record, r.failover, r.target])
                .sort(),
            [
                ["reader.us-east.db.internal", "PRIMARY", "readers.us-east.db.internal"],
                [
                    "reader.us-east.db.internal",
                    "SECONDARY",
                    "geoshard-prod-us-east-recovery.c0ffee12abcd.us-west-1.rds.amazonaws.com",
                ],
                [
                    "writer.us-east.db.internal",
                    "PRIMARY",
                    "geoshard-prod-us-east-master.c0ffee12abcd.us-east-1.rds.amazonaws.com",
                ],
                [
                    "writer.us-east.db.internal",
                    "SECONDARY",
                    "geoshard-prod-us-east-recovery.c0ffee12abcd.us-west-1.rds.amazonaws.com",
                ],
            ],
        );
        // The weighted reader set moves under readers.<shard>, behind the PRIMARY.
        assert.deepStrictEqual(
            recordsOf(postgres, "us-east")
                .filter((r) => r.weighted)
                .map((r) => [r.record, r.checked]),
            [
                ["readers.us-east.db.internal", true],
                ["readers.us-east.db.internal", true],
            ],
        );
        // The writer PRIMARY is healthy while the master reports.
        const writerAlarm = named(postgres, "us-east-writer-reporting", alarm);
        assert.deepStrictEqual(
            [
                writerAlarm.inputs.metricName,
                writerAlarm.inputs.dimensions,
                writerAlarm.inputs.statistic,
                writerAlarm.inputs.treatMissingData,
            ],
            [
                "CPUUtilization",
                { DBInstanceIdentifier: "geoshard-prod-us-east-master" },
                "SampleCount",
                "breaching",
            ],
        );
        assert.deepStrictEqual(violations(postgres), []);
        const budget = (postgres.outputs.summary as any)["us-east"].recovery.budget;
        assert.deepStrictEqual(
            [budget.copy, budget.recoveryMinutes],
            ["cross-region read replica", 10],
        );
    });

    it("after a promotion recorded in config, points both names at the replica and drops its source", async () => {
        const [shard] = prodShards();
        const promoted = await run({ engine: "postgres" }, [
            { ...shard, dr: { ...(shard.dr as object), promoted: true } },
        ]);
        const replica = named(promoted, "us-east-recovery", "aws:rds/instance:Instance");
        assert.strictEqual(replica.inputs.replicateSourceDb, undefined);
        const address = "geoshard-prod-us-east-recovery.c0ffee12abcd.us-west-1.rds.amazonaws.com";
        // DMS now reads the promoted copy.
        const value = named(
            promoted,
            "us-east-credentials-value",
            "aws:secretsmanager/secretVersion:SecretVersion",
        );
        assert.strictEqual(JSON.parse(reveal(value.inputs.secretString)).host, address);
        assert.deepStrictEqual(
            recordsOf(promoted, "us-east")
                .filter((r) => r.failover === "PRIMARY")
                .map((r) => [r.name, r.target, r.checked])
                .sort(),
            [
                ["us-east-reader-primary", address, true],
                ["us-east-writer-primary", address, true],
            ],
        );
        // The SECONDARY is the replica too: whatever the checks say, both names reach it.
        assert.deepStrictEqual(
            recordsOf(promoted, "us-east")
                .filter((r) => r.failover === "SECONDARY")
                .map((r) => r.target),
            [address, address],
        );
        assert.strictEqual(
            (promoted.outputs.summary as any)["us-east"].writes,
            "the promoted recovery replica in us-west-1",
        );
        assert.deepStrictEqual(violations(promoted), []);
    });

    it("leaves a shard without a recovery region in one region, and prod's policy config refuses that in prod", async () => {
        const single = await run({}, referenceShards().slice(0, 2));
        assert.deepStrictEqual(ofType(single, "aws:rds/globalCluster:GlobalCluster"), []);
        // Without a recovery region the home cluster still ignores the global cluster
        // identifier, so removing dr later never detaches the writer first; cache management
        // is on as with one.
        const home = named(single, "us-east-cluster", cluster);
        assert.deepStrictEqual(home.options.ignoreChanges, [
            "availabilityZones",
            "globalClusterIdentifier",
        ]);
        assert.deepStrictEqual(
            named(
                single,
                "us-east-cluster-params",
                types.clusterParameterGroup,
            ).inputs.parameters.filter((p: any) => p.name === "apg_ccm_enabled"),
            [{ name: "apg_ccm_enabled", value: "1" }],
        );
        // Config leaves dr to each shard, and so does the pack by default.
        assert.deepStrictEqual(
            violations(single).filter((v) => v.startsWith("region-loss-recovery")),
            [],
        );
        assert.deepStrictEqual(
            violations(single, stackPolicyConfig("prod")).filter((v) =>
                v.startsWith("region-loss-recovery"),
            ),
            ["us-east", "us-west"].map(
                (shard) =>
                    `region-loss-recovery: Shard ${shard}: has no recovery region; in prod a region loss would take its data and names: set dr: { region, vpcCidr } on the shard.`,
            ),
        );
        const dev = await run({ environment: "dev" }, referenceShards().slice(0, 1));
        assert.deepStrictEqual(
            violations(dev, stackPolicyConfig("prod")).filter((v) =>
                v.startsWith("region-loss-recovery"),
            ),
            [],
        );
    });

    it("has the pack refuse an EU shard's copy outside the EU", () => {
        const outside = [
            awsProvider("us-east-2"),
            declared(
                cluster,
                { tags: { role: "recovery", residency: "eu" } },
                { name: "europe-recovery-cluster", region: "us-east-2" },
            ),
        ];
        assert.deepStrictEqual(
            evaluatePolicies(outside, policies)
                .violations.filter((v) => v.policy === "eu-recovery-residency")
                .map((v) => v.message),
            [
                "The recovery copy of an EU-resident shard is in us-east-2, outside the EU; recover into one of eu-central-1, eu-north-1, eu-south-1, eu-south-2, eu-west-1, eu-west-3.",
            ],
        );
    });
});

describe("credential replicas", () => {
    it("puts one replica in each other region: the recovery region's key, the warehouse's in its region", () => {
        const warehouse = { region: "us-east-1", kmsKeyArn: "warehouse-key" };
        const recovery = (region: string) => ({ region, keyArn: `${region}-key` });
        assert.deepStrictEqual(credentialReplicas("eu-west-2", warehouse, recovery("eu-west-1")), [
            { region: "eu-west-1", kmsKeyId: "eu-west-1-key" },
            { region: "us-east-1", kmsKeyId: "warehouse-key" },
        ]);
        assert.deepStrictEqual(credentialReplicas("us-west-1", warehouse, recovery("us-east-1")), [
            { region: "us-east-1", kmsKeyId: "warehouse-key" },
        ]);
        assert.deepStrictEqual(credentialReplicas("us-east-1", warehouse, recovery("us-west-1")), [
            { region: "us-west-1", kmsKeyId: "us-west-1-key" },
        ]);
        assert.deepStrictEqual(credentialReplicas("us-east-1", warehouse, undefined), []);
        assert.deepStrictEqual(credentialReplicas("eu-west-2", undefined, recovery("eu-west-1")), [
            { region: "eu-west-1", kmsKeyId: "eu-west-1-key" },
        ]);
    });
});

describe("region-loss budget", () => {
    it("gives each copy its recovery time and data at risk, against the reference's 5 minutes", () => {
        const rows = [
            regionLossBudget("aurora-postgresql", "us-east-2", 2),
            regionLossBudget("aurora-postgresql", "us-east-2", 0),
            regionLossBudget("postgres", "us-east-2", 1),
        ].map((b) => [b.copy, b.recoveryMinutes, b.againstReference, b.otherShape]);
        // Aurora states the other shape's figure too, for the trade-off.
        assert.deepStrictEqual(rows, [
            [
                "Aurora secondary, 2 instances",
                5,
                "meets the reference's 5 min",
                { copy: "Aurora secondary, headless (storage only)", recoveryMinutes: 17 },
            ],
            [
                "Aurora secondary, headless (storage only)",
                17,
                "misses the reference's 5 min",
                { copy: "Aurora secondary, 1 instance", recoveryMinutes: 5 },
            ],
            ["cross-region read replica", 10, "misses the reference's 5 min", undefined],
        ]);
    });
});

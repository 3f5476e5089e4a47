/**
 * geoshard: a global PostgreSQL tier on AWS, one RegionalShard per configured shard.
 *
 * The program reads and validates the whole stack config first, then looks up each shard's
 * availability zones, and only then declares resources, so bad input leaves nothing half-built.
 */

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { chooseAzs } from "./components/placement";
import { RegionalShard, RegionalShardArgs, ShardSummary } from "./components/regionalShard";
import { mappedCity, regionPlace, ShardMap } from "./components/shardMap";
import { WarehouseLink } from "./components/shardCdc";
import { replicationStateRoute, Warehouse } from "./components/warehouse";
import { loadConfig } from "./config/load";
import { protectedEnvironments, ShardConfig, StackConfig } from "./config/schema";

/** What a global stack exports and a shards stack reads: the zone and the warehouse. */
interface GlobalStackOutput {
    readonly zoneId: string;
    readonly zoneName: string;
    readonly warehouse: {
        readonly region: string;
        readonly vpcCidr: string;
        readonly vpcId: string;
        readonly routeTableId: string;
        readonly kmsKeyArn: string;
        readonly bucketArn: string;
        readonly bucketName: string;
        readonly replicationSubnetGroupId: string;
        readonly dmsSecurityGroupId: string;
        readonly alarmTopicArn: string;
        readonly glueDatabase: string;
        readonly athenaWorkgroup: string;
        readonly redshiftWorkgroup?: string;
    };
}

export = async (): Promise<Record<string, unknown>> => {
    const config = loadConfig();
    const providers = regionProviders(config);
    // Every lookup that can refuse the config runs before anything is declared.
    const zones = await Promise.all(
        config.shards.map((shard, i) => shardZones(shard, i, providers)),
    );
    const recoveryZones = await Promise.all(
        config.shards.map((shard, i) =>
            shard.dr
                ? regionZones(
                      shard.dr.region,
                      providers.get(shard.dr.region)!,
                      `geoshard:shards[${i}].dr.region`,
                  )
                : undefined,
        ),
    );
    // Route 53 is global: it gets a provider of its own, pinned to us-east-1.
    const globalProvider = new aws.Provider("aws-global", {
        region: "us-east-1",
        defaultTags: { tags: defaultTags(config) },
    });
    const global =
        config.stackRole === "shards"
            ? fromGlobalStack(config.globalStack!)
            : await declareGlobal(config, providers, globalProvider);
    if (config.stackRole === "global") {
        return { environment: config.environment, global: global.exported };
    }

    const warehouseLink: WarehouseLink = {
        provider: providers.get(config.warehouse.region)!,
        region: config.warehouse.region,
        vpcCidr: config.warehouse.vpcCidr,
        vpcId: global.exported.warehouse.vpcId,
        routeTableId: global.exported.warehouse.routeTableId,
        kmsKeyArn: global.exported.warehouse.kmsKeyArn,
        bucketArn: global.exported.warehouse.bucketArn,
        replicationSubnetGroupId: global.exported.warehouse.replicationSubnetGroupId,
        dmsSecurityGroupId: global.exported.warehouse.dmsSecurityGroupId,
        alarmTopicArn: global.exported.warehouse.alarmTopicArn,
        // The environment's warehouse, here or in its global stack, has the rule.
        replicationStateRule: replicationStateRoute(config.environment),
        readyForReplication: global.readyForReplication,
    };
    const dns = {
        zoneId: global.exported.zoneId,
        zoneName: config.operations.dnsZone,
        provider: globalProvider,
    };

    const shards = config.shards.map(
        (shard, i) =>
            new RegionalShard(
                shard.name,
                {
                    environment: config.environment,
                    region: shard.region,
                    vpcCidr: shard.vpcCidr,
                    ...zones[i],
                    // Application networks reach every shard's databases, home and recovery.
                    allowedCidrs: [
                        ...shard.allowedCidrs,
                        ...config.applicationVpcs.map((vpc) => vpc.cidr),
                    ],
                    // Each group by its ID, which names its rule.
                    allowedSecurityGroups: Object.fromEntries(
                        shard.allowedSecurityGroupIds.map((id) => [id, id]),
                    ),
                    engine: shard.engine,
                    engineVersion: shard.engineVersion,
                    masterInstanceClass: shard.masterInstanceClass,
                    replicaInstanceClass: shard.replicaInstanceClass,
                    replicaCount: shard.replicaCount,
                    ...ownEngineSettings(shard),
                    backupRetentionDays: shard.backupRetentionDays,
                    monitoringIntervalSeconds: shard.monitoringIntervalSeconds,
                    logRetentionDays: shard.logRetentionDays,
                    proxy: shard.proxy,
                    deletionProtection: config.deletionProtection,
                    protectDatabases: protectedEnvironments.includes(config.tier),
                    recovery: shard.dr
                        ? {
                              region: shard.dr.region,
                              provider: providers.get(shard.dr.region)!,
                              vpcCidr: shard.dr.vpcCidr,
                              availabilityZones: recoveryZones[i]!,
                              instances: shard.dr.instances,
                              // Aurora's global cluster records a failover itself.
                              ...(shard.engine === "postgres"
                                  ? { promoted: shard.dr.promoted }
                                  : {}),
                              ...(shard.dr.instanceClass
                                  ? { instanceClass: shard.dr.instanceClass }
                                  : {}),
                          }
                        : undefined,
                    ...(shard.storageGiB !== undefined ? { storageGiB: shard.storageGiB } : {}),
                    dns,
                    operations: config.operations,
                    warehouse: warehouseLink,
                    cdc: shard.cdc,
                    residency: shard.residency,
                    residencyWaiver: shard.cdc.residencyWaiver,
                    cityCountries: shard.places.map((place) => place.country),
                    namePrefix: shard.namePrefix,
                    databaseName: shard.databaseName,
                    masterUsername: shard.masterUsername,
                    backupWindow: shard.backupWindow,
                    maintenanceWindow: shard.maintenanceWindow,
                    parameters: shard.parameters,
                    readerAutoscaling: shard.readerAutoscaling,
                    restore: shard.restore,
                },
                { providers: [providers.get(shard.region)!] },
            ),
    );

    return {
        environment: config.environment,
        shardMap: shardMapOf(config, shards),
        summary: Object.fromEntries(
            shards.map((shard, i): [string, ShardSummary] => [
                config.shards[i].name,
                shard.summary,
            ]),
        ),
        warehouse: warehouseOutput(config, global.exported, shards),
        ...(config.stackRole === "all" ? { global: global.exported } : {}),
    };
};

type GlobalOutputs = {
    [K in keyof GlobalStackOutput]: K extends "warehouse"
        ? {
              [W in keyof GlobalStackOutput["warehouse"]]-?: pulumi.Output<
                  GlobalStackOutput["warehouse"][W]
              >;
          }
        : pulumi.Output<GlobalStackOutput[K]>;
};

/**
 * The private zone and the warehouse. The zone starts with the warehouse VPC; each shard
 * associates its own VPC and its recovery VPC, so a shards stack can join the zone of a global
 * stack; the application VPCs of config are associated here, once for the environment.
 */
async function declareGlobal(
    config: StackConfig,
    providers: Map<string, aws.Provider>,
    globalProvider: aws.Provider,
): Promise<{ exported: GlobalOutputs; readyForReplication: pulumi.Resource[] }> {
    const provider = providers.get(config.warehouse.region)!;
    const warehouse = new Warehouse(
        "warehouse",
        {
            environment: config.environment,
            region: config.warehouse.region,
            vpcCidr: config.warehouse.vpcCidr,
            availabilityZones: await regionZones(
                config.warehouse.region,
                provider,
                "geoshard:warehouse.region",
            ),
            redshift: config.warehouse.redshift,
            createDmsVpcRole: config.warehouse.createDmsVpcRole,
            alarmEmails: config.operations.alarmEmails,
        },
        { providers: [provider] },
    );
    const zone = new aws.route53.Zone(
        "private-zone",
        {
            name: config.operations.dnsZone,
            comment: `geoshard ${config.environment}: writer and reader names of every shard`,
            vpcs: [{ vpcId: warehouse.vpcId, vpcRegion: config.warehouse.region }],
            tags: { environment: config.environment, shard: "global", role: "dns" },
        },
        // Shards add their VPCs with zone associations, which the zone must not undo.
        { provider: globalProvider, ignoreChanges: ["vpcs"] },
    );
    // Application VPCs resolve the names too, whichever region they are in (a private zone may
    // be associated with VPCs of any region). Keyed by VPC id, which never changes.
    // Source: https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zone-private-associate-vpcs.html
    for (const vpc of config.applicationVpcs) {
        new aws.route53.ZoneAssociation(
            `application-${vpc.vpcId}-zone-association`,
            { zoneId: zone.zoneId, vpcId: vpc.vpcId, vpcRegion: vpc.region },
            { provider: globalProvider },
        );
    }
    const out = <T>(value: T | pulumi.Output<T>) => pulumi.output(value) as pulumi.Output<T>;
    return {
        exported: {
            zoneId: zone.zoneId,
            zoneName: out(config.operations.dnsZone),
            warehouse: {
                region: out(config.warehouse.region),
                vpcCidr: out(config.warehouse.vpcCidr),
                vpcId: warehouse.vpcId,
                routeTableId: warehouse.routeTableId,
                kmsKeyArn: warehouse.kmsKeyArn,
                bucketArn: warehouse.bucketArn,
                bucketName: warehouse.bucketName,
                replicationSubnetGroupId: warehouse.replicationSubnetGroupId,
                dmsSecurityGroupId: warehouse.dmsSecurityGroupId,
                alarmTopicArn: warehouse.alarmTopicArn,
                glueDatabase: warehouse.glueDatabaseName,
                athenaWorkgroup: warehouse.athenaWorkgroupName,
                redshiftWorkgroup: out(warehouse.redshiftWorkgroupName),
            },
        },
        readyForReplication: warehouse.apiEndpoints,
    };
}

/** The zone and warehouse of the environment's global stack, read through a StackReference. */
function fromGlobalStack(name: string): {
    exported: GlobalOutputs;
    readyForReplication: pulumi.Resource[];
} {
    const global = new pulumi.StackReference(name).requireOutput(
        "global",
    ) as pulumi.Output<GlobalStackOutput>;
    const warehouse = global.apply((g) => g.warehouse);
    const field = <K extends keyof GlobalStackOutput["warehouse"]>(key: K) =>
        warehouse.apply((w) => w[key]);
    return {
        exported: {
            zoneId: global.apply((g) => g.zoneId),
            zoneName: global.apply((g) => g.zoneName),
            warehouse: {
                region: field("region"),
                vpcCidr: field("vpcCidr"),
                vpcId: field("vpcId"),
                routeTableId: field("routeTableId"),
                kmsKeyArn: field("kmsKeyArn"),
                bucketArn: field("bucketArn"),
                bucketName: field("bucketName"),
                replicationSubnetGroupId: field("replicationSubnetGroupId"),
                dmsSecurityGroupId: field("dmsSecurityGroupId"),
                alarmTopicArn: field("alarmTopicArn"),
                glueDatabase: field("glueDatabase"),
                athenaWorkgroup: field("athenaWorkgroup"),
                redshiftWorkgroup: field("redshiftWorkgroup"),
            },
        },
        // The global stack is deployed, its endpoints with it, before any shards stack.
        readyForReplication: [],
    };
}

/**
 * One AWS provider per region, named by region: a provider's name is part of every child's
 * identity, so it never changes once deployed.
 */
function regionProviders(config: StackConfig): Map<string, aws.Provider> {
    const regions = [
        ...new Set([
            ...config.shards.flatMap((s) => [s.region, ...(s.dr ? [s.dr.region] : [])]),
            config.warehouse.region,
        ]),
    ].sort();
    return new Map(
        regions.map((region) => [
            region,
            new aws.Provider(`aws-${region}`, {
                region: region as aws.Region,
                defaultTags: { tags: defaultTags(config) },
            }),
        ]),
    );
}

/** The storage settings of the shard's own engine; the other engine's are no arguments of it. */
function ownEngineSettings(
    shard: ShardConfig,
): Pick<
    RegionalShardArgs,
    "storageType" | "volumeAlarmGiB" | "allocatedStorageGiB" | "maxAllocatedStorageGiB"
> {
    return shard.engine === "aurora-postgresql"
        ? { storageType: shard.storageType, volumeAlarmGiB: shard.volumeAlarmGiB }
        : {
              allocatedStorageGiB: shard.allocatedStorageGiB,
              maxAllocatedStorageGiB: shard.maxAllocatedStorageGiB,
          };
}

function defaultTags(config: StackConfig): Record<string, string> {
    return { project: "geoshard", environment: config.environment, "managed-by": "pulumi" };
}

/**
 * Where a shard goes: up to three of the region's standard AZs (no Local or Wavelength Zones)
 * chosen by zone ID, or, for an existing VPC, its subnets with their AZs, checked to belong to
 * that VPC and to span two AZs.
 */
async function shardZones(
    shard: ShardConfig,
    index: number,
    providers: Map<string, aws.Provider>,
): Promise<
    | { availabilityZones: string[] }
    | { existingVpc: { vpcId: string; subnets: { id: string; availabilityZone: string }[] } }
> {
    const provider = providers.get(shard.region)!;
    const path = `geoshard:shards[${index}]`;
    if (shard.existingVpc) {
        const { vpcId, subnetIds } = shard.existingVpc;
        const subnets = await Promise.all(
            subnetIds.map((id) => aws.ec2.getSubnet({ id }, { provider })),
        );
        subnets.forEach((subnet, i) => {
            if (subnet.vpcId !== vpcId) {
                throw new pulumi.RunError(
                    `${path}.existingVpc.subnetIds[${i}]: "${subnet.id}" lies in ${subnet.vpcId}; ` +
                        `allowed: subnets of ${vpcId}`,
                );
            }
        });
        const availabilityZones = [...new Set(subnets.map((s) => s.availabilityZone))];
        if (availabilityZones.length < 2) {
            throw new pulumi.RunError(
                `${path}.existingVpc.subnetIds: ${JSON.stringify(subnetIds)} lie in one AZ ` +
                    `(${availabilityZones[0]}); allowed: subnets in at least two AZs, so the standby ` +
                    `never shares the writer's AZ`,
            );
        }
        return {
            existingVpc: {
                vpcId,
                subnets: subnets.map((s) => ({ id: s.id, availabilityZone: s.availabilityZone })),
            },
        };
    }
    return { availabilityZones: await regionZones(shard.region, provider, `${path}.region`) };
}

/** Up to three standard AZs of the region, by zone ID, never a constrained one; at least two. */
async function regionZones(
    region: string,
    provider: aws.Provider,
    path: string,
): Promise<string[]> {
    const zones = await aws.getAvailabilityZones(
        { state: "available", filters: [{ name: "zone-type", values: ["availability-zone"] }] },
        { provider },
    );
    try {
        return chooseAzs(zones.names.map((name, i) => ({ name, zoneId: zones.zoneIds[i] })));
    } catch (error) {
        throw new pulumi.RunError(`${path}: "${region}": ${(error as Error).message}`);
    }
}

/** Where the analytics live, and each shard's CDC path into them. */
interface WarehouseOutput {
    readonly region: string;
    readonly bucket: string;
    readonly glueDatabase: string;
    readonly athenaWorkgroup: string;
    readonly redshiftWorkgroup?: string;
    readonly cdc: Record<
        string,
        { readonly stream: string; readonly replication: string; readonly lakePrefix: string }
    >;
}

function warehouseOutput(
    config: StackConfig,
    global: GlobalOutputs,
    shards: readonly RegionalShard[],
): pulumi.Output<WarehouseOutput> {
    const w = global.warehouse;
    return pulumi
        .all([w.bucketName, w.glueDatabase, w.athenaWorkgroup, w.redshiftWorkgroup])
        .apply(([bucket, glueDatabase, athenaWorkgroup, redshiftWorkgroup]) => ({
            region: config.warehouse.region,
            bucket,
            glueDatabase,
            athenaWorkgroup,
            ...(redshiftWorkgroup ? { redshiftWorkgroup } : {}),
            cdc: Object.fromEntries(
                shards.map((shard, i) => [
                    config.shards[i].name,
                    {
                        stream: shard.cdc!.streamName,
                        replication: shard.cdc!.replicationIdentifier,
                        lakePrefix: shard.cdc!.lakePrefix,
                    },
                ]),
            ),
        }));
}

function shardMapOf(
    config: StackConfig,
    shards: readonly RegionalShard[],
): pulumi.Output<ShardMap> {
    const entries = shards.map((shard, i) => {
        const { name, region, cities, engine, dr, latencyTargetMs } = config.shards[i];
        return pulumi
            .all([
                shard.port,
                pulumi.all([shard.credentialsSecretArn, shard.recoveryCredentialsSecretArn]),
                shard.writerEndpoint,
                shard.readerEndpoint,
                shard.proxyEndpoint,
                shard.globalWriterEndpoint,
                shard.recoveryReaderEndpoint,
                pulumi.all(shard.instanceAddresses),
            ])
            .apply(
                ([
                    port,
                    [credentialsSecretArn, recoveryCredentialsSecretArn],
                    writer,
                    reader,
                    proxy,
                    globalWriter,
                    recoveryReader,
                    direct,
                ]) => ({
                    name,
                    // The names that follow a failover come first.
                    entry: {
                        writer: shard.writerName,
                        reader: shard.readerName,
                        port,
                        credentialsSecretArn,
                        ...(recoveryCredentialsSecretArn ? { recoveryCredentialsSecretArn } : {}),
                        region,
                        cities,
                        engine,
                        endpoints: {
                            writer,
                            ...(reader ? { reader } : {}),
                            ...(proxy ? { proxy } : {}),
                            ...(globalWriter ? { globalWriter } : {}),
                            ...(recoveryReader ? { recoveryReader } : {}),
                        },
                        direct,
                        location: regionPlace(region),
                        ...(dr
                            ? { recovery: { region: dr.region, location: regionPlace(dr.region) } }
                            : {}),
                        ...(latencyTargetMs !== undefined ? { latencyTargetMs } : {}),
                    },
                }),
            );
    });
    return pulumi.all(entries).apply((list) => ({
        shards: Object.fromEntries(list.map(({ name, entry }) => [name, entry])),
        cityToShard: Object.fromEntries(
            config.shards.flatMap((shard) => shard.cities.map((city) => [city, shard.name])),
        ),
        places: Object.fromEntries(
            config.shards.flatMap((shard) =>
                shard.places.map((place) => [place.key, mappedCity(place, shard.name)]),
            ),
        ),
        ...(config.defaultShard !== undefined ? { defaultShard: config.defaultShard } : {}),
    }));
}

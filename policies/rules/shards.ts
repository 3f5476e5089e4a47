/**
 * Stack rules: what only the whole stack shows. Each shard keeps the shape its engine's failover
 * and the CDC rely on, its reads stay off the standby, prod databases are protected, and no
 * EU-resident shard sends personal data out of the EU.
 */

import { plural } from "../../config/plural";
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { euRegions } from "../../components/cdc";
import { residencies, residencyCountries } from "../../components/places/residency";
import {
    auroraGlobalReaderLimit,
    maxAuroraReadersWith,
    maxReaders,
    minReaders,
} from "../../components/engines";
import { protectedEnvironments } from "../../config/schema";
import { environmentsSetting, listedIn } from "./environment";

const shardType = "geoshard:index:RegionalShard";
const types = {
    cluster: "aws:rds/cluster:Cluster",
    clusterInstance: "aws:rds/clusterInstance:ClusterInstance",
    clusterEndpoint: "aws:rds/clusterEndpoint:ClusterEndpoint",
    instance: "aws:rds/instance:Instance",
    replication: "aws:dms/replicationConfig:ReplicationConfig",
};

const childrenOf = (resources: PolicyResource[], parent: PolicyResource) =>
    resources.filter((r) => r.parent?.urn === parent.urn);

/** A shard's database instances by role (`writer`, `standby`, `reader` tags), either engine. */
function databaseOf(children: PolicyResource[]) {
    // The home cluster; a recovery region's secondary cluster is tagged role `recovery`.
    const cluster = children.filter(
        (r) => r.type === types.cluster && r.props.tags?.role !== "recovery",
    );
    const instances = children.filter(
        (r) => r.type === types.clusterInstance || r.type === types.instance,
    );
    const withRole = (role: string) => instances.filter((db) => db.props.tags?.role === role);
    return {
        aurora: cluster.length > 0,
        clusters: cluster,
        writers: withRole("writer"),
        standbys: withRole("standby"),
        readers: withRole("reader"),
    };
}

/**
 * The shape each engine's failover relies on. `minimumReplicas` defaults to the fewest readers
 * config accepts (`minReaders`, 0: the standby or AWS's Multi-AZ standby carries the failover,
 * and reads go to the writer's side), so every stack config accepts passes; a policy config raises
 * it where reads need their own instances, as prod's does (policies/config/prod.json: 2). It
 * cannot exceed what either engine allows (`maxReaders`).
 */
export const shardTopology: StackValidationPolicy = {
    name: "shard-topology",
    description:
        "Each shard has one writer, a standby of the writer's class and tier in another AZ (Aurora) or a Multi-AZ master (RDS), at least minimumReplicas readers at a lower tier, and, with requireCdc, a CDC replication.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            minimumReplicas: {
                type: "integer",
                default: minReaders,
                minimum: minReaders,
                maximum: Math.max(...Object.values(maxReaders)),
            },
            // Off by default: a shard the component accepts without a warehouse passes. This
            // project's stacks always stream (config wires every shard to the warehouse), and
            // their policy configs turn it on (policies/config/*.json).
            requireCdc: { type: "boolean", default: false },
        },
    },
    validateStack: (args, report) => {
        const { minimumReplicas, requireCdc } = args.getConfig<{
            minimumReplicas: number;
            requireCdc: boolean;
        }>();
        for (const shard of args.resources.filter((r) => r.type === shardType)) {
            const children = childrenOf(args.resources, shard);
            const db = databaseOf(children);
            const say = (problem: string) => report(`Shard ${shard.name}: ${problem}`, shard.urn);
            if (db.writers.length !== 1) {
                say(`has ${plural(db.writers.length, "writer")}; declare exactly one.`);
            }
            if (db.readers.length < minimumReplicas) {
                say(
                    `has ${plural(db.readers.length, "reader")}; raise replicaCount to at least ${minimumReplicas}.`,
                );
            }
            if (db.aurora) {
                checkAuroraStandby(db, say);
                checkGlobalReaders(db, children, say);
            } else if (db.writers.length === 1) {
                if (db.writers[0].props.multiAz !== true) {
                    say(
                        "master is not Multi-AZ; set multiAz: true, so AWS keeps a synchronous standby and fails over to it.",
                    );
                }
                if (db.standbys.length > 0) {
                    say(
                        "declares a standby replica beside a Multi-AZ master; AWS runs the standby, remove it.",
                    );
                }
            }
            if (requireCdc && !children.some((r) => r.type === types.replication)) {
                say("has no CDC replication; the warehouse would miss its changes.");
            }
        }
    },
};

/**
 * With a recovery region the home cluster is the primary of a global database: its readers
 * (the standby among them) plus the secondary clusters may not exceed `auroraGlobalReaderLimit`.
 * Source: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-attaching.html
 */
function checkGlobalReaders(
    db: ReturnType<typeof databaseOf>,
    children: PolicyResource[],
    say: (problem: string) => void,
): void {
    const secondaries = children.filter(
        (r) => r.type === types.cluster && r.props.tags?.role === "recovery",
    ).length;
    const readers = db.standbys.length + db.readers.length;
    if (secondaries > 0 && readers + secondaries > auroraGlobalReaderLimit) {
        say(
            `has ${readers} readers in its primary cluster (the standby included) and ${secondaries} secondary cluster(s); an Aurora global database allows ${auroraGlobalReaderLimit} in all, so lower replicaCount to ${maxAuroraReadersWith(secondaries)}.`,
        );
    }
}

function checkAuroraStandby(
    db: ReturnType<typeof databaseOf>,
    say: (problem: string) => void,
): void {
    if (db.clusters.length !== 1) {
        say(`has ${plural(db.clusters.length, "Aurora cluster")}; declare exactly one.`);
    }
    if (db.standbys.length !== 1) {
        say(
            `has ${plural(db.standbys.length, "standby")}; declare exactly one, the failover target.`,
        );
        return;
    }
    if (db.writers.length !== 1) {
        return;
    }
    const [writer, standby] = [db.writers[0].props, db.standbys[0].props];
    if (standby.instanceClass !== writer.instanceClass) {
        say(
            `standby is ${standby.instanceClass}, writer ${writer.instanceClass}; a standby must carry the writer's load: use the writer's class.`,
        );
    }
    if (standby.promotionTier !== writer.promotionTier) {
        say(
            `standby is at promotion tier ${standby.promotionTier}, writer at ${writer.promotionTier}; put the standby at the writer's tier so Aurora fails over to it.`,
        );
    }
    if (standby.availabilityZone === writer.availabilityZone) {
        say(`standby shares the writer's AZ ${writer.availabilityZone}; place it in another AZ.`);
    }
    for (const reader of db.readers) {
        if (!(reader.props.promotionTier > standby.promotionTier)) {
            say(
                `reader ${reader.props.identifier} is at tier ${reader.props.promotionTier}, not below the standby's ${standby.promotionTier}; Aurora could promote it instead.`,
            );
        }
    }
}

export const shardReaderEndpoint: StackValidationPolicy = {
    name: "shard-reader-endpoint",
    description:
        "An Aurora shard's reads go through a custom READER endpoint that excludes exactly the writer and the standby and lists no static members: every reader, one added later too, and never the standby.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        for (const shard of args.resources.filter((r) => r.type === shardType)) {
            const children = childrenOf(args.resources, shard);
            const db = databaseOf(children);
            const endpoints = children.filter((r) => r.type === types.clusterEndpoint);
            // Without readers (and autoscaling), reads use the cluster's reader endpoint.
            if (!db.aurora || (db.readers.length === 0 && endpoints.length === 0)) {
                continue;
            }
            const say = (problem: string) => report(`Shard ${shard.name}: ${problem}`, shard.urn);
            if (endpoints.length !== 1) {
                say(
                    `has ${plural(endpoints.length, "custom endpoint")}; declare one READER endpoint.`,
                );
                continue;
            }
            const endpoint = endpoints[0].props;
            // A custom endpoint defined by its excluded members takes in every instance added
            // later; static members would leave such a reader without reads.
            // Source: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Overview.Endpoints.html
            const excluded: string[] = [...(endpoint.excludedMembers ?? [])].sort();
            const pair = [...db.writers, ...db.standbys]
                .map((r) => r.props.identifier as string)
                .sort();
            if (endpoint.customEndpointType !== "READER") {
                say(`reader endpoint is ${endpoint.customEndpointType}; make it READER.`);
            }
            if ((endpoint.staticMembers ?? []).length > 0) {
                say(
                    `reader endpoint lists static members ${[...endpoint.staticMembers].sort().join(", ")}; list none and exclude the writer and the standby instead, so a reader added later receives reads.`,
                );
            } else if (JSON.stringify(excluded) !== JSON.stringify(pair)) {
                say(
                    `reader endpoint excludes ${excluded.join(", ") || "no instance"}; exclude exactly the writer and the standby ${pair.join(", ")}, so reads never land on the standby.`,
                );
            }
        }
    },
};

export const prodProtected: StackValidationPolicy = {
    name: "prod-databases-protected",
    description:
        "In the listed environments, the cluster and both writer-class instances (or the master) are Pulumi-protected.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: { environments: environmentsSetting(protectedEnvironments) },
    },
    validateStack: (args, report) => {
        const { environments } = args.getConfig<{ environments: string[] }>();
        for (const shard of args.resources.filter((r) => r.type === shardType)) {
            const db = databaseOf(childrenOf(args.resources, shard));
            for (const resource of [...db.clusters, ...db.writers, ...db.standbys]) {
                if (
                    listedIn(environments, resource.props.tags?.environment) &&
                    !resource.opts.protect
                ) {
                    report(
                        `Shard ${shard.name}: ${resource.name} is not protected; in ${resource.props.tags.environment} a \`pulumi destroy\` must not reach it: set protect.`,
                        resource.urn,
                    );
                }
            }
        }
    },
};

export const euResidency: StackValidationPolicy = {
    name: "eu-residency",
    description:
        "An EU-resident shard sends no personal data to a warehouse outside the EU, unless under a waiver.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        for (const replication of args.resources.filter(
            (r) => r.type === "aws:dms/replicationConfig:ReplicationConfig",
        )) {
            const tags = replication.props.tags ?? {};
            const region = replication.provider?.props?.region;
            if (tags.residency !== "eu" || euRegions.includes(region)) {
                continue;
            }
            const rules: { "rule-action"?: string }[] =
                JSON.parse(replication.props.tableMappings ?? "{}").rules ?? [];
            const removesColumns = rules.some((rule) => rule["rule-action"] === "remove-column");
            if (!removesColumns && !tags["residency-waiver"]) {
                report(
                    `${replication.name} streams an EU shard to ${region}, outside the EU, with every column: ` +
                        "exclude its personal-data columns (cdc.excludeColumns) or record a residency waiver.",
                    replication.urn,
                );
            }
        }
    },
};

/**
 * A shard serving a city in a residency's country (components/places/residency.ts: the EU and
 * EEA for `eu`) declares that residency. Reads what the program tags on the shard's home
 * database: `countries`, its cities' ISO codes, and `residency`.
 */
export const cityResidency: StackValidationPolicy = {
    name: "city-residency",
    description:
        "A shard serving a city in an EU or EEA country (or another residency's country) declares that residency.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        for (const shard of args.resources.filter((r) => r.type === shardType)) {
            const db = databaseOf(childrenOf(args.resources, shard));
            const home = db.aurora ? db.clusters[0] : db.writers[0];
            const tags: Record<string, string> | undefined = home?.props.tags;
            if (!tags?.countries) {
                continue;
            }
            const countries: string[] = tags.countries.split(" ");
            for (const residency of residencies) {
                const set: readonly string[] = residencyCountries[residency];
                const inside = countries.filter((country) => set.includes(country));
                if (inside.length > 0 && tags.residency !== residency) {
                    report(
                        `Shard ${shard.name} serves cities in ${inside.join(", ")}, where residency ` +
                            `${residency} applies, but declares ${tags.residency ? `residency ${tags.residency}` : "no residency"}: ` +
                            `set residency: ${residency} on the shard, or move those cities to a shard that has it.`,
                        shard.urn,
                    );
                }
            }
        }
    },
};

export const stackPolicies: StackValidationPolicy[] = [
    shardTopology,
    shardReaderEndpoint,
    prodProtected,
    euResidency,
    cityResidency,
];

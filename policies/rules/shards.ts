/**
 * Stack rules: what only the whole stack shows. Each shard must keep the shape the failover and
 * the CDC rely on, and no EU-resident shard may send personal data out of the EU.
 */

import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { euRegions } from "../../components/cdc";

const shardType = "geoshard:index:RegionalShard";

const childrenOf = (resources: PolicyResource[], parent: PolicyResource) =>
    resources.filter((r) => r.parent?.urn === parent.urn);

export const shardTopology: StackValidationPolicy = {
    name: "shard-topology",
    description:
        "Each shard has one master, enough read replicas, one standby of the master's class in another AZ, a writer PRIMARY/SECONDARY pair and a CDC replication.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            minimumReplicas: { type: "integer", default: 2, minimum: 0 },
            requireCdc: { type: "boolean", default: true },
        },
    },
    validateStack: (args, report) => {
        const { minimumReplicas, requireCdc } = args.getConfig<{
            minimumReplicas: number;
            requireCdc: boolean;
        }>();
        for (const shard of args.resources.filter((r) => r.type === shardType)) {
            const children = childrenOf(args.resources, shard);
            const dbs = children.filter((r) => r.type === "aws:rds/instance:Instance");
            const withRole = (role: string) => dbs.filter((db) => db.props.tags?.role === role);
            const [masters, standbys, replicas] = [
                withRole("master"),
                withRole("standby"),
                withRole("replica"),
            ];
            const say = (problem: string) => report(`Shard ${shard.name}: ${problem}`, shard.urn);
            if (masters.length !== 1) {
                say(`has ${masters.length} masters; declare exactly one.`);
            }
            if (replicas.length < minimumReplicas) {
                say(
                    `has ${replicas.length} read replicas; raise replicaCount to at least ${minimumReplicas}.`,
                );
            }
            if (standbys.length !== 1) {
                say(`has ${standbys.length} standbys; declare exactly one, the failover target.`);
            } else if (masters.length === 1) {
                const [master, standby] = [masters[0].props, standbys[0].props];
                if (standby.instanceClass !== master.instanceClass) {
                    say(
                        `standby is ${standby.instanceClass}, master ${master.instanceClass}; a standby must carry the master's load: use the master's class.`,
                    );
                }
                if (standby.availabilityZone === master.availabilityZone) {
                    say(
                        `standby shares the master's AZ ${master.availabilityZone}; place it in another AZ.`,
                    );
                }
            }
            const failover = children
                .filter((r) => r.type === "aws:route53/record:Record")
                .map((r) => r.props.failoverRoutingPolicies?.[0]?.type);
            if (!failover.includes("PRIMARY") || !failover.includes("SECONDARY")) {
                say(
                    "lacks the writer PRIMARY/SECONDARY failover pair; applications would have no name that follows a failover.",
                );
            }
            if (
                requireCdc &&
                !children.some((r) => r.type === "aws:dms/replicationConfig:ReplicationConfig")
            ) {
                say("has no CDC replication; the warehouse would miss its changes.");
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

export const stackPolicies: StackValidationPolicy[] = [shardTopology, euResidency];

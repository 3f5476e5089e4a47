/**
 * Rules for surviving a region loss: every shard of the listed environments has a copy in another
 * region, an EU-resident shard's copy stays in the EU, and a global database is encrypted.
 */

import * as aws from "@pulumi/aws";
import {
    PolicyResource,
    ResourceValidationPolicy,
    StackValidationPolicy,
    validateResourceOfType,
} from "@pulumi/policy";
import { euRegions } from "../../components/cdc";
import { protectedEnvironments } from "../../config/schema";
import { appliesIn, environmentsSetting, listedIn, whereApplied } from "./environment";

const shardType = "geoshard:index:RegionalShard";

/** A shard's recovery copy: a secondary cluster or a cross-region replica, tagged `recovery`. */
const isRecoveryCopy = (r: PolicyResource) =>
    (r.type === "aws:rds/cluster:Cluster" || r.type === "aws:rds/instance:Instance") &&
    r.props.tags?.role === "recovery";

/**
 * A recovery region is a choice config leaves to each shard (`dr`), so the rule lists no
 * environment by default: every stack that config accepts passes it. A policy config names the
 * environments that must survive a region loss; prod's does (policies/config/prod.json).
 */
export const regionLossRecovery: StackValidationPolicy = {
    name: "region-loss-recovery",
    description:
        "In the listed environments (none by default; prod's policy config lists prod) every shard keeps a copy in another region: an Aurora Global Database secondary or a cross-region read replica.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: { environments: environmentsSetting([]) },
    },
    validateStack: (args, report) => {
        const { environments } = args.getConfig<{ environments: string[] }>();
        for (const shard of args.resources.filter((r) => r.type === shardType)) {
            const children = args.resources.filter((r) => r.parent?.urn === shard.urn);
            const environment = children.find((r) => r.props.tags?.environment)?.props.tags
                .environment;
            if (!listedIn(environments, environment)) {
                continue;
            }
            const copies = children.filter(isRecoveryCopy);
            const home = children.find((r) => r.type === "aws:ec2/vpc:Vpc")?.provider?.props
                ?.region;
            if (copies.length === 0) {
                report(
                    `Shard ${shard.name}: has no recovery region; in ${environment} a region loss would take its data and names: set dr: { region, vpcCidr } on the shard.`,
                    shard.urn,
                );
            }
            for (const copy of copies) {
                const region = copy.provider?.props?.region;
                if (region && home && region === home) {
                    report(
                        `Shard ${shard.name}: its recovery copy ${copy.name} is in its home region ${home}; put it in another region.`,
                        copy.urn,
                    );
                }
            }
        }
    },
};

export const euRecoveryResidency: ResourceValidationPolicy = {
    name: "eu-recovery-residency",
    description: "An EU-resident shard's recovery copy lives in an EU region.",
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        if (
            !["aws:rds/cluster:Cluster", "aws:rds/instance:Instance"].includes(args.type) ||
            args.props.tags?.role !== "recovery" ||
            args.props.tags?.residency !== "eu"
        ) {
            return;
        }
        const region = args.provider?.props?.region;
        if (!euRegions.includes(region)) {
            report(
                `The recovery copy of an EU-resident shard is in ${region ?? "an unknown region"}, outside the EU; recover into one of ${euRegions.join(", ")}.`,
            );
        }
    },
};

/**
 * Deletion protection as `rds-deletion-protection-and-final-snapshot` has it: in the listed
 * environments. A global cluster made from an existing cluster (`sourceDbClusterIdentifier`)
 * takes that cluster's encryption and may not state `storageEncrypted` at all (deploy-time rule
 * `global-cluster-from-source`); the source cluster's own rule holds its encryption.
 * Source: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateGlobalCluster.html
 */
export const globalClusterEncrypted: ResourceValidationPolicy = {
    name: "global-cluster-encrypted",
    description:
        "An Aurora global database is encrypted (itself, or through the cluster it is made from), and protected from deletion in the listed environments.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: { environments: environmentsSetting(protectedEnvironments) },
    },
    validateResource: validateResourceOfType(aws.rds.GlobalCluster, (global, args, report) => {
        if (global.sourceDbClusterIdentifier === undefined && global.storageEncrypted !== true) {
            report("Set storageEncrypted: true on the global cluster.");
        }
        const { environments } = args.getConfig<{ environments: string[] }>();
        if (appliesIn(environments, global) && global.deletionProtection !== true) {
            report(
                `Set deletionProtection: true on the global cluster; it is required ${whereApplied(global)} (environments: ${environments.join(", ")}).`,
            );
        }
    }),
};

export const recoveryPolicies = {
    resource: [euRecoveryResidency, globalClusterEncrypted],
    stack: [regionLossRecovery],
};

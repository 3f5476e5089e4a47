/** Rules for the Route 53 records applications connect through. */

import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { dnsTtlLimitsSeconds } from "../../components/defaults";

export const route53RoutingRecords: ResourceValidationPolicy = {
    name: "route53-failover-records",
    description:
        "CNAME, failover and weighted records have a TTL of at most a minute; a PRIMARY is health-checked.",
    enforcementLevel: "mandatory",
    // Config allows TTLs up to dnsTtlLimitsSeconds.max; a policy config may ask for less.
    configSchema: {
        properties: {
            maxTtlSeconds: {
                type: "integer",
                default: dnsTtlLimitsSeconds.max,
                minimum: dnsTtlLimitsSeconds.min,
            },
        },
    },
    validateResource: validateResourceOfType(aws.route53.Record, (record, args, report) => {
        const failover = record.failoverRoutingPolicies?.[0]?.type;
        const weighted = (record.weightedRoutingPolicies ?? []).length > 0;
        // A CNAME names an endpoint that moves on a failover (the cluster, Multi-AZ or global
        // writer endpoint): a long TTL keeps clients on the old writer.
        if (!failover && !weighted && record.type !== "CNAME") {
            return;
        }
        const { maxTtlSeconds } = args.getConfig<{ maxTtlSeconds: number }>();
        if (record.ttl === undefined || record.ttl > maxTtlSeconds) {
            report(
                `Set ttl to at most ${maxTtlSeconds} s: clients must follow a failover (it is ${record.ttl ?? "unset"}).`,
            );
        }
        // Without a health check Route 53 always answers with the PRIMARY.
        if (failover === "PRIMARY" && !record.healthCheckId) {
            report("Give the PRIMARY record a healthCheckId, or Route 53 never fails over.");
        }
    }),
};

export const dnsPolicies: ResourceValidationPolicy[] = [route53RoutingRecords];

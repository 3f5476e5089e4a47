/**
 * The names applications use: `writer.<shard>.<zone>` and `reader.<shard>.<zone>` in the
 * environment's private zone. The writer name points at a host name that already follows a
 * failover (the Aurora cluster endpoint, the Multi-AZ endpoint, or RDS Proxy), so DNS here never
 * has to move on its own. Every record is a CNAME: RDS endpoints are names, and alias records
 * cannot target them.
 *
 * Children: `<shard>-zone-association`, `<shard>-writer`, `<shard>-reader` (Aurora) or
 * `<shard>-reader-<label>` and `<shard>-reader-<label>-health` (RDS replicas).
 */

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ReadTargets, ShardScope } from "./database/tier";

/** The shard's private hosted zone and the provider that manages Route 53 (a global service). */
export interface ShardDns {
    readonly zoneId: pulumi.Input<string>;
    readonly zoneName: string;
    readonly provider: aws.Provider;
}

/**
 * The provider's limit on a health check's `referenceName`: it appends a 37-character unique
 * suffix to make the caller reference, whose limit is 64.
 * Source: hashicorp/terraform-provider-aws internal/service/route53/health_check.go
 * (`StringLenBetween(0, 64-id.UniqueIDSuffixLength-11)`).
 */
export const healthCheckReferenceMaxLength = 27;

export interface ShardNamesArgs {
    readonly dns: ShardDns;
    readonly ttlSeconds: number;
    readonly vpcId: pulumi.Input<string>;
    /** Where writes go: a host name that follows a failover. */
    readonly writerTarget: pulumi.Input<string>;
    readonly reads: ReadTargets;
}

export function createShardNames(
    scope: ShardScope,
    args: ShardNamesArgs,
): { writer: string; reader: string } {
    const { name, parent } = scope;
    const opts = { parent, provider: args.dns.provider };
    const names = {
        writer: `writer.${name}.${args.dns.zoneName}`,
        reader: `reader.${name}.${args.dns.zoneName}`,
    };
    // The shard's VPC resolves the zone's names.
    new aws.route53.ZoneAssociation(
        `${name}-zone-association`,
        { zoneId: args.dns.zoneId, vpcId: args.vpcId, vpcRegion: scope.region },
        opts,
    );
    const cname = (
        resourceName: string,
        recordName: string,
        target: pulumi.Input<string>,
        routing: Partial<aws.route53.RecordArgs> = {},
    ) =>
        new aws.route53.Record(
            resourceName,
            {
                zoneId: args.dns.zoneId,
                name: recordName,
                type: "CNAME",
                ttl: args.ttlSeconds,
                records: [target],
                ...routing,
            },
            opts,
        );

    cname(`${name}-writer`, names.writer, args.writerTarget);
    if (args.reads.kind === "endpoint") {
        cname(`${name}-reader`, names.reader, args.reads.address);
        return names;
    }
    // RDS read replicas: one weighted record each, behind its lag alarm. Route 53's checkers
    // cannot reach private endpoints, so each check reads a CloudWatch alarm. When every
    // replica is unhealthy Route 53 answers with all of them, so reads degrade rather than stop.
    // With no replicas the one weighted record sends reads to the writer; records stay weighted
    // either way, so changing replicaCount never swaps a simple record for weighted ones.
    // Source: https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-complex-configs.html
    if (args.reads.replicas.length === 0) {
        cname(`${name}-reader-writer`, names.reader, names.writer, {
            setIdentifier: "writer",
            weightedRoutingPolicies: [{ weight: 1 }],
        });
        return names;
    }
    for (const replica of args.reads.replicas) {
        const check = new aws.route53.HealthCheck(
            `${name}-${replica.label}-health`,
            {
                type: "CLOUDWATCH_METRIC",
                cloudwatchAlarmName: replica.lagAlarmName,
                cloudwatchAlarmRegion: scope.region,
                // Unknown lag is no basis to serve reads.
                insufficientDataHealthStatus: "Unhealthy",
                referenceName: `${name}-${replica.label}`.slice(0, healthCheckReferenceMaxLength),
                tags: scope.tags("dns", `${replica.label}-health`),
            },
            opts,
        );
        cname(`${name}-reader-${replica.label}`, names.reader, replica.address, {
            setIdentifier: replica.label,
            weightedRoutingPolicies: [{ weight: 1 }],
            healthCheckId: check.id,
        });
    }
    return names;
}

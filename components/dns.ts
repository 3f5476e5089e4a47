/**
 * The names applications use: `writer.<shard>.<zone>` and `reader.<shard>.<zone>` in the
 * environment's private zone. Every record is a CNAME: RDS endpoints are names, and alias
 * records cannot target them.
 *
 * In one region, the writer name points at a name that already follows a failover (the Aurora
 * cluster endpoint, the Multi-AZ endpoint, or RDS Proxy), so DNS never moves on its own. With a
 * recovery region, Route 53 failover records move a name wherever AWS's own names do not:
 *
 * | name   | Aurora                                          | RDS for PostgreSQL                     |
 * | ------ | ----------------------------------------------- | -------------------------------------- |
 * | writer | the global writer endpoint (follows switchover  | PRIMARY the Multi-AZ endpoint,         |
 * |        | and failover); with a proxy, PRIMARY the proxy, | SECONDARY the recovery replica         |
 * |        | SECONDARY the global writer endpoint            |                                        |
 * | reader | PRIMARY the readers, SECONDARY the recovery     | PRIMARY the replicas, SECONDARY the    |
 * |        | cluster's readers (the writer when headless)    | recovery replica                       |
 *
 * Route 53's checkers cannot reach private endpoints, so every health check reads a CloudWatch
 * alarm, and a PRIMARY is healthy while at least one of its instances is.
 * Sources: https://docs.aws.amazon.com/Route53/latest/APIReference/API_AlarmIdentifier.html,
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-complex-configs.html
 *
 * Children: `<shard>-zone-association`, `<shard>-recovery-zone-association`,
 * `<shard>-writer[-primary|-secondary]`,
 * `<shard>-reader[-primary|-secondary|-<label>]`, `<shard>-<label>-health`.
 */

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Recovery } from "./database/recovery";
import { DatabaseTier, ShardScope } from "./database/tier";

/** The shard's private hosted zone and the provider that manages Route 53 (a global service). */
export interface ShardDns {
    /**
     * A private hosted zone the caller owns: the shard associates its VPC with it.
     * @default - none: the shard creates a private zone named `zoneName` with its own VPC, and
     * owns it (Route 53 creates a private zone only with a VPC; the shard's is the first)
     */
    readonly zoneId?: pulumi.Input<string>;
    /** The zone's domain name, e.g. `db.internal`. */
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
    /** The zone, by ID: the caller's, or the shard's own (`createShardZone`). */
    readonly dns: ShardDns & { readonly zoneId: pulumi.Input<string> };
    /** The shard created the zone with its VPC: no association to declare. */
    readonly zoneCreatedWithVpc?: boolean;
    readonly ttlSeconds: number;
    readonly vpcId: pulumi.Input<string>;
    readonly tier: DatabaseTier;
    /** RDS Proxy's endpoint, when the shard has one: writes go through it. */
    readonly proxyEndpoint?: pulumi.Output<string>;
    readonly recovery?: Recovery;
    /** With a recovery region: the alarm that fires while the home writer reports nothing. */
    readonly writerHealthAlarm?: pulumi.Output<string>;
}

/** What one name answers: a plain CNAME, or a Route 53 failover pair. */
type Answer =
    | { readonly target: pulumi.Input<string> }
    | {
          readonly primary: pulumi.Input<string>;
          readonly primaryHealthCheckId: pulumi.Input<string>;
          readonly secondary: pulumi.Input<string>;
      };

export function createShardNames(
    scope: ShardScope,
    args: ShardNamesArgs,
): { writer: string; reader: string } {
    const { name, parent } = scope;
    const opts = { parent, provider: args.dns.provider };
    const zone = args.dns.zoneName;
    const names = { writer: `writer.${name}.${zone}`, reader: `reader.${name}.${zone}` };
    // The shard's VPC resolves the zone's names.
    if (!args.zoneCreatedWithVpc) {
        new aws.route53.ZoneAssociation(
            `${name}-zone-association`,
            { zoneId: args.dns.zoneId, vpcId: args.vpcId, vpcRegion: scope.region },
            opts,
        );
    }
    // So does the recovery VPC: after a region loss its clients still resolve the names. A
    // private zone answers only in the VPCs associated with it, in whichever region; the zone
    // itself ignores `vpcs`, so these associations stand.
    // Source: https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zone-private-associate-vpcs.html
    if (args.recovery) {
        new aws.route53.ZoneAssociation(
            `${name}-recovery-zone-association`,
            {
                zoneId: args.dns.zoneId,
                vpcId: args.recovery.network.vpcId,
                vpcRegion: args.recovery.region,
            },
            opts,
        );
    }
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
    const alarmCheck = (label: string, alarmName: pulumi.Input<string>) =>
        new aws.route53.HealthCheck(
            `${name}-${label}-health`,
            {
                type: "CLOUDWATCH_METRIC",
                cloudwatchAlarmName: alarmName,
                cloudwatchAlarmRegion: scope.region,
                // No data is no basis to send traffic: a region that stopped reporting is down.
                // Route 53 reads the alarm's data stream, and this decides when it has none.
                // Every alarm checked here reports through an in-region failover (readers stay
                // readers; the writer's Role=WRITER metric follows the new writer), so only a
                // silent instance set, or a silent region, is unhealthy.
                // Source: https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html
                insufficientDataHealthStatus: "Unhealthy",
                referenceName: `${name}-${label}`.slice(0, healthCheckReferenceMaxLength),
                tags: scope.tags("dns", `${label}-health`),
            },
            opts,
        ).id;
    /** Healthy while at least one of the checks is. */
    const anyHealthy = (label: string, checks: pulumi.Input<string>[]) =>
        new aws.route53.HealthCheck(
            `${name}-${label}-health`,
            {
                type: "CALCULATED",
                childHealthchecks: checks,
                childHealthThreshold: 1,
                referenceName: `${name}-${label}`.slice(0, healthCheckReferenceMaxLength),
                tags: scope.tags("dns", `${label}-health`),
            },
            opts,
        ).id;
    const answer = (resourceName: string, recordName: string, a: Answer) => {
        if ("target" in a) {
            cname(resourceName, recordName, a.target);
            return;
        }
        cname(`${resourceName}-primary`, recordName, a.primary, {
            setIdentifier: "primary",
            failoverRoutingPolicies: [{ type: "PRIMARY" }],
            healthCheckId: a.primaryHealthCheckId,
        });
        cname(`${resourceName}-secondary`, recordName, a.secondary, {
            setIdentifier: "secondary",
            failoverRoutingPolicies: [{ type: "SECONDARY" }],
        });
    };

    const { tier, recovery } = args;
    // After a region loss an operator promotes an RDS recovery replica: both names then answer
    // with it, PRIMARY and SECONDARY alike. The failover records and their checks stay, so no
    // record changes type at a name Route 53 already serves.
    const promoted = recovery?.promoted ? recovery.promotableAddress : undefined;
    const writerHome = promoted ?? args.proxyEndpoint ?? tier.writerEndpoint;
    let writerCheckId: pulumi.Output<string> | undefined;
    const writerCheck = () => (writerCheckId ??= alarmCheck("writer", args.writerHealthAlarm!));
    if (!recovery) {
        answer(`${name}-writer`, names.writer, { target: writerHome });
    } else if (recovery.globalWriterEndpoint && !args.proxyEndpoint) {
        answer(`${name}-writer`, names.writer, { target: recovery.globalWriterEndpoint });
    } else {
        answer(`${name}-writer`, names.writer, {
            primary: writerHome,
            primaryHealthCheckId: writerCheck(),
            secondary: recovery.globalWriterEndpoint ?? recovery.promotableAddress!,
        });
    }

    const reads = tier.reads;
    if (reads.kind === "endpoint") {
        const home = reads.address;
        if (!recovery) {
            answer(`${name}-reader`, names.reader, { target: home });
            return names;
        }
        // With readers, reads are theirs: the PRIMARY is healthy while one of them reports a
        // lag under the threshold. Readers stay readers through an in-region failover (the
        // standby takes over), so only their own silence or lag moves reads. Without readers,
        // reads use the cluster's reader endpoint, which falls back to the writer when no
        // reader is up: reads are served while the cluster has a writer. The standby's own lag
        // is no basis: it stops reporting AuroraReplicaLag once it is the writer, and Route 53
        // bases the check on the alarm's data stream, where no data is insufficient data
        // (Unhealthy here), so every in-region failover would flip reads to the other region. The
        // writer check reads CPUUtilization under DBClusterIdentifier + Role=WRITER, which
        // follows a failover, over 5 minutes, longer than a failover lasts.
        // Sources: https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-private-hosted-zones.html,
        // https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Overview.Endpoints.html
        const checks = tier.readerLagAlarms.map((alarm) => alarmCheck(alarm.label, alarm.name));
        answer(`${name}-reader`, names.reader, {
            primary: home,
            primaryHealthCheckId: checks.length > 0 ? anyHealthy("readers", checks) : writerCheck(),
            secondary: recovery.readerAddress ?? names.writer,
        });
        return names;
    }
    // RDS read replicas: one weighted record each, behind its lag alarm. When every replica is
    // unhealthy Route 53 answers with all of them, so reads degrade rather than stop. Records
    // stay weighted whatever the count (with none, the one record sends reads to the writer), so
    // changing replicaCount never swaps a simple record for weighted ones at the same name.
    const setName = recovery ? `readers.${name}.${zone}` : names.reader;
    const checks: pulumi.Output<string>[] = [];
    if (reads.replicas.length === 0) {
        cname(`${name}-reader-writer`, setName, names.writer, {
            setIdentifier: "writer",
            weightedRoutingPolicies: [{ weight: 1 }],
        });
    }
    for (const replica of reads.replicas) {
        const check = alarmCheck(replica.label, replica.lagAlarmName);
        checks.push(check);
        cname(`${name}-reader-${replica.label}`, setName, replica.address, {
            setIdentifier: replica.label,
            weightedRoutingPolicies: [{ weight: 1 }],
            healthCheckId: check,
        });
    }
    if (recovery) {
        answer(`${name}-reader`, names.reader, {
            primary: promoted ?? setName,
            primaryHealthCheckId: checks.length > 0 ? anyHealthy("readers", checks) : writerCheck(),
            secondary: recovery.readerAddress!,
        });
    }
    return names;
}

/**
 * A private hosted zone the shard owns, created with the shard's VPC: Route 53 creates a private
 * zone only with a VPC (`VPC` is required for a private zone in CreateHostedZone). The zone keeps
 * its VPC list out of Pulumi's diff (`ignoreChanges`), so associations declared elsewhere as
 * `ZoneAssociation` resources (a recovery network, an application VPC) are not undone; the
 * provider documents that in-line VPCs and separate associations otherwise fight.
 * Sources: https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateHostedZone.html,
 * https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/route53_zone
 *
 * Child: `<shard>-zone`.
 */
export function createShardZone(
    scope: ShardScope,
    dns: ShardDns,
    vpcId: pulumi.Input<string>,
): aws.route53.Zone {
    return new aws.route53.Zone(
        `${scope.name}-zone`,
        {
            name: dns.zoneName,
            comment: `Names of geoshard shard ${scope.name}`,
            vpcs: [{ vpcId, vpcRegion: scope.region }],
            tags: scope.tags("dns", "zone"),
        },
        { parent: scope.parent, provider: dns.provider, ignoreChanges: ["vpcs"] },
    );
}

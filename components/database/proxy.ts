/**
 * RDS Proxy in front of a shard's writer: it pools connections and keeps clients connected
 * through a failover, moving them to the new writer without waiting for DNS. CDC never uses it:
 * a proxy does not carry PostgreSQL's replication protocol.
 * Sources: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy.howitworks.html,
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy.html (limitations).
 *
 * Children: `<shard>-proxy`, its role and policy, its security group and rules, its target group
 * and target.
 */

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { postgresPort } from "../defaults";
import { admitSecurityGroups } from "../network";
import { assumableFor } from "../security";
import { DatabaseTier, ShardScope } from "./tier";

export interface ProxyArgs {
    readonly tier: DatabaseTier;
    readonly accountId: pulumi.Output<string>;
    readonly credentialsSecretArn: pulumi.Output<string>;
    readonly vpcId: pulumi.Input<string>;
    readonly subnetIds: pulumi.Input<string>[];
    /** Networks admitted to the proxy: the shard's allowed CIDRs. */
    readonly allowedCidrs: readonly string[];
    /** Security groups admitted beside the networks, by label. */
    readonly allowedSecurityGroups?: Readonly<Record<string, pulumi.Input<string>>>;
    readonly dbSecurityGroupId: pulumi.Output<string>;
}

/** The proxy's endpoint: the host name applications write through. */
export function createProxy(scope: ShardScope, args: ProxyArgs): pulumi.Output<string> {
    const { name, parent } = scope;
    const role = new aws.iam.Role(
        `${name}-proxy-role`,
        {
            description: `RDS Proxy of geoshard shard ${name}: reads the master credentials`,
            assumeRolePolicy: assumableFor("rds.amazonaws.com", args.accountId),
            tags: scope.tags("proxy", "proxy-role"),
        },
        { parent },
    );
    const policy = new aws.iam.RolePolicy(
        `${name}-proxy-policy`,
        {
            role: role.name,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "ReadCredentials",
                        Effect: "Allow",
                        Action: "secretsmanager:GetSecretValue",
                        Resource: args.credentialsSecretArn,
                    },
                    {
                        Sid: "DecryptCredentials",
                        Effect: "Allow",
                        Action: "kms:Decrypt",
                        Resource: scope.key.arn,
                        Condition: {
                            StringEquals: {
                                "kms:ViaService": `secretsmanager.${scope.region}.amazonaws.com`,
                            },
                        },
                    },
                ],
            }),
        },
        { parent },
    );

    const group = new aws.ec2.SecurityGroup(
        `${name}-proxy-sg`,
        {
            vpcId: args.vpcId,
            description: `RDS Proxy of geoshard shard ${name}`,
            tags: scope.tags("security", "proxy-sg"),
        },
        { parent },
    );
    for (const cidr of args.allowedCidrs) {
        new aws.vpc.SecurityGroupIngressRule(
            `${name}-proxy-from-${cidr.replace(/[./]/g, "-")}`,
            {
                securityGroupId: group.id,
                description: `PostgreSQL clients from ${cidr}`,
                ipProtocol: "tcp",
                fromPort: postgresPort,
                toPort: postgresPort,
                cidrIpv4: cidr,
                tags: scope.tags("security", "proxy-ingress"),
            },
            { parent },
        );
    }
    // Clients that reach the database by security group reach the proxy the same way.
    admitSecurityGroups(
        group,
        `${name}-proxy-sg`,
        "PostgreSQL clients",
        args.allowedSecurityGroups,
        scope.tags("security", "proxy-ingress"),
        { parent },
    );
    new aws.vpc.SecurityGroupEgressRule(
        `${name}-proxy-to-database`,
        {
            securityGroupId: group.id,
            description: "PostgreSQL on the shard database",
            ipProtocol: "tcp",
            fromPort: postgresPort,
            toPort: postgresPort,
            referencedSecurityGroupId: args.dbSecurityGroupId,
            tags: scope.tags("security", "proxy-egress"),
        },
        { parent },
    );
    new aws.vpc.SecurityGroupIngressRule(
        `${name}-database-from-proxy`,
        {
            securityGroupId: args.dbSecurityGroupId,
            description: "PostgreSQL from the shard RDS Proxy",
            ipProtocol: "tcp",
            fromPort: postgresPort,
            toPort: postgresPort,
            referencedSecurityGroupId: group.id,
            tags: scope.tags("security", "database-from-proxy"),
        },
        { parent },
    );

    const proxy = new aws.rds.Proxy(
        `${name}-proxy`,
        {
            name: scope.identifier("proxy"),
            engineFamily: "POSTGRESQL",
            roleArn: role.arn,
            vpcSubnetIds: args.subnetIds,
            vpcSecurityGroupIds: [group.id],
            requireTls: true,
            idleClientTimeout: 1800,
            debugLogging: false,
            auths: [
                {
                    authScheme: "SECRETS",
                    secretArn: args.credentialsSecretArn,
                    iamAuth: "DISABLED",
                    clientPasswordAuthType: "POSTGRES_SCRAM_SHA_256",
                    description: "The shard's master credentials",
                },
            ],
            tags: scope.tags("proxy"),
        },
        { parent, dependsOn: [policy] },
    );
    const targetGroup = new aws.rds.ProxyDefaultTargetGroup(
        `${name}-proxy-target-group`,
        {
            dbProxyName: proxy.name,
            connectionPoolConfig: {
                // Leave a tenth of max_connections for CDC, operators and the failover.
                maxConnectionsPercent: 90,
                maxIdleConnectionsPercent: 50,
                connectionBorrowTimeout: 120,
            },
        },
        { parent },
    );
    new aws.rds.ProxyTarget(
        `${name}-proxy-target`,
        {
            dbProxyName: proxy.name,
            targetGroupName: targetGroup.name,
            ...args.tier.proxyTarget,
        },
        { parent, dependsOn: [args.tier.writerReady] },
    );
    return proxy.endpoint;
}

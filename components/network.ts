import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { subdivide } from "../config/cidr";
import { postgresPort } from "./defaults";

export interface PrivateNetwork {
    readonly vpcId: pulumi.Output<string>;
    readonly subnetIds: pulumi.Output<string>[];
    readonly routeTableId: pulumi.Output<string>;
}

/**
 * A VPC with one private subnet per AZ and a route table of its own (no internet route), its
 * default security group emptied so nothing can use it by accident. Children are named
 * `<name>-vpc`, `<name>-subnet-<az>`...: keyed by AZ, never by position.
 */
export function privateNetwork(
    parent: pulumi.Resource,
    name: string,
    cidr: string,
    azs: readonly string[],
    tags: (resource: string) => Record<string, string>,
    provider?: aws.Provider,
): PrivateNetwork {
    const opts = { parent, provider };
    const vpc = new aws.ec2.Vpc(
        `${name}-vpc`,
        { cidrBlock: cidr, enableDnsSupport: true, enableDnsHostnames: true, tags: tags("vpc") },
        opts,
    );
    new aws.ec2.DefaultSecurityGroup(
        `${name}-default-sg`,
        { vpcId: vpc.id, tags: tags("default-sg") },
        opts,
    );
    const routeTable = new aws.ec2.RouteTable(
        `${name}-private-routes`,
        { vpcId: vpc.id, tags: tags("private-routes") },
        opts,
    );
    // Four equal blocks, one per AZ (at most three used), so the subnet of an AZ keeps its CIDR
    // whatever the region's AZ count.
    const cidrs = subdivide(cidr, 2, azs.length);
    const subnetIds = azs.map((az, i) => {
        const subnet = new aws.ec2.Subnet(
            `${name}-subnet-${az}`,
            {
                vpcId: vpc.id,
                cidrBlock: cidrs[i],
                availabilityZone: az,
                mapPublicIpOnLaunch: false,
                tags: tags(`subnet-${az}`),
            },
            opts,
        );
        new aws.ec2.RouteTableAssociation(
            `${name}-subnet-${az}-routes`,
            { subnetId: subnet.id, routeTableId: routeTable.id },
            opts,
        );
        return subnet.id;
    });
    return { vpcId: vpc.id, subnetIds, routeTableId: routeTable.id };
}

/**
 * A database security group that admits PostgreSQL from the given networks only, with no egress
 * (RDS needs none). Children: `<name>-db-sg` and `<name>-postgres-from-<cidr>`, one rule a network,
 * keyed by its CIDR.
 */
export function postgresSecurityGroup(
    parent: pulumi.Resource,
    name: string,
    args: {
        readonly vpcId: pulumi.Input<string>;
        readonly description: string;
        readonly allowedCidrs: readonly string[];
        /** Security groups admitted beside the networks, by a stable label. @default - none */
        readonly allowedSecurityGroups?: Readonly<Record<string, pulumi.Input<string>>>;
        readonly tags: (resource: string) => Record<string, string>;
    },
    provider?: aws.Provider,
): aws.ec2.SecurityGroup {
    const opts = { parent, provider };
    const group = new aws.ec2.SecurityGroup(
        `${name}-db-sg`,
        { vpcId: args.vpcId, description: args.description, tags: args.tags("db-sg") },
        opts,
    );
    for (const cidr of new Set(args.allowedCidrs)) {
        new aws.vpc.SecurityGroupIngressRule(
            `${name}-postgres-from-${cidr.replace(/[./]/g, "-")}`,
            {
                securityGroupId: group.id,
                description: `PostgreSQL from ${cidr}`,
                ipProtocol: "tcp",
                fromPort: postgresPort,
                toPort: postgresPort,
                cidrIpv4: cidr,
                tags: args.tags("postgres-ingress"),
            },
            opts,
        );
    }
    admitSecurityGroups(
        group,
        `${name}-postgres-sg`,
        "PostgreSQL",
        args.allowedSecurityGroups,
        args.tags("postgres-ingress"),
        opts,
    );
    return group;
}

/**
 * Rules admitting PostgreSQL from other security groups, one a group, named
 * `<prefix>-<label>`. A rule may reference a group of the same VPC, or of a VPC peered with it in
 * the same region; a peer in another region is reached by its CIDR instead.
 * Source: https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-security-groups.html
 */
export function admitSecurityGroups(
    group: aws.ec2.SecurityGroup,
    prefix: string,
    what: string,
    groups: Readonly<Record<string, pulumi.Input<string>>> | undefined,
    tags: Record<string, string>,
    opts: pulumi.CustomResourceOptions,
): void {
    for (const [label, id] of Object.entries(groups ?? {})) {
        new aws.vpc.SecurityGroupIngressRule(
            `${prefix}-${label}`,
            {
                securityGroupId: group.id,
                description: `${what} from security group ${label}`,
                ipProtocol: "tcp",
                fromPort: postgresPort,
                toPort: postgresPort,
                referencedSecurityGroupId: id,
                tags,
            },
            opts,
        );
    }
}

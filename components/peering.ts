/**
 * The network path between a shard's home VPC and its recovery VPC, and how many VPC peering
 * connections each VPC of a stack takes part in.
 *
 * Why peering, and not a Transit Gateway: each shard needs exactly one path, between two VPCs it
 * owns, so a peering connection per shard is the whole mesh. A peering connection has no hourly
 * charge; traffic across regions pays the inter-region data transfer rate. A Transit Gateway
 * adds an hourly charge per attachment, a charge per GB it processes, and an inter-region
 * peering attachment between two gateways, for a path nobody else shares.
 * Sources: https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/vpc-peering.html,
 * https://aws.amazon.com/transit-gateway/pricing/, https://aws.amazon.com/vpc/pricing/
 *
 * Children, all parented on the shard: `<shard>-recovery-peering` (requester, home region),
 * `<shard>-recovery-peering-accept` (accepter, recovery region), `<shard>-route-to-recovery`
 * (home route table, unless the VPC is an existing one) and `<shard>-recovery-route-to-home`.
 */

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * The most active VPC peering connections one VPC may take part in: a hard ceiling. The default
 * quota is 50 ("Active VPC peering connections per VPC", quota code L-7E9ECCDB), adjustable up
 * to 125 by a quota request, and no further.
 * Sources: https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-connection-quotas.html,
 * https://docs.aws.amazon.com/general/latest/gr/vpc-service.html
 */
export const maxPeeringConnectionsPerVpc = 125;

/** The default quota of active peering connections per VPC, before a quota request. */
export const defaultPeeringConnectionsPerVpc = 50;

/**
 * Peering connections each VPC of a stack takes part in. The warehouse VPC peers with every
 * shard's home VPC and every recovery VPC (CDC reaches the writer wherever it is); a home VPC
 * peers with the warehouse and, with a recovery copy, with its recovery VPC; a recovery VPC with
 * the warehouse and its home VPC. An existing VPC may hold peerings of its own, which no config
 * shows.
 */
export function peeringConnectionsPerVpc(
    shards: readonly { readonly name: string; readonly dr?: unknown }[],
): { readonly vpc: string; readonly connections: number }[] {
    const copies = shards.filter((s) => s.dr !== undefined).length;
    return [
        { vpc: "warehouse", connections: shards.length + copies },
        ...shards.flatMap((s) =>
            s.dr !== undefined
                ? [
                      { vpc: `${s.name} (home)`, connections: 2 },
                      { vpc: `${s.name} (recovery)`, connections: 2 },
                  ]
                : [{ vpc: `${s.name} (home)`, connections: 1 }],
        ),
    ];
}

/** One side of the home-recovery peering. */
export interface PeeredSide {
    readonly region: string;
    readonly vpcId: pulumi.Input<string>;
    readonly cidr: string;
    /** Its private route table; undefined for an existing VPC, whose owner adds the route. */
    readonly routeTableId?: pulumi.Input<string>;
    /** Its region's provider; the parent's (the shard's home provider) when undefined. */
    readonly provider?: aws.Provider;
}

/** The path between a shard's home and recovery networks, in plain data. */
export interface RecoveryNetworkSummary {
    /** How the two networks are joined: `inter-region VPC peering`. */
    readonly path: string;
    /** The home network: `us-east-1 10.10.0.0/16`. */
    readonly home: string;
    /** The recovery network: `us-west-1 10.11.0.0/16`. */
    readonly recovery: string;
    /** The routes the stack declares through the peering: `us-east-1 10.10.0.0/16 -> 10.11.0.0/16`. */
    readonly routes: readonly string[];
    /** What the stack cannot declare and someone must do: an existing VPC's route. */
    readonly gaps: readonly string[];
    /** The shard's VPCs associated with the private zone, so the names resolve in them. */
    readonly zoneAssociations: readonly string[];
}

export interface RecoveryPeering {
    readonly peeringId: pulumi.Output<string>;
    readonly summary: Omit<RecoveryNetworkSummary, "zoneAssociations">;
}

/**
 * An inter-region peering connection from the home VPC to the recovery VPC, accepted in the
 * recovery region, with a route each way. Rules of the API and the provider:
 * - the requester names the other region (`peerRegion`) and cannot accept its own request
 *   across regions: `autoAccept` on the requester is for one account and one region only, so a
 *   `VpcPeeringConnectionAccepter` with the recovery region's provider accepts it
 *   (@pulumi/aws ec2.VpcPeeringConnection `peerRegion`: "`autoAccept` must be `false`, and use
 *   the `aws.ec2.VpcPeeringConnectionAccepter` to manage the accepter side");
 * - routes wait for the acceptance: a route through a connection that is not active fails.
 * Private RDS endpoints resolve to private addresses from anywhere, so no DNS option of the
 * connection is needed.
 * Sources: https://docs.aws.amazon.com/vpc/latest/peering/create-vpc-peering-connection.html,
 * https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-routing.html
 */
export function peerHomeWithRecovery(
    parent: pulumi.Resource,
    name: string,
    home: PeeredSide,
    recovery: PeeredSide & { readonly provider: aws.Provider },
    tags: (role: string, resource: string) => Record<string, string>,
): RecoveryPeering {
    const peering = new aws.ec2.VpcPeeringConnection(
        `${name}-recovery-peering`,
        {
            vpcId: home.vpcId,
            peerVpcId: recovery.vpcId,
            peerRegion: recovery.region,
            tags: tags("network", "recovery-peering"),
        },
        { parent, provider: home.provider },
    );
    const accepter = new aws.ec2.VpcPeeringConnectionAccepter(
        `${name}-recovery-peering-accept`,
        {
            vpcPeeringConnectionId: peering.id,
            autoAccept: true,
            tags: tags("network", "recovery-peering"),
        },
        { parent, provider: recovery.provider },
    );
    const routes: string[] = [];
    const gaps: string[] = [];
    const route = (resource: string, from: PeeredSide, to: PeeredSide) => {
        if (from.routeTableId === undefined) {
            gaps.push(
                `the owner of the existing VPC in ${from.region} routes ${to.cidr} through ` +
                    `the peering ${tags("network", "recovery-peering").Name}`,
            );
            return;
        }
        new aws.ec2.Route(
            resource,
            {
                routeTableId: from.routeTableId,
                destinationCidrBlock: to.cidr,
                vpcPeeringConnectionId: peering.id,
            },
            { parent, provider: from.provider, dependsOn: [accepter] },
        );
        routes.push(`${from.region} ${from.cidr} -> ${to.cidr}`);
    };
    route(`${name}-route-to-recovery`, home, recovery);
    route(`${name}-recovery-route-to-home`, recovery, home);
    return {
        peeringId: peering.id,
        summary: {
            path: "inter-region VPC peering",
            home: `${home.region} ${home.cidr}`,
            recovery: `${recovery.region} ${recovery.cidr}`,
            routes,
            gaps,
        },
    };
}

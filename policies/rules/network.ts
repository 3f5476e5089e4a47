/**
 * Rules on the networks a stack joins: no VPC takes part in more peering connections than AWS
 * allows.
 */

import { StackValidationPolicy } from "@pulumi/policy";
import { maxPeeringConnectionsPerVpc } from "../../components/peering";

const peeringType = "aws:ec2/vpcPeeringConnection:VpcPeeringConnection";

/**
 * A VPC takes part in at most 125 active peering connections, a hard limit; the connection past
 * it fails at `up`, half deployed. Config refuses such a fleet; this rule holds any program to
 * it. It counts the peering connections the stack declares, on either side, by VPC id: IDs not
 * known yet (a preview before the VPCs exist) are not counted, and an existing VPC's own
 * peerings outside the stack are not seen.
 * Source: https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-connection-quotas.html
 */
export const vpcPeeringLimit: StackValidationPolicy = {
    name: "vpc-peering-limit",
    description: `No VPC takes part in more than ${maxPeeringConnectionsPerVpc} VPC peering connections, AWS's limit per VPC.`,
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const counts = new Map<string, number>();
        for (const peering of args.resources.filter((r) => r.type === peeringType)) {
            for (const vpc of [peering.props.vpcId, peering.props.peerVpcId]) {
                if (typeof vpc === "string" && vpc !== "") {
                    counts.set(vpc, (counts.get(vpc) ?? 0) + 1);
                }
            }
        }
        for (const [vpc, count] of counts) {
            if (count > maxPeeringConnectionsPerVpc) {
                report(
                    `VPC ${vpc} takes part in ${count} VPC peering connections; AWS allows at most ${maxPeeringConnectionsPerVpc} per VPC: give fewer shards a recovery copy, or move shards to an environment with a warehouse of its own.`,
                );
            }
        }
    },
};

export const networkPolicies = [vpcPeeringLimit];

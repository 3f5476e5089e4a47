/**
 * Entry point of a shard's failover Lambda, invoked directly by the shard's "master can take
 * writes" alarm. The configuration is read from the environment once, at cold start, so a bad
 * variable fails the function's initialisation with a message naming it.
 */

import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { RDSClient } from "@aws-sdk/client-rds";
import { Route53Client } from "@aws-sdk/client-route-53";
import { SNSClient } from "@aws-sdk/client-sns";
import type { CloudWatchAlarmEvent } from "aws-lambda";
import { handleAlarm, parseConfig, PromoterClients, PromotionOutcome } from "./promoter";

const config = parseConfig(process.env);

// With no region given, each client takes the Lambda runtime's AWS_REGION.
const clients: PromoterClients = {
    rds: new RDSClient({}),
    cloudwatch: new CloudWatchClient({}),
    sns: new SNSClient({}),
    route53: new Route53Client({}),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** The Lambda handler: decides, and acts on, one alarm state-change event. */
export const handler = (event: CloudWatchAlarmEvent): Promise<PromotionOutcome> =>
    handleAlarm(event, config, clients);

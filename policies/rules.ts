/**
 * Every geoshard rule, exported together. Tests and the offline plan import this module; only
 * `policies/index.ts` builds the PolicyPack (constructing one starts a policy server).
 */

import { Policies } from "@pulumi/policy";
import { monthlyBudget } from "./rules/budget";
import { dataPolicies } from "./rules/data";
import { deployTimePolicies } from "./rules/deployTime";
import { dnsPolicies } from "./rules/dns";
import { networkPolicies } from "./rules/network";
import { rdsPolicies } from "./rules/rds";
import { recoveryPolicies } from "./rules/recovery";
import { stackPolicies } from "./rules/shards";
import { tagPolicies } from "./rules/tags";

export const policies: Policies = [
    ...rdsPolicies,
    ...recoveryPolicies.resource,
    ...dataPolicies,
    ...dnsPolicies,
    ...tagPolicies,
    ...stackPolicies,
    ...recoveryPolicies.stack,
    ...networkPolicies,
    ...deployTimePolicies,
    monthlyBudget,
];

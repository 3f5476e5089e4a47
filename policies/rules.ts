/**
 * Every geoshard rule, exported together. Tests and the offline plan import this module; only
 * `policies/index.ts` builds the PolicyPack (constructing one starts a policy server).
 */

import { Policies } from "@pulumi/policy";
import { dataPolicies } from "./rules/data";
import { deployTimePolicies, pendingDeployRules } from "./rules/deployTime";
import { dnsPolicies } from "./rules/dns";
import { rdsPolicies } from "./rules/rds";
import { stackPolicies } from "./rules/shards";
import { tagPolicies } from "./rules/tags";

export const policies: Policies = [
    ...rdsPolicies,
    ...dataPolicies,
    ...dnsPolicies,
    ...tagPolicies,
    ...stackPolicies,
    ...deployTimePolicies,
];

/**
 * Deploy-time rules that the database tier's rewrite makes pass; not enforced until then.
 * Merge into `policies` with that rewrite: see policies/rules/deployTime.ts.
 */
export { pendingDeployRules };

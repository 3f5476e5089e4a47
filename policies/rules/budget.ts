/**
 * The monthly budget: an advisory stack rule that reports when the estimated monthly cost
 * exceeds `maxMonthlyUsd`. Resources alone do not carry a bill, so the rule takes the estimate
 * from a function: `monthlyBudgetPolicy(estimate)` builds the rule around any source, and
 * `monthlyBudget` reads the estimate the offline plan computes and passes in the rule's config:
 *
 *     { "monthly-budget": { "maxMonthlyUsd": 46000, "estimatedMonthlyUsd": 47305.91,
 *                           "unpriced": [...], "incomplete": [...] } }
 *
 * An estimate that leaves out an instance-hour, storage, I/O or backup line (`incomplete`) is a
 * floor: the rule reports that as a finding of its own, whatever the figure, so a bill that
 * leaves out instances is never within budget. Without a budget or an estimate the rule does
 * not apply. Importing this module starts nothing.
 */

import { StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { checkBudget, checkComplete } from "../../pricing/budget";

export { checkBudget, checkComplete };

/** An estimate as the rule needs it: the total and what the total leaves out. */
export interface BudgetEstimate {
    readonly monthlyUsd: number;
    /** Items without a price, not counted in `monthlyUsd`. */
    readonly unpriced: readonly string[];
    /** The instance-hour, storage, I/O or backup items among them. @default none */
    readonly incomplete?: readonly string[];
}

export interface BudgetConfig {
    readonly maxMonthlyUsd?: number;
    readonly estimatedMonthlyUsd?: number;
    readonly unpriced?: readonly string[];
    readonly incomplete?: readonly string[];
}

/** The budget rule around a source of estimates; undefined from the source means none is known. */
export function monthlyBudgetPolicy(
    estimate: (args: StackValidationArgs) => BudgetEstimate | undefined,
): StackValidationPolicy {
    return {
        name: "monthly-budget",
        description:
            "The estimated monthly cost (on-demand list prices, see docs/cost.md) prices every instance, storage, I/O and backup line and stays within maxMonthlyUsd.",
        enforcementLevel: "advisory",
        configSchema: {
            properties: {
                maxMonthlyUsd: { type: "number", exclusiveMinimum: 0 },
                estimatedMonthlyUsd: { type: "number", minimum: 0 },
                unpriced: { type: "array", items: { type: "string" } },
                incomplete: { type: "array", items: { type: "string" } },
            },
        },
        validateStack: (args, report) => {
            const { maxMonthlyUsd } = args.getConfig<BudgetConfig>();
            if (maxMonthlyUsd === undefined) {
                args.notApplicable("no maxMonthlyUsd is configured");
            }
            const known = estimate(args);
            if (known === undefined) {
                args.notApplicable("no cost estimate is available");
            }
            const incomplete = checkComplete(
                known!.monthlyUsd,
                maxMonthlyUsd!,
                known!.incomplete ?? [],
            );
            if (incomplete) {
                report(incomplete);
            }
            const finding = checkBudget(known!.monthlyUsd, maxMonthlyUsd!, known!.unpriced);
            if (finding) {
                report(finding);
            }
        },
    };
}

/** The estimate the plan puts in the rule's config, if it did. */
export function estimateFromConfig(args: StackValidationArgs): BudgetEstimate | undefined {
    const { estimatedMonthlyUsd, unpriced, incomplete } = args.getConfig<BudgetConfig>();
    return estimatedMonthlyUsd === undefined
        ? undefined
        : {
              monthlyUsd: estimatedMonthlyUsd,
              unpriced: unpriced ?? [],
              incomplete: incomplete ?? [],
          };
}

export const monthlyBudget: StackValidationPolicy = monthlyBudgetPolicy(estimateFromConfig);

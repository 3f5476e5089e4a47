/** The budget check: pure, shared by the cost table and the policy pack's budget rule. */

import { usd } from "./format";

/**
 * A finding when the estimate exceeds the budget, else undefined. Unpriced items are named by
 * count: they are left out of the estimate, so the real bill is higher still.
 */
export function checkBudget(
    estimateUsd: number,
    maxMonthlyUsd: number,
    unpriced: readonly string[] = [],
): string | undefined {
    if (!Number.isFinite(maxMonthlyUsd) || maxMonthlyUsd <= 0) {
        throw new RangeError(
            `maxMonthlyUsd must be a positive number of USD (it is ${maxMonthlyUsd})`,
        );
    }
    if (!Number.isFinite(estimateUsd) || estimateUsd < 0) {
        throw new RangeError(`the estimate must be a number of USD >= 0 (it is ${estimateUsd})`);
    }
    if (estimateUsd <= maxMonthlyUsd) {
        return undefined;
    }
    const over = estimateUsd - maxMonthlyUsd;
    const share = ((over / maxMonthlyUsd) * 100).toFixed(1);
    const leftOut =
        unpriced.length === 0
            ? ""
            : ` It leaves out ${unpriced.length} unpriced item${unpriced.length === 1 ? "" : "s"}, so the bill will be higher still.`;
    return (
        `The estimated monthly cost, $${usd(estimateUsd)}, exceeds the budget of ` +
        `$${usd(maxMonthlyUsd)} by $${usd(over)} (${share}%).${leftOut}`
    );
}

/**
 * A finding while the estimate leaves out an essential item (an instance-hour, storage, I/O or
 * backup line), else undefined. Such an estimate is a floor: however far below the budget, it
 * cannot show the stack within it, so it is never reported as within the budget.
 */
export function checkComplete(
    estimateUsd: number,
    maxMonthlyUsd: number,
    incomplete: readonly string[],
): string | undefined {
    if (incomplete.length === 0) {
        return undefined;
    }
    const n = incomplete.length;
    return (
        `The estimate is incomplete: ${n} instance, storage, I/O or backup item${n === 1 ? " is" : "s are"} ` +
        `unpriced (${incomplete.join("; ")}). The priced lines alone come to $${usd(estimateUsd)}, ` +
        `so it cannot show the stack within the budget of $${usd(maxMonthlyUsd)}.`
    );
}

/** Number formatting shared by the cost table, the budget rule and the cost document. */

/** Rounds to whole cents. */
export function cents(usd: number): number {
    return Math.round(usd * 100) / 100;
}

/** `12345.6` as `12,345.60`. */
export function usd(amount: number): string {
    const [whole, fraction] = Math.abs(amount).toFixed(2).split(".");
    const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return `${amount < 0 ? "-" : ""}${grouped}.${fraction}`;
}

/** A quantity with thousands separators and at most `digits` decimals: `3,810.6`. */
export function quantity(value: number, digits = 2): string {
    const rounded = Number(value.toFixed(digits));
    const [whole, fraction] = Math.abs(rounded).toString().split(".");
    const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return `${rounded < 0 ? "-" : ""}${grouped}${fraction ? `.${fraction}` : ""}`;
}

/**
 * A count and its noun, in the number the count takes: `1 reader`, `2 readers`, `0 violations`.
 * `many` is the plural when it is not the noun and an `s`.
 */
export function plural(count: number, noun: string, many: string = `${noun}s`): string {
    return `${count} ${count === 1 ? noun : many}`;
}

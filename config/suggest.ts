/** "Did you mean …?": the known word nearest a mistyped one. Pure functions. */

/** The Levenshtein distance: insertions, deletions and substitutions that turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            current[j] = Math.min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
            );
        }
        previous = current;
    }
    return previous[b.length];
}

/**
 * The known word nearest `word`, ignoring case, when it is near enough to be the one meant: at
 * most a third of its letters differ (at least 2 edits are always allowed). Undefined when no
 * known word is that close, or two are equally close.
 */
export function nearest(word: string, known: readonly string[]): string | undefined {
    const typed = word.toLowerCase();
    const limit = Math.max(2, Math.floor(typed.length / 3));
    let best: string | undefined;
    let bestDistance = Infinity;
    let tie = false;
    for (const candidate of known) {
        const distance = editDistance(typed, candidate.toLowerCase());
        if (distance < bestDistance) {
            [best, bestDistance, tie] = [candidate, distance, false];
        } else if (distance === bestDistance && candidate !== best) {
            tie = true;
        }
    }
    return bestDistance <= limit && !tie ? best : undefined;
}

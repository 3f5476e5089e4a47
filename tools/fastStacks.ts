/**
 * Speeds up programs run under the mock runtime several times over.
 *
 * The Pulumi SDK records `new Error().stack` for every promise it creates, to name the source
 * of a leaked promise at exit. Under ts-node each such stack is rewritten through source maps,
 * which dominated the run time. Those bare errors (no message) are only ever read by that leak
 * report, so they get a one-word stack; every other error keeps its source-mapped stack, so test
 * failures still point at the TypeScript line.
 */

const sourceMapped = Error.prepareStackTrace;

Error.prepareStackTrace = (error, callSites) =>
    error.message === "" && error.name === "Error"
        ? "Error (stack not recorded under the mock runtime)"
        : sourceMapped
          ? sourceMapped(error, callSites)
          : `${error}\n${callSites.map((site) => `    at ${site}`).join("\n")}`;

/**
 * Runs `work` with stack capture off: the SDK's per-promise `new Error()` then costs almost
 * nothing, which halves a program run under the mocks again. Errors thrown meanwhile carry their
 * message but no stack; set GEOSHARD_STACKS=1 to keep stacks while debugging the program itself.
 */
export async function withoutStacks<T>(work: () => Promise<T>): Promise<T> {
    if (process.env.GEOSHARD_STACKS) {
        return work();
    }
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
        return await work();
    } finally {
        Error.stackTraceLimit = limit;
    }
}

/**
 * The cost model: AWS list prices with their sources and dates (`prices.json`), the usage
 * assumptions that turn them into a monthly bill, a pure estimator per shard and per stack, the
 * engine comparison, and text views. See docs/cost.md.
 */

export * from "./budget";
export * from "./catalog";
export * from "./engines";
export * from "./estimate";
export * from "./render";
export * from "./usage";
export * from "./levers";

/**
 * An offline plan of any Pulumi program that uses the components: the program runs under the
 * mocks the project's own plan uses (`runProgramFunction`), and the policy pack is evaluated on
 * what it registered (`evaluatePolicies`), as `pulumi preview --policy-pack` would, without AWS,
 * credentials or a Pulumi backend.
 *
 *   const plan = await planProgram(program, { dir: __dirname, stack: "staging" });
 *   plan.policies.violations; // [] when the pack passes
 */

import * as fs from "fs";
import * as path from "path";
import { policies } from "../policies/rules";
import {
    Fixtures,
    Program,
    RecordedCall,
    RecordedResource,
    runProgramFunction,
} from "../tools/mockRuntime";
import {
    evaluatePolicies,
    hasMandatoryViolation,
    parsePolicyConfig,
    PolicyConfig,
    PolicyReport,
} from "../tools/policyEval";
import { readProjectFile, readStackConfig } from "../tools/stackConfig";

/** What an offline plan could not see: stated first by every report built from it. */
export const offlinePlanLimits =
    "Offline plan under Pulumi mocks: no AWS account was read. Computed values (ids, ARNs, " +
    "endpoints) are made up; AWS quotas and the state of deployed resources are not seen; policy " +
    "checks that meet a value unknown until deployment are skipped (listed in policies.skipped).";

export interface PlanProgramOptions {
    /**
     * The program's directory, holding its `Pulumi.yaml` and `Pulumi.<stack>.yaml`: the stack's
     * config is read from there as the Pulumi CLI hands it over (stack values over the project's
     * defaults), and the project's name is taken from it.
     * @default - none: only `config` is passed to the program
     */
    readonly dir?: string;
    /** The stack's name, as `pulumi.getStack()` returns it. @default "dev" */
    readonly stack?: string;
    /**
     * Config values by fully qualified key (`project:key`), as strings (structured values as
     * JSON), over the stack file's.
     * @default - none
     */
    readonly config?: Readonly<Record<string, string>>;
    /** The project's name, as `pulumi.getProject()` returns it. @default - `dir`'s Pulumi.yaml name, else "geoshard" */
    readonly project?: string;
    /**
     * The pack's config, as `--policy-pack-config` takes it: an object, or the path of a JSON
     * file, checked against the pack (unknown policies, levels and settings are refused).
     * @default - the pack's defaults
     */
    readonly policyConfig?: PolicyConfig | string;
    /** The mocked account: AZs, existing VPCs, stack references. @default - the mocks' own */
    readonly fixtures?: Fixtures;
}

export interface ProgramPlan {
    /** What this plan could not see (`offlinePlanLimits`). */
    readonly limits: string;
    readonly project: string;
    readonly stack: string;
    /** The program's stack outputs, resolved. */
    readonly outputs: Record<string, unknown>;
    /** Every registration, with its inputs and options, in registration order. */
    readonly resources: readonly RecordedResource[];
    /** Every data-source call, with its arguments. */
    readonly calls: readonly RecordedCall[];
    /** The policy pack's report on the resources. */
    readonly policies: PolicyReport;
    /** False when a mandatory policy is violated: `pulumi up --policy-pack` would stop. */
    readonly passed: boolean;
}

/**
 * Runs `program` under the mocks and evaluates the policy pack on it. Rejects with the program's
 * error (a `ProgramError`, whose `cause` is, for example, a component's `ResourceError`), or with
 * an Error naming a policy config the pack would not take.
 */
export async function planProgram(
    program: Program,
    options: PlanProgramOptions = {},
): Promise<ProgramPlan> {
    const stack = options.stack ?? "dev";
    const project =
        options.project ?? (options.dir ? readProjectFile(options.dir).name : "geoshard");
    const policyConfig = readPolicyConfig(options.policyConfig);
    const config = {
        ...(options.dir ? readStackConfig(stack, options.dir) : {}),
        ...options.config,
    };
    const run = await runProgramFunction(program, config, {
        stack,
        project,
        fixtures: options.fixtures,
    });
    const report = evaluatePolicies(run.resources, policies, policyConfig);
    return {
        limits: offlinePlanLimits,
        project,
        stack,
        outputs: run.outputs,
        resources: run.resources,
        calls: run.calls,
        policies: report,
        passed: !hasMandatoryViolation(report),
    };
}

function readPolicyConfig(value: PolicyConfig | string | undefined): PolicyConfig {
    if (value === undefined) {
        return {};
    }
    if (typeof value === "string") {
        return parsePolicyConfig(fs.readFileSync(value, "utf8"), policies, path.basename(value));
    }
    // An object is checked as a file would be, so a misspelt policy or setting is refused.
    return parsePolicyConfig(JSON.stringify(value), policies, "policyConfig");
}

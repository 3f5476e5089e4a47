/**
 * Runs the geoshard program under Pulumi's mock runtime: no cloud, no credentials, no CLI.
 * The offline plan and the unit tests both use it, so what the plan prints is what the tests check.
 */

import * as pulumi from "@pulumi/pulumi";
import { withoutStacks } from "./fastStacks";

export const mockAccountId = "123456789012";

/** A resource the program registered, with its inputs and the options the engine would see. */
export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly custom: boolean;
    readonly inputs: Record<string, any>;
    /** The region of the provider it was registered with; undefined for components and random. */
    readonly region?: string;
    /** URN of the parent resource. */
    readonly parent: string;
    readonly protect: boolean;
    /** URNs of the resources it depends on (explicit `dependsOn` and input dependencies). */
    readonly dependencies: readonly string[];
    /** The resource options the engine would act on, as the registration request carried them. */
    readonly options: RecordedOptions;
}

/**
 * The options of a registration that decide what an `up` does to a live resource. Empty lists and
 * `false` where the program set nothing.
 */
export interface RecordedOptions {
    readonly ignoreChanges: readonly string[];
    readonly replaceOnChanges: readonly string[];
    readonly deleteBeforeReplace: boolean;
    readonly retainOnDelete: boolean;
    /**
     * Each alias as the engine receives it: a URN, or a spec of the fields set, such as
     * `{ name: "old" }` or `{ type, parentUrn }`.
     */
    readonly aliases: readonly (string | Record<string, unknown>)[];
    /** The provider reference (`<provider urn>::<id>`); empty for components and the default. */
    readonly provider: string;
    /** URN of the resource whose deletion deletes this one (`deletedWith`); empty when unset. */
    readonly deletedWith: string;
    /** Explicit create/update/delete timeouts; absent when unset. */
    readonly customTimeouts?: { create?: string; update?: string; delete?: string };
}

export interface RecordedCall {
    readonly token: string;
    readonly inputs: Record<string, any>;
    readonly region?: string;
}

/** What the mocked AWS account looks like. */
export interface Fixtures {
    /** The standard AZs of each region. @default - realisticZones, then a, b and c */
    readonly zones?: Record<string, readonly string[]>;
    /** Existing subnets that `aws.ec2.getSubnet` finds. */
    readonly subnets?: Record<
        string,
        { vpcId: string; availabilityZone: string; cidrBlock: string }
    >;
    /** Outputs of other stacks, by `organization/project/stack`, for StackReferences. */
    readonly stackOutputs?: Record<string, Record<string, unknown>>;
}

/**
 * AZs as a new account sees them in the regions the stacks use. us-west-1 has only two, which is
 * the case the AZ rules must handle.
 */
export const realisticZones: Record<string, readonly string[]> = {
    "us-east-1": [
        "us-east-1a",
        "us-east-1b",
        "us-east-1c",
        "us-east-1d",
        "us-east-1e",
        "us-east-1f",
    ],
    "us-west-1": ["us-west-1a", "us-west-1c"],
    "eu-west-2": ["eu-west-2a", "eu-west-2b", "eu-west-2c"],
    "ap-southeast-1": ["ap-southeast-1a", "ap-southeast-1b", "ap-southeast-1c"],
};

/**
 * Zone IDs as one real account maps them: names map to physical zones differently in every
 * account. Here us-east-1a is the constrained use1-az3 and us-east-1b is use1-az6, so choosing by
 * name and choosing by ID give different answers, as they do in AWS.
 */
export const realisticZoneIds: Record<string, string> = {
    "us-east-1a": "use1-az3",
    "us-east-1b": "use1-az6",
    "us-east-1c": "use1-az1",
    "us-east-1d": "use1-az2",
    "us-east-1e": "use1-az4",
    "us-east-1f": "use1-az5",
    "us-west-1a": "usw1-az3",
    "us-west-1c": "usw1-az1",
    "eu-west-2a": "euw2-az2",
    "eu-west-2b": "euw2-az3",
    "eu-west-2c": "euw2-az1",
    "ap-southeast-1a": "apse1-az1",
    "ap-southeast-1b": "apse1-az2",
    "ap-southeast-1c": "apse1-az3",
};

/** The zone ID of an AZ name: the realistic mapping, else `<region>-az<n>` by the name's letter. */
export function zoneIdOf(name: string): string {
    return (
        realisticZoneIds[name] ??
        `${name.slice(0, -1)}-az${name.charCodeAt(name.length - 1) - "a".charCodeAt(0) + 1}`
    );
}

/** Records every registration and call, and answers them the way AWS would. */
export class GeoshardMocks implements pulumi.runtime.Mocks {
    readonly calls: RecordedCall[] = [];
    private readonly inputs = new Map<string, { inputs: Record<string, any>; provider?: string }>();

    constructor(private readonly fixtures: Fixtures = {}) {}

    newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
        this.inputs.set(`${args.type}::${args.name}`, {
            inputs: args.inputs,
            provider: args.provider,
        });
        const region = regionOfProvider(args.provider);
        if (args.type === "pulumi:pulumi:StackReference") {
            const outputs = this.fixtures.stackOutputs?.[args.inputs.name];
            if (!outputs) {
                throw new Error(`no stack ${args.inputs.name} in the mocked backend`);
            }
            return {
                id: args.inputs.name,
                state: { name: args.inputs.name, outputs, secretOutputNames: [] },
            };
        }
        if (args.type === "pulumi:providers:aws") {
            return { id: `provider-${args.inputs.region}`, state: args.inputs };
        }
        return { id: `${args.name}-id`, state: { ...args.inputs, ...computedState(args, region) } };
    }

    call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
        const region = regionOfProvider(args.provider);
        this.calls.push({ token: args.token, inputs: args.inputs, region });
        switch (args.token) {
            case "aws:index/getCallerIdentity:getCallerIdentity":
                return {
                    accountId: mockAccountId,
                    arn: `arn:aws:iam::${mockAccountId}:user/plan`,
                    userId: "AIDAPLAN",
                    id: mockAccountId,
                };
            case "aws:index/getPartition:getPartition":
                return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
            case "aws:index/getAvailabilityZones:getAvailabilityZones": {
                const names = this.zonesOf(region);
                return { names, zoneIds: names.map((name) => zoneIdOf(name)), id: region };
            }
            case "aws:ec2/getSubnet:getSubnet": {
                const subnet = this.fixtures.subnets?.[args.inputs.id];
                if (!subnet) {
                    throw new Error(`no subnet ${args.inputs.id} in the mocked account`);
                }
                return { id: args.inputs.id, ...subnet };
            }
            default:
                // A data source the mocks do not model must not pass unseen.
                throw new Error(`unmocked invoke ${args.token}`);
        }
    }

    /** Inputs and provider recorded for a resource, by type and name. */
    inputsOf(
        type: string,
        name: string,
    ): { inputs: Record<string, any>; provider?: string } | undefined {
        return this.inputs.get(`${type}::${name}`);
    }

    private zonesOf(region: string | undefined): readonly string[] {
        if (!region) {
            throw new Error("getAvailabilityZones was called without a regional provider");
        }
        return (
            this.fixtures.zones?.[region] ??
            realisticZones[region] ??
            ["a", "b", "c"].map((s) => region + s)
        );
    }
}

/** The output properties AWS computes for the resource types the program reads back. */
function computedState(
    args: pulumi.runtime.MockResourceArgs,
    region: string | undefined,
): Record<string, any> {
    const { type, name, inputs } = args;
    const arnOf = (service: string, resource: string) =>
        `arn:aws:${service}:${region ?? ""}:${mockAccountId}:${resource}`;
    switch (type) {
        case "aws:rds/instance:Instance": {
            const address = `${inputs.identifier}.c0ffee12abcd.${region}.rds.amazonaws.com`;
            return {
                address,
                endpoint: `${address}:5432`,
                port: 5432,
                arn: arnOf("rds", `db:${inputs.identifier}`),
                storageEncrypted: inputs.storageEncrypted ?? Boolean(inputs.replicateSourceDb),
            };
        }
        case "aws:rds/cluster:Cluster": {
            const host = `${inputs.clusterIdentifier}.cluster-c0ffee12abcd.${region}.rds.amazonaws.com`;
            return {
                endpoint: host,
                readerEndpoint: host.replace(".cluster-", ".cluster-ro-"),
                port: 5432,
                arn: arnOf("rds", `cluster:${inputs.clusterIdentifier}`),
            };
        }
        case "aws:rds/globalCluster:GlobalCluster":
            return {
                endpoint: `${inputs.globalClusterIdentifier}.global-c0ffee12abcd.global.rds.amazonaws.com`,
                arn: `arn:aws:rds::${mockAccountId}:global-cluster:${inputs.globalClusterIdentifier}`,
            };
        case "aws:rds/clusterInstance:ClusterInstance":
            return {
                endpoint: `${inputs.identifier}.c0ffee12abcd.${region}.rds.amazonaws.com`,
                port: 5432,
                arn: arnOf("rds", `db:${inputs.identifier}`),
            };
        case "aws:rds/clusterEndpoint:ClusterEndpoint":
            return {
                endpoint: `${inputs.clusterEndpointIdentifier}.cluster-custom-c0ffee12abcd.${region}.rds.amazonaws.com`,
                arn: arnOf("rds", `cluster-endpoint:${inputs.clusterEndpointIdentifier}`),
            };
        case "aws:rds/proxy:Proxy":
            return {
                endpoint: `${inputs.name}.proxy-c0ffee12abcd.${region}.rds.amazonaws.com`,
                arn: arnOf("rds", `db-proxy:prx-${inputs.name}`),
            };
        case "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup":
            // Every proxy has one target group, named `default`.
            return { name: "default", arn: arnOf("rds", `target-group:${inputs.dbProxyName}`) };
        case "aws:rds/clusterParameterGroup:ClusterParameterGroup":
            return { name: `${name}-0a1b2c3`, arn: arnOf("rds", `cluster-pg:${name}-0a1b2c3`) };
        case "aws:kms/key:Key":
            return { arn: arnOf("kms", `key/${name}`), keyId: `${name}-key-id` };
        case "aws:iam/role:Role":
            return { arn: `arn:aws:iam::${mockAccountId}:role/${name}`, name };
        case "aws:secretsmanager/secret:Secret":
            return { arn: arnOf("secretsmanager", `secret:${inputs.name}-AbCdEf`) };
        case "aws:rds/parameterGroup:ParameterGroup":
            return { name: `${name}-0a1b2c3`, arn: arnOf("rds", `pg:${name}-0a1b2c3`) };
        case "aws:rds/subnetGroup:SubnetGroup":
            return { arn: arnOf("rds", `subgrp:${inputs.name}`) };
        case "random:index/randomPassword:RandomPassword":
            return { result: "mock-password-not-secret" };
        case "aws:cloudwatch/logGroup:LogGroup":
            return { arn: arnOf("logs", `log-group:${inputs.name}`) };
        case "aws:cloudwatch/metricAlarm:MetricAlarm":
            return { arn: arnOf("cloudwatch", `alarm:${inputs.name}`) };
        case "aws:lambda/function:Function":
            return { arn: arnOf("lambda", `function:${inputs.name}`) };
        case "aws:s3/bucket:Bucket":
            return { arn: `arn:aws:s3:::${inputs.bucket}`, bucket: inputs.bucket };
        case "aws:kinesis/stream:Stream":
            return { arn: arnOf("kinesis", `stream/${inputs.name}`) };
        case "aws:dms/endpoint:Endpoint":
            return { endpointArn: arnOf("dms", `endpoint:${inputs.endpointId}`) };
        case "aws:route53/zone:Zone":
            return {
                zoneId: `Z${name.toUpperCase().replace(/-/g, "")}`,
                arn: `arn:aws:route53:::hostedzone/${name}`,
            };
        case "aws:cloudwatch/eventRule:EventRule":
            return { arn: arnOf("events", `rule/${inputs.name}`) };
        case "aws:route53/healthCheck:HealthCheck":
            return { arn: `arn:aws:route53:::healthcheck/${name}` };
        default: {
            // Most AWS resources compute an ARN; the module of the type token stands in for the
            // service, the Pulumi name for the resource.
            const module = /^aws:([a-z0-9]+)\//.exec(type)?.[1];
            return module ? { arn: arnOf(module, inputs.name ?? name) } : {};
        }
    }
}

/** Provider references read `urn::id`; the mocks give each regional provider the id `provider-<region>`. */
function regionOfProvider(provider: string | undefined): string | undefined {
    const match = provider ? /::provider-([a-z0-9-]+)$/.exec(provider) : null;
    return match ? match[1] : undefined;
}

export interface ProgramRun {
    readonly outputs: Record<string, unknown>;
    readonly resources: readonly RecordedResource[];
    readonly calls: readonly RecordedCall[];
    /**
     * What the program logged with `pulumi.log.warn`, which the engine would show: kept here,
     * for the caller to print, rather than on the console.
     */
    readonly warnings?: readonly string[];
}

/**
 * Runs `index.ts` for a stack with the given `geoshard:` config (values as Pulumi passes them:
 * strings, structured values as JSON) and returns its outputs and every registration, once all of
 * them are done. Rejects with the program's error, such as invalid config.
 */
export function runProgram(
    config: Record<string, string>,
    options: { stack?: string; fixtures?: Fixtures } = {},
): Promise<ProgramRun> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return runProgramFunction(() => require("../index")(), config, options);
}

/** A Pulumi program as the Node.js runtime calls it: its stack outputs, or nothing. */
export type Program = () =>
    Promise<Record<string, unknown> | void> | Record<string, unknown> | void;

/**
 * Runs any program the way `runProgram` runs `index.ts`: another program that imports the
 * component, or a test's own. `project` names the project whose config the program reads.
 */
export function runProgramFunction(
    program: Program,
    config: Record<string, string>,
    options: { stack?: string; fixtures?: Fixtures; project?: string } = {},
): Promise<ProgramRun> {
    return withoutStacks(() => runUnderMocks(program, config, options));
}

async function runUnderMocks(
    program: Program,
    config: Record<string, string>,
    options: { stack?: string; fixtures?: Fixtures; project?: string },
): Promise<ProgramRun> {
    const mocks = new GeoshardMocks(options.fixtures);
    await pulumi.runtime.setMocks(
        mocks,
        options.project ?? "geoshard",
        options.stack ?? "test",
        false,
    );
    const registrations = recordRegistrations();
    pulumi.runtime.setAllConfig(config);

    const resourcesSoFar = () =>
        registrations.map((r) => {
            const recorded = mocks.inputsOf(r.type, r.name);
            return {
                ...r,
                inputs: recorded?.inputs ?? {},
                region: regionOfProvider(recorded?.provider),
            };
        });
    // An error no one awaits (a failed registration, a check inside an apply) fails a Pulumi
    // program: its runtime reports the first one and exits. So does this run, which also stops
    // waiting for outputs that such an error leaves unresolved.
    const unhandled = captureUnhandledRejections();
    const warnings = captureWarnings();
    const orFailure = <T>(work: Promise<T>) => Promise.race([work, unhandled.failure]);
    try {
        const exported = (await orFailure(Promise.resolve(program()))) ?? {};
        const outputs: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(exported)) {
            outputs[key] = await orFailure(unwrap(value));
        }
        await orFailure(drainRegistrations());
        const [failure] = await unhandled.settle();
        if (failure !== undefined) {
            throw failure;
        }
        return {
            outputs,
            resources: resourcesSoFar(),
            calls: mocks.calls,
            warnings: warnings.messages,
        };
    } catch (error) {
        // Registrations that wait on what such an error left unresolved never finish.
        const [first] = await unhandled.settle();
        if (first === undefined) {
            await drainRegistrations();
        }
        throw new ProgramError(first ?? error, resourcesSoFar());
    } finally {
        unhandled.stop();
        warnings.stop();
    }
}

/** The prefix the SDK gives `pulumi.log.warn` when no engine runs (under the mocks). */
const runtimeWarning = "warning: [runtime] ";

/**
 * Collects what the program logs with `pulumi.log.warn` (under the mocks the SDK writes it to
 * `console.warn`) until `stop`; anything else written to `console.warn` passes through.
 */
function captureWarnings() {
    const messages: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
        const [first] = args;
        if (args.length === 1 && typeof first === "string" && first.startsWith(runtimeWarning)) {
            messages.push(first.slice(runtimeWarning.length));
            return;
        }
        warn(...args);
    };
    return {
        messages,
        stop(): void {
            console.warn = warn;
        },
    };
}

/**
 * Collects unhandled promise rejections, instead of letting them reach the test runner's own
 * handler, until `stop`. `failure` rejects with the first.
 */
function captureUnhandledRejections() {
    const reasons: unknown[] = [];
    let fail: (reason: unknown) => void = () => undefined;
    const failure = new Promise<never>((_, reject) => (fail = reject));
    failure.catch(() => undefined);
    const previous = process.listeners("unhandledRejection");
    const collect = (reason: unknown) => {
        reasons.push(reason);
        fail(reason);
    };
    process.removeAllListeners("unhandledRejection");
    process.on("unhandledRejection", collect);
    return {
        failure,
        /** The reasons so far, once pending rejections have been reported. */
        async settle(): Promise<unknown[]> {
            await new Promise((resolve) => setImmediate(resolve));
            return reasons;
        },
        stop(): void {
            process.removeListener("unhandledRejection", collect);
            for (const listener of previous) {
                process.on("unhandledRejection", listener);
            }
        },
    };
}

/** The program failed; `resources` lists what it had registered by then. */
export class ProgramError extends Error {
    constructor(
        readonly cause: unknown,
        readonly resources: readonly RecordedResource[],
    ) {
        super(cause instanceof Error ? cause.message : String(cause));
        this.name = "ProgramError";
    }
}

/** The value of an output, or of a plain value. */
export function unwrap<T>(value: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(value).apply((v) => resolve(v as T)));
}

/**
 * Wraps the mock monitor so every registration also records what the mocks API leaves out:
 * parent, protect and dependencies.
 */
function recordRegistrations(): Omit<RecordedResource, "inputs" | "region">[] {
    const recorded: Omit<RecordedResource, "inputs" | "region">[] = [];
    const monitor = pulumi.runtime.getMonitor() as any;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (request: any, callback: (err: unknown, response: any) => void) => {
        const type: string = request.getType();
        const name: string = request.getName();
        register(request, (err: unknown, response: any) => {
            if (!err && type !== "pulumi:pulumi:Stack") {
                recorded.push({
                    type,
                    name,
                    urn: response.getUrn(),
                    custom: request.getCustom(),
                    parent: request.getParent(),
                    protect: request.getProtect() ?? false,
                    dependencies: request.getDependenciesList(),
                    options: recordedOptions(request),
                });
            }
            callback(err, response);
        });
    };
    return recorded;
}

/** The options of a registration that sets none. */
export const noOptions: RecordedOptions = {
    ignoreChanges: [],
    replaceOnChanges: [],
    deleteBeforeReplace: false,
    retainOnDelete: false,
    aliases: [],
    provider: "",
    deletedWith: "",
};

/** The options a `RegisterResourceRequest` carries, in plain values. */
function recordedOptions(request: any): RecordedOptions {
    const timeouts = request.getCustomtimeouts?.();
    const aliasUrns: string[] = request.getAliasurnsList?.() ?? [];
    const aliasSpecs: (string | Record<string, unknown>)[] = (request.getAliasesList?.() ?? []).map(
        (alias: any) => {
            const { urn, spec } = alias.toObject();
            return urn ? urn : aliasSpec(spec);
        },
    );
    const custom = timeouts
        ? {
              ...(timeouts.getCreate() ? { create: timeouts.getCreate() } : {}),
              ...(timeouts.getUpdate() ? { update: timeouts.getUpdate() } : {}),
              ...(timeouts.getDelete() ? { delete: timeouts.getDelete() } : {}),
          }
        : undefined;
    const options = {
        ignoreChanges: request.getIgnorechangesList() ?? [],
        replaceOnChanges: request.getReplaceonchangesList() ?? [],
        deleteBeforeReplace: request.getDeletebeforereplace() ?? false,
        retainOnDelete: request.getRetainondelete() ?? false,
        aliases: [...aliasUrns, ...aliasSpecs],
        provider: request.getProvider() ?? "",
        deletedWith: request.getDeletedwith() ?? "",
    };
    return custom && Object.keys(custom).length > 0
        ? { ...options, customTimeouts: custom }
        : options;
}

/**
 * An alias spec as the program wrote it (`{ name }`, `{ type, parentUrn }`...): the fields it set,
 * by the SDK's names. An unset field means "the resource's own".
 */
function aliasSpec(spec: Record<string, unknown>): Record<string, unknown> {
    const names: Record<string, string> = {
        name: "name",
        type: "type",
        stack: "stack",
        project: "project",
        parenturn: "parentUrn",
        noparent: "noParent",
    };
    return Object.fromEntries(
        Object.entries(spec ?? {})
            .filter(
                ([key, value]) =>
                    key in names && value !== undefined && value !== "" && value !== false,
            )
            .map(([key, value]) => [names[key], value]),
    );
}

/** Waits until no registration is in flight (the runtime's own queue, drained as at exit). */
async function drainRegistrations(): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const settings = require("@pulumi/pulumi/runtime/settings");
    await settings.waitForRPCs();
}

/** The signature key Pulumi's serialization gives a secret value. */
const secretSignature = "4dabf18193072939515e22adb298388d";

/** True when a recorded input was a secret (it reaches the engine encrypted). */
export function isSecretValue(value: unknown): boolean {
    return typeof value === "object" && value !== null && secretSignature in value;
}

/** The plain value of a recorded input, secret or not. */
export function reveal(value: unknown): any {
    return isSecretValue(value) ? (value as { value: unknown }).value : value;
}

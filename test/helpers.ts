/** Shared fixtures for the mock tests: a four-shard stack like prod, and resource queries. */

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    Fixtures,
    noOptions,
    ProgramRun,
    RecordedResource,
    runProgram,
} from "../tools/mockRuntime";
import { planCommand, PlanOutput } from "../tools/plan";
import { PolicyConfig } from "../tools/policyEval";
import { readStackConfig } from "../tools/stackConfig";

export interface ShardEntry {
    name: string;
    region: string;
    vpcCidr: string;
    cities: string[];
    [setting: string]: unknown;
}

/**
 * The reference's four shards, as in Pulumi.prod.yaml, except that Europe serves cities of Great
 * Britain only: outside the EU and EEA, it needs no residency. prodShards() has prod's
 * EU-resident Europe, with Paris and Berlin.
 */
export function referenceShards(): ShardEntry[] {
    return [
        {
            name: "us-east",
            region: "us-east-1",
            vpcCidr: "10.10.0.0/16",
            cities: ["new_york", "boston"],
        },
        {
            name: "us-west",
            region: "us-west-1",
            vpcCidr: "10.20.0.0/16",
            cities: ["san_francisco", "los_angeles"],
        },
        {
            name: "europe",
            region: "eu-west-2",
            vpcCidr: "10.30.0.0/16",
            cities: ["london", "edinburgh", "leeds"],
        },
        {
            name: "asia",
            region: "ap-southeast-1",
            vpcCidr: "10.40.0.0/16",
            cities: ["tokyo", "singapore", "mumbai"],
        },
    ];
}

/**
 * The reference shards as Pulumi.prod.yaml declares them: each with a recovery region, and the
 * EU-resident shard recovering inside the EU and streaming without its personal columns.
 */
export function prodShards(): ShardEntry[] {
    const recovery: Record<string, [string, string]> = {
        "us-east": ["us-west-1", "10.11.0.0/16"],
        "us-west": ["us-east-1", "10.21.0.0/16"],
        europe: ["eu-west-1", "10.31.0.0/16"],
        asia: ["ap-northeast-1", "10.41.0.0/16"],
    };
    return referenceShards().map((shard) => ({
        ...shard,
        ...(shard.name === "europe"
            ? {
                  cities: ["london", "paris", "berlin"],
                  residency: "eu",
                  cdc: {
                      excludeColumns: [
                          "public.users.email",
                          "public.users.phone",
                          "public.users.full_name",
                      ],
                  },
              }
            : {}),
        dr: { region: recovery[shard.name][0], vpcCidr: recovery[shard.name][1], instances: 1 },
    }));
}

/**
 * Raw `geoshard:` config as Pulumi hands it over. `settings` are stack-wide keys (without the
 * namespace); a value of undefined removes the key.
 */
export function rawConfig(
    settings: Record<string, unknown> = {},
    shards: unknown = referenceShards(),
): Record<string, string> {
    const values: Record<string, unknown> = {
        environment: "prod",
        shards,
        warehouse: { region: "us-east-1", vpcCidr: "10.100.0.0/16" },
        ...settings,
    };
    const raw: Record<string, string> = {};
    for (const [key, value] of Object.entries(values)) {
        if (value !== undefined) {
            raw[`geoshard:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
        }
    }
    return raw;
}

/** The same config without the namespace, as validateConfig takes it. */
export function unqualified(raw: Record<string, string>): Record<string, string> {
    return Object.fromEntries(
        Object.entries(raw).map(([k, v]) => [k.replace(/^geoshard:/, ""), v]),
    );
}

export function run(
    settings: Record<string, unknown> = {},
    shards: unknown = referenceShards(),
    fixtures?: Fixtures,
): Promise<ProgramRun> {
    return runProgram(rawConfig(settings, shards), { fixtures });
}

const stackRuns = new Map<string, Promise<ProgramRun>>();

const programRuns = new Map<string, Promise<ProgramRun>>();

/**
 * `runProgram` for the plans tests run: one run per config, stack and mocked account in a test
 * process, frozen. A run that fails is not kept, so each refusal is reported afresh.
 */
function sharedProgramRun(
    config: Record<string, string>,
    options: { stack?: string; fixtures?: Fixtures } = {},
): Promise<ProgramRun> {
    // No fixtures and an empty set mock the same account.
    const fixtures =
        options.fixtures && Object.keys(options.fixtures).length > 0 ? options.fixtures : null;
    const key = JSON.stringify([config, options.stack, fixtures]);
    let cached = programRuns.get(key);
    if (!cached) {
        cached = runProgram(config, options).then(deepFreeze);
        cached.catch(() => programRuns.delete(key));
        programRuns.set(key, cached);
    }
    return cached;
}

/**
 * The stack a stack file declares (`Pulumi.<stack>.yaml` with the project's defaults), run under
 * the mocks once per test process and shared by every test file that reads it. The run is frozen:
 * a test that edits resources edits its own copy.
 */
export function stackRun(stack: string): Promise<ProgramRun> {
    let cached = stackRuns.get(stack);
    if (!cached) {
        cached = sharedProgramRun(readStackConfig(stack), { stack });
        stackRuns.set(stack, cached);
    }
    return cached;
}

/**
 * `run(settings, shards)`, run once per test process for the same arguments and shared like
 * `stackRun`: for the variations several test files read (the reference shards with 14 days of
 * backups, or on RDS for PostgreSQL). Frozen.
 */
export function sharedRun(
    settings: Record<string, unknown> = {},
    shards: unknown = referenceShards(),
): Promise<ProgramRun> {
    const key = JSON.stringify([settings, shards]);
    let cached = stackRuns.get(key);
    if (!cached) {
        cached = run(settings, shards).then(deepFreeze);
        stackRuns.set(key, cached);
    }
    return cached;
}

/** Pulumi.prod.yaml's stack, run once per test process: see `stackRun`. */
export const prodRun = (): Promise<ProgramRun> => stackRun("prod");

/** Pulumi.dev.yaml's stack, run once per test process: see `stackRun`. */
export const devRun = (): Promise<ProgramRun> => stackRun("dev");

function deepFreeze<T>(value: T): T {
    if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
        Object.freeze(value);
        for (const child of Object.values(value)) {
            deepFreeze(child);
        }
    }
    return value;
}

export const types = {
    instance: "aws:rds/instance:Instance",
    cluster: "aws:rds/cluster:Cluster",
    clusterInstance: "aws:rds/clusterInstance:ClusterInstance",
    clusterEndpoint: "aws:rds/clusterEndpoint:ClusterEndpoint",
    clusterParameterGroup: "aws:rds/clusterParameterGroup:ClusterParameterGroup",
    eventSubscription: "aws:rds/eventSubscription:EventSubscription",
    proxy: "aws:rds/proxy:Proxy",
    proxyTarget: "aws:rds/proxyTarget:ProxyTarget",
    key: "aws:kms/key:Key",
    subnet: "aws:ec2/subnet:Subnet",
    vpc: "aws:ec2/vpc:Vpc",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    secret: "aws:secretsmanager/secret:Secret",
    secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
    password: "random:index/randomPassword:RandomPassword",
    parameterGroup: "aws:rds/parameterGroup:ParameterGroup",
    subnetGroup: "aws:rds/subnetGroup:SubnetGroup",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    topic: "aws:sns/topic:Topic",
    topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
    record: "aws:route53/record:Record",
    healthCheck: "aws:route53/healthCheck:HealthCheck",
    zoneAssociation: "aws:route53/zoneAssociation:ZoneAssociation",
    replication: "aws:dms/replicationConfig:ReplicationConfig",
    shard: "geoshard:index:RegionalShard",
    provider: "pulumi:providers:aws",
} as const;

export function ofType(run: ProgramRun, type: string): RecordedResource[] {
    return run.resources.filter((r) => r.type === type);
}

export function named(
    run: ProgramRun,
    name: string,
    type: string = types.instance,
): RecordedResource {
    const found = run.resources.filter((r) => r.name === name && r.type === type);
    if (found.length !== 1) {
        throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
    }
    return found[0];
}

/**
 * The database instances of one shard, of either engine (Aurora cluster instances or RDS
 * instances), by their `role` tag; each list in name order.
 */
export function instancesOf(run: ProgramRun, shard: string) {
    const all = run.resources
        .filter(
            (r) =>
                (r.type === types.clusterInstance || r.type === types.instance) &&
                r.inputs.tags?.shard === shard,
        )
        .sort((a, b) => a.name.localeCompare(b.name));
    const byRole = (role: string) => all.filter((r) => r.inputs.tags.role === role);
    return {
        all: [...byRole("writer"), ...byRole("standby"), ...byRole("reader")],
        writers: byRole("writer"),
        standbys: byRole("standby"),
        readers: byRole("reader"),
    };
}

/** The policy config of a stack, as CI passes it: policies/config/<stack>.json. */
export function stackPolicyConfig(stack: string): PolicyConfig {
    return JSON.parse(
        fs.readFileSync(path.join(__dirname, "..", "policies", "config", `${stack}.json`), "utf8"),
    );
}

/** The AWS provider of one region, as the mock runtime records it. */
export function awsProvider(region: string): RecordedResource {
    return {
        type: types.provider,
        name: `aws-${region}`,
        urn: `urn:pulumi:test::geoshard::${types.provider}::aws-${region}`,
        custom: true,
        inputs: { region },
        parent: "",
        protect: false,
        dependencies: [],
        options: noOptions,
    };
}

/** One resource as the mock runtime records it: named `subject` in eu-west-2 unless told otherwise. */
export function declared(
    type: string,
    inputs: Record<string, any>,
    options: { name?: string; region?: string; dependencies?: readonly RecordedResource[] } = {},
): RecordedResource {
    const name = options.name ?? "subject";
    return {
        type,
        name,
        urn: `urn:pulumi:test::geoshard::${type}::${name}`,
        custom: true,
        inputs,
        region: options.region ?? "eu-west-2",
        parent: "",
        protect: false,
        dependencies: (options.dependencies ?? []).map((d) => d.urn),
        options: noOptions,
    };
}

/**
 * A project directory with the real Pulumi.yaml and the given files, written into `under`
 * (the project root unless given).
 */
export function projectDir(files: Record<string, string>, under = ""): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "geoshard-plan-"));
    fs.copyFileSync(path.join(__dirname, "..", "Pulumi.yaml"), path.join(root, "Pulumi.yaml"));
    fs.mkdirSync(path.join(root, under), { recursive: true });
    for (const [name, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(root, under, name)), { recursive: true });
        fs.writeFileSync(path.join(root, under, name), text);
    }
    return root;
}

/**
 * Runs the offline plan command and collects what it prints to each stream. npm's environment
 * (where `npm run plan --stack=x` leaves its flags) is empty unless given. The detail is not
 * wrapped unless `output` says a width, so a test matches a fact on one line; test/planCli.test.ts
 * holds the wrapping.
 */
export async function runPlan(
    argv: string[],
    root?: string,
    env: Record<string, string> = {},
    output: PlanOutput = { width: Infinity },
): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await planCommand(
        argv,
        (t) => out.push(t),
        (t) => err.push(t),
        root,
        env,
        output,
        () => undefined,
        sharedProgramRun,
    );
    return { code, out: out.join("\n"), err: err.join("\n") };
}

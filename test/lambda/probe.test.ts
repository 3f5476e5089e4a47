import * as assert from "assert";
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { AwsClientStub, mockClient } from "aws-sdk-client-mock";
import {
    parseConfig,
    ProbeConfig,
    ProbeDeps,
    ProbeResult,
    ProbeSession,
    runProbes,
} from "../../lambda/probe/probe";

const secretArn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:geoshard-eu-master-AbCdEf";

const RECOVERY = "SELECT pg_is_in_recovery() AS in_recovery";
const CREATE =
    "CREATE TABLE IF NOT EXISTS geoshard_heartbeat " +
    "(id int PRIMARY KEY, written_at timestamptz NOT NULL)";
const INSERT =
    "INSERT INTO geoshard_heartbeat (id, written_at) VALUES (1, now()) " +
    "ON CONFLICT (id) DO UPDATE SET written_at = excluded.written_at";

const refused = "connect ECONNREFUSED 10.20.0.15:5432";
const terminated = "Connection terminated unexpectedly";

const baseConfig: ProbeConfig = {
    shard: "eu",
    host: "geoshard-eu.cluster.eu-west-1.rds.amazonaws.com",
    port: 5432,
    database: "geoshard",
    secretArn,
    namespace: "geoshard/Health",
    probes: 11,
    intervalMs: 5000,
    timeoutMs: 2000,
};

/** How the fake database behaves; probes are numbered from 0. */
interface FakeDbOptions {
    /** What pg_is_in_recovery() answers. */
    inRecovery?: boolean;
    /** How far each probe's database work moves the fake clock. */
    probeMs?: number;
    /** Probes during which the server is down: connects are refused, queries are cut off. */
    down?: number[];
    /** Probes whose recovery check never answers. */
    hang?: number[];
    /** Probes whose connect completes only after this many real milliseconds. */
    slowConnect?: { probe: number; ms: number };
}

interface FakeSession {
    id: number;
    ended: number;
}

/**
 * A fake database and clock. The clock moves only by what the probe sleeps plus `probeMs` per
 * probe, charged at the probe's first database call. The fake knows which probe it is in by the
 * sleeps so far: every probe after the first is preceded by exactly one sleep in these tests.
 */
class FakeWorld {
    readonly start = 1_700_000_000_000;
    clock = this.start;
    readonly sleeps: number[] = [];
    /** Start of each probe's database work, relative to the run's start. */
    readonly probeStarts: number[] = [];
    readonly connects: { username: string; password: string }[] = [];
    readonly sessions: FakeSession[] = [];
    /** Every statement sent, tagged with its session. */
    readonly statements: { session: number; sql: string }[] = [];
    /** Sessions whose connect completed after a delay. */
    readonly lateSessions: Promise<ProbeSession>[] = [];
    /** The config the run was given; connect must receive the same object. */
    config: ProbeConfig = baseConfig;
    private charged = -1;

    constructor(private readonly options: FakeDbOptions = {}) {}

    get probe(): number {
        return this.sleeps.length;
    }

    get sql(): string[] {
        return this.statements.map((s) => s.sql);
    }

    deps(secrets: SecretsManagerClient, cloudwatch: CloudWatchClient): ProbeDeps {
        return {
            connect: async (credentials, config) => {
                assert.strictEqual(config, this.config);
                return this.connect(credentials);
            },
            secrets,
            cloudwatch,
            sleep: async (ms) => {
                this.sleeps.push(ms);
                this.clock += ms;
            },
            now: () => this.clock,
        };
    }

    private begin(): number {
        const probe = this.probe;
        if (probe !== this.charged) {
            this.charged = probe;
            this.probeStarts.push(this.clock - this.start);
            this.clock += this.options.probeMs ?? 0;
        }
        return probe;
    }

    private connect(credentials: { username: string; password: string }): Promise<ProbeSession> {
        const probe = this.begin();
        this.connects.push({ ...credentials });
        if (this.options.down?.includes(probe)) return Promise.reject(new Error(refused));
        const session = this.openSession();
        const slow = this.options.slowConnect;
        if (slow !== undefined && slow.probe === probe) {
            const late = new Promise<ProbeSession>((resolve) =>
                setTimeout(() => resolve(session), slow.ms),
            );
            this.lateSessions.push(late);
            return late;
        }
        return Promise.resolve(session);
    }

    private openSession(): ProbeSession {
        const state: FakeSession = { id: this.sessions.length + 1, ended: 0 };
        this.sessions.push(state);
        return {
            query: async (sql: string) => {
                const probe = this.begin();
                this.statements.push({ session: state.id, sql });
                if (state.ended > 0) throw new Error("Client was closed and is not queryable");
                if (this.options.down?.includes(probe)) throw new Error(terminated);
                if (sql === RECOVERY) {
                    if (this.options.hang?.includes(probe)) return new Promise(() => undefined);
                    return { rows: [{ in_recovery: this.options.inRecovery ?? false }] };
                }
                return { rows: [] };
            },
            end: async () => {
                state.ended++;
            },
        };
    }
}

describe("master write probe", () => {
    let secrets: SecretsManagerClient;
    let cloudwatch: CloudWatchClient;
    let secretsMock: AwsClientStub<SecretsManagerClient>;
    let cloudwatchMock: AwsClientStub<CloudWatchClient>;
    let logged: string[];
    const realLog = console.log;

    beforeEach(() => {
        secrets = new SecretsManagerClient({ region: "eu-west-1" });
        cloudwatch = new CloudWatchClient({ region: "eu-west-1" });
        secretsMock = mockClient(secrets);
        cloudwatchMock = mockClient(cloudwatch);
        secretsMock.on(GetSecretValueCommand, { SecretId: secretArn }).resolves({
            SecretString: JSON.stringify({
                username: "geoshard_admin",
                password: "s3cret-pa55",
                engine: "postgres",
                host: baseConfig.host,
                port: 5432,
                dbname: "geoshard",
            }),
        });
        cloudwatchMock.on(PutMetricDataCommand).resolves({});
        logged = [];
        console.log = (...args: unknown[]) => {
            logged.push(args.map(String).join(" "));
        };
    });

    afterEach(() => {
        console.log = realLog;
        secretsMock.restore();
        cloudwatchMock.restore();
    });

    async function run(world: FakeWorld, config: ProbeConfig = baseConfig): Promise<ProbeResult> {
        world.config = config;
        return runProbes(config, world.deps(secrets, cloudwatch));
    }

    function publishedInputs(): unknown[] {
        return cloudwatchMock.commandCalls(PutMetricDataCommand).map((call) => call.args[0].input);
    }

    function metricsInput(shard: string, attempts: number, failures: number) {
        const dimensions = [{ Name: "Shard", Value: shard }];
        return {
            Namespace: "geoshard/Health",
            MetricData: [
                {
                    MetricName: "MasterWriteProbes",
                    Dimensions: dimensions,
                    Value: attempts,
                    Unit: "Count",
                },
                {
                    MetricName: "MasterWriteFailures",
                    Dimensions: dimensions,
                    Value: failures,
                    Unit: "Count",
                },
            ],
        };
    }

    /** Statements of `probes` healthy probes: the table is created before the first write. */
    function healthySql(probes: number): string[] {
        const sql = [RECOVERY, CREATE, INSERT];
        for (let i = 1; i < probes; i++) sql.push(RECOVERY, INSERT);
        return sql;
    }

    it("writes to a healthy master on schedule and publishes 11 probes, 0 failures", async () => {
        const world = new FakeWorld({ probeMs: 120 });
        const result = await run(world);

        assert.deepStrictEqual(result, { attempts: 11, failures: 0, errors: [] });
        assert.deepStrictEqual(publishedInputs(), [metricsInput("eu", 11, 0)]);
        assert.strictEqual(secretsMock.commandCalls(GetSecretValueCommand).length, 1);
        assert.deepStrictEqual(world.connects, [
            { username: "geoshard_admin", password: "s3cret-pa55" },
        ]);
        assert.deepStrictEqual(world.sql, healthySql(11));
        assert.strictEqual(world.sql.filter((sql) => sql === CREATE).length, 1);
        assert.strictEqual(world.sql.filter((sql) => sql === INSERT).length, 11);
        assert.deepStrictEqual(
            world.probeStarts,
            Array.from({ length: 11 }, (_, i) => i * 5000),
        );
        assert.deepStrictEqual(world.sleeps, Array(10).fill(4880));
        assert.deepStrictEqual(
            world.sessions.map((s) => s.ended),
            [1],
        );
        assert.deepStrictEqual(logged, [
            JSON.stringify({ shard: "eu", attempts: 11, failures: 0, errors: [] }),
        ]);
    });

    it("counts 3 of 11 probes failed in an outage, reconnecting after each failure", async () => {
        const world = new FakeWorld({ probeMs: 300, down: [3, 4, 5] });
        const result = await run(world);

        assert.deepStrictEqual(result, {
            attempts: 11,
            failures: 3,
            errors: [terminated, refused],
        });
        assert.deepStrictEqual(publishedInputs(), [metricsInput("eu", 11, 3)]);
        // The session in use is cut off at probe 3; probes 4 and 5 are refused; probe 6 connects.
        assert.strictEqual(world.connects.length, 4);
        assert.deepStrictEqual(
            world.sessions.map((s) => s.ended),
            [1, 1],
        );
        assert.deepStrictEqual(world.statements, [
            ...healthySql(3).map((sql) => ({ session: 1, sql })),
            { session: 1, sql: RECOVERY },
            ...Array.from({ length: 5 }, () => [
                { session: 2, sql: RECOVERY },
                { session: 2, sql: INSERT },
            ]).flat(),
        ]);
        assert.deepStrictEqual(
            world.probeStarts,
            Array.from({ length: 11 }, (_, i) => i * 5000),
        );
        assert.deepStrictEqual(world.sleeps, Array(10).fill(4700));
    });

    it("fails every probe of a master in recovery and never writes", async () => {
        const world = new FakeWorld({ inRecovery: true, probeMs: 50 });
        const result = await run(world);

        assert.deepStrictEqual(result, {
            attempts: 11,
            failures: 11,
            errors: ["master is in recovery"],
        });
        assert.deepStrictEqual(publishedInputs(), [metricsInput("eu", 11, 11)]);
        assert.deepStrictEqual(world.sql, Array(11).fill(RECOVERY));
        assert.strictEqual(world.connects.length, 11);
        assert.deepStrictEqual(
            world.sessions.map((s) => s.ended),
            Array(11).fill(1),
        );
    });

    it("fails a probe that hangs past the timeout and reconnects for the next", async function () {
        this.timeout(200);
        const world = new FakeWorld({ hang: [1] });
        const config = { ...baseConfig, probes: 3, intervalMs: 1000, timeoutMs: 20 };
        const result = await run(world, config);

        assert.deepStrictEqual(result, {
            attempts: 3,
            failures: 1,
            errors: ["probe timed out after 20 ms"],
        });
        assert.deepStrictEqual(publishedInputs(), [metricsInput("eu", 3, 1)]);
        assert.strictEqual(world.connects.length, 2);
        assert.deepStrictEqual(world.statements, [
            { session: 1, sql: RECOVERY },
            { session: 1, sql: CREATE },
            { session: 1, sql: INSERT },
            { session: 1, sql: RECOVERY },
            { session: 2, sql: RECOVERY },
            { session: 2, sql: INSERT },
        ]);
        assert.deepStrictEqual(
            world.sessions.map((s) => s.ended),
            [1, 1],
        );
    });

    it("closes a connection that completes after its probe timed out", async function () {
        this.timeout(200);
        const world = new FakeWorld({ slowConnect: { probe: 0, ms: 40 } });
        const config = { ...baseConfig, probes: 2, intervalMs: 1000, timeoutMs: 20 };
        const result = await run(world, config);

        assert.deepStrictEqual(result, {
            attempts: 2,
            failures: 1,
            errors: ["probe timed out after 20 ms"],
        });
        await Promise.all(world.lateSessions);
        await new Promise((resolve) => setImmediate(resolve));
        assert.strictEqual(world.connects.length, 2);
        // Session 1 arrived late and was closed unused; session 2 served probe 1.
        assert.deepStrictEqual(world.statements, [
            { session: 2, sql: RECOVERY },
            { session: 2, sql: CREATE },
            { session: 2, sql: INSERT },
        ]);
        assert.deepStrictEqual(
            world.sessions.map((s) => s.ended),
            [1, 1],
        );
    });

    it("fails every probe when the secret cannot be read and still publishes", async () => {
        secretsMock
            .on(GetSecretValueCommand)
            .rejects(new Error("User is not authorized to perform secretsmanager:GetSecretValue"));
        const world = new FakeWorld();
        const result = await run(world);

        assert.deepStrictEqual(result, {
            attempts: 11,
            failures: 11,
            errors: [
                "cannot read the master secret: " +
                    "User is not authorized to perform secretsmanager:GetSecretValue",
            ],
        });
        assert.strictEqual(world.connects.length, 0);
        assert.deepStrictEqual(world.sleeps, []);
        assert.deepStrictEqual(publishedInputs(), [metricsInput("eu", 11, 11)]);
    });

    it("does not quote a malformed secret in its error", async () => {
        secretsMock.on(GetSecretValueCommand).resolves({ SecretString: "password=hunter2" });
        const world = new FakeWorld();
        const result = await run(world);

        assert.deepStrictEqual(result, {
            attempts: 11,
            failures: 11,
            errors: ["cannot read the master secret: the secret is not valid JSON"],
        });
        assert.ok(!logged.join("\n").includes("hunter2"));
        assert.strictEqual(world.connects.length, 0);
    });

    it("rejects when the metrics cannot be published", async () => {
        cloudwatchMock.on(PutMetricDataCommand).rejects(new Error("Rate exceeded"));
        const world = new FakeWorld();

        await assert.rejects(run(world), {
            message: "cannot publish the probe metrics of shard eu: Rate exceeded",
        });
        assert.strictEqual(cloudwatchMock.commandCalls(PutMetricDataCommand).length, 1);
    });
});

describe("probe configuration", () => {
    const fullEnv = {
        SHARD: "eu",
        DB_HOST: "geoshard-eu.cluster.eu-west-1.rds.amazonaws.com",
        DB_PORT: "5432",
        DB_NAME: "geoshard",
        SECRET_ARN: secretArn,
        METRIC_NAMESPACE: "geoshard/Health",
        PROBES_PER_RUN: "11",
        PROBE_INTERVAL_MS: "5000",
        PROBE_TIMEOUT_MS: "2000",
    };

    it("parses a full environment", () => {
        assert.deepStrictEqual(parseConfig({ ...fullEnv, AWS_REGION: "eu-west-1" }), baseConfig);
    });

    it("names every missing or invalid variable in one error", () => {
        const env: Record<string, string | undefined> = {
            ...fullEnv,
            SHARD: undefined,
            DB_HOST: " ",
            DB_PORT: "54x2",
            SECRET_ARN: "geoshard-eu-master",
            METRIC_NAMESPACE: "AWS/RDS",
            PROBES_PER_RUN: "0",
            PROBE_INTERVAL_MS: "",
        };
        assert.throws(
            () => parseConfig(env),
            (error: unknown) => {
                assert.ok(error instanceof Error);
                assert.strictEqual(
                    error.message,
                    "invalid probe configuration: " +
                        [
                            "SHARD is not set",
                            "DB_HOST is not set",
                            'DB_PORT must be a whole number from 1 to 65535, got "54x2"',
                            "SECRET_ARN must be the ARN of a Secrets Manager secret, " +
                                'got "geoshard-eu-master"',
                            "METRIC_NAMESPACE must be a custom CloudWatch namespace (up to 255 " +
                                "of A-Z a-z 0-9 . - _ / # : and space, not AWS/), " +
                                'got "AWS/RDS"',
                            'PROBES_PER_RUN must be a whole number of at least 1, got "0"',
                            "PROBE_INTERVAL_MS is not set",
                        ].join("; "),
                );
                return true;
            },
        );
    });

    it("refuses a timeout longer than the interval", () => {
        assert.throws(() => parseConfig({ ...fullEnv, PROBE_TIMEOUT_MS: "6000" }), {
            message:
                "invalid probe configuration: PROBE_TIMEOUT_MS (6000) must not exceed " +
                "PROBE_INTERVAL_MS (5000), or probes could not start on schedule",
        });
    });
});

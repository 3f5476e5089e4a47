/**
 * Master write probe for one shard: can the shard's master take writes right now?
 *
 * This is the AWS form of the reference design's "heartbeat every 5 s, three misses": a Lambda
 * runs every minute, probes the master `probes` times `intervalMs` apart, and publishes how many
 * probes it made and how many failed. A CloudWatch alarm on the failures (and on missing data)
 * decides when the master is gone. Everything the probe touches is injected, so this module is
 * pure logic; `index.ts` wires in the real database driver, AWS clients and clock.
 */
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

/** Settings for one shard's probe, read from the Lambda's environment by {@link parseConfig}. */
export interface ProbeConfig {
    shard: string;
    host: string;
    port: number;
    database: string;
    secretArn: string;
    namespace: string; // CloudWatch namespace, e.g. "geoshard/Health"
    probes: number; // probes per run, e.g. 11
    intervalMs: number; // between probe starts, e.g. 5000
    timeoutMs: number; // per probe: connect + statement, e.g. 2000
}

/** One database session; the real one wraps pg.Client. */
export interface ProbeSession {
    query(sql: string, params?: unknown[]): Promise<{ rows: any[] }>;
    end(): Promise<void>;
}

/** Everything the probe needs from the outside world. */
export interface ProbeDeps {
    connect: (
        credentials: { username: string; password: string },
        config: ProbeConfig,
    ) => Promise<ProbeSession>;
    secrets: SecretsManagerClient;
    cloudwatch: CloudWatchClient;
    sleep: (ms: number) => Promise<void>;
    now: () => number; // injected clock
}

/** The outcome of one run: probes made, probes failed, and each distinct failure message. */
export interface ProbeResult {
    attempts: number;
    failures: number;
    errors: string[];
}

const recoverySql = "SELECT pg_is_in_recovery() AS in_recovery";
const createTableSql =
    "CREATE TABLE IF NOT EXISTS geoshard_heartbeat " +
    "(id int PRIMARY KEY, written_at timestamptz NOT NULL)";
const heartbeatSql =
    "INSERT INTO geoshard_heartbeat (id, written_at) VALUES (1, now()) " +
    "ON CONFLICT (id) DO UPDATE SET written_at = excluded.written_at";

interface Credentials {
    username: string;
    password: string;
}

/**
 * Probes the shard's master `config.probes` times, starting `config.intervalMs` apart, and
 * publishes the number of probes and of failed probes to CloudWatch in one PutMetricData call.
 *
 * A probe fails when it cannot connect, finds the master in recovery, cannot write the heartbeat
 * row, or takes longer than `config.timeoutMs`. If the master credentials cannot be read, every
 * probe of the run counts as failed so the alarm still sees the failures. Resolves with the
 * result; rejects only if the metrics cannot be published.
 */
export async function runProbes(config: ProbeConfig, deps: ProbeDeps): Promise<ProbeResult> {
    const errors = new Set<string>();
    let failures = 0;

    let credentials: Credentials | undefined;
    try {
        credentials = await readCredentials(config, deps.secrets);
    } catch (error) {
        errors.add(`cannot read the master secret: ${messageOf(error)}`);
    }

    if (credentials === undefined) {
        failures = config.probes;
    } else {
        const prober = new Prober(config, deps, credentials);
        const start = deps.now();
        for (let probe = 0; probe < config.probes; probe++) {
            if (probe > 0) {
                // Sleep for what is left of the previous probe's interval; the schedule is
                // anchored to the run's start so probe durations do not accumulate as drift.
                const wait = start + probe * config.intervalMs - deps.now();
                if (wait > 0) await deps.sleep(wait);
            }
            try {
                await prober.probe();
            } catch (error) {
                failures++;
                errors.add(messageOf(error));
            }
        }
        await prober.close();
    }

    const result: ProbeResult = { attempts: config.probes, failures, errors: [...errors] };
    // Logged before publishing so the outcome is on record even if publishing fails.
    console.log(JSON.stringify({ shard: config.shard, ...result }));
    await publish(config, deps.cloudwatch, result);
    return result;
}

/** Holds the run's database session across probes and performs single probes. */
class Prober {
    private session: ProbeSession | undefined;
    private tableReady = false;

    constructor(
        private readonly config: ProbeConfig,
        private readonly deps: ProbeDeps,
        private readonly credentials: Credentials,
    ) {}

    /** One probe: resolves if the master took a write within the timeout, rejects otherwise. */
    async probe(): Promise<void> {
        try {
            await withTimeout(this.config.timeoutMs, (signal) => this.write(signal));
        } catch (error) {
            // Whatever went wrong, the next probe starts from a fresh connection.
            this.drop();
            throw error;
        }
    }

    /** Ends the session at the end of the run; an unclean end does not change the result. */
    async close(): Promise<void> {
        const session = this.session;
        this.session = undefined;
        if (session !== undefined) {
            await withTimeout(this.config.timeoutMs, () => session.end()).catch(() => undefined);
        }
    }

    private async write(signal: AbortSignal): Promise<void> {
        if (this.session === undefined) {
            const session = await this.deps.connect(this.credentials, this.config);
            if (signal.aborted) {
                // The probe timed out while connecting: close the late session, do not keep it.
                endQuietly(session);
                return;
            }
            this.session = session;
        }
        const session = this.session;

        const { rows } = await session.query(recoverySql);
        const inRecovery: unknown = rows[0]?.in_recovery;
        if (inRecovery === true) throw new Error("master is in recovery");
        if (inRecovery !== false) throw new Error("pg_is_in_recovery() gave no answer");
        if (signal.aborted) return;

        if (!this.tableReady) {
            await session.query(createTableSql);
            this.tableReady = true;
            if (signal.aborted) return;
        }
        await session.query(heartbeatSql);
    }

    private drop(): void {
        const session = this.session;
        this.session = undefined;
        // Not awaited: a session that hung may never finish ending.
        if (session !== undefined) endQuietly(session);
    }
}

/**
 * Runs `work` against a timer of `ms` milliseconds. On timeout, rejects and aborts the signal
 * given to `work` so it can stop and clean up when it next wakes.
 */
async function withTimeout<T>(ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
            controller.abort();
            reject(new Error(`probe timed out after ${ms} ms`));
        }, ms);
    });
    const running = work(controller.signal);
    // If the timer wins, a later failure of the abandoned work must not go unhandled.
    running.catch(() => undefined);
    try {
        return await Promise.race([running, timeout]);
    } finally {
        clearTimeout(timer);
    }
}

function endQuietly(session: ProbeSession): void {
    Promise.resolve()
        .then(() => session.end())
        .catch(() => undefined);
}

/** The master credentials from the RDS-managed secret; errors never quote the secret. */
async function readCredentials(
    config: ProbeConfig,
    secrets: SecretsManagerClient,
): Promise<Credentials> {
    const output = await secrets.send(new GetSecretValueCommand({ SecretId: config.secretArn }));
    if (output.SecretString === undefined) throw new Error("the secret has no SecretString");
    let parsed: unknown;
    try {
        parsed = JSON.parse(output.SecretString);
    } catch {
        throw new Error("the secret is not valid JSON");
    }
    const { username, password } =
        typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
    if (typeof username !== "string" || username === "") {
        throw new Error("the secret has no username");
    }
    if (typeof password !== "string" || password === "") {
        throw new Error("the secret has no password");
    }
    return { username, password };
}

async function publish(
    config: ProbeConfig,
    cloudwatch: CloudWatchClient,
    result: ProbeResult,
): Promise<void> {
    const dimensions = [{ Name: "Shard", Value: config.shard }];
    try {
        await cloudwatch.send(
            new PutMetricDataCommand({
                Namespace: config.namespace,
                MetricData: [
                    {
                        MetricName: "MasterWriteProbes",
                        Dimensions: dimensions,
                        Value: result.attempts,
                        Unit: "Count",
                    },
                    {
                        MetricName: "MasterWriteFailures",
                        Dimensions: dimensions,
                        Value: result.failures,
                        Unit: "Count",
                    },
                ],
            }),
        );
    } catch (error) {
        throw new Error(
            `cannot publish the probe metrics of shard ${config.shard}: ${messageOf(error)}`,
            { cause: error },
        );
    }
}

function messageOf(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
}

const secretArnPattern = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;
const namespacePattern = /^[A-Za-z0-9.\-_/#: ]{1,255}$/;

/**
 * Reads the probe's settings from the Lambda environment: SHARD, DB_HOST, DB_PORT, DB_NAME,
 * SECRET_ARN, METRIC_NAMESPACE, PROBES_PER_RUN, PROBE_INTERVAL_MS and PROBE_TIMEOUT_MS.
 * Throws one Error naming every missing or invalid variable.
 */
export function parseConfig(env: Record<string, string | undefined>): ProbeConfig {
    const problems: string[] = [];

    const text = (name: string, rule?: { test: (value: string) => boolean; what: string }) => {
        const value = env[name];
        if (value === undefined || value.trim() === "") {
            problems.push(`${name} is not set`);
            return "";
        }
        if (rule !== undefined && !rule.test(value)) {
            problems.push(`${name} must be ${rule.what}, got ${JSON.stringify(value)}`);
        }
        return value;
    };
    const whole = (name: string, min: number, max = Number.MAX_SAFE_INTEGER) => {
        const what =
            max === Number.MAX_SAFE_INTEGER
                ? `a whole number of at least ${min}`
                : `a whole number from ${min} to ${max}`;
        const test = (v: string) => /^[0-9]+$/.test(v) && Number(v) >= min && Number(v) <= max;
        const value = text(name, { test, what });
        // NaN when invalid, so the cross-check below only compares valid numbers.
        return test(value) ? Number(value) : NaN;
    };

    const config: ProbeConfig = {
        shard: text("SHARD"),
        host: text("DB_HOST"),
        port: whole("DB_PORT", 1, 65535),
        database: text("DB_NAME"),
        secretArn: text("SECRET_ARN", {
            test: (v) => secretArnPattern.test(v),
            what: "the ARN of a Secrets Manager secret",
        }),
        namespace: text("METRIC_NAMESPACE", {
            test: (v) => namespacePattern.test(v) && !v.startsWith("AWS/"),
            what:
                "a custom CloudWatch namespace (up to 255 of A-Z a-z 0-9 . - _ / # : and space, " +
                "not AWS/)",
        }),
        probes: whole("PROBES_PER_RUN", 1),
        intervalMs: whole("PROBE_INTERVAL_MS", 1),
        timeoutMs: whole("PROBE_TIMEOUT_MS", 1),
    };
    if (config.timeoutMs > config.intervalMs) {
        problems.push(
            `PROBE_TIMEOUT_MS (${config.timeoutMs}) must not exceed PROBE_INTERVAL_MS ` +
                `(${config.intervalMs}), or probes could not start on schedule`,
        );
    }
    if (problems.length > 0) {
        throw new Error(`invalid probe configuration: ${problems.join("; ")}`);
    }
    return config;
}

/**
 * Lambda entry point of the master write probe: wires the real PostgreSQL driver, AWS clients
 * and clock into {@link runProbes}. The configuration is read once, when the runtime loads the
 * module; a bad configuration fails the function, which its error metric reports.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { Client } from "pg";
import { parseConfig, ProbeDeps, ProbeResult, runProbes } from "./probe";

const config = parseConfig(process.env);

const deps: ProbeDeps = {
    connect: async (credentials, settings) => {
        const client = new Client({
            host: settings.host,
            port: settings.port,
            database: settings.database,
            user: credentials.username,
            password: credentials.password,
            // The function sets NODE_EXTRA_CA_CERTS=/var/runtime/ca-cert.pem, the runtime's bundle
            // that includes the RDS certificate authorities, so the server certificate verifies.
            ssl: { rejectUnauthorized: true },
            connectionTimeoutMillis: settings.timeoutMs,
            statement_timeout: settings.timeoutMs,
            query_timeout: settings.timeoutMs,
        });
        // A connection lost between queries is reported here; without a listener it would crash
        // the process. The next query on the session fails and the probe reconnects.
        client.on("error", () => undefined);
        await client.connect();
        return {
            query: (sql, params) => client.query(sql, params),
            end: () => client.end(),
        };
    },
    // The runtime's default region: the shard's own.
    secrets: new SecretsManagerClient({}),
    cloudwatch: new CloudWatchClient({}),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: Date.now,
};

/** Invoked every minute by EventBridge: probes the shard's master and publishes the result. */
export const handler = async (): Promise<ProbeResult> => runProbes(config, deps);

/**
 * How the stack scales: synthesizes 4, 16 and 64 shards under the mocks and reports, for each,
 * the wall time and the CPU time, the CPU time per shard and how it grew from the fleet before,
 * peak memory and resource count, and the deploy critical path: the longest chain of dependent
 * slow creations in the registered dependency graph. A one-shard run first loads and compiles
 * the program, so no fleet pays for that.
 *
 *   npm run bench [-- --sizes 4,16,64] [--json] [--write]
 *
 * Compare CPU time, not wall time, on a shared machine: other processes stretch the wall time.
 */

import { maxPeeringConnectionsPerVpc } from "../components/peering";
import { awsRegions } from "../config/regions";
import { regionLocations } from "../components/places/regionLocations";
import * as fs from "fs";
import * as path from "path";
import { RecordedResource, runProgram } from "./mockRuntime";

/**
 * Typical creation times, in minutes, of the resources that take long; everything else counts
 * as nothing. AWS publishes no creation times: these are planning figures from experience, to be
 * replaced by measured ones after the first deploys.
 */
export const creationMinutes: Record<string, (r: RecordedResource) => number> = {
    // A source instance (Multi-AZ builds its standby too); a replica also snapshots its source
    // and restores from it.
    "aws:rds/instance:Instance": (r) => (r.inputs.replicateSourceDb ? 20 : 15),
    // An Aurora cluster is storage and endpoints; each instance boots on it.
    "aws:rds/cluster:Cluster": () => 5,
    "aws:rds/clusterInstance:ClusterInstance": () => 12,
    "aws:rds/proxy:Proxy": () => 10,
    "aws:dms/replicationConfig:ReplicationConfig": () => 10,
    "aws:redshiftserverless/workgroup:Workgroup": () => 10,
    "aws:ec2/vpcEndpoint:VpcEndpoint": (r) => (r.inputs.vpcEndpointType === "Interface" ? 3 : 0),
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": () => 2,
    "aws:kinesis/stream:Stream": () => 1,
    "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter": () => 1,
    "aws:route53/zone:Zone": () => 1,
};

export interface CriticalPath {
    readonly minutes: number;
    /** The chain, first created first: `name (type, minutes)`. */
    readonly chain: readonly string[];
}

/** The longest chain of creation time through the dependency graph (a DAG). */
export function criticalPath(resources: readonly RecordedResource[]): CriticalPath {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const memo = new Map<string, { minutes: number; chain: RecordedResource[] }>();
    const cost = (r: RecordedResource) => creationMinutes[r.type]?.(r) ?? 0;
    const longest = (r: RecordedResource): { minutes: number; chain: RecordedResource[] } => {
        const known = memo.get(r.urn);
        if (known) {
            return known;
        }
        let best = { minutes: 0, chain: [] as RecordedResource[] };
        for (const urn of r.dependencies) {
            const dep = byUrn.get(urn);
            if (dep) {
                const path = longest(dep);
                if (path.minutes > best.minutes) {
                    best = path;
                }
            }
        }
        const result = { minutes: best.minutes + cost(r), chain: [...best.chain, r] };
        memo.set(r.urn, result);
        return result;
    };
    const top = resources
        .map(longest)
        .reduce((a, b) => (b.minutes > a.minutes ? b : a), { minutes: 0, chain: [] });
    return {
        minutes: top.minutes,
        chain: top.chain.filter((r) => cost(r) > 0).map((r) => `${r.name} (${cost(r)} min)`),
    };
}

/** Regions the generated fleets spread over; past eight shards, regions hold several. */
const benchRegions = [
    "us-east-1",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-southeast-1",
    "ap-northeast-1",
    "sa-east-1",
    "ca-central-1",
];

/**
 * A valid prod stack config of `n` shards, each recovering into the next region of the list, as
 * long as the warehouse VPC stays within its peering connections: it peers with every shard and
 * every recovery copy, so past 62 shards the last ones have no recovery copy (64 shards: 61
 * copies), and past 125 shards no stack is valid (split the environment instead). Up to 100
 * shards each network is a /16 of 10/8 (home `10.i`, recovery `10.100+i`); larger fleets take
 * /20s (home from 10.0/12, recovery from 10.128/12), as the /16s would not fit.
 */
export function fleetConfig(n: number): Record<string, string> {
    if (!benchRegions.every((r) => awsRegions.includes(r)) || n > maxPeeringConnectionsPerVpc) {
        throw new Error(
            `cannot generate ${n} shards: one stack's warehouse VPC peers with every shard, and ` +
                `AWS allows ${maxPeeringConnectionsPerVpc} peering connections per VPC`,
        );
    }
    const copies = Math.max(0, Math.min(n, maxPeeringConnectionsPerVpc - n));
    const network = (block: number, i: number) =>
        n <= 100
            ? `10.${block + i}.0.0/16`
            : `10.${(block === 0 ? 0 : 128) + (i >> 4)}.${(i % 16) * 16}.0/20`;
    const shards = Array.from({ length: n }, (_, i) => ({
        name: `shard-${i + 1}`,
        region: benchRegions[i % benchRegions.length],
        vpcCidr: network(0, i),
        // A synthetic city at its region's metro, in ZZ: a code ISO 3166-1 leaves to its users
        // ("unknown"), so no residency applies and the gazetteer is not consulted.
        cities: [
            {
                name: `city_${i + 1}`,
                country: "ZZ",
                lat: regionLocations[benchRegions[i % benchRegions.length]].lat,
                lon: regionLocations[benchRegions[i % benchRegions.length]].lon,
            },
        ],
        ...(i < copies
            ? {
                  dr: {
                      region: benchRegions[(i + 1) % benchRegions.length],
                      vpcCidr: network(100, i),
                  },
              }
            : {}),
    }));
    return {
        "geoshard:environment": "prod",
        "geoshard:shards": JSON.stringify(shards),
        "geoshard:warehouse": JSON.stringify({ region: "us-east-1", vpcCidr: "10.250.0.0/16" }),
    };
}

export interface BenchRow {
    readonly shards: number;
    readonly resources: number;
    readonly seconds: number;
    /** CPU time of the process (user and system, every thread: the collector's too). */
    readonly cpuSeconds: number;
    readonly millisecondsPerShard: number;
    /** CPU milliseconds per shard. */
    readonly cpuMillisecondsPerShard: number;
    /** CPU per shard over the previous row's; undefined on the first row. Linear stays near 1. */
    readonly perShardGrowth?: number;
    readonly peakRssMiB: number;
    readonly criticalPath: CriticalPath;
}

export async function bench(sizes: readonly number[]): Promise<BenchRow[]> {
    // Loads the SDKs and compiles the program, which the first fleet would otherwise pay for.
    await runProgram(fleetConfig(1), { stack: "bench-warm-up" });
    const rows: BenchRow[] = [];
    for (const n of sizes) {
        let peak = process.memoryUsage().rss;
        const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
        const cpu = process.cpuUsage();
        const start = process.hrtime.bigint();
        const run = await runProgram(fleetConfig(n), { stack: `bench-${n}` });
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        const used = process.cpuUsage(cpu);
        const cpuSeconds = (used.user + used.system) / 1e6;
        clearInterval(sampler);
        peak = Math.max(peak, process.memoryUsage().rss);
        const previous = rows[rows.length - 1];
        const cpuMillisecondsPerShard = (cpuSeconds * 1000) / n;
        rows.push({
            shards: n,
            resources: run.resources.length,
            seconds,
            cpuSeconds,
            millisecondsPerShard: (seconds * 1000) / n,
            cpuMillisecondsPerShard,
            ...(previous
                ? { perShardGrowth: cpuMillisecondsPerShard / previous.cpuMillisecondsPerShard }
                : {}),
            peakRssMiB: peak / 2 ** 20,
            criticalPath: criticalPath(run.resources),
        });
    }
    return rows;
}

export function renderBench(rows: readonly BenchRow[]): string {
    const lines = [
        "| shards | resources | synthesis (s) | CPU (s) | CPU per shard (ms) | growth per shard | peak RSS (MiB) | critical path (min) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ...rows.map(
            (r) =>
                `| ${r.shards} | ${r.resources} | ${r.seconds.toFixed(1)} | ${r.cpuSeconds.toFixed(1)} | ${r.cpuMillisecondsPerShard.toFixed(0)} | ${r.perShardGrowth === undefined ? "" : `×${r.perShardGrowth.toFixed(2)}`} | ${r.peakRssMiB.toFixed(0)} | ${r.criticalPath.minutes} |`,
        ),
        "",
        `CPU per shard from ${rows[0].shards} to ${rows[rows.length - 1].shards} shards: ×${(rows[rows.length - 1].cpuMillisecondsPerShard / rows[0].cpuMillisecondsPerShard).toFixed(2)}.`,
        `Critical path at ${rows[rows.length - 1].shards} shards: ${rows[rows.length - 1].criticalPath.chain.join(" -> ")}`,
    ];
    return lines.join("\n");
}

/** docs/performance.md, whose table between `<!-- bench -->` markers `--write` rewrites. */
export const performanceDoc = path.join(__dirname, "..", "docs", "performance.md");
const benchMarkers = /(<!-- bench -->\n)[\s\S]*?(\n<!-- \/bench -->)/;

/** The bench table docs/performance.md shows, as printed by the last `--write`. */
export function documentedBench(doc: string = fs.readFileSync(performanceDoc, "utf8")): string {
    const match = benchMarkers.exec(doc);
    if (!match) {
        throw new Error("docs/performance.md has no <!-- bench --> section");
    }
    return match[0].slice(match[1].length, -match[2].length);
}

async function main(): Promise<void> {
    const argv = process.argv.slice(2);
    const sizesArg = argv.indexOf("--sizes");
    const sizes = sizesArg >= 0 ? argv[sizesArg + 1].split(",").map(Number) : [4, 16, 64];
    const rows = await bench(sizes);
    const text = argv.includes("--json") ? JSON.stringify(rows, null, 2) : renderBench(rows);
    if (argv.includes("--write")) {
        const doc = fs.readFileSync(performanceDoc, "utf8");
        documentedBench(doc);
        fs.writeFileSync(performanceDoc, doc.replace(benchMarkers, `$1${text}$2`));
    }
    console.log(text);
}

if (require.main === module) {
    main().then(
        () => process.exit(0),
        (error) => {
            console.error(error);
            process.exit(1);
        },
    );
}

/**
 * The shard map: what applications read, through a StackReference, to find a city's shard and
 * the names to connect to. The program exports it as `shardMap`; another program that declares
 * shards with the library can publish the same shape.
 */

import { Engine } from "./engines";

export interface ShardMap {
    /** Each shard's entry, by shard name. */
    readonly shards: Record<string, ShardMapEntry>;
    /** The reference's `cityToShard`: city key to shard name. */
    readonly cityToShard: Record<string, string>;
}

/** One shard: the names to connect to first, then AWS's own names behind them. */
export interface ShardMapEntry {
    readonly region: string;
    readonly cities: readonly string[];
    readonly engine: Engine;
    /** `writer.<shard>.<zone>`: connect here for writes; it follows a failover. */
    readonly writer: string;
    /** `reader.<shard>.<zone>`: the readers (never the standby). */
    readonly reader: string;
    readonly port: number;
    /** Secrets Manager ARN of the master credentials. */
    readonly credentialsSecretArn: string;
    /**
     * With a recovery region: the credentials' replica there, under that region's key. Read it
     * in the recovery region once the home region is lost.
     */
    readonly recoveryCredentialsSecretArn?: string;
    /** AWS's own names behind `writer` and `reader`; they follow a failover too. */
    readonly endpoints: {
        readonly writer: string;
        readonly reader?: string;
        readonly proxy?: string;
        /** Aurora with a recovery region: follows a switchover or region failover. */
        readonly globalWriter?: string;
        /** The recovery region's readers. */
        readonly recoveryReader?: string;
    };
    /** Each instance's own host name, by label. Direct: it does not follow a failover. */
    readonly direct: Record<string, string>;
}

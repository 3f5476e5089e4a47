/**
 * Where a shard's database may start from instead of empty: a snapshot, or a point in time of
 * another cluster (Aurora) or instance (RDS). Pure: config and the component's own checks use
 * `restoreProblems`. Imports nothing of the project.
 *
 * What a restore fixes, from the API reference:
 * - The master username and the database come from the source (RestoreDBClusterFromSnapshot
 *   takes no MasterUsername); the shard's `masterUsername` and `databaseName` must name the
 *   source's, since the credentials secret and CDC use them. The password is set afterwards.
 * - Encryption: the restored database is encrypted with the shard's key (KmsKeyId), whatever
 *   key encrypted the source; the shard's account must be able to use the source's key.
 * - The engine version must be the source's or a later one AWS can restore to.
 * - With a recovery region, the global cluster is made from the restored cluster once it exists
 *   (recovery.ts), as from any home cluster.
 * Sources: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_RestoreDBClusterFromSnapshot.html,
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_RestoreDBClusterToPointInTime.html,
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_RestoreDBInstanceFromDBSnapshot.html,
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_RestoreDBInstanceToPointInTime.html
 *
 * The provider's `snapshot_identifier` and `restore_to_point_in_time` are ForceNew
 * (hashicorp/terraform-provider-aws internal/service/rds/cluster.go, instance.go): the database
 * ignores them after creation, so removing the restore later never replaces it.
 */

import type * as aws from "@pulumi/aws";

/** A shard's starting point: a snapshot, or a point in time of another database. */
export type RestoreSource =
    | {
          /** Aurora: a DB cluster snapshot; RDS: a DB snapshot. Its identifier or ARN. */
          readonly snapshotIdentifier: string;
      }
    | {
          /** Aurora: the source cluster's identifier or ARN; RDS: the source instance's identifier. */
          readonly sourceIdentifier: string;
          /** A UTC time, `YYYY-MM-DDTHH:MM:SSZ`, within the source's backup retention. */
          readonly restoreTime?: string;
          /** The latest restorable time instead of `restoreTime`. */
          readonly useLatestRestorableTime?: boolean;
      };

const snapshotPattern =
    /^(arn:[a-z-]+:rds:[a-z0-9-]+:\d{12}:(cluster-)?snapshot:)?[A-Za-z][A-Za-z0-9:-]{0,254}$/;
const sourcePattern =
    /^(arn:[a-z-]+:rds:[a-z0-9-]+:\d{12}:(cluster|db):)?[A-Za-z][A-Za-z0-9-]{0,62}$/;
const utcTimestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** Every problem of a restore setting, as `[subpath, value, problem]`. Pure. */
export function restoreProblems(
    value: unknown,
): { path: string; value: unknown; problem: string }[] {
    const shape =
        "is not a restore; expected { snapshotIdentifier } or { sourceIdentifier, restoreTime | useLatestRestorableTime: true }";
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        return [{ path: "", value, problem: shape }];
    }
    const v = value as Record<string, unknown>;
    const problems: { path: string; value: unknown; problem: string }[] = [];
    const keys = Object.keys(v);
    if ("snapshotIdentifier" in v) {
        if (keys.length !== 1) {
            problems.push({ path: "", value, problem: `${shape}, not both` });
        } else if (
            typeof v.snapshotIdentifier !== "string" ||
            !snapshotPattern.test(v.snapshotIdentifier)
        ) {
            problems.push({
                path: ".snapshotIdentifier",
                value: v.snapshotIdentifier,
                problem: "is not a snapshot identifier or ARN",
            });
        }
    } else if ("sourceIdentifier" in v) {
        const unknown = keys.filter(
            (k) => !["sourceIdentifier", "restoreTime", "useLatestRestorableTime"].includes(k),
        );
        for (const key of unknown) {
            problems.push({ path: `.${key}`, value: v[key], problem: "is not a known key" });
        }
        if (typeof v.sourceIdentifier !== "string" || !sourcePattern.test(v.sourceIdentifier)) {
            problems.push({
                path: ".sourceIdentifier",
                value: v.sourceIdentifier,
                problem: "is not a DB identifier or ARN",
            });
        }
        const latest = v.useLatestRestorableTime === true;
        if (
            v.useLatestRestorableTime !== undefined &&
            typeof v.useLatestRestorableTime !== "boolean"
        ) {
            problems.push({
                path: ".useLatestRestorableTime",
                value: v.useLatestRestorableTime,
                problem: "is not a boolean",
            });
        }
        if (v.restoreTime !== undefined) {
            if (latest) {
                problems.push({
                    path: ".restoreTime",
                    value: v.restoreTime,
                    problem: "is set with useLatestRestorableTime; allowed: one of them",
                });
            } else if (typeof v.restoreTime !== "string" || !utcTimestamp.test(v.restoreTime)) {
                problems.push({
                    path: ".restoreTime",
                    value: v.restoreTime,
                    problem: "is not a UTC time; expected YYYY-MM-DDTHH:MM:SSZ",
                });
            }
        } else if (!latest) {
            problems.push({
                path: "",
                value,
                problem: "names no point in time; set restoreTime or useLatestRestorableTime: true",
            });
        }
    } else {
        problems.push({ path: "", value, problem: shape });
    }
    return problems;
}

/** The options every restored database carries: what it was created from is not diffed again. */
export const restoredIgnoreChanges = {
    cluster: ["snapshotIdentifier", "restoreToPointInTime", "masterUsername", "databaseName"],
    instance: ["snapshotIdentifier", "restoreToPointInTime", "username", "dbName"],
} as const;

/**
 * An Aurora cluster's inputs for where it starts: the snapshot or the point in time it is
 * restored from (it then takes its database and master user from the source), or the database
 * and master user it is created with.
 */
export function clusterStartInputs(
    restore: RestoreSource | undefined,
    names: { databaseName: string; username: string },
): Partial<
    Pick<
        aws.rds.ClusterArgs,
        "snapshotIdentifier" | "restoreToPointInTime" | "databaseName" | "masterUsername"
    >
> {
    if (restore === undefined) {
        return { databaseName: names.databaseName, masterUsername: names.username };
    }
    if ("snapshotIdentifier" in restore) {
        return { snapshotIdentifier: restore.snapshotIdentifier };
    }
    return {
        restoreToPointInTime: {
            sourceClusterIdentifier: restore.sourceIdentifier,
            ...(restore.useLatestRestorableTime
                ? { useLatestRestorableTime: true }
                : { restoreToTime: restore.restoreTime }),
        },
    };
}

/** The same for an RDS for PostgreSQL instance, in the instance's own input names. */
export function instanceStartInputs(
    restore: RestoreSource | undefined,
    names: { databaseName: string; username: string },
): Partial<
    Pick<
        aws.rds.InstanceArgs,
        "snapshotIdentifier" | "restoreToPointInTime" | "dbName" | "username"
    >
> {
    if (restore === undefined) {
        return { dbName: names.databaseName, username: names.username };
    }
    if ("snapshotIdentifier" in restore) {
        return { snapshotIdentifier: restore.snapshotIdentifier };
    }
    return {
        restoreToPointInTime: {
            sourceDbInstanceIdentifier: restore.sourceIdentifier,
            ...(restore.useLatestRestorableTime
                ? { useLatestRestorableTime: true }
                : { restoreTime: restore.restoreTime }),
        },
    };
}

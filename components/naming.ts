/**
 * What a shard may be called, and when AWS may work on it: the name prefix of its physical
 * names, its database name and master username, and its backup and maintenance windows. Facts of
 * PostgreSQL and RDS with their sources, as pure functions returning the problem in words (or
 * undefined): config and the component's own checks both use them. Imports nothing of the project.
 *
 * What changing each does to a deployed shard (provider schema,
 * hashicorp/terraform-provider-aws internal/service/rds/cluster.go and instance.go):
 * - `preferred_backup_window` and `preferred_maintenance_window` are not ForceNew: a change is
 *   an in-place ModifyDBCluster / ModifyDBInstance.
 * - `database_name` (`db_name` on an instance) and `master_username` (`username`) are ForceNew:
 *   a change replaces the database, with an empty one.
 * - The prefix is part of every identifier (`cluster_identifier`, `identifier`: ForceNew), so a
 *   change replaces the databases too.
 * Protected databases (Pulumi `protect`, on in prod) make such an `up` fail instead of replacing.
 */

/** The name prefix every physical name starts with, unless a shard or stack sets another. */
export const defaultNamePrefix = "geoshard";

/**
 * A prefix becomes the first part of RDS, DMS and KMS alias identifiers: lowercase letters,
 * digits and single hyphens, starting with a letter (the RDS identifier rules, lowercase as RDS
 * stores them). At most 16 characters, so the shard name keeps room in DMS's 31.
 * Source: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html
 * (DBClusterIdentifier)
 */
export const namePrefixMaxLength = 16;
const namePrefixPattern = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export function namePrefixProblem(value: unknown): string | undefined {
    return typeof value === "string" &&
        namePrefixPattern.test(value) &&
        value.length <= namePrefixMaxLength
        ? undefined
        : `is not a name prefix; allowed: up to ${namePrefixMaxLength} lowercase letters, digits and ` +
              `single hyphens, starting with a letter (it starts every RDS identifier)`;
}

/**
 * PostgreSQL's reserved key words: not allowed as a role or database name without quoting, which
 * RDS does not do. Source: https://www.postgresql.org/docs/current/sql-keywords-appendix.html
 * (the "reserved" entries of the PostgreSQL column).
 */
export const postgresReservedWords: readonly string[] = [
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both", "case",
    "cast", "check", "collate", "column", "constraint", "create", "current_catalog",
    "current_date", "current_role", "current_time", "current_timestamp", "current_user",
    "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "false", "fetch",
    "for", "foreign", "from", "grant", "group", "having", "in", "initially", "intersect", "into",
    "lateral", "leading", "limit", "localtime", "localtimestamp", "not", "null", "offset", "on",
    "only", "or", "order", "placing", "primary", "references", "returning", "select",
    "session_user", "some", "symmetric", "system_user", "table", "then", "to", "trailing", "true",
    "union", "unique", "user", "using", "variadic", "when", "where", "window", "with",
]; // prettier-ignore

/**
 * The master username: 1 to 16 letters, digits or underscores, starting with a letter (the
 * tighter of CreateDBCluster's and CreateDBInstance's rules), not a reserved word, not a role
 * PostgreSQL or RDS reserves: `public` and `none` (CREATE ROLE), names starting `pg_`
 * (PostgreSQL's own roles), and `rdsadmin` and the `rds` roles (RDS's own, e.g.
 * `rds_superuser`, `rdsrepladmin`).
 * Sources: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html
 * (MasterUsername), https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html
 * (MasterUsername), https://www.postgresql.org/docs/current/sql-createrole.html,
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Appendix.PostgreSQL.CommonDBATasks.Roles.html
 */
export function masterUsernameProblem(value: unknown): string | undefined {
    const allowed =
        "allowed: 1 to 16 letters, digits or underscores, starting with a letter, not a reserved " +
        "word, not public or none, not starting with pg_ or rds";
    if (typeof value !== "string" || !/^[A-Za-z][A-Za-z0-9_]{0,15}$/.test(value)) {
        return `is not a master username; ${allowed}`;
    }
    const lower = value.toLowerCase();
    if (postgresReservedWords.includes(lower)) {
        return `is a reserved word of PostgreSQL; ${allowed}`;
    }
    if (
        lower === "public" ||
        lower === "none" ||
        lower.startsWith("pg_") ||
        lower.startsWith("rds")
    ) {
        return `is a role name PostgreSQL or RDS reserves; ${allowed}`;
    }
    return undefined;
}

/**
 * The database a shard creates beside `postgres`: 1 to 63 letters, digits or underscores,
 * starting with a letter, not a reserved word, and none of the databases every instance has
 * already (`postgres`, `template0`, `template1`, `rdsadmin`).
 * Source: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html
 * (DBName, Amazon Aurora PostgreSQL and RDS for PostgreSQL: "Must contain 1 to 63 alphanumeric
 * characters ... Must begin with a letter. Subsequent characters can be letters, underscores, or
 * digits"); CreateDBCluster's DatabaseName ("A database named postgres is always created").
 */
export function databaseNameProblem(value: unknown): string | undefined {
    const allowed =
        "allowed: 1 to 63 letters, digits or underscores, starting with a letter, not a reserved " +
        "word, not postgres, template0, template1 or rdsadmin";
    if (typeof value !== "string" || !/^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(value)) {
        return `is not a database name; ${allowed}`;
    }
    const lower = value.toLowerCase();
    if (postgresReservedWords.includes(lower)) {
        return `is a reserved word of PostgreSQL; ${allowed}`;
    }
    if (["postgres", "template0", "template1", "rdsadmin"].includes(lower)) {
        return `is a database every instance has already; ${allowed}`;
    }
    return undefined;
}

// ------------------------------------------------------------------------------------------------
// Windows

const days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
const minutesPerDay = 24 * 60;
const minutesPerWeek = 7 * minutesPerDay;

/** `hh24:mi` to minutes after midnight, or undefined. */
function clock(text: string): number | undefined {
    const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
    return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

const hhmm = (minutes: number) =>
    `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

/** A daily window as minutes after midnight UTC, `end` past `start` (maybe past midnight). */
export function parseBackupWindow(value: unknown): { start: number; end: number } | undefined {
    const parts = typeof value === "string" ? value.split("-") : [];
    if (parts.length !== 2) {
        return undefined;
    }
    const [start, end] = parts.map(clock);
    if (start === undefined || end === undefined || start === end) {
        return undefined;
    }
    return { start, end: end > start ? end : end + minutesPerDay };
}

/** A weekly window as minutes after Monday 00:00 UTC, `end` past `start` (maybe past Sunday). */
export function parseMaintenanceWindow(value: unknown): { start: number; end: number } | undefined {
    const parts = typeof value === "string" ? value.toLowerCase().split("-") : [];
    if (parts.length !== 2) {
        return undefined;
    }
    const [start, end] = parts.map((part) => {
        const match = /^([a-z]{3}):(\d\d:\d\d)$/.exec(part);
        const day = match ? days.indexOf(match[1] as (typeof days)[number]) : -1;
        const time = match ? clock(match[2]) : undefined;
        return day < 0 || time === undefined ? undefined : day * minutesPerDay + time;
    });
    if (start === undefined || end === undefined || start === end) {
        return undefined;
    }
    return { start, end: end > start ? end : end + minutesPerWeek };
}

/**
 * The daily backup window, in UTC: `hh24:mi-hh24:mi`, at least 30 minutes.
 * Source: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html
 * (PreferredBackupWindow: "Must be in the format hh24:mi-hh24:mi. Must be in Universal
 * Coordinated Time (UTC). Must not conflict with the preferred maintenance window. Must be at
 * least 30 minutes."); CreateDBInstance's PreferredBackupWindow says the same.
 */
export function backupWindowProblem(value: unknown): string | undefined {
    const window = parseBackupWindow(value);
    if (window === undefined) {
        return "is not a backup window; allowed: hh24:mi-hh24:mi in UTC, e.g. 18:00-19:00";
    }
    return window.end - window.start < 30
        ? "is shorter than 30 minutes; allowed: a window of 30 minutes or more"
        : undefined;
}

/**
 * The weekly maintenance window, in UTC: `ddd:hh24:mi-ddd:hh24:mi`, at least 30 minutes.
 * Source: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html
 * (PreferredMaintenanceWindow: "Format: ddd:hh24:mi-ddd:hh24:mi ... Valid Days: Mon, Tue, Wed,
 * Thu, Fri, Sat, Sun. Constraints: Minimum 30-minute window.")
 */
export function maintenanceWindowProblem(value: unknown): string | undefined {
    const window = parseMaintenanceWindow(value);
    if (window === undefined) {
        return "is not a maintenance window; allowed: ddd:hh24:mi-ddd:hh24:mi in UTC (ddd: mon to sun), e.g. sun:19:30-sun:20:30";
    }
    return window.end - window.start < 30
        ? "is shorter than 30 minutes; allowed: a window of 30 minutes or more"
        : undefined;
}

/** Whether the weekly maintenance window meets the daily backup window on any day. */
export function windowsOverlap(backup: string, maintenance: string): boolean {
    const b = parseBackupWindow(backup);
    const m = parseMaintenanceWindow(maintenance);
    if (b === undefined || m === undefined) {
        return false;
    }
    // Each day's backup window, from the Sunday before this week to the end of the next; the
    // maintenance window this week and the next (either may run past Sunday midnight).
    for (let day = -1; day < 14; day++) {
        const start = day * minutesPerDay + b.start;
        const end = day * minutesPerDay + b.end;
        for (const week of [0, minutesPerWeek]) {
            if (start < m.end + week && m.start + week < end) {
                return true;
            }
        }
    }
    return false;
}

/**
 * Each region's offset from UTC in minutes, in standard time (summer time moves the local windows
 * an hour later, still at night). The city is the region's location as AWS names it.
 * Source: https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html
 */
export const regionUtcOffsetMinutes: Readonly<Record<string, number>> = {
    "af-south-1": 120, // Cape Town
    "ap-east-1": 480, // Hong Kong
    "ap-east-2": 480, // Taipei
    "ap-northeast-1": 540, // Tokyo
    "ap-northeast-2": 540, // Seoul
    "ap-northeast-3": 540, // Osaka
    "ap-south-1": 330, // Mumbai
    "ap-south-2": 330, // Hyderabad
    "ap-southeast-1": 480, // Singapore
    "ap-southeast-2": 600, // Sydney
    "ap-southeast-3": 420, // Jakarta
    "ap-southeast-4": 600, // Melbourne
    "ap-southeast-5": 480, // Malaysia
    "ap-southeast-7": 420, // Thailand
    "ca-central-1": -300, // Montreal
    "ca-west-1": -420, // Calgary
    "eu-central-1": 60, // Frankfurt
    "eu-central-2": 60, // Zurich
    "eu-north-1": 60, // Stockholm
    "eu-south-1": 60, // Milan
    "eu-south-2": 60, // Spain
    "eu-west-1": 0, // Ireland
    "eu-west-2": 0, // London
    "eu-west-3": 60, // Paris
    "il-central-1": 120, // Tel Aviv
    "me-central-1": 240, // UAE
    "me-south-1": 180, // Bahrain
    "mx-central-1": -360, // Mexico (Central)
    "sa-east-1": -180, // Sao Paulo
    "us-east-1": -300, // N. Virginia
    "us-east-2": -300, // Ohio
    "us-west-1": -480, // N. California
    "us-west-2": -480, // Oregon
};

/** Local times of the default windows: backups 02:00-03:00 daily, maintenance Sunday 03:30-04:30. */
const localBackup = { start: 2 * 60, minutes: 60 };
const localMaintenance = { day: 6, start: 3 * 60 + 30, minutes: 60 };

/**
 * The region's default windows, in UTC: backups daily 02:00-03:00 local time, maintenance on
 * Sunday 03:30-04:30 local time, so the two never meet. A region not in the table gets the
 * windows of UTC (and the plan shows them).
 */
export function defaultWindows(region: string): { backup: string; maintenance: string } {
    const offset = regionUtcOffsetMinutes[region] ?? 0;
    const backupStart = mod(localBackup.start - offset, minutesPerDay);
    const backupEnd = mod(backupStart + localBackup.minutes, minutesPerDay);
    const weekStart = mod(
        localMaintenance.day * minutesPerDay + localMaintenance.start - offset,
        minutesPerWeek,
    );
    const weekEnd = mod(weekStart + localMaintenance.minutes, minutesPerWeek);
    const weekly = (minutes: number) =>
        `${days[Math.floor(minutes / minutesPerDay)]}:${hhmm(minutes % minutesPerDay)}`;
    return {
        backup: `${hhmm(backupStart)}-${hhmm(backupEnd)}`,
        maintenance: `${weekly(weekStart)}-${weekly(weekEnd)}`,
    };
}

function mod(value: number, modulus: number): number {
    return ((value % modulus) + modulus) % modulus;
}

/**
 * The usage that turns prices into a monthly bill. Defaults come from the reference design
 * (database-scaling-step3: per shard 10K queries/s, 90% reads, 1K writes/s; a "1 TB SSD"
 * master) and from the stack's own settings. Each can be overridden per shard.
 *
 * Volumes are decimal: 1 KB = 1,000 bytes, 1 GB = 10^9 bytes. AWS bills storage in GB-months
 * of the allocated size; a GiB allocation is counted as the same number of GB.
 */

export interface UsageAssumptions {
    /** Hours billed in a month. @default 730, AWS's convention (8,760 h / 12) */
    readonly hoursPerMonth: number;
    /** Writes per second at the shard's writer. @default 1,000, the reference's "Master: 1K writes/sec" */
    readonly writesPerSecond: number;
    /**
     * Share of all queries that are reads; with the write rate it gives the read rate.
     * @default 0.9, the reference's "10K queries/sec, 90% reads" (9,000 reads/s)
     */
    readonly readShare: number;
    /**
     * Aurora write I/Os per write. Aurora bills a write I/O only to persist WAL records, in 4 KB
     * units, and batches small records committed together (Aurora FAQ; AWS Database Blog,
     * "Planning I/O in Amazon Aurora"). A single-row write's WAL is under 4 KB: one I/O at most.
     * Batching lowers it, full-page images after a checkpoint raise it.
     * @default 1
     */
    readonly writeIosPerWrite: number;
    /** Pages one read touches: an index descent and the heap page. @default 5 */
    readonly pagesPerRead: number;
    /**
     * Share of those pages found in the buffer cache. Aurora bills a read I/O only for a page
     * it must fetch from the cluster volume (CloudWatch `VolumeReadIOPs`). Assumes the working
     * set (current rides) fits in a db.r6g.4xlarge's 128 GiB. @default 0.99
     */
    readonly bufferCacheHitRatio: number;
    /** Storage per shard, in GiB. @default 1,000: the stack's `allocatedStorageGiB` */
    readonly storageGiB: number;
    /**
     * Bytes of changed data one write leaves behind (its WAL). It sizes the daily change that
     * backups keep beyond the free allowance, and the WAL a recovery copy receives.
     * @default 1,000
     */
    readonly changedBytesPerWrite: number;
    /** Bytes of one change as DMS writes it to Kinesis (a JSON row image). @default 1,000 */
    readonly cdcRecordBytes: number;
    /**
     * DMS Serverless capacity units in use on average. @default 2: the stack's minimum; the
     * full load runs higher, up to the maximum of 16, while it lasts.
     */
    readonly dmsCapacityUnits: number;
    /** Hours the CDC stream keeps records. @default 168, as the stack sets it */
    readonly streamRetentionHours: number;
    /** Tables that change, each a Firehose partition of its own. @default 20 */
    readonly cdcTables: number;
    /** Firehose buffering interval, in seconds. @default 300, as the stack sets it */
    readonly firehoseBufferSeconds: number;
    /**
     * Hours of JQ processing a month for dynamic partitioning. AWS bills the time JQ runs; the
     * sheet gives no ratio of hours to volume. @default 730, one per hour of delivery
     */
    readonly firehoseJqHoursPerMonth: number;
    /**
     * Days of CDC data in S3 Standard. The lake's lifecycle moves `cdc/` to Standard-IA after
     * 30 days (not priced). Priced uncompressed, an upper bound: Firehose GZIPs it. @default 30
     */
    readonly lakeStandardDays: number;
    /**
     * GB a month crossing a declared home <-> recovery network path (VPC peering or Transit
     * Gateway): runbook checks, operators, and applications reading the other region. Aurora's
     * and RDS's own replication do not use it (the WAL line prices theirs). @default 100
     */
    readonly recoveryPathGBPerMonth: number;
}

export const usageAssumptions: UsageAssumptions = {
    hoursPerMonth: 730,
    writesPerSecond: 1000,
    readShare: 0.9,
    writeIosPerWrite: 1,
    pagesPerRead: 5,
    bufferCacheHitRatio: 0.99,
    storageGiB: 1000,
    changedBytesPerWrite: 1000,
    cdcRecordBytes: 1000,
    dmsCapacityUnits: 2,
    streamRetentionHours: 168,
    cdcTables: 20,
    firehoseBufferSeconds: 300,
    firehoseJqHoursPerMonth: 730,
    lakeStandardDays: 30,
    recoveryPathGBPerMonth: 100,
};

/**
 * Firehose bills ingestion per record rounded up to 5 KB, as the sheet's unit states: a 1 KB
 * change is billed as 5 KB.
 */
export const firehoseRecordMinimumBytes = 5000;

/** Kinesis on-demand includes 24 hours of retention; longer is billed per GB-month. */
export const kinesisIncludedRetentionHours = 24;

/** The quantities a month of usage comes to, derived from the assumptions. */
export interface MonthlyUsage {
    readonly secondsPerMonth: number;
    readonly readsPerSecond: number;
    /** Aurora I/O requests a month, in millions. */
    readonly auroraIoMillions: number;
    /** Changed data a day, in GB: what each day of backup retention keeps. */
    readonly changedGBPerDay: number;
    /** Changed data a month, in GB: what a recovery copy receives. */
    readonly changedGBPerMonth: number;
    /** CDC changes a month, in millions. */
    readonly cdcRecordMillions: number;
    /** CDC data a month, in GB, through DMS, Kinesis and Firehose into S3. */
    readonly cdcGBPerMonth: number;
}

export function monthlyUsage(u: UsageAssumptions): MonthlyUsage {
    const secondsPerMonth = u.hoursPerMonth * 3600;
    const readsPerSecond = (u.writesPerSecond * u.readShare) / (1 - u.readShare);
    const ioPerSecond =
        u.writesPerSecond * u.writeIosPerWrite +
        readsPerSecond * u.pagesPerRead * (1 - u.bufferCacheHitRatio);
    const changesPerMonth = u.writesPerSecond * secondsPerMonth;
    return {
        secondsPerMonth,
        readsPerSecond,
        auroraIoMillions: (ioPerSecond * secondsPerMonth) / 1e6,
        changedGBPerDay: (u.writesPerSecond * 86400 * u.changedBytesPerWrite) / 1e9,
        changedGBPerMonth: (changesPerMonth * u.changedBytesPerWrite) / 1e9,
        cdcRecordMillions: changesPerMonth / 1e6,
        cdcGBPerMonth: (changesPerMonth * u.cdcRecordBytes) / 1e9,
    };
}

/** Every problem with a set of assumptions, each naming the field and its bad value. */
export function validateUsage(u: UsageAssumptions): string[] {
    const problems: string[] = [];
    for (const [field, value] of Object.entries(u)) {
        if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
            problems.push(`usage.${field} must be a number >= 0 (it is ${String(value)})`);
        }
    }
    if (!(u.readShare >= 0 && u.readShare < 1)) {
        problems.push(`usage.readShare must be at least 0 and below 1 (it is ${u.readShare})`);
    }
    if (!(u.bufferCacheHitRatio >= 0 && u.bufferCacheHitRatio <= 1)) {
        problems.push(
            `usage.bufferCacheHitRatio must be between 0 and 1 (it is ${u.bufferCacheHitRatio})`,
        );
    }
    if (!(u.hoursPerMonth > 0)) {
        problems.push(`usage.hoursPerMonth must be above 0 (it is ${u.hoursPerMonth})`);
    }
    return problems;
}

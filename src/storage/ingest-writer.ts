/**
 * Atomic ingest batches. One file = one transaction, so a crash or `kill -9` before COMMIT leaves
 * nothing behind and the same file can simply be run again.
 *
 * Fast path: rows stream by COPY straight into `incidents` in fixed-size chunks (memory stays flat),
 * parsing the next chunk while the previous one is on the wire. Duplicates within the file are caught
 * in memory by a typed-array hash set. If the file overlaps rows stored earlier, the first COPY that
 * hits one fails with a unique violation: the batch rolls back to a savepoint and is re-read through
 * a staging table, from which only new rows are inserted. Measurements: docs/storage.md.
 */
import type { RejectRow } from '../core/records.ts';
import { type EncodedChunk, INCIDENT_COLUMNS, MONTHLY_COLUMNS, REJECT_COLUMNS } from './batch-encoder.ts';
import type { Db, Queryable, Tx } from './db.ts';

/** What a batch is. */
export interface BatchInfo {
  studyArea: string;
  adapter: string;
  fileName: string;
  sha256: string;
  bytes: number;
  encoding: string;
  mapping?: unknown;
}

/** The counts of a finished batch. */
export interface BatchResult {
  batchId: number;
  rowsRead: number;
  accepted: number;
  existing: number;
  /** Rows rejected (a row with several bad fields counts once). */
  rejected: number;
  /** Rows left out by a mapping's row filter (neither stored nor rejected). */
  skipped: number;
}

/**
 * The encoded chunks of one batch. Called once per attempt with the batch id to write into every
 * line; after a rollback to the staged path it is called again and must read the input afresh.
 */
export type ChunkSource = (batchId: number) => AsyncIterable<EncodedChunk>;

/** Which batch a file is: the same file, area, adapter and mapping are the same batch. */
export type BatchKey = Pick<BatchInfo, 'studyArea' | 'adapter' | 'sha256' | 'mapping'>;

/** A batch that already holds a file. */
export interface LoadedBatch {
  id: number;
  finishedAt: Date;
}

/** The completed batch that already loaded this exact file with the same mapping, if any. */
export async function findBatchByFile(db: Queryable, key: BatchKey): Promise<LoadedBatch | undefined> {
  // jsonb equality: the same mapping written with other key order or spacing is the same mapping.
  const rows = await db.query<{ id: number; finished_at: Date }>(
    `select id, finished_at from ingest_batches where study_area = $1 and adapter = $2 and file_sha256 = $3
       and mapping is not distinct from $4::jsonb`,
    [key.studyArea, key.adapter, key.sha256, jsonParam(key.mapping)],
  );
  const r = rows[0];
  return r ? { id: r.id, finishedAt: r.finished_at } : undefined;
}

/** A mapping as a jsonb parameter (null when there is none). */
const jsonParam = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));

/**
 * What became of a batch: stored, or not written because the same file is already loaded or is
 * being loaded by another process right now (the loser of a race never sees a unique violation).
 */
export type WriteOutcome =
  | ({ status: 'loaded' } & BatchResult)
  | { status: 'already-ingested'; previous: LoadedBatch }
  | { status: 'in-progress' };

const isUniqueViolation = (err: unknown): boolean => (err as { code?: string } | null)?.code === '23505';

/**
 * Stores one batch in one transaction: the batch record, every chunk `source` yields, and the counts.
 * Anything thrown while reading the source rolls the whole batch back. Two processes loading the
 * same file at once: a transaction-scoped advisory lock on the batch key lets one in; the other
 * returns `in-progress` at once (it does not wait, so no statement timeout can fire), and one that
 * comes after the winner's commit finds its batch (`already-ingested`).
 */
export async function writeBatch(db: Db, info: BatchInfo, source: ChunkSource): Promise<WriteOutcome> {
  const result = await writeInTransaction(db, info, source);
  // Fresh planner statistics after a bulk load (autovacuum may take minutes): without them a filtered,
  // ordered page reads every row of the area instead of walking the time index (≈ 50 ms → 2 ms).
  if (result.status === 'loaded' && result.accepted > 0) await db.query('analyze incidents');
  return result;
}

function writeInTransaction(db: Db, info: BatchInfo, source: ChunkSource): Promise<WriteOutcome> {
  return db.transaction(
    async (tx): Promise<WriteOutcome> => {
      const mapping = jsonParam(info.mapping);
      const [lock] = await tx.query<{ ok: boolean }>(
        `select pg_try_advisory_xact_lock(hashtextextended(concat_ws('|', 'vigia-ingest', $1::text, $2::text, $3::text,
         md5(coalesce($4::jsonb::text, ''))), 0)) as ok`,
        [info.studyArea, info.adapter, info.sha256, mapping],
      );
      if (!lock?.ok) return { status: 'in-progress' };
      const [batch] = await tx.query<{ id: number }>(
        `insert into ingest_batches (study_area, adapter, file_name, file_sha256, file_bytes, encoding, mapping)
       values ($1, $2, $3, $4, $5, $6, $7::jsonb) on conflict do nothing returning id`,
        [info.studyArea, info.adapter, info.fileName, info.sha256, info.bytes, info.encoding, mapping],
      );
      if (!batch) {
        // Another process committed this file after our first look and before we took the lock.
        const previous = await findBatchByFile(tx, info);
        if (!previous) throw new Error('internal: batch key conflict without a stored batch');
        return { status: 'already-ingested', previous };
      }
      const batchId = batch.id;
      await tx.query('savepoint direct_load');
      let counts: Omit<BatchResult, 'batchId'>;
      try {
        counts = await load(tx, batchId, info.studyArea, source, 'direct');
        await tx.query('release savepoint direct_load');
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        // Some rows were stored by an earlier batch: start over through the staging table.
        await tx.query('rollback to savepoint direct_load');
        counts = await load(tx, batchId, info.studyArea, source, 'staged');
      }
      await tx.query(
        `update ingest_batches set rows_read = $2, rows_accepted = $3, rows_existing = $4, rows_rejected = $5,
         finished_at = now() where id = $1`,
        [batchId, counts.rowsRead, counts.accepted, counts.existing, counts.rejected],
      );
      return { status: 'loaded', batchId, ...counts };
      // A file's size decides how long its batch runs: no statement timeout (see db.ts).
    },
    { bulk: true },
  );
}

async function load(
  tx: Tx,
  batchId: number,
  area: string,
  source: ChunkSource,
  mode: 'direct' | 'staged',
): Promise<Omit<BatchResult, 'batchId'>> {
  await tx.query('create temp table stage_incidents (like incidents including defaults) on commit drop');
  await tx.query(`create temp table stage_monthly (
      district_code text, year smallint, month smallint, modality text, category text, count int) on commit drop`);
  const target = mode === 'direct' ? 'incidents' : 'stage_incidents';
  let rowsRead = 0;
  let rejected = 0;
  let skipped = 0;
  let incidentRows = 0;
  const copy = async (chunk: EncodedChunk): Promise<void> => {
    if (chunk.incidents)
      await tx.copyIn(`copy ${target} (${INCIDENT_COLUMNS}) from stdin (format csv)`, [chunk.incidents]);
    if (chunk.monthly)
      await tx.copyIn(`copy stage_monthly (${MONTHLY_COLUMNS}) from stdin (format csv)`, [chunk.monthly]);
    if (chunk.rejects)
      await tx.copyIn(`copy ingest_rejects (${REJECT_COLUMNS}) from stdin (format csv)`, [chunk.rejects]);
  };
  // One chunk on the wire while the source parses the next: the loop pulls chunk i+1 before
  // awaiting chunk i's COPY. A failed COPY surfaces at the next await.
  let inflight: Promise<void> = Promise.resolve();
  for await (const chunk of source(batchId)) {
    rowsRead += chunk.rowsRead;
    rejected += chunk.rejected;
    skipped += chunk.skipped;
    incidentRows += chunk.incidentRows;
    await inflight;
    inflight = copy(chunk);
    inflight.catch(() => undefined); // observed by the next await; avoids an unhandled rejection
  }
  await inflight;

  let accepted = mode === 'direct' ? incidentRows : 0;
  let existing = 0;
  if (mode === 'staged') {
    const [ins] = await tx.query<{ inserted: number }>(
      `with ins as (insert into incidents (${INCIDENT_COLUMNS}) select ${INCIDENT_COLUMNS} from stage_incidents
         on conflict do nothing returning 1)
       select count(*)::int as inserted from ins`,
    );
    accepted = ins?.inserted ?? 0;
    existing = incidentRows - accepted;
  }
  const [m] = await tx.query<{ inserted: number; total: number }>(
    `with ins as (
       insert into sidpol_monthly (study_area, ${MONTHLY_COLUMNS}, batch_id)
       select $2, ${MONTHLY_COLUMNS}, $1 from stage_monthly
       on conflict do nothing returning 1)
     select (select count(*)::int from ins) as inserted, (select count(*)::int from stage_monthly) as total`,
    [batchId, area],
  );
  accepted += m?.inserted ?? 0;
  existing += (m?.total ?? 0) - (m?.inserted ?? 0);
  return { rowsRead, accepted, existing, rejected, skipped };
}

/** The rejects of a batch in row order (all when `limit` is undefined). */
export async function listRejects(db: Db, batchId: number, limit?: number): Promise<RejectRow[]> {
  return db.query<RejectRow>(
    `select row_number as "rowNumber", field, reason, value from ingest_rejects where batch_id = $1
     order by row_number, field ${limit === undefined ? '' : 'limit $2'}`,
    limit === undefined ? [batchId] : [batchId, limit],
  );
}

/** A batch as listed. */
export interface BatchView {
  id: number;
  studyArea: string;
  adapter: string;
  fileName: string;
  encoding: string;
  rowsRead: number;
  accepted: number;
  existing: number;
  rejected: number;
  /** Rows left out by a mapping's row filter: every row read is accepted, existing, rejected or skipped. */
  skipped: number;
  finishedAt: Date | null;
}

const BATCH_COLUMNS = `id, study_area as "studyArea", adapter, file_name as "fileName", encoding, rows_read as "rowsRead",
  rows_accepted as accepted, rows_existing as existing, rows_rejected as rejected,
  rows_read - rows_accepted - rows_existing - rows_rejected as skipped, finished_at as "finishedAt"`;

/** One batch, or undefined. */
export async function getBatch(db: Db, id: number): Promise<BatchView | undefined> {
  return (await db.query<BatchView>(`select ${BATCH_COLUMNS} from ingest_batches where id = $1`, [id]))[0];
}

/** The most recent batches first. */
export async function listBatches(db: Db, limit = 50): Promise<BatchView[]> {
  return db.query<BatchView>(`select ${BATCH_COLUMNS} from ingest_batches order by id desc limit $1`, [
    limit,
  ]);
}

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
import { IdSet } from '../core/id-set.ts';
import type { IncidentRow, MonthlyRow, RejectRow } from '../core/records.ts';
import type { Db, Tx } from './db.ts';

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
}

/** Receives rows while a file is read. */
export interface BatchSink {
  /** Each call returns a promise only when a chunk is being flushed (await it), else undefined. */
  incident(row: IncidentRow): Promise<void> | undefined;
  monthly(row: MonthlyRow): Promise<void> | undefined;
  reject(row: RejectRow): Promise<void> | undefined;
  /** Counts a data row read (accepted or not). */
  rowRead(): void;
}

/**
 * Reads the input once and emits its rows. It may be called a second time (after a rollback to the
 * staged path), and must then read the input again from the start.
 */
export type Producer = (sink: BatchSink) => Promise<void>;

const CHUNK = 5000;
const MAX_VALUE = 120;
const NEEDS_QUOTES = /[",\n\r]/;

/** CSV field for COPY: null → unquoted empty; text quoted when needed. */
function text(v: string | null): string {
  if (v === null) return '';
  if (v === '' || NEEDS_QUOTES.test(v) || v.trim() !== v) return `"${v.replace(/"/g, '""')}"`;
  return v;
}
const num = (v: number | null): string => (v === null ? '' : String(v));
const DAY_MS = 86_400_000;
const dayText = new Map<number, string>();
const pad2 = (v: number): string => (v < 10 ? `0${v}` : String(v));
/** Timestamp text for COPY ("2024-03-05 21:30:00.000+00"); the date part is cached per day. */
function iso(ms: number | null): string {
  if (ms === null) return '';
  const day = Math.floor(ms / DAY_MS);
  let d = dayText.get(day);
  if (d === undefined) {
    d = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (dayText.size < 100_000) dayText.set(day, d);
  }
  const t = ms - day * DAY_MS;
  const msPart = t % 1000;
  const secs = (t - msPart) / 1000;
  return `${d} ${pad2(Math.floor(secs / 3600))}:${pad2(Math.floor(secs / 60) % 60)}:${pad2(secs % 60)}${msPart ? `.${String(msPart).padStart(3, '0')}` : ''}+00`;
}

const INCIDENT_COLS =
  'source, external_id, study_area, batch_id, occurred_at, time_precision, reported_at, lat, lon, x, y, geo_quality, district_code, category, tipo, subtipo, modalidad, turno, channel, restricted, narrative';

function incidentLine(r: IncidentRow, area: string, batchId: number): string {
  // Enums, numbers and timestamps never need quoting; only free text goes through text().
  return `${text(r.source)},${text(r.externalId)},${area},${batchId},${iso(r.occurredAt)},${r.timePrecision},${iso(r.reportedAt)},${num(r.lat)},${num(r.lon)},${num(r.x)},${num(r.y)},${r.geoQuality},${text(r.districtCode)},${r.category},${text(r.tipo)},${text(r.subtipo)},${text(r.modalidad)},${r.turno ?? ''},${r.channel},${r.restricted},${text(r.narrative)}\n`;
}

function monthlyLine(r: MonthlyRow): string {
  return `${text(r.districtCode)},${r.year},${r.month},${text(r.modality)},${r.category},${r.count}\n`;
}

/** The completed batch that already loaded this exact file, if any. */
export async function findBatchByFile(
  db: Db,
  studyArea: string,
  adapter: string,
  sha256: string,
): Promise<{ id: number; finishedAt: Date } | undefined> {
  const rows = await db.query<{ id: number; finished_at: Date }>(
    'select id, finished_at from ingest_batches where study_area = $1 and adapter = $2 and file_sha256 = $3',
    [studyArea, adapter, sha256],
  );
  const r = rows[0];
  return r ? { id: r.id, finishedAt: r.finished_at } : undefined;
}

const isUniqueViolation = (err: unknown): boolean => (err as { code?: string } | null)?.code === '23505';

/**
 * Runs `produce` inside one transaction and stores what it emits as one batch.
 * @param validDistricts the study area's district codes; a row naming another is a programming error
 * Anything thrown by `produce` rolls the whole batch back.
 */
export async function writeBatch(
  db: Db,
  info: BatchInfo,
  validDistricts: ReadonlySet<string>,
  produce: Producer,
): Promise<BatchResult> {
  return db.transaction(async (tx) => {
    const [batch] = await tx.query<{ id: number }>(
      `insert into ingest_batches (study_area, adapter, file_name, file_sha256, file_bytes, encoding, mapping)
       values ($1, $2, $3, $4, $5, $6, $7) returning id`,
      [
        info.studyArea,
        info.adapter,
        info.fileName,
        info.sha256,
        info.bytes,
        info.encoding,
        info.mapping ?? null,
      ],
    );
    const batchId = (batch as { id: number }).id;
    const ctx = { tx, batchId, area: info.studyArea, validDistricts };
    await tx.query('savepoint direct_load');
    let counts: Counts;
    try {
      counts = await load(ctx, produce, 'direct');
      await tx.query('release savepoint direct_load');
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // Some rows were stored by an earlier batch: start over through the staging table.
      await tx.query('rollback to savepoint direct_load');
      counts = await load(ctx, produce, 'staged');
    }
    await tx.query(
      `update ingest_batches set rows_read = $2, rows_accepted = $3, rows_existing = $4, rows_rejected = $5,
         finished_at = now() where id = $1`,
      [batchId, counts.rowsRead, counts.accepted, counts.existing, counts.rejected],
    );
    return { batchId, ...counts };
  });
}

interface Counts {
  rowsRead: number;
  accepted: number;
  existing: number;
  rejected: number;
}

interface LoadContext {
  tx: Tx;
  batchId: number;
  area: string;
  validDistricts: ReadonlySet<string>;
}

async function load(ctx: LoadContext, produce: Producer, mode: 'direct' | 'staged'): Promise<Counts> {
  const { tx, batchId, area } = ctx;
  await tx.query(`create temp table stage_incidents (like incidents including defaults) on commit drop`);
  await tx.query(`create temp table stage_monthly (
      district_code text, year smallint, month smallint, modality text, category text, count int) on commit drop`);
  const targets = {
    incidents: `copy ${mode === 'direct' ? 'incidents' : 'stage_incidents'} (${INCIDENT_COLS}) from stdin (format csv)`,
    monthly:
      'copy stage_monthly (district_code, year, month, modality, category, count) from stdin (format csv)',
    rejects: 'copy ingest_rejects (batch_id, row_number, field, reason, value) from stdin (format csv)',
  };
  const buffers = { incidents: [] as string[], monthly: [] as string[], rejects: [] as string[] };
  // One COPY on the wire while the next chunk is parsed; errors surface at the next await.
  let inflight: Promise<void> = Promise.resolve();
  const flush = async (which: keyof typeof buffers): Promise<void> => {
    const lines = buffers[which];
    if (lines.length === 0) return;
    buffers[which] = [];
    await inflight;
    inflight = tx.copyIn(targets[which], [lines.join('')]);
    inflight.catch(() => undefined); // observed by the next await; avoids an unhandled rejection
  };
  const push = (which: keyof typeof buffers, line: string): Promise<void> | undefined => {
    buffers[which].push(line);
    return buffers[which].length >= CHUNK ? flush(which) : undefined;
  };

  const ids = new IdSet();
  const seenRejects = new Set<string>();
  let lastRejectedRow = -1;
  let rowsRead = 0;
  let rejected = 0;
  let copied = 0;
  const reject = (r: RejectRow): Promise<void> | undefined => {
    const key = `${r.rowNumber}\u0000${r.field}`;
    if (seenRejects.has(key)) return undefined; // one reject per (row, field): the table's primary key
    seenRejects.add(key);
    // A row's problems arrive together: count rows, not problems.
    if (r.rowNumber !== lastRejectedRow) rejected++;
    lastRejectedRow = r.rowNumber;
    const value = r.value === null ? null : r.value.slice(0, MAX_VALUE);
    return push('rejects', `${batchId},${r.rowNumber},${text(r.field)},${text(r.reason)},${text(value)}\n`);
  };

  await produce({
    incident(r) {
      const first = ids.add(`${r.source}\u0000${r.externalId}`, r.rowNumber);
      if (first >= 0)
        return reject({
          rowNumber: r.rowNumber,
          field: 'id',
          reason: `fila duplicada: el mismo id aparece en la fila ${first}`,
          value: r.externalId,
        });
      if (r.districtCode !== null && !ctx.validDistricts.has(r.districtCode))
        throw new Error(`internal: district ${r.districtCode} is not in study area ${area}`);
      copied++;
      return push('incidents', incidentLine(r, area, batchId));
    },
    monthly(r) {
      const first = ids.add(`${r.districtCode}|${r.year}|${r.month}|${r.modality}`, r.rowNumber);
      if (first >= 0)
        return reject({
          rowNumber: r.rowNumber,
          field: 'UBIGEO_HECHO',
          reason: `fila duplicada: el mismo distrito, mes y modalidad aparece en la fila ${first}`,
          value: null,
        });
      return push('monthly', monthlyLine(r));
    },
    reject,
    rowRead: () => {
      rowsRead++;
    },
  });
  await flush('incidents');
  await flush('monthly');
  await flush('rejects');
  await inflight;

  let accepted = mode === 'direct' ? copied : 0;
  let existing = 0;
  if (mode === 'staged') {
    const [ins] = await tx.query<{ inserted: number }>(
      `with ins as (insert into incidents (${INCIDENT_COLS}) select ${INCIDENT_COLS} from stage_incidents
         on conflict do nothing returning 1)
       select count(*)::int as inserted from ins`,
    );
    accepted = ins?.inserted ?? 0;
    existing = copied - accepted;
  }
  const [m] = await tx.query<{ inserted: number; total: number }>(
    `with ins as (
       insert into sidpol_monthly (study_area, district_code, year, month, modality, category, count, batch_id)
       select $2, district_code, year, month, modality, category, count, $1 from stage_monthly
       on conflict do nothing returning 1)
     select (select count(*)::int from ins) as inserted, (select count(*)::int from stage_monthly) as total`,
    [batchId, area],
  );
  accepted += m?.inserted ?? 0;
  existing += (m?.total ?? 0) - (m?.inserted ?? 0);
  return { rowsRead, accepted, existing, rejected };
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
  finishedAt: Date | null;
}

const BATCH_COLUMNS = `id, study_area as "studyArea", adapter, file_name as "fileName", encoding, rows_read as "rowsRead",
  rows_accepted as accepted, rows_existing as existing, rows_rejected as rejected, finished_at as "finishedAt"`;

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

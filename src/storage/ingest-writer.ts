/**
 * Atomic ingest batches. One file = one transaction: rows stream through COPY into a temporary
 * staging table in fixed-size chunks (memory stays flat), then set-based SQL removes duplicates
 * within the file, skips rows stored by earlier batches and inserts the rest. A crash or `kill -9`
 * before COMMIT leaves nothing behind, so the same file can simply be run again.
 */
import type { Channel, CrimeCategory } from '../core/taxonomy.ts';
import type { TimePrecision, Turno } from '../core/time.ts';
import type { Db, Tx } from './db.ts';

/** A validated incident ready to store. */
export interface IncidentRow {
  rowNumber: number;
  source: string;
  externalId: string;
  occurredAt: number; // epoch ms
  timePrecision: TimePrecision;
  reportedAt: number | null;
  lat: number | null;
  lon: number | null;
  x: number | null;
  y: number | null;
  geoQuality: 'exact' | 'street' | 'station' | 'missing';
  districtCode: string | null;
  category: CrimeCategory;
  tipo: string | null;
  subtipo: string | null;
  modalidad: string | null;
  turno: Turno | null;
  channel: Channel;
  restricted: boolean;
  narrative: string | null;
}

/** A validated SIDPOL monthly count. */
export interface MonthlyRow {
  rowNumber: number;
  districtCode: string;
  year: number;
  month: number;
  modality: string;
  category: CrimeCategory;
  count: number;
}

/** One problem with one input row. */
export interface RejectRow {
  rowNumber: number;
  field: string;
  reason: string;
  value: string | null;
}

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
  incident(row: IncidentRow): Promise<void>;
  monthly(row: MonthlyRow): Promise<void>;
  reject(row: RejectRow): Promise<void>;
  /** Counts a data row read (accepted or not). */
  rowRead(): void;
}

const CHUNK = 5000;
const MAX_VALUE = 120;

/** CSV field for COPY: null → unquoted empty; strings quoted when needed. */
function csv(v: string | number | boolean | null): string {
  if (v === null) return '';
  if (typeof v !== 'string') return String(v);
  if (v === '' || /[",\n\r]/.test(v) || v.trim() !== v) return `"${v.replace(/"/g, '""')}"`;
  return v;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

const INCIDENT_COLS =
  'row_number, source, external_id, occurred_at, time_precision, reported_at, lat, lon, x, y, geo_quality, district_code, category, tipo, subtipo, modalidad, turno, channel, restricted, narrative';

function incidentLine(r: IncidentRow): string {
  return `${[
    r.rowNumber,
    r.source,
    r.externalId,
    iso(r.occurredAt),
    r.timePrecision,
    iso(r.reportedAt),
    r.lat,
    r.lon,
    r.x,
    r.y,
    r.geoQuality,
    r.districtCode,
    r.category,
    r.tipo,
    r.subtipo,
    r.modalidad,
    r.turno,
    r.channel,
    r.restricted,
    r.narrative,
  ]
    .map(csv)
    .join(',')}\n`;
}

function monthlyLine(r: MonthlyRow): string {
  return `${[r.rowNumber, r.districtCode, r.year, r.month, r.modality, r.category, r.count].map(csv).join(',')}\n`;
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

/**
 * Runs `produce` inside one transaction and stores what it emits as one batch.
 * Anything thrown by `produce` rolls the whole batch back.
 */
export async function writeBatch(
  db: Db,
  info: BatchInfo,
  produce: (sink: BatchSink) => Promise<void>,
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
    await tx.query(`create temp table stage_incidents (
        row_number int, source text, external_id text, occurred_at timestamptz, time_precision text,
        reported_at timestamptz, lat float8, lon float8, x float8, y float8, geo_quality text, district_code text,
        category text, tipo text, subtipo text, modalidad text, turno text, channel text, restricted boolean,
        narrative text) on commit drop`);
    await tx.query(`create temp table stage_monthly (
        row_number int, district_code text, year smallint, month smallint, modality text, category text,
        count int) on commit drop`);

    let rowsRead = 0;
    let rejected = 0;
    const buffers = { incidents: [] as string[], monthly: [] as string[], rejects: [] as string[] };
    const flush = async (which: keyof typeof buffers): Promise<void> => {
      const lines = buffers[which];
      if (lines.length === 0) return;
      buffers[which] = [];
      const target =
        which === 'incidents'
          ? `stage_incidents (${INCIDENT_COLS})`
          : which === 'monthly'
            ? 'stage_monthly (row_number, district_code, year, month, modality, category, count)'
            : 'ingest_rejects (batch_id, row_number, field, reason, value)';
      await copyChunk(tx, `copy ${target} from stdin (format csv)`, lines);
    };
    const push = async (which: keyof typeof buffers, line: string): Promise<void> => {
      buffers[which].push(line);
      if (buffers[which].length >= CHUNK) await flush(which);
    };
    // One row can fail on several fields; the primary key keeps one reject per (row, field).
    const seenRejects = new Set<string>();
    let lastRejectedRow = -1;

    await produce({
      incident: (r) => push('incidents', incidentLine(r)),
      monthly: (r) => push('monthly', monthlyLine(r)),
      reject: async (r) => {
        const key = `${r.rowNumber}\u0000${r.field}`;
        if (seenRejects.has(key)) return;
        seenRejects.add(key);
        // A row's problems arrive together: count rows, not problems.
        if (r.rowNumber !== lastRejectedRow) rejected++;
        lastRejectedRow = r.rowNumber;
        const value = r.value === null ? null : r.value.slice(0, MAX_VALUE);
        await push('rejects', `${[batchId, r.rowNumber, r.field, r.reason, value].map(csv).join(',')}\n`);
      },
      rowRead: () => {
        rowsRead++;
      },
    });
    await flush('incidents');
    await flush('monthly');
    await flush('rejects');

    const counts = await finishIncidents(tx, batchId, info.studyArea);
    const monthly = await finishMonthly(tx, batchId, info.studyArea);
    const accepted = counts.inserted + monthly.inserted;
    const existing = counts.existing + monthly.existing;
    rejected += counts.duplicates + monthly.duplicates;
    await tx.query(
      `update ingest_batches set rows_read = $2, rows_accepted = $3, rows_existing = $4, rows_rejected = $5,
         finished_at = now() where id = $1`,
      [batchId, rowsRead, accepted, existing, rejected],
    );
    return { batchId, rowsRead, accepted, existing, rejected };
  });
}

async function copyChunk(tx: Tx, sql: string, lines: string[]): Promise<void> {
  // One string per chunk: far fewer stream writes than one per row.
  await tx.copyIn(sql, [lines.join('')]);
}

interface FinishCounts {
  inserted: number;
  existing: number;
  duplicates: number;
}

async function finishIncidents(tx: Tx, batchId: number, studyArea: string): Promise<FinishCounts> {
  const [dup] = await tx.query<{ n: number }>(
    `with d as (
       select row_number, external_id, min(row_number) over (partition by source, external_id) as first_row
       from stage_incidents),
     ins as (
       insert into ingest_rejects (batch_id, row_number, field, reason, value)
       select $1, row_number, 'id', 'fila duplicada: el mismo id aparece en la fila ' || first_row, left(external_id, 120)
       from d where row_number <> first_row
       on conflict do nothing returning 1)
     select count(*)::int as n from ins`,
    [batchId],
  );
  const [ins] = await tx.query<{ inserted: number; total: number }>(
    `with firsts as (
       select distinct on (source, external_id) * from stage_incidents order by source, external_id, row_number),
     ins as (
       insert into incidents (id, study_area, source, external_id, batch_id, occurred_at, time_precision, reported_at,
         lat, lon, x, y, geo_quality, district_code, category, tipo, subtipo, modalidad, turno, channel, restricted, narrative)
       select md5(source || ':' || external_id)::uuid, $2, source, external_id, $1, occurred_at, time_precision, reported_at,
         lat, lon, x, y, geo_quality, district_code, category, tipo, subtipo, modalidad, turno, channel, restricted, narrative
       from firsts
       on conflict do nothing returning 1)
     select (select count(*)::int from ins) as inserted, (select count(*)::int from firsts) as total`,
    [batchId, studyArea],
  );
  const inserted = ins?.inserted ?? 0;
  return { inserted, existing: (ins?.total ?? 0) - inserted, duplicates: dup?.n ?? 0 };
}

async function finishMonthly(tx: Tx, batchId: number, studyArea: string): Promise<FinishCounts> {
  const [dup] = await tx.query<{ n: number }>(
    `with d as (
       select row_number, min(row_number) over (partition by district_code, year, month, modality) as first_row
       from stage_monthly),
     ins as (
       insert into ingest_rejects (batch_id, row_number, field, reason, value)
       select $1, row_number, 'UBIGEO_HECHO', 'fila duplicada: el mismo distrito, mes y modalidad aparece en la fila ' || first_row, null
       from d where row_number <> first_row
       on conflict do nothing returning 1)
     select count(*)::int as n from ins`,
    [batchId],
  );
  const [ins] = await tx.query<{ inserted: number; total: number }>(
    `with firsts as (
       select distinct on (district_code, year, month, modality) * from stage_monthly
       order by district_code, year, month, modality, row_number),
     ins as (
       insert into sidpol_monthly (study_area, district_code, year, month, modality, category, count, batch_id)
       select $2, district_code, year, month, modality, category, count, $1 from firsts
       on conflict do nothing returning 1)
     select (select count(*)::int from ins) as inserted, (select count(*)::int from firsts) as total`,
    [batchId, studyArea],
  );
  const inserted = ins?.inserted ?? 0;
  return { inserted, existing: (ins?.total ?? 0) - inserted, duplicates: dup?.n ?? 0 };
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

/** The most recent batches first. */
export async function listBatches(db: Db, limit = 50): Promise<BatchView[]> {
  return db.query<BatchView>(
    `select id, study_area as "studyArea", adapter, file_name as "fileName", encoding, rows_read as "rowsRead",
       rows_accepted as accepted, rows_existing as existing, rows_rejected as rejected, finished_at as "finishedAt"
     from ingest_batches order by id desc limit $1`,
    [limit],
  );
}

/**
 * The ingest use case, shared by the CLI and (later) the HTTP API: check the file, refuse it early
 * if it is not what it claims, then stream it through its adapter into one atomic batch.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { InputFileError, NotFoundError, ValidationError } from '../core/errors.ts';
import type { IncidentRow, RejectRow } from '../core/records.ts';
import type { StudyArea } from '../geo/study-area.ts';
import { type FileFacts, inspectFile } from '../ingest/file-check.ts';
import {
  type CsvReader,
  type CsvRow,
  checkHeader,
  type JsonFeature,
  openCsv,
  readJsonFeatures,
  valueProblem,
} from '../ingest/read-rows.ts';
import type { RowMapper, SourceAdapter } from '../ingest/sources/adapter.ts';
import {
  GEOMETRY_LAT,
  GEOMETRY_LON,
  type Mapping,
  mappedAdapter,
  parseMapping,
} from '../ingest/sources/mapped.ts';
import { sidpolGeoAdapter } from '../ingest/sources/sidpol-geo.ts';
import { sidpolMonthlyAdapter } from '../ingest/sources/sidpol-monthly.ts';
import { BatchEncoder, type EncodedChunk } from '../storage/batch-encoder.ts';
import type { Db } from '../storage/db.ts';
import {
  type ChunkSource,
  findBatchByFile,
  getBatch,
  listRejects,
  type WriteOutcome,
  writeBatch,
} from '../storage/ingest-writer.ts';

export { listBatches } from '../storage/ingest-writer.ts';

import { getStudyArea } from './areas.ts';
import { type AuditContext, audit } from './audit.ts';
import { fillRedactedNarratives, redactNarrative } from './narrative-redaction.ts';

/** The built-in adapters by name; `mapped` needs a mapping file. */
export const ADAPTERS = {
  'sidpol-geo': sidpolGeoAdapter,
  'sidpol-monthly': sidpolMonthlyAdapter,
} as const satisfies Record<string, SourceAdapter>;

export type AdapterName = keyof typeof ADAPTERS | 'mapped';

/** Options of one ingest run. */
export interface IngestOptions {
  file: string;
  adapter: AdapterName;
  /** Study-area id. */
  area: string;
  /** Mapping file (adapter "mapped"). */
  mappingFile?: string;
  /** Called every few thousand rows with bytes read so far and the file size. */
  onProgress?: (bytesRead: number, bytes: number, rows: number) => void;
  /** Clock, for tests. */
  now?: number;
  /** The name to record for the file (uploads are stored under generated names). */
  displayName?: string;
  /** Who loads the file: a new batch is recorded in the audit log. */
  audit?: AuditContext;
  /** How many rejects to return in the report (all are stored). */
  rejectSample?: number;
}

/** What became of one file. */
export type IngestStatus = 'loaded' | 'already-ingested' | 'in-progress';

/** What happened. */
export interface IngestReport {
  file: string;
  adapter: string;
  area: string;
  encoding: string;
  /**
   * `loaded`: this run stored the batch. `already-ingested`: the same file with the same mapping
   * was loaded before (see alreadyIngested); `in-progress`: another process is loading it right now.
   * In both of the latter nothing was written.
   */
  status: IngestStatus;
  /** Set when the same file had already been ingested: nothing was done. */
  alreadyIngested: { batchId: number; at: Date } | null;
  batchId: number | null;
  rowsRead: number;
  accepted: number;
  existing: number;
  rejected: number;
  /** Rows left out by the mapping's row filter (`filter`): neither stored nor rejected. */
  skipped: number;
  rejects: RejectRow[];
  seconds: number;
}

function resolveAdapter(o: IngestOptions): { adapter: SourceAdapter; mapping?: Mapping } {
  if (o.adapter === 'mapped') {
    if (!o.mappingFile)
      throw new ValidationError(
        '--mapping',
        'el formato "mapped" necesita un archivo de mapeo (--mapping archivo.json)',
      );
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(o.mappingFile, 'utf8'));
    } catch (cause) {
      throw new InputFileError(o.mappingFile, `archivo de mapeo ilegible: ${(cause as Error).message}`, {
        cause,
      });
    }
    const mapping = parseMapping(raw, basename(o.mappingFile));
    return { adapter: mappedAdapter(mapping), mapping };
  }
  if (!Object.hasOwn(ADAPTERS, o.adapter))
    throw new ValidationError(
      '--format',
      `formato desconocido "${o.adapter}" (use: ${[...Object.keys(ADAPTERS), 'mapped'].join(', ')})`,
    );
  return { adapter: ADAPTERS[o.adapter] };
}

/** Flattens an ArcGIS or GeoJSON feature into named values. */
function featureRecord(value: unknown, rowNumber: number, file: string): Record<string, unknown> {
  const f = value as {
    attributes?: Record<string, unknown>;
    properties?: Record<string, unknown>;
    geometry?: unknown;
  };
  const rec: Record<string, unknown> = { ...(f.attributes ?? f.properties ?? {}) };
  if (!f.attributes && !f.properties)
    throw new InputFileError(
      file,
      `el elemento ${rowNumber} de "features" no tiene attributes ni properties`,
    );
  const g = f.geometry as
    | { type?: string; coordinates?: unknown[]; x?: number; y?: number }
    | null
    | undefined;
  if (g?.type === 'Point' && Array.isArray(g.coordinates)) {
    rec[GEOMETRY_LON] = g.coordinates[0];
    rec[GEOMETRY_LAT] = g.coordinates[1];
  } else if (g && typeof g.x === 'number' && typeof g.y === 'number') {
    rec[GEOMETRY_LON] = g.x;
    rec[GEOMETRY_LAT] = g.y;
  }
  return rec;
}

const str = (v: unknown): string =>
  v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);

/** Rows as (values by header position) from CSV or JSON; the header is known before any write. */
async function openRows(facts: FileFacts, progress: { bytesRead: number }): Promise<CsvReader> {
  const head = Buffer.alloc(256);
  const fd = openSync(facts.path, 'r');
  const n = readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  const firstByte = head.subarray(0, n).toString('latin1').trimStart().slice(0, 1);
  const isJson = ['.json', '.geojson'].includes(extname(facts.path).toLowerCase()) || firstByte === '{';
  if (!isJson) return openCsv(facts, progress);
  const features = readJsonFeatures(facts, progress);
  const first = await features.next();
  if (first.done) throw new InputFileError(facts.name, 'el arreglo "features" está vacío');
  if (first.value.error)
    throw new InputFileError(
      facts.name,
      `el elemento 1 de "features" define las columnas y no se puede leer (${first.value.error.field}: ${first.value.error.reason})`,
    );
  const firstRec = featureRecord(first.value.value, 1, facts.name);
  const header = Object.keys(firstRec);
  checkHeader(header, facts);
  const row = (f: JsonFeature, rec: Record<string, unknown> | null): CsvRow => {
    const values = rec ? header.map((h) => str(rec[h])) : [];
    return { rowNumber: f.rowNumber, values, error: f.error ?? valueProblem(values, header, facts) };
  };
  async function* rows(): AsyncGenerator<CsvRow[]> {
    let batch: CsvRow[] = [row(first.value as JsonFeature, firstRec)];
    for await (const f of features) {
      batch.push(row(f, f.error ? null : featureRecord(f.value, f.rowNumber, facts.name)));
      if (batch.length >= 1000) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }
  return { header, rows: rows() };
}

/** A file opened for ingest: header checked, adapter compiled. */
export interface OpenInput {
  rows: AsyncGenerator<CsvRow[]>;
  mapper: RowMapper;
  progress: { bytesRead: number };
}

/**
 * Opens a file and compiles its adapter against the header.
 * @throws InputFileError when the file is not what the adapter reads (nothing has been written)
 */
export async function openInput(
  facts: FileFacts,
  adapter: SourceAdapter,
  area: StudyArea,
  now: number,
): Promise<OpenInput> {
  const progress = { bytesRead: 0 };
  const { header, rows } = await openRows(facts, progress);
  try {
    return {
      rows,
      mapper: adapter.compile(header, { area, fileName: facts.name, fileSha256: facts.sha256, now }),
      progress,
    };
  } catch (err) {
    await rows.return(undefined);
    throw err;
  }
}

/**
 * The row with its narrative redacted (src/text/redact.ts): every adapter's narratives are redacted
 * here, before they are stored; the views below the full one read only the redacted text.
 */
export function withRedactedNarrative(row: IncidentRow): IncidentRow {
  if (row.narrative === null) return { ...row, narrativeRedacted: null };
  return { ...row, narrativeRedacted: redactNarrative(row.narrative, row.category, row.restricted) };
}

/** Maps every row through the adapter into the encoder, yielding a chunk whenever one is full. */
export async function* encodeInput(input: OpenInput, encoder: BatchEncoder): AsyncGenerator<EncodedChunk> {
  let n = 0;
  for await (const batch of input.rows) {
    for (const r of batch) {
      encoder.rowRead();
      if (r.error) encoder.reject({ rowNumber: r.rowNumber, ...r.error });
      else {
        const out = input.mapper(r.values, r.rowNumber);
        if (out.kind === 'incident') encoder.incident(withRedactedNarrative(out.row));
        else if (out.kind === 'monthly') encoder.monthlyCount(out.row);
        else if (out.kind === 'skip') encoder.skip();
        else for (const p of out.problems) encoder.reject({ rowNumber: r.rowNumber, ...p });
      }
      if (encoder.ready) yield encoder.take();
      // Let the event loop run now and then, so COPY data already handed to the socket keeps
      // flowing to the server while we parse: the two then work in parallel.
      else if ((++n & 255) === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }
  yield encoder.take();
}

/**
 * Ingests one file into the store.
 * @throws InputFileError when the file is refused (nothing is written); ValidationError for bad options
 */
export async function ingestFile(db: Db, o: IngestOptions): Promise<IngestReport> {
  const started = performance.now();
  const { adapter, mapping } = resolveAdapter(o);
  const area = await getStudyArea(db, o.area);
  const facts = await inspectFile(o.file);
  const fileName = o.displayName ?? facts.name;
  const base = { file: fileName, adapter: adapter.id, area: o.area, encoding: facts.encoding };
  const key = { studyArea: o.area, adapter: adapter.id, sha256: facts.sha256, mapping };
  const nothing = (status: IngestStatus, previous?: { id: number; finishedAt: Date }): IngestReport => ({
    ...base,
    status,
    alreadyIngested: previous ? { batchId: previous.id, at: previous.finishedAt } : null,
    batchId: null,
    rowsRead: 0,
    accepted: 0,
    existing: 0,
    rejected: 0,
    skipped: 0,
    rejects: [],
    seconds: (performance.now() - started) / 1000,
  });
  const previous = await findBatchByFile(db, key);
  if (previous) return nothing('already-ingested', previous);
  const now = o.now ?? Date.now();
  // Refuse a file that is not what it claims before the transaction starts.
  const first = await openInput(facts, adapter, area, now);
  const districts = area.def.districts.map((d) => d.code);
  const report = (bytesRead: number, rows: number): void => o.onProgress?.(bytesRead, facts.bytes, rows);
  let attempt = 0;
  const source: ChunkSource = async function* (batchId) {
    // The staged fallback reads the file a second time.
    const input = attempt++ === 0 ? first : await openInput(facts, adapter, area, now);
    let rows = 0;
    for await (const chunk of encodeInput(
      input,
      new BatchEncoder(area.def.id, batchId, new Set(districts)),
    )) {
      rows += chunk.rowsRead;
      report(input.progress.bytesRead, rows);
      yield chunk;
    }
  };
  let outcome: WriteOutcome;
  try {
    outcome = await writeBatch(
      db,
      {
        studyArea: o.area,
        adapter: adapter.id,
        fileName,
        sha256: facts.sha256,
        bytes: facts.bytes,
        encoding: facts.encoding,
        mapping,
      },
      source,
    );
  } finally {
    await first.rows.return(undefined); // closes the file if the batch failed before reading it
  }
  if (outcome.status === 'already-ingested') return nothing(outcome.status, outcome.previous);
  if (outcome.status === 'in-progress') return nothing(outcome.status);
  const result = outcome;
  // Narratives stored before redaction existed (migration 0014) are filled on the next ingest.
  await fillRedactedNarratives(db);

  if (o.audit)
    await audit(db, o.audit, 'ingest.batch', `batch:${result.batchId}`, {
      file: fileName,
      adapter: adapter.id,
      area: o.area,
      accepted: result.accepted,
      existing: result.existing,
      rejected: result.rejected,
    });
  return {
    ...base,
    status: 'loaded',
    alreadyIngested: null,
    batchId: result.batchId,
    rowsRead: result.rowsRead,
    accepted: result.accepted,
    existing: result.existing,
    rejected: result.rejected,
    skipped: result.skipped,
    rejects: await listRejects(db, result.batchId, o.rejectSample ?? 20),
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * Every rejected row of a batch.
 * @throws ValidationError for a malformed id; NotFoundError when the batch does not exist
 */
export async function batchRejects(db: Db, batchId: string): Promise<{ file: string; rejects: RejectRow[] }> {
  if (!/^\d{1,12}$/.test(batchId))
    throw new ValidationError('lote', `número de lote inválido "${batchId}" (vea "vigia batches")`);
  const batch = await getBatch(db, Number(batchId));
  if (!batch) throw new NotFoundError(`No existe el lote #${batchId} (vea "vigia batches")`);
  return { file: batch.fileName, rejects: await listRejects(db, batch.id) };
}

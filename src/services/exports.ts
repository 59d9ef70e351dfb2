/**
 * Researchers' exports (issue 13): de-identified incidents and stored backtest results as CSV or
 * Parquet. Incidents come only through the researcher view of services/queries.ts (incidentPage,
 * view `coarse`): pseudonyms keyed by the store's secret instead of ids, no external id, report
 * time or narrative, occurrence time to the hour, location on the ≈275 m lattice, and no restricted
 * row at all. They are read in pages of PAGE_ROWS: CSV is streamed page by page; Parquet is written
 * one row group per ROW_GROUP rows and sent when complete. Both formats hold the same columns and
 * values (the tests read the Parquet back and compare).
 */
import { NotFoundError } from '../core/errors.ts';
import type { BacktestReport } from '../evaluation/report/report.ts';
import { getReport } from '../storage/backtest-reports.ts';
import type { Db } from '../storage/db.ts';
import { type FilterParams, incidentPage } from './queries.ts';

/** Export formats. */
export const EXPORT_FORMATS = ['csv', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** A column of an export: its name and Parquet type (CSV writes the same values as text). */
export interface ExportColumn {
  name: string;
  type: 'STRING' | 'DOUBLE' | 'INT32' | 'BOOLEAN';
}
export type ExportValue = string | number | boolean | null;

const PAGE_ROWS = 1000;
const ROW_GROUP = 50_000;

/** The columns of the incident export (no id that links back, no narrative, no report time). */
export const INCIDENT_EXPORT_COLUMNS: readonly ExportColumn[] = [
  { name: 'pseudonym', type: 'STRING' },
  { name: 'occurred_hour_utc', type: 'STRING' },
  { name: 'time_precision', type: 'STRING' },
  { name: 'district_code', type: 'STRING' },
  { name: 'district_name', type: 'STRING' },
  { name: 'category', type: 'STRING' },
  { name: 'tipo', type: 'STRING' },
  { name: 'subtipo', type: 'STRING' },
  { name: 'modalidad', type: 'STRING' },
  { name: 'turno', type: 'STRING' },
  { name: 'channel', type: 'STRING' },
  { name: 'geo_quality', type: 'STRING' },
  { name: 'lat', type: 'DOUBLE' },
  { name: 'lon', type: 'DOUBLE' },
  { name: 'source', type: 'STRING' },
];

/** The columns of the backtest export: one row per model × coverage of its pooled curve. */
export const BACKTEST_EXPORT_COLUMNS: readonly ExportColumn[] = [
  { name: 'report_id', type: 'INT32' },
  { name: 'area', type: 'STRING' },
  { name: 'crime_group', type: 'STRING' },
  { name: 'horizon', type: 'STRING' },
  { name: 'period_from', type: 'STRING' },
  { name: 'period_to', type: 'STRING' },
  { name: 'model', type: 'STRING' },
  { name: 'kind', type: 'STRING' },
  { name: 'coverage', type: 'DOUBLE' },
  { name: 'hits', type: 'DOUBLE' },
  { name: 'events', type: 'DOUBLE' },
  { name: 'hit_rate', type: 'DOUBLE' },
  { name: 'ci95_low', type: 'DOUBLE' },
  { name: 'ci95_high', type: 'DOUBLE' },
  { name: 'pai', type: 'DOUBLE' },
  { name: 'pei', type: 'DOUBLE' },
  { name: 'p_better_than_naive', type: 'DOUBLE' },
];

/** Pages of de-identified incidents (researcher view), oldest cursor first as incidentPage pages. */
export async function* deidentifiedIncidentPages(db: Db, p: FilterParams): AsyncGenerator<ExportValue[][]> {
  let cursor: string | undefined;
  do {
    const page = await incidentPage(db, {
      ...p,
      limit: PAGE_ROWS,
      view: 'coarse',
      ...(cursor ? { cursor } : {}),
    });
    yield page.items.map((r) => [
      r.id,
      r.occurredAt.toISOString(),
      r.timePrecision,
      r.districtCode,
      r.districtName,
      r.category,
      r.tipo,
      r.subtipo,
      r.modalidad,
      r.turno,
      r.channel,
      r.geoQuality,
      r.lat,
      r.lon,
      r.source,
    ]);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

/**
 * A stored backtest report as rows.
 * @throws NotFoundError for an unknown report
 */
export async function backtestExportRows(db: Db, id: number): Promise<ExportValue[][]> {
  const r = await getReport<BacktestReport>(db, id);
  if (!r) throw new NotFoundError(`No existe el reporte de backtest ${id}`);
  return r.models.flatMap((m) =>
    m.curve.map((c) => [
      id,
      r.area,
      r.group,
      r.horizon,
      r.from,
      r.to,
      m.name,
      m.kind,
      c.coverage,
      c.hits,
      c.events,
      c.hitRate,
      c.interval95[0],
      c.interval95[1],
      c.pai,
      c.pei,
      c.pBetterThanNaive,
    ]),
  );
}

/** One CSV field (RFC 4180: quoted when it holds a comma, quote or line break; null is empty). */
function csvField(v: ExportValue): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV text, header first, streamed page by page (UTF-8, LF line ends). */
export async function* toCsv(
  columns: readonly ExportColumn[],
  pages: AsyncIterable<ExportValue[][]> | Iterable<ExportValue[][]>,
): AsyncGenerator<string> {
  yield `${columns.map((c) => c.name).join(',')}\n`;
  for await (const rows of pages)
    if (rows.length) yield rows.map((r) => `${r.map(csvField).join(',')}\n`).join('');
}

/** A Parquet file (SNAPPY, one row group per ROW_GROUP rows; every column nullable). */
export async function toParquet(
  columns: readonly ExportColumn[],
  pages: AsyncIterable<ExportValue[][]> | Iterable<ExportValue[][]>,
): Promise<Buffer> {
  const { ByteWriter, ParquetWriter } = await import('hyparquet-writer');
  const writer = new ByteWriter();
  const schema = [
    { name: 'root', num_children: columns.length },
    ...columns.map((c) => ({
      name: c.name,
      repetition_type: 'OPTIONAL' as const,
      ...(c.type === 'STRING'
        ? { type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const }
        : { type: c.type }),
    })),
  ];
  const pw = new ParquetWriter({ writer, schema, createdBy: 'Vigía' });
  let buffered: ExportValue[][] = [];
  const flush = (): void => {
    if (!buffered.length) return;
    const rows = buffered;
    pw.write({
      columnData: columns.map((c, i) => ({ name: c.name, data: rows.map((r) => r[i] ?? null) })),
      rowGroupSize: ROW_GROUP,
    });
    buffered = [];
  };
  for await (const rows of pages) {
    buffered.push(...rows);
    if (buffered.length >= ROW_GROUP) flush();
  }
  flush();
  pw.finish();
  return Buffer.from(writer.getBuffer());
}

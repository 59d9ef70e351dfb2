/**
 * Turns validated rows into COPY text, chunk by chunk, with no database: duplicate ids within the
 * file are caught here (typed-array hash set), and every rejected field becomes a reject line. Pure
 * and synchronous, so it runs equally in the main thread or in the ingest worker thread, which then
 * hands finished chunks to the writer.
 */
import { IdSet } from '../core/id-set.ts';
import type { IncidentRow, MonthlyRow, RejectRow } from '../core/records.ts';

/** Columns of the incident COPY lines, in order. */
export const INCIDENT_COLUMNS =
  'source, external_id, study_area, batch_id, occurred_at, time_precision, reported_at, lat, lon, x, y, geo_quality, district_code, category, tipo, subtipo, modalidad, turno, channel, restricted, narrative, narrative_redacted';
/** Columns of the monthly COPY lines, in order. */
export const MONTHLY_COLUMNS = 'district_code, year, month, modality, category, count';
/** Columns of the reject COPY lines, in order. */
export const REJECT_COLUMNS = 'batch_id, row_number, field, reason, value';

/** One chunk of COPY text (CSV format) and what it adds to the batch's counts. */
export interface EncodedChunk {
  incidents: string;
  monthly: string;
  rejects: string;
  rowsRead: number;
  /** Lines in `incidents` and `monthly` (before comparison with stored rows). */
  incidentRows: number;
  monthlyRows: number;
  rejected: number;
  /** Rows left out by a mapping's row filter. */
  skipped: number;
}

const NEEDS_QUOTES = /[",\n\r]/;
const MAX_VALUE = 120;
const DAY_MS = 86_400_000;

/** CSV field for COPY: null → unquoted empty; text quoted when needed. */
function text(v: string | null): string {
  if (v === null) return '';
  if (v === '' || NEEDS_QUOTES.test(v) || v.trim() !== v) return `"${v.replace(/"/g, '""')}"`;
  return v;
}
const num = (v: number | null): string => (v === null ? '' : String(v));
const pad2 = (v: number): string => (v < 10 ? `0${v}` : String(v));

/** Encodes the rows of one batch. */
export class BatchEncoder {
  private incidents: string[] = [];
  private monthly: string[] = [];
  private rejects: string[] = [];
  private readonly ids = new IdSet();
  private readonly seenRejects = new Set<string>();
  private readonly dayText = new Map<number, string>();
  private lastRejectedRow = -1;
  private readonly batchText: string;
  private pending = { rowsRead: 0, incidentRows: 0, monthlyRows: 0, rejected: 0, skipped: 0 };

  /**
   * @param area study-area id written on every incident
   * @param validDistricts the area's district codes: a row naming another is a programming error
   * @param chunkRows lines per table before `ready` turns true
   */
  constructor(
    private readonly area: string,
    private readonly batchId: number,
    private readonly validDistricts: ReadonlySet<string>,
    private readonly chunkRows = 5000,
  ) {
    this.batchText = String(batchId);
  }

  /** True when a table has a full chunk: call take(). */
  get ready(): boolean {
    return (
      this.incidents.length >= this.chunkRows ||
      this.monthly.length >= this.chunkRows ||
      this.rejects.length >= this.chunkRows
    );
  }

  rowRead(): void {
    this.pending.rowsRead++;
  }

  /** A row the mapping's filter leaves out: neither stored nor rejected. */
  skip(): void {
    this.pending.skipped++;
  }

  incident(r: IncidentRow): void {
    const first = this.ids.add(`${r.source}\u0000${r.externalId}`, r.rowNumber);
    if (first >= 0) {
      this.reject({
        rowNumber: r.rowNumber,
        field: 'id',
        reason: `fila duplicada: el mismo id aparece en la fila ${first}`,
        value: r.externalId,
      });
      return;
    }
    if (r.districtCode !== null && !this.validDistricts.has(r.districtCode))
      throw new Error(`internal: district ${r.districtCode} is not in study area ${this.area}`);
    this.pending.incidentRows++;
    // One array join per line: a flat string, fewer intermediate objects than a template literal.
    // Enums, numbers and timestamps never need quoting; only free text goes through text().
    this.incidents.push(
      [
        text(r.source),
        text(r.externalId),
        this.area,
        this.batchText,
        this.iso(r.occurredAt),
        r.timePrecision,
        this.iso(r.reportedAt),
        num(r.lat),
        num(r.lon),
        num(r.x),
        num(r.y),
        r.geoQuality,
        text(r.districtCode),
        r.category,
        text(r.tipo),
        text(r.subtipo),
        text(r.modalidad),
        r.turno ?? '',
        r.channel,
        r.restricted ? 'true' : 'false',
        text(r.narrative),
        `${text(r.narrativeRedacted ?? null)}\n`,
      ].join(','),
    );
  }

  monthlyCount(r: MonthlyRow): void {
    const first = this.ids.add(`${r.districtCode}|${r.year}|${r.month}|${r.modality}`, r.rowNumber);
    if (first >= 0) {
      this.reject({
        rowNumber: r.rowNumber,
        field: 'UBIGEO_HECHO',
        reason: `fila duplicada: el mismo distrito, mes y modalidad aparece en la fila ${first}`,
        value: null,
      });
      return;
    }
    this.pending.monthlyRows++;
    this.monthly.push(
      `${text(r.districtCode)},${r.year},${r.month},${text(r.modality)},${r.category},${r.count}\n`,
    );
  }

  reject(r: RejectRow): void {
    const key = `${r.rowNumber}\u0000${r.field}`;
    if (this.seenRejects.has(key)) return; // one reject per (row, field): the table's primary key
    this.seenRejects.add(key);
    // A row's problems arrive together: count rows, not problems.
    if (r.rowNumber !== this.lastRejectedRow) this.pending.rejected++;
    this.lastRejectedRow = r.rowNumber;
    const value = r.value === null ? null : r.value.slice(0, MAX_VALUE);
    this.rejects.push(`${this.batchId},${r.rowNumber},${text(r.field)},${text(r.reason)},${text(value)}\n`);
  }

  /** Drains everything buffered so far. */
  take(): EncodedChunk {
    const chunk: EncodedChunk = {
      incidents: this.incidents.join(''),
      monthly: this.monthly.join(''),
      rejects: this.rejects.join(''),
      ...this.pending,
    };
    this.incidents = [];
    this.monthly = [];
    this.rejects = [];
    this.pending = { rowsRead: 0, incidentRows: 0, monthlyRows: 0, rejected: 0, skipped: 0 };
    return chunk;
  }

  /** Timestamp text for COPY ("2024-03-05 21:30:00+00"); the date part is cached per day. */
  private iso(ms: number | null): string {
    if (ms === null) return '';
    const day = Math.floor(ms / DAY_MS);
    let d = this.dayText.get(day);
    if (d === undefined) {
      d = new Date(day * DAY_MS).toISOString().slice(0, 10);
      this.dayText.set(day, d);
    }
    const t = ms - day * DAY_MS;
    const msPart = t % 1000;
    const secs = (t - msPart) / 1000;
    const frac = msPart ? `.${String(msPart).padStart(3, '0')}` : '';
    return `${d} ${pad2(Math.floor(secs / 3600))}:${pad2(Math.floor(secs / 60) % 60)}:${pad2(secs % 60)}${frac}+00`;
  }
}

/**
 * Field-level parsing and normalisation shared by every adapter: ubigeo codes, coordinates,
 * timestamps in the area's time zone, and the placement of a point in the study area (projection,
 * district by point-in-polygon, outside-area rejection). Each parser returns a value or a problem
 * that names the field, so adapters report every bad field of a row, not only the first.
 */

import type { RejectRow } from '../core/records.ts';
import {
  isRealDate,
  localTimeOfDayMs,
  localToUtc,
  type TimePrecision,
  type Turno,
  turnoOfHour,
} from '../core/time.ts';
import type { StudyArea } from '../geo/study-area.ts';

/** A problem with one field of one row. */
export type FieldProblem = Omit<RejectRow, 'rowNumber'>;

/** Collects problems while a row is parsed. */
export class Problems {
  readonly list: FieldProblem[] = [];
  add(field: string, reason: string, value: string | null): void {
    this.list.push({ field, reason, value });
  }
  get any(): boolean {
    return this.list.length > 0;
  }
  /**
   * Rejects a value longer than `max` characters (limits: ./limits.ts).
   * @param show false for free text (narratives), which never goes into a reject
   */
  tooLong(field: string, value: string, max: number, show = true): void {
    if (value.length > max)
      this.add(
        field,
        `valor demasiado largo: ${value.length} caracteres (máximo ${max})`,
        show ? value : null,
      );
  }
}

/** Restores a lost leading zero: "70101" → "070101". Null when not a 1–6 digit code. */
const ubigeoCache = new Map<string, string | null>();

export function normaliseUbigeo(value: string): string | null {
  // A source repeats a handful of codes: normalise each once.
  let code = ubigeoCache.get(value);
  if (code === undefined) {
    const v = value.trim().replace(/\.0+$/, '');
    code = /^\d{1,6}$/.test(v) ? v.padStart(6, '0') : null;
    if (ubigeoCache.size < 10_000) ubigeoCache.set(value, code);
  }
  return code;
}

/** Parses a decimal number ("-12.05", "-12,05"); null for empty; NaN for garbage. */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export function parseNumber(value: string): number | null {
  const v = value.trim();
  if (v === '') return null;
  const d = v.includes(',') && !v.includes('.') ? v.replace(',', '.') : v;
  // Number() would also accept "0x10", "0b11" or "Infinity": only plain decimals are coordinates.
  return DECIMAL.test(d) ? Number(d) : Number.NaN;
}

const MIN_YEAR_MS = Date.UTC(1990, 0, 1);
const DAY_MS = 86_400_000;

/**
 * Checks that an instant is plausible for a crime record: after 1990, not in the future.
 * @param now the clock, injectable for tests
 */
export function checkInstant(
  ms: number,
  field: string,
  raw: string,
  problems: Problems,
  now: number,
): boolean {
  if (!Number.isFinite(ms)) {
    problems.add(field, 'fecha inválida o imposible', raw);
    return false;
  }
  if (ms < MIN_YEAR_MS) {
    problems.add(field, 'fecha anterior a 1990', raw);
    return false;
  }
  if (ms > now + DAY_MS) {
    problems.add(field, 'fecha en el futuro', raw);
    return false;
  }
  return true;
}

/**
 * An ISO 8601 instant with offset; NaN for impossible dates, which Date.parse would roll over
 * ("2017-02-30T10:00Z" → 2 March).
 */
export function parseIsoInstant(value: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.exec(
    value.trim(),
  );
  if (!m) return Number.NaN;
  const f = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4]),
    minute: Number(m[5]),
    second: Number(m[6] ?? 0),
  };
  return isRealDate(f) ? Date.parse(value.trim()) : Number.NaN;
}

const LOCAL_PATTERNS: readonly RegExp[] = [
  // 2024-03-05, 2024-03-05 14:30, 2024-03-05T14:30:00, 2024/03/05 14:30:00
  /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/,
];
const DMY = /^(\d{1,2})[-/](\d{1,2})[-/](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/** A parsed event time. */
export interface ParsedTime {
  ms: number;
  precision: TimePrecision;
}

/**
 * Parses a SIDPOL-style timestamp: epoch milliseconds (ArcGIS), an ISO instant with offset, or a
 * local date/time (YYYY-MM-DD[ HH:mm[:ss]] or DD/MM/YYYY[ HH:mm]) in `timeZone`. A value at exactly
 * local midnight, or without a time, is date-only: SIDPOL stores date-only records as 00:00 local.
 * @returns null when the value is empty; NaN ms when it cannot be a real date
 */
export function parseSidpolTime(value: string, timeZone: string): ParsedTime | null {
  const v = value.trim();
  if (v === '') return null;
  let ms: number;
  let hasTime = true;
  if (/^-?\d{9,}$/.test(v)) ms = Number(v);
  else if (/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(v)) ms = parseIsoInstant(v);
  else {
    let f: number[] | null = null;
    const m = LOCAL_PATTERNS[0]?.exec(v);
    if (m)
      f = [
        Number(m[1]),
        Number(m[2]),
        Number(m[3]),
        Number(m[4] ?? -1),
        Number(m[5] ?? 0),
        Number(m[6] ?? 0),
      ];
    const d = f ? null : DMY.exec(v);
    if (d)
      f = [
        Number(d[3]),
        Number(d[2]),
        Number(d[1]),
        Number(d[4] ?? -1),
        Number(d[5] ?? 0),
        Number(d[6] ?? 0),
      ];
    if (!f) return { ms: Number.NaN, precision: 'exact' };
    const [year, month, day, hour, minute, second] = f as [number, number, number, number, number, number];
    hasTime = hour >= 0;
    ms = localToUtc({ year, month, day, hour: Math.max(hour, 0), minute, second }, timeZone);
  }
  if (!Number.isFinite(ms)) return { ms: Number.NaN, precision: 'exact' };
  const midnight = Math.floor(localTimeOfDayMs(ms, timeZone) / 1000) === 0;
  return { ms, precision: !hasTime || midnight ? 'date' : 'exact' };
}

/** The turno of an exact instant; null when the time of day is unknown. */
export function turnoOf(time: ParsedTime, timeZone: string): Turno | null {
  if (time.precision !== 'exact') return null;
  return turnoOfHour(Math.floor(localTimeOfDayMs(time.ms, timeZone) / 3_600_000));
}

/** Where an incident sits once placed. */
export interface Placement {
  lat: number | null;
  lon: number | null;
  x: number | null;
  y: number | null;
  districtCode: string | null;
}

/**
 * Places a point in the study area.
 * - no coordinates (or 0,0): kept, district from the record's own code when it is one of the area's;
 * - coordinates outside the area: a problem naming the coordinate fields;
 * - forced to the comisaría (`station`): the record's district code wins over point-in-polygon,
 *   because the station can sit in a neighbouring district.
 */
export function placeIncident(
  area: StudyArea,
  input: {
    lat: number | null;
    lon: number | null;
    latField: string;
    lonField: string;
    districtHint: string | null;
    districtField: string | null;
    station: boolean;
  },
  problems: Problems,
): Placement | null {
  const { lat, lon } = input;
  const hasDistricts = area.def.districts.length > 0;
  let hint = input.districtHint;
  if (hint !== null && hasDistricts && area.districtIndex(hint) < 0) {
    const known = area.def.districts.map((d) => d.code).join(', ');
    problems.add(
      input.districtField ?? 'distrito',
      `código de distrito fuera del área de estudio ${area.def.id} (${known})`,
      hint,
    );
    return null;
  }
  if (!hasDistricts) hint = null;
  if (lat === null || lon === null || (lat === 0 && lon === 0)) {
    if ((lat === null) !== (lon === null)) {
      problems.add(lat === null ? input.latField : input.lonField, 'falta una de las dos coordenadas', null);
      return null;
    }
    return { lat: null, lon: null, x: null, y: null, districtCode: hint };
  }
  if (Number.isNaN(lat) || lat < -90 || lat > 90) {
    problems.add(input.latField, 'latitud inválida (se espera un número entre -90 y 90)', String(lat));
    return null;
  }
  if (Number.isNaN(lon) || lon < -180 || lon > 180) {
    problems.add(input.lonField, 'longitud inválida (se espera un número entre -180 y 180)', String(lon));
    return null;
  }
  const [x, y] = area.projection.forward(lon, lat);
  const loc = area.locate(x, y);
  if (loc.kind === 'outside') {
    problems.add(
      `${input.latField},${input.lonField}`,
      `coordenadas fuera del área de estudio ${area.def.id}`,
      `${lat},${lon}`,
    );
    return null;
  }
  const pip = loc.kind === 'district' ? (area.def.districts[loc.index]?.code ?? null) : null;
  return { lat, lon, x, y, districtCode: input.station && hint !== null ? hint : (pip ?? hint) };
}

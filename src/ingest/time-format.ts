/**
 * Time formats for mapping files: `YYYY-MM-DD HH:mm:ss`, `M/D/YYYY H:mm`, `DD/MM/YYYY`, … or
 * `iso` (an instant with offset), `epoch-ms`, `epoch-s`. A format is compiled once to a regular
 * expression; local times are read in the mapping's time zone. Or a time split over several columns
 * (year, month, day, hour, minute: Vancouver's export), read by compileTimeParts.
 */
import { ValidationError } from '../core/errors.ts';
import {
  isRealDate,
  type LocalFields,
  localTimeOfDayMs,
  localToUtc,
  type TimePrecision,
} from '../core/time.ts';
import { parseIsoInstant } from './normalize.ts';

const TOKENS: Record<string, { re: string; field: 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' }> =
  {
    YYYY: { re: '(\\d{4})', field: 'year' },
    MM: { re: '(\\d{2})', field: 'month' },
    M: { re: '(\\d{1,2})', field: 'month' },
    DD: { re: '(\\d{2})', field: 'day' },
    D: { re: '(\\d{1,2})', field: 'day' },
    HH: { re: '(\\d{2})', field: 'hour' },
    H: { re: '(\\d{1,2})', field: 'hour' },
    mm: { re: '(\\d{2})', field: 'minute' },
    ss: { re: '(\\d{2})', field: 'second' },
  };
const TOKEN_RE = /YYYY|MM|M|DD|D|HH|H|mm|ss/g;

/** A compiled time parser: text → epoch ms (NaN when invalid) and the precision the format carries. */
export interface TimeParser {
  readonly precision: TimePrecision;
  parse(value: string): number;
}

/**
 * Compiles a format.
 * @throws ValidationError naming `field` when the format has no year or month
 */
export function compileTimeFormat(format: string, timeZone: string, field = 'time.format'): TimeParser {
  if (format === 'iso')
    return {
      precision: 'exact',
      parse: parseIsoInstant,
    };
  if (format === 'epoch-ms' || format === 'epoch-s') {
    const k = format === 'epoch-ms' ? 1 : 1000;
    return {
      precision: 'exact',
      parse: (v) => (/^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v.trim()) * k : Number.NaN),
    };
  }
  const fields: (typeof TOKENS)[string]['field'][] = [];
  const pattern = format.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(TOKEN_RE, (tok) => {
    const t = TOKENS[tok] as (typeof TOKENS)[string];
    fields.push(t.field);
    return t.re;
  });
  if (!fields.includes('year') || !fields.includes('month'))
    throw new ValidationError(
      field,
      `formato de fecha "${format}" sin año (YYYY) o mes (M/MM); ej. "YYYY-MM-DD HH:mm:ss"`,
    );
  const re = new RegExp(`^${pattern}$`);
  const precision: TimePrecision = !fields.includes('day')
    ? 'month'
    : !fields.includes('hour')
      ? 'date'
      : 'exact';
  return {
    precision,
    parse(value) {
      const m = re.exec(value.trim());
      if (!m) return Number.NaN;
      const f = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
      fields.forEach((name, i) => {
        f[name] = Number(m[i + 1]);
      });
      return localToUtc(f, timeZone);
    },
  };
}

/** Columns that together hold a local time; hour, minute and second are optional. */
export interface TimePartColumns {
  year: string;
  month: string;
  day: string;
  hour?: string | undefined;
  minute?: string | undefined;
  second?: string | undefined;
}

/** One row's time read from its parts, or the problem naming the column(s). */
export type PartsTime =
  | { ok: true; ms: number; precision: TimePrecision }
  | { ok: false; field: string; reason: string; value: string | null };

/**
 * Compiles a time composed from several columns, read in `timeZone`. A row whose hour (or minute,
 * when mapped) is empty, or a mapping without an hour column, gives a date-only time (local
 * midnight, precision `date`). Every part must be a whole number; an impossible date or time
 * (30 February, hour 24) is a problem naming all the part columns.
 * @returns a parser of the parts' cell values, in the order year, month, day, hour, minute, second
 *   ('' for a part that is not mapped)
 */
export function compileTimeParts(
  cols: TimePartColumns,
  timeZone: string,
): (cells: readonly [string, string, string, string, string, string]) => PartsTime {
  const names = [cols.year, cols.month, cols.day, cols.hour, cols.minute, cols.second];
  const allNames = names.filter((n): n is string => n !== undefined).join(',');
  return (cells) => {
    const v = [0, 0, 0, 0, 0, 0];
    let hasTime = cols.hour !== undefined;
    for (let i = 0; i < 6; i++) {
      const name = names[i];
      if (name === undefined) continue;
      const raw = cells[i] as string;
      if (raw === '') {
        if (i < 3) return { ok: false, field: name, reason: 'falta la fecha', value: null };
        if (i < 5) hasTime = false;
        continue;
      }
      if (!/^\d{1,4}$/.test(raw))
        return { ok: false, field: name, reason: 'se espera un número entero', value: raw };
      v[i] = Number(raw);
    }
    const [year, month, day, hour, minute, second] = (hasTime ? v : [v[0], v[1], v[2], 0, 0, 0]) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const f: LocalFields = { year, month, day, hour, minute, second };
    if (!isRealDate(f))
      return {
        ok: false,
        field: allNames,
        reason: 'fecha u hora imposible',
        value: cells.filter((_, i) => names[i] !== undefined).join(' '),
      };
    return { ok: true, ms: localToUtc(f, timeZone), precision: hasTime ? 'exact' : 'date' };
  };
}

/**
 * True when an exact instant falls at local midnight (00:00:00): exports that record an unknown
 * time of day as 00:00 mark such rows date-only (`dateOnlyAtMidnight` in a mapping file).
 */
export function isLocalMidnight(ms: number, timeZone: string): boolean {
  return Math.floor(localTimeOfDayMs(ms, timeZone) / 1000) === 0;
}

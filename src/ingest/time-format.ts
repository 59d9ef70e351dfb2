/**
 * Time formats for mapping files: `YYYY-MM-DD HH:mm:ss`, `M/D/YYYY H:mm`, `DD/MM/YYYY`, … or
 * `iso` (an instant with offset), `epoch-ms`, `epoch-s`. A format is compiled once to a regular
 * expression; local times are read in the mapping's time zone.
 */
import { ValidationError } from '../core/errors.ts';
import { localToUtc, type TimePrecision } from '../core/time.ts';
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

/**
 * Time-zone arithmetic without the server's zone: local wall-clock times in an IANA zone are turned
 * into UTC instants and back with `Intl`, with the UTC offset cached per zone and hour so that hot
 * ingest loops pay for `Intl` once per distinct hour, not once per row.
 */
import { ValidationError } from './errors.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();
const hourCache = new Map<string, Map<number, number>>();
const weekCache = new Map<string, Map<number, number>>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new ValidationError('timeZone', `zona horaria IANA desconocida "${timeZone}" (ej. America/Lima)`);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws a ValidationError unless `timeZone` is a known IANA zone. */
export function assertTimeZone(timeZone: string): void {
  formatterFor(timeZone);
}

function cacheFor(caches: Map<string, Map<number, number>>, timeZone: string): Map<number, number> {
  let c = caches.get(timeZone);
  if (!c) {
    c = new Map();
    caches.set(timeZone, c);
  }
  return c;
}

/** The offset at the start of UTC hour `hourKey`, from Intl (slow: cached by the callers). */
function offsetAtHour(hourKey: number, timeZone: string): number {
  const cache = cacheFor(hourCache, timeZone);
  const hit = cache.get(hourKey);
  if (hit !== undefined) return hit;
  const parts = formatterFor(timeZone).formatToParts(new Date(hourKey * HOUR_MS));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  const offset = asUtc - hourKey * HOUR_MS;
  cache.set(hourKey, offset);
  return offset;
}

const WEEK_MS = 7 * DAY_MS;

/**
 * Offset of `timeZone` from UTC at instant `utcMs`, in milliseconds (America/Lima: −5 h).
 * Offsets change at most on whole hours and never twice within a week in any zone we serve. A
 * UTC week whose first and last hours agree therefore has one offset throughout, so most lookups are
 * one map hit per week (Intl is slow: ~25 µs a call); weeks with a change use the hourly cache.
 */
export function zoneOffsetMs(utcMs: number, timeZone: string): number {
  const weeks = cacheFor(weekCache, timeZone);
  const weekKey = Math.floor(utcMs / WEEK_MS);
  let offset = weeks.get(weekKey);
  if (offset === undefined) {
    const firstHour = weekKey * 7 * 24;
    const a = offsetAtHour(firstHour, timeZone);
    offset = a === offsetAtHour(firstHour + 7 * 24 - 1, timeZone) ? a : Number.NaN;
    weeks.set(weekKey, offset);
  }
  return Number.isNaN(offset) ? offsetAtHour(Math.floor(utcMs / HOUR_MS), timeZone) : offset;
}

/** Local wall-clock fields (month 1–12). */
export interface LocalFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/**
 * The UTC instant of a local wall-clock time in `timeZone`. A time that occurs twice (the hour
 * repeated when clocks go back) resolves to its first occurrence; a time that does not exist (the
 * hour skipped when clocks go forward) is read with the offset in force before the change, so
 * 02:30 on a spring-forward night in Chicago becomes 03:30 daylight time.
 * @returns milliseconds since the epoch, or NaN when the fields do not form a real date.
 */
export function localToUtc(f: LocalFields, timeZone: string): number {
  if (!isRealDate(f)) return Number.NaN;
  const naive = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
  // The offsets a day before and a day after bracket any change near this time (zones change at
  // most once a day). A candidate offset is valid when the instant it gives really has that offset.
  const before = zoneOffsetMs(naive - DAY_MS, timeZone);
  const after = zoneOffsetMs(naive + DAY_MS, timeZone);
  let best = Number.NaN;
  for (const off of before === after ? [before] : [before, after]) {
    const utc = naive - off;
    if (zoneOffsetMs(utc, timeZone) === off && !(utc >= best)) best = utc;
  }
  return Number.isNaN(best) ? naive - before : best;
}

/** Milliseconds since local midnight of instant `utcMs` in `timeZone` (no allocation: hot path). */
export function localTimeOfDayMs(utcMs: number, timeZone: string): number {
  const local = utcMs + zoneOffsetMs(utcMs, timeZone);
  return local - Math.floor(local / DAY_MS) * DAY_MS;
}

/** Local wall-clock fields of instant `utcMs` in `timeZone`, plus ISO weekday (1 = Monday). */
export function utcToLocal(utcMs: number, timeZone: string): LocalFields & { weekday: number } {
  const d = new Date(utcMs + zoneOffsetMs(utcMs, timeZone));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    weekday: ((d.getUTCDay() + 6) % 7) + 1,
  };
}

/** True when the fields name a date that exists (no 31 February, no hour 24). */
export function isRealDate(f: LocalFields): boolean {
  if (!Number.isInteger(f.year) || f.year < 1900 || f.year > 2200) return false;
  if (!Number.isInteger(f.month) || f.month < 1 || f.month > 12) return false;
  const dim = new Date(Date.UTC(f.year, f.month, 0)).getUTCDate();
  if (!Number.isInteger(f.day) || f.day < 1 || f.day > dim) return false;
  if (!Number.isInteger(f.hour) || f.hour < 0 || f.hour > 23) return false;
  if (!Number.isInteger(f.minute) || f.minute < 0 || f.minute > 59) return false;
  return Number.isFinite(f.second) && f.second >= 0 && f.second < 60;
}

/** Forecast horizons: one window per police shift (turno), per local day, or per seven days. */
export const HORIZONS = ['turno', 'day', 'week'] as const;
export type Horizon = (typeof HORIZONS)[number];

/** Police shifts (turnos) as SIDPOL writes them. */
export const TURNOS = ['madrugada', 'mañana', 'tarde', 'noche'] as const;
export type Turno = (typeof TURNOS)[number];

/**
 * Local hour bands of the turnos. No public source documents them [U]: this is the common convention
 * (madrugada 00–06, mañana 06–12, tarde 12–18, noche 18–24) and the single place to correct it.
 */
export const TURNO_BANDS: readonly { turno: Turno; fromHour: number; toHour: number }[] = [
  { turno: 'madrugada', fromHour: 0, toHour: 6 },
  { turno: 'mañana', fromHour: 6, toHour: 12 },
  { turno: 'tarde', fromHour: 12, toHour: 18 },
  { turno: 'noche', fromHour: 18, toHour: 24 },
];

/** The turno of a local hour (0–23). */
export function turnoOfHour(hour: number): Turno {
  for (const b of TURNO_BANDS) if (hour >= b.fromHour && hour < b.toHour) return b.turno;
  throw new ValidationError('hour', `hora local fuera de 0–23: ${hour}`);
}

const turnoCache = new Map<string, Turno | null>();

/** Parses a turno as written in sources ("MAÑANA", "manana", "Noche"); null when unrecognised. */
export function parseTurno(value: string): Turno | null {
  const hit = turnoCache.get(value);
  if (hit !== undefined) return hit;
  const parsed = parseTurnoUncached(value);
  if (turnoCache.size < 1000) turnoCache.set(value, parsed);
  return parsed;
}

function parseTurnoUncached(value: string): Turno | null {
  const v = value
    .trim()
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '');
  if (v === 'manana') return 'mañana';
  return (TURNOS as readonly string[]).includes(v) ? (v as Turno) : null;
}

/** Precision of an event time: exact, date only (time unknown) or month only. */
export const TIME_PRECISIONS = ['exact', 'date', 'month'] as const;
export type TimePrecision = (typeof TIME_PRECISIONS)[number];

/**
 * YYYY-MM-DD (a local day in `tz`) → instant; `endOfDay` gives the next local midnight.
 * @throws ValidationError naming `field`
 */
export function parseDay(value: string, tz: string, field: string, endOfDay = false): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  const f = m
    ? { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: 0, minute: 0, second: 0 }
    : null;
  if (!f || !isRealDate(f))
    throw new ValidationError(field, `fecha inválida "${value}" (formato AAAA-MM-DD, ej. 2025-01-31)`);
  if (endOfDay) {
    const next = new Date(Date.UTC(f.year, f.month - 1, f.day + 1));
    f.year = next.getUTCFullYear();
    f.month = next.getUTCMonth() + 1;
    f.day = next.getUTCDate();
  }
  return new Date(localToUtc(f, tz));
}

/**
 * How old an area's data is: the newest incident, its local day, its age in whole days and whether
 * that is older than the configured limit (VIGIA_STALE_DATA_DAYS). The one contract behind the CLI
 * notices, `/readyz`, the API's `dataAge` fields and the dashboard banner; and the choice of the day
 * `vigia forecast` predicts.
 */
import { ValidationError } from '../core/errors.ts';
import type { Db } from '../storage/db.ts';
import { latestIncidentTimes } from '../storage/incidents.ts';
import { getStudyArea } from './areas.ts';

/**
 * The age of an area's data (JSON-safe: the API sends it as is, to every role and to `/readyz`
 * without login, so it gives the newest incident's day, not its time, and restricted rows do not
 * count: storage/incidents.ts latestIncidentTimes).
 */
export interface DataAge {
  area: string;
  /** The local day (area's time zone, YYYY-MM-DD) of the newest incident, or null when there is none. */
  newestDay: string | null;
  /** Whole days from the newest incident to now, or null. */
  days: number | null;
  /** The limit in days (VIGIA_STALE_DATA_DAYS). */
  staleAfterDays: number;
  /** True when the newest incident is older than the limit, or the area has no incidents. */
  stale: boolean;
}

const DAY_MS = 86_400_000;

/** A local day YYYY-MM-DD in a time zone. */
export function localDay(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone, dateStyle: 'short' }).format(new Date(ms));
}

/** YYYY-MM-DD plus `n` days. */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** dd/mm/yyyy, as users read dates. */
export function dmy(day: string): string {
  return day.split('-').reverse().join('/');
}

/** The age of an area's data at `now`. @throws NotFoundError for an unknown area */
export async function dataAge(
  db: Db,
  area: string,
  opts: { staleAfterDays: number; now?: number },
): Promise<DataAge> {
  const a = await getStudyArea(db, area);
  const latest = (await latestIncidentTimes(db)).find((r) => r.area === a.def.id)?.latest ?? null;
  const now = opts.now ?? Date.now();
  if (latest === null)
    return {
      area: a.def.id,
      newestDay: null,
      days: null,
      staleAfterDays: opts.staleAfterDays,
      stale: true,
    };
  const ms = latest * 1000;
  const days = Math.max(0, Math.floor((now - ms) / DAY_MS));
  return {
    area: a.def.id,
    newestDay: localDay(ms, a.def.timeZone),
    days,
    staleAfterDays: opts.staleAfterDays,
    stale: days > opts.staleAfterDays,
  };
}

/** The Spanish notice for stale data, or null when the data is fresh. */
export function staleNotice(age: DataAge): string | null {
  if (!age.stale) return null;
  if (!age.newestDay) return `Sin datos: no hay denuncias cargadas en el área ${age.area}`;
  return `Datos desactualizados: la última denuncia es del ${dmy(age.newestDay)} (hace ${age.days} días; límite ${age.staleAfterDays}, VIGIA_STALE_DATA_DAYS)`;
}

/**
 * The day to forecast: the given one, or the day after the newest data. A day more than
 * `staleAfterDays` beyond the data is refused unless `allowFar`: a forecast that far out would
 * extrapolate from old data without saying so.
 * @throws ValidationError naming --day
 */
export function chooseForecastDay(age: DataAge, opts: { day?: string; allowFar?: boolean }): string {
  if (!age.newestDay) {
    if (opts.day) return opts.day;
    throw new ValidationError(
      '--day',
      `el área ${age.area} no tiene denuncias: indique el día a pronosticar`,
    );
  }
  const day = opts.day ?? addDays(age.newestDay, 1);
  const beyond = Math.round((Date.parse(day) - Date.parse(age.newestDay)) / DAY_MS);
  if (beyond > age.staleAfterDays && !opts.allowFar)
    throw new ValidationError(
      '--day',
      `el ${dmy(day)} está ${beyond} días después de la última denuncia (${dmy(age.newestDay)}); el límite es ${age.staleAfterDays} días (VIGIA_STALE_DATA_DAYS). Cargue datos recientes o use --allow-far`,
    );
  return day;
}

/**
 * {@link dataAge} remembered for a few seconds per store, area and limit: the API adds it to hot
 * answers (the current forecast) without a database round trip each time.
 */
const cache = new WeakMap<Db, Map<string, { until: number; age: Promise<DataAge> }>>();
const CACHE_TTL_MS = 5_000;

export function recentDataAge(db: Db, area: string, opts: { staleAfterDays: number }): Promise<DataAge> {
  const byKey = cache.get(db) ?? new Map<string, { until: number; age: Promise<DataAge> }>();
  cache.set(db, byKey);
  const key = `${area}|${opts.staleAfterDays}`;
  const hit = byKey.get(key);
  if (hit && hit.until > Date.now()) return hit.age;
  const age = dataAge(db, area, opts);
  byKey.set(key, { until: Date.now() + CACHE_TTL_MS, age });
  age.catch(() => byKey.delete(key));
  return age;
}

/** Encoded answers per remembered age: they live as long as that age is current (a few seconds). */
const encoded = new WeakMap<DataAge, Map<string, Buffer>>();
const MAX_BODIES_PER_AGE = 16;

/**
 * A pre-rendered JSON object's bytes with `dataAge` added as its first field. The bytes are kept
 * while `age` is the remembered one, so a hot answer (a 1.6 MB GeoJSON forecast) is not copied and
 * re-encoded on every request.
 */
export function withDataAge(json: string, age: DataAge): Buffer {
  let bodies = encoded.get(age);
  if (!bodies) {
    bodies = new Map();
    encoded.set(age, bodies);
  }
  let bytes = bodies.get(json);
  if (!bytes) {
    bytes = Buffer.from(`{"dataAge":${JSON.stringify(age)},${json.slice(1)}`);
    if (bodies.size >= MAX_BODIES_PER_AGE) bodies.clear();
    bodies.set(json, bytes);
  }
  return bytes;
}

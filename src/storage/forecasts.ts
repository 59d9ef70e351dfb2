/**
 * Stored forecasts. A surface is stored compactly — the grid as JSON, the mask as one byte per cell
 * and the risk of valid cells as float32 — and read back as the same immutable RiskSurface type.
 */
import type { GridSpec } from '../core/grid.ts';
import { createRiskSurface, type RiskSurface } from '../core/risk-surface.ts';
import type { Queryable } from './db.ts';

/** A forecast to store. */
export interface ForecastRecord {
  area: string;
  group: string;
  horizon: 'turno' | 'day' | 'week';
  turno: string | null;
  /** Local day (YYYY-MM-DD) the forecast is for. */
  targetDay: string;
  windowStart: Date;
  windowEnd: Date;
  modelKind: string;
  modelConfig: unknown;
  dataCutoff: Date;
  eventsUsed: number;
  surface: RiskSurface;
  /**
   * The model's explanations of the top cells, as JSON (services/forecast.ts writes and reads
   * them; migration 0016); absent = none stored.
   */
  explanations?: unknown;
}

/** A stored forecast (with its id and creation time). */
export interface StoredForecast extends ForecastRecord {
  id: number;
  createdAt: Date;
}

function packRisk(s: RiskSurface): Buffer {
  let k = 0;
  for (let c = 0; c < s.mask.length; c++) k += s.mask[c] as number;
  const out = new Float32Array(k);
  for (let c = 0, i = 0; c < s.mask.length; c++) if (s.mask[c] !== 0) out[i++] = s.values[c] as number;
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

function unpack(grid: GridSpec, maskBytes: Buffer, riskBytes: Buffer): RiskSurface {
  const mask = new Uint8Array(maskBytes);
  const risk = new Float32Array(
    riskBytes.buffer.slice(riskBytes.byteOffset, riskBytes.byteOffset + riskBytes.byteLength),
  );
  const values = new Float64Array(mask.length);
  for (let c = 0, i = 0; c < mask.length; c++) if (mask[c] !== 0) values[c] = risk[i++] as number;
  return createRiskSurface(grid, values, mask);
}

/** Stores (or replaces) a forecast; returns its id. */
export async function saveForecast(db: Queryable, f: ForecastRecord): Promise<number> {
  const [row] = await db.query<{ id: number }>(
    `insert into forecasts (study_area, crime_group, horizon, turno, window_start, window_end, model_kind, model_config,
       data_cutoff, events_used, grid, mask, risk, target_day, explanations)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
     on conflict (study_area, crime_group, horizon, window_start, model_kind) do update set
       turno = excluded.turno, target_day = excluded.target_day, window_end = excluded.window_end, model_config = excluded.model_config,
       data_cutoff = excluded.data_cutoff, events_used = excluded.events_used, grid = excluded.grid,
       mask = excluded.mask, risk = excluded.risk, explanations = excluded.explanations, created_at = now()
     returning id`,
    [
      f.area,
      f.group,
      f.horizon,
      f.turno,
      f.windowStart,
      f.windowEnd,
      f.modelKind,
      JSON.stringify(f.modelConfig ?? {}),
      f.dataCutoff,
      f.eventsUsed,
      JSON.stringify(f.surface.grid),
      Buffer.from(f.surface.mask),
      packRisk(f.surface),
      f.targetDay,
      f.explanations === undefined ? null : JSON.stringify(f.explanations),
    ],
  );
  return (row as { id: number }).id;
}

interface ForecastRow {
  id: number;
  study_area: string;
  crime_group: string;
  horizon: 'turno' | 'day' | 'week';
  turno: string | null;
  target_day: string;
  window_start: Date;
  window_end: Date;
  model_kind: string;
  model_config: unknown;
  data_cutoff: Date;
  events_used: number;
  grid: GridSpec;
  mask: Buffer;
  risk: Buffer;
  created_at: Date;
}

const fromRow = (r: ForecastRow): StoredForecast => ({
  id: r.id,
  area: r.study_area,
  group: r.crime_group,
  horizon: r.horizon,
  turno: r.turno,
  targetDay: r.target_day,
  windowStart: r.window_start,
  windowEnd: r.window_end,
  modelKind: r.model_kind,
  modelConfig: r.model_config,
  dataCutoff: r.data_cutoff,
  eventsUsed: r.events_used,
  surface: unpack(r.grid, r.mask, r.risk),
  createdAt: r.created_at,
});

/** A stored forecast without its surface. */
export type ForecastMeta = Omit<StoredForecast, 'surface'>;

const META_COLUMNS = `f.id, f.study_area as area, f.crime_group as "group", f.horizon, f.turno,
  to_char(f.target_day, 'YYYY-MM-DD') as "targetDay", f.window_start as "windowStart", f.window_end as "windowEnd",
  f.model_kind as "modelKind", f.model_config as "modelConfig", f.data_cutoff as "dataCutoff",
  f.events_used as "eventsUsed", f.created_at as "createdAt"`;

/** Metadata of the forecasts of the most recent target day (no surfaces read). */
export function latestForecastMeta(
  db: Queryable,
  q: { area: string; group?: string; horizon?: string; turno?: string; day?: string },
): Promise<ForecastMeta[]> {
  return db.query<ForecastMeta>(
    `select ${META_COLUMNS} from forecasts f
     where f.study_area = $1 and ($2::text is null or f.crime_group = $2) and ($3::text is null or f.horizon = $3)
       and ($4::text is null or f.turno = $4)
       and f.target_day = coalesce($5::date, (
         select max(g.target_day) from forecasts g
         where g.study_area = f.study_area and g.crime_group = f.crime_group and g.horizon = f.horizon))
     order by f.crime_group, f.horizon, f.window_start, f.created_at desc`,
    [q.area, q.group ?? null, q.horizon ?? null, q.turno ?? null, q.day ?? null],
  );
}

/** One forecast's metadata (no surface read), or null. */
export async function forecastMetaById(db: Queryable, id: number): Promise<ForecastMeta | null> {
  const [row] = await db.query<ForecastMeta>(`select ${META_COLUMNS} from forecasts f where f.id = $1`, [id]);
  return row ?? null;
}

/** The days that have stored forecasts, newest first. */
export async function forecastDays(db: Queryable, q: { area: string; group?: string }): Promise<string[]> {
  const rows = await db.query<{ day: string }>(
    `select distinct to_char(target_day, 'YYYY-MM-DD') as day from forecasts
     where study_area = $1 and ($2::text is null or crime_group = $2) order by 1 desc limit 400`,
    [q.area, q.group ?? null],
  );
  return rows.map((r) => r.day);
}

/** One forecast with its surface. */
export async function getForecast(db: Queryable, id: number): Promise<StoredForecast | null> {
  const rows = await db.query<ForecastRow>(
    `select f.*, to_char(f.target_day, 'YYYY-MM-DD') as target_day from forecasts f where f.id = $1`,
    [id],
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

/** The stored explanations of a forecast (JSON as written), or null when none were stored. */
export async function forecastExplanations(db: Queryable, id: number): Promise<unknown> {
  const [row] = await db.query<{ explanations: unknown }>(
    'select explanations from forecasts where id = $1',
    [id],
  );
  return row?.explanations ?? null;
}

/** Per study area: creation time of the newest forecast (seconds since the epoch). */
export function newestForecastTimes(db: Queryable): Promise<{ area: string; created: number }[]> {
  return db.query<{ area: string; created: number }>(
    `select study_area as area, extract(epoch from max(created_at))::float8 as created from forecasts group by 1`,
  );
}

/** The model kinds behind the newest forecast of each area and group (the deployed models). */
export function deployedModels(db: Queryable): Promise<{ area: string; group: string; model: string }[]> {
  return db.query<{ area: string; group: string; model: string }>(
    `select distinct on (study_area, crime_group) study_area as area, crime_group as "group", model_kind as model
     from forecasts order by study_area, crime_group, created_at desc`,
  );
}

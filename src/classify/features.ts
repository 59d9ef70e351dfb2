/**
 * Features of an incident for crime-type classification — place, time and context — computed
 * without look-ahead: the context of a query at instant t counts only history events already known
 * before t (`known < t`) and that occurred within the window (`t − W ≤ t_j`).
 *
 * Columns (Float32, one per feature): local hour (fractional) and its sine/cosine, turno index,
 * ISO weekday, weekend flag, month, holiday (when the area has a calendar), x and y (metres),
 * district index (when given), then for each context window (W days, cells of s metres): log(1 +
 * events nearby) and the smoothed share of each class among them. "Nearby" is the 3 × 3 block of
 * s-metre cells around the query's cell (CONTEXT_WINDOWS: near repeats, recent and yearly mix).
 * The counts use a sweep over time (one pass, per-cell running counts), not a per-query scan.
 */
import { ValidationError } from '../core/errors.ts';
import { TURNO_BANDS, turnoOfHour, utcToLocal } from '../core/time.ts';
import { type HolidayCountry, isHoliday } from '../features/holidays.ts';

/** One context: counts per class over the last `days`, in the 3 × 3 block of `cellMetres` cells. */
export interface ContextWindow {
  days: number;
  cellMetres: number;
}

/**
 * Contexts: near repeats (3 days, 3 × 3 block of 50 m cells: the same spot) and the area's recent and
 * yearly mix (30 and 365 days, 3 × 3 block of 250 m cells).
 */
export const CONTEXT_WINDOWS: readonly ContextWindow[] = [
  { days: 3, cellMetres: 50 },
  { days: 30, cellMetres: 250 },
  { days: 365, cellMetres: 250 },
];
/** The longest context, days: the history needed before the first query. */
export const LONGEST_CONTEXT_DAYS = Math.max(...CONTEXT_WINDOWS.map((w) => w.days));
/** Pseudo-count of the prior in the smoothed shares. */
const SHARE_PRIOR_WEIGHT = 2;
const DAY_MS = 86_400_000;

/** Past events that give the context (time-sorted by `t`). */
export interface ClassHistory {
  t: Float64Array;
  known: Float64Array;
  x: Float64Array;
  y: Float64Array;
  /** Class index of each event. */
  cls: ArrayLike<number>;
}

/** Where and when to compute features. */
export interface ClassQueries {
  t: ArrayLike<number>;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** District index of each query (−1: none); omit when the area has no districts. */
  district?: ArrayLike<number>;
}

/** Settings of `incidentFeatures`. */
export interface IncidentFeatureOptions {
  timeZone: string;
  country?: HolidayCountry;
  /** Class prior (k values), the shares' smoothing target. */
  prior: ArrayLike<number>;
  windows?: readonly ContextWindow[];
}

/** Feature columns and their names. */
export interface IncidentFeatures {
  names: string[];
  columns: Float32Array[];
}

/** The names of the columns `incidentFeatures` gives, in order. */
export function featureNames(
  k: number,
  o: { country?: unknown; district?: boolean; windows?: readonly ContextWindow[] },
): string[] {
  const names = ['hora', 'hora_sin', 'hora_cos', 'turno', 'dia_semana', 'fin_de_semana', 'mes'];
  if (o.country) names.push('feriado');
  names.push('x', 'y');
  if (o.district) names.push('distrito');
  for (const w of o.windows ?? CONTEXT_WINDOWS) {
    const tag = `${w.days}d_${w.cellMetres}m`;
    names.push(`log_total_${tag}`);
    for (let c = 0; c < k; c++) names.push(`proporcion_${c}_${tag}`);
  }
  return names;
}

/** Features of every query (any order) from the history. */
export function incidentFeatures(
  history: ClassHistory,
  queries: ClassQueries,
  o: IncidentFeatureOptions,
): IncidentFeatures {
  const k = o.prior.length;
  const windows = o.windows ?? CONTEXT_WINDOWS;
  for (const w of windows)
    if (!(w.cellMetres > 0) || !(w.days > 0))
      throw new ValidationError('windows', 'días y metros deben ser > 0');
  if (windows.length > 8) throw new ValidationError('windows', 'a lo sumo 8 contextos');
  const nq = queries.t.length;
  const nh = history.t.length;
  for (let j = 0; j < nh; j++) {
    const c = history.cls[j] as number;
    if (!Number.isInteger(c) || c < 0 || c >= k)
      throw new ValidationError(`cls[${j}]`, `clase fuera de 0–${k - 1}`);
    if (j > 0 && (history.t[j] as number) < (history.t[j - 1] as number))
      throw new ValidationError('history.t', 'los eventos deben estar ordenados por tiempo');
  }
  const names = featureNames(k, { country: o.country, district: queries.district !== undefined, windows });
  const columns = names.map(() => new Float32Array(nq));
  let col = 0;
  const put = (i: number, v: number) => {
    (columns[col++] as Float32Array)[i] = v;
  };

  // Running counts per window and cell: counts[w].get(key)[c]. Sweep the queries in time order.
  const counts = windows.map(() => new Map<number, Float64Array>());
  const keyOf = (w: number, x: number, y: number, dx = 0, dy = 0) => {
    const cell = (windows[w] as ContextWindow).cellMetres;
    return (Math.floor(x / cell) + dx + 1_048_576) * 2_097_152 + (Math.floor(y / cell) + dy + 1_048_576);
  };
  const slot = (w: number, x: number, y: number) => {
    const key = keyOf(w, x, y);
    const map = counts[w] as Map<number, Float64Array>;
    let v = map.get(key);
    if (!v) {
      v = new Float64Array(k);
      map.set(key, v);
    }
    return v;
  };
  const byKnown = Int32Array.from({ length: nh }, (_, j) => j).sort(
    (a, b) => (history.known[a] as number) - (history.known[b] as number) || a - b,
  );
  const added = new Uint8Array(nh);
  // removed[j] bit w: event j has left window w (before or after it was added).
  const removed = new Uint8Array(nh);
  let nextAdd = 0;
  const nextRemove = new Int32Array(windows.length);
  const order = Int32Array.from({ length: nq }, (_, i) => i).sort(
    (a, b) => (queries.t[a] as number) - (queries.t[b] as number) || a - b,
  );
  const block = new Float64Array(windows.length * k);

  for (const i of order) {
    const t = queries.t[i] as number;
    while (nextAdd < nh && (history.known[byKnown[nextAdd] as number] as number) < t) {
      const j = byKnown[nextAdd++] as number;
      const c = history.cls[j] as number;
      for (let w = 0; w < windows.length; w++)
        if (!((removed[j] as number) & (1 << w))) {
          const v = slot(w, history.x[j] as number, history.y[j] as number);
          v[c] = (v[c] as number) + 1;
        }
      added[j] = 1;
    }
    windows.forEach(({ days }, w) => {
      const from = t - days * DAY_MS;
      let r = nextRemove[w] as number;
      while (r < nh && (history.t[r] as number) < from) {
        if (added[r]) {
          const v = slot(w, history.x[r] as number, history.y[r] as number);
          const c = history.cls[r] as number;
          v[c] = (v[c] as number) - 1;
        }
        removed[r] = (removed[r] as number) | (1 << w);
        r++;
      }
      nextRemove[w] = r;
    });

    const x = queries.x[i] as number;
    const y = queries.y[i] as number;
    block.fill(0);
    for (let w = 0; w < windows.length; w++)
      for (let dx = -1; dx <= 1; dx++)
        for (let dy = -1; dy <= 1; dy++) {
          const v = (counts[w] as Map<number, Float64Array>).get(keyOf(w, x, y, dx, dy));
          if (v)
            for (let c = 0; c < k; c++) block[w * k + c] = (block[w * k + c] as number) + (v[c] as number);
        }

    const local = utcToLocal(t, o.timeZone);
    const hour = local.hour + local.minute / 60;
    col = 0;
    put(i, hour);
    put(i, Math.sin((2 * Math.PI * hour) / 24));
    put(i, Math.cos((2 * Math.PI * hour) / 24));
    put(
      i,
      TURNO_BANDS.findIndex((b) => b.turno === turnoOfHour(local.hour)),
    );
    put(i, local.weekday);
    put(i, local.weekday >= 6 ? 1 : 0);
    put(i, local.month);
    if (o.country) put(i, isHoliday(o.country, local.year, local.month, local.day) ? 1 : 0);
    put(i, x);
    put(i, y);
    if (queries.district) put(i, queries.district[i] as number);
    for (let w = 0; w < windows.length; w++) {
      let total = 0;
      for (let c = 0; c < k; c++) total += block[w * k + c] as number;
      put(i, Math.log1p(total));
      for (let c = 0; c < k; c++)
        put(
          i,
          ((block[w * k + c] as number) + SHARE_PRIOR_WEIGHT * (o.prior[c] as number)) /
            (total + SHARE_PRIOR_WEIGHT),
        );
    }
  }
  return { names, columns };
}

/**
 * How the model in production is doing, for Prometheus (server/metrics.ts): the rolling hit rate
 * and PAI at 5 % of the area of the forecasts already scored against what happened, the feature
 * drift of the deployed learned model (population stability index per feature), and the job queue
 * read from the store. Scoring and drift read surfaces, incidents and features, so each result is
 * cached by the area's data version and the forecast it concerns: a scrape recomputes only after
 * new data or forecasts.
 */
import { CRIME_GROUPS } from '../core/taxonomy.ts';
import { countsByCell, hitRateCurve } from '../evaluation/metrics/index.ts';
import { buildFeatures, type CrimeGroup } from '../features/build.ts';
import type { FeatureSchema } from '../features/matrix.ts';
import type { Db } from '../storage/db.ts';
import { loadEvents } from '../storage/events.ts';
import { getForecast } from '../storage/forecasts.ts';
import { dataVersion } from '../storage/incidents.ts';
import { getTrainedModelMeta } from '../storage/trained-models.ts';
import { getStudyArea } from './areas.ts';
import { excludedCategoriesOf } from './forecast.ts';
import { DEAD_LETTER_QUEUE } from './job-engine.ts';

/** The share of the area whose hit rate is reported (the backtest reports' headline coverage). */
export const SCORED_COVERAGE = 0.05;
/** Target days scored: the last 28 days whose windows the data already covers. */
export const SCORED_DAYS = 28;

/** Pooled score of one area × group × turno × model over the scored window. */
export interface ScoredForecasts {
  area: string;
  group: string;
  /** The forecast's turno, or `dia` for day forecasts. */
  turno: string;
  model: string;
  /** Forecast windows scored (each with at least one event). */
  windows: number;
  /** Events in the windows, and those that fell in each forecast's top 5 % of cells. */
  events: number;
  hits: number;
  /** hits / events. */
  hitRate: number;
  /** Hit rate over the achieved share of the area (mean over windows). */
  pai: number;
}

const cache = new WeakMap<Db, Map<string, { key: string; rows: ScoredForecasts[] }>>();

/**
 * Scores the stored forecasts of every area whose window has ended before the newest incident:
 * per area × group × horizon-turno × day the newest forecast, over the last {@link SCORED_DAYS}
 * target days; hits and events pooled per group × turno × model.
 */
export async function scoredForecasts(db: Db): Promise<ScoredForecasts[]> {
  const areas = await db.query<{ area: string; latest: Date; newest: number }>(
    `select f.study_area as area, i.latest, max(f.id)::int as newest
     from forecasts f
     join (select study_area, max(occurred_at) as latest from incidents where not restricted group by 1) i
       on i.study_area = f.study_area
     group by 1, 2`,
  );
  const perDb = cache.get(db) ?? new Map<string, { key: string; rows: ScoredForecasts[] }>();
  cache.set(db, perDb);
  const out: ScoredForecasts[] = [];
  for (const a of areas) {
    const key = `${await dataVersion(db, a.area)}|${a.newest}`;
    let hit = perDb.get(a.area);
    if (hit?.key !== key) {
      hit = { key, rows: await scoreArea(db, a.area, a.latest) };
      perDb.set(a.area, hit);
    }
    out.push(...hit.rows);
  }
  return out;
}

async function scoreArea(db: Db, area: string, latest: Date): Promise<ScoredForecasts[]> {
  const picks = await db.query<{ id: number; start: Date; end: Date }>(
    `select distinct on (crime_group, horizon, turno, target_day) id::int as id, window_start as start, window_end as "end"
     from forecasts
     where study_area = $1 and horizon in ('turno', 'day') and window_end <= $2
       and target_day > ($2::timestamptz - make_interval(days => $3))::date
     order by crime_group, horizon, turno, target_day, created_at desc, id desc`,
    [area, latest, SCORED_DAYS],
  );
  const acc = new Map<string, ScoredForecasts & { paiSum: number }>();
  for (const p of picks) {
    const f = await getForecast(db, p.id);
    if (!f || !Object.hasOwn(CRIME_GROUPS, f.group)) continue;
    const excluded = new Set<string>(excludedCategoriesOf(f.modelConfig));
    const categories = CRIME_GROUPS[f.group as keyof typeof CRIME_GROUPS].filter((c) => !excluded.has(c));
    const { events } = await loadEvents(db, {
      area,
      categories,
      from: p.start.getTime(),
      to: p.end.getTime(),
    });
    const { counts, total } = countsByCell(f.surface.grid, f.surface.mask, events);
    const curve = hitRateCurve(f.surface, counts, total, [SCORED_COVERAGE]);
    if (curve.kind === 'no-events') continue;
    const point = curve.points[0];
    if (!point) continue;
    const turno = f.horizon === 'turno' ? (f.turno ?? 'dia') : 'dia';
    const k = `${f.group}|${turno}|${f.modelKind}`;
    const row = acc.get(k) ?? {
      area,
      group: f.group,
      turno,
      model: f.modelKind,
      windows: 0,
      events: 0,
      hits: 0,
      hitRate: 0,
      pai: 0,
      paiSum: 0,
    };
    row.windows++;
    row.events += total;
    row.hits += point.hits;
    row.paiSum += point.coverage > 0 ? point.hitRate / point.coverage : 0;
    acc.set(k, row);
  }
  return [...acc.values()].map(({ paiSum, ...r }) => ({
    ...r,
    hitRate: r.hits / r.events,
    pai: paiSum / r.windows,
  }));
}

/** The job queue as the monitoring sees it (the job engine's tables). */
export interface JobGauges {
  /** Jobs per kind and state (queued, running, done, failed, …). */
  states: { kind: string; state: string; count: number }[];
  /** Per kind, jobs finished in the last 24 hours: count, failures and mean/max run seconds. */
  recent: { kind: string; finished: number; failed: number; meanSeconds: number; maxSeconds: number }[];
  /** Per kind, seconds the oldest queued job has waited (0 when none waits). */
  oldestQueuedSeconds: { kind: string; seconds: number }[];
  /** The job engine's own jobs (pg-boss) per queue and state; empty before the engine's first start. */
  engine: { queue: string; state: string; count: number }[];
  /** Per queue, jobs whose retries are spent (the dead-letter view of services/job-engine.ts). */
  deadLetters: { queue: string; count: number }[];
}

/**
 * The job gauges from the jobs table. The one place that knows where jobs are stored: a job engine
 * that keeps them elsewhere replaces this function's queries, the metrics stay the same.
 */
export async function jobGauges(db: Db): Promise<JobGauges> {
  const [states, recent, oldest] = await Promise.all([
    db.query<{ kind: string; state: string; count: number }>(
      'select kind, status as state, count(*)::int as count from jobs group by 1, 2 order by 1, 2',
    ),
    db.query<{ kind: string; finished: number; failed: number; meanSeconds: number; maxSeconds: number }>(
      `select kind, count(*)::int as finished, count(*) filter (where status = 'failed')::int as failed,
         coalesce(avg(extract(epoch from finished_at - started_at)), 0)::float8 as "meanSeconds",
         coalesce(max(extract(epoch from finished_at - started_at)), 0)::float8 as "maxSeconds"
       from jobs where finished_at > now() - interval '24 hours' and started_at is not null group by 1`,
    ),
    db.query<{ kind: string; seconds: number }>(
      `select kind, extract(epoch from now() - min(created_at))::float8 as seconds
       from jobs where status = 'queued' group by 1`,
    ),
  ]);
  const engine = await engineJobs(db);
  const deadLetters = engine
    .filter((r) => r.state === 'failed' && r.queue !== DEAD_LETTER_QUEUE)
    .map((r) => ({ queue: r.queue, count: r.count }));
  return { states, recent, oldestQueuedSeconds: oldest, engine, deadLetters };
}

/** pg-boss's jobs per queue and state, when its schema exists (it is created on the engine's start). */
async function engineJobs(db: Db): Promise<{ queue: string; state: string; count: number }[]> {
  const [present] = await db.query<{ ok: boolean }>(`select to_regclass('pgboss.job') is not null as ok`);
  if (!present?.ok) return [];
  return db.query<{ queue: string; state: string; count: number }>(
    'select name as queue, state::text as state, count(*)::int as count from pgboss.job group by 1, 2 order by 1, 2',
  );
}

// ---------------------------------------------------------------------------------------------------
// Feature drift
// ---------------------------------------------------------------------------------------------------

/** Windows compared on each side: sampled over the training period, and the latest days with data. */
export const DRIFT_WINDOWS = 14;
/** Quantile bins of the training distribution (fewer when values repeat, e.g. mostly zero counts). */
const PSI_BINS = 10;
/** Share given to an empty bin, so that the logarithm stays finite. */
const PSI_FLOOR = 1e-4;
const DAY_MS = 86_400_000;

/**
 * Population stability index of `actual` against `expected`: bins at the deciles of `expected`
 * (NaN its own bin), PSI = Σ (a − e) · ln(a / e) over the bins' shares. 0 = same distribution;
 * above 0.25 is the usual threshold of a significant shift.
 */
export function populationStabilityIndex(expected: ArrayLike<number>, actual: ArrayLike<number>): number {
  const finite = Array.from(expected)
    .filter((v) => !Number.isNaN(v))
    .sort((a, b) => a - b);
  const edges: number[] = [];
  for (let k = 1; k < PSI_BINS; k++) {
    const q = finite[Math.min(finite.length - 1, Math.floor((k * finite.length) / PSI_BINS))];
    if (q !== undefined && edges.at(-1) !== q) edges.push(q);
  }
  const bins = edges.length + 2; // the last bin holds NaN
  const shares = (values: ArrayLike<number>): Float64Array => {
    const n = new Float64Array(bins);
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      let b = bins - 1;
      if (!Number.isNaN(v)) {
        b = 0;
        while (b < edges.length && v > (edges[b] as number)) b++;
      }
      n[b] = (n[b] as number) + 1;
    }
    for (let b = 0; b < bins; b++) n[b] = Math.max(PSI_FLOOR, (n[b] as number) / Math.max(1, values.length));
    return n;
  };
  const e = shares(expected);
  const a = shares(actual);
  let psi = 0;
  for (let b = 0; b < bins; b++) {
    const eb = e[b] as number;
    const ab = a[b] as number;
    psi += (ab - eb) * Math.log(ab / eb);
  }
  return psi;
}

/** The drift of one feature of a deployed learned model. */
export interface FeatureDrift {
  area: string;
  group: string;
  model: string;
  /** The stored trained model's version (per area × group × kind). */
  version: number;
  feature: string;
  psi: number;
}

const driftCache = new WeakMap<Db, Map<string, { key: string; rows: FeatureDrift[] }>>();

/**
 * Per area × group whose newest forecast was made from a stored trained model (the deployed learned
 * model): PSI of each feature of its schema between {@link DRIFT_WINDOWS} windows spread over its
 * training period and the {@link DRIFT_WINDOWS} latest windows the data covers, the windows of the
 * same time of day and length as that forecast's. The features are rebuilt with the schema's
 * recorded settings; columns that need the fitted model (cluster blocks) or the district index are
 * not rebuilt and get no PSI.
 */
export async function featureDrift(db: Db): Promise<FeatureDrift[]> {
  const deployed = await db.query<{ area: string; group: string; forecast: number; trained: number }>(
    `select area, "group", forecast, trained from (
       select distinct on (study_area, crime_group) study_area as area, crime_group as "group", id::int as forecast,
         (model_config->>'trainedModelId')::int as trained
       from forecasts order by study_area, crime_group, created_at desc, id desc) d
     where trained is not null`,
  );
  const perDb = driftCache.get(db) ?? new Map<string, { key: string; rows: FeatureDrift[] }>();
  driftCache.set(db, perDb);
  const out: FeatureDrift[] = [];
  for (const d of deployed) {
    const key = `${await dataVersion(db, d.area)}|${d.forecast}|${d.trained}`;
    let hit = perDb.get(`${d.area}|${d.group}`);
    if (hit?.key !== key) {
      hit = { key, rows: await driftOf(db, d) };
      perDb.set(`${d.area}|${d.group}`, hit);
    }
    out.push(...hit.rows);
  }
  return out;
}

async function driftOf(
  db: Db,
  d: { area: string; group: string; forecast: number; trained: number },
): Promise<FeatureDrift[]> {
  const [meta, f] = await Promise.all([getTrainedModelMeta(db, d.trained), getForecast(db, d.forecast)]);
  const schema = meta?.featureSchema as FeatureSchema | null | undefined;
  if (!meta || !f || !schema?.columns || !schema.settings) return [];
  const area = await getStudyArea(db, d.area);
  const { events } = await loadEvents(db, { area: d.area });
  if (events.length === 0) return [];
  const latest = events.t[events.length - 1] as number;
  const length = f.windowEnd.getTime() - f.windowStart.getTime();
  // Same time of day as the deployed forecast's window, whole days before it.
  const before = (limit: number) => {
    const k = Math.ceil((f.windowStart.getTime() + length - limit) / DAY_MS);
    return f.windowStart.getTime() - Math.max(0, k) * DAY_MS;
  };
  const trainDays = Number((meta.config as { trainDays?: unknown } | null)?.trainDays) || 182;
  const lastTraining = before(meta.dataCutoff.getTime());
  const step = Math.max(1, Math.floor(trainDays / DRIFT_WINDOWS));
  const lastRecent = before(latest);
  const starts = [
    ...Array.from(
      { length: DRIFT_WINDOWS },
      (_, i) => lastTraining - (DRIFT_WINDOWS - 1 - i) * step * DAY_MS,
    ),
    ...Array.from({ length: DRIFT_WINDOWS }, (_, i) => lastRecent - (DRIFT_WINDOWS - 1 - i) * DAY_MS),
  ];
  const settings = schema.settings;
  const groups = settings.groups.filter((g): g is CrimeGroup => Object.hasOwn(CRIME_GROUPS, g));
  const matrix = buildFeatures({
    events,
    grid: f.surface.grid,
    mask: f.surface.mask,
    windows: starts.map((start) => ({ start, end: start + length })),
    timeZone: area.def.timeZone,
    ...(settings.country ? { country: settings.country } : {}),
    groups,
    allHistory: settings.allHistory ?? false,
    hourFeatures: settings.hourFeatures ?? true,
    ...(Object.hasOwn(CRIME_GROUPS, d.group) ? { profileGroup: d.group as CrimeGroup } : {}),
  });
  const split = DRIFT_WINDOWS * matrix.cells.length;
  const built = new Map(matrix.schema.columns.map((c, i) => [c.name, matrix.columns[i] as Float32Array]));
  const rows: FeatureDrift[] = [];
  for (const c of schema.columns) {
    const column = built.get(c.name);
    if (!column) continue;
    rows.push({
      area: d.area,
      group: d.group,
      model: meta.kind,
      version: meta.version,
      feature: c.name,
      psi: populationStabilityIndex(column.subarray(0, split), column.subarray(split)),
    });
  }
  return rows;
}

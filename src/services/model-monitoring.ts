/**
 * How the model in production is doing, for Prometheus (server/metrics.ts): the rolling hit rate
 * and PAI at 5 % of the area of the forecasts already scored against what happened, and the job
 * queue read from the store. Scoring reads surfaces and incidents, so each area's result is cached
 * by its data version and its newest forecast: a scrape recomputes only after new data or forecasts.
 */
import { CRIME_GROUPS } from '../core/taxonomy.ts';
import { countsByCell, hitRateCurve } from '../evaluation/metrics/index.ts';
import type { Db } from '../storage/db.ts';
import { loadEvents } from '../storage/events.ts';
import { getForecast } from '../storage/forecasts.ts';
import { dataVersion } from '../storage/incidents.ts';
import { excludedCategoriesOf } from './forecast.ts';

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
  return { states, recent, oldestQueuedSeconds: oldest };
}

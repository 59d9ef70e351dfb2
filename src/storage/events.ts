/**
 * Modelling events from the store: located incidents of a study area as a typed-array EventSet.
 * Only points that mark the incident's place are used — exact or street-level coordinates; points
 * forced to a comisaría and rows without coordinates are excluded (and counted) so that they never
 * create a fake hotspot on a police station.
 *
 * Restricted rows (protected categories, or a source's protected flag such as Chicago's domestic)
 * never become events: every model, forecast, backtest, sweep and persistence grid is built from
 * what this file loads, and those surfaces reach roles that may not see restricted rows
 * (core/access.ts `countsRestricted`). There is deliberately no option to include them.
 */
import { createEventSet, type EventSet } from '../core/events.ts';
import { CATEGORY_CODES, type CrimeCategory } from '../core/taxonomy.ts';
import type { Queryable } from './db.ts';

/** The predicate every modelling read applies: restricted rows never leave for a surface. */
export const SHARED_ONLY = 'not restricted';
/** Points that mark the incident's own place (not a comisaría, not missing). */
export const LOCATED = "geo_quality in ('exact', 'street')";

/** What to load. */
export interface EventQuery {
  area: string;
  /** Categories to keep (default: all). */
  categories?: readonly CrimeCategory[];
  /** Occurrence window [from, to), ms (default: everything). */
  from?: number;
  to?: number;
  /** Keep only events with an exact time (drop date-only records); default false. */
  exactTimeOnly?: boolean;
}

/** Loaded events and what was left out. */
export interface LoadedEvents {
  events: EventSet;
  /** Incidents of the selection without a usable point (station-forced or missing). */
  excludedUnlocated: number;
  /** Date-only incidents dropped by `exactTimeOnly`. */
  excludedDateOnly: number;
  /** Per event of `events` (same order): 1 when a patrol discovered it (channel), else 0. */
  discovered: Uint8Array;
}

/** The registered study areas with at least one modelling event (the scheduled forecasts' areas). */
export async function areasWithEvents(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `select id from study_areas a
     where exists (select 1 from incidents i where i.study_area = a.id and ${SHARED_ONLY} and ${LOCATED})
     order by id`,
  );
  return rows.map((r) => r.id);
}

/** Loads located incidents as an EventSet (category = index into CATEGORY_CODES). */
export async function loadEvents(db: Queryable, q: EventQuery): Promise<LoadedEvents> {
  const params: unknown[] = [q.area];
  let where = `study_area = $1 and ${SHARED_ONLY}`;
  if (q.categories?.length) {
    params.push(q.categories);
    where += ` and category = any($${params.length})`;
  }
  if (q.from !== undefined) {
    params.push(new Date(q.from));
    where += ` and occurred_at >= $${params.length}`;
  }
  if (q.to !== undefined) {
    params.push(new Date(q.to));
    where += ` and occurred_at < $${params.length}`;
  }
  const [tally] = await db.query<{ unlocated: number; date_only: number }>(
    `select count(*) filter (where not (${LOCATED}))::int as unlocated,
       count(*) filter (where ${LOCATED} and time_precision <> 'exact')::int as date_only
     from incidents where ${where}`,
    params,
  );
  const rows = await db.query<{ t: number; k: number; x: number; y: number; c: string; d: boolean }>(
    `select extract(epoch from occurred_at) * 1000 as t,
       extract(epoch from coalesce(reported_at, occurred_at)) * 1000 as k, x, y, category as c,
       channel = 'discovered' as d
     from incidents where ${where} and ${LOCATED}
       ${q.exactTimeOnly ? "and time_precision = 'exact'" : ''}
     order by occurred_at`,
    params,
  );
  const n = rows.length;
  const t = new Float64Array(n);
  const known = new Float64Array(n);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const category = new Uint8Array(n);
  const discovered = new Uint8Array(n);
  const index = new Map(CATEGORY_CODES.map((c, i) => [c as string, i]));
  rows.forEach((r, i) => {
    t[i] = Number(r.t);
    known[i] = Number(r.k);
    x[i] = r.x;
    y[i] = r.y;
    category[i] = index.get(r.c) ?? 0;
    discovered[i] = r.d ? 1 : 0;
  });
  // Rows come ordered by time, so the (stable) sort of createEventSet keeps their order and the
  // flags stay aligned with the events.
  return {
    events: createEventSet({ t, known, x, y, category }),
    discovered,
    excludedUnlocated: tally?.unlocated ?? 0,
    excludedDateOnly: q.exactTimeOnly ? (tally?.date_only ?? 0) : 0,
  };
}

/** Newest occurrence time (ms) among the rows a surface may use, or null when there is none. */
export async function latestEventTime(db: Queryable, area: string): Promise<number | null> {
  const [r] = await db.query<{ t: Date | null }>(
    `select max(occurred_at) as t from incidents where study_area = $1 and ${SHARED_ONLY}`,
    [area],
  );
  return r?.t ? r.t.getTime() : null;
}

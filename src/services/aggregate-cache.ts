/**
 * Cached aggregate reads for the statistics routes. The cache sits beneath the disclosure rules: it
 * holds the store's raw answer for one exact incident filter (which already carries every
 * view-dependent choice, such as leaving restricted rows out), never a view's shaped numbers, so
 * the rules in queries.ts run on every request and no view can be served another view's numbers.
 *
 * Keys are the normalized filter plus the area's data version (storage/incidents.ts dataVersion),
 * which a finished ingest batch changes: a new batch makes every older entry unreachable. Identical
 * requests that arrive together share one database query. Entries are few and least recently used
 * ones are dropped first.
 */
import type { Db } from '../storage/db.ts';
import {
  dataVersion,
  type IncidentFilter,
  incidentStats,
  type StatsRow,
  turnoCounts,
} from '../storage/incidents.ts';

/** Most entries kept per store (an unfiltered stats table of 5 years is ≈ 6,000 rows). */
const MAX_ENTRIES = 64;

const caches = new WeakMap<Db, Map<string, Promise<unknown>>>();

/** One text per filter meaning: fixed key order, instants as ISO text, lists sorted. */
export function filterKey(f: IncidentFilter): string {
  const list = (v: readonly string[] | undefined) => (v?.length ? [...v].sort() : null);
  return JSON.stringify([
    f.area,
    f.from?.toISOString() ?? null,
    f.to?.toISOString() ?? null,
    list(f.districts),
    list(f.categories),
    f.type ?? null,
    f.source ?? null,
    f.bbox ?? null,
    f.excludeRestricted === true,
  ]);
}

async function cached<T>(db: Db, key: string, area: string, compute: () => Promise<T>): Promise<T> {
  const full = `${await dataVersion(db, area)}|${key}`;
  let entries = caches.get(db);
  if (!entries) {
    entries = new Map();
    caches.set(db, entries);
  }
  const hit = entries.get(full);
  if (hit) {
    entries.delete(full);
    entries.set(full, hit); // most recently used last
    return hit as Promise<T>;
  }
  const fresh = compute();
  entries.set(full, fresh);
  const map = entries;
  fresh.catch(() => {
    if (map.get(full) === fresh) map.delete(full); // a failure is not remembered
  });
  for (const old of entries.keys()) {
    if (entries.size <= MAX_ENTRIES) break;
    entries.delete(old);
  }
  return fresh;
}

function frozen<T extends object>(rows: T[]): readonly Readonly<T>[] {
  for (const r of rows) Object.freeze(r);
  return Object.freeze(rows);
}

/** incidentStats through the cache (rows are shared: read-only). */
export function cachedStats(db: Db, filter: IncidentFilter, timeZone: string): Promise<readonly StatsRow[]> {
  return cached(db, `stats|${timeZone}|${filterKey(filter)}`, filter.area, async () =>
    frozen(await incidentStats(db, filter, timeZone)),
  );
}

/** turnoCounts through the cache (rows are shared: read-only). */
export function cachedTurnoCounts(
  db: Db,
  filter: IncidentFilter,
): Promise<readonly { turno: string | null; count: number }[]> {
  return cached(db, `turnos|${filterKey(filter)}`, filter.area, async () =>
    frozen(await turnoCounts(db, filter)),
  );
}

/**
 * A statistics route's whole answer as JSON bytes, until the next finished ingest batch. `key` must
 * hold everything the answer depends on — the caller's view and the request's path and parameters —
 * so a hit returns exactly what the disclosure rules produced for that view and request, without
 * recomputing or re-serialising it.
 */
export function cachedAnswer(
  db: Db,
  area: string,
  key: string,
  compute: () => Promise<unknown>,
): Promise<Buffer> {
  return cached(db, `answer|${key}`, area, async () => Buffer.from(JSON.stringify(await compute())));
}

/** Forgets every cached aggregate of a store (tests). */
export function clearAggregateCache(db: Db): void {
  caches.delete(db);
}

/**
 * Persistent hotspots for planners: over the last N whole months, the share of months in which each
 * 150 m cell was among the top 5 % of the area by count. Cells hot month after month are where
 * lighting, design and services pay off; a one-off spike is not. Answered in the same compact grid
 * form as forecasts (mask bitset + float32 values), so the map draws it the same way.
 */
import { cellOf } from '../core/grid.ts';
import { createRiskSurface, type RiskSurface } from '../core/risk-surface.ts';
import { localToUtc } from '../core/time.ts';
import { gridForArea } from '../geo/area-grid.ts';
import type { StudyArea } from '../geo/study-area.ts';
import type { Db } from '../storage/db.ts';
import { latestEventTime, loadEvents } from '../storage/events.ts';
import { getStudyArea } from './areas.ts';
import { groupCategories } from './backtest.ts';
import { gridBody } from './forecast.ts';

/** Share of the area that counts as "hot" in a month. */
const TOP_SHARE = 0.05;

/** Local month starts (ms): the `months` whole months before the month of `before`, and its start. */
export function monthStarts(before: number, months: number, timeZone: string): number[] {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' });
  const [y, m] = f.format(new Date(before)).split('-').map(Number) as [number, number];
  const starts: number[] = [];
  for (let k = months; k >= 0; k--) {
    const d = new Date(Date.UTC(y, m - 1 - k, 1));
    starts.push(
      localToUtc(
        { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: 1, hour: 0, minute: 0, second: 0 },
        timeZone,
      ),
    );
  }
  return starts;
}

/** The persistence surface: per cell, the share of the months it was hot. */
export interface Persistence {
  area: StudyArea;
  surface: RiskSurface;
  /** Local days: first day of the first month, last day of the last month. */
  from: string;
  to: string;
  /** The local day after `to` (the first day of the month the analysis stops before). */
  after: string;
  months: number;
  eventsUsed: number;
}

/**
 * The persistence grid as JSON.
 * @throws ValidationError for an unknown group; NotFoundError for an unknown area
 */
export async function persistentHotspots(
  db: Db,
  q: { area: string; group: string; months: number; before?: number },
): Promise<string> {
  const p = await persistence(db, q);
  return gridBody(
    {
      id: 0,
      kind: 'persistence',
      area: p.area.def.id,
      group: q.group,
      turno: null,
      targetDay: p.after,
      from: p.from,
      to: p.to,
      months: q.months,
      modelKind: 'persistencia',
      eventsUsed: p.eventsUsed,
      topShare: TOP_SHARE,
    },
    p.surface,
    p.area,
  );
}

/**
 * The persistence surface of an area and group over the last `months` whole months.
 * @throws ValidationError for an unknown group; NotFoundError for an unknown area
 */
export async function persistence(
  db: Db,
  q: { area: string; group: string; months: number; before?: number },
): Promise<Persistence> {
  const area = await getStudyArea(db, q.area);
  const { grid, mask } = gridForArea(area);
  const categories = groupCategories(q.group, 'group');
  const latest = await latestEventTime(db, area.def.id);
  const before = q.before ?? (latest !== null ? latest + 1 : Date.now());
  const starts = monthStarts(before, q.months, area.def.timeZone);
  const from = starts[0] as number;
  const to = starts[starts.length - 1] as number;
  const { events } = await loadEvents(db, { area: area.def.id, categories, from, to });
  const cells = mask.length;
  let valid = 0;
  for (let c = 0; c < cells; c++) valid += mask[c] as number;
  const k = Math.max(1, Math.ceil(TOP_SHARE * valid));
  const counts = new Uint32Array(cells);
  const hotMonths = new Float64Array(cells);
  let e = 0;
  for (let m = 0; m < q.months; m++) {
    counts.fill(0);
    const end = starts[m + 1] as number;
    for (; e < events.length && (events.t[e] as number) < end; e++) {
      const c = cellOf(grid, events.x[e] as number, events.y[e] as number);
      if (c >= 0 && mask[c] === 1) counts[c] = (counts[c] as number) + 1;
    }
    // The k-th largest count is the threshold; ties at it are all hot, zero never is.
    const sorted = Uint32Array.from(counts).sort().reverse();
    const threshold = Math.max(1, sorted[k - 1] as number);
    for (let c = 0; c < cells; c++)
      if ((counts[c] as number) >= threshold) hotMonths[c] = (hotMonths[c] as number) + 1;
  }
  for (let c = 0; c < cells; c++) hotMonths[c] = (hotMonths[c] as number) / q.months;
  const surface = createRiskSurface(grid, hotMonths, mask);
  const day = (ms: number): string =>
    new Intl.DateTimeFormat('sv-SE', { timeZone: area.def.timeZone, dateStyle: 'short' }).format(
      new Date(ms),
    );
  return {
    area,
    surface,
    from: day(from),
    to: day(to - 1),
    after: day(to),
    months: q.months,
    eventsUsed: events.length,
  };
}

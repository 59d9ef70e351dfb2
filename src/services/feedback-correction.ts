/**
 * The feedback-loop correction of Ensign et al. (2018) applied before a model is fitted (`vigia
 * train`, `vigia forecast` with fitting): incidents discovered by patrol during the period covered by
 * the area's patrol logs are thinned in inverse proportion to the patrol presence of their cell
 * (prevention/feedback.ts), so patrolling a place does not by itself make it look riskier.
 */
import { type EventSet, knownBefore } from '../core/events.ts';
import { cellOf } from '../core/grid.ts';
import { parseDay } from '../core/time.ts';
import type { StudyArea } from '../geo/study-area.ts';
import { correctDiscovered, exposureShare } from '../prevention/feedback.ts';
import type { Db } from '../storage/db.ts';
import { loadEvents } from '../storage/events.ts';
import { patrolExposure } from './patrol-logs.ts';
import { listPatrolPlans } from './patrol-plans.ts';

/** What the correction did: stored with the trained model and the forecast, and printed. */
export interface FeedbackCorrection {
  /** The exposure period: the first and last day of the area's patrol plans before the cutoff. */
  from: string;
  to: string;
  /** Plans of the period and completed visits in their logs. */
  plans: number;
  visits: number;
  /** Discovered incidents of the period (inside the plans' grid), and how many were dropped. */
  discovered: number;
  dropped: number;
  /** Seed of the thinning. */
  seed: number;
}

/** Every located event of an area known before `cutoff`, corrected when patrol logs exist. */
export interface CorrectedEvents {
  /** Every group's events known before the cutoff, after the correction. */
  events: EventSet;
  correction: FeedbackCorrection;
}

/**
 * The area's events known before `cutoff` (local day `day` starts there) with discovered incidents
 * of the patrolled period thinned; null when there is nothing to correct — no patrol plan before
 * the day, or no completed visit in their logs — so callers keep their usual path unchanged.
 * @throws ConflictError when the period's plans use different grids (from patrolExposure)
 */
export async function correctedEvents(
  db: Db,
  area: StudyArea,
  q: { day: string; cutoff: number; seed: number },
): Promise<CorrectedEvents | null> {
  const days = (await listPatrolPlans(db, { area: area.def.id }))
    .map((p) => p.day)
    .filter((d) => d < q.day)
    .sort();
  const from = days[0];
  const to = days.at(-1);
  if (from === undefined || to === undefined) return null;
  const exposure = await patrolExposure(db, { area: area.def.id, from, to });
  if (exposure.visits === 0) return null;
  const share = exposureShare(exposure.minutes);
  const start = parseDay(from, area.def.timeZone, 'from').getTime();
  const end = Math.min(parseDay(to, area.def.timeZone, 'to', true).getTime(), q.cutoff);
  const loaded = await loadEvents(db, { area: area.def.id, to: q.cutoff });
  const { events } = loaded;
  // Only discovered incidents of the patrolled period inside the plans' grid are thinned.
  const flags = new Uint8Array(events.length);
  let discovered = 0;
  for (let i = 0; i < events.length; i++) {
    const t = events.t[i] as number;
    if (
      loaded.discovered[i] === 1 &&
      t >= start &&
      t < end &&
      cellOf(exposure.grid, events.x[i] as number, events.y[i] as number) >= 0
    ) {
      flags[i] = 1;
      discovered++;
    }
  }
  const corrected = correctDiscovered(events, flags, share, exposure.grid, { seed: q.seed });
  return {
    events: knownBefore(corrected.events, q.cutoff),
    correction: {
      from,
      to,
      plans: exposure.plans,
      visits: exposure.visits,
      discovered,
      dropped: corrected.dropped,
      seed: q.seed,
    },
  };
}

/** The correction in Spanish, one line (CLI output). */
export function describeCorrection(c: FeedbackCorrection | null): string {
  if (!c)
    return 'Corrección por retroalimentación: no aplicada (no hay registros de patrullaje antes del día).';
  return `Corrección por retroalimentación (Ensign et al. 2018): periodo ${c.from} a ${c.to} (${c.plans} planes, ${c.visits} visitas); ${c.dropped} de ${c.discovered} incidentes descubiertos por patrullaje descartados (semilla ${c.seed}).`;
}

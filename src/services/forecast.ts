/**
 * The forecast use case: for a target local day, fit the chosen model on the data known before the
 * day starts (the same cut as the backtest harness) and store one surface per crime group and per
 * turno (or for the whole day), with the model, its settings and the data cutoff.
 */
import { InsufficientDataError } from '../core/errors.ts';
import { knownBefore } from '../core/events.ts';
import { CRIME_GROUPS } from '../core/taxonomy.ts';
import { rollingWindows } from '../evaluation/backtest/windows.ts';
import { gridForArea } from '../geo/area-grid.ts';
import { getPredictor } from '../models/registry.ts';
import type { Db } from '../storage/db.ts';
import { loadEvents } from '../storage/events.ts';
import { latestForecasts, type StoredForecast, saveForecast } from '../storage/forecasts.ts';
import { getStudyArea } from './areas.ts';
import { groupCategories } from './backtest.ts';

export type { StoredForecast } from '../storage/forecasts.ts';

/** What to forecast. */
export interface ForecastRequest {
  area: string;
  /** Local day YYYY-MM-DD the forecast is for. */
  day: string;
  horizon: 'turno' | 'day';
  /** Crime groups (default: every group). */
  groups?: readonly string[];
  model: string;
  config?: unknown;
  cellSize?: number;
  seed?: number;
}

/** What was stored. */
export interface ForecastSummary {
  group: string;
  turno: string | null;
  windowStart: Date;
  id: number;
  eventsUsed: number;
  /** Expected events in the window, summed over cells (for rate models). */
  totalRisk: number;
}

/**
 * Produces and stores forecasts.
 * @throws ValidationError for an unknown model, group or bad date; InsufficientDataError when a group
 *   has no located event before the day
 */
export async function forecast(db: Db, req: ForecastRequest): Promise<ForecastSummary[]> {
  const area = await getStudyArea(db, req.area);
  const { grid, mask } = gridForArea(area, req.cellSize === undefined ? {} : { cellSize: req.cellSize });
  const module = getPredictor(req.model);
  const config = module.parseConfig(req.config ?? {});
  const windows = rollingWindows(req.day, nextDay(req.day), req.horizon, area.def.timeZone);
  const cutoff = (windows[0] as { start: number }).start;
  const out: ForecastSummary[] = [];
  for (const group of req.groups ?? Object.keys(CRIME_GROUPS)) {
    const { events } = await loadEvents(db, {
      area: area.def.id,
      categories: groupCategories(group),
      to: cutoff,
    });
    const known = knownBefore(events, cutoff);
    if (known.length === 0)
      throw new InsufficientDataError(
        `No hay eventos ubicados del grupo "${group}" antes de ${req.day} en el área ${area.def.id}`,
      );
    const predictor = module.fit(known, { grid, mask, cutoff, seed: req.seed ?? 1 }, config);
    for (const w of windows) {
      const surface = predictor.predict(w);
      const id = await saveForecast(db, {
        area: area.def.id,
        group,
        horizon: req.horizon,
        turno: w.turno ?? null,
        targetDay: req.day,
        windowStart: new Date(w.start),
        windowEnd: new Date(w.end),
        modelKind: module.kind,
        modelConfig: config,
        dataCutoff: new Date(cutoff),
        eventsUsed: known.length,
        surface,
      });
      let total = 0;
      for (let c = 0; c < surface.values.length; c++) total += surface.values[c] as number;
      out.push({
        group,
        turno: w.turno ?? null,
        windowStart: new Date(w.start),
        id,
        eventsUsed: known.length,
        totalRisk: total,
      });
    }
  }
  return out;
}

function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** The stored forecasts of the latest day (per group and horizon). */
export function currentForecasts(
  db: Db,
  q: { area: string; group?: string; horizon?: string },
): Promise<StoredForecast[]> {
  return latestForecasts(db, q);
}

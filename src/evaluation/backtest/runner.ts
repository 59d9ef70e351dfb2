/**
 * The rolling-origin backtest harness. For each forecast window it — never the model — cuts the
 * data: a model is fitted on the events that occurred **and** were registered before the window
 * starts (`knownBefore`), predicts the window, and is scored against the events that occurred in
 * it. Slow models may be refitted every k days and conditioned on the latest data in between
 * (`Predictor.condition`), which keeps the cut exact. The oracle (the real future) gives the ceiling.
 */
import {
  type EventSet,
  knownBefore,
  occurredIn,
  type PlaceTypeSet,
  placeTypesKnownBefore,
} from '../../core/events.ts';
import type { GridSpec } from '../../core/grid.ts';
import { createRiskSurface, type RiskSurface } from '../../core/risk-surface.ts';
import type { Horizon } from '../../core/time.ts';
import type {
  AreaFacts,
  FitContext,
  ForecastWindow,
  Predictor,
  PredictorModule,
} from '../../models/predictor.ts';
import { type CellCounts, countsByCell } from '../metrics/index.ts';

/** One model in a backtest. */
export interface BacktestModel {
  /** Name in reports (usually the kind, or kind + settings in a sweep). */
  name: string;
  module: PredictorModule<unknown>;
  config: unknown;
  /** Refit every this many windows' days (default 1 = every window); condition in between. */
  refitEveryDays?: number;
}

/** What the harness is given. */
export interface BacktestInput {
  /** Events of the forecast group: the models' training data and the outcomes. */
  events: EventSet;
  /** Events of every group (features of learned models), cut at each window like `events`. */
  allEvents?: EventSet;
  /** The area's calendar and districts, passed to the models. */
  area?: AreaFacts;
  /** The layout of `windows` (learned models train on windows of the same layout); default day. */
  horizon?: Horizon;
  /** Incidents' place types (learned models' place-type columns), cut at each window like `events`. */
  placeTypes?: PlaceTypeSet;
  /** The area's environment layers (learned models' environment columns); they do not change. */
  environment?: FitContext['environment'];
  grid: GridSpec;
  mask: Uint8Array;
  windows: readonly ForecastWindow[];
  models: readonly BacktestModel[];
  seed: number;
  /** Called after each window with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

/** The name under which the oracle appears. */
export const ORACLE = 'oracle';

/** Receives every forecast with its outcome; the caller accumulates metrics. */
export type ForecastSink = (
  model: string,
  windowIndex: number,
  surface: RiskSurface,
  outcome: CellCounts,
  ms: number,
) => void;

/**
 * Runs every model over every window and hands each forecast and its outcome to `sink`; the oracle's
 * forecast is the outcome itself.
 */
export async function runBacktest(input: BacktestInput, sink: ForecastSink): Promise<void> {
  const { events, grid, mask, windows, models, seed } = input;
  const fitted = new Map<string, { predictor: Predictor; at: number }>();
  for (const [wi, w] of windows.entries()) {
    // THE cut: nothing at or after w.start, nothing registered later — of every set a model sees.
    const known = knownBefore(events, w.start);
    const allKnown = input.allEvents ? knownBefore(input.allEvents, w.start) : undefined;
    const placeTypes = input.placeTypes ? placeTypesKnownBefore(input.placeTypes, w.start) : undefined;
    const outcome = countsByCell(grid, mask, occurredIn(events, w.start, w.end));
    for (const m of models) {
      const started = performance.now();
      const ctx: FitContext = {
        grid,
        mask,
        cutoff: w.start,
        seed,
        ...(allKnown ? { allEvents: allKnown } : {}),
        ...(input.area ? { area: input.area } : {}),
        ...(input.horizon ? { horizon: input.horizon } : {}),
        ...(placeTypes ? { placeTypes } : {}),
        ...(input.environment ? { environment: input.environment } : {}),
      };
      const prev = fitted.get(m.name);
      const refitMs = (m.refitEveryDays ?? 1) * 86_400_000;
      let predictor: Predictor;
      if (!prev || w.start - prev.at >= refitMs || !prev.predictor.condition) {
        predictor = await m.module.fit(known, ctx, m.config);
        fitted.set(m.name, { predictor, at: w.start });
      } else {
        predictor = prev.predictor.condition?.(known, w.start, allKnown) ?? prev.predictor;
      }
      const surface = predictor.predict(w);
      sink(m.name, wi, surface, outcome, performance.now() - started);
    }
    sink(ORACLE, wi, createRiskSurface(grid, outcome.counts, mask), outcome, 0);
    input.onProgress?.(wi + 1, windows.length);
  }
}

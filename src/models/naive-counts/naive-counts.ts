/**
 * Naive counting grid (forecasting-and-evaluation §1.1; open_cp `naive.CountingGridKernel`): the
 * risk of a cell is the number of training events that fell in it, over all history or only over
 * the last `windowDays` days before the window start:
 *
 *     r_c = #{ i : x_i in cell c, t0 − W ≤ t_i < t0 }
 *
 * It is the floor of the baseline ladder ("surely any reasonable algorithm should be able to
 * out-perform these", open_cp) and produces many ties, so tie handling in the metrics matters.
 * Events outside the grid count nowhere; events in masked cells are zeroed with the cell.
 *
 * All history: the counts are computed once per fit (the state is the sparse count table).
 * With a window: the fit keeps the cells and times of the events that can still fall in a window
 * starting at or after the cutoff, and `predict` finds the window by binary search on time.
 */
import { z } from 'zod';
import { ValidationError } from '../../core/errors.ts';
import type { EventSet } from '../../core/events.ts';
import { cellCount } from '../../core/grid.ts';
import { createRiskSurface } from '../../core/risk-surface.ts';
import {
  cellsOf,
  checkArtifact,
  checkAscending,
  checkContext,
  checkSameLength,
  checkWindow,
  countCells,
  DAY_MS,
  describeSettings,
  lowerBound,
  numberBetween,
  numberColumn,
  parseModelConfig,
  parseModelState,
} from '../model-kit.ts';
import type { FitContext, ForecastWindow, ModelArtifact, Predictor, PredictorModule } from '../predictor.ts';

/** Options of the naive counting grid. */
export interface NaiveCountsConfig {
  /** Count only events in the last `windowDays` days before the window start (1–3650); null = all history (default). */
  readonly windowDays: number | null;
}

/**
 * Learned state. All history: the non-zero cells and their counts. With a window: one entry per
 * event that may still fall in a window (`cells[i]` with its occurrence time `t[i]`, ascending).
 */
export type NaiveCountsState =
  | { cutoff: number; cellCount: number; cells: number[]; counts: number[] }
  | { cutoff: number; cellCount: number; cells: number[]; t: number[] };

const KIND = 'naive-counts';
const SCHEMA_VERSION = 1;

const configSchema = z.strictObject({
  windowDays: numberBetween(1, 3650, ' días (o null = todo el historial)').nullable().default(null).meta({
    unit: 'días',
    description: 'cuenta solo los últimos N días antes de la ventana; null = todo el historial',
  }),
});
const allHistoryState = z.object({
  cutoff: z.number(),
  cellCount: z.number().int(),
  cells: numberColumn(),
  counts: numberColumn(),
});
const windowedState = z.object({
  cutoff: z.number(),
  cellCount: z.number().int(),
  cells: numberColumn(),
  t: numberColumn(),
});

/** The fitted data in typed arrays: counts (all history) or per-event cells and times (windowed). */
interface Fitted {
  cutoff: number;
  /** Dense counts per cell (all history), else null. */
  counts: Float64Array | null;
  /** Windowed: the cell of each kept event, and its time (ascending). */
  cells: Int32Array;
  t: Float64Array;
}

function fitNaive(events: EventSet, ctx: FitContext, config: NaiveCountsConfig): Fitted {
  const n = cellCount(ctx.grid);
  if (config.windowDays === null) {
    const counts = new Float64Array(n);
    countCells(ctx.grid, events.x, events.y, counts);
    return { cutoff: ctx.cutoff, counts, cells: new Int32Array(0), t: new Float64Array(0) };
  }
  // Events older than cutoff − W can never fall in a window that starts at or after the cutoff.
  const from = lowerBound(events.t, ctx.cutoff - config.windowDays * DAY_MS);
  const all = cellsOf(ctx.grid, events.x.subarray(from), events.y.subarray(from));
  const cells = new Int32Array(all.length);
  const t = new Float64Array(all.length);
  let k = 0;
  for (let i = 0; i < all.length; i++) {
    const c = all[i] as number;
    if (c < 0) continue;
    cells[k] = c;
    t[k] = events.t[from + i] as number;
    k++;
  }
  return { cutoff: ctx.cutoff, counts: null, cells: cells.slice(0, k), t: t.slice(0, k) };
}

function createNaivePredictor(
  ctx: Omit<FitContext, 'cutoff'>,
  config: NaiveCountsConfig,
  fitted: Fitted,
): Predictor {
  const n = cellCount(ctx.grid);
  return {
    kind: KIND,
    predict(window: ForecastWindow) {
      checkWindow(window, fitted.cutoff);
      if (fitted.counts) return createRiskSurface(ctx.grid, fitted.counts, ctx.mask);
      const values = new Float64Array(n);
      const a = lowerBound(fitted.t, window.start - (config.windowDays as number) * DAY_MS);
      const b = lowerBound(fitted.t, window.start, a);
      for (let i = a; i < b; i++) {
        const c = fitted.cells[i] as number;
        values[c] = (values[c] as number) + 1;
      }
      return createRiskSurface(ctx.grid, values, ctx.mask);
    },
    toArtifact(): ModelArtifact<NaiveCountsConfig, NaiveCountsState> {
      let state: NaiveCountsState;
      if (fitted.counts) {
        const cells: number[] = [];
        const counts: number[] = [];
        for (let c = 0; c < fitted.counts.length; c++) {
          const v = fitted.counts[c] as number;
          if (v !== 0) {
            cells.push(c);
            counts.push(v);
          }
        }
        state = { cutoff: fitted.cutoff, cellCount: n, cells, counts };
      } else {
        state = {
          cutoff: fitted.cutoff,
          cellCount: n,
          cells: Array.from(fitted.cells),
          t: Array.from(fitted.t),
        };
      }
      return { kind: KIND, schemaVersion: SCHEMA_VERSION, config: { ...config }, state };
    },
  };
}

function restore(artifact: ModelArtifact, ctx: Omit<FitContext, 'cutoff'>): Predictor {
  checkArtifact(artifact, KIND, SCHEMA_VERSION);
  const config = parseModelConfig(configSchema, artifact.config);
  const n = cellCount(ctx.grid);
  const checkCells = (s: { cellCount: number; cells: number[] }): void => {
    if (s.cellCount !== n)
      throw new ValidationError(
        'artifact.state.cellCount',
        `el artefacto es de una grilla de ${s.cellCount} celdas, la actual tiene ${n}`,
      );
    for (const c of s.cells)
      if (!Number.isInteger(c) || c < 0 || c >= n)
        throw new ValidationError('artifact.state.cells', `celda fuera de la grilla: ${c}`);
  };
  if (config.windowDays === null) {
    const s = parseModelState(allHistoryState, artifact.state);
    checkSameLength({ cells: s.cells, counts: s.counts });
    checkCells(s);
    const counts = new Float64Array(n);
    s.cells.forEach((c, i) => {
      counts[c] = s.counts[i] as number;
    });
    return createNaivePredictor(ctx, config, {
      cutoff: s.cutoff,
      counts,
      cells: new Int32Array(0),
      t: new Float64Array(0),
    });
  }
  const s = parseModelState(windowedState, artifact.state);
  checkSameLength({ cells: s.cells, t: s.t });
  checkAscending(s.t);
  checkCells(s);
  return createNaivePredictor(ctx, config, {
    cutoff: s.cutoff,
    counts: null,
    cells: Int32Array.from(s.cells),
    t: Float64Array.from(s.t),
  });
}

/**
 * Naive counting grid: training events per cell, over all history or a window of W days.
 * @example
 * const config = naiveCounts.parseConfig({ windowDays: 90 });
 * const surface = naiveCounts.fit(events, ctx, config).predict({ start: ctx.cutoff, end: ctx.cutoff + 86_400_000 });
 */
export const naiveCounts: PredictorModule<NaiveCountsConfig, Predictor> = {
  kind: KIND,
  schemaVersion: SCHEMA_VERSION,
  description:
    'Conteo de delitos por celda (todo el historial o últimos W días) / count of past events per cell',
  defaults: Object.freeze({ windowDays: null }),
  settings: describeSettings(configSchema),
  baseline: true,
  parseConfig(input: unknown): NaiveCountsConfig {
    return parseModelConfig(configSchema, input);
  },
  fit(events, ctx, config) {
    checkContext(ctx);
    return createNaivePredictor(ctx, config, fitNaive(events, ctx, config));
  },
  fromArtifact(artifact, ctx) {
    checkContext(ctx);
    return restore(artifact, ctx);
  },
};

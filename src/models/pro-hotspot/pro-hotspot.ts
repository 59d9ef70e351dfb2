/**
 * Prospective hotspot (Bowers, Johnson & Pease 2004; forecasting-and-evaluation §1.3; open_cp
 * `prohotspot.ProspectiveHotSpot` with `ClassicWeight`). Burglary and other crimes cluster in space
 * and time ("near repeats"), so each recent event raises the risk of nearby cells for a few weeks,
 * with a weight that decays with distance and age:
 *
 *     r_c = Σ_{i: t_i < t0} w(d(c, cell(x_i)), ⌊(t0 − t_i) / week⌋)
 *     w(d, t) = 1 / ((1 + d)(1 + t))   if d < D and t < T, else 0
 *
 * - `d` is the distance between the event's cell and cell `c` **in cells**: Chebyshev by default
 *   (diagonal neighbours at 1, open_cp `DistanceDiagonalsSame`), ℓ1 (`DistanceDiagonalsDifferent`)
 *   or Euclidean.
 * - `t` counts **whole** weeks before the window start `t0`: 6 days is 0.
 * - The spatial bandwidth is tied to the cell size: `D = round(bandwidth / cellSize)` cells with a
 *   400 m default (open_cp: 8 cells of 50 m), and `T = 8` weeks.
 *
 * The spatial weights (offsets with `d < D` and their `1/(1+d)`) form a stencil computed once per
 * fit; only the last T weeks of events are kept, found by binary search on the sorted time column.
 *
 * References: Bowers, K. J., Johnson, S. D. & Pease, K. (2004), "Prospective hot-spotting: the
 * future of crime mapping?", British Journal of Criminology 44(5), 641–658; open_cp,
 * QuantCrimAtLeeds/PredictCode.
 */
import { z } from 'zod';
import type { EventSet } from '../../core/events.ts';
import { cellCount } from '../../core/grid.ts';
import { createRiskSurface } from '../../core/risk-surface.ts';
import {
  checkArtifact,
  checkContext,
  checkWindow,
  columnsFromState,
  columnsToState,
  describeSettings,
  type EventWindowState,
  locateInGrid,
  lowerBound,
  numberBetween,
  parseModelConfig,
  type RecentColumns,
  recentColumns,
  WEEK_MS,
} from '../model-kit.ts';
import type { FitContext, ForecastWindow, ModelArtifact, Predictor, PredictorModule } from '../predictor.ts';

/** How the distance between two cells is measured, in cells. */
export const CELL_DISTANCES = ['chebyshev', 'l1', 'euclidean'] as const;
/** One of {@link CELL_DISTANCES}. */
export type CellDistance = (typeof CELL_DISTANCES)[number];

/** Options of the prospective hotspot. */
export interface ProHotspotConfig {
  /** Spatial reach, metres; `D = max(1, round(bandwidth / cellSize))` cells (50–5000, default 400). */
  readonly bandwidth: number;
  /** Time reach `T`, whole weeks (1–104, default 8). */
  readonly weeks: number;
  /** Cell distance (default 'chebyshev'). */
  readonly distance: CellDistance;
}

const KIND = 'pro-hotspot';
const SCHEMA_VERSION = 1;

const configSchema = z.strictObject({
  bandwidth: numberBetween(50, 5000, ' m')
    .default(400)
    .meta({ unit: 'm', description: 'alcance espacial: D = max(1, round(bandwidth / celda)) celdas' }),
  weeks: numberBetween(1, 104, ' semanas', true)
    .default(8)
    .meta({ unit: 'semanas', description: 'alcance temporal T en semanas completas' }),
  distance: z
    .enum(CELL_DISTANCES, { error: `debe ser una de: ${CELL_DISTANCES.join(', ')}` })
    .default('chebyshev')
    .meta({ description: 'distancia entre celdas' }),
});

/**
 * The bandwidth in cells for a grid: `D = max(1, round(bandwidth / cellSize))`.
 * @param bandwidth Metres.
 * @param cellSize Metres.
 * @returns D, at least 1 (the event's own cell always counts).
 * @example
 * bandwidthCells(400, 150); // → 3
 */
export function bandwidthCells(bandwidth: number, cellSize: number): number {
  return Math.max(1, Math.round(bandwidth / cellSize));
}

/** Offsets with d < D and their spatial weight 1 / (1 + d). */
function stencil(D: number, distance: CellDistance): { dc: Int32Array; dr: Int32Array; w: Float64Array } {
  const dc: number[] = [];
  const dr: number[] = [];
  const w: number[] = [];
  for (let r = -D; r <= D; r++)
    for (let c = -D; c <= D; c++) {
      const ac = Math.abs(c);
      const ar = Math.abs(r);
      const d =
        distance === 'chebyshev' ? Math.max(ac, ar) : distance === 'l1' ? ac + ar : Math.sqrt(c * c + r * r);
      if (d >= D) continue;
      dc.push(c);
      dr.push(r);
      w.push(1 / (1 + d));
    }
  return { dc: Int32Array.from(dc), dr: Int32Array.from(dr), w: Float64Array.from(w) };
}

interface Kept {
  cutoff: number;
  x: Float64Array;
  y: Float64Array;
  t: Float64Array;
  col: Int32Array;
  row: Int32Array;
}

/**
 * Adds the BJP weights of the events `a…b−1` for a window starting at `t0`. A top-level function
 * over typed arrays (no closure variables in the loop) so that V8 keeps everything in registers.
 */
function addWeights(
  values: Float64Array,
  kept: Kept,
  a: number,
  b: number,
  t0: number,
  weeks: number,
  dc: Int32Array,
  dr: Int32Array,
  w: Float64Array,
  cols: number,
  rows: number,
  mask: Uint8Array,
): void {
  const { t, col, row } = kept;
  const m = dc.length;
  for (let i = a; i < b; i++) {
    const age = Math.floor((t0 - (t[i] as number)) / WEEK_MS);
    if (age >= weeks) continue;
    const tw = 1 / (1 + age);
    const c0 = col[i] as number;
    const r0 = row[i] as number;
    for (let k = 0; k < m; k++) {
      const tc = c0 + (dc[k] as number);
      const tr = r0 + (dr[k] as number);
      if (tc < 0 || tr < 0 || tc >= cols || tr >= rows) continue;
      const cell = tr * cols + tc;
      if (mask[cell] === 0) continue;
      values[cell] = (values[cell] as number) + tw * (w[k] as number);
    }
  }
}

function createProPredictor(
  ctx: Omit<FitContext, 'cutoff'>,
  config: ProHotspotConfig,
  kept: Kept,
): Predictor {
  const { grid, mask } = ctx;
  const { dc, dr, w } = stencil(bandwidthCells(config.bandwidth, grid.cellSize), config.distance);
  return {
    kind: KIND,
    predict(window: ForecastWindow) {
      checkWindow(window, kept.cutoff);
      const t0 = window.start;
      const values = new Float64Array(cellCount(grid));
      // Superset of the events with ⌊Δ/week⌋ < T; the exact test is done on whole weeks.
      const a = lowerBound(kept.t, t0 - config.weeks * WEEK_MS);
      const b = lowerBound(kept.t, t0, a);
      addWeights(values, kept, a, b, t0, config.weeks, dc, dr, w, grid.cols, grid.rows, mask);
      return createRiskSurface(grid, values, mask);
    },
    toArtifact(): ModelArtifact<ProHotspotConfig, EventWindowState> {
      return {
        kind: KIND,
        schemaVersion: SCHEMA_VERSION,
        config: { ...config },
        state: columnsToState(kept),
      };
    },
  };
}

function keep(ctx: Omit<FitContext, 'cutoff'>, columns: RecentColumns): Kept {
  const { cutoff, x, y, t } = columns;
  const { col, row } = locateInGrid(ctx.grid, x, y);
  return { cutoff, x, y, t, col, row };
}

function fitPro(events: EventSet, ctx: FitContext, config: ProHotspotConfig): Predictor {
  checkContext(ctx);
  return createProPredictor(
    ctx,
    config,
    keep(ctx, recentColumns(events, ctx.cutoff, config.weeks * WEEK_MS)),
  );
}

/**
 * Prospective hotspot (Bowers, Johnson & Pease 2004): near-repeat weights 1/((1+d)(1+t)).
 * @example
 * const config = proHotspot.parseConfig({ distance: 'l1' });
 * const surface = proHotspot.fit(events, ctx, config).predict({ start: ctx.cutoff, end: ctx.cutoff + 86_400_000 });
 */
export const proHotspot: PredictorModule<ProHotspotConfig, Predictor> = {
  kind: KIND,
  schemaVersion: SCHEMA_VERSION,
  description:
    'Punto caliente prospectivo (Bowers, Johnson y Pease 2004): peso 1/((1+d)(1+t)) de las últimas semanas / prospective hotspot',
  defaults: Object.freeze({ bandwidth: 400, weeks: 8, distance: 'chebyshev' }),
  settings: describeSettings(configSchema),
  parseConfig(input: unknown): ProHotspotConfig {
    return parseModelConfig(configSchema, input);
  },
  fit: fitPro,
  fromArtifact(artifact, ctx) {
    checkArtifact(artifact, KIND, SCHEMA_VERSION);
    checkContext(ctx);
    const config = parseModelConfig(configSchema, artifact.config);
    return createProPredictor(ctx, config, keep(ctx, columnsFromState(artifact.state)));
  },
};

/**
 * Retrospective hotspot: a quartic kernel density of recent events, evaluated at cell centres
 * (forecasting-and-evaluation §1.2; open_cp `retrohotspot.Quartic` with `RetroHotSpotGrid`).
 * Events in the last `windowDays` days before the window start count equally, whatever their age:
 *
 *     r_c = Σ_{i: t0 − W ≤ t_i < t0} w(‖m_c − x_i‖),   w(d) = (1 − d²/h²)²  if d ≤ h, else 0
 *
 * with `m_c` the centre of cell `c`, `h` the bandwidth (open_cp default 200 m on 150 m cells) and a
 * window of about two months. Distances use the exact event position; the set of cells an event
 * can reach (the stencil of column/row offsets whose centre may lie within `h`) is computed once
 * per fit, so a prediction is one pass over the window's events times the stencil, in typed arrays.
 * Events just outside the grid still reach the cells near the edge.
 *
 * References: Bowers, Johnson & Pease (2004), "Prospective hot-spotting: the future of crime
 * mapping?", Brit. J. Criminology 44(5) (the retrospective method as the comparison);
 * open_cp, QuantCrimAtLeeds/PredictCode.
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
  DAY_MS,
  describeSettings,
  type EventWindowState,
  type GridPositions,
  locateInGrid,
  lowerBound,
  numberBetween,
  parseModelConfig,
  type RecentColumns,
  recentColumns,
} from '../model-kit.ts';
import type { FitContext, ForecastWindow, ModelArtifact, Predictor, PredictorModule } from '../predictor.ts';

/** Options of the retrospective hotspot. */
export interface RetroHotspotConfig {
  /** Quartic kernel bandwidth `h`, metres (25–2000, default 200). */
  readonly bandwidth: number;
  /** Events from the last `windowDays` days before the window start (1–3650, default 60). */
  readonly windowDays: number;
}

const KIND = 'retro-hotspot';
const SCHEMA_VERSION = 1;

const configSchema = z.strictObject({
  bandwidth: numberBetween(25, 2000, ' m')
    .default(200)
    .meta({ unit: 'm', description: 'ancho de banda h del núcleo cuártico' }),
  windowDays: numberBetween(1, 3650, ' días')
    .default(60)
    .meta({ unit: 'días', description: 'eventos de los últimos N días antes de la ventana' }),
});

/** Kept events: projected coordinates and times (for the artifact) and where they lie on the grid. */
interface Kept extends GridPositions {
  cutoff: number;
  x: Float64Array;
  y: Float64Array;
  t: Float64Array;
}

function keep(ctx: Omit<FitContext, 'cutoff'>, columns: RecentColumns): Kept {
  const { cutoff, x, y, t } = columns;
  return { cutoff, x, y, t, ...locateInGrid(ctx.grid, x, y) };
}

/**
 * Column/row offsets whose cell centre can be within `h` of a point anywhere in the source cell:
 * along one axis the centre is between (|d| − ½)·s and (|d| + ½)·s away.
 */
function stencilOffsets(h: number, s: number): { dc: Int32Array; dr: Int32Array } {
  const reach = Math.ceil(h / s + 0.5);
  const dc: number[] = [];
  const dr: number[] = [];
  for (let r = -reach; r <= reach; r++)
    for (let c = -reach; c <= reach; c++) {
      const nx = Math.max(0, Math.abs(c) - 0.5) * s;
      const ny = Math.max(0, Math.abs(r) - 0.5) * s;
      if (nx * nx + ny * ny <= h * h) {
        dc.push(c);
        dr.push(r);
      }
    }
  return { dc: Int32Array.from(dc), dr: Int32Array.from(dr) };
}

/**
 * Adds the quartic weights of events `a…b−1` to `values`. A top-level function over typed arrays
 * (no closure variables in the loop) so that V8 keeps everything in registers.
 */
function addQuartic(
  values: Float64Array,
  kept: Kept,
  a: number,
  b: number,
  dc: Int32Array,
  dr: Int32Array,
  s: number,
  h2: number,
  cols: number,
  rows: number,
  mask: Uint8Array,
): void {
  const { col, row, fx, fy } = kept;
  const m = dc.length;
  for (let i = a; i < b; i++) {
    const c0 = col[i] as number;
    const r0 = row[i] as number;
    const ex = fx[i] as number;
    const ey = fy[i] as number;
    for (let k = 0; k < m; k++) {
      const oc = dc[k] as number;
      const or = dr[k] as number;
      const tc = c0 + oc;
      const tr = r0 + or;
      if (tc < 0 || tr < 0 || tc >= cols || tr >= rows) continue;
      const cell = tr * cols + tc;
      if (mask[cell] === 0) continue;
      // Distance from the event to the target cell's centre, in the grid frame.
      const dx = (oc + 0.5) * s - ex;
      const dy = (or + 0.5) * s - ey;
      const d2 = dx * dx + dy * dy;
      if (d2 > h2) continue;
      const q = 1 - d2 / h2;
      values[cell] = (values[cell] as number) + q * q;
    }
  }
}

function createRetroPredictor(
  ctx: Omit<FitContext, 'cutoff'>,
  config: RetroHotspotConfig,
  kept: Kept,
): Predictor {
  const { grid, mask } = ctx;
  const h2 = config.bandwidth * config.bandwidth;
  const { dc, dr } = stencilOffsets(config.bandwidth, grid.cellSize);
  return {
    kind: KIND,
    predict(window: ForecastWindow) {
      checkWindow(window, kept.cutoff);
      const values = new Float64Array(cellCount(grid));
      const a = lowerBound(kept.t, window.start - config.windowDays * DAY_MS);
      const b = lowerBound(kept.t, window.start, a);
      addQuartic(values, kept, a, b, dc, dr, grid.cellSize, h2, grid.cols, grid.rows, mask);
      return createRiskSurface(grid, values, mask);
    },
    toArtifact(): ModelArtifact<RetroHotspotConfig, EventWindowState> {
      return {
        kind: KIND,
        schemaVersion: SCHEMA_VERSION,
        config: { ...config },
        state: columnsToState(kept),
      };
    },
  };
}

function fitRetro(events: EventSet, ctx: FitContext, config: RetroHotspotConfig): Predictor {
  checkContext(ctx);
  return createRetroPredictor(
    ctx,
    config,
    keep(ctx, recentColumns(events, ctx.cutoff, config.windowDays * DAY_MS)),
  );
}

/**
 * Retrospective hotspot (quartic KDE of the last W days, evaluated at cell centres).
 * @example
 * const config = retroHotspot.parseConfig({ bandwidth: 250 });
 * const surface = retroHotspot.fit(events, ctx, config).predict({ start: ctx.cutoff, end: ctx.cutoff + 86_400_000 });
 */
export const retroHotspot: PredictorModule<RetroHotspotConfig, Predictor> = {
  kind: KIND,
  schemaVersion: SCHEMA_VERSION,
  description:
    'Punto caliente retrospectivo: núcleo cuártico de los últimos W días / retrospective quartic-kernel hotspot',
  defaults: Object.freeze({ bandwidth: 200, windowDays: 60 }),
  settings: describeSettings(configSchema),
  parseConfig(input: unknown): RetroHotspotConfig {
    return parseModelConfig(configSchema, input);
  },
  fit: fitRetro,
  fromArtifact(artifact, ctx) {
    checkArtifact(artifact, KIND, SCHEMA_VERSION);
    checkContext(ctx);
    const config = parseModelConfig(configSchema, artifact.config);
    return createRetroPredictor(ctx, config, keep(ctx, columnsFromState(artifact.state)));
  },
};

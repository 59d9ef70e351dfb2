/**
 * Random surface: a sanity baseline (forecasting-and-evaluation §3.5). Every valid cell gets an
 * independent uniform draw in (0, 1]; masked cells get 0. The draw is seeded by the fit's seed and
 * the window, so the same seed and window always give the same surface while successive windows of
 * a backtest get fresh draws (a fixed ranking reused every day would be one random draw, not a
 * baseline). It ignores the events entirely, so its expected hit rate at coverage f is f and its
 * expected PAI is 1; a model that does not beat it clearly has a bug or no signal.
 *
 * Reference: open_cp (QuantCrimAtLeeds/PredictCode) scores against the same uniform random
 * baseline; the generator is mulberry32 (Tommy Ettinger, public domain).
 */
import { z } from 'zod';
import { cellCount } from '../../core/grid.ts';
import { mulberry32 } from '../../core/random.ts';
import { createRiskSurface } from '../../core/risk-surface.ts';
import {
  checkArtifact,
  checkContext,
  checkWindow,
  describeSettings,
  parseModelConfig,
  parseModelState,
} from '../model-kit.ts';
import type { FitContext, ForecastWindow, ModelArtifact, Predictor, PredictorModule } from '../predictor.ts';

/** Options of the random surface: none. */
export type RandomConfig = Readonly<Record<string, never>>;

/** Learned state: only the seed (no data is used). */
export interface RandomState {
  seed: number;
}

const KIND = 'random';
const SCHEMA_VERSION = 1;
const configSchema = z.strictObject({});
const stateSchema = z.object({ seed: z.number({ error: 'se esperaba un número' }) });

/** Mixes numbers (any magnitude, e.g. epoch ms) into a 32-bit seed. */
function mixSeed(...values: number[]): number {
  let h = 0x811c9dc5;
  for (const value of values) {
    // Split into low and high 32-bit words so that epoch milliseconds keep all their bits.
    const n = Math.floor(value);
    const lo = n >>> 0;
    const hi = Math.floor(n / 4294967296) >>> 0;
    for (const word of [lo, hi]) {
      h = Math.imul(h ^ word, 0x01000193) >>> 0;
      h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
      h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
      h = (h ^ (h >>> 16)) >>> 0;
    }
  }
  return h;
}

function createRandomPredictor(ctx: Omit<FitContext, 'cutoff'>, seed: number): Predictor {
  checkContext(ctx);
  const n = cellCount(ctx.grid);
  return {
    kind: KIND,
    predict(window: ForecastWindow) {
      checkWindow(window);
      const next = mulberry32(mixSeed(seed, window.start, window.end));
      const values = new Float64Array(n);
      // One draw per valid cell, in cell order; 1 − u keeps every valid cell strictly positive.
      for (let c = 0; c < n; c++) if (ctx.mask[c] !== 0) values[c] = 1 - next();
      return createRiskSurface(ctx.grid, values, ctx.mask);
    },
    toArtifact(): ModelArtifact<RandomConfig, RandomState> {
      return { kind: KIND, schemaVersion: SCHEMA_VERSION, config: {}, state: { seed } };
    },
  };
}

/**
 * Seeded uniform random surface over the valid cells (sanity baseline).
 * @example
 * const p = random.fit(events, { grid, mask, cutoff, seed: 7 }, random.defaults);
 * const surface = p.predict({ start: cutoff, end: cutoff + 86_400_000 });
 */
export const random: PredictorModule<RandomConfig, Predictor> = {
  kind: KIND,
  schemaVersion: SCHEMA_VERSION,
  description:
    'Superficie aleatoria uniforme con semilla (línea base de control) / seeded uniform random surface (sanity baseline)',
  defaults: Object.freeze({}) as RandomConfig,
  settings: describeSettings(configSchema),
  baseline: true,
  parseConfig(input: unknown): RandomConfig {
    return parseModelConfig(configSchema, input) as RandomConfig;
  },
  fit(_events, ctx) {
    return createRandomPredictor(ctx, ctx.seed);
  },
  fromArtifact(artifact, ctx) {
    checkArtifact(artifact, KIND, SCHEMA_VERSION);
    parseModelConfig(configSchema, artifact.config);
    const state = parseModelState(stateSchema, artifact.state);
    return createRandomPredictor(ctx, state.seed);
  },
};

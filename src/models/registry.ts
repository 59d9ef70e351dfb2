/**
 * The typed registry of predictor modules (architecture convention 6): one object that the CLI
 * `--model` flag, the API, the backtest configuration and the dashboard all read. No reflection,
 * no global mutable registration: adding a model means adding one line here.
 */
import { ValidationError } from '../core/errors.ts';
import { forestGrid } from './forest-grid/forest-grid.ts';
import { gbtGrid } from './gbt-grid/gbt-grid.ts';
import { lstmGrid } from './lstm-grid/lstm-grid.ts';
import { mlpGrid } from './mlp-grid/mlp-grid.ts';
import { naiveCounts } from './naive-counts/naive-counts.ts';
import type { PredictorModule } from './predictor.ts';
import { proHotspot } from './pro-hotspot/pro-hotspot.ts';
import { random } from './random/random.ts';
import { retroHotspot } from './retro-hotspot/retro-hotspot.ts';
import { seppGrid } from './sepp-grid/sepp-grid.ts';
import { stkde } from './stkde/stkde.ts';

/**
 * Every predictor module by its `kind`. Each entry keeps its own config type
 * (`predictors['retro-hotspot'].defaults.bandwidth` is a number).
 * @example
 * const module = predictors['pro-hotspot'];
 * const predictor = module.fit(events, ctx, module.parseConfig({ weeks: 4 }));
 */
export const predictors = {
  random,
  'naive-counts': naiveCounts,
  'retro-hotspot': retroHotspot,
  'pro-hotspot': proHotspot,
  stkde,
  'sepp-grid': seppGrid,
  'gbt-grid': gbtGrid,
  'forest-grid': forestGrid,
  'mlp-grid': mlpGrid,
  'lstm-grid': lstmGrid,
} as const satisfies Record<string, PredictorModule<unknown>>;

/** A registered model kind. */
export type PredictorKind = keyof typeof predictors;

/** The registered kinds, in registry order (for `--help`, `GET /models` and dropdowns). */
export const PREDICTOR_KINDS = Object.keys(predictors) as PredictorKind[];

/**
 * Whether `kind` names a registered model.
 * @param kind Any string (e.g. a CLI flag).
 * @returns True for a registered kind.
 * @example
 * isPredictorKind('stkde'); // → true
 */
export function isPredictorKind(kind: string): kind is PredictorKind {
  return Object.hasOwn(predictors, kind);
}

/**
 * The module for a model kind.
 * @param kind A model kind, e.g. from `--model`.
 * @returns The module (typed by kind when `kind` is a literal).
 * @throws ValidationError listing the known kinds when `kind` is not registered
 * @example
 * const module = getPredictor('retro-hotspot');
 * const config = module.parseConfig({ bandwidth: 250 });
 */
export function getPredictor<K extends PredictorKind>(kind: K): (typeof predictors)[K];
export function getPredictor(kind: string): PredictorModule<unknown>;
export function getPredictor(kind: string): PredictorModule<unknown> {
  if (!isPredictorKind(kind))
    throw new ValidationError(
      'model',
      `modelo desconocido "${kind}" (modelos: ${PREDICTOR_KINDS.join(', ')})`,
    );
  return predictors[kind];
}

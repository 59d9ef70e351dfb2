/**
 * Public surface of the models layer: the predictor interface, the registry and each model module
 * with its option type. The conformance suite (`conformance.case.ts`) is test-only and not exported.
 */

export type { EventWindowState } from './model-kit.ts';
export { type NaiveCountsConfig, type NaiveCountsState, naiveCounts } from './naive-counts/naive-counts.ts';
export type {
  FitContext,
  ForecastWindow,
  ModelArtifact,
  Predictor,
  PredictorModule,
} from './predictor.ts';
export {
  bandwidthCells,
  CELL_DISTANCES,
  type CellDistance,
  type ProHotspotConfig,
  proHotspot,
} from './pro-hotspot/pro-hotspot.ts';
export { type RandomConfig, type RandomState, random } from './random/random.ts';
export {
  getPredictor,
  isPredictorKind,
  PREDICTOR_KINDS,
  type PredictorKind,
  predictors,
} from './registry.ts';
export { type RetroHotspotConfig, retroHotspot } from './retro-hotspot/retro-hotspot.ts';
export { type SeppGridConfig, seppGrid } from './sepp-grid/sepp-grid.ts';
export { type StkdeConfig, stkde, TIME_KERNELS, type TimeKernel, timeKernel } from './stkde/stkde.ts';

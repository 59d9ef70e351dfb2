/**
 * Forecast metrics (forecasting reference §3): per-cell counts, the exact top slice, hit rate /
 * PAI / PEI*, Brier, deviance, likelihood, a ranking score and Beta intervals on pooled hits.
 * Names are re-exported one by one so that the public surface is a deliberate list.
 */
export { type CellCounts, countsByCell, NO_EVENTS, type NoEvents } from './counts.ts';
export {
  betaQuantile,
  type HitRateInterval,
  hitRateInterval,
  logGamma,
  type ProbabilityBetterOptions,
  probabilityBetter,
  regularizedIncompleteBeta,
} from './intervals.ts';
export {
  type MeanHitRate,
  type MeanHitRateOptions,
  meanHitRate,
  type PairedTest,
  wilcoxonSignedRank,
  windowHitRates,
} from './per-window.ts';
export {
  type BrierEvent,
  type BrierEventOptions,
  type BrierShare,
  brierEvent,
  brierShare,
  type CoverageScore,
  type LogLikelihood,
  meanLogLikelihood,
  type PoissonDeviance,
  poissonDeviance,
  rankingScore,
  type TopSliceScores,
  topSliceScores,
} from './scores.ts';
export {
  DEFAULT_COVERAGES,
  type HitRateCurve,
  type HitRatePoint,
  hitRateCurve,
  type TieBreak,
  type TopSlice,
  type TopSliceOptions,
  topSlice,
} from './top-slice.ts';

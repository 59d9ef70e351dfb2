/**
 * Scores of a forecast against one window's counts (forecasting reference §3.2–3.7): hit rate, PAI
 * and PEI* per coverage, Brier score and skill in both labelled forms, Poisson deviance, mean
 * log-likelihood and a ranking score (AUC over cells).
 *
 * Any score that divides by the number of events returns {@link NoEvents} when `N = 0`, and any
 * ratio that is undefined for the data at hand is `null`; no −1 or NaN ever leaves this module.
 * All loops run over valid cells only: masked cells are not part of the study area `A`.
 */
import { ValidationError } from '../../core/errors.ts';
import { type RiskSurface, renormalised, validCells } from '../../core/risk-surface.ts';
import { checkCounts, NO_EVENTS, type NoEvents } from './counts.ts';
import {
  DEFAULT_COVERAGES,
  type HitRatePoint,
  hitRateCurve,
  type TieBreak,
  type TopSliceOptions,
} from './top-slice.ts';

/** Hit rate, PAI and PEI* at one coverage. */
export interface CoverageScore extends HitRatePoint {
  /** `PAI = HR / (n/K)`; `null` when no cell is selected (0/0). */
  readonly pai: number | null;
  /** `n*`: the most events any `n` valid cells captured (sum of the `n` largest `y_c`). */
  readonly oracleHits: number;
  /** `PEI* = hits / n*` in [0, 1]; `null` when `n* = 0`. */
  readonly pei: number | null;
}

/** Top-slice scores for a list of coverages. */
export interface TopSliceScores {
  readonly kind: 'top-slice-scores';
  readonly tieBreak: TieBreak;
  /** `K`, valid cells. */
  readonly validCells: number;
  /** `N`, events in valid cells. */
  readonly events: number;
  /** One entry per requested coverage, in the order requested. */
  readonly points: readonly CoverageScore[];
}

/**
 * Hit rate, PAI and PEI* for each coverage, from one sort of the surface and one of the counts.
 * @param total `N` (the `total` of `countsByCell`)
 * @param coverages nominal coverages in [0, 1] (default 1 %…20 %)
 * @returns the scores, or {@link NoEvents} when `N = 0`
 * @throws ValidationError for a coverage outside [0, 1] or counts that do not fit the mask/total
 */
export function topSliceScores(
  surface: RiskSurface,
  counts: Float64Array,
  total: number,
  coverages: readonly number[] = DEFAULT_COVERAGES,
  options: TopSliceOptions = {},
): TopSliceScores | NoEvents {
  const curve = hitRateCurve(surface, counts, total, coverages, options);
  if (curve.kind === 'no-events') return curve;
  const k = curve.validCells;
  // The oracle ranks cells by their observed counts: sort the valid counts once (ascending, the
  // typed-array default, numeric and allocation-free) and read the n largest from the end.
  const sorted = new Float64Array(k);
  for (let c = 0, i = 0; c < counts.length; c++) if (surface.mask[c] !== 0) sorted[i++] = counts[c] as number;
  sorted.sort();
  const top = new Float64Array(k + 1);
  for (let i = 0; i < k; i++) top[i + 1] = (top[i] as number) + (sorted[k - 1 - i] as number);
  const points = curve.points.map((p): CoverageScore => {
    const oracleHits = top[p.cellsSelected] as number;
    return {
      ...p,
      pai: p.cellsSelected === 0 ? null : p.hitRate / p.coverage,
      oracleHits,
      pei: oracleHits === 0 ? null : p.hits / oracleHits,
    };
  });
  return { kind: 'top-slice-scores', tieBreak: curve.tieBreak, validCells: k, events: total, points };
}

/** Brier score in share form (open_cp `brier_score`, without its division by the cell area). */
export interface BrierShare {
  readonly kind: 'brier';
  readonly form: 'share';
  /** `BS = (1/K) Σ (p_c − u_c)²`; lower is better. */
  readonly score: number;
  /** `S = 1 − Σ(p_c − u_c)² / (Σ p_c² + Σ u_c²)`; 1 is perfect. */
  readonly skill: number;
}

/**
 * Brier score and skill comparing predicted shares `p_c = r_c / Σ r` with observed shares
 * `u_c = y_c / N` (§3.6, share form). An all-zero surface counts as uniform shares.
 * @returns the scores, or {@link NoEvents} when `N = 0` (observed shares are undefined)
 * @throws ValidationError when the counts do not fit the mask/total
 */
export function brierShare(surface: RiskSurface, counts: Float64Array, total: number): BrierShare | NoEvents {
  checkCounts(surface.mask, counts, total);
  if (total === 0) return NO_EVENTS;
  const p = renormalised(surface).values;
  const { mask } = surface;
  let sq = 0;
  let pp = 0;
  let uu = 0;
  for (let c = 0; c < mask.length; c++) {
    if (mask[c] === 0) continue;
    const pc = p[c] as number;
    const uc = (counts[c] as number) / total;
    sq += (pc - uc) * (pc - uc);
    pp += pc * pc;
    uu += uc * uc;
  }
  // N > 0 makes Σu² > 0, so the skill's denominator never vanishes.
  return { kind: 'brier', form: 'share', score: sq / validCells(mask), skill: 1 - sq / (pp + uu) };
}

/** Brier score in event form, optionally with skill against a reference forecast. */
export interface BrierEvent {
  readonly kind: 'brier';
  readonly form: 'event';
  /** `BS = (1/K) Σ (q_c − o_c)²` with `q_c = 1 − e^{−μ_c}`, `o_c = 1[y_c ≥ 1]`; lower is better. */
  readonly score: number;
  /** The reference forecast's `BS`; `null` without a reference. */
  readonly referenceScore: number | null;
  /** `BSS = 1 − BS / BS_ref`; `null` without a reference or when `BS_ref = 0`. */
  readonly skill: number | null;
}

/** Options of {@link brierEvent}. */
export interface BrierEventOptions {
  /** Reference forecast (e.g. naive counts or the long-run average), as Poisson means on the same grid. */
  reference?: RiskSurface;
}

/** Mean squared error between `P(y_c ≥ 1)` and whether the cell had an event, over valid cells. */
function eventBrier(mu: Float64Array, mask: Uint8Array, counts: Float64Array): number {
  let sq = 0;
  let k = 0;
  for (let c = 0; c < mask.length; c++) {
    if (mask[c] === 0) continue;
    // −expm1(−μ) keeps precision for small means, where 1 − e^{−μ} would cancel.
    const q = -Math.expm1(-(mu[c] as number));
    const o = (counts[c] as number) >= 1 ? 1 : 0;
    sq += (q - o) * (q - o);
    k++;
  }
  return sq / k;
}

/**
 * Brier score in event form (§3.6): the surface's values are read as Poisson means `μ_c` for the
 * window (rate models only; score-only surfaces need `μ_c = p_c × mean events per window` first).
 * Defined even with no events, since every cell's outcome (none) is known.
 * @throws ValidationError when there are no valid cells, the counts do not fit, or the reference is
 *   on another grid or mask
 */
export function brierEvent(
  surface: RiskSurface,
  counts: Float64Array,
  options: BrierEventOptions = {},
): BrierEvent {
  checkCounts(surface.mask, counts);
  requireValidCells(surface.mask);
  const score = eventBrier(surface.values, surface.mask, counts);
  const ref = options.reference;
  if (!ref) return { kind: 'brier', form: 'event', score, referenceScore: null, skill: null };
  if (!sameMask(ref.mask, surface.mask))
    throw new ValidationError('reference', 'la superficie de referencia tiene otra rejilla o máscara');
  const referenceScore = eventBrier(ref.values, ref.mask, counts);
  return {
    kind: 'brier',
    form: 'event',
    score,
    referenceScore,
    skill: referenceScore === 0 ? null : 1 - score / referenceScore,
  };
}

/** Poisson deviance of expected counts against observed counts. */
export interface PoissonDeviance {
  readonly kind: 'poisson-deviance';
  /** `D = 2 Σ_c [y_c ln(y_c/μ_c) − (y_c − μ_c)]` over valid cells. */
  readonly deviance: number;
  /** `D / K`, the figure to report; lower is better. */
  readonly perCell: number;
  /** `K`, valid cells. */
  readonly validCells: number;
}

/** Floor on probabilities and means (§3.7) so that a zero forecast where events occur costs a large finite penalty instead of infinity. */
const FLOOR = 1e-9;

/**
 * Poisson deviance (§3.7): the surface's values are Poisson means `μ_c`, floored at 1e-9; cells with
 * `y_c = 0` contribute `2μ_c`. Whether `μ` was scaled by the observed `N` (a "conditional" variant
 * that uses test information) is the caller's to label.
 * @throws ValidationError when there are no valid cells or the counts do not fit the mask
 */
export function poissonDeviance(surface: RiskSurface, counts: Float64Array): PoissonDeviance {
  checkCounts(surface.mask, counts);
  const k = requireValidCells(surface.mask);
  const { values, mask } = surface;
  let d = 0;
  for (let c = 0; c < mask.length; c++) {
    if (mask[c] === 0) continue;
    const mu = Math.max(values[c] as number, FLOOR);
    const y = counts[c] as number;
    // y ln(y/μ) → 0 as y → 0, so zero-count cells take only the −(y − μ) term.
    d += 2 * ((y > 0 ? y * Math.log(y / mu) : 0) - (y - mu));
  }
  return { kind: 'poisson-deviance', deviance: d, perCell: d / k, validCells: k };
}

/** Mean log-likelihood of the events under the surface's shares. */
export interface LogLikelihood {
  readonly kind: 'log-likelihood';
  /** `(1/N) Σ_events log p_{c(i)}` with `p` floored at 1e-9; higher is better, at most 0. */
  readonly mean: number;
}

/**
 * Mean log-likelihood (open_cp `likelihood`, §3.7): each event scores the log of its cell's share
 * `p_c = r_c / Σ r` (all-zero surfaces count as uniform), floored at 1e-9.
 * @returns the mean, or {@link NoEvents} when `N = 0`
 * @throws ValidationError when the counts do not fit the mask/total
 */
export function meanLogLikelihood(
  surface: RiskSurface,
  counts: Float64Array,
  total: number,
): LogLikelihood | NoEvents {
  checkCounts(surface.mask, counts, total);
  if (total === 0) return NO_EVENTS;
  const p = renormalised(surface).values;
  let sum = 0;
  // Summing y_c · log p_c per cell equals the per-event sum, without touching events again.
  for (let c = 0; c < counts.length; c++) {
    const y = counts[c] as number;
    if (y > 0) sum += y * Math.log(Math.max(p[c] as number, FLOOR));
  }
  return { kind: 'log-likelihood', mean: sum / total };
}

/**
 * Ranking score: the probability that a random valid cell with at least one event has a higher
 * risk than a random valid cell with none, ties counting ½ — the AUC of the surface as a
 * classifier of cells (Mann–Whitney statistic). Unlike hit rates it uses the whole ranking, not
 * one slice. O(K log K): one sort, then a pass over tie groups.
 * @returns the score in [0, 1] (0.5 = no better than random), or `null` when every valid cell had
 *   events or none did
 * @throws ValidationError when the counts do not fit the mask
 */
export function rankingScore(surface: RiskSurface, counts: Float64Array): number | null {
  const { values, mask } = surface;
  checkCounts(mask, counts);
  const k = validCells(mask);
  const order = new Uint32Array(k);
  for (let c = 0, i = 0; c < mask.length; c++) if (mask[c] !== 0) order[i++] = c;
  order.sort((a, b) => (values[a] as number) - (values[b] as number));
  let positives = 0;
  let negativesBelow = 0;
  let wins = 0;
  for (let i = 0; i < k; ) {
    // One tie group at a time: its positives beat every negative below and split ties with the
    // negatives in the group.
    const r = values[order[i] as number] as number;
    let pos = 0;
    let neg = 0;
    for (; i < k && values[order[i] as number] === r; i++) {
      if ((counts[order[i] as number] as number) >= 1) pos++;
      else neg++;
    }
    wins += pos * negativesBelow + 0.5 * pos * neg;
    positives += pos;
    negativesBelow += neg;
  }
  if (positives === 0 || negativesBelow === 0) return null;
  return wins / (positives * negativesBelow);
}

function requireValidCells(mask: Uint8Array): number {
  const k = validCells(mask);
  if (k === 0) throw new ValidationError('mask', 'la máscara no tiene celdas válidas');
  return k;
}

function sameMask(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let c = 0; c < a.length; c++) if ((a[c] !== 0) !== (b[c] !== 0)) return false;
  return true;
}

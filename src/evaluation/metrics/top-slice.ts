/**
 * The exact top slice (forecasting reference §3.1): for a coverage `f`, take `n = ⌊K·f⌋` valid cells
 * in descending order of risk and count the events they capture. Ties at the cut-off risk are
 * decided explicitly — by their expected value under random tie-breaking (default) or by open_cp's
 * row-major quirk — because the choice moves hit rates noticeably on surfaces with many equal
 * values (naive counts, zero-risk plateaus).
 *
 * Cells are integers and everything lives in typed arrays: one O(K log K) sort of an index array,
 * then O(1) per coverage after O(K) preparation.
 */
import { ValidationError } from '../../core/errors.ts';
import type { RiskSurface } from '../../core/risk-surface.ts';
import { checkCounts, NO_EVENTS, type NoEvents } from './counts.ts';

/**
 * How cells tied at the cut-off risk are chosen.
 * - `'average'`: expected hits under uniformly random tie-breaking; deterministic and order-free.
 * - `'order'`: open_cp `top_slice` as coded (not as documented): keeps the LAST `m` tied cells in
 *   row-major order (row 0 south, column 0 west). Only for reproducing open_cp numbers.
 */
export type TieBreak = 'average' | 'order';

/** Options of {@link topSlice} and {@link hitRateCurve}. */
export interface TopSliceOptions {
  /** Tie rule at the cut-off risk (default `'average'`). */
  tieBreak?: TieBreak;
}

/** The cells chosen for one coverage and the events they capture. */
export interface TopSlice {
  /** `n = ⌊K·f⌋`, the number of valid cells selected. */
  readonly cellsSelected: number;
  /** Achieved coverage `n/K` (reported instead of the nominal `f`, which `n` rarely matches). */
  readonly coverage: number;
  /** Events in the selected cells; fractional under `'average'` when a tie group is split. */
  readonly hits: number;
}

/** One point of a hit-rate curve. */
export interface HitRatePoint extends TopSlice {
  /** The coverage asked for, `f`. */
  readonly nominal: number;
  /** `HR(f) = hits / N`. */
  readonly hitRate: number;
}

/** A hit-rate curve computed from one ranking of the surface. */
export interface HitRateCurve {
  readonly kind: 'hit-rate-curve';
  readonly tieBreak: TieBreak;
  /** `K`, valid cells. */
  readonly validCells: number;
  /** `N`, events in valid cells. */
  readonly events: number;
  /** One point per requested coverage, in the order requested. */
  readonly points: readonly HitRatePoint[];
}

/** Coverages 1 %, 2 %, …, 20 % (the curve the reference asks every report to show). */
export const DEFAULT_COVERAGES: readonly number[] = Object.freeze(
  // i / 100 is the double nearest to each percentage, the same value as the literal 0.07 etc.
  Array.from({ length: 20 }, (_, i) => (i + 1) / 100),
);

/**
 * Valid cells ranked once, with the prefix sums and tie groups needed to answer any coverage in
 * O(1). Positions are ranks (0 = highest risk).
 */
interface Ranking {
  /** Valid cell indices, risk descending, ties in ascending cell order (row-major). */
  readonly order: Uint32Array;
  /** `prefix[i]` = events in the first `i` ranked cells; length K + 1. */
  readonly prefix: Float64Array;
  /** First rank of the tie group each rank belongs to. */
  readonly groupStart: Uint32Array;
  /** One past the last rank of the tie group each rank belongs to. */
  readonly groupEnd: Uint32Array;
}

function rank(surface: RiskSurface, counts: Float64Array): Ranking {
  const { values, mask } = surface;
  let k = 0;
  for (let c = 0; c < mask.length; c++) if (mask[c] !== 0) k++;
  const order = new Uint32Array(k);
  for (let c = 0, i = 0; c < mask.length; c++) if (mask[c] !== 0) order[i++] = c;
  // Values are finite (createRiskSurface guarantees it), so the difference is 0 exactly when the
  // risks are equal: the exact-equality rule of §3.1. The index fallback makes ties row-major.
  order.sort((a, b) => (values[b] as number) - (values[a] as number) || a - b);
  const prefix = new Float64Array(k + 1);
  const groupStart = new Uint32Array(k);
  const groupEnd = new Uint32Array(k);
  let start = 0;
  for (let i = 0; i < k; i++) {
    const c = order[i] as number;
    prefix[i + 1] = (prefix[i] as number) + (counts[c] as number);
    if (i > 0 && values[c] !== values[order[i - 1] as number]) start = i;
    groupStart[i] = start;
  }
  // Second pass backwards so each rank knows where its tie group ends.
  let end = k;
  for (let i = k - 1; i >= 0; i--) {
    groupEnd[i] = end;
    if (groupStart[i] === i) end = i;
  }
  return { order, prefix, groupStart, groupEnd };
}

/** `n = ⌊K·f⌋`, robust to the binary representation of decimal coverages. */
function cellsFor(k: number, coverage: number): number {
  if (!(coverage >= 0 && coverage <= 1))
    throw new ValidationError('coverage', `cobertura fuera de rango: ${coverage} (use 0–1)`);
  // K·f can land just below an integer (0.29 × 100 = 28.999999999999996); the nudge is far below
  // any real fractional part for K up to millions of cells, so it only repairs rounding error.
  return Math.min(k, Math.floor(k * coverage + 1e-9));
}

function hitsAt(r: Ranking, n: number, tieBreak: TieBreak): number {
  if (n === 0) return 0;
  const last = n - 1;
  const gs = r.groupStart[last] as number;
  const ge = r.groupEnd[last] as number;
  const above = r.prefix[gs] as number;
  const tiedHits = (r.prefix[ge] as number) - above;
  const m = n - gs;
  if (m === ge - gs) return above + tiedHits;
  if (tieBreak === 'average') return above + (m / (ge - gs)) * tiedHits;
  // open_cp removes tied cells from the start of the row-major order, keeping the last m; within a
  // group the ranking is row-major, so those are ranks [ge − m, ge).
  return above + (r.prefix[ge] as number) - (r.prefix[ge - m] as number);
}

function sliceOf(r: Ranking, coverage: number, tieBreak: TieBreak): TopSlice {
  const k = r.order.length;
  const n = cellsFor(k, coverage);
  return { cellsSelected: n, coverage: k === 0 ? 0 : n / k, hits: hitsAt(r, n, tieBreak) };
}

/**
 * The exact top slice of `surface` at one coverage.
 * @param surface the forecast (only the ranking of valid cells matters)
 * @param counts `y_c` per cell, e.g. from `countsByCell` with the surface's mask
 * @param coverage `f` in [0, 1]
 * @throws ValidationError for a coverage outside [0, 1] or counts that do not fit the mask
 */
export function topSlice(
  surface: RiskSurface,
  counts: Float64Array,
  coverage: number,
  options: TopSliceOptions = {},
): TopSlice {
  checkCounts(surface.mask, counts);
  return sliceOf(rank(surface, counts), coverage, options.tieBreak ?? 'average');
}

/**
 * Hit rates for many coverages from a single sort of the surface.
 * @param total `N`, the events in valid cells (the `total` of `countsByCell`)
 * @param coverages nominal coverages in [0, 1] (default 1 %…20 %)
 * @returns the curve, or {@link NoEvents} when `N = 0` (a hit rate is undefined then)
 * @throws ValidationError for a coverage outside [0, 1] or counts that do not fit the mask/total
 */
export function hitRateCurve(
  surface: RiskSurface,
  counts: Float64Array,
  total: number,
  coverages: readonly number[] = DEFAULT_COVERAGES,
  options: TopSliceOptions = {},
): HitRateCurve | NoEvents {
  checkCounts(surface.mask, counts, total);
  // Validate every coverage before answering "no events", so a bad argument is never masked by
  // an empty window.
  for (const f of coverages) cellsFor(0, f);
  if (total === 0) return NO_EVENTS;
  const tieBreak = options.tieBreak ?? 'average';
  const r = rank(surface, counts);
  const points = coverages.map((nominal): HitRatePoint => {
    const s = sliceOf(r, nominal, tieBreak);
    return { nominal, ...s, hitRate: s.hits / total };
  });
  return { kind: 'hit-rate-curve', tieBreak, validCells: r.order.length, events: total, points };
}

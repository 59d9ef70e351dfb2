/**
 * Statistics over forecast windows (forecasting reference §3.8). The pooled hit rate Σh/ΣN weighs
 * busy windows more; the mean of per-window (daily) hit rates weighs every window alike, and its
 * spread across windows gives an honest interval. Paired comparisons between two models use the
 * same windows, so the day-to-day variation both share cancels out.
 *
 * - {@link meanHitRate}: mean of h_w/N_w over windows with N_w > 0, with a seeded percentile
 *   bootstrap interval over windows (windows resampled with replacement).
 * - {@link wilcoxonSignedRank}: the paired Wilcoxon signed-rank test on per-window differences —
 *   zero differences dropped, average ranks for ties; exact null distribution up to 50 non-zero
 *   pairs, normal approximation with tie and continuity corrections above.
 */
import { ValidationError } from '../../core/errors.ts';
import { mulberry32 } from '../../core/random.ts';

/** The mean of per-window hit rates and its bootstrap interval. */
export interface MeanHitRate {
  /** Mean of h_w / N_w over the windows with events; null when no window has events. */
  readonly mean: number | null;
  /** Seeded percentile bootstrap over windows: [2.5 %, 97.5 %]; null without windows. */
  readonly interval95: readonly [number, number] | null;
  /** Windows with at least one event (the ones averaged). */
  readonly windows: number;
}

/** Options of {@link meanHitRate}. */
export interface MeanHitRateOptions {
  /** Seed of the resampling (default 1). */
  seed?: number;
  /** Bootstrap resamples (default 1000). */
  resamples?: number;
}

function checkLengths(a: readonly number[], b: readonly number[], what: string): void {
  if (a.length !== b.length)
    throw new ValidationError(what, `longitudes distintas: ${a.length} y ${b.length} ventanas`);
}

/** Per-window hit rates of the windows with events. */
export function windowHitRates(hits: readonly number[], events: readonly number[]): number[] {
  checkLengths(hits, events, 'hits');
  const out: number[] = [];
  hits.forEach((h, i) => {
    const n = events[i] as number;
    if (n > 0) out.push(h / n);
  });
  return out;
}

/**
 * The mean of per-window hit rates with a seeded bootstrap interval.
 * @param hits hits per window (fractional under average ties)
 * @param events events per window, same length
 * @throws ValidationError when the lengths differ
 */
export function meanHitRate(
  hits: readonly number[],
  events: readonly number[],
  options: MeanHitRateOptions = {},
): MeanHitRate {
  const rates = windowHitRates(hits, events);
  const n = rates.length;
  if (n === 0) return { mean: null, interval95: null, windows: 0 };
  const mean = rates.reduce((a, b) => a + b, 0) / n;
  const resamples = options.resamples ?? 1000;
  const rand = mulberry32(options.seed ?? 1);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += rates[Math.floor(rand() * n)] as number;
    means[r] = s / n;
  }
  means.sort();
  const at = (q: number): number => means[Math.min(resamples - 1, Math.floor(q * resamples))] as number;
  return { mean, interval95: [at(0.025), at(0.975)], windows: n };
}

/** A paired test's answer. */
export interface PairedTest {
  /** Mean of the per-window differences a − b (zero differences included). */
  readonly meanDifference: number;
  /** Windows compared (both with events) and the non-zero differences among them. */
  readonly windows: number;
  readonly nonZero: number;
  /** W⁺: sum of the ranks of the positive differences. */
  readonly wPlus: number;
  /** Two-sided p-value (1 when every difference is zero). */
  readonly pValue: number;
  readonly method: 'exact' | 'normal';
}

/** Above this many non-zero differences the normal approximation is used. */
const EXACT_MAX = 50;

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 on erf; |error| < 1.5·10⁻⁷). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/**
 * Paired Wilcoxon signed-rank test of `a` against `b` (e.g. per-window hit rates of a model and of
 * naive on the same windows).
 * @throws ValidationError when the lengths differ
 */
export function wilcoxonSignedRank(a: readonly number[], b: readonly number[]): PairedTest {
  checkLengths(a, b, 'a');
  const diffs = a.map((v, i) => v - (b[i] as number));
  const meanDifference = diffs.length ? diffs.reduce((s, d) => s + d, 0) / diffs.length : 0;
  // Differences below rounding noise (1e-12) count as zero: hit rates are ratios of small numbers.
  const nz = diffs.filter((d) => Math.abs(d) > 1e-12).sort((x, y) => Math.abs(x) - Math.abs(y));
  const n = nz.length;
  if (n === 0)
    return { meanDifference, windows: diffs.length, nonZero: 0, wPlus: 0, pValue: 1, method: 'exact' };
  // Average ranks over groups of equal |d|, doubled so that they stay integers.
  const ranks2 = new Array<number>(n);
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && Math.abs(Math.abs(nz[j + 1] as number) - Math.abs(nz[i] as number)) <= 1e-12) j++;
    const r2 = i + 1 + (j + 1); // 2 × average of ranks i+1 … j+1
    for (let k = i; k <= j; k++) ranks2[k] = r2;
    const t = j - i + 1;
    tieTerm += t * t * t - t;
    i = j + 1;
  }
  let w2 = 0;
  nz.forEach((d, i) => {
    if (d > 0) w2 += ranks2[i] as number;
  });
  const wPlus = w2 / 2;
  const total2 = n * (n + 1); // 2 × n(n+1)/2
  let pValue: number;
  let method: PairedTest['method'];
  if (n <= EXACT_MAX) {
    // Null distribution of 2W⁺: each rank's sign is + or − with probability ½.
    let dist = new Float64Array(total2 + 1);
    dist[0] = 1;
    for (const r of ranks2) {
      const next = new Float64Array(total2 + 1);
      for (let s = 0; s <= total2; s++) {
        const p = dist[s] as number;
        if (p === 0) continue;
        next[s] = (next[s] as number) + p / 2;
        next[s + r] = (next[s + r] as number) + p / 2;
      }
      dist = next;
    }
    // Two-sided: twice the smaller tail, at most 1.
    let lower = 0;
    let upper = 0;
    for (let s = 0; s <= total2; s++) {
      if (s <= w2) lower += dist[s] as number;
      if (s >= w2) upper += dist[s] as number;
    }
    pValue = Math.min(1, 2 * Math.min(lower, upper));
    method = 'exact';
  } else {
    const mean = (n * (n + 1)) / 4;
    const variance = (n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48;
    const dev = Math.abs(wPlus - mean) - 0.5;
    const z = variance > 0 ? Math.max(0, dev) / Math.sqrt(variance) : 0;
    pValue = Math.min(1, 2 * (1 - normalCdf(z)));
    method = 'normal';
  }
  return { meanDifference, windows: diffs.length, nonZero: n, wPlus, pValue, method };
}

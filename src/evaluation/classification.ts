/**
 * Scores of a probabilistic classifier on held-out rows: multi-class log loss with a bootstrap
 * interval, the paired bootstrap difference against a reference (the class-prior baseline),
 * accuracy, macro-F1 and reliability curves (top-class confidence and one-vs-rest per class).
 *
 * Probabilities are row-major: `p[i * k + c]` is row i's probability of class c (rows sum to 1).
 * Labels are class indices 0 … k − 1. Everything is seeded: the same inputs give the same intervals.
 */
import { ValidationError } from '../core/errors.ts';
import { mulberry32 } from '../core/random.ts';

/** Probabilities are floored here before the log (a confident miss costs ≈ 34.5 nats, not ∞). */
export const PROBABILITY_FLOOR = 1e-15;
/** Bootstrap resamples of the intervals. */
export const BOOTSTRAP_RESAMPLES = 1000;

/** One bin of a reliability curve. */
export interface ReliabilityBin {
  /** Bin edges on the predicted probability, [from, to). The last bin includes 1. */
  from: number;
  to: number;
  /** Rows (top class) or row × class pairs (one-vs-rest) in the bin. */
  n: number;
  /** Mean predicted probability in the bin (null when empty). */
  predicted: number | null;
  /** Observed frequency: top class right (top) or the class happened (one-vs-rest); null when empty. */
  observed: number | null;
}

/** Scores of one classifier. */
export interface ClassificationScores {
  rows: number;
  /** Mean −log p(true class), nats. */
  logLoss: number;
  /** Percentile bootstrap 95 % interval of the mean log loss (rows resampled). */
  logLossInterval95: [number, number];
  /** Mean log loss minus the reference's on the same rows (negative: better), with its paired interval. */
  vsReference: { difference: number; interval95: [number, number] } | null;
  accuracy: number;
  /** Unweighted mean of the per-class F1 (a class never predicted nor present is left out). */
  macroF1: number;
  perClassF1: (number | null)[];
  /** Expected calibration error of the top class: Σ n_b/N · |observed − predicted|. */
  calibrationError: number;
  reliability: { top: ReliabilityBin[]; perClass: ReliabilityBin[][] };
}

function check(p: Float64Array, k: number, y: ArrayLike<number>): number {
  if (!Number.isInteger(k) || k < 2) throw new ValidationError('k', 'hacen falta al menos 2 clases');
  const n = y.length;
  if (p.length !== n * k)
    throw new ValidationError('p', `tiene ${p.length} valores; se esperaban ${n} filas × ${k} clases`);
  for (let i = 0; i < n; i++) {
    const c = y[i] as number;
    if (!Number.isInteger(c) || c < 0 || c >= k)
      throw new ValidationError(`y[${i}]`, `clase fuera de 0–${k - 1}: ${c}`);
  }
  return n;
}

/** −log p(true class) of every row. */
export function rowLogLoss(p: Float64Array, k: number, y: ArrayLike<number>): Float64Array {
  const n = check(p, k, y);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++)
    out[i] = -Math.log(Math.max(PROBABILITY_FLOOR, p[i * k + (y[i] as number)] as number));
  return out;
}

function mean(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] as number;
  return v.length ? s / v.length : Number.NaN;
}

/** Percentile bootstrap 95 % interval of the mean of `values` (seeded). */
export function bootstrapMeanInterval(
  values: ArrayLike<number>,
  seed = 1,
  resamples = BOOTSTRAP_RESAMPLES,
): [number, number] {
  const n = values.length;
  if (n === 0) return [Number.NaN, Number.NaN];
  const random = mulberry32(seed);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += values[Math.floor(random() * n)] as number;
    means[r] = s / n;
  }
  means.sort();
  const at = (q: number) =>
    means[Math.min(resamples - 1, Math.max(0, Math.round(q * (resamples - 1))))] as number;
  return [at(0.025), at(0.975)];
}

/** Predicted class of every row (the most probable; ties: the lowest index). */
export function argmaxRows(p: Float64Array, k: number): Int32Array {
  const n = p.length / k;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if ((p[i * k + c] as number) > (p[i * k + best] as number)) best = c;
    out[i] = best;
  }
  return out;
}

/** Accuracy, per-class F1 and their unweighted mean. */
export function f1Scores(
  predicted: ArrayLike<number>,
  y: ArrayLike<number>,
  k: number,
): { accuracy: number; macroF1: number; perClassF1: (number | null)[] } {
  const tp = new Float64Array(k);
  const fp = new Float64Array(k);
  const fn = new Float64Array(k);
  let right = 0;
  for (let i = 0; i < y.length; i++) {
    const a = predicted[i] as number;
    const b = y[i] as number;
    if (a === b) {
      tp[a] = (tp[a] as number) + 1;
      right++;
    } else {
      fp[a] = (fp[a] as number) + 1;
      fn[b] = (fn[b] as number) + 1;
    }
  }
  const perClassF1: (number | null)[] = [];
  let sum = 0;
  let used = 0;
  for (let c = 0; c < k; c++) {
    const denom = 2 * (tp[c] as number) + (fp[c] as number) + (fn[c] as number);
    const f = denom === 0 ? null : (2 * (tp[c] as number)) / denom;
    perClassF1.push(f);
    if (f !== null) {
      sum += f;
      used++;
    }
  }
  return {
    accuracy: y.length ? right / y.length : Number.NaN,
    macroF1: used ? sum / used : Number.NaN,
    perClassF1,
  };
}

function binsOf(
  count: number,
  prob: (j: number) => number,
  hit: (j: number) => boolean,
  nBins: number,
): ReliabilityBin[] {
  const n = new Float64Array(nBins);
  const ps = new Float64Array(nBins);
  const hits = new Float64Array(nBins);
  for (let j = 0; j < count; j++) {
    const q = prob(j);
    const b = Math.min(nBins - 1, Math.floor(q * nBins));
    n[b] = (n[b] as number) + 1;
    ps[b] = (ps[b] as number) + q;
    if (hit(j)) hits[b] = (hits[b] as number) + 1;
  }
  return Array.from({ length: nBins }, (_, b) => ({
    from: b / nBins,
    to: (b + 1) / nBins,
    n: n[b] as number,
    predicted: n[b] ? (ps[b] as number) / (n[b] as number) : null,
    observed: n[b] ? (hits[b] as number) / (n[b] as number) : null,
  }));
}

/** Reliability of the top class: confidence (max probability) against the share of rows it was right. */
export function topClassReliability(
  p: Float64Array,
  k: number,
  y: ArrayLike<number>,
  nBins = 10,
): ReliabilityBin[] {
  check(p, k, y);
  const top = argmaxRows(p, k);
  return binsOf(
    y.length,
    (i) => p[i * k + (top[i] as number)] as number,
    (i) => top[i] === y[i],
    nBins,
  );
}

/** Reliability of each class one-vs-rest: p(class) against how often the class happened. */
export function perClassReliability(
  p: Float64Array,
  k: number,
  y: ArrayLike<number>,
  nBins = 10,
): ReliabilityBin[][] {
  check(p, k, y);
  return Array.from({ length: k }, (_, c) =>
    binsOf(
      y.length,
      (i) => p[i * k + c] as number,
      (i) => y[i] === c,
      nBins,
    ),
  );
}

/** Expected calibration error of a reliability curve. */
export function calibrationError(bins: readonly ReliabilityBin[]): number {
  const total = bins.reduce((s, b) => s + b.n, 0);
  let e = 0;
  for (const b of bins)
    if (b.n > 0) e += (b.n / total) * Math.abs((b.observed as number) - (b.predicted as number));
  return total ? e : Number.NaN;
}

/**
 * Every score of one classifier.
 * @param reference Per-row log loss of the reference model (same rows), for the paired difference.
 */
export function scoreClassifier(
  p: Float64Array,
  k: number,
  y: ArrayLike<number>,
  options: { reference?: Float64Array | null; seed?: number; bins?: number } = {},
): ClassificationScores {
  const seed = options.seed ?? 1;
  const losses = rowLogLoss(p, k, y);
  const ref = options.reference ?? null;
  if (ref && ref.length !== losses.length)
    throw new ValidationError('reference', `tiene ${ref.length} filas y hay ${losses.length}`);
  const diff = ref ? losses.map((v, i) => v - (ref[i] as number)) : null;
  const top = topClassReliability(p, k, y, options.bins);
  return {
    rows: y.length,
    logLoss: mean(losses),
    logLossInterval95: bootstrapMeanInterval(losses, seed),
    // The same seed draws the same resamples: the paired interval resamples rows, not models.
    vsReference: diff ? { difference: mean(diff), interval95: bootstrapMeanInterval(diff, seed) } : null,
    ...f1Scores(argmaxRows(p, k), y, k),
    calibrationError: calibrationError(top),
    reliability: { top, perClass: perClassReliability(p, k, y, options.bins) },
  };
}

/** Confusion matrix of class indices: `m[true][predicted]` counts rows. */
export function confusionMatrix(predicted: ArrayLike<number>, y: ArrayLike<number>, k: number): number[][] {
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < y.length; i++) {
    const row = m[y[i] as number] as number[];
    row[predicted[i] as number] = (row[predicted[i] as number] as number) + 1;
  }
  return m;
}

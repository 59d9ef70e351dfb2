/**
 * Emerging hot spot analysis in the style of ArcGIS Pro's "Emerging Hot Spot Analysis": a
 * space-time cube of counts (grid cell × period), the Getis-Ord Gi* z-score of every bin over a
 * space-time neighbourhood, a Mann-Kendall trend test per cell on its Gi* z-series (and on its
 * counts), and one pattern class per cell (new, consecutive, intensifying, persistent, diminishing,
 * sporadic, oscillating, historical; hot and cold; or no pattern). Pure, on typed arrays; the
 * definitions and the order of the rules are in docs/analysis.md.
 */
import { ValidationError } from '../core/errors.ts';

/** The pattern classes, in legend order; a cell's class is an index into this list. */
export const EMERGING_CLASSES = [
  { code: 'new_hot', label: 'Punto caliente nuevo' },
  { code: 'consecutive_hot', label: 'Punto caliente consecutivo' },
  { code: 'intensifying_hot', label: 'Punto caliente en intensificación' },
  { code: 'persistent_hot', label: 'Punto caliente persistente' },
  { code: 'diminishing_hot', label: 'Punto caliente en disminución' },
  { code: 'sporadic_hot', label: 'Punto caliente esporádico' },
  { code: 'oscillating_hot', label: 'Punto caliente oscilante' },
  { code: 'historical_hot', label: 'Punto caliente histórico' },
  { code: 'new_cold', label: 'Punto frío nuevo' },
  { code: 'consecutive_cold', label: 'Punto frío consecutivo' },
  { code: 'intensifying_cold', label: 'Punto frío en intensificación' },
  { code: 'persistent_cold', label: 'Punto frío persistente' },
  { code: 'diminishing_cold', label: 'Punto frío en disminución' },
  { code: 'sporadic_cold', label: 'Punto frío esporádico' },
  { code: 'oscillating_cold', label: 'Punto frío oscilante' },
  { code: 'historical_cold', label: 'Punto frío histórico' },
  { code: 'none', label: 'Sin patrón' },
] as const;

export type EmergingClass = (typeof EMERGING_CLASSES)[number]['code'];

/** Index of a class code in {@link EMERGING_CLASSES}. */
export function classIndex(code: EmergingClass): number {
  return EMERGING_CLASSES.findIndex((c) => c.code === code);
}

const NONE = classIndex('none');
/** Offset from a hot class to its cold counterpart. */
const COLD = classIndex('new_cold');

/** Share of periods that must be significant for persistent, intensifying, diminishing, historical. */
export const MOST_PERIODS = 0.9;

/** The space-time cube: `counts[t * cols * rows + cell]`, cell = row * cols + col. */
export interface CountCube {
  cols: number;
  rows: number;
  periods: number;
  /** 1 for cells that belong to the study area; other cells are neither counted nor neighbours. */
  mask: Uint8Array;
  counts: Float64Array | Float32Array | Uint32Array;
}

/** Options of {@link emergingHotSpots}. */
export interface EmergingOptions {
  /**
   * Spatial neighbourhood: undefined for queen contiguity (the cell and its 8 touching cells), or a
   * distance band in cells (cells whose centres lie within `distanceBand` cell sides, the cell
   * itself included).
   */
  distanceBand?: number;
  /** How many previous periods join each bin's neighbourhood (default 1, as ArcGIS's time step 1). */
  timeSteps?: number;
  /** Significance level of a bin's Gi* (two-sided, default 0.05). */
  alpha?: number;
  /** Benjamini-Hochberg false discovery rate correction over all bins (default false). */
  fdr?: boolean;
  /** Significance level of the Mann-Kendall trend (two-sided, default 0.05). */
  trendAlpha?: number;
}

/** A Mann-Kendall test result. */
export interface MannKendall {
  /** Kendall's S: concordant minus discordant pairs in time order. */
  s: number;
  /** Var(S) with the correction for ties. */
  variance: number;
  /** Standardised statistic with continuity correction. */
  z: number;
  /** Two-sided p-value (normal approximation). */
  p: number;
}

/** Everything the analysis computes. */
export interface EmergingResult {
  periods: number;
  /** Gi* z-score per bin, `[t * cells + cell]` (0 for masked cells). */
  gi: Float64Array;
  /** Two-sided p-value per bin (1 for masked cells). */
  p: Float64Array;
  /** +1 significant hot spot, −1 significant cold spot, 0 neither, per bin. */
  significance: Int8Array;
  /** Mann-Kendall on each cell's Gi* z-series: z and p per cell. */
  trendZ: Float64Array;
  trendP: Float64Array;
  /** Mann-Kendall on each cell's counts. */
  countTrendZ: Float64Array;
  countTrendP: Float64Array;
  /** Class per cell: index into {@link EMERGING_CLASSES} (`none` for masked cells). */
  classOf: Uint8Array;
}

/** Chebyshev coefficients of erfc (Numerical Recipes: relative error < 1.2·10⁻⁷ everywhere). */
const ERFC = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587,
  -0.82215223, 0.17087277,
];

function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  let poly = 0;
  for (let i = ERFC.length - 1; i >= 0; i--) poly = (ERFC[i] as number) + t * poly;
  const r = t * Math.exp(-z * z + poly);
  return x >= 0 ? r : 2 - r;
}

/** Two-sided p-value of a standard normal z. */
export function twoSidedP(z: number): number {
  return Math.min(1, erfc(Math.abs(z) / Math.SQRT2));
}

/** The Mann-Kendall trend test of a series in time order (ties corrected, continuity corrected). */
export function mannKendall(series: ArrayLike<number>): MannKendall {
  const x = series instanceof Float64Array ? series : Float64Array.from(series);
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n - 1; i++) {
    const xi = x[i] as number;
    // Branch-free sign: the comparisons of noisy series mispredict.
    for (let j = i + 1; j < n; j++) s += +((x[j] as number) > xi) - +((x[j] as number) < xi);
  }
  const sorted = Float64Array.from(x).sort();
  let ties = 0;
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && sorted[j] === sorted[i]) j++;
    const t = j - i;
    if (t > 1) ties += t * (t - 1) * (2 * t + 5);
    i = j;
  }
  const variance = (n * (n - 1) * (2 * n + 5) - ties) / 18;
  const z = variance > 0 && s !== 0 ? (s - Math.sign(s)) / Math.sqrt(variance) : 0;
  return { s, variance, z, p: twoSidedP(z) };
}

/** Cell offsets (dx, dy) of the spatial neighbourhood, the cell itself included. */
function neighbourOffsets(distanceBand: number | undefined): Int32Array {
  const out: number[] = [];
  const r = distanceBand === undefined ? 1 : Math.floor(distanceBand);
  for (let dy = -r; dy <= r; dy++)
    for (let dx = -r; dx <= r; dx++)
      if (distanceBand === undefined || dx * dx + dy * dy <= distanceBand * distanceBand) out.push(dx, dy);
  return Int32Array.from(out);
}

/** Benjamini-Hochberg: the largest p-value still significant at level `alpha` (−1: none). */
function fdrThreshold(p: Float64Array, mask: Uint8Array, cells: number, alpha: number): number {
  const kept: number[] = [];
  for (let b = 0; b < p.length; b++) if (mask[b % cells] === 1) kept.push(p[b] as number);
  const sorted = Float64Array.from(kept).sort();
  const m = sorted.length;
  let threshold = -1;
  for (let i = 0; i < m; i++)
    if ((sorted[i] as number) <= (alpha * (i + 1)) / m) threshold = sorted[i] as number;
  return threshold;
}

/**
 * Gi* z-scores of every bin of the cube (binary weights over the space-time neighbourhood, the bin
 * itself included; mean and standard deviation over all bins of masked-in cells).
 */
export function giStar(
  cube: CountCube,
  options: Pick<EmergingOptions, 'distanceBand' | 'timeSteps'> = {},
): Float64Array {
  const { cols, rows, periods, mask, counts } = cube;
  const cells = cols * rows;
  const k = options.timeSteps ?? 1;
  let valid = 0;
  for (let c = 0; c < cells; c++) valid += mask[c] === 1 ? 1 : 0;
  const n = valid * periods;
  let sum = 0;
  let sumSq = 0;
  for (let t = 0; t < periods; t++)
    for (let c = 0; c < cells; c++)
      if (mask[c] === 1) {
        const v = counts[t * cells + c] as number;
        sum += v;
        sumSq += v * v;
      }
  const mean = sum / n;
  const sd = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
  // Spatial sums per period and the number of spatial neighbours per cell.
  const offsets = neighbourOffsets(options.distanceBand);
  const spatial = new Float64Array(periods * cells);
  const wSpatial = new Uint32Array(cells);
  for (let c = 0; c < cells; c++) {
    if (mask[c] !== 1) continue;
    const col = c % cols;
    const row = (c - col) / cols;
    let w = 0;
    for (let o = 0; o < offsets.length; o += 2) {
      const cc = col + (offsets[o] as number);
      const rr = row + (offsets[o + 1] as number);
      if (cc < 0 || rr < 0 || cc >= cols || rr >= rows) continue;
      const j = rr * cols + cc;
      if (mask[j] !== 1) continue;
      w++;
      for (let t = 0; t < periods; t++)
        spatial[t * cells + c] = (spatial[t * cells + c] as number) + (counts[t * cells + j] as number);
    }
    wSpatial[c] = w;
  }
  const gi = new Float64Array(periods * cells);
  for (let t = 0; t < periods; t++) {
    const first = Math.max(0, t - k);
    const steps = t - first + 1;
    for (let c = 0; c < cells; c++) {
      if (mask[c] !== 1) continue;
      let s = 0;
      for (let u = first; u <= t; u++) s += spatial[u * cells + c] as number;
      const w = (wSpatial[c] as number) * steps;
      const denom = sd * Math.sqrt((n * w - w * w) / (n - 1));
      gi[t * cells + c] = denom > 0 ? (s - mean * w) / denom : 0;
    }
  }
  return gi;
}

/**
 * The emerging hot spot analysis of a cube.
 * @throws ValidationError for fewer than 2 periods, a cube of the wrong size, or bad options
 */
export function emergingHotSpots(cube: CountCube, options: EmergingOptions = {}): EmergingResult {
  const { cols, rows, periods, mask, counts } = cube;
  const cells = cols * rows;
  if (!(Number.isInteger(periods) && periods >= 2))
    throw new ValidationError('months', `se necesitan al menos 2 periodos (hay ${periods})`);
  if (counts.length !== cells * periods || mask.length !== cells)
    throw new ValidationError('cube', 'el cubo no coincide con la grilla (celdas × periodos)');
  const alpha = options.alpha ?? 0.05;
  const trendAlpha = options.trendAlpha ?? 0.05;
  for (const [name, v] of [
    ['alpha', alpha],
    ['trendAlpha', trendAlpha],
  ] as const)
    if (!(v > 0 && v < 1)) throw new ValidationError(name, `${name} debe estar entre 0 y 1 (exclusivo)`);
  if (options.timeSteps !== undefined && !(Number.isInteger(options.timeSteps) && options.timeSteps >= 0))
    throw new ValidationError('timeSteps', 'timeSteps debe ser un entero ≥ 0');
  if (options.distanceBand !== undefined && !(options.distanceBand >= 1 && options.distanceBand <= 20))
    throw new ValidationError('distanceBand', 'la banda de distancia debe estar entre 1 y 20 celdas');

  const gi = giStar(cube, options);
  const p = new Float64Array(gi.length).fill(1);
  for (let b = 0; b < gi.length; b++) if (mask[b % cells] === 1) p[b] = twoSidedP(gi[b] as number);
  const cut = options.fdr ? fdrThreshold(p, mask, cells, alpha) : alpha;
  const significance = new Int8Array(gi.length);
  for (let b = 0; b < gi.length; b++)
    if (mask[b % cells] === 1 && (options.fdr ? (p[b] as number) <= cut : (p[b] as number) < cut))
      significance[b] = (gi[b] as number) > 0 ? 1 : -1;

  const trendZ = new Float64Array(cells);
  const trendP = new Float64Array(cells).fill(1);
  const countTrendZ = new Float64Array(cells);
  const countTrendP = new Float64Array(cells).fill(1);
  const classOf = new Uint8Array(cells).fill(NONE);
  const zSeries = new Float64Array(periods);
  const cSeries = new Float64Array(periods);
  const sig = new Int8Array(periods);
  for (let c = 0; c < cells; c++) {
    if (mask[c] !== 1) continue;
    for (let t = 0; t < periods; t++) {
      zSeries[t] = gi[t * cells + c] as number;
      cSeries[t] = counts[t * cells + c] as number;
      sig[t] = significance[t * cells + c] as number;
    }
    const trend = mannKendall(zSeries);
    const countTrend = mannKendall(cSeries);
    trendZ[c] = trend.z;
    trendP[c] = trend.p;
    countTrendZ[c] = countTrend.z;
    countTrendP[c] = countTrend.p;
    const rising = trend.p < trendAlpha && trend.z > 0;
    const falling = trend.p < trendAlpha && trend.z < 0;
    classOf[c] = classify(sig, rising, falling);
  }
  return { periods, gi, p, significance, trendZ, trendP, countTrendZ, countTrendP, classOf };
}

/**
 * The class of one cell from its significance series (+1 hot, −1 cold, 0 neither, time order) and
 * the direction of a significant trend of its Gi* z-scores. The rules, in this order:
 * - last period hot (cold counterparts mirrored, with "intensifying" meaning z falling):
 *   1. hot in ≥ 90 % of periods: intensifying (z rising), diminishing (z falling), else persistent;
 *   2. never hot before the final run of hot periods: new (run of 1), consecutive (run ≥ 2);
 *   3. cold in some earlier period: oscillating; 4. otherwise sporadic.
 * - last period neither: historical hot (≥ 90 % hot), historical cold (≥ 90 % cold), else none.
 */
export function classify(sig: Int8Array, rising: boolean, falling: boolean): number {
  const n = sig.length;
  const last = sig[n - 1] as number;
  let hot = 0;
  let cold = 0;
  for (let t = 0; t < n; t++) {
    if (sig[t] === 1) hot++;
    else if (sig[t] === -1) cold++;
  }
  const most = Math.ceil(MOST_PERIODS * n - 1e-9);
  if (last === 0) {
    if (hot >= most) return classIndex('historical_hot');
    if (cold >= most) return classIndex('historical_cold');
    return NONE;
  }
  const base = last === 1 ? 0 : COLD;
  const same = last === 1 ? hot : cold;
  const other = last === 1 ? cold : hot;
  // Intensifying hot = z rising; intensifying cold = z falling (ever more negative).
  const intensifying = last === 1 ? rising : falling;
  const diminishing = last === 1 ? falling : rising;
  if (same >= most)
    return (
      base +
      (intensifying
        ? classIndex('intensifying_hot')
        : diminishing
          ? classIndex('diminishing_hot')
          : classIndex('persistent_hot'))
    );
  let run = 0;
  while (run < n && sig[n - 1 - run] === last) run++;
  if (same === run) return base + (run === 1 ? classIndex('new_hot') : classIndex('consecutive_hot'));
  if (other > 0) return base + classIndex('oscillating_hot');
  return base + classIndex('sporadic_hot');
}

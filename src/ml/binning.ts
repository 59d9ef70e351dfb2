/**
 * Quantile binning of Float32 feature columns into at most 255 value bins (Uint8 codes), the input
 * of the histogram learners. Fitted on training data, applied to any data with the same columns.
 *
 * Codes: value bins are 0 … nBins(f) − 1, in increasing order of value; a missing value (NaN) gets
 * its own code, `MISSING_BIN` (255). A value x falls in the first bin b with x ≤ thresholds[f][b]
 * (the last bin has no upper threshold), so `code(x) ≤ b` ⇔ `x ≤ thresholds[f][b]`: a tree split
 * on a bin is the same split on the raw value.
 *
 * Thresholds (like scikit-learn's `_BinMapper`): a feature with at most `maxBins` distinct values
 * gets the midpoints between consecutive distinct values; otherwise the quantiles at
 * k / maxBins (k = 1 … maxBins − 1, midpoint interpolation) of a seeded sample of rows, without
 * duplicates. A constant or all-missing feature has no threshold (one bin: it can never split).
 */

import { Worker } from 'node:worker_threads';
import { ValidationError } from '../core/errors.ts';
import { mulberry32 } from '../core/random.ts';
import { shared, WORKER_TIMEOUT_MS } from './histogram.ts';

/** The code of a missing (NaN) value. */
export const MISSING_BIN = 255;
/** The most value bins a feature can have (codes 0 … 254). */
export const MAX_BINS = 255;

/** Binned features: column-major Uint8 codes, `codes[f * nRows + i]` is row i's code of feature f. */
export interface BinnedMatrix {
  readonly nRows: number;
  readonly nFeatures: number;
  readonly codes: Uint8Array;
}

/** Options of `BinMapper.fit`. */
export interface BinningOptions {
  /** Value bins per feature, 2 … 255 (default 255). */
  readonly maxBins?: number;
  /** Rows sampled to place the quantiles (default 200,000; all rows when fewer). */
  readonly sampleSize?: number;
  /** Seed of the row sample (default 0). */
  readonly seed?: number;
  /** Fit on these rows only (e.g. the training part); default all rows. */
  readonly rows?: Uint32Array;
}

/** Options of `BinMapper.fitTransform`. */
export interface FitTransformOptions extends BinningOptions {
  /**
   * Threads that bin the features (the caller's and worker threads, each a block of features),
   * default 1. The thresholds and codes are the same for every thread count.
   */
  readonly threads?: number;
}

/**
 * Checks that the columns form a matrix: at least one column, all of the same length.
 * @returns the number of rows.
 */
export function matrixRows(columns: readonly Float32Array[], field = 'columns'): number {
  if (columns.length === 0) throw new ValidationError(field, 'se necesita al menos una variable');
  const n = (columns[0] as Float32Array).length;
  columns.forEach((c, f) => {
    if (c.length !== n)
      throw new ValidationError(`${field}[${f}]`, `tiene ${c.length} filas y la variable 0 tiene ${n}`);
  });
  return n;
}

/** The fitted thresholds of every feature; immutable. */
export class BinMapper {
  /** `thresholds[f]`: increasing upper edges of feature f's value bins (length nBins(f) − 1). */
  readonly thresholds: readonly Float64Array[];

  constructor(thresholds: readonly Float64Array[]) {
    thresholds.forEach((t, f) => {
      if (t.length > MAX_BINS - 1)
        throw new ValidationError(`thresholds[${f}]`, `a lo más ${MAX_BINS - 1} umbrales`);
      for (let i = 1; i < t.length; i++)
        if (!((t[i] as number) > (t[i - 1] as number)))
          throw new ValidationError(`thresholds[${f}]`, 'los umbrales deben ser crecientes');
    });
    this.thresholds = thresholds;
  }

  get nFeatures(): number {
    return this.thresholds.length;
  }

  /** Number of value bins of feature f (the missing bin not counted). */
  nBins(f: number): number {
    return (this.thresholds[f] as Float64Array).length + 1;
  }

  /**
   * Fits the thresholds of every column.
   * @param columns Float32 feature columns of equal length (NaN = missing).
   */
  static fit(columns: readonly Float32Array[], options: BinningOptions = {}): BinMapper {
    const n = matrixRows(columns);
    const maxBins = options.maxBins ?? MAX_BINS;
    if (!Number.isInteger(maxBins) || maxBins < 2 || maxBins > MAX_BINS)
      throw new ValidationError('maxBins', `debe ser un entero entre 2 y ${MAX_BINS}`);
    const sample = sampleRows(options.rows ?? null, n, options.sampleSize ?? 200_000, options.seed ?? 0);
    const values = new Float32Array(sample.length);
    const stats = new OrderStatistics(sample.length);
    return new BinMapper(columns.map((column) => sampleThresholds(column, sample, values, stats, maxBins)));
  }

  /**
   * `fit` then `transform` of the same columns, the features split over `threads` threads (the
   * calling thread and worker threads, each fitting and binning a contiguous block of features):
   * the same thresholds and codes as one thread. The codes are on a SharedArrayBuffer when
   * threads > 1 (worker threads can read them). Synchronous: the caller waits for the workers
   * (bounded, `WORKER_TIMEOUT_MS`; a failed or silent worker makes it throw).
   */
  static fitTransform(
    columns: readonly Float32Array[],
    options: FitTransformOptions = {},
  ): { mapper: BinMapper; binned: BinnedMatrix } {
    const n = matrixRows(columns);
    const threads = Math.min(options.threads ?? 1, columns.length);
    if (!(threads > 1) || n < PARALLEL_MIN_ROWS) {
      const mapper = BinMapper.fit(columns, options);
      return { mapper, binned: mapper.transform(columns) };
    }
    const maxBins = options.maxBins ?? MAX_BINS;
    if (!Number.isInteger(maxBins) || maxBins < 2 || maxBins > MAX_BINS)
      throw new ValidationError('maxBins', `debe ser un entero entre 2 y ${MAX_BINS}`);
    const nF = columns.length;
    const sample = sampleRows(options.rows ?? null, n, options.sampleSize ?? 200_000, options.seed ?? 0);
    const out = {
      thresholds: shared(Float64Array, nF * (MAX_BINS - 1)),
      lengths: shared(Int32Array, nF),
      codes: shared(Uint8Array, nF * n),
    };
    // contiguous blocks of features: block t is [cut(t), cut(t + 1)); the caller bins block 0
    const cut = (t: number): number => Math.min(nF, t * Math.ceil(nF / threads));
    const control = shared(Int32Array, 2 * (threads - 1));
    const workers: Worker[] = [];
    try {
      if (cut(1) < nF) {
        const sharedSample = shared(Uint32Array, sample.length);
        sharedSample.set(sample);
        for (let t = 1; t < threads && cut(t) < nF; t++) {
          const block: Float32Array[] = [];
          for (let f = cut(t); f < cut(t + 1); f++) {
            const copy = shared(Float32Array, n);
            copy.set(columns[f] as Float32Array);
            block.push(copy);
          }
          const workerData = {
            ...out,
            control,
            slot: 2 * (t - 1),
            first: cut(t),
            block,
            sample: sharedSample,
            maxBins,
          };
          workers.push(new Worker(binningWorker(), { eval: true, workerData }));
        }
      }
      binFeatures(columns.slice(0, cut(1)), 0, sample, maxBins, out);
      const deadline = Date.now() + WORKER_TIMEOUT_MS;
      workers.forEach((_, w) => {
        while (Atomics.load(control, 2 * w) === 0) {
          const left = deadline - Date.now();
          if (left <= 0) throw new Error(`el hilo ${w + 1} de la discretización no respondió`);
          Atomics.wait(control, 2 * w, 0, left);
        }
        if (control[2 * w + 1] === 1) throw new Error(`el hilo ${w + 1} de la discretización falló`);
      });
    } finally {
      for (const worker of workers) void worker.terminate();
    }
    const thresholds = Array.from({ length: nF }, (_, f) =>
      out.thresholds.slice(f * (MAX_BINS - 1), f * (MAX_BINS - 1) + (out.lengths[f] as number)),
    );
    return { mapper: new BinMapper(thresholds), binned: { nRows: n, nFeatures: nF, codes: out.codes } };
  }

  /** Bins columns with the fitted thresholds (same number and order of columns as at fit). */
  transform(columns: readonly Float32Array[]): BinnedMatrix {
    const nRows = matrixRows(columns);
    if (columns.length !== this.nFeatures)
      throw new ValidationError('columns', `se esperaban ${this.nFeatures} variables, hay ${columns.length}`);
    const codes = new Uint8Array(nRows * this.nFeatures);
    columns.forEach((column, f) => {
      const t = this.thresholds[f] as Float64Array;
      const out = codes.subarray(f * nRows, (f + 1) * nRows);
      if (nRows < LOOKUP_MIN_ROWS) for (let i = 0; i < nRows; i++) out[i] = binOf(t, column[i] as number);
      else binByLookup(t, column, out);
    });
    return { nRows, nFeatures: this.nFeatures, codes };
  }
}

/** Columns at least this long are binned through the 16-bit lookup table of `binByLookup`. */
const LOOKUP_MIN_ROWS = 65_536;
/**
 * `fitTransform` uses worker threads from this many rows on (below, starting them costs more); at
 * least `LOOKUP_MIN_ROWS`, as the workers bin through the lookup table only.
 */
const PARALLEL_MIN_ROWS = LOOKUP_MIN_ROWS;

/** The thresholds of one column from its non-missing values at the sample rows. */
function sampleThresholds(
  column: Float32Array,
  sample: Uint32Array,
  values: Float32Array,
  stats: OrderStatistics,
  maxBins: number,
): Float64Array {
  let m = 0;
  for (let i = 0; i < sample.length; i++) {
    const v = column[sample[i] as number] as number;
    if (!Number.isNaN(v)) values[m++] = v;
  }
  return featureThresholds(stats.of(values.subarray(0, m)), maxBins);
}

/**
 * Fits and bins the features `first`, `first + 1`, … (the given columns) into `out`: thresholds at
 * `f · (MAX_BINS − 1)` with their count in `lengths[f]`, codes at `f · nRows`. Self-contained (its
 * source runs in the binning workers, next to the functions it calls).
 */
function binFeatures(
  block: readonly Float32Array[],
  first: number,
  sample: Uint32Array,
  maxBins: number,
  out: { thresholds: Float64Array; lengths: Int32Array; codes: Uint8Array },
): void {
  const values = new Float32Array(sample.length);
  const stats = new OrderStatistics(sample.length);
  block.forEach((column, j) => {
    const f = first + j;
    const t = sampleThresholds(column, sample, values, stats, maxBins);
    out.thresholds.set(t, f * (MAX_BINS - 1));
    out.lengths[f] = t.length;
    const n = column.length;
    binByLookup(t, column, out.codes.subarray(f * n, (f + 1) * n));
  });
}

/** Source of a binning worker: `binFeatures` on its block, then done (or failed) in `control`. */
const binningWorker = (): string => `
const __name = (f) => f;
const MISSING_BIN = ${MISSING_BIN};
const MAX_BINS = ${MAX_BINS};
const OrderStatistics = ${OrderStatistics.toString()};
${binOf.toString()}
${featureThresholds.toString()}
${sampleThresholds.toString()}
${binByLookup.toString()}
${binFeatures.toString()}
const { workerData } = require('node:worker_threads');
const { control, slot, first, block, sample, maxBins, thresholds, lengths, codes } = workerData;
try {
  binFeatures(block, first, sample, maxBins, { thresholds, lengths, codes });
} catch {
  control[slot + 1] = 1;
}
Atomics.store(control, slot, 1);
Atomics.notify(control, slot);
`;

/**
 * Bins a column like `binOf`, faster: Float32 values ordered as unsigned keys (sign bit flipped,
 * negatives inverted) fall into 65,536 buckets by their top 16 bits; a table gives the codes of each
 * bucket's smallest and largest value, and only a bucket holding a threshold needs a search (between
 * those two codes).
 */
function binByLookup(t: Float64Array, column: Float32Array, out: Uint8Array): void {
  const scratch = new Float32Array(1);
  const scratchBits = new Uint32Array(scratch.buffer);
  const valueOfKey = (key: number): number => {
    scratchBits[0] = key & 0x80000000 ? key & 0x7fffffff : ~key >>> 0;
    return scratch[0] as number;
  };
  const lo = new Uint8Array(65536);
  const hi = new Uint8Array(65536);
  for (let k = 0; k < 65536; k++) {
    const a = valueOfKey(k * 65536);
    const b = valueOfKey(k * 65536 + 65535);
    // NaN keys lie at both ends of the key order (NaN is checked first); the buckets of ±Infinity
    // also hold NaN keys, so they take their one non-NaN end
    if (Number.isNaN(a) && Number.isNaN(b)) continue;
    lo[k] = binOf(t, Number.isNaN(a) ? b : a);
    hi[k] = binOf(t, Number.isNaN(b) ? a : b);
  }
  const bits = new Uint32Array(column.buffer, column.byteOffset, column.length);
  for (let i = 0; i < column.length; i++) {
    const u = bits[i] as number;
    if ((u & 0x7fffffff) > 0x7f800000) {
      out[i] = MISSING_BIN;
      continue;
    }
    const k = (u & 0x80000000 ? ~u : u | 0x80000000) >>> 16;
    let l = lo[k] as number;
    let h = hi[k] as number;
    if (l !== h) {
      const x = column[i] as number;
      while (l < h) {
        const mid = (l + h) >>> 1;
        if (x <= (t[mid] as number)) h = mid;
        else l = mid + 1;
      }
    }
    out[i] = l;
  }
}

/**
 * Order statistics of Float32 values (no NaN): `at(j)` is what `sorted[j]` would be after
 * `Float32Array.prototype.sort` (−0 before +0), without sorting everything. A counting pass on the
 * top 16 bits of each value's order-preserving key puts the values in 65,536 buckets in order; a
 * bucket is sorted the first time one of its ranks is read. The thresholds of a feature read about
 * 2 · maxBins ranks, so most buckets are never sorted. Reusable: `of` loads new values.
 */
export class OrderStatistics {
  private readonly out: Float32Array;
  /** After `of`: ends[k] is the end (exclusive) of bucket k in `out`. */
  private readonly ends = new Int32Array(65537);
  private readonly sorted = new Uint8Array(65536);
  private lo = 0;
  private hi = 0;
  length = 0;

  constructor(capacity: number) {
    this.out = new Float32Array(capacity);
  }

  /** Loads `values` (at most `capacity`, no NaN). */
  of(values: Float32Array): this {
    const n = values.length;
    const { out, ends } = this;
    const bits = new Uint32Array(values.buffer, values.byteOffset, n);
    const key = (u: number): number => (u & 0x80000000 ? ~u : u | 0x80000000) >>> 16;
    ends.fill(0);
    for (let i = 0; i < n; i++) {
      const k = key(bits[i] as number) + 1;
      ends[k] = (ends[k] as number) + 1;
    }
    for (let k = 1; k <= 65536; k++) ends[k] = (ends[k] as number) + (ends[k - 1] as number);
    // ends[k] starts as where bucket k starts and is advanced while scattering, to where it ends
    for (let i = 0; i < n; i++) {
      const k = key(bits[i] as number);
      const at = ends[k] as number;
      out[at] = values[i] as number;
      ends[k] = at + 1;
    }
    this.sorted.fill(0);
    this.lo = 0;
    this.hi = 0;
    this.length = n;
    return this;
  }

  /** The j-th smallest value (0 ≤ j < length). */
  at(j: number): number {
    if (j < this.lo || j >= this.hi) {
      // the bucket holding rank j: the first k with ends[k] > j
      const ends = this.ends;
      let l = 0;
      let h = 65535;
      while (l < h) {
        const mid = (l + h) >>> 1;
        if ((ends[mid] as number) > j) h = mid;
        else l = mid + 1;
      }
      const s = l === 0 ? 0 : (ends[l - 1] as number);
      const e = ends[l] as number;
      if (this.sorted[l] === 0) {
        this.sorted[l] = 1;
        const out = this.out;
        if (e - s > 32) out.subarray(s, e).sort();
        else
          for (let i = s + 1; i < e; i++) {
            const v = out[i] as number;
            let q = i - 1;
            for (; q >= s && (out[q] as number) > v; q--) out[q + 1] = out[q] as number;
            out[q + 1] = v;
          }
      }
      this.lo = s;
      this.hi = e;
    }
    return this.out[j] as number;
  }
}

/** The code of value x under thresholds t (binary search: the first b with x ≤ t[b]). */
export function binOf(t: Float64Array, x: number): number {
  if (Number.isNaN(x)) return MISSING_BIN;
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x <= (t[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Thresholds of one feature from the order statistics of its non-missing sample values. */
function featureThresholds(sorted: OrderStatistics, maxBins: number): Float64Array {
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length && distinct.length <= maxBins; i++)
    if (i === 0 || sorted.at(i) !== sorted.at(i - 1)) distinct.push(sorted.at(i));
  if (distinct.length <= maxBins) {
    const t = new Float64Array(Math.max(0, distinct.length - 1));
    for (let i = 0; i < t.length; i++) t[i] = ((distinct[i] as number) + (distinct[i + 1] as number)) / 2;
    return t;
  }
  const out: number[] = [];
  const last = sorted.length - 1;
  for (let k = 1; k < maxBins; k++) {
    // midpoint interpolation between the two order statistics around the k/maxBins quantile
    const pos = (k / maxBins) * last;
    const q = (sorted.at(Math.floor(pos)) + sorted.at(Math.ceil(pos))) / 2;
    if (out.length === 0 || q > (out[out.length - 1] as number)) out.push(q);
  }
  // the last value bin must not be empty: drop thresholds at or above the maximum
  while (out.length > 0 && (out[out.length - 1] as number) >= sorted.at(last)) out.pop();
  return Float64Array.from(out);
}

/** The rows the thresholds are placed on: all (or the given ones), or a seeded sample of them. */
function sampleRows(rows: Uint32Array | null, n: number, size: number, seed: number): Uint32Array {
  let pool: Uint32Array;
  if (rows) pool = rows.slice();
  else {
    pool = new Uint32Array(n);
    for (let i = 0; i < n; i++) pool[i] = i;
  }
  if (pool.length <= size) return pool;
  const random = mulberry32(seed);
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    const tmp = pool[i] as number;
    pool[i] = pool[j] as number;
    pool[j] = tmp;
  }
  return pool.subarray(0, size).sort();
}

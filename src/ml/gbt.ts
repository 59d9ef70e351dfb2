/**
 * Histogram gradient-boosted trees on typed arrays (the algorithm of LightGBM and scikit-learn's
 * `HistGradientBoosting*`): features are binned once (`binning.ts`), each tree is grown leaf-wise
 * (best gain first) from per-node gradient/hessian histograms, the smaller child's histogram is
 * built and the sibling's is the parent's minus it. Second-order leaf values −G/(H + λ), shrunk by
 * the learning rate.
 *
 * Losses: `poisson` (log link; predictions are rates ≥ 0) and `logistic` (logit link; predictions
 * are probabilities). Missing values (NaN) have their own bin; each split learns whether they go
 * left or right. Seeded: the same seed, data and options give the same trees, bit for bit (nothing
 * here depends on timing or thread order).
 *
 * Trees are stored flat (one set of typed arrays for all trees: feature, threshold bin and value,
 * missing direction, left, right, leaf value) and serialise to a JSON artifact with base64 typed
 * arrays (`toArtifact` / `fromArtifact`).
 */

import { decodeTyped, encodeTyped } from '../core/base64.ts';
import { ValidationError } from '../core/errors.ts';
import { mulberry32 } from '../core/random.ts';
import { BinMapper, type BinnedMatrix, MAX_BINS, MISSING_BIN, matrixRows } from './binning.ts';
import {
  FEATURE_STRIDE,
  type HistogramKernel,
  histogramWasm,
  RowLoops,
  STRIDE,
  shared,
  WasmArena,
} from './histogram.ts';
import { decodeTrees, encodeNodes, leafOf, treePathContributions } from './tree-artifact.ts';

/** The loss being minimised. */
export type GbtLoss = 'poisson' | 'logistic';

/** Early stopping on a held-out part of the training rows. */
export interface EarlyStopping {
  /** Share of the rows held out for validation, in (0, 0.5]. */
  readonly validationFraction: number;
  /** Stop after this many iterations without improvement (default 10). */
  readonly patience?: number;
  /** The smallest decrease of the validation loss that counts as improvement (default 1e-7). */
  readonly tolerance?: number;
}

/** Settings of `fitGbt`; every one but `loss` has a default. */
export interface GbtOptions {
  readonly loss: GbtLoss;
  /** Boosting iterations (trees), default 100. */
  readonly iterations?: number;
  /** Shrinkage of every leaf value, default 0.1. */
  readonly learningRate?: number;
  /** Most leaves per tree, default 31. */
  readonly maxLeaves?: number;
  /** Most depth per tree (root = depth 0), default none. */
  readonly maxDepth?: number | null;
  /** Fewest training rows in a leaf, default 20. */
  readonly minSamplesLeaf?: number;
  /** L2 regularisation λ of leaf values, default 0. */
  readonly l2?: number;
  /** Value bins per feature, 2 … 255, default 255. */
  readonly maxBins?: number;
  /** Early stopping; default none (all iterations). */
  readonly earlyStopping?: EarlyStopping | null;
  /** Share of the training rows drawn (without replacement) for each tree, default 1. */
  readonly subsample?: number;
  /** Share of the features each tree may split on, default 1. */
  readonly featureFraction?: number;
  /** Seed of every random choice (validation rows, subsamples), default 0. */
  readonly seed?: number;
  /**
   * Threads that run the row loops — histograms, partitions, gradients, score updates — (the
   * caller's and worker threads), default 1. The trees are
   * deterministic for a given thread count; other counts sum in another order (last digits differ).
   */
  readonly threads?: number;
  /**
   * The histogram loop: `wasm` (WebAssembly SIMD, the default where the runtime has it) or `js`
   * (the fallback). Both give the same trees, bit for bit.
   */
  readonly kernel?: HistogramKernel;
}

/** The smallest hessian sum a leaf may have (scikit-learn's `min_hessian_to_split`). */
const MIN_HESSIAN = 1e-3;
/** The smallest gain that makes a split (guards against splitting on rounding noise). */
const MIN_GAIN = 1e-9;
/** Raw score bound of the Poisson baseline when the mean target is 0 (log of 1e-10). */
const MIN_LOG_RATE = Math.log(1e-10);

type Resolved = Required<Omit<GbtOptions, 'maxDepth' | 'earlyStopping'>> & {
  maxDepth: number;
  earlyStopping: Required<EarlyStopping> | null;
};

function resolveOptions(o: GbtOptions): Resolved {
  if (o.loss !== 'poisson' && o.loss !== 'logistic')
    throw new ValidationError('loss', 'debe ser "poisson" o "logistic"');
  const int = (field: string, v: number, min: number, max: number): number => {
    if (!Number.isInteger(v) || v < min || v > max)
      throw new ValidationError(field, `debe ser un entero entre ${min} y ${max}`);
    return v;
  };
  const real = (field: string, v: number, min: number, max: number, openMin = false): number => {
    if (!Number.isFinite(v) || v < min || v > max || (openMin && v === min))
      throw new ValidationError(field, `debe estar entre ${min}${openMin ? ' (excluido)' : ''} y ${max}`);
    return v;
  };
  const es = o.earlyStopping ?? null;
  return {
    loss: o.loss,
    iterations: int('iterations', o.iterations ?? 100, 1, 100_000),
    learningRate: real('learningRate', o.learningRate ?? 0.1, 0, 10, true),
    maxLeaves: int('maxLeaves', o.maxLeaves ?? 31, 2, 65_536),
    maxDepth: o.maxDepth == null ? Number.POSITIVE_INFINITY : int('maxDepth', o.maxDepth, 1, 64),
    minSamplesLeaf: int('minSamplesLeaf', o.minSamplesLeaf ?? 20, 1, 1e9),
    l2: real('l2', o.l2 ?? 0, 0, 1e9),
    maxBins: int('maxBins', o.maxBins ?? MAX_BINS, 2, MAX_BINS),
    earlyStopping: es && {
      validationFraction: real('earlyStopping.validationFraction', es.validationFraction, 0, 0.5, true),
      patience: int('earlyStopping.patience', es.patience ?? 10, 1, 100_000),
      tolerance: real('earlyStopping.tolerance', es.tolerance ?? 1e-7, 0, 1e9),
    },
    subsample: real('subsample', o.subsample ?? 1, 0, 1, true),
    featureFraction: real('featureFraction', o.featureFraction ?? 1, 0, 1, true),
    seed: int('seed', o.seed ?? 0, 0, 2 ** 32 - 1),
    threads: int('threads', o.threads ?? 1, 1, 64),
    kernel: resolveKernel(o.kernel),
  };
}

function resolveKernel(kernel: HistogramKernel | undefined): HistogramKernel {
  if (kernel === undefined) return histogramWasm() ? 'wasm' : 'js';
  if (kernel !== 'js' && kernel !== 'wasm') throw new ValidationError('kernel', 'debe ser "js" o "wasm"');
  if (kernel === 'wasm' && !histogramWasm())
    throw new ValidationError('kernel', 'WebAssembly SIMD no está disponible en este entorno');
  return kernel;
}

/** Inverse link: raw score → rate (poisson) or probability (logistic). */
function inverseLink(loss: GbtLoss, raw: number): number {
  return loss === 'poisson' ? Math.exp(raw) : 1 / (1 + Math.exp(-raw));
}

/**
 * Mean loss of predictions (rates or probabilities) against targets: the Poisson deviance
 * 2·mean(y·log(y/μ) − (y − μ)) or the log loss −mean(y·log p + (1 − y)·log(1 − p)).
 */
export function meanLoss(loss: GbtLoss, y: ArrayLike<number>, pred: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const t = y[i] as number;
    const p = pred[i] as number;
    if (loss === 'poisson') s += 2 * ((t > 0 ? t * Math.log(t / p) : 0) - (t - p));
    else {
      const q = Math.min(Math.max(p, 1e-15), 1 - 1e-15);
      s -= t * Math.log(q) + (1 - t) * Math.log(1 - q);
    }
  }
  return s / y.length;
}

/** The flat trees of a model: node k of all trees; leaves have feature −1. */
interface Nodes {
  readonly feature: Int32Array;
  readonly bin: Uint8Array;
  readonly threshold: Float64Array;
  readonly missingLeft: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
}

/** The serialisable form of a model (JSON; typed arrays as little-endian base64). */
export interface GbtArtifact {
  readonly kind: 'gbt';
  readonly version: 1;
  readonly loss: GbtLoss;
  readonly baseline: number;
  readonly thresholds: { readonly offsets: string; readonly values: string };
  readonly treeStart: string;
  readonly nodes: { readonly [K in keyof Nodes]: string };
  /** Split nodes hold their own value (absent in artifacts trained before attribution). */
  readonly nodeValues?: true;
}

const encode = encodeTyped;
const decode = decodeTyped;

/** A trained model: immutable; predicts on raw Float32 columns or binned codes. */
export class GbtModel {
  constructor(
    readonly loss: GbtLoss,
    /** Raw score every prediction starts from (log of the mean rate, or logit of the mean). */
    readonly baseline: number,
    readonly binMapper: BinMapper,
    /** `treeStart[t]`: index of tree t's root in the node arrays. */
    readonly treeStart: Int32Array,
    readonly nodes: Nodes,
    /**
     * Whether split nodes hold their own value (models trained since tree-path attribution; older
     * artifacts have 0 there and cannot attribute).
     */
    readonly nodeValues = false,
  ) {}

  /** Number of trees. */
  get treeCount(): number {
    return this.treeStart.length;
  }

  private checkColumns(columns: readonly Float32Array[]): number {
    const n = matrixRows(columns);
    if (columns.length !== this.binMapper.nFeatures)
      throw new ValidationError(
        'columns',
        `se esperaban ${this.binMapper.nFeatures} variables, hay ${columns.length}`,
      );
    return n;
  }

  /**
   * Tree-path (Saabas) attribution of the raw scores (log rate or logit): along each tree's path,
   * the change from a split node's value to its child's is credited to the split's feature. `base`
   * (the baseline plus every root's value) plus a row's contributions is its raw score, exactly up
   * to rounding. `contributions[i · F + f]`: row i, feature f. Null for models without node values.
   */
  contributions(columns: readonly Float32Array[]): { base: number; contributions: Float64Array } | null {
    if (!this.nodeValues) return null;
    const n = this.checkColumns(columns);
    return treePathContributions(this.nodes, this.treeStart, columns, n, this.baseline);
  }

  /** Raw scores (log rate or logit) of rows given as Float32 columns (NaN = missing). */
  predictRaw(columns: readonly Float32Array[]): Float64Array {
    const n = this.checkColumns(columns);
    const { value } = this.nodes;
    const out = new Float64Array(n).fill(this.baseline);
    for (const root of this.treeStart)
      for (let i = 0; i < n; i++)
        out[i] = (out[i] as number) + (value[leafOf(this.nodes, root, columns, i)] as number);
    return out;
  }

  /** Raw scores of binned rows (binned with this model's `binMapper`). */
  predictRawBinned(binned: BinnedMatrix): Float64Array {
    const out = new Float64Array(binned.nRows).fill(this.baseline);
    for (const root of this.treeStart) addTree(this.nodes, root, binned, null, out);
    return out;
  }

  /** Rates (poisson) or probabilities (logistic) of rows given as Float32 columns. */
  predict(columns: readonly Float32Array[]): Float64Array {
    return this.link(this.predictRaw(columns));
  }

  /** Rates or probabilities of binned rows. */
  predictBinned(binned: BinnedMatrix): Float64Array {
    return this.link(this.predictRawBinned(binned));
  }

  private link(raw: Float64Array): Float64Array {
    for (let i = 0; i < raw.length; i++) raw[i] = inverseLink(this.loss, raw[i] as number);
    return raw;
  }

  /** The JSON artifact (typed arrays as base64) that `fromArtifact` reads back. */
  toArtifact(): GbtArtifact {
    const t = this.binMapper.thresholds;
    const offsets = new Int32Array(t.length + 1);
    t.forEach((a, f) => {
      offsets[f + 1] = (offsets[f] as number) + a.length;
    });
    const values = new Float64Array(offsets[t.length] as number);
    t.forEach((a, f) => {
      values.set(a, offsets[f] as number);
    });
    return {
      kind: 'gbt',
      version: 1,
      loss: this.loss,
      baseline: this.baseline,
      thresholds: { offsets: encode(offsets), values: encode(values) },
      treeStart: encode(this.treeStart),
      nodes: encodeNodes(this.nodes),
      ...(this.nodeValues ? { nodeValues: true as const } : {}),
    };
  }

  /** Reads an artifact written by `toArtifact`, checking its structure. */
  static fromArtifact(artifact: unknown): GbtModel {
    const a = artifact as Partial<GbtArtifact> | null;
    if (a?.kind !== 'gbt' || a.version !== 1)
      throw new ValidationError('artifact', 'no es un modelo gbt versión 1');
    if (a.loss !== 'poisson' && a.loss !== 'logistic')
      throw new ValidationError('artifact.loss', 'pérdida desconocida');
    if (typeof a.baseline !== 'number' || !Number.isFinite(a.baseline))
      throw new ValidationError('artifact.baseline', 'debe ser un número finito');
    const offsets = decode('artifact.thresholds.offsets', a.thresholds?.offsets, Int32Array);
    const values = decode('artifact.thresholds.values', a.thresholds?.values, Float64Array);
    if (offsets.length < 2 || offsets[0] !== 0 || offsets[offsets.length - 1] !== values.length)
      throw new ValidationError('artifact.thresholds', 'desplazamientos inconsistentes');
    const thresholds: Float64Array[] = [];
    for (let f = 0; f + 1 < offsets.length; f++) {
      const [s, e] = [offsets[f] as number, offsets[f + 1] as number];
      if (e < s) throw new ValidationError('artifact.thresholds', 'desplazamientos inconsistentes');
      thresholds.push(values.slice(s, e));
    }
    const mapper = new BinMapper(thresholds);
    const { nodes, treeStart } = decodeTrees<Nodes>(
      a.nodes,
      a.treeStart,
      {
        feature: Int32Array,
        bin: Uint8Array,
        threshold: Float64Array,
        missingLeft: Uint8Array,
        left: Int32Array,
        right: Int32Array,
        value: Float64Array,
      },
      { nFeatures: mapper.nFeatures },
    );
    return new GbtModel(a.loss, a.baseline, mapper, treeStart, nodes, a.nodeValues === true);
  }
}

/** Adds the tree rooted at `root` to `out` for the given rows of `binned` (all rows when null). */
function addTree(
  nodes: Nodes,
  root: number,
  binned: BinnedMatrix,
  rows: Uint32Array | null,
  out: Float64Array,
): void {
  const { feature, bin, missingLeft, left, right, value } = nodes;
  const { codes, nRows } = binned;
  const count = rows ? rows.length : nRows;
  for (let j = 0; j < count; j++) {
    const i = rows ? (rows[j] as number) : j;
    let k = root;
    for (let f = feature[k] as number; f >= 0; f = feature[k] as number) {
      const c = codes[f * nRows + i] as number;
      const goLeft = c === MISSING_BIN ? missingLeft[k] === 1 : c <= (bin[k] as number);
      k = goLeft ? (left[k] as number) : (right[k] as number);
    }
    out[i] = (out[i] as number) + (value[k] as number);
  }
}

/** The best split of a node, or none. */
interface Split {
  gain: number;
  feature: number;
  bin: number;
  missingLeft: boolean;
  /** Gradient and hessian sums of the left child (from the histogram). */
  gl: number;
  hl: number;
}

/** A leaf of the tree being grown: its rows are `rows[start, end)`. */
interface Leaf {
  node: number;
  start: number;
  end: number;
  depth: number;
  g: number;
  h: number;
  hist: Float64Array | null;
  split: Split | null;
}

/** Growable node arrays for the trees of one fit. */
class NodeBuilder {
  feature: number[] = [];
  bin: number[] = [];
  threshold: number[] = [];
  missingLeft: number[] = [];
  left: number[] = [];
  right: number[] = [];
  value: number[] = [];
  add(): number {
    this.feature.push(-1);
    this.bin.push(0);
    this.threshold.push(0);
    this.missingLeft.push(0);
    this.left.push(-1);
    this.right.push(-1);
    this.value.push(0);
    return this.feature.length - 1;
  }
  truncate(n: number): void {
    for (const a of [
      this.feature,
      this.bin,
      this.threshold,
      this.missingLeft,
      this.left,
      this.right,
      this.value,
    ])
      a.length = n;
  }
  /**
   * The nodes of the tree rooted at `root`, the last one grown (its nodes are `root` onwards), with
   * child indices relative to it: O(its size), where {@link build} copies every tree so far.
   */
  last(root: number): Nodes {
    const rel = (a: number[]): Int32Array => Int32Array.from(a.slice(root), (k) => (k < 0 ? k : k - root));
    return {
      feature: Int32Array.from(this.feature.slice(root)),
      bin: Uint8Array.from(this.bin.slice(root)),
      threshold: Float64Array.from(this.threshold.slice(root)),
      missingLeft: Uint8Array.from(this.missingLeft.slice(root)),
      left: rel(this.left),
      right: rel(this.right),
      value: Float64Array.from(this.value.slice(root)),
    };
  }
  build(): Nodes {
    return {
      feature: Int32Array.from(this.feature),
      bin: Uint8Array.from(this.bin),
      threshold: Float64Array.from(this.threshold),
      missingLeft: Uint8Array.from(this.missingLeft),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      value: Float64Array.from(this.value),
    };
  }
}

/**
 * Trains a model.
 * @param columns Float32 feature columns of equal length (NaN = missing).
 * @param y Targets: counts ≥ 0 (poisson) or 0/1 labels, or probabilities in [0, 1] (logistic).
 * @example
 * const model = fitGbt([x1, x2], counts, { loss: 'poisson', iterations: 200, seed: 7 });
 * const rates = model.predict([x1new, x2new]);
 */
export function fitGbt(
  columns: readonly Float32Array[],
  y: ArrayLike<number>,
  options: GbtOptions,
): GbtModel {
  const o = resolveOptions(options);
  const n = matrixRows(columns);
  if (n === 0) throw new ValidationError('y', 'se necesita al menos una fila');
  if (y.length !== n) throw new ValidationError('y', `tiene ${y.length} valores y hay ${n} filas`);
  for (let i = 0; i < n; i++) {
    const t = y[i] as number;
    if (!Number.isFinite(t) || t < 0 || (o.loss === 'logistic' && t > 1))
      throw new ValidationError(
        `y[${i}]`,
        o.loss === 'poisson' ? 'debe ser un conteo ≥ 0' : 'debe estar entre 0 y 1',
      );
  }
  const random = mulberry32(o.seed);

  // training and validation rows
  let train: Uint32Array;
  let valid: Uint32Array | null = null;
  const nValid = o.earlyStopping ? Math.floor(o.earlyStopping.validationFraction * n) : 0;
  if (nValid >= 1 && n - nValid >= 1) {
    const perm = new Uint32Array(n);
    for (let i = 0; i < n; i++) perm[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const tmp = perm[i] as number;
      perm[i] = perm[j] as number;
      perm[j] = tmp;
    }
    valid = perm.slice(0, nValid).sort();
    train = perm.slice(nValid).sort();
  } else {
    train = new Uint32Array(n);
    for (let i = 0; i < n; i++) train[i] = i;
  }

  // thresholds on every training row: exact quantiles, no sampling noise
  const { mapper, binned } = BinMapper.fitTransform(columns, {
    maxBins: o.maxBins,
    rows: train,
    sampleSize: train.length,
    threads: o.threads,
  });
  const nTrain = train.length;

  let mean = 0;
  for (const i of train) mean += y[i] as number;
  mean /= nTrain;
  const baseline =
    o.loss === 'poisson'
      ? Math.max(Math.log(mean), MIN_LOG_RATE)
      : Math.log(
          Math.min(Math.max(mean, 1e-10), 1 - 1e-10) / (1 - Math.min(Math.max(mean, 1e-10), 1 - 1e-10)),
        );

  // arrays the worker threads read or write live on SharedArrayBuffers
  const array = <T>(
    Type: { new (n: number): T; new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number },
    m: number,
  ): T => (o.threads > 1 ? shared(Type, m) : new Type(m));
  const raw = array(Float64Array, n).fill(baseline);
  const yAll = array(Float64Array, n);
  for (let i = 0; i < n; i++) yAll[i] = y[i] as number;
  const trainRows = array(Uint32Array, nTrain);
  trainRows.set(train);
  const grower = new TreeGrower(binned, mapper, o, { raw, y: yAll, train: trainRows }, array);
  const builder = new NodeBuilder();
  const roots: number[] = [];
  const nSample = Math.max(1, Math.round(o.subsample * nTrain));
  const nFeatureUse = Math.max(1, Math.round(o.featureFraction * mapper.nFeatures));
  const validY = valid ? Float64Array.from(valid, (i) => y[i] as number) : null;
  const validPred = valid ? new Float64Array(valid.length) : null;
  let best = Number.POSITIVE_INFINITY;
  let bestTrees = 0;
  let sinceBest = 0;

  try {
    for (let it = 0; it < o.iterations; it++) {
      grower.gradients();
      // `grow` copies the rows into its own buffer: the training rows are passed as they are
      const rows = nSample < nTrain ? sampleSorted(train, nSample, random) : train;
      const allowed = featureMask(mapper.nFeatures, nFeatureUse, random);
      const root = grower.grow(rows, allowed, builder);
      roots.push(root);
      // Only the new tree is applied: building every tree so far each iteration was quadratic.
      const nodes = nSample < nTrain || valid ? builder.last(root) : null;
      if (nodes && nSample < nTrain) addTree(nodes, 0, binned, train, raw);
      else grower.updateScores();
      if (valid && validPred && validY) {
        addTree(nodes as Nodes, 0, binned, valid, raw);
        for (let j = 0; j < valid.length; j++)
          validPred[j] = inverseLink(o.loss, raw[valid[j] as number] as number);
        const l = meanLoss(o.loss, validY, validPred);
        const es = o.earlyStopping as Required<EarlyStopping>;
        if (l < best - es.tolerance) {
          best = l;
          bestTrees = roots.length;
          sinceBest = 0;
        } else if (++sinceBest >= es.patience) break;
      }
    }
  } finally {
    grower.close();
  }
  if (valid && bestTrees < roots.length) {
    // keep the trees up to the best validation loss
    const keep = bestTrees === 0 ? 0 : ((roots[bestTrees] ?? builder.feature.length) as number);
    roots.length = bestTrees;
    builder.truncate(keep);
  }
  return new GbtModel(o.loss, baseline, mapper, Int32Array.from(roots), builder.build(), true);
}

/** A sorted sample of `k` of the given rows, without replacement. */
function sampleSorted(rows: Uint32Array, k: number, random: () => number): Uint32Array {
  const pool = Uint32Array.from(rows);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    const tmp = pool[i] as number;
    pool[i] = pool[j] as number;
    pool[j] = tmp;
  }
  return pool.slice(0, k).sort();
}

/** Which features a tree may split on (k of n, seeded; all when k = n). */
function featureMask(n: number, k: number, random: () => number): Uint8Array {
  const mask = new Uint8Array(n);
  if (k >= n) return mask.fill(1);
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (n - i));
    [idx[i], idx[j]] = [idx[j] as number, idx[i] as number];
    mask[idx[i] as number] = 1;
  }
  return mask;
}

/** Histograms of the pool kept in the WebAssembly memory at most (the rest are ordinary arrays). */
const HIST_RESERVE = 64;

/** Typed array factory: on a SharedArrayBuffer when worker threads are used. */
type ArrayOf = <T>(
  Type: { new (n: number): T; new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number },
  length: number,
) => T;

/** Grows one tree at a time over shared buffers (row partition, gradients, histograms). */
class TreeGrower {
  private readonly nFeatures: number;
  private readonly nBins: Int32Array;
  private readonly pool: Float64Array[] = [];
  /** The finished leaves of the last tree: node and row range. */
  private leaves: Leaf[] = [];
  private rows: Uint32Array = new Uint32Array(0);
  /** The rows of the current tree, reordered by the splits (shared with the workers). */
  private readonly rowsBuffer: Uint32Array;
  private readonly grad: Float64Array;
  private readonly hess: Float64Array;
  private readonly loops: RowLoops;
  private readonly leafRanges: { leafStart: Int32Array; leafEnd: Int32Array; leafValue: Float64Array };
  private values: Float64Array = new Float64Array(0);
  private allowed: Uint8Array = new Uint8Array(0);

  constructor(
    binned: BinnedMatrix,
    private readonly mapper: BinMapper,
    private readonly o: Resolved,
    scores: { raw: Float64Array; y: Float64Array; train: Uint32Array },
    array: ArrayOf,
  ) {
    const { nRows, nFeatures } = binned;
    this.nFeatures = nFeatures;
    this.nBins = Int32Array.from({ length: nFeatures }, (_, f) => mapper.nBins(f));
    // the workers read the codes: on a SharedArrayBuffer (`fitTransform` puts them there already)
    let codes = binned.codes;
    if (o.threads > 1 && !(codes.buffer instanceof SharedArrayBuffer)) {
      codes = array(Uint8Array, binned.codes.length);
      codes.set(binned.codes);
    }
    const maxRows = scores.train.length;
    // The WebAssembly kernel's memory: what it reads (rows, gradients, hessians, row-major codes),
    // the threads' scratch histograms and up to HIST_RESERVE histograms of the pool (more are
    // ordinary arrays, summed through the scratch). Null (the JavaScript kernel) when over 4 GiB.
    const hist = nFeatures * FEATURE_STRIDE * 8;
    const reserve = Math.min(o.maxLeaves + 1, HIST_RESERVE);
    const arena =
      o.kernel === 'wasm'
        ? WasmArena.create(
            WasmArena.bytes(binned.codes.length, 8 * nRows, 8 * nRows, 4 * maxRows) +
              (o.threads + reserve) * WasmArena.bytes(hist),
          )
        : null;
    const inArena: ArrayOf = arena ? (Type, m) => arena.alloc(Type, m) : array;
    // the codes row-major as well (`rowCodes[i * nFeatures + f]`: one row per cache line), filled
    // by the row loops below
    const rowCodes = inArena(Uint8Array, binned.codes.length);
    this.leafRanges = {
      leafStart: array(Int32Array, o.maxLeaves),
      leafEnd: array(Int32Array, o.maxLeaves),
      leafValue: array(Float64Array, o.maxLeaves),
    };
    this.rowsBuffer = inArena(Uint32Array, maxRows);
    this.grad = inArena(Float64Array, nRows);
    this.hess = inArena(Float64Array, nRows);
    this.loops = new RowLoops(
      {
        rows: this.rowsBuffer,
        tmp: array(Uint32Array, maxRows),
        grad: this.grad,
        hess: this.hess,
        rowCodes,
        codes,
        nRows,
        nFeatures,
        ...scores,
        poisson: o.loss === 'poisson' ? 1 : 0,
        ...this.leafRanges,
      },
      o.threads,
      undefined,
      arena,
    );
    this.loops.transpose();
  }

  /** Gradients and hessians of the training rows at the current raw scores. */
  gradients(): void {
    this.loops.gradients();
  }

  /** Stops the histogram workers. */
  close(): void {
    this.loops.close();
  }

  /** Grows a tree on `rows` (reordered in place), appending its nodes; returns its root. */
  grow(rows: Uint32Array, allowed: Uint8Array, builder: NodeBuilder): number {
    this.rowsBuffer.set(rows);
    this.rows = this.rowsBuffer.subarray(0, rows.length);
    this.allowed = allowed;
    let g = 0;
    let h = 0;
    const { grad, hess } = this;
    for (let k = 0; k < rows.length; k++) {
      const i = rows[k] as number;
      g += grad[i] as number;
      h += hess[i] as number;
    }
    const rootNode = builder.add();
    const root: Leaf = {
      node: rootNode,
      start: 0,
      end: rows.length,
      depth: 0,
      g,
      h,
      hist: null,
      split: null,
    };
    root.hist = this.buildHist(0, rows.length);
    root.split = this.findSplit(root);
    const open: Leaf[] = [root];
    let nLeaves = 1;
    while (nLeaves < this.o.maxLeaves) {
      // the open leaf with the largest gain (ties: the earliest node)
      let bi = -1;
      for (let j = 0; j < open.length; j++) {
        const s = (open[j] as Leaf).split;
        if (s && (bi < 0 || s.gain > ((open[bi] as Leaf).split as Split).gain)) bi = j;
      }
      if (bi < 0) break;
      const leaf = open.splice(bi, 1)[0] as Leaf;
      const [left, right] = this.split(leaf, builder);
      nLeaves++;
      open.push(left, right);
    }
    for (const leaf of open) {
      if (leaf.hist) this.release(leaf.hist);
      leaf.hist = null;
      const v = (-this.o.learningRate * leaf.g) / (leaf.h + this.o.l2);
      builder.value[leaf.node] = Number.isFinite(v) ? v : 0;
    }
    this.leaves = open;
    this.values = Float64Array.from(open, (l) => builder.value[l.node] as number);
    return rootNode;
  }

  /** Adds the last tree's leaf values to the raw scores of the rows it was grown on. */
  updateScores(): void {
    const { leafStart, leafEnd, leafValue } = this.leafRanges;
    this.leaves.forEach((leaf, j) => {
      leafStart[j] = leaf.start;
      leafEnd[j] = leaf.end;
      leafValue[j] = this.values[j] as number;
    });
    this.loops.updateScores(this.rows.length, this.leaves.length);
  }

  /** Splits a leaf: partitions its rows, makes the children and their histograms and splits. */
  private split(leaf: Leaf, builder: NodeBuilder): [Leaf, Leaf] {
    const s = leaf.split as Split;
    const { gl, hl, bin, missingLeft } = s;
    // goesLeft[code] is 1 for the codes that go left
    const goesLeft = this.loops.goesLeft.fill(0, bin + 1).fill(1, 0, bin + 1);
    goesLeft[MISSING_BIN] = missingLeft ? 1 : 0;
    const w = this.loops.partition(leaf.start, leaf.end, s.feature);
    const node = leaf.node;
    builder.feature[node] = s.feature;
    builder.bin[node] = s.bin;
    // the raw-value form of the split: x ≤ the bin's upper edge (the last bin has none)
    builder.threshold[node] =
      (this.mapper.thresholds[s.feature] as Float64Array)[s.bin] ?? Number.POSITIVE_INFINITY;
    builder.missingLeft[node] = s.missingLeft ? 1 : 0;
    // The node's own (shrunk Newton) value, as if it stayed a leaf: prediction never reads it, the
    // tree-path attribution (`contributions`) credits the change from it to each child to the split.
    const v = (-this.o.learningRate * leaf.g) / (leaf.h + this.o.l2);
    builder.value[node] = Number.isFinite(v) ? v : 0;
    const ln = builder.add();
    const rn = builder.add();
    builder.left[node] = ln;
    builder.right[node] = rn;
    const depth = leaf.depth + 1;
    const left: Leaf = { node: ln, start: leaf.start, end: w, depth, g: gl, h: hl, hist: null, split: null };
    const right: Leaf = {
      node: rn,
      start: w,
      end: leaf.end,
      depth,
      g: leaf.g - gl,
      h: leaf.h - hl,
      hist: null,
      split: null,
    };
    const canSplit = (l: Leaf): boolean =>
      depth < this.o.maxDepth && l.end - l.start >= 2 * this.o.minSamplesLeaf;
    const parentHist = leaf.hist as Float64Array;
    leaf.hist = null;
    if (canSplit(left) || canSplit(right)) {
      // build the smaller child, the larger one is the parent minus it (in the parent's buffer)
      const [small, large] = w - leaf.start <= leaf.end - w ? [left, right] : [right, left];
      small.hist = this.buildHist(small.start, small.end);
      const sh = small.hist;
      for (let j = 0; j < parentHist.length; j++)
        parentHist[j] = (parentHist[j] as number) - (sh[j] as number);
      large.hist = parentHist;
      for (const child of [left, right]) {
        if (canSplit(child)) child.split = this.findSplit(child);
        if (!child.split && child.hist) {
          this.release(child.hist);
          child.hist = null;
        }
      }
    } else this.release(parentHist);
    return [left, right];
  }

  private acquire(): Float64Array {
    const h = this.pool.pop();
    if (h) return h.fill(0);
    return this.loops.newHistogram();
  }

  private release(h: Float64Array): void {
    this.pool.push(h);
  }

  /** The gradient/hessian/count histogram of rows[start, end) for every allowed feature. */
  private buildHist(start: number, end: number): Float64Array {
    const hist = this.acquire();
    this.loops.histogram(hist, start, end);
    return hist;
  }

  /** The best split of a leaf from its histogram, or null when no split gains. */
  private findSplit(leaf: Leaf): Split | null {
    const hist = leaf.hist as Float64Array;
    const { minSamplesLeaf, l2 } = this.o;
    const G = leaf.g;
    const H = leaf.h;
    const C = leaf.end - leaf.start;
    const parent = (G * G) / (H + l2);
    // the best split so far, in locals (no object per candidate); ties keep the first
    let bestGain = MIN_GAIN;
    let bestF = -1;
    let bestB = 0;
    let bestMissingLeft = false;
    let bestGl = 0;
    let bestHl = 0;
    for (let f = 0; f < this.nFeatures; f++) {
      if (this.allowed[f] === 0) continue;
      const off = f * FEATURE_STRIDE;
      const nb = this.nBins[f] as number;
      const mo = off + MISSING_BIN * STRIDE;
      const mg = hist[mo] as number;
      const mh = hist[mo + 1] as number;
      const mc = hist[mo + 2] as number;
      // bins 0..b go left; missing right (b = nb − 1: all values left, missing right) or left
      const lastB = mc > 0 ? nb - 1 : nb - 2;
      let gl = 0;
      let hl = 0;
      let cl = 0;
      for (let b = 0; b <= lastB; b++) {
        const o = off + b * STRIDE;
        gl += hist[o] as number;
        hl += hist[o + 1] as number;
        cl += hist[o + 2] as number;
        // the right side only shrinks from here on
        if (C - cl < minSamplesLeaf) break;
        for (let m = 0; m < 2; m++) {
          // m = 0: missing values right; m = 1: left (only with missing values and a real split)
          if (m === 1 && !(mc > 0 && b < nb - 1)) break;
          const gL = m === 0 ? gl : gl + mg;
          const hL = m === 0 ? hl : hl + mh;
          const cL = m === 0 ? cl : cl + mc;
          const hr = H - hL;
          if (cL < minSamplesLeaf || C - cL < minSamplesLeaf || hL < MIN_HESSIAN || hr < MIN_HESSIAN)
            continue;
          const gr = G - gL;
          const gain = (gL * gL) / (hL + l2) + (gr * gr) / (hr + l2) - parent;
          if (gain > bestGain) {
            bestGain = gain;
            bestF = f;
            bestB = b;
            bestMissingLeft = m === 1;
            bestGl = gL;
            bestHl = hL;
          }
        }
      }
    }
    return bestF < 0
      ? null
      : { gain: bestGain, feature: bestF, bin: bestB, missingLeft: bestMissingLeft, gl: bestGl, hl: bestHl };
  }
}

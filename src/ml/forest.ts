/**
 * Random forests on typed arrays (the algorithm of scikit-learn's `RandomForestRegressor` and
 * `RandomForestClassifier`, with histogram splits): features are binned once (`binning.ts`); each
 * tree is grown depth-first on a bootstrap sample (rows drawn with replacement, kept as per-row
 * counts like scikit-learn's sample weights), and every node tries `maxFeatures` randomly drawn
 * features, choosing the split of largest impurity decrease from per-bin sums.
 *
 * Criteria: squared error and Poisson deviance (regression; leaf value = weighted mean of y) and
 * Gini impurity (classification; leaf value = the class frequencies). Missing values (NaN) have
 * their own bin; each split learns whether they go left or right.
 *
 * Seeded and thread-independent: tree t draws its sample and features from a generator seeded by
 * (seed, t) alone, so the same seed, data and options give the same trees, bit for bit, for any
 * `threads`. With `threads` > 1, trees are grown on worker threads (tree t on thread t mod threads)
 * over the shared binned codes; `fitForest` stays synchronous (the caller waits on `Atomics.wait`
 * and reads the workers' trees with `receiveMessageOnPort`).
 *
 * Trees are stored flat (one set of typed arrays for all trees) and serialise to a JSON artifact
 * with base64 typed arrays (`toArtifact` / `fromArtifact`).
 */

import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { decodeTyped, encodeTyped } from '../core/base64.ts';
import { ValidationError } from '../core/errors.ts';
import { BinMapper, MAX_BINS, matrixRows } from './binning.ts';
import { decodeTrees, encodeNodes, leafOf, treePathContributions } from './tree-artifact.ts';

/** Regression (a number per row) or classification (class labels 0 … classes − 1). */
export type ForestTask = 'regression' | 'classification';
/** Split criterion: `squared_error` and `poisson` for regression, `gini` for classification. */
export type ForestCriterion = 'squared_error' | 'poisson' | 'gini';

/** Settings of `fitForest`; every one but `task` (and `classes` for classification) has a default. */
export interface ForestOptions {
  readonly task: ForestTask;
  /** Number of classes K (labels 0 … K − 1); required for classification, not allowed for regression. */
  readonly classes?: number;
  /** Default `squared_error` (regression) or `gini` (classification). */
  readonly criterion?: ForestCriterion;
  /** Number of trees, default 100. */
  readonly trees?: number;
  /** Most depth per tree (root = depth 0), default none. */
  readonly maxDepth?: number | null;
  /** Fewest training rows (distinct rows of the sample) in a leaf, default 1. */
  readonly minSamplesLeaf?: number;
  /**
   * Features tried per split: a share in (0, 1] (⌊share · features⌋, at least 1) or `sqrt`.
   * Default 1 (all) for regression, `sqrt` for classification.
   */
  readonly maxFeatures?: number | 'sqrt';
  /** Draw each tree's rows with replacement (default true); false: every tree sees all rows. */
  readonly bootstrap?: boolean;
  /** Rows drawn per tree as a share of the rows, in (0, 1], default 1; only with `bootstrap`. */
  readonly maxSamples?: number | null;
  /** Value bins per feature, 2 … 255, default 255. */
  readonly maxBins?: number;
  /** Seed of the binning sample, the bootstrap samples and the feature draws, default 0. */
  readonly seed?: number;
  /** Threads growing trees (the caller's and worker threads), default 1; never changes the trees. */
  readonly threads?: number;
}

/** Nodes with at least this many rows keep a histogram of every feature (children by subtraction). */
const FULL_HISTOGRAM_MIN_ROWS = 2048;

interface Resolved {
  task: ForestTask;
  classes: number;
  criterion: ForestCriterion;
  trees: number;
  maxDepth: number;
  minSamplesLeaf: number;
  maxFeatures: number | 'sqrt';
  bootstrap: boolean;
  maxSamples: number;
  maxBins: number;
  seed: number;
  threads: number;
}

function resolveOptions(o: ForestOptions): Resolved {
  if (o === null || typeof o !== 'object') throw new ValidationError('options', 'faltan las opciones');
  if (o.task !== 'regression' && o.task !== 'classification')
    throw new ValidationError('task', 'debe ser "regression" o "classification"');
  const int = (field: string, v: unknown, min: number, max: number): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
      throw new ValidationError(field, `debe ser un entero entre ${min} y ${max}`);
    return v;
  };
  const share = (field: string, v: unknown): number => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > 1)
      throw new ValidationError(field, 'debe estar entre 0 (excluido) y 1');
    return v;
  };
  const classification = o.task === 'classification';
  let classes = 0;
  if (classification) classes = int('classes', o.classes, 2, 255);
  else if (o.classes !== undefined)
    throw new ValidationError('classes', 'solo se usa con task "classification"');
  const criterion = o.criterion ?? (classification ? 'gini' : 'squared_error');
  if (classification ? criterion !== 'gini' : criterion !== 'squared_error' && criterion !== 'poisson')
    throw new ValidationError(
      'criterion',
      classification
        ? 'debe ser "gini" en clasificación'
        : 'debe ser "squared_error" o "poisson" en regresión',
    );
  const mf = o.maxFeatures ?? (classification ? 'sqrt' : 1);
  if (typeof o.bootstrap !== 'undefined' && typeof o.bootstrap !== 'boolean')
    throw new ValidationError('bootstrap', 'debe ser true o false');
  const bootstrap = o.bootstrap ?? true;
  if (o.maxSamples != null && !bootstrap)
    throw new ValidationError('maxSamples', 'solo se usa con bootstrap: true');
  return {
    task: o.task,
    classes,
    criterion,
    trees: int('trees', o.trees ?? 100, 1, 100_000),
    maxDepth: o.maxDepth == null ? Number.POSITIVE_INFINITY : int('maxDepth', o.maxDepth, 1, 1000),
    minSamplesLeaf: int('minSamplesLeaf', o.minSamplesLeaf ?? 1, 1, 1e9),
    maxFeatures: mf === 'sqrt' ? 'sqrt' : share('maxFeatures', mf),
    bootstrap,
    maxSamples: o.maxSamples == null ? 1 : share('maxSamples', o.maxSamples),
    maxBins: int('maxBins', o.maxBins ?? MAX_BINS, 2, MAX_BINS),
    seed: int('seed', o.seed ?? 0, 0, 2 ** 32 - 1),
    threads: int('threads', o.threads ?? 1, 1, 64),
  };
}

/** What a tree is grown from (shared by every tree; SharedArrayBuffer-backed with threads). */
interface TreeInput {
  /** Binned codes, column-major: `codes[f * n + i]`. */
  readonly codes: Uint8Array;
  readonly n: number;
  readonly nFeatures: number;
  /** Value bins of every feature. */
  readonly nBins: Int32Array;
  /** Targets, or class labels as numbers. */
  readonly y: Float64Array;
  /** Classes (0: regression). */
  readonly classes: number;
  readonly poisson: boolean;
  readonly maxDepth: number;
  readonly minSamplesLeaf: number;
  /** Features tried per split. */
  readonly tryFeatures: number;
  readonly bootstrap: boolean;
  /** Rows drawn per tree (with bootstrap). */
  readonly nSample: number;
  readonly seed: number;
  readonly fullMinRows: number;
}

/** One grown tree: node k's split (feature −1 for a leaf), children and value(s). */
interface TreeOutput {
  readonly feature: Int32Array;
  readonly bin: Uint8Array;
  readonly missingLeft: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Per node: the mean (regression) or the K class frequencies (classification). */
  readonly value: Float64Array;
  /** Impurity decrease per feature in this tree (not normalised). */
  readonly importance: Float64Array;
}

/**
 * Grows tree `t`. Self-contained (no imports, no closures, no nested functions): its source text
 * also runs in the worker threads.
 */
function growTree(inp: TreeInput, t: number): TreeOutput {
  const { codes, n, nFeatures, nBins, y, classes, poisson, maxDepth, minSamplesLeaf, tryFeatures } = inp;
  const classify = classes > 0;
  const m = classify ? classes : 1; // value channels
  const stride = 2 + m; // per bin: distinct rows, weight, weighted y (or weight per class)
  const featureStride = 256 * stride;
  const missingOff = 255 * stride;

  // generator of tree t: mulberry32 from a hash of (seed, t)
  let state = (Math.imul(inp.seed ^ 0x5bd1e995, 0x9e3779b1) + Math.imul(t + 1, 0x85ebca77)) >>> 0;
  state = Math.imul(state ^ (state >>> 16), 0x7feb352d) >>> 0;

  // the sample: per-row weights (bootstrap counts) and the rows with weight > 0, in order
  const weight = new Float64Array(n);
  if (inp.bootstrap) {
    for (let d = 0; d < inp.nSample; d++) {
      state = (state + 0x6d2b79f5) >>> 0;
      let r = state;
      r = Math.imul(r ^ (r >>> 15), r | 1);
      r ^= r + Math.imul(r ^ (r >>> 7), r | 61);
      const u = ((r ^ (r >>> 14)) >>> 0) / 4294967296;
      const i = Math.floor(u * n);
      weight[i] = (weight[i] as number) + 1;
    }
  } else weight.fill(1);
  let nRows = 0;
  for (let i = 0; i < n; i++) if ((weight[i] as number) > 0) nRows++;
  const rows = new Uint32Array(nRows);
  for (let i = 0, k = 0; i < n; i++) if ((weight[i] as number) > 0) rows[k++] = i;
  const tmp = new Uint32Array(nRows);

  // scratch
  const feats = new Int32Array(nFeatures);
  for (let f = 0; f < nFeatures; f++) feats[f] = f;
  const one = new Float64Array(featureStride); // one feature's histogram, kept zeroed
  const tot = new Float64Array(stride);
  const lt = new Float64Array(stride);
  const goesLeft = new Uint8Array(256);
  const pool: Float64Array[] = []; // free full histograms (all features)
  const importance = new Float64Array(nFeatures);

  // nodes (numbers only)
  const nodeFeature: number[] = [];
  const nodeBin: number[] = [];
  const nodeMissingLeft: number[] = [];
  const nodeLeft: number[] = [];
  const nodeRight: number[] = [];
  const nodeValue: number[] = [];
  nodeFeature.push(-1);
  nodeBin.push(0);
  nodeMissingLeft.push(0);
  nodeLeft.push(-1);
  nodeRight.push(-1);

  // depth-first stack: start, end, depth, node, full histogram (or null)
  const stStart: number[] = [0];
  const stEnd: number[] = [nRows];
  const stDepth: number[] = [0];
  const stNode: number[] = [0];
  const stHist: (Float64Array | null)[] = [null];
  let rootHist: Float64Array | null = null;
  if (tryFeatures === nFeatures && nRows >= inp.fullMinRows) {
    rootHist = new Float64Array(nFeatures * featureStride);
    for (let f = 0; f < nFeatures; f++) {
      const base = f * n;
      const off = f * featureStride;
      for (let k = 0; k < nRows; k++) {
        const i = rows[k] as number;
        const o = off + (codes[base + i] as number) * stride;
        const w = weight[i] as number;
        rootHist[o] = (rootHist[o] as number) + 1;
        rootHist[o + 1] = (rootHist[o + 1] as number) + w;
        if (classify) rootHist[o + 2 + (y[i] as number)] = (rootHist[o + 2 + (y[i] as number)] as number) + w;
        else rootHist[o + 2] = (rootHist[o + 2] as number) + w * (y[i] as number);
      }
    }
    stHist[0] = rootHist;
  }

  while (stNode.length > 0) {
    const start = stStart.pop() as number;
    const end = stEnd.pop() as number;
    const depth = stDepth.pop() as number;
    const node = stNode.pop() as number;
    const hist = stHist.pop() as Float64Array | null;
    const count = end - start;

    // totals and value of the node
    tot.fill(0);
    for (let k = start; k < end; k++) {
      const i = rows[k] as number;
      const w = weight[i] as number;
      tot[1] = (tot[1] as number) + w;
      if (classify) tot[2 + (y[i] as number)] = (tot[2 + (y[i] as number)] as number) + w;
      else tot[2] = (tot[2] as number) + w * (y[i] as number);
    }
    tot[0] = count;
    const W = tot[1] as number;
    const valueAt = node * m;
    for (let j = 0; j < m; j++) nodeValue[valueAt + j] = W > 0 ? (tot[2 + j] as number) / W : 0;
    let pure = false;
    if (classify) for (let j = 0; j < m; j++) if ((tot[2 + j] as number) === W) pure = true;
    if (pure || depth >= maxDepth || count < 2 || count < 2 * minSamplesLeaf) {
      if (hist) pool.push(hist);
      continue;
    }

    // parent term of the gain
    let parent = 0;
    let scale = 0;
    if (poisson) {
      const S = tot[2] as number;
      parent = S > 0 ? S * Math.log(S / W) : 0;
      scale = Math.abs(parent) + S;
    } else {
      for (let j = 0; j < m; j++) parent += ((tot[2 + j] as number) * (tot[2 + j] as number)) / W;
      scale = parent;
    }
    const minGain = 1e-12 * scale + 1e-300;

    // the best split over the features tried (drawn in random order; constant ones do not count)
    let bestGain = minGain;
    let bestFeature = -1;
    let bestBin = 0;
    let bestMissingLeft = 0;
    let tried = 0;
    for (let j = 0; j < nFeatures && tried < tryFeatures; j++) {
      if (tryFeatures < nFeatures) {
        state = (state + 0x6d2b79f5) >>> 0;
        let r = state;
        r = Math.imul(r ^ (r >>> 15), r | 1);
        r ^= r + Math.imul(r ^ (r >>> 7), r | 61);
        const u = ((r ^ (r >>> 14)) >>> 0) / 4294967296;
        const s = j + Math.floor(u * (nFeatures - j));
        const tmpF = feats[j] as number;
        feats[j] = feats[s] as number;
        feats[s] = tmpF;
      }
      const f = feats[j] as number;
      const nb = nBins[f] as number;
      if (nb < 2) continue;
      let h: Float64Array;
      let off: number;
      let lo = 0;
      let hi = nb - 1;
      if (hist) {
        h = hist;
        off = f * featureStride;
      } else {
        // this feature's histogram of the node; lo/hi: the smallest and largest value bin seen
        h = one;
        off = 0;
        lo = 255;
        hi = 0;
        const base = f * n;
        for (let k = start; k < end; k++) {
          const i = rows[k] as number;
          const c = codes[base + i] as number;
          const o = c * stride;
          const w = weight[i] as number;
          one[o] = (one[o] as number) + 1;
          one[o + 1] = (one[o + 1] as number) + w;
          if (classify) one[o + 2 + (y[i] as number)] = (one[o + 2 + (y[i] as number)] as number) + w;
          else one[o + 2] = (one[o + 2] as number) + w * (y[i] as number);
          if (c !== 255) {
            if (c < lo) lo = c;
            if (c > hi) hi = c;
          }
        }
        if (lo > hi) lo = hi = 0;
      }
      const mo = off + missingOff;
      const mc = h[mo] as number;
      // a constant feature in this node: one occupied bin (missing included)
      let occupied = mc > 0 ? 1 : 0;
      for (let b = lo; b <= hi && occupied < 2; b++) if ((h[off + b * stride] as number) > 0) occupied++;
      if (occupied >= 2) {
        tried++;
        // bins ≤ b go left; missing right, or (while some value bin is right) missing left;
        // b = hi with missing rows: every value left, missing right
        lt.fill(0);
        const lastB = mc > 0 ? hi : hi - 1;
        for (let b = lo; b <= lastB; b++) {
          const o = off + b * stride;
          if ((h[o] as number) === 0 && b !== lo) continue;
          for (let c = 0; c < stride; c++) lt[c] = (lt[c] as number) + (h[o + c] as number);
          const passes = mc > 0 && b < hi ? 2 : 1;
          for (let pass = 0; pass < passes; pass++) {
            const cl = (lt[0] as number) + (pass === 1 ? mc : 0);
            const cr = count - cl;
            if (cl < minSamplesLeaf || cr < minSamplesLeaf) continue;
            const wl = (lt[1] as number) + (pass === 1 ? (h[mo + 1] as number) : 0);
            const wr = W - wl;
            if (wl <= 0 || wr <= 0) continue;
            let gain = -parent;
            if (poisson) {
              const sl = (lt[2] as number) + (pass === 1 ? (h[mo + 2] as number) : 0);
              const sr = (tot[2] as number) - sl;
              if (sl <= 0 || sr <= 0) continue; // a child's mean of 0 has no Poisson log-likelihood
              gain += sl * Math.log(sl / wl) + sr * Math.log(sr / wr);
            } else
              for (let c = 2; c < stride; c++) {
                const sl = (lt[c] as number) + (pass === 1 ? (h[mo + c] as number) : 0);
                const sr = (tot[c] as number) - sl;
                gain += (sl * sl) / wl + (sr * sr) / wr;
              }
            if (gain > bestGain) {
              bestGain = gain;
              bestFeature = f;
              bestBin = b;
              bestMissingLeft = pass;
            }
          }
        }
      }
      if (!hist) {
        // keep the scratch histogram zeroed: clear what this node touched
        one.fill(0, lo * stride, (hi + 1) * stride);
        one.fill(0, missingOff, missingOff + stride);
      }
    }
    if (bestFeature < 0) {
      if (hist) pool.push(hist);
      continue;
    }
    importance[bestFeature] = (importance[bestFeature] as number) + (poisson ? 2 * bestGain : bestGain);

    // stable partition of the node's rows: left ones first
    goesLeft.fill(0);
    goesLeft.fill(1, 0, bestBin + 1);
    goesLeft[255] = bestMissingLeft;
    const base = bestFeature * n;
    let w = start;
    let r = 0;
    for (let k = start; k < end; k++) {
      const i = rows[k] as number;
      const l = goesLeft[codes[base + i] as number] as number;
      rows[w] = i;
      tmp[r] = i;
      w += l;
      r += 1 - l;
    }
    rows.set(tmp.subarray(0, r), w);

    const ln = nodeFeature.length;
    const rn = ln + 1;
    for (let c = 0; c < 2; c++) {
      nodeFeature.push(-1);
      nodeBin.push(0);
      nodeMissingLeft.push(0);
      nodeLeft.push(-1);
      nodeRight.push(-1);
    }
    nodeFeature[node] = bestFeature;
    nodeBin[node] = bestBin;
    nodeMissingLeft[node] = bestMissingLeft;
    nodeLeft[node] = ln;
    nodeRight[node] = rn;

    // children's full histograms: the smaller one built, the larger one the parent minus it
    let lHist: Float64Array | null = null;
    let rHist: Float64Array | null = null;
    if (hist) {
      const nl = w - start;
      const nr = end - w;
      const cd = depth + 1 < maxDepth;
      const lBig = cd && nl >= inp.fullMinRows && nl >= 2 * minSamplesLeaf;
      const rBig = cd && nr >= inp.fullMinRows && nr >= 2 * minSamplesLeaf;
      if (lBig || rBig) {
        const smallLeft = nl <= nr;
        const s0 = smallLeft ? start : w;
        const s1 = smallLeft ? w : end;
        const small = pool.pop() ?? new Float64Array(nFeatures * featureStride);
        small.fill(0);
        for (let f = 0; f < nFeatures; f++) {
          const fb = f * n;
          const off = f * featureStride;
          for (let k = s0; k < s1; k++) {
            const i = rows[k] as number;
            const o = off + (codes[fb + i] as number) * stride;
            const wi = weight[i] as number;
            small[o] = (small[o] as number) + 1;
            small[o + 1] = (small[o + 1] as number) + wi;
            if (classify) small[o + 2 + (y[i] as number)] = (small[o + 2 + (y[i] as number)] as number) + wi;
            else small[o + 2] = (small[o + 2] as number) + wi * (y[i] as number);
          }
        }
        for (let j = 0; j < hist.length; j++) hist[j] = (hist[j] as number) - (small[j] as number);
        if (smallLeft) {
          lHist = lBig ? small : null;
          rHist = rBig ? hist : null;
        } else {
          lHist = lBig ? hist : null;
          rHist = rBig ? small : null;
        }
        if (!lBig) pool.push(smallLeft ? small : hist);
        if (!rBig) pool.push(smallLeft ? hist : small);
      } else pool.push(hist);
    }
    // right pushed first: the left child is grown first
    stStart.push(w, start);
    stEnd.push(end, w);
    stDepth.push(depth + 1, depth + 1);
    stNode.push(rn, ln);
    stHist.push(rHist, lHist);
  }

  return {
    feature: Int32Array.from(nodeFeature),
    bin: Uint8Array.from(nodeBin),
    missingLeft: Uint8Array.from(nodeMissingLeft),
    left: Int32Array.from(nodeLeft),
    right: Int32Array.from(nodeRight),
    value: Float64Array.from(nodeValue),
    importance,
  };
}

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const __name = (f) => f;
const { input, trees, port, done, slot } = workerData;
try {
  const growTree = eval(${JSON.stringify(`(${growTree.toString()})`)});
  for (const t of trees) {
    const r = growTree(input, t);
    port.postMessage({ t, r }, [r.feature.buffer, r.bin.buffer, r.missingLeft.buffer, r.left.buffer,
      r.right.buffer, r.value.buffer, r.importance.buffer]);
  }
} catch (e) {
  port.postMessage({ error: String((e && e.stack) || e) });
}
Atomics.store(done, slot, 1);
Atomics.notify(done, slot);
`;

/** Grows trees 0 … count − 1: tree t on thread t mod threads (thread 0 is the caller). */
function growAll(input: TreeInput, count: number, threads: number): TreeOutput[] {
  const out: TreeOutput[] = new Array(count);
  const nWorkers = Math.min(threads, count) - 1;
  const done = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, nWorkers)));
  const workers: { worker: Worker; port: MessagePort }[] = [];
  try {
    for (let w = 1; w <= nWorkers; w++) {
      const trees: number[] = [];
      for (let t = w; t < count; t += nWorkers + 1) trees.push(t);
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { input, trees, port: port2, done, slot: w - 1 },
        transferList: [port2],
      });
      worker.unref();
      workers.push({ worker, port: port1 });
    }
    for (let t = 0; t < count; t += nWorkers + 1) out[t] = growTree(input, t);
    workers.forEach(({ port }, w) => {
      while (Atomics.load(done, w) === 0) Atomics.wait(done, w, 0, 1000);
      for (let msg = receiveMessageOnPort(port); msg; msg = receiveMessageOnPort(port)) {
        const m = msg.message as { t: number; r: TreeOutput } | { error: string };
        if ('error' in m) throw new Error(`hilo de entrenamiento del bosque: ${m.error}`);
        out[m.t] = m.r;
      }
    });
  } finally {
    for (const { worker, port } of workers) {
      port.close();
      void worker.terminate();
    }
  }
  for (let t = 0; t < count; t++)
    if (!out[t]) throw new Error(`hilo de entrenamiento del bosque: falta el árbol ${t}`);
  return out;
}

/** The flat trees of a model: node k of all trees; leaves have feature −1. */
interface Nodes {
  readonly feature: Int32Array;
  /** The split in raw values: x ≤ threshold goes left (NaN: `missingLeft`). */
  readonly threshold: Float64Array;
  readonly missingLeft: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** `value[k · m + j]`: m = 1 (regression: the mean) or K (class frequencies). */
  readonly value: Float64Array;
}

/** The serialisable form of a forest (JSON; typed arrays as little-endian base64). */
export interface ForestArtifact {
  readonly kind: 'forest';
  readonly version: 1;
  readonly task: ForestTask;
  readonly criterion: ForestCriterion;
  /** K for classification, 0 for regression. */
  readonly classes: number;
  readonly nFeatures: number;
  readonly treeStart: string;
  readonly importances: string;
  readonly nodes: { readonly [K in keyof Nodes]: string };
}

const encode = encodeTyped;
const decode = decodeTyped;

/** A trained forest: immutable; predicts on raw Float32 columns. */
export class ForestModel {
  constructor(
    readonly task: ForestTask,
    readonly criterion: ForestCriterion,
    /** K for classification, 0 for regression. */
    readonly classes: number,
    readonly nFeatures: number,
    /** `treeStart[t]`: index of tree t's root in the node arrays. */
    readonly treeStart: Int32Array,
    readonly nodes: Nodes,
    private readonly importances: Float64Array,
  ) {}

  /** Number of trees. */
  get treeCount(): number {
    return this.treeStart.length;
  }

  /** Impurity-decrease importance of every feature (sums to 1; all 0 when no tree split). */
  featureImportances(): Float64Array {
    return Float64Array.from(this.importances);
  }

  /** Sum over trees of each row's leaf value(s) (m per row). */
  private leafSums(columns: readonly Float32Array[], m: number): Float64Array {
    const n = matrixRows(columns);
    if (columns.length !== this.nFeatures)
      throw new ValidationError('columns', `se esperaban ${this.nFeatures} variables, hay ${columns.length}`);
    const { value } = this.nodes;
    const out = new Float64Array(n * m);
    for (const root of this.treeStart)
      for (let i = 0; i < n; i++) {
        const k = leafOf(this.nodes, root, columns, i);
        for (let j = 0; j < m; j++)
          out[i * m + j] = (out[i * m + j] as number) + (value[k * m + j] as number);
      }
    const trees = this.treeStart.length;
    for (let j = 0; j < out.length; j++) out[j] = (out[j] as number) / trees;
    return out;
  }

  /**
   * Regression: tree-path (Saabas) attribution of the predictions. Along each tree's path the change
   * from a node's mean to its child's is credited to the split's feature, averaged over the trees;
   * `base` (the mean of the roots' means) plus a row's contributions is its prediction, exactly up
   * to rounding. `contributions[i · F + f]`: row i, feature f.
   */
  contributions(columns: readonly Float32Array[]): { base: number; contributions: Float64Array } {
    if (this.task !== 'regression') throw new ValidationError('task', 'contributions es para regresión');
    const n = matrixRows(columns);
    if (columns.length !== this.nFeatures)
      throw new ValidationError('columns', `se esperaban ${this.nFeatures} variables, hay ${columns.length}`);
    const trees = this.treeStart.length;
    const { base, contributions } = treePathContributions(this.nodes, this.treeStart, columns, n);
    for (let j = 0; j < contributions.length; j++) contributions[j] = (contributions[j] as number) / trees;
    return { base: base / trees, contributions };
  }

  /** Regression: the mean of the trees' leaf means for each row (≥ 0 with the Poisson criterion). */
  predict(columns: readonly Float32Array[]): Float64Array {
    if (this.task !== 'regression')
      throw new ValidationError('task', 'predict es para regresión; use predictProba');
    return this.leafSums(columns, 1);
  }

  /** Classification: row-major rows × K probabilities, the mean of the trees' leaf class frequencies. */
  predictProba(columns: readonly Float32Array[]): Float64Array {
    if (this.task !== 'classification')
      throw new ValidationError('task', 'predictProba es para clasificación; use predict');
    return this.leafSums(columns, this.classes);
  }

  /** The JSON artifact (typed arrays as base64) that `fromArtifact` reads back. */
  toArtifact(): ForestArtifact {
    return {
      kind: 'forest',
      version: 1,
      task: this.task,
      criterion: this.criterion,
      classes: this.classes,
      nFeatures: this.nFeatures,
      treeStart: encode(this.treeStart),
      importances: encode(this.importances),
      nodes: encodeNodes(this.nodes),
    };
  }

  /** Reads an artifact written by `toArtifact`, checking its structure. */
  static fromArtifact(artifact: unknown): ForestModel {
    const a = artifact as Partial<ForestArtifact> | null;
    if (a?.kind !== 'forest' || a.version !== 1)
      throw new ValidationError('artifact', 'no es un modelo forest versión 1');
    if (a.task !== 'regression' && a.task !== 'classification')
      throw new ValidationError('artifact.task', 'tarea desconocida');
    const classification = a.task === 'classification';
    if (
      classification ? a.criterion !== 'gini' : a.criterion !== 'squared_error' && a.criterion !== 'poisson'
    )
      throw new ValidationError('artifact.criterion', 'criterio desconocido para la tarea');
    const K = a.classes;
    if (typeof K !== 'number' || !Number.isInteger(K) || (classification ? K < 2 || K > 255 : K !== 0))
      throw new ValidationError('artifact.classes', 'número de clases inválido');
    const F = a.nFeatures;
    if (typeof F !== 'number' || !Number.isInteger(F) || F < 1)
      throw new ValidationError('artifact.nFeatures', 'debe ser un entero ≥ 1');
    const m = classification ? K : 1;
    const { nodes, treeStart } = decodeTrees<Nodes>(
      a.nodes,
      a.treeStart,
      {
        feature: Int32Array,
        threshold: Float64Array,
        missingLeft: Uint8Array,
        left: Int32Array,
        right: Int32Array,
        value: Float64Array,
      },
      { nFeatures: F, width: (k) => (k === 'value' ? m : 1), minTrees: 1 },
    );
    for (let k = 0; k < nodes.feature.length; k++)
      if ((nodes.feature[k] as number) >= 0 && Number.isNaN(nodes.threshold[k]))
        throw new ValidationError('artifact.nodes', `nodo ${k} inválido`);
    const importances = decode('artifact.importances', a.importances, Float64Array);
    if (importances.length !== F)
      throw new ValidationError('artifact.importances', `se esperaban ${F} valores`);
    return new ForestModel(a.task, a.criterion as ForestCriterion, K, F, treeStart, nodes, importances);
  }
}

/**
 * Trains a random forest.
 * @param columns Float32 feature columns of equal length (NaN = missing).
 * @param y Targets (regression; ≥ 0 with `criterion: 'poisson'`) or class labels 0 … classes − 1.
 * @example
 * const model = fitForest([x1, x2], counts, { task: 'regression', criterion: 'poisson', trees: 200, seed: 7 });
 * const rates = model.predict([x1new, x2new]);
 */
export function fitForest(
  columns: readonly Float32Array[],
  y: ArrayLike<number>,
  options: ForestOptions,
): ForestModel {
  const o = resolveOptions(options);
  const n = matrixRows(columns);
  if (n === 0) throw new ValidationError('y', 'se necesita al menos una fila');
  if (y == null || y.length !== n)
    throw new ValidationError('y', `tiene ${y?.length} valores y hay ${n} filas`);
  const poisson = o.criterion === 'poisson';
  const classify = o.task === 'classification';
  const threaded = o.threads > 1 && o.trees > 1;
  const target = threaded ? new Float64Array(new SharedArrayBuffer(8 * n)) : new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const t = y[i] as number;
    if (classify) {
      if (!Number.isInteger(t) || t < 0 || t >= o.classes)
        throw new ValidationError(`y[${i}]`, `debe ser una clase entera entre 0 y ${o.classes - 1}`);
    } else if (!Number.isFinite(t)) throw new ValidationError(`y[${i}]`, 'debe ser un número finito');
    else if (poisson && t < 0) throw new ValidationError(`y[${i}]`, 'debe ser ≥ 0 con criterio poisson');
    target[i] = t;
    sum += t;
  }
  if (poisson && !(sum > 0)) throw new ValidationError('y', 'con criterio poisson la suma debe ser > 0');

  const mapper = BinMapper.fit(columns, { maxBins: o.maxBins, seed: o.seed });
  const binned = mapper.transform(columns);
  let codes = binned.codes;
  if (threaded) {
    codes = new Uint8Array(new SharedArrayBuffer(binned.codes.length));
    codes.set(binned.codes);
  }
  const F = mapper.nFeatures;
  const tryFeatures =
    o.maxFeatures === 'sqrt'
      ? Math.max(1, Math.floor(Math.sqrt(F)))
      : Math.max(1, Math.min(F, Math.floor(o.maxFeatures * F)));
  const input: TreeInput = {
    codes,
    n,
    nFeatures: F,
    nBins: Int32Array.from({ length: F }, (_, f) => mapper.nBins(f)),
    y: target,
    classes: o.classes,
    poisson,
    maxDepth: o.maxDepth,
    minSamplesLeaf: o.minSamplesLeaf,
    tryFeatures,
    bootstrap: o.bootstrap,
    nSample: Math.max(1, Math.round(o.maxSamples * n)),
    seed: o.seed,
    fullMinRows: FULL_HISTOGRAM_MIN_ROWS,
  };
  const trees = growAll(input, o.trees, o.threads);

  // concatenate the trees (node indices shifted), raw-value thresholds, importances
  const m = classify ? o.classes : 1;
  let total = 0;
  for (const t of trees) total += t.feature.length;
  const nodes = {
    feature: new Int32Array(total),
    threshold: new Float64Array(total),
    missingLeft: new Uint8Array(total),
    left: new Int32Array(total),
    right: new Int32Array(total),
    value: new Float64Array(total * m),
  };
  const treeStart = new Int32Array(trees.length);
  const importances = new Float64Array(F);
  let at = 0;
  trees.forEach((t, ti) => {
    treeStart[ti] = at;
    for (let k = 0; k < t.feature.length; k++) {
      const f = t.feature[k] as number;
      nodes.feature[at + k] = f;
      nodes.missingLeft[at + k] = t.missingLeft[k] as number;
      if (f >= 0) {
        // the raw-value form of the split: x ≤ the bin's upper edge (the last bin has none)
        nodes.threshold[at + k] =
          (mapper.thresholds[f] as Float64Array)[t.bin[k] as number] ?? Number.POSITIVE_INFINITY;
        nodes.left[at + k] = at + (t.left[k] as number);
        nodes.right[at + k] = at + (t.right[k] as number);
      } else {
        nodes.left[at + k] = -1;
        nodes.right[at + k] = -1;
      }
    }
    nodes.value.set(t.value, at * m);
    at += t.feature.length;
    let s = 0;
    for (const v of t.importance) s += v;
    if (s > 0)
      for (let f = 0; f < F; f++)
        importances[f] = (importances[f] as number) + (t.importance[f] as number) / s;
  });
  let s = 0;
  for (const v of importances) s += v;
  if (s > 0) for (let f = 0; f < F; f++) importances[f] = (importances[f] as number) / s;
  return new ForestModel(o.task, o.criterion, o.classes, F, treeStart, nodes, importances);
}

/** Mean Poisson deviance 2·mean(y·log(y/μ) − (y − μ)) of predictions μ (μ = 0 with y > 0: infinite). */
export function meanPoissonDeviance(y: ArrayLike<number>, pred: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const t = y[i] as number;
    const p = pred[i] as number;
    s += 2 * ((t > 0 ? t * Math.log(t / p) : 0) - (t - p));
  }
  return s / y.length;
}

/** Mean log loss of row-major rows × K probabilities against class labels (clipped at 1e-15). */
export function meanLogLoss(labels: ArrayLike<number>, proba: Float64Array, classes: number): number {
  let s = 0;
  for (let i = 0; i < labels.length; i++)
    s -= Math.log(Math.max(proba[i * classes + (labels[i] as number)] as number, 1e-15));
  return s / labels.length;
}

/**
 * Probabilistic crime-type classifiers on feature columns, side by side behind one interface:
 * the class prior (training frequencies, the baseline), an SVM (libsvm's C-SVC with an RBF kernel and
 * Platt-scaled pairwise probabilities, on standardised columns), boosted trees (`fitGbt`, logistic,
 * one-vs-rest, probabilities renormalised), a random forest (`fitForest`, classification) and a small
 * neural network (`fitMlp`, softmax). Each gives row-major probabilities `p[i * k + c]`.
 */
import { createRequire } from 'node:module';
import { ValidationError } from '../core/errors.ts';
import { mulberry32 } from '../core/random.ts';
import { fitForest } from '../ml/forest.ts';
import { fitGbt } from '../ml/gbt.ts';
import { fitMlp } from '../ml/nn.ts';
import { priorOf } from './classes.ts';

/** The classifiers, in report order (the prior first: the baseline). */
export const CLASSIFIER_KINDS = ['prior', 'svm', 'gbt', 'forest', 'mlp'] as const;
export type ClassifierKind = (typeof CLASSIFIER_KINDS)[number];

/** Spanish names for tables and reports. */
export const CLASSIFIER_LABELS: Readonly<Record<ClassifierKind, string>> = {
  prior: 'previa de clases (base)',
  svm: 'SVM (RBF, libsvm)',
  gbt: 'árboles potenciados (uno contra el resto)',
  forest: 'bosque aleatorio',
  mlp: 'red neuronal (MLP softmax)',
};

/** A trained classifier. */
export interface TypeClassifier {
  readonly kind: ClassifierKind;
  /** Training rows it actually used (the SVM subsamples). */
  readonly trainRows: number;
  /** Row-major probabilities, rows × k. */
  predictProba(columns: readonly Float32Array[]): Promise<Float64Array>;
  /** Frees native memory (libsvm, tfjs); the classifier is unusable afterwards. */
  dispose(): void;
}

/** Settings of `fitClassifier`. */
export interface ClassifierOptions {
  /** Seed of every random choice, default 1. */
  seed?: number;
  /** Most training rows the SVM uses (a seeded random subsample), default 5,000. */
  svmMaxRows?: number;
  /** SVM cost C, default 1; RBF γ, default 1 / number of features. */
  svmCost?: number;
  svmGamma?: number;
  /** Boosting iterations per class, default 200 (early stopping on 10 % of the rows). */
  gbtIterations?: number;
  /** Forest trees, default 100. */
  forestTrees?: number;
  /** MLP epochs, default 30. */
  mlpEpochs?: number;
  /** Worker threads for the tree learners, default 1. */
  threads?: number;
}

function rowsOf(columns: readonly Float32Array[]): number {
  return columns[0]?.length ?? 0;
}

/** Divides every row by its sum (rows of zeros become uniform). */
export function normaliseRows(p: Float64Array, k: number): Float64Array {
  for (let i = 0; i < p.length; i += k) {
    let s = 0;
    for (let c = 0; c < k; c++) s += p[i + c] as number;
    for (let c = 0; c < k; c++) p[i + c] = s > 0 ? (p[i + c] as number) / s : 1 / k;
  }
  return p;
}

function priorClassifier(y: ArrayLike<number>, k: number): TypeClassifier {
  const prior = priorOf(y, k);
  return {
    kind: 'prior',
    trainRows: y.length,
    predictProba: async (columns) => {
      const n = rowsOf(columns);
      const p = new Float64Array(n * k);
      for (let i = 0; i < n; i++) p.set(prior, i * k);
      return p;
    },
    dispose: () => {},
  };
}

async function gbtClassifier(
  columns: readonly Float32Array[],
  y: ArrayLike<number>,
  k: number,
  o: ClassifierOptions,
): Promise<TypeClassifier> {
  const models: ReturnType<typeof fitGbt>[] = [];
  for (let c = 0; c < k; c++) {
    // One class at a time with a turn of the event loop between them: a server fitting the map's
    // cell panel model (seconds) keeps answering other requests meanwhile.
    if (c > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const target = Float32Array.from({ length: y.length }, (_, i) => (y[i] === c ? 1 : 0));
    const model = fitGbt(columns, target, {
      loss: 'logistic',
      iterations: o.gbtIterations ?? 200,
      learningRate: 0.1,
      maxLeaves: 15,
      minSamplesLeaf: 40,
      l2: 1,
      earlyStopping: { validationFraction: 0.1, patience: 10 },
      seed: (o.seed ?? 1) + c,
      threads: o.threads ?? 1,
    });
    models.push(model);
  }
  return {
    kind: 'gbt',
    trainRows: y.length,
    predictProba: async (cols) => {
      const n = rowsOf(cols);
      const p = new Float64Array(n * k);
      models.forEach((m, c) => {
        const q = m.predict(cols);
        for (let i = 0; i < n; i++) p[i * k + c] = q[i] as number;
      });
      return normaliseRows(p, k);
    },
    dispose: () => {},
  };
}

function forestClassifier(
  columns: readonly Float32Array[],
  y: ArrayLike<number>,
  k: number,
  o: ClassifierOptions,
): TypeClassifier {
  const model = fitForest(columns, y, {
    task: 'classification',
    classes: k,
    trees: o.forestTrees ?? 100,
    // Leaves of at least 20 rows: frequencies, not 0/1 votes (pure leaves make log loss explode).
    minSamplesLeaf: 20,
    maxSamples: 0.5,
    seed: o.seed ?? 1,
    threads: o.threads ?? 1,
  });
  return {
    kind: 'forest',
    trainRows: y.length,
    predictProba: async (cols) => normaliseRows(model.predictProba(cols), k),
    dispose: () => {},
  };
}

async function mlpClassifier(
  columns: readonly Float32Array[],
  y: ArrayLike<number>,
  k: number,
  o: ClassifierOptions,
): Promise<TypeClassifier> {
  const model = await fitMlp(columns, y, {
    loss: 'softmax',
    classes: k,
    hiddenLayers: [32, 16],
    epochs: o.mlpEpochs ?? 30,
    learningRate: 0.003,
    validationFraction: 0.1,
    patience: 3,
    seed: o.seed ?? 1,
  });
  return {
    kind: 'mlp',
    trainRows: y.length,
    predictProba: async (cols) => normaliseRows(model.predictProba(cols), k),
    dispose: () => model.dispose(),
  };
}

// --- SVM (libsvm-js, WebAssembly) -------------------------------------------------------------------

interface LibSvm {
  train(samples: number[][], labels: number[]): void;
  predictOneProbability(sample: number[]): {
    prediction: number;
    estimates: { label: number; probability: number }[];
  };
  getLabels(): number[];
  free(): void;
}
interface LibSvmClass {
  new (options: Record<string, unknown>): LibSvm;
  KERNEL_TYPES: { RBF: number };
  SVM_TYPES: { C_SVC: number };
}

let libsvm: Promise<LibSvmClass> | null = null;

/** Loads libsvm's WebAssembly build once (its harmless "streaming compile failed" notice is dropped). */
function loadLibSvm(): Promise<LibSvmClass> {
  if (!libsvm) {
    const require = createRequire(import.meta.url);
    const warn = console.warn;
    // libsvm binds console.warn when loaded: filter the notice that Node's fetch cannot read files.
    console.warn = (...args: unknown[]) => {
      if (!/wasm streaming compile failed|falling back to ArrayBuffer/.test(String(args[0]))) warn(...args);
    };
    try {
      libsvm = require('libsvm-js/wasm') as Promise<LibSvmClass>;
    } finally {
      console.warn = warn;
    }
  }
  return libsvm;
}

/** Column means and standard deviations (sd 0 → 1). */
function standardisation(
  columns: readonly Float32Array[],
  rows: ArrayLike<number>,
): { mean: number[]; sd: number[] } {
  const mean: number[] = [];
  const sd: number[] = [];
  for (const col of columns) {
    let s = 0;
    let s2 = 0;
    for (let r = 0; r < rows.length; r++) {
      const v = col[rows[r] as number] as number;
      s += v;
      s2 += v * v;
    }
    const m = s / rows.length;
    const v = s2 / rows.length - m * m;
    mean.push(m);
    sd.push(v > 1e-12 ? Math.sqrt(v) : 1);
  }
  return { mean, sd };
}

async function svmClassifier(
  columns: readonly Float32Array[],
  y: ArrayLike<number>,
  k: number,
  o: ClassifierOptions,
): Promise<TypeClassifier> {
  const SVM = await loadLibSvm();
  const n = y.length;
  const maxRows = o.svmMaxRows ?? 5000;
  // Seeded subsample (partial Fisher–Yates), in the original order.
  const random = mulberry32(o.seed ?? 1);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  const m = Math.min(n, maxRows);
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(random() * (n - i));
    const tmp = perm[i] as number;
    perm[i] = perm[j] as number;
    perm[j] = tmp;
  }
  const rows = perm.subarray(0, m).sort();
  const { mean, sd } = standardisation(columns, rows);
  const sample = (cols: readonly Float32Array[], i: number) =>
    cols.map((col, f) => ((col[i] as number) - (mean[f] as number)) / (sd[f] as number));
  const svm = new SVM({
    type: SVM.SVM_TYPES.C_SVC,
    kernel: SVM.KERNEL_TYPES.RBF,
    cost: o.svmCost ?? 1,
    gamma: o.svmGamma ?? 1 / columns.length,
    probabilityEstimates: true,
    quiet: true,
  });
  svm.train(
    Array.from(rows, (i) => sample(columns, i)),
    Array.from(rows, (i) => y[i] as number),
  );
  return {
    kind: 'svm',
    trainRows: m,
    predictProba: async (cols) => {
      const nq = rowsOf(cols);
      const p = new Float64Array(nq * k);
      for (let i = 0; i < nq; i++) {
        const { estimates } = svm.predictOneProbability(sample(cols, i));
        // A class absent from the subsample gets 0 (libsvm knows only the labels it saw).
        for (const e of estimates) p[i * k + e.label] = e.probability;
      }
      return normaliseRows(p, k);
    },
    dispose: () => svm.free(),
  };
}

/**
 * Trains one classifier on feature columns and class labels 0 … k − 1.
 * @throws ValidationError for an unknown kind, no rows, or labels outside 0 … k − 1
 */
export async function fitClassifier(
  kind: ClassifierKind,
  columns: readonly Float32Array[],
  y: ArrayLike<number>,
  k: number,
  options: ClassifierOptions = {},
): Promise<TypeClassifier> {
  if (!(CLASSIFIER_KINDS as readonly string[]).includes(kind))
    throw new ValidationError('models', `modelo desconocido: ${kind} (hay ${CLASSIFIER_KINDS.join(', ')})`);
  if (y.length === 0) throw new ValidationError('y', 'no hay filas de entrenamiento');
  for (let i = 0; i < y.length; i++) {
    const c = y[i] as number;
    if (!Number.isInteger(c) || c < 0 || c >= k)
      throw new ValidationError(`y[${i}]`, `clase fuera de 0–${k - 1}`);
  }
  switch (kind) {
    case 'prior':
      return priorClassifier(y, k);
    case 'gbt':
      return gbtClassifier(columns, y, k, options);
    case 'forest':
      return forestClassifier(columns, y, k, options);
    case 'mlp':
      return mlpClassifier(columns, y, k, options);
    case 'svm':
      return svmClassifier(columns, y, k, options);
  }
}

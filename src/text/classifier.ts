/**
 * Narrative → class (modality or crime category): TF-IDF over Spanish unigrams and bigrams
 * (src/text/tokens.ts) and a multinomial logistic regression.
 *
 * TF-IDF: sublinear term frequency 1 + ln(tf), smoothed idf ln((1 + n) / (1 + df)) + 1, rows scaled
 * to unit length (the same formulas as scikit-learn's TfidfVectorizer with sublinear_tf, so the bench
 * compares like with like). The vocabulary keeps terms seen in at least `minDf` training documents,
 * at most `maxTerms` of them.
 *
 * The model: softmax over k classes with a bias per class, fitted by full-batch L-BFGS on the sparse
 * rows, minimising the mean cross-entropy + (l2 / 2)·‖W‖² (biases not penalised). Deterministic:
 * the same texts and settings give the same weights. The artifact (settings, classes, vocabulary,
 * idf, weights) is plain JSON and loads back to the same predictions.
 *
 * `disagreements` is the data-quality rule: a row whose predicted class differs from the recorded
 * one with probability ≥ a threshold. Pure: no I/O.
 */
import { ValidationError } from '../core/errors.ts';
import {
  buildVocabulary,
  type CsrMatrix,
  countMatrix,
  terms,
  type Vocabulary,
  vocabularyOf,
} from './tokens.ts';

export const TEXT_CLASSIFIER_KIND = 'text-tfidf-logreg';
export const TEXT_CLASSIFIER_SCHEMA_VERSION = 1;

/** Settings of the vectoriser and the regression. */
export interface TextClassifierSettings {
  /** 1: words; 2: words and word pairs. */
  ngram: 1 | 2;
  /** Fewest training documents a term must appear in. */
  minDf: number;
  /** Most terms kept (highest document frequency). */
  maxTerms: number;
  /** L2 penalty on the weights (per mean row: scikit-learn's C = 1 / (l2 · n)). */
  l2: number;
  /** L-BFGS iterations at most. */
  maxIterations: number;
}

export const DEFAULT_TEXT_CLASSIFIER_SETTINGS: Readonly<TextClassifierSettings> = {
  ngram: 2,
  minDf: 2,
  maxTerms: 20_000,
  l2: 1e-4,
  maxIterations: 300,
};

/** The serialisable classifier. `weights` is k × (terms + 1), row-major; the last column is the bias. */
export interface TextClassifierArtifact {
  kind: typeof TEXT_CLASSIFIER_KIND;
  schemaVersion: number;
  settings: TextClassifierSettings;
  classes: string[];
  terms: string[];
  idf: number[];
  weights: number[];
  /** Training rows and what the fit reached (for the record). */
  fit: { rows: number; iterations: number; loss: number };
}

/** Sublinear, idf-weighted, unit-length rows (a new matrix; `counts` is left as is). */
export function tfidf(counts: CsrMatrix, idf: ArrayLike<number>): CsrMatrix {
  const values = new Float32Array(counts.values.length);
  for (let i = 0; i < counts.rows; i++) {
    const a = counts.indptr[i] as number;
    const b = counts.indptr[i + 1] as number;
    let norm = 0;
    for (let e = a; e < b; e++) {
      const v = (1 + Math.log(counts.values[e] as number)) * (idf[counts.indices[e] as number] as number);
      values[e] = v;
      norm += v * v;
    }
    if (norm > 0) {
      const s = 1 / Math.sqrt(norm);
      for (let e = a; e < b; e++) values[e] = (values[e] as number) * s;
    }
  }
  return { ...counts, values };
}

/** Mean cross-entropy + penalty and its gradient at `w` (layout of the artifact's weights). */
function lossAndGradient(
  x: CsrMatrix,
  y: ArrayLike<number>,
  k: number,
  l2: number,
  w: Float64Array,
  grad: Float64Array,
): number {
  const d = x.cols + 1;
  const n = x.rows;
  grad.fill(0);
  const z = new Float64Array(k);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const a = x.indptr[i] as number;
    const b = x.indptr[i + 1] as number;
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      const off = c * d;
      let s = w[off + x.cols] as number;
      for (let e = a; e < b; e++)
        s += (w[off + (x.indices[e] as number)] as number) * (x.values[e] as number);
      z[c] = s;
      if (s > max) max = s;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) {
      z[c] = Math.exp((z[c] as number) - max);
      sum += z[c] as number;
    }
    const yi = y[i] as number;
    loss -= Math.log((z[yi] as number) / sum);
    for (let c = 0; c < k; c++) {
      const r = ((z[c] as number) / sum - (c === yi ? 1 : 0)) / n;
      const off = c * d;
      grad[off + x.cols] = (grad[off + x.cols] as number) + r;
      for (let e = a; e < b; e++) {
        const j = off + (x.indices[e] as number);
        grad[j] = (grad[j] as number) + r * (x.values[e] as number);
      }
    }
  }
  loss /= n;
  let penalty = 0;
  for (let c = 0; c < k; c++) {
    const off = c * d;
    for (let j = 0; j < x.cols; j++) {
      const v = w[off + j] as number;
      penalty += v * v;
      grad[off + j] = (grad[off + j] as number) + l2 * v;
    }
  }
  return loss + 0.5 * l2 * penalty;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/**
 * Minimises `f` by L-BFGS (10 pairs of memory, backtracking line search with the Armijo rule).
 * Stops when the largest gradient entry is below 1e-6, the loss changes by less than 1e-10
 * (relative), or after `maxIterations`.
 */
function lbfgs(
  f: (w: Float64Array, g: Float64Array) => number,
  w: Float64Array,
  maxIterations: number,
): { iterations: number; loss: number } {
  const m = 10;
  const size = w.length;
  const s: Float64Array[] = [];
  const yv: Float64Array[] = [];
  const rho: number[] = [];
  let g = new Float64Array(size);
  let fx = f(w, g);
  const dir = new Float64Array(size);
  const wNew = new Float64Array(size);
  let gNew = new Float64Array(size);
  const alpha = new Float64Array(m);
  let it = 0;
  for (; it < maxIterations; it++) {
    let gmax = 0;
    for (let i = 0; i < size; i++) gmax = Math.max(gmax, Math.abs(g[i] as number));
    if (gmax < 1e-6) break;
    // Two-loop recursion: dir = −H·g.
    for (let i = 0; i < size; i++) dir[i] = -(g[i] as number);
    for (let h = s.length - 1; h >= 0; h--) {
      const a = (rho[h] as number) * dot(s[h] as Float64Array, dir);
      alpha[h] = a;
      const yh = yv[h] as Float64Array;
      for (let i = 0; i < size; i++) dir[i] = (dir[i] as number) - a * (yh[i] as number);
    }
    if (s.length > 0) {
      const last = s.length - 1;
      const gamma =
        dot(s[last] as Float64Array, yv[last] as Float64Array) /
        dot(yv[last] as Float64Array, yv[last] as Float64Array);
      for (let i = 0; i < size; i++) dir[i] = (dir[i] as number) * gamma;
    } else {
      // First step: a unit-length move along the gradient.
      const norm = Math.sqrt(dot(g, g));
      for (let i = 0; i < size; i++) dir[i] = (dir[i] as number) / Math.max(1, norm);
    }
    for (let h = 0; h < s.length; h++) {
      const b = (rho[h] as number) * dot(yv[h] as Float64Array, dir);
      const sh = s[h] as Float64Array;
      const a = alpha[h] as number;
      for (let i = 0; i < size; i++) dir[i] = (dir[i] as number) + (a - b) * (sh[i] as number);
    }
    let slope = dot(g, dir);
    if (slope >= 0) {
      // Not a descent direction (numerical trouble): restart from the gradient.
      s.length = 0;
      yv.length = 0;
      rho.length = 0;
      for (let i = 0; i < size; i++) dir[i] = -(g[i] as number);
      slope = dot(g, dir);
    }
    let step = 1;
    let fNew = Number.POSITIVE_INFINITY;
    for (let tries = 0; tries < 40; tries++) {
      for (let i = 0; i < size; i++) wNew[i] = (w[i] as number) + step * (dir[i] as number);
      fNew = f(wNew, gNew);
      if (fNew <= fx + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew < fx)) break;
    const sk = new Float64Array(size);
    const yk = new Float64Array(size);
    for (let i = 0; i < size; i++) {
      sk[i] = (wNew[i] as number) - (w[i] as number);
      yk[i] = (gNew[i] as number) - (g[i] as number);
    }
    const sy = dot(sk, yk);
    if (sy > 1e-12) {
      if (s.length === m) {
        s.shift();
        yv.shift();
        rho.shift();
      }
      s.push(sk);
      yv.push(yk);
      rho.push(1 / sy);
    }
    w.set(wNew);
    const swap = g;
    g = gNew;
    gNew = swap;
    const change = fx - fNew;
    fx = fNew;
    if (change <= 1e-10 * Math.max(1, Math.abs(fx))) {
      it++;
      break;
    }
  }
  return { iterations: it, loss: fx };
}

/** A fitted text classifier. */
export class TextClassifier {
  readonly classes: readonly string[];
  private readonly vocabulary: Vocabulary;

  constructor(private readonly artifact: TextClassifierArtifact) {
    this.classes = artifact.classes;
    this.vocabulary = vocabularyOf(artifact.terms);
  }

  /** Sparse TF-IDF rows of texts over this classifier's vocabulary. */
  vectorize(texts: readonly string[]): CsrMatrix {
    const a = this.artifact;
    return tfidf(
      countMatrix(
        texts.map((t) => terms(t, a.settings.ngram)),
        this.vocabulary,
      ),
      a.idf,
    );
  }

  /** Probabilities, row-major n × k (`p[i * k + c]`), each row summing to 1. */
  predictProba(texts: readonly string[]): Float64Array {
    const x = this.vectorize(texts);
    const k = this.classes.length;
    const d = x.cols + 1;
    const w = this.artifact.weights;
    const out = new Float64Array(x.rows * k);
    for (let i = 0; i < x.rows; i++) {
      const a = x.indptr[i] as number;
      const b = x.indptr[i + 1] as number;
      let max = -Infinity;
      for (let c = 0; c < k; c++) {
        let s = w[c * d + x.cols] as number;
        for (let e = a; e < b; e++)
          s += (w[c * d + (x.indices[e] as number)] as number) * (x.values[e] as number);
        out[i * k + c] = s;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let c = 0; c < k; c++) {
        const v = Math.exp((out[i * k + c] as number) - max);
        out[i * k + c] = v;
        sum += v;
      }
      for (let c = 0; c < k; c++) out[i * k + c] = (out[i * k + c] as number) / sum;
    }
    return out;
  }

  toArtifact(): TextClassifierArtifact {
    return this.artifact;
  }
}

function checkSettings(s: TextClassifierSettings): void {
  if (s.ngram !== 1 && s.ngram !== 2) throw new ValidationError('ngram', 'debe ser 1 o 2');
  if (!(Number.isFinite(s.l2) && s.l2 > 0)) throw new ValidationError('l2', 'debe ser un número > 0');
  if (!Number.isInteger(s.maxIterations) || s.maxIterations < 1)
    throw new ValidationError('maxIterations', 'debe ser un entero ≥ 1');
}

/**
 * Fits the classifier.
 * @param labels class index (0 … classes.length − 1) of every text
 * @throws ValidationError on mismatched lengths, labels out of range, fewer than 2 classes, or an
 *   empty vocabulary (no term in `minDf` documents)
 */
export function fitTextClassifier(
  texts: readonly string[],
  labels: ArrayLike<number>,
  classes: readonly string[],
  settings: Partial<TextClassifierSettings> = {},
): TextClassifier {
  const set: TextClassifierSettings = { ...DEFAULT_TEXT_CLASSIFIER_SETTINGS, ...settings };
  checkSettings(set);
  const k = classes.length;
  if (k < 2) throw new ValidationError('clases', 'hacen falta al menos 2 clases');
  if (labels.length !== texts.length)
    throw new ValidationError('labels', `hay ${labels.length} etiquetas para ${texts.length} textos`);
  if (texts.length === 0) throw new ValidationError('textos', 'no hay textos para entrenar');
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i] as number;
    if (!Number.isInteger(c) || c < 0 || c >= k)
      throw new ValidationError(`labels[${i}]`, `clase fuera de 0–${k - 1}: ${c}`);
  }
  const docs = texts.map((t) => terms(t, set.ngram));
  const { vocabulary, df } = buildVocabulary(docs, { minDf: set.minDf, maxTerms: set.maxTerms });
  if (vocabulary.terms.length === 0)
    throw new ValidationError('textos', `ningún término aparece en ${set.minDf} relatos o más`);
  const n = texts.length;
  const idf = Float64Array.from(df, (v) => Math.log((1 + n) / (1 + v)) + 1);
  const x = tfidf(countMatrix(docs, vocabulary), idf);
  const w = new Float64Array(k * (x.cols + 1));
  const fit = lbfgs((wv, g) => lossAndGradient(x, labels, k, set.l2, wv, g), w, set.maxIterations);
  return new TextClassifier({
    kind: TEXT_CLASSIFIER_KIND,
    schemaVersion: TEXT_CLASSIFIER_SCHEMA_VERSION,
    settings: set,
    classes: [...classes],
    terms: vocabulary.terms,
    idf: Array.from(idf),
    weights: Array.from(w),
    fit: { rows: n, iterations: fit.iterations, loss: fit.loss },
  });
}

/**
 * A classifier from its artifact (parsed JSON), after checking its shape.
 * @throws ValidationError naming what is wrong
 */
export function textClassifierFromArtifact(value: unknown): TextClassifier {
  const bad = (why: string) => new ValidationError('artefacto', why);
  if (typeof value !== 'object' || value === null) throw bad('no es un objeto');
  const a = value as Partial<TextClassifierArtifact>;
  if (a.kind !== TEXT_CLASSIFIER_KIND)
    throw bad(`tipo ${String(a.kind)}; se esperaba ${TEXT_CLASSIFIER_KIND}`);
  if (a.schemaVersion !== TEXT_CLASSIFIER_SCHEMA_VERSION)
    throw bad(`versión ${String(a.schemaVersion)}; se esperaba ${TEXT_CLASSIFIER_SCHEMA_VERSION}`);
  if (!a.settings || typeof a.settings !== 'object') throw bad('faltan los ajustes');
  checkSettings(a.settings);
  const strings = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === 'string');
  const numbers = (v: unknown) =>
    Array.isArray(v) && v.every((s) => typeof s === 'number' && Number.isFinite(s));
  if (!strings(a.classes) || (a.classes as string[]).length < 2) throw bad('clases inválidas');
  if (!strings(a.terms)) throw bad('vocabulario inválido');
  const terms = a.terms as string[];
  if (!numbers(a.idf) || (a.idf as number[]).length !== terms.length)
    throw bad('idf inválido: debe tener un número por término');
  const expected = (a.classes as string[]).length * (terms.length + 1);
  if (!numbers(a.weights) || (a.weights as number[]).length !== expected)
    throw bad(`pesos inválidos: se esperaban ${expected} números`);
  return new TextClassifier(a as TextClassifierArtifact);
}

/** A row whose text points to another class than the recorded one. */
export interface Disagreement {
  row: number;
  recorded: number;
  predicted: number;
  /** Probability of the predicted class. */
  probability: number;
  /** Probability the model gives the recorded class. */
  recordedProbability: number;
}

/**
 * The data-quality rule: rows whose most probable class is not the recorded one, with probability
 * ≥ `threshold`, most confident first. Rows whose recorded class is −1 (not a class of the model)
 * are skipped.
 */
export function disagreements(
  p: Float64Array,
  k: number,
  recorded: ArrayLike<number>,
  threshold: number,
): Disagreement[] {
  if (!(threshold > 0 && threshold <= 1)) throw new ValidationError('umbral', 'debe estar en (0, 1]');
  const out: Disagreement[] = [];
  for (let i = 0; i < recorded.length; i++) {
    const r = recorded[i] as number;
    if (r < 0) continue;
    let best = 0;
    for (let c = 1; c < k; c++) if ((p[i * k + c] as number) > (p[i * k + best] as number)) best = c;
    const q = p[i * k + best] as number;
    if (best !== r && q >= threshold)
      out.push({
        row: i,
        recorded: r,
        predicted: best,
        probability: q,
        recordedProbability: p[i * k + r] as number,
      });
  }
  return out.sort((a, b) => b.probability - a.probability || a.row - b.row);
}

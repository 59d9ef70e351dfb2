/**
 * Neural networks with TensorFlow.js (wasm backend, `tf.ts`): a feed-forward network (MLP) on
 * standardised feature columns, with a Poisson (log link: rates) or softmax (K classes) output, and
 * an LSTM over each row's recent sequence (rows × steps × channels) with optional static columns
 * joined after it, Poisson output.
 *
 * Training is our own loop (Adam, `optimizer.minimize`) so that every random choice is seeded:
 * initialisers get seeds derived from `seed`, the validation rows and the batch order come from
 * `mulberry32(seed)`. Early stopping keeps the weights of the best validation epoch. Every tensor is
 * created inside `tf.tidy` or disposed; a model holds only its weights until `dispose()`.
 *
 * `toArtifact()` is plain JSON (topology, base64 weights through the `tf-io.ts` handler, the
 * standardisation and the options); `NnModel.fromArtifact` gives a model with identical predictions.
 */

import type * as TF from '@tensorflow/tfjs';
import { ValidationError } from '../core/errors.ts';
import { mulberry32 } from '../core/random.ts';
import { tf, tfReady } from './tf.ts';
import { loadTfModel, saveTfModel, type TfModelJson } from './tf-io.ts';

/** Output of the network: Poisson rates (log link) or class probabilities (softmax). */
export type NnLoss = 'poisson' | 'softmax';

/** Training settings shared by both networks; every one has a default. */
export interface NnTrainOptions {
  /** Sizes of the dense ReLU layers (MLP default [32, 16]; LSTM default [16], after the join). */
  readonly hiddenLayers?: readonly number[];
  /** Most passes over the training rows, default 20. */
  readonly epochs?: number;
  /** Rows per Adam step, default 256. */
  readonly batchSize?: number;
  /** Adam's step size, default 0.001. */
  readonly learningRate?: number;
  /** Share of the rows held out for early stopping, in [0, 0.5), default 0.1; 0 trains every epoch. */
  readonly validationFraction?: number;
  /** Epochs without a better validation loss before training stops, default 3. */
  readonly patience?: number;
  /** Seed of the initial weights, the validation rows and the batch order, default 0. */
  readonly seed?: number;
  /** Called after each epoch (progress, timing); not part of the model's settings. */
  readonly onEpoch?: (epoch: number, validationLoss: number | null) => void;
}

/** Settings of `fitMlp`. */
export interface MlpOptions extends NnTrainOptions {
  /** Default `poisson`. */
  readonly loss?: NnLoss;
  /** Number of classes K (≥ 2) of a `softmax` network; targets are 0 … K − 1. */
  readonly classes?: number;
}

/** Settings of `fitLstm`: the shape of one row's sequence, and the LSTM's width. */
export interface LstmOptions extends NnTrainOptions {
  /** Time steps per row (oldest first). */
  readonly steps: number;
  /** Values per time step (e.g. one count per crime group). */
  readonly channels: number;
  /** LSTM units, default 16. */
  readonly units?: number;
}

/** The resolved settings a model was trained with (stored in its artifact). */
export interface NnSettings {
  readonly architecture: 'mlp' | 'lstm';
  readonly loss: NnLoss;
  /** K for softmax, 1 for poisson. */
  readonly outputs: number;
  readonly hiddenLayers: readonly number[];
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly validationFraction: number;
  readonly patience: number;
  readonly seed: number;
  /** LSTM only (0 for an MLP). */
  readonly steps: number;
  readonly channels: number;
  readonly units: number;
}

/** What happened in training. */
export interface NnHistory {
  /** Epochs run. */
  readonly epochs: number;
  /** The epoch (1-based) whose weights the model keeps: the best validation loss, else the last. */
  readonly bestEpoch: number;
  /** Mean Poisson deviance or log loss of the validation rows after each epoch (empty without them). */
  readonly validationLoss: readonly number[];
}

/** Mean and standard deviation per input (features, or channels of a sequence). */
export interface Standardisation {
  readonly means: readonly number[];
  readonly sds: readonly number[];
}

/** The JSON artifact of a network. */
export interface NnArtifact {
  readonly kind: 'nn';
  readonly version: 1;
  readonly settings: NnSettings;
  /** Of the feature columns (MLP) or the static columns (LSTM). */
  readonly features: Standardisation;
  /** Of the sequence channels (LSTM only; empty lists for an MLP). */
  readonly sequence: Standardisation;
  readonly history: NnHistory;
  readonly model: TfModelJson;
}

/** Rows predicted per tensor, bounding memory on large inputs. */
const PREDICT_CHUNK = 16_384;
/** Log-rate floor of the output bias when the mean target is 0. */
const MIN_LOG_RATE = Math.log(1e-10);

const int = (field: string, v: number, min: number, max: number): number => {
  if (!Number.isInteger(v) || v < min || v > max)
    throw new ValidationError(field, `debe ser un entero entre ${min} y ${max}`);
  return v;
};
const real = (field: string, v: number, min: number, max: number, open: boolean): number => {
  if (!Number.isFinite(v) || v < min || v > max || (open && (v === min || v === max)))
    throw new ValidationError(field, `debe estar entre ${min} y ${max}${open ? ' (ambos excluidos)' : ''}`);
  return v;
};

function resolveTraining(o: NnTrainOptions, defaultHidden: readonly number[]) {
  const hidden = o.hiddenLayers ?? defaultHidden;
  if (!Array.isArray(hidden) || hidden.length > 8)
    throw new ValidationError('hiddenLayers', 'debe ser una lista de a lo sumo 8 tamaños');
  const hiddenLayers = hidden.map((u, i) => int(`hiddenLayers[${i}]`, u, 1, 4096));
  const vf = o.validationFraction ?? 0.1;
  if (!Number.isFinite(vf) || vf < 0 || vf >= 0.5)
    throw new ValidationError('validationFraction', 'debe estar en [0, 0.5)');
  return {
    hiddenLayers,
    epochs: int('epochs', o.epochs ?? 20, 1, 100_000),
    batchSize: int('batchSize', o.batchSize ?? 256, 1, 1_000_000),
    learningRate: real('learningRate', o.learningRate ?? 0.001, 0, 10, true),
    validationFraction: vf,
    patience: int('patience', o.patience ?? 3, 1, 100_000),
    seed: int('seed', o.seed ?? 0, 0, 2 ** 31 - 1),
  };
}

/** Rows of equal-length columns (0 columns: `fallback` rows). */
function columnRows(columns: readonly Float32Array[], field: string, fallback: number): number {
  if (!Array.isArray(columns)) throw new ValidationError(field, 'debe ser una lista de Float32Array');
  const n = columns.length > 0 ? (columns[0] as Float32Array).length : fallback;
  columns.forEach((c, j) => {
    if (!(c instanceof Float32Array)) throw new ValidationError(`${field}[${j}]`, 'debe ser un Float32Array');
    if (c.length !== n)
      throw new ValidationError(`${field}[${j}]`, `tiene ${c.length} filas y la primera ${n}`);
  });
  return n;
}

/** Mean and sd of the finite values of each column (sd 1 where it is 0 or undefined). */
function fitStandardisation(columns: readonly Float32Array[]): Standardisation {
  const means: number[] = [];
  const sds: number[] = [];
  for (const c of columns) {
    let n = 0;
    let s = 0;
    for (const v of c)
      if (Number.isFinite(v)) {
        n++;
        s += v;
      }
    const mean = n > 0 ? s / n : 0;
    let ss = 0;
    for (const v of c) if (Number.isFinite(v)) ss += (v - mean) ** 2;
    const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
    means.push(mean);
    sds.push(sd > 1e-12 ? sd : 1);
  }
  return { means, sds };
}

/**
 * Standardised inputs are clipped to ±INPUT_CLIP standard deviations. Crime counts are sparse and
 * heavy-tailed: a column that is almost always 0 has a tiny sd, so one event became an input of 20–40
 * and the log-link output exploded (an LSTM forecast 131 events in a cell; hit rate at 5 % fell to
 * that of random on the synthetic Callao data). Clipped, it ranks like the other learners.
 */
export const INPUT_CLIP = 5;
const clip = (z: number): number => Math.min(INPUT_CLIP, Math.max(-INPUT_CLIP, z));
/** Row-major standardised copy of columns, clipped; missing (NaN, ±∞) becomes 0, the mean. */
function standardiseColumns(columns: readonly Float32Array[], st: Standardisation, n: number): Float32Array {
  const p = columns.length;
  const out = new Float32Array(n * p);
  for (let j = 0; j < p; j++) {
    const c = columns[j] as Float32Array;
    const m = st.means[j] as number;
    const sd = st.sds[j] as number;
    for (let i = 0; i < n; i++) {
      const v = c[i] as number;
      out[i * p + j] = Number.isFinite(v) ? clip((v - m) / sd) : 0;
    }
  }
  return out;
}

/** Channel statistics of a rows × steps × channels sequence block, and its standardised copy. */
function channelStandardisation(seq: Float32Array, channels: number): Standardisation {
  const cols = Array.from({ length: channels }, (_, k) => {
    const c = new Float32Array(seq.length / channels);
    for (let i = 0; i < c.length; i++) c[i] = seq[i * channels + k] as number;
    return c;
  });
  return fitStandardisation(cols);
}
function standardiseSequence(seq: Float32Array, channels: number, st: Standardisation): Float32Array {
  const out = new Float32Array(seq.length);
  for (let i = 0; i < seq.length; i++) {
    const k = i % channels;
    const v = seq[i] as number;
    out[i] = Number.isFinite(v) ? clip((v - (st.means[k] as number)) / (st.sds[k] as number)) : 0;
  }
  return out;
}

function checkTargets(y: ArrayLike<number>, n: number, loss: NnLoss, classes: number): void {
  if (y == null || y.length !== n) throw new ValidationError('y', `debe tener ${n} valores, uno por fila`);
  for (let i = 0; i < n; i++) {
    const v = y[i] as number;
    if (
      loss === 'poisson' ? !(Number.isFinite(v) && v >= 0) : !(Number.isInteger(v) && v >= 0 && v < classes)
    )
      throw new ValidationError(
        `y[${i}]`,
        loss === 'poisson'
          ? `debe ser un conteo ≥ 0 finito (es ${v})`
          : `debe ser una clase entera entre 0 y ${classes - 1} (es ${v})`,
      );
  }
}

/**
 * Mean Poisson deviance 2·mean(y·log(y/μ) − (y − μ)) of rates, or log loss −mean(log p_y) of class
 * probabilities given row-major (rows × K).
 */
export function nnLoss(loss: NnLoss, y: ArrayLike<number>, pred: ArrayLike<number>): number {
  let s = 0;
  const n = y.length;
  if (loss === 'poisson')
    for (let i = 0; i < n; i++) {
      const t = y[i] as number;
      const mu = Math.max(pred[i] as number, 1e-300);
      s += 2 * ((t > 0 ? t * Math.log(t / mu) : 0) - (t - mu));
    }
  else {
    const k = pred.length / n;
    for (let i = 0; i < n; i++) s -= Math.log(Math.max(pred[i * k + (y[i] as number)] as number, 1e-15));
  }
  return s / n;
}

/** The rows a model is fed: row-major blocks (sequence and/or features) of equal row count. */
interface Inputs {
  readonly rows: number;
  /** Row-major blocks and the row length of each (first the sequence block for an LSTM). */
  readonly blocks: readonly { readonly data: Float32Array; readonly shape: readonly number[] }[];
}

/** Tensors of rows `idx` (or `start … end`) of every block. */
function batchTensors(inputs: Inputs, idx: Int32Array | null, start: number, end: number): TF.Tensor[] {
  const count = idx ? idx.length : end - start;
  return inputs.blocks.map(({ data, shape }) => {
    const width = shape.reduce((a, d) => a * d, 1);
    let values: Float32Array;
    if (idx) {
      values = new Float32Array(count * width);
      for (let r = 0; r < count; r++) {
        const from = (idx[r] as number) * width;
        values.set(data.subarray(from, from + width), r * width);
      }
    } else values = data.subarray(start * width, end * width);
    return tf.tensor(values, [count, ...shape], 'float32');
  });
}

/** Raw outputs (log rates or logits), rows × outputs, row-major. */
function predictRaw(model: TF.LayersModel, inputs: Inputs, outputs: number): Float32Array {
  const out = new Float32Array(inputs.rows * outputs);
  for (let start = 0; start < inputs.rows; start += PREDICT_CHUNK) {
    const end = Math.min(inputs.rows, start + PREDICT_CHUNK);
    const values = tf.tidy(() => {
      const xs = batchTensors(inputs, null, start, end);
      const z = model.predict(xs.length === 1 ? (xs[0] as TF.Tensor) : xs) as TF.Tensor;
      return z.dataSync() as Float32Array;
    });
    out.set(values, start * outputs);
  }
  return out;
}

/** Rates (exp of the log rate) or probabilities (softmax of the logits per row). */
function link(loss: NnLoss, raw: Float32Array, outputs: number): Float64Array {
  const out = new Float64Array(raw.length);
  if (loss === 'poisson') {
    for (let i = 0; i < raw.length; i++) out[i] = Math.exp(raw[i] as number);
    return out;
  }
  for (let r = 0; r < raw.length; r += outputs) {
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < outputs; k++) max = Math.max(max, raw[r + k] as number);
    let s = 0;
    for (let k = 0; k < outputs; k++) {
      const e = Math.exp((raw[r + k] as number) - max);
      out[r + k] = e;
      s += e;
    }
    for (let k = 0; k < outputs; k++) out[r + k] = (out[r + k] as number) / s;
  }
  return out;
}

/** A trained network: immutable; call `dispose()` to free its weights. */
export class NnModel {
  private constructor(
    readonly settings: NnSettings,
    readonly features: Standardisation,
    readonly sequence: Standardisation,
    readonly history: NnHistory,
    private readonly model: TF.LayersModel,
    private readonly saved: TfModelJson,
  ) {}

  /** @internal used by the fit functions and `fromArtifact`. */
  static async create(
    settings: NnSettings,
    features: Standardisation,
    sequence: Standardisation,
    history: NnHistory,
    model: TF.LayersModel,
  ): Promise<NnModel> {
    return new NnModel(settings, features, sequence, history, model, await saveTfModel(model));
  }

  private mlpInputs(columns: readonly Float32Array[]): Inputs {
    if (this.settings.architecture !== 'mlp')
      throw new ValidationError('columns', 'este modelo es una LSTM: use predictSequences');
    const n = columnRows(columns, 'columns', 0);
    if (columns.length !== this.features.means.length)
      throw new ValidationError(
        'columns',
        `se esperaban ${this.features.means.length} variables, hay ${columns.length}`,
      );
    const p = columns.length;
    return { rows: n, blocks: [{ data: standardiseColumns(columns, this.features, n), shape: [p] }] };
  }

  /**
   * MLP: Poisson rates (≥ 0) per row; for a softmax network, the most likely class of each row.
   */
  predict(columns: readonly Float32Array[]): Float64Array {
    const { loss, outputs } = this.settings;
    const raw = predictRaw(this.model, this.mlpInputs(columns), outputs);
    if (loss === 'poisson') return link(loss, raw, outputs);
    const out = new Float64Array(raw.length / outputs);
    for (let i = 0; i < out.length; i++) {
      let best = 0;
      for (let k = 1; k < outputs; k++)
        if ((raw[i * outputs + k] as number) > (raw[i * outputs + best] as number)) best = k;
      out[i] = best;
    }
    return out;
  }

  /** Softmax MLP: class probabilities, rows × K row-major (each row sums to 1). */
  predictProba(columns: readonly Float32Array[]): Float64Array {
    if (this.settings.loss !== 'softmax')
      throw new ValidationError('loss', 'predictProba es solo para redes softmax');
    return link(
      'softmax',
      predictRaw(this.model, this.mlpInputs(columns), this.settings.outputs),
      this.settings.outputs,
    );
  }

  /** LSTM: Poisson rates of rows given as a rows × steps × channels block and the static columns. */
  predictSequences(sequences: Float32Array, staticColumns?: readonly Float32Array[] | null): Float64Array {
    if (this.settings.architecture !== 'lstm')
      throw new ValidationError('sequences', 'este modelo es un MLP: use predict');
    const inputs = lstmInputs(this.settings, sequences, staticColumns ?? [], this.sequence, this.features);
    return link('poisson', predictRaw(this.model, inputs, 1), 1);
  }

  /** The JSON artifact (topology, base64 weights, standardisation, settings, history). */
  toArtifact(): NnArtifact {
    return {
      kind: 'nn',
      version: 1,
      settings: this.settings,
      features: this.features,
      sequence: this.sequence,
      history: this.history,
      model: this.saved,
    };
  }

  /** A model from its artifact; a malformed artifact is a `ValidationError` naming the field. */
  static async fromArtifact(json: unknown): Promise<NnModel> {
    await tfReady();
    if (json == null || typeof json !== 'object') throw new ValidationError('artifact', 'debe ser un objeto');
    const a = json as Partial<Record<keyof NnArtifact, unknown>>;
    if (a.kind !== 'nn' || a.version !== 1)
      throw new ValidationError('artifact.kind', 'no es un artefacto de red neuronal (kind "nn", versión 1)');
    const s = a.settings as NnSettings | undefined;
    if (s == null || typeof s !== 'object') throw new ValidationError('artifact.settings', 'falta');
    if (s.architecture !== 'mlp' && s.architecture !== 'lstm')
      throw new ValidationError('artifact.settings.architecture', 'debe ser "mlp" o "lstm"');
    if (s.loss !== 'poisson' && s.loss !== 'softmax')
      throw new ValidationError('artifact.settings.loss', 'debe ser "poisson" o "softmax"');
    const outputs = int('artifact.settings.outputs', s.outputs, 1, 100_000);
    const features = readStandardisation(a.features, 'artifact.features');
    const sequence = readStandardisation(a.sequence, 'artifact.sequence');
    const h = a.history as NnHistory | undefined;
    if (h == null || !Array.isArray(h.validationLoss)) throw new ValidationError('artifact.history', 'falta');
    const model = await loadTfModel(a.model, 'artifact.model');
    const expected =
      s.architecture === 'mlp'
        ? [[null, features.means.length]]
        : [
            [null, s.steps, s.channels],
            ...(features.means.length > 0 ? [[null, features.means.length]] : []),
          ];
    const actual = model.inputs.map((t) => t.shape);
    const outShape = model.outputs.map((t) => t.shape);
    if (
      JSON.stringify(actual) !== JSON.stringify(expected) ||
      JSON.stringify(outShape) !== JSON.stringify([[null, outputs]])
    ) {
      model.dispose();
      throw new ValidationError(
        'artifact.model',
        `las entradas/salidas de la red (${JSON.stringify(actual)} → ${JSON.stringify(outShape)}) no concuerdan con la estandarización y los ajustes`,
      );
    }
    return new NnModel(s, features, sequence, h, model, a.model as TfModelJson);
  }

  /** Frees the weights (the model cannot predict afterwards). */
  dispose(): void {
    this.model.dispose();
  }
}

function readStandardisation(v: unknown, field: string): Standardisation {
  const o = v as Standardisation | null;
  const ok = (a: unknown): a is number[] => Array.isArray(a) && a.every((x) => Number.isFinite(x));
  if (o == null || typeof o !== 'object' || !ok(o.means) || !ok(o.sds) || o.means.length !== o.sds.length)
    throw new ValidationError(field, 'debe tener listas means y sds numéricas de igual longitud');
  if (o.sds.some((x) => x <= 0)) throw new ValidationError(`${field}.sds`, 'deben ser > 0');
  return { means: o.means, sds: o.sds };
}

function lstmInputs(
  settings: { steps: number; channels: number },
  sequences: Float32Array,
  staticColumns: readonly Float32Array[],
  sequenceSt: Standardisation,
  staticSt: Standardisation,
): Inputs {
  const { steps, channels } = settings;
  if (!(sequences instanceof Float32Array))
    throw new ValidationError('sequences', 'debe ser un Float32Array');
  const width = steps * channels;
  if (sequences.length % width !== 0)
    throw new ValidationError(
      'sequences',
      `su longitud (${sequences.length}) no es múltiplo de steps × channels (${width})`,
    );
  const n = sequences.length / width;
  columnRows(staticColumns, 'static', n);
  if (staticColumns.length > 0 && (staticColumns[0] as Float32Array).length !== n)
    throw new ValidationError(
      'static',
      `las columnas tienen ${(staticColumns[0] as Float32Array).length} filas y las secuencias ${n}`,
    );
  if (staticColumns.length !== staticSt.means.length)
    throw new ValidationError(
      'static',
      `se esperaban ${staticSt.means.length} columnas, hay ${staticColumns.length}`,
    );
  const blocks = [{ data: standardiseSequence(sequences, channels, sequenceSt), shape: [steps, channels] }];
  if (staticColumns.length > 0)
    blocks.push({ data: standardiseColumns(staticColumns, staticSt, n), shape: [staticColumns.length] });
  return { rows: n, blocks };
}

/** Seeded Fisher–Yates shuffle in place. */
function shuffle(a: Int32Array, random: () => number): Int32Array {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = a[i] as number;
    a[i] = a[j] as number;
    a[j] = t;
  }
  return a;
}

/** Sets the output layer's bias so that the untrained network predicts the mean rate or the prior. */
function initialOutputBias(loss: NnLoss, y: ArrayLike<number>, rows: Int32Array, outputs: number): number[] {
  if (loss === 'poisson') {
    let s = 0;
    for (const i of rows) s += y[i] as number;
    const mean = s / rows.length;
    return [mean > 0 ? Math.max(Math.log(mean), MIN_LOG_RATE) : MIN_LOG_RATE];
  }
  const counts = new Array<number>(outputs).fill(1); // add-one, so that no class starts at −∞
  for (const i of rows) counts[y[i] as number] = (counts[y[i] as number] as number) + 1;
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => Math.log(c / total));
}

/** Adds the dense ReLU layers and the linear output layer after `h`, with seeded initialisers. */
function denseHead(
  h: TF.SymbolicTensor,
  hidden: readonly number[],
  outputs: number,
  seed: number,
  bias: readonly number[],
): TF.SymbolicTensor {
  let x = h;
  hidden.forEach((units, i) => {
    x = tf.layers
      .dense({
        units,
        activation: 'relu',
        kernelInitializer: tf.initializers.heNormal({ seed: seed + 10 + i }),
      })
      .apply(x) as TF.SymbolicTensor;
  });
  const out = tf.layers.dense({
    units: outputs,
    kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 10 + hidden.length }),
    biasInitializer: tf.initializers.zeros(),
  });
  const z = out.apply(x) as TF.SymbolicTensor;
  tf.tidy(() => {
    const [kernel] = out.getWeights();
    out.setWeights([kernel as TF.Tensor, tf.tensor1d([...bias])]);
  });
  return z;
}

/** The shared training loop: seeded split and batches, Adam, early stopping on the best epoch. */
async function train(
  model: TF.LayersModel,
  inputs: Inputs,
  y: ArrayLike<number>,
  settings: NnSettings,
  order: Int32Array,
  nValidation: number,
  random: () => number,
  onEpoch: NnTrainOptions['onEpoch'],
): Promise<NnHistory> {
  const { loss, outputs, epochs, batchSize, patience, learningRate } = settings;
  const trainRows = order.slice(nValidation);
  const validationRows = order.slice(0, nValidation);
  const validation: Inputs | null =
    nValidation > 0
      ? {
          rows: nValidation,
          blocks: inputs.blocks.map(({ data, shape }) => {
            const width = shape.reduce((a, d) => a * d, 1);
            const sub = new Float32Array(nValidation * width);
            validationRows.forEach((r, k) => {
              sub.set(data.subarray(r * width, (r + 1) * width), k * width);
            });
            return { data: sub, shape };
          }),
        }
      : null;
  const yValidation = Float64Array.from(validationRows, (r) => y[r] as number);
  const optimizer = tf.train.adam(learningRate);
  const history: number[] = [];
  let best = Number.POSITIVE_INFINITY;
  let bestEpoch = 0;
  let bestWeights: TF.Tensor[] | null = null;
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      shuffle(trainRows, random);
      for (let start = 0; start < trainRows.length; start += batchSize) {
        const idx = trainRows.subarray(start, Math.min(trainRows.length, start + batchSize));
        tf.tidy(() => {
          const xs = batchTensors(inputs, idx, 0, 0);
          const target = Float32Array.from(idx, (r) => y[r] as number);
          optimizer.minimize(() => {
            const z = model.apply(xs.length === 1 ? (xs[0] as TF.Tensor) : xs, {
              training: true,
            }) as TF.Tensor;
            if (loss === 'poisson') {
              const t = tf.tensor2d(target, [idx.length, 1]);
              return tf.mean(tf.sub(tf.exp(z), tf.mul(t, z))) as TF.Scalar;
            }
            const onehot = tf.oneHot(tf.tensor1d(Int32Array.from(target), 'int32'), outputs);
            return tf.losses.softmaxCrossEntropy(onehot, z) as TF.Scalar;
          });
        });
      }
      let v: number | null = null;
      if (validation) {
        v = nnLoss(loss, yValidation, link(loss, predictRaw(model, validation, outputs), outputs));
        history.push(v);
        if (v < best - 1e-9 * Math.abs(best) || !Number.isFinite(best)) {
          best = v;
          bestEpoch = epoch;
          for (const w of bestWeights ?? []) w.dispose();
          bestWeights = model.getWeights().map((w) => w.clone());
        }
      } else bestEpoch = epoch;
      onEpoch?.(epoch, v);
      if (epoch - bestEpoch >= patience) break;
      await new Promise((r) => setImmediate(r)); // let the event loop breathe between epochs
    }
    if (bestWeights && bestEpoch < history.length) model.setWeights(bestWeights);
  } finally {
    for (const w of bestWeights ?? []) w.dispose();
    optimizer.dispose();
  }
  return { epochs: validation ? history.length : bestEpoch, bestEpoch, validationLoss: history };
}

/** Seeded validation split: a permutation whose first `nValidation` rows are held out. */
function split(
  n: number,
  validationFraction: number,
  random: () => number,
): { order: Int32Array; nValidation: number } {
  const nValidation = Math.round(n * validationFraction);
  if (validationFraction > 0 && (nValidation < 1 || n - nValidation < 1))
    throw new ValidationError(
      'validationFraction',
      `con ${n} filas deja vacía la validación o el entrenamiento`,
    );
  const order = shuffle(
    Int32Array.from({ length: n }, (_, i) => i),
    random,
  );
  return { order, nValidation };
}

/**
 * Trains a feed-forward network on feature columns (NaN/±∞ = missing → the column mean).
 * Targets: counts ≥ 0 (`poisson`) or classes 0 … K − 1 (`softmax`, `classes` = K).
 */
export async function fitMlp(
  columns: readonly Float32Array[],
  y: ArrayLike<number>,
  options: MlpOptions = {},
): Promise<NnModel> {
  const loss = options.loss ?? 'poisson';
  if (loss !== 'poisson' && loss !== 'softmax')
    throw new ValidationError('loss', 'debe ser "poisson" o "softmax"');
  const outputs = loss === 'softmax' ? int('classes', options.classes ?? Number.NaN, 2, 10_000) : 1;
  const training = resolveTraining(options, [32, 16]);
  const n = columnRows(columns, 'columns', 0);
  if (columns.length === 0) throw new ValidationError('columns', 'hace falta al menos una variable');
  if (n < 2) throw new ValidationError('columns', `hacen falta al menos 2 filas (hay ${n})`);
  checkTargets(y, n, loss, outputs);
  await tfReady();
  const settings: NnSettings = {
    architecture: 'mlp',
    loss,
    outputs,
    ...training,
    steps: 0,
    channels: 0,
    units: 0,
  };
  const random = mulberry32(training.seed);
  const { order, nValidation } = split(n, training.validationFraction, random);
  const features = fitStandardisation(columns);
  const inputs: Inputs = {
    rows: n,
    blocks: [{ data: standardiseColumns(columns, features, n), shape: [columns.length] }],
  };
  const input = tf.input({ shape: [columns.length] });
  const bias = initialOutputBias(loss, y, order.subarray(nValidation), outputs);
  const model = tf.model({
    inputs: input,
    outputs: denseHead(input, training.hiddenLayers, outputs, training.seed, bias),
  });
  return finish(
    model,
    inputs,
    y,
    settings,
    order,
    nValidation,
    random,
    features,
    { means: [], sds: [] },
    options.onEpoch,
  );
}

async function finish(
  model: TF.LayersModel,
  inputs: Inputs,
  y: ArrayLike<number>,
  settings: NnSettings,
  order: Int32Array,
  nValidation: number,
  random: () => number,
  features: Standardisation,
  sequence: Standardisation,
  onEpoch: NnTrainOptions['onEpoch'],
): Promise<NnModel> {
  try {
    const history = await train(model, inputs, y, settings, order, nValidation, random, onEpoch);
    return await NnModel.create(settings, features, sequence, history, model);
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/**
 * Trains an LSTM over each row's sequence (`sequences`: rows × steps × channels, row-major, oldest
 * step first) with optional static columns joined to its output; Poisson output (rates).
 */
export async function fitLstm(
  sequences: Float32Array,
  staticColumns: readonly Float32Array[] | null | undefined,
  y: ArrayLike<number>,
  options: LstmOptions,
): Promise<NnModel> {
  if (options == null) throw new ValidationError('options', 'hacen falta steps y channels');
  const steps = int('steps', options.steps, 1, 10_000);
  const channels = int('channels', options.channels, 1, 10_000);
  const units = int('units', options.units ?? 16, 1, 4096);
  const training = resolveTraining(options, [16]);
  const statics = staticColumns ?? [];
  if (!(sequences instanceof Float32Array))
    throw new ValidationError('sequences', 'debe ser un Float32Array');
  const sequence = channelStandardisation(sequences, channels);
  const features = fitStandardisation(statics);
  const inputs = lstmInputs({ steps, channels }, sequences, statics, sequence, features);
  const n = inputs.rows;
  if (n < 2) throw new ValidationError('sequences', `hacen falta al menos 2 filas (hay ${n})`);
  checkTargets(y, n, 'poisson', 1);
  await tfReady();
  const settings: NnSettings = {
    architecture: 'lstm',
    loss: 'poisson',
    outputs: 1,
    ...training,
    steps,
    channels,
    units,
  };
  const random = mulberry32(training.seed);
  const { order, nValidation } = split(n, training.validationFraction, random);
  const seqIn = tf.input({ shape: [steps, channels] });
  const ins = [seqIn];
  let h = tf.layers
    .lstm({
      units,
      kernelInitializer: tf.initializers.glorotUniform({ seed: training.seed + 1 }),
      recurrentInitializer: tf.initializers.orthogonal({ seed: training.seed + 2, gain: 1 }),
    })
    .apply(seqIn) as TF.SymbolicTensor;
  if (statics.length > 0) {
    const staticIn = tf.input({ shape: [statics.length] });
    ins.push(staticIn);
    h = tf.layers.concatenate().apply([h, staticIn]) as TF.SymbolicTensor;
  }
  const bias = initialOutputBias('poisson', y, order.subarray(nValidation), 1);
  const model = tf.model({
    inputs: ins,
    outputs: denseHead(h, training.hiddenLayers, 1, training.seed, bias),
  });
  return finish(model, inputs, y, settings, order, nValidation, random, features, sequence, options.onEpoch);
}

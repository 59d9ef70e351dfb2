/**
 * TensorFlow.js models to and from a plain JSON-serialisable object (no filesystem, no HTTP): the
 * layers topology, the weight manifest and the weights as one base64 string. The store keeps it
 * inside a model artifact (PostgreSQL); `loadTfModel` checks it before tfjs reads it.
 */

import type * as TF from '@tensorflow/tfjs';
import { ValidationError } from '../core/errors.ts';
import { tf, tfReady } from './tf.ts';

/** A saved layers model: topology, weight specs and the weight bytes (little-endian) as base64. */
export interface TfModelJson {
  readonly modelTopology: object;
  readonly weightSpecs: readonly TF.io.WeightsManifestEntry[];
  readonly weightData: string;
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

/** An `IOHandler` whose `save` hands the artifacts to `sink` as a `TfModelJson`. */
export function plainSaveHandler(sink: (json: TfModelJson) => void): TF.io.IOHandler {
  return {
    save: async (artifacts) => {
      if (artifacts.modelTopology == null || artifacts.modelTopology instanceof ArrayBuffer)
        throw new ValidationError('modelTopology', 'el modelo no tiene topología JSON');
      const data = tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? new ArrayBuffer(0));
      sink({
        modelTopology: artifacts.modelTopology,
        weightSpecs: artifacts.weightSpecs ?? [],
        weightData: Buffer.from(data).toString('base64'),
      });
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
  };
}

/** An `IOHandler` whose `load` gives the model in `json` (checked: see `checkTfModelJson`). */
export function plainLoadHandler(json: unknown, field = 'model'): TF.io.IOHandler {
  const checked = checkTfModelJson(json, field);
  return {
    load: async () => {
      const bytes = Buffer.from(checked.weightData, 'base64');
      const weightData = new ArrayBuffer(bytes.length);
      new Uint8Array(weightData).set(bytes);
      return {
        modelTopology: checked.modelTopology,
        weightSpecs: [...checked.weightSpecs],
        weightData,
      };
    },
  };
}

/** Saves a layers model as a plain object. */
export async function saveTfModel(model: TF.LayersModel): Promise<TfModelJson> {
  let out: TfModelJson | null = null;
  await model.save(
    plainSaveHandler((json) => {
      out = json;
    }),
  );
  if (out == null) throw new ValidationError('model', 'tfjs no entregó el modelo guardado');
  return out;
}

/** Loads a layers model from a plain object; a malformed one is a `ValidationError` naming `field`. */
export async function loadTfModel(json: unknown, field = 'model'): Promise<TF.LayersModel> {
  await tfReady();
  const handler = plainLoadHandler(json, field);
  try {
    return await tf.loadLayersModel(handler);
  } catch (e) {
    throw new ValidationError(
      field,
      `tfjs no pudo leer el modelo: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

/**
 * Checks the shape of a saved model: an object topology, weight specs with names, shapes and dtypes,
 * and base64 weights whose byte length is exactly what the specs need.
 */
export function checkTfModelJson(json: unknown, field = 'model'): TfModelJson {
  if (json == null || typeof json !== 'object')
    throw new ValidationError(field, 'debe ser un objeto { modelTopology, weightSpecs, weightData }');
  const o = json as Record<string, unknown>;
  if (o.modelTopology == null || typeof o.modelTopology !== 'object' || Array.isArray(o.modelTopology))
    throw new ValidationError(`${field}.modelTopology`, 'falta o no es un objeto');
  if (!Array.isArray(o.weightSpecs))
    throw new ValidationError(`${field}.weightSpecs`, 'falta o no es una lista');
  let need = 0;
  o.weightSpecs.forEach((s: unknown, i: number) => {
    const at = `${field}.weightSpecs[${i}]`;
    const spec = s as Record<string, unknown> | null;
    if (spec == null || typeof spec !== 'object' || typeof spec.name !== 'string')
      throw new ValidationError(at, 'falta el nombre del peso');
    const shape = spec.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0))
      throw new ValidationError(`${at}.shape`, 'debe ser una lista de enteros ≥ 0');
    const bytes = BYTES[spec.dtype as string];
    if (bytes == null || spec.quantization != null)
      throw new ValidationError(`${at}.dtype`, 'debe ser float32, int32 o bool (sin cuantización)');
    need += bytes * shape.reduce((a: number, d: number) => a * d, 1);
  });
  if (typeof o.weightData !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(o.weightData))
    throw new ValidationError(`${field}.weightData`, 'falta o no es texto base64');
  const have = Buffer.byteLength(o.weightData, 'base64');
  if (have !== need)
    throw new ValidationError(
      `${field}.weightData`,
      `tiene ${have} bytes y los pesos declarados necesitan ${need}`,
    );
  return {
    modelTopology: o.modelTopology,
    weightSpecs: o.weightSpecs as TF.io.WeightsManifestEntry[],
    weightData: o.weightData,
  };
}

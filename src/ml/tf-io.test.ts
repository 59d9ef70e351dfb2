import type * as TF from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.ts';
import { tf, tfReady } from './tf.ts';
import { checkTfModelJson, loadTfModel, saveTfModel } from './tf-io.ts';

/** A small seeded model: 3 inputs → 4 ReLU → 2. */
function smallModel(): TF.LayersModel {
  const input = tf.input({ shape: [3] });
  const h = tf.layers
    .dense({ units: 4, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) })
    .apply(input) as TF.SymbolicTensor;
  const out = tf.layers
    .dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) })
    .apply(h) as TF.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

const predict = (m: TF.LayersModel) =>
  tf.tidy(() => [...(m.predict(tf.tensor2d([1, -2, 0.5, 0.3, 0.1, -1], [2, 3])) as TF.Tensor).dataSync()]);

describe('tf-io', () => {
  // TensorFlow.js loads with the backend.
  beforeAll(async () => {
    await tfReady();
  });

  it('saves a layers model to a plain JSON object and loads it back with identical outputs', async () => {
    const info = await tfReady();
    expect(info.backend).toBe('wasm');
    const model = smallModel();
    const saved = await saveTfModel(model);
    expect(typeof saved.weightData).toBe('string');
    expect(saved.weightSpecs.map((s) => s.shape)).toEqual([[3, 4], [4], [4, 2], [2]]);
    expect(Buffer.from(saved.weightData, 'base64').length).toBe(4 * (12 + 4 + 8 + 2));
    const back = await loadTfModel(JSON.parse(JSON.stringify(saved)));
    expect(predict(back)).toEqual(predict(model));
    model.dispose();
    back.dispose();
  });

  it('refuses a malformed saved model with a ValidationError naming the field', async () => {
    const model = smallModel();
    const good = await saveTfModel(model);
    model.dispose();
    const bad = (json: unknown, field: string, text: RegExp) => {
      const e = (() => {
        try {
          checkTfModelJson(json, 'm');
        } catch (x) {
          return x;
        }
      })();
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).field).toBe(field);
      expect((e as Error).message).toMatch(text);
    };
    bad('text', 'm', /objeto/);
    bad({ ...good, modelTopology: [] }, 'm.modelTopology', /objeto/);
    bad({ ...good, weightSpecs: {} }, 'm.weightSpecs', /lista/);
    bad({ ...good, weightSpecs: [{ shape: [1] }] }, 'm.weightSpecs[0]', /nombre/);
    const specs = good.weightSpecs.map((s) => ({ ...s }));
    bad({ ...good, weightSpecs: [{ ...specs[0], shape: [3, -4] }] }, 'm.weightSpecs[0].shape', /enteros/);
    bad({ ...good, weightSpecs: [{ ...specs[0], dtype: 'float16' }] }, 'm.weightSpecs[0].dtype', /float32/);
    bad({ ...good, weightData: '%%%' }, 'm.weightData', /base64/);
    bad({ ...good, weightData: good.weightData.slice(0, 8) }, 'm.weightData', /bytes/);
    // Well-formed manifest, but a topology tfjs cannot build.
    const e = await loadTfModel({ ...good, modelTopology: { class_name: 'Nope', config: {} } }, 'm').catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).field).toBe('m');
  });
});

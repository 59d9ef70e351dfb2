import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.ts';
import { mulberry32 } from '../core/random.ts';
import { fitLstm, fitMlp, INPUT_CLIP, type NnArtifact, NnModel, nnLoss } from './nn.ts';
import { tf, tfReady } from './tf.ts';

/** A Poisson draw (inversion; small rates only). */
function poisson(lambda: number, random: () => number): number {
  let k = 0;
  let p = Math.exp(-lambda);
  let s = p;
  const u = random();
  while (u > s) {
    k++;
    p *= lambda / k;
    s += p;
  }
  return k;
}

/** Uniform(−1, 1) feature columns. */
function features(n: number, p: number, random: () => number): Float32Array[] {
  return Array.from({ length: p }, () => Float32Array.from({ length: n }, () => random() * 2 - 1));
}

/** Log-linear Poisson rows: rate = exp(0.2 + x0 − 0.8·x1 + 0.5·x2), x3 is noise. */
function poissonData(n: number, seed: number) {
  const random = mulberry32(seed);
  const columns = features(n, 4, random);
  const [a, b, c] = columns as [Float32Array, Float32Array, Float32Array];
  const y = Float64Array.from({ length: n }, (_, i) =>
    poisson(Math.exp(0.2 + (a[i] as number) - 0.8 * (b[i] as number) + 0.5 * (c[i] as number)), random),
  );
  return { columns, y };
}

/** Three classes with logits linear in two of three features. */
function classData(n: number, seed: number) {
  const random = mulberry32(seed);
  const columns = features(n, 3, random);
  const [a, b] = columns as [Float32Array, Float32Array];
  const y = Float64Array.from({ length: n }, (_, i) => {
    const logits = [2 * (a[i] as number), 2 * (b[i] as number), 0.5];
    const e = logits.map(Math.exp);
    const u = random() * e.reduce((s, v) => s + v, 0);
    return u < (e[0] as number) ? 0 : u < (e[0] as number) + (e[1] as number) ? 1 : 2;
  });
  return { columns, y };
}

/**
 * Sequences of the 7 daily counts before the target day in 2 channels (Poisson 2 and Poisson 1);
 * the target's rate is 0.2 + channel 0's count 7 days before it (the oldest step): only the
 * sequence can tell it.
 */
function sequenceData(n: number, seed: number) {
  const steps = 7;
  const channels = 2;
  const random = mulberry32(seed);
  const sequences = new Float32Array(n * steps * channels);
  const y = new Float64Array(n);
  const noise = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < steps; t++)
      for (let k = 0; k < channels; k++)
        sequences[(i * steps + t) * channels + k] = poisson(k === 0 ? 2 : 1, random);
    y[i] = poisson(0.2 + (sequences[(i * steps + steps - 7) * channels] as number), random);
    noise[i] = random();
  }
  return { sequences, y, noise, steps, channels };
}

const meanOf = (y: Float64Array) => y.reduce((s, v) => s + v, 0) / y.length;
const FAST = { epochs: 25, batchSize: 64, learningRate: 0.01, seed: 7 } as const;

describe('fitMlp', () => {
  it('poisson: beats the mean rate in held-out Poisson deviance on a log-linear problem', async () => {
    const train = poissonData(800, 1);
    const test = poissonData(1000, 2);
    const model = await fitMlp(train.columns, train.y, FAST);
    try {
      const rates = model.predict(test.columns);
      expect(rates.every((r) => r >= 0 && Number.isFinite(r))).toBe(true);
      const mean = new Float64Array(test.y.length).fill(meanOf(train.y));
      const nn = nnLoss('poisson', test.y, rates);
      const base = nnLoss('poisson', test.y, mean);
      expect(nn).toBeLessThan(0.8 * base);
      expect(model.history.validationLoss.length).toBe(model.history.epochs);
      expect(model.history.bestEpoch).toBeGreaterThan(0);
    } finally {
      model.dispose();
    }
  });

  it('softmax: beats the class prior in held-out log loss; rows of probabilities sum to 1', async () => {
    const train = classData(800, 3);
    const test = classData(1000, 4);
    const model = await fitMlp(train.columns, train.y, { ...FAST, loss: 'softmax', classes: 3 });
    try {
      const proba = model.predictProba(test.columns);
      expect(proba.length).toBe(3 * 1000);
      for (let i = 0; i < 1000; i++)
        expect(
          (proba[3 * i] as number) + (proba[3 * i + 1] as number) + (proba[3 * i + 2] as number),
        ).toBeCloseTo(1, 6);
      const prior = [0, 1, 2].map((k) => train.y.filter((v) => v === k).length / train.y.length);
      const priorProba = Float64Array.from({ length: 3000 }, (_, j) => prior[j % 3] as number);
      expect(nnLoss('softmax', test.y, proba)).toBeLessThan(0.85 * nnLoss('softmax', test.y, priorProba));
      const labels = model.predict(test.columns);
      for (let i = 0; i < 20; i++) {
        const row = [...proba.subarray(3 * i, 3 * i + 3)];
        expect(labels[i]).toBe(row.indexOf(Math.max(...row)));
      }
    } finally {
      model.dispose();
    }
  });

  it('is reproducible: the same seed and data give predictions equal within 1e-5 (relative)', async () => {
    const { columns, y } = poissonData(300, 5);
    const options = { epochs: 4, batchSize: 32, learningRate: 0.01, seed: 11 };
    const a = await fitMlp(columns, y, options);
    const b = await fitMlp(columns, y, options);
    const c = await fitMlp(columns, y, { ...options, seed: 12 });
    try {
      const pa = a.predict(columns);
      const pb = b.predict(columns);
      const pc = c.predict(columns);
      let same = 0;
      let other = 0;
      for (let i = 0; i < pa.length; i++) {
        const scale = Math.max(1, Math.abs(pa[i] as number));
        same = Math.max(same, Math.abs((pa[i] as number) - (pb[i] as number)) / scale);
        other = Math.max(other, Math.abs((pa[i] as number) - (pc[i] as number)) / scale);
      }
      expect(same).toBeLessThan(1e-5);
      expect(other).toBeGreaterThan(1e-3); // the seed matters
      expect(a.history).toEqual(b.history);
    } finally {
      for (const m of [a, b, c]) m.dispose();
    }
  });

  it('early stopping keeps the best validation epoch; validationFraction 0 trains every epoch', async () => {
    const { columns, y } = poissonData(300, 6);
    // A large step size overfits quickly: the validation loss rises and training stops.
    const seen: (number | null)[] = [];
    const stopped = await fitMlp(columns, y, {
      epochs: 60,
      batchSize: 16,
      learningRate: 0.05,
      patience: 2,
      seed: 1,
      hiddenLayers: [64, 64],
      onEpoch: (epoch, loss) => seen.push(epoch, loss),
    });
    const all = await fitMlp(columns, y, { epochs: 3, validationFraction: 0, seed: 1 });
    try {
      const h = stopped.history;
      expect(h.epochs).toBeLessThan(60);
      expect(h.epochs - h.bestEpoch).toBe(2);
      expect(h.validationLoss[h.bestEpoch - 1]).toBe(Math.min(...h.validationLoss));
      expect(seen).toEqual(h.validationLoss.flatMap((loss, i) => [i + 1, loss]));
      expect(all.history).toEqual({ epochs: 3, bestEpoch: 3, validationLoss: [] });
    } finally {
      stopped.dispose();
      all.dispose();
    }
  });

  it('treats NaN as missing (the column mean) and leaves no tensor behind', async () => {
    await tfReady();
    const { columns, y } = poissonData(200, 8);
    (columns[0] as Float32Array)[5] = Number.NaN;
    const before = tf.memory().numTensors;
    for (let round = 0; round < 2; round++) {
      const model = await fitMlp(columns, y, { epochs: 2, seed: round });
      const p = model.predict(columns);
      expect(Number.isFinite(p[5])).toBe(true);
      const lstm = await fitLstm(new Float32Array(200 * 3), [columns[1] as Float32Array], y, {
        steps: 3,
        channels: 1,
        epochs: 2,
      });
      lstm.predictSequences(new Float32Array(200 * 3), [columns[1] as Float32Array]);
      const back = await NnModel.fromArtifact(JSON.parse(JSON.stringify(model.toArtifact())));
      back.predict(columns);
      for (const m of [model, lstm, back]) m.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});

describe('input clipping', () => {
  it('clips a sparse column at ±INPUT_CLIP sd: one rare event and a hundred give the same input', async () => {
    // 1 % of rows hold a 1 (sd ≈ 0.1, so a 1 standardises to ≈ 10, beyond the clip).
    const n = 400;
    const sparse = Float32Array.from({ length: n }, (_, i) => (i % 100 === 0 ? 1 : 0));
    const y = Float64Array.from({ length: n }, (_, i) => (i % 100 === 0 ? 3 : i % 7 === 0 ? 1 : 0));
    const model = await fitMlp([sparse], y, { ...FAST, epochs: 3 });
    try {
      const [one, hundred, zero] = model.predict([Float32Array.from([1, 100, 0])]);
      expect(INPUT_CLIP).toBe(5);
      expect(hundred).toBe(one);
      expect(one).not.toBe(zero);
      expect(Number.isFinite(one)).toBe(true);
    } finally {
      model.dispose();
    }
  });
});

describe('fitLstm', () => {
  it('learns a target that depends on the count 7 steps back, better than the mean rate', async () => {
    const train = sequenceData(600, 9);
    const test = sequenceData(800, 10);
    const options = {
      ...FAST,
      steps: train.steps,
      channels: train.channels,
      units: 8,
      epochs: 30,
      learningRate: 0.02,
      patience: 5,
      validationFraction: 0.2,
    };
    const model = await fitLstm(train.sequences, null, train.y, options);
    try {
      const rates = model.predictSequences(test.sequences);
      const mean = new Float64Array(test.y.length).fill(meanOf(train.y));
      expect(nnLoss('poisson', test.y, rates)).toBeLessThan(0.8 * nnLoss('poisson', test.y, mean));
    } finally {
      model.dispose();
    }
  });

  it('takes static columns after the LSTM and round-trips through its artifact', async () => {
    const d = sequenceData(200, 11);
    const options = { steps: d.steps, channels: d.channels, units: 4, epochs: 2, seed: 3 };
    const model = await fitLstm(d.sequences, [d.noise], d.y, options);
    const artifact = JSON.parse(JSON.stringify(model.toArtifact())) as NnArtifact;
    const back = await NnModel.fromArtifact(artifact);
    try {
      expect(artifact.settings).toMatchObject({
        architecture: 'lstm',
        steps: 7,
        channels: 2,
        units: 4,
        hiddenLayers: [16],
      });
      expect(back.predictSequences(d.sequences, [d.noise])).toEqual(
        model.predictSequences(d.sequences, [d.noise]),
      );
      expect(() => model.predictSequences(d.sequences)).toThrow(/static/);
      expect(() => model.predict([d.noise])).toThrow(ValidationError);
    } finally {
      model.dispose();
      back.dispose();
    }
  });
});

describe('artifacts', () => {
  it('an MLP (poisson and softmax) loads back from JSON with identical predictions', async () => {
    const p = poissonData(200, 12);
    const c = classData(200, 13);
    const models = [
      await fitMlp(p.columns, p.y, { epochs: 2, seed: 4 }),
      await fitMlp(c.columns, c.y, { epochs: 2, seed: 4, loss: 'softmax', classes: 3, hiddenLayers: [8] }),
    ];
    for (const [k, model] of models.entries()) {
      const columns = k === 0 ? p.columns : c.columns;
      const text = JSON.stringify(model.toArtifact());
      const back = await NnModel.fromArtifact(JSON.parse(text));
      expect(back.settings).toEqual(model.settings);
      expect(back.history).toEqual(model.history);
      expect(back.predict(columns)).toEqual(model.predict(columns));
      if (k === 1) expect(back.predictProba(columns)).toEqual(model.predictProba(columns));
      expect(JSON.stringify(back.toArtifact())).toBe(text);
      back.dispose();
      model.dispose();
    }
  });

  it('a bad artifact is a ValidationError naming the field', async () => {
    const { columns, y } = poissonData(100, 14);
    const model = await fitMlp(columns, y, { epochs: 1, seed: 1 });
    const good = model.toArtifact();
    model.dispose();
    const bad = async (a: unknown, field: string) => {
      const e = await NnModel.fromArtifact(a).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).field).toBe(field);
    };
    await bad(null, 'artifact');
    await bad({ ...good, kind: 'gbt' }, 'artifact.kind');
    await bad({ ...good, features: { means: [0], sds: [1, 2] } }, 'artifact.features');
    await bad({ ...good, features: { means: [0, 0, 0], sds: [1, 1, 1] } }, 'artifact.model');
    await bad(
      { ...good, model: { ...good.model, weightData: good.model.weightData.slice(0, 40) } },
      'artifact.model.weightData',
    );
    await bad({ ...good, model: { ...good.model, modelTopology: { nonsense: true } } }, 'artifact.model');
  });
});

describe('errors', () => {
  it('bad input and options are ValidationErrors naming the field, in Spanish', async () => {
    const { columns, y } = poissonData(50, 15);
    const err = async (p: Promise<unknown>, field: string, text: RegExp) => {
      const e = await p.catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).field).toBe(field);
      expect((e as Error).message).toMatch(text);
    };
    const negative = Float64Array.from(y);
    negative[3] = -1;
    await err(fitMlp(columns, negative), 'y[3]', /conteo ≥ 0/);
    await err(fitMlp(columns, y.subarray(1)), 'y', /debe tener 50 valores/);
    await err(fitMlp([columns[0] as Float32Array, new Float32Array(3)], y), 'columns[1]', /filas/);
    await err(fitMlp(columns, y, { loss: 'softmax' }), 'classes', /entero/);
    await err(
      fitMlp(columns, new Float64Array(50).fill(5), { loss: 'softmax', classes: 2 }),
      'y[0]',
      /clase entera/,
    );
    await err(fitMlp(columns, y, { epochs: 0 }), 'epochs', /entero/);
    await err(fitMlp(columns, y, { hiddenLayers: [8, 0] }), 'hiddenLayers[1]', /entero/);
    await err(fitMlp(columns, y, { validationFraction: 0.5 }), 'validationFraction', /\[0, 0.5\)/);
    await err(fitMlp(columns, y, { learningRate: 0 }), 'learningRate', /excluidos/);
    await err(fitLstm(new Float32Array(50), null, y, { steps: 7, channels: 1 }), 'sequences', /múltiplo/);
    await err(fitLstm(new Float32Array(50 * 7), null, y, { steps: 7, channels: 0 }), 'channels', /entero/);
    await err(
      fitLstm(new Float32Array(50 * 7), [new Float32Array(49)], y, { steps: 7, channels: 1 }),
      'static',
      /filas/,
    );
  });
});

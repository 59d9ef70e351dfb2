import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.ts';
import { mulberry32 } from '../core/random.ts';
import { fitGbt, GbtModel, type GbtOptions, meanLoss } from './gbt.ts';

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

/** n rows of `features` uniform(−1, 1) columns and the target drawn from `truth` (seeded). */
function dataset(
  n: number,
  features: number,
  seed: number,
  draw: (x: number[], random: () => number) => [number, number],
) {
  const random = mulberry32(seed);
  const columns = Array.from({ length: features }, () => new Float32Array(n));
  const y = new Float64Array(n);
  const truth = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = columns.map((c) => {
      c[i] = random() * 2 - 1;
      return c[i] as number;
    });
    [truth[i], y[i]] = draw(x, random);
  }
  return { columns, y, truth };
}

const poissonData = (n: number, seed: number) =>
  dataset(n, 5, seed, ([x1, x2, x3], random) => {
    const lambda = Math.exp(0.5 * (x1 as number) - (x2 as number) * ((x3 as number) > 0 ? 1 : 0));
    return [lambda, poisson(lambda, random)];
  });

describe('fitGbt', () => {
  it('poisson: recovers λ = exp(0.5·x1 − x2·[x3 > 0]) with held-out deviance close to the true model', () => {
    const train = poissonData(20_000, 1);
    const test = poissonData(20_000, 2);
    const model = fitGbt(train.columns, train.y, { loss: 'poisson', iterations: 100, seed: 1 });
    const ours = meanLoss('poisson', test.y, model.predict(test.columns));
    const truth = meanLoss('poisson', test.y, test.truth);
    const mean = train.y.reduce((a, b) => a + b, 0) / train.y.length;
    const constant = meanLoss('poisson', test.y, new Float64Array(test.y.length).fill(mean));
    // the true model explains (constant − truth); we must get at least 90 % of that, within 2 %
    expect(ours).toBeLessThan(truth * 1.02);
    expect(constant - ours).toBeGreaterThan(0.9 * (constant - truth));
    // predictions are rates close to the true ones
    const pred = model.predict(test.columns);
    let err = 0;
    for (let i = 0; i < pred.length; i++)
      err += Math.abs(Math.log((pred[i] as number) / (test.truth[i] as number)));
    expect(err / pred.length).toBeLessThan(0.12);
  });

  it('poisson with row subsampling and early stopping (each new tree applied on its own) still recovers λ', () => {
    const train = poissonData(20_000, 1);
    const test = poissonData(20_000, 2);
    const model = fitGbt(train.columns, train.y, {
      loss: 'poisson',
      iterations: 150,
      seed: 1,
      subsample: 0.7,
      earlyStopping: { validationFraction: 0.2, patience: 20 },
    });
    const ours = meanLoss('poisson', test.y, model.predict(test.columns));
    const truth = meanLoss('poisson', test.y, test.truth);
    const mean = train.y.reduce((a, b) => a + b, 0) / train.y.length;
    const constant = meanLoss('poisson', test.y, new Float64Array(test.y.length).fill(mean));
    expect(ours).toBeLessThan(truth * 1.03);
    expect(constant - ours).toBeGreaterThan(0.85 * (constant - truth));
  });

  it('logistic: log loss well below the prior’s and near the true function’s; outputs are probabilities', () => {
    const draw = ([x1, x2]: number[], random: () => number): [number, number] => {
      const p = 1 / (1 + Math.exp(-(3 * (x1 as number) - 4 * (x2 as number) ** 2 + 1)));
      return [p, random() < p ? 1 : 0];
    };
    const train = dataset(20_000, 4, 3, draw);
    const test = dataset(20_000, 4, 4, draw);
    const model = fitGbt(train.columns, train.y, { loss: 'logistic', iterations: 100, seed: 1 });
    const pred = model.predict(test.columns);
    for (const p of pred) expect(p > 0 && p < 1).toBe(true);
    const prior = train.y.reduce((a, b) => a + b, 0) / train.y.length;
    const priorLoss = meanLoss('logistic', test.y, new Float64Array(test.y.length).fill(prior));
    const truth = meanLoss('logistic', test.y, test.truth);
    const ours = meanLoss('logistic', test.y, pred);
    expect(ours).toBeLessThan(truth * 1.03);
    expect(priorLoss - ours).toBeGreaterThan(0.9 * (priorLoss - truth));
  });

  it('is deterministic: the same seed and data give identical trees (also with subsampling)', () => {
    const { columns, y } = poissonData(5_000, 5);
    const options: GbtOptions = {
      loss: 'poisson',
      iterations: 20,
      subsample: 0.7,
      featureFraction: 0.6,
      seed: 9,
    };
    const a = JSON.stringify(fitGbt(columns, y, options).toArtifact());
    const b = JSON.stringify(fitGbt(columns, y, options).toArtifact());
    expect(b).toBe(a);
    expect(JSON.stringify(fitGbt(columns, y, { ...options, seed: 10 }).toArtifact())).not.toBe(a);
  });

  it('threads: deterministic for a thread count, and the same model as one thread up to rounding', () => {
    const { columns, y } = poissonData(60_000, 12); // nodes above 16,384 rows are split over the threads
    const options: GbtOptions = { loss: 'poisson', iterations: 15, seed: 3 };
    const two = fitGbt(columns, y, { ...options, threads: 2 });
    expect(JSON.stringify(fitGbt(columns, y, { ...options, threads: 2 }).toArtifact())).toBe(
      JSON.stringify(two.toArtifact()),
    );
    const one = fitGbt(columns, y, options);
    expect(Array.from(two.nodes.feature)).toEqual(Array.from(one.nodes.feature));
    expect(Array.from(two.nodes.bin)).toEqual(Array.from(one.nodes.bin));
    const [a, b] = [one.predict(columns), two.predict(columns)];
    for (let i = 0; i < a.length; i += 97)
      expect(Math.abs((a[i] as number) / (b[i] as number) - 1)).toBeLessThan(1e-9);
    expect(() => fitGbt(columns, y, { ...options, threads: 0 })).toThrow(/threads/);
  });

  it('kernels: the WebAssembly and JavaScript histogram loops give the same trees, bit for bit', () => {
    const train = poissonData(20_000, 21); // the root's 20,000 rows are split over 2 threads
    const test = poissonData(5_000, 22);
    // 70 leaves: more histograms than the WebAssembly memory keeps (the rest summed through its scratch)
    const base: GbtOptions = { loss: 'poisson', iterations: 6, maxLeaves: 70, seed: 4 };
    for (const options of [base, { ...base, threads: 2 }, { ...base, loss: 'logistic' as const }]) {
      const y = options.loss === 'logistic' ? train.y.map((v) => (v > 0 ? 1 : 0)) : train.y;
      const [js, wasm] = (['js', 'wasm'] as const).map((kernel) =>
        fitGbt(train.columns, y, { ...options, kernel }),
      );
      expect(JSON.stringify((wasm as GbtModel).toArtifact())).toBe(
        JSON.stringify((js as GbtModel).toArtifact()),
      );
      const deviance = (m: GbtModel) => meanLoss('poisson', test.y, m.predict(test.columns));
      if (options.loss === 'poisson') expect(deviance(wasm as GbtModel)).toBe(deviance(js as GbtModel));
    }
    expect(() => fitGbt(train.columns, train.y, { ...base, kernel: 'gpu' as never })).toThrow(
      ValidationError,
    );
  });

  it('artifact round trip (through JSON text) gives identical predictions on raw and binned rows', () => {
    const { columns, y } = poissonData(5_000, 6);
    columns[3]?.fill(Number.NaN, 0, 500); // some missing values travel too
    const model = fitGbt(columns, y, { loss: 'poisson', iterations: 30, maxDepth: 4, seed: 2 });
    const copy = GbtModel.fromArtifact(JSON.parse(JSON.stringify(model.toArtifact())));
    expect(copy.treeCount).toBe(30);
    const test = poissonData(2_000, 7).columns;
    test[3]?.fill(Number.NaN, 0, 100);
    const expected = model.predict(test);
    expect(copy.predict(test)).toEqual(expected);
    expect(copy.predictBinned(copy.binMapper.transform(test))).toEqual(expected);
  });

  it('one hand-checkable split: x = 0,0,1,1 and y = 1,1,3,3', () => {
    const model = fitGbt([Float32Array.from([0, 0, 1, 1])], [1, 1, 3, 3], {
      loss: 'poisson',
      iterations: 1,
      learningRate: 1,
      minSamplesLeaf: 1,
      seed: 0,
    });
    // baseline log(mean 2); gradients e^F − y = 1, 1, −1, −1, hessians 2: leaves −G/H = −2/4, +2/4
    expect(model.baseline).toBeCloseTo(Math.log(2), 12);
    const { feature, bin, threshold, left, right, value } = model.nodes;
    expect([feature[0], bin[0], threshold[0]]).toEqual([0, 0, 0.5]);
    expect(value[left[0] as number]).toBeCloseTo(-0.5, 12);
    expect(value[right[0] as number]).toBeCloseTo(0.5, 12);
    const p = model.predict([Float32Array.from([-3, 0.5, 0.6, 9])]);
    expect(Array.from(p).map((v) => Number(v.toFixed(6)))).toEqual(
      [2 * Math.exp(-0.5), 2 * Math.exp(-0.5), 2 * Math.exp(0.5), 2 * Math.exp(0.5)].map((v) =>
        Number(v.toFixed(6)),
      ),
    );
  });

  it('missing values learn their own direction', () => {
    const n = 4_000;
    const x = Float32Array.from({ length: n }, (_, i) => (i % 4 === 0 ? Number.NaN : (i % 7) / 7));
    const y = Float64Array.from(x, (v) => (Number.isNaN(v) ? 5 : 1));
    const model = fitGbt([x], y, { loss: 'poisson', iterations: 50, seed: 0 });
    const [missing, present] = model.predict([Float32Array.from([Number.NaN, 0.3])]);
    expect(missing).toBeCloseTo(5, 1);
    expect(present).toBeCloseTo(1, 1);
  });

  it('edge cases: constant feature, all-zero target, one row', () => {
    const constant = fitGbt(
      [new Float32Array(100).fill(3)],
      Float64Array.from({ length: 100 }, (_, i) => i % 3),
      {
        loss: 'poisson',
        seed: 0,
      },
    );
    expect(Array.from(constant.nodes.feature).every((f) => f === -1)).toBe(true);
    expect(Array.from(constant.predict([Float32Array.from([3, 100])]))).toEqual(
      [0.99, 0.99].map((v) => expect.closeTo(v, 10)),
    );

    const zero = fitGbt(poissonData(1_000, 8).columns, new Float64Array(1_000), { loss: 'poisson', seed: 0 });
    const rates = zero.predict(poissonData(10, 9).columns);
    for (const r of rates) expect(r >= 0 && r < 1e-9).toBe(true);

    const one = fitGbt([Float32Array.from([1])], [1], { loss: 'logistic', seed: 0 });
    const [p] = one.predict([Float32Array.from([1])]);
    expect(p).toBeGreaterThan(0.99);
  });

  it('early stopping on pure noise keeps fewer trees than asked for', () => {
    const { columns } = poissonData(10_000, 10);
    const random = mulberry32(11);
    const y = Float64Array.from({ length: 10_000 }, () => poisson(2, random));
    const model = fitGbt(columns, y, {
      loss: 'poisson',
      iterations: 200,
      earlyStopping: { validationFraction: 0.2, patience: 5 },
      seed: 0,
    });
    expect(model.treeCount).toBeLessThan(200);
    const full = fitGbt(columns, y, { loss: 'poisson', iterations: 200, seed: 0 });
    expect(full.treeCount).toBe(200);
  });

  it('refuses bad settings, targets and artifacts with a named field', () => {
    const x = [Float32Array.from([0, 1])];
    expect(() => fitGbt(x, [1, -1], { loss: 'poisson' })).toThrow(/y\[1\]/);
    expect(() => fitGbt(x, [0, 2], { loss: 'logistic' })).toThrow(/y\[1\]/);
    expect(() => fitGbt(x, [1], { loss: 'poisson' })).toThrow(/^y:/);
    expect(() => fitGbt(x, [1, 1], { loss: 'poisson', maxLeaves: 1 })).toThrow(/maxLeaves/);
    expect(() => fitGbt(x, [1, 1], { loss: 'poisson', learningRate: 0 })).toThrow(ValidationError);
    const artifact = fitGbt(x, [1, 2], { loss: 'poisson', minSamplesLeaf: 1 }).toArtifact();
    expect(() => GbtModel.fromArtifact({ ...artifact, version: 2 })).toThrow(ValidationError);
    expect(() => GbtModel.fromArtifact({ ...artifact, treeStart: `AAAA${artifact.treeStart}` })).toThrow(
      /artifact/,
    );
  });
});

describe('GbtModel.contributions (tree-path attribution on the log link)', () => {
  it('base + contributions is the raw score exactly; the split feature carries the difference; old artifacts cannot attribute', () => {
    const train = poissonData(3_000, 7);
    const model = fitGbt(train.columns, train.y, { loss: 'poisson', iterations: 30, seed: 3 });
    const test = poissonData(200, 8);
    const raw = model.predictRaw(test.columns);
    const out = model.contributions(test.columns);
    expect(out).not.toBeNull();
    const { base, contributions } = out as { base: number; contributions: Float64Array };
    const F = test.columns.length;
    for (let i = 0; i < raw.length; i++) {
      let s = base;
      for (let f = 0; f < F; f++) s += contributions[i * F + f] as number;
      expect(Math.abs(s - (raw[i] as number))).toBeLessThanOrEqual(
        1e-9 * Math.max(1, Math.abs(raw[i] as number)),
      );
    }
    // x4, x5 are noise: λ = exp(0.5·x1 − x2·[x3 > 0]) moves with x1 and x2 far more than with them.
    const mass = (f: number) => {
      let s = 0;
      for (let i = 0; i < raw.length; i++) s += Math.abs(contributions[i * F + f] as number);
      return s;
    };
    expect(mass(0)).toBeGreaterThan(3 * mass(3));
    expect(mass(1)).toBeGreaterThan(3 * mass(4));
    // The hand-checkable split: root value −G/(H + λ) = 0 at the mean; the left rows get −0.5 from x.
    const one = fitGbt([Float32Array.from([0, 0, 1, 1])], [1, 1, 3, 3], {
      loss: 'poisson',
      iterations: 1,
      learningRate: 1,
      minSamplesLeaf: 1,
      seed: 0,
    });
    const c = one.contributions([Float32Array.from([0, 1])]) as { base: number; contributions: Float64Array };
    expect(c.base).toBeCloseTo(Math.log(2), 12);
    expect(Array.from(c.contributions, (v) => Number(v.toFixed(9)))).toEqual([-0.5, 0.5]);
    // An artifact written before node values existed (no `nodeValues`) predicts but does not attribute.
    const { nodeValues: _, ...old } = JSON.parse(JSON.stringify(model.toArtifact())) as Record<
      string,
      unknown
    >;
    const restored = GbtModel.fromArtifact(old);
    expect(restored.predict(test.columns)).toEqual(model.predict(test.columns));
    expect(restored.contributions(test.columns)).toBeNull();
    expect(
      GbtModel.fromArtifact(JSON.parse(JSON.stringify(model.toArtifact()))).contributions(test.columns),
    ).toEqual(out);
  });
});

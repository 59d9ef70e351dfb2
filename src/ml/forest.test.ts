import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.ts';
import { mulberry32 } from '../core/random.ts';
import { ForestModel, type ForestOptions, fitForest, meanLogLoss, meanPoissonDeviance } from './forest.ts';

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

/** n rows of `features` uniform(−1, 1) columns and the target drawn from `draw` (seeded). */
function dataset(
  n: number,
  features: number,
  seed: number,
  draw: (x: number[], random: () => number) => number,
) {
  const random = mulberry32(seed);
  const columns = Array.from({ length: features }, () => new Float32Array(n));
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = columns.map((c) => {
      c[i] = random() * 2 - 1;
      return c[i] as number;
    });
    y[i] = draw(x, random);
  }
  return { columns, y };
}

const mse = (y: ArrayLike<number>, p: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += ((y[i] as number) - (p[i] as number)) ** 2;
  return s / y.length;
};
const mean = (y: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i] as number;
  return s / y.length;
};
const constant = (n: number, v: number) => new Float64Array(n).fill(v);

// step in x0 and an x1·x2 sign interaction, plus noise; x3, x4 are noise features
const stepData = (n: number, seed: number) =>
  dataset(
    n,
    5,
    seed,
    ([x0, x1, x2], random) =>
      ((x0 as number) > 0.2 ? 2 : 0) +
      ((x1 as number) * (x2 as number) > 0 ? 1 : -1) +
      0.3 * (random() - 0.5),
  );

describe('fitForest: regression', () => {
  it('learns a step function and an interaction far better than the mean (held-out MSE)', () => {
    const train = stepData(3000, 1);
    const test = stepData(2000, 2);
    const model = fitForest(train.columns, train.y, { task: 'regression', trees: 20, seed: 3 });
    const ours = mse(test.y, model.predict(test.columns));
    const base = mse(test.y, constant(test.y.length, mean(train.y)));
    // the signal's variance is ≈ 2; the noise's 0.0075: a good forest is far below the mean
    expect(base).toBeGreaterThan(1.5);
    expect(ours).toBeLessThan(0.1 * base);
    // the three signal features carry nearly all the importance
    const imp = model.featureImportances();
    expect(imp.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect((imp[0] as number) + (imp[1] as number) + (imp[2] as number)).toBeGreaterThan(0.9);
    expect(imp[0] as number).toBeGreaterThan(imp[3] as number);
  });

  it('poisson criterion: non-negative rates that beat the mean in held-out Poisson deviance', () => {
    const draw = ([x0, x1, x2]: number[], random: () => number) =>
      poisson(Math.exp(0.8 * (x0 as number) - (x1 as number) * ((x2 as number) > 0 ? 1 : 0)), random);
    const train = dataset(4000, 4, 5, draw);
    const test = dataset(3000, 4, 6, draw);
    const model = fitForest(train.columns, train.y, {
      task: 'regression',
      criterion: 'poisson',
      trees: 30,
      minSamplesLeaf: 10,
      seed: 1,
    });
    const pred = model.predict(test.columns);
    expect(pred.every((p) => p >= 0 && Number.isFinite(p))).toBe(true);
    const ours = meanPoissonDeviance(test.y, pred);
    const base = meanPoissonDeviance(test.y, constant(test.y.length, mean(train.y)));
    expect(ours).toBeLessThan(0.85 * base);
  });

  it('missing values: learns which side NaN goes to', () => {
    const random = mulberry32(4);
    const n = 2000;
    const x = new Float32Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const missing = random() < 0.3;
      x[i] = missing ? Number.NaN : random();
      y[i] = missing ? 5 : (x[i] as number) > 0.5 ? 1 : 0;
    }
    const model = fitForest([x], y, { task: 'regression', trees: 5, seed: 1 });
    const p = model.predict([Float32Array.of(Number.NaN, 0.2, 0.8)]);
    expect(p[0]).toBeCloseTo(5, 6);
    expect(p[1]).toBeCloseTo(0, 6);
    expect(p[2]).toBeCloseTo(1, 6);
  });
});

/** Three classes separated by x0 and x1 (5 % label noise), two noise features. */
const classData = (n: number, seed: number) =>
  dataset(n, 4, seed, ([x0, x1], random) => {
    const c = (x0 as number) < -0.3 ? 0 : (x1 as number) > 0 ? 1 : 2;
    return random() < 0.05 ? Math.floor(random() * 3) : c;
  });

describe('fitForest: classification', () => {
  it('beats the class prior in log loss; probabilities sum to 1', () => {
    const train = classData(3000, 7);
    const test = classData(2000, 8);
    const model = fitForest(train.columns, train.y, {
      task: 'classification',
      classes: 3,
      trees: 30,
      minSamplesLeaf: 5,
      seed: 2,
    });
    const proba = model.predictProba(test.columns);
    expect(proba.length).toBe(test.y.length * 3);
    for (let i = 0; i < test.y.length; i++)
      expect(
        (proba[3 * i] as number) + (proba[3 * i + 1] as number) + (proba[3 * i + 2] as number),
      ).toBeCloseTo(1, 12);
    const prior = [0, 1, 2].map((c) => train.y.filter((v) => v === c).length / train.y.length);
    const priorProba = new Float64Array(test.y.length * 3).map((_, j) => prior[j % 3] as number);
    const ours = meanLogLoss(test.y, proba, 3);
    const base = meanLogLoss(test.y, priorProba, 3);
    expect(base).toBeGreaterThan(1);
    expect(ours).toBeLessThan(0.5 * base);
    // accuracy near the 1 − 5 %·2/3 ceiling
    let right = 0;
    for (let i = 0; i < test.y.length; i++) {
      const row = [proba[3 * i] as number, proba[3 * i + 1] as number, proba[3 * i + 2] as number];
      if (row.indexOf(Math.max(...row)) === test.y[i]) right++;
    }
    expect(right / test.y.length).toBeGreaterThan(0.9);
    expect(() => model.predict(test.columns)).toThrow(ValidationError);
  });
});

describe('fitForest: reproducibility and artifacts', () => {
  const train = stepData(5000, 11);
  const test = stepData(500, 12);
  const opts: ForestOptions = { task: 'regression', trees: 6, maxFeatures: 0.6, maxDepth: 8, seed: 9 };

  it('the same seed gives the same artifact bytes, for 1 and 2 threads; another seed differs', () => {
    const a = JSON.stringify(fitForest(train.columns, train.y, opts).toArtifact());
    const b = JSON.stringify(fitForest(train.columns, train.y, opts).toArtifact());
    const c = JSON.stringify(fitForest(train.columns, train.y, { ...opts, threads: 2 }).toArtifact());
    const d = JSON.stringify(fitForest(train.columns, train.y, { ...opts, seed: 10 }).toArtifact());
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(d).not.toBe(a);
  });

  it('classification with 3 threads equals 1 thread (trees split across workers)', () => {
    const data = classData(3000, 13);
    const o: ForestOptions = { task: 'classification', classes: 3, trees: 5, seed: 4 };
    const a = JSON.stringify(fitForest(data.columns, data.y, o).toArtifact());
    const b = JSON.stringify(fitForest(data.columns, data.y, { ...o, threads: 3 }).toArtifact());
    expect(b).toBe(a);
  });

  it('artifact round trip (through JSON text) gives identical predictions', () => {
    const model = fitForest(train.columns, train.y, opts);
    const back = ForestModel.fromArtifact(JSON.parse(JSON.stringify(model.toArtifact())));
    expect(back.treeCount).toBe(6);
    expect(Array.from(back.predict(test.columns))).toEqual(Array.from(model.predict(test.columns)));
    expect(Array.from(back.featureImportances())).toEqual(Array.from(model.featureImportances()));
    const data = classData(500, 14);
    const cls = fitForest(data.columns, data.y, { task: 'classification', classes: 3, trees: 3 });
    const clsBack = ForestModel.fromArtifact(JSON.parse(JSON.stringify(cls.toArtifact())));
    expect(Array.from(clsBack.predictProba(data.columns))).toEqual(
      Array.from(cls.predictProba(data.columns)),
    );
  });

  it('a bad artifact is a ValidationError naming the field', () => {
    const good = fitForest(train.columns, train.y, { ...opts, trees: 2 }).toArtifact();
    const field = (a: unknown): string => {
      try {
        ForestModel.fromArtifact(a);
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        return (e as ValidationError).field;
      }
      throw new Error('no error');
    };
    expect(field(null)).toBe('artifact');
    expect(field({ ...good, kind: 'gbt' })).toBe('artifact');
    expect(field({ ...good, criterion: 'gini' })).toBe('artifact.criterion');
    expect(field({ ...good, nodes: { ...good.nodes, value: 'AAAA' } })).toBe('artifact.nodes.value');
    expect(field({ ...good, nodes: { ...good.nodes, left: undefined } })).toBe('artifact.nodes.left');
    // a child pointing backwards (a loop) is refused
    const left = new Int32Array(Uint8Array.from(Buffer.from(good.nodes.left, 'base64')).buffer);
    left[0] = 0;
    expect(
      field({ ...good, nodes: { ...good.nodes, left: Buffer.from(left.buffer).toString('base64') } }),
    ).toBe('artifact.nodes');
    expect(field({ ...good, importances: Buffer.from(new Float64Array(2).buffer).toString('base64') })).toBe(
      'artifact.importances',
    );
  });
});

describe('fitForest: bad input', () => {
  const x = [Float32Array.of(1, 2, 3, 4)];
  const field = (columns: Float32Array[], y: ArrayLike<number>, o: ForestOptions): string => {
    try {
      fitForest(columns, y, o);
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as Error).message).toMatch(/debe|tiene|solo|se esperaban|suma|falta/);
      return (e as ValidationError).field;
    }
    throw new Error('no error');
  };
  const reg: ForestOptions = { task: 'regression', trees: 2 };
  it('names the field or option', () => {
    expect(field(x, [1, 2, 3], reg)).toBe('y');
    expect(field([x[0] as Float32Array, new Float32Array(3)], [1, 2, 3, 4], reg)).toBe('columns[1]');
    expect(field(x, [1, Number.NaN, 3, 4], reg)).toBe('y[1]');
    expect(field(x, [1, -2, 3, 4], { ...reg, criterion: 'poisson' })).toBe('y[1]');
    expect(field(x, [0, 0, 0, 0], { ...reg, criterion: 'poisson' })).toBe('y');
    expect(field(x, [0, 1, 3, 1], { task: 'classification', classes: 3 })).toBe('y[2]');
    expect(field(x, [0, 1, 0.5, 1], { task: 'classification', classes: 3 })).toBe('y[2]');
    expect(field(x, [0, 1, 0, 1], { task: 'classification' })).toBe('classes');
    expect(field(x, [0, 1, 0, 1], { ...reg, classes: 2 })).toBe('classes');
    expect(field(x, [0, 1, 0, 1], { task: 'classification', classes: 2, criterion: 'poisson' })).toBe(
      'criterion',
    );
    expect(field(x, [1, 2, 3, 4], { task: 'ranking' } as unknown as ForestOptions)).toBe('task');
    expect(field(x, [1, 2, 3, 4], { ...reg, trees: 0 })).toBe('trees');
    expect(field(x, [1, 2, 3, 4], { ...reg, maxDepth: 0 })).toBe('maxDepth');
    expect(field(x, [1, 2, 3, 4], { ...reg, minSamplesLeaf: 1.5 })).toBe('minSamplesLeaf');
    expect(field(x, [1, 2, 3, 4], { ...reg, maxFeatures: 0 })).toBe('maxFeatures');
    expect(field(x, [1, 2, 3, 4], { ...reg, maxFeatures: 1.5 })).toBe('maxFeatures');
    expect(field(x, [1, 2, 3, 4], { ...reg, maxSamples: 2 })).toBe('maxSamples');
    expect(field(x, [1, 2, 3, 4], { ...reg, bootstrap: false, maxSamples: 0.5 })).toBe('maxSamples');
    expect(field(x, [1, 2, 3, 4], { ...reg, maxBins: 256 })).toBe('maxBins');
    expect(field(x, [1, 2, 3, 4], { ...reg, seed: -1 })).toBe('seed');
    expect(field(x, [1, 2, 3, 4], { ...reg, threads: 0 })).toBe('threads');
  });

  it('predict checks the columns', () => {
    const model = fitForest(x, [1, 2, 3, 4], reg);
    expect(() => model.predict([Float32Array.of(1), Float32Array.of(2)])).toThrow(/se esperaban 1 variables/);
    expect(() => model.predictProba(x)).toThrow(ValidationError);
  });
});

describe('ForestModel.contributions (tree-path attribution)', () => {
  it('base + contributions is the prediction exactly, and the step feature carries the step', () => {
    const train = stepData(2_000, 11);
    const model = fitForest(train.columns, train.y, { task: 'regression', trees: 10, maxDepth: 6, seed: 2 });
    const test = stepData(200, 12);
    const pred = model.predict(test.columns);
    const { base, contributions } = model.contributions(test.columns);
    const F = test.columns.length;
    for (let i = 0; i < pred.length; i++) {
      let s = base;
      for (let f = 0; f < F; f++) s += contributions[i * F + f] as number;
      expect(Math.abs(s - (pred[i] as number))).toBeLessThanOrEqual(
        1e-9 * Math.max(1, Math.abs(pred[i] as number)),
      );
    }
    // y = 2·[x0 > 0.2] ± 1: rows with x0 > 0.2 get a clearly positive part from x0, the others negative.
    for (let i = 0; i < pred.length; i++) {
      const x0 = (test.columns[0] as Float32Array)[i] as number;
      if (Math.abs(x0 - 0.2) < 0.1) continue;
      expect(Math.sign(contributions[i * F] as number)).toBe(x0 > 0.2 ? 1 : -1);
    }
    expect(() =>
      fitForest(
        train.columns,
        Float64Array.from(train.y, (v) => (v > 1 ? 1 : 0)),
        { task: 'classification', classes: 2, trees: 2, seed: 1 },
      ).contributions(test.columns),
    ).toThrow(ValidationError);
  });
});

import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.ts';
import { mulberry32 } from '../core/random.ts';
import { rowLogLoss } from '../evaluation/classification.ts';
import { chooseClasses, OTHER_CLASS, priorOf } from './classes.ts';
import { type ClassifierKind, fitClassifier } from './classifiers.ts';
import { type ClassHistory, featureNames, incidentFeatures } from './features.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 5, 1, 17); // 12:00 in Lima, a Saturday

function history(rows: { t: number; known?: number; x: number; y: number; cls: number }[]): ClassHistory {
  const sorted = [...rows].sort((a, b) => a.t - b.t);
  return {
    t: Float64Array.from(sorted, (r) => r.t),
    known: Float64Array.from(sorted, (r) => r.known ?? r.t),
    x: Float64Array.from(sorted, (r) => r.x),
    y: Float64Array.from(sorted, (r) => r.y),
    cls: Int32Array.from(sorted, (r) => r.cls),
  };
}

const col = (f: { names: string[]; columns: Float32Array[] }, name: string) =>
  f.columns[f.names.indexOf(name)] as Float32Array;

describe('crime-type classes', () => {
  it('frequent labels are classes by frequency; rare and unseen labels are "otros"', () => {
    // labels: 0 'ROBO' ×5, 1 'HURTO' ×3, 2 'ESTAFA' ×1, 3 'USURPACION' only in the test period
    const s = chooseClasses([0, 0, 1, 0, 1, 2, 0, 1, 0], ['ROBO', 'HURTO', 'ESTAFA', 'USURPACION'], 3);
    expect(s.names).toEqual(['ROBO', 'HURTO', OTHER_CLASS]);
    expect([...s.ofLabel]).toEqual([0, 1, 2, 2]);
    expect(() => chooseClasses([0, 0, 1], ['ROBO', 'HURTO'], 3)).toThrow(ValidationError);
    const p = priorOf([0, 0, 0, 1], 3);
    expect([...p]).toEqual([4 / 7, 2 / 7, 1 / 7]);
  });
});

describe('incident features', () => {
  const prior = [0.5, 0.5];
  const opts = { timeZone: 'America/Lima', country: 'PE' as const, prior };

  it('time of day, calendar and place columns', () => {
    const f = incidentFeatures(
      history([]),
      { t: [T0, Date.UTC(2024, 6, 29, 3)], x: [10, 20], y: [30, 40] },
      opts,
    );
    expect(f.names).toEqual(featureNames(2, { country: 'PE' }));
    expect(col(f, 'hora')[0]).toBe(12);
    expect(col(f, 'turno')[0]).toBe(2); // tarde
    expect(col(f, 'dia_semana')[0]).toBe(6);
    expect(col(f, 'fin_de_semana')[0]).toBe(1);
    expect(col(f, 'mes')[0]).toBe(6);
    expect(col(f, 'feriado')[0]).toBe(0);
    // 28 July 2024, 22:00 in Lima: Independence Day, noche, Sunday.
    expect(col(f, 'hora')[1]).toBe(22);
    expect(col(f, 'turno')[1]).toBe(3);
    expect(col(f, 'feriado')[1]).toBe(1);
    expect(col(f, 'x')[1]).toBe(20);
    // No history: totals 0, shares at the prior.
    expect(col(f, 'log_total_30d_250m')[0]).toBe(0);
    expect(col(f, 'proporcion_1_30d_250m')[0]).toBe(0.5);
  });

  it('counts each class nearby within each window, only from events known before the query', () => {
    const h = history([
      { t: T0 - 1 * DAY, x: 100, y: 100, cls: 1 }, // near, recent
      { t: T0 - 2 * DAY, x: 600, y: 100, cls: 0 }, // 500 m away: outside the 3 × 3 block of 250 m cells
      { t: T0 - 40 * DAY, x: 120, y: 90, cls: 0 }, // in 365 d, not in 30 d
      { t: T0 - 400 * DAY, x: 100, y: 100, cls: 0 }, // too old for every window
      { t: T0 - 2 * 3_600_000, known: T0 + 3_600_000, x: 100, y: 100, cls: 1 }, // happened before, known after
    ]);
    const f = incidentFeatures(h, { t: [T0], x: [100], y: [100] }, opts);
    expect(col(f, 'log_total_3d_50m')[0]).toBeCloseTo(Math.log(2), 6);
    expect(col(f, 'proporcion_1_3d_50m')[0]).toBeCloseTo((1 + 2 * 0.5) / (1 + 2), 6);
    expect(col(f, 'log_total_30d_250m')[0]).toBeCloseTo(Math.log(2), 6);
    expect(col(f, 'log_total_365d_250m')[0]).toBeCloseTo(Math.log(3), 6);
    expect(col(f, 'proporcion_0_365d_250m')[0]).toBeCloseTo((1 + 1) / (2 + 2), 6);
  });

  it('no look-ahead: adding or changing future events leaves every query unchanged', () => {
    const random = mulberry32(9);
    const past = Array.from({ length: 300 }, () => ({
      t: T0 - random() * 400 * DAY,
      x: random() * 2000,
      y: random() * 2000,
      cls: Math.floor(random() * 2),
    }));
    const queries = { t: [T0, T0 + DAY / 2, T0 + 3 * DAY], x: [500, 1000, 1500], y: [500, 1000, 1500] };
    const future = (seed: number) => {
      const r = mulberry32(seed);
      return Array.from({ length: 200 }, (_, i) => {
        // Each future event happens after the query it could reach (or is known only after it).
        const t = T0 + 3 * DAY + r() * 10 * DAY;
        return i % 2 === 0
          ? { t, x: r() * 2000, y: r() * 2000, cls: Math.floor(r() * 2) }
          : { t: T0 - r() * DAY, known: T0 + 3 * DAY + 1, x: 1500, y: 1500, cls: 1 };
      });
    };
    const a = incidentFeatures(history(past), queries, opts);
    const b = incidentFeatures(history([...past, ...future(1)]), queries, opts);
    const c = incidentFeatures(history([...past, ...future(2)]), queries, opts);
    expect(b.columns).toEqual(a.columns);
    expect(c.columns).toEqual(a.columns);
    // …and the past does count.
    const d = incidentFeatures(history(past.slice(0, 100)), queries, opts);
    expect(d.columns).not.toEqual(a.columns);
  });

  it('refuses unsorted history and classes outside the prior', () => {
    const h = history([{ t: T0, x: 0, y: 0, cls: 0 }]);
    expect(() => incidentFeatures({ ...h, cls: [2] }, { t: [T0], x: [0], y: [0] }, opts)).toThrow(
      ValidationError,
    );
    const two = history([
      { t: T0, x: 0, y: 0, cls: 0 },
      { t: T0 + 1, x: 0, y: 0, cls: 0 },
    ]);
    expect(() =>
      incidentFeatures({ ...two, t: Float64Array.from([T0 + 1, T0]) }, { t: [T0], x: [0], y: [0] }, opts),
    ).toThrow(ValidationError);
  });
});

describe('crime-type classifiers', () => {
  // Three classes that depend on two features (class = which third of x; y adds noise).
  const random = mulberry32(21);
  const rows = 900;
  const make = (n: number) => {
    const x = new Float32Array(n);
    const z = new Float32Array(n);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = random();
      z[i] = random();
      const noisy = random() < 0.2;
      y[i] = noisy ? Math.floor(random() * 3) : Math.min(2, Math.floor((x[i] as number) * 3));
    }
    return { columns: [x, z], y };
  };
  const train = make(rows);
  const test = make(300);

  it.each(['svm', 'gbt', 'forest', 'mlp'] as ClassifierKind[])(
    '%s: probabilities sum to 1 and beat the class prior on held-out rows',
    async (kind) => {
      const prior = await fitClassifier('prior', train.columns, train.y, 3);
      const model = await fitClassifier(kind, train.columns, train.y, 3, {
        seed: 3,
        gbtIterations: 50,
        forestTrees: 30,
        mlpEpochs: 60,
      });
      try {
        const p = await model.predictProba(test.columns);
        expect(p).toHaveLength(300 * 3);
        for (let i = 0; i < 300; i++)
          expect((p[3 * i] as number) + (p[3 * i + 1] as number) + (p[3 * i + 2] as number)).toBeCloseTo(
            1,
            6,
          );
        const mean = (v: Float64Array) => v.reduce((s, x) => s + x, 0) / v.length;
        const base = mean(rowLogLoss(await prior.predictProba(test.columns), 3, test.y));
        expect(mean(rowLogLoss(p, 3, test.y))).toBeLessThan(base - 0.3);
      } finally {
        model.dispose();
      }
    },
  );

  it('the SVM subsamples its training rows when asked', async () => {
    const m = await fitClassifier('svm', train.columns, train.y, 3, { svmMaxRows: 200 });
    expect(m.trainRows).toBe(200);
    m.dispose();
    await expect(fitClassifier('knn' as ClassifierKind, train.columns, train.y, 3)).rejects.toThrow(
      ValidationError,
    );
    await expect(
      fitClassifier(
        'gbt',
        train.columns,
        Int32Array.from(train.y, () => 5),
        3,
      ),
    ).rejects.toThrow(ValidationError);
  });
});

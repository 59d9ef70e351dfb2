import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.ts';
import { mulberry32 } from '../core/random.ts';
import {
  bootstrapMeanInterval,
  calibrationError,
  confusionMatrix,
  f1Scores,
  perClassReliability,
  rowLogLoss,
  scoreClassifier,
  topClassReliability,
} from './classification.ts';

/** Rows drawn from known probabilities: y ~ p (a perfectly calibrated model). */
function calibratedSample(n: number, k: number, seed: number): { p: Float64Array; y: Int32Array } {
  const random = mulberry32(seed);
  const p = new Float64Array(n * k);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < k; c++) {
      p[i * k + c] = random() ** 3;
      s += p[i * k + c] as number;
    }
    for (let c = 0; c < k; c++) p[i * k + c] = (p[i * k + c] as number) / s;
    let u = random() - (p[i * k] as number);
    let chosen = 0;
    while (chosen < k - 1 && u >= 0) {
      chosen++;
      u -= p[i * k + chosen] as number;
    }
    y[i] = chosen;
  }
  return { p, y };
}

describe('classification scores', () => {
  it('log loss per row is −log p(true class), floored', () => {
    const p = Float64Array.from([0.5, 0.25, 0.25, 0, 1, 0]);
    const l = rowLogLoss(p, 3, [1, 0]);
    expect(l[0]).toBeCloseTo(Math.log(4), 12);
    expect(l[1]).toBeCloseTo(-Math.log(1e-15), 6);
    expect(() => rowLogLoss(p, 3, [3, 0])).toThrow(ValidationError);
    expect(() => rowLogLoss(p, 2, [0, 0])).toThrow(ValidationError);
  });

  it('accuracy, per-class F1 and macro-F1 by hand', () => {
    // truth 0 0 1 1 2, predicted 0 1 1 1 0: class 0 tp1 fp1 fn1 → 0.5; class 1 tp2 fp1 → 0.8; class 2 fn1 → 0
    const s = f1Scores([0, 1, 1, 1, 0], [0, 0, 1, 1, 2], 3);
    expect(s.accuracy).toBeCloseTo(0.6, 12);
    expect(s.perClassF1[0]).toBeCloseTo(0.5, 12);
    expect(s.perClassF1[1]).toBeCloseTo(0.8, 12);
    expect(s.perClassF1[2]).toBe(0);
    expect(s.macroF1).toBeCloseTo(1.3 / 3, 12);
    // A class neither present nor predicted does not count.
    expect(f1Scores([0, 1], [0, 1], 3).macroF1).toBe(1);
  });

  it('bootstrap interval brackets the mean, narrows with n, and is seeded', () => {
    const random = mulberry32(4);
    const v = Float64Array.from({ length: 2000 }, () => random());
    const a = bootstrapMeanInterval(v, 7);
    expect(bootstrapMeanInterval(v, 7)).toEqual(a);
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    expect(a[0]).toBeLessThan(mean);
    expect(a[1]).toBeGreaterThan(mean);
    // Standard error of a uniform mean: √(1/12/2000) ≈ 0.0065; the 95 % interval is ≈ ±1.96 of that.
    expect(a[1] - a[0]).toBeGreaterThan(0.02);
    expect(a[1] - a[0]).toBeLessThan(0.032);
    const small = bootstrapMeanInterval(v.subarray(0, 200), 7);
    expect(small[1] - small[0]).toBeGreaterThan(a[1] - a[0]);
  });

  it('a calibrated model is reliable; an overconfident one is not', () => {
    const { p, y } = calibratedSample(20_000, 4, 11);
    const top = topClassReliability(p, 4, y);
    expect(top).toHaveLength(10);
    expect(top.reduce((s, b) => s + b.n, 0)).toBe(20_000);
    // Within four binomial standard errors of the bin's mean probability.
    const close = (b: (typeof top)[number]) =>
      expect(Math.abs((b.observed as number) - (b.predicted as number))).toBeLessThan(
        4 * Math.sqrt(0.25 / b.n),
      );
    for (const b of top) if (b.n > 200) close(b);
    expect(calibrationError(top)).toBeLessThan(0.02);
    for (const bins of perClassReliability(p, 4, y)) for (const b of bins) if (b.n > 200) close(b);
    // Sharpen every row (p² renormalised): same ranking, overconfident.
    const sharp = p.slice();
    for (let i = 0; i < 20_000; i++) {
      let s = 0;
      for (let c = 0; c < 4; c++) s += (sharp[i * 4 + c] as number) ** 2;
      for (let c = 0; c < 4; c++) sharp[i * 4 + c] = (p[i * 4 + c] as number) ** 2 / s;
    }
    expect(calibrationError(topClassReliability(sharp, 4, y))).toBeGreaterThan(0.05);
  });

  it('scores a model against the prior: a better model has a paired difference below zero', () => {
    const { p, y } = calibratedSample(5000, 4, 3);
    const counts = new Float64Array(4);
    for (const c of y) counts[c] = (counts[c] as number) + 1;
    const prior = new Float64Array(5000 * 4);
    for (let i = 0; i < 5000; i++)
      for (let c = 0; c < 4; c++) prior[i * 4 + c] = (counts[c] as number) / 5000;
    const base = scoreClassifier(prior, 4, y);
    expect(base.vsReference).toBeNull();
    const s = scoreClassifier(p, 4, y, { reference: rowLogLoss(prior, 4, y) });
    expect(s.rows).toBe(5000);
    expect(s.logLoss).toBeLessThan(base.logLoss);
    expect(s.logLossInterval95[0]).toBeLessThan(s.logLoss);
    expect(s.logLossInterval95[1]).toBeGreaterThan(s.logLoss);
    expect(s.vsReference?.difference).toBeCloseTo(s.logLoss - base.logLoss, 10);
    expect(s.vsReference?.interval95[1]).toBeLessThan(0);
    expect(s.macroF1).toBeGreaterThan(base.macroF1);
    // The prior of equal-ish classes: log loss close to its entropy.
    let h = 0;
    for (const c of counts) h -= (c / 5000) * Math.log(c / 5000);
    expect(base.logLoss).toBeCloseTo(h, 10);
    expect(() => scoreClassifier(p, 4, y, { reference: new Float64Array(3) })).toThrow(ValidationError);
  });
});

describe('confusion matrix', () => {
  it('counts rows by true class (row) and predicted class (column)', () => {
    expect(confusionMatrix([0, 1, 1, 2, 0], [0, 1, 0, 2, 2], 3)).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [1, 0, 1],
    ]);
  });
});

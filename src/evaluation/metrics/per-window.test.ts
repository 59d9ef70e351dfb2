import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors.ts';
import { meanHitRate, wilcoxonSignedRank, windowHitRates } from './per-window.ts';

describe('mean of per-window hit rates', () => {
  it('differs from the pooled rate on a hand-checked 3-window example', () => {
    // Windows: 1/2, 0/0 (skipped), 9/10 and 0/4 → daily rates 0.5, 0.9, 0 → mean 1.4/3;
    // pooled 10/16 = 0.625.
    const hits = [1, 0, 9, 0];
    const events = [2, 0, 10, 4];
    expect(windowHitRates(hits, events)).toEqual([0.5, 0.9, 0]);
    const m = meanHitRate(hits, events, { seed: 7 });
    expect(m.windows).toBe(3);
    expect(m.mean).toBeCloseTo(1.4 / 3, 12);
    expect(10 / 16).not.toBeCloseTo(m.mean as number, 2);
    const [lo, hi] = m.interval95 as [number, number];
    // Every bootstrap mean is an average of three of {0, 0.5, 0.9}.
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(0.9);
    expect(lo).toBeLessThan(m.mean as number);
    expect(hi).toBeGreaterThan(m.mean as number);
    expect(meanHitRate(hits, events, { seed: 7 })).toEqual(m); // seeded: reproducible
  });

  it('has no mean without events and refuses mismatched lengths', () => {
    expect(meanHitRate([0, 0], [0, 0])).toEqual({ mean: null, interval95: null, windows: 0 });
    expect(() => meanHitRate([1], [1, 2])).toThrow(ValidationError);
  });
});

describe('paired Wilcoxon signed-rank test', () => {
  it('gives the exact two-sided p-value on a constructed case', () => {
    // Five windows, model better in every one: W⁺ = 15 of 15, p = 2 / 2⁵ = 0.0625.
    const model = [0.5, 0.6, 0.7, 0.8, 0.9];
    const naive = [0.4, 0.4, 0.4, 0.4, 0.4];
    const t = wilcoxonSignedRank(model, naive);
    expect(t).toMatchObject({ windows: 5, nonZero: 5, wPlus: 15, method: 'exact' });
    expect(t.pValue).toBeCloseTo(0.0625, 12);
    expect(t.meanDifference).toBeCloseTo(0.3, 12);
    // Symmetric: swapping the models keeps p and flips the sign.
    const s = wilcoxonSignedRank(naive, model);
    expect(s.wPlus).toBe(0);
    expect(s.pValue).toBeCloseTo(0.0625, 12);
  });

  it('drops zero differences and averages tied ranks', () => {
    // Differences +0.1, −0.1, +0.2, 0: ranks 1.5, 1.5, 3 → W⁺ = 4.5 over 2³ sign patterns.
    // 2W⁺ takes 0, 3, 3, 6, 6, 9, 9, 12 (ranks doubled: 3, 3, 6): P(2W⁺ ≥ 9) = 3/8, p = 0.75.
    const t = wilcoxonSignedRank([0.6, 0.3, 0.7, 0.5], [0.5, 0.4, 0.5, 0.5]);
    expect(t).toMatchObject({ windows: 4, nonZero: 3, wPlus: 4.5, method: 'exact' });
    expect(t.pValue).toBeCloseTo(0.75, 12);
    expect(wilcoxonSignedRank([0.5, 0.5], [0.5, 0.5]).pValue).toBe(1);
  });

  it('uses the normal approximation for many windows', () => {
    // 60 windows, all differences +0.01 (one tie group of 60): W⁺ = 1830, mean 915,
    // variance 60·61·121/24 − (60³ − 60)/48 = 18452.5 − 4498.75 = 13953.75.
    const a = Array.from({ length: 60 }, () => 0.51);
    const b = Array.from({ length: 60 }, () => 0.5);
    const t = wilcoxonSignedRank(a, b);
    expect(t.method).toBe('normal');
    expect(t.wPlus).toBe(1830);
    const z = (1830 - 915 - 0.5) / Math.sqrt(13953.75);
    expect(z).toBeGreaterThan(7);
    expect(t.pValue).toBeLessThan(1e-6);
    // Half better, half worse by the same amount: no evidence.
    const c = Array.from({ length: 60 }, (_, i) => (i % 2 ? 0.51 : 0.49));
    expect(wilcoxonSignedRank(c, b).pValue).toBeGreaterThan(0.9);
  });
});

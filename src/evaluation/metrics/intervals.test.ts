import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors.ts';
import {
  betaQuantile,
  type HitRateInterval,
  hitRateInterval,
  logGamma,
  probabilityBetter,
  regularizedIncompleteBeta,
} from './intervals.ts';

// Reference values: scipy 1.17 (scipy.special.gammaln, scipy.stats.beta.ppf, quad of pdf·cdf),
// or closed forms where noted.

describe('logGamma', () => {
  it('matches known values', () => {
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(2)).toBeCloseTo(0, 14);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 12);
    expect(logGamma(0.1)).toBeCloseTo(2.252712651734206, 13);
    expect(logGamma(100.5)).toBeCloseTo(361.43554046777757, 10);
  });

  it('rejects x ≤ 0', () => {
    expect(() => logGamma(0)).toThrow(ValidationError);
    expect(() => logGamma(-1)).toThrow(ValidationError);
  });
});

describe('regularizedIncompleteBeta', () => {
  it('matches closed forms', () => {
    // I_x(2, 3) = Σ_{j=2..4} C(4, j) xʲ (1 − x)^{4−j} = 0.5248 at x = 0.4
    expect(regularizedIncompleteBeta(0.4, 2, 3)).toBeCloseTo(0.5248, 14);
    // I_x(½, ½) = (2/π) asin √x = ⅓ at x = ¼
    expect(regularizedIncompleteBeta(0.25, 0.5, 0.5)).toBeCloseTo(1 / 3, 14);
    for (const x of [0, 0.1, 0.5, 0.93, 1]) expect(regularizedIncompleteBeta(x, 1, 1)).toBeCloseTo(x, 14);
    expect(regularizedIncompleteBeta(0.3, 30.5, 70.5)).toBeCloseTo(0.49416533517326483, 12);
  });

  it('rejects bad arguments', () => {
    expect(() => regularizedIncompleteBeta(1.1, 1, 1)).toThrow(ValidationError);
    expect(() => regularizedIncompleteBeta(0.5, 0, 1)).toThrow(ValidationError);
  });
});

describe('betaQuantile', () => {
  it('Beta(1, 1) is uniform: the p-quantile is p', () => {
    for (const p of [0, 0.001, 0.025, 0.16, 0.5, 0.84, 0.975, 1])
      expect(betaQuantile(p, 1, 1)).toBeCloseTo(p, 12);
  });

  it('Beta(½, ½): median ½ and quantiles sin²(πp/2)', () => {
    expect(betaQuantile(0.5, 0.5, 0.5)).toBeCloseTo(0.5, 12);
    for (const p of [0.025, 0.16, 0.84, 0.975])
      expect(betaQuantile(p, 0.5, 0.5)).toBeCloseTo(Math.sin((Math.PI * p) / 2) ** 2, 12);
    expect(betaQuantile(0.025, 0.5, 0.5)).toBeCloseTo(0.001541333133436012, 12);
  });

  it('Beta(10.5, 90.5) (10 hits of 100 under the Jeffreys prior)', () => {
    expect(betaQuantile(0.5, 10.5, 90.5)).toBeCloseTo(0.10134690593162253, 11);
    expect(betaQuantile(0.16, 10.5, 90.5)).toBeCloseTo(0.07408853790576006, 11);
    expect(betaQuantile(0.84, 10.5, 90.5)).toBeCloseTo(0.1338134728955889, 11);
    expect(betaQuantile(0.025, 10.5, 90.5)).toBeCloseTo(0.05258467529066884, 11);
    expect(betaQuantile(0.975, 10.5, 90.5)).toBeCloseTo(0.170123929652187, 11);
  });

  it('is accurate in relative terms in the far tails and for large counts', () => {
    const rel = (got: number, want: number) => Math.abs(got - want) / want;
    expect(rel(betaQuantile(0.025, 0.5, 100.5), 4.898073104397486e-6)).toBeLessThan(1e-9);
    expect(rel(betaQuantile(1e-6, 2, 5), 0.00025828782935406356)).toBeLessThan(1e-9);
    expect(betaQuantile(0.975, 100.5, 0.5)).toBeCloseTo(0.9999951019268956, 12);
    expect(betaQuantile(0.025, 5000.5, 95000.5)).toBeCloseTo(0.04866219107824645, 11);
    expect(betaQuantile(0.5, 5000.5, 95000.5)).toBeCloseTo(0.050001500033314605, 11);
    expect(betaQuantile(0.975, 5000.5, 95000.5)).toBeCloseTo(0.051363857044696766, 11);
  });

  it('inverts the CDF', () => {
    for (const [a, b] of [
      [0.5, 3.5],
      [2.5, 2.5],
      [40.5, 7.5],
    ] as const)
      for (const p of [0.01, 0.3, 0.7, 0.99])
        expect(regularizedIncompleteBeta(betaQuantile(p, a, b), a, b)).toBeCloseTo(p, 12);
  });
});

describe('hitRateInterval', () => {
  function interval(h: number, n: number): HitRateInterval {
    const out = hitRateInterval(h, n);
    if (out.kind !== 'beta-interval') throw new Error('expected an interval');
    return out;
  }

  it('uses the Jeffreys posterior Beta(h + ½, N − h + ½)', () => {
    const out = interval(10, 100);
    expect([out.alpha, out.beta]).toEqual([10.5, 90.5]);
    expect(out.median).toBeCloseTo(0.10134690593162253, 11);
    expect(out.lower68).toBeCloseTo(0.07408853790576006, 11);
    expect(out.upper68).toBeCloseTo(0.1338134728955889, 11);
    expect(out.lower95).toBeCloseTo(0.05258467529066884, 11);
    expect(out.upper95).toBeCloseTo(0.170123929652187, 11);
  });

  it('stays proper at h = 0 and h = N (where open_cp’s Beta(h, N − h) breaks)', () => {
    const none = interval(0, 100);
    expect(none.lower95).toBeGreaterThan(0);
    expect(none.median).toBeCloseTo(0.002266429228530002, 12);
    expect(none.upper95).toBeCloseTo(0.02474527001526989, 12);
    const every = interval(100, 100);
    expect(every.lower95).toBeCloseTo(0.9752547299847301, 12);
    expect(every.upper95).toBeLessThan(1);
  });

  it('accepts fractional hits from the average tie rule', () => {
    const out = interval(2.5, 10);
    expect(out.alpha).toBe(3);
    expect(out.lower95).toBeLessThan(out.median);
  });

  it('returns no-events for N = 0 and rejects impossible hits', () => {
    expect(hitRateInterval(0, 0)).toEqual({ kind: 'no-events' });
    expect(() => hitRateInterval(11, 10)).toThrow(ValidationError);
    expect(() => hitRateInterval(-1, 10)).toThrow(ValidationError);
    expect(() => hitRateInterval(1, Number.NaN)).toThrow(ValidationError);
  });
});

describe('probabilityBetter', () => {
  it('is about ½ for equal data', () => {
    const p = probabilityBetter(30, 100, 30, 100, { seed: 1 });
    expect(p).not.toBeNull();
    expect(Math.abs((p as number) - 0.5)).toBeLessThan(0.02);
  });

  it('is above 0.99 for clearly different data, below 0.01 the other way round', () => {
    expect(probabilityBetter(40, 100, 10, 100, { seed: 2 })).toBeGreaterThan(0.99);
    expect(probabilityBetter(10, 100, 40, 100, { seed: 2 })).toBeLessThan(0.01);
  });

  it('agrees with numerical integration, including shapes below 1', () => {
    // ∫ f_A(x) F_B(x) dx by scipy quad; standard error of 20 000 draws ≤ 0.0036.
    const p1 = probabilityBetter(3, 10, 5, 12, { seed: 5 }) as number;
    expect(Math.abs(p1 - 0.28752179474435646)).toBeLessThan(0.015);
    const p2 = probabilityBetter(0, 5, 1, 5, { seed: 6 }) as number;
    expect(Math.abs(p2 - 0.16539757665989308)).toBeLessThan(0.015);
  });

  it('is reproducible: same seed, same result', () => {
    const a = probabilityBetter(12, 80, 15, 90, { seed: 42, draws: 5000 });
    const b = probabilityBetter(12, 80, 15, 90, { seed: 42, draws: 5000 });
    const c = probabilityBetter(12, 80, 15, 90, { seed: 43, draws: 5000 });
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('is null when a side has no events, and validates its arguments', () => {
    expect(probabilityBetter(0, 0, 3, 10, { seed: 1 })).toBeNull();
    expect(() => probabilityBetter(5, 4, 3, 10, { seed: 1 })).toThrow(ValidationError);
    expect(() => probabilityBetter(1, 4, 3, 10, { seed: 1, draws: 0 })).toThrow(ValidationError);
    expect(() => probabilityBetter(1, 4, 3, 10, { seed: 1, draws: 1.5 })).toThrow(ValidationError);
    expect(() => probabilityBetter(1, 4, 3, 10, { seed: Number.NaN })).toThrow(ValidationError);
  });
});

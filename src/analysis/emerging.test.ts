/**
 * Emerging hot spot analysis on synthetic cubes built to produce each class, Gi* against a hand
 * computation, Mann-Kendall against values computed once with scipy.
 */
import { describe, expect, it } from 'vitest';
import {
  type CountCube,
  classIndex,
  EMERGING_CLASSES,
  type EmergingClass,
  emergingHotSpots,
  giStar,
  mannKendall,
} from './emerging.ts';

const SIDE = 15;
const PERIODS = 20;
const CENTRE = 7 * SIDE + 7;

/**
 * A 15 × 15 cube of 20 periods: a background of 0–2 (hot cases) or 29–31 (cold cases) whose
 * every 3 × 3 block sums to the same total, and a 3 × 3 cluster around the centre cell whose count
 * in period t is `cluster(t)` (null: background there too).
 */
function cube(cluster: (t: number) => number | null, base: number): CountCube {
  const cells = SIDE * SIDE;
  const counts = new Float64Array(cells * PERIODS);
  for (let t = 0; t < PERIODS; t++)
    for (let r = 0; r < SIDE; r++)
      for (let c = 0; c < SIDE; c++) {
        const inCluster = Math.abs(r - 7) <= 1 && Math.abs(c - 7) <= 1;
        const v = inCluster ? cluster(t) : null;
        counts[t * cells + r * SIDE + c] = v ?? base + ((r + c + t) % 3) - 1;
      }
  return { cols: SIDE, rows: SIDE, periods: PERIODS, mask: new Uint8Array(cells).fill(1), counts };
}

const HOT = 1;
const COLD = 30;
const at = (periods: readonly number[], v: number) => (t: number) => (periods.includes(t) ? v : null);
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

const CASES: [EmergingClass, CountCube][] = [
  ['new_hot', cube(at([19], 15), HOT)],
  ['consecutive_hot', cube(at(range(16, 19), 15), HOT)],
  ['intensifying_hot', cube((t) => 10 + 2 * t, HOT)],
  // No trend: the same counts in a shuffled order.
  ['persistent_hot', cube((t) => 20 + ((t * 7) % 10), HOT)],
  ['diminishing_hot', cube((t) => 48 - 2 * t, HOT)],
  ['sporadic_hot', cube(at([2, 7, 11, 15, 19], 15), HOT)],
  ['oscillating_hot', cube((t) => ([3, 4, 5].includes(t) ? 0 : [10, 19].includes(t) ? 40 : null), 5)],
  ['historical_hot', cube(at(range(0, 17), 20), HOT)],
  ['new_cold', cube(at([19], 0), COLD)],
  ['consecutive_cold', cube(at(range(16, 19), 0), COLD)],
  ['intensifying_cold', cube((t) => 20 - t, COLD)],
  ['persistent_cold', cube((t) => (t * 7) % 10, COLD)],
  ['diminishing_cold', cube((t) => t, COLD)],
  ['sporadic_cold', cube(at([2, 7, 11, 15, 19], 0), COLD)],
  ['oscillating_cold', cube((t) => ([3, 4, 5].includes(t) ? 60 : [10, 19].includes(t) ? 0 : null), COLD)],
  ['historical_cold', cube(at(range(0, 17), 0), COLD)],
];

describe('emerging hot spot classes', () => {
  for (const [expected, c] of CASES)
    it(`a cluster built as ${expected} is classified so`, () => {
      const r = emergingHotSpots(c);
      expect(EMERGING_CLASSES[r.classOf[CENTRE] as number]?.code).toBe(expected);
    });

  it('a flat background has no pattern anywhere', () => {
    const r = emergingHotSpots(cube(() => null, HOT));
    expect(new Set(r.classOf)).toEqual(new Set([classIndex('none')]));
  });

  it('masked cells are neither counted nor classified', () => {
    const c = cube(at([19], 15), HOT);
    c.mask[0] = 0;
    const r = emergingHotSpots(c);
    expect(r.classOf[0]).toBe(classIndex('none'));
    expect(r.gi[0]).toBe(0);
    expect(r.classOf[CENTRE]).toBe(classIndex('new_hot'));
  });

  it('the FDR correction keeps strong spots and drops borderline ones', () => {
    // One period in which the cluster is only mildly above the background.
    const c = cube((t) => (t === 19 ? 15 : t === 10 ? 3 : null), HOT);
    const plain = emergingHotSpots(c, { timeSteps: 0 });
    const fdr = emergingHotSpots(c, { timeSteps: 0, fdr: true });
    const cells = SIDE * SIDE;
    expect(plain.significance[19 * cells + CENTRE]).toBe(1);
    expect(fdr.significance[19 * cells + CENTRE]).toBe(1);
    const plainHot = plain.significance.filter((s) => s !== 0).length;
    const fdrHot = fdr.significance.filter((s) => s !== 0).length;
    expect(fdrHot).toBeLessThan(plainHot);
  });

  it('refuses fewer than 2 periods and bad options, naming them', () => {
    const one: CountCube = {
      cols: 2,
      rows: 2,
      periods: 1,
      mask: new Uint8Array(4).fill(1),
      counts: new Float64Array(4),
    };
    expect(() => emergingHotSpots(one)).toThrow(/al menos 2 periodos/);
    expect(() =>
      emergingHotSpots(
        cube(() => null, HOT),
        { alpha: 2 },
      ),
    ).toThrow(/alpha/);
  });
});

describe('Getis-Ord Gi*', () => {
  // 3 × 3 grid, one period, counts 1…9 in cell order: n = 9, mean 5, S = √(285/9 − 25) = √(20/3).
  const tiny: CountCube = {
    cols: 3,
    rows: 3,
    periods: 1,
    mask: new Uint8Array(9).fill(1),
    counts: Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]),
  };

  it('matches a hand computation on a 3 × 3 grid (queen contiguity)', () => {
    const gi = giStar(tiny, { timeSteps: 0 });
    // Corner cell 0: neighbours {0, 1, 3, 4}, Σx = 12, W = 4:
    // z = (12 − 5·4) / (√(20/3) · √((9·4 − 16)/8)) = −8 / √(50/3).
    expect(gi[0]).toBeCloseTo(-8 / Math.sqrt(50 / 3), 12);
    // Edge cell 1: neighbours {0,1,2,3,4,5}, Σx = 21, W = 6: z = (21 − 30)/(√(20/3)·√((54 − 36)/8)) = −9/√15.
    expect(gi[1]).toBeCloseTo(-9 / Math.sqrt(15), 12);
    // The centre sees every cell: W = n, so the statistic is 0/0, reported as 0.
    expect(gi[4]).toBe(0);
    // Corner 8 mirrors corner 0: Σx = 5+6+8+9 = 28 → +8/√(50/3).
    expect(gi[8]).toBeCloseTo(8 / Math.sqrt(50 / 3), 12);
  });

  it('takes previous periods into the neighbourhood (time step 1)', () => {
    // Two periods of 1…9 then 9…1; period 1 of cell 0 sums periods 0 and 1: W = 8, n = 18.
    const two: CountCube = {
      cols: 3,
      rows: 3,
      periods: 2,
      mask: new Uint8Array(9).fill(1),
      counts: Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 8, 7, 6, 5, 4, 3, 2, 1]),
    };
    const gi = giStar(two, { timeSteps: 1 });
    // Σx = (1+2+4+5) + (9+8+6+5) = 40, mean 5, S = √(20/3): z = (40 − 40)/… = 0.
    expect(gi[9]).toBeCloseTo(0, 12);
    // Cell 1 in period 1: (1+2+3+4+5+6) + (9+8+7+6+5+4) = 60, W = 12: z = 0 as well; cell 0 of
    // period 0 alone: Σx = 12, W = 4, n = 18: z = −8 / (√(20/3) · √((72 − 16)/17)).
    expect(gi[0]).toBeCloseTo(-8 / (Math.sqrt(20 / 3) * Math.sqrt(56 / 17)), 12);
  });

  it('a distance band of 2 cells reaches two cells away', () => {
    // Band 2 around corner 0: offsets with dx² + dy² ≤ 4 → cells 0,1,2,3,4,6 (not 5, 7, 8).
    const gi = giStar(tiny, { timeSteps: 0, distanceBand: 2 });
    const sum = 1 + 2 + 3 + 4 + 5 + 7;
    expect(gi[0]).toBeCloseTo((sum - 5 * 6) / (Math.sqrt(20 / 3) * Math.sqrt((9 * 6 - 36) / 8)), 12);
  });
});

describe('Mann-Kendall', () => {
  it('matches values computed with scipy on a series with ties', () => {
    // x = digits of π (3,1,4,1,5,9,2,6,5,3,5,8,9,7,9): S = 55, Var(S) = 399 (ties corrected),
    // z = 54/√399, p = 2·norm.sf(z) = 0.006863794985449032 (scipy 1.17, computed once).
    const r = mannKendall([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9]);
    expect(r.s).toBe(55);
    expect(r.variance).toBe(399);
    expect(r.z).toBeCloseTo(2.703381341337498, 12);
    expect(r.p).toBeCloseTo(0.006863794985449032, 6);
  });

  it('a constant series has no trend', () => {
    expect(mannKendall([4, 4, 4, 4])).toMatchObject({ s: 0, z: 0, p: 1 });
  });
});

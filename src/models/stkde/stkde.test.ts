import { describe, expect, it } from 'vitest';
import { createEventSet } from '../../core/events.ts';
import type { GridSpec } from '../../core/grid.ts';
import { runPredictorConformance } from '../conformance.case.ts';
import { type StkdeConfig, stkde, timeKernel } from './stkde.ts';

runPredictorConformance(stkde);
runPredictorConformance(stkde, { config: { timeKernel: 'quadratic', bandwidth: 200, timeScaleDays: 14 } });

const DAY = 86_400_000;
const cutoff = Date.UTC(2024, 0, 1);
const window = { start: cutoff, end: cutoff + DAY };
const S = 100;
// 9 × 9 cells of 100 m; cell (col, row) = row · 9 + col.
const grid: GridSpec = { x0: 0, y0: 0, cellSize: S, cols: 9, rows: 9, rotationDeg: 0, crs: 'EPSG:32718' };
const mask = new Uint8Array(81).fill(1);
const ctx = { grid, mask, cutoff, seed: 1 };
const at = (col: number, row: number) => row * 9 + col;

/** Independent reference: cell area × mean of the 2-D Gaussian density over a 3×3 sample of the cell. */
function cellMass(px: number, py: number, col: number, row: number, sigma: number, s = S): number {
  let sum = 0;
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      const dx = (col + (i + 0.5) / 3) * s - px;
      const dy = (row + (j + 0.5) / 3) * s - py;
      sum += Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma)) / (2 * Math.PI * sigma * sigma);
    }
  return (s * s * sum) / 9;
}

/** mulberry32, for the seeded accuracy fixture. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const predict = (x: number[], y: number[], daysBefore: number[], over: Partial<StkdeConfig> = {}, g = grid) =>
  stkde
    .fit(
      createEventSet({ t: daysBefore.map((d) => cutoff - d * DAY), x, y }),
      { ...ctx, grid: g, mask: new Uint8Array(g.cols * g.rows).fill(1) },
      stkde.parseConfig(over),
    )
    .predict(window).values;

describe('stkde', () => {
  it('one event at a cell centre: exp(−Δ/β) × the cell-integrated Gaussian mass', () => {
    const v = predict([450], [450], [10]); // centre of cell (4, 4); Δ = 10 days, β = 30, σ = 100
    const decay = Math.exp(-10 / 30);
    for (const [c, r] of [
      [4, 4],
      [5, 4],
      [5, 5],
      [6, 4],
      [2, 7],
    ] as const)
      expect(v[at(c, r)]).toBeCloseTo(decay * cellMass(450, 450, c, r, 100), 14);
    // Symmetric, and the ratio between neighbours does not depend on time.
    expect(v[at(3, 4)]).toBeCloseTo(v[at(5, 4)] as number, 15);
    expect((v[at(5, 4)] as number) / (v[at(4, 4)] as number)).toBeCloseTo(
      cellMass(450, 450, 5, 4, 100) / cellMass(450, 450, 4, 4, 100),
      12,
    );
  });

  it('is exact for events on the interpolation nodes (every s/6) off the cell centre', () => {
    // 150 m cells: nodes every 25 m; (25, 125) inside cell (4, 4) is a node on both axes.
    const g150: GridSpec = { ...grid, cellSize: 150 };
    const v = predict([625], [725], [3], { bandwidth: 150 }, g150);
    const decay = Math.exp(-3 / 30);
    for (const [c, r] of [
      [4, 4],
      [3, 5],
      [6, 2],
    ] as const)
      expect(v[at(c, r)]).toBeCloseTo(decay * cellMass(625, 725, c, r, 150, 150), 14);
  });

  it('stays within 2 % of the unbinned kernel sum for events anywhere in their cells', () => {
    const next = rng(99);
    const g150: GridSpec = { ...grid, cellSize: 150, cols: 20, rows: 20 };
    const n = 200;
    const xs = Array.from({ length: n }, () => 600 + next() * 1800);
    const ys = Array.from({ length: n }, () => 600 + next() * 1800);
    const ages = Array.from({ length: n }, () => next() * 200);
    const v = predict(xs, ys, ages, {}, g150);
    const exact = new Float64Array(400);
    for (let c = 0; c < 400; c++)
      for (let i = 0; i < n; i++)
        exact[c] =
          (exact[c] as number) +
          Math.exp(-(ages[i] as number) / 30) *
            cellMass(xs[i] as number, ys[i] as number, c % 20, Math.floor(c / 20), 100, 150);
    const max = Math.max(...exact);
    for (let c = 0; c < 400; c++) {
      const e = exact[c] as number;
      expect(Math.abs((v[c] as number) - e)).toBeLessThan(0.01 * max);
      if (e > 0.1 * max) expect(Math.abs((v[c] as number) - e) / e).toBeLessThan(0.03);
    }
  });

  it('spreads a mass of about 1 per event over a large grid', () => {
    const big: GridSpec = { ...grid, cols: 41, rows: 41 };
    const v = predict([2050], [2050], [1], { timeKernel: 'constant' }, big);
    const total = v.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(0.99);
    expect(total).toBeLessThan(1.01);
  });

  it('time kernels and the window [t0 − W, t0), relative to the window start', () => {
    const q = predict([450], [450], [14], { timeKernel: 'quadratic', timeScaleDays: 7 });
    expect(q[at(4, 4)]).toBeCloseTo(cellMass(450, 450, 4, 4, 100) / 5, 14);
    expect(predict([450], [450], [365])[at(4, 4)]).toBeGreaterThan(0);
    expect(predict([450], [450], [365.001])[at(4, 4)]).toBe(0);
    expect(timeKernel('exponential', 30)(30)).toBeCloseTo(Math.exp(-1), 15);
    expect(timeKernel('constant', 30)(1000)).toBe(1);
    const p = stkde.fit(createEventSet({ t: [cutoff - DAY], x: [450], y: [450] }), ctx, stkde.defaults);
    const later = p.predict({ start: cutoff + 29 * DAY, end: cutoff + 30 * DAY }).values;
    expect(later[at(4, 4)]).toBeCloseTo(Math.exp(-30 / 30) * cellMass(450, 450, 4, 4, 100), 14);
  });

  it('events just off the grid reach the edge; far events reach nothing', () => {
    const near = predict([-50], [450], [1]); // centre of the virtual column −1
    expect(near[at(0, 4)]).toBeCloseTo(Math.exp(-1 / 30) * cellMass(-50, 450, 0, 4, 100), 14);
    const far = predict([-2000], [450], [1]);
    expect(far.every((x) => x === 0)).toBe(true);
  });

  it('names the bad option', () => {
    expect(() => stkde.parseConfig({ bandwidth: 5 })).toThrow('bandwidth: debe estar entre 25 y 2000 m');
    expect(() => stkde.parseConfig({ timeKernel: 'gauss' })).toThrow(/^timeKernel: /);
  });
});

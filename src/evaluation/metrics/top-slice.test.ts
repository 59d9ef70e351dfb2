import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors.ts';
import type { GridSpec } from '../../core/grid.ts';
import { createRiskSurface } from '../../core/risk-surface.ts';
import { DEFAULT_COVERAGES, hitRateCurve, type TopSlice, topSlice } from './top-slice.ts';

const GRID: GridSpec = { x0: 0, y0: 0, cellSize: 100, cols: 3, rows: 2, rotationDeg: 0, crs: 'EPSG:32718' };
// Cell 4 is masked, so K = 5.
const MASK = Uint8Array.from([1, 1, 1, 1, 0, 1]);
const surface = (values: number[]) => createRiskSurface(GRID, values, MASK);

/** A small deterministic generator for the randomised cross-checks (an LCG is enough here). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** §3.1 'average', written as directly as possible from the definition. */
function bruteAverage(values: Float64Array, mask: Uint8Array, counts: Float64Array, n: number): number {
  if (n === 0) return 0;
  const valid = [...values.keys()].filter((c) => mask[c] === 1);
  const sorted = valid.map((c) => values[c] as number).sort((a, b) => b - a);
  const rStar = sorted[n - 1] as number;
  const g = valid.filter((c) => (values[c] as number) > rStar);
  const t = valid.filter((c) => values[c] === rStar);
  const sum = (cs: number[]) => cs.reduce((s, c) => s + (counts[c] as number), 0);
  return sum(g) + ((n - g.length) / t.length) * sum(t);
}

/** open_cp `top_slice` as coded: threshold at the n-th value, then drop tied cells from the start. */
function bruteOpenCp(values: Float64Array, mask: Uint8Array, counts: Float64Array, n: number): number {
  if (n === 0) return 0;
  const valid = [...values.keys()].filter((c) => mask[c] === 1);
  const data = valid.map((c) => values[c] as number).sort((a, b) => a - b);
  const threshold = data[data.length - n] as number;
  const selected = new Set(valid.filter((c) => (values[c] as number) >= threshold));
  const tied = valid.filter((c) => values[c] === threshold);
  const toRemove = selected.size - n;
  for (let i = 0; i < toRemove; i++) selected.delete(tied[i] as number);
  return [...selected].reduce((s, c) => s + (counts[c] as number), 0);
}

describe('topSlice', () => {
  const counts = Float64Array.from([1, 2, 0, 0, 0, 1]);
  const s = surface([5, 4, 3, 2, 99, 1]); // the masked 99 is zeroed by createRiskSurface

  it('selects n = ⌊K·f⌋ valid cells by descending risk', () => {
    expect(topSlice(s, counts, 0.2)).toEqual({ cellsSelected: 1, coverage: 0.2, hits: 1 });
    expect(topSlice(s, counts, 0.4)).toEqual({ cellsSelected: 2, coverage: 0.4, hits: 3 });
    // ⌊5 × 0.5⌋ = 2: the achieved coverage is reported, not the nominal one.
    expect(topSlice(s, counts, 0.5)).toEqual({ cellsSelected: 2, coverage: 0.4, hits: 3 });
    expect(topSlice(s, counts, 0.8)).toEqual({ cellsSelected: 4, coverage: 0.8, hits: 3 });
    expect(topSlice(s, counts, 1)).toEqual({ cellsSelected: 5, coverage: 1, hits: 4 });
  });

  it('selects nothing at zero coverage', () => {
    expect(topSlice(s, counts, 0)).toEqual({ cellsSelected: 0, coverage: 0, hits: 0 });
    expect(topSlice(s, counts, 0.19)).toEqual({ cellsSelected: 0, coverage: 0, hits: 0 });
  });

  describe('ties', () => {
    // Cell 0 is on top; cells 1, 2, 3 and 5 tie at 1. Events: 1 in cell 1, 3 in cell 5.
    const tied = surface([2, 1, 1, 1, 0, 1]);
    const tiedCounts = Float64Array.from([0, 1, 0, 0, 0, 3]);

    it("'average' takes the expected share of the tie group", () => {
      // n = 2: G = {0}, |T| = 4, m = 1 → 0 + (1/4)·4 = 1
      expect(topSlice(tied, tiedCounts, 0.4).hits).toBe(1);
      expect(topSlice(tied, tiedCounts, 0.4, { tieBreak: 'average' }).hits).toBe(1);
      // n = 3: m = 2 → (2/4)·4 = 2
      expect(topSlice(tied, tiedCounts, 0.6).hits).toBe(2);
      expect(topSlice(tied, tiedCounts, 1).hits).toBe(4);
    });

    it("'order' keeps the LAST tied cells in row-major order (open_cp's code, not its docstring)", () => {
      // n = 2: the last tied cell in row-major order is cell 5 (3 events). The docstring's
      // "first tied cells" would have picked cell 1 (1 event).
      expect(topSlice(tied, tiedCounts, 0.4, { tieBreak: 'order' }).hits).toBe(3);
      // n = 3: cells 3 and 5.
      expect(topSlice(tied, tiedCounts, 0.6, { tieBreak: 'order' }).hits).toBe(3);
      // n = 4: cells 2, 3 and 5.
      expect(topSlice(tied, tiedCounts, 0.8, { tieBreak: 'order' }).hits).toBe(3);
      expect(topSlice(tied, tiedCounts, 1, { tieBreak: 'order' }).hits).toBe(4);
    });

    it('an all-zero surface is one big tie: average hits = N·n/K', () => {
      const flat = surface([0, 0, 0, 0, 0, 0]);
      expect(topSlice(flat, tiedCounts, 0.4).hits).toBeCloseTo((4 * 2) / 5, 12);
    });

    it('compares risks with exact equality', () => {
      // 0.1 + 0.2 differs from 0.3 in the last bit, so these are not tied.
      const nearly = surface([0.1 + 0.2, 0.3, 0, 0, 0, 0]);
      const c = Float64Array.from([1, 0, 0, 0, 0, 0]);
      expect(topSlice(nearly, c, 0.2).hits).toBe(1);
      expect(topSlice(nearly, c, 0.2, { tieBreak: 'order' }).hits).toBe(1);
    });
  });

  it('repairs binary rounding of K·f (0.29 × 100 = 28.999999999999996)', () => {
    const grid: GridSpec = { ...GRID, cols: 10, rows: 10 };
    const values = Array.from({ length: 100 }, (_, c) => 100 - c);
    const s100 = createRiskSurface(grid, values, new Uint8Array(100).fill(1));
    expect(topSlice(s100, new Float64Array(100), 0.29).cellsSelected).toBe(29);
    expect(topSlice(s100, new Float64Array(100), 0.07).cellsSelected).toBe(7);
  });

  it('rejects coverages outside [0, 1] and counts that do not fit', () => {
    expect(() => topSlice(s, counts, 1.5)).toThrow(ValidationError);
    expect(() => topSlice(s, counts, -0.1)).toThrow(ValidationError);
    expect(() => topSlice(s, counts, Number.NaN)).toThrow(ValidationError);
    expect(() => topSlice(s, new Float64Array(3), 0.2)).toThrow(ValidationError);
  });

  it('matches the definition and the open_cp algorithm on random surfaces with many ties', () => {
    const rnd = lcg(7);
    const grid: GridSpec = { ...GRID, cols: 9, rows: 7 };
    for (let trial = 0; trial < 30; trial++) {
      const mask = Uint8Array.from({ length: 63 }, () => (rnd() < 0.8 ? 1 : 0));
      // Few distinct values → large tie groups.
      const s9 = createRiskSurface(
        grid,
        Array.from({ length: 63 }, () => Math.floor(rnd() * 4)),
        mask,
      );
      const c9 = Float64Array.from(mask, (m) => (m ? Math.floor(rnd() * 3) : 0));
      const k = mask.reduce((a, m) => a + m, 0);
      for (let n = 0; n <= k; n++) {
        const f = n / k;
        const avg = topSlice(s9, c9, f);
        const ord = topSlice(s9, c9, f, { tieBreak: 'order' });
        expect(avg.cellsSelected).toBe(n);
        expect(avg.hits).toBeCloseTo(bruteAverage(s9.values, mask, c9, n), 10);
        expect(ord.hits).toBe(bruteOpenCp(s9.values, mask, c9, n));
      }
    }
  });
});

describe('hitRateCurve', () => {
  const counts = Float64Array.from([1, 2, 0, 0, 0, 1]);
  const s = surface([5, 4, 3, 2, 0, 1]);

  it('answers many coverages from one ranking, matching topSlice point by point', () => {
    const curve = hitRateCurve(s, counts, 4, [0.2, 0.4, 1, 0]);
    if (curve.kind !== 'hit-rate-curve') throw new Error('expected a curve');
    expect(curve.validCells).toBe(5);
    expect(curve.events).toBe(4);
    expect(curve.tieBreak).toBe('average');
    expect(curve.points.map((p) => [p.nominal, p.cellsSelected, p.hits, p.hitRate])).toEqual([
      [0.2, 1, 1, 0.25],
      [0.4, 2, 3, 0.75],
      [1, 5, 4, 1],
      [0, 0, 0, 0],
    ]);
    for (const p of curve.points) {
      const one: TopSlice = topSlice(s, counts, p.nominal);
      expect({ cellsSelected: p.cellsSelected, coverage: p.coverage, hits: p.hits }).toEqual(one);
    }
  });

  it('defaults to 1 %…20 %', () => {
    expect(DEFAULT_COVERAGES).toHaveLength(20);
    expect(DEFAULT_COVERAGES[0]).toBe(0.01);
    expect(DEFAULT_COVERAGES[6]).toBe(0.07);
    expect(DEFAULT_COVERAGES[19]).toBe(0.2);
    const curve = hitRateCurve(s, counts, 4);
    if (curve.kind !== 'hit-rate-curve') throw new Error('expected a curve');
    expect(curve.points.map((p) => p.nominal)).toEqual(DEFAULT_COVERAGES);
    // K = 5: only 20 % selects a cell.
    expect(curve.points[19]).toMatchObject({ cellsSelected: 1, hits: 1, hitRate: 0.25 });
    expect(curve.points[18]).toMatchObject({ cellsSelected: 0, hits: 0, hitRate: 0 });
  });

  it('returns a typed no-events result when N = 0', () => {
    expect(hitRateCurve(s, new Float64Array(6), 0)).toEqual({ kind: 'no-events' });
  });

  it('validates coverages and the total even without events', () => {
    expect(() => hitRateCurve(s, new Float64Array(6), 0, [2])).toThrow(ValidationError);
    expect(() => hitRateCurve(s, counts, 5)).toThrow(ValidationError);
  });

  it('scales to large grids (one sort, no per-cell objects)', () => {
    const side = 400; // 160 000 cells
    const grid: GridSpec = { ...GRID, cols: side, rows: side };
    const rnd = lcg(3);
    const k = side * side;
    const values = new Float64Array(k);
    const c = new Float64Array(k);
    let total = 0;
    for (let i = 0; i < k; i++) {
      values[i] = Math.floor(rnd() * 1000);
      if (rnd() < 0.01) {
        c[i] = 1;
        total++;
      }
    }
    const curve = hitRateCurve(createRiskSurface(grid, values, new Uint8Array(k).fill(1)), c, total);
    if (curve.kind !== 'hit-rate-curve') throw new Error('expected a curve');
    // Values are independent of events, so HR(f) ≈ f.
    expect(curve.points[9]?.hitRate).toBeGreaterThan(0.07);
    expect(curve.points[9]?.hitRate).toBeLessThan(0.13);
  });
});

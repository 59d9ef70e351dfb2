import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors.ts';
import type { GridSpec } from '../../core/grid.ts';
import { createRiskSurface } from '../../core/risk-surface.ts';
import {
  brierEvent,
  brierShare,
  meanLogLikelihood,
  poissonDeviance,
  rankingScore,
  type TopSliceScores,
  topSliceScores,
} from './scores.ts';

const grid = (cols: number, rows: number): GridSpec => ({
  x0: 0,
  y0: 0,
  cellSize: 100,
  cols,
  rows,
  rotationDeg: 0,
  crs: 'EPSG:32718',
});
const all = (k: number) => new Uint8Array(k).fill(1);

function scored(result: ReturnType<typeof topSliceScores>): TopSliceScores {
  if (result.kind !== 'top-slice-scores') throw new Error(`expected scores, got ${result.kind}`);
  return result;
}

describe('topSliceScores', () => {
  // K = 10 cells; 3 events in cell 0, 1 in cell 1: N = 4.
  const g10 = grid(5, 2);
  const counts = Float64Array.from([3, 1, 0, 0, 0, 0, 0, 0, 0, 0]);

  it('a perfect surface: HR, PAI and PEI* = 1', () => {
    const s = createRiskSurface(g10, [3, 1, 0, 0, 0, 0, 0, 0, 0, 0], all(10));
    const out = scored(topSliceScores(s, counts, 4, [0.1, 0.2, 0.3]));
    expect(out.validCells).toBe(10);
    expect(out.events).toBe(4);
    const [p10, p20, p30] = out.points;
    expect(p10).toMatchObject({ cellsSelected: 1, hits: 3, hitRate: 0.75, oracleHits: 3, pei: 1 });
    expect(p10?.pai).toBeCloseTo(7.5, 12);
    expect(p20).toMatchObject({ cellsSelected: 2, hits: 4, hitRate: 1, oracleHits: 4, pei: 1 });
    expect(p20?.pai).toBeCloseTo(5, 12);
    // n = 3 splits the zero-risk tie group, which holds no events.
    expect(p30).toMatchObject({ cellsSelected: 3, hits: 4, hitRate: 1, oracleHits: 4, pei: 1 });
    expect(p30?.pai).toBeCloseTo(10 / 3, 12);
  });

  it('a uniform surface: PAI = 1 at every coverage that selects a cell', () => {
    const s = createRiskSurface(g10, new Float64Array(10).fill(1), all(10));
    const out = scored(topSliceScores(s, counts, 4));
    for (const p of out.points) {
      if (p.cellsSelected === 0) {
        // f < 10 % selects no cell: PAI is 0/0 and n* = 0, so both are undefined.
        expect(p.pai).toBeNull();
        expect(p.pei).toBeNull();
        expect(p.hits).toBe(0);
      } else {
        expect(p.pai).toBeCloseTo(1, 12);
        expect(p.hitRate).toBeCloseTo(p.coverage, 12);
      }
    }
    // At 10 %: expected hits 4/10, n* = 3 → PEI* = 0.4/3.
    expect(out.points[9]?.pei).toBeCloseTo(0.4 / 3, 12);
  });

  it('the oracle surface (risk = observed counts) has PEI* = 1', () => {
    const k = 24;
    const y = Float64Array.from({ length: k }, (_, c) => [0, 2, 0, 1, 5, 0, 1, 1][c % 8] as number);
    const total = y.reduce((a, b) => a + b, 0);
    const out = scored(
      topSliceScores(createRiskSurface(grid(6, 4), y, all(k)), y, total, [0.1, 0.25, 0.5, 1]),
    );
    for (const p of out.points) {
      expect(p.pei).toBeCloseTo(1, 12);
      expect(p.hits).toBe(p.oracleHits);
    }
  });

  it('a surface that misses everything has PEI* = 0 and PAI = 0', () => {
    const s = createRiskSurface(g10, [0, 0, 0, 0, 0, 0, 0, 0, 0, 1], all(10));
    const out = scored(topSliceScores(s, counts, 4, [0.1]));
    expect(out.points[0]).toMatchObject({ hits: 0, hitRate: 0, pai: 0, oracleHits: 3, pei: 0 });
  });

  it("keeps the tie rule: 'order' reproduces open_cp", () => {
    const s = createRiskSurface(g10, new Float64Array(10).fill(1), all(10));
    // One tie group of 10; open_cp keeps the last cell (9), which has no events.
    const out = scored(topSliceScores(s, counts, 4, [0.1], { tieBreak: 'order' }));
    expect(out.tieBreak).toBe('order');
    expect(out.points[0]).toMatchObject({ hits: 0, pai: 0, pei: 0 });
  });

  it('ignores masked cells for K and the oracle', () => {
    const mask = Uint8Array.from([1, 1, 1, 1, 0, 1]);
    const s = createRiskSurface(grid(3, 2), [5, 4, 3, 2, 0, 1], mask);
    const out = scored(topSliceScores(s, Float64Array.from([1, 2, 0, 0, 0, 1]), 4, [0.2, 0.4]));
    expect(out.validCells).toBe(5);
    // n = 1: cell 0 (1 event); the best single cell holds 2.
    expect(out.points[0]).toMatchObject({ hits: 1, oracleHits: 2, pei: 0.5 });
    expect(out.points[0]?.pai).toBeCloseTo(0.25 / 0.2, 12);
    expect(out.points[1]).toMatchObject({ hits: 3, oracleHits: 3, pei: 1 });
  });

  it('returns no-events when N = 0', () => {
    const s = createRiskSurface(g10, new Float64Array(10).fill(1), all(10));
    expect(topSliceScores(s, new Float64Array(10), 0)).toEqual({ kind: 'no-events' });
  });
});

describe('brierShare', () => {
  const g4 = grid(2, 2);
  // p = [¼, ¼, ½, 0], u = [½, 0, ½, 0]
  const s = createRiskSurface(g4, [1, 1, 2, 0], all(4));
  const counts = Float64Array.from([1, 0, 1, 0]);

  it('matches the hand computation', () => {
    const out = brierShare(s, counts, 2);
    if (out.kind !== 'brier') throw new Error('expected a score');
    expect(out.form).toBe('share');
    // Σ(p − u)² = 1/16 + 1/16 = 1/8; BS = (1/8)/4
    expect(out.score).toBeCloseTo(1 / 32, 15);
    // Σp² = 3/8, Σu² = 1/2: S = 1 − (1/8)/(7/8) = 6/7 = 2Σpu/(Σp² + Σu²) = (3/4)/(7/8)
    expect(out.skill).toBeCloseTo(6 / 7, 15);
  });

  it('a perfect share forecast has BS = 0 and skill 1', () => {
    const out = brierShare(createRiskSurface(g4, [5, 0, 5, 0], all(4)), counts, 2);
    expect(out).toEqual({ kind: 'brier', form: 'share', score: 0, skill: 1 });
  });

  it('treats an all-zero surface as uniform and divides by valid cells only', () => {
    const mask = Uint8Array.from([1, 1, 1, 0]);
    const out = brierShare(createRiskSurface(g4, [0, 0, 0, 0], mask), Float64Array.from([1, 0, 0, 0]), 1);
    if (out.kind !== 'brier') throw new Error('expected a score');
    // p = ⅓ each, u = [1, 0, 0]: Σ(p − u)² = 4/9 + 1/9 + 1/9 = 2/3; K = 3
    expect(out.score).toBeCloseTo(2 / 9, 15);
    // Σp² = 1/3, Σu² = 1: S = 1 − (2/3)/(4/3) = ½
    expect(out.skill).toBeCloseTo(0.5, 15);
  });

  it('returns no-events when N = 0', () => {
    expect(brierShare(s, new Float64Array(4), 0)).toEqual({ kind: 'no-events' });
  });
});

describe('brierEvent', () => {
  const g4 = grid(2, 2);
  // q = 1 − e^{−μ} = [½, 0, ¾, ⅕]; o = [1, 0, 0, 1]
  const s = createRiskSurface(g4, [Math.log(2), 0, Math.log(4), Math.log(5 / 4)], all(4));
  const counts = Float64Array.from([1, 0, 0, 2]);

  it('matches the hand computation, with skill against a reference', () => {
    const ref = createRiskSurface(g4, new Float64Array(4).fill(Math.log(2)), all(4));
    const out = brierEvent(s, counts, { reference: ref });
    expect(out.form).toBe('event');
    // (¼ + 0 + 9/16 + 16/25) / 4 = 1.4525 / 4
    expect(out.score).toBeCloseTo(0.363125, 14);
    // The reference says ½ everywhere: BS_ref = ¼
    expect(out.referenceScore).toBeCloseTo(0.25, 14);
    expect(out.skill).toBeCloseTo(1 - 0.363125 / 0.25, 12);
  });

  it('without a reference reports no skill', () => {
    expect(brierEvent(s, counts)).toMatchObject({ referenceScore: null, skill: null });
  });

  it('is defined with no events; skill is null when the reference is perfect', () => {
    const zero = createRiskSurface(g4, [0, 0, 0, 0], all(4));
    const out = brierEvent(s, new Float64Array(4), { reference: zero });
    expect(out.score).toBeCloseTo((0.25 + 0 + 0.5625 + 0.04) / 4, 14);
    expect(out.referenceScore).toBe(0);
    expect(out.skill).toBeNull();
  });

  it('rejects a reference on another mask', () => {
    const other = createRiskSurface(g4, [1, 1, 1, 0], Uint8Array.from([1, 1, 1, 0]));
    expect(() => brierEvent(s, counts, { reference: other })).toThrow(ValidationError);
  });
});

describe('poissonDeviance', () => {
  const g4 = grid(2, 2);

  it('handles zero counts and floors zero means', () => {
    const s = createRiskSurface(g4, [1, 2, 0.5, 0], all(4));
    const out = poissonDeviance(s, Float64Array.from([0, 2, 1, 0]));
    // 2·[0 − (0 − 1)] + 2·[2 ln 1 − 0] + 2·[ln 2 − ½] + 2·[0 − (0 − 1e-9)]
    const d = 2 + 0 + (2 * Math.log(2) - 1) + 2e-9;
    expect(out.deviance).toBeCloseTo(d, 12);
    expect(out.perCell).toBeCloseTo(d / 4, 12);
    expect(out.validCells).toBe(4);
  });

  it('is 0 for a perfect forecast and finite when an event falls in a zero-risk cell', () => {
    const y = Float64Array.from([1, 0, 3, 0]);
    expect(poissonDeviance(createRiskSurface(g4, [1, 0, 3, 0], all(4)), y).deviance).toBeCloseTo(4e-9, 15);
    const miss = poissonDeviance(
      createRiskSurface(g4, [0, 0, 0, 0], all(4)),
      Float64Array.from([1, 0, 0, 0]),
    );
    // 2·[1·ln(1/1e-9) − (1 − 1e-9)] + 3 · 2e-9
    expect(miss.deviance).toBeCloseTo(2 * (Math.log(1e9) - (1 - 1e-9)) + 6e-9, 9);
    expect(miss.deviance).toBeCloseTo(39.4465316819, 8);
  });

  it('throws when no cell is valid', () => {
    const s = createRiskSurface(g4, [0, 0, 0, 0], new Uint8Array(4));
    expect(() => poissonDeviance(s, new Float64Array(4))).toThrow(ValidationError);
  });
});

describe('meanLogLikelihood', () => {
  const g4 = grid(2, 2);
  const s = createRiskSurface(g4, [1, 1, 2, 0], all(4));

  it('averages log shares over events', () => {
    const out = meanLogLikelihood(s, Float64Array.from([1, 0, 1, 0]), 2);
    expect(out).toEqual({ kind: 'log-likelihood', mean: (Math.log(0.25) + Math.log(0.5)) / 2 });
  });

  it('floors a zero share at 1e-9', () => {
    const out = meanLogLikelihood(s, Float64Array.from([0, 0, 0, 1]), 1);
    if (out.kind !== 'log-likelihood') throw new Error('expected a score');
    expect(out.mean).toBeCloseTo(Math.log(1e-9), 12);
  });

  it('returns no-events when N = 0', () => {
    expect(meanLogLikelihood(s, new Float64Array(4), 0)).toEqual({ kind: 'no-events' });
  });
});

describe('rankingScore', () => {
  const g4 = grid(2, 2);
  const counts = Float64Array.from([1, 0, 1, 0]);

  it('counts ordered pairs of (event cell, empty cell) on a 4-cell example', () => {
    // Positives 0 (0.4) and 2 (0.2); negatives 1 (0.3) and 3 (0.1): 0>1, 0>3, 2<1, 2>3 → 3/4
    expect(rankingScore(createRiskSurface(g4, [0.4, 0.3, 0.2, 0.1], all(4)), counts)).toBe(0.75);
  });

  it('counts ties as ½', () => {
    // 0 = 1 (½), 0 > 3, 2 < 1, 2 > 3 → 2.5/4
    expect(rankingScore(createRiskSurface(g4, [0.4, 0.4, 0.2, 0.1], all(4)), counts)).toBe(0.625);
    expect(rankingScore(createRiskSurface(g4, [1, 1, 1, 1], all(4)), counts)).toBe(0.5);
  });

  it('is 1 for a perfect ranking and 0 for a reversed one', () => {
    expect(rankingScore(createRiskSurface(g4, [2, 0, 3, 1], all(4)), counts)).toBe(1);
    expect(rankingScore(createRiskSurface(g4, [0, 2, 1, 3], all(4)), counts)).toBe(0);
  });

  it('ignores masked cells', () => {
    // Masking cell 1 leaves negatives {3}: 0 > 3, 2 > 3 → 1
    const mask = Uint8Array.from([1, 0, 1, 1]);
    expect(rankingScore(createRiskSurface(g4, [0.4, 0.3, 0.2, 0.1], mask), counts)).toBe(1);
  });

  it('is null when either group is empty', () => {
    const s = createRiskSurface(g4, [0.4, 0.3, 0.2, 0.1], all(4));
    expect(rankingScore(s, new Float64Array(4))).toBeNull();
    expect(rankingScore(s, Float64Array.from([1, 2, 1, 1]))).toBeNull();
  });
});

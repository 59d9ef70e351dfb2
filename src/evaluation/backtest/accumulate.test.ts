import { describe, expect, it } from 'vitest';
import type { GridSpec } from '../../core/grid.ts';
import { createRiskSurface } from '../../core/risk-surface.ts';
import type { CellCounts } from '../metrics/index.ts';
import { reportWindowsToCsv } from '../report/report.ts';
import { BacktestAccumulator } from './accumulate.ts';

const grid: GridSpec = { x0: 0, y0: 0, cellSize: 100, cols: 2, rows: 2, rotationDeg: 0, crs: 'EPSG:32718' };
const mask = new Uint8Array([1, 1, 1, 1]);
const outcome = (counts: number[]): CellCounts => ({
  counts: Float64Array.from(counts),
  total: counts.reduce((a, b) => a + b, 0),
  unassignable: 0,
});
// Coverage 25 % of 4 cells = the single top cell.
const COVERAGE = [0.25];

describe('backtest accumulator', () => {
  it('reports pooled and mean daily hit rates, per-window hits and a paired test against naive', () => {
    const acc = new BacktestAccumulator(COVERAGE, 1);
    const model = createRiskSurface(grid, [3, 2, 1, 0], mask); // always picks cell 0
    const naive = createRiskSurface(grid, [0, 3, 2, 1], mask); // always picks cell 1
    // Windows: cell-0 hits / events = 1/2, (no events), 9/10, 0/4.
    const windows = [
      outcome([1, 1, 0, 0]),
      outcome([0, 0, 0, 0]),
      outcome([9, 1, 0, 0]),
      outcome([0, 4, 0, 0]),
    ];
    windows.forEach((o, wi) => {
      acc.add('model', model, o, 0, wi);
      acc.add('naive', naive, o, 0, wi);
    });
    const [m, n] = acc.results(
      [
        { name: 'model', kind: 'x', config: { a: 1 }, refitEveryDays: 7 },
        { name: 'naive', kind: 'naive-counts', config: {} },
      ],
      'naive',
    );
    const p = m?.curve[0];
    expect(p?.hitRate).toBeCloseTo(10 / 16, 12); // pooled
    expect(p?.meanHitRate).toBeCloseTo((0.5 + 0.9 + 0) / 3, 12); // mean of the three daily rates
    expect(p?.meanInterval95?.[0]).toBeLessThanOrEqual(p?.meanHitRate as number);
    expect(m?.perWindow).toEqual({ events: [2, 0, 10, 4], hits: [[1, 0, 9, 0]] });
    expect(m?.refitEveryDays).toBe(7);
    // Naive: 1/2, 1/10, 4/4; differences model − naive 0, 0.8, −1 over the three windows with events.
    expect(n?.curve[0]?.meanHitRate).toBeCloseTo((0.5 + 0.1 + 1) / 3, 12);
    expect(n?.curve[0]?.pairedVsNaive).toBeNull();
    expect(p?.pairedVsNaive?.windows).toBe(3);
    expect(p?.pairedVsNaive?.meanDifference).toBeCloseTo(-0.2 / 3, 12);
    // One +0.8 and one −1 (ranks 1 and 2): W⁺ = 1, exact two-sided p = 2·P(W⁺ ≤ 1) = 2·2/4 = 1.
    expect(p?.pairedVsNaive?.pValue).toBeCloseTo(1, 12);
    const csv = reportWindowsToCsv({
      windowStarts: ['a', 'b', 'c', 'd'],
      models: [m],
    } as unknown as Parameters<typeof reportWindowsToCsv>[0]);
    expect(csv.split('\n').slice(0, 3)).toEqual([
      'model,window,window_start,coverage,hits,events',
      'model,0,a,0.25,1,2',
      'model,1,b,0.25,0,0',
    ]);
  });

  it('applies the chosen tie rule: average splits a tie, open_cp order keeps the last tied cell', () => {
    // Cells 0 and 1 tie for the top; the 2 events are in cell 0.
    const surface = createRiskSurface(grid, [1, 1, 0, 0], mask);
    const hitsWith = (tieBreak: 'average' | 'order') => {
      const acc = new BacktestAccumulator(COVERAGE, 1, tieBreak);
      acc.add('m', surface, outcome([2, 0, 0, 0]), 0, 0);
      return acc.results([{ name: 'm', kind: 'm', config: {} }], 'm')[0]?.curve[0]?.hits;
    };
    expect(hitsWith('average')).toBe(1);
    expect(hitsWith('order')).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors.ts';
import { createEventSet } from '../../core/events.ts';
import { createGrid, type GridSpec } from '../../core/grid.ts';
import { checkCounts, countsByCell, NO_EVENTS } from './counts.ts';

// 3 columns × 2 rows of 100 m: cells 0 1 2 on the south row, 3 4 5 on the north row.
const GRID: GridSpec = { x0: 0, y0: 0, cellSize: 100, cols: 3, rows: 2, rotationDeg: 0, crs: 'EPSG:32718' };
const MASK = Uint8Array.from([1, 1, 1, 1, 0, 1]);

describe('countsByCell', () => {
  it('counts events per valid cell and reports the rest as unassignable', () => {
    const events = createEventSet({
      t: [1, 2, 3, 4, 5, 6, 7],
      // cell 0, cell 1 twice, cell 5, masked cell 4, west of the grid, east of the grid
      x: [50, 150, 160, 250, 150, -10, 300],
      y: [50, 50, 60, 150, 150, 50, 50],
    });
    const out = countsByCell(GRID, MASK, events);
    expect(Array.from(out.counts)).toEqual([1, 2, 0, 0, 0, 1]);
    expect(out.total).toBe(4);
    expect(out.unassignable).toBe(3);
  });

  it('gives zero counts for an empty window', () => {
    const out = countsByCell(GRID, MASK, createEventSet({ t: [], x: [], y: [] }));
    expect(Array.from(out.counts)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(out.total).toBe(0);
    expect(out.unassignable).toBe(0);
  });

  it('follows createGrid, which adds a one-cell margin west and south', () => {
    const grid = createGrid([0, 0, 300, 200], 'EPSG:32718', { cellSize: 100 });
    expect([grid.cols, grid.rows]).toEqual([4, 3]);
    const mask = new Uint8Array(12).fill(1);
    const out = countsByCell(grid, mask, createEventSet({ t: [0], x: [50], y: [50] }));
    // (50, 50) is in row 1, column 1 of a grid starting at (−100, −100).
    expect(out.counts[5]).toBe(1);
    expect(out.total).toBe(1);
  });

  it('rejects a mask of the wrong length', () => {
    const events = createEventSet({ t: [], x: [], y: [] });
    expect(() => countsByCell(GRID, new Uint8Array(5), events)).toThrow(ValidationError);
  });

  it('exposes a frozen no-events value', () => {
    expect(NO_EVENTS).toEqual({ kind: 'no-events' });
    expect(Object.isFrozen(NO_EVENTS)).toBe(true);
  });
});

describe('checkCounts', () => {
  it('returns the sum over valid cells', () => {
    expect(checkCounts(MASK, Float64Array.from([1, 2, 0, 0, 0, 1]), 4)).toBe(4);
  });

  it('rejects counts that do not fit the mask or the total', () => {
    expect(() => checkCounts(MASK, new Float64Array(5))).toThrow(ValidationError);
    expect(() => checkCounts(MASK, Float64Array.from([0, 0, 0, 0, 1, 0]))).toThrow(/enmascarada/);
    expect(() => checkCounts(MASK, Float64Array.from([-1, 0, 0, 0, 0, 0]))).toThrow(ValidationError);
    expect(() => checkCounts(MASK, Float64Array.from([Number.NaN, 0, 0, 0, 0, 0]))).toThrow(ValidationError);
    expect(() => checkCounts(MASK, Float64Array.from([1, 0, 0, 0, 0, 0]), 2)).toThrow(/total/);
  });
});

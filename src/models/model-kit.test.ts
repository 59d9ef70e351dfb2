import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ValidationError } from '../core/errors.ts';
import { cellOf, type GridSpec } from '../core/grid.ts';
import {
  cellsOf,
  checkArtifact,
  checkWindow,
  countCells,
  locateInGrid,
  lowerBound,
  numberBetween,
  parseEventWindowState,
  parseModelConfig,
} from './model-kit.ts';

const grid: GridSpec = {
  x0: 1000,
  y0: 2000,
  cellSize: 150,
  cols: 4,
  rows: 3,
  rotationDeg: 0,
  crs: 'EPSG:32718',
};

describe('model-kit', () => {
  it('lowerBound finds the first index ≥ value', () => {
    const t = Float64Array.from([1, 2, 2, 5]);
    expect([0, 1, 2, 3, 5, 6].map((v) => lowerBound(t, v))).toEqual([0, 0, 1, 3, 3, 4]);
    expect(lowerBound(t, 2, 2)).toBe(2);
    expect(lowerBound(new Float64Array(0), 1)).toBe(0);
  });

  it('locates events exactly as cellOf does, on plain and rotated grids, and beyond the edge', () => {
    for (const rotationDeg of [0, 30, -17]) {
      const g = { ...grid, rotationDeg };
      const xs: number[] = [];
      const ys: number[] = [];
      for (let i = -2; i <= 9; i++)
        for (let j = -2; j <= 7; j++) {
          // Points on cell borders (multiples of 75 m) are where rounding could disagree.
          xs.push(g.x0 - 100 + i * 75);
          ys.push(g.y0 - 100 + j * 75);
        }
      const x = Float64Array.from(xs);
      const y = Float64Array.from(ys);
      const cells = cellsOf(g, x, y);
      const counts = new Float64Array(12);
      countCells(g, x, y, counts);
      const expected = new Float64Array(12);
      const { col, row, fx, fy } = locateInGrid(g, x, y);
      for (let i = 0; i < x.length; i++) {
        const c = cellOf(g, x[i] as number, y[i] as number);
        expect(cells[i]).toBe(c);
        if (c >= 0) {
          expected[c] = (expected[c] as number) + 1;
          expect((row[i] as number) * g.cols + (col[i] as number)).toBe(c);
        }
        expect(fx[i]).toBeGreaterThanOrEqual(0);
        expect(fx[i]).toBeLessThanOrEqual(150);
        expect(fy[i]).toBeGreaterThanOrEqual(0);
        expect(fy[i]).toBeLessThanOrEqual(150);
      }
      expect(counts).toEqual(expected);
    }
    const { col, row, fx, fy } = locateInGrid(grid, Float64Array.from([950]), Float64Array.from([2200]));
    expect([col[0], row[0], fx[0], fy[0]]).toEqual([-1, 1, 100, 50]);
  });

  it('parses options over their defaults and names the bad one', () => {
    const schema = z.strictObject({ bandwidth: numberBetween(25, 2000, ' m').default(200) });
    expect(parseModelConfig(schema, undefined)).toEqual({ bandwidth: 200 });
    expect(parseModelConfig(schema, null)).toEqual({ bandwidth: 200 });
    expect(parseModelConfig(schema, { bandwidth: 300 })).toEqual({ bandwidth: 300 });
    expect(() => parseModelConfig(schema, { bandwidth: 3000 })).toThrow(
      'bandwidth: debe estar entre 25 y 2000 m',
    );
    expect(() => parseModelConfig(schema, { bandwidth: '300' })).toThrow(
      'bandwidth: debe estar entre 25 y 2000 m',
    );
    expect(() => parseModelConfig(schema, { bandwitdh: 300 })).toThrow(
      'bandwitdh: opción desconocida (opciones válidas: bandwidth)',
    );
    expect(() => parseModelConfig(schema, [1])).toThrow(/^config: /);
    try {
      parseModelConfig(schema, { bandwidth: 1 });
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).field).toBe('bandwidth');
    }
  });

  it('checks artifacts, states and windows', () => {
    const artifact = { kind: 'a', schemaVersion: 1, config: {}, state: {} };
    expect(() => checkArtifact(artifact, 'a', 1)).not.toThrow();
    expect(() => checkArtifact(artifact, 'b', 1)).toThrow(/artifact.kind/);
    expect(() => checkArtifact(artifact, 'a', 2)).toThrow(/artifact.schemaVersion/);
    expect(parseEventWindowState({ cutoff: 5, x: [1, 2], y: [3, 4], t: [1, 2] }).t).toEqual([1, 2]);
    expect(() => parseEventWindowState({ cutoff: 5, x: [1, 2], y: [3], t: [1, 2] })).toThrow(
      /artifact.state.y/,
    );
    expect(() => parseEventWindowState({ cutoff: 5, x: [1, 2], y: [3, 4], t: [2, 1] })).toThrow(
      /artifact.state.t/,
    );
    expect(() => parseEventWindowState({ cutoff: 5, x: ['1'], y: [3], t: [1] })).toThrow(
      /artifact.state.x.0/,
    );
    expect(() => checkWindow({ start: 10, end: 10 })).toThrow(/^window: /);
    expect(() => checkWindow({ start: 9, end: 10 }, 10)).toThrow(/^window.start: /);
    expect(() => checkWindow({ start: 10, end: 11 }, 10)).not.toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors.ts';
import { createEventSet } from '../../core/events.ts';
import type { GridSpec } from '../../core/grid.ts';
import { runPredictorConformance } from '../conformance.case.ts';
import { random } from './random.ts';

runPredictorConformance(random, { emptySurface: 'any' });

const DAY = 86_400_000;
const grid: GridSpec = { x0: 0, y0: 0, cellSize: 150, cols: 20, rows: 20, rotationDeg: 0, crs: 'EPSG:32718' };
const mask = new Uint8Array(400).fill(1);
mask[0] = 0;
const cutoff = Date.UTC(2024, 0, 1);
const empty = createEventSet({ t: [], x: [], y: [] });
const day = (d: number) => ({ start: cutoff + d * DAY, end: cutoff + (d + 1) * DAY });

describe('random', () => {
  it('draws in (0, 1] on valid cells, 0 on masked ones, with a mean near 1/2', () => {
    const v = random.fit(empty, { grid, mask, cutoff, seed: 1 }, random.defaults).predict(day(0)).values;
    expect(v[0]).toBe(0);
    let sum = 0;
    for (let c = 1; c < 400; c++) {
      expect(v[c]).toBeGreaterThan(0);
      expect(v[c]).toBeLessThanOrEqual(1);
      sum += v[c] as number;
    }
    expect(sum / 399).toBeGreaterThan(0.44);
    expect(sum / 399).toBeLessThan(0.56);
  });

  it('is fixed by seed and window, and redraws for another seed or window', () => {
    const fitted = (seed: number) => random.fit(empty, { grid, mask, cutoff, seed }, random.defaults);
    expect(fitted(7).predict(day(0)).values).toEqual(fitted(7).predict(day(0)).values);
    expect(fitted(7).predict(day(0)).values).not.toEqual(fitted(8).predict(day(0)).values);
    expect(fitted(7).predict(day(0)).values).not.toEqual(fitted(7).predict(day(1)).values);
  });

  it('has no options and rejects empty windows', () => {
    expect(random.parseConfig(undefined)).toEqual({});
    expect(() => random.parseConfig({ bandwidth: 200 })).toThrow(/bandwidth: opción desconocida/);
    const p = random.fit(empty, { grid, mask, cutoff, seed: 1 }, random.defaults);
    expect(() => p.predict({ start: cutoff, end: cutoff })).toThrow(ValidationError);
  });
});

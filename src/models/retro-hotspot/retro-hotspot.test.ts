import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors.ts';
import { createEventSet } from '../../core/events.ts';
import { cellCenter, type GridSpec } from '../../core/grid.ts';
import { runPredictorConformance } from '../conformance.case.ts';
import { retroHotspot } from './retro-hotspot.ts';

runPredictorConformance(retroHotspot);
runPredictorConformance(retroHotspot, { config: { bandwidth: 400, windowDays: 120 } });

const DAY = 86_400_000;
const cutoff = Date.UTC(2024, 0, 1);
const window = { start: cutoff, end: cutoff + DAY };
// 3 × 3 cells of 150 m; cell c = row · 3 + col, centres at 75, 225, 375.
const grid: GridSpec = { x0: 0, y0: 0, cellSize: 150, cols: 3, rows: 3, rotationDeg: 0, crs: 'EPSG:32718' };
const mask = new Uint8Array(9).fill(1);
const ctx = { grid, mask, cutoff, seed: 1 };

const one = (x: number, y: number, daysBefore = 1) =>
  createEventSet({ t: [cutoff - daysBefore * DAY], x: [x], y: [y] });
const predict = (events: ReturnType<typeof one>, config = retroHotspot.defaults, g = grid, m = mask) =>
  Array.from(retroHotspot.fit(events, { ...ctx, grid: g, mask: m }, config).predict(window).values);

describe('retro-hotspot', () => {
  it('weights (1 − d²/h²)² at cell centres: w(50) = (15/16)² with h = 200 m', () => {
    // Event 50 m east of the centre of cell 0.
    const v = predict(one(125, 75));
    expect(v[0]).toBeCloseTo((15 / 16) ** 2, 14); // d = 50
    expect(v[1]).toBeCloseTo((3 / 4) ** 2, 14); // d = 100
    expect(v[3]).toBeCloseTo((3 / 8) ** 2, 14); // d² = 50² + 150²
    expect(v[4]).toBeCloseTo((3 / 16) ** 2, 14); // d² = 100² + 150²
    expect(v[2]).toBe(0); // d = 250 > h
    expect(v[6]).toBe(0); // d² = 50² + 300²
  });

  it('sums events, counts each event once whatever its age inside the window, and zeroes masked cells', () => {
    const events = createEventSet({ t: [cutoff - 59 * DAY, cutoff - DAY], x: [75, 75], y: [75, 75] });
    const m = Uint8Array.from([1, 0, 1, 1, 1, 1, 1, 1, 1]);
    const v = predict(events, retroHotspot.defaults, grid, m);
    expect(v[0]).toBe(2);
    expect(v[1]).toBe(0);
    expect(v[3]).toBeCloseTo(2 * (7 / 16) ** 2, 14); // d = 150
  });

  it('uses the window [t0 − W, t0) relative to the window start', () => {
    expect(predict(one(75, 75, 60))[0]).toBe(1); // exactly W days before: inside
    expect(predict(one(75, 75, 60.001))[0]).toBe(0);
    const p = retroHotspot.fit(one(75, 75, 50), ctx, retroHotspot.defaults);
    expect(p.predict({ start: cutoff + 9 * DAY, end: cutoff + 10 * DAY }).values[0]).toBe(1);
    expect(p.predict({ start: cutoff + 11 * DAY, end: cutoff + 12 * DAY }).values[0]).toBe(0);
    expect(() => p.predict({ start: cutoff - DAY, end: cutoff })).toThrow(ValidationError);
  });

  it('lets events just outside the grid reach edge cells', () => {
    const v = predict(one(-50, 75)); // 125 m west of the centre of cell 0
    expect(v[0]).toBeCloseTo((1 - 125 ** 2 / 200 ** 2) ** 2, 14);
  });

  it('measures distances in the grid frame of a rotated grid', () => {
    const rotated: GridSpec = { ...grid, x0: 1000, y0: 2000, rotationDeg: 30 };
    const [x, y] = cellCenter(rotated, 4) as [number, number];
    const v = predict(one(x, y), retroHotspot.defaults, rotated);
    expect(v[4]).toBeCloseTo(1, 12);
    for (const c of [1, 3, 5, 7]) expect(v[c]).toBeCloseTo((7 / 16) ** 2, 12);
    for (const c of [0, 2, 6, 8]) expect(v[c]).toBe(0); // d = 150·√2 > 200
  });

  it('names the bad option', () => {
    expect(() => retroHotspot.parseConfig({ bandwidth: 10 })).toThrow(
      'bandwidth: debe estar entre 25 y 2000 m',
    );
    expect(() => retroHotspot.parseConfig({ windowDays: 'sesenta' })).toThrow(/^windowDays: /);
    expect(() => retroHotspot.parseConfig({ bandwith: 200 })).toThrow(/bandwith: opción desconocida/);
  });
});

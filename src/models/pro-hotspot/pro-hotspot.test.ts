import { describe, expect, it } from 'vitest';
import { createEventSet } from '../../core/events.ts';
import type { GridSpec } from '../../core/grid.ts';
import { runPredictorConformance } from '../conformance.case.ts';
import { bandwidthCells, type ProHotspotConfig, proHotspot } from './pro-hotspot.ts';

runPredictorConformance(proHotspot);
runPredictorConformance(proHotspot, { config: { distance: 'euclidean', weeks: 4 } });

const DAY = 86_400_000;
const cutoff = Date.UTC(2024, 0, 1);
const window = { start: cutoff, end: cutoff + DAY };
// 7 × 7 cells of 100 m; bandwidth 300 m → D = 3 cells. The event sits in the middle cell (3, 3).
const grid: GridSpec = { x0: 0, y0: 0, cellSize: 100, cols: 7, rows: 7, rotationDeg: 0, crs: 'EPSG:32718' };
const mask = new Uint8Array(49).fill(1);
const ctx = { grid, mask, cutoff, seed: 1 };
const at = (col: number, row: number) => row * 7 + col;

const oneEvent = (daysBefore: number, x = 350, y = 320) =>
  createEventSet({ t: [cutoff - daysBefore * DAY], x: [x], y: [y] });
const predict = (daysBefore: number, over: Partial<ProHotspotConfig> = {}) =>
  proHotspot
    .fit(oneEvent(daysBefore), ctx, proHotspot.parseConfig({ bandwidth: 300, ...over }))
    .predict(window).values;

describe('pro-hotspot', () => {
  it('BJP weights 1/((1+d)(1+t)): an event 1 cell and 1 week away weighs 1/4', () => {
    const v = predict(8); // 8 days → 1 whole week
    expect(v[at(3, 3)]).toBe(1 / 2);
    expect(v[at(4, 3)]).toBe(1 / 4);
    expect(v[at(4, 4)]).toBe(1 / 4); // Chebyshev: a diagonal neighbour is 1 cell away
    expect(v[at(5, 1)]).toBe(1 / 6);
    expect(v[at(6, 3)]).toBe(0); // d = D is outside
  });

  it('counts whole weeks before the window start: 6 days is 0, 8 weeks is out', () => {
    expect(predict(6)[at(3, 3)]).toBe(1);
    expect(predict(7)[at(3, 3)]).toBe(1 / 2);
    expect(predict(8 * 7 - 0.001)[at(3, 3)]).toBe(1 / 8);
    expect(predict(8 * 7)[at(3, 3)]).toBe(0);
    // Relative to the window start: 6 days before the cutoff is 13 days before a window a week later.
    const p = proHotspot.fit(oneEvent(6), ctx, proHotspot.parseConfig({ bandwidth: 300 }));
    expect(p.predict({ start: cutoff + 7 * DAY, end: cutoff + 8 * DAY }).values[at(3, 3)]).toBe(1 / 2);
  });

  it('ℓ1 and Euclidean cell distances', () => {
    const l1 = predict(8, { distance: 'l1' });
    expect(l1[at(4, 4)]).toBe(1 / 6); // d = 2
    expect(l1[at(5, 4)]).toBe(0); // d = 3
    const eu = predict(8, { distance: 'euclidean' });
    expect(eu[at(4, 4)]).toBeCloseTo(1 / ((1 + Math.SQRT2) * 2), 15);
    expect(eu[at(5, 5)]).toBeCloseTo(1 / ((1 + 2 * Math.SQRT2) * 2), 15);
    expect(eu[at(6, 3)]).toBe(0);
  });

  it('adds events and ties D to the cell size (400 m on 150 m cells → 3 cells)', () => {
    const events = createEventSet({ t: [cutoff - DAY, cutoff - 8 * DAY], x: [350, 350], y: [350, 350] });
    const v = proHotspot.fit(events, ctx, proHotspot.parseConfig({ bandwidth: 300 })).predict(window).values;
    expect(v[at(3, 3)]).toBe(1 + 1 / 2);
    expect(v[at(2, 2)]).toBe(1 / 2 + 1 / 4);
    expect(bandwidthCells(400, 150)).toBe(3);
    expect(bandwidthCells(400, 50)).toBe(8);
    expect(bandwidthCells(50, 150)).toBe(1);
  });

  it('names the bad option', () => {
    expect(() => proHotspot.parseConfig({ weeks: 2.5 })).toThrow(
      'weeks: debe ser un entero entre 1 y 104 semanas',
    );
    expect(() => proHotspot.parseConfig({ distance: 'manhattan' })).toThrow(
      'distance: debe ser una de: chebyshev, l1, euclidean',
    );
  });
});

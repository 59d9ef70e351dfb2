import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors.ts';
import { createEventSet } from '../../core/events.ts';
import type { GridSpec } from '../../core/grid.ts';
import { runPredictorConformance } from '../conformance.case.ts';
import type { ModelArtifact } from '../predictor.ts';
import { naiveCounts } from './naive-counts.ts';

runPredictorConformance(naiveCounts);
runPredictorConformance(naiveCounts, { config: { windowDays: 30 } });

const DAY = 86_400_000;
// 3 columns × 2 rows of 100 m cells; cell 5 (north-east) is masked.
const grid: GridSpec = { x0: 0, y0: 0, cellSize: 100, cols: 3, rows: 2, rotationDeg: 0, crs: 'EPSG:32718' };
const mask = Uint8Array.from([1, 1, 1, 1, 1, 0]);
const cutoff = Date.UTC(2024, 0, 1);
const ctx = { grid, mask, cutoff, seed: 1 };
const window = { start: cutoff, end: cutoff + DAY };

// (x, y, days before the cutoff)
const rows: [number, number, number][] = [
  [10, 10, 100], // cell 0, old
  [50, 50, 11], // cell 0
  [99, 99, 10], // cell 0, exactly 10 days before
  [150, 150, 1], // cell 4
  [250, 150, 2], // cell 5, masked
  [-20, 50, 1], // outside the grid
];
const events = createEventSet({
  t: rows.map(([, , d]) => cutoff - d * DAY),
  x: rows.map(([x]) => x),
  y: rows.map(([, y]) => y),
});

describe('naive-counts', () => {
  it('counts all history per cell; outside events count nowhere, masked cells are 0', () => {
    const v = naiveCounts.fit(events, ctx, naiveCounts.defaults).predict(window).values;
    expect(Array.from(v)).toEqual([3, 0, 0, 0, 1, 0]);
  });

  it('with a window counts t0 − W ≤ t < t0, relative to the window start', () => {
    const p = naiveCounts.fit(events, ctx, naiveCounts.parseConfig({ windowDays: 10 }));
    expect(Array.from(p.predict(window).values)).toEqual([1, 0, 0, 0, 1, 0]);
    // Five days later, the event 10 days before the cutoff is 15 days old.
    const later = { start: cutoff + 5 * DAY, end: cutoff + 6 * DAY };
    expect(Array.from(p.predict(later).values)).toEqual([0, 0, 0, 0, 1, 0]);
  });

  it('refuses windows that start before the cutoff and bad options, naming the option', () => {
    const p = naiveCounts.fit(events, ctx, naiveCounts.defaults);
    expect(() => p.predict({ start: cutoff - DAY, end: cutoff })).toThrow(ValidationError);
    expect(() => naiveCounts.parseConfig({ windowDays: 0 })).toThrow(
      'windowDays: debe estar entre 1 y 3650 días',
    );
    expect(naiveCounts.parseConfig({ windowDays: null })).toEqual({ windowDays: null });
  });

  it('stores sparse counts (all history) and refuses an artifact from another grid', () => {
    const artifact = naiveCounts.fit(events, ctx, naiveCounts.defaults).toArtifact() as ModelArtifact<
      unknown,
      { cells: number[]; counts: number[] }
    >;
    expect(artifact.state.cells).toEqual([0, 4, 5]);
    expect(artifact.state.counts).toEqual([3, 1, 1]);
    const bigger = { grid: { ...grid, cols: 4 }, mask: new Uint8Array(8).fill(1), seed: 1 };
    expect(() => naiveCounts.fromArtifact(artifact, bigger)).toThrow(/artifact.state.cellCount/);
    const bad = { ...artifact, state: { ...artifact.state, cells: [0, 4, 99] } };
    expect(() => naiveCounts.fromArtifact(bad, ctx)).toThrow(/artifact.state.cells/);
  });
});

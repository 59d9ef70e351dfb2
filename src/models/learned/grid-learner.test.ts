import { describe, expect, it } from 'vitest';
import { createEventSet } from '../../core/events.ts';
import type { GridSpec } from '../../core/grid.ts';
import { CATEGORY_CODES } from '../../core/taxonomy.ts';
import { dailySequences, smoothedTargets, trainingWindows } from './grid-learner.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const TZ = 'America/Lima';
/** 2024-06-10 00:00 in Lima (UTC−5). */
const midnight = Date.UTC(2024, 5, 10, 5);
const grid: GridSpec = { x0: 0, y0: 0, cellSize: 100, cols: 3, rows: 3, rotationDeg: 0, crs: 'EPSG:32718' };

describe('learned grid models: training set', () => {
  it('lays training windows out like the forecast, before the cutoff, as of their day start', () => {
    const cutoff = midnight + 12 * HOUR; // noon: today's windows are not training windows
    const days = trainingWindows(cutoff, 'day', 6, 2, TZ);
    expect(days.map((w) => (midnight - w.start) / DAY)).toEqual([6, 4, 2]);
    for (const w of days) expect([w.end - w.start, w.asOf]).toEqual([DAY, w.start]);
    const turnos = trainingWindows(cutoff, 'turno', 2, 1, TZ);
    expect(turnos).toHaveLength(8);
    expect(
      turnos.slice(0, 4).map((w) => [(w.start - (midnight - 2 * DAY)) / HOUR, (w.end - w.start) / HOUR]),
    ).toEqual([
      [0, 6],
      [6, 6],
      [12, 6],
      [18, 6],
    ]);
    for (const w of turnos) expect(w.asOf).toBe(midnight - (w.start < midnight - DAY ? 2 : 1) * DAY);
    expect(
      trainingWindows(cutoff, 'week', 10, 1, TZ).every((w) => w.end <= cutoff && w.end - w.start === 7 * DAY),
    ).toBe(true);
  });

  it('averages a smoothed target over the next days, in the same hours, for the forecast group only', () => {
    const robo = CATEGORY_CODES.indexOf('robo');
    const otros = CATEGORY_CODES.indexOf('otros');
    const rows: [number, number][] = [
      [midnight + 20 * HOUR, robo], // day 0, noche
      [midnight + DAY + 19 * HOUR, robo], // day 1, noche
      [midnight + 2 * DAY + 8 * HOUR, robo], // day 2, mañana: another turno
      [midnight + 2 * DAY + 21 * HOUR, otros], // not in the group
      [midnight + 3 * DAY + 20 * HOUR, robo], // day 3: beyond 3 days
    ];
    const events = createEventSet({
      t: rows.map(([t]) => t),
      x: rows.map(() => 150),
      y: rows.map(() => 150),
      category: rows.map(([, c]) => c),
    });
    const noche = { start: midnight + 18 * HOUR, end: midnight + DAY, asOf: midnight };
    const y = smoothedTargets(events, grid, Int32Array.from([0, 4]), [noche], 3, 'property', TZ);
    expect(Array.from(y)).toEqual([0, Math.fround(2 / 3)]);
  });

  it('gives each row its daily counts before the as-of time, oldest first, known before it', () => {
    const robo = CATEGORY_CODES.indexOf('robo');
    const events = createEventSet({
      t: [midnight - 1 * HOUR, midnight - 1 * HOUR, midnight - 2 * DAY - HOUR],
      known: [midnight - HOUR, midnight + HOUR, midnight - 2 * DAY],
      x: [150, 50, 150],
      y: [150, 50, 150],
      category: [robo, robo, CATEGORY_CODES.indexOf('otros')],
    });
    // Cell 4 (centre) and cell 0 (south-west corner), 3 days, channels: group in cell, in 3 × 3, all in cell.
    const seq = dailySequences(events, grid, Int32Array.from([0, 4]), [midnight], 3, 'property');
    expect(Array.from(seq.subarray(0, 9))).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 0]);
    expect(Array.from(seq.subarray(9, 18))).toEqual([0, 0, 1, 0, 0, 0, 1, 1, 1]);
  });
});

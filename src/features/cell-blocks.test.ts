/** The cluster, environment and place-type blocks through buildFeatures: their columns land in every window's rows. */
import { describe, expect, it } from 'vitest';
import { createEventSet, knownBefore } from '../core/events.ts';
import type { GridSpec } from '../core/grid.ts';
import { CATEGORY_CODES } from '../core/taxonomy.ts';
import { buildFeatures } from './build.ts';
import { clusterBlock } from './clusters.ts';
import { environmentBlock } from './environment.ts';
import { featureColumn } from './matrix.ts';
import { placeTypeBlock } from './place-types.ts';

const DAY = 86_400_000;
const grid: GridSpec = { x0: 0, y0: 0, cellSize: 100, cols: 6, rows: 6, rotationDeg: 0, crs: 'toy' };
const mask = new Uint8Array(36).fill(1);
mask[0] = 0; // cell 0 is not a row
const start = Date.UTC(2025, 2, 10, 5);
const windows = [
  { start, end: start + DAY },
  { start: start + DAY, end: start + 2 * DAY },
];
// Past events in cells (1, 1) and (4, 4), plus one that occurs before the first window but is registered after it.
const xs = [150, 160, 140, 450, 460, 550];
const ys = [150, 140, 160, 450, 440, 50];
const events = createEventSet({
  t: xs.map((_, i) => start - (i + 1) * DAY),
  known: xs.map((_, i) => (i === 5 ? start + 3_600_000 : start - (i + 1) * DAY)),
  x: xs,
  y: ys,
  category: xs.map(() => CATEGORY_CODES.indexOf('robo')),
});

describe('per-cell blocks in the feature matrix', () => {
  it('cluster, environment and place-type columns follow the window columns, one value per valid cell and window', () => {
    // The caller's no-look-ahead duty: only what was known before the earliest window.
    const past = knownBefore(events, start);
    expect(past.length).toBe(5);
    const clusters = clusterBlock(past, grid, { k: 2, minClusterEvents: 1 });
    const env = environmentBlock(
      [
        {
          name: 'comisarias',
          geojson: {
            type: 'FeatureCollection',
            features: [
              { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [0.25, 0.35] } },
            ],
          },
        },
      ],
      grid,
      (lon, lat) => [lon * 1000, lat * 1000],
    );
    const places = placeTypeBlock(
      {
        x: past.x,
        y: past.y,
        label: Array.from(past.x, (x, i) => (i === 0 ? -1 : x < 300 ? 0 : 1)),
        labels: ['street', 'residence'],
      },
      grid,
    );
    const m = buildFeatures({
      events,
      grid,
      mask,
      windows,
      timeZone: 'America/Lima',
      groups: ['all'],
      cellBlocks: [clusters, env, places],
    });
    const names = m.schema.columns.map((c) => c.name);
    const added = [...clusters.columns, ...env.columns, ...places.columns].map((c) => c.name);
    expect(names.slice(-added.length)).toEqual(added);
    expect(added).toContain('cluster.distance');
    expect(added).toContain('env.comisarias.count500m');
    expect(added).toContain('placeType.share.street');
    expect(m.cells.length).toBe(35);
    expect([...m.cells]).not.toContain(0);
    for (const block of [clusters, env, places])
      block.columns.forEach((spec, j) => {
        const column = featureColumn(m, spec.name);
        const values = block.values[j] as Float32Array;
        for (let w = 0; w < 2; w++)
          for (const [k, cell] of m.cells.entries())
            expect(Object.is(column[w * 35 + k], values[cell])).toBe(true);
      });
    // Known answers in cell (1, 1) = 7 and (2, 3) = 20.
    const at = (name: string, cell: number) => featureColumn(m, name)[m.cells.indexOf(cell)];
    expect(at('cluster.size', 7)).toBe(3);
    expect(at('cluster.distance', 7)).toBeLessThan(10);
    expect(at('env.comisarias.distance', 20)).toBe(0);
    expect(at('placeType.share.street', 7)).toBe(1);
    expect(at('placeType.share.street', 14)).toBeNaN(); // no event with a place type in (2, 2)
    expect(at('placeType.count3x3', 14)).toBe(3);
  });
});

import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.ts';
import { createEventSet, type EventSet } from '../core/events.ts';
import { cellOf, type GridSpec } from '../core/grid.ts';
import { mulberry32 } from '../core/random.ts';
import { bucketIndex } from './buckets.ts';
import { clusterBlock, dbscan, kMeans } from './clusters.ts';

// 20 × 20 cells of 100 m.
const grid: GridSpec = { x0: 0, y0: 0, cellSize: 100, cols: 20, rows: 20, rotationDeg: 0, crs: 'EPSG:32718' };
/** Three well-separated blobs (sizes 60, 40, 20; spread ≈ 30 m) plus the blob centres. */
const BLOBS = [
  { x: 300, y: 300, n: 60 },
  { x: 1500, y: 400, n: 40 },
  { x: 900, y: 1600, n: 20 },
];
function blobs(seed = 7): EventSet {
  const r = mulberry32(seed);
  const x: number[] = [];
  const y: number[] = [];
  for (const b of BLOBS)
    for (let i = 0; i < b.n; i++) {
      // Box–Muller, σ = 30 m
      const u = Math.max(r(), 1e-12);
      const v = r();
      const m = 30 * Math.sqrt(-2 * Math.log(u));
      x.push(b.x + m * Math.cos(2 * Math.PI * v));
      y.push(b.y + m * Math.sin(2 * Math.PI * v));
    }
  return createEventSet({ t: x.map((_, i) => i), x, y });
}
const col = (block: ReturnType<typeof clusterBlock>, name: string): Float32Array => {
  const i = block.columns.findIndex((c) => c.name === name);
  return block.values[i] as Float32Array;
};

describe('location clusters', () => {
  it('k-means recovers three well-separated blobs (centres within 15 m, exact sizes)', () => {
    const ev = blobs();
    const cl = kMeans(ev.x, ev.y, { k: 3, minClusterEvents: 10, iterations: 25, seed: 1 });
    expect(cl.cx.length).toBe(3);
    for (const b of BLOBS) {
      const j = [0, 1, 2].find(
        (j) => Math.hypot((cl.cx[j] as number) - b.x, (cl.cy[j] as number) - b.y) < 15,
      );
      expect(j).toBeDefined();
      expect(cl.size[j as number]).toBe(b.n);
      expect(cl.spread[j as number]).toBeGreaterThan(20);
      expect(cl.spread[j as number]).toBeLessThan(60);
    }
  });

  it('DBSCAN finds the same three blobs and leaves a far lone event as noise', () => {
    const ev = blobs();
    const x = [...ev.x, 1900];
    const y = [...ev.y, 1900];
    const cl = dbscan(x, y, 60, 5);
    expect(cl.cx.length).toBe(3);
    expect([...cl.size].sort((a, b) => a - b)).toEqual([20, 40, 60]);
  });

  it('per cell: distance to the nearest centre, its size and density, and the kernel density', () => {
    const block = clusterBlock(blobs(), grid, { k: 3 });
    expect(block.columns.map((c) => c.name)).toEqual([
      'cluster.distance',
      'cluster.size',
      'cluster.density',
      'cluster.kernel',
    ]);
    expect(block.columns.every((c) => c.kind === 'cluster')).toBe(true);
    expect(block.values.every((v) => v.length === 400)).toBe(true);
    const home = cellOf(grid, 300, 300); // its centre (350, 350) is ≈ 71 m from the blob centre
    expect(col(block, 'cluster.distance')[home]).toBeGreaterThan(50);
    expect(col(block, 'cluster.distance')[home]).toBeLessThan(90);
    expect(col(block, 'cluster.size')[home]).toBe(60);
    const far = cellOf(grid, 1950, 1950); // nearest blob: (900, 1600), ≈ 1,107 m from the cell centre
    expect(col(block, 'cluster.size')[far]).toBe(20);
    expect(Math.abs((col(block, 'cluster.distance')[far] as number) - Math.hypot(1050, 350))).toBeLessThan(
      20,
    );
    // density = size / (π spread²): a 60-event blob of σ = 30 m (RMS ≈ 42 m) is ≈ 10,800 events/km².
    expect(col(block, 'cluster.density')[home]).toBeGreaterThan(5000);
    expect(col(block, 'cluster.density')[home]).toBeLessThan(25000);
    // The kernel density decreases away from the blobs.
    expect(col(block, 'cluster.kernel')[home]).toBeGreaterThan(col(block, 'cluster.kernel')[far] as number);
  });

  it('the default k is scaled down to one cluster per 10 events', () => {
    const block = clusterBlock(blobs(), grid); // 120 events → at most 12 clusters
    const sizes = new Set(col(block, 'cluster.size'));
    expect(sizes.size).toBeLessThanOrEqual(12);
    expect(sizes.size).toBeGreaterThan(3);
  });

  it('is deterministic (same bytes) and seeded', () => {
    const a = clusterBlock(blobs(), grid, { k: 8 });
    const b = clusterBlock(blobs(), grid, { k: 8 });
    for (const [i, v] of a.values.entries())
      expect(Buffer.from(v.buffer)).toEqual(Buffer.from((b.values[i] as Float32Array).buffer));
    const d = clusterBlock(blobs(), grid, { method: 'dbscan', epsMeters: 60, minPoints: 5 });
    const e = clusterBlock(blobs(), grid, { method: 'dbscan', epsMeters: 60, minPoints: 5 });
    expect(Buffer.from((d.values[0] as Float32Array).buffer)).toEqual(
      Buffer.from((e.values[0] as Float32Array).buffer),
    );
  });

  it('no events (or only noise) give NaN columns, never an error', () => {
    const empty = createEventSet({ t: [], x: [], y: [] });
    for (const block of [
      clusterBlock(empty, grid),
      clusterBlock(empty, grid, { method: 'dbscan' }),
      clusterBlock(createEventSet({ t: [0], x: [50], y: [50] }), grid, { method: 'dbscan' }),
    ])
      for (const v of block.values) expect(v.every(Number.isNaN)).toBe(true);
    // One event: one cluster of size 1 at that point.
    const one = clusterBlock(createEventSet({ t: [0], x: [50], y: [50] }), grid);
    expect(col(one, 'cluster.distance')[0]).toBe(0);
    expect(col(one, 'cluster.size')[0]).toBe(1);
  });

  it('names a bad option', () => {
    expect(() => clusterBlock(blobs(), grid, { k: 0 })).toThrow(ValidationError);
    expect(() => clusterBlock(blobs(), grid, { k: 2.5 })).toThrow(/k: debe ser un número entero/);
    expect(() => clusterBlock(blobs(), grid, { method: 'optics' as 'dbscan' })).toThrow(
      /método de agrupamiento/,
    );
    expect(() => clusterBlock(blobs(), grid, { method: 'dbscan', epsMeters: -1 })).toThrow(/epsMeters/);
  });

  it('the bucket index finds the nearest point like a full scan', () => {
    const r = mulberry32(3);
    const x = Array.from({ length: 500 }, () => r() * 5000);
    const y = Array.from({ length: 500 }, () => r() * 3000);
    const index = bucketIndex(x, y, 100);
    for (let q = 0; q < 200; q++) {
      const qx = r() * 9000 - 2000;
      const qy = r() * 7000 - 2000;
      let best = Infinity;
      for (let i = 0; i < 500; i++)
        best = Math.min(best, ((x[i] as number) - qx) ** 2 + ((y[i] as number) - qy) ** 2);
      expect(index.nearest2(qx, qy)).toBe(best);
      let inside = 0;
      index.near(qx, qy, 300, (i) => {
        if (((x[i] as number) - qx) ** 2 + ((y[i] as number) - qy) ** 2 <= 300 ** 2) inside++;
      });
      expect(inside).toBe(
        x.filter((_, i) => ((x[i] as number) - qx) ** 2 + ((y[i] as number) - qy) ** 2 <= 300 ** 2).length,
      );
    }
  });
});

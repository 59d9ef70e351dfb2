import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.ts';
import { createEventSet, knownBefore, occurredIn, ofCategories } from './events.ts';
import { cellCenter, cellCorners, cellCount, cellOf, createGrid, type GridSpec } from './grid.ts';
import { createRiskSurface, renormalised, surfaceToGeoJson, totalRisk, validCells } from './risk-surface.ts';

const g: GridSpec = { x0: 0, y0: 0, cellSize: 100, cols: 3, rows: 2, rotationDeg: 0, crs: 'EPSG:32718' };

describe('grid', () => {
  it('numbers cells row-major from the south-west', () => {
    expect(cellOf(g, 50, 50)).toBe(0);
    expect(cellOf(g, 250, 50)).toBe(2);
    expect(cellOf(g, 50, 150)).toBe(3);
    expect(cellOf(g, 299.9, 199.9)).toBe(5);
    expect(cellOf(g, 300, 50)).toBe(-1);
    expect(cellOf(g, -0.1, 50)).toBe(-1);
    expect([...cellCenter(g, 4)]).toEqual([150, 150]);
    expect(cellCorners(g, 5)).toEqual([
      [200, 100],
      [300, 100],
      [300, 200],
      [200, 200],
    ]);
  });

  it('covers a box with a margin, honours the origin offset, and rejects bad cell sizes', () => {
    const grid = createGrid([1000, 2000, 1500, 2300], 'EPSG:32718', { cellSize: 100 });
    expect(grid).toMatchObject({ x0: 900, y0: 1900, cols: 6, rows: 4 });
    const shifted = createGrid([1000, 2000, 1500, 2300], 'EPSG:32718', { cellSize: 100, offsetX: 50 });
    expect(shifted.x0).toBe(950);
    expect(cellOf(shifted, 1000, 2000)).toBeGreaterThanOrEqual(0);
    for (const cellSize of [50, 600, Number.NaN])
      expect(() => createGrid([0, 0, 1000, 1000], 'EPSG:32718', { cellSize })).toThrow(ValidationError);
    expect(() => createGrid([0, 0, 0, 1000], 'EPSG:32718')).toThrow(/vacía/);
  });

  it('anchors the grid on a chosen origin, snapped by whole cells to cover the box', () => {
    // Box x 1000–1500, y 2000–2300, 100 m cells; origin (37, 5512): corners at x ≡ 37, y ≡ 12 (mod 100).
    const grid = createGrid([1000, 2000, 1500, 2300], 'EPSG:32718', { cellSize: 100, origin: [37, 5512] });
    expect(grid.x0).toBeCloseTo(937, 9);
    expect(grid.y0).toBeCloseTo(1912, 9);
    expect(cellOf(grid, 1000, 2000)).toBeGreaterThanOrEqual(0);
    expect(cellOf(grid, 1499, 2299)).toBeGreaterThanOrEqual(0);
    // An origin on the default lattice changes nothing; the offsets move the grid from the origin.
    const plain = createGrid([1000, 2000, 1500, 2300], 'EPSG:32718', { cellSize: 100 });
    expect(createGrid([1000, 2000, 1500, 2300], 'EPSG:32718', { cellSize: 100, origin: [0, 0] })).toEqual(
      plain,
    );
    const moved = createGrid([1000, 2000, 1500, 2300], 'EPSG:32718', {
      cellSize: 100,
      origin: [37, 5512],
      offsetX: 50,
      offsetY: 50,
    });
    expect(moved.x0).toBeCloseTo(987, 9);
    expect(moved.y0).toBeCloseTo(1962, 9);
    // Rotated: the origin is still a cell corner (its position along both axes is a whole number of cells).
    const rot = createGrid([0, 0, 1000, 600], 'EPSG:32718', {
      cellSize: 100,
      rotationDeg: 30,
      origin: [333, 77],
    });
    const th = (30 * Math.PI) / 180;
    const du = (333 - rot.x0) * Math.cos(th) + (77 - rot.y0) * Math.sin(th);
    const dv = -(333 - rot.x0) * Math.sin(th) + (77 - rot.y0) * Math.cos(th);
    expect(Math.abs(du / 100 - Math.round(du / 100))).toBeLessThan(1e-9);
    expect(Math.abs(dv / 100 - Math.round(dv / 100))).toBeLessThan(1e-9);
    expect(() =>
      createGrid([0, 0, 1000, 600], 'EPSG:32718', { cellSize: 100, origin: [Number.NaN, 0] }),
    ).toThrow(/origen de la grilla/);
  });

  it('rotated grids still cover the box and map centres back to their cells', () => {
    const grid = createGrid([0, 0, 1000, 600], 'EPSG:32718', { cellSize: 100, rotationDeg: 30 });
    for (const [x, y] of [
      [0, 0],
      [1000, 0],
      [0, 600],
      [1000, 600],
      [500, 300],
    ] as const)
      expect(cellOf(grid, x, y)).toBeGreaterThanOrEqual(0);
    for (let c = 0; c < cellCount(grid); c += 7) {
      const [x, y] = cellCenter(grid, c) as Float64Array;
      expect(cellOf(grid, x as number, y as number)).toBe(c);
    }
  });
});

describe('risk surface', () => {
  const mask = Uint8Array.from([1, 1, 0, 1, 1, 1]);
  it('zeroes masked cells, refuses negative or NaN values, renormalises', () => {
    const s = createRiskSurface(g, [1, 3, 99, 0, 4, 2], mask);
    expect([...s.values]).toEqual([1, 3, 0, 0, 4, 2]);
    expect(validCells(mask)).toBe(5);
    expect(totalRisk(s)).toBe(10);
    expect([...renormalised(s).values]).toEqual([0.1, 0.3, 0, 0, 0.4, 0.2]);
    const zero = renormalised(createRiskSurface(g, [0, 0, 0, 0, 0, 0], mask));
    expect([...zero.values]).toEqual([0.2, 0.2, 0, 0.2, 0.2, 0.2]);
    expect(() => createRiskSurface(g, [1, -1, 0, 0, 0, 0], mask)).toThrow(/celda 1/);
    expect(() => createRiskSurface(g, [1, Number.NaN, 0, 0, 0, 0], mask)).toThrow(ValidationError);
    expect(() => createRiskSurface(g, [1, 2], mask)).toThrow(/6 valores/);
  });

  it('exports valid non-zero cells as GeoJSON polygons', () => {
    const fc = surfaceToGeoJson(createRiskSurface(g, [1, 0, 5, 0, 4, 0], mask), {
      toLonLat: (x, y) => [x / 1000, y / 1000],
    });
    expect(fc.features.map((f) => [f.properties.cell, f.properties.risk])).toEqual([
      [0, 1],
      [4, 4],
    ]);
    expect(fc.features[1]?.geometry.coordinates[0]).toEqual([
      [0.1, 0.1],
      [0.2, 0.1],
      [0.2, 0.2],
      [0.1, 0.2],
      [0.1, 0.1],
    ]);
  });
});

describe('event sets', () => {
  const ev = createEventSet({
    t: [30, 10, 20, 40],
    known: [35, 10, 45, 40],
    x: [3, 1, 2, 4],
    y: [0, 0, 0, 0],
    category: [0, 1, 0, 2],
  });
  it('sorts by time and cuts by occurrence and registration', () => {
    expect([...ev.t]).toEqual([10, 20, 30, 40]);
    expect([...ev.x]).toEqual([1, 2, 3, 4]);
    // At cutoff 40: the event of t=20 was only registered at 45 → not yet known.
    expect([...knownBefore(ev, 40).t]).toEqual([10, 30]);
    expect([...knownBefore(ev, 50).t]).toEqual([10, 20, 30, 40]); // all registered by then
    expect([...knownBefore(ev, 15).x]).toEqual([1]);
    expect(knownBefore(ev, 5).length).toBe(0);
    expect([...occurredIn(ev, 20, 40).t]).toEqual([20, 30]);
    expect([...ofCategories(ev, new Set([0])).x]).toEqual([2, 3]);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.ts';
import { cellCenter, cellOf, createGrid, type GridSpec } from '../core/grid.ts';
import { mulberry32 } from '../core/random.ts';
import { utmProjectionFor } from '../geo/projection.ts';
import { type EnvironmentLayer, environmentBlock } from './environment.ts';

// A toy projection: 1 degree = 1,000 m, so (0.35°, 0.35°) is the centre of cell (3, 3).
const project = (lon: number, lat: number): [number, number] => [lon * 1000, lat * 1000];
const grid: GridSpec = { x0: 0, y0: 0, cellSize: 100, cols: 20, rows: 20, rotationDeg: 0, crs: 'toy' };
const fc = (features: unknown[]) => ({ type: 'FeatureCollection', features });
const point = (lon: number, lat: number) => ({
  type: 'Feature',
  properties: {},
  geometry: { type: 'Point', coordinates: [lon, lat] },
});
const col = (block: ReturnType<typeof environmentBlock>, name: string): Float32Array => {
  const i = block.columns.findIndex((c) => c.name === name);
  expect(i).toBeGreaterThanOrEqual(0);
  return block.values[i] as Float32Array;
};

describe('environment layers', () => {
  it('a point in a known cell: distance 0 there, the exact count within the radius around it', () => {
    const block = environmentBlock(
      [{ name: 'mercados', geojson: fc([point(0.35, 0.35), point(0.65, 0.35), point(1.95, 1.95)]) }],
      grid,
      project,
    );
    expect(block.columns.map((c) => `${c.name} ${c.kind} ${c.unit}`)).toEqual([
      'env.mercados.distance environment m',
      'env.mercados.count500m environment features',
    ]);
    const c33 = cellOf(grid, 350, 350);
    expect(col(block, 'env.mercados.distance')[c33]).toBe(0);
    expect(col(block, 'env.mercados.count500m')[c33]).toBe(2); // itself and the one 300 m east
    expect(col(block, 'env.mercados.distance')[cellOf(grid, 350, 750)]).toBe(400);
    expect(col(block, 'env.mercados.count500m')[cellOf(grid, 350, 750)]).toBe(2); // (650, 350) is exactly 500 m away: in
    expect(col(block, 'env.mercados.count500m')[cellOf(grid, 50, 1950)]).toBe(0);
    expect(col(block, 'env.mercados.distance')[cellOf(grid, 1950, 1950)]).toBe(0);
  });

  it('polygons count by their centroid, lines by their vertices, features without geometry not at all', () => {
    const square = [
      [0.3, 0.3],
      [0.4, 0.3],
      [0.4, 0.4],
      [0.3, 0.4],
      [0.3, 0.3],
    ];
    const block = environmentBlock(
      [
        {
          name: 'colegios',
          geojson: fc([
            { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [square] } },
            { type: 'Feature', properties: {}, geometry: null },
          ]),
        },
        {
          name: 'paraderos',
          geojson: fc([
            {
              type: 'Feature',
              properties: {},
              geometry: {
                type: 'LineString',
                coordinates: [
                  [1.05, 1.05],
                  [1.25, 1.05],
                ],
              },
            },
          ]),
        },
      ],
      grid,
      project,
      { radiusMeters: 150 },
    );
    expect(col(block, 'env.colegios.distance')[cellOf(grid, 350, 350)]).toBeCloseTo(0, 6);
    expect(col(block, 'env.colegios.count150m')[cellOf(grid, 350, 350)]).toBe(1);
    expect(col(block, 'env.paraderos.distance')[cellOf(grid, 1050, 1050)]).toBe(0);
    expect(col(block, 'env.paraderos.distance')[cellOf(grid, 1250, 1050)]).toBe(0);
    expect(col(block, 'env.paraderos.distance')[cellOf(grid, 1150, 1050)]).toBe(100);
    expect(col(block, 'env.paraderos.count150m')[cellOf(grid, 1150, 1050)]).toBe(2);
  });

  it('an empty layer gives NaN distances (missing) and zero counts', () => {
    const block = environmentBlock([{ name: 'bares', geojson: fc([]) }], grid, project);
    expect(col(block, 'env.bares.distance').every(Number.isNaN)).toBe(true);
    expect(col(block, 'env.bares.count500m').every((v) => v === 0)).toBe(true);
  });

  it('matches a full scan on a random layer, and is deterministic', () => {
    const r = mulberry32(11);
    const pts = Array.from({ length: 400 }, () => [r() * 2.6 - 0.3, r() * 2.6 - 0.3] as const);
    const layers: EnvironmentLayer[] = [{ name: 'azar', geojson: fc(pts.map(([a, b]) => point(a, b))) }];
    const block = environmentBlock(layers, grid, project, { radiusMeters: 250 });
    const at = new Float64Array(2);
    for (let c = 0; c < 400; c++) {
      cellCenter(grid, c, at);
      let best = Infinity;
      let k = 0;
      for (const [a, b] of pts) {
        const d = Math.hypot(a * 1000 - (at[0] as number), b * 1000 - (at[1] as number));
        best = Math.min(best, d);
        if (d <= 250) k++;
      }
      expect(col(block, 'env.azar.distance')[c]).toBe(Math.fround(best));
      expect(col(block, 'env.azar.count250m')[c]).toBe(k);
    }
    const again = environmentBlock(layers, grid, project, { radiusMeters: 250 });
    for (const [i, v] of block.values.entries())
      expect(Buffer.from(v.buffer)).toEqual(Buffer.from((again.values[i] as Float32Array).buffer));
  });

  it('real OSM markets of Callao in UTM 18S: distances agree with great-circle distances', () => {
    const geojson = JSON.parse(readFileSync('test-data/callao/osm_pois.geojson', 'utf8')) as {
      type: string;
      features: { properties: { category: string }; geometry: { coordinates: [number, number] } }[];
    };
    const markets = {
      ...geojson,
      features: geojson.features.filter((f) => f.properties.category === 'market'),
    };
    expect(markets.features).toHaveLength(18);
    const utm = utmProjectionFor(-77.09, -12.03);
    const [minX, minY] = utm.forward(-77.11, -12.06);
    const [maxX, maxY] = utm.forward(-77.06, -12.0);
    const g = createGrid([minX, minY, maxX, maxY], utm.code, { cellSize: 150 });
    const block = environmentBlock([{ name: 'mercados', geojson: markets }], g, utm.forward);
    const haversine = (lon1: number, lat1: number, lon2: number, lat2: number): number => {
      const rad = Math.PI / 180;
      const a =
        Math.sin(((lat2 - lat1) * rad) / 2) ** 2 +
        Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
      return 2 * 6_371_008.8 * Math.asin(Math.sqrt(a));
    };
    const at = new Float64Array(2);
    const dist = col(block, 'env.mercados.distance');
    const count = col(block, 'env.mercados.count500m');
    // "Colectora El Alamo" (−77.088561, −12.040885): its cell is within half a diagonal of it.
    const [ax, ay] = utm.forward(-77.088561, -12.040885);
    expect(dist[cellOf(g, ax, ay)]).toBeLessThanOrEqual(75 * Math.SQRT2);
    expect(count[cellOf(g, ax, ay)]).toBeGreaterThanOrEqual(1);
    let near = 0;
    for (let c = 0; c < dist.length; c += 7) {
      cellCenter(g, c, at);
      const [lon, lat] = utm.inverse(at[0] as number, at[1] as number);
      const d = markets.features.map((f) => haversine(lon, lat, ...f.geometry.coordinates));
      expect(Math.abs((dist[c] as number) - Math.min(...d))).toBeLessThan(0.005 * Math.min(...d) + 1);
      // Exact unless a market lies within the projection's 0.5 % of 500 m from a centre (none does).
      expect(count[c]).toBe(d.filter((v) => v <= 500).length);
      if ((count[c] as number) > 0) near++;
    }
    expect(near).toBeGreaterThan(10);
  });

  it('names the layer and the feature index of bad GeoJSON, and bad names or radius', () => {
    const bad = (layers: EnvironmentLayer[], re: RegExp) => {
      expect(() => environmentBlock(layers, grid, project)).toThrow(ValidationError);
      expect(() => environmentBlock(layers, grid, project)).toThrow(re);
    };
    bad(
      [{ name: 'mercados', geojson: { type: 'Feature' } }],
      /capa "mercados": el GeoJSON debe ser una FeatureCollection/,
    );
    bad(
      [{ name: 'mercados', geojson: fc([point(0.1, 0.1), point(0.2, 0.2), point(200, 0.3)]) }],
      /layers\[0\]\.features\[2\]: capa "mercados", elemento 2: coordenada inválida \[200,0.3\]/,
    );
    bad(
      [
        {
          name: 'mercados',
          geojson: fc([{ type: 'Feature', geometry: { type: 'GeometryCollection', geometries: [] } }]),
        },
      ],
      /elemento 0: geometría de tipo "GeometryCollection" no admitida/,
    );
    bad(
      [
        {
          name: 'mercados',
          geojson: fc([{ type: 'Feature', geometry: { type: 'LineString', coordinates: [[0, 0]] } }]),
        },
      ],
      /elemento 0: LineString/,
    );
    bad(
      [
        {
          name: 'mercados',
          geojson: fc([{ type: 'Feature', geometry: { type: 'Point', coordinates: ['a', 0] } }]),
        },
      ],
      /elemento 0: coordenada inválida/,
    );
    bad([{ name: 'mercados', geojson: fc([42]) }], /elemento 0: no es un Feature/);
    bad([{ name: 'Mercados Centrales', geojson: fc([]) }], /nombre de capa inválido/);
    bad(
      [
        { name: 'mercados', geojson: fc([]) },
        { name: 'mercados', geojson: fc([]) },
      ],
      /capa repetida "mercados"/,
    );
    expect(() => environmentBlock([], grid, project, { radiusMeters: 0 })).toThrow(/radio/);
    expect(() =>
      environmentBlock([{ name: 'x', geojson: fc([point(0, 0)]) }], grid, () => [Number.NaN, 0]),
    ).toThrow(/no se puede proyectar/);
  });
});

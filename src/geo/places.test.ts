import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.ts';
import type { GridSpec } from '../core/grid.ts';
import { mulberry32 } from '../core/random.ts';
import {
  describeCells,
  LANDMARK_RADIUS_M,
  placeIndex,
  placeLabel,
  STREET_RADIUS_M,
  shortStreetName,
} from './places.ts';
import { utmProjectionFor } from './projection.ts';

const projection = utmProjectionFor(-77.1, -12.05);
const [X0, Y0] = projection.forward(-77.1, -12.05).map(Math.round) as [number, number];
/** A 5 × 5 grid of 100 m cells south-west-anchored at (X0, Y0). */
const grid: GridSpec = {
  x0: X0,
  y0: Y0,
  cellSize: 100,
  cols: 5,
  rows: 5,
  rotationDeg: 0,
  crs: projection.code,
};
/** lon/lat of a point given in metres from the grid's corner. */
const at = (dx: number, dy: number): [number, number] => projection.inverse(X0 + dx, Y0 + dy);
const line = (name: string, ...pts: [number, number][]) => ({
  type: 'Feature',
  properties: { name },
  geometry: { type: 'LineString', coordinates: pts.map(([dx, dy]) => at(dx, dy)) },
});
const point = (name: string, dx: number, dy: number) => ({
  type: 'Feature',
  properties: { name },
  geometry: { type: 'Point', coordinates: at(dx, dy) },
});
const fc = (...features: unknown[]) => ({ type: 'FeatureCollection', features });

// Cells 0 and 1 (row 0, columns 0–1) have centres (50, 50) and (150, 50).
const streets = fc(
  line('Avenida Uno', [-300, 60], [600, 60]), // 10 m from both centres
  line('Jirón Dos', [230, -200], [230, 400]), // 80 m from cell 1's centre
  {
    ...line('Calle Tres', [0, 0]),
    geometry: {
      type: 'MultiLineString',
      coordinates: [
        [at(-120, 300), at(-120, 301)],
        [at(-100, 50), at(-100, 0)],
      ],
    },
  }, // 150 m
  line('Avenida Lejana', [3000, 3000], [3500, 3000]),
  {
    type: 'Feature',
    properties: {},
    geometry: { type: 'LineString', coordinates: [at(50, 40), at(150, 40)] },
  }, // unnamed: skipped
);
const pois = fc(point('Mercado Central', 150, 300), point('Mercado Lejano', 2000, 2000));

describe('places: named streets and points of interest', () => {
  const index = placeIndex({ streets, pois }, projection);

  it('indexes the named features only', () => {
    expect(index.streetNames).toBe(4);
    expect(index.pois).toBe(2);
  });

  it('names cells by district, the two nearest streets (short forms) and the nearest landmark, with links to the centre', () => {
    const place = describeCells(index, projection, grid, [0, 1], 'Bellavista');
    expect(place.streets).toEqual(['Av. Uno', 'Jr. Dos']);
    expect(place.landmark).toBe('Mercado Central');
    expect(place.label).toBe('Bellavista — Av. Uno / Jr. Dos, cerca de Mercado Central');
    const [lon, lat] = at(100, 50);
    expect(place.lat).toBeCloseTo(lat, 6);
    expect(place.lon).toBeCloseTo(lon, 6);
    expect(place.directionsUrl).toBe(
      `https://www.google.com/maps/dir/?api=1&destination=${place.lat},${place.lon}`,
    );
    expect(place.mapUrl).toBe(
      `https://www.openstreetmap.org/?mlat=${place.lat}&mlon=${place.lon}#map=17/${place.lat}/${place.lon}`,
    );
    // Distances are to the segments, the nearest cell centre counts.
    const near = index.nearestStreets(
      [50, 150].map((v) => X0 + v),
      [Y0 + 50, Y0 + 50],
      9,
      STREET_RADIUS_M,
    );
    expect(near.map((s) => s.name)).toEqual(['Avenida Uno', 'Jirón Dos', 'Calle Tres']);
    expect(near.map((s) => s.distance)).toEqual([
      expect.closeTo(10, 3),
      expect.closeTo(80, 3),
      expect.closeTo(150, 3),
    ]);
  });

  it('leaves out what is beyond the radii: the district alone when nothing is near', () => {
    const far = describeCells(index, projection, { ...grid, x0: X0 + 1200, y0: Y0 + 1200 }, [0], 'Callao'); // centre (1250, 1250)
    expect(far.streets).toEqual([]);
    expect(far.landmark).toBeNull();
    expect(far.label).toBe('Callao');
    expect(describeCells(null, projection, grid, [0], 'La Punta').label).toBe('La Punta');
    expect(index.nearestPoi([X0 + 150], [Y0 + 300 - LANDMARK_RADIUS_M - 1], LANDMARK_RADIUS_M)).toBeNull();
    expect(placeLabel('Callao', [], 'Mercado Central')).toBe('Callao — cerca de Mercado Central');
    expect(placeLabel('Callao', ['Av. Uno'], null)).toBe('Callao — Av. Uno');
  });

  it('finds what a brute-force scan finds (bucket index), on random streets', () => {
    const rand = mulberry32(7);
    const features = Array.from({ length: 300 }, (_, i) =>
      line(
        `Calle ${i % 120}`, // several lines share a name
        ...Array.from(
          { length: 2 + Math.floor(rand() * 4) },
          () => [rand() * 4000 - 500, rand() * 4000 - 500] as [number, number],
        ),
      ),
    );
    const idx = placeIndex({ streets: fc(...features) }, projection);
    const segs = features.flatMap((f) => {
      const xy = f.geometry.coordinates.map(([lon, lat]) => projection.forward(lon, lat));
      return xy.slice(1).map((b, k) => ({ name: f.properties.name, a: xy[k] as [number, number], b }));
    });
    const dist = (px: number, py: number, a: [number, number], b: [number, number]) => {
      const dx = b[0] - a[0];
      const dy = b[1] - a[1];
      const t = Math.max(0, Math.min(1, ((px - a[0]) * dx + (py - a[1]) * dy) / (dx * dx + dy * dy)));
      return Math.hypot(a[0] + t * dx - px, a[1] + t * dy - py);
    };
    for (let q = 0; q < 40; q++) {
      const xs = [X0 + rand() * 3000, X0 + rand() * 3000];
      const ys = [Y0 + rand() * 3000, Y0 + rand() * 3000];
      const radius = 100 + rand() * 600;
      const best = new Map<string, number>();
      for (const s of segs)
        for (let i = 0; i < 2; i++) {
          const d = dist(xs[i] as number, ys[i] as number, s.a, s.b);
          if (d <= radius && d < (best.get(s.name) ?? Infinity)) best.set(s.name, d);
        }
      const expected = [...best].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 5);
      const got = idx.nearestStreets(xs, ys, 5, radius);
      expect(got.map((s) => s.name)).toEqual(expected.map(([name]) => name));
      for (const [i, s] of got.entries()) expect(s.distance).toBeCloseTo(expected[i]?.[1] as number, 6);
    }
  });

  it('shortens street types as written on signs', () => {
    expect(shortStreetName('Avenida Oscar R. Benavides')).toBe('Av. Oscar R. Benavides');
    expect(shortStreetName('Jiron Paz Soldán')).toBe('Jr. Paz Soldán');
    expect(shortStreetName('Pasaje Los Pinos')).toBe('Pje. Los Pinos');
    expect(shortStreetName('Calle 29')).toBe('Calle 29');
  });

  it('refuses bad layers and cells naming the source, the element and the field', () => {
    const fails = (f: () => unknown, field: string, text: RegExp) => {
      const err = (() => {
        try {
          f();
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).field).toBe(field);
      expect((err as Error).message).toMatch(text);
    };
    fails(
      () => placeIndex({ streets: [], streetsSource: 'calles.geojson' }, projection),
      'calles.geojson',
      /FeatureCollection/,
    );
    fails(
      () =>
        placeIndex(
          { streets: fc(point('Avenida Punto', 0, 0)), streetsSource: 'calles.geojson' },
          projection,
        ),
      'calles.geojson',
      /elemento 0 \("Avenida Punto"\).*LineString/,
    );
    fails(
      () =>
        placeIndex(
          {
            streets: fc({
              ...line('Jr. Malo', [0, 0], [1, 1]),
              geometry: {
                type: 'LineString',
                coordinates: [
                  [-77, -12],
                  [500, -12],
                ],
              },
            }),
          },
          projection,
        ),
      'calles',
      /elemento 0 \("Jr. Malo"\).*\[lon, lat\]/,
    );
    fails(
      () =>
        placeIndex(
          { streets, pois: fc(line('Mercado Línea', [0, 0], [1, 1])), poisSource: 'lugares.geojson' },
          projection,
        ),
      'lugares.geojson',
      /elemento 0 \("Mercado Línea"\).*Point/,
    );
    fails(
      () => describeCells(index, projection, { ...grid, crs: 'EPSG:32717' }, [0], 'X'),
      'grid',
      /EPSG:32717/,
    );
    fails(() => describeCells(index, projection, grid, [25], 'X'), 'cells', /celda 25/);
    fails(() => describeCells(index, projection, grid, [], 'X'), 'cells', /al menos una/);
  });
});

describe('the Callao layer shipped in assets/callao/osm (ODbL)', () => {
  const read = (file: string) =>
    readFileSync(new URL(`../../assets/callao/osm/${file}`, import.meta.url), 'utf8');
  const streets = JSON.parse(read('callao_streets.geojson'));
  const pois = JSON.parse(read('callao_pois.geojson'));

  it('holds only names and geometries, coordinates to 6 decimals, with its licence and attribution', () => {
    expect(streets.features).toHaveLength(1868);
    expect(pois.features).toHaveLength(18);
    for (const f of [...streets.features, ...pois.features]) {
      expect(Object.keys(f.properties)).toEqual(['name']);
      for (const v of JSON.stringify(f.geometry.coordinates).match(/-?\d+\.\d+/g) ?? [])
        expect(v.split('.')[1]?.length).toBeLessThanOrEqual(6);
    }
    const readme = read('README.md');
    expect(readme).toMatch(/© OpenStreetMap contributors/);
    expect(readme).toMatch(/ODbL/);
    expect(readme).toMatch(/87772eb54b305683deab17a7dc17b40b0d69b6bb3bd8d7635d17b7704c05fb42/);
  });

  it('names a place in Callao by its streets', () => {
    const area = { projection: utmProjectionFor(-77.12, -11.95) }; // Callao's zone, UTM 18 S
    const idx = placeIndex({ streets, pois }, area.projection);
    expect(idx.streetNames).toBe(1868);
    // A cell on Av. Morales Duárez near the Carmen de la Legua markets (-77.088324, -12.037982).
    const [x, y] = area.projection.forward(-77.088324, -12.037982);
    const one: GridSpec = {
      x0: x - 75,
      y0: y - 75,
      cellSize: 150,
      cols: 1,
      rows: 1,
      rotationDeg: 0,
      crs: area.projection.code,
    };
    const place = describeCells(idx, area.projection, one, [0], 'Carmen de la Legua Reynoso');
    expect(place.streets).toHaveLength(2);
    expect(place.label).toMatch(/^Carmen de la Legua Reynoso — .+ \/ .+/);
    expect(place.streets.join(' ')).toMatch(/Morales Du[aá]rez|Alcides Carri[oó]n/);
  });
});

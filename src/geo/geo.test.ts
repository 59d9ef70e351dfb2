import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.ts';
import {
  containsPoint,
  distanceToBoundary,
  type FlatPolygon,
  flattenPolygon,
  type PolygonalGeometry,
  polygonArea,
} from './polygon.ts';
import { createProjection, utmProjectionFor, utmZoneFor } from './projection.ts';
import {
  compileStudyArea,
  parseBbox,
  type StudyArea,
  studyAreaFromBbox,
  studyAreaFromGeoJson,
} from './study-area.ts';

const identity = (x: number, y: number): [number, number] => [x, y];
const square = (x0: number, y0: number, x1: number, y1: number): number[][] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
];
/** Clockwise version (for holes under RFC 7946). */
const squareCw = (x0: number, y0: number, x1: number, y1: number): number[][] =>
  square(x0, y0, x1, y1).reverse();
const flat = (geometry: PolygonalGeometry): FlatPolygon => flattenPolygon(geometry, identity);

function catchError(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('utmZoneFor', () => {
  it('puts Callao in zone 18 south (EPSG:32718)', () => {
    expect(utmZoneFor(-77.13, -12.05)).toEqual({
      zone: 18,
      south: true,
      code: 'EPSG:32718',
      definition: '+proj=utm +zone=18 +south +datum=WGS84 +units=m +no_defs',
    });
  });

  it('puts Chicago in zone 16 north (EPSG:32616)', () => {
    const z = utmZoneFor(-87.7, 41.9);
    expect(z).toMatchObject({ zone: 16, south: false, code: 'EPSG:32616' });
    expect(z.definition).not.toContain('+south');
  });

  it('handles zone edges', () => {
    expect(utmZoneFor(-180, 0).zone).toBe(1);
    expect(utmZoneFor(-78, -12).zone).toBe(18); // −78 is the western edge of zone 18
    expect(utmZoneFor(-78.0001, -12).zone).toBe(17);
    expect(utmZoneFor(180, 10).zone).toBe(60);
  });

  it('rejects coordinates outside UTM', () => {
    expect(catchError(() => utmZoneFor(181, 0)).field).toBe('lon');
    expect(catchError(() => utmZoneFor(Number.NaN, 0)).field).toBe('lon');
    expect(catchError(() => utmZoneFor(0, -80.5)).field).toBe('lat');
    expect(catchError(() => utmZoneFor(0, 85)).field).toBe('lat');
  });
});

describe('projection', () => {
  it('maps the central meridian on the equator to the false origin of zone 18S', () => {
    const p = utmProjectionFor(-77.13, -12.05);
    const [x, y] = p.forward(-75, 0);
    expect(x).toBeCloseTo(500_000, 3);
    expect(y).toBeCloseTo(10_000_000, 3);
    expect(p.code).toBe('EPSG:32718');
  });

  it('keeps the central meridian at x = 500000 and goes south as latitude falls', () => {
    const p = utmProjectionFor(-77.13, -12.05);
    const [x, y] = p.forward(-75, -12);
    expect(x).toBeCloseTo(500_000, 3);
    // 12° of meridian arc ≈ 1 327 km, scaled by k0 = 0.9996.
    expect(10_000_000 - y).toBeGreaterThan(1_326_000);
    expect(10_000_000 - y).toBeLessThan(1_328_000);
  });

  it('round-trips Callao points within 1e-6°', () => {
    const p = utmProjectionFor(-77.13, -12.05);
    for (const [lon, lat] of [
      [-77.1469, -12.0631],
      [-77.125, -11.855],
      [-77.0428, -12.0464],
      [-77.25, -12.06],
    ] as const) {
      const [x, y] = p.forward(lon, lat);
      const [lon2, lat2] = p.inverse(x, y);
      expect(Math.abs(lon2 - lon)).toBeLessThan(1e-6);
      expect(Math.abs(lat2 - lat)).toBeLessThan(1e-6);
    }
  });

  it('rejects a broken proj4 definition with field crs', () => {
    expect(catchError(() => createProjection('EPSG:0', '+proj=nonsense +foo')).field).toBe('crs');
  });
});

describe('polygon', () => {
  const unit = flat({ type: 'Polygon', coordinates: [square(0, 0, 1, 1)] });
  const holed = flat({ type: 'Polygon', coordinates: [square(0, 0, 10, 10), squareCw(4, 4, 6, 6)] });

  it('flattens rings and computes the bbox', () => {
    expect(unit.rings).toHaveLength(1);
    expect(Array.from(unit.rings[0] as Float64Array)).toEqual([0, 0, 1, 0, 1, 1, 0, 1, 0, 0]);
    expect(unit.bbox).toEqual([0, 0, 1, 1]);
    expect(holed.bbox).toEqual([0, 0, 10, 10]);
  });

  it('applies the projection while flattening', () => {
    const p = flattenPolygon({ type: 'Polygon', coordinates: [square(0, 0, 1, 1)] }, (x, y) => [
      x * 100,
      y * 200,
    ]);
    expect(p.bbox).toEqual([0, 0, 100, 200]);
  });

  it('rejects rings with fewer than 4 vertices', () => {
    const bad: PolygonalGeometry = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [0, 0],
        ],
      ],
    };
    expect(catchError(() => flat(bad)).field).toBe('geometry');
  });

  it('containsPoint on the unit square', () => {
    expect(containsPoint(unit, 0.5, 0.5)).toBe(true);
    expect(containsPoint(unit, 0.001, 0.999)).toBe(true);
    expect(containsPoint(unit, 1.5, 0.5)).toBe(false);
    expect(containsPoint(unit, -0.1, 0.5)).toBe(false);
    expect(containsPoint(unit, 0.5, 2)).toBe(false);
  });

  it('containsPoint leaves out the hole (even–odd)', () => {
    expect(containsPoint(holed, 2, 2)).toBe(true);
    expect(containsPoint(holed, 5, 5)).toBe(false);
    expect(containsPoint(holed, 5, 3.9)).toBe(true);
    expect(containsPoint(holed, 5, 6.1)).toBe(true);
    expect(containsPoint(holed, 11, 5)).toBe(false);
  });

  it('even–odd works whatever the hole orientation, and for multipolygons', () => {
    const sameOrientation = flat({
      type: 'Polygon',
      coordinates: [square(0, 0, 10, 10), square(4, 4, 6, 6)],
    });
    expect(containsPoint(sameOrientation, 5, 5)).toBe(false);
    expect(containsPoint(sameOrientation, 1, 1)).toBe(true);
    const multi = flat({ type: 'MultiPolygon', coordinates: [[square(0, 0, 1, 1)], [square(5, 0, 6, 1)]] });
    expect(multi.bbox).toEqual([0, 0, 6, 1]);
    expect(containsPoint(multi, 0.5, 0.5)).toBe(true);
    expect(containsPoint(multi, 5.5, 0.5)).toBe(true);
    expect(containsPoint(multi, 3, 0.5)).toBe(false);
  });

  it('containsPoint rejects points outside the bbox before looking at the rings', () => {
    // A polygon whose stored bbox is (deliberately) smaller than its ring: the fast reject decides.
    const lying: FlatPolygon = { rings: unit.rings, bbox: [0, 0, 0.5, 0.5] };
    expect(containsPoint(lying, 0.25, 0.25)).toBe(true);
    expect(containsPoint(lying, 0.75, 0.75)).toBe(false);
  });

  it('distanceToBoundary on a 10 × 10 square', () => {
    const sq = flat({ type: 'Polygon', coordinates: [square(0, 0, 10, 10)] });
    expect(distanceToBoundary(sq, 5, 5)).toBe(5);
    expect(distanceToBoundary(sq, 3, 5)).toBe(3);
    expect(distanceToBoundary(sq, 5, 9)).toBe(1);
    expect(distanceToBoundary(sq, 10, 5)).toBe(0);
    expect(distanceToBoundary(sq, 15, 5)).toBe(5); // outside, facing an edge
    expect(distanceToBoundary(sq, 13, 14)).toBe(5); // outside, nearest the corner (3-4-5)
    expect(distanceToBoundary(sq, -3, -4)).toBe(5);
  });

  it('distanceToBoundary counts the edges of holes', () => {
    expect(distanceToBoundary(holed, 5, 5)).toBe(1);
    expect(distanceToBoundary(holed, 2, 5)).toBe(2);
  });

  it('polygonArea of a 100 m × 200 m rectangle is 20000 m², in either orientation', () => {
    expect(polygonArea(flat({ type: 'Polygon', coordinates: [square(0, 0, 100, 200)] }))).toBe(20_000);
    expect(polygonArea(flat({ type: 'Polygon', coordinates: [squareCw(0, 0, 100, 200)] }))).toBe(20_000);
    expect(
      polygonArea(flat({ type: 'Polygon', coordinates: [square(500_000, 8_660_000, 500_100, 8_660_200)] })),
    ).toBe(20_000);
  });

  it('polygonArea subtracts an oppositely wound hole and adds multipolygon parts', () => {
    expect(polygonArea(holed)).toBe(96);
    expect(
      polygonArea(flat({ type: 'MultiPolygon', coordinates: [[square(0, 0, 1, 1)], [square(5, 0, 7, 3)]] })),
    ).toBe(7);
  });
});

describe('parseBbox / studyAreaFromBbox', () => {
  it('accepts a string or an array', () => {
    expect(parseBbox('-87.94,41.64,-87.52,42.03')).toEqual([-87.94, 41.64, -87.52, 42.03]);
    expect(parseBbox(' -87.94 , 41.64 , -87.52 , 42.03 ')).toEqual([-87.94, 41.64, -87.52, 42.03]);
    expect(parseBbox([-77.2, -12.1, -77.0, -11.8])).toEqual([-77.2, -12.1, -77.0, -11.8]);
  });

  it('bad count or non-numbers: names bbox and gives a valid example', () => {
    for (const bad of [
      '-87.94,41.64,-87.52',
      '1,2,3,4,5',
      'a,b,c,d',
      '',
      '-87.94;41.64;-87.52;42.03',
      '-1,-1,,1',
    ]) {
      const e = catchError(() => parseBbox(bad));
      expect(e.field).toBe('bbox');
      expect(e.message).toMatch(/^bbox: /);
      expect(e.message).toContain('-87.94,41.64,-87.52,42.03');
    }
    expect(catchError(() => parseBbox([1, 2, Number.NaN, 4])).field).toBe('bbox');
  });

  it('min ≥ max and out of range: names bbox and states the rule', () => {
    for (const bad of [
      '-87.52,41.64,-87.94,42.03',
      '-87.94,42.03,-87.52,41.64',
      '1,1,1,2',
      '-181,0,-179,1',
      '0,-91,1,-89',
    ]) {
      const e = catchError(() => parseBbox(bad));
      expect(e.field).toBe('bbox');
      expect(e.message).toContain('minLon < maxLon');
    }
  });

  it('too large: names bbox', () => {
    const e = catchError(() => parseBbox('-80,-15,-70,-5'));
    expect(e.field).toBe('bbox');
    expect(e.message).toContain('25');
    // 5° × 5° = 25 deg² is still allowed.
    expect(parseBbox('-80,-15,-75,-10')).toEqual([-80, -15, -75, -10]);
  });

  it('studyAreaFromBbox builds a closed box boundary and the UTM zone of its centre', () => {
    const def = studyAreaFromBbox('chicago', [-87.94, 41.64, -87.52, 42.03], {
      name: 'Chicago',
      timeZone: 'America/Chicago',
    });
    expect(def).toMatchObject({
      id: 'chicago',
      name: 'Chicago',
      timeZone: 'America/Chicago',
      crs: { code: 'EPSG:32616' },
      bbox: [-87.94, 41.64, -87.52, 42.03],
      districts: [],
    });
    expect(def.boundary).toEqual([
      {
        type: 'Polygon',
        coordinates: [
          [
            [-87.94, 41.64],
            [-87.52, 41.64],
            [-87.52, 42.03],
            [-87.94, 42.03],
            [-87.94, 41.64],
          ],
        ],
      },
    ]);
    const area = compileStudyArea(def);
    const inside = area.projection.forward(-87.7, 41.9);
    const outside = area.projection.forward(-87.3, 41.9);
    expect(area.locate(...inside)).toEqual({ kind: 'inside' });
    expect(area.locate(...outside)).toEqual({ kind: 'outside' });
    expect(area.districtIndex('x')).toBe(-1);
    // ≈ 0.42° × 0.39° at 42° N: about 34.7 km × 43.4 km.
    expect(area.areaKm2).toBeGreaterThan(1400);
    expect(area.areaKm2).toBeLessThan(1600);
  });

  it('studyAreaFromBbox checks the id, the zone and the box', () => {
    expect(catchError(() => studyAreaFromBbox('Chicago!', [0, 0, 1, 1], { timeZone: 'UTC' })).field).toBe(
      'area',
    );
    expect(catchError(() => studyAreaFromBbox('x', [0, 0, 1, 1], { timeZone: 'UTC' })).field).toBe('area');
    expect(
      catchError(() => studyAreaFromBbox('mars', [0, 0, 1, 1], { timeZone: 'Mars/Olympus' })).field,
    ).toBe('timeZone');
    expect(catchError(() => studyAreaFromBbox('box', [1, 0, 0, 1], { timeZone: 'UTC' })).field).toBe('bbox');
    expect(studyAreaFromBbox('box', [0, 0, 1, 1], { timeZone: 'UTC' }).name).toBe('box');
  });
});

describe('studyAreaFromGeoJson', () => {
  const opts = { timeZone: 'America/Lima', districtField: 'ubigeo', nameField: 'name' };
  const feature = (props: Record<string, unknown> | null, coords: number[][] = square(0, 0, 1, 1)) => ({
    type: 'Feature',
    properties: props,
    geometry: { type: 'Polygon', coordinates: [coords] },
  });

  it('rejects what is not a non-empty FeatureCollection', () => {
    for (const bad of [
      null,
      42,
      { type: 'Feature' },
      { type: 'FeatureCollection' },
      { type: 'FeatureCollection', features: [] },
    ])
      expect(catchError(() => studyAreaFromGeoJson('area', bad, opts)).field).toBe('boundary');
  });

  it('rejects a Point feature, naming its index', () => {
    const fc = {
      type: 'FeatureCollection',
      features: [
        feature({ ubigeo: '1' }),
        { type: 'Feature', properties: { ubigeo: '2' }, geometry: { type: 'Point', coordinates: [0, 0] } },
      ],
    };
    expect(catchError(() => studyAreaFromGeoJson('area', fc, opts)).field).toBe(
      'boundary.features[1].geometry',
    );
  });

  it('rejects a feature without the district code', () => {
    for (const props of [{}, null, { ubigeo: '' }, { ubigeo: '  ' }, { ubigeo: null }]) {
      const fc = { type: 'FeatureCollection', features: [feature(props)] };
      expect(catchError(() => studyAreaFromGeoJson('area', fc, opts)).field).toBe(
        'boundary.features[0].properties.ubigeo',
      );
    }
  });

  it('rejects duplicate district codes', () => {
    const fc = {
      type: 'FeatureCollection',
      features: [feature({ ubigeo: '070101' }), feature({ ubigeo: '070101' }, square(1, 0, 2, 1))],
    };
    const e = catchError(() => studyAreaFromGeoJson('area', fc, opts));
    expect(e.field).toBe('boundary');
    expect(e.message).toContain('repetidos');
  });

  it('uses the code as the name when the name is missing; no districtField → boundary only', () => {
    const fc = {
      type: 'FeatureCollection',
      features: [feature({ ubigeo: 70101 }), feature({ ubigeo: '070102', name: 'B' }, square(1, 0, 2, 1))],
    };
    const def = studyAreaFromGeoJson('area', fc, opts);
    expect(def.districts.map((d) => [d.code, d.name])).toEqual([
      ['70101', '70101'],
      ['070102', 'B'],
    ]);
    expect(def.bbox).toEqual([0, 0, 2, 1]);
    const plain = studyAreaFromGeoJson('area', fc, { timeZone: 'UTC' });
    expect(plain.districts).toEqual([]);
    expect(plain.boundary).toHaveLength(2);
  });
});

describe('Callao study area (assets/callao/districts.geojson)', () => {
  const geojson: unknown = JSON.parse(
    readFileSync(new URL('../../assets/callao/districts.geojson', import.meta.url), 'utf8'),
  );
  const def = studyAreaFromGeoJson('callao', geojson, {
    name: 'Callao',
    timeZone: 'America/Lima',
    districtField: 'ubigeo',
    nameField: 'name',
  });
  const area: StudyArea = compileStudyArea(def);
  const locateLatLon = (lat: number, lon: number): string | null => {
    const loc = area.locate(...area.projection.forward(lon, lat));
    if (loc.kind === 'district') return def.districts[loc.index]?.code ?? null;
    return loc.kind;
  };

  it('has the seven districts, EPSG:32718 and about 142 km²', () => {
    expect(def.districts.map((d) => d.code)).toEqual([
      '070101',
      '070102',
      '070103',
      '070104',
      '070105',
      '070106',
      '070107',
    ]);
    expect(def.districts.map((d) => d.name)).toContain('Mi Perú');
    expect(def.crs.code).toBe('EPSG:32718');
    expect(area.projection.code).toBe('EPSG:32718');
    expect(area.areaKm2).toBeGreaterThan(141);
    expect(area.areaKm2).toBeLessThan(143);
    expect(def.bbox[0]).toBeGreaterThan(-77.2);
    expect(def.bbox[2]).toBeLessThan(-77.0);
    expect(def.bbox[1]).toBeGreaterThan(-12.1);
    expect(def.bbox[3]).toBeLessThan(-11.8);
  });

  it('districtIndex finds codes in file order', () => {
    expect(area.districtIndex('070101')).toBe(0);
    expect(area.districtIndex('070107')).toBe(6);
    expect(area.districtIndex('150101')).toBe(-1);
  });

  it('locates the district seats', () => {
    expect(locateLatLon(-12.0631, -77.1469)).toBe('070101'); // Callao (Cercado)
    expect(locateLatLon(-12.0625, -77.1292)).toBe('070102'); // Bellavista
    expect(locateLatLon(-11.8772, -77.1278)).toBe('070106'); // Ventanilla
    expect(locateLatLon(-11.855, -77.125)).toBe('070107'); // Mi Perú
    expect(locateLatLon(-12.068, -77.115)).toBe('070104'); // La Perla
    expect(locateLatLon(-12.0725, -77.163)).toBe('070105'); // La Punta
    expect(locateLatLon(-12.0445, -77.093)).toBe('070103'); // Carmen de la Legua Reynoso
  });

  it('leaves Lima centre and the sea outside', () => {
    expect(locateLatLon(-12.0464, -77.0428)).toBe('outside'); // Plaza de Armas de Lima
    expect(locateLatLon(-12.06, -77.25)).toBe('outside'); // Pacific, west of La Punta
  });
});

describe('study-area lookup raster', () => {
  it('gives exactly the point-in-polygon answer (with the sliver rule) for 50,000 random points', async () => {
    const { readFileSync } = await import('node:fs');
    const { compileStudyArea, exactLocate, studyAreaFromGeoJson } = await import('./study-area.ts');
    const { flattenPolygon } = await import('./polygon.ts');
    const def = studyAreaFromGeoJson(
      'callao',
      JSON.parse(readFileSync('assets/callao/districts.geojson', 'utf8')),
      {
        timeZone: 'America/Lima',
        districtField: 'ubigeo',
      },
    );
    const area = compileStudyArea(def);
    const fwd = (lon: number, lat: number): [number, number] => area.projection.forward(lon, lat);
    const polys = def.districts.map((d) => flattenPolygon(d.geometry, fwd));
    let seed = 12345;
    const rand = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const [x0, y0] = fwd(-77.2, -12.09);
    const [x1, y1] = fwd(-77.07, -11.81);
    const kinds = new Map<string, number>();
    for (let i = 0; i < 50_000; i++) {
      const x = x0 + rand() * (x1 - x0);
      const y = y0 + rand() * (y1 - y0);
      const expected = exactLocate(polys, polys, x, y);
      expect(area.locate(x, y)).toEqual(expected);
      kinds.set(expected.kind, (kinds.get(expected.kind) ?? 0) + 1);
    }
    // Both answers occur often: the test covers inside and outside cells.
    expect(kinds.get('district')).toBeGreaterThan(10_000);
    expect(kinds.get('outside')).toBeGreaterThan(10_000);
  });
});

/**
 * The risk map's pure logic (web/src/map/logic.ts) and the dashboard's time zone and turno
 * (web/src/local-time.ts), tested here the way the dashboard client is: the district under a point
 * is the server's point-in-polygon (same answers as the study area on Callao's districts, holes
 * honoured), the priority list, a cell's box and trend period, and the current turno from the shared
 * bands in the dashboard's zone (Lima by default, the server's VIGIA_TIME_ZONE once /ui answers).
 */
import { describe, expect, it } from 'vitest';
import type { Districts } from '../../web/src/api.ts';
import { lastTwelveMonths } from '../../web/src/downloads.ts';
import { formatInstant } from '../../web/src/i18n.ts';
import { DEFAULT_ZONE, setTimeZone, shiftAt, timeZone } from '../../web/src/local-time.ts';
import {
  cellBbox,
  cellCentre,
  districtLocator,
  legendKeys,
  percentileOf,
  priorityCells,
  priorityCsv,
  trendPeriod,
} from '../../web/src/map/logic.ts';
import { TURNO_BANDS } from '../core/time.ts';
import { containsPoint, distanceToBoundary, flattenPolygon } from '../geo/polygon.ts';
import { compileStudyArea } from '../geo/study-area.ts';
import { callaoStudyArea } from '../services/areas.ts';

const square = (x0: number, y0: number, x1: number, y1: number): number[][] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
];

/** One cell per position: a 0.01° square whose south-west corner is (lng = p / 100, lat = 0). */
function cornersOf(n: number): Float64Array {
  const c = new Float64Array(n * 8);
  for (let p = 0; p < n; p++) {
    const lng = p / 100;
    // lat, lng of the four corners
    c.set([0, lng, 0, lng + 0.01, 0.01, lng + 0.01, 0.01, lng], p * 8);
  }
  return c;
}

describe('the map: district under a point', () => {
  it('honours holes and multi-part districts (a district inside another one’s hole is found)', () => {
    const districts: Districts = {
      type: 'FeatureCollection',
      area: 'test',
      features: [
        {
          type: 'Feature',
          properties: { code: 'A', name: 'Anillo' },
          geometry: { type: 'Polygon', coordinates: [square(0, 0, 10, 10), square(4, 4, 6, 6)] },
        },
        {
          type: 'Feature',
          properties: { code: 'B', name: 'Islas' },
          geometry: {
            type: 'MultiPolygon',
            coordinates: [[square(4, 4, 6, 6)], [square(20, 0, 22, 2)]],
          },
        },
      ],
    };
    const locate = districtLocator(districts);
    expect(locate(1, 1)?.code).toBe('A');
    expect(locate(5, 5)?.code).toBe('B'); // in A's hole, on B's first part
    expect(locate(21, 1)?.code).toBe('B'); // B's second part
    expect(locate(15, 5)).toBeNull();
    expect(districtLocator(null)(1, 1)).toBeNull();
  });

  it('answers as the server’s study area does on Callao’s districts (points clear of the edges)', () => {
    const def = callaoStudyArea();
    const area = compileStudyArea(def);
    const fwd = (lon: number, lat: number): [number, number] => area.projection.forward(lon, lat);
    const projected = def.districts.map((d) => flattenPolygon(d.geometry, fwd));
    const locate = districtLocator({
      type: 'FeatureCollection',
      area: def.id,
      features: def.districts.map((d) => ({
        type: 'Feature' as const,
        properties: { code: d.code, name: d.name },
        geometry: d.geometry as Districts['features'][number]['geometry'],
      })),
    });
    const [minLon, minLat, maxLon, maxLat] = def.bbox;
    const seen = new Set<string>();
    let compared = 0;
    for (let i = 0; i <= 40; i++)
      for (let j = 0; j <= 40; j++) {
        const lon = minLon + ((maxLon - minLon) * i) / 40;
        const lat = minLat + ((maxLat - minLat) * j) / 40;
        const [x, y] = fwd(lon, lat);
        // Within 50 m of an edge, straight lines in degrees and in metres may disagree: skip.
        if (projected.some((p) => distanceToBoundary(p, x, y) < 50)) continue;
        const at = area.locate(x, y);
        const expected = at.kind === 'district' ? (def.districts[at.index]?.code ?? null) : null;
        expect(locate(lon, lat)?.code ?? null, `${lon}, ${lat}`).toBe(expected);
        expect(projected.some((p) => containsPoint(p, x, y))).toBe(expected !== null);
        if (expected) seen.add(expected);
        compared++;
      }
    expect(compared).toBeGreaterThan(1000);
    expect(seen.size).toBeGreaterThanOrEqual(5); // most of the seven districts were hit
  });
});

describe('the map: priority list, cell box, trend period', () => {
  const d = {
    cells: Int32Array.from([100, 101, 102, 103, 104, 105]),
    rank: Uint32Array.from([3, 1, 2, 5, 4, 6]),
    risk: Float32Array.from([0.5, 0.9, 0.7, 0.1, 0.3, 0]),
    corners: cornersOf(6),
  };
  const districtOf = (p: number): { code: string; name: string } | null =>
    p === 4 ? null : p % 2 === 0 ? { code: 'E', name: 'Par' } : { code: 'O', name: 'Impar' };

  it('lists cells best first, at most the limit, stops at zero risk, keeps the chosen district only', () => {
    expect(priorityCells(d, districtOf, '').map((h) => h.p)).toEqual([1, 2, 0, 4, 3]);
    expect(priorityCells(d, districtOf, '', 2)).toEqual([
      { p: 1, rank: 1, district: 'Impar' },
      { p: 2, rank: 2, district: 'Par' },
    ]);
    expect(priorityCells(d, districtOf, 'E')).toEqual([
      { p: 2, rank: 2, district: 'Par' },
      { p: 0, rank: 3, district: 'Par' },
    ]);
    // A cell outside every district is listed with "—" over the whole area only.
    expect(priorityCells(d, districtOf, '').find((h) => h.p === 4)?.district).toBe('—');
  });

  it('gives a cell’s centre, its bbox as the API takes it, and its percentile', () => {
    expect(cellCentre(d.corners, 2)).toEqual({ lat: 0.005, lng: 0.025 });
    expect(cellBbox(d.corners, 2)).toBe('0.020000,0.000000,0.030000,0.010000');
    expect(percentileOf(1, 200)).toBe(100);
    expect(percentileOf(200, 200)).toBeCloseTo(0.5, 10);
  });

  it('writes the priority CSV in list order with the cell centre', () => {
    const { header, rows } = priorityCsv(d, priorityCells(d, districtOf, 'E'));
    expect(header).toEqual(['orden', 'puesto', 'distrito', 'riesgo', 'celda', 'lat', 'lon']);
    expect(rows).toEqual([
      [1, 2, 'Par', '0.7000', 102, '0.00500', '0.02500'],
      [2, 3, 'Par', '0.5000', 100, '0.00500', '0.00500'],
    ]);
  });

  it('takes a cell’s 12 months up to the day before the forecast, from the 1st of the month a year earlier', () => {
    expect(trendPeriod('2025-03-15')).toEqual({ from: '2024-03-01', to: '2025-03-14' });
    expect(trendPeriod('2025-01-01')).toEqual({ from: '2024-01-01', to: '2024-12-31' });
  });

  it('has five legend classes per mode', () => {
    expect(legendKeys('forecast')).toEqual(['legend.1', 'legend.5', 'legend.10', 'legend.20', 'legend.rest']);
    expect(legendKeys('persistence')).toHaveLength(5);
  });
});

describe('the dashboard’s time zone and turno', () => {
  it('takes the turno of now from the shared bands in the study area’s zone (Lima), with the local day', () => {
    expect(timeZone()).toBe(DEFAULT_ZONE);
    expect(DEFAULT_ZONE).toBe('America/Lima');
    // 18:30 in Lima (UTC−5) on 30/03 is noche; 23:59 is still that day; midnight starts madrugada.
    expect(shiftAt(Date.parse('2025-03-30T23:30:00Z'))).toEqual({ turno: 'noche', day: '2025-03-30' });
    expect(shiftAt(Date.parse('2025-03-31T04:59:00Z'))).toEqual({ turno: 'noche', day: '2025-03-30' });
    expect(shiftAt(Date.parse('2025-03-31T05:00:00Z'))).toEqual({ turno: 'madrugada', day: '2025-03-31' });
    // Every hour of a Lima day lands in the band that holds it.
    for (let h = 0; h < 24; h++) {
      const band = TURNO_BANDS.find((b) => h >= b.fromHour && h < b.toHour);
      expect(shiftAt(Date.UTC(2025, 5, 10, h + 5, 15)).turno).toBe(band?.turno);
    }
  });

  it('shows instants in the same zone', () => {
    expect(formatInstant('2025-03-31T04:59:00Z')).toBe('30/03/2025 23:59');
  });

  it('follows the zone the server configures (setTimeZone), for the turno, the day and the hour shown', () => {
    // 19:00 in Lima on 30/03/2025 is 00:00 UTC on 31/03 and 21:00 in Santiago (UTC−3 that day).
    const ms = Date.parse('2025-03-31T00:00:00Z');
    expect(shiftAt(ms, 'UTC')).toEqual({ turno: 'madrugada', day: '2025-03-31' });
    expect(formatInstant('2025-03-31T00:00:00Z', 'America/Santiago')).toBe('30/03/2025 21:00');
    try {
      setTimeZone('UTC');
      expect(timeZone()).toBe('UTC');
      expect(shiftAt(ms)).toEqual({ turno: 'madrugada', day: '2025-03-31' });
      expect(formatInstant('2025-03-31T00:00:00Z')).toBe('31/03/2025 00:00');
      // 02:00 UTC on 01/04/2025 is April in UTC but still 31 March in Lima: the downloads' default
      // period (the 12 whole months before this one) moves by a month.
      expect(lastTwelveMonths(Date.parse('2025-04-01T02:00:00Z'))).toEqual({
        from: '2024-04-01',
        to: '2025-03-31',
      });
    } finally {
      setTimeZone(DEFAULT_ZONE);
    }
    expect(shiftAt(ms)).toEqual({ turno: 'noche', day: '2025-03-30' });
    expect(lastTwelveMonths(Date.parse('2025-04-01T02:00:00Z'))).toEqual({
      from: '2024-03-01',
      to: '2025-02-28',
    });
  });
});

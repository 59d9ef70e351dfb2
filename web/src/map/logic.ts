/**
 * The risk map's pure logic (no React, no Leaflet, no fetch), shared by its hooks and components
 * and tested from src/: the district under a point (the server's point-in-polygon,
 * src/geo/polygon.ts), the priority cells of the chosen district, a cell's centre and box, the
 * period of a cell's 12-month trend, its percentile, the legend's classes and the priority CSV.
 */
import { containsPoint, flattenPolygon } from '../../../src/geo/polygon.ts';
import type { Districts } from '../api.ts';
import type { MessageKey } from '../i18n.ts';

/** What the map shows: the current forecast per turno, or cells hot month after month. */
export type MapMode = 'forecast' | 'persistence';

/** A district as the map names it. */
export interface District {
  code: string;
  name: string;
}

/** The district containing a WGS84 point, or null. */
export type DistrictLocator = (lng: number, lat: number) => District | null;

/**
 * The district under a point, from the districts' GeoJSON: longitude and latitude taken as plane
 * coordinates (even–odd rule, so holes and multi-part districts count right).
 */
export function districtLocator(districts: Districts | null): DistrictLocator {
  const polygons = (districts?.features ?? []).map((f) => ({
    district: f.properties,
    polygon: flattenPolygon(f.geometry, (lon, lat) => [lon, lat]),
  }));
  return (lng, lat) => polygons.find((d) => containsPoint(d.polygon, lng, lat))?.district ?? null;
}

/** Centre (lat, lng) of a valid cell from its four corners (lat, lng pairs, 8 numbers per cell). */
export function cellCentre(corners: ArrayLike<number>, p: number): { lat: number; lng: number } {
  let lat = 0;
  let lng = 0;
  for (let k = 0; k < 4; k++) {
    lat += corners[p * 8 + k * 2] as number;
    lng += corners[p * 8 + k * 2 + 1] as number;
  }
  return { lat: lat / 4, lng: lng / 4 };
}

/** A cell's bounding box as the API's `bbox` parameter: "minLng,minLat,maxLng,maxLat" (6 decimals). */
export function cellBbox(corners: ArrayLike<number>, p: number): string {
  let minLat = 90;
  let minLng = 180;
  let maxLat = -90;
  let maxLng = -180;
  for (let k = 0; k < 4; k++) {
    const lat = corners[p * 8 + k * 2] as number;
    const lng = corners[p * 8 + k * 2 + 1] as number;
    minLat = Math.min(minLat, lat);
    maxLat = Math.max(maxLat, lat);
    minLng = Math.min(minLng, lng);
    maxLng = Math.max(maxLng, lng);
  }
  return [minLng, minLat, maxLng, maxLat].map((v) => v.toFixed(6)).join(',');
}

/**
 * The period of a cell's "last 12 months" before a forecast day: from the 1st of that month a year
 * earlier to the day before the forecast (nothing on or after the forecast day).
 */
export function trendPeriod(targetDay: string): { from: string; to: string } {
  const end = new Date(`${targetDay}T00:00:00Z`);
  return {
    from: new Date(Date.UTC(end.getUTCFullYear() - 1, end.getUTCMonth(), 1)).toISOString().slice(0, 10),
    to: new Date(end.getTime() - 86_400_000).toISOString().slice(0, 10),
  };
}

/** Percentile of a rank among n cells (rank 1 of n → 100). */
export function percentileOf(rank: number, n: number): number {
  return 100 * (1 - (rank - 1) / n);
}

/** A priority cell of the list: its valid position, rank in the area, and district name. */
export interface PriorityCell {
  p: number;
  rank: number;
  district: string;
}

/**
 * The priority list: the best-ranked cells with risk above 0, at most `limit`, restricted to one
 * district when one is chosen (`district` = its code, '' for the whole area).
 */
export function priorityCells(
  d: { rank: ArrayLike<number>; risk: ArrayLike<number> },
  districtOf: (p: number) => District | null,
  district: string,
  limit = 10,
): PriorityCell[] {
  const order = Array.from({ length: d.rank.length }, (_, p) => p).sort(
    (a, b) => (d.rank[a] as number) - (d.rank[b] as number),
  );
  const out: PriorityCell[] = [];
  for (const p of order) {
    if ((d.risk[p] as number) <= 0 || out.length >= limit) break;
    const at = districtOf(p);
    if (district && at?.code !== district) continue;
    out.push({ p, rank: d.rank[p] as number, district: at?.name ?? '—' });
  }
  return out;
}

/** The legend's classes (message keys), hottest first. */
export function legendKeys(mode: MapMode): readonly MessageKey[] {
  return mode === 'persistence'
    ? ['legend.m75', 'legend.m50', 'legend.m25', 'legend.m0', 'legend.never']
    : ['legend.1', 'legend.5', 'legend.10', 'legend.20', 'legend.rest'];
}

/** The priority areas CSV: header and one row per listed cell (order, rank, district, risk, cell, centre). */
export function priorityCsv(
  d: { cells: ArrayLike<number>; risk: ArrayLike<number>; corners: ArrayLike<number> },
  list: readonly PriorityCell[],
): { header: string[]; rows: (string | number)[][] } {
  return {
    header: ['orden', 'puesto', 'distrito', 'riesgo', 'celda', 'lat', 'lon'],
    rows: list.map((h, i) => {
      const c = cellCentre(d.corners, h.p);
      return [
        i + 1,
        h.rank,
        h.district,
        (d.risk[h.p] as number).toFixed(4),
        d.cells[h.p] as number,
        c.lat.toFixed(5),
        c.lng.toFixed(5),
      ];
    }),
  };
}

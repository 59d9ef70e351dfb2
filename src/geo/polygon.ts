/**
 * Polygons as flat typed arrays for fast point-in-polygon tests in projected metres.
 * A polygon is a list of rings `[x0, y0, x1, y1, …]`; the even–odd rule handles holes and
 * multi-part polygons alike.
 */
import { ValidationError } from '../core/errors.ts';

/** GeoJSON polygonal geometry (RFC 7946, lon/lat). */
export type PolygonalGeometry =
  | { type: 'Polygon'; coordinates: number[][][] }
  | { type: 'MultiPolygon'; coordinates: number[][][][] };

/** A projected polygon with its bounding box. */
export interface FlatPolygon {
  readonly rings: readonly Float64Array[];
  readonly bbox: readonly [number, number, number, number];
}

/** Projects a GeoJSON polygon or multipolygon into flat rings. */
export function flattenPolygon(
  geometry: PolygonalGeometry,
  project: (lon: number, lat: number) => [number, number],
): FlatPolygon {
  const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const rings: Float64Array[] = [];
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const poly of polys) {
    for (const ring of poly) {
      if (ring.length < 4)
        throw new ValidationError('geometry', 'un anillo del polígono tiene menos de 4 vértices');
      const flat = new Float64Array(ring.length * 2);
      ring.forEach((pt, i) => {
        const [x, y] = project(pt[0] as number, pt[1] as number);
        flat[2 * i] = x;
        flat[2 * i + 1] = y;
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      });
      rings.push(flat);
    }
  }
  return { rings, bbox: [minX, minY, maxX, maxY] };
}

/** Even–odd point-in-polygon test. */
export function containsPoint(poly: FlatPolygon, x: number, y: number): boolean {
  const [minX, minY, maxX, maxY] = poly.bbox;
  if (x < minX || x > maxX || y < minY || y > maxY) return false;
  let inside = false;
  for (const r of poly.rings) {
    const n = r.length / 2;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const xi = r[2 * i] as number;
      const yi = r[2 * i + 1] as number;
      const xj = r[2 * j] as number;
      const yj = r[2 * j + 1] as number;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

/** Distance in metres from a point to the nearest polygon edge. */
export function distanceToBoundary(poly: FlatPolygon, x: number, y: number): number {
  let best = Infinity;
  for (const r of poly.rings) {
    const n = r.length / 2;
    for (let i = 0; i < n - 1; i++) {
      const ax = r[2 * i] as number;
      const ay = r[2 * i + 1] as number;
      const dx = (r[2 * i + 2] as number) - ax;
      const dy = (r[2 * i + 3] as number) - ay;
      const len2 = dx * dx + dy * dy;
      const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len2));
      const d = Math.hypot(x - ax - t * dx, y - ay - t * dy);
      if (d < best) best = d;
    }
  }
  return best;
}

/** Planar area in m² (shoelace; holes subtract under the even–odd convention of well-formed input). */
export function polygonArea(poly: FlatPolygon): number {
  let total = 0;
  for (const r of poly.rings) {
    const n = r.length / 2;
    let s = 0;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      s += (r[2 * j] as number) * (r[2 * i + 1] as number) - (r[2 * i] as number) * (r[2 * j + 1] as number);
    }
    total += s / 2;
  }
  return Math.abs(total);
}

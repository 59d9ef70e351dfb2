/**
 * Study areas: where Vigía forecasts. An area has a boundary (polygons), optional districts with
 * codes (Callao: 6-digit ubigeo), a time zone and a metric projection derived from its centroid.
 * Callao's seven districts are the default; any other area comes from a GeoJSON boundary or a
 * bounding box. Pure: callers read files and pass parsed GeoJSON.
 */
import { ValidationError } from '../core/errors.ts';
import type { GridSpec } from '../core/grid.ts';
import { assertTimeZone } from '../core/time.ts';
import { cellOutline, solidCells } from './cell-outline.ts';
import {
  containsPoint,
  distanceToBoundary,
  type FlatPolygon,
  flattenPolygon,
  type PolygonalGeometry,
  polygonArea,
} from './polygon.ts';
import { createProjection, type Projection, utmZoneFor } from './projection.ts';

/** A district (or any named sub-area) of a study area. */
export interface DistrictDef {
  readonly code: string;
  readonly name: string;
  readonly geometry: PolygonalGeometry;
}

/** The serialisable definition of a study area (what the store keeps). */
export interface StudyAreaDef {
  /** Slug, e.g. "callao" or "chicago". */
  readonly id: string;
  readonly name: string;
  readonly timeZone: string;
  /** Projection code and proj4 definition (UTM zone of the centroid unless given). */
  readonly crs: { readonly code: string; readonly definition: string };
  /** [minLon, minLat, maxLon, maxLat]. */
  readonly bbox: readonly [number, number, number, number];
  /** The area's outline as polygons; for a district-based area, the districts' union. */
  readonly boundary: readonly PolygonalGeometry[];
  readonly districts: readonly DistrictDef[];
}

/** Where a projected point falls. */
export type Location =
  | { kind: 'district'; index: number }
  | { kind: 'inside' } // inside the boundary but in no district (areas without districts)
  | { kind: 'outside' };

/** A study area compiled for fast lookups. */
export interface StudyArea {
  readonly def: StudyAreaDef;
  readonly projection: Projection;
  /** Area of the boundary in km². */
  readonly areaKm2: number;
  /** Bounding box of the boundary in projected metres [minX, minY, maxX, maxY]. */
  readonly projectedBbox: readonly [number, number, number, number];
  locate(x: number, y: number): Location;
  districtIndex(code: string): number;
}

const SLUG = /^[a-z][a-z0-9-]{1,39}$/;
/** Points this close (metres) to a district edge but in a gap between polygons join that district. */
const SLIVER_TOLERANCE_M = 30;

function checkCommon(id: string, timeZone: string): void {
  if (!SLUG.test(id))
    throw new ValidationError(
      'area',
      `id de área inválido "${id}": use minúsculas, dígitos y "-" (ej. chicago)`,
    );
  assertTimeZone(timeZone);
}

function geometryBbox(geoms: readonly PolygonalGeometry[]): [number, number, number, number] {
  const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (pt: number[]): void => {
    const [lon, lat] = pt as [number, number];
    if (lon < b[0]) b[0] = lon;
    if (lat < b[1]) b[1] = lat;
    if (lon > b[2]) b[2] = lon;
    if (lat > b[3]) b[3] = lat;
  };
  for (const g of geoms) {
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    for (const p of polys) for (const r of p) for (const pt of r) visit(pt);
  }
  return b;
}

function crsFor(bbox: readonly [number, number, number, number]): { code: string; definition: string } {
  const z = utmZoneFor((bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2);
  return { code: z.code, definition: z.definition };
}

/** Validates a bounding box [minLon, minLat, maxLon, maxLat]. */
export function parseBbox(value: string | readonly number[]): [number, number, number, number] {
  // An empty part must not become 0 (Number('') === 0).
  const parts =
    typeof value === 'string'
      ? value.split(',').map((s) => (s.trim() === '' ? Number.NaN : Number(s.trim())))
      : [...value];
  const [minLon, minLat, maxLon, maxLat] = parts as [number, number, number, number];
  if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n)))
    throw new ValidationError(
      'bbox',
      'se esperan 4 números: minLon,minLat,maxLon,maxLat (ej. -87.94,41.64,-87.52,42.03)',
    );
  if (minLon < -180 || maxLon > 180 || minLat < -90 || maxLat > 90 || minLon >= maxLon || minLat >= maxLat)
    throw new ValidationError(
      'bbox',
      `caja inválida ${parts.join(',')}: requiere -180 ≤ minLon < maxLon ≤ 180 y -90 ≤ minLat < maxLat ≤ 90 (ej. -87.94,41.64,-87.52,42.03)`,
    );
  if ((maxLon - minLon) * (maxLat - minLat) > 25)
    throw new ValidationError(
      'bbox',
      'caja demasiado grande (> 25 grados²): Vigía trabaja a escala de ciudad (ej. -87.94,41.64,-87.52,42.03)',
    );
  return [minLon, minLat, maxLon, maxLat];
}

/** A study area that is just a bounding box (no districts). */
export function studyAreaFromBbox(
  id: string,
  bbox: readonly number[],
  options: { name?: string; timeZone: string },
): StudyAreaDef {
  checkCommon(id, options.timeZone);
  const b = parseBbox(bbox);
  const ring = [
    [b[0], b[1]],
    [b[2], b[1]],
    [b[2], b[3]],
    [b[0], b[3]],
    [b[0], b[1]],
  ];
  return {
    id,
    name: options.name ?? id,
    timeZone: options.timeZone,
    crs: crsFor(b),
    bbox: b,
    boundary: [{ type: 'Polygon', coordinates: [ring] }],
    districts: [],
  };
}

interface FeatureLike {
  properties?: Record<string, unknown> | null;
  geometry?: { type?: string; coordinates?: unknown } | null;
}

/**
 * A study area from a GeoJSON FeatureCollection in lon/lat. With `districtField`, each feature is a
 * district coded by that property (Callao: "ubigeo"); without it the features only form the boundary.
 */
export function studyAreaFromGeoJson(
  id: string,
  geojson: unknown,
  options: { name?: string; timeZone: string; districtField?: string; nameField?: string },
): StudyAreaDef {
  checkCommon(id, options.timeZone);
  const fc = geojson as { type?: string; features?: FeatureLike[] };
  if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features) || fc.features.length === 0)
    throw new ValidationError('boundary', 'se espera un GeoJSON FeatureCollection con al menos un polígono');
  const districts: DistrictDef[] = [];
  const boundary: PolygonalGeometry[] = [];
  fc.features.forEach((f, i) => {
    const g = f.geometry;
    if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon') || !Array.isArray(g.coordinates))
      throw new ValidationError(`boundary.features[${i}].geometry`, 'se espera Polygon o MultiPolygon');
    const geometry = g as PolygonalGeometry;
    boundary.push(geometry);
    if (options.districtField) {
      const code = f.properties?.[options.districtField];
      if (code === undefined || code === null || String(code).trim() === '')
        throw new ValidationError(
          `boundary.features[${i}].properties.${options.districtField}`,
          'falta el código del distrito',
        );
      const name = f.properties?.[options.nameField ?? 'name'];
      districts.push({
        code: String(code),
        name: name === undefined || name === null ? String(code) : String(name),
        geometry,
      });
    }
  });
  const codes = new Set(districts.map((d) => d.code));
  if (codes.size !== districts.length) throw new ValidationError('boundary', 'códigos de distrito repetidos');
  const bbox = geometryBbox(boundary);
  return {
    id,
    name: options.name ?? id,
    timeZone: options.timeZone,
    crs: crsFor(bbox),
    bbox,
    boundary,
    districts,
  };
}

/**
 * A study area outlined by a set of cells of an unrotated grid (see `cell-outline.ts`): one polygon
 * per ring of the outline, in lon/lat through `projection`, in the grid's CRS.
 */
export function studyAreaFromCells(
  id: string,
  grid: GridSpec,
  cells: Uint8Array,
  projection: Projection,
  options: { name?: string; timeZone: string },
): StudyAreaDef {
  checkCommon(id, options.timeZone);
  if (grid.rotationDeg !== 0) throw new ValidationError('grid', 'la grilla de origen no puede estar rotada');
  const rings = cellOutline(solidCells({ rows: grid.rows, cols: grid.cols, cells }));
  if (rings.length === 0) throw new ValidationError('cells', 'ninguna celda: el área quedaría vacía');
  const geometry: PolygonalGeometry = {
    type: 'MultiPolygon',
    coordinates: rings.map((ring) => {
      const pts: number[][] = [];
      for (let i = 0; i < ring.length; i += 2) {
        const [lon, lat] = projection.inverse(
          grid.x0 + (ring[i] as number) * grid.cellSize,
          grid.y0 + (ring[i + 1] as number) * grid.cellSize,
        );
        pts.push([lon, lat]);
      }
      return [pts];
    }),
  };
  return {
    id,
    name: options.name ?? id,
    timeZone: options.timeZone,
    crs: { code: projection.code, definition: projection.definition },
    bbox: geometryBbox([geometry]),
    boundary: [geometry],
    districts: [],
  };
}

/** Compiles a definition: projects every polygon once into typed arrays. */
export function compileStudyArea(def: StudyAreaDef): StudyArea {
  const projection = createProjection(def.crs.code, def.crs.definition);
  const fwd = (lon: number, lat: number): [number, number] => projection.forward(lon, lat);
  const districtPolys: FlatPolygon[] = def.districts.map((d) => flattenPolygon(d.geometry, fwd));
  const boundaryPolys: FlatPolygon[] =
    districtPolys.length > 0 ? districtPolys : def.boundary.map((g) => flattenPolygon(g, fwd));
  const areaKm2 = boundaryPolys.reduce((s, p) => s + polygonArea(p), 0) / 1e6;
  const index = new Map(def.districts.map((d, i) => [d.code, i]));
  const exact = (x: number, y: number): Location => exactLocate(districtPolys, boundaryPolys, x, y);
  // Raster cells are farther than the sliver tolerance from every edge: point-in-polygon decides.
  const raster = buildRaster(boundaryPolys, (x, y) => {
    if (districtPolys.length === 0)
      return boundaryPolys.some((p) => containsPoint(p, x, y)) ? INSIDE : OUTSIDE;
    const i = districtPolys.findIndex((p) => containsPoint(p, x, y));
    return i >= 0 ? (DISTRICT[i] ?? { kind: 'district', index: i }) : OUTSIDE;
  });
  const projectedBbox: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const p of boundaryPolys) {
    projectedBbox[0] = Math.min(projectedBbox[0], p.bbox[0]);
    projectedBbox[1] = Math.min(projectedBbox[1], p.bbox[1]);
    projectedBbox[2] = Math.max(projectedBbox[2], p.bbox[2]);
    projectedBbox[3] = Math.max(projectedBbox[3], p.bbox[3]);
  }
  return {
    def,
    projection,
    areaKm2,
    projectedBbox,
    districtIndex: (code) => index.get(code) ?? -1,
    locate(x, y) {
      const col = Math.floor((x - raster.x0) / raster.cell);
      const row = Math.floor((y - raster.y0) / raster.cell);
      if (col < 0 || row < 0 || col >= raster.cols || row >= raster.rows) return OUTSIDE;
      const v = raster.codes[row * raster.cols + col] as number;
      if (v >= 0) return DISTRICT[v] ?? { kind: 'district', index: v };
      if (v === RASTER_OUTSIDE) return OUTSIDE;
      if (v === RASTER_INSIDE) return INSIDE;
      return exact(x, y);
    },
  };
}

const OUTSIDE: Location = { kind: 'outside' };
const INSIDE: Location = { kind: 'inside' };
/** Shared results for the first districts (no allocation per lookup). */
const DISTRICT: readonly Location[] = Array.from({ length: 64 }, (_, index) => ({ kind: 'district', index }));

/** The exact answer without the raster: point-in-polygon, then the sliver tolerance. */
export function exactLocate(
  districtPolys: readonly FlatPolygon[],
  boundaryPolys: readonly FlatPolygon[],
  x: number,
  y: number,
): Location {
  if (districtPolys.length === 0) return boundaryPolys.some((p) => containsPoint(p, x, y)) ? INSIDE : OUTSIDE;
  for (let i = 0; i < districtPolys.length; i++) {
    if (containsPoint(districtPolys[i] as FlatPolygon, x, y)) return { kind: 'district', index: i };
  }
  // Neighbouring polygons do not tile perfectly: a point in a sliver joins the nearest district.
  let best = -1;
  let bestD = SLIVER_TOLERANCE_M;
  for (let i = 0; i < districtPolys.length; i++) {
    const p = districtPolys[i] as FlatPolygon;
    const [minX, minY, maxX, maxY] = p.bbox;
    if (x < minX - bestD || x > maxX + bestD || y < minY - bestD || y > maxY + bestD) continue;
    const d = distanceToBoundary(p, x, y);
    if (d <= bestD) {
      bestD = d;
      best = i;
    }
  }
  return best >= 0 ? { kind: 'district', index: best } : OUTSIDE;
}

const RASTER_UNKNOWN = -1;
const RASTER_OUTSIDE = -2;
const RASTER_INSIDE = -3;
const RASTER_MAX_CELLS = 4_000_000;

/** A lookup raster: each cell holds a district index, or says "outside", "inside", or "test exactly". */
interface Raster {
  x0: number;
  y0: number;
  cell: number;
  cols: number;
  rows: number;
  codes: Int16Array;
}

/**
 * Precomputes where points fall so that most lookups are one array read. Cells that an edge passes
 * within the sliver tolerance of are left "test exactly"; every other cell has one answer for all
 * its points, found by testing its centre. Exact by construction, not an approximation.
 */
function buildRaster(polys: readonly FlatPolygon[], classify: (x: number, y: number) => Location): Raster {
  const margin = SLIVER_TOLERANCE_M + 1;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of polys) {
    minX = Math.min(minX, p.bbox[0]);
    minY = Math.min(minY, p.bbox[1]);
    maxX = Math.max(maxX, p.bbox[2]);
    maxY = Math.max(maxY, p.bbox[3]);
  }
  minX -= margin;
  minY -= margin;
  maxX += margin;
  maxY += margin;
  const cell = Math.max(100, Math.sqrt(((maxX - minX) * (maxY - minY)) / RASTER_MAX_CELLS));
  const cols = Math.max(1, Math.ceil((maxX - minX) / cell));
  const rows = Math.max(1, Math.ceil((maxY - minY) / cell));
  const codes = new Int16Array(cols * rows).fill(-100);
  // Mark every cell that a (tolerance-widened) edge bounding box touches as "test exactly".
  for (const p of polys) {
    for (const r of p.rings) {
      for (let i = 0; i + 3 < r.length; i += 2) {
        const ax = r[i] as number;
        const ay = r[i + 1] as number;
        const bx = r[i + 2] as number;
        const by = r[i + 3] as number;
        const c0 = Math.max(0, Math.floor((Math.min(ax, bx) - margin - minX) / cell));
        const c1 = Math.min(cols - 1, Math.floor((Math.max(ax, bx) + margin - minX) / cell));
        const r0 = Math.max(0, Math.floor((Math.min(ay, by) - margin - minY) / cell));
        const r1 = Math.min(rows - 1, Math.floor((Math.max(ay, by) + margin - minY) / cell));
        for (let rr = r0; rr <= r1; rr++)
          for (let cc = c0; cc <= c1; cc++) codes[rr * cols + cc] = RASTER_UNKNOWN;
      }
    }
  }
  for (let rr = 0; rr < rows; rr++) {
    for (let cc = 0; cc < cols; cc++) {
      const k = rr * cols + cc;
      if (codes[k] === RASTER_UNKNOWN) continue;
      const loc = classify(minX + (cc + 0.5) * cell, minY + (rr + 0.5) * cell);
      codes[k] = loc.kind === 'district' ? loc.index : loc.kind === 'inside' ? RASTER_INSIDE : RASTER_OUTSIDE;
    }
  }
  return { x0: minX, y0: minY, cell, cols, rows, codes };
}

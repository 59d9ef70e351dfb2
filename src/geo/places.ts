/**
 * Places people recognise (issue 12): an index of named streets and points of interest from GeoJSON
 * layers (e.g. an OpenStreetMap extract), projected with a study area's projection, that names a
 * set of grid cells — "Distrito — Av. X / Jr. Y, cerca de Mercado Z" — and gives a "cómo llegar"
 * link to its centre for a phone. Streets are cut into segments held in typed arrays and sorted
 * into square buckets (each segment in every bucket its bounding box touches), so a query visits
 * only the segments near the cells. Pure: callers read the files and pass parsed GeoJSON.
 */
import { ValidationError } from '../core/errors.ts';
import { cellCenter, type GridSpec } from '../core/grid.ts';
import type { Projection } from './projection.ts';

/** Streets farther than this from every cell centre of an area do not name it (metres). */
export const STREET_RADIUS_M = 400;
/** A point of interest names an area when within this distance of one of its cell centres (metres). */
export const LANDMARK_RADIUS_M = 500;
/** Streets in an area's label. */
export const LABEL_STREETS = 2;
/** Side of the buckets of the street index (metres). */
const BUCKET_M = 250;

/** A named thing found near an area, with its distance (metres) to the nearest cell centre. */
export interface NearPlace {
  name: string;
  distance: number;
}

/** An index of named streets and points of interest in a projection's metres. */
export interface PlaceIndex {
  /** Named streets (distinct names) and points of interest indexed. */
  readonly streetNames: number;
  readonly pois: number;
  /**
   * The `k` nearest distinct street names to any of the points (x[i], y[i]) within `radius` metres,
   * nearest first (ties: by name).
   */
  nearestStreets(x: ArrayLike<number>, y: ArrayLike<number>, k: number, radius: number): NearPlace[];
  /** The point of interest nearest to any of the points within `radius` metres (ties: by name), or null. */
  nearestPoi(x: ArrayLike<number>, y: ArrayLike<number>, radius: number): NearPlace | null;
}

/** The layers, as parsed GeoJSON FeatureCollections, and the names to cite in errors. */
export interface PlaceLayers {
  /** LineString / MultiLineString features with a `name`; unnamed features are skipped. */
  streets: unknown;
  /** Point features with a `name` (optional). */
  pois?: unknown;
  /** How errors name the layers, e.g. file names (default "calles", "lugares"). */
  streetsSource?: string;
  poisSource?: string;
}

type Position = readonly [number, number];

/** The features of a FeatureCollection. @throws ValidationError naming the source */
function featuresOf(json: unknown, source: string): { properties?: unknown; geometry?: unknown }[] {
  const fc = json as { type?: unknown; features?: unknown } | null;
  if (!fc || typeof fc !== 'object' || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features))
    throw new ValidationError(source, 'se esperaba un GeoJSON FeatureCollection');
  return fc.features as { properties?: unknown; geometry?: unknown }[];
}

function nameOf(feature: { properties?: unknown }): string | null {
  const name = (feature.properties as { name?: unknown } | null | undefined)?.name;
  return typeof name === 'string' && name.trim() !== '' ? name.trim() : null;
}

function position(p: unknown, where: string, source: string): Position {
  if (
    !Array.isArray(p) ||
    p.length < 2 ||
    typeof p[0] !== 'number' ||
    typeof p[1] !== 'number' ||
    !(p[0] >= -180 && p[0] <= 180 && p[1] >= -90 && p[1] <= 90)
  )
    throw new ValidationError(source, `${where}: se esperaba una posición [lon, lat] en grados`);
  return p as unknown as Position;
}

/** Growable typed columns. */
class Columns {
  n = 0;
  cols: Float64Array[];
  constructor(width: number) {
    this.cols = Array.from({ length: width }, () => new Float64Array(1024));
  }
  push(...v: number[]): void {
    if (this.n === (this.cols[0] as Float64Array).length)
      this.cols = this.cols.map((c) => {
        const grown = new Float64Array(c.length * 2);
        grown.set(c);
        return grown;
      });
    for (let j = 0; j < v.length; j++) (this.cols[j] as Float64Array)[this.n] = v[j] as number;
    this.n++;
  }
}

/** Squared distance from (px, py) to the segment (ax, ay)–(bx, by). */
function segmentDistance2(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  const ex = ax + t * dx - px;
  const ey = ay + t * dy - py;
  return ex * ex + ey * ey;
}

/**
 * Indexes named streets and points of interest, projected with `projection`.
 * @throws ValidationError naming the layer (its source name), the feature and what is wrong
 */
export function placeIndex(layers: PlaceLayers, projection: Projection): PlaceIndex {
  const streetsSource = layers.streetsSource ?? 'calles';
  const poisSource = layers.poisSource ?? 'lugares';
  const names: string[] = [];
  const nameId = new Map<string, number>();
  const seg = new Columns(5); // ax, ay, bx, by, name id
  for (const [i, f] of featuresOf(layers.streets, streetsSource).entries()) {
    const name = nameOf(f);
    if (name === null) continue;
    const g = f.geometry as { type?: unknown; coordinates?: unknown } | null;
    const where = `elemento ${i} ("${name}")`;
    const lines =
      g?.type === 'LineString' ? [g.coordinates] : g?.type === 'MultiLineString' ? g.coordinates : null;
    if (!Array.isArray(lines))
      throw new ValidationError(
        streetsSource,
        `${where}: se esperaba una geometría LineString o MultiLineString`,
      );
    let id = nameId.get(name);
    if (id === undefined) {
      id = names.length;
      names.push(name);
      nameId.set(name, id);
    }
    for (const line of lines) {
      if (!Array.isArray(line) || line.length < 2)
        throw new ValidationError(streetsSource, `${where}: cada línea necesita al menos dos posiciones`);
      let [px, py] = projection.forward(...position(line[0], where, streetsSource));
      for (let k = 1; k < line.length; k++) {
        const [qx, qy] = projection.forward(...position(line[k], where, streetsSource));
        seg.push(px, py, qx, qy, id);
        px = qx;
        py = qy;
      }
    }
  }
  const poiNames: string[] = [];
  const poi = new Columns(2);
  if (layers.pois !== undefined)
    for (const [i, f] of featuresOf(layers.pois, poisSource).entries()) {
      const name = nameOf(f);
      if (name === null) continue;
      const g = f.geometry as { type?: unknown; coordinates?: unknown } | null;
      const where = `elemento ${i} ("${name}")`;
      if (g?.type !== 'Point')
        throw new ValidationError(poisSource, `${where}: se esperaba una geometría Point`);
      poi.push(...projection.forward(...position(g.coordinates, where, poisSource)));
      poiNames.push(name);
    }

  // Buckets: counting sort of (segment, bucket) pairs into flat arrays.
  const n = seg.n;
  const [ax, ay, bx, by, sid] = seg.cols as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let s = 0; s < n; s++) {
    minX = Math.min(minX, ax[s] as number, bx[s] as number);
    maxX = Math.max(maxX, ax[s] as number, bx[s] as number);
    minY = Math.min(minY, ay[s] as number, by[s] as number);
    maxY = Math.max(maxY, ay[s] as number, by[s] as number);
  }
  const side = Math.max(BUCKET_M, (maxX - minX) / 2048, (maxY - minY) / 2048);
  const cols = n === 0 ? 0 : Math.floor((maxX - minX) / side) + 1;
  const rows = n === 0 ? 0 : Math.floor((maxY - minY) / side) + 1;
  const colOf = (x: number): number => Math.floor((x - minX) / side);
  const rowOf = (y: number): number => Math.floor((y - minY) / side);
  const start = new Int32Array(cols * rows + 1);
  const eachBucket = (s: number, visit: (b: number) => void): void => {
    const c0 = colOf(Math.min(ax[s] as number, bx[s] as number));
    const c1 = colOf(Math.max(ax[s] as number, bx[s] as number));
    const r0 = rowOf(Math.min(ay[s] as number, by[s] as number));
    const r1 = rowOf(Math.max(ay[s] as number, by[s] as number));
    for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) visit(r * cols + c);
  };
  for (let s = 0; s < n; s++)
    eachBucket(s, (b) => {
      start[b + 1] = (start[b + 1] as number) + 1;
    });
  for (let b = 0; b < cols * rows; b++) start[b + 1] = (start[b + 1] as number) + (start[b] as number);
  const items = new Int32Array(start[cols * rows] ?? 0);
  const fill = start.slice(0, cols * rows);
  for (let s = 0; s < n; s++)
    eachBucket(s, (b) => {
      items[fill[b] as number] = s;
      fill[b] = (fill[b] as number) + 1;
    });

  const best = new Float64Array(names.length).fill(Infinity);
  const touched: number[] = [];
  const byDistanceThenName = (a: NearPlace, b: NearPlace): number =>
    a.distance - b.distance || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const [px, py] = poi.cols as [Float64Array, Float64Array];

  return {
    streetNames: names.length,
    pois: poiNames.length,
    nearestStreets(x, y, k, radius) {
      const r2 = radius * radius;
      for (let i = 0; i < x.length; i++) {
        const qx = x[i] as number;
        const qy = y[i] as number;
        const c0 = Math.max(0, colOf(qx - radius));
        const c1 = Math.min(cols - 1, colOf(qx + radius));
        const r0 = Math.max(0, rowOf(qy - radius));
        const r1 = Math.min(rows - 1, rowOf(qy + radius));
        for (let row = r0; row <= r1; row++)
          for (let col = c0; col <= c1; col++) {
            const b = row * cols + col;
            for (let j = start[b] as number; j < (start[b + 1] as number); j++) {
              const s = items[j] as number;
              const d2 = segmentDistance2(
                qx,
                qy,
                ax[s] as number,
                ay[s] as number,
                bx[s] as number,
                by[s] as number,
              );
              if (d2 > r2) continue;
              const id = sid[s] as number;
              if ((best[id] as number) === Infinity) touched.push(id);
              if (d2 < (best[id] as number)) best[id] = d2;
            }
          }
      }
      const found = touched.map((id) => ({
        name: names[id] as string,
        distance: Math.sqrt(best[id] as number),
      }));
      for (const id of touched) best[id] = Infinity;
      touched.length = 0;
      return found.sort(byDistanceThenName).slice(0, Math.max(0, k));
    },
    nearestPoi(x, y, radius) {
      let found: NearPlace | null = null;
      for (let p = 0; p < poiNames.length; p++)
        for (let i = 0; i < x.length; i++) {
          const d = Math.hypot((px[p] as number) - (x[i] as number), (py[p] as number) - (y[i] as number));
          const near = { name: poiNames[p] as string, distance: d };
          if (d <= radius && (found === null || byDistanceThenName(near, found) < 0)) found = near;
        }
      return found;
    },
  };
}

/** Street types as written on signs in Peru: "Avenida Colonial" → "Av. Colonial". */
const ABBREVIATIONS: readonly [RegExp, string][] = [
  [/^Avenida\s+/i, 'Av. '],
  [/^Jir[oó]n\s+/i, 'Jr. '],
  [/^Pasaje\s+/i, 'Pje. '],
  [/^Prolongaci[oó]n\s+/i, 'Prol. '],
  [/^Carretera\s+/i, 'Carr. '],
];

/** A street name in its short form ("Jirón Paz Soldán" → "Jr. Paz Soldán"). */
export function shortStreetName(name: string): string {
  for (const [re, short] of ABBREVIATIONS) if (re.test(name)) return name.replace(re, short);
  return name;
}

/** How an area is named and reached. */
export interface AreaPlace {
  /** "Callao — Av. Colonial / Jr. Paz Soldán, cerca de Mercado Central" (district alone when nothing is near). */
  label: string;
  district: string;
  /** The nearest named streets, short forms, nearest first (0 … LABEL_STREETS). */
  streets: string[];
  /** The nearest point of interest within LANDMARK_RADIUS_M, or null. */
  landmark: string | null;
  /** The centre of the area's cells, WGS84 degrees (6 decimals). */
  lat: number;
  lon: number;
  /** "Cómo llegar" on a phone: Google Maps directions to the centre. */
  directionsUrl: string;
  /** The centre on the OpenStreetMap site (a marker). */
  mapUrl: string;
}

/** The Spanish label of an area: district, streets, landmark. */
export function placeLabel(district: string, streets: readonly string[], landmark: string | null): string {
  const near = landmark === null ? '' : `cerca de ${landmark}`;
  if (streets.length === 0) return near ? `${district} — ${near}` : district;
  return `${district} — ${streets.join(' / ')}${near ? `, ${near}` : ''}`;
}

const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;

/**
 * Names a set of cells of `grid` (one patrol area or hotspot) in `district`: the nearest named
 * streets to the cells' centres, the nearest point of interest, and the links to the centre.
 * `index` null (no layer for the area): the district alone.
 * @throws ValidationError when the grid is not in the projection's CRS or a cell is outside it
 */
export function describeCells(
  index: PlaceIndex | null,
  projection: Projection,
  grid: GridSpec,
  cells: readonly number[],
  district: string,
): AreaPlace {
  if (grid.crs !== projection.code)
    throw new ValidationError(
      'grid',
      `la grilla está en ${grid.crs}, la proyección del área es ${projection.code}`,
    );
  if (cells.length === 0) throw new ValidationError('cells', 'se espera al menos una celda');
  const total = grid.rows * grid.cols;
  const x = new Float64Array(cells.length);
  const y = new Float64Array(cells.length);
  const centre = new Float64Array(2);
  for (const [i, c] of cells.entries()) {
    if (!Number.isInteger(c) || c < 0 || c >= total)
      throw new ValidationError('cells', `celda ${c} fuera de la grilla (0 … ${total - 1})`);
    cellCenter(grid, c, centre);
    x[i] = centre[0] as number;
    y[i] = centre[1] as number;
  }
  const streets: string[] = [];
  for (const s of index?.nearestStreets(x, y, Number.POSITIVE_INFINITY, STREET_RADIUS_M) ?? []) {
    const short = shortStreetName(s.name);
    if (!streets.some((t) => t.toLowerCase() === short.toLowerCase())) streets.push(short);
    if (streets.length === LABEL_STREETS) break;
  }
  const landmark = index?.nearestPoi(x, y, LANDMARK_RADIUS_M)?.name ?? null;
  const mean = (v: Float64Array): number => v.reduce((a, b) => a + b, 0) / v.length;
  const [lonRaw, latRaw] = projection.inverse(mean(x), mean(y));
  const lat = round6(latRaw);
  const lon = round6(lonRaw);
  return {
    label: placeLabel(district, streets, landmark),
    district,
    streets,
    landmark,
    lat,
    lon,
    directionsUrl: `https://www.google.com/maps/dir/?api=1&destination=${lat},${lon}`,
    mapUrl: `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=17/${lat}/${lon}`,
  };
}

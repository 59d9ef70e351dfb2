/**
 * Environment layers as per-cell features, risk-terrain style: each layer is a GeoJSON
 * FeatureCollection in WGS84 (markets, schools, bars, transit stops, comisarías); per grid cell, the
 * distance from the cell centre to the layer's nearest feature and the number of features within a
 * radius. Points count as themselves, polygons by their centroid (one per polygon of a
 * MultiPolygon), lines by their vertices.
 *
 * The layer imports only `core`, so the caller passes the projection to the grid's metres as a
 * function (e.g. `projection.forward` of src/geo/projection.ts). Lookups go through a bucket index:
 * the work grows with cells plus features, not with their product.
 */
import { ValidationError } from '../core/errors.ts';
import { cellCenter, cellCount, type GridSpec } from '../core/grid.ts';
import { bucketIndex } from './buckets.ts';
import type { CellFeatureBlock, FeatureColumnSpec } from './matrix.ts';

/** One environment layer: a name for its columns and a GeoJSON FeatureCollection (lon/lat, WGS84). */
export interface EnvironmentLayer {
  /** Lowercase letters, digits, "-" or "_", at most 40 characters, e.g. "mercados". */
  readonly name: string;
  readonly geojson: unknown;
}

/** lon/lat degrees → [x, y] metres in the grid's CRS. */
export type ProjectLonLat = (lon: number, lat: number) => readonly [number, number];

/** Environment layers with the projection of their lon/lat to the grid's metres (a model's input). */
export interface EnvironmentInput {
  readonly layers: readonly EnvironmentLayer[];
  readonly project: ProjectLonLat;
}

/** Options of {@link environmentBlock}. */
export interface EnvironmentOptions {
  /** Radius of the count column, metres (default 500). */
  readonly radiusMeters?: number;
}

/** The default radius of the count column, metres. */
export const ENVIRONMENT_RADIUS_METERS = 500;

const NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;
const KINDS = 'Point, MultiPoint, LineString, MultiLineString, Polygon o MultiPolygon';

/**
 * Per-cell columns `env.<name>.distance` (m; NaN when the layer has no feature) and
 * `env.<name>.count<R>m` (features within R m of the cell centre) for each layer, in order.
 * @throws ValidationError naming the layer (and the feature index) for a bad name, bad GeoJSON or
 *   coordinates, or a bad radius
 */
export function environmentBlock(
  layers: readonly EnvironmentLayer[],
  grid: GridSpec,
  project: ProjectLonLat,
  options: EnvironmentOptions = {},
): CellFeatureBlock {
  const radius = options.radiusMeters ?? ENVIRONMENT_RADIUS_METERS;
  if (!(Number.isFinite(radius) && radius > 0))
    throw new ValidationError(
      'radiusMeters',
      `el radio debe ser un número de metros mayor que 0 (se recibió ${String(radius)})`,
    );
  const seen = new Set<string>();
  const columns: FeatureColumnSpec[] = [];
  const values: Float32Array[] = [];
  const n = cellCount(grid);
  const at = new Float64Array(2);
  const r2 = radius * radius;
  layers.forEach((layer, li) => {
    if (typeof layer?.name !== 'string' || !NAME.test(layer.name))
      throw new ValidationError(
        `layers[${li}].name`,
        `nombre de capa inválido "${String(layer?.name)}" (minúsculas, dígitos, "-" o "_", hasta 40 caracteres)`,
      );
    if (seen.has(layer.name))
      throw new ValidationError(`layers[${li}].name`, `capa repetida "${layer.name}"`);
    seen.add(layer.name);
    const { x, y } = layerPoints(layer, li, project);
    const index = bucketIndex(x, y, radius);
    const distance = new Float32Array(n);
    const count = new Float32Array(n);
    for (let c = 0; c < n; c++) {
      cellCenter(grid, c, at);
      const cx = at[0] as number;
      const cy = at[1] as number;
      distance[c] = x.length === 0 ? Number.NaN : Math.sqrt(index.nearest2(cx, cy));
      let k = 0;
      index.near(cx, cy, radius, (i) => {
        const dx = (x[i] as number) - cx;
        const dy = (y[i] as number) - cy;
        if (dx * dx + dy * dy <= r2) k++;
      });
      count[c] = k;
    }
    columns.push(
      {
        name: `env.${layer.name}.distance`,
        kind: 'environment',
        unit: 'm',
        description: `distance from the cell centre to the nearest feature of layer "${layer.name}" (NaN: the layer is empty)`,
      },
      {
        name: `env.${layer.name}.count${radius}m`,
        kind: 'environment',
        unit: 'features',
        description: `features of layer "${layer.name}" within ${radius} m of the cell centre`,
      },
    );
    values.push(distance, count);
  });
  return { columns, values };
}

/** The layer's points in metres: points, polygon centroids and line vertices. */
function layerPoints(
  layer: EnvironmentLayer,
  li: number,
  project: ProjectLonLat,
): { x: number[]; y: number[] } {
  const fc = layer.geojson as { type?: unknown; features?: unknown } | null;
  if (!fc || typeof fc !== 'object' || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features))
    throw new ValidationError(
      `layers[${li}]`,
      `capa "${layer.name}": el GeoJSON debe ser una FeatureCollection con "features"`,
    );
  const x: number[] = [];
  const y: number[] = [];
  fc.features.forEach((f: unknown, fi) => {
    const fail = (what: string): never => {
      throw new ValidationError(
        `layers[${li}].features[${fi}]`,
        `capa "${layer.name}", elemento ${fi}: ${what}`,
      );
    };
    const feature = f as { type?: unknown; geometry?: unknown } | null;
    if (!feature || typeof feature !== 'object' || feature.type !== 'Feature')
      fail('no es un Feature de GeoJSON');
    const g = feature?.geometry as { type?: unknown; coordinates?: unknown } | null;
    if (g === null) return; // a Feature without geometry is valid GeoJSON and locates nothing
    if (!g || typeof g !== 'object') fail('geometría inválida');
    const position = (p: unknown): [number, number] => {
      const [lon, lat] = Array.isArray(p) ? (p as unknown[]) : [];
      if (
        typeof lon !== 'number' ||
        typeof lat !== 'number' ||
        !(lon >= -180 && lon <= 180) ||
        !(lat >= -90 && lat <= 90)
      )
        fail(
          `coordenada inválida ${JSON.stringify(p)?.slice(0, 60)} (se espera [longitud, latitud] en WGS84)`,
        );
      const [px, py] = project(lon as number, lat as number);
      if (!Number.isFinite(px) || !Number.isFinite(py))
        fail(`la coordenada [${lon}, ${lat}] no se puede proyectar`);
      return [px, py];
    };
    const list = (a: unknown, what: string, min: number): unknown[] => {
      if (!Array.isArray(a) || a.length < min)
        fail(`${what}: se esperaba una lista de al menos ${min} elementos`);
      return a as unknown[];
    };
    const push = ([px, py]: [number, number]): void => {
      x.push(px);
      y.push(py);
    };
    const polygon = (rings: unknown): void => {
      const outer = list(list(rings, 'polígono', 1)[0], 'anillo exterior', 4).map(position);
      push(centroid(outer));
    };
    const coords = g?.coordinates;
    switch (g?.type) {
      case 'Point':
        push(position(coords));
        break;
      case 'MultiPoint':
        for (const p of list(coords, 'MultiPoint', 0)) push(position(p));
        break;
      case 'LineString':
        for (const p of list(coords, 'LineString', 2)) push(position(p));
        break;
      case 'MultiLineString':
        for (const line of list(coords, 'MultiLineString', 0))
          for (const p of list(line, 'línea', 2)) push(position(p));
        break;
      case 'Polygon':
        polygon(coords);
        break;
      case 'MultiPolygon':
        for (const rings of list(coords, 'MultiPolygon', 0)) polygon(rings);
        break;
      default:
        fail(`geometría de tipo ${JSON.stringify(g?.type)?.slice(0, 40)} no admitida (use ${KINDS})`);
    }
  });
  return { x, y };
}

/** Area centroid of a closed ring in metres (the mean of its vertices when it has no area). */
function centroid(ring: readonly [number, number][]): [number, number] {
  // Relative to the first vertex, for precision with UTM magnitudes.
  const [ox, oy] = ring[0] as [number, number];
  let a = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const [x1, y1] = ring[i] as [number, number];
    const [x2, y2] = ring[i + 1] as [number, number];
    const ax = x1 - ox;
    const ay = y1 - oy;
    const bx = x2 - ox;
    const by = y2 - oy;
    const cross = ax * by - bx * ay;
    a += cross;
    sx += (ax + bx) * cross;
    sy += (ay + by) * cross;
  }
  if (Math.abs(a) > 1e-9) return [ox + sx / (3 * a), oy + sy / (3 * a)];
  let mx = 0;
  let my = 0;
  for (const [px, py] of ring) {
    mx += px;
    my += py;
  }
  return [mx / ring.length, my / ring.length];
}

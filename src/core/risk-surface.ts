/**
 * The one prediction type shared by models, evaluation, the API and the map: a grid, one risk value
 * per cell and a mask of valid cells. Values are expected counts or scores (≥ 0, finite); masked
 * cells are always 0. A surface is immutable by contract: every function here returns a new one and
 * nothing mutates `values` or `mask` after creation.
 */
import { ValidationError } from './errors.ts';
import { cellCorners, cellCount, type GridSpec } from './grid.ts';

/** A risk surface. Treat `values` and `mask` as read-only. */
export interface RiskSurface {
  readonly grid: GridSpec;
  /** One value per cell (row-major, row 0 south); 0 in masked cells. */
  readonly values: Float64Array;
  /** 1 = valid cell (land inside the study area), 0 = masked. */
  readonly mask: Uint8Array;
}

/**
 * Builds a surface, copying the values and zeroing masked cells.
 * @throws ValidationError when lengths differ or a value is negative or not finite (never a NaN surface)
 */
export function createRiskSurface(grid: GridSpec, values: ArrayLike<number>, mask: Uint8Array): RiskSurface {
  const n = cellCount(grid);
  if (values.length !== n)
    throw new ValidationError('values', `se esperaban ${n} valores (uno por celda), hay ${values.length}`);
  if (mask.length !== n)
    throw new ValidationError('mask', `se esperaban ${n} celdas en la máscara, hay ${mask.length}`);
  const out = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    if (mask[c] === 0) continue;
    const v = values[c] as number;
    if (!(v >= 0) || v === Infinity)
      throw new ValidationError(
        'values',
        `valor de riesgo inválido en la celda ${c}: ${v} (se espera un número finito ≥ 0)`,
      );
    out[c] = v;
  }
  return Object.freeze({ grid, values: out, mask });
}

/** Number of valid (unmasked) cells. */
export function validCells(mask: Uint8Array): number {
  let k = 0;
  for (let c = 0; c < mask.length; c++) k += mask[c] as number;
  return k;
}

/** Sum of the values of valid cells. */
export function totalRisk(s: RiskSurface): number {
  let t = 0;
  for (let c = 0; c < s.values.length; c++) t += s.values[c] as number;
  return t;
}

/**
 * The surface scaled to sum to 1 over valid cells (shares). An all-zero surface becomes uniform
 * over the valid cells: "no information" rather than a division by zero.
 */
export function renormalised(s: RiskSurface): RiskSurface {
  const total = totalRisk(s);
  const k = validCells(s.mask);
  const out = new Float64Array(s.values.length);
  for (let c = 0; c < out.length; c++) {
    if (s.mask[c] === 0) continue;
    out[c] = total > 0 ? (s.values[c] as number) / total : 1 / k;
  }
  return Object.freeze({ grid: s.grid, values: out, mask: s.mask });
}

/** Options of {@link surfaceToGeoJson}. */
export interface GeoJsonOptions {
  /** Projected metres → [lon, lat]. */
  toLonLat: (x: number, y: number) => [number, number];
  /** Only cells with value > 0 (default true). */
  nonZeroOnly?: boolean;
}

/** Valid cells as GeoJSON polygons with their `risk` and `cell` index. */
export function surfaceToGeoJson(
  s: RiskSurface,
  options: GeoJsonOptions,
): {
  type: 'FeatureCollection';
  features: {
    type: 'Feature';
    properties: { cell: number; risk: number };
    geometry: { type: 'Polygon'; coordinates: number[][][] };
  }[];
} {
  const nonZeroOnly = options.nonZeroOnly ?? true;
  const features = [];
  for (let c = 0; c < s.values.length; c++) {
    if (s.mask[c] === 0) continue;
    const risk = s.values[c] as number;
    if (nonZeroOnly && risk === 0) continue;
    const ring = cellCorners(s.grid, c).map(([x, y]) => options.toLonLat(x, y));
    ring.push(ring[0] as [number, number]);
    features.push({
      type: 'Feature' as const,
      properties: { cell: c, risk },
      geometry: { type: 'Polygon' as const, coordinates: [ring] },
    });
  }
  return { type: 'FeatureCollection', features };
}

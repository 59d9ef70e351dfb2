/**
 * Metric projections. Grids and distances are computed in UTM metres; WGS84 stays at the edges.
 * The UTM zone is derived from a study area's centroid (Callao → zone 18 south, EPSG:32718).
 */
import proj4, { type Converter } from 'proj4';
import { ValidationError } from '../core/errors.ts';

/** A projection between WGS84 lon/lat and metres. */
export interface Projection {
  /** e.g. "EPSG:32718". */
  readonly code: string;
  /** The proj4 definition. */
  readonly definition: string;
  /** lon/lat (degrees) → [x, y] metres. */
  forward(lon: number, lat: number): [number, number];
  /** [x, y] metres → [lon, lat] degrees. */
  inverse(x: number, y: number): [number, number];
}

/** The UTM zone containing a lon/lat, as an EPSG code and a proj4 definition. */
export function utmZoneFor(
  lon: number,
  lat: number,
): { zone: number; south: boolean; code: string; definition: string } {
  if (!(lon >= -180 && lon <= 180)) throw new ValidationError('lon', `longitud fuera de rango: ${lon}`);
  if (!(lat >= -80 && lat <= 84)) throw new ValidationError('lat', `latitud fuera de rango UTM: ${lat}`);
  const zone = Math.min(60, Math.floor((lon + 180) / 6) + 1);
  const south = lat < 0;
  return {
    zone,
    south,
    code: `EPSG:${south ? 32700 + zone : 32600 + zone}`,
    definition: `+proj=utm +zone=${zone}${south ? ' +south' : ''} +datum=WGS84 +units=m +no_defs`,
  };
}

/**
 * The proj4 definition of a CRS known by its EPSG code alone: WGS84 UTM zones (EPSG:326zz north,
 * EPSG:327zz south) and NAD83 UTM zones 1–23 north (EPSG:269zz, e.g. Vancouver's EPSG:26910).
 * Null for any other code: a mapping file then gives the definition itself.
 */
export function knownCrsDefinition(code: string): string | null {
  const m = /^EPSG:(\d+)$/i.exec(code.trim());
  const n = m ? Number(m[1]) : Number.NaN;
  const zone = n % 100;
  if (n >= 32601 && n <= 32660) return `+proj=utm +zone=${zone} +datum=WGS84 +units=m +no_defs`;
  if (n >= 32701 && n <= 32760) return `+proj=utm +zone=${zone} +south +datum=WGS84 +units=m +no_defs`;
  if (n >= 26901 && n <= 26923) return `+proj=utm +zone=${zone} +datum=NAD83 +units=m +no_defs`;
  return null;
}

/** Builds a projection from a proj4 definition (used for UTM zones and mapping-file CRSs). */
export function createProjection(code: string, definition: string): Projection {
  let converter: Converter;
  try {
    converter = proj4('EPSG:4326', definition);
  } catch (cause) {
    throw new ValidationError('crs', `definición proj4 inválida para ${code}: ${String(cause)}`);
  }
  return {
    code,
    definition,
    forward: (lon, lat) => converter.forward([lon, lat]) as [number, number],
    inverse: (x, y) => converter.inverse([x, y]) as [number, number],
  };
}

/** The UTM projection for the zone containing lon/lat. */
export function utmProjectionFor(lon: number, lat: number): Projection {
  const z = utmZoneFor(lon, lat);
  return createProjection(z.code, z.definition);
}

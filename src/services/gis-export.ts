/**
 * GIS exports for planners: a GeoJSON FeatureCollection (WGS84 lon/lat) as a zipped Shapefile
 * (`@mapbox/shp-write`: .shp, .shx, .dbf and a WGS84 .prj) or as KML (`tokml`). Attribute names are
 * the caller's (Spanish, at most 10 characters so that dBase keeps them whole). Both libraries load on
 * first use.
 */
import type shpwriteType from '@mapbox/shp-write';

/** Cells as polygons with flat attributes. */
export interface GisFeatureCollection {
  type: 'FeatureCollection';
  features: {
    type: 'Feature';
    properties: Record<string, string | number | null>;
    geometry: { type: 'Polygon'; coordinates: number[][][] };
  }[];
}

/** The GIS formats the planners' routes answer in. */
export const GIS_FORMATS = ['geojson', 'shp', 'kml'] as const;
export type GisFormat = (typeof GIS_FORMATS)[number];

/** A ready-to-send file. */
export interface GisFile {
  body: string | Buffer;
  contentType: string;
  fileName: string;
}

/**
 * One collection in a GIS format; `layer` names the files inside the zip and the download
 * (`<layer>.geojson`, `<layer>.zip`, `<layer>.kml`), `nameField` the KML Placemark name.
 */
export async function gisFile(
  fc: GisFeatureCollection,
  format: GisFormat,
  o: { layer: string; title: string; nameField: string },
): Promise<GisFile> {
  if (format === 'geojson')
    return { body: JSON.stringify(fc), contentType: 'application/geo+json', fileName: `${o.layer}.geojson` };
  if (format === 'kml') {
    const { default: tokml } = await import('tokml');
    return {
      body: tokml(fc, { documentName: o.title, name: o.nameField }),
      contentType: 'application/vnd.google-earth.kml+xml',
      fileName: `${o.layer}.kml`,
    };
  }
  const { default: shpwrite } = await import('@mapbox/shp-write');
  const zip = await shpwrite.zip<'nodebuffer'>(fc as unknown as Parameters<typeof shpwriteType.zip>[0], {
    outputType: 'nodebuffer',
    compression: 'DEFLATE',
    types: { polygon: o.layer },
  });
  return { body: zip, contentType: 'application/zip', fileName: `${o.layer}.zip` };
}

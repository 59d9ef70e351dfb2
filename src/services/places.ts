/**
 * The place layers bundled for a study area (Callao: assets/callao/osm/, OpenStreetMap, ODbL) as a
 * geo/places.ts index in the area's projection, built once per area and projection. Areas without
 * a bundled layer are named by district alone.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { GridSpec } from '../core/grid.ts';
import type { EnvironmentLayer } from '../features/environment.ts';
import { type AreaPlace, describeCells, type PlaceIndex, placeIndex } from '../geo/places.ts';
import type { StudyArea } from '../geo/study-area.ts';

/** The attribution the ODbL asks for wherever names from OpenStreetMap are shown. */
export const OSM_ATTRIBUTION = '© OpenStreetMap contributors';

/** Bundled layers per study area id: folder, file names, attribution. */
const BUNDLED: Readonly<Record<string, { dir: string; streets: string; pois: string; attribution: string }>> =
  {
    callao: {
      dir: fileURLToPath(new URL('../../assets/callao/osm/', import.meta.url)),
      streets: 'callao_streets.geojson',
      pois: 'callao_pois.geojson',
      attribution: OSM_ATTRIBUTION,
    },
  };

/** An area's place index and the attribution its names need. */
export interface AreaPlaces {
  index: PlaceIndex;
  attribution: string;
}

const cache = new Map<string, AreaPlaces | null>();

/** The bundled place index of a study area, or null when none is bundled for it. */
export function placesOf(area: StudyArea): AreaPlaces | null {
  const key = `${area.def.id}|${area.projection.definition}`;
  if (!cache.has(key)) {
    const layer = BUNDLED[area.def.id];
    const read = (file: string): unknown => JSON.parse(readFileSync(`${layer?.dir}${file}`, 'utf8'));
    cache.set(
      key,
      layer
        ? {
            index: placeIndex(
              {
                streets: read(layer.streets),
                pois: read(layer.pois),
                streetsSource: layer.streets,
                poisSource: layer.pois,
              },
              area.projection,
            ),
            attribution: layer.attribution,
          }
        : null,
    );
  }
  return cache.get(key) ?? null;
}

/** A named place and the attribution of the layer its names came from (null: district only). */
export type NamedPlace = AreaPlace & { attribution: string | null };

/** Names a set of cells of an area's grid in a district (see geo/places.ts describeCells). */
export function namePlace(
  area: StudyArea,
  grid: GridSpec,
  cells: readonly number[],
  district: string,
): NamedPlace {
  const places = placesOf(area);
  const place = describeCells(places?.index ?? null, area.projection, grid, cells, district);
  const named = place.streets.length > 0 || place.landmark !== null;
  return { ...place, attribution: named ? (places?.attribution ?? null) : null };
}

/**
 * The bundled layers of an area as environment layers of the learned models
 * (src/features/environment.ts): `mercados` (the named markets, points) and `calles` (the named
 * streets, by their vertices). None for an area without a bundled layer.
 */
export function environmentLayersOf(area: StudyArea): EnvironmentLayer[] {
  const layer = BUNDLED[area.def.id];
  if (!layer) return [];
  const read = (file: string): unknown => JSON.parse(readFileSync(`${layer.dir}${file}`, 'utf8'));
  return [
    { name: 'mercados', geojson: read(layer.pois) },
    { name: 'calles', geojson: read(layer.streets) },
  ];
}

/**
 * Study-area use cases: the bundled Callao default and areas registered from a bounding box or a
 * GeoJSON boundary file.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InputFileError } from '../core/errors.ts';
import {
  compileStudyArea,
  type StudyArea,
  type StudyAreaDef,
  studyAreaFromBbox,
  studyAreaFromGeoJson,
} from '../geo/study-area.ts';
import { loadStudyArea, saveStudyArea } from '../storage/areas.ts';

export { listStudyAreas } from '../storage/areas.ts';

import { holidayCountryOf } from '../features/holidays.ts';
import type { AreaGrid } from '../geo/area-grid.ts';
import type { AreaFacts } from '../models/predictor.ts';
import type { Db } from '../storage/db.ts';

const CALLAO_GEOJSON = fileURLToPath(new URL('../../assets/callao/districts.geojson', import.meta.url));

/** Callao's seven districts (INEI 2023 limits, CC BY 4.0), America/Lima, UTM 18S. */
export function callaoStudyArea(): StudyAreaDef {
  return studyAreaFromGeoJson('callao', JSON.parse(readFileSync(CALLAO_GEOJSON, 'utf8')), {
    name: 'Provincia Constitucional del Callao',
    timeZone: 'America/Lima',
    districtField: 'ubigeo',
    nameField: 'name',
  });
}

/** Registers Callao when the store does not have it yet. */
export async function ensureDefaultArea(db: Db): Promise<void> {
  const rows = await db.query<{ n: number }>(
    `select count(*)::int as n from study_areas where id = 'callao'`,
  );
  if (rows[0]?.n === 0) await saveStudyArea(db, callaoStudyArea());
}

/** Options for registering an area. */
export interface AddAreaOptions {
  id: string;
  name?: string;
  timeZone: string;
  bbox?: string;
  boundaryFile?: string;
  districtField?: string;
  nameField?: string;
}

/**
 * Registers (or replaces) a study area from a bbox or a GeoJSON boundary.
 * @throws ValidationError / InputFileError naming the parameter or file
 */
export async function addStudyArea(db: Db, o: AddAreaOptions): Promise<StudyAreaDef> {
  let def: StudyAreaDef;
  if (o.boundaryFile) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(o.boundaryFile, 'utf8'));
    } catch (cause) {
      throw new InputFileError(o.boundaryFile, `no se pudo leer como GeoJSON: ${(cause as Error).message}`, {
        cause,
      });
    }
    def = studyAreaFromGeoJson(o.id, parsed, {
      timeZone: o.timeZone,
      ...(o.name ? { name: o.name } : {}),
      ...(o.districtField ? { districtField: o.districtField } : {}),
      ...(o.nameField ? { nameField: o.nameField } : {}),
    });
  } else if (o.bbox) {
    def = studyAreaFromBbox(o.id, o.bbox.split(',').map(Number), {
      timeZone: o.timeZone,
      ...(o.name ? { name: o.name } : {}),
    });
  } else {
    throw new InputFileError(
      '--bbox/--boundary',
      'indique --bbox minLon,minLat,maxLon,maxLat o --boundary archivo.geojson',
    );
  }
  await saveStudyArea(db, def);
  compiled.delete(db);
  return def;
}

/** Compiled areas per store, kept briefly: compiling builds the lookup raster (tens of ms). */
const compiled = new WeakMap<Db, Map<string, { until: number; area: Promise<StudyArea> }>>();
const COMPILED_TTL_MS = 30_000;

/**
 * Loads and compiles an area for use (cached for 30 s per store; replaced areas are seen at once
 * by this process, by others within 30 s).
 * @throws NotFoundError for an unknown area
 */
export function getStudyArea(db: Db, id: string): Promise<StudyArea> {
  let byId = compiled.get(db);
  if (!byId) {
    byId = new Map();
    compiled.set(db, byId);
  }
  const hit = byId.get(id);
  if (hit && hit.until > Date.now()) return hit.area;
  const area = (async () => {
    if (id === 'callao') await ensureDefaultArea(db);
    return compileStudyArea(await loadStudyArea(db, id));
  })();
  byId.set(id, { until: Date.now() + COMPILED_TTL_MS, area });
  area.catch(() => byId.delete(id));
  return area;
}

/**
 * What a model may know of an area besides its events: the local calendar (time zone, holiday
 * country) and the district of each cell of `areaGrid`.
 */
export function areaFacts(area: StudyArea, areaGrid: AreaGrid): AreaFacts {
  const country = holidayCountryOf(area.def.timeZone);
  return {
    timeZone: area.def.timeZone,
    ...(country ? { country } : {}),
    ...(area.def.districts.length > 0 ? { districtOfCell: areaGrid.districtOfCell } : {}),
  };
}

/** A district boundary as a GeoJSON feature. */
export interface DistrictFeature {
  type: 'Feature';
  properties: { code: string; name: string };
  geometry: StudyAreaDef['districts'][number]['geometry'];
}

/** The districts of an area as a GeoJSON FeatureCollection (WGS84). */
export async function districtsGeoJson(
  db: Db,
  id: string,
): Promise<{ type: 'FeatureCollection'; area: string; features: DistrictFeature[] }> {
  const area = await getStudyArea(db, id);
  return {
    type: 'FeatureCollection',
    area: area.def.id,
    features: area.def.districts.map((d) => ({
      type: 'Feature',
      properties: { code: d.code, name: d.name },
      geometry: d.geometry,
    })),
  };
}

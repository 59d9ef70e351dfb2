/**
 * Study-area use cases: the bundled Callao default and areas registered from a bounding box or a
 * GeoJSON boundary file.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InputFileError, ValidationError } from '../core/errors.ts';
import { cellOf } from '../core/grid.ts';
import { parseDay } from '../core/time.ts';
import { dilateCells } from '../geo/cell-outline.ts';
import {
  compileStudyArea,
  type StudyArea,
  type StudyAreaDef,
  studyAreaFromBbox,
  studyAreaFromCells,
  studyAreaFromGeoJson,
} from '../geo/study-area.ts';
import { loadStudyArea, saveStudyArea } from '../storage/areas.ts';
import { loadEvents } from '../storage/events.ts';

export { listStudyAreas } from '../storage/areas.ts';

import { holidayCountryOf } from '../features/holidays.ts';
import { type AreaGrid, gridForArea } from '../geo/area-grid.ts';
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
  /**
   * Derive the area from where another area's located incidents are: the cells of that area's grid
   * (`cellSize` m) holding an incident that occurred before `before` (a local day, YYYY-MM-DD),
   * widened by `bufferM` metres (whole cells), holes filled. For a city whose limits are not at hand:
   * the study area of its own records, not a bounding box with a lake and suburbs in it.
   */
  fromEvents?: string;
  before?: string;
  bufferM?: number;
  cellSize?: number;
}

/**
 * Registers (or replaces) a study area from a bbox or a GeoJSON boundary.
 * @throws ValidationError / InputFileError naming the parameter or file
 */
export async function addStudyArea(db: Db, o: AddAreaOptions): Promise<StudyAreaDef> {
  let def: StudyAreaDef;
  if (o.fromEvents) def = await areaFromEvents(db, o, o.fromEvents);
  else if (o.boundaryFile) {
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

async function areaFromEvents(db: Db, o: AddAreaOptions, sourceId: string): Promise<StudyAreaDef> {
  if (!o.before)
    throw new ValidationError('--before', 'indique hasta qué día (excluido) leer incidentes, AAAA-MM-DD');
  const source = await getStudyArea(db, sourceId);
  const before = parseDay(o.before, source.def.timeZone, '--before').getTime();
  const cellSize = o.cellSize ?? 150;
  const bufferM = o.bufferM ?? 300;
  if (!(Number.isFinite(bufferM) && bufferM >= 0))
    throw new ValidationError('--buffer', `debe ser un número de metros ≥ 0 (es ${o.bufferM})`);
  const { grid, mask } = gridForArea(source, { cellSize });
  const { events } = await loadEvents(db, { area: sourceId, to: before });
  if (events.length === 0)
    throw new ValidationError(
      '--from-events',
      `el área ${sourceId} no tiene incidentes ubicados antes del ${o.before}: no hay de dónde derivar el área`,
    );
  const seen = new Uint8Array(mask.length);
  for (let i = 0; i < events.length; i++) {
    const c = cellOf(grid, events.x[i] as number, events.y[i] as number);
    if (c >= 0) seen[c] = 1;
  }
  const widened = dilateCells(
    { rows: grid.rows, cols: grid.cols, cells: seen },
    Math.ceil(bufferM / cellSize),
  );
  for (let c = 0; c < mask.length; c++) if (mask[c] === 0) widened.cells[c] = 0;
  return studyAreaFromCells(o.id, grid, widened.cells, source.projection, {
    timeZone: o.timeZone,
    name: o.name ?? `${source.def.name}: celdas a ≤ ${bufferM} m de un incidente anterior al ${o.before}`,
  });
}

/** The area of a definition's boundary, km². */
export function areaKm2(def: StudyAreaDef): number {
  return compileStudyArea(def).areaKm2;
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

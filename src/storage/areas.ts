/** Study areas and their districts in the store. */
import { NotFoundError } from '../core/errors.ts';
import type { PolygonalGeometry } from '../geo/polygon.ts';
import { compileStudyArea, type StudyAreaDef } from '../geo/study-area.ts';
import type { Db, Queryable } from './db.ts';

/**
 * Creates or replaces a study area and its districts (one transaction).
 * Districts that already have incidents cannot be removed (foreign key): replacing keeps them.
 */
export async function saveStudyArea(db: Db, def: StudyAreaDef): Promise<void> {
  compileStudyArea(def); // validates geometry and CRS before anything is written
  await db.transaction(async (tx) => {
    await tx.query(
      `insert into study_areas (id, name, time_zone, crs_code, crs_proj4, bbox, boundary)
       values ($1, $2, $3, $4, $5, $6, $7)
       on conflict (id) do update set name = excluded.name, time_zone = excluded.time_zone,
         crs_code = excluded.crs_code, crs_proj4 = excluded.crs_proj4, bbox = excluded.bbox, boundary = excluded.boundary`,
      [
        def.id,
        def.name,
        def.timeZone,
        def.crs.code,
        def.crs.definition,
        def.bbox,
        JSON.stringify(def.boundary),
      ],
    );
    for (const d of def.districts) {
      const one = compileStudyArea({ ...def, districts: [d] });
      await tx.query(
        `insert into districts (study_area, code, name, geometry, area_km2) values ($1, $2, $3, $4, $5)
         on conflict (study_area, code) do update set name = excluded.name, geometry = excluded.geometry,
           area_km2 = excluded.area_km2`,
        [def.id, d.code, d.name, JSON.stringify(d.geometry), one.areaKm2],
      );
    }
  });
}

interface AreaRow {
  id: string;
  name: string;
  time_zone: string;
  crs_code: string;
  crs_proj4: string;
  bbox: number[];
  boundary: PolygonalGeometry[];
}

/**
 * Loads a study area definition.
 * @throws NotFoundError naming the known areas
 */
export async function loadStudyArea(db: Queryable, id: string): Promise<StudyAreaDef> {
  const rows = await db.query<AreaRow>('select * from study_areas where id = $1', [id]);
  const a = rows[0];
  if (!a) {
    const known = (await listStudyAreas(db)).map((r) => r.id).join(', ') || '(ninguna)';
    throw new NotFoundError(
      `Área de estudio "${id}" no registrada. Áreas: ${known}. Registre una con "vigia area add".`,
    );
  }
  const districts = await db.query<{ code: string; name: string; geometry: PolygonalGeometry }>(
    'select code, name, geometry from districts where study_area = $1 order by code',
    [id],
  );
  return {
    id: a.id,
    name: a.name,
    timeZone: a.time_zone,
    crs: { code: a.crs_code, definition: a.crs_proj4 },
    bbox: a.bbox as [number, number, number, number],
    boundary: a.boundary,
    districts,
  };
}

/** A study area's summary row. */
export interface StudyAreaSummary {
  id: string;
  name: string;
  timeZone: string;
  crs: string;
  districts: number;
  incidents: number;
}

/** Every registered study area with district and incident counts. */
export async function listStudyAreas(db: Queryable): Promise<StudyAreaSummary[]> {
  return db.query<StudyAreaSummary>(
    `select a.id, a.name, a.time_zone as "timeZone", a.crs_code as crs,
       (select count(*)::int from districts d where d.study_area = a.id) as districts,
       (select count(*)::int from incidents i where i.study_area = a.id) as incidents
     from study_areas a order by a.id`,
  );
}

/**
 * Stored patrol plans (migration 0011): versioned per study area × local day × turno × crime group,
 * each with the forecast it came from and its settings. The same forecast (id and creation time)
 * with the same settings (compared by the SHA-256 of their canonical JSON) is stored once: saving it
 * again returns the stored plan.
 */
import { createHash } from 'node:crypto';
import type { GridSpec } from '../core/grid.ts';
import { TURNOS } from '../core/time.ts';
import type { AreaPlace } from '../geo/places.ts';
import type { Db, Queryable } from './db.ts';

/** One planned area as stored. */
export interface StoredPatrolArea {
  /** 1 = most expected crimes. */
  order: number;
  /** Sector (district) code and name. */
  code: string;
  name: string;
  /** Cell indices of the plan's grid, ascending. */
  cells: number[];
  /** Expected crimes inside the area in the turno. */
  expected: number;
  /** Expected crimes of each cell, aligned with `cells` (absent in plans stored before it). */
  cellExpected?: number[];
  /**
   * How people know the place: district, nearest named streets and landmark, links to its centre,
   * and the attribution of the layer the names came from (null when named by district only).
   * Absent in plans stored before places were added.
   */
  place?: StoredPlace;
  /** Suggested tactics of the plan's crime group (absent in plans stored before tactics). */
  tactics?: StoredTactic[];
}

/** A patrol area's place (geo/places.ts AreaPlace) with its layer's attribution. */
export type StoredPlace = AreaPlace & { attribution: string | null };

/** A suggested tactic as stored (prevention/tactics.ts). */
export interface StoredTactic {
  code: string;
  text: string;
}

/** Coverage of one sector as stored. */
export interface StoredSectorCoverage {
  code: string;
  name: string;
  units: number;
  areas: number;
  expectedCovered: number;
  expectedTotal: number;
  share: number;
}

/** The settings of a plan (their canonical JSON is the idempotency key with the forecast). */
export interface PatrolPlanSettings {
  /** Units per sector code, in sector order. */
  unitsBySector: Record<string, number>;
  /** "spread": a total spread in proportion to expected crimes; "given": per sector by the caller. */
  unitsFrom: 'spread' | 'given';
  maxCells: number;
  dosage: { minutesPerVisit: number; pauseMinutes: number; turnoMinutes: number; visits: number };
  /** The tactics table's list for the plan's group (another list is other settings: a new version). */
  tactics?: StoredTactic[];
}

/** A plan to store. */
export interface PatrolPlanRecord {
  area: string;
  /** Local day YYYY-MM-DD. */
  day: string;
  turno: string;
  group: string;
  forecastId: number;
  forecastCreatedAt: Date;
  modelKind: string;
  modelConfig: unknown;
  settings: PatrolPlanSettings;
  grid: GridSpec;
  areas: StoredPatrolArea[];
  sectors: StoredSectorCoverage[];
  expectedCovered: number;
  expectedTotal: number;
  createdBy: string;
}

/** A stored plan. */
export interface StoredPatrolPlan extends PatrolPlanRecord {
  id: number;
  version: number;
  createdAt: Date;
}

const COLUMNS = `id, version, study_area as area, to_char(target_day, 'YYYY-MM-DD') as day, turno,
  crime_group as "group", forecast_id as "forecastId", forecast_created_at as "forecastCreatedAt",
  model_kind as "modelKind", model_config as "modelConfig", settings, grid, areas, sectors,
  expected_covered as "expectedCovered", expected_total as "expectedTotal",
  created_at as "createdAt", created_by as "createdBy"`;

/** JSON with object keys sorted at every level: equal settings give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/**
 * Stores a plan as the next version of its (area, day, turno, group), in one transaction. When the
 * same forecast with the same settings is already planned, nothing is written and the stored plan
 * is returned with `duplicate: true`.
 */
export async function savePatrolPlan(
  db: Db,
  r: PatrolPlanRecord,
): Promise<{ plan: StoredPatrolPlan; duplicate: boolean }> {
  const settingsSha = createHash('sha256').update(canonicalJson(r.settings), 'utf8').digest('hex');
  return db.transaction(async (tx) => {
    // One writer per key at a time: versions are max + 1 without gaps or races, no duplicate plan.
    await tx.query('select pg_advisory_xact_lock(hashtextextended($1, 7010111))', [
      `patrol:${r.area}|${r.day}|${r.turno}|${r.group}`,
    ]);
    const [same] = await tx.query<StoredPatrolPlan>(
      `select ${COLUMNS} from patrol_plans
       where forecast_id = $1 and forecast_created_at = $2 and settings_sha256 = $3`,
      [r.forecastId, r.forecastCreatedAt, settingsSha],
    );
    if (same) return { plan: same, duplicate: true };
    const [row] = await tx.query<StoredPatrolPlan>(
      `insert into patrol_plans (study_area, target_day, turno, crime_group, version, forecast_id,
         forecast_created_at, model_kind, model_config, settings, settings_sha256, grid, areas, sectors,
         expected_covered, expected_total, created_by)
       values ($1, $2::date, $3, $4,
         (select coalesce(max(version), 0) + 1 from patrol_plans
          where study_area = $1 and target_day = $2::date and turno = $3 and crime_group = $4),
         $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
       returning ${COLUMNS}`,
      [
        r.area,
        r.day,
        r.turno,
        r.group,
        r.forecastId,
        r.forecastCreatedAt,
        r.modelKind,
        JSON.stringify(r.modelConfig ?? {}),
        JSON.stringify(r.settings),
        settingsSha,
        JSON.stringify(r.grid),
        JSON.stringify(r.areas),
        JSON.stringify(r.sectors),
        r.expectedCovered,
        r.expectedTotal,
        r.createdBy,
      ],
    );
    return { plan: row as StoredPatrolPlan, duplicate: false };
  });
}

/** Stored plans, newest day first, then turno order and newest version first; optionally filtered. */
export function listPatrolPlans(
  db: Queryable,
  q: { area?: string; day?: string; turno?: string; group?: string } = {},
): Promise<StoredPatrolPlan[]> {
  return db.query<StoredPatrolPlan>(
    `select ${COLUMNS} from patrol_plans
     where ($1::text is null or study_area = $1) and ($2::date is null or target_day = $2::date)
       and ($3::text is null or turno = $3) and ($4::text is null or crime_group = $4)
     order by study_area, target_day desc,
       array_position($5::text[], turno), crime_group, version desc`,
    [q.area ?? null, q.day ?? null, q.turno ?? null, q.group ?? null, TURNOS],
  );
}

/** One stored plan, or undefined. */
export async function getPatrolPlan(db: Queryable, id: number): Promise<StoredPatrolPlan | undefined> {
  const [row] = await db.query<StoredPatrolPlan>(`select ${COLUMNS} from patrol_plans where id = $1`, [id]);
  return row;
}

/**
 * Patrol plans per turno (issue 12), the use case shared by the CLI and, later, the API: take the
 * stored forecast of an area, day, turno and crime group, spread the units over the area's sectors
 * (its districts: comisarías are not modelled yet), plan connected patrol areas with
 * prevention/patrol-plan.ts, attach the dosage (prevention/dosage.ts), store the plan as a new
 * version (or return the stored one when the same forecast and settings were planned before) and
 * audit it. Every area is named (district, nearest streets and landmark, "cómo llegar" link:
 * services/places.ts) and carries the tactics of the plan's group (services/tactics.ts). See
 * docs/prevention.md, "Stored plans and `vigia plan`" and "Places and tactics".
 */
import { getConfig } from '../config/env.ts';
import { NotFoundError, ValidationError } from '../core/errors.ts';
import { cellCenter, type GridSpec } from '../core/grid.ts';
import { CRIME_GROUPS } from '../core/taxonomy.ts';
import { parseDay, parseTurno, TURNOS } from '../core/time.ts';
import type { StudyArea } from '../geo/study-area.ts';
import { type DosageSettings, dosageFor } from '../prevention/dosage.ts';
import { AREA_CELLS, planPatrols } from '../prevention/patrol-plan.ts';
import { type CrimeGroupName, type TacticsTable, tacticsFor } from '../prevention/tactics.ts';
import { spreadUnits } from '../prevention/units.ts';
import type { Db } from '../storage/db.ts';
import { getForecast, latestForecastMeta, type StoredForecast } from '../storage/forecasts.ts';
import {
  getPatrolPlan as getStoredPlan,
  listPatrolPlans as listStoredPlans,
  type PatrolPlanSettings,
  type StoredPatrolArea,
  type StoredPatrolPlan,
  type StoredSectorCoverage,
  savePatrolPlan,
} from '../storage/patrol-plans.ts';
import { getStudyArea } from './areas.ts';
import { type AuditContext, audit } from './audit.ts';
import { dmy } from './data-age.ts';
import { namePlace } from './places.ts';
import { loadTactics } from './tactics.ts';

export type {
  PatrolPlanSettings,
  StoredPatrolArea,
  StoredPatrolPlan,
  StoredSectorCoverage,
} from '../storage/patrol-plans.ts';

/** Most units a plan accepts (per sector and in total): far above any comisaría's fleet. */
export const MAX_UNITS = 10_000;

/** What to plan. Errors name the CLI options (`--turno`, `--units-by`, …). */
export interface PatrolPlanRequest {
  area: string;
  /** Local day YYYY-MM-DD (default: the newest day with a forecast for the group and turno). */
  day?: string;
  turno: string;
  /** Crime group (default "all"). */
  group?: string;
  /** Units in total, spread over sectors in proportion to their expected crimes. */
  units?: number;
  /** Units per sector (district code); sectors not named get none. Overrides the spread. */
  unitsBySector?: Record<string, number>;
  /** Cells per area, 1–9 (default 4). */
  maxCells?: number;
  dosage?: DosageSettings;
  /** Who asks: recorded as the plan's author and in the audit log. */
  actor: AuditContext;
}

/** What the plan service takes from outside the request (the configuration's by default). */
export interface PatrolPlanOptions {
  /** The tactics table (default: VIGIA_TACTICS_FILE's, or the built-in one). */
  tactics?: TacticsTable;
}

/** A stored plan and whether it had been stored before (same forecast, same settings). */
export interface PatrolPlanResult {
  plan: StoredPatrolPlan;
  duplicate: boolean;
}

/** A sector of the plan: a district of the area (or the whole area when it has none). */
export interface Sector {
  code: string;
  name: string;
}

function checkUnits(value: number, field: string, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_UNITS)
    throw new ValidationError(
      field,
      `${what}: se espera un entero entre 0 y ${MAX_UNITS}, se recibió ${value}`,
    );
  return value;
}

/** The sectors of an area and the sector of each cell of a grid (−1: masked or in no sector). */
export function sectorsOf(
  area: StudyArea,
  grid: GridSpec,
  mask: Uint8Array,
): { sectors: Sector[]; sectorOfCell: Int16Array } {
  const districts = area.def.districts;
  const sectorOfCell = new Int16Array(mask.length).fill(-1);
  if (districts.length === 0) {
    for (let c = 0; c < mask.length; c++) if (mask[c] === 1) sectorOfCell[c] = 0;
    return { sectors: [{ code: area.def.id, name: area.def.name }], sectorOfCell };
  }
  const centre = new Float64Array(2);
  for (let c = 0; c < mask.length; c++) {
    if (mask[c] !== 1) continue;
    cellCenter(grid, c, centre);
    const where = area.locate(centre[0] as number, centre[1] as number);
    if (where.kind === 'district') sectorOfCell[c] = where.index;
  }
  return { sectors: districts.map((d) => ({ code: d.code, name: d.name })), sectorOfCell };
}

/** Resolves the units per sector from the request. */
function unitsPerSector(req: PatrolPlanRequest, sectors: readonly Sector[], expected: readonly number[]) {
  if (req.unitsBySector === undefined) {
    if (req.units === undefined)
      throw new ValidationError('--units', 'indique las unidades disponibles (--units N o --units-by)');
    return {
      units: spreadUnits(checkUnits(req.units, '--units', 'unidades'), expected),
      from: 'spread' as const,
    };
  }
  const units = sectors.map(() => 0);
  const known = sectors.map((s) => s.code);
  for (const [code, n] of Object.entries(req.unitsBySector)) {
    const s = known.indexOf(code);
    if (s < 0)
      throw new ValidationError(
        '--units-by',
        `el distrito "${code}" no es un sector del área ${req.area} (códigos: ${known.join(', ')})`,
      );
    units[s] = checkUnits(n, '--units-by', `unidades del distrito ${code}`);
  }
  const total = units.reduce((a, b) => a + b, 0);
  if (total > MAX_UNITS)
    throw new ValidationError(
      '--units-by',
      `se espera a lo sumo ${MAX_UNITS} unidades en total, suman ${total}`,
    );
  if (req.units !== undefined && checkUnits(req.units, '--units', 'unidades') !== total)
    throw new ValidationError(
      '--units',
      `--units ${req.units} no coincide con la suma de --units-by (${total}): indique solo una de las dos o haga que coincidan`,
    );
  return { units, from: 'given' as const };
}

/**
 * The stored forecast a turno's plan is made from: the area's, group's and turno's (horizon turno),
 * for `day` or the newest day that has one; of several models, the most recently made.
 * @throws NotFoundError naming the command that makes it
 */
export async function turnoForecast(
  db: Db,
  area: string,
  group: string,
  turno: string,
  day?: string,
): Promise<StoredForecast> {
  const [meta] = await latestForecastMeta(db, {
    area,
    group,
    horizon: 'turno',
    turno,
    ...(day === undefined ? {} : { day }),
  });
  const forecast = meta ? await getForecast(db, meta.id) : null;
  if (!forecast)
    throw new NotFoundError(
      `No hay pronóstico por turno del grupo "${group}", turno ${turno}${day ? `, para el ${dmy(day)}` : ''} en el área ${area}: genérelo con "vigia forecast --area ${area}${day ? ` --day ${day}` : ''} --groups ${group}" (horizonte por turno, el predeterminado)`,
    );
  return forecast;
}

/**
 * Makes (or returns the stored) patrol plan of an area's turno.
 * @throws ValidationError naming the option (`--turno`, `--group`, `--day`, `--units`,
 *   `--units-by`, `--max-cells`, `--visit-minutes`, `--pause-minutes`); NotFoundError for an unknown
 *   area or when no forecast is stored for the area, day, turno and group (naming the command that
 *   makes it)
 */
export async function makePatrolPlan(
  db: Db,
  req: PatrolPlanRequest,
  options: PatrolPlanOptions = {},
): Promise<PatrolPlanResult> {
  const turno = parseTurno(req.turno);
  if (!turno)
    throw new ValidationError('--turno', `turno desconocido "${req.turno}" (use ${TURNOS.join(', ')})`);
  const group = req.group ?? 'all';
  if (!Object.hasOwn(CRIME_GROUPS, group))
    throw new ValidationError(
      '--group',
      `grupo desconocido "${group}" (use ${Object.keys(CRIME_GROUPS).join(', ')})`,
    );
  const maxCells = req.maxCells ?? AREA_CELLS.default;
  if (!Number.isInteger(maxCells) || maxCells < AREA_CELLS.min || maxCells > AREA_CELLS.max)
    throw new ValidationError(
      '--max-cells',
      `celdas por área: se espera un entero entre ${AREA_CELLS.min} y ${AREA_CELLS.max}, se recibió ${maxCells}`,
    );
  const dosage = dosageFor(turno, req.dosage, {
    minutesPerVisit: '--visit-minutes',
    pauseMinutes: '--pause-minutes',
  });
  const area = await getStudyArea(db, req.area);
  if (req.day !== undefined) parseDay(req.day, area.def.timeZone, '--day');
  const forecast = await turnoForecast(db, area.def.id, group, turno, req.day);

  const { surface } = forecast;
  const { sectors, sectorOfCell } = sectorsOf(area, surface.grid, surface.mask);
  const expected = sectors.map(() => 0);
  for (let c = 0; c < sectorOfCell.length; c++) {
    const s = sectorOfCell[c] as number;
    if (s >= 0) expected[s] = (expected[s] as number) + (surface.values[c] as number);
  }
  const { units, from } = unitsPerSector(req, sectors, expected);
  const plan = planPatrols({
    rows: surface.grid.rows,
    cols: surface.grid.cols,
    mask: surface.mask,
    value: surface.values,
    sectorOfCell,
    units,
    maxCells,
  });

  const sectorOf = (s: number): Sector => sectors[s] as Sector;
  const tactics = tacticsFor(
    options.tactics ?? (await loadTactics(getConfig().tacticsFile)),
    group as CrimeGroupName,
  ).map((t) => ({ code: t.code, text: t.text }));
  const settings: PatrolPlanSettings = {
    unitsBySector: Object.fromEntries(sectors.map((s, i) => [s.code, units[i] as number])),
    unitsFrom: from,
    maxCells,
    dosage,
    tactics,
  };
  const areas: StoredPatrolArea[] = plan.areas.map((a, i) => ({
    order: i + 1,
    code: sectorOf(a.sector).code,
    name: sectorOf(a.sector).name,
    cells: Array.from(a.cells),
    expected: a.expected,
    cellExpected: Array.from(a.cells, (c) => surface.values[c] as number),
    place: namePlace(area, surface.grid, Array.from(a.cells), sectorOf(a.sector).name),
    tactics,
  }));
  const coverage: StoredSectorCoverage[] = plan.sectors.map((s) => ({
    code: sectorOf(s.sector).code,
    name: sectorOf(s.sector).name,
    units: s.units,
    areas: s.areas,
    expectedCovered: s.expectedCovered,
    expectedTotal: s.expectedTotal,
    share: s.share,
  }));
  const saved = await savePatrolPlan(db, {
    area: area.def.id,
    day: forecast.targetDay,
    turno,
    group,
    forecastId: forecast.id,
    forecastCreatedAt: forecast.createdAt,
    modelKind: forecast.modelKind,
    modelConfig: forecast.modelConfig,
    settings,
    grid: surface.grid,
    areas,
    sectors: coverage,
    expectedCovered: plan.expectedCovered,
    expectedTotal: plan.expectedTotal,
    createdBy: req.actor.actor,
  });
  if (!saved.duplicate)
    await audit(db, req.actor, 'patrol-plan.create', `area:${area.def.id}`, {
      plan: saved.plan.id,
      version: saved.plan.version,
      day: forecast.targetDay,
      turno,
      group,
      forecast: forecast.id,
      model: forecast.modelKind,
      units: settings.unitsBySector,
      maxCells,
      areas: areas.length,
    });
  return saved;
}

/** Stored plans, optionally filtered (newest day first, newest version first). */
export async function listPatrolPlans(
  db: Db,
  q: { area?: string; day?: string; turno?: string; group?: string } = {},
): Promise<StoredPatrolPlan[]> {
  let turno: string | undefined;
  if (q.turno !== undefined) {
    turno = parseTurno(q.turno) ?? undefined;
    if (!turno)
      throw new ValidationError('--turno', `turno desconocido "${q.turno}" (use ${TURNOS.join(', ')})`);
  }
  const area = q.area === undefined ? undefined : (await getStudyArea(db, q.area)).def;
  if (q.day !== undefined) parseDay(q.day, area?.timeZone ?? 'UTC', '--day');
  return listStoredPlans(db, {
    ...(area ? { area: area.id } : {}),
    ...(q.day === undefined ? {} : { day: q.day }),
    ...(turno ? { turno } : {}),
    ...(q.group === undefined ? {} : { group: q.group }),
  });
}

/** One stored plan. @throws NotFoundError */
export async function getPatrolPlan(db: Db, id: number): Promise<StoredPatrolPlan> {
  const plan = Number.isSafeInteger(id) && id > 0 ? await getStoredPlan(db, id) : undefined;
  if (!plan) throw new NotFoundError(`No existe el plan de patrullaje ${id}`);
  return plan;
}

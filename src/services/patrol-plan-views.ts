/**
 * What each role sees of a turno's stored patrol plan (issue 12), and the audit of every read:
 * `full` (analysts, administrators) the whole plan; `sector` (officers) only the areas of their own
 * sector, in plan order, never another sector's cells; `districts` (planners, officials) units and
 * the share of expected crime covered per district, with no cell. Sectors are districts for now
 * (comisarías are not modelled). See docs/api.md and docs/prevention.md.
 */
import type { PlanView, Principal } from '../core/access.ts';
import { ForbiddenError, NotFoundError } from '../core/errors.ts';
import type { GridSpec } from '../core/grid.ts';
import { explainPlan, type PlanExplanation } from '../prevention/explain.ts';
import type { Db } from '../storage/db.ts';
import { forecastMetaById } from '../storage/forecasts.ts';
import { userById } from './accounts.ts';
import { type AuditContext, audit } from './audit.ts';
import {
  getPatrolPlan,
  listPatrolPlans,
  type PatrolPlanSettings,
  type StoredPatrolArea,
  type StoredPatrolPlan,
  type StoredSectorCoverage,
} from './patrol-plans.ts';

/** The plan's identity and provenance, shown in every view. */
export interface PlanHeader {
  id: number;
  version: number;
  area: string;
  day: string;
  turno: string;
  group: string;
  forecastId: number;
  modelKind: string;
  createdAt: string;
  dosage: PatrolPlanSettings['dosage'];
}

/** One view of a plan. */
export interface PlanViewBody {
  view: PlanView;
  plan: PlanHeader;
  /** Full and sector views: the grid the cells index. */
  grid?: GridSpec;
  /** Full and sector views: the areas (in plan order), with whatever the plan service attached. */
  areas?: StoredPatrolArea[];
  /** Coverage per sector: all (full, districts) or the caller's own (sector). */
  sectors: StoredSectorCoverage[];
  /** Full and sector views: which forecast and model, how the areas were chosen, why each area. */
  explanation?: PlanExplanation;
  /** Full view: the whole plan's expected crimes covered and in total. */
  expectedCovered?: number;
  expectedTotal?: number;
}

/**
 * Why a stored plan is what it is (prevention/explain.ts), limited to the given sectors' areas when
 * `sectorCodes` is set. The forecast's data cutoff and event count are read back when the stored
 * forecast is still the one the plan used (same id and creation time).
 */
export async function explainStoredPlan(
  db: Db,
  plan: StoredPatrolPlan,
  sectorCodes?: ReadonlySet<string>,
): Promise<PlanExplanation> {
  const meta = await forecastMetaById(db, plan.forecastId);
  const same = meta && new Date(meta.createdAt).getTime() === new Date(plan.forecastCreatedAt).getTime();
  return explainPlan(
    { ...plan, cellSize: plan.grid.cellSize },
    same ? { dataCutoff: new Date(meta.dataCutoff), eventsUsed: meta.eventsUsed } : null,
    sectorCodes,
  );
}

/** What to show: an area's plan for a turno (newest day, or `day`; group default "all"). */
export interface CurrentPlanQuery {
  area?: string;
  turno: string;
  day?: string;
  group?: string;
}

/** The sector whose areas an officer sees. @throws ForbiddenError without a sector or for another area */
async function callerSector(
  db: Db,
  principal: Principal,
  area: string | undefined,
): Promise<{ area: string; code: string }> {
  const sector = (await userById(db, principal.userId))?.sector ?? null;
  if (!sector)
    throw new ForbiddenError(
      `La cuenta ${principal.username} no tiene sector asignado; pida a un administrador que se lo asigne`,
    );
  if (area !== undefined && area !== sector.area)
    throw new ForbiddenError(`Su sector está en el área ${sector.area}, no en ${area}`);
  return sector;
}

/** A stored plan in a view (`sectorCode`: the officer's sector in the `sector` view). */
async function viewBody(
  db: Db,
  plan: StoredPatrolPlan,
  view: PlanView,
  sectorCode: string | null,
): Promise<PlanViewBody> {
  const header: PlanHeader = {
    id: plan.id,
    version: plan.version,
    area: plan.area,
    day: plan.day,
    turno: plan.turno,
    group: plan.group,
    forecastId: plan.forecastId,
    modelKind: plan.modelKind,
    createdAt: new Date(plan.createdAt).toISOString(),
    dosage: plan.settings.dosage,
  };
  if (view === 'full')
    return {
      view,
      plan: header,
      grid: plan.grid,
      areas: plan.areas,
      sectors: plan.sectors,
      explanation: await explainStoredPlan(db, plan),
      expectedCovered: plan.expectedCovered,
      expectedTotal: plan.expectedTotal,
    };
  if (view === 'sector')
    return {
      view,
      plan: header,
      grid: plan.grid,
      areas: plan.areas.filter((a) => a.code === sectorCode),
      sectors: plan.sectors.filter((s) => s.code === sectorCode),
      explanation: await explainStoredPlan(db, plan, new Set([sectorCode as string])),
    };
  return { view, plan: header, sectors: plan.sectors };
}

/**
 * The newest stored plan of an area, turno (and day, group) in the caller's view; the read is
 * audited (`patrol-plan.read`).
 * @throws ForbiddenError for an officer without a sector or asking for another area; NotFoundError
 *   when no plan is stored (naming how to make one)
 */
export async function currentPlanView(
  db: Db,
  q: CurrentPlanQuery,
  view: PlanView,
  principal: Principal,
  defaultArea: string,
  ctx: AuditContext,
): Promise<PlanViewBody> {
  const sector = view === 'sector' ? await callerSector(db, principal, q.area) : null;
  const area = sector?.area ?? q.area ?? defaultArea;
  const group = q.group ?? 'all';
  const [plan] = await listPatrolPlans(db, {
    area,
    turno: q.turno,
    group,
    ...(q.day === undefined ? {} : { day: q.day }),
  });
  if (!plan)
    throw new NotFoundError(
      `No hay plan de patrullaje del turno ${q.turno}${q.day ? ` del ${q.day}` : ''} (grupo ${group}) en el área ${area}: un analista lo genera con POST /api/v1/patrol-plans o "vigia plan"`,
    );
  const body = await viewBody(db, plan, view, sector?.code ?? null);
  await audit(db, ctx, 'patrol-plan.read', `patrol-plan:${plan.id}`, {
    view,
    ...(sector ? { sector: sector.code } : {}),
    areas: body.areas?.length ?? 0,
  });
  return body;
}

/**
 * One stored plan by id in the caller's view (`principal` null: a local operator, full view only),
 * audited as `action` (e.g. `patrol-plan.sheet` for the printed mission sheet). The stored plan comes
 * back too, for its provenance (author, settings); show only the body's areas and sectors.
 * @throws NotFoundError for an unknown id; ForbiddenError for an officer without a sector or whose
 *   sector is in another study area than the plan's
 */
export async function patrolPlanView(
  db: Db,
  id: number,
  view: PlanView,
  principal: Principal | null,
  ctx: AuditContext,
  action = 'patrol-plan.read',
): Promise<{ plan: StoredPatrolPlan; body: PlanViewBody; sector: string | null }> {
  const plan = await getPatrolPlan(db, id);
  let sector: { area: string; code: string } | null = null;
  if (view === 'sector') {
    if (!principal) throw new ForbiddenError('la vista por sector necesita un efectivo con sector');
    sector = await callerSector(db, principal, undefined);
    if (sector.area !== plan.area)
      throw new ForbiddenError(
        `El plan ${plan.id} es del área ${plan.area}; su sector (${sector.code}) está en el área ${sector.area}`,
      );
  }
  const body = await viewBody(db, plan, view, sector?.code ?? null);
  await audit(db, ctx, action, `patrol-plan:${plan.id}`, {
    view,
    ...(sector ? { sector: sector.code } : {}),
    areas: body.areas?.length ?? 0,
  });
  return { plan, body, sector: sector?.code ?? null };
}

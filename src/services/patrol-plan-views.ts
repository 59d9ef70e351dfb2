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
import type { Db } from '../storage/db.ts';
import { userById } from './accounts.ts';
import { type AuditContext, audit } from './audit.ts';
import {
  listPatrolPlans,
  type PatrolPlanSettings,
  type StoredPatrolArea,
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
  /** Full view: the whole plan's expected crimes covered and in total. */
  expectedCovered?: number;
  expectedTotal?: number;
}

/** What to show: an area's plan for a turno (newest day, or `day`; group default "all"). */
export interface CurrentPlanQuery {
  area?: string;
  turno: string;
  day?: string;
  group?: string;
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
  let sector: { area: string; code: string } | null = null;
  if (view === 'sector') {
    sector = (await userById(db, principal.userId))?.sector ?? null;
    if (!sector)
      throw new ForbiddenError(
        `La cuenta ${principal.username} no tiene sector asignado; pida a un administrador que se lo asigne`,
      );
    if (q.area !== undefined && q.area !== sector.area)
      throw new ForbiddenError(`Su sector está en el área ${sector.area}, no en ${q.area}`);
  }
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
  let body: PlanViewBody;
  if (view === 'full')
    body = {
      view,
      plan: header,
      grid: plan.grid,
      areas: plan.areas,
      sectors: plan.sectors,
      expectedCovered: plan.expectedCovered,
      expectedTotal: plan.expectedTotal,
    };
  else if (view === 'sector') {
    const code = (sector as { code: string }).code;
    body = {
      view,
      plan: header,
      grid: plan.grid,
      areas: plan.areas.filter((a) => a.code === code),
      sectors: plan.sectors.filter((s) => s.code === code),
    };
  } else body = { view, plan: header, sectors: plan.sectors };
  await audit(db, ctx, 'patrol-plan.read', `patrol-plan:${plan.id}`, {
    view,
    ...(sector ? { sector: sector.code } : {}),
    areas: body.areas?.length ?? 0,
  });
  return body;
}

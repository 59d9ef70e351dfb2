/**
 * The officer's patrol log (issue 12): check-in and check-out per area of a stored patrol plan,
 * with the device's timestamps and a short report, sent by a phone that may queue entries while
 * offline and resend them. Every entry carries an id the device generated (a UUID), so a resend
 * returns the stored entry instead of adding a row. The rules, each refused with the field named:
 *
 * - the plan and the area (its `order`) must exist, and the area must be in the officer's sector;
 * - a check-out names its check-in (`checkIn`) or, without it, closes the officer's open check-in
 *   of that area; none open → "check-out sin check-in" (409);
 * - a check-out timestamped before its check-in is refused (422);
 * - a second open check-in is refused (409), as is any visit overlapping another of the officer's
 *   visits in the plan;
 * - out of order: a check-out that names a check-in not yet received is stored waiting
 *   (`minutes: null`); when that check-in arrives it must agree with it (same plan and area, not
 *   later than the check-out, no overlap) or it is refused — nothing is lost or duplicated.
 *
 * Exposure (minutes per cell) is derived from the completed visits: {@link patrolExposure}, the
 * input of prevention/feedback.ts `exposureShare`. See docs/prevention.md, "The officer's patrol log".
 */
import type { Principal } from '../core/access.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RuleViolationError,
  ValidationError,
} from '../core/errors.ts';
import { cellCount, type GridSpec } from '../core/grid.ts';
import { parseDay, parseTurno, TURNOS } from '../core/time.ts';
import type { Db } from '../storage/db.ts';
import {
  checkOutOf,
  getPatrolLog,
  insertPatrolLog,
  listPatrolLogs as listStoredLogs,
  type PatrolLogRow,
  type PatrolReport,
  setPatrolLogMinutes,
  visitMinutes,
  withUserLogLock,
} from '../storage/patrol-logs.ts';
import { userById } from './accounts.ts';
import { getStudyArea } from './areas.ts';
import { type AuditContext, audit } from './audit.ts';
import { getPatrolPlan, listPatrolPlans, type StoredPatrolPlan } from './patrol-plans.ts';

export { PATROL_REPORTS, type PatrolLogRow, type PatrolReport } from '../storage/patrol-logs.ts';

/** An entry as the device sends it. */
export type PatrolLogEntry =
  | { id: string; kind: 'check-in'; planId: number; areaOrder: number; at: Date }
  | {
      id: string;
      kind: 'check-out';
      planId: number;
      areaOrder: number;
      /** The client id of the check-in it closes; without it, the officer's open check-in of the area. */
      checkIn?: string;
      at: Date;
      report: PatrolReport;
      tactic?: string;
      note?: string;
    };

/** A stored entry and whether it had been stored before (a resend). */
export interface PatrolLogResult {
  entry: PatrolLogRow;
  duplicate: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** "dd/mm hh:mm:ss" in the area's zone, for messages. */
function clock(d: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('es-PE', {
    timeZone,
    day: '2-digit',
    month: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(d);
}

/** Same content as stored (the fields the device chose)? */
function sameEntry(stored: PatrolLogRow, e: PatrolLogEntry, userId: number): boolean {
  if (
    stored.userId !== userId ||
    stored.kind !== e.kind ||
    stored.planId !== e.planId ||
    stored.areaOrder !== e.areaOrder ||
    stored.at.getTime() !== e.at.getTime()
  )
    return false;
  if (e.kind === 'check-in') return true;
  return (
    (e.checkIn === undefined || stored.checkIn === e.checkIn.toLowerCase()) &&
    stored.report === e.report &&
    stored.tactic === (e.tactic ?? null) &&
    stored.note === (e.note ?? null)
  );
}

/** A visit's time span (end Infinity while open). */
interface Span {
  entry: PatrolLogRow;
  from: number;
  to: number;
}

/** The officer's visits in a plan: check-ins with their check-out's time (or open). */
function spansOf(logs: readonly PatrolLogRow[]): Span[] {
  const outs = new Map<string, PatrolLogRow>();
  for (const l of logs) if (l.kind === 'check-out' && l.checkIn) outs.set(l.checkIn, l);
  return logs
    .filter((l) => l.kind === 'check-in')
    .map((l) => ({ entry: l, from: l.at.getTime(), to: outs.get(l.id)?.at.getTime() ?? Infinity }));
}

/** Refuses a visit [from, to] that overlaps another of the officer's visits (409). */
function checkOverlap(
  spans: readonly Span[],
  from: number,
  to: number,
  except: string | null,
  tz: string,
): void {
  for (const s of spans) {
    if (s.entry.id === except || !(from < s.to && s.from < to)) continue;
    if (s.to === Infinity)
      throw new ConflictError(
        `at: ya tiene un check-in abierto en el área ${s.entry.areaOrder} desde ${clock(s.entry.at, tz)} (id ${s.entry.id}); haga check-out antes de otro check-in`,
      );
    throw new ConflictError(
      `at: la visita se superpone con su visita al área ${s.entry.areaOrder} de ${clock(new Date(s.from), tz)} a ${clock(new Date(s.to), tz)}`,
    );
  }
}

/** The officer's sector, or 403 when the account has none. */
async function sectorOf(db: Db, principal: Principal): Promise<{ area: string; code: string }> {
  const user = await userById(db, principal.userId);
  if (!user?.sector)
    throw new ForbiddenError(
      `La cuenta ${principal.username} no tiene sector asignado; pida a un administrador que se lo asigne`,
    );
  return user.sector;
}

/** The plan's area `areaOrder`, checked against the officer's sector (422 naming the field). */
async function planArea(
  db: Db,
  planId: number,
  areaOrder: number,
  sector: { area: string; code: string },
): Promise<{ plan: StoredPatrolPlan; timeZone: string }> {
  let plan: StoredPatrolPlan;
  try {
    plan = await getPatrolPlan(db, planId);
  } catch (err) {
    if (err instanceof NotFoundError)
      throw new RuleViolationError('planId', `no existe el plan de patrullaje ${planId}`);
    throw err;
  }
  const area = plan.areas.find((a) => a.order === areaOrder);
  if (!area)
    throw new RuleViolationError(
      'areaOrder',
      `el plan ${planId} no tiene el área ${areaOrder} (tiene ${plan.areas.length === 0 ? 'ninguna' : `1–${plan.areas.length}`})`,
    );
  if (plan.area !== sector.area || area.code !== sector.code)
    throw new RuleViolationError(
      'areaOrder',
      `el área ${areaOrder} del plan ${planId} pertenece al sector ${plan.area}:${area.code} (${area.name}), no a su sector ${sector.area}:${sector.code}`,
    );
  return { plan, timeZone: (await getStudyArea(db, plan.area)).def.timeZone };
}

/**
 * Records one entry of the caller's patrol log, in one transaction per officer.
 * @throws ValidationError (bad id); ForbiddenError (no sector); RuleViolationError (422: plan, area
 *   or sector, check-out before its check-in, an out-of-order check-in that disagrees with its
 *   check-out); ConflictError (409: id reused with other content, check-out without check-in,
 *   second open check-in, overlapping visits, a check-in closed twice)
 */
export async function recordPatrolLog(
  db: Db,
  principal: Principal,
  e: PatrolLogEntry,
  ctx: AuditContext,
): Promise<PatrolLogResult> {
  if (!UUID.test(e.id))
    throw new ValidationError('id', `se espera un UUID generado por el dispositivo ("${e.id}")`);
  if (e.kind === 'check-out' && e.checkIn !== undefined && !UUID.test(e.checkIn))
    throw new ValidationError('checkIn', `se espera el UUID del check-in ("${e.checkIn}")`);
  if (Number.isNaN(e.at.getTime())) throw new ValidationError('at', 'fecha y hora inválidas');
  const id = e.id.toLowerCase();
  const result = await withUserLogLock(db, principal.userId, async (tx) => {
    const stored = await getPatrolLog(tx, id);
    if (stored) {
      if (sameEntry(stored, e, principal.userId)) return { entry: stored, duplicate: true };
      throw new ConflictError(
        `id: el id ${id} ya se registró con otro contenido; cada entrada necesita un id nuevo`,
      );
    }
    const sector = await sectorOf(db, principal);
    const { timeZone } = await planArea(db, e.planId, e.areaOrder, sector);
    const logs = await listStoredLogs(tx, { planId: e.planId, userId: principal.userId });
    const spans = spansOf(logs);
    const at = e.at.getTime();
    const base = {
      id,
      userId: principal.userId,
      planId: e.planId,
      areaOrder: e.areaOrder,
      at: e.at,
      tactic: null,
      note: null,
    };
    if (e.kind === 'check-in') {
      // A check-out that arrived first (offline queue out of order) names this check-in.
      const out = await checkOutOf(tx, id);
      if (out) {
        if (out.userId !== principal.userId || out.planId !== e.planId || out.areaOrder !== e.areaOrder)
          throw new RuleViolationError(
            'areaOrder',
            `el check-in ${id} no coincide con su check-out ya recibido (plan ${out.planId}, área ${out.areaOrder})`,
          );
        if (at > out.at.getTime())
          throw new RuleViolationError(
            'at',
            `el check-in (${clock(e.at, timeZone)}) es posterior a su check-out ya recibido (${clock(out.at, timeZone)})`,
          );
        checkOverlap(spans, at, out.at.getTime(), null, timeZone);
        const entry = await insertPatrolLog(tx, {
          ...base,
          kind: 'check-in',
          checkIn: null,
          minutes: null,
          report: null,
        });
        await setPatrolLogMinutes(tx, out.id, (out.at.getTime() - at) / 60_000);
        return { entry, duplicate: false };
      }
      checkOverlap(spans, at, Infinity, null, timeZone);
      const entry = await insertPatrolLog(tx, {
        ...base,
        kind: 'check-in',
        checkIn: null,
        minutes: null,
        report: null,
      });
      return { entry, duplicate: false };
    }

    // A check-out: its check-in named, or the officer's open check-in of the area.
    let checkInId = e.checkIn?.toLowerCase();
    if (checkInId === undefined) {
      const open = spans.find((s) => s.to === Infinity && s.entry.areaOrder === e.areaOrder);
      if (!open)
        throw new ConflictError(
          `checkIn: check-out sin check-in: no tiene un check-in abierto en el área ${e.areaOrder} del plan ${e.planId}`,
        );
      checkInId = open.entry.id;
    }
    const inEntry = await getPatrolLog(tx, checkInId);
    let minutes: number | null = null;
    if (inEntry) {
      if (inEntry.kind !== 'check-in' || inEntry.userId !== principal.userId)
        throw new ConflictError(`checkIn: check-out sin check-in: ${checkInId} no es un check-in suyo`);
      if (inEntry.planId !== e.planId || inEntry.areaOrder !== e.areaOrder)
        throw new RuleViolationError(
          'areaOrder',
          `el check-out no coincide con su check-in (plan ${inEntry.planId}, área ${inEntry.areaOrder})`,
        );
      if (at < inEntry.at.getTime())
        throw new RuleViolationError(
          'at',
          `el check-out (${clock(e.at, timeZone)}) es anterior a su check-in (${clock(inEntry.at, timeZone)})`,
        );
      checkOverlap(spans, inEntry.at.getTime(), at, inEntry.id, timeZone);
      minutes = (at - inEntry.at.getTime()) / 60_000;
    }
    const closed = await checkOutOf(tx, checkInId);
    if (closed)
      throw new ConflictError(
        `checkIn: el check-in ${checkInId} ya tiene check-out (id ${closed.id}); cada check-in se cierra una vez`,
      );
    const entry = await insertPatrolLog(tx, {
      ...base,
      kind: 'check-out',
      checkIn: checkInId,
      minutes,
      report: e.report,
      tactic: e.tactic ?? null,
      note: e.note ?? null,
    });
    return { entry, duplicate: false };
  });
  if (!result.duplicate)
    await audit(db, ctx, 'patrol-log.create', `patrol-plan:${e.planId}`, {
      id,
      kind: e.kind,
      area: e.areaOrder,
      at: e.at.toISOString(),
      ...(result.entry.checkIn ? { checkIn: result.entry.checkIn } : {}),
      ...(result.entry.minutes !== null ? { minutes: result.entry.minutes } : {}),
    });
  return result;
}

/**
 * The entries of a plan, in device-time order: one officer's (`userId`) or everyone's (null).
 * Every read is audited. @throws NotFoundError for an unknown plan
 */
export async function readPatrolLogs(
  db: Db,
  q: { planId: number; userId: number | null },
  ctx: AuditContext,
): Promise<{ plan: StoredPatrolPlan; entries: PatrolLogRow[] }> {
  const plan = await getPatrolPlan(db, q.planId);
  const entries = await listStoredLogs(db, {
    planId: plan.id,
    ...(q.userId === null ? {} : { userId: q.userId }),
  });
  await audit(db, ctx, 'patrol-logs.read', `patrol-plan:${plan.id}`, {
    scope: q.userId === null ? 'all' : 'own',
    rows: entries.length,
  });
  return { plan, entries };
}

/** Patrol minutes per cell of a period. */
export interface PatrolExposure {
  area: string;
  from: string;
  to: string;
  turno: string | null;
  /** The plans' grid (every plan of the period must share it). */
  grid: GridSpec;
  /** Per cell of the grid, minutes of completed visits (a visit's minutes split evenly over its area's cells). */
  minutes: Float64Array;
  /** Completed visits counted, and plans of the period. */
  visits: number;
  plans: number;
}

/**
 * Exposure per cell from the patrol logs: for the plans of an area whose day is in [from, to]
 * (optionally one turno), each completed visit (a check-out paired with its check-in) adds its
 * minutes to the cells of its area, split evenly (a unit patrolling a 4-cell area for 16 minutes
 * spends about 4 minutes in each). Check-outs still waiting for their check-in count for nothing.
 * The result is the input of prevention/feedback.ts `exposureShare`.
 * @throws ValidationError naming `from`, `to` or `turno`; NotFoundError when the area has no plan in
 *   the period; ConflictError when the period's plans use different grids
 */
export async function patrolExposure(
  db: Db,
  q: { area: string; from: string; to: string; turno?: string },
): Promise<PatrolExposure> {
  const area = await getStudyArea(db, q.area);
  const tz = area.def.timeZone;
  if (parseDay(q.from, tz, 'from').getTime() > parseDay(q.to, tz, 'to').getTime())
    throw new ValidationError('from', `el día inicial ${q.from} es posterior al final ${q.to}`);
  let turno: string | null = null;
  if (q.turno !== undefined) {
    turno = parseTurno(q.turno);
    if (!turno)
      throw new ValidationError('turno', `turno desconocido "${q.turno}" (use ${TURNOS.join(', ')})`);
  }
  const plans = (await listPatrolPlans(db, { area: area.def.id, ...(turno ? { turno } : {}) })).filter(
    (p) => p.day >= q.from && p.day <= q.to,
  );
  const first = plans[0];
  if (!first)
    throw new NotFoundError(
      `No hay planes de patrullaje en el área ${area.def.id} entre el ${q.from} y el ${q.to}`,
    );
  const gridKey = JSON.stringify(first.grid);
  const byId = new Map(plans.map((p) => [p.id, p]));
  for (const p of plans)
    if (JSON.stringify(p.grid) !== gridKey)
      throw new ConflictError(
        `Los planes ${first.id} y ${p.id} del periodo usan grillas distintas: calcule la exposición por separado`,
      );
  const minutes = new Float64Array(cellCount(first.grid));
  let visits = 0;
  for (const v of await visitMinutes(db, {
    area: area.def.id,
    from: q.from,
    to: q.to,
    ...(turno ? { turno } : {}),
  })) {
    const cells = byId.get(v.planId)?.areas.find((a) => a.order === v.areaOrder)?.cells ?? [];
    for (const c of cells) minutes[c] = (minutes[c] as number) + v.minutes / cells.length;
    visits += v.visits;
  }
  return {
    area: area.def.id,
    from: q.from,
    to: q.to,
    turno,
    grid: first.grid,
    minutes,
    visits,
    plans: plans.length,
  };
}

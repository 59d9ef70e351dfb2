/**
 * The officer's patrol log (migration 0012): one row per entry, keyed by the client-generated id.
 * The rules (which area, which order of entries) live in services/patrol-logs.ts; this module only
 * reads and writes rows.
 */
import type { Db, Queryable, Tx } from './db.ts';

/** The short report of a check-out. */
export const PATROL_REPORTS = ['sin novedad', 'incidente atendido', 'táctica aplicada'] as const;
export type PatrolReport = (typeof PATROL_REPORTS)[number];

/** One stored entry. */
export interface PatrolLogRow {
  id: string;
  userId: number;
  username: string;
  planId: number;
  /** The area's `order` in the plan (1 = first). */
  areaOrder: number;
  kind: 'check-in' | 'check-out';
  /** The device's time. */
  at: Date;
  /** Check-outs: the client id of their check-in. */
  checkIn: string | null;
  /** Check-outs: minutes from the check-in, or null while the check-in has not arrived. */
  minutes: number | null;
  report: PatrolReport | null;
  tactic: string | null;
  note: string | null;
  receivedAt: Date;
}

/** An entry to store. */
export type NewPatrolLog = Omit<PatrolLogRow, 'username' | 'receivedAt'>;

const COLUMNS = `l.id::text as id, l.user_id::int as "userId", u.username, l.plan_id::int as "planId",
  l.area_order as "areaOrder", l.kind, l.at, l.check_in::text as "checkIn", l.minutes, l.report,
  l.tactic, l.note, l.received_at as "receivedAt"`;

/** Runs `fn` in one transaction holding the user's patrol-log lock (one writer per officer). */
export function withUserLogLock<T>(db: Db, userId: number, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock(hashtextextended($1, 7010112))', [`patrol-log:${userId}`]);
    return fn(tx);
  });
}

/** One entry by its client id, or undefined. */
export async function getPatrolLog(db: Queryable, id: string): Promise<PatrolLogRow | undefined> {
  const [row] = await db.query<PatrolLogRow>(
    `select ${COLUMNS} from patrol_logs l join users u on u.id = l.user_id where l.id = $1::uuid`,
    [id],
  );
  return row;
}

/** The check-out that names a check-in, or undefined. */
export async function checkOutOf(db: Queryable, checkInId: string): Promise<PatrolLogRow | undefined> {
  const [row] = await db.query<PatrolLogRow>(
    `select ${COLUMNS} from patrol_logs l join users u on u.id = l.user_id where l.check_in = $1::uuid`,
    [checkInId],
  );
  return row;
}

/** Entries of a plan (optionally one user's), in device-time order. */
export function listPatrolLogs(
  db: Queryable,
  q: { planId: number; userId?: number },
): Promise<PatrolLogRow[]> {
  return db.query<PatrolLogRow>(
    `select ${COLUMNS} from patrol_logs l join users u on u.id = l.user_id
     where l.plan_id = $1 and ($2::bigint is null or l.user_id = $2)
     order by l.at, l.kind, l.id`,
    [q.planId, q.userId ?? null],
  );
}

/** Stores an entry. */
export async function insertPatrolLog(tx: Tx, e: NewPatrolLog): Promise<PatrolLogRow> {
  await tx.query(
    `insert into patrol_logs (id, user_id, plan_id, area_order, kind, at, check_in, minutes, report, tactic, note)
     values ($1::uuid, $2, $3, $4, $5, $6, $7::uuid, $8, $9, $10, $11)`,
    [e.id, e.userId, e.planId, e.areaOrder, e.kind, e.at, e.checkIn, e.minutes, e.report, e.tactic, e.note],
  );
  return (await getPatrolLog(tx, e.id)) as PatrolLogRow;
}

/** Sets the minutes of a check-out (when its check-in arrives after it). */
export async function setPatrolLogMinutes(tx: Tx, id: string, minutes: number): Promise<void> {
  await tx.query('update patrol_logs set minutes = $2 where id = $1::uuid', [id, minutes]);
}

/** Minutes spent per plan and area by completed visits, for plans of an area between two days. */
export function visitMinutes(
  db: Queryable,
  q: { area: string; from: string; to: string; turno?: string },
): Promise<{ planId: number; areaOrder: number; minutes: number; visits: number }[]> {
  return db.query(
    `select p.id::int as "planId", l.area_order as "areaOrder", sum(l.minutes)::float8 as minutes,
       count(*)::int as visits
     from patrol_logs l join patrol_plans p on p.id = l.plan_id
     where p.study_area = $1 and p.target_day between $2::date and $3::date
       and ($4::text is null or p.turno = $4) and l.kind = 'check-out' and l.minutes is not null
     group by p.id, l.area_order order by p.id, l.area_order`,
    [q.area, q.from, q.to, q.turno ?? null],
  );
}

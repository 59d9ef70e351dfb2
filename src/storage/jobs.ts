/**
 * Background jobs: queued rows claimed one at a time with FOR UPDATE SKIP LOCKED, so that several
 * server processes can share one queue.
 */
import type { Queryable } from './db.ts';

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

/** A job as stored. */
export interface JobRow {
  id: number;
  kind: 'ingest';
  status: JobStatus;
  params: Record<string, unknown>;
  result: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
  submittedBy: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

const COLUMNS = `id, kind, status, params, result, error, submitted_by as "submittedBy", created_at as "createdAt",
  started_at as "startedAt", finished_at as "finishedAt"`;

export async function insertJob(
  db: Queryable,
  j: { kind: JobRow['kind']; params: Record<string, unknown>; submittedBy: string },
): Promise<JobRow> {
  const [row] = await db.query<JobRow>(
    `insert into jobs (kind, status, params, submitted_by) values ($1, 'queued', $2, $3) returning ${COLUMNS}`,
    [j.kind, JSON.stringify(j.params), j.submittedBy],
  );
  return row as JobRow;
}

/** Takes the oldest queued job, marking it running; null when the queue is empty. */
export async function claimJob(db: Queryable): Promise<JobRow | null> {
  const rows = await db.query<JobRow>(
    `update jobs set status = 'running', started_at = now()
     where id = (select id from jobs where status = 'queued' order by id for update skip locked limit 1)
     returning ${COLUMNS}`,
  );
  return rows[0] ?? null;
}

export async function finishJob(
  db: Queryable,
  id: number,
  outcome: { result: Record<string, unknown> } | { error: { code: string; message: string } },
): Promise<void> {
  await db.query(`update jobs set status = $2, result = $3, error = $4, finished_at = now() where id = $1`, [
    id,
    'result' in outcome ? 'done' : 'failed',
    'result' in outcome ? JSON.stringify(outcome.result) : null,
    'error' in outcome ? JSON.stringify(outcome.error) : null,
  ]);
}

/** Puts jobs a stopped process left running back in the queue (ingest batches are atomic). */
export async function requeueRunning(db: Queryable): Promise<number> {
  const rows = await db.query(
    `update jobs set status = 'queued', started_at = null where status = 'running' returning id`,
  );
  return rows.length;
}

export async function getJob(db: Queryable, id: number): Promise<JobRow | null> {
  const rows = await db.query<JobRow>(`select ${COLUMNS} from jobs where id = $1`, [id]);
  return rows[0] ?? null;
}

export function listJobs(db: Queryable, limit: number): Promise<JobRow[]> {
  return db.query<JobRow>(`select ${COLUMNS} from jobs order by id desc limit $1`, [limit]);
}

/**
 * The record of the product's jobs (table `jobs`): what users see (numeric id, status, result,
 * error) and the metrics' source. The work itself is queued, leased and retried by the job engine
 * (services/job-engine.ts); nothing here claims jobs. An upload's bytes live with its job until it
 * has finished, so any worker process can read them.
 */
import type { Queryable } from './db.ts';

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';
export type JobKind = 'ingest' | 'retrain' | 'forecast' | 'backtest' | 'briefing';

/** A job as stored. */
export interface JobRow {
  id: number;
  kind: JobKind;
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
  j: { kind: JobKind; params: Record<string, unknown>; submittedBy: string; upload?: Buffer },
): Promise<JobRow> {
  const [row] = await db.query<JobRow>(
    `insert into jobs (kind, status, params, submitted_by, upload) values ($1, 'queued', $2, $3, $4)
     returning ${COLUMNS}`,
    [j.kind, JSON.stringify(j.params), j.submittedBy, j.upload ?? null],
  );
  return row as JobRow;
}

/** Links a job to its engine job (set once queued). */
export async function setEngineId(db: Queryable, id: number, engineId: string): Promise<void> {
  await db.query('update jobs set engine_id = $2 where id = $1', [id, engineId]);
}

/** Marks a job running (again, on a retry) and returns it with its upload; null if it is gone or finished. */
export async function startJob(
  db: Queryable,
  id: number,
): Promise<{ job: JobRow; upload: Buffer | null } | null> {
  const rows = await db.query<JobRow & { upload: Buffer | null }>(
    `update jobs set status = 'running', started_at = now(), error = null
     where id = $1 and status <> 'done' returning ${COLUMNS}, upload`,
    [id],
  );
  const row = rows[0];
  if (!row) return null;
  const { upload, ...job } = row;
  return { job, upload };
}

/**
 * Records a job's outcome. The upload is dropped unless `keepUpload` (a dead-lettered job that may
 * be retried).
 */
export async function finishJob(
  db: Queryable,
  id: number,
  outcome: { result: Record<string, unknown> } | { error: { code: string; message: string } },
  { keepUpload = false }: { keepUpload?: boolean } = {},
): Promise<void> {
  await db.query(
    `update jobs set status = $2, result = $3, error = $4, finished_at = now(),
       upload = case when $5 then upload end where id = $1`,
    [
      id,
      'result' in outcome ? 'done' : 'failed',
      'result' in outcome ? JSON.stringify(outcome.result) : null,
      'error' in outcome ? JSON.stringify(outcome.error) : null,
      keepUpload,
    ],
  );
}

/** Records a failed run that the engine will retry (status back to queued, the error kept). */
export async function requeueJob(
  db: Queryable,
  id: number,
  error: { code: string; message: string },
): Promise<void> {
  await db.query(`update jobs set status = 'queued', error = $2 where id = $1 and status = 'running'`, [
    id,
    JSON.stringify(error),
  ]);
}

/** Counts jobs not finished yet (queued or running). */
export async function unfinishedJobs(db: Queryable): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `select count(*)::int as n from jobs where status in ('queued', 'running')`,
  );
  return row?.n ?? 0;
}

export async function getJob(db: Queryable, id: number): Promise<JobRow | null> {
  const rows = await db.query<JobRow>(`select ${COLUMNS} from jobs where id = $1`, [id]);
  return rows[0] ?? null;
}

/** Recent jobs of a kind, newest first. */
export function listJobs(db: Queryable, limit: number, kind: JobKind = 'ingest'): Promise<JobRow[]> {
  return db.query<JobRow>(`select ${COLUMNS} from jobs where kind = $2 order by id desc limit $1`, [
    limit,
    kind,
  ]);
}

/**
 * A worker process for the job engine's multi-process tests: the real JobEngine on DATABASE_URL with
 * short lease/poll settings (JOB_SETTINGS) and two probe queues. `probe-slow` records each run in
 * job_runs and sleeps long on the first run (so that it can be killed mid-job), briefly after;
 * `probe-crash` always throws. Prints "ready" once it is working.
 */
import { DEFAULT_DB_SETTINGS } from '../config/env.ts';
import { JobEngine, type JobEngineSettings } from '../services/job-engine.ts';
import { connectDb } from '../storage/db.ts';

export const JOB_SETTINGS: JobEngineSettings = {
  leaseSeconds: 3,
  retryLimit: 1,
  retryDelaySeconds: 1,
  pollSeconds: 0.5,
  maintenanceSeconds: 1,
};
export const PROBE_QUEUES = ['probe-slow', 'probe-crash'] as const;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

if (process.argv[2] === '--run') {
  const db = await connectDb(process.argv[3] as string, { kind: 'server', limits: DEFAULT_DB_SETTINGS });
  const engine = new JobEngine(db, JOB_SETTINGS);
  await engine.start(PROBE_QUEUES);
  await engine.work('probe-slow', async (_data, jobId) => {
    const [prior] = await db.query<{ n: number }>(
      'select count(*)::int as n from job_runs where job_id = $1',
      [jobId],
    );
    const [run] = await db.query<{ id: number }>(
      'insert into job_runs (job_id, pid) values ($1, $2) returning id',
      [jobId, process.pid],
    );
    await sleep(prior?.n === 0 ? 60_000 : 200);
    await db.query('update job_runs set finished = clock_timestamp() where id = $1', [run?.id]);
  });
  await engine.work('probe-crash', async (_data, jobId) => {
    await db.query('insert into job_runs (job_id, pid) values ($1, $2)', [jobId, process.pid]);
    throw new Error('probe crash');
  });
  process.stdout.write('ready\n');
}

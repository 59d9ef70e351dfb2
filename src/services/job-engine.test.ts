import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import { JOB_SETTINGS, PROBE_QUEUES } from '../test/job-worker.ts';
import { DEAD_LETTER_QUEUE, JobEngine } from './job-engine.ts';

const WORKER = fileURLToPath(new URL('../test/job-worker.ts', import.meta.url));

function startWorker(url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, '--run', url], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d) => {
      if (String(d).includes('ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready`)));
  });
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Run {
  pid: number;
  started: Date;
  finished: Date | null;
}

// Worker processes on the PostgreSQL server only (suite time): the product's jobs are checked across
// processes on both stores in jobs-workers.test.ts.
describe.each(CLI_BACKENDS)('job engine across processes (%s)', (backend) => {
  let t: TestDb;
  let engine: JobEngine;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    t = await createTestDb(backend);
    await t.db.query(
      `create table job_runs (id serial primary key, job_id text not null, pid int not null,
         started timestamptz not null default clock_timestamp(), finished timestamptz)`,
    );
    // The submitting process (the API's role): queues only, no maintenance of its own.
    engine = new JobEngine(t.db, JOB_SETTINGS, { supervise: false });
    await engine.start(PROBE_QUEUES);
    workers.push(await startWorker(t.url), await startWorker(t.url));
  }, 60_000);

  afterAll(async () => {
    for (const w of workers) w.kill('SIGKILL');
    await engine?.stop(1);
    await t?.drop();
  });

  const runs = (jobId: string) =>
    t.db.query<Run>('select pid, started, finished from job_runs where job_id = $1 order by id', [jobId]);

  it('a worker killed mid-job: the other worker runs the job once more, never at the same time, and it completes', async () => {
    const id = await engine.send('probe-slow', {});
    const [first] = await until(async () => {
      const r = await runs(id);
      return r.length === 1 ? r : undefined;
    }, 'the first run');
    const victim = workers.find((w) => w.pid === first?.pid) as ChildProcess;
    const dead = new Promise((r) => victim.once('exit', r));
    victim.kill('SIGKILL');
    await dead;
    const [{ killedAt }] = (await t.db.query<{ killedAt: Date }>(
      'select clock_timestamp() as "killedAt"',
    )) as [{ killedAt: Date }];
    const all = await until(async () => {
      const r = await runs(id);
      return r[1]?.finished ? r : undefined;
    }, 'the retry to finish');
    expect(all).toHaveLength(2);
    const [a, b] = all as [Run, Run];
    expect(a.finished).toBeNull();
    expect(b.pid).not.toBe(a.pid);
    expect(b.started.getTime()).toBeGreaterThan(killedAt.getTime());
    const [job] = await t.db.query<{ state: string; retry_count: number }>(
      'select state, retry_count from pgboss.job where id = $1',
      [id],
    );
    expect(job).toEqual({ state: 'completed', retry_count: 1 });
  }, 60_000);

  it('a job that always crashes is dead-lettered after the retry limit', async () => {
    const id = await engine.send('probe-crash', {});
    const failed = await until(async () => {
      const f = (await engine.failed(10)).find((j) => j.id === id);
      return f;
    }, 'the dead-letter state');
    expect(failed).toMatchObject({ queue: 'probe-crash', retries: JOB_SETTINGS.retryLimit });
    expect(await runs(id)).toHaveLength(JOB_SETTINGS.retryLimit + 1);
    const copies = await until(async () => {
      const c = await t.db.query(`select 1 from pgboss.job where name = $1`, [DEAD_LETTER_QUEUE]);
      return c.length > 0 ? c : undefined;
    }, 'the dead-letter copy');
    expect(copies.length).toBeGreaterThan(0);
  }, 60_000);
});

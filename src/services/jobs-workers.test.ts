/**
 * Acceptance of the product's jobs on the engine across processes (issue 15): the upload comes from
 * a real API process that only queues (VIGIA_JOBS=worker), and two real `vigia worker` processes run
 * the jobs. A worker killed with kill -9 mid-job → the other runs it once more, after the first died,
 * and the data is stored exactly once; a job that always crashes ends dead-lettered after the retry
 * limit. Short lease, poll and retry delay through the VIGIA_JOB_* settings. Both stores.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_SCOPES } from '../core/access.ts';
import { buildApp, type VigiaApp } from '../server/app.ts';
import { insertJob } from '../storage/jobs.ts';
import { call, uploadForm } from '../test/api.ts';
import { runCli, startCli } from '../test/cli.ts';
import { BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import { createToken, createUser } from './accounts.ts';
import { INGEST_QUEUE } from './jobs.ts';

// The lease must outlast starting the second worker on a loaded machine (a few seconds): a lease
// that expired before the kill would spend the one retry while worker A still runs.
const ENGINE = {
  leaseSeconds: 10,
  retryLimit: 1,
  retryDelaySeconds: 1,
  pollSeconds: 0.5,
  maintenanceSeconds: 1,
};
const WORKER_ENV = {
  VIGIA_JOB_LEASE_SECONDS: '10',
  VIGIA_JOB_RETRY_LIMIT: '1',
  VIGIA_JOB_RETRY_DELAY_SECONDS: '1',
  VIGIA_JOB_POLL_SECONDS: '0.5',
  VIGIA_JOB_MAINTENANCE_SECONDS: '1',
};
const SETUP = { actor: 'test-setup', role: null, ip: null, requestId: null };

async function until<T>(probe: () => Promise<T | undefined>, what: string, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts `vigia worker` on the test database; resolves once it is working. */
function startWorker(url: string): Promise<ChildProcess> {
  const { child, done } = startCli(['worker'], { DATABASE_URL: url, ...WORKER_ENV });
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', (d) => {
      if (String(d).includes('worker listo')) resolve(child);
    });
    void done.then((r) => reject(new Error(`worker exited (${r.code}) before it was ready: ${r.stderr}`)));
  });
}

describe.each(BACKENDS)('jobs from the API run by vigia worker processes (%s)', (backend) => {
  let t: TestDb;
  let app: VigiaApp;
  let base: string;
  let token: string;
  const uploadDir = mkdtempSync(join(tmpdir(), 'vigia-jobs-up-'));
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    t = await createTestDb(backend);
    const u = await createUser(
      t.db,
      { username: 'analista', role: 'analyst', password: 'clave-de-prueba-larga' },
      SETUP,
    );
    token = (await createToken(t.db, u, { name: 't', scopes: ROLE_SCOPES.analyst }, SETUP)).token;
    // The API process only queues: no worker, no lease supervision of its own.
    app = buildApp({ db: t.db, logLevel: 'silent', uploadDir, jobs: { mode: 'worker', engine: ENGINE } });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  }, 60_000);

  afterAll(async () => {
    for (const w of workers) w.kill('SIGKILL');
    await app?.close();
    await t?.drop();
    rmSync(uploadDir, { recursive: true, force: true });
  });

  const jobRow = async (id: number) =>
    (
      await t.db.query<{ status: string; engineId: string; error: { code: string } | null; upload: boolean }>(
        `select status, engine_id as "engineId", error, upload is not null as upload from jobs where id = $1`,
        [id],
      )
    )[0];
  const engineJob = async (engineId: string) =>
    (
      await t.db.query<{ state: string; retries: number; startedOn: Date | null }>(
        'select state, retry_count as retries, started_on as "startedOn" from pgboss.job where id = $1',
        [engineId],
      )
    )[0];

  it('an upload whose worker is killed mid-job is run once more by the other worker and stored once', async () => {
    workers.push(await startWorker(t.url));
    // Hold the ingest tables so that the job stops inside its run.
    const holder = await t.db.transaction(async (tx) => {
      await tx.query('lock table ingest_batches in access exclusive mode');
      const up = await call({ base }, 'POST', '/api/v1/ingest/jobs?format=sidpol-geo', {
        token,
        form: uploadForm(),
      });
      expect(up.status).toBe(202);
      const id = (up.body as { job: { id: number } }).job.id;
      await until(async () => ((await jobRow(id))?.status === 'running' ? true : undefined), 'the first run');
      // The job is running in worker A (the only one). Start B, then kill A mid-job.
      workers.push(await startWorker(t.url));
      const [a] = workers as [ChildProcess];
      const dead = new Promise((r) => a.once('exit', r));
      a.kill('SIGKILL');
      await dead;
      return id;
    });
    const id = holder;
    const done = await until(async () => {
      const r = await jobRow(id);
      return r?.status === 'done' || r?.status === 'failed' ? r : undefined;
    }, 'the retry to finish');
    expect(done).toMatchObject({ status: 'done', error: null, upload: false });
    // The engine marks its job completed once the handler's transaction has committed.
    const engine = await until(async () => {
      const e = await engineJob(done.engineId);
      return e?.state === 'active' ? undefined : e;
    }, 'the engine job to complete');
    expect(engine).toMatchObject({ state: 'completed', retries: 1 });
    const job = await call({ base }, 'GET', `/api/v1/ingest/jobs/${id}`, { token });
    expect((job.body as { job: { result: { status: string; accepted: number } } }).job.result).toMatchObject({
      status: 'loaded',
    });
    const [batches] = await t.db.query<{ n: number }>('select count(*)::int as n from ingest_batches');
    expect(batches?.n).toBe(1);
  }, 150_000);

  it('a job that always crashes is recorded failed and dead-lettered after the retry limit', async () => {
    // A record whose upload is missing: every run throws an internal error.
    const record = await insertJob(t.db, {
      kind: 'ingest',
      params: { fileName: 'x.csv', format: 'sidpol-geo', area: 'callao' },
      submittedBy: 'test',
    });
    const engineId = await app.jobs.send(INGEST_QUEUE, { jobId: record.id });
    const failed = await until(
      async () => (await app.jobs.failed(10)).find((j) => j.id === engineId),
      'the dead-letter state',
    );
    expect(failed).toMatchObject({ queue: INGEST_QUEUE, retries: ENGINE.retryLimit });
    expect(await jobRow(record.id)).toMatchObject({ status: 'failed', error: { code: 'INTERNAL' } });
    // Visible to analysts through the API and to operators through the CLI, and retried from there.
    const listed = await call({ base }, 'GET', '/api/v1/jobs/failed', { token });
    expect(listed.status).toBe(200);
    expect((listed.body as { jobs: unknown[] }).jobs).toContainEqual(
      expect.objectContaining({
        id: engineId,
        queue: INGEST_QUEUE,
        jobId: record.id,
        retries: ENGINE.retryLimit,
      }),
    );
    const cli = await runCli(['jobs', 'list', '--json'], { DATABASE_URL: t.url });
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout)).toContainEqual(
      expect.objectContaining({ id: engineId, jobId: record.id }),
    );
    const before = (await engineJob(engineId))?.startedOn?.getTime();
    const retried = await runCli(['jobs', 'retry', engineId], { DATABASE_URL: t.url });
    expect(retried).toMatchObject({
      code: 0,
      stdout: `Trabajo ${engineId} (${INGEST_QUEUE}) encolado de nuevo.\n`,
    });
    // Back in its queue: a worker runs it again (a new start; it fails again, its new retries spent —
    // on a busy machine that can happen between two looks, so the start time is what is checked).
    await until(async () => {
      const e = await engineJob(engineId);
      return e && (e.state !== 'failed' || e.startedOn?.getTime() !== before) ? e : undefined;
    }, 'the retried job to run again');
    const unknown = await call(
      { base },
      'POST',
      '/api/v1/jobs/failed/00000000-0000-4000-8000-000000000000/retry',
      {
        token,
      },
    );
    expect(unknown.status).toBe(404);
  }, 120_000);
});

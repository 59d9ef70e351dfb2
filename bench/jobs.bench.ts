/**
 * Job engine choice (issue 15): pg-boss 10 vs graphile-worker 0.17 on a private PostgreSQL server
 * (Debian's, durable settings). Per engine, in separate worker processes:
 *   - throughput of N no-op jobs and N small jobs (one insert each) with 1 and 2 worker processes,
 *     each process taking up to 10 jobs at a time;
 *   - wake-up latency: a job queued by another process, from send to the handler starting (idle worker);
 *   - kill -9 of a worker mid-job: whether and when another live worker runs it again;
 *   - schema footprint (tables, functions, indexes the engine installs).
 * Usage: node --import tsx bench/jobs.bench.ts [--jobs 500]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startTestPostgres } from '../src/test/postgres-server.ts';

type Engine = 'pg-boss' | 'graphile-worker';
const SELF = fileURLToPath(import.meta.url);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------- worker process ----------
async function child(engine: Engine, url: string): Promise<void> {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const handle = async (name: string, data: { sleepMs?: number }): Promise<void> => {
    if (name === 'small') await pool.query('insert into bench_small (pid) values ($1)', [process.pid]);
    if (name === 'mark')
      await pool.query('insert into bench_marks (pid, started) values ($1, clock_timestamp())', [
        process.pid,
      ]);
    if (data.sleepMs) await sleep(data.sleepMs);
  };
  if (engine === 'pg-boss') {
    const { default: PgBoss } = await import('pg-boss');
    const boss = new PgBoss({
      connectionString: url,
      max: 4,
      supervise: true,
      maintenanceIntervalSeconds: 1,
      schedule: false,
    });
    await boss.start();
    for (const q of ['noop', 'small', 'mark']) {
      await boss.createQueue(q).catch(() => undefined);
      await boss.work<{ sleepMs?: number }>(
        q,
        { batchSize: 10, pollingIntervalSeconds: 0.5 },
        async (jobs) => {
          await Promise.all(jobs.map((j) => handle(q, j.data)));
        },
      );
    }
  } else {
    // Not a dependency any more (pg-boss was chosen): `npm i --no-save graphile-worker@0.17.3` to re-run.
    const name = 'graphile-worker';
    type Task = (payload: unknown) => Promise<void>;
    const { run } = (await import(name)) as {
      run: (o: {
        connectionString: string;
        concurrency: number;
        pollInterval: number;
        noHandleSignals: boolean;
        taskList: Record<string, Task>;
      }) => Promise<unknown>;
    };
    await run({
      connectionString: url,
      concurrency: 10,
      pollInterval: 500,
      noHandleSignals: true,
      taskList: {
        noop: async (p) => handle('noop', p as object),
        small: async (p) => handle('small', p as object),
        mark: async (p) => handle('mark', p as object),
      },
    });
  }
  process.stdout.write('ready\n');
}

// ---------- orchestrator ----------
function startWorker(engine: Engine, url: string): Promise<ChildProcess> {
  const c = spawn(process.execPath, ['--import', 'tsx', SELF, '--child', engine, url], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    c.stdout?.on('data', (d) => {
      if (String(d).includes('ready')) resolve(c);
    });
    c.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready`)));
  });
}

async function stopAll(cs: ChildProcess[]): Promise<void> {
  await Promise.all(
    cs.map(
      (c) =>
        new Promise<void>((r) =>
          c.exitCode !== null || c.signalCode !== null ? r() : (c.once('exit', () => r()), c.kill('SIGKILL')),
        ),
    ),
  );
}

class Client {
  constructor(
    readonly engine: Engine,
    readonly pool: pg.Pool,
  ) {}
  async send(name: string, n: number, data: object = {}): Promise<void> {
    const payload = JSON.stringify(data);
    if (this.engine === 'pg-boss')
      await this.pool.query(
        `insert into pgboss.job (name, data, retry_limit, expire_in)
         select $1, $2::jsonb, 1, interval '3 seconds' from generate_series(1, $3)`,
        [name, payload, n],
      );
    else
      await this.pool.query(
        `select graphile_worker.add_jobs(array(select ($1, $2::json, null, null, null, null, null, null)::graphile_worker.job_spec from generate_series(1, $3)))`,
        [name, payload, n],
      );
  }
  async pending(): Promise<number> {
    const sql =
      this.engine === 'pg-boss'
        ? `select count(*)::int as n from pgboss.job where state <> 'completed'`
        : `select count(*)::int as n from graphile_worker.jobs`;
    return ((await this.pool.query(sql)).rows[0] as { n: number }).n;
  }
  async until(pred: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (await pred()) return true;
      await sleep(20);
    }
    return false;
  }
}

async function freshDb(admin: string, name: string): Promise<string> {
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`create database ${name}`);
  await c.end();
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return u.toString();
}

async function benchEngine(engine: Engine, admin: string, jobs: number): Promise<Record<string, unknown>> {
  const url = await freshDb(admin, engine.replace('-', '_'));
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  await pool.query('create table bench_small (pid int)');
  await pool.query('create table bench_marks (pid int, started timestamptz)');
  const cl = new Client(engine, pool);
  const out: Record<string, unknown> = { engine };
  // install the schema (first worker does it)
  let ws = [await startWorker(engine, url)];
  const schema = engine === 'pg-boss' ? 'pgboss' : 'graphile_worker';
  const fp = await pool.query(
    `select (select count(*) from pg_tables where schemaname in ($1, '${schema}_private'))::int as tables,
            (select count(*) from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname in ($1, '${schema}_private'))::int as functions,
            (select count(*) from pg_indexes where schemaname in ($1, '${schema}_private'))::int as indexes`,
    [schema],
  );
  out.schema = fp.rows[0];
  for (const workers of [1, 2]) {
    if (ws.length < workers) ws.push(await startWorker(engine, url));
    for (const kind of ['noop', 'small']) {
      await sleep(300);
      const t0 = performance.now();
      await cl.send(kind, jobs);
      if (engine === 'pg-boss') {
        // pg-boss keeps completed jobs in its table; count what this round left
        await cl.until(async () => (await cl.pending()) === 0, 120_000);
      } else await cl.until(async () => (await cl.pending()) === 0, 120_000);
      const s = (performance.now() - t0) / 1000;
      out[`${kind} jobs/s, ${workers} worker${workers > 1 ? 's' : ''}`] = Math.round(jobs / s);
    }
  }
  await stopAll(ws);
  // wake-up latency across processes: one idle worker, jobs queued here
  ws = [await startWorker(engine, url)];
  await sleep(1000);
  const lat: number[] = [];
  for (let i = 0; i < 10; i++) {
    await pool.query('delete from bench_marks');
    const sent = ((await pool.query('select clock_timestamp() as t')).rows[0] as { t: Date }).t;
    await cl.send('mark', 1);
    await cl.until(async () => (await pool.query('select 1 from bench_marks')).rowCount === 1, 10_000);
    const st = ((await pool.query('select started from bench_marks')).rows[0] as { started: Date }).started;
    lat.push(st.getTime() - sent.getTime());
    await sleep(200 + Math.random() * 600);
  }
  lat.sort((a, b) => a - b);
  out['wake-up ms (median / max of 10)'] = `${lat[5]} / ${lat[9]}`;
  // kill -9 mid-job: a second worker is alive; does it run the job again, and when?
  ws.push(await startWorker(engine, url));
  await pool.query('delete from bench_marks');
  await cl.send('mark', 1, { sleepMs: 20_000 });
  await cl.until(async () => (await pool.query('select 1 from bench_marks')).rowCount === 1, 10_000);
  const { pid } = (await pool.query('select pid from bench_marks')).rows[0] as { pid: number };
  const victim = ws.find((w) => w.pid === pid) as ChildProcess;
  const killedAt = Date.now();
  victim.kill('SIGKILL');
  const again = await cl.until(
    async () => (await pool.query('select 1 from bench_marks')).rowCount === 2,
    30_000,
  );
  out['kill -9 mid-job'] = again
    ? `re-run by the other worker after ${((Date.now() - killedAt) / 1000).toFixed(1)} s (lease 3 s)`
    : 'not re-run within 30 s (job stays locked by the dead worker)';
  await stopAll(ws);
  await pool.end();
  return out;
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--jobs');
  const jobs = i > 0 ? Number(process.argv[i + 1]) : 500;
  const server = await startTestPostgres({ durable: true });
  try {
    const results = [];
    for (const engine of ['pg-boss', 'graphile-worker'] as const) {
      const r = await benchEngine(engine, server.url, jobs);
      console.log(r);
      results.push(r);
    }
    mkdirSync('bench/out', { recursive: true });
    writeFileSync('bench/out/jobs.json', JSON.stringify({ jobs, results }, null, 2));
  } finally {
    server.stop();
  }
}

if (process.argv[2] === '--child') await child(process.argv[3] as Engine, process.argv[4] as string);
else await main();

/**
 * National-scale simulation (issue 15, item 5): many provinces registered as bbox study areas
 * (≈ 8,000 cells of 150 m each), synthetic incidents per province (bench/national/generate.ts)
 * ingested, trained and forecast by W worker processes through the product's job engine, for each W
 * of --workers on a fresh database. Per stage (ingest, train, forecast) and for the whole: seconds,
 * incidents/s, areas/min, cells forecast/s; each worker's peak RSS (VmHWM); the CPU seconds of the
 * PostgreSQL server's processes vs the workers'. After each run it verifies the database: incidents
 * per area = generated − declared rejects, one trained model, champion and four turno forecasts per
 * area, every job done, no engine job failed.
 *
 *   node --import tsx bench/national.bench.ts [--incidents 10000000] [--areas 50] [--workers 1,2,4]
 *     [--store server|embedded] [--days 730] [--model gbt-grid] [--set '{"iterations":40,…}']
 *
 * Files go to a temporary folder under /var/tmp (removed at the end); results to
 * bench/out/national.json. Results are recorded in bench/README.md.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { parseConfig } from '../src/config/env.ts';
import { gridForArea } from '../src/geo/area-grid.ts';
import { compileStudyArea } from '../src/geo/study-area.ts';
import type { AuditContext } from '../src/services/audit.ts';
import { JobEngine } from '../src/services/job-engine.ts';
import { JOB_QUEUES, submitIngest } from '../src/services/jobs.ts';
import { saveStudyArea } from '../src/storage/areas.ts';
import type { Db } from '../src/storage/db.ts';
import { insertJob, setEngineId } from '../src/storage/jobs.ts';
import { openStore } from '../src/storage/store.ts';
import { freePort, serverProcesses, startTestPostgres } from '../src/test/postgres-server.ts';
import { type ProvinceFile, provinces, writeProvince } from './national/generate.ts';
import { type AreaJobParams, FORECAST_QUEUE, TRAIN_QUEUE } from './national/worker.ts';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] as string) : fallback;
};
const INCIDENTS = Number(arg('incidents', '10000000'));
const AREAS = Number(arg('areas', '50'));
const WORKERS = arg('workers', '1,2,4').split(',').map(Number);
const STORE = arg('store', 'server');
const DAYS = Number(arg('days', '730'));
/** A learned model with settings bounded to seconds per area (8 weekly windows, 40 trees). */
const MODEL = arg('model', 'gbt-grid');
const SETTINGS = JSON.parse(
  arg('set', '{"iterations":40,"trainDays":56,"trainStrideDays":7,"otherGroups":false}'),
) as Record<string, unknown>;
/** Data ends the day before DAY; models train on what was known before it and forecast it. */
const DAY = '2026-01-01';
const GROUP = 'all';
const TURNOS = 4;
if (!['server', 'embedded'].includes(STORE)) throw new Error('--store server|embedded');

const HERE = fileURLToPath(new URL('.', import.meta.url));
const WORKER = join(HERE, 'national', 'worker.ts');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CLK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
const ctx: AuditContext = { actor: 'bench', role: null, ip: null, requestId: null };

/** CPU seconds of a process (utime + stime, plus reaped children's with `children`). */
function cpuSeconds(pid: number, children = false): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    // fields after the name: state(0) … utime(11) stime(12) cutime(13) cstime(14)
    const t = (f[11] as number) + (f[12] as number) + (children ? (f[13] as number) + (f[14] as number) : 0);
    return t / CLK;
  } catch {
    return 0;
  }
}
/** Peak resident set of a live process, MB (VmHWM). */
function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
}

/** The PostgreSQL server's CPU seconds so far: live processes plus the postmaster's reaped children. */
function dbCpu(dataDir: string | undefined): number {
  if (!dataDir) return Number.NaN;
  const [postmaster, ...rest] = serverProcesses(dataDir);
  return cpuSeconds(postmaster as number, true) + rest.reduce((s, p) => s + cpuSeconds(p), 0);
}

function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const c = spawn(process.execPath, ['--import', 'tsx', WORKER], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', VIGIA_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    c.stdout?.on('data', (d) => {
      out += String(d);
      if (out.includes('ready')) resolve(c);
    });
    c.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready`)));
  });
}

/** Stops a worker with SIGTERM and returns what it reported (its own maxRSS). */
function stopWorker(c: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    let out = '';
    c.stdout?.on('data', (d) => {
      out += String(d);
    });
    c.once('exit', () => {
      const line = out.trim().split('\n').pop() ?? '{}';
      resolve((JSON.parse(line.startsWith('{') ? line : '{}') as { maxRssMb?: number }).maxRssMb ?? 0);
    });
    c.kill('SIGTERM');
  });
}

async function until(db: Db, kind: string, n: number): Promise<void> {
  for (;;) {
    const [r] = await db.query<{ done: number; failed: number }>(
      `select count(*) filter (where status = 'done')::int as done,
              count(*) filter (where status = 'failed')::int as failed from jobs where kind = $1`,
      [kind],
    );
    if ((r?.failed ?? 0) > 0) throw new Error(`${r?.failed} ${kind} job(s) failed`);
    if ((r?.done ?? 0) >= n) return;
    await sleep(200);
  }
}

interface Stage {
  seconds: number;
  workerCpuS: number;
  dbCpuS: number;
}

async function run(
  workers: number,
  files: ProvinceFile[],
  cells: Map<string, number>,
  env: Record<string, string>,
  dataDir: string | undefined,
) {
  const config = parseConfig({ ...env, VIGIA_LOG_LEVEL: 'warn' });
  const db = await openStore(config);
  const engine = new JobEngine(db, config.jobs.engine, { supervise: false });
  await engine.start([...JOB_QUEUES, TRAIN_QUEUE, FORECAST_QUEUE]);
  for (const f of files) {
    const def = provinces(AREAS, INCIDENTS).find((p) => p.def.id === f.area)?.def;
    if (def) await saveStudyArea(db, def);
  }
  const ws = await Promise.all(Array.from({ length: workers }, () => startWorker(env)));
  const pids = ws.map((w) => w.pid as number);
  const workerCpu = () => pids.reduce((s, p) => s + cpuSeconds(p), 0);
  const stages: Record<string, Stage> = {};
  const peaks: Record<string, number[]> = {};
  const measure = async (name: string, body: () => Promise<void>) => {
    const c0 = workerCpu();
    const d0 = dbCpu(dataDir);
    const t0 = performance.now();
    await body();
    stages[name] = {
      seconds: (performance.now() - t0) / 1000,
      workerCpuS: workerCpu() - c0,
      dbCpuS: dbCpu(dataDir) - d0,
    };
    peaks[name] = pids.map(peakRssMb);
    console.log(`  ${workers} worker(s) ${name}: ${stages[name]?.seconds.toFixed(1)} s`);
  };
  await measure('ingest', async () => {
    for (const f of files)
      await submitIngest(
        db,
        engine,
        { fileName: `${f.area}.csv`, format: 'sidpol-geo', area: f.area },
        readFileSync(f.file),
        ctx,
      );
    await until(db, 'ingest', files.length);
  });
  const areaJobs = async (kind: 'retrain' | 'forecast', queue: string) => {
    for (const f of files) {
      const params: AreaJobParams = {
        area: f.area,
        group: GROUP,
        model: MODEL,
        settings: SETTINGS,
        day: DAY,
      };
      const job = await insertJob(db, { kind, params: { ...params }, submittedBy: 'bench' });
      await setEngineId(db, job.id, await engine.send(queue, { jobId: job.id }));
    }
    await until(db, kind, files.length);
  };
  await measure('train', () => areaJobs('retrain', TRAIN_QUEUE));
  await measure('forecast', () => areaJobs('forecast', FORECAST_QUEUE));
  const selfReported = await Promise.all(ws.map(stopWorker));

  // Verify: what the database holds, not only that the jobs said done.
  const counts = new Map(
    (
      await db.query<{ area: string; n: number }>(
        'select study_area as area, count(*)::int as n from incidents group by study_area',
      )
    ).map((r) => [r.area, r.n]),
  );
  const perArea = async (sql: string) =>
    new Map((await db.query<{ area: string; n: number }>(sql)).map((r) => [r.area, r.n]));
  const models = await perArea(
    'select study_area as area, count(*)::int as n from trained_models group by 1',
  );
  const champions = await perArea(
    'select study_area as area, count(*)::int as n from model_champions group by 1',
  );
  const forecasts = await perArea(
    `select study_area as area, count(*)::int as n from forecasts where horizon = 'turno' and target_day = '${DAY}' group by 1`,
  );
  const problems: string[] = [];
  for (const f of files) {
    const want = f.rows - f.rejects;
    if (counts.get(f.area) !== want)
      problems.push(`${f.area}: ${counts.get(f.area)} incidents, expected ${want}`);
    if (models.get(f.area) !== 1) problems.push(`${f.area}: ${models.get(f.area)} trained models`);
    if (champions.get(f.area) !== 1) problems.push(`${f.area}: ${champions.get(f.area)} champions`);
    if (forecasts.get(f.area) !== TURNOS) problems.push(`${f.area}: ${forecasts.get(f.area)} forecasts`);
  }
  const [rejects] = await db.query<{ n: number }>(
    `select coalesce(sum((result->>'rejected')::int), 0)::int as n from jobs where kind = 'ingest'`,
  );
  const declared = files.reduce((s, f) => s + f.rejects, 0);
  if (rejects?.n !== declared) {
    problems.push(`ingest reports ${rejects?.n} rejects, declared ${declared}`);
    const reasons = await db.query<{ field: string; reason: string; value: string | null }>(
      `select field, reason, value from ingest_rejects where field <> 'fecha_hora_hecho' limit 10`,
    );
    for (const r of reasons) problems.push(`reject: ${r.field} ${r.reason} (${r.value})`);
  }
  const [notDone] = await db.query<{ n: number }>(
    `select count(*)::int as n from jobs where status <> 'done'`,
  );
  if (notDone?.n !== 0) problems.push(`${notDone?.n} job records not done`);
  const [failed] = await db.query<{ n: number }>(
    `select count(*)::int as n from pgboss.job where state = 'failed' or retry_count > 0`,
  );
  if (failed?.n !== 0) problems.push(`${failed?.n} engine jobs failed or retried`);
  const [fit] = await db.query<{ mean: number; max: number }>(
    `select avg((result->>'fitSeconds')::float) as mean, max((result->>'fitSeconds')::float) as max
     from jobs where kind = 'retrain'`,
  );
  await engine.stop(5);
  await db.close();
  if (problems.length > 0) throw new Error(`verification failed:\n${problems.slice(0, 20).join('\n')}`);

  const incidents = files.reduce((s, f) => s + f.rows, 0);
  const totalCells = [...cells.values()].reduce((a, b) => a + b, 0);
  const whole = Object.values(stages).reduce(
    (a, s) => ({
      seconds: a.seconds + s.seconds,
      workerCpuS: a.workerCpuS + s.workerCpuS,
      dbCpuS: a.dbCpuS + s.dbCpuS,
    }),
    { seconds: 0, workerCpuS: 0, dbCpuS: 0 },
  );
  const share = (s: Stage) => Math.round((100 * s.dbCpuS) / (s.dbCpuS + s.workerCpuS));
  return {
    workers,
    stages,
    whole,
    incidentsPerSecond: Math.round(incidents / (stages.ingest as Stage).seconds),
    trainAreasPerMinute: Math.round((60 * files.length) / (stages.train as Stage).seconds),
    forecastCellsPerSecond: Math.round((TURNOS * totalCells) / (stages.forecast as Stage).seconds),
    areasPerMinuteWhole: Math.round((60 * files.length) / whole.seconds),
    dbCpuSharePct: Object.fromEntries(Object.entries({ ...stages, whole }).map(([k, s]) => [k, share(s)])),
    coresUsed: Object.fromEntries(
      Object.entries({ ...stages, whole }).map(([k, s]) => [
        k,
        Math.round((100 * (s.dbCpuS + s.workerCpuS)) / s.seconds) / 100,
      ]),
    ),
    peakRssMbPerWorker: peaks,
    selfReportedMaxRssMb: selfReported,
    fitSecondsPerArea: { mean: fit?.mean, max: fit?.max },
    verified: true,
  };
}

const tmp = mkdtempSync('/var/tmp/vigia-national-');
const results: unknown[] = [];
const out: Record<string, unknown> = {
  date: new Date().toISOString(),
  command: `node --import tsx bench/national.bench.ts ${process.argv.slice(2).join(' ')}`,
  machine: {
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    memGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    note: 'shared with other engineers working at the same time',
  },
  incidents: INCIDENTS,
  areas: AREAS,
  store: STORE,
  model: { kind: MODEL, settings: SETTINGS, group: GROUP, day: DAY, days: DAYS },
};
try {
  const ps = provinces(AREAS, INCIDENTS);
  const cells = new Map(
    ps.map((p) => [p.def.id, gridForArea(compileStudyArea(p.def)).mask.reduce((a, b) => a + b, 0)]),
  );
  const dataDir = join(tmp, 'csv');
  mkdirSync(dataDir);
  let t0 = performance.now();
  const files = ps.map((p, i) => writeProvince(p, i, dataDir, { endDay: DAY, days: DAYS }));
  const bytes = files.reduce((s, f) => s + statSync(f.file).size, 0);
  out.generation = {
    seconds: Math.round((performance.now() - t0) / 100) / 10,
    rows: files.reduce((s, f) => s + f.rows, 0),
    declaredRejects: files.reduce((s, f) => s + f.rejects, 0),
    mb: Math.round(bytes / 1e6),
    cells: [...cells.values()].reduce((a, b) => a + b, 0),
    rowsPerArea: { min: Math.min(...files.map((f) => f.rows)), max: Math.max(...files.map((f) => f.rows)) },
  };
  console.log('generated', out.generation);
  for (const w of WORKERS) {
    t0 = performance.now();
    if (STORE === 'server') {
      const server = await startTestPostgres({ durable: true });
      try {
        const c = new pg.Client({ connectionString: server.url });
        await c.connect();
        await c.query('create database vigia_national');
        await c.end();
        const env = { DATABASE_URL: server.url.replace(/\/postgres$/, '/vigia_national') };
        results.push(await run(w, files, cells, env, server.dataDir));
      } finally {
        server.stop();
      }
    } else {
      const dir = join(tmp, `embedded-${w}`);
      const env = { VIGIA_DATA_DIR: dir, VIGIA_EMBEDDED_PORT: String(await freePort()) };
      results.push(await run(w, files, cells, env, join(dir, 'pg')));
    }
    console.log(JSON.stringify(results.at(-1)));
  }
  out.results = results;
  mkdirSync(join(HERE, 'out'), { recursive: true });
  writeFileSync(join(HERE, 'out', 'national.json'), JSON.stringify(out, null, 2));
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

/**
 * The product's background jobs on the job engine (services/job-engine.ts, pg-boss). An upload is
 * stored in the database with its job record (table `jobs`: the numeric id users see, status, result)
 * and queued on the engine; whichever worker process takes it — the API process itself with
 * VIGIA_JOBS=inline, or `vigia worker` processes — reads the bytes from the database, runs the same
 * ingest use case as the CLI and records the report. Batches are atomic and ingest is idempotent
 * by file hash, so a run retried after a worker died never duplicates data. Rolling backtests and
 * briefing drafts queued through the API run the same use cases as `vigia backtest` and POST
 * /api/v1/texts; the scheduled retraining and forecasts fan out into one job per study area.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LifecycleSettings, type LlmSettings, NO_LLM } from '../config/env.ts';
import { NotFoundError, StorageError, ValidationError, VigiaError } from '../core/errors.ts';
import type { RejectRow } from '../core/records.ts';
import { TURNO_BANDS } from '../core/time.ts';
import { saveReport } from '../storage/backtest-reports.ts';
import type { Db, Queryable } from '../storage/db.ts';
import { areasWithEvents } from '../storage/events.ts';
import { listRejects } from '../storage/ingest-writer.ts';
import {
  finishJob,
  getJob,
  insertJob,
  type JobKind,
  type JobRow,
  listJobs,
  requeueJob,
  setEngineId,
  startJob,
  unfinishedJobs,
} from '../storage/jobs.ts';
import { areasWithChampions, currentChampions } from '../storage/model-lifecycle.ts';
import { type AuditContext, audit } from './audit.ts';
import { backtest, type Horizon } from './backtest.ts';
import { generateBriefing, generateBulletin } from './briefing-drafts.ts';
import { ADAPTERS, type AdapterName, ingestFile } from './ingest.ts';
import { DEAD_LETTER_QUEUE, type JobEngine, type JobHandler, runLock } from './job-engine.ts';
import { forecastNextTurno, retrainChallenger } from './model-lifecycle.ts';

export type { JobRow } from '../storage/jobs.ts';

const MAPPINGS_DIR = fileURLToPath(new URL('../../mappings/', import.meta.url));

/** The engine queue of uploads' ingest. */
export const INGEST_QUEUE = 'vigia-ingest';

/** What an ingest job needs (its bytes are stored with the job). */
export interface IngestJobParams {
  /** The client's file name, checked and kept for display only. */
  fileName: string;
  format: AdapterName;
  area: string;
  /** Name of a bundled mapping (mappings/<name>.json), for format "mapped". */
  mapping?: string;
}

/** Upload names: a plain file name, no folders, no control characters, a known extension. */
export function checkUploadName(name: string): string {
  const n = name.normalize('NFC');
  const control = [...n].some((ch) => (ch.codePointAt(0) as number) < 32 || ch === '\u007f');
  if (control || /[/\\]/.test(n) || n.includes('..') || n.length > 200 || n.trim() === '')
    throw new ValidationError(
      'file',
      `nombre de archivo no permitido "${[...n.slice(0, 80)].map((ch) => ((ch.codePointAt(0) as number) < 32 ? '?' : ch)).join('')}": sin carpetas, "..", ni caracteres de control`,
    );
  if (!/\.(csv|json|geojson|txt)$/i.test(n))
    throw new ValidationError('file', 'tipo de archivo no admitido (use .csv, .json o .geojson)');
  return n;
}

/** Validates format and mapping names before anything is stored. */
export function checkIngestOptions(format: string, mapping: string | undefined): void {
  if (format !== 'mapped' && !Object.hasOwn(ADAPTERS, format))
    throw new ValidationError(
      'format',
      `formato desconocido "${format}" (use: ${[...Object.keys(ADAPTERS), 'mapped'].join(', ')})`,
    );
  if (format === 'mapped' && (!mapping || !/^[a-z0-9-]{1,40}$/.test(mapping)))
    throw new ValidationError(
      'mapping',
      'el formato "mapped" necesita el nombre de un mapeo incluido (ej. chicago)',
    );
}

/** Stores an upload with its job record, queues it on the engine and audits it. */
export async function submitIngest(
  db: Db,
  engine: JobEngine,
  p: IngestJobParams,
  upload: Buffer,
  ctx: AuditContext,
): Promise<JobRow> {
  const job = await insertJob(db, { kind: 'ingest', params: { ...p }, submittedBy: ctx.actor, upload });
  await audit(db, ctx, 'ingest.submit', `job:${job.id}`, {
    file: p.fileName,
    format: p.format,
    area: p.area,
  });
  await setEngineId(db, job.id, await engine.send(INGEST_QUEUE, { jobId: job.id }));
  return job;
}

/** Resolves once no job is queued or running (tests, shutdown of an inline process). */
export async function jobsIdle(db: Db, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while ((await unfinishedJobs(db)) > 0) {
    if (Date.now() > end) throw new Error('jobs still unfinished');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** An error a retry cannot fix (bad input): recorded, not retried. Database faults are retried. */
const final = (err: unknown): err is VigiaError =>
  err instanceof VigiaError && !(err instanceof StorageError);

/**
 * Runs a recorded job under the engine: marks it running, runs `body`, records the result. A user
 * error is recorded as the job's failure; any other error is retried by the engine (the record goes
 * back to queued) and, on the last run, recorded as an internal error and dead-lettered.
 */
export function recordedJob(
  db: Db,
  log: { error(obj: unknown, msg: string): void },
  body: (job: JobRow, upload: Buffer | null) => Promise<Record<string, unknown>>,
  clean: (message: string, job: JobRow) => string = (m) => m,
): JobHandler {
  return async (data, engineId, run) => {
    const started = await startJob(db, Number(data.jobId));
    if (!started) return; // already finished (a run that outlived its lease) or removed
    const { job, upload } = started;
    try {
      await finishJob(db, job.id, { result: await body(job, upload) });
    } catch (err) {
      if (final(err)) {
        await finishJob(db, job.id, { error: { code: err.code, message: clean(err.message, job) } });
        return;
      }
      log.error({ err, job: job.id, engineJob: engineId, retries: run.retries }, 'job failed');
      const error = { code: 'INTERNAL', message: 'Error interno al procesar el trabajo' };
      // Dead-lettered: the upload stays for a retry (vigia jobs retry, POST /api/v1/jobs/failed/:id/retry).
      if (run.retries >= run.retryLimit) await finishJob(db, job.id, { error }, { keepUpload: true });
      else await requeueJob(db, job.id, error);
      throw err;
    }
  };
}

/** The ingest handler: the upload's bytes go to a private temporary file for the ingest use case. */
export function ingestHandler(db: Db, log: { error(obj: unknown, msg: string): void }): JobHandler {
  let stored = '';
  return recordedJob(
    db,
    log,
    async (job, upload) => {
      const p = job.params as unknown as IngestJobParams;
      if (!upload) throw new Error(`job ${job.id} has no upload`);
      const dir = mkdtempSync(join(tmpdir(), 'vigia-job-'));
      stored = join(dir, `upload${/\.[a-z]+$/i.exec(p.fileName)?.[0]?.toLowerCase() ?? ''}`);
      try {
        writeFileSync(stored, upload, { mode: 0o600 });
        const report = await ingestFile(db, {
          file: stored,
          displayName: p.fileName,
          adapter: p.format,
          area: p.area,
          audit: { actor: job.submittedBy, role: null, ip: null, requestId: `job:${job.id}` },
          ...(p.mapping ? { mappingFile: `${MAPPINGS_DIR}${p.mapping}.json` } : {}),
        });
        return { ...report };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    // Messages name the client's file, never the worker's folders.
    (m, job) => {
      const name = (job.params as unknown as IngestJobParams).fileName;
      return stored ? m.split(stored).join(name).split(basename(stored)).join(name) : m;
    },
  );
}

/** What a record shows when its worker died on the last run (the engine gave up, no handler ran). */
export const WORKER_LOST_ERROR = Object.freeze({
  code: 'INTERNAL',
  message: 'El proceso que ejecutaba el trabajo se detuvo antes de terminarlo',
});

/**
 * The dead-letter queue's handler: every dead-lettered engine job wakes it, and it records as
 * failed (WORKER_LOST_ERROR) each unfinished record whose engine job has failed and that no live
 * worker runs (its run lock is free) — a worker killed during the last run leaves its record
 * `running`, as no handler of the job runs again; a live worker whose lease ran out still records
 * its own outcome. The upload stays for a retry.
 */
function reconcileDeadLetters(db: Db): JobHandler {
  return async () => {
    const rows = await db.query<{ id: number }>(
      `with dead as materialized (
         select j.id, e.id::text as engine from jobs j join pgboss.job e on e.id = j.engine_id::uuid
         where j.status in ('queued', 'running') and e.name = any($1::text[]) and e.state = 'failed')
       update jobs j set status = 'failed', error = $2, finished_at = now()
       from dead d where j.id = d.id and pg_try_advisory_xact_lock(${runLock('d.engine')})
       returning j.id`,
      [JOB_QUEUES, JSON.stringify(WORKER_LOST_ERROR)],
    );
    return { failed: rows.map((r) => r.id) };
  };
}

/**
 * The engine queues of the scheduled work: the cron (in VIGIA_TIME_ZONE) fires RETRAIN_QUEUE and
 * FORECAST_QUEUE, whose handlers only queue one job per study area on the per-area queues, so that
 * any number of workers share the areas.
 */
export const RETRAIN_QUEUE = 'vigia-retrain';
export const FORECAST_QUEUE = 'vigia-forecast';
export const RETRAIN_AREA_QUEUE = 'vigia-retrain-area';
export const FORECAST_AREA_QUEUE = 'vigia-forecast-area';
/** The engine queues of rolling backtests and briefing drafts started through the API. */
export const BACKTEST_QUEUE = 'vigia-backtest';
export const BRIEFING_QUEUE = 'vigia-briefing';

/** The engine queues of the product's jobs. */
export const JOB_QUEUES: readonly string[] = [
  INGEST_QUEUE,
  RETRAIN_QUEUE,
  FORECAST_QUEUE,
  RETRAIN_AREA_QUEUE,
  FORECAST_AREA_QUEUE,
  BACKTEST_QUEUE,
  BRIEFING_QUEUE,
];

/**
 * The cron of the scheduled forecasts: `leadMinutes` before each turno starts (TURNO_BANDS), e.g.
 * 60 → "0 23,5,11,17 * * *".
 */
export function forecastCron(leadMinutes: number): string {
  const at = TURNO_BANDS.map((b) => (((b.fromHour * 60 - leadMinutes) % 1440) + 1440) % 1440);
  const minute = (at[0] as number) % 60;
  return `${minute} ${at.map((m) => Math.floor(m / 60)).join(',')} * * *`;
}

/**
 * A scheduled job (cron sends no record): its record is created on its first run, found by the
 * engine's job id on a retry, and then run like any recorded job.
 */
function scheduledJob(
  db: Db,
  kind: JobKind,
  log: { error(obj: unknown, msg: string): void },
  body: (job: JobRow) => Promise<Record<string, unknown>>,
): JobHandler {
  const recorded = recordedJob(db, log, (job) => body(job));
  return async (data, engineId, run) => {
    const [found] = await db.query<{ id: number }>('select id from jobs where engine_id = $1', [engineId]);
    const id =
      found?.id ??
      (await (async () => {
        const job = await insertJob(db, { kind, params: { ...data }, submittedBy: 'scheduler' });
        await setEngineId(db, job.id, engineId);
        return job.id;
      })());
    return recorded({ jobId: id }, engineId, run);
  };
}

/**
 * A scheduled fire's handler: queues one job per area of `areas` on `queue`, each with its area and
 * the fire's time. The per-area job's engine id is derived from the fire's and the area, so a
 * retried fan-out queues no area twice. `firedAt` in the data (ms) replaces the clock (a fire sent
 * by hand for a given time).
 */
function fanOut(engine: JobEngine, queue: string, areas: () => Promise<string[]>): JobHandler {
  return async (data, engineId) => {
    const firedAt = typeof data.firedAt === 'number' ? data.firedAt : Date.now();
    const queued = [];
    for (const area of await areas()) {
      const h = createHash('sha256').update(`${queue}|${engineId}|${area}`).digest('hex');
      const id = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
      queued.push({ area, engineId: await engine.send(queue, { area, firedAt }, { id }) });
    }
    return { queued };
  };
}

/** What scheduled work needs (the areas are every registered one, see workJobs). */
export interface ScheduleOptions {
  timeZone: string;
  lifecycle: LifecycleSettings;
}

/**
 * Starts this process's work on every queue of the product's jobs (briefings written with `llm`);
 * with `schedule`, also the scheduled work and its cron schedules (retraining per
 * VIGIA_RETRAIN_CRON, a forecast VIGIA_FORECAST_LEAD_MINUTES before each turno), which the engine
 * keeps once however many processes set them. A fire queues one job per study area: retraining for
 * each area with a champion, forecasts for each area with located incidents (each crime group by
 * its champion, else the default model).
 */
export async function workJobs(
  engine: JobEngine,
  db: Db,
  log: { error(obj: unknown, msg: string): void },
  schedule?: ScheduleOptions,
  llm: LlmSettings = NO_LLM,
): Promise<void> {
  await engine.start(JOB_QUEUES);
  await engine.work(INGEST_QUEUE, ingestHandler(db, log));
  await engine.work(BACKTEST_QUEUE, backtestHandler(db, log));
  await engine.work(BRIEFING_QUEUE, briefingHandler(db, log, llm));
  await engine.work(DEAD_LETTER_QUEUE, reconcileDeadLetters(db));
  if (!schedule) return;
  const ctx = (job: JobRow): AuditContext => ({
    actor: 'scheduler',
    role: null,
    ip: null,
    requestId: `job:${job.id}`,
  });
  // The fire's time (not the run's): every area's job of one fire works for the same day.
  const firedAt = (job: JobRow) => Number(job.params.firedAt);
  await engine.work(
    RETRAIN_QUEUE,
    fanOut(engine, RETRAIN_AREA_QUEUE, () => areasWithChampions(db)),
  );
  await engine.work(
    FORECAST_QUEUE,
    fanOut(engine, FORECAST_AREA_QUEUE, () => areasWithEvents(db)),
  );
  await engine.work(
    RETRAIN_AREA_QUEUE,
    scheduledJob(db, 'retrain', log, async (job) => {
      const area = String(job.params.area);
      const retrained = [];
      for (const k of await currentChampions(db, { area })) {
        const r = await retrainChallenger(db, {
          area: k.area,
          group: k.group,
          horizon: k.horizon,
          now: firedAt(job),
          audit: ctx(job),
          settings: schedule.lifecycle,
        });
        retrained.push({
          group: k.group,
          horizon: k.horizon,
          challenger: r.challenger.id,
          promoted: r.outcome?.champion.trainedModelId === r.challenger.id,
        });
      }
      return { area, retrained };
    }),
  );
  await engine.work(
    FORECAST_AREA_QUEUE,
    scheduledJob(db, 'forecast', log, async (job) => {
      const area = String(job.params.area);
      const stored = await forecastNextTurno(db, {
        area,
        now: firedAt(job),
        audit: ctx(job),
        settings: schedule.lifecycle,
      });
      return { area, forecasts: stored.map((f) => f.id) };
    }),
  );
  await engine.schedule(RETRAIN_QUEUE, schedule.lifecycle.retrainCron, schedule.timeZone);
  await engine.schedule(
    FORECAST_QUEUE,
    forecastCron(schedule.lifecycle.forecastLeadMinutes),
    schedule.timeZone,
  );
}

/** A dead-lettered job as shown to admins and analysts: the engine's job and its record's id. */
export interface FailedJobView {
  id: string;
  queue: string;
  /** The job record's numeric id (GET /api/v1/ingest/jobs/:id for uploads), when it has one. */
  jobId: number | null;
  retries: number;
  error: string | null;
  createdAt: Date;
  failedAt: Date | null;
}

/** The engine's failure output as one line (pg-boss stores the thrown error's message). */
function failureText(output: unknown): string | null {
  if (output === null || output === undefined) return null;
  const m = (output as { message?: unknown }).message;
  return typeof m === 'string' ? m : JSON.stringify(output);
}

/** Dead-lettered jobs (retries spent), newest first. */
export async function failedJobs(db: Db, engine: JobEngine, limit: number): Promise<FailedJobView[]> {
  const failed = await engine.failed(limit);
  const records = new Map(
    (
      await db.query<{ id: number; engineId: string }>(
        'select id, engine_id as "engineId" from jobs where engine_id = any($1::text[])',
        [failed.map((f) => f.id)],
      )
    ).map((r) => [r.engineId, r.id]),
  );
  return failed.map((f) => ({
    id: f.id,
    queue: f.queue,
    jobId: records.get(f.id) ?? (typeof f.data?.jobId === 'number' ? f.data.jobId : null),
    retries: f.retries,
    error: failureText(f.error),
    createdAt: f.createdAt,
    failedAt: f.failedAt,
  }));
}

/** Puts a dead-lettered job back in its queue (a fresh set of retries) and audits it. */
export async function retryFailedJob(
  db: Db,
  engine: JobEngine,
  id: string,
  ctx: AuditContext,
): Promise<FailedJobView> {
  const [row] = await db.query<{ queue: string }>(
    `select name as queue from pgboss.job where id::text = $1 and state = 'failed' and name = any($2::text[])`,
    [id, JOB_QUEUES],
  );
  if (!row) throw new NotFoundError(`No hay un trabajo fallido ${id}`);
  const view = (await failedJobs(db, engine, 1000)).find((f) => f.id === id) as FailedJobView;
  await engine.retry(row.queue, id);
  if (view.jobId !== null)
    await db.query(
      `update jobs set status = 'queued', finished_at = null where id = $1 and status = 'failed'`,
      [view.jobId],
    );
  await audit(db, ctx, 'jobs.retry', `engine-job:${id}`, { queue: row.queue, jobId: view.jobId });
  return view;
}

/** A job as shown to users. */
export type JobView = JobRow;

export async function jobStatus(db: Db, id: number): Promise<JobView> {
  const j = await getJob(db, id);
  if (j?.kind !== 'ingest') throw new NotFoundError(`No existe el trabajo ${id}`);
  return j;
}

export async function recentJobs(db: Db, limit: number): Promise<JobView[]> {
  return listJobs(db, limit, 'ingest');
}

/** The rejected rows of a finished job's batch. */
export async function jobRejects(
  db: Db,
  id: number,
  limit: number,
): Promise<{ job: JobView; rejects: RejectRow[] }> {
  const job = await jobStatus(db, id);
  const batchId = (job.result as { batchId?: number | null } | null)?.batchId;
  return { job, rejects: typeof batchId === 'number' ? await listRejects(db, batchId, limit) : [] };
}

/** What a backtest job runs: the use case of `vigia backtest`, its report stored (no files). */
export interface BacktestJobParams {
  area: string;
  group: string;
  /** First and last-exclusive local day, YYYY-MM-DD. */
  from: string;
  to: string;
  horizon: Horizon;
  /** Model kinds (naive-counts and random are always added). */
  models: string[];
  cellSize?: number;
  seed?: number;
}

/** What a briefing job writes: a committee briefing (one district) or a community bulletin. */
export interface BriefingJobParams {
  kind: 'briefing' | 'bulletin';
  area: string;
  /** District code (ubigeo); a briefing needs one, a bulletin without it covers the whole area. */
  district?: string;
  from: string;
  to: string;
}

/** Records a job, audits its submission (`<kind>.submit`) and queues it. */
async function submitJob(
  db: Db,
  engine: JobEngine,
  kind: 'backtest' | 'briefing',
  queue: string,
  params: Record<string, unknown>,
  ctx: AuditContext,
): Promise<JobRow> {
  const job = await insertJob(db, { kind, params, submittedBy: ctx.actor });
  await audit(db, ctx, `${kind}.submit`, `job:${job.id}`, params);
  await setEngineId(db, job.id, await engine.send(queue, { jobId: job.id }));
  return job;
}

/** Queues a rolling backtest (POST /api/v1/jobs/backtests); the result names the stored report. */
export function submitBacktest(
  db: Db,
  engine: JobEngine,
  p: BacktestJobParams,
  ctx: AuditContext,
): Promise<JobRow> {
  return submitJob(db, engine, 'backtest', BACKTEST_QUEUE, { ...p }, ctx);
}

/** Queues a briefing or bulletin draft (POST /api/v1/jobs/briefings); the result names the draft. */
export function submitBriefing(
  db: Db,
  engine: JobEngine,
  p: BriefingJobParams,
  ctx: AuditContext,
): Promise<JobRow> {
  return submitJob(db, engine, 'briefing', BRIEFING_QUEUE, { ...p }, ctx);
}

/** Who a recorded job acts for: its submitter, the request id naming the job. */
const submitter = (job: JobRow): AuditContext => ({
  actor: job.submittedBy,
  role: null,
  ip: null,
  requestId: `job:${job.id}`,
});

/**
 * The backtest handler: the report and the record's result are stored in one transaction, so a
 * run retried after a worker died stores no second report.
 */
function backtestHandler(db: Db, log: { error(obj: unknown, msg: string): void }): JobHandler {
  return recordedJob(db, log, async (job) => {
    const p = job.params as unknown as BacktestJobParams;
    const report = await backtest(db, p);
    return db.transaction(async (tx) => {
      const result = { backtestId: await saveReport(tx, report), windows: report.windows };
      await finishJob(tx, job.id, { result });
      return result;
    });
  });
}

/** The briefing handler: the same use cases as POST /api/v1/texts (kind briefing / bulletin). */
function briefingHandler(
  db: Db,
  log: { error(obj: unknown, msg: string): void },
  llm: LlmSettings,
): JobHandler {
  return recordedJob(db, log, async (job) => {
    const p = job.params as unknown as BriefingJobParams;
    let result: Record<string, unknown> = {};
    // The draft and the job's result in one transaction: a retry after a crash never writes twice.
    const alsoInTx = async (tx: Queryable, id: number) => {
      result = { textId: id, kind: p.kind };
      await finishJob(tx, job.id, { result });
    };
    const common = { area: p.area, from: p.from, to: p.to, llm, actor: submitter(job), alsoInTx };
    const { draft } =
      p.kind === 'briefing'
        ? await generateBriefing(db, { ...common, district: p.district ?? '' })
        : await generateBulletin(db, { ...common, ...(p.district ? { district: p.district } : {}) });
    return { ...result, textId: draft.id, kind: draft.kind };
  });
}

/**
 * A job record by id, of a kind `visible` lets the caller see (GET /api/v1/jobs/:id).
 * @throws NotFoundError for an unknown id or a kind the caller may not see
 */
export async function jobRecord(
  db: Db,
  id: number,
  visible: (kind: JobKind) => boolean = () => true,
): Promise<JobView> {
  const j = await getJob(db, id);
  if (!j || !visible(j.kind)) throw new NotFoundError(`No existe el trabajo ${id}`);
  return j;
}

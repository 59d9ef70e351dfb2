/**
 * The job engine: pg-boss (chosen by measurement, docs/jobs.md) on Vigía's own database, through
 * Vigía's pool. Every queue gets a lease (`expire_in`: a job whose worker died is failed back into
 * its retry path by the maintenance pass), retries with exponential backoff up to a limit, and the
 * shared dead-letter queue. A handler runs inside a transaction that holds an advisory lock on the
 * job's id, so the same job never runs twice at once even when a lease runs out on a live worker:
 * the second run finds the lock taken and fails into a later retry.
 */
import PgBoss from 'pg-boss';
import type { Db } from '../storage/db.ts';

/** Engine settings (config: VIGIA_JOB_*). */
export interface JobEngineSettings {
  /** Seconds a started job may run before it is considered lost and retried. */
  leaseSeconds: number;
  /** Retries after the first run; then the job is dead-lettered. */
  retryLimit: number;
  /** First retry delay in seconds (doubles with each retry, with jitter). */
  retryDelaySeconds: number;
  /** How often an idle worker asks for work. */
  pollSeconds: number;
  /** How often expired leases are checked. */
  maintenanceSeconds: number;
}

export const DEFAULT_JOB_ENGINE_SETTINGS: JobEngineSettings = Object.freeze({
  leaseSeconds: 3600,
  retryLimit: 2,
  retryDelaySeconds: 30,
  pollSeconds: 2,
  maintenanceSeconds: 60,
});

/** Where failed jobs are copied once their retries are spent. */
export const DEAD_LETTER_QUEUE = 'vigia-dead-letter';

/** Which run of its job a handler is: `retries` so far, out of `retryLimit`. */
export interface JobRun {
  retries: number;
  retryLimit: number;
}

/**
 * A job handler: gets the job's data, id and run; throwing fails the run (retried up to the limit,
 * then dead-lettered).
 */
export type JobHandler = (data: Record<string, unknown>, jobId: string, run: JobRun) => Promise<unknown>;

/** A failed job (dead-letter view). */
export interface FailedJob {
  id: string;
  queue: string;
  data: Record<string, unknown>;
  retries: number;
  error: unknown;
  createdAt: Date;
  failedAt: Date | null;
}

/**
 * The advisory lock a job's run holds while a worker runs it (SQL, with the job id as a text
 * expression): whoever takes it knows no live worker runs that job.
 */
export const runLock = (idSql: string): string => `hashtextextended('vigia-job:' || ${idSql}, 0)`;

/** pg-boss over Vigía's pool. */
const overDb = (db: Db) => ({
  executeSql: async (text: string, values?: unknown[]) => ({
    rows: await db.query(text, values && values.length > 0 ? values : undefined),
  }),
});

/** pg-boss's own queue of cron fires (its timekeeper creates it where it may). */
const CRON_QUEUE = '__pgboss__send-it';

/**
 * Creates or updates the named queues, each with its lease, retries and the dead-letter queue;
 * `plain` queues are created with pg-boss's defaults when missing.
 */
async function setUpQueues(
  boss: PgBoss,
  settings: JobEngineSettings,
  queues: readonly string[],
  plain: readonly string[] = [DEAD_LETTER_QUEUE],
): Promise<void> {
  const existing = new Set((await boss.getQueues()).map((q) => q.name));
  for (const name of plain) if (!existing.has(name)) await boss.createQueue(name, { name });
  for (const name of queues) {
    const options = {
      name,
      retryLimit: settings.retryLimit,
      retryDelay: settings.retryDelaySeconds,
      retryBackoff: true,
      expireInSeconds: settings.leaseSeconds,
      deadLetter: DEAD_LETTER_QUEUE,
    };
    if (existing.has(name)) await boss.updateQueue(name, options);
    else await boss.createQueue(name, options);
  }
}

/**
 * Split roles (VIGIA_OWNER_DATABASE_URL): the schema owner creates or upgrades the engine's schema
 * and creates or updates the queues — a queue is a partition table, so DDL — and the store then
 * grants the app role rows only (storage/migrate.ts, grantAppRole).
 */
async function installAsOwner(
  owner: Db,
  settings: JobEngineSettings,
  queues: readonly string[],
): Promise<void> {
  const boss = new PgBoss({ db: overDb(owner), supervise: false, schedule: false, migrate: true });
  boss.on('error', () => undefined);
  await boss.start();
  try {
    await setUpQueues(boss, settings, queues, [DEAD_LETTER_QUEUE, CRON_QUEUE]);
  } finally {
    await boss.stop({ graceful: false, close: false });
  }
}

export class JobEngine {
  private readonly boss: PgBoss;
  private started = false;
  /** This process's workers per queue (woken when this process queues a job). */
  private readonly workers = new Map<string, string[]>();

  constructor(
    private readonly db: Db,
    private readonly settings: JobEngineSettings = DEFAULT_JOB_ENGINE_SETTINGS,
    options: { supervise?: boolean; schedule?: boolean } = {},
  ) {
    this.boss = new PgBoss({
      db: overDb(db),
      // With a separate schema owner this process's role creates nothing: the owner installs (start).
      migrate: !db.asOwner,
      supervise: options.supervise ?? true,
      schedule: options.schedule ?? false,
      maintenanceIntervalSeconds: settings.maintenanceSeconds,
    });
    this.boss.on('error', () => undefined);
  }

  /**
   * Creates (or upgrades) the engine's schema and the named queues — as the schema owner, on a
   * short-lived connection, when the store has one (`Db.asOwner`) — and starts the engine.
   */
  async start(queues: readonly string[]): Promise<void> {
    const asOwner = this.db.asOwner;
    if (asOwner) await asOwner((owner) => installAsOwner(owner, this.settings, queues));
    if (!this.started) await this.boss.start();
    this.started = true;
    if (!asOwner) await setUpQueues(this.boss, this.settings, queues);
  }

  /**
   * Queues a job; returns its id. With `id` (a UUID) the job is queued at most once: sending the
   * same id again queues nothing and returns it (a retried fan-out).
   */
  async send(queue: string, data: Record<string, unknown>, options: { id?: string } = {}): Promise<string> {
    const id = (await this.boss.send(queue, data, options)) ?? options.id;
    if (!id) throw new Error(`job not queued on ${queue}`);
    for (const worker of this.workers.get(queue) ?? []) this.boss.notifyWorker(worker);
    return id;
  }

  /** Works on a queue, one job at a time per call, each under its advisory lock. */
  async work(queue: string, handler: JobHandler): Promise<void> {
    const worker = await this.boss.work<Record<string, unknown>>(
      queue,
      { batchSize: 1, pollingIntervalSeconds: this.settings.pollSeconds, includeMetadata: true },
      async ([job]) => {
        if (!job) return;
        return this.db.transaction(async (tx) => {
          const [lock] = await tx.query<{ ok: boolean }>(
            `select pg_try_advisory_xact_lock(${runLock('$1')}) as ok`,
            [job.id],
          );
          if (!lock?.ok) throw new Error(`job ${job.id} is already running`);
          return handler(job.data, job.id, { retries: job.retryCount, retryLimit: job.retryLimit });
        });
      },
    );
    this.workers.set(queue, [...(this.workers.get(queue) ?? []), worker]);
  }

  /** Schedules a queue by cron (in the given time zone); the engine keeps one schedule per queue. */
  async schedule(queue: string, cron: string, timeZone: string): Promise<void> {
    await this.boss.schedule(queue, cron, {}, { tz: timeZone });
  }

  /** The dead-letter view: jobs whose retries are spent, newest first. */
  async failed(limit: number): Promise<FailedJob[]> {
    return this.db.query<FailedJob>(
      `select id::text, name as queue, data, retry_count as retries, output as error,
              created_on as "createdAt", completed_on as "failedAt"
       from pgboss.job where state = 'failed' and name <> $1 order by completed_on desc limit $2`,
      [DEAD_LETTER_QUEUE, limit],
    );
  }

  /** Puts a failed job back in its queue (a fresh set of retries). */
  async retry(queue: string, id: string): Promise<void> {
    await this.boss.retry(queue, id);
  }

  /** Stops taking work; waits for running jobs up to `timeoutSeconds`. */
  async stop(timeoutSeconds = 30): Promise<void> {
    if (!this.started) return;
    await this.boss.stop({ graceful: true, close: false, wait: true, timeout: timeoutSeconds * 1000 });
    this.workers.clear();
    this.started = false;
  }
}

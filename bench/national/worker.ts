/**
 * A worker process of the national simulation: the product's job engine (pg-boss) and its ingest
 * handler (`workJobs`, the same as `vigia worker`, without the cron schedules), plus two bench
 * queues for per-area training and forecasting — the product's scheduled jobs are per configured
 * area — run through the product's job record (`recordedJob`) and use cases (`train`,
 * `promoteChallenger`, `forecast`). Store from the environment (DATABASE_URL or VIGIA_DATA_DIR).
 * Prints "ready" once working; on SIGTERM prints its peak RSS as JSON and exits.
 */
import { parseConfig } from '../../src/config/env.ts';
import { createLogger } from '../../src/config/logger.ts';
import type { AuditContext } from '../../src/services/audit.ts';
import { forecast } from '../../src/services/forecast.ts';
import { JobEngine } from '../../src/services/job-engine.ts';
import { recordedJob, workJobs } from '../../src/services/jobs.ts';
import { promoteChallenger } from '../../src/services/model-lifecycle.ts';
import { train } from '../../src/services/training.ts';
import { openStore } from '../../src/storage/store.ts';

/** Bench queues: one job per area each. */
export const TRAIN_QUEUE = 'bench-national-train';
export const FORECAST_QUEUE = 'bench-national-forecast';

/** What the train and forecast jobs of an area carry (job params). */
export interface AreaJobParams {
  area: string;
  group: string;
  model: string;
  settings: Record<string, unknown>;
  /** Local day: training sees the data before it; the forecast is for it. */
  day: string;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const config = parseConfig();
  const log = createLogger(config);
  const db = await openStore(config, log);
  const engine = new JobEngine(db, { ...config.jobs.engine, pollSeconds: 0.5 });
  const ctx = (id: number): AuditContext => ({
    actor: 'bench',
    role: null,
    ip: null,
    requestId: `job:${id}`,
  });
  await workJobs(engine, db, log);
  await engine.start([TRAIN_QUEUE, FORECAST_QUEUE]);
  await engine.work(
    TRAIN_QUEUE,
    recordedJob(db, log, async (job) => {
      const p = job.params as unknown as AreaJobParams;
      const r = await train(db, {
        area: p.area,
        group: p.group,
        model: p.model,
        settings: p.settings,
        until: p.day,
        horizon: 'turno',
        feedbackCorrection: false,
        via: 'job',
        audit: ctx(job.id),
      });
      const promoted = await promoteChallenger(db, { challenger: r.model.id, audit: ctx(job.id) });
      return {
        area: p.area,
        trainedModel: r.model.id,
        fitSeconds: r.seconds,
        eventsUsed: r.model.eventsUsed,
        champion: promoted.champion.trainedModelId,
      };
    }),
  );
  await engine.work(
    FORECAST_QUEUE,
    recordedJob(db, log, async (job) => {
      const p = job.params as unknown as AreaJobParams;
      const stored = await forecast(db, {
        area: p.area,
        day: p.day,
        horizon: 'turno',
        model: p.model,
        groups: [p.group],
        champions: true,
        audit: ctx(job.id),
      });
      return { area: p.area, forecasts: stored.map((f) => f.id) };
    }),
  );
  process.once('SIGTERM', () => {
    void (async () => {
      await engine.stop(5);
      await db.close();
      process.stdout.write(
        `${JSON.stringify({ pid: process.pid, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`,
      );
      process.exit(0);
    })();
  });
  process.stdout.write('ready\n');
}

/** Scheduled work on the job engine: the cron schedules a worker keeps, and a scheduled run recorded. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import { DEFAULT_JOB_ENGINE_SETTINGS, JobEngine } from './job-engine.ts';
import { FORECAST_QUEUE, forecastCron, RETRAIN_QUEUE, workJobs } from './jobs.ts';
import { DEFAULT_LIFECYCLE } from './model-lifecycle.ts';

describe('forecastCron', () => {
  it('runs the lead time before each turno starts (00, 06, 12, 18 local)', () => {
    expect(forecastCron(60)).toBe('0 23,5,11,17 * * *');
    expect(forecastCron(90)).toBe('30 22,4,10,16 * * *');
    expect(forecastCron(0)).toBe('0 0,6,12,18 * * *');
  });
});

describe.each(BACKENDS)('scheduled jobs (%s)', (backend) => {
  let t: TestDb;
  let engine: JobEngine;

  beforeAll(async () => {
    t = await createTestDb(backend);
    engine = new JobEngine(t.db, { ...DEFAULT_JOB_ENGINE_SETTINGS, pollSeconds: 0.5 }, { schedule: true });
    await workJobs(
      engine,
      t.db,
      { error: () => undefined },
      {
        area: 'callao',
        timeZone: 'America/Lima',
        lifecycle: { ...DEFAULT_LIFECYCLE, retrainCron: '0 4 * * 2', forecastLeadMinutes: 30 },
      },
    );
  }, 60_000);

  afterAll(async () => {
    await engine?.stop(5);
    await t?.drop();
  });

  it('keeps one cron schedule per queue: retraining by VIGIA_RETRAIN_CRON, forecasts before each turno', async () => {
    const rows = await t.db.query<{ name: string; cron: string; timezone: string }>(
      'select name, cron, timezone from pgboss.schedule order by name',
    );
    expect(rows).toEqual([
      { name: FORECAST_QUEUE, cron: '30 23,5,11,17 * * *', timezone: 'America/Lima' },
      { name: RETRAIN_QUEUE, cron: '0 4 * * 2', timezone: 'America/Lima' },
    ]);
  });

  it('records a scheduled run in the jobs table (a retraining with no champion yet retrains nothing)', async () => {
    const engineId = await engine.send(RETRAIN_QUEUE, {});
    let job: { kind: string; status: string; result: unknown; submittedBy: string } | undefined;
    for (let i = 0; i < 200 && job?.status !== 'done'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      [job] = await t.db.query(
        `select kind, status, result, submitted_by as "submittedBy" from jobs where engine_id = $1`,
        [engineId],
      );
    }
    expect(job).toEqual({
      kind: 'retrain',
      status: 'done',
      result: { area: 'callao', retrained: [] },
      submittedBy: 'scheduler',
    });
  }, 30_000);
});

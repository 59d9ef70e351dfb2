/**
 * Scheduled work on the job engine: the cron schedules a worker keeps, and a fire fanned out into
 * one recorded job per study area (idempotent when the fire is retried).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { areasWithEvents } from '../storage/events.ts';
import { BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import { tempFile } from '../test/fixtures.ts';
import { addStudyArea, getStudyArea } from './areas.ts';
import { writeDemoCsv } from './demo.ts';
import { ingestFile } from './ingest.ts';
import { DEFAULT_JOB_ENGINE_SETTINGS, JobEngine } from './job-engine.ts';
import { FORECAST_QUEUE, forecastCron, RETRAIN_AREA_QUEUE, RETRAIN_QUEUE, workJobs } from './jobs.ts';
import { DEFAULT_LIFECYCLE, promoteChallenger } from './model-lifecycle.ts';
import { train } from './training.ts';

const who = { actor: 'test', role: null, ip: null, requestId: null };

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
        timeZone: 'America/Lima',
        lifecycle: {
          ...DEFAULT_LIFECYCLE,
          retrainCron: '0 4 * * 2',
          forecastLeadMinutes: 30,
          promotionDays: 7,
        },
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

  // The fan-out is SQL and engine calls that do not depend on the store: one store runs it.
  it.runIf(backend === 'embedded')(
    'a retraining fire queues one recorded job per area with a champion; each ends done with its area; a retried fire queues none again',
    async () => {
      // Two areas with the same small data set and a champion each; a third registered area
      // with neither data nor champion.
      await addStudyArea(t.db, {
        id: 'callao-b',
        bbox: '-77.20,-12.09,-77.06,-11.80',
        timeZone: 'America/Lima',
      });
      await addStudyArea(t.db, { id: 'vacia', bbox: '-78.6,-0.3,-78.4,-0.1', timeZone: 'America/Guayaquil' });
      const file = tempFile('schedule-fanout.csv', '');
      const demo = { years: 0.6, start: '2024-05-01', annualVolume: 1_000, seed: 5 };
      await writeDemoCsv(await getStudyArea(t.db, 'callao'), demo, file);
      for (const area of ['callao', 'callao-b']) {
        await ingestFile(t.db, { file, adapter: 'sidpol-geo', area, now: Date.UTC(2026, 0, 1) });
        const m = await train(t.db, {
          area,
          group: 'property',
          model: 'naive-counts',
          until: '2024-10-01',
          horizon: 'day',
          audit: who,
        });
        await promoteChallenger(t.db, { challenger: m.model.id, audit: who });
      }
      // The scheduled forecasts' areas: those with located incidents.
      expect(await areasWithEvents(t.db)).toEqual(['callao', 'callao-b']);

      const firedAt = Date.UTC(2024, 10, 15, 9);
      const fire = await engine.send(RETRAIN_QUEUE, { firedAt });
      type Rec = { kind: string; status: string; params: unknown; result: unknown; submittedBy: string };
      const records = () =>
        t.db.query<Rec>(
          `select kind, status, params, result, submitted_by as "submittedBy" from jobs
           where kind = 'retrain' order by params->>'area'`,
        );
      let recs: Rec[] = [];
      for (let i = 0; i < 300 && !(recs.length === 2 && recs.every((r) => r.status === 'done')); i++) {
        await new Promise((r) => setTimeout(r, 100));
        recs = await records();
      }
      const retrained = [
        { group: 'property', horizon: 'day', challenger: expect.any(Number), promoted: expect.any(Boolean) },
      ];
      expect(recs).toEqual(
        ['callao', 'callao-b'].map((area) => ({
          kind: 'retrain',
          status: 'done',
          params: { area, firedAt },
          result: { area, retrained },
          submittedBy: 'scheduler',
        })),
      );
      // Each area's challenger was trained on its own area's data.
      const challengers = await t.db.query<{ area: string }>(
        `select study_area as area from trained_models where trained_via = 'job' order by study_area`,
      );
      expect(challengers).toEqual([{ area: 'callao' }, { area: 'callao-b' }]);

      // The same fire run again (a retry after its worker died): no area is queued twice.
      await t.db.query(`update pgboss.job set state = 'failed' where id = $1`, [fire]);
      await engine.retry(RETRAIN_QUEUE, fire);
      let state = '';
      for (let i = 0; i < 300 && state !== 'completed'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        [{ state = '' } = {}] = await t.db.query<{ state: string }>(
          `select state from pgboss.job where id = $1`,
          [fire],
        );
      }
      expect(state).toBe('completed');
      const [queued] = await t.db.query<{ n: number }>(
        `select count(*)::int as n from pgboss.job where name = $1`,
        [RETRAIN_AREA_QUEUE],
      );
      expect(queued?.n).toBe(2);
      expect(await records()).toHaveLength(2);
    },
    60_000,
  );
});

import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.ts';
import { createMetrics } from '../server/metrics.ts';
import { getForecast } from '../storage/forecasts.ts';
import { BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import { tempFile } from '../test/fixtures.ts';
import { getStudyArea } from './areas.ts';
import { queryAudit } from './audit.ts';
import { writeDemoCsv } from './demo.ts';
import { forecast } from './forecast.ts';
import { domainGauges } from './health.ts';
import { ingestFile } from './ingest.ts';
import {
  DEFAULT_LIFECYCLE,
  forecastNextTurno,
  modelLifecycle,
  promoteChallenger,
  retrainChallenger,
  rollbackChampion,
} from './model-lifecycle.ts';
import { train } from './training.ts';

const who = { actor: 'test', role: null, ip: null, requestId: null };

describe.each(BACKENDS)('model lifecycle on %s', (backend) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(backend);
    const area = await getStudyArea(t.db, 'callao');
    const file = tempFile(`lifecycle-${backend}.csv`, '');
    await writeDemoCsv(area, { years: 1, start: '2024-01-01', annualVolume: 5_000, seed: 5 }, file);
    await ingestFile(t.db, { file, adapter: 'sidpol-geo', area: 'callao', now: Date.UTC(2026, 0, 1) });
  });
  afterAll(async () => {
    await t.drop();
  });

  const base = {
    area: 'callao',
    group: 'property',
    until: '2024-10-01',
    horizon: 'day',
    audit: who,
  } as const;
  const period = { from: '2024-10-01', to: '2024-10-29' };
  /** The lines of vigia_deployed_model_version for area callao, group property (a fresh registry). */
  const deployedVersion = async () => {
    const registry = new Registry();
    const none = async () => [];
    createMetrics(registry, {
      dataFreshness: none,
      domain: () => domainGauges(t.db),
      scored: none,
      drift: none,
      jobs: async () => ({ states: [], recent: [], engine: [], deadLetters: [], oldestQueuedSeconds: [] }),
    });
    const text = await registry.getSingleMetricAsString('vigia_deployed_model_version');
    return text
      .split('\n')
      .filter((l) => l.startsWith('vigia_deployed_model_version{area="callao",group="property"'));
  };
  const forecastModel = async (day: string) => {
    const [f] = await forecast(t.db, {
      area: 'callao',
      day,
      horizon: 'day',
      groups: ['property'],
      model: 'sepp-grid',
      champions: true,
      audit: who,
    });
    const stored = await getForecast(t.db, (f as { id: number }).id);
    return (stored?.modelConfig as { trainedModelId?: number } | undefined)?.trainedModelId;
  };

  it('promotes only a better challenger, with its evidence stored; rollback restores an earlier champion for the next forecasts', async () => {
    const a = (await train(t.db, { ...base, model: 'random', seed: 1 })).model;
    const first = await promoteChallenger(t.db, { challenger: a.id, audit: who });
    expect(first.decision).toBeNull();
    expect(first.champion).toMatchObject({ trainedModelId: a.id, cause: 'first', horizon: 'day' });
    const random1 =
      'vigia_deployed_model_version{area="callao",group="property",horizon="day",model="random"} 1';
    expect(await deployedVersion()).toEqual([random1]);

    // A better challenger (counts of past crime vs random scores) is promoted, with the evidence.
    const b = (await train(t.db, { ...base, model: 'naive-counts' })).model;
    const won = await promoteChallenger(t.db, { challenger: b.id, ...period, audit: who });
    expect(won.decision).toMatchObject({
      decision: 'promoted',
      championId: a.id,
      challengerId: b.id,
      periodFrom: period.from,
      periodTo: period.to,
      metric: 'hitRate@0.05',
      alpha: 0.05,
    });
    const d = won.decision as NonNullable<typeof won.decision>;
    expect(d.windows).toBeGreaterThanOrEqual(5);
    expect(d.difference).toBeGreaterThan(0);
    expect(d.pValue).toBeLessThan(0.05);
    expect(d.intervalLow).toBeGreaterThan(0);
    expect(d.challengerValue as number).toBeGreaterThan(d.championValue as number);
    expect(won.champion).toMatchObject({ trainedModelId: b.id, cause: 'promotion', decisionId: d.id });
    // The metric follows the registry at once (no forecast needed).
    expect(await deployedVersion()).toEqual([
      `vigia_deployed_model_version{area="callao",group="property",horizon="day",model="naive-counts"} ${b.version}`,
    ]);
    expect(await forecastModel('2024-11-05')).toBe(b.id);

    // A worse challenger is kept for comparison; the champion stays.
    const c = (await train(t.db, { ...base, model: 'random', seed: 2 })).model;
    const lost = await promoteChallenger(t.db, { challenger: c.id, ...period, audit: who });
    expect(lost.decision).toMatchObject({ decision: 'kept', championId: b.id, challengerId: c.id });
    expect(lost.decision?.difference).toBeLessThan(0);
    expect(lost.champion.trainedModelId).toBe(b.id);

    // Rollback: the earlier champion is current again and the next forecast uses it; the forecast
    // already stored keeps its model.
    const back = await rollbackChampion(t.db, { to: a.id, audit: who });
    expect(back).toMatchObject({ trainedModelId: a.id, cause: 'rollback' });
    expect(await deployedVersion()).toEqual([random1]);
    expect(await forecastModel('2024-11-06')).toBe(a.id);
    const older = await t.db.query<{ id: number }>(
      `select (model_config->>'trainedModelId')::int as id from forecasts where target_day = '2024-11-05'`,
    );
    expect(older.map((r) => r.id)).toEqual([b.id]);
    // Only an earlier champion can be restored.
    await expect(rollbackChampion(t.db, { to: c.id, audit: who })).rejects.toBeInstanceOf(ValidationError);
    await expect(rollbackChampion(t.db, { to: a.id, audit: who })).rejects.toBeInstanceOf(ValidationError);

    const [life] = await modelLifecycle(t.db, { area: 'callao', group: 'property' });
    expect(life?.champion.id).toBe(a.id);
    expect(life?.history.map((h) => [h.trainedModelId, h.cause])).toEqual([
      [a.id, 'rollback'],
      [b.id, 'promotion'],
      [a.id, 'first'],
    ]);
    expect(life?.challengers.map((m) => m.id)).toEqual([c.id, b.id]);
    expect(life?.decisions.map((x) => x.decision)).toEqual(['kept', 'promoted']);

    const actions = (await queryAudit(t.db, { limit: 200 })).map((e) => e.action);
    for (const act of ['model.champion', 'model.promote', 'model.keep', 'model.rollback'])
      expect(actions).toContain(act);
  });

  it('retrains a challenger with the champion settings on fresher data and decides on the days after its cutoff', async () => {
    const g = { ...base, group: 'violent' };
    const champ = (await train(t.db, { ...g, model: 'naive-counts', settings: { windowDays: 60 } })).model;
    await promoteChallenger(t.db, { challenger: champ.id, audit: who });
    const r = await retrainChallenger(t.db, {
      area: 'callao',
      group: 'violent',
      horizon: 'day',
      day: '2024-11-15',
      audit: who,
    });
    expect(r.challenger).toMatchObject({ kind: 'naive-counts', trainedVia: 'job', horizon: 'day' });
    expect(r.challenger.config).toMatchObject({ windowDays: 60 });
    expect(r.challenger.dataCutoff.getTime()).toBeGreaterThan(champ.dataCutoff.getTime());
    expect(r.outcome?.decision).toMatchObject({
      challengerId: r.challenger.id,
      championId: champ.id,
      periodFrom: '2024-10-18',
      periodTo: '2024-11-15',
    });
    expect(champ.trainedVia).toBe('cli');
  });

  it('forecasts the day of the turno that starts the lead time after now, each group with its turno champion', async () => {
    // A turno champion for extortion only (other tests' champions are for the day horizon).
    const champ = (
      await train(t.db, { ...base, group: 'extorsion', horizon: 'turno', model: 'naive-counts' })
    ).model;
    await promoteChallenger(t.db, { challenger: champ.id, audit: who });
    const trainedOf = async (id: number) =>
      ((await getForecast(t.db, id))?.modelConfig as { trainedModelId?: number } | undefined)?.trainedModelId;
    const run = async (localTime: string, leadMinutes: number) => {
      const out = await forecastNextTurno(t.db, {
        area: 'callao',
        now: Date.parse(`${localTime}-05:00`),
        model: 'naive-counts',
        audit: who,
        settings: { ...DEFAULT_LIFECYCLE, forecastLeadMinutes: leadMinutes },
      });
      const extortion = out.filter((f) => f.group === 'extorsion');
      const others = out.filter((f) => f.group !== 'extorsion');
      return {
        // The first turno's start, in Lima (UTC−5): the day forecast.
        day: new Date(Math.min(...out.map((f) => f.windowStart.getTime())) - 5 * 3_600_000)
          .toISOString()
          .slice(0, 10),
        turnos: extortion.map((f) => f.turno),
        extortion: await Promise.all(extortion.map((f) => trainedOf(f.id))),
        others: await Promise.all(others.map((f) => trainedOf(f.id))),
      };
    };
    // 22:30 in Lima + 60 min is still 5 November (its noche turno): that day, every turno.
    const late = await run('2024-11-05T22:30:00', 60);
    expect(late.day).toBe('2024-11-05');
    expect(late.turnos).toEqual(['madrugada', 'mañana', 'tarde', 'noche']);
    expect(late.extortion).toEqual([champ.id, champ.id, champ.id, champ.id]);
    // The groups without a turno champion are fitted with the given model, no stored model.
    expect(late.others.length).toBeGreaterThan(0);
    expect(late.others.every((id) => id === undefined)).toBe(true);
    // 23:10 + 60 min is the madrugada of 6 November; 22:30 with a 3-hour lead too.
    expect((await run('2024-11-05T23:10:00', 60)).day).toBe('2024-11-06');
    expect((await run('2024-11-05T22:30:00', 180)).day).toBe('2024-11-06');
  });
});

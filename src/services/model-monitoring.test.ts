import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../server/app.ts';
import { BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import { tempFile } from '../test/fixtures.ts';
import { getStudyArea } from './areas.ts';
import { writeDemoCsv } from './demo.ts';
import { forecast } from './forecast.ts';
import { ingestFile } from './ingest.ts';
import { DEFAULT_JOB_ENGINE_SETTINGS, JobEngine } from './job-engine.ts';
import { promoteChallenger } from './model-lifecycle.ts';
import { jobGauges, populationStabilityIndex } from './model-monitoring.ts';
import { train } from './training.ts';

const who = { actor: 'test', role: null, ip: null, requestId: null };

describe('population stability index', () => {
  const seq = (n: number, f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));

  it('is 0 for the same distribution and grows with the shift', () => {
    const base = seq(1000, (i) => i % 100);
    expect(populationStabilityIndex(base, base)).toBeCloseTo(0, 10);
    expect(
      populationStabilityIndex(
        base,
        seq(500, (i) => (i * 2) % 100),
      ),
    ).toBeLessThan(0.01);
    const small = populationStabilityIndex(
      base,
      seq(1000, (i) => (i % 100) + 5),
    );
    const large = populationStabilityIndex(
      base,
      seq(1000, (i) => (i % 100) + 60),
    );
    expect(small).toBeGreaterThan(0);
    expect(small).toBeLessThan(0.25);
    expect(large).toBeGreaterThan(0.25);
  });

  it('bins mostly-zero counts and missing values without dividing by zero', () => {
    const counts = seq(1000, (i) => (i % 10 === 0 ? 1 : 0));
    expect(populationStabilityIndex(counts, counts)).toBeCloseTo(0, 10);
    const busier = populationStabilityIndex(
      counts,
      seq(1000, (i) => (i % 2 === 0 ? 1 : 0)),
    );
    expect(busier).toBeGreaterThan(0.25);
    expect(Number.isFinite(busier)).toBe(true);
    const missing = populationStabilityIndex(
      counts,
      seq(1000, (i) => (i % 2 === 0 ? Number.NaN : 0)),
    );
    expect(missing).toBeGreaterThan(0.25);
    expect(Number.isFinite(missing)).toBe(true);
  });
});

describe.each(BACKENDS)('feature drift of the deployed learned model on /metrics (%s store)', (backend) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(backend);
    const area = await getStudyArea(t.db, 'callao');
    const file = tempFile(`drift-${backend}.csv`, '');
    await writeDemoCsv(area, { years: 0.5, start: '2024-07-01', annualVolume: 4_000, seed: 5 }, file);
    await ingestFile(t.db, { file, adapter: 'sidpol-geo', area: 'callao', now: Date.UTC(2026, 0, 1) });
  });
  afterAll(async () => {
    await t.drop();
  });

  it('counts the job engine jobs per queue and state, and its dead letters', async () => {
    expect((await jobGauges(t.db)).deadLetters).toEqual([]); // before the engine's schema exists
    const engine = new JobEngine(
      t.db,
      { ...DEFAULT_JOB_ENGINE_SETTINGS, retryLimit: 0, pollSeconds: 0.5 },
      { supervise: false },
    );
    try {
      await engine.start(['monitor-test']);
      await engine.work('monitor-test', async () => {
        throw new Error('siempre falla');
      });
      await engine.send('monitor-test', {});
      const deadline = Date.now() + 20_000;
      while ((await engine.failed(10)).length === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
    } finally {
      await engine.stop(5);
    }
    const app = buildApp({ db: t.db, logLevel: 'silent', uploadDir: '/nonexistent' });
    try {
      const base = await app.listen({ host: '127.0.0.1', port: 0 });
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(text).toMatch(/^vigia_jobs_dead_letter\{queue="monitor-test"\} 1$/m);
      expect(text).toMatch(/^vigia_engine_jobs\{queue="monitor-test",state="failed"\} 1$/m);
    } finally {
      await app.close();
    }
  });

  it("exports PSI per feature of the model behind the newest forecast, and the champion's version", async () => {
    const trained = await train(t.db, {
      area: 'callao',
      group: 'property',
      model: 'gbt-grid',
      until: '2024-11-01',
      horizon: 'day',
      settings: { trainDays: 28, iterations: 5, minSamplesLeaf: 20 },
      seed: 1,
      audit: who,
    });
    await promoteChallenger(t.db, { challenger: trained.model.id, audit: who }); // the first champion
    const schema = trained.model.featureSchema as { columns: { name: string }[] };
    expect(schema.columns.length).toBeGreaterThan(5);
    await forecast(t.db, {
      area: 'callao',
      day: '2024-12-20',
      horizon: 'day',
      model: 'gbt-grid',
      trained: trained.model.id,
    });

    const app = buildApp({ db: t.db, logLevel: 'silent', uploadDir: '/nonexistent' });
    try {
      const base = await app.listen({ host: '127.0.0.1', port: 0 });
      const text = await (await fetch(`${base}/metrics`)).text();
      const psi = [
        ...text.matchAll(
          /^vigia_feature_psi\{area="callao",group="property",model="gbt-grid",feature="([^"]+)"\} (\S+)$/gm,
        ),
      ].map((m) => ({ feature: m[1] as string, value: Number(m[2]) }));
      // Every rebuilt column of the stored schema, each a finite, non-negative index.
      expect(psi.length).toBeGreaterThan(5);
      for (const p of psi) {
        expect(schema.columns.map((c) => c.name)).toContain(p.feature);
        expect(Number.isFinite(p.value)).toBe(true);
        expect(p.value).toBeGreaterThanOrEqual(0);
      }
      // Stationary synthetic data: the lagged counts keep their distribution (PSI below 0.25).
      const counts = psi.filter((p) => p.feature.startsWith('count.property.'));
      expect(counts.length).toBeGreaterThan(0);
      for (const p of counts) expect(p.value, p.feature).toBeLessThan(0.25);
      expect(text).toMatch(
        new RegExp(
          `^vigia_deployed_model_version\\{area="callao",group="property",horizon="day",model="gbt-grid"\\} ${trained.model.version}$`,
          'm',
        ),
      );
    } finally {
      await app.close();
    }
  });
});

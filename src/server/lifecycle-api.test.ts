/**
 * Promotion by backtest through HTTP (issue 15): POST /models/promote answers 200 with the stored
 * evidence whatever the backtest decides — a better challenger becomes champion, a worse one is
 * kept — and GET /models/lifecycle shows both decisions; refusals are 400/403 in Spanish. Small
 * models (random scores and counts of past crime) on the seeded API data; both stores. Rolling
 * backtests and briefings as jobs on the server's inline engine, polled through GET /jobs/:id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promotionAnswer } from '../contract/lifecycle.ts';
import { train } from '../services/training.ts';
import { type ApiFixture, call, startApi } from '../test/api.ts';
import { BACKENDS } from '../test/db.ts';

const who = { actor: 'setup', role: null, ip: null, requestId: null };

describe.each(BACKENDS)('model promotion through HTTP (%s store)', (backend) => {
  let f: ApiFixture;
  beforeAll(async () => {
    f = await startApi(backend);
  }, 180_000);
  afterAll(async () => {
    await f?.close();
  });

  it('promotes a better challenger with its evidence, keeps a worse one, and refuses bad requests', async () => {
    // The seeded data runs January to March 2025; the models are cut on 1 March.
    const base = {
      area: 'callao',
      group: 'property',
      until: '2025-03-01',
      horizon: 'day',
      audit: who,
    } as const;
    const random = (await train(f.t.db, { ...base, model: 'random', seed: 1 })).model;
    const counts = (await train(f.t.db, { ...base, model: 'naive-counts' })).model;
    const worse = (await train(f.t.db, { ...base, model: 'random', seed: 2 })).model;
    const promote = (body: unknown, token = f.users.analyst.token) =>
      call(f, 'POST', '/api/v1/models/promote', { token, body });

    // No champion yet: the first model proposed becomes it, no backtest.
    const first = await promote({ challenger: random.id });
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({
      decision: null,
      champion: { trainedModelId: random.id, cause: 'first' },
    });

    // Better: promoted, with the evidence of the paired backtest.
    const won = await promote({ challenger: counts.id, from: '2025-03-01', to: '2025-03-29' });
    expect(won.status, won.text).toBe(200);
    const w = promotionAnswer.parse(won.body);
    expect(w.decision).toMatchObject({
      decision: 'promoted',
      championId: random.id,
      challengerId: counts.id,
      periodFrom: '2025-03-01',
      periodTo: '2025-03-29',
      metric: 'hitRate@0.05',
      alpha: 0.05,
      // A token's actor: "token:N (username)".
      createdBy: expect.stringContaining(f.users.analyst.username),
    });
    const d = w.decision as NonNullable<typeof w.decision>;
    expect(d.windows).toBeGreaterThanOrEqual(5);
    expect(d.difference).toBeGreaterThan(0);
    expect(d.pValue as number).toBeLessThan(0.05);
    expect(d.intervalLow as number).toBeGreaterThan(0);
    expect(d.intervalHigh as number).toBeGreaterThanOrEqual(d.intervalLow as number);
    expect(d.reason).toMatch(/pasa a campeón$/);
    expect(w.champion).toMatchObject({ trainedModelId: counts.id, cause: 'promotion', decisionId: d.id });

    // Worse (default period: the days after the later cutoff): kept, the champion stays.
    const lost = await promote({ challenger: worse.id });
    expect(lost.status, lost.text).toBe(200);
    const l = promotionAnswer.parse(lost.body);
    expect(l.decision).toMatchObject({ decision: 'kept', championId: counts.id, challengerId: worse.id });
    expect(l.decision?.difference).toBeLessThan(0);
    expect(l.decision?.reason).toMatch(/se conserva el campeón$/);
    expect(l.champion.trainedModelId).toBe(counts.id);

    // The lifecycle shows the champion and both decisions, newest first.
    const life = await call(f, 'GET', '/api/v1/models/lifecycle?group=property', {
      token: f.users.researcher.token,
    });
    expect(life.status, life.text).toBe(200);
    const entry = (
      life.body as {
        entries: {
          horizon: string;
          champion: { id: number };
          decisions: { id: number; decision: string }[];
        }[];
      }
    ).entries.find((e) => e.horizon === 'day');
    expect(entry?.champion.id).toBe(counts.id);
    expect(entry?.decisions.map((x) => [x.id, x.decision])).toEqual([
      [l.decision?.id, 'kept'],
      [d.id, 'promoted'],
    ]);

    // Refusals, in Spanish: the champion itself; a role that may only read; an unknown model.
    const again = await promote({ challenger: counts.id });
    expect(again.status).toBe(400);
    expect(again.text).toContain('ya es el campeón');
    expect((await promote({ challenger: worse.id }, f.users.planner.token)).status).toBe(403);
    expect((await promote({ challenger: 999_999 })).status).toBe(404);

    // Audited with the actor: the promotion and the kept challenger.
    const rows = await f.t.db.query<{ action: string }>(
      `select action from audit_log where actor = $1 and action in ('model.promote', 'model.keep', 'model.champion') order by seq`,
      [d.createdBy],
    );
    expect(rows.map((r) => r.action)).toEqual(['model.champion', 'model.promote', 'model.keep']);
  }, 180_000);

  it('runs a rolling backtest and a committee briefing as jobs: 202, polled until done, the stored report and draft exist; other roles are refused', async () => {
    const token = f.users.analyst.token;
    const done = async (id: number) => {
      let job = { status: 'queued' } as { status: string; kind: string; result: Record<string, unknown> };
      for (let i = 0; i < 300 && ['queued', 'running'].includes(job.status); i++) {
        await new Promise((r) => setTimeout(r, 100));
        const r = await call(f, 'GET', `/api/v1/jobs/${id}`, { token });
        expect(r.status, r.text).toBe(200);
        job = (r.body as { job: typeof job }).job;
      }
      return job;
    };
    const bt = await call(f, 'POST', '/api/v1/jobs/backtests', {
      token,
      body: { group: 'property', from: '2025-03-20', to: '2025-03-24', models: ['retro-hotspot'] },
    });
    expect(bt.status, bt.text).toBe(202);
    const btJob = (bt.body as { job: { id: number; kind: string; params: unknown } }).job;
    expect(btJob).toMatchObject({ kind: 'backtest', params: { area: 'callao', from: '2025-03-20' } });
    const brief = await call(f, 'POST', '/api/v1/jobs/briefings', {
      token,
      body: { kind: 'briefing', district: '070101', from: '2025-03-01', to: '2025-03-31' },
    });
    expect(brief.status, brief.text).toBe(202);
    const briefJob = (brief.body as { job: { id: number } }).job;

    const b = await done(btJob.id);
    expect(b).toMatchObject({ kind: 'backtest', status: 'done', result: { windows: 4 } });
    const report = await call(f, 'GET', `/api/v1/backtests/${b.result.backtestId}`, { token });
    expect(report.status, report.text).toBe(200);
    expect((report.body as { models: { name: string }[] }).models.map((m) => m.name)).toContain(
      'retro-hotspot',
    );

    const d = await done(briefJob.id);
    expect(d).toMatchObject({ kind: 'briefing', status: 'done', result: { kind: 'briefing' } });
    const text = await call(f, 'GET', `/api/v1/texts/${d.result.textId}`, { token });
    expect(text.status, text.text).toBe(200);
    // The submitter is the draft's generator (another person must approve it).
    expect(text.body).toMatchObject({ text: { kind: 'briefing', generatedBy: f.users.analyst.username } });

    // Who may not run them synchronously may not queue them, nor read the records.
    for (const role of ['planner', 'official', 'officer', 'researcher', 'community'] as const) {
      const other = f.users[role].token;
      expect((await call(f, 'POST', '/api/v1/jobs/backtests', { token: other, body: {} })).status).toBe(403);
      expect((await call(f, 'POST', '/api/v1/jobs/briefings', { token: other, body: {} })).status).toBe(403);
      expect((await call(f, 'GET', `/api/v1/jobs/${btJob.id}`, { token: other })).status).toBe(403);
    }
    const missing = await call(f, 'GET', '/api/v1/jobs/999999', { token });
    expect(missing.status).toBe(404);
    expect(missing.text).toContain('No existe el trabajo 999999');
    const bad = await call(f, 'POST', '/api/v1/jobs/backtests', {
      token,
      body: { from: '2025-03-24', to: '2025-03-20' },
    });
    expect(bad.status).toBe(400);
    // The submissions are audited with the caller.
    const audited = await f.t.db.query<{ action: string; target: string }>(
      `select action, target from audit_log where action in ('backtest.submit', 'briefing.submit') order by seq`,
    );
    expect(audited).toEqual([
      { action: 'backtest.submit', target: `job:${btJob.id}` },
      { action: 'briefing.submit', target: `job:${briefJob.id}` },
    ]);
  }, 120_000);
});

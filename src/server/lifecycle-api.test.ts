/**
 * Promotion by backtest through HTTP (issue 15): POST /models/promote answers 200 with the stored
 * evidence whatever the backtest decides — a better challenger becomes champion, a worse one is
 * kept — and GET /models/lifecycle shows both decisions; refusals are 400/403 in Spanish. Small
 * models (random scores and counts of past crime) on the seeded API data; both stores.
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
});

/**
 * The statistics routes' cost bounds, on both stores: cached aggregates equal the direct SQL for
 * several filters, are served from the cache until an ingest batch finishes (then recomputed), and
 * one user's concurrent aggregate requests beyond the limit answer 429 in Spanish with Retry-After.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimitedError } from '../core/errors.ts';
import { cachedStats, cachedTurnoCounts, clearAggregateCache } from '../services/aggregate-cache.ts';
import { getStudyArea } from '../services/areas.ts';
import { ingestFile } from '../services/ingest.ts';
import { buildFilter, type FilterParams } from '../services/queries.ts';
import { incidentStats, turnoCounts } from '../storage/incidents.ts';
import { type ApiFixture, call, startApi, UPLOAD_FIXTURE } from '../test/api.ts';
import { BACKENDS } from '../test/db.ts';
import { aggregateLimiter } from './aggregate-limit.ts';

type Trends = { series: { district: string | null; points: { month: string; count: number | null }[] }[] };
const areaTotal = (t: Trends): number =>
  (t.series.find((s) => s.district === null)?.points ?? []).reduce((a, p) => a + (p.count ?? 0), 0);

describe('aggregateLimiter', () => {
  it('lets each user run at most N at once and frees the slot when one ends', async () => {
    const limited = aggregateLimiter(2);
    let release = (): void => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const a = limited(1, () => gate);
    const b = limited(1, () => gate);
    const refused = await limited(1, async () => 'ran').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).retryAfterSeconds).toBe(1);
    expect((refused as Error).message).toMatch(/consultas de estadísticas en curso/);
    expect(await limited(2, async () => 'other user')).toBe('other user');
    release();
    await Promise.all([a, b]);
    expect(await limited(1, async () => 'again')).toBe('again');
  });
});

describe.each(BACKENDS)('aggregate routes: cache and cost limit (%s store)', (backend) => {
  let f: ApiFixture;
  beforeAll(async () => {
    f = await startApi(backend, { aggregateConcurrencyPerUser: 1 });
  }, 120_000);
  afterAll(async () => {
    await f?.close();
  });

  it('cached stats and turno counts equal the direct SQL for several filters, first and second read', async () => {
    const area = await getStudyArea(f.t.db, 'callao');
    const tz = area.def.timeZone;
    const cases: FilterParams[] = [
      { area: 'callao' },
      { area: 'callao', districts: ['070101'] },
      { area: 'callao', group: 'property' },
      { area: 'callao', from: '2025-02-01', to: '2025-02-28', categories: ['robo', 'hurto'] },
      { area: 'callao', type: 'robo', source: 'sidpol-geo' },
    ];
    for (const p of cases) {
      for (const excludeRestricted of [false, true]) {
        const filter = { ...buildFilter(p, area, ''), ...(excludeRestricted ? { excludeRestricted } : {}) };
        const direct = await incidentStats(f.t.db, filter, tz);
        expect(await cachedStats(f.t.db, filter, tz)).toEqual(direct);
        expect(await cachedStats(f.t.db, filter, tz)).toEqual(direct);
        const turnos = await turnoCounts(f.t.db, filter);
        expect(await cachedTurnoCounts(f.t.db, filter)).toEqual(turnos);
        expect(await cachedTurnoCounts(f.t.db, filter)).toEqual(turnos);
      }
    }
    // The filters really differ (not one cached answer for all).
    const whole = await cachedStats(f.t.db, buildFilter({ area: 'callao' }, area, ''), tz);
    const one = await cachedStats(
      f.t.db,
      buildFilter({ area: 'callao', districts: ['070101'] }, area, ''),
      tz,
    );
    expect(one.length).toBeGreaterThan(0);
    expect(one.length).toBeLessThan(whole.length);
  });

  it('serves trends from the cache until an ingest batch finishes, then the new numbers', async () => {
    clearAggregateCache(f.t.db);
    const analyst = f.users.analyst.token;
    const read = async (): Promise<number> => {
      const r = await call(f, 'GET', '/api/v1/stats/trends', { token: analyst });
      expect(r.status).toBe(200);
      return areaTotal(r.body as Trends);
    };
    const before = await read();
    expect(before).toBeGreaterThan(0);
    // A row written behind ingest's back (no batch finishes): the cached answer stays.
    await f.t.db.query(
      `insert into incidents (source, external_id, study_area, batch_id, occurred_at, time_precision,
         geo_quality, category, channel, restricted)
       values ('prueba', 'x-1', 'callao', 0, '2025-02-10T15:00:00Z', 'exact', 'missing', 'robo', 'reported', false)`,
    );
    expect(await read()).toBe(before);
    // A finished ingest batch changes the data version: everything is counted again.
    const report = await ingestFile(f.t.db, { file: UPLOAD_FIXTURE, adapter: 'sidpol-geo', area: 'callao' });
    expect(report.accepted).toBeGreaterThan(0);
    expect(await read()).toBe(before + 1 + report.accepted);
  });

  it("keeps each view's answer apart: one URL, asked in turn by every role, is answered in each one's view", async () => {
    clearAggregateCache(f.t.db);
    const url = '/api/v1/stats?from=2025-01-01&to=2025-03-31';
    const ask = async (role: 'analyst' | 'officer' | 'community') => {
      const r = await call(f, 'GET', url, { token: f.users[role].token });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^application\/json/);
      return r.body as { view: string; rows: { count: number | null }[] };
    };
    const total = (b: { rows: { count: number | null }[] }): number =>
      b.rows.reduce((a, r) => a + (r.count ?? 0), 0);
    const first = {
      full: await ask('analyst'),
      exact: await ask('officer'),
      suppressed: await ask('community'),
    };
    // Twice round, interleaved: the second answers come from the cache and still match their view.
    for (const [view, role] of [
      ['suppressed', 'community'],
      ['exact', 'officer'],
      ['full', 'analyst'],
    ] as const) {
      const again = await ask(role);
      expect(again.view).toBe(view);
      expect(again).toEqual(first[view]);
    }
    // The views really differ here (restricted rows, withheld cells).
    expect(total(first.full)).toBeGreaterThan(total(first.exact));
    expect(total(first.exact)).toBeGreaterThan(total(first.suppressed));
  });

  it('answers 429 in Spanish with Retry-After beyond the per-user limit, and not to other users', async () => {
    const analyst = f.users.analyst.token;
    const paths = ['/api/v1/stats/trends', '/api/v1/stats', '/api/v1/stats/turnos'];
    // Distinct filters: each one a cache miss that holds the user's one slot for a while.
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        call(f, 'GET', `${paths[i % 3]}?from=2025-01-${String(i + 1).padStart(2, '0')}`, { token: analyst }),
      ),
    );
    const refused = answers.filter((a) => a.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThan(0);
    expect(answers.every((a) => a.status === 200 || a.status === 429)).toBe(true);
    for (const r of refused) {
      expect(r.headers.get('retry-after')).toBe('1');
      expect(r.body).toMatchObject({
        error: {
          code: 'RATE_LIMITED',
          message: expect.stringMatching(/^Ya tiene \d+ consultas de estadísticas/),
        },
      });
    }
    // Once they are done, the same user is served again; another user was never limited by them.
    expect((await call(f, 'GET', '/api/v1/stats/trends', { token: analyst })).status).toBe(200);
    expect((await call(f, 'GET', '/api/v1/stats/trends', { token: f.users.admin.token })).status).toBe(200);
  });
});

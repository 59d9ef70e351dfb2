/**
 * The contract (src/contract/api.ts) against the real server on a port: every route of the
 * permission table, called as every role that may, answers JSON that its schema accepts with no
 * unknown key at any depth; refusals answer the error body; OpenAPI documents every route's
 * answers; and a schema with one field changed fails on a real answer (the test bites).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CONTRACT, errorBody, type RouteKey, trends } from '../contract/api.ts';
import { ROLE_SCOPES, ROLES } from '../core/access.ts';
import { forecast } from '../services/forecast.ts';
import { getForecast } from '../storage/forecasts.ts';
import { type ApiFixture, call, loginAs, startApi, TEST_PASSWORD, uploadForm } from '../test/api.ts';
import { example } from '../test/route-examples.ts';
import { PERMISSIONS, PUBLIC_ROUTES } from './permissions.ts';

/** The schema with every object strict, at every depth (unknown keys fail). */
function strict(s: z.ZodType): z.ZodType {
  if (s instanceof z.ZodObject)
    return z.strictObject(
      Object.fromEntries(Object.entries(s.shape).map(([k, v]) => [k, strict(v as z.ZodType)])),
    );
  if (s instanceof z.ZodArray) return z.array(strict(s.element as z.ZodType));
  if (s instanceof z.ZodNullable) return strict(s.unwrap() as z.ZodType).nullable();
  if (s instanceof z.ZodOptional) return strict(s.unwrap() as z.ZodType).optional();
  if (s instanceof z.ZodUnion) return z.union((s.options as z.ZodType[]).map(strict));
  if (s instanceof z.ZodRecord) return z.record(s.keyType, strict(s.valueType as z.ZodType));
  if (s instanceof z.ZodTuple) return z.tuple((s.def.items as z.ZodType[]).map(strict) as [z.ZodType]);
  return s;
}

/** Checks an answer against the route's schema for its status; returns the problems. */
function problems(key: RouteKey, status: number, body: unknown, contentType: string | null): string[] {
  const declared = (CONTRACT[key] as Record<number, unknown>)[status];
  if (status >= 400) {
    const r = strict(errorBody).safeParse(body);
    return r.success ? [] : [`${key} ${status}: ${z.prettifyError(r.error)}`];
  }
  if (declared === undefined) return [`${key}: status ${status} is not in the contract`];
  if (!(declared instanceof z.ZodType)) {
    // A document (PDF): its content type is the contract.
    const types = Object.keys((declared as { content: Record<string, unknown> }).content);
    return types.some((t) => contentType?.startsWith(t)) ? [] : [`${key}: ${contentType} not in ${types}`];
  }
  if (status === 204) return body === '' ? [] : [`${key}: 204 with a body`];
  const r = strict(declared).safeParse(body);
  return r.success ? [] : [`${key} ${status}: ${z.prettifyError(r.error)}`];
}

describe('the API contract (embedded store)', () => {
  let f: ApiFixture;
  let jobId: number;
  beforeAll(async () => {
    f = await startApi('embedded');
    const up = await call(f, 'POST', '/api/v1/ingest/jobs?format=sidpol-geo', {
      token: f.users.analyst.token,
      form: uploadForm(),
    });
    jobId = (up.body as { job: { id: number } }).job.id;
    await f.app.ingestQueue.idle();
  }, 120_000);
  afterAll(async () => {
    await f?.close();
  });

  it('has a schema for every route the server registers, and OpenAPI documents them', async () => {
    expect(Object.keys(CONTRACT).sort()).toEqual([...Object.keys(PERMISSIONS), ...PUBLIC_ROUTES].sort());
    const doc = (await call(f, 'GET', '/openapi.json')).body as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    for (const key of Object.keys(CONTRACT)) {
      const [method, url] = key.split(' ') as [string, string];
      const op = doc.paths[url.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];
      expect(op, key).toBeDefined();
      for (const status of [...Object.keys(CONTRACT[key as RouteKey]), '4XX', '5XX'])
        expect(
          Object.keys(op?.responses ?? {}).map((s) => s.toUpperCase()),
          key,
        ).toContain(status);
    }
  });

  it('every allowed role gets answers its schema accepts strictly; refused roles get the error body', async () => {
    const found: string[] = [];
    let checked = 0;
    // Routes without a contract fail the test above; here every route that has one is called.
    const routes = Object.entries(PERMISSIONS).filter(([key]) => key in CONTRACT);
    for (const [key, rule] of routes)
      for (const role of ROLES) {
        const [method] = key.split(' ');
        const ex = await example(f, key, role, jobId);
        const r = await call(f, method as string, ex.path, {
          token: f.users[role].token,
          ...(ex.body !== undefined ? { body: ex.body } : {}),
          ...(ex.form ? { form: ex.form } : {}),
        });
        const allowed = rule.roles[role] !== undefined && ROLE_SCOPES[role].includes(rule.scope);
        if (allowed) expect(r.status, `${role} ${key}: ${r.text.slice(0, 300)}`).toBeLessThan(500);
        else expect(r.status, `${role} ${key}`).toBe(403);
        found.push(...problems(key as RouteKey, r.status, r.body, r.headers.get('content-type')));
        checked++;
      }
    // The other forms: GeoJSON forecasts, backtest documents.
    const analyst = { token: f.users.analyst.token };
    for (const [key, path] of [
      ['GET /api/v1/forecasts/:id', `/api/v1/forecasts/${f.forecastId}?format=geojson`],
      [
        'GET /api/v1/forecasts/current',
        '/api/v1/forecasts/current?group=property&turno=noche&format=geojson',
      ],
    ] as const) {
      const r = await call(f, 'GET', path, analyst);
      expect(r.status, path).toBe(200);
      found.push(...problems(key, r.status, r.body, null));
    }
    // Unauthenticated: the error body.
    const anon = await call(f, 'GET', '/api/v1/stats');
    expect(anon.status).toBe(401);
    found.push(...problems('GET /api/v1/stats', anon.status, anon.body, null));
    await f.app.ingestQueue.idle();
    expect(found).toEqual([]);
    expect(checked).toBe(routes.length * ROLES.length);
  }, 150_000);

  it('the public routes answer their schemas: login, the session with and without a cookie', async () => {
    const login = await call(f, 'POST', '/api/v1/auth/login', {
      body: { username: f.users.planner.username, password: TEST_PASSWORD },
    });
    const s = await loginAs(f, f.users.planner.username);
    const withCookie = await call(f, 'GET', '/api/v1/auth/session', { headers: { cookie: s.cookie } });
    const without = await call(f, 'GET', '/api/v1/auth/session');
    const bad = await call(f, 'POST', '/api/v1/auth/login', { body: { username: 'x', password: 'y' } });
    expect([login.status, withCookie.status, without.status, bad.status]).toEqual([200, 200, 200, 401]);
    expect([
      ...problems('POST /api/v1/auth/login', login.status, login.body, null),
      ...problems('GET /api/v1/auth/session', withCookie.status, withCookie.body, null),
      ...problems('GET /api/v1/auth/session', without.status, without.body, null),
      ...problems('POST /api/v1/auth/login', bad.status, bad.body, null),
    ]).toEqual([]);
  });

  it("the cell panel's answer with the model's components (ETAS split, tree features) matches its schema", async () => {
    // A day before the fixture's, so that the current forecasts stay the fixture's own.
    const found: string[] = [];
    const kinds: string[] = [];
    for (const [model, config] of [
      ['sepp-grid', {}],
      ['gbt-grid', { trainDays: 14, iterations: 5, minSamplesLeaf: 20 }],
    ] as const) {
      const [stored] = await forecast(f.t.db, {
        area: 'callao',
        day: '2025-03-28',
        horizon: 'day',
        groups: ['property'],
        model,
        config,
      });
      const surface = (await getForecast(f.t.db, (stored as { id: number }).id))?.surface;
      const values = Array.from(surface?.values ?? [], Number);
      const top = values.reduce((b, v, c) => (v > (values[b] as number) ? c : b), 0);
      const r = await call(f, 'GET', `/api/v1/forecasts/${stored?.id}/cells/${top}/why`, {
        token: f.users.analyst.token,
      });
      expect(r.status).toBe(200);
      kinds.push((r.body as { components: { kind: string } | null }).components?.kind ?? 'null');
      found.push(...problems('GET /api/v1/forecasts/:id/cells/:cell/why', r.status, r.body, null));
    }
    expect(kinds).toEqual(['etas', 'features']);
    expect(found).toEqual([]);
  }, 120_000);

  it('bites: a schema with one field changed, or one field missing, fails on a real answer', async () => {
    const r = await call(f, 'GET', '/api/v1/stats/trends', { token: f.users.analyst.token });
    expect(strict(trends).safeParse(r.body).success).toBe(true);
    const changed = trends.extend({ view: z.literal('exact') });
    const renamed = trends.extend({ area: z.number() });
    const { series: _series, ...missing } = trends.shape;
    expect(strict(changed).safeParse(r.body).success).toBe(false);
    expect(strict(renamed).safeParse(r.body).success).toBe(false);
    // A field the answer has but the schema lacks: an unknown key, refused.
    expect(strict(z.object(missing)).safeParse(r.body).success).toBe(false);
  });
});

/**
 * An answer that drifts from its contract schema, on a real port: with the production default
 * (VIGIA_CONTRACT_DRIFT=log) the answer goes out unchanged and the drift is logged with the route;
 * with 'fail' (the tests' setting) it is a 500 with the error body and no internals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEFAULT_HTTP_SETTINGS } from '../config/env.ts';
import { createTestDb, type TestDb } from '../test/db.ts';
import { buildApp, type VigiaApp } from './app.ts';

/** A route whose schema says `count` is a string while the handler answers a number. */
function addDriftingRoute(app: VigiaApp): void {
  app.get(
    '/test/drift',
    { schema: { response: { 200: z.object({ area: z.string(), count: z.string() }) } } },
    async () => ({ area: 'callao', count: 7 }) as unknown as { area: string; count: string },
  );
  app.get(
    '/test/fits',
    { schema: { response: { 200: z.object({ area: z.string(), count: z.number() }) } } },
    async () => ({ area: 'callao', count: 7 }),
  );
}

describe('contract drift (embedded store)', () => {
  let t: TestDb;
  const apps: VigiaApp[] = [];
  const logs: Record<string, unknown>[] = [];
  let logBase: string;
  let failBase: string;
  beforeAll(async () => {
    t = await createTestDb('embedded');
    const logging = buildApp({
      db: t.db,
      uploadDir: '/nonexistent',
      logLevel: 'info',
      logStream: { write: (line) => logs.push(JSON.parse(line) as Record<string, unknown>) },
    });
    const failing = buildApp({
      db: t.db,
      logLevel: 'silent',
      uploadDir: '/nonexistent',
      http: { contractDrift: 'fail' },
    });
    for (const app of [logging, failing]) {
      addDriftingRoute(app);
      apps.push(app);
    }
    logBase = await logging.listen({ host: '127.0.0.1', port: 0 });
    failBase = await failing.listen({ host: '127.0.0.1', port: 0 });
  }, 120_000);
  afterAll(async () => {
    for (const app of apps) await app.close();
    await t?.drop();
  });

  it('production default: logs the drift with the route and sends the answer as the handler made it', async () => {
    expect(DEFAULT_HTTP_SETTINGS.contractDrift).toBe('log');
    const r = await fetch(`${logBase}/test/drift`);
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('{"area":"callao","count":7}');
    const drift = logs.filter((l) => l.route === 'GET /test/drift');
    expect(drift).toHaveLength(1);
    expect(drift[0]).toMatchObject({ level: 50, status: '200' });
    expect(drift[0]?.problems).toEqual([expect.stringMatching(/^count: /)]);
    // Then one answer in 100 is checked: the next 99 send without a check, the 101st is checked again.
    for (let i = 0; i < 99; i++) expect((await fetch(`${logBase}/test/drift`)).status).toBe(200);
    expect(logs.filter((l) => l.route === 'GET /test/drift')).toHaveLength(1);
    await fetch(`${logBase}/test/drift`);
    expect(logs.filter((l) => l.route === 'GET /test/drift')).toHaveLength(2);
    // An answer that fits logs nothing.
    expect(await (await fetch(`${logBase}/test/fits`)).json()).toEqual({ area: 'callao', count: 7 });
    expect(logs.filter((l) => l.route === 'GET /test/fits')).toEqual([]);
  });

  it("'fail': the drift is a 500 with the error body, no internals", async () => {
    const r = await fetch(`${failBase}/test/drift`);
    expect(r.status).toBe(500);
    const body = (await r.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBeTypeOf('string');
    expect(JSON.stringify(body)).not.toContain('callao');
    expect((await fetch(`${failBase}/test/fits`)).status).toBe(200);
  });
});

import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../core/errors.ts';
import { ingestFile } from '../services/ingest.ts';
import { BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import { buildApp } from './app.ts';

const FIXTURE = fileURLToPath(new URL('../ingest/sources/test/sidpol-geo-fixture.csv', import.meta.url));

describe.each(BACKENDS)('HTTP server on a real port (%s store)', (backend) => {
  let t: TestDb;
  let app: FastifyInstance;
  let base: string;
  beforeAll(async () => {
    t = await createTestDb(backend);
    app = buildApp({ db: t.db, logLevel: 'silent', uploadDir: '/nonexistent' });
    // Test-only routes that fail in the two ways a route can fail.
    app.get('/test/missing/:id', async () => {
      throw new NotFoundError('No existe el incidente de prueba');
    });
    app.get('/test/crash', async () => {
      throw new Error('SELECT secret FROM internals at /srv/vigia/src/x.ts:12');
    });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  it('answers health and readiness, with a request id', async () => {
    const h = await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'req-42' } });
    expect(h.status).toBe(200);
    expect(h.headers.get('x-request-id')).toBe('req-42');
    expect(await h.json()).toEqual({ status: 'ok' });
    const r = await fetch(`${base}/readyz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ ready: true });
  });

  it('is not ready while a migration is missing', async () => {
    await t.db.query('delete from schema_migrations where version = 2');
    try {
      const r = await fetch(`${base}/readyz`);
      expect(r.status).toBe(503);
      expect(await r.json()).toMatchObject({ ready: false, reason: 'migraciones pendientes' });
    } finally {
      await t.db.query(
        `insert into schema_migrations (version, name, checksum) values (2, 'forecasts', 'x')`,
      );
    }
  });

  it('maps errors in one place and leaks no internals', async () => {
    const nf = await fetch(`${base}/test/missing/7`);
    expect(nf.status).toBe(404);
    expect(await nf.json()).toEqual({
      error: { code: 'NOT_FOUND', message: 'No existe el incidente de prueba' },
    });
    const crash = await fetch(`${base}/test/crash`);
    expect(crash.status).toBe(500);
    const body = await crash.text();
    expect(body).not.toMatch(/secret|internals|srv/);
    expect(JSON.parse(body)).toMatchObject({ error: { code: 'INTERNAL' } });
    const unknown = await fetch(`${base}/nope?x=1`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({
      error: { code: 'NOT_FOUND', message: 'Ruta no encontrada: GET /nope' },
    });
  });

  it('exposes Prometheus metrics labelled by route template, never by raw path', async () => {
    await fetch(`${base}/test/missing/123`);
    await fetch(`${base}/test/missing/456`);
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(
      /vigia_http_requests_total\{method="GET",route="\/test\/missing\/:id",status="404"\} [2-9]/,
    );
    expect(text).not.toContain('/test/missing/123');
    expect(text).toContain('vigia_process_cpu_user_seconds_total');
    expect(text).toContain('vigia_http_request_duration_seconds_bucket');
  });

  it('reports data freshness per study area', async () => {
    await ingestFile(t.db, {
      file: FIXTURE,
      adapter: 'sidpol-geo',
      area: 'callao',
      now: Date.UTC(2026, 0, 1),
    });
    const text = await (await fetch(`${base}/metrics`)).text();
    // The fixture's newest incident: 2024-03-14 09:30 in Lima = 14:30 UTC.
    expect(text).toContain(
      `vigia_data_latest_incident_timestamp_seconds{area="callao"} ${Date.UTC(2024, 2, 14, 14, 30) / 1000}`,
    );
  });

  it('readiness tells the data age and never a path, address or database name, in every state', async () => {
    const dbName = new URL(t.url).pathname.slice(1);
    const clean = (body: string) => {
      expect(body).not.toMatch(/[/\\]|127\.0\.0\.1|localhost|postgres|vigia_t_/);
      expect(body).not.toContain(dbName);
    };
    // Ready, with the fixture loaded (newest incident 14/03/2024): stale under the default 7 days.
    await ingestFile(t.db, {
      file: FIXTURE,
      adapter: 'sidpol-geo',
      area: 'callao',
      now: Date.UTC(2026, 0, 1),
    });
    const ready = await fetch(`${base}/readyz`);
    const readyBody = await ready.text();
    clean(readyBody);
    expect(ready.status).toBe(200);
    expect(JSON.parse(readyBody)).toMatchObject({
      ready: true,
      database: 'server',
      data: { area: 'callao', newestDay: '2024-03-14', stale: true, staleAfterDays: 7 },
    });
    // A migration missing.
    await t.db.query('delete from schema_migrations where version = 2');
    try {
      const r = await fetch(`${base}/readyz`);
      expect(r.status).toBe(503);
      clean(await r.text());
    } finally {
      await t.db.query(
        `insert into schema_migrations (version, name, checksum) values (2, 'forecasts', 'x')`,
      );
    }
    // The database gone: a server on its own database, which is then dropped under it.
    const gone = await createTestDb(backend);
    const app2 = buildApp({ db: gone.db, logLevel: 'silent', uploadDir: '/nonexistent' });
    try {
      const base2 = await app2.listen({ host: '127.0.0.1', port: 0 });
      const admin = new URL(gone.url);
      const goneName = admin.pathname.slice(1);
      admin.pathname = '/postgres';
      const c = new pg.Client({ connectionString: admin.toString() });
      await c.connect();
      await c.query(`drop database ${goneName} with (force)`);
      await c.end();
      const r = await fetch(`${base2}/readyz`);
      const body = await r.text();
      expect(r.status).toBe(503);
      expect(JSON.parse(body)).toMatchObject({ ready: false, reason: 'la base de datos no responde' });
      clean(body);
      expect(body).not.toContain(goneName);
    } finally {
      await app2.close();
      await gone.drop();
    }
  });
});

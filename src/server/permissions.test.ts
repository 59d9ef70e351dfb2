/**
 * The permission table against the real server on a real port, on both stores: every role × every
 * API route, through a login session (cookie + CSRF) and through an API token, expecting the status
 * the table implies; then the field rules (what each view shows).
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_SCOPES, ROLES, type Role, SMALL_COUNT_THRESHOLD } from '../core/access.ts';
import { createToken } from '../services/accounts.ts';
import { type ApiFixture, call, loginAs, type Session, startApi, uploadForm } from '../test/api.ts';
import { BACKENDS } from '../test/db.ts';
import { example, expectedOk } from '../test/route-examples.ts';
import { findPii } from '../text/redact.ts';
import { PERMISSIONS, PUBLIC_ROUTES } from './permissions.ts';

/** A top-level field each read route's answer has (the shape check of the walk). */
const SHAPES: Record<string, string> = {
  'GET /api/v1/auth/me': 'user',
  'GET /api/v1/areas': 'areas',
  'GET /api/v1/districts': 'features',
  'GET /api/v1/models': 'models',
  'GET /api/v1/ui': 'tiles',
  'GET /api/v1/advice': 'categories',
  'GET /api/v1/stats': 'rows',
  'GET /api/v1/stats/trends': 'series',
  'GET /api/v1/stats/turnos': 'turnos',
  'GET /api/v1/incidents': 'items',
  'GET /api/v1/forecasts': 'forecasts',
  'GET /api/v1/forecasts/current': 'risk',
  'GET /api/v1/forecasts/days': 'days',
  'GET /api/v1/forecasts/:id': 'risk',
  'GET /api/v1/forecasts/:id/hotspots': 'hotspots',
  'GET /api/v1/forecasts/:id/cells/:cell/why': 'reading',
  'GET /api/v1/hotspots/persistence': 'risk',
  'GET /api/v1/hotspots/emerging': 'cellClasses',
  'GET /api/v1/crime-types': 'types',
  'GET /api/v1/narratives/quality': 'flags',
  'GET /api/v1/backtests': 'reports',
  'GET /api/v1/models/lifecycle': 'entries',
  'POST /api/v1/models/promote': 'champion',
  'POST /api/v1/models/rollback': 'champion',
  'POST /api/v1/texts': 'text',
  'GET /api/v1/texts': 'texts',
  'GET /api/v1/texts/:id': 'text',
  'PATCH /api/v1/texts/:id': 'text',
  'POST /api/v1/texts/:id/review': 'text',
  'GET /api/v1/texts/:id/pdf': '%PDF-',
  'GET /api/v1/backtests/:id': 'models',
  'GET /api/v1/ingest/jobs': 'jobs',
  'GET /api/v1/ingest/jobs/:id': 'job',
  'GET /api/v1/ingest/jobs/:id/rejects': 'rejects',
  'GET /api/v1/jobs/failed': 'jobs',
  'POST /api/v1/jobs/failed/:id/retry': 'retried',
  'POST /api/v1/jobs/backtests': 'job',
  'POST /api/v1/jobs/briefings': 'job',
  'GET /api/v1/jobs/:id': 'job',
  'GET /api/v1/tokens': 'tokens',
  'GET /api/v1/users': 'users',
  'GET /api/v1/audit': 'entries',
  'POST /api/v1/tokens': 'token',
  'POST /api/v1/users': 'user',
  'PATCH /api/v1/users/:id': 'user',
  'POST /api/v1/ingest/jobs': 'job',
  'POST /api/v1/patrol-plans': 'plan',
  'GET /api/v1/patrol-plans/current': 'sectors',
  'GET /api/v1/patrol-plans/:id/mission-sheet.pdf': '%PDF-',
  'POST /api/v1/populations': 'added',
  'GET /api/v1/indicators': 'rows',
  'GET /api/v1/indicators/report.pdf': '%PDF-',
  'GET /api/v1/indicators/report.xlsx': 'PK',
  'GET /api/v1/exports/incidents': 'pseudonym,',
  'GET /api/v1/exports/backtests/:id': 'PAR1',
  'POST /api/v1/patrol-logs': 'entry',
  'GET /api/v1/patrol-logs': 'entries',
  'GET /api/v1/patrol-disparity': 'turnos',
  'GET /api/v1/patrol-scenarios': 'districts',
  'GET /api/v1/patrol-effect': 'patrolled',
};

const DOCUMENT_STARTS = ['%PDF-', 'PK', 'pseudonym,', 'PAR1'];

/** Checks an allowed answer's shape. */
function expectShape(key: string, status: number, body: unknown): void {
  if (status === 204 || status === 400) return;
  // Documents (PDF, XLSX, CSV, Parquet): the bytes they start with.
  if (DOCUMENT_STARTS.includes(SHAPES[key] as string)) {
    expect(String(body).startsWith(SHAPES[key] as string), key).toBe(true);
    return;
  }
  expect(body, key).toBeTypeOf('object');
  expect(body as object, key).toHaveProperty(SHAPES[key] as string);
}

describe.each(BACKENDS)('permission table, every role × route (%s store)', (backend) => {
  let f: ApiFixture;
  let jobId: number;
  const sessions = {} as Record<Role, Session>;
  beforeAll(async () => {
    f = await startApi(backend);
    for (const role of ROLES) sessions[role] = await loginAs(f, f.users[role].username);
    const up = await call(f, 'POST', '/api/v1/ingest/jobs?format=sidpol-geo', {
      token: f.users.analyst.token,
      form: uploadForm(),
    });
    expect(up.status).toBe(202);
    jobId = (up.body as { job: { id: number } }).job.id;
    await f.app.ingestQueue.idle();
  }, 120_000);
  afterAll(async () => {
    await f?.close();
  });

  it('covers every API route the server registers, and nothing else', () => {
    const table = [...Object.keys(PERMISSIONS), ...PUBLIC_ROUTES].sort();
    expect([...f.app.apiRoutes].sort()).toEqual(table);
    // Every route that answers with a body has its shape in the walk.
    for (const key of Object.keys(PERMISSIONS))
      if (
        !['POST /api/v1/auth/logout', 'POST /api/v1/auth/password', 'DELETE /api/v1/tokens/:id'].includes(key)
      )
        expect(SHAPES[key], key).toBeDefined();
    // Every state-changing route demands the CSRF token from session callers.
    for (const [key, rule] of Object.entries(PERMISSIONS))
      if (!key.startsWith('GET ')) expect(rule.csrf, key).toBe(true);
  });

  it('refuses every protected route without credentials (401)', async () => {
    for (const key of Object.keys(PERMISSIONS)) {
      const [method] = key.split(' ');
      const ex = await example(f, key, 'admin', jobId);
      const r = await call(f, method as string, ex.path, ex.body !== undefined ? { body: ex.body } : {});
      expect(r.status, key).toBe(401);
      expect(r.body).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    }
  });

  it('answers each role × route as the table says, through a login session', async () => {
    const seen: string[] = [];
    for (const role of ROLES)
      for (const [key, rule] of Object.entries(PERMISSIONS)) {
        if (key === 'POST /api/v1/auth/logout') continue; // would end the session; checked below
        const [method] = key.split(' ');
        const ex = await example(f, key, role, jobId);
        const r = await call(f, method as string, ex.path, {
          headers: { cookie: sessions[role].cookie, 'x-csrf-token': sessions[role].csrf },
          ...(ex.body !== undefined ? { body: ex.body } : {}),
          ...(ex.form ? { form: ex.form } : {}),
        });
        const allowed = rule.roles[role] !== undefined;
        seen.push(`${role} ${key} ${r.status}`);
        if (allowed) {
          expect(expectedOk(key), `${role} ${key}: ${r.text.slice(0, 200)}`).toContain(r.status);
          expectShape(key, r.status, r.body);
        } else {
          expect(r.status, `${role} ${key}`).toBe(403);
          expect(r.body).toMatchObject({ error: { code: 'FORBIDDEN' } });
        }
      }
    expect(seen).toHaveLength(ROLES.length * (Object.keys(PERMISSIONS).length - 1));
    await f.app.ingestQueue.idle();
  }, 150_000);

  it('answers each role × route as the table says, through an API token (role ∩ scope)', async () => {
    for (const role of ROLES)
      for (const [key, rule] of Object.entries(PERMISSIONS)) {
        const [method] = key.split(' ');
        const ex = await example(f, key, role, jobId);
        const r = await call(f, method as string, ex.path, {
          token: f.users[role].token,
          ...(ex.body !== undefined ? { body: ex.body } : {}),
          ...(ex.form ? { form: ex.form } : {}),
        });
        const allowed = rule.roles[role] !== undefined && ROLE_SCOPES[role].includes(rule.scope);
        if (allowed) {
          expect(expectedOk(key), `${role} ${key}: ${r.text.slice(0, 200)}`).toContain(r.status);
          expectShape(key, r.status, r.body);
        } else expect(r.status, `${role} ${key}`).toBe(403);
      }
    await f.app.ingestQueue.idle();
  }, 150_000);

  it('never gives the community role a narrative or a redacted one, nor officers an original (every route)', async () => {
    // The personal data in the stored originals (numbers, e-mails, full names), as JSON writes them.
    const stored = await f.t.db.query<{ narrative: string; restricted: boolean }>(
      `select narrative, restricted from incidents where narrative <> narrative_redacted`,
    );
    expect(stored.length).toBeGreaterThan(100);
    const originals = stored.flatMap(({ narrative, restricted }) =>
      findPii(narrative, { protectedCategory: restricted })
        .map((s) => narrative.slice(s.start, s.end))
        .filter((v) => /\d{6}|@|\p{L}+ \p{L}+/u.test(v))
        .map((v) => JSON.stringify(v).slice(1, -1)),
    );
    const placeholder = /\[(?:NOMBRE|DNI|TELÉFONO|PLACA|CORREO|DIRECCIÓN)\]/;
    for (const role of ['community', 'officer'] as const)
      for (const [key, rule] of Object.entries(PERMISSIONS)) {
        if (rule.roles[role] === undefined || key === 'POST /api/v1/auth/logout') continue;
        const [method] = key.split(' ');
        const ex = await example(f, key, role, jobId);
        const r = await call(f, method as string, ex.path, {
          token: f.users[role].token,
          ...(ex.body !== undefined ? { body: ex.body } : {}),
          ...(ex.form ? { form: ex.form } : {}),
        });
        expect(
          originals.find((o) => r.text.includes(o)),
          `${role} ${key}`,
        ).toBeUndefined();
        if (role === 'community') expect(r.text, `${role} ${key}`).not.toMatch(placeholder);
      }
    // Officers do read redacted narratives (so the walk above would have seen an original).
    const page = await call(f, 'GET', '/api/v1/incidents?limit=50&category=robo', {
      token: f.users.officer.token,
    });
    expect(page.text).toMatch(placeholder);
    await f.app.ingestQueue.idle();
  });

  it('a read-only token of an analyst cannot upload, even though the role can', async () => {
    const u = f.users.analyst;
    const t = await createToken(
      f.t.db,
      { id: u.id, username: u.username, role: 'analyst' },
      { name: 'read only', scopes: ['read'] },
      { actor: 'test', role: null, ip: null, requestId: null },
    );
    const r = await call(f, 'POST', '/api/v1/ingest/jobs', { token: t.token, form: uploadForm() });
    expect(r.status).toBe(403);
    expect((r.body as { error: { message: string } }).error.message).toContain('write');
  });

  describe('field rules', () => {
    type Incident = {
      id: string;
      externalId: string;
      restricted: boolean;
      lat: number | null;
      lon: number | null;
      narrative: string | null;
      occurredAt: string;
      geoQuality: string;
    };
    const incidents = async (role: Role, query = 'limit=1000'): Promise<Incident[]> => {
      const r = await call(f, 'GET', `/api/v1/incidents?${query}`, { token: f.users[role].token });
      expect(r.status).toBe(200);
      return (r.body as { items: Incident[] }).items;
    };

    it('analysts see protected categories in full; officers without location or narrative', async () => {
      const full = await incidents('analyst', 'limit=1000&category=violencia_familiar,sexual');
      expect(full.length).toBeGreaterThan(0);
      expect(full.every((i) => i.restricted)).toBe(true);
      expect(full.some((i) => i.lat !== null)).toBe(true);
      const redacted = await incidents('officer', 'limit=1000&category=violencia_familiar,sexual');
      expect(redacted.map((i) => i.id)).toEqual(full.map((i) => i.id));
      for (const i of redacted) {
        expect(i.lat).toBeNull();
        expect(i.lon).toBeNull();
        expect(i.narrative).toBeNull();
        expect(i.geoQuality).toBe('redacted');
      }
      // Unprotected rows keep their location for officers.
      const other = await incidents('officer', 'limit=200&category=robo');
      expect(other.some((i) => i.lat !== null)).toBe(true);
    });

    it('researchers get de-identified, coarsened incidents', async () => {
      // Research extracts hold no restricted row (counting them would be a protected statistic).
      const real = (await incidents('analyst', 'limit=1000')).filter((i) => !i.restricted).slice(0, 300);
      expect(real).toHaveLength(300);
      const coarse = await incidents('researcher', 'limit=300');
      expect(coarse).toHaveLength(real.length);
      expect(coarse.some((i) => i.restricted)).toBe(false);
      const asked = await call(f, 'GET', '/api/v1/incidents?category=sexual', {
        token: f.users.researcher.token,
      });
      expect(asked.status).toBe(400);
      expect(JSON.stringify(asked.body)).toContain('category');
      const realIds = new Set(real.map((i) => i.id));
      for (const [k, i] of coarse.entries()) {
        expect(i.id).toMatch(/^p_[0-9a-f]{20}$/);
        expect(realIds.has(i.id)).toBe(false);
        expect(i.externalId).toBe('');
        expect(i.narrative).toBeNull();
        expect(new Date(i.occurredAt).getTime() % 3_600_000).toBe(0);
        const r = real[k] as Incident;
        if (i.lat !== null && r.lat !== null) {
          expect(Math.abs(i.lat - r.lat)).toBeLessThanOrEqual(0.00125 + 1e-9);
          // On the lattice: centres at (k + ½) × 0.0025°.
          for (const v of [i.lat, i.lon as number]) {
            const k = v / 0.0025 - 0.5;
            expect(Math.abs(k - Math.round(k))).toBeLessThan(1e-3);
          }
        }
      }
      // Pseudonyms are stable across requests.
      expect((await incidents('researcher', 'limit=300')).map((i) => i.id)).toEqual(coarse.map((i) => i.id));
    });

    it('community views get district aggregates with counts below 5 suppressed', async () => {
      type Row = {
        districtCode: string;
        month: string;
        category: string;
        count: number | null;
        suppressed: boolean;
      };
      // The same table as the officer's exact view (restricted rows left out of both), cell by cell.
      const exact = (await call(f, 'GET', '/api/v1/stats', { token: f.users.officer.token })).body as {
        rows: Row[];
        view: string;
      };
      expect(exact.view).toBe('exact');
      const comm = (await call(f, 'GET', '/api/v1/stats', { token: f.users.community.token })).body as {
        rows: Row[];
        view: string;
      };
      expect(comm.view).toBe('suppressed');
      expect(comm.rows).toHaveLength(exact.rows.length);
      let suppressed = 0;
      for (const [k, row] of comm.rows.entries()) {
        const e = exact.rows[k] as Row;
        if ((e.count as number) < SMALL_COUNT_THRESHOLD) {
          expect(row.count).toBeNull();
          expect(row.suppressed).toBe(true);
          suppressed++;
        } else expect(row.count).toBe(e.count);
      }
      expect(suppressed).toBeGreaterThan(0);
      const trends = (await call(f, 'GET', '/api/v1/stats/trends', { token: f.users.community.token }))
        .body as {
        series: { points: { count: number | null }[] }[];
      };
      for (const s of trends.series)
        for (const p of s.points) if (p.count !== null) expect(p.count === 0 || p.count >= 5).toBe(true);
    });

    it('small-area queries never place protected incidents below the full view', async () => {
      const [victim] = await incidents('analyst', 'limit=50&category=violencia_familiar,sexual');
      expect(victim?.lat).not.toBeNull();
      const { lat, lon } = victim as { lat: number; lon: number };
      const box = `${lon - 0.001},${lat - 0.001},${lon + 0.001},${lat + 0.001}`;
      const full = await incidents('analyst', `limit=1000&bbox=${box}`);
      expect(full.map((i) => i.id)).toContain(victim?.id);
      const officer = await incidents('officer', `limit=1000&bbox=${box}`);
      expect(officer.every((i) => !i.restricted)).toBe(true);
      expect(officer.length).toBe(full.filter((i) => !i.restricted).length);
      const researcher = await call(f, 'GET', `/api/v1/incidents?bbox=${box}`, {
        token: f.users.researcher.token,
      });
      expect(researcher.status).toBe(400);
      const community = await call(f, 'GET', `/api/v1/stats?bbox=${box}`, { token: f.users.community.token });
      expect(community.status).toBe(400);
      const cellStats = await call(f, 'GET', `/api/v1/stats?bbox=${box}`, { token: f.users.analyst.token });
      const cats = (cellStats.body as { rows: { category: string }[] }).rows.map((r) => r.category);
      expect(cats).not.toContain('violencia_familiar');
      expect(cats).not.toContain('sexual');
      // A group narrows the categories; a bad box names the parameter.
      const robos = await incidents('analyst', 'limit=200&group=property');
      expect(
        robos.every((i) => ['hurto', 'robo'].includes((i as unknown as { category: string }).category)),
      ).toBe(true);
      const bad = await call(f, 'GET', '/api/v1/incidents?bbox=1,2,3', { token: f.users.analyst.token });
      expect((bad.body as { error: { message: string } }).error.message).toMatch(/^bbox: /);
    });

    it('every incident read is audited with who, what and from where', async () => {
      const r = await call(f, 'GET', '/api/v1/audit?action=incidents.list&limit=1000', {
        token: f.users.admin.token,
      });
      const entries = (
        r.body as {
          entries: { actor: string; role: string; ip: string; detail: string; requestId: string }[];
        }
      ).entries;
      const actors = new Set(entries.map((e) => e.role));
      for (const role of ['admin', 'analyst', 'officer', 'researcher']) expect(actors.has(role)).toBe(true);
      for (const e of entries) {
        expect(e.ip).toBe('127.0.0.1');
        expect(e.requestId).toBeTruthy();
        expect(JSON.parse(e.detail)).toHaveProperty('rows');
      }
    });
  });
});

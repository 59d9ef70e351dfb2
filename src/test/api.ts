/**
 * A real Vigía server for API tests: a fresh database on the chosen backend with synthetic Callao
 * incidents, stored forecasts and a backtest report, one user and one token per role, and the app
 * listening on a loopback port.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HttpSettings } from '../config/env.ts';
import { ROLE_SCOPES, ROLES, type Role } from '../core/access.ts';
import { buildApp, type VigiaApp } from '../server/app.ts';
import { changeUser, createToken, createUser } from '../services/accounts.ts';
import { getStudyArea } from '../services/areas.ts';
import { backtest, storeReport } from '../services/backtest.ts';
import { writeDemoCsv } from '../services/demo.ts';
import { forecast } from '../services/forecast.ts';
import { ingestFile } from '../services/ingest.ts';
import { type Backend, createTestDb, type TestDb } from './db.ts';

export const TEST_PASSWORD = 'clave-de-prueba-larga';
/** The seeded officer's sector: the district of Callao. */
export const OFFICER_SECTOR = '070101';
const SETUP = { actor: 'test-setup', role: null, ip: null, requestId: null };

/** The running server and what was seeded. */
export interface ApiFixture {
  t: TestDb;
  app: VigiaApp;
  base: string;
  uploadDir: string;
  /** Per role: user id and a token with every scope the role can hold. */
  users: Record<Role, { id: number; username: string; token: string }>;
  reportId: number;
  forecastId: number;
  close(): Promise<void>;
}

/** Seeds the store (incidents, forecasts, report, users). */
export async function seedApiData(t: TestDb): Promise<Pick<ApiFixture, 'users' | 'reportId' | 'forecastId'>> {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-api-'));
  try {
    const area = await getStudyArea(t.db, 'callao');
    const file = join(dir, 'demo.csv');
    await writeDemoCsv(area, { years: 0.25, start: '2025-01-01', annualVolume: 12_000, seed: 11 }, file);
    await ingestFile(t.db, { file, adapter: 'sidpol-geo', area: 'callao' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const stored = await forecast(t.db, {
    area: 'callao',
    day: '2025-03-30',
    horizon: 'turno',
    groups: ['property', 'all'],
    model: 'naive-counts',
  });
  await forecast(t.db, {
    area: 'callao',
    day: '2025-03-30',
    horizon: 'day',
    groups: ['property'],
    model: 'naive-counts',
  });
  // An earlier day too, for date choices.
  await forecast(t.db, {
    area: 'callao',
    day: '2025-03-29',
    horizon: 'turno',
    groups: ['property'],
    model: 'naive-counts',
  });
  const report = await backtest(t.db, {
    area: 'callao',
    group: 'property',
    from: '2025-03-20',
    to: '2025-03-27',
    horizon: 'day',
    models: [],
  });
  const reportId = await storeReport(t.db, report);
  const users = {} as ApiFixture['users'];
  for (const role of ROLES) {
    const u = await createUser(t.db, { username: `u-${role}`, role, password: TEST_PASSWORD }, SETUP);
    const tok = await createToken(t.db, u, { name: 'tests', scopes: ROLE_SCOPES[role] }, SETUP);
    users[role] = { id: u.id, username: u.username, token: tok.token };
  }
  // The officer works in the district of Callao (the sector whose patrol areas they see).
  await changeUser(t.db, users.officer.id, { sector: { area: 'callao', code: OFFICER_SECTOR } }, SETUP);
  return { users, reportId, forecastId: (stored[0] as { id: number }).id };
}

/** Starts a server over a seeded database (or over `reuse`), in `timeZone` (default Lima). */
export async function startApi(
  backend: Backend,
  http: Partial<HttpSettings> = {},
  reuse?: { t: TestDb; seeded: Pick<ApiFixture, 'users' | 'reportId' | 'forecastId'> },
  { timeZone }: { timeZone?: string } = {},
): Promise<ApiFixture> {
  const t = reuse?.t ?? (await createTestDb(backend));
  const given = reuse?.seeded;
  const seeded = given
    ? { users: given.users, reportId: given.reportId, forecastId: given.forecastId }
    : await seedApiData(t);
  const uploadDir = mkdtempSync(join(tmpdir(), 'vigia-uploads-'));
  const app = buildApp({
    db: t.db,
    logLevel: 'silent',
    uploadDir,
    ...(timeZone ? { timeZone } : {}),
    // Answers that drift from the contract fail the tests (production logs them: docs/api.md).
    http: { rateLimitPerMinute: 100_000, contractDrift: 'fail', ...http },
  });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    t,
    app,
    base,
    uploadDir,
    ...seeded,
    async close() {
      await app.close();
      rmSync(uploadDir, { recursive: true, force: true });
      if (!reuse) await t.drop();
    },
  };
}

/** fetch with a bearer token and JSON. */
export async function call(
  f: Pick<ApiFixture, 'base'>,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string>; form?: FormData } = {},
): Promise<{ status: number; body: unknown; headers: Headers; text: string }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | FormData | undefined;
  if (options.form) body = options.form;
  else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const r = await fetch(`${f.base}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await r.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (CSV, HTML, metrics)
  }
  return { status: r.status, body: parsed, headers: r.headers, text };
}

/** A login session: the cookie header and the CSRF token. */
export interface Session {
  cookie: string;
  csrf: string;
}

/** Logs in through the API. */
export async function loginAs(
  f: Pick<ApiFixture, 'base'>,
  username: string,
  password = TEST_PASSWORD,
): Promise<Session> {
  const r = await fetch(`${f.base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${await r.text()}`);
  const setCookie = r.headers.getSetCookie()[0] ?? '';
  const body = (await r.json()) as { csrfToken: string };
  return { cookie: setCookie.split(';')[0] as string, csrf: body.csrfToken };
}

/** The small SIDPOL geo fixture as an upload form. */
export const UPLOAD_FIXTURE = fileURLToPath(
  new URL('../ingest/sources/test/sidpol-geo-fixture.csv', import.meta.url),
);

export function uploadForm(
  name = 'fixture.csv',
  content: Buffer | string = readFileSync(UPLOAD_FIXTURE),
): FormData {
  const form = new FormData();
  form.append(
    'file',
    new Blob([typeof content === 'string' ? content : new Uint8Array(content)], { type: 'text/csv' }),
    name,
  );
  return form;
}

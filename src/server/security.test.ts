/**
 * Security tests against the real server on a real port, on both stores: injection strings in every
 * filter, oversized bodies, malformed JSON, path traversal in upload names, expired and revoked
 * tokens, brute-force logins, missing CSRF tokens, session cookies and idle timeout, security
 * headers — each refused with the right status and nothing written.
 */
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken, createUser } from '../services/accounts.ts';
import { type ApiFixture, call, loginAs, startApi, TEST_PASSWORD, uploadForm } from '../test/api.ts';
import { BACKENDS } from '../test/db.ts';

const INJECTIONS = [
  "' OR 1=1 --",
  "callao'; DROP TABLE incidents; --",
  '1) UNION SELECT password_hash FROM users --',
  '%27%20OR%20%271%27=%271',
  '\u0000',
  '{{7*7}}',
  '../../../etc/passwd',
];

const SETUP = { actor: 'test', role: null, ip: null, requestId: null };

describe.each(BACKENDS)('API security (%s store)', (backend) => {
  let f: ApiFixture;
  const counts = async (): Promise<Record<string, number>> => {
    const [r] = await f.t.db.query<Record<string, number>>(
      `select (select count(*)::int from incidents) as incidents, (select count(*)::int from users) as users,
         (select count(*)::int from api_tokens) as tokens, (select count(*)::int from jobs) as jobs,
         (select count(*)::int from sessions) as sessions`,
    );
    return r as Record<string, number>;
  };
  beforeAll(async () => {
    f = await startApi(backend, { loginAttemptsPer15Minutes: 100 });
  }, 120_000);
  afterAll(async () => {
    await f?.close();
  });

  it('treats injection strings in every filter as data: 400 or no rows, never 500, nothing changed', async () => {
    const before = await counts();
    const params = ['area', 'from', 'to', 'district', 'category', 'type', 'source', 'cursor', 'limit'];
    for (const route of ['/api/v1/incidents', '/api/v1/stats', '/api/v1/stats/trends'])
      for (const p of params)
        for (const bad of INJECTIONS) {
          const r = await call(f, 'GET', `${route}?${p}=${encodeURIComponent(bad)}`, {
            token: f.users.analyst.token,
          });
          expect([200, 400, 404], `${route} ${p}=${bad}: ${r.text.slice(0, 200)}`).toContain(r.status);
          if (r.status === 200) {
            const body = r.body as { items?: unknown[]; rows?: unknown[] };
            expect(body.items ?? body.rows ?? []).toHaveLength(0);
          } else expect((r.body as { error: { code: string } }).error.code).toMatch(/VALIDATION|NOT_FOUND/);
        }
    for (const bad of INJECTIONS) {
      const r = await call(
        f,
        'GET',
        `/api/v1/audit?actor=${encodeURIComponent(bad)}&action=${encodeURIComponent(bad)}`,
        {
          token: f.users.admin.token,
        },
      );
      if (bad.includes('\u0000')) expect(r.status).toBe(400);
      else {
        expect(r.status).toBe(200);
        expect((r.body as { entries: unknown[] }).entries).toHaveLength(0);
      }
    }
    expect(await counts()).toEqual(before);
  });

  it('gives field-level messages for invalid parameters', async () => {
    const r = await call(f, 'GET', '/api/v1/incidents?limit=0&from=ayer', { token: f.users.analyst.token });
    expect(r.status).toBe(400);
    const e = (r.body as { error: { code: string; fields: { field: string; message: string }[] } }).error;
    expect(e.code).toBe('VALIDATION');
    expect(e.fields.map((x) => x.field).sort()).toEqual(['querystring.from', 'querystring.limit']);
    // Domain rules (unknown district) name the parameter too.
    const d = await call(f, 'GET', '/api/v1/incidents?district=99999', { token: f.users.analyst.token });
    expect(d.status).toBe(400);
    expect((d.body as { error: { message: string } }).error.message).toMatch(/^district: /);
  });

  it('refuses oversized and malformed bodies without writing', async () => {
    const before = await counts();
    const big = await call(f, 'POST', '/api/v1/users', {
      token: f.users.admin.token,
      body: { username: 'grande', role: 'analyst', password: 'x'.repeat(2 * 1024 * 1024) },
    });
    expect(big.status).toBe(413);
    const malformed = await fetch(`${f.base}/api/v1/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${f.users.admin.token}`, 'content-type': 'application/json' },
      body: '{"username": "x", "role": ',
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBeTruthy();
    const wrongType = await fetch(`${f.base}/api/v1/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${f.users.admin.token}`, 'content-type': 'text/xml' },
      body: '<user/>',
    });
    expect(wrongType.status).toBe(415);
    const extra = await call(f, 'PATCH', `/api/v1/users/${f.users.officer.id}`, {
      token: f.users.admin.token,
      body: { role: 'admin', password_hash: 'x' },
    });
    expect(extra.status).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it('refuses path traversal and odd names in uploads, storing nothing', async () => {
    const before = await counts();
    for (const name of [
      '../../etc/passwd.csv',
      '..\\..\\windows\\x.csv',
      'a/b.csv',
      '/etc/cron.d/x.csv',
      'x\u0000.csv',
      'malware.exe',
      '..csv',
    ]) {
      const r = await call(f, 'POST', '/api/v1/ingest/jobs', {
        token: f.users.analyst.token,
        form: uploadForm(name),
      });
      expect(r.status, name).toBe(400);
      expect((r.body as { error: { code: string } }).error.code).toBe('VALIDATION');
    }
    const empty = await call(f, 'POST', '/api/v1/ingest/jobs', {
      token: f.users.analyst.token,
      form: uploadForm('vacio.csv', ''),
    });
    expect(empty.status).toBe(422);
    expect((empty.body as { error: { message: string } }).error.message).toContain('vacío');
    expect(readdirSync(f.uploadDir)).toEqual([]);
    expect(await counts()).toEqual(before);
  });

  it('refuses uploads over the size limit (413) and keeps nothing', async () => {
    const small = await startApi(backend, { uploadMaxBytes: 1024 }, { t: f.t, seeded: f });
    try {
      const r = await call(small, 'POST', '/api/v1/ingest/jobs', {
        token: f.users.analyst.token,
        form: uploadForm('grande.csv', 'a'.repeat(5000)),
      });
      expect(r.status).toBe(413);
      expect(readdirSync(small.uploadDir)).toEqual([]);
    } finally {
      await small.close();
    }
  });

  it('refuses expired, revoked, malformed and forged tokens (401)', async () => {
    const u = f.users.analyst;
    const owner = { id: u.id, username: u.username, role: 'analyst' as const };
    const expired = await createToken(f.t.db, owner, { name: 'expira', scopes: ['read'] }, SETUP);
    await f.t.db.query(`update api_tokens set expires_at = now() - interval '1 second' where id = $1`, [
      expired.id,
    ]);
    const revoked = await createToken(f.t.db, owner, { name: 'revocado', scopes: ['read'] }, SETUP);
    expect((await call(f, 'GET', '/api/v1/incidents', { token: revoked.token })).status).toBe(200);
    const del = await call(f, 'DELETE', `/api/v1/tokens/${revoked.id}`, { token: f.users.admin.token });
    expect(del.status).toBe(204);
    const forged = `${revoked.token.slice(0, -4)}AAAA`;
    for (const [token, msg] of [
      [expired.token, 'vencido'],
      [revoked.token, 'revocado'],
      [forged, 'inválido'],
      ['vgt_1_x', 'inválido'],
      ["vgt_1'OR'1'='1", 'inválido'],
    ] as const) {
      const r = await call(f, 'GET', '/api/v1/incidents', { token });
      expect(r.status, token).toBe(401);
      expect((r.body as { error: { message: string } }).error.message).toContain(msg);
    }
    const basic = await call(f, 'GET', '/api/v1/incidents', {
      headers: { authorization: 'Basic YWRtaW46YWRtaW4=' },
    });
    expect(basic.status).toBe(401);
    // Tokens of a user disabled by an admin stop working at once.
    expect((await call(f, 'GET', '/api/v1/stats', { token: f.users.planner.token })).status).toBe(200);
    const off = await call(f, 'PATCH', `/api/v1/users/${f.users.planner.id}`, {
      token: f.users.admin.token,
      body: { disabled: true },
    });
    expect(off.status).toBe(200);
    expect((await call(f, 'GET', '/api/v1/stats', { token: f.users.planner.token })).status).toBe(401);
    await call(f, 'PATCH', `/api/v1/users/${f.users.planner.id}`, {
      token: f.users.admin.token,
      body: { disabled: false },
    });
  });

  it('sets a HttpOnly SameSite=Strict session cookie and requires the CSRF token on changes', async () => {
    const r = await fetch(`${f.base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: f.users.analyst.username, password: TEST_PASSWORD }),
    });
    const cookie = r.headers.getSetCookie()[0] ?? '';
    expect(cookie).toMatch(/^vigia_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const body = (await r.json()) as { csrfToken: string; user: { role: string; passwordHash?: string } };
    expect(body.user.role).toBe('analyst');
    expect(JSON.stringify(body)).not.toContain('argon2');
    const session = cookie.split(';')[0] as string;
    const before = await counts();
    const noCsrf = await call(f, 'POST', '/api/v1/tokens', {
      headers: { cookie: session },
      body: { name: 'x', scopes: ['read'] },
    });
    expect(noCsrf.status).toBe(403);
    expect((noCsrf.body as { error: { message: string } }).error.message).toContain('CSRF');
    const wrongCsrf = await call(f, 'POST', '/api/v1/tokens', {
      headers: { cookie: session, 'x-csrf-token': 'forged' },
      body: { name: 'x', scopes: ['read'] },
    });
    expect(wrongCsrf.status).toBe(403);
    const upload = await call(f, 'POST', '/api/v1/ingest/jobs', {
      headers: { cookie: session },
      form: uploadForm(),
    });
    expect(upload.status).toBe(403);
    expect(await counts()).toEqual(before);
    const ok = await call(f, 'POST', '/api/v1/tokens', {
      headers: { cookie: session, 'x-csrf-token': body.csrfToken },
      body: { name: 'x', scopes: ['read'] },
    });
    expect(ok.status).toBe(201);
    // Reads need no CSRF token.
    expect((await call(f, 'GET', '/api/v1/auth/me', { headers: { cookie: session } })).status).toBe(200);
    // Logout ends the session.
    const out = await call(f, 'POST', '/api/v1/auth/logout', {
      headers: { cookie: session, 'x-csrf-token': body.csrfToken },
    });
    expect(out.status).toBe(204);
    expect((await call(f, 'GET', '/api/v1/auth/me', { headers: { cookie: session } })).status).toBe(401);
  });

  it('lets users change their own password, ending their sessions', async () => {
    const u = f.users.researcher;
    const s1 = await loginAs(f, u.username);
    const s2 = await loginAs(f, u.username);
    const headers = { cookie: s1.cookie, 'x-csrf-token': s1.csrf };
    const wrong = await call(f, 'POST', '/api/v1/auth/password', {
      headers,
      body: { currentPassword: 'equivocada-123', newPassword: 'una-clave-nueva-larga' },
    });
    expect(wrong.status).toBe(400);
    expect((wrong.body as { error: { message: string } }).error.message).toMatch(/^currentPassword: /);
    const short = await call(f, 'POST', '/api/v1/auth/password', {
      headers,
      body: { currentPassword: TEST_PASSWORD, newPassword: 'corta' },
    });
    expect(short.status).toBe(400);
    const ok = await call(f, 'POST', '/api/v1/auth/password', {
      headers,
      body: { currentPassword: TEST_PASSWORD, newPassword: 'una-clave-nueva-larga' },
    });
    expect(ok.status).toBe(204);
    for (const s of [s1, s2])
      expect((await call(f, 'GET', '/api/v1/auth/me', { headers: { cookie: s.cookie } })).status).toBe(401);
    // Back to the shared test password for the other tests.
    const s3 = await loginAs(f, u.username, 'una-clave-nueva-larga');
    const back = await call(f, 'POST', '/api/v1/auth/password', {
      headers: { cookie: s3.cookie, 'x-csrf-token': s3.csrf },
      body: { currentPassword: 'una-clave-nueva-larga', newPassword: TEST_PASSWORD },
    });
    expect(back.status).toBe(204);
    const trail = await f.t.db.query<{ action: string }>(
      `select action from audit_log where target = $1 and action like 'password.%' order by seq`,
      [`user:${u.id}`],
    );
    expect(trail.map((r) => r.action)).toEqual([
      'password.change.failure',
      'password.change',
      'password.change',
    ]);
  });

  it('ends sessions after the idle timeout', async () => {
    const s = await loginAs(f, f.users.official.username);
    expect((await call(f, 'GET', '/api/v1/stats', { headers: { cookie: s.cookie } })).status).toBe(200);
    await f.t.db.query(
      `update sessions set last_seen_at = now() - interval '31 minutes'
       where user_id = $1`,
      [f.users.official.id],
    );
    const r = await call(f, 'GET', '/api/v1/stats', { headers: { cookie: s.cookie } });
    expect(r.status).toBe(401);
    expect((r.body as { error: { message: string } }).error.message).toContain('vencida');
  });

  it('rate-limits login attempts (brute force) and records each failure', async () => {
    // A server with its own limiter: 5 attempts per address in 15 minutes.
    const guarded = await startApi(backend, { loginAttemptsPer15Minutes: 5 }, { t: f.t, seeded: f });
    try {
      const before = await counts();
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) {
        const r = await call(guarded, 'POST', '/api/v1/auth/login', {
          body: { username: 'u-admin', password: `adivinanza-${i}` },
        });
        statuses.push(r.status);
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
      // Even the right password is refused until the window passes.
      const limited = await call(guarded, 'POST', '/api/v1/auth/login', {
        body: { username: 'u-admin', password: TEST_PASSWORD },
      });
      expect(limited.status).toBe(429);
      expect((limited.body as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
      expect(limited.headers.get('retry-after')).toBeTruthy();
      expect((await counts()).sessions).toBe(before.sessions);
      const failures = await f.t.db.query<{ n: number }>(
        `select count(*)::int as n from audit_log where action = 'login.failure' and actor = 'u-admin'`,
      );
      expect(failures[0]?.n).toBe(5);
    } finally {
      await guarded.close();
    }
  });

  it('lets 30 officers log in from one station address: successes do not use the failed-login budget', async () => {
    const station = await startApi(backend, { loginAttemptsPer15Minutes: 10 }, { t: f.t, seeded: f });
    try {
      const names = Array.from({ length: 30 }, (_, i) => `agente-${String(i + 1).padStart(2, '0')}`);
      for (const username of names)
        await createUser(f.t.db, { username, role: 'officer', password: TEST_PASSWORD }, SETUP);
      const statuses: number[] = [];
      for (const username of names)
        statuses.push(
          (await call(station, 'POST', '/api/v1/auth/login', { body: { username, password: TEST_PASSWORD } }))
            .status,
        );
      expect(statuses).toEqual(names.map(() => 200));
      // The same address still has its whole failure budget: 10 wrong passwords, then 429.
      const wrong: number[] = [];
      for (let i = 0; i < 11; i++)
        wrong.push(
          (
            await call(station, 'POST', '/api/v1/auth/login', {
              body: { username: names[i] as string, password: `equivocada-${i}` },
            })
          ).status,
        );
      expect(wrong).toEqual([...Array(10).fill(401), 429]);
    } finally {
      await station.close();
    }
  });

  it('locks one account after 10 failures even from changing X-Forwarded-For addresses', async () => {
    const proxied = await startApi(
      backend,
      { loginAttemptsPer15Minutes: 10, trustProxy: true },
      { t: f.t, seeded: f },
    );
    const from = (i: number) => ({ 'x-forwarded-for': `203.0.113.${i}` });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++)
        statuses.push(
          (
            await call(proxied, 'POST', '/api/v1/auth/login', {
              headers: from(i),
              body: { username: f.users.official.username, password: `adivinanza-${i}` },
            })
          ).status,
        );
      expect(statuses).toEqual([...Array(10).fill(401), 429, 429]);
      // Another account logs in fine (from a fresh address and from one that guessed)…
      for (const i of [50, 3])
        expect(
          (
            await call(proxied, 'POST', '/api/v1/auth/login', {
              headers: from(i),
              body: { username: f.users.planner.username, password: TEST_PASSWORD },
            })
          ).status,
        ).toBe(200);
      // …and that success does not lift the lock: the right password is still refused, in Spanish.
      const locked = await call(proxied, 'POST', '/api/v1/auth/login', {
        headers: from(51),
        body: { username: f.users.official.username, password: TEST_PASSWORD },
      });
      expect(locked.status).toBe(429);
      const e = (locked.body as { error: { code: string; message: string } }).error;
      expect(e.code).toBe('RATE_LIMITED');
      expect(e.message).toContain('Demasiados intentos fallidos');
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await proxied.close();
    }
  });

  it('stops password spraying: failures from one address across many accounts get 429', async () => {
    const guarded = await startApi(backend, { loginAttemptsPer15Minutes: 10 }, { t: f.t, seeded: f });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++)
        statuses.push(
          (
            await call(guarded, 'POST', '/api/v1/auth/login', {
              body: { username: `cuenta-${i}`, password: 'clave-comun-2025' },
            })
          ).status,
        );
      expect(statuses).toEqual([...Array(10).fill(401), 429, 429]);
      // A real user from that address waits too (the address, not the account, is blocked).
      const r = await call(guarded, 'POST', '/api/v1/auth/login', {
        body: { username: f.users.analyst.username, password: TEST_PASSWORD },
      });
      expect(r.status).toBe(429);
    } finally {
      await guarded.close();
    }
  });

  it('rate-limits API callers when configured', async () => {
    const tight = await startApi(backend, { rateLimitPerMinute: 3 }, { t: f.t, seeded: f });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push((await call(tight, 'GET', '/api/v1/models', { token: f.users.planner.token })).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      // Another caller has its own budget.
      expect((await call(tight, 'GET', '/api/v1/models', { token: f.users.official.token })).status).toBe(
        200,
      );
    } finally {
      await tight.close();
    }
  });

  it('sends security headers, no internals, and no caching of API answers', async () => {
    const r = await fetch(`${f.base}/api/v1/models`, {
      headers: { authorization: `Bearer ${f.users.analyst.token}` },
    });
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(r.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.headers.get('x-powered-by')).toBeNull();
  });
});

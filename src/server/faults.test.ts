/**
 * Database faults seen from the API: a PostgreSQL server started just for this file (and, for the
 * embedded leg, an embedded server of its own) is stalled with SIGSTOP and then stopped. Requests
 * and /readyz must answer 503 STORAGE within a bounded time (short test timeouts), recover after
 * SIGCONT, and the log must carry one line per failed request without a stack trace.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DB_SETTINGS } from '../config/env.ts';
import { ROLE_SCOPES } from '../core/access.ts';
import { createToken, createUser } from '../services/accounts.ts';
import { connectDb, type Db } from '../storage/db.ts';
import { startEmbedded, stopEmbedded } from '../storage/embedded.ts';
import { migrate } from '../storage/migrate.ts';
import { openStore } from '../storage/store.ts';
import { BACKENDS, type Backend, TEST_AUDIT_KEY } from '../test/db.ts';
import { freePort, serverProcesses, startTestPostgres } from '../test/postgres-server.ts';
import { buildApp, type VigiaApp } from './app.ts';

const LIMITS = { ...DEFAULT_DB_SETTINGS, poolMax: 3, connectTimeoutMs: 1000, statementTimeoutMs: 1000 };
const SETUP = { actor: 'test-setup', role: null, ip: null, requestId: null };
/** Every request below must be answered well within this (the stalled server would hold it forever). */
const ANSWER_WITHIN_MS = 10_000;

/** A database server of our own: its data folder (for the process ids) and how to stop it. */
async function ownServer(backend: Backend): Promise<{ db: Db; dataDir: string; stop(): Promise<void> }> {
  if (backend === 'server') {
    const s = await startTestPostgres();
    const db = await openStore({
      databaseUrl: s.url,
      dataDir: '/nonexistent',
      auditKey: TEST_AUDIT_KEY,
      embeddedPort: 0,
      db: LIMITS,
    });
    let stopped = false;
    return {
      db,
      dataDir: s.dataDir as string,
      async stop() {
        if (!stopped) s.stop();
        stopped = true;
      },
    };
  }
  // Under /var/tmp: the embedded server runs as "postgres" when the tests run as root. Started here,
  // not by openStore, so that closing the pool does not try to stop a server the test has stopped.
  const dir = mkdtempSync(join('/var/tmp', 'vigia-faults-'));
  const embedded = await startEmbedded({ dataDir: dir, port: await freePort() });
  const db = await connectDb(embedded.url, { kind: 'embedded', limits: LIMITS });
  await migrate(db);
  let stopped = false;
  return {
    db,
    dataDir: join(dir, 'pg'),
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopEmbedded(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe.each(BACKENDS)('database faults (%s)', (backend) => {
  let server: Awaited<ReturnType<typeof ownServer>>;
  let app: VigiaApp;
  let base: string;
  let token: string;
  let stopped: number[] = [];
  const logLines: Record<string, unknown>[] = [];
  const uploadDir = mkdtempSync(join(tmpdir(), 'vigia-faults-up-'));

  const get = async (path: string) => {
    const r = await fetch(`${base}${path}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
    });
    return { status: r.status, body: (await r.json()) as { error?: { code: string; message: string } } };
  };
  const signal = (pids: number[], sig: NodeJS.Signals): void => {
    for (const pid of pids) process.kill(pid, sig);
  };

  beforeAll(async () => {
    server = await ownServer(backend);
    const u = await createUser(
      server.db,
      { username: 'analista', role: 'analyst', password: 'clave-de-prueba-larga' },
      SETUP,
    );
    token = (await createToken(server.db, u, { name: 't', scopes: ROLE_SCOPES.analyst }, SETUP)).token;
    app = buildApp({
      db: server.db,
      uploadDir,
      logLevel: 'info',
      logStream: { write: (line) => logLines.push(JSON.parse(line) as Record<string, unknown>) },
      http: { rateLimitPerMinute: 0 },
    });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    signal(stopped, 'SIGCONT');
    await app?.close();
    await server?.db.close().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    rmSync(uploadDir, { recursive: true, force: true });
  });

  it('a stalled server (SIGSTOP) gives 503 STORAGE and a not-ready /readyz in bounded time, then recovers', async () => {
    expect((await get('/api/v1/incidents?limit=1')).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    stopped = serverProcesses(server.dataDir);
    signal(stopped, 'SIGSTOP');
    // Several at once: more than the pool holds, so some wait for a connection that never frees up.
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => get('/api/v1/incidents?limit=1')));
    for (const a of answers) {
      expect(a.status).toBe(503);
      expect(a.body.error?.code).toBe('STORAGE');
      expect(a.body.error?.message).toMatch(/base de datos/);
    }
    const ready = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(ANSWER_WITHIN_MS) });
    expect(ready.status).toBe(503);

    signal(stopped, 'SIGCONT');
    stopped = [];
    let status = 0;
    for (let i = 0; i < 40 && status !== 200; i++) {
      status = (await get('/api/v1/incidents?limit=1')).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it('a stopped server gives 503 STORAGE, one log line per request and no stack trace', async () => {
    const pids = serverProcesses(server.dataDir);
    await server.stop();
    // Until every server process has exited (a backend may outlive the pid file for a moment).
    const alive = (pid: number): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 100 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
    logLines.length = 0;
    // Routes that must read the database (district outlines may come from the in-process area cache).
    for (const path of ['/api/v1/incidents?limit=1', '/api/v1/stats/trends', '/api/v1/crime-types?cell=0']) {
      const a = await get(path);
      expect(a.status).toBe(503);
      expect(a.body.error?.code).toBe('STORAGE');
    }
    expect((await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(ANSWER_WITHIN_MS) })).status).toBe(
      503,
    );
    const failures = logLines.filter((l) => l.code === 'STORAGE');
    expect(failures).toHaveLength(3);
    expect(logLines.filter((l) => JSON.stringify(l).includes('"stack"'))).toEqual([]);
    expect(logLines.filter((l) => (l.level as number) >= 50)).toEqual([]);
  });
});

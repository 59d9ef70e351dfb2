import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_DB_SETTINGS } from '../config/env.ts';
import { createUser } from '../services/accounts.ts';
import { verifyAudit } from '../services/audit.ts';
import { DEFAULT_JOB_ENGINE_SETTINGS, JobEngine } from '../services/job-engine.ts';
import { BACKENDS, createTestDb, TEST_AUDIT_KEY, type TestDb } from '../test/db.ts';
import { appendAudit, canonicalJson, headMac } from './audit.ts';
import type { Db } from './db.ts';
import { openStore } from './store.ts';

describe.each(BACKENDS)('audit log group commit (%s store)', (backend) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(backend);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('chains 300 concurrent appends without gaps, each resolved with its own sequence number', async () => {
    const seqs = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        appendAudit(t.db, {
          actor: `u${i % 7}`,
          role: 'analyst',
          action: 'incidents.list',
          target: 'area:callao',
          detail: { i, filters: { b: 1, a: [2, 3] } },
          ip: '127.0.0.1',
          requestId: `r${i}`,
        }),
      ),
    );
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    const rows = await t.db.query<{ seq: number; request_id: string }>(
      'select seq, request_id from audit_log order by seq',
    );
    for (const r of rows) expect(seqs[Number(r.request_id.slice(1))]).toBe(r.seq);
    expect(await verifyAudit(t.db)).toEqual({
      ok: true,
      rows: 300,
      problems: [],
      signature: 'valid',
      key: 'VIGIA_AUDIT_KEY',
    });
  });

  it('signs an existing head when migration 0009 adds the signature column (an upgrade)', async () => {
    // Back to before 0009: the head has no signature column.
    await t.db.query(
      'alter table audit_head drop column mac; delete from schema_migrations where version = 9',
    );
    const again = await openStore({
      databaseUrl: t.url,
      dataDir: '/nonexistent',
      auditKey: TEST_AUDIT_KEY,
      embeddedPort: 0,
      db: DEFAULT_DB_SETTINGS,
    });
    try {
      const [head] = await again.query<{ seq: number; hash: string; mac: string }>(
        'select seq, hash, mac from audit_head',
      );
      expect(head?.seq).toBe(300);
      expect(head?.mac).toBe(headMac(TEST_AUDIT_KEY, 300, head?.hash as string));
      expect(await verifyAudit(again)).toMatchObject({ ok: true, rows: 300, signature: 'valid' });
    } finally {
      await again.close();
    }
  });

  it('refuses changes, and verify finds an altered or deleted row even with the trigger disabled', async () => {
    await expect(t.db.query(`update audit_log set actor = 'otro' where seq = 1`)).rejects.toThrow(
      /solo anexado/,
    );
    await expect(t.db.query('delete from audit_log where seq = 1')).rejects.toThrow(/solo anexado/);
    const tamper = (sql: string): Promise<void> =>
      t.db.transaction(async (tx) => {
        await tx.query('alter table audit_log disable trigger audit_log_no_change');
        await tx.query(sql);
        await tx.query('alter table audit_log enable trigger audit_log_no_change');
      });
    const [first] = await t.db.query<{ detail: unknown }>('select detail from audit_log where seq = 1');
    await tamper(`update audit_log set detail = '{"username":"otra"}' where seq = 1`);
    const altered = await verifyAudit(t.db);
    expect(altered.ok).toBe(false);
    expect(altered.problems.map((p) => p.seq)).toContain(1);
    await t.db.transaction(async (tx) => {
      await tx.query('alter table audit_log disable trigger audit_log_no_change');
      await tx.query('update audit_log set detail = $1 where seq = 1', [first?.detail]);
      await tx.query('alter table audit_log enable trigger audit_log_no_change');
    });
    expect((await verifyAudit(t.db)).ok).toBe(true);
    await tamper('delete from audit_log where seq = 2');
    const deleted = await verifyAudit(t.db);
    expect(deleted.ok).toBe(false);
    expect(deleted.problems.length).toBeGreaterThan(0);
  });

  it('hashes details canonically (key order does not matter)', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe(canonicalJson({ a: { c: 3, d: 2 }, b: 1 }));
  });
});

describe('audit log with a separate schema owner (PostgreSQL server)', () => {
  const admin = (): string => inject('serverAdminUrl');
  const suffix = randomBytes(4).toString('hex');
  const owner = `vigia_owner_${suffix}`;
  const app = `vigia_app_${suffix}`;
  const dbName = `vigia_t_roles_${suffix}`;
  const sql = async (text: string): Promise<void> => {
    const c = new pg.Client({ connectionString: admin() });
    await c.connect();
    try {
      await c.query(text);
    } finally {
      await c.end();
    }
  };
  const urlAs = (role: string): string => {
    const u = new URL(admin());
    u.username = role;
    u.password = 'clave-de-prueba';
    u.pathname = `/${dbName}`;
    return u.toString();
  };
  let db: Db;
  beforeAll(async () => {
    await sql(`create role ${owner} login password 'clave-de-prueba'`);
    await sql(`create role ${app} login password 'clave-de-prueba'`);
    await sql(`create database ${dbName} owner ${owner}`);
    db = await openStore({
      databaseUrl: urlAs(app),
      ownerDatabaseUrl: urlAs(owner),
      dataDir: '/nonexistent',
      auditKey: TEST_AUDIT_KEY,
      embeddedPort: 0,
      db: DEFAULT_DB_SETTINGS,
    });
  });
  afterAll(async () => {
    await db?.close();
    await sql(`drop database if exists ${dbName} with (force)`);
    await sql(`drop role if exists ${app}`);
    await sql(`drop role if exists ${owner}`);
  });

  it('migrates as the owner; the app role appends and verifies but cannot delete rows or disable the trigger', async () => {
    const [who] = await db.query<{ me: string; tableOwner: string }>(
      `select current_user as me, tableowner as "tableOwner" from pg_tables where tablename = 'audit_log'`,
    );
    expect(who).toEqual({ me: app, tableOwner: owner });
    // The application works as usual: accounts and their audit rows, the head moves forward.
    await createUser(
      db,
      { username: 'jefa', role: 'admin', password: 'una-clave-muy-larga' },
      {
        actor: 'test',
        role: null,
        ip: null,
        requestId: null,
      },
    );
    await appendAudit(db, {
      actor: 'u',
      role: 'analyst',
      action: 'incidents.list',
      target: null,
      detail: {},
      ip: null,
      requestId: null,
    });
    expect(await verifyAudit(db)).toMatchObject({ ok: true, rows: 2, problems: [], signature: 'valid' });
    // What an attacker holding the app's credentials tries: all refused (insufficient privilege).
    for (const attack of [
      'alter table audit_log disable trigger audit_log_no_change',
      'alter table audit_log disable trigger all',
      'drop trigger audit_log_no_change on audit_log',
      'delete from audit_log where seq = 2',
      'update audit_log set actor = $$otro$$ where seq = 1',
      'truncate audit_log',
      'delete from audit_head',
      'drop table audit_log cascade',
    ])
      await expect(db.query(attack), attack).rejects.toMatchObject({ code: '42501' });
    expect(await verifyAudit(db)).toMatchObject({ ok: true, rows: 2, problems: [], signature: 'valid' });
  });

  it('the job engine: the owner installs its schema and queues; the app role works, fails and schedules jobs but cannot drop or alter the schema', async () => {
    const engine = new JobEngine(
      db,
      { ...DEFAULT_JOB_ENGINE_SETTINGS, retryLimit: 0, pollSeconds: 0.5 },
      { schedule: true },
    );
    try {
      await engine.start(['split-ok', 'split-crash']);
      await engine.work('split-ok', async (data) => ({ doubled: Number(data.n) * 2 }));
      await engine.work('split-crash', async () => {
        throw new Error('falla');
      });
      const ok = await engine.send('split-ok', { n: 21 });
      const crash = await engine.send('split-crash', {});
      await engine.schedule('split-ok', '0 4 * * *', 'America/Lima');
      const state = async (id: string) =>
        (await db.query<{ state: string }>('select state from pgboss.job where id = $1', [id]))[0]?.state;
      for (
        let i = 0;
        i < 200 && ((await state(ok)) !== 'completed' || (await state(crash)) !== 'failed');
        i++
      )
        await new Promise((r) => setTimeout(r, 100));
      expect([await state(ok), await state(crash)]).toEqual(['completed', 'failed']);
      expect((await engine.failed(10)).map((f) => f.id)).toEqual([crash]);
      expect(await db.query('select name, cron from pgboss.schedule')).toEqual([
        { name: 'split-ok', cron: '0 4 * * *' },
      ]);
    } finally {
      await engine.stop(5);
    }
    // Everything in the engine's schema belongs to the owner; the app role created nothing.
    const owners = await db.query<{ owner: string }>(
      `select distinct pg_get_userbyid(c.relowner) as owner from pg_class c
       join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'pgboss'
       union select pg_get_userbyid(nspowner) from pg_namespace where nspname = 'pgboss'`,
    );
    expect(owners).toEqual([{ owner }]);
    for (const attack of [
      'drop schema pgboss cascade',
      'drop table pgboss.job cascade',
      'alter table pgboss.job disable trigger all',
      'create table pgboss.otra (id int)',
      'truncate pgboss.job',
    ])
      await expect(db.query(attack), attack).rejects.toMatchObject({ code: '42501' });
  });
});

/**
 * Test databases on both real targets. Each call creates a new database on the chosen server,
 * migrates it with Vigía's own migrator and returns a `Db`; `drop()` removes it.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { type DbSettings, DEFAULT_DB_SETTINGS } from '../config/env.ts';
import type { Db } from '../storage/db.ts';
import { openStore } from '../storage/store.ts';
import { TEST_AUDIT_KEY_HEX } from './cli.ts';

/** The audit signing key of every test store: the CLI runs' key too (cli.ts), so their rows verify in both. */
export const TEST_AUDIT_KEY = new Uint8Array(Buffer.from(TEST_AUDIT_KEY_HEX, 'hex'));

/** The two storage targets every storage and ingest test runs against. */
export const BACKENDS = ['embedded', 'server'] as const;
export type Backend = (typeof BACKENDS)[number];

/**
 * The target of the command-line tests: each CLI run is a new process (about 2 s on two cores), so
 * they run once, on the PostgreSQL server; what they store is what the services store, and the
 * service and storage tests cover both targets.
 */
export const CLI_BACKENDS = ['server'] as const satisfies readonly Backend[];

function adminUrl(backend: Backend): string {
  return backend === 'embedded' ? inject('embeddedAdminUrl') : inject('serverAdminUrl');
}

/** A migrated, empty database and its URL. */
export interface TestDb {
  db: Db;
  url: string;
  drop(): Promise<void>;
}

/** @param limits pool and timeouts (default: the configuration's defaults) */
export async function createTestDb(backend: Backend, limits: Partial<DbSettings> = {}): Promise<TestDb> {
  const admin = adminUrl(backend);
  const name = `vigia_t_${randomBytes(5).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  const u = new URL(admin);
  u.pathname = `/${name}`;
  const url = u.toString();
  // The same entry point as DATABASE_URL in production: connect, then apply the migrations.
  const db = await openStore({
    databaseUrl: url,
    dataDir: '/nonexistent',
    auditKey: TEST_AUDIT_KEY,
    embeddedPort: 0,
    db: { ...DEFAULT_DB_SETTINGS, ...limits },
  });
  return {
    db,
    url,
    async drop() {
      await db.close();
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

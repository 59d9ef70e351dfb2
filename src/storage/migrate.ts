/**
 * Versioned SQL migrations, applied in order at start by the same code on the embedded server and
 * on a PostgreSQL server. Each file runs in its own transaction under an advisory lock, so two
 * processes starting at once cannot apply a migration twice.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { StorageError } from '../core/errors.ts';
import type { Db, Tx } from './db.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
const LOCK_KEY = 7_010_107; // any constant; shared by every Vigía process

/** A migration file: `NNNN_name.sql`. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

/** The migrations shipped with this version of Vigía, in order. */
export function listMigrations(): Migration[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => {
      const sql = readFileSync(MIGRATIONS_DIR + f, 'utf8');
      return {
        version: Number(f.slice(0, 4)),
        name: f.slice(5, -4),
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    });
}

/** Work in code that belongs to a migration, run in its transaction right after its SQL. */
export type AfterMigration = (version: number, tx: Tx) => Promise<void>;

/**
 * Applies every pending migration.
 * @param after runs after each migration applied now, in the same transaction
 * @returns the versions applied now (empty when up to date)
 * @throws StorageError when an applied migration's file has changed since (checksum mismatch)
 */
export async function migrate(db: Db, after?: AfterMigration): Promise<number[]> {
  const applied: number[] = [];
  await db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await tx.query(`create table if not exists schema_migrations (
      version integer primary key, name text not null, checksum text not null,
      applied_at timestamptz not null default now())`);
    const done = new Map(
      (
        await tx.query<{ version: number; checksum: string }>(
          'select version, checksum from schema_migrations',
        )
      ).map((r) => [r.version, r.checksum]),
    );
    for (const m of listMigrations()) {
      const prev = done.get(m.version);
      if (prev !== undefined) {
        if (prev !== m.checksum)
          throw new StorageError(
            `La migración ${String(m.version).padStart(4, '0')}_${m.name} cambió después de aplicarse (checksum distinto): las migraciones aplicadas no se editan, agregue una nueva`,
          );
        continue;
      }
      await tx.query(m.sql);
      await after?.(m.version, tx);
      await tx.query('insert into schema_migrations (version, name, checksum) values ($1, $2, $3)', [
        m.version,
        m.name,
        m.checksum,
      ]);
      applied.push(m.version);
    }
  });
  return applied;
}

/** True when every shipped migration is applied (readiness). */
export async function isMigrated(db: Db): Promise<boolean> {
  const rows = await db.query<{ n: number }>(
    `select count(*)::int as n from information_schema.tables where table_name = 'schema_migrations'`,
  );
  if (rows[0]?.n !== 1) return false;
  const versions = await db.query<{ version: number }>('select version from schema_migrations');
  const have = new Set(versions.map((r) => r.version));
  return listMigrations().every((m) => have.has(m.version));
}

/**
 * With a separate schema owner (PostgreSQL server): gives the application's role what it needs and
 * no more. It reads and writes the data tables, but on the audit log it may only add and read rows
 * (no UPDATE, DELETE or TRUNCATE; not being the owner, it cannot disable the append-only triggers
 * either), move the head forward (audit_head: SELECT, UPDATE) and read the applied migrations. On
 * the job engine's schema `pgboss`, when it exists, rows only.
 * Run by the owner after every migration and every install of the engine's schema or queues, so new
 * tables are covered.
 * @throws StorageError when the application connects as the owner itself
 */
export async function grantAppRole(owner: Db, appRole: string): Promise<void> {
  await owner.transaction(async (tx) => {
    const [me] = await tx.query<{ owner: string; app: string }>(
      'select current_user as owner, quote_ident($1) as app',
      [appRole],
    );
    const { app } = me as { owner: string; app: string };
    if ((me as { owner: string }).owner === appRole)
      throw new StorageError(
        'DATABASE_URL y VIGIA_OWNER_DATABASE_URL usan el mismo rol: la aplicación debe conectarse con un rol que no sea dueño de las tablas',
      );
    await tx.query(`grant select, insert, update, delete on all tables in schema public to ${app}`);
    await tx.query(`grant usage, select, update on all sequences in schema public to ${app}`);
    await tx.query(`revoke insert, update, delete, truncate on schema_migrations from ${app}`);
    await tx.query(`revoke update, delete, truncate on audit_log from ${app}`);
    await tx.query(`revoke insert, delete, truncate on audit_head from ${app}`);
    // The job engine's schema (pg-boss, created by the owner: services/job-engine.ts): the app role
    // queues, takes, completes and fails jobs and keeps the schedules (rows only); it creates no
    // queue (a queue is a partition table: DDL) and cannot drop or alter anything.
    const [engine] = await tx.query<{ present: boolean }>(
      `select to_regnamespace('pgboss') is not null as present`,
    );
    if (engine?.present) {
      await tx.query(`grant usage on schema pgboss to ${app}`);
      await tx.query(`grant select, insert, update, delete on all tables in schema pgboss to ${app}`);
      await tx.query(`grant usage, select, update on all sequences in schema pgboss to ${app}`);
      await tx.query(`grant execute on all functions in schema pgboss to ${app}`);
    }
  });
}

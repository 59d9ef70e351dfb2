import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import { isMigrated, listMigrations, migrate } from './migrate.ts';

describe.each(BACKENDS)('store on %s', (backend) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(backend);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('applies every migration once and is idempotent', async () => {
    expect(await isMigrated(t.db)).toBe(true);
    expect(await migrate(t.db)).toEqual([]);
    const rows = await t.db.query<{ version: number }>(
      'select version from schema_migrations order by version',
    );
    expect(rows.map((r) => r.version)).toEqual(listMigrations().map((m) => m.version));
  });
});

describe.each(BACKENDS)('migration guard on %s', (backend) => {
  it('refuses to run when an applied migration file has changed', async () => {
    const t = await createTestDb(backend);
    try {
      await t.db.query(`update schema_migrations set checksum = 'edited' where version = 1`);
      await expect(migrate(t.db)).rejects.toThrow(/0001_init cambió después de aplicarse/);
    } finally {
      await t.drop();
    }
  });
});

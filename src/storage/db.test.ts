/**
 * The statement timeout bounds interactive statements but not bulk batches (an ingest of a large
 * file), on both stores.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DB_SETTINGS } from '../config/env.ts';
import { StorageError } from '../core/errors.ts';
import { BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import { connectDb, type Db } from './db.ts';

describe.each(BACKENDS)('statement timeout on %s', (backend) => {
  let t: TestDb;
  let db: Db;
  beforeAll(async () => {
    t = await createTestDb(backend);
    db = await connectDb(t.url, {
      kind: 'server',
      limits: { ...DEFAULT_DB_SETTINGS, statementTimeoutMs: 300 },
    });
  });
  afterAll(async () => {
    await db?.close();
    await t?.drop();
  });

  it('cancels a statement over the limit with a StorageError, in and out of a transaction', async () => {
    await expect(db.query('select pg_sleep(1)')).rejects.toBeInstanceOf(StorageError);
    await expect(db.transaction((tx) => tx.query('select pg_sleep(1)'))).rejects.toThrow(
      /no respondió a tiempo/,
    );
    // The pool still works afterwards.
    expect(await db.query<{ n: number }>('select 1 as n')).toEqual([{ n: 1 }]);
  });

  it('lets a bulk batch run past it, and only that transaction', async () => {
    const [row] = await db.transaction(
      async (tx) => {
        await tx.query('select pg_sleep(1)');
        return tx.query<{ t: string }>("select current_setting('statement_timeout') as t");
      },
      { bulk: true },
    );
    expect(row?.t).toBe('0');
    const [after] = await db.query<{ t: string }>("select current_setting('statement_timeout') as t");
    expect(after?.t).toBe('300ms');
  });
});

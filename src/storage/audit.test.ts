import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../services/audit.ts';
import { BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import { appendAudit, canonicalJson } from './audit.ts';

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
    expect(await verifyAudit(t.db)).toEqual({ ok: true, rows: 300, problems: [] });
  });

  it('hashes details canonically (key order does not matter)', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe(canonicalJson({ a: { c: 3, d: 2 }, b: 1 }));
  });
});

/**
 * The audit log: append-only (database triggers refuse UPDATE, DELETE and TRUNCATE) and
 * tamper-evident — every row carries SHA-256(previous hash ‖ its own canonical content), and
 * audit_head keeps the newest sequence number and hash. Appends are serialised by locking the head.
 */
import { createHash } from 'node:crypto';
import type { Db, Queryable } from './db.ts';

/** One event to record. */
export interface AuditEvent {
  actor: string;
  role: string | null;
  action: string;
  target: string | null;
  /** Small JSON-able details (filters, counts, ids) — never secrets. */
  detail: Record<string, unknown>;
  ip: string | null;
  requestId: string | null;
}

/** A stored audit row. */
export interface AuditRow {
  seq: number;
  at: Date;
  actor: string;
  role: string | null;
  action: string;
  target: string | null;
  detail: string;
  ip: string | null;
  requestId: string | null;
  prevHash: string;
  hash: string;
}

/** JSON with object keys sorted, so that the same detail always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)) {
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
      return sorted;
    }
    return v;
  });
}

/** The chain link: SHA-256 over the previous hash and the row's fields. */
export function auditHash(row: Omit<AuditRow, 'hash'>): string {
  const content = JSON.stringify([
    row.seq,
    row.at.toISOString(),
    row.actor,
    row.role,
    row.action,
    row.target,
    row.detail,
    row.ip,
    row.requestId,
  ]);
  return createHash('sha256').update(row.prevHash).update('\n').update(content).digest('hex');
}

/** Appends one event; returns its sequence number. */
export async function appendAudit(db: Db, e: AuditEvent): Promise<number> {
  return db.transaction(async (tx) => {
    const [head] = await tx.query<{ seq: number; hash: string }>(
      'select seq, hash from audit_head for update',
    );
    if (!head) throw new Error('audit_head missing');
    const row: Omit<AuditRow, 'hash'> = {
      seq: head.seq + 1,
      at: new Date(),
      actor: e.actor,
      role: e.role,
      action: e.action,
      target: e.target,
      detail: canonicalJson(e.detail),
      ip: e.ip,
      requestId: e.requestId,
      prevHash: head.hash,
    };
    const hash = auditHash(row);
    await tx.query(
      `insert into audit_log (seq, at, actor, role, action, target, detail, ip, request_id, prev_hash, hash)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        row.seq,
        row.at,
        row.actor,
        row.role,
        row.action,
        row.target,
        row.detail,
        row.ip,
        row.requestId,
        row.prevHash,
        hash,
      ],
    );
    await tx.query('update audit_head set seq = $1, hash = $2', [row.seq, hash]);
    return row.seq;
  });
}

const COLUMNS = `seq, at, actor, role, action, target, detail, ip, request_id as "requestId",
  prev_hash as "prevHash", hash`;

/** Filters for reading the log. */
export interface AuditQuery {
  from?: Date;
  to?: Date;
  actor?: string;
  action?: string;
  /** Rows with seq below this (paging backwards). */
  before?: number;
  limit: number;
}

/** Newest first. */
export function listAudit(db: Queryable, q: AuditQuery): Promise<AuditRow[]> {
  return db.query<AuditRow>(
    `select ${COLUMNS} from audit_log
     where ($1::timestamptz is null or at >= $1) and ($2::timestamptz is null or at < $2)
       and ($3::text is null or actor = $3) and ($4::text is null or action = $4)
       and ($5::bigint is null or seq < $5)
     order by seq desc limit $6`,
    [q.from ?? null, q.to ?? null, q.actor ?? null, q.action ?? null, q.before ?? null, q.limit],
  );
}

/** Reads the whole chain in order, a page at a time. */
export async function* auditChain(db: Queryable, pageSize = 5000): AsyncGenerator<AuditRow> {
  let after = 0;
  for (;;) {
    const rows = await db.query<AuditRow>(
      `select ${COLUMNS} from audit_log where seq > $1 order by seq limit $2`,
      [after, pageSize],
    );
    for (const r of rows) yield r;
    if (rows.length < pageSize) return;
    after = (rows[rows.length - 1] as AuditRow).seq;
  }
}

export async function auditHead(db: Queryable): Promise<{ seq: number; hash: string } | null> {
  const rows = await db.query<{ seq: number; hash: string }>('select seq, hash from audit_head');
  return rows.length === 1 ? (rows[0] as { seq: number; hash: string }) : null;
}

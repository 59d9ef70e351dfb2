/**
 * The audit log: append-only (database triggers refuse UPDATE, DELETE and TRUNCATE) and
 * tamper-evident — every row carries SHA-256(previous hash ‖ its own canonical content), and
 * audit_head keeps the newest sequence number and hash, signed with a key kept outside the database
 * (HMAC-SHA256, audit-key.ts). Appends lock the head and are group-committed.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { AuditKeySource } from './audit-key.ts';
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

/** The migration that adds audit_head.mac: the head it finds is signed in the same transaction. */
export const AUDIT_MAC_MIGRATION = 9;

/** The head's signature: HMAC-SHA256(key, `<seq>:<hash>`), hex. */
export function headMac(key: Uint8Array, seq: number, hash: string): string {
  return createHmac('sha256', key).update(`${seq}:${hash}`).digest('hex');
}

/** True when `mac` is the head's signature under `key` (compared in constant time). */
export function headMacValid(key: Uint8Array, head: AuditHead): boolean {
  if (head.mac === null || !/^[0-9a-f]{64}$/.test(head.mac)) return false;
  return timingSafeEqual(Buffer.from(head.mac, 'hex'), Buffer.from(headMac(key, head.seq, head.hash), 'hex'));
}

/** Each store's signing key, bound when the store is opened (store.ts). */
const keys = new WeakMap<Db, AuditKeySource>();

/** Binds the signing key to a store. */
export function bindAuditKey(db: Db, source: AuditKeySource): void {
  keys.set(db, source);
}

/**
 * The store's signing key (with `create`, the key file is created if missing), or null. Every store
 * opened by openStore has a key bound; a bare connection (a test that migrates by hand) has none:
 * its appends leave the head's signature as it is, and verification reports it unchecked.
 */
export function auditKey(db: Db, create: boolean): { key: Uint8Array | null; where: string | null } {
  const source = keys.get(db);
  return source ? { key: source.get(create), where: source.where } : { key: null, where: null };
}

/**
 * Signs the current head as it is. Only for the moment the signature column appears (migration
 * AUDIT_MAC_MIGRATION) and for `vigia audit sign` after a full verification: appends never sign a
 * head whose signature they cannot check.
 */
export async function signAuditHead(db: Queryable, key: Uint8Array): Promise<AuditHead> {
  const [head] = await db.query<AuditHead>('select seq, hash, mac from audit_head for update');
  if (!head) throw new Error('audit_head missing');
  const mac = headMac(key, head.seq, head.hash);
  await db.query('update audit_head set mac = $1', [mac]);
  return { ...head, mac };
}

/** Events waiting for the next group commit, per store. */
interface Pending {
  event: AuditEvent;
  at: Date;
  resolve: (seq: number) => void;
  reject: (err: unknown) => void;
}
const queues = new WeakMap<Db, { pending: Pending[]; flushing: boolean }>();
const MAX_BATCH = 500;

/**
 * Appends one event; resolves with its sequence number once it is committed. Concurrent appends
 * are group-committed: one transaction locks the head, chains every waiting event and commits them
 * together, so a busy server pays one commit per batch instead of one per request.
 */
export function appendAudit(db: Db, e: AuditEvent): Promise<number> {
  let q = queues.get(db);
  if (!q) {
    q = { pending: [], flushing: false };
    queues.set(db, q);
  }
  const queue = q;
  return new Promise<number>((resolve, reject) => {
    queue.pending.push({ event: e, at: new Date(), resolve, reject });
    if (!queue.flushing) void flush(db, queue);
  });
}

async function flush(db: Db, q: { pending: Pending[]; flushing: boolean }): Promise<void> {
  q.flushing = true;
  try {
    while (q.pending.length > 0) {
      const batch = q.pending.splice(0, MAX_BATCH);
      try {
        const seqs = await writeChained(db, batch);
        for (const [i, p] of batch.entries()) p.resolve(seqs[i] as number);
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
  } finally {
    q.flushing = false;
  }
}

async function writeChained(db: Db, batch: Pending[]): Promise<number[]> {
  const { key } = auditKey(db, true);
  return db.transaction(async (tx) => {
    const [head] = await tx.query<AuditHead>('select seq, hash, mac from audit_head for update');
    if (!head) throw new Error('audit_head missing');
    // A head whose signature does not check out (rewound, or signed with another key) is extended
    // but not signed: the new head keeps the bad signature, and verification keeps reporting it.
    const signed = key !== null && headMacValid(key, head);
    let prevHash = head.hash;
    let seq = head.seq;
    const params: unknown[] = [];
    const tuples: string[] = [];
    const seqs: number[] = [];
    for (const { event: e, at } of batch) {
      seq++;
      const row: Omit<AuditRow, 'hash'> = {
        seq,
        at,
        actor: e.actor,
        role: e.role,
        action: e.action,
        target: e.target,
        detail: canonicalJson(e.detail),
        ip: e.ip,
        requestId: e.requestId,
        prevHash,
      };
      const hash = auditHash(row);
      const base = params.length;
      params.push(
        row.seq,
        row.at,
        row.actor,
        row.role,
        row.action,
        row.target,
        row.detail,
        row.ip,
        row.requestId,
        prevHash,
        hash,
      );
      tuples.push(`(${Array.from({ length: 11 }, (_, k) => `$${base + k + 1}`).join(', ')})`);
      seqs.push(seq);
      prevHash = hash;
    }
    await tx.query(
      `insert into audit_log (seq, at, actor, role, action, target, detail, ip, request_id, prev_hash, hash)
       values ${tuples.join(', ')}`,
      params,
    );
    await tx.query('update audit_head set seq = $1, hash = $2, mac = $3', [
      seq,
      prevHash,
      signed ? headMac(key, seq, prevHash) : head.mac,
    ]);
    return seqs;
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

/** audit_head: the newest row's sequence number and hash, and their signature (null: unsigned). */
export interface AuditHead {
  seq: number;
  hash: string;
  mac: string | null;
}

export async function auditHead(db: Queryable): Promise<AuditHead | null> {
  const rows = await db.query<AuditHead>('select seq, hash, mac from audit_head');
  return rows.length === 1 ? (rows[0] as AuditHead) : null;
}

/**
 * Recording and verifying the audit trail. Every read of incident-level data and every change is
 * recorded by the service or route that does it, with who, what, when and from where.
 */
import { actorName, type Principal } from '../core/access.ts';
import {
  type AuditQuery,
  type AuditRow,
  appendAudit,
  auditChain,
  auditHash,
  auditHead,
  listAudit,
} from '../storage/audit.ts';
import type { Db } from '../storage/db.ts';

export type { AuditRow } from '../storage/audit.ts';

/** Who acts and from where. */
export interface AuditContext {
  actor: string;
  role: string | null;
  ip: string | null;
  requestId: string | null;
}

/** The context of an HTTP caller. */
export function principalContext(p: Principal, ip: string | null, requestId: string | null): AuditContext {
  return { actor: actorName(p), role: p.role, ip, requestId };
}

/** Appends one event. */
export function audit(
  db: Db,
  ctx: AuditContext,
  action: string,
  target: string | null,
  detail: Record<string, unknown> = {},
): Promise<number> {
  return appendAudit(db, { ...ctx, action, target, detail });
}

/** Reads the log, newest first. */
export function queryAudit(db: Db, q: AuditQuery): Promise<AuditRow[]> {
  return listAudit(db, q);
}

/** What `vigia audit verify` found. */
export interface AuditVerification {
  ok: boolean;
  rows: number;
  /** The first problems found (sequence number and what is wrong), at most 20. */
  problems: { seq: number; problem: string }[];
}

/**
 * Walks the whole chain: sequence numbers without gaps, each row's prev_hash equal to the previous
 * row's hash, each hash recomputed from the stored values, and the head pointing at the last row.
 */
export async function verifyAudit(db: Db): Promise<AuditVerification> {
  const problems: { seq: number; problem: string }[] = [];
  const add = (seq: number, problem: string): void => {
    if (problems.length < 20) problems.push({ seq, problem });
  };
  let expectedSeq = 1;
  let prevHash = '0'.repeat(64);
  let rows = 0;
  for await (const r of auditChain(db)) {
    rows++;
    if (r.seq !== expectedSeq) add(r.seq, `falta(n) la(s) fila(s) ${expectedSeq}–${r.seq - 1} (eliminadas)`);
    if (r.prevHash !== prevHash) add(r.seq, 'prev_hash no coincide con la fila anterior');
    if (auditHash(r) !== r.hash) add(r.seq, 'el contenido no coincide con su hash (fila alterada)');
    expectedSeq = r.seq + 1;
    prevHash = r.hash;
  }
  const head = await auditHead(db);
  if (!head) add(0, 'falta la cabecera audit_head');
  else if (head.seq !== expectedSeq - 1 || head.hash !== prevHash)
    add(
      head.seq,
      `la cabecera apunta a la fila ${head.seq} pero la última es ${expectedSeq - 1} (filas finales eliminadas o cabecera alterada)`,
    );
  return { ok: problems.length === 0, rows, problems };
}

/**
 * Recording and verifying the audit trail. Every read of incident-level data and every change is
 * recorded by the service or route that does it, with who, what, when and from where. Two things
 * kept outside the database let verification notice newest rows deleted together with a rewound
 * audit_head: the head's signature key (a rewound head cannot be signed without it) and anchors
 * (the head's sequence number and hash, written to a file by `vigia audit anchor` and, while
 * serving, every VIGIA_AUDIT_ANCHOR_MINUTES and at shutdown).
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { actorName, type Principal } from '../core/access.ts';
import { ValidationError } from '../core/errors.ts';
import {
  type AuditQuery,
  type AuditRow,
  appendAudit,
  auditChain,
  auditHash,
  auditHead,
  auditKey,
  headMacValid,
  listAudit,
  signAuditHead,
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

/** The anchor file's name in the data directory. */
export const AUDIT_ANCHOR_FILE = 'audit-anchors.txt';

/** A chain position recorded outside the database: `<seq>:<sha-256 hex>`. */
export interface AuditAnchor {
  seq: number;
  hash: string;
  /** Where it came from (the anchor file or the command line), for messages. */
  source: string;
}

/** Reads `<seq>:<hash>`. @throws ValidationError naming `field` */
export function parseAnchor(text: string, source: string, field = 'anchor'): AuditAnchor {
  const m = /^(\d{1,15}):([0-9a-f]{64})$/.exec(text.trim());
  if (!m)
    throw new ValidationError(
      field,
      `ancla inválida "${text.trim().slice(0, 80)}" (use <secuencia>:<hash SHA-256 hex>)`,
    );
  return { seq: Number(m[1]), hash: m[2] as string, source };
}

const formatAnchor = (a: { seq: number; hash: string }): string => `${a.seq}:${a.hash}`;

/**
 * Records the current head in the anchor file (one line per anchor: time, then `<seq>:<hash>`).
 * Keep copies of the file, or of the printed value, where the database's users cannot write.
 */
export async function anchorAudit(db: Db, file: string): Promise<AuditAnchor & { at: Date }> {
  const head = await auditHead(db);
  if (!head) throw new ValidationError('audit_head', 'falta la cabecera del registro de auditoría');
  const at = new Date();
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${at.toISOString()} ${formatAnchor(head)}\n`, { mode: 0o600 });
  return { seq: head.seq, hash: head.hash, source: file, at };
}

/** A warning sink (the server's logger). */
interface WarnLog {
  warn(obj: object, msg: string): void;
}

/**
 * While serving: appends the head to the anchor file every `minutes` when it moved since the
 * newest anchor there, and once more at `stop()` (graceful shutdown). 0 minutes: never. A failed
 * anchor (database unavailable, file not writable) is logged and tried again at the next tick.
 */
export function startAutoAnchor(
  db: Db,
  file: string,
  minutes: number,
  log: WarnLog,
): { stop(): Promise<void> } {
  if (minutes <= 0) return { stop: async () => {} };
  let last: { seq: number; hash: string } | null = null;
  try {
    last = latestAnchor(file);
  } catch {
    // An unreadable last line: the next anchor is appended after it.
  }
  let running: Promise<void> = Promise.resolve();
  const tick = (): Promise<void> => {
    running = running.then(async () => {
      try {
        const head = await auditHead(db);
        if (!head || (last && last.seq === head.seq && last.hash === head.hash)) return;
        last = await anchorAudit(db, file);
      } catch (err) {
        log.warn({ file, err: err instanceof Error ? err.message : String(err) }, 'audit anchor failed');
      }
    });
    return running;
  };
  const timer = setInterval(() => void tick(), minutes * 60_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await tick();
    },
  };
}

/** The signing key is at hand (created if missing): a server checks this before it listens. */
export function ensureAuditKey(db: Db): void {
  auditKey(db, true);
}

/** The newest anchor in the anchor file, or null when there is none. @throws ValidationError */
export function latestAnchor(file: string): AuditAnchor | null {
  if (!existsSync(file)) return null;
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const last = lines[lines.length - 1];
  if (last === undefined) return null;
  return parseAnchor(last.trim().split(/\s+/).pop() as string, file, `${file}: línea ${lines.length}`);
}

/** What `vigia audit verify` found. */
export interface AuditVerification {
  ok: boolean;
  rows: number;
  /** The first problems found (sequence number and what is wrong), at most 20. */
  problems: { seq: number; problem: string }[];
  /**
   * The head's signature: valid, invalid (wrong for this head under this key), unsigned (none
   * stored), or unchecked (no key at hand: neither VIGIA_AUDIT_KEY nor the key file).
   */
  signature: 'valid' | 'invalid' | 'unsigned' | 'unchecked';
  /** Where the key came from (VIGIA_AUDIT_KEY or the key file's path), when there is one to name. */
  key?: string;
  /** The anchor checked, if any. */
  anchor?: string;
}

/**
 * Walks the whole chain: sequence numbers without gaps, each row's prev_hash equal to the previous
 * row's hash, each hash recomputed from the stored values, and the head pointing at the last row.
 * With an anchor, the anchored row must still exist with the anchored hash: deleting the newest
 * rows and rewinding audit_head keeps the chain consistent, but not with an older anchor. With the
 * key, the head's signature must match it: a rewound head carries a stale signature (or none), and
 * the database holds no key to sign it again. The key is never created here (none: unchecked).
 */
export async function verifyAudit(db: Db, anchor?: AuditAnchor | null): Promise<AuditVerification> {
  const problems: { seq: number; problem: string }[] = [];
  const add = (seq: number, problem: string): void => {
    if (problems.length < 20) problems.push({ seq, problem });
  };
  const named = anchor ? `el ancla ${formatAnchor(anchor)} (${anchor.source})` : '';
  let expectedSeq = 1;
  let prevHash = '0'.repeat(64);
  let rows = 0;
  for await (const r of auditChain(db)) {
    rows++;
    if (r.seq !== expectedSeq) add(r.seq, `falta(n) la(s) fila(s) ${expectedSeq}–${r.seq - 1} (eliminadas)`);
    if (r.prevHash !== prevHash) add(r.seq, 'prev_hash no coincide con la fila anterior');
    if (auditHash(r) !== r.hash) add(r.seq, 'el contenido no coincide con su hash (fila alterada)');
    if (anchor && r.seq === anchor.seq && r.hash !== anchor.hash)
      add(r.seq, `la fila no coincide con ${named} (cadena reescrita)`);
    expectedSeq = r.seq + 1;
    prevHash = r.hash;
  }
  const last = expectedSeq - 1;
  if (anchor && last < anchor.seq)
    add(
      anchor.seq,
      `${named} registra ${anchor.seq} filas pero la cadena termina en la fila ${last}: filas eliminadas después de la ${last} (y cabecera retrocedida)`,
    );
  const head = await auditHead(db);
  if (!head) add(0, 'falta la cabecera audit_head');
  else if (head.seq !== last || head.hash !== prevHash)
    add(
      head.seq,
      `la cabecera apunta a la fila ${head.seq} pero la última es ${last} (filas finales eliminadas o cabecera alterada)`,
    );
  const { key, where } = auditKey(db, false);
  let signature: AuditVerification['signature'] = 'unchecked';
  if (head && key) {
    signature = head.mac === null ? 'unsigned' : headMacValid(key, head) ? 'valid' : 'invalid';
    if (signature === 'unsigned')
      add(
        head.seq,
        `la cabecera no tiene firma (audit_head.mac vacío): se borró, o la escribió alguien sin la clave de Vigía`,
      );
    else if (signature === 'invalid')
      add(
        head.seq,
        `la cabecera (fila ${head.seq}) no coincide con su firma (clave: ${where}): filas finales eliminadas y cabecera retrocedida, o la clave cambió`,
      );
  }
  return {
    ok: problems.length === 0,
    rows,
    problems,
    signature,
    ...(where ? { key: where } : {}),
    ...(anchor ? { anchor: formatAnchor(anchor) } : {}),
  };
}

/**
 * Signs the current head with the current key (`vigia audit sign`): after a new or restored key,
 * or an unsigned head. Only when everything else verifies — the chain, the head and the anchor —
 * since whatever head is signed now is vouched for from here on.
 * @returns the verification before signing; `ok` false when something besides the signature failed (nothing signed)
 */
export async function signAudit(db: Db, anchor?: AuditAnchor | null): Promise<AuditVerification> {
  const before = await verifyAudit(db, anchor);
  const signatureProblems = before.signature === 'invalid' || before.signature === 'unsigned' ? 1 : 0;
  if (before.problems.length !== signatureProblems) return before;
  const { key } = auditKey(db, true);
  if (!key) throw new ValidationError('clave', 'no hay clave de auditoría con la que firmar');
  await db.transaction((tx) => signAuditHead(tx, key));
  return verifyAudit(db, anchor);
}

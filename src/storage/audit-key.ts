/**
 * Where the audit head's signing key comes from: VIGIA_AUDIT_KEY, or else the key file
 * `<VIGIA_DATA_DIR>/audit.key` (mode 0600), created with a random key the first time something is
 * signed. The key never enters the database, so a database role alone cannot sign a head.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AUDIT_KEY_MIN_BYTES, AUDIT_KEY_RULE, decodeAuditKey } from '../core/audit-key.ts';
import { ConfigError } from '../core/errors.ts';

/** The key file's name in the data directory. */
export const AUDIT_KEY_FILE = 'audit.key';

/** The signing key, read (or created) on first need. */
export interface AuditKeySource {
  /** Where the key comes from, for messages: `VIGIA_AUDIT_KEY` or the key file's path. */
  readonly where: string;
  /**
   * The key; with `create`, a missing key file is created first. Null only without `create` when
   * there is no key (verification then says the signature was not checked).
   * @throws ConfigError when the key file cannot be read or created, or is malformed
   */
  get(create: boolean): Uint8Array | null;
}

/** The key from the configuration, or the key file in the data directory. */
export function auditKeySource(o: { auditKey?: Uint8Array | undefined; dataDir: string }): AuditKeySource {
  const given = o.auditKey;
  if (given) return { where: 'VIGIA_AUDIT_KEY', get: () => given };
  const file = join(o.dataDir, AUDIT_KEY_FILE);
  let key: Uint8Array | null = null;
  return {
    where: file,
    get(create) {
      key ??= readKeyFile(file) ?? (create ? createKeyFile(file) : null);
      return key;
    },
  };
}

/** The key in `file`, or null when there is no such file. */
function readKeyFile(file: string): Uint8Array | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ConfigError([
      `${file}: no se puede leer la clave de auditoría (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    ]);
  }
  const key = decodeAuditKey(text);
  if (!key) throw new ConfigError([`${file}: ${AUDIT_KEY_RULE}`]);
  return key;
}

/**
 * Writes a new random key under a temporary name and links it into place, so that two processes
 * starting at once agree on one key (the loser reads the winner's) and nobody reads half a file.
 */
function createKeyFile(file: string): Uint8Array {
  const dir = join(file, '..');
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(temp, `${randomBytes(AUDIT_KEY_MIN_BYTES).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    try {
      linkSync(temp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  } catch (err) {
    throw new ConfigError([
      `${file}: no se puede crear la clave de auditoría (${(err as NodeJS.ErrnoException).code ?? 'error'}); defina VIGIA_AUDIT_KEY o una VIGIA_DATA_DIR con permiso de escritura`,
    ]);
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      // never written
    }
  }
  return readKeyFile(file) as Uint8Array;
}

/**
 * The audit head's signing key (VIGIA_AUDIT_KEY or `<VIGIA_DATA_DIR>/audit.key`): one format for
 * both, at least 32 bytes written as hex or base64. Pure: reading the file is storage's job.
 */

/** The shortest key accepted, in bytes (HMAC-SHA256's block of security). */
export const AUDIT_KEY_MIN_BYTES = 32;

/** What a malformed key is told (never the key itself). */
export const AUDIT_KEY_RULE = `debe ser una clave de al menos ${AUDIT_KEY_MIN_BYTES} bytes en hexadecimal (${2 * AUDIT_KEY_MIN_BYTES} caracteres) o base64`;

/** Decodes a key written as hex (an even number of hex digits) or else base64; null when malformed or short. */
export function decodeAuditKey(text: string): Uint8Array | null {
  const t = text.trim();
  let key: Buffer;
  if (/^(?:[0-9a-fA-F]{2})+$/.test(t)) key = Buffer.from(t, 'hex');
  else if (/^[A-Za-z0-9+/]+={0,2}$/.test(t) || /^[A-Za-z0-9_-]+={0,2}$/.test(t))
    key = Buffer.from(t, t.includes('-') || t.includes('_') ? 'base64url' : 'base64');
  else return null;
  return key.length >= AUDIT_KEY_MIN_BYTES ? new Uint8Array(key) : null;
}

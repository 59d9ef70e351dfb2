/**
 * Typed arrays as base64 text (their little-endian bytes), the form model artifacts keep weights,
 * trees and events in: plain JSON, compact, exact.
 */
import { ValidationError } from './errors.ts';

/** The bytes of a typed array as base64. */
export function encodeTyped(a: ArrayBufferView): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

/**
 * A typed array of `Type` read back from base64 (a fresh, aligned buffer).
 * @throws ValidationError naming `field` when `s` is not text or its length does not fit the type
 */
export function decodeTyped<T>(
  field: string,
  s: unknown,
  Type: { new (b: ArrayBuffer): T; BYTES_PER_ELEMENT: number },
): T {
  if (typeof s !== 'string') throw new ValidationError(field, 'falta o no es texto base64');
  const bytes = Buffer.from(s, 'base64');
  if (bytes.length % Type.BYTES_PER_ELEMENT !== 0) throw new ValidationError(field, 'longitud inválida');
  const copy = new ArrayBuffer(bytes.length);
  new Uint8Array(copy).set(bytes);
  return new Type(copy);
}

/**
 * The first pass over an input file, before anything is written: size, SHA-256 (the idempotence
 * key), binary content and text encoding. Peruvian government exports are often Latin-1
 * (Windows-1252, a superset of Latin-1 for printable text). A file that is not valid UTF-8 is
 * classified on a second pass: it is read as UTF-8 when its valid multi-byte UTF-8 sequences are at
 * least as many as its invalid bytes (a UTF-8 export with stray Latin-1 bytes), else as
 * Windows-1252. Bytes that do not belong to the chosen encoding are never decoded into text: each
 * becomes a marker (see FOREIGN_MARK) that rejects its row, naming the byte offset. Streaming:
 * memory does not depend on file size.
 */
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { InputFileError } from '../core/errors.ts';

/** What the first pass learnt about a file. */
export interface FileFacts {
  path: string;
  name: string;
  bytes: number;
  sha256: string;
  encoding: 'utf-8' | 'windows-1252';
  /**
   * Invalid bytes of a UTF-8 file, or UTF-8 sequences in a Windows-1252 file: each one rejects the
   * row that holds it (0 for a file in one encoding).
   */
  foreign: number;
}

/**
 * A byte (or UTF-8 sequence) foreign to the file's encoding appears in the decoded text as
 * U+FFFF, its byte offset in the file, ".", its bytes in hex, U+FFFF. U+FFFF is a noncharacter that
 * no real export holds, and digits, "." and hex are no CSV delimiter or quote, so a marker stays
 * inside its field, and JSON keeps it inside its string.
 */
export const FOREIGN_MARK = '\uffff';
const FOREIGN = /\uffff(\d+)\.([0-9A-F]+)\uffff/;

/** The first foreign byte marker in a decoded value, if any. */
export function foreignBytes(value: string): { offset: number; hex: string } | null {
  const m = FOREIGN.exec(value);
  return m ? { offset: Number(m[1]), hex: m[2] as string } : null;
}

const mark = (offset: number, bytes: Buffer): string =>
  `${FOREIGN_MARK}${offset}.${bytes.toString('hex').toUpperCase()}${FOREIGN_MARK}`;

/**
 * Length of the well-formed UTF-8 sequence that starts at buf[i] (a byte ≥ 0x80): 2–4; 0 when
 * buf[i] does not start one (a stray byte); -1 when the buffer ends inside a sequence valid so far.
 */
function utf8Sequence(buf: Buffer, i: number): number {
  const b = buf[i] as number;
  let n: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (b >= 0xc2 && b <= 0xdf) n = 2;
  else if (b >= 0xe0 && b <= 0xef) {
    n = 3;
    if (b === 0xe0) lo = 0xa0;
    else if (b === 0xed) hi = 0x9f; // no surrogates
  } else if (b >= 0xf0 && b <= 0xf4) {
    n = 4;
    if (b === 0xf0) lo = 0x90;
    else if (b === 0xf4) hi = 0x8f;
  } else return 0;
  for (let k = 1; k < n; k++) {
    if (i + k >= buf.length) return -1;
    const c = buf[i + k] as number;
    if (k === 1 ? c < lo || c > hi : c < 0x80 || c > 0xbf) return 0;
  }
  return n;
}

/**
 * Walks the bytes ≥ 0x80 of one buffer: `seq(i, n)` for each valid UTF-8 sequence, `stray(i)` for
 * each byte that starts none. Returns where a sequence cut by the end of `buf` begins (buf.length
 * when none, or when `final`: a cut sequence at the end of the file is stray bytes).
 */
function walkUtf8(
  buf: Buffer,
  final: boolean,
  seq: (i: number, n: number) => void,
  stray: (i: number) => void,
): number {
  for (let i = 0; i < buf.length; i++) {
    if ((buf[i] as number) < 0x80) continue;
    const n = utf8Sequence(buf, i);
    if (n === -1 && !final) return i;
    if (n > 0) {
      seq(i, n);
      i += n - 1;
    } else stray(i);
  }
  return buf.length;
}

/** Second pass over a file that is not valid UTF-8: valid multi-byte sequences and stray bytes. */
async function countUtf8(path: string): Promise<{ sequences: number; stray: number }> {
  let sequences = 0;
  let stray = 0;
  let carry: Buffer | null = null;
  const count = (buf: Buffer, final: boolean): number =>
    walkUtf8(
      buf,
      final,
      () => sequences++,
      () => stray++,
    );
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const whole: Buffer = carry ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
    const cut = count(whole, false);
    carry = cut < whole.length ? Buffer.from(whole.subarray(cut)) : null;
  }
  if (carry) count(carry, true);
  return { sequences, stray };
}

/**
 * How many bytes at the end of `buf` start a UTF-8 sequence that continues in the next chunk
 * (0–3). Only well-formed lead bytes count; anything else is left for isUtf8 to judge.
 */
function incompleteTail(buf: Buffer): number {
  for (let back = 1; back <= Math.min(3, buf.length); back++) {
    const b = buf[buf.length - back] as number;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/** Control bytes that never occur in text files (NUL and most C0 codes except tab, LF, CR, FF). */
function isBinaryByte(b: number): boolean {
  return b === 0 || (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12);
}

/**
 * Reads the whole file once.
 * @throws InputFileError for a missing, empty or binary file
 */
export async function inspectFile(path: string): Promise<FileFacts> {
  const name = basename(path);
  let bytes: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new InputFileError(name, 'no es un archivo regular');
    bytes = st.size;
  } catch (cause) {
    if (cause instanceof InputFileError) throw cause;
    throw new InputFileError(path, 'no existe o no se puede leer', { cause });
  }
  if (bytes === 0) throw new InputFileError(name, 'archivo vacío (0 bytes): no hay nada que ingerir');

  const head = Buffer.alloc(4);
  const fd = openSync(path, 'r');
  readSync(fd, head, 0, 4, 0);
  closeSync(fd);
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))
    throw new InputFileError(
      name,
      'está en UTF-16 (Excel «Texto Unicode»): guárdelo como CSV UTF-8 o Latin-1 y vuelva a intentarlo',
    );

  const hash = createHash('sha256');
  let validUtf8 = true;
  let carry: Buffer | null = null; // an incomplete UTF-8 sequence cut at the end of the last chunk
  let controlBytes = 0;
  let seen = 0;
  let onlyWhitespace = true;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const buf = chunk as Buffer;
    hash.update(buf);
    // Binary detection looks at the first 64 KiB: enough for any text header, cheap for big files.
    if (seen < 65536) {
      const end = Math.min(buf.length, 65536 - seen);
      for (let i = 0; i < end; i++) if (isBinaryByte(buf[i] as number)) controlBytes++;
    }
    // A UTF-8 BOM (EF BB BF) alone is not content.
    if (
      onlyWhitespace &&
      /\S/.test(
        buf.toString('latin1', seen === 0 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0),
      )
    )
      onlyWhitespace = false;
    seen += buf.length;
    if (validUtf8) {
      const whole: Buffer = carry ? Buffer.concat([carry, buf]) : buf;
      const cut = incompleteTail(whole);
      validUtf8 = isUtf8(whole.subarray(0, whole.length - cut)); // native check, no decoding
      carry = cut > 0 ? Buffer.from(whole.subarray(whole.length - cut)) : null;
    }
  }
  if (carry) validUtf8 = false; // the file ends inside a multi-byte sequence
  if (controlBytes > 0)
    throw new InputFileError(
      name,
      `parece un archivo binario (${controlBytes} bytes de control en los primeros 64 KiB): se esperaba texto CSV o JSON`,
    );
  if (onlyWhitespace) throw new InputFileError(name, 'archivo vacío (solo espacios en blanco)');
  const sha256 = hash.digest('hex');
  if (validUtf8) return { path, name, bytes, sha256, encoding: 'utf-8', foreign: 0 };
  const { sequences, stray } = await countUtf8(path);
  return sequences >= stray
    ? { path, name, bytes, sha256, encoding: 'utf-8', foreign: stray }
    : { path, name, bytes, sha256, encoding: 'windows-1252', foreign: sequences };
}

/**
 * A decoder for a file with foreign bytes: text of the file's encoding as usual, each foreign byte
 * (UTF-8 file) or UTF-8 sequence (Windows-1252 file) as a marker naming its offset.
 */
function markingDecoder(encoding: FileFacts['encoding']): {
  decode(chunk: Buffer): string;
  end(): string;
} {
  const latin = new TextDecoder('windows-1252');
  let carry: Buffer | null = null;
  let offset = 0; // file offset of the next byte to decode
  const run = (buf: Buffer, from: number, to: number): string =>
    from >= to
      ? ''
      : encoding === 'utf-8'
        ? buf.toString('utf8', from, to)
        : latin.decode(buf.subarray(from, to));
  const decode = (buf: Buffer, final: boolean): string => {
    const out: string[] = [];
    let from = 0;
    const foreign = (i: number, n: number): void => {
      out.push(run(buf, from, i), mark(offset + i, buf.subarray(i, i + n)));
      from = i + n;
    };
    const cut = walkUtf8(
      buf,
      final,
      (i, n) => {
        if (encoding === 'windows-1252') foreign(i, n);
      },
      (i) => {
        if (encoding === 'utf-8') foreign(i, 1);
      },
    );
    out.push(run(buf, from, cut));
    carry = cut < buf.length ? Buffer.from(buf.subarray(cut)) : null;
    offset += cut;
    return out.join('');
  };
  return {
    decode: (chunk) => decode(carry ? Buffer.concat([carry, chunk]) : chunk, false),
    end: () => (carry ? decode(carry, true) : ''),
  };
}

/** A stream of decoded text chunks (BOM removed). */
export async function* readText(facts: FileFacts, progress?: { bytesRead: number }): AsyncGenerator<string> {
  // Node's StringDecoder is the fast path for UTF-8 (the first pass already proved the bytes valid);
  // TextDecoder knows Windows-1252, which Node's "latin1" does not (0x80–0x9F: €, ‚, ƒ, …).
  let decode: (chunk: Buffer) => string;
  let end: () => string;
  if (facts.foreign > 0) ({ decode, end } = markingDecoder(facts.encoding));
  else if (facts.encoding === 'utf-8') {
    const d = new StringDecoder('utf8');
    decode = (chunk) => d.write(chunk);
    end = () => d.end();
  } else {
    const d = new TextDecoder('windows-1252');
    decode = (chunk) => d.decode(chunk, { stream: true });
    end = () => d.decode();
  }
  let first = true;
  for await (const chunk of createReadStream(facts.path, { highWaterMark: 1 << 20 })) {
    if (progress) progress.bytesRead += (chunk as Buffer).length;
    let text = decode(chunk as Buffer);
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1); // byte-order mark
    if (text) {
      first = false;
      yield text;
    }
  }
  const rest = end();
  if (rest) yield rest;
}

/**
 * The first pass over an input file, before anything is written: size, SHA-256 (the idempotence
 * key), binary content and text encoding. Peruvian government exports are often Latin-1
 * (Windows-1252); a file that is not valid UTF-8 is decoded as Windows-1252, a superset of Latin-1
 * for printable text. Streaming: memory does not depend on file size.
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
  return { path, name, bytes, sha256: hash.digest('hex'), encoding: validUtf8 ? 'utf-8' : 'windows-1252' };
}

/** A stream of decoded text chunks (BOM removed). */
export async function* readText(facts: FileFacts, progress?: { bytesRead: number }): AsyncGenerator<string> {
  // Node's StringDecoder is the fast path for UTF-8 (the first pass already proved the bytes valid);
  // TextDecoder knows Windows-1252, which Node's "latin1" does not (0x80–0x9F: €, ‚, ƒ, …).
  let decode: (chunk: Buffer) => string;
  let end: () => string;
  if (facts.encoding === 'utf-8') {
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

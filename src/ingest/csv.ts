/**
 * An RFC 4180 CSV parser for chunked input. Most lines of real exports have no quotes, and those
 * are split by the native `String.prototype.split`; a line with quotes is parsed field by field
 * (quoted delimiters, doubled quotes, newlines inside quotes). A line that may continue in the next
 * chunk is left unconsumed, so the caller prepends it to the next chunk.
 */

/** Rows parsed from one chunk. */
export interface CsvChunk {
  rows: string[][];
  /** Problems by index into `rows` (an unterminated quote at the end of the input). */
  errors: Map<number, string>;
  /** Characters consumed; the rest belongs to a line that continues in the next chunk. */
  consumed: number;
}

/** The delimiter of a header line: the most frequent of , ; tab | (comma on a tie). */
export function guessDelimiter(headerLine: string): string {
  let best = ',';
  let bestCount = 0;
  for (const d of [',', ';', '\t', '|']) {
    const count = headerLine.split(d).length - 1;
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}

/**
 * Parses the complete lines of `text`.
 * @param final true when `text` ends the input: the last line is parsed even without a newline
 */
export function parseCsvChunk(text: string, delimiter: string, final: boolean): CsvChunk {
  const rows: string[][] = [];
  const errors = new Map<number, string>();
  let pos = 0;
  const n = text.length;
  while (pos < n) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) {
      if (!final) break;
      nl = n;
    }
    const firstQuote = text.indexOf('"', pos);
    if (firstQuote < 0 || firstQuote > nl) {
      // Fast path: no quote in this line.
      let end = nl;
      if (end > pos && text.charCodeAt(end - 1) === 13) end--; // CRLF
      rows.push(end === pos ? [''] : text.slice(pos, end).split(delimiter));
      pos = nl + 1;
      continue;
    }
    const parsed = parseQuotedLine(text, pos, delimiter, final);
    if (!parsed) break; // the quoted line continues in the next chunk
    if (parsed.error) errors.set(rows.length, parsed.error);
    rows.push(parsed.fields);
    pos = parsed.next;
  }
  return { rows, errors, consumed: Math.min(pos, n) };
}

/** Parses one line that contains quotes; undefined when it does not end within `text` (and not final). */
function parseQuotedLine(
  text: string,
  start: number,
  delimiter: string,
  final: boolean,
): { fields: string[]; next: number; error?: string } | undefined {
  const fields: string[] = [];
  const n = text.length;
  const d = delimiter.charCodeAt(0);
  let i = start;
  for (;;) {
    if (i < n && text.charCodeAt(i) === 34) {
      // Quoted field: up to the closing quote; "" is an escaped quote.
      let value = '';
      let from = i + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q < 0) {
          if (!final) return undefined;
          fields.push(value + text.slice(from));
          return { fields, next: n, error: 'MissingQuotes: comillas sin cerrar' };
        }
        value += text.slice(from, q);
        if (text.charCodeAt(q + 1) === 34) {
          value += '"';
          from = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      // Text after the closing quote up to the delimiter is kept (lenient, like most readers).
      let j = i;
      while (j < n && text.charCodeAt(j) !== d && text.charCodeAt(j) !== 10) j++;
      if (j === n && !final) return undefined;
      let tail = text.slice(i, j);
      if (tail.endsWith('\r')) tail = tail.slice(0, -1);
      fields.push(value + tail);
      i = j;
    } else {
      let j = i;
      while (j < n && text.charCodeAt(j) !== d && text.charCodeAt(j) !== 10) j++;
      if (j === n && !final) return undefined;
      let value = text.slice(i, j);
      if (j < n && text.charCodeAt(j) === 10 && value.endsWith('\r')) value = value.slice(0, -1);
      else if (j === n && value.endsWith('\r')) value = value.slice(0, -1);
      fields.push(value);
      i = j;
    }
    if (i >= n) return { fields, next: n };
    if (text.charCodeAt(i) === 10) return { fields, next: i + 1 };
    i++; // the delimiter
  }
}

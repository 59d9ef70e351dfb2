/**
 * Streaming readers that turn a text file into numbered rows. CSV goes through our chunked RFC 4180
 * parser (csv.ts), pulled only as fast as the consumer asks; JSON exports (ArcGIS
 * `{features:[{attributes, geometry}]}` and GeoJSON FeatureCollections) go through a small
 * incremental scanner that yields one feature at a time, so neither holds the file in memory.
 */

import { InputFileError } from '../core/errors.ts';
import type { RejectRow } from '../core/records.ts';
import { guessDelimiter, parseCsvChunk } from './csv.ts';
import { type FileFacts, FOREIGN_MARK, foreignBytes, readText } from './file-check.ts';
import { LIMITS } from './limits.ts';

/** Why a whole row cannot be read, naming the field (or "(fila)"). */
export type RowProblem = Omit<RejectRow, 'rowNumber'>;

/** One data row: fields by column position. */
export interface CsvRow {
  /** 1-based data row number (the header is row 0). */
  rowNumber: number;
  values: string[];
  /** Why the row cannot be read (an unterminated quote, a foreign byte, a NUL), if so: it is rejected. */
  error: RowProblem | null;
}

/**
 * The first value of a row that holds text no stored value may hold: a NUL character (PostgreSQL
 * text cannot store it; a corrupted file past the 64 KiB binary check) or a byte foreign to the
 * file's encoding (see FOREIGN_MARK). Names the column and, for a foreign byte, its file offset.
 */
export function valueProblem(
  values: readonly string[],
  header: readonly string[],
  facts: Pick<FileFacts, 'encoding' | 'foreign'>,
): RowProblem | null {
  for (let j = 0; j < values.length; j++) {
    const v = values[j] as string;
    const field = header[j] || `columna ${j + 1}`;
    if (v.includes('\u0000'))
      return { field, reason: 'carácter NUL (byte 0x00) en el valor: la fila está dañada', value: null };
    if (facts.foreign > 0 && v.includes(FOREIGN_MARK)) {
      const f = foreignBytes(v);
      if (!f) return { field, reason: 'carácter no válido U+FFFF en el valor', value: null };
      return {
        field,
        reason:
          facts.encoding === 'utf-8'
            ? `byte no válido en UTF-8 en la posición ${f.offset} del archivo (¿texto Latin-1 mezclado en un archivo UTF-8?)`
            : `secuencia UTF-8 en un archivo Latin-1/Windows-1252, en la posición ${f.offset} del archivo (¿codificaciones mezcladas?)`,
        value: `0x${f.hex}`,
      };
    }
  }
  return null;
}

/** Refuses a file whose column names hold a NUL or a foreign byte. */
export function checkHeader(header: readonly string[], facts: FileFacts): void {
  const p = valueProblem(
    header,
    header.map((_, j) => `columna ${j + 1}`),
    facts,
  );
  if (p) throw new InputFileError(facts.name, `encabezado ilegible (${p.field}): ${p.reason}`);
}

/** A CSV file's header and its rows, in batches (one per parsed input chunk). */
export interface CsvReader {
  header: string[];
  rows: AsyncGenerator<CsvRow[]>;
}

/**
 * Opens a CSV file: reads the header first, so callers can refuse the file before writing anything.
 * The file is decoded and parsed one ~1 MiB chunk at a time, only as fast as the consumer pulls
 * batches (an async generator gives natural back-pressure), so memory does not grow with file size.
 * A row cut by a chunk boundary (even inside a quoted field) is carried over to the next chunk.
 * @throws InputFileError when there is no header or no data row
 */
export async function openCsv(facts: FileFacts, progress?: { bytesRead: number }): Promise<CsvReader> {
  const chunks = readText(facts, progress);
  let delimiter: string | null = null;
  let carry = '';
  let n = -1; // header = row 0
  let finished = false;
  let header: string[] | null = null;

  async function nextBatch(): Promise<CsvRow[] | null> {
    while (!finished) {
      const next = await chunks.next();
      const last = next.done === true;
      const input = carry + (last ? '' : next.value);
      if (delimiter === null) {
        if (!last && input.indexOf('\n') < 0) {
          carry = input; // the header line is not complete yet
          continue;
        }
        delimiter = guessDelimiter(input.slice(0, (input.indexOf('\n') + 1 || input.length + 1) - 1));
      }
      const res = parseCsvChunk(input, delimiter, last);
      carry = last ? '' : input.slice(res.consumed);
      // A line never ends when a quote is never closed: do not read the rest of the file into it.
      if (carry.length > LIMITS.rowChars)
        throw new InputFileError(
          facts.name,
          `fila ${n + 1}: comillas sin cerrar (una fila de más de ${LIMITS.rowChars >> 20} MB)`,
        );
      finished = last;
      // Rows are checked for NUL and foreign bytes only when their chunk holds one (native search).
      const suspect = input.includes('\u0000') || (facts.foreign > 0 && input.includes(FOREIGN_MARK));
      const batch: CsvRow[] = [];
      for (let i = 0; i < res.rows.length; i++) {
        const values = res.rows[i] as string[];
        if (values.length === 1 && values[0] === '') continue; // empty line
        n++;
        const parseError = res.errors.get(i);
        const error: RowProblem | null = parseError
          ? { field: '(fila)', reason: `fila mal formada: ${parseError}`, value: null }
          : suspect && header
            ? valueProblem(values, header, facts)
            : null;
        batch.push({ rowNumber: n, values, error });
      }
      if (batch.length > 0) return batch;
    }
    return null;
  }

  let firstBatch = await nextBatch();
  if (!firstBatch) throw new InputFileError(facts.name, 'archivo vacío: no tiene encabezado');
  header = (firstBatch[0] as CsvRow).values.map((h) => h.trim());
  checkHeader(header, facts);
  // The first batch was read before the header was known: check its rows now.
  firstBatch = firstBatch
    .slice(1)
    .map((r) => (r.error ? r : { ...r, error: valueProblem(r.values, header as string[], facts) }));
  if (firstBatch.length === 0) firstBatch = await nextBatch();
  if (!firstBatch) throw new InputFileError(facts.name, 'archivo sin filas de datos (solo encabezado)');

  async function* rows(): AsyncGenerator<CsvRow[]> {
    try {
      let b: CsvRow[] | null = firstBatch;
      while (b) {
        yield b;
        b = await nextBatch();
      }
    } finally {
      await chunks.return(undefined); // closes the file when the consumer stops early
    }
  }
  return { header, rows: rows() };
}

/** One feature of a JSON export. */
export interface JsonFeature {
  /** 1-based position in the features array. */
  rowNumber: number;
  /** The parsed feature; null when `error` says why it was not parsed. */
  value: unknown;
  error: RowProblem | null;
}

/**
 * The keys that lead to the innermost open value of a feature's text cut at some point
 * ("properties.tags"): names the field of a feature nested too deep. Only run on that error.
 */
function openKeyPath(text: string): string {
  const keys: string[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = 0;
  let last = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') {
        inString = false;
        last = text.slice(start, i);
      }
    } else if (c === '"') {
      inString = true;
      start = i + 1;
    } else if (c === '{' || c === '[') {
      if (depth > 0) keys.push(last);
      depth++;
      last = '';
    } else if (c === '}' || c === ']') {
      depth--;
      keys.pop();
    } else if (c === ',') last = '';
  }
  return (
    keys
      .filter((k) => k !== '')
      .slice(0, 3)
      .join('.') || '(elemento)'
  );
}

/**
 * Yields the elements of the top-level `features` array one at a time.
 * @throws InputFileError for invalid or truncated JSON, or when there is no `features` array
 */
export async function* readJsonFeatures(
  facts: FileFacts,
  progress?: { bytesRead: number },
): AsyncGenerator<JsonFeature> {
  let depth = 0;
  let inString = false;
  let escaped = false;
  let key = '';
  let collectingKey = false;
  let inFeatures = false;
  let sawFeatures = false;
  let element: string[] = [];
  let elementStart = -1;
  let count = 0;
  let sawAny = false;
  let elementChars = 0;
  let tooDeep: string | null = null; // the field of the current element nested past the limit
  const maxDepth = 2 + LIMITS.jsonDepth; // the document and "features" hold the element
  for await (const chunk of readText(facts, progress)) {
    if (elementStart === -2) elementStart = 0; // an element continues from the previous chunk
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (!sawAny && c > 32) {
        sawAny = true;
        if (c !== 123)
          throw new InputFileError(facts.name, 'no es un objeto JSON (se esperaba "{" al inicio)');
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 92) escaped = true;
        else if (c === 34) inString = false;
        else if (collectingKey) key += chunk[i];
        continue;
      }
      if (c === 34) {
        inString = true;
        collectingKey = depth === 1;
        if (collectingKey) key = '';
      } else if (c === 123 || c === 91) {
        if (inFeatures && depth === 2) elementStart = i;
        if (depth === 1 && c === 91 && key === 'features') {
          inFeatures = true;
          sawFeatures = true;
        }
        depth++;
        if (inFeatures && depth > maxDepth && tooDeep === null)
          tooDeep = openKeyPath(element.join('') + chunk.slice(Math.max(elementStart, 0), i + 1));
      } else if (c === 125 || c === 93) {
        depth--;
        if (depth < 0) throw new InputFileError(facts.name, 'JSON inválido: cierre sin apertura');
        if (inFeatures && depth === 2 && elementStart >= 0) {
          element.push(chunk.slice(elementStart, i + 1));
          const text = element.join('');
          element = [];
          elementStart = -1;
          elementChars = 0;
          count++;
          if (tooDeep !== null) {
            const field = tooDeep;
            tooDeep = null;
            yield {
              rowNumber: count,
              value: null,
              error: {
                field,
                reason: `valor anidado a más de ${LIMITS.jsonDepth} niveles: ninguna exportación real lo hace`,
                value: null,
              },
            };
            continue;
          }
          let value: unknown;
          try {
            value = JSON.parse(text);
          } catch {
            throw new InputFileError(facts.name, `JSON inválido en el elemento ${count} de "features"`);
          }
          yield { rowNumber: count, value, error: null };
        } else if (inFeatures && depth === 1) inFeatures = false;
      }
    }
    if (elementStart >= 0) {
      const rest = chunk.slice(elementStart);
      elementChars += rest.length;
      if (elementChars > LIMITS.rowChars)
        throw new InputFileError(
          facts.name,
          `el elemento ${count + 1} de "features" supera ${LIMITS.rowChars >> 20} MB`,
        );
      element.push(rest);
      elementStart = -2;
    }
  }
  if (!sawAny) throw new InputFileError(facts.name, 'archivo vacío');
  if (depth !== 0 || inString)
    throw new InputFileError(
      facts.name,
      `JSON truncado: el archivo termina dentro de una estructura (tras ${count} elementos)`,
    );
  if (!sawFeatures)
    throw new InputFileError(facts.name, 'el JSON no tiene un arreglo "features" (ArcGIS o GeoJSON)');
  if (count === 0) throw new InputFileError(facts.name, 'el arreglo "features" está vacío');
}

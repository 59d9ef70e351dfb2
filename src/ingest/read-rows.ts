/**
 * Streaming readers that turn a text file into numbered rows. CSV goes through our chunked RFC 4180
 * parser (csv.ts), pulled only as fast as the consumer asks; JSON exports (ArcGIS
 * `{features:[{attributes, geometry}]}` and GeoJSON FeatureCollections) go through a small
 * incremental scanner that yields one feature at a time, so neither holds the file in memory.
 */

import { InputFileError } from '../core/errors.ts';
import { guessDelimiter, parseCsvChunk } from './csv.ts';
import { type FileFacts, readText } from './file-check.ts';

/** One data row: fields by column position. */
export interface CsvRow {
  /** 1-based data row number (the header is row 0). */
  rowNumber: number;
  values: string[];
  /** The parser's complaint about this row (an unterminated quote), if any. */
  error: string | null;
}

/** A CSV file's header and its rows, in batches (one per parsed input chunk). */
export interface CsvReader {
  header: string[];
  rows: AsyncGenerator<CsvRow[]>;
}

const MAX_LINE_CHARS = 16 << 20;

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
      if (carry.length > MAX_LINE_CHARS)
        throw new InputFileError(facts.name, `fila ${n + 1}: comillas sin cerrar (una fila de más de 16 MB)`);
      finished = last;
      const batch: CsvRow[] = [];
      for (let i = 0; i < res.rows.length; i++) {
        const values = res.rows[i] as string[];
        if (values.length === 1 && values[0] === '') continue; // empty line
        n++;
        batch.push({ rowNumber: n, values, error: res.errors.get(i) ?? null });
      }
      if (batch.length > 0) return batch;
    }
    return null;
  }

  let firstBatch = await nextBatch();
  if (!firstBatch) throw new InputFileError(facts.name, 'archivo vacío: no tiene encabezado');
  const header = (firstBatch[0] as CsvRow).values.map((h) => h.trim());
  firstBatch = firstBatch.slice(1);
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
  value: unknown;
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
      } else if (c === 125 || c === 93) {
        depth--;
        if (depth < 0) throw new InputFileError(facts.name, 'JSON inválido: cierre sin apertura');
        if (inFeatures && depth === 2 && elementStart >= 0) {
          element.push(chunk.slice(elementStart, i + 1));
          const text = element.join('');
          element = [];
          elementStart = -1;
          count++;
          let value: unknown;
          try {
            value = JSON.parse(text);
          } catch {
            throw new InputFileError(facts.name, `JSON inválido en el elemento ${count} de "features"`);
          }
          yield { rowNumber: count, value };
        } else if (inFeatures && depth === 1) inFeatures = false;
      }
    }
    if (elementStart >= 0) {
      element.push(chunk.slice(elementStart));
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

/**
 * Streaming readers that turn a text file into numbered rows. CSV goes through papaparse with
 * back-pressure (the parser pauses while the consumer is busy); JSON exports (ArcGIS
 * `{features:[{attributes, geometry}]}` and GeoJSON FeatureCollections) go through a small
 * incremental scanner that yields one feature at a time, so neither holds the file in memory.
 */
import { Readable } from 'node:stream';
import Papa from 'papaparse';
import { InputFileError } from '../core/errors.ts';
import { type FileFacts, readText } from './file-check.ts';

/** One data row: fields by column position. */
export interface CsvRow {
  /** 1-based data row number (the header is row 0). */
  rowNumber: number;
  values: string[];
  /** papaparse's complaint about this row (unterminated quote, …), if any. */
  error: string | null;
}

/** A CSV file's header and its rows. */
export interface CsvReader {
  header: string[];
  rows: AsyncGenerator<CsvRow>;
}

const HIGH_WATER = 2000;

/**
 * Opens a CSV file: reads the header first, so callers can refuse the file before writing anything.
 * @throws InputFileError when there is no header or no data row
 */
export async function openCsv(facts: FileFacts, progress?: { bytesRead: number }): Promise<CsvReader> {
  const queue: CsvRow[] = [];
  let done = false;
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  let parserRef: Papa.Parser | null = null;
  let paused = false;
  let n = -1;

  const notify = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  const text = Readable.from(readText(facts, progress));
  text.on('error', (e) => {
    failure = e;
    done = true;
    notify();
  });
  Papa.parse(text as unknown as File, {
    header: false,
    skipEmptyLines: 'greedy',
    step(result: Papa.ParseStepResult<string[]>, parser: Papa.Parser) {
      parserRef = parser;
      n++;
      const err = result.errors[0];
      queue.push({ rowNumber: n, values: result.data, error: err ? `${err.code}: ${err.message}` : null });
      if (queue.length >= HIGH_WATER && !paused) {
        paused = true;
        parser.pause();
      }
      notify();
    },
    complete() {
      done = true;
      notify();
    },
    error(e: Error) {
      failure = e;
      done = true;
      notify();
    },
  });

  async function next(): Promise<CsvRow | null> {
    for (;;) {
      const row = queue.shift();
      if (row) {
        if (paused && queue.length < HIGH_WATER / 4) {
          paused = false;
          (parserRef as Papa.Parser | null)?.resume();
        }
        return row;
      }
      if (failure) throw new InputFileError(facts.name, `no se pudo leer como CSV: ${String(failure)}`);
      if (done) return null;
      if (paused) {
        paused = false;
        (parserRef as Papa.Parser | null)?.resume();
      }
      await new Promise<void>((r) => {
        wake = r;
      });
    }
  }

  const first = await next();
  if (!first) throw new InputFileError(facts.name, 'archivo vacío: no tiene encabezado');
  const header = first.values.map((h) => h.trim());
  const second = await next();
  if (!second) throw new InputFileError(facts.name, 'archivo sin filas de datos (solo encabezado)');

  async function* rows(): AsyncGenerator<CsvRow> {
    let r: CsvRow | null = second;
    while (r) {
      yield r;
      r = await next();
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

/**
 * The residents' prevention advice in force: the defaults of prevention/advice.ts, or those
 * replaced by the JSON file VIGIA_ADVICE_FILE names. Read at each request (a small file), so an
 * edit takes effect without a restart.
 */
import { readFile } from 'node:fs/promises';
import { getConfig } from '../config/env.ts';
import { ConfigError } from '../core/errors.ts';
import { CATEGORY_CODES, CRIME_CATEGORIES } from '../core/taxonomy.ts';
import { type AdviceTable, DEFAULT_ADVICE, parseAdvice } from '../prevention/advice.ts';

/**
 * The advice table from `file` (undefined: the defaults).
 * @throws ConfigError naming the file: unreadable, not JSON, or a bad field (prevention/advice.ts)
 */
export async function loadAdvice(file: string | undefined): Promise<AdviceTable> {
  if (file === undefined) return DEFAULT_ADVICE;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new ConfigError([
      `VIGIA_ADVICE_FILE: no se puede leer ${file}${code === 'ENOENT' ? ' (no existe)' : code ? ` (${code})` : ''}`,
    ]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError([`${file}: no es JSON válido (${(cause as Error).message})`]);
  }
  return parseAdvice(json, file);
}

/** GET /api/v1/advice: the table in force, one entry per category in the taxonomy's order. */
export async function adviceInForce(): Promise<{
  categories: { category: string; label: string; advice: readonly string[] }[];
}> {
  const table = await loadAdvice(getConfig().adviceFile);
  return {
    categories: CATEGORY_CODES.map((c) => ({
      category: c,
      label: CRIME_CATEGORIES[c].label,
      advice: table[c],
    })),
  };
}

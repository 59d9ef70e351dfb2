/**
 * The residents' prevention advice in force: the defaults of prevention/advice.ts, or those
 * replaced by the JSON file VIGIA_ADVICE_FILE names. Read at each request (a small file), so an
 * edit takes effect without a restart.
 */

import { getConfig } from '../config/env.ts';
import { CATEGORY_CODES, CRIME_CATEGORIES } from '../core/taxonomy.ts';
import { type AdviceTable, DEFAULT_ADVICE, parseAdvice } from '../prevention/advice.ts';
import { readJsonFile } from './json-file.ts';

/**
 * The advice table from `file` (undefined: the defaults).
 * @throws ConfigError naming the file: unreadable, not JSON, or a bad field (prevention/advice.ts)
 */
export async function loadAdvice(file: string | undefined): Promise<AdviceTable> {
  if (file === undefined) return DEFAULT_ADVICE;
  return parseAdvice(await readJsonFile(file, 'VIGIA_ADVICE_FILE'), file);
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

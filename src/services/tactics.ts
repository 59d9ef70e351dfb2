/**
 * The patrol tactics table in force: the defaults of prevention/tactics.ts, or those replaced by
 * the JSON file VIGIA_TACTICS_FILE names. Read at each plan (a small file), so an edit takes effect
 * without a restart.
 */

import { DEFAULT_TACTICS, parseTactics, type TacticsTable } from '../prevention/tactics.ts';
import { readJsonFile } from './json-file.ts';

/**
 * The tactics table from `file` (undefined: the defaults).
 * @throws ConfigError naming the file: unreadable, not JSON, or a bad field (prevention/tactics.ts)
 */
export async function loadTactics(file: string | undefined): Promise<TacticsTable> {
  if (file === undefined) return DEFAULT_TACTICS;
  return parseTactics(await readJsonFile(file, 'VIGIA_TACTICS_FILE'), file);
}

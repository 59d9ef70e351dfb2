/**
 * The patrol tactics table in force: the defaults of prevention/tactics.ts, or those replaced by
 * the JSON file VIGIA_TACTICS_FILE names. Read at each plan (a small file), so an edit takes effect
 * without a restart.
 */
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../core/errors.ts';
import { DEFAULT_TACTICS, parseTactics, type TacticsTable } from '../prevention/tactics.ts';

/**
 * The tactics table from `file` (undefined: the defaults).
 * @throws ConfigError naming the file: unreadable, not JSON, or a bad field (prevention/tactics.ts)
 */
export async function loadTactics(file: string | undefined): Promise<TacticsTable> {
  if (file === undefined) return DEFAULT_TACTICS;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new ConfigError([
      `VIGIA_TACTICS_FILE: no se puede leer ${file}${code === 'ENOENT' ? ' (no existe)' : code ? ` (${code})` : ''}`,
    ]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError([`${file}: no es JSON válido (${(cause as Error).message})`]);
  }
  return parseTactics(json, file);
}

/** Reading an operator's JSON file named by a setting (tactics, residents' advice). */
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../core/errors.ts';

/**
 * The parsed JSON of `file`, named by the setting `variable`.
 * @throws ConfigError naming the variable and file: unreadable or not JSON
 */
export async function readJsonFile(file: string, variable: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new ConfigError([
      `${variable}: no se puede leer ${file}${code === 'ENOENT' ? ' (no existe)' : code ? ` (${code})` : ''}`,
    ]);
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new ConfigError([`${file}: no es JSON válido (${(cause as Error).message})`]);
  }
}

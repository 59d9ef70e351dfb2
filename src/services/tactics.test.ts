import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import { DEFAULT_TACTICS } from '../prevention/tactics.ts';
import { loadTactics } from './tactics.ts';

describe('loadTactics (VIGIA_TACTICS_FILE)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-tactics-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const refused = async (path: string): Promise<string> => {
    const err = await loadTactics(path).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  };

  it('gives the defaults without a file, and the file merged over them with one', async () => {
    expect(await loadTactics(undefined)).toBe(DEFAULT_TACTICS);
    const table = await loadTactics(
      file(
        'ok.json',
        JSON.stringify({ extorsion: [{ code: 'charla-gremios', text: 'Charla con gremios de transporte' }] }),
      ),
    );
    expect(table.extorsion).toEqual([{ code: 'charla-gremios', text: 'Charla con gremios de transporte' }]);
    expect(table.property).toEqual(DEFAULT_TACTICS.property);
  });

  it('refuses a missing, non-JSON or invalid file naming it (and the field)', async () => {
    expect(await refused(join(dir, 'no-existe.json'))).toMatch(
      /VIGIA_TACTICS_FILE: no se puede leer .*no-existe\.json \(no existe\)/,
    );
    const broken = file('roto.json', '{"property": [');
    expect(await refused(broken)).toContain(`${broken}: no es JSON válido`);
    const bad = file('malo.json', JSON.stringify({ property: [{ code: 'x', texto: 'y' }] }));
    const message = await refused(bad);
    expect(message).toContain(`${bad}: property[0].text: se esperaba un texto`);
    expect(message).toContain(`${bad}: property[0]: campo desconocido "texto"`);
  });
});

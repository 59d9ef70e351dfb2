import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import { CATEGORY_CODES } from '../core/taxonomy.ts';
import { loadAdvice } from '../services/advice.ts';
import { ADVICE_LIMITS, DEFAULT_ADVICE, parseAdvice } from './advice.ts';

const problems = (json: unknown): string[] => {
  try {
    parseAdvice(json, 'conf/consejos.json');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return [...(e as ConfigError).problems];
  }
  throw new Error('se esperaba un error');
};

describe("residents' prevention advice per crime category", () => {
  it('has Spanish advice within the limits for every category of the taxonomy', () => {
    expect(Object.keys(DEFAULT_ADVICE).sort()).toEqual([...CATEGORY_CODES].sort());
    for (const c of CATEGORY_CODES) {
      const list = DEFAULT_ADVICE[c];
      expect(list.length, c).toBeGreaterThanOrEqual(1);
      expect(list.length, c).toBeLessThanOrEqual(ADVICE_LIMITS.perCategory);
      for (const text of list) expect(text.length).toBeLessThanOrEqual(ADVICE_LIMITS.textChars);
    }
    // Protected categories point to the free helpline, never to a count.
    expect(DEFAULT_ADVICE.violencia_familiar.join(' ')).toContain('Línea 100');
  });

  it('lets a file replace the lists of the categories it names; the others keep the defaults', () => {
    const table = parseAdvice({ robo: ['  Camine por la avenida iluminada  '] }, 'conf/consejos.json');
    expect(table.robo).toEqual(['Camine por la avenida iluminada']);
    expect(table.hurto).toBe(DEFAULT_ADVICE.hurto);
    expect(parseAdvice({}, 'x.json')).toEqual(DEFAULT_ADVICE);
  });

  it('refuses a bad file naming the file, the category and the item, in Spanish', () => {
    expect(problems({ asalto: ['x'] })).toEqual([
      `conf/consejos.json: (archivo): categoría desconocida "asalto" (use ${CATEGORY_CODES.join(', ')})`,
    ]);
    expect(problems({ robo: [] })).toEqual(['conf/consejos.json: robo: se espera al menos un consejo']);
    expect(problems({ robo: ['bien', '   '] })).toEqual(['conf/consejos.json: robo[1]: texto vacío']);
    expect(problems({ robo: ['x'.repeat(ADVICE_LIMITS.textChars + 1)] })).toEqual([
      `conf/consejos.json: robo[0]: a lo sumo ${ADVICE_LIMITS.textChars} caracteres`,
    ]);
    expect(problems({ robo: 'texto' })).toEqual([
      'conf/consejos.json: robo: se esperaba una lista de textos',
    ]);
    expect(problems({ robo: [3] })).toEqual(['conf/consejos.json: robo[0]: se esperaba un texto']);
    expect(problems([])).toEqual([
      'conf/consejos.json: (archivo): se esperaba un objeto { "categoría": [consejos] }',
    ]);
  });

  it('reads the file VIGIA_ADVICE_FILE names; a missing or broken file is a ConfigError naming it', async () => {
    expect(await loadAdvice(undefined)).toBe(DEFAULT_ADVICE);
    const dir = mkdtempSync(join(tmpdir(), 'vigia-advice-'));
    const good = join(dir, 'consejos.json');
    writeFileSync(good, JSON.stringify({ estafa: ['Cuelgue y llame a su banco'] }));
    expect((await loadAdvice(good)).estafa).toEqual(['Cuelgue y llame a su banco']);
    const broken = join(dir, 'roto.json');
    writeFileSync(broken, '{ "estafa": [');
    await expect(loadAdvice(broken)).rejects.toThrow(`${broken}: no es JSON válido`);
    await expect(loadAdvice(join(dir, 'no.json'))).rejects.toThrow('VIGIA_ADVICE_FILE: no se puede leer');
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import { CRIME_GROUPS } from '../core/taxonomy.ts';
import { type CrimeGroupName, DEFAULT_TACTICS, parseTactics, TACTICS_LIMITS, tacticsFor } from './tactics.ts';

const problems = (json: unknown): string[] => {
  try {
    parseTactics(json, 'conf/tacticas.json');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return [...(e as ConfigError).problems];
  }
  throw new Error('se esperaba un error');
};

describe('patrol tactics per crime group', () => {
  it('has Spanish non-enforcement defaults for every crime group of the taxonomy, codes unique per group', () => {
    expect(Object.keys(DEFAULT_TACTICS).sort()).toEqual(Object.keys(CRIME_GROUPS).sort());
    for (const group of Object.keys(CRIME_GROUPS) as CrimeGroupName[]) {
      const list = tacticsFor(DEFAULT_TACTICS, group);
      expect(list.length).toBeGreaterThanOrEqual(3);
      expect(list.length).toBeLessThanOrEqual(TACTICS_LIMITS.perGroup);
      expect(new Set(list.map((t) => t.code)).size).toBe(list.length);
      for (const t of list) {
        expect(t.code).toMatch(/^[a-z0-9][a-z0-9-]{0,39}$/);
        expect(t.text.length).toBeLessThanOrEqual(TACTICS_LIMITS.textChars);
        expect(t.text).not.toMatch(/detener|intervenir|requisa|arrest/i); // non-enforcement
      }
    }
    expect(tacticsFor(DEFAULT_TACTICS, 'property').map((t) => t.code)).toContain('presencia-visible');
    expect(tacticsFor(DEFAULT_TACTICS, 'all').map((t) => t.code)).toEqual([
      'presencia-visible',
      'visita-comercios',
      'alumbrado-espacios',
      'juntas-vecinales',
    ]);
  });

  it('lets a file replace the lists of the groups it names; the others keep the defaults', () => {
    const mine = [{ code: 'patrulla-mixta', text: '  Patrullaje mixto con serenazgo  ' }];
    const table = parseTactics({ violent: mine }, 'conf/tacticas.json');
    expect(table.violent).toEqual([{ code: 'patrulla-mixta', text: 'Patrullaje mixto con serenazgo' }]);
    expect(table.property).toEqual(DEFAULT_TACTICS.property);
    expect(table.all).toEqual(DEFAULT_TACTICS.all);
    expect(parseTactics({}, 'x.json')).toEqual(DEFAULT_TACTICS);
  });

  it('refuses a bad file naming the file and every bad field, in Spanish', () => {
    expect(problems([])).toEqual([
      'conf/tacticas.json: (archivo): se esperaba un objeto { "grupo": [tácticas] }',
    ]);
    expect(problems({ drogas: [{ code: 'a', text: 'b' }] })).toEqual([
      'conf/tacticas.json: (archivo): grupo desconocido "drogas" (use property, extorsion, violent, all)',
    ]);
    expect(
      problems({
        property: [
          { code: 'Presencia', text: '' },
          { code: 'a', text: 'x'.repeat(TACTICS_LIMITS.textChars + 1) },
          { code: 'a', text: 'y', prioridad: 1 },
        ],
        all: 'presencia',
        violent: [],
      }),
    ).toEqual([
      'conf/tacticas.json: property[0].code: código de 1 a 40 caracteres: minúsculas, dígitos y "-"',
      'conf/tacticas.json: property[0].text: texto vacío',
      `conf/tacticas.json: property[1].text: a lo sumo ${TACTICS_LIMITS.textChars} caracteres`,
      'conf/tacticas.json: property[2]: campo desconocido "prioridad" (use code y text)',
      'conf/tacticas.json: property[2].code: código repetido "a"',
      'conf/tacticas.json: all: se esperaba una lista',
      'conf/tacticas.json: violent: se espera al menos una táctica',
    ]);
  });
});

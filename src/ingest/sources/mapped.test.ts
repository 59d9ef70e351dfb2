import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors.ts';
import { knownCrsDefinition } from '../../geo/projection.ts';
import { parseMapping } from './mapped.ts';

const base = {
  source: 'demo-city',
  time: { column: 'date', format: 'YYYY-MM-DD HH:mm' },
  coordinates: { x: 'lon', y: 'lat' },
  type: { column: 'type' },
};

/** The message parseMapping throws for a mapping. */
function problems(mapping: unknown): string {
  try {
    parseMapping(mapping, 'm.json');
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as Error).message;
  }
  throw new Error('the mapping was accepted');
}

describe('mapping-file schema', () => {
  it('accepts the shipped mappings', () => {
    for (const name of ['chicago.json', 'chicago-aggravated-assaults.json', 'vancouver.json']) {
      const raw: unknown = JSON.parse(
        readFileSync(new URL(`../../../mappings/${name}`, import.meta.url), 'utf8'),
      );
      expect(() => parseMapping(raw, name)).not.toThrow();
    }
  });

  it('row filters: exactly one of equals, in, notIn, naming the filter', () => {
    expect(
      parseMapping({ ...base, filter: [{ column: 'type', in: ['THEFT'] }] }, 'm.json').filter,
    ).toHaveLength(1);
    expect(problems({ ...base, filter: [{ column: 'type', in: ['A'], notIn: ['B'] }] })).toMatch(
      /filter\.0: use exactamente una condición/,
    );
    expect(problems({ ...base, filter: [{ column: 'type' }] })).toMatch(
      /filter\.0: use exactamente una condición/,
    );
    expect(problems({ ...base, filter: [{ column: 'type', in: [] }] })).toMatch(/filter\.0\.in/);
    expect(problems({ ...base, filter: [{ column: 'type', equal: 'A' }] })).toMatch(/filter\.0/);
    expect(problems({ ...base, filter: [] })).toMatch(/filter/);
  });

  it('time: column with format, or parts, naming the missing or conflicting field', () => {
    const parts = { year: 'YEAR', month: 'MONTH', day: 'DAY', hour: 'HOUR', minute: 'MINUTE' };
    expect(parseMapping({ ...base, time: { parts } }, 'm.json').time.parts).toEqual(parts);
    expect(problems({ ...base, time: { parts, column: 'date' } })).toMatch(
      /time\.parts: use "column" con "format"/,
    );
    expect(problems({ ...base, time: { format: 'YYYY' } })).toMatch(/time\.column: falta la columna/);
    expect(problems({ ...base, time: { column: 'date' } })).toMatch(/time\.format: falta el formato/);
    expect(problems({ ...base, time: { parts: { year: 'YEAR', month: 'MONTH' } } })).toMatch(
      /time\.parts\.day/,
    );
    expect(problems({ ...base, time: { parts: { ...parts, minutes: 'M' } } })).toMatch(/time\.parts/);
    expect(problems({ ...base, time: { ...base.time, dateOnlyAtMidnight: 'yes' } })).toMatch(
      /time\.dateOnlyAtMidnight/,
    );
  });

  it('type: a column or a constant, one of the two', () => {
    expect(parseMapping({ ...base, type: { constant: 'AGGRAVATED ASSAULT' } }, 'm.json').type.constant).toBe(
      'AGGRAVATED ASSAULT',
    );
    expect(problems({ ...base, type: {} })).toMatch(/type: use "column".*o "constant"/);
    expect(problems({ ...base, type: { column: 'type', constant: 'X' } })).toMatch(/type: use "column"/);
  });
});

describe('knownCrsDefinition', () => {
  it('knows WGS84 and NAD83 UTM zones by their EPSG code, nothing else', () => {
    expect(knownCrsDefinition('EPSG:26910')).toBe('+proj=utm +zone=10 +datum=NAD83 +units=m +no_defs');
    expect(knownCrsDefinition('EPSG:32610')).toBe('+proj=utm +zone=10 +datum=WGS84 +units=m +no_defs');
    expect(knownCrsDefinition('EPSG:32718')).toBe('+proj=utm +zone=18 +south +datum=WGS84 +units=m +no_defs');
    for (const other of ['EPSG:3435', 'EPSG:3005', 'EPSG:26924', 'EPSG:32600', 'utm10', ''])
      expect(knownCrsDefinition(other)).toBeNull();
  });
});

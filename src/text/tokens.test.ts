import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.ts';
import {
  buildVocabulary,
  countMatrix,
  foldAccents,
  MAX_TOKENS,
  NUMBER_TOKEN,
  SPANISH_STOPWORDS,
  terms,
  tokenize,
} from './tokens.ts';

describe('Spanish tokens', () => {
  it('lowercases, drops stopwords, stems and folds accents', () => {
    const t = tokenize('El agraviado fue VÍCTIMA de robo: le robaron su celular y la billetera.');
    expect(t).toEqual(['agravi', 'victim', 'rob', 'rob', 'celul', 'billeter']);
    for (const w of ['el', 'de', 'le', 'su', 'y', 'la', 'fue']) expect(t).not.toContain(w);
    // Inflections meet: one stem for the noun and the verb forms.
    expect(new Set(tokenize('robo robó robaron robado'))).toEqual(new Set(['rob']));
    expect(tokenize('extorsión extorsion')).toEqual(['extorsion', 'extorsion']);
  });

  it('numbers are one token, redaction placeholders one token each, their values never', () => {
    const t = tokenize('Le pidieron S/ 1,500 a las 21:30 al 987654321; DNI [DNI], placa [PLACA] y [NOMBRE].');
    expect(t.filter((w) => w === NUMBER_TOKEN)).toHaveLength(3);
    expect(t).toContain('[dni]');
    expect(t).toContain('[placa]');
    expect(t).toContain('[nombre]');
    expect(t.join(' ')).not.toMatch(/987|1,500|21:30/);
  });

  it('empty, non-Spanish and symbol-only texts give tokens without failing; a huge one is capped', () => {
    expect(tokenize('')).toEqual([]);
    expect(tokenize('!!! ¿¿ ?? —— <script></script>')).toEqual(['script', 'script']);
    expect(tokenize('they stole my phone').length).toBeGreaterThan(0);
    expect(tokenize('robo '.repeat(10_000))).toHaveLength(MAX_TOKENS);
  });

  it('the stopword list is folded lowercase and keeps negation', () => {
    for (const w of SPANISH_STOPWORDS) expect(w).toBe(foldAccents(w.toLowerCase()));
    expect(SPANISH_STOPWORDS.has('no')).toBe(false);
    expect(SPANISH_STOPWORDS.has('sin')).toBe(false);
  });

  it('terms add the bigrams of consecutive tokens', () => {
    expect(terms('le arrebataron la cartera')).toEqual(['arrebat', 'carter', 'arrebat carter']);
    expect(terms('le arrebataron la cartera', 1)).toEqual(['arrebat', 'carter']);
  });
});

describe('vocabulary and sparse rows', () => {
  const docs = [['b', 'a', 'a'], ['a', 'c'], ['c', 'b', 'd'], ['a']];

  it('keeps terms in ≥ minDf documents, the maxTerms most frequent, ties alphabetical', () => {
    const { vocabulary, df } = buildVocabulary(docs, { minDf: 2, maxTerms: 10 });
    expect(vocabulary.terms).toEqual(['a', 'b', 'c']);
    expect(Array.from(df)).toEqual([3, 2, 2]);
    expect(buildVocabulary(docs, { minDf: 1, maxTerms: 2 }).vocabulary.terms).toEqual(['a', 'b']);
    expect(buildVocabulary([...docs].reverse(), { minDf: 1, maxTerms: 4 }).vocabulary.terms).toEqual([
      'a',
      'b',
      'c',
      'd',
    ]);
    expect(() => buildVocabulary(docs, { minDf: 0, maxTerms: 1 })).toThrow(ValidationError);
  });

  it('counts each document as a CSR row with ascending columns, unknown terms ignored', () => {
    const { vocabulary } = buildVocabulary(docs, { minDf: 2, maxTerms: 10 });
    const m = countMatrix(docs, vocabulary);
    expect(m.rows).toBe(4);
    expect(m.cols).toBe(3);
    expect(Array.from(m.indptr)).toEqual([0, 2, 4, 6, 7]);
    expect(Array.from(m.indices)).toEqual([0, 1, 0, 2, 1, 2, 0]);
    expect(Array.from(m.values)).toEqual([2, 1, 1, 1, 1, 1, 1]);
  });
});

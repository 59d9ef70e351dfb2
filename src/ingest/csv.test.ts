import { describe, expect, it } from 'vitest';
import { guessDelimiter, parseCsvChunk } from './csv.ts';

describe('parseCsvChunk', () => {
  it('splits plain lines, with LF or CRLF, keeping empty fields', () => {
    const r = parseCsvChunk('a,b,c\r\n1,,3\n,,\n', ',', true);
    expect(r.rows).toEqual([
      ['a', 'b', 'c'],
      ['1', '', '3'],
      ['', '', ''],
    ]);
    expect(r.consumed).toBe(15); // the whole text
  });

  it('parses quoted fields: delimiters, doubled quotes and newlines inside', () => {
    const r = parseCsvChunk(
      'id,txt\n1,"VIDA, EL CUERPO"\n2,"dijo ""alto"""\n3,"dos\nlíneas",x\r\n',
      ',',
      true,
    );
    expect(r.rows).toEqual([
      ['id', 'txt'],
      ['1', 'VIDA, EL CUERPO'],
      ['2', 'dijo "alto"'],
      ['3', 'dos\nlíneas', 'x'],
    ]);
    expect(r.errors.size).toBe(0);
  });

  it('leaves an unfinished line for the next chunk, plain or quoted', () => {
    const plain = parseCsvChunk('a,b\n1,2\n3,', ',', false);
    expect(plain.rows).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(plain.consumed).toBe(8);
    const quoted = parseCsvChunk('a,b\n1,"open\nstill open', ',', false);
    expect(quoted.rows).toEqual([['a', 'b']]);
    expect(quoted.consumed).toBe(4);
    // The same text as the final chunk: the last line without a newline is a row.
    expect(parseCsvChunk('a,b\n3,4', ',', true).rows).toEqual([
      ['a', 'b'],
      ['3', '4'],
    ]);
  });

  it('reports an unterminated quote at the end of the input on that row only', () => {
    const r = parseCsvChunk('a,b\n1,2\n3,"never closed\n', ',', true);
    expect(r.rows).toHaveLength(3);
    expect(r.errors.get(2)).toMatch(/MissingQuotes/);
    expect(r.errors.has(1)).toBe(false);
  });

  it('keeps empty lines as single empty fields (the reader skips them)', () => {
    expect(parseCsvChunk('a\n\nb\n', ',', true).rows).toEqual([['a'], [''], ['b']]);
  });

  it('works with other delimiters', () => {
    expect(parseCsvChunk('a;b\n"x;y";2\n', ';', true).rows).toEqual([
      ['a', 'b'],
      ['x;y', '2'],
    ]);
  });
});

describe('guessDelimiter', () => {
  it('picks the most frequent candidate, comma on a tie', () => {
    expect(guessDelimiter('ANIO,MES,UBIGEO')).toBe(',');
    expect(guessDelimiter('ANIO;MES;UBIGEO')).toBe(';');
    expect(guessDelimiter('a\tb\tc,d')).toBe('\t');
    expect(guessDelimiter('single')).toBe(',');
  });
});

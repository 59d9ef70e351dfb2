import { describe, expect, it } from 'vitest';
import { IdSet } from './id-set.ts';

describe('IdSet', () => {
  it('remembers the first row of each key across growth', () => {
    const s = new IdSet();
    for (let i = 0; i < 50_000; i++) expect(s.add(`sidpol-geo\u0000${i}`, i + 1)).toBe(-1);
    expect(s.size).toBe(50_000);
    expect(s.add('sidpol-geo\u00000', 99_999)).toBe(1);
    expect(s.add('sidpol-geo\u000049999', 99_999)).toBe(50_000);
    expect(s.add('synthetic\u00000', 7)).toBe(-1); // same id, other source: a different key
    expect(s.add('', 8)).toBe(-1);
    expect(s.add('', 9)).toBe(8);
  });
});

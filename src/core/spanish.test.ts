import { describe, expect, it } from 'vitest';
import { MONTH_ABBREVIATIONS, MONTH_NAME_PATTERN, MONTH_NAMES, monthName, monthNumber } from './spanish.ts';

describe('Spanish month names', () => {
  it('writes the Peruvian "setiembre" and reads both spellings, in any case', () => {
    expect(monthName(9)).toBe('setiembre');
    expect(MONTH_ABBREVIATIONS[8]).toBe('SET');
    expect(MONTH_NAMES.map((_, i) => monthNumber(monthName(i + 1)))).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
    ]);
    expect([monthNumber('Septiembre'), monthNumber('SETIEMBRE'), monthNumber('sept')]).toEqual([9, 9, 0]);
    expect(new RegExp(`^(?:${MONTH_NAME_PATTERN})$`, 'i').test('septiembre')).toBe(true);
    expect(() => monthName(13)).toThrow(RangeError);
  });
});

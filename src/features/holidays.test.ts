import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.ts';
import { assertHolidayCountry, easterSunday, isHoliday } from './holidays.ts';

describe('Peru national holidays', () => {
  it('computes Easter Sunday (Gregorian)', () => {
    expect(easterSunday(2019)).toEqual([4, 21]);
    expect(easterSunday(2024)).toEqual([3, 31]);
    expect(easterSunday(2025)).toEqual([4, 20]);
    expect(easterSunday(2038)).toEqual([4, 25]);
  });

  it('knows the fixed and Easter-based holidays of 2025', () => {
    for (const [m, d] of [
      [1, 1],
      [4, 17], // Jueves Santo
      [4, 18], // Viernes Santo
      [5, 1],
      [6, 7],
      [6, 29],
      [7, 23],
      [7, 28],
      [7, 29],
      [8, 6],
      [8, 30],
      [10, 8],
      [11, 1],
      [12, 8],
      [12, 9],
      [12, 25],
    ] as const)
      expect(isHoliday('PE', 2025, m, d), `2025-${m}-${d}`).toBe(true);
    for (const [m, d] of [
      [4, 16],
      [4, 19], // Sábado de Gloria is not a holiday
      [4, 20],
      [7, 27],
      [7, 30],
      [12, 24],
    ] as const)
      expect(isHoliday('PE', 2025, m, d), `2025-${m}-${d}`).toBe(false);
  });

  it('moves Jueves/Viernes Santo with Easter and adds new holidays only from their first year', () => {
    expect(isHoliday('PE', 2024, 3, 28)).toBe(true);
    expect(isHoliday('PE', 2024, 3, 29)).toBe(true);
    expect(isHoliday('PE', 2024, 4, 18)).toBe(false);
    expect(isHoliday('PE', 2023, 6, 7)).toBe(false); // Ley 31788: from 2024
    expect(isHoliday('PE', 2024, 6, 7)).toBe(true);
    expect(isHoliday('PE', 2022, 7, 23)).toBe(false); // Ley 31822: from 2023
    expect(isHoliday('PE', 2023, 7, 23)).toBe(true);
    expect(isHoliday('PE', 2021, 12, 9)).toBe(false); // Ley 31381: from 2022
    expect(isHoliday('PE', 2022, 12, 9)).toBe(true);
    expect(isHoliday('PE', 2021, 8, 6)).toBe(false); // Ley 31530: from 2022
    expect(isHoliday('PE', 2022, 8, 6)).toBe(true);
  });

  it('refuses a country without a calendar, in Spanish', () => {
    expect(() => assertHolidayCountry('CL')).toThrow(ValidationError);
    expect(() => assertHolidayCountry('CL')).toThrow(/país sin calendario de feriados "CL"/);
  });
});

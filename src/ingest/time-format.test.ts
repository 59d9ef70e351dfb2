import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.ts';
import { compileTimeFormat, compileTimeParts, isLocalMidnight } from './time-format.ts';

const at = (iso: string): number => Date.parse(iso);

describe('compileTimeFormat: local formats', () => {
  it("'M/D/YYYY H:mm' in Chicago (CDT in July)", () => {
    const p = compileTimeFormat('M/D/YYYY H:mm', 'America/Chicago');
    expect(p.precision).toBe('exact');
    expect(p.parse('7/19/2017 13:45')).toBe(at('2017-07-19T18:45:00Z'));
    expect(p.parse('07/19/2017 13:45')).toBe(at('2017-07-19T18:45:00Z'));
    expect(p.parse(' 1/2/2017 0:05 ')).toBe(at('2017-01-02T06:05:00Z')); // CST, trimmed
    expect(p.parse('12/31/2017 23:59')).toBe(at('2018-01-01T05:59:00Z'));
  });

  it("'YYYY-MM-DD' has date precision (local midnight)", () => {
    const p = compileTimeFormat('YYYY-MM-DD', 'America/Lima');
    expect(p.precision).toBe('date');
    expect(p.parse('2024-03-05')).toBe(at('2024-03-05T05:00:00Z'));
  });

  it("'YYYY-MM' has month precision (first day, local midnight)", () => {
    const p = compileTimeFormat('YYYY-MM', 'America/Lima');
    expect(p.precision).toBe('month');
    expect(p.parse('2024-02')).toBe(at('2024-02-01T05:00:00Z'));
    expect(p.parse('2024-13')).toBeNaN();
    expect(p.parse('2024-2')).toBeNaN(); // MM wants two digits
  });

  it("'DD/MM/YYYY HH:mm:ss' in Lima", () => {
    const p = compileTimeFormat('DD/MM/YYYY HH:mm:ss', 'America/Lima');
    expect(p.precision).toBe('exact');
    expect(p.parse('05/03/2024 21:30:15')).toBe(at('2024-03-06T02:30:15Z'));
    expect(p.parse('5/03/2024 21:30:15')).toBeNaN(); // DD wants two digits
  });

  it('treats regex characters in the format literally', () => {
    const p = compileTimeFormat('YYYY.MM.DD', 'America/Lima');
    expect(p.parse('2024.03.05')).toBe(at('2024-03-05T05:00:00Z'));
    expect(p.parse('2024x03x05')).toBeNaN();
  });

  it('allows literal letters such as T between date and time', () => {
    const p = compileTimeFormat('YYYY-MM-DDTHH:mm', 'America/Lima');
    expect(p.precision).toBe('exact');
    expect(p.parse('2024-03-05T14:00')).toBe(at('2024-03-05T19:00:00Z'));
  });

  it('returns NaN for text that does not match or dates that do not exist', () => {
    const p = compileTimeFormat('M/D/YYYY H:mm', 'America/Chicago');
    expect(p.parse('')).toBeNaN();
    expect(p.parse('hello')).toBeNaN();
    expect(p.parse('7/19/2017')).toBeNaN();
    expect(p.parse('7/19/2017 13:45:00')).toBeNaN();
    expect(p.parse('2/30/2017 10:00')).toBeNaN();
    expect(p.parse('2/29/2017 10:00')).toBeNaN();
    expect(p.parse('13/1/2017 10:00')).toBeNaN();
    expect(p.parse('7/19/2017 24:00')).toBeNaN();
    expect(p.parse('7/19/2017 13:60')).toBeNaN();
    expect(p.parse('2/29/2016 10:00')).toBe(at('2016-02-29T16:00:00Z'));
  });

  it('throws a ValidationError naming the field when the year or month is missing', () => {
    for (const format of ['DD/MM HH:mm', 'MM-DD', 'YYYY', 'HH:mm']) {
      let caught: unknown;
      try {
        compileTimeFormat(format, 'America/Lima', 'mapping.fecha.format');
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(ValidationError);
      expect((caught as ValidationError).field).toBe('mapping.fecha.format');
      expect((caught as ValidationError).message).toContain(format);
    }
    expect(() => compileTimeFormat('DD/MM', 'America/Lima')).toThrow(/^time\.format: /);
  });
});

describe('compileTimeFormat: instants', () => {
  it("'iso' needs an offset or Z", () => {
    const p = compileTimeFormat('iso', 'America/Lima');
    expect(p.precision).toBe('exact');
    expect(p.parse('2017-07-19T13:45:00Z')).toBe(at('2017-07-19T13:45:00Z'));
    expect(p.parse('2017-07-19T13:45:00-05:00')).toBe(at('2017-07-19T18:45:00Z'));
    expect(p.parse('2017-07-19T13:45:00.250+01:00')).toBe(at('2017-07-19T12:45:00.250Z'));
    expect(p.parse('2017-07-19T13:45:00')).toBeNaN();
    expect(p.parse('2017-07-19')).toBeNaN();
    expect(p.parse('garbage Z')).toBeNaN();
    expect(p.parse('2017-02-30T10:00:00Z')).toBeNaN(); // Date.parse would roll over to 2 March
  });

  it("'epoch-ms' and 'epoch-s'", () => {
    const ms = compileTimeFormat('epoch-ms', 'America/Lima');
    const s = compileTimeFormat('epoch-s', 'America/Lima');
    expect(ms.precision).toBe('exact');
    expect(s.precision).toBe('exact');
    expect(ms.parse('1500000000000')).toBe(1_500_000_000_000);
    expect(ms.parse(' 1500000000000 ')).toBe(1_500_000_000_000);
    expect(s.parse('1500000000')).toBe(1_500_000_000_000);
    expect(s.parse('1500000000.5')).toBe(1_500_000_000_500);
    expect(s.parse('-86400')).toBe(-86_400_000);
    for (const bad of ['', 'abc', '1e9', '0x10', '12:00', '1,5'])
      for (const p of [ms, s]) expect(p.parse(bad)).toBeNaN();
  });
});

describe('compileTimeParts: a time split over several columns', () => {
  const cols = { year: 'YEAR', month: 'MONTH', day: 'DAY', hour: 'HOUR', minute: 'MINUTE' };
  const parse = compileTimeParts(cols, 'America/Vancouver');

  it('reads YEAR, MONTH, DAY, HOUR, MINUTE in the zone (PDT in June, PST in January)', () => {
    expect(parse(['2020', '6', '19', '3', '40', ''])).toEqual({
      ok: true,
      ms: at('2020-06-19T10:40:00Z'),
      precision: 'exact',
    });
    expect(parse(['2020', '01', '03', '6', '43', ''])).toMatchObject({ ms: at('2020-01-03T14:43:00Z') });
  });

  it('an empty hour or minute, or no hour column, gives a date-only time at local midnight', () => {
    const dateOnly = { ok: true, ms: at('2020-06-19T07:00:00Z'), precision: 'date' };
    expect(parse(['2020', '6', '19', '', '', ''])).toEqual(dateOnly);
    expect(parse(['2020', '6', '19', '14', '', ''])).toEqual(dateOnly);
    const noHour = compileTimeParts({ year: 'Y', month: 'M', day: 'D' }, 'America/Vancouver');
    expect(noHour(['2020', '6', '19', '', '', ''])).toEqual(dateOnly);
  });

  it('names the column of a missing or non-numeric part, and all parts of an impossible date', () => {
    expect(parse(['2020', '', '19', '3', '40', ''])).toEqual({
      ok: false,
      field: 'MONTH',
      reason: 'falta la fecha',
      value: null,
    });
    expect(parse(['2020', '6', '19', 'x', '40', ''])).toMatchObject({ ok: false, field: 'HOUR', value: 'x' });
    expect(parse(['2020', '6', '19', '3.5', '40', ''])).toMatchObject({ ok: false, field: 'HOUR' });
    expect(parse(['2021', '2', '29', '3', '40', ''])).toEqual({
      ok: false,
      field: 'YEAR,MONTH,DAY,HOUR,MINUTE',
      reason: 'fecha u hora imposible',
      value: '2021 2 29 3 40',
    });
    expect(parse(['2020', '6', '19', '24', '0', ''])).toMatchObject({
      ok: false,
      field: 'YEAR,MONTH,DAY,HOUR,MINUTE',
    });
  });

  it('isLocalMidnight: 00:00:00 local, not UTC midnight', () => {
    expect(isLocalMidnight(at('2020-06-19T07:00:00Z'), 'America/Vancouver')).toBe(true);
    expect(isLocalMidnight(at('2020-06-19T00:00:00Z'), 'America/Vancouver')).toBe(false);
    expect(isLocalMidnight(at('2020-06-19T07:00:01Z'), 'America/Vancouver')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.ts';
import {
  assertTimeZone,
  isRealDate,
  type LocalFields,
  localToUtc,
  parseTurno,
  TURNO_BANDS,
  TURNOS,
  turnoOfHour,
  utcToLocal,
  zoneOffsetMs,
} from './time.ts';

const HOUR = 3_600_000;
const at = (iso: string): number => Date.parse(iso);
const fields = (year: number, month: number, day: number, hour = 0, minute = 0, second = 0): LocalFields => ({
  year,
  month,
  day,
  hour,
  minute,
  second,
});

describe('zoneOffsetMs', () => {
  it('gives Lima −5 h all year (no DST)', () => {
    for (const iso of [
      '2024-01-15T12:00:00Z',
      '2024-03-10T08:00:00Z',
      '2024-07-01T00:00:00Z',
      '2024-11-03T07:00:00Z',
      '2024-12-31T23:59:59Z',
      '1995-06-01T00:00:00Z',
    ])
      expect(zoneOffsetMs(at(iso), 'America/Lima')).toBe(-5 * HOUR);
  });

  it('gives Chicago −6 h in January and −5 h in July', () => {
    expect(zoneOffsetMs(at('2024-01-15T12:00:00Z'), 'America/Chicago')).toBe(-6 * HOUR);
    expect(zoneOffsetMs(at('2024-07-15T12:00:00Z'), 'America/Chicago')).toBe(-5 * HOUR);
  });

  it('switches exactly at the 2024-03-10 spring-forward (02:00 CST = 08:00Z)', () => {
    expect(zoneOffsetMs(at('2024-03-10T00:00:00Z'), 'America/Chicago')).toBe(-6 * HOUR);
    expect(zoneOffsetMs(at('2024-03-10T07:59:59Z'), 'America/Chicago')).toBe(-6 * HOUR);
    expect(zoneOffsetMs(at('2024-03-10T08:00:00Z'), 'America/Chicago')).toBe(-5 * HOUR);
    expect(zoneOffsetMs(at('2024-03-10T23:59:59Z'), 'America/Chicago')).toBe(-5 * HOUR);
  });

  it('switches exactly at the 2024-11-03 fall-back (02:00 CDT = 07:00Z)', () => {
    expect(zoneOffsetMs(at('2024-11-03T05:30:00Z'), 'America/Chicago')).toBe(-5 * HOUR);
    expect(zoneOffsetMs(at('2024-11-03T06:59:59Z'), 'America/Chicago')).toBe(-5 * HOUR);
    expect(zoneOffsetMs(at('2024-11-03T07:00:00Z'), 'America/Chicago')).toBe(-6 * HOUR);
    expect(zoneOffsetMs(at('2024-11-04T12:00:00Z'), 'America/Chicago')).toBe(-6 * HOUR);
  });

  it('gives 0 for UTC', () => {
    expect(zoneOffsetMs(at('2024-07-15T12:00:00Z'), 'UTC')).toBe(0);
  });
});

describe('localToUtc', () => {
  it('reads Lima wall-clock time at −5 h, crossing midnight UTC', () => {
    expect(localToUtc(fields(2024, 3, 5, 21, 30), 'America/Lima')).toBe(at('2024-03-06T02:30:00Z'));
    expect(localToUtc(fields(2024, 1, 1), 'America/Lima')).toBe(at('2024-01-01T05:00:00Z'));
    expect(localToUtc(fields(2024, 12, 31, 23, 59, 59), 'America/Lima')).toBe(at('2025-01-01T04:59:59Z'));
  });

  it('reads Chicago standard and daylight time', () => {
    expect(localToUtc(fields(2024, 1, 15, 12), 'America/Chicago')).toBe(at('2024-01-15T18:00:00Z'));
    expect(localToUtc(fields(2024, 7, 15, 12), 'America/Chicago')).toBe(at('2024-07-15T17:00:00Z'));
  });

  it('handles both sides of the spring-forward gap', () => {
    expect(localToUtc(fields(2024, 3, 10, 1, 59), 'America/Chicago')).toBe(at('2024-03-10T07:59:00Z'));
    expect(localToUtc(fields(2024, 3, 10, 3, 0), 'America/Chicago')).toBe(at('2024-03-10T08:00:00Z'));
  });

  it('reads a time inside the spring-forward gap with the offset before the change (CST, −6 h)', () => {
    // 02:30 does not exist on 2024-03-10 in Chicago: it becomes 08:30Z, i.e. 03:30 daylight time.
    const ms = localToUtc(fields(2024, 3, 10, 2, 30), 'America/Chicago');
    expect(ms).toBe(at('2024-03-10T08:30:00Z'));
    expect(utcToLocal(ms, 'America/Chicago')).toMatchObject({ hour: 3, minute: 30 });
  });

  it('picks the first occurrence of the repeated fall-back hour (CDT)', () => {
    expect(localToUtc(fields(2024, 11, 3, 1, 30), 'America/Chicago')).toBe(at('2024-11-03T06:30:00Z'));
    expect(localToUtc(fields(2024, 11, 3, 0, 59), 'America/Chicago')).toBe(at('2024-11-03T05:59:00Z'));
    // After the repeated hour: CST (−6 h).
    expect(localToUtc(fields(2024, 11, 3, 2, 0), 'America/Chicago')).toBe(at('2024-11-03T08:00:00Z'));
    expect(localToUtc(fields(2024, 11, 3, 3, 0), 'America/Chicago')).toBe(at('2024-11-03T09:00:00Z'));
    expect(localToUtc(fields(2024, 11, 3, 7, 0), 'America/Chicago')).toBe(at('2024-11-03T13:00:00Z'));
    expect(localToUtc(fields(2024, 11, 4, 3, 0), 'America/Chicago')).toBe(at('2024-11-04T09:00:00Z'));
  });

  it('picks the first occurrence of a repeated hour east of UTC too (Berlin)', () => {
    // 2024-10-27 02:30 happens first in summer time (UTC+2), then in winter time (UTC+1).
    expect(localToUtc(fields(2024, 10, 27, 2, 30), 'Europe/Berlin')).toBe(at('2024-10-27T00:30:00Z'));
    expect(localToUtc(fields(2024, 10, 27, 3, 30), 'Europe/Berlin')).toBe(at('2024-10-27T02:30:00Z'));
  });

  it('round-trips through utcToLocal outside transitions', () => {
    const f = fields(2023, 8, 17, 13, 5, 42);
    for (const tz of ['America/Lima', 'America/Chicago', 'UTC']) {
      const { weekday: _weekday, ...back } = utcToLocal(localToUtc(f, tz), tz);
      expect(back).toEqual(f);
    }
  });

  it('returns NaN for dates that do not exist', () => {
    expect(localToUtc(fields(2023, 2, 29), 'America/Lima')).toBeNaN();
    expect(localToUtc(fields(2024, 13, 1), 'America/Lima')).toBeNaN();
    expect(localToUtc(fields(2024, 3, 5, 24), 'America/Lima')).toBeNaN();
    expect(localToUtc(fields(2024, 4, 31), 'America/Chicago')).toBeNaN();
  });

  it('accepts 29 February in a leap year', () => {
    expect(localToUtc(fields(2024, 2, 29, 10), 'America/Lima')).toBe(at('2024-02-29T15:00:00Z'));
  });
});

describe('utcToLocal', () => {
  it('gives Lima fields and the ISO weekday (2024-03-05 was a Tuesday)', () => {
    expect(utcToLocal(at('2024-03-06T02:30:00Z'), 'America/Lima')).toEqual({
      year: 2024,
      month: 3,
      day: 5,
      hour: 21,
      minute: 30,
      second: 0,
      weekday: 2,
    });
  });

  it('numbers Sunday 7 and Monday 1', () => {
    expect(utcToLocal(at('2024-03-10T12:00:00Z'), 'America/Lima').weekday).toBe(7);
    expect(utcToLocal(at('2024-03-11T12:00:00Z'), 'America/Lima').weekday).toBe(1);
    // 03:00Z on Monday is still Sunday evening in Lima.
    expect(utcToLocal(at('2024-03-11T03:00:00Z'), 'America/Lima')).toMatchObject({
      day: 10,
      hour: 22,
      weekday: 7,
    });
  });

  it('shows the repeated Chicago hour twice', () => {
    expect(utcToLocal(at('2024-11-03T06:30:00Z'), 'America/Chicago')).toMatchObject({ hour: 1, minute: 30 });
    expect(utcToLocal(at('2024-11-03T07:30:00Z'), 'America/Chicago')).toMatchObject({ hour: 1, minute: 30 });
    expect(utcToLocal(at('2024-03-10T08:00:00Z'), 'America/Chicago')).toMatchObject({ hour: 3, minute: 0 });
  });
});

describe('isRealDate', () => {
  it('accepts real dates and rejects impossible ones', () => {
    expect(isRealDate(fields(2024, 2, 29))).toBe(true);
    expect(isRealDate(fields(2023, 2, 29))).toBe(false);
    expect(isRealDate(fields(2024, 2, 30))).toBe(false);
    expect(isRealDate(fields(2024, 4, 31))).toBe(false);
    expect(isRealDate(fields(2024, 12, 31, 23, 59, 59.5))).toBe(true);
    expect(isRealDate(fields(2024, 0, 1))).toBe(false);
    expect(isRealDate(fields(2024, 13, 1))).toBe(false);
    expect(isRealDate(fields(2024, 1, 0))).toBe(false);
    expect(isRealDate(fields(2024, 1, 1, 24))).toBe(false);
    expect(isRealDate(fields(2024, 1, 1, -1))).toBe(false);
    expect(isRealDate(fields(2024, 1, 1, 0, 60))).toBe(false);
    expect(isRealDate(fields(2024, 1, 1, 0, 0, 60))).toBe(false);
    expect(isRealDate(fields(2024, 1.5, 1))).toBe(false);
    expect(isRealDate(fields(Number.NaN, 1, 1))).toBe(false);
  });

  it('limits years to 1900–2200', () => {
    expect(isRealDate(fields(1900, 1, 1))).toBe(true);
    expect(isRealDate(fields(1899, 12, 31))).toBe(false);
    expect(isRealDate(fields(2200, 12, 31))).toBe(true);
    expect(isRealDate(fields(2201, 1, 1))).toBe(false);
  });
});

describe('turnos', () => {
  it('TURNO_BANDS cover 0–24 in order without gaps or overlaps, one band per turno', () => {
    expect(TURNO_BANDS[0]?.fromHour).toBe(0);
    expect(TURNO_BANDS[TURNO_BANDS.length - 1]?.toHour).toBe(24);
    for (let i = 1; i < TURNO_BANDS.length; i++)
      expect(TURNO_BANDS[i]?.fromHour).toBe(TURNO_BANDS[i - 1]?.toHour);
    expect(TURNO_BANDS.map((b) => b.turno)).toEqual([...TURNOS]);
  });

  it('turnoOfHour follows the bands at their edges', () => {
    expect(turnoOfHour(0)).toBe('madrugada');
    expect(turnoOfHour(5)).toBe('madrugada');
    expect(turnoOfHour(6)).toBe('mañana');
    expect(turnoOfHour(11)).toBe('mañana');
    expect(turnoOfHour(12)).toBe('tarde');
    expect(turnoOfHour(17)).toBe('tarde');
    expect(turnoOfHour(18)).toBe('noche');
    expect(turnoOfHour(23)).toBe('noche');
  });

  it('every hour 0–23 has exactly one band', () => {
    for (let h = 0; h < 24; h++)
      expect(TURNO_BANDS.filter((b) => h >= b.fromHour && h < b.toHour)).toHaveLength(1);
  });

  it('turnoOfHour rejects hours outside 0–23', () => {
    expect(() => turnoOfHour(24)).toThrow(ValidationError);
    expect(() => turnoOfHour(-1)).toThrow(ValidationError);
    expect(() => turnoOfHour(Number.NaN)).toThrow(ValidationError);
  });

  it('parseTurno folds case, accents and spaces', () => {
    expect(parseTurno('MAÑANA')).toBe('mañana');
    expect(parseTurno('MAN\u0303ANA')).toBe('mañana'); // decomposed Ñ
    expect(parseTurno('manana')).toBe('mañana');
    expect(parseTurno(' Noche ')).toBe('noche');
    expect(parseTurno('TARDE')).toBe('tarde');
    expect(parseTurno('Madrugada')).toBe('madrugada');
  });

  it('parseTurno returns null for unknown labels, also when asked twice (cache)', () => {
    expect(parseTurno('vespertino')).toBeNull();
    expect(parseTurno('vespertino')).toBeNull();
    expect(parseTurno('')).toBeNull();
    expect(parseTurno('noches')).toBeNull();
  });
});

describe('assertTimeZone', () => {
  it('accepts IANA zones', () => {
    expect(() => assertTimeZone('America/Lima')).not.toThrow();
    expect(() => assertTimeZone('America/Chicago')).not.toThrow();
  });

  it('throws a ValidationError on field timeZone for an unknown zone', () => {
    let caught: unknown;
    try {
      assertTimeZone('Mars/Olympus');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).field).toBe('timeZone');
    expect((caught as ValidationError).code).toBe('VALIDATION');
    expect((caught as ValidationError).message).toContain('Mars/Olympus');
  });

  it('makes the other functions throw for an unknown zone', () => {
    expect(() => zoneOffsetMs(0, 'Mars/Olympus')).toThrow(ValidationError);
    expect(() => localToUtc(fields(2024, 1, 1), 'Mars/Olympus')).toThrow(ValidationError);
  });
});

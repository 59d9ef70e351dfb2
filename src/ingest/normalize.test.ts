import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  compileStudyArea,
  type StudyArea,
  studyAreaFromBbox,
  studyAreaFromGeoJson,
} from '../geo/study-area.ts';
import {
  checkInstant,
  normaliseUbigeo,
  type ParsedTime,
  Problems,
  parseNumber,
  parseSidpolTime,
  placeIncident,
  turnoOf,
} from './normalize.ts';

const LIMA = 'America/Lima';
const at = (iso: string): number => Date.parse(iso);

const callao: StudyArea = compileStudyArea(
  studyAreaFromGeoJson(
    'callao',
    JSON.parse(readFileSync(new URL('../../assets/callao/districts.geojson', import.meta.url), 'utf8')),
    { name: 'Callao', timeZone: LIMA, districtField: 'ubigeo', nameField: 'name' },
  ),
);

describe('normaliseUbigeo', () => {
  it('restores the leading zero and strips a spreadsheet ".0"', () => {
    expect(normaliseUbigeo('70101')).toBe('070101');
    expect(normaliseUbigeo('070101')).toBe('070101');
    expect(normaliseUbigeo('70101.0')).toBe('070101');
    expect(normaliseUbigeo(' 70106 ')).toBe('070106');
    expect(normaliseUbigeo('150101')).toBe('150101');
  });

  it('returns null for anything that is not a 1–6 digit code', () => {
    expect(normaliseUbigeo('X1')).toBeNull();
    expect(normaliseUbigeo('1234567')).toBeNull();
    expect(normaliseUbigeo('')).toBeNull();
    expect(normaliseUbigeo('70101.5')).toBeNull();
    expect(normaliseUbigeo('-70101')).toBeNull();
    expect(normaliseUbigeo('07 0101')).toBeNull();
  });
});

describe('parseNumber', () => {
  it('reads dot and comma decimals', () => {
    expect(parseNumber('-12.05')).toBe(-12.05);
    expect(parseNumber('-12,05')).toBe(-12.05);
    expect(parseNumber(' -77.1469 ')).toBe(-77.1469);
    expect(parseNumber('0')).toBe(0);
    expect(parseNumber('42')).toBe(42);
  });

  it('null for empty, NaN for garbage', () => {
    expect(parseNumber('')).toBeNull();
    expect(parseNumber('   ')).toBeNull();
    expect(parseNumber('abc')).toBeNaN();
    expect(parseNumber('-12.05.3')).toBeNaN();
    expect(parseNumber('1,234.5')).toBeNaN(); // thousands separators are not guessed
    expect(parseNumber('Infinity')).toBeNaN();
    expect(parseNumber('NaN')).toBeNaN();
    for (const notDecimal of ['0x10', '0b11', '0o7', '1_000']) expect(parseNumber(notDecimal)).toBeNaN();
  });
});

describe('parseSidpolTime', () => {
  it('reads epoch milliseconds; an exact local midnight is date-only', () => {
    // 2024-03-05 00:00 in Lima = 05:00Z.
    expect(parseSidpolTime('1709614800000', LIMA)).toEqual({
      ms: at('2024-03-05T05:00:00Z'),
      precision: 'date',
    });
    expect(parseSidpolTime('1709665200000', LIMA)).toEqual({
      ms: at('2024-03-05T19:00:00Z'),
      precision: 'exact',
    });
  });

  it('reads local date-times in the zone', () => {
    expect(parseSidpolTime('2024-03-05 14:00', LIMA)).toEqual({
      ms: at('2024-03-05T19:00:00Z'),
      precision: 'exact',
    });
    expect(parseSidpolTime('2024-03-05T14:00:30', LIMA)).toEqual({
      ms: at('2024-03-05T19:00:30Z'),
      precision: 'exact',
    });
    expect(parseSidpolTime('2024/03/05 14:00:00.000', LIMA)).toEqual({
      ms: at('2024-03-05T19:00:00Z'),
      precision: 'exact',
    });
    expect(parseSidpolTime('05/03/2024 21:30', LIMA)).toEqual({
      ms: at('2024-03-06T02:30:00Z'),
      precision: 'exact',
    });
  });

  it('date-only values and explicit 00:00 are precision date', () => {
    expect(parseSidpolTime('05/03/2024', LIMA)).toEqual({
      ms: at('2024-03-05T05:00:00Z'),
      precision: 'date',
    });
    expect(parseSidpolTime('2024-03-05', LIMA)).toEqual({
      ms: at('2024-03-05T05:00:00Z'),
      precision: 'date',
    });
    expect(parseSidpolTime('2024-03-05 00:00', LIMA)).toEqual({
      ms: at('2024-03-05T05:00:00Z'),
      precision: 'date',
    });
    expect(parseSidpolTime('2024-03-05 00:00:01', LIMA)?.precision).toBe('exact');
  });

  it('reads ISO instants with Z or an offset', () => {
    expect(parseSidpolTime('2024-03-05T14:00:00Z', LIMA)).toEqual({
      ms: at('2024-03-05T14:00:00Z'),
      precision: 'exact',
    });
    expect(parseSidpolTime('2024-03-05T14:00:00.000-05:00', LIMA)).toEqual({
      ms: at('2024-03-05T19:00:00Z'),
      precision: 'exact',
    });
    // 05:00Z is local midnight in Lima: date-only.
    expect(parseSidpolTime('2024-03-05T05:00:00Z', LIMA)?.precision).toBe('date');
  });

  it('null for empty, NaN for garbage and impossible dates', () => {
    expect(parseSidpolTime('', LIMA)).toBeNull();
    expect(parseSidpolTime('   ', LIMA)).toBeNull();
    for (const bad of [
      'garbage',
      '2024-02-30',
      '31/02/2024',
      '2024-03-05 24:00',
      '2024-13-01',
      '5 de marzo',
      '2024',
    ])
      expect(parseSidpolTime(bad, LIMA)?.ms, bad).toBeNaN();
  });
});

describe('turnoOf', () => {
  it('gives the turno of an exact time in local hours', () => {
    expect(turnoOf({ ms: at('2024-03-05T19:00:00Z'), precision: 'exact' }, LIMA)).toBe('tarde'); // 14:00
    expect(turnoOf({ ms: at('2024-03-06T02:30:00Z'), precision: 'exact' }, LIMA)).toBe('noche'); // 21:30
    expect(turnoOf({ ms: at('2024-03-05T10:59:00Z'), precision: 'exact' }, LIMA)).toBe('madrugada'); // 05:59
    expect(turnoOf({ ms: at('2024-03-05T11:00:00Z'), precision: 'exact' }, LIMA)).toBe('mañana'); // 06:00
  });

  it('null when the time of day is unknown', () => {
    const date: ParsedTime = { ms: at('2024-03-05T05:00:00Z'), precision: 'date' };
    expect(turnoOf(date, LIMA)).toBeNull();
    expect(turnoOf({ ms: at('2024-03-01T05:00:00Z'), precision: 'month' }, LIMA)).toBeNull();
  });
});

describe('checkInstant', () => {
  const now = at('2024-06-01T00:00:00Z');

  it('accepts plausible instants without adding problems', () => {
    const p = new Problems();
    expect(checkInstant(at('2024-03-05T19:00:00Z'), 'fecha', '2024-03-05 14:00', p, now)).toBe(true);
    expect(checkInstant(at('1990-01-01T00:00:00Z'), 'fecha', '1990-01-01', p, now)).toBe(true);
    expect(checkInstant(now + 86_400_000, 'fecha', 'tomorrow', p, now)).toBe(true); // a day of slack
    expect(p.any).toBe(false);
    expect(p.list).toEqual([]);
  });

  it('flags future, pre-1990 and invalid instants with the field and raw value', () => {
    const p = new Problems();
    expect(checkInstant(now + 2 * 86_400_000, 'fecha', '2024-06-03', p, now)).toBe(false);
    expect(checkInstant(at('1989-12-31T23:59:59Z'), 'fecha', '1989-12-31', p, now)).toBe(false);
    expect(checkInstant(Number.NaN, 'hora', 'xx', p, now)).toBe(false);
    expect(p.any).toBe(true);
    expect(p.list).toEqual([
      { field: 'fecha', reason: 'fecha en el futuro', value: '2024-06-03' },
      { field: 'fecha', reason: 'fecha anterior a 1990', value: '1989-12-31' },
      { field: 'hora', reason: 'fecha inválida o imposible', value: 'xx' },
    ]);
  });
});

describe('placeIncident', () => {
  const base = {
    latField: 'lat',
    lonField: 'lon',
    districtHint: null as string | null,
    districtField: 'ubigeo' as string | null,
    station: false,
  };

  it('places a point in its district and projects it', () => {
    const p = new Problems();
    const r = placeIncident(callao, { ...base, lat: -12.0625, lon: -77.1292 }, p);
    expect(p.list).toEqual([]);
    expect(r).toMatchObject({ lat: -12.0625, lon: -77.1292, districtCode: '070102' });
    const [x, y] = callao.projection.forward(-77.1292, -12.0625);
    expect(r?.x).toBe(x);
    expect(r?.y).toBe(y);
  });

  it('point-in-polygon wins over the hint unless the record is placed at its station', () => {
    const p = new Problems();
    const seat = { lat: -12.0625, lon: -77.1292 }; // Bellavista
    expect(placeIncident(callao, { ...base, ...seat, districtHint: '070101' }, p)?.districtCode).toBe(
      '070102',
    );
    expect(
      placeIncident(callao, { ...base, ...seat, districtHint: '070101', station: true }, p)?.districtCode,
    ).toBe('070101');
    expect(placeIncident(callao, { ...base, ...seat, station: true }, p)?.districtCode).toBe('070102');
    expect(p.any).toBe(false);
  });

  it('keeps a record without coordinates with the hint district', () => {
    const p = new Problems();
    expect(placeIncident(callao, { ...base, lat: null, lon: null, districtHint: '070106' }, p)).toEqual({
      lat: null,
      lon: null,
      x: null,
      y: null,
      districtCode: '070106',
    });
    expect(placeIncident(callao, { ...base, lat: null, lon: null }, p)?.districtCode).toBeNull();
    expect(p.any).toBe(false);
  });

  it('treats 0,0 as missing', () => {
    const p = new Problems();
    expect(placeIncident(callao, { ...base, lat: 0, lon: 0, districtHint: '070105' }, p)).toEqual({
      lat: null,
      lon: null,
      x: null,
      y: null,
      districtCode: '070105',
    });
    expect(p.any).toBe(false);
  });

  it('flags a row with only one coordinate on the missing field', () => {
    const p = new Problems();
    expect(placeIncident(callao, { ...base, lat: null, lon: -77.1292 }, p)).toBeNull();
    expect(placeIncident(callao, { ...base, lat: -12.0625, lon: null }, p)).toBeNull();
    expect(p.list).toEqual([
      { field: 'lat', reason: 'falta una de las dos coordenadas', value: null },
      { field: 'lon', reason: 'falta una de las dos coordenadas', value: null },
    ]);
  });

  it('flags NaN or out-of-range coordinates on their own field', () => {
    const p = new Problems();
    expect(placeIncident(callao, { ...base, lat: Number.NaN, lon: -77.1 }, p)).toBeNull();
    expect(placeIncident(callao, { ...base, lat: -12.06, lon: -277.1 }, p)).toBeNull();
    expect(placeIncident(callao, { ...base, lat: 120, lon: -77.1 }, p)).toBeNull();
    expect(p.list.map((x) => [x.field, x.value])).toEqual([
      ['lat', 'NaN'],
      ['lon', '-277.1'],
      ['lat', '120'],
    ]);
  });

  it('flags a point outside the area naming both fields', () => {
    const p = new Problems();
    const r = placeIncident(
      callao,
      { ...base, lat: -12.0464, lon: -77.0428, latField: 'LATITUD', lonField: 'LONGITUD' },
      p,
    );
    expect(r).toBeNull();
    expect(p.list).toHaveLength(1);
    expect(p.list[0]).toMatchObject({ field: 'LATITUD,LONGITUD', value: '-12.0464,-77.0428' });
    expect(p.list[0]?.reason).toContain('callao');
  });

  it('flags a district hint outside the area, listing the known codes', () => {
    const p = new Problems();
    expect(
      placeIncident(callao, { ...base, lat: -12.0625, lon: -77.1292, districtHint: '150101' }, p),
    ).toBeNull();
    expect(
      placeIncident(
        callao,
        { ...base, lat: null, lon: null, districtHint: '150101', districtField: null },
        p,
      ),
    ).toBeNull();
    expect(p.list.map((x) => [x.field, x.value])).toEqual([
      ['ubigeo', '150101'],
      ['distrito', '150101'],
    ]);
    expect(p.list[0]?.reason).toContain('070101');
    expect(p.list[0]?.reason).toContain('070107');
  });

  it('in an area without districts ignores the hint and only checks the boundary', () => {
    const box = compileStudyArea(studyAreaFromBbox('box', [-77.2, -12.1, -77.0, -11.8], { timeZone: LIMA }));
    const p = new Problems();
    expect(placeIncident(box, { ...base, lat: -12.05, lon: -77.1, districtHint: '070101' }, p)).toMatchObject(
      {
        districtCode: null,
      },
    );
    expect(
      placeIncident(box, { ...base, lat: null, lon: null, districtHint: '070101' }, p)?.districtCode,
    ).toBeNull();
    expect(placeIncident(box, { ...base, lat: -12.05, lon: -76.9 }, p)).toBeNull();
    expect(p.list).toHaveLength(1);
    expect(p.list[0]?.field).toBe('lat,lon');
  });
});

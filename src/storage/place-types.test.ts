/**
 * The place-type read behind the place-type features: located, shared rows known before the cut,
 * with the type column as label codes — never a restricted row, an unlocated one or a late one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../services/ingest.ts';
import { BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import { tempFile, toCsv } from '../test/fixtures.ts';
import { loadPlaceTypes } from './place-types.ts';

const HEADER = ['id', 'fecha', 'registro', 'tipo', 'lugar', 'lat', 'lon', 'domestic'];
/** The cut: 2024-11-10 00:00 in Lima (UTC−5). */
const CUT = Date.UTC(2024, 10, 10, 5);

describe.each(BACKENDS)('place types of past incidents on %s', (backend) => {
  let t: TestDb;

  beforeAll(async () => {
    t = await createTestDb(backend);
    const row = (id: string, fecha: string, lugar: string, extra: Record<string, string> = {}) => ({
      id,
      fecha,
      registro: fecha,
      tipo: 'ROBBERY',
      lugar,
      lat: '-12.0565',
      lon: '-77.144',
      domestic: 'false',
      ...extra,
    });
    const csv = toCsv(
      [
        row('1', '2024-11-01 10:00', 'street'),
        row('2', '2024-11-02 10:00', 'residence', { lat: '-12.0600', lon: '-77.1400' }),
        row('3', '2024-11-03 10:00', ''), // no place type: label −1
        row('4', '2024-11-04 10:00', 'street', { domestic: 'true' }), // restricted: never read
        row('5', '2024-11-05 10:00', 'street', { lat: '', lon: '' }), // unlocated: never read
        row('6', '2024-11-06 10:00', 'education', { registro: '2024-11-10 00:00' }), // known at the cut: out
        row('7', '2024-11-07 10:00', 'hotel', { registro: '2024-11-09 23:59' }), // known a minute before: in
        row('8', '2024-11-10 00:00', 'street'), // occurs at the cut: out
        row('9', '2024-11-08 10:00', '  street '), // trimmed
      ],
      HEADER,
    );
    const r = await ingestFile(t.db, {
      file: tempFile(`lugares-${backend}.csv`, csv),
      adapter: 'mapped',
      mappingFile: tempFile(
        `lugares-${backend}.json`,
        JSON.stringify({
          source: 'prueba-lugares',
          id: 'id',
          time: { column: 'fecha', format: 'YYYY-MM-DD HH:mm', timeZone: 'America/Lima' },
          reportedTime: { column: 'registro', format: 'YYYY-MM-DD HH:mm' },
          coordinates: { x: 'lon', y: 'lat' },
          type: { column: 'tipo', modality: 'lugar', categories: { ROBBERY: 'robo' } },
          restricted: { column: 'domestic', values: ['true'] },
        }),
      ),
      area: 'callao',
    });
    expect(r.accepted).toBe(9);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('reads located, shared rows known before the cut, with place types as sorted label codes', async () => {
    const p = await loadPlaceTypes(t.db, { area: 'callao', before: CUT });
    expect(p.labels).toEqual(['hotel', 'residence', 'street']);
    expect(p.t.length).toBe(5); // rows 1, 2, 3, 7, 9
    expect([...p.label].map((l) => (l < 0 ? null : p.labels[l]))).toEqual([
      'street',
      'residence',
      null,
      'hotel',
      'street',
    ]);
    expect(p.t[0]).toBe(Date.UTC(2024, 10, 1, 15));
    expect(p.known[3]).toBe(CUT - 60_000);
    expect([...p.t].every((v, i) => i === 0 || v >= (p.t[i - 1] as number))).toBe(true);
    expect([...p.x].every(Number.isFinite) && [...p.y].every(Number.isFinite)).toBe(true);
    expect(p.x[1]).not.toBe(p.x[0]); // projected metres of each row
    // Another column, another cut, a category filter.
    const tipo = await loadPlaceTypes(t.db, {
      area: 'callao',
      before: Date.UTC(2024, 10, 3),
      column: 'tipo',
    });
    expect(tipo.t.length).toBe(2);
    expect(tipo.labels).toEqual(['ROBBERY']);
    expect(
      (await loadPlaceTypes(t.db, { area: 'callao', before: CUT, categories: ['hurto'] })).t.length,
    ).toBe(0);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import { GEO_HEADER, geoRow, tempFile, toCsv } from '../test/fixtures.ts';
import { ingestFile } from './ingest.ts';

const NOW = Date.UTC(2026, 0, 1);
const drugs = {
  tipo_hecho: 'SEGURIDAD PUBLICA',
  subtipo_hecho: 'TRAFICO ILICITO DE DROGAS',
  modalidad_hecho: 'TID',
};

describe.each(BACKENDS)('how each incident became known (channel) on %s', (backend) => {
  let t: TestDb;
  const channels = async (source: string) =>
    Object.fromEntries(
      (
        await t.db.query<{ external_id: string; channel: string }>(
          'select external_id, channel from incidents where source = $1',
          [source],
        )
      ).map((r) => [r.external_id, r.channel]),
    );
  beforeAll(async () => {
    t = await createTestDb(backend);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('SIDPOL geo: an optional "canal" column overrides the label rule; an unknown value is a reject naming row and field', async () => {
    const header = [...GEO_HEADER, 'canal'];
    const rows = [
      { ...geoRow(1), canal: 'Intervención policial' }, // a robbery found by a patrol
      { ...geoRow(2, drugs), canal: 'denuncia' }, // a drug case a citizen reported
      { ...geoRow(3), canal: '' }, // not given: the label rule (robbery → reported)
      { ...geoRow(4, drugs), canal: '' }, // not given: the label rule (drugs → discovered)
      { ...geoRow(5), canal: 'PATRULLAJE' },
      { ...geoRow(6), canal: 'sin dato' },
      { ...geoRow(7), canal: 'rumor' }, // unknown
    ];
    const file = tempFile(`canal-${backend}.csv`, toCsv(rows, header));
    const r = await ingestFile(t.db, {
      file,
      adapter: 'sidpol-geo',
      area: 'callao',
      now: NOW,
      rejectSample: 10,
    });
    expect(r).toMatchObject({ rowsRead: 7, accepted: 6, rejected: 1 });
    expect(r.rejects.map((x) => [x.rowNumber, x.field, x.value])).toEqual([[7, 'canal', 'rumor']]);
    expect(r.rejects[0]?.reason).toMatch(/cómo se conoció: valor desconocido \(use denuncia/);
    expect(await channels('sidpol-geo')).toEqual({
      '1': 'discovered',
      '2': 'reported',
      '3': 'reported',
      '4': 'discovered',
      '5': 'discovered',
      '6': 'unknown',
    });
  });

  it('mapped exports: "channel" names the column, over the mapping\'s discovered types', async () => {
    const mapping = tempFile(
      `canal-mapping-${backend}.json`,
      JSON.stringify({
        source: 'demo-city',
        id: 'id',
        time: { column: 'date', format: 'YYYY-MM-DD HH:mm', timeZone: 'America/Lima' },
        coordinates: { x: 'lon', y: 'lat' },
        type: { column: 'type', categories: { ROBO: 'robo', DROGAS: 'drogas' } },
        discovered: { types: ['ROBO'] },
        channel: 'how',
      }),
    );
    const csv = [
      'id,date,lat,lon,type,how',
      'a,2024-03-05 21:30,-12.056,-77.144,ROBO,denuncia',
      'b,2024-03-05 21:30,-12.056,-77.144,DROGAS,reportado',
      'c,2024-03-05 21:30,-12.056,-77.144,ROBO,',
      'd,2024-03-05 21:30,-12.056,-77.144,DROGAS,descubierto',
      'e,2024-03-05 21:30,-12.056,-77.144,ROBO,quizás',
    ].join('\n');
    const file = tempFile(`canal-mapped-${backend}.csv`, `${csv}\n`);
    const r = await ingestFile(t.db, {
      file,
      adapter: 'mapped',
      mappingFile: mapping,
      area: 'callao',
      now: NOW,
      rejectSample: 10,
    });
    expect(r).toMatchObject({ rowsRead: 5, accepted: 4, rejected: 1 });
    expect(r.rejects.map((x) => [x.rowNumber, x.field, x.value])).toEqual([[5, 'how', 'quizás']]);
    expect(await channels('demo-city')).toEqual({
      a: 'reported',
      b: 'reported',
      c: 'discovered',
      d: 'discovered',
    });
  });
});

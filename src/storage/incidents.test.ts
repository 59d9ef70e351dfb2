/**
 * The newest day of an area's data reaches every role (dataAge on /api/v1/ui, the forecast index,
 * the stale banner): a restricted row newer than every other must not show there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataAge } from '../services/data-age.ts';
import { ingestFile } from '../services/ingest.ts';
import { BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import { tempFile, toCsv } from '../test/fixtures.ts';
import { latestIncidentTimes } from './incidents.ts';

const HEADER = ['id', 'fecha', 'tipo', 'lat', 'lon', 'domestic'];

describe.each(BACKENDS)('newest incident on %s', (backend) => {
  let t: TestDb;

  async function load(name: string, rows: { id: string; fecha: string; domestic: boolean }[]): Promise<void> {
    const mapping = tempFile(
      `${name}-${backend}.json`,
      JSON.stringify({
        source: name,
        id: 'id',
        time: { column: 'fecha', format: 'YYYY-MM-DD HH:mm', timeZone: 'America/Lima' },
        coordinates: { x: 'lon', y: 'lat' },
        type: { column: 'tipo', categories: { ROBBERY: 'robo' } },
        restricted: { column: 'domestic', values: ['true'] },
      }),
    );
    const csv = toCsv(
      rows.map((r) => ({
        ...r,
        tipo: 'ROBBERY',
        lat: '-12.0565',
        lon: '-77.144',
        domestic: String(r.domestic),
      })),
      HEADER,
    );
    const r = await ingestFile(t.db, {
      file: tempFile(`${name}-${backend}.csv`, csv),
      adapter: 'mapped',
      mappingFile: mapping,
      area: 'callao',
    });
    expect(r.accepted).toBe(rows.length);
  }

  beforeAll(async () => {
    t = await createTestDb(backend);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('a restricted row newer than every other leaves the newest day where the shared rows put it', async () => {
    await load('prueba-publica', [{ id: '1', fecha: '2024-11-01 20:30', domestic: false }]);
    await load('prueba-domestica', [{ id: '1', fecha: '2024-11-20 20:30', domestic: true }]);
    const [n] = await t.db.query<{ n: number }>(
      "select count(*)::int as n from incidents where study_area = 'callao' and restricted",
    );
    expect(n?.n).toBe(1);
    const now = Date.UTC(2024, 11, 1);
    const age = await dataAge(t.db, 'callao', { staleAfterDays: 60, now });
    expect(age.newestDay).toBe('2024-11-01');
    expect(age.days).toBe(28); // 01:30 UTC on 2 November to 1 December
    const latest = (await latestIncidentTimes(t.db)).find((r) => r.area === 'callao')?.latest;
    expect(latest).toBe(Date.UTC(2024, 10, 2, 1, 30) / 1000); // 20:30 in Lima is 01:30 UTC next day
  });
});

/**
 * Narratives are redacted at ingest for every adapter and stored beside the original; the views
 * below the full one read only the redacted text (none for protected categories); rows stored
 * before redaction existed fail closed until the fill computes their redacted text (issue 14).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listIncidents, redactedNarratives } from '../storage/incidents.ts';
import { BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import { GEO_HEADER, geoRow, tempFile, toCsv } from '../test/fixtures.ts';
import { ingestFile } from './ingest.ts';
import { fillRedactedNarratives } from './narrative-redaction.ts';

const NOW = Date.UTC(2026, 0, 1);
const ROBBERY =
  'El agraviado Juan Pérez Quispe, DNI N.° 45678912, cel. 987 654 321, denunció el robo en la Av. Sáenz Peña 1245.';
const FAMILY =
  'La agraviada Rosa Huamán refiere que su conviviente la agredió en su domicilio de la Av. Colonial.';
const VF = {
  tipo_hecho: 'LEY DE VIOLENCIA CONTRA LA MUJER Y GRUPOS VULNERABLES',
  subtipo_hecho: 'VIOLENCIA FAMILIAR',
  modalidad_hecho: 'VIOLENCIA FISICA',
  es_delito_x: '4.Violencia contra la mujer e int',
};
const HEADER = [...GEO_HEADER, 'relato'];
const MAPPING = {
  source: 'relatos-demo',
  id: 'id',
  time: { column: 'fecha', format: 'YYYY-MM-DD HH:mm' },
  coordinates: { x: 'lon', y: 'lat' },
  type: { column: 'tipo', categories: { ROBO: 'robo' } },
  narrative: 'texto',
};

describe.each(BACKENDS)('narrative redaction on %s', (backend) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(backend);
    const csv = toCsv(
      [
        geoRow(1, { relato: ROBBERY } as never),
        geoRow(2, { ...VF, relato: FAMILY } as never),
        geoRow(3, { relato: '' } as never),
      ],
      HEADER,
    );
    const r = await ingestFile(t.db, {
      file: tempFile(`relatos-${backend}.csv`, csv),
      adapter: 'sidpol-geo',
      area: 'callao',
      now: NOW,
    });
    expect(r).toMatchObject({ accepted: 3, rejected: 0 });
  });
  afterAll(async () => {
    await t.drop();
  });
  const area = { area: 'callao', from: new Date('2024-01-01'), to: new Date('2025-01-01') };
  const stored = () =>
    t.db.query<{ external_id: string; narrative: string | null; narrative_redacted: string | null }>(
      `select external_id, narrative, narrative_redacted from incidents order by source, external_id`,
    );

  it('stores the SIDPOL narrative (relato) and its redaction; street mentions go in protected categories', async () => {
    expect(await stored()).toEqual([
      {
        external_id: '1',
        narrative: ROBBERY,
        narrative_redacted:
          'El agraviado [NOMBRE], DNI N.° [DNI], cel. [TELÉFONO], denunció el robo en la [DIRECCIÓN].',
      },
      {
        external_id: '2',
        narrative: FAMILY,
        narrative_redacted:
          'La agraviada [NOMBRE] refiere que su conviviente la agredió en su domicilio de la [DIRECCIÓN].',
      },
      { external_id: '3', narrative: null, narrative_redacted: null },
    ]);
  });

  it('redacts the narratives of mapped files too', async () => {
    const mappingFile = tempFile(`relatos-mapping-${backend}.json`, JSON.stringify(MAPPING));
    const csv = toCsv(
      [
        {
          id: 'm1',
          fecha: '2024-03-05 21:30',
          lon: '-77.1403',
          lat: '-12.0560',
          tipo: 'ROBO',
          texto: 'Llamar al 912345678, placa ABC-123.',
        },
      ],
      ['id', 'fecha', 'lon', 'lat', 'tipo', 'texto'],
    );
    const r = await ingestFile(t.db, {
      file: tempFile(`relatos-${backend}-m.csv`, csv),
      adapter: 'mapped',
      mappingFile,
      area: 'callao',
      now: NOW,
    });
    expect(r).toMatchObject({ accepted: 1, rejected: 0 });
    const [row] = await t.db.query<{ narrative_redacted: string }>(
      `select narrative_redacted from incidents where source = 'relatos-demo'`,
    );
    expect(row?.narrative_redacted).toBe('Llamar al [TELÉFONO], placa [PLACA].');
    await t.db.query(`delete from incidents where source = 'relatos-demo'`);
  });

  it('full view: original and redacted; below it: the redacted text only, none for protected categories', async () => {
    const byId = async (showRestricted: boolean) =>
      Object.fromEntries(
        (await listIncidents(t.db, { area: 'callao' }, { limit: 10, showRestricted })).map((r) => [
          r.externalId,
          [r.narrative, r.narrativeRedacted],
        ]),
      );
    const full = await byId(true);
    expect(full['1']).toEqual([ROBBERY, expect.stringContaining('[DNI]')]);
    expect(full['2']).toEqual([FAMILY, expect.stringContaining('[NOMBRE]')]);
    const redacted = await byId(false);
    expect(redacted['1']).toEqual([null, expect.stringContaining('[DNI]')]);
    expect(redacted['2']).toEqual([null, null]);
    expect(JSON.stringify(redacted)).not.toMatch(/45678912|Pérez|Rosa/);
  });

  it('gives other services redacted narratives only, protected ones only when asked', async () => {
    const open = await redactedNarratives(t.db, { ...area, includeProtected: false });
    expect(open.map((n) => [n.id, n.text.includes('[DNI]'), n.category, n.district])).toEqual([
      ['sidpol-geo:1', true, 'robo', 'Callao'],
    ]);
    const all = await redactedNarratives(t.db, { ...area, includeProtected: true });
    expect(all.map((n) => n.category)).toEqual(['robo', 'violencia_familiar']);
    expect(JSON.stringify(all)).not.toMatch(/45678912|Pérez|Rosa|Colonial/);
  });

  it('rows stored before redaction existed fail closed until the fill, which is idempotent', async () => {
    await t.db.query(`update incidents set narrative_redacted = null`);
    const page = await listIncidents(t.db, { area: 'callao' }, { limit: 10, showRestricted: false });
    expect(page.map((r) => [r.narrative, r.narrativeRedacted])).toEqual([
      [null, null],
      [null, null],
      [null, null],
    ]);
    expect(await redactedNarratives(t.db, { ...area, includeProtected: true })).toEqual([]);
    expect(await fillRedactedNarratives(t.db)).toBe(2);
    expect(await fillRedactedNarratives(t.db)).toBe(0);
    expect((await stored()).map((r) => r.narrative_redacted?.includes('[NOMBRE]') ?? null)).toEqual([
      true,
      true,
      null,
    ]);
  });
});

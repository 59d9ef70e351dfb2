import { describe, expect, it } from 'vitest';
import type { IncidentRow } from '../core/records.ts';
import { BatchEncoder } from './batch-encoder.ts';

const row = (n: number, over: Partial<IncidentRow> = {}): IncidentRow => ({
  rowNumber: n,
  source: 'sidpol-geo',
  externalId: String(n),
  occurredAt: Date.UTC(2024, 2, 6, 2, 30, 0, 250),
  timePrecision: 'exact',
  reportedAt: null,
  lat: -12.056,
  lon: -77.144,
  x: 266_000.5,
  y: 8_666_000.25,
  geoQuality: 'exact',
  districtCode: '070101',
  category: 'robo',
  tipo: 'VIDA, EL CUERPO Y LA SALUD (DELITO)',
  subtipo: 'ROBO',
  modalidad: 'ROBO "AL PASO"',
  turno: 'noche',
  channel: 'reported',
  restricted: false,
  narrative: null,
  ...over,
});

describe('BatchEncoder', () => {
  it('writes one COPY CSV line per incident, quoting only free text that needs it', () => {
    const e = new BatchEncoder('callao', 7, new Set(['070101']));
    e.rowRead();
    e.incident(row(1));
    const c = e.take();
    expect(c).toMatchObject({ rowsRead: 1, incidentRows: 1, monthlyRows: 0, rejected: 0, rejects: '' });
    expect(c.incidents).toBe(
      'sidpol-geo,1,callao,7,2024-03-06 02:30:00.250+00,exact,,-12.056,-77.144,266000.5,8666000.25,exact,070101,robo,' +
        '"VIDA, EL CUERPO Y LA SALUD (DELITO)",ROBO,"ROBO ""AL PASO""",noche,reported,false,,\n',
    );
  });

  it('rejects a repeated id naming the first row, and counts rejected rows once', () => {
    const e = new BatchEncoder('callao', 7, new Set(['070101']));
    e.incident(row(1));
    e.incident(row(2, { externalId: '1' }));
    e.reject({ rowNumber: 3, field: 'lat_hecho', reason: 'latitud inválida', value: 'abc' });
    e.reject({ rowNumber: 3, field: 'long_hecho', reason: 'longitud inválida', value: 'x'.repeat(500) });
    e.reject({ rowNumber: 3, field: 'lat_hecho', reason: 'otra vez', value: null }); // same (row, field): ignored
    const c = e.take();
    expect(c).toMatchObject({ incidentRows: 1, rejected: 2 });
    const lines = c.rejects.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('7,2,id,fila duplicada: el mismo id aparece en la fila 1,1');
    expect(lines[2]?.length).toBeLessThan(200); // values are truncated
  });

  it('signals a full chunk and starts afresh after take()', () => {
    const e = new BatchEncoder('callao', 1, new Set(['070101']), 3);
    e.incident(row(1));
    e.incident(row(2));
    expect(e.ready).toBe(false);
    e.incident(row(3));
    expect(e.ready).toBe(true);
    expect(e.take().incidentRows).toBe(3);
    expect(e.ready).toBe(false);
    expect(e.take()).toMatchObject({ incidents: '', incidentRows: 0 });
  });

  it('refuses a district outside the study area as a programming error', () => {
    const e = new BatchEncoder('callao', 1, new Set(['070101']));
    expect(() => e.incident(row(1, { districtCode: '150101' }))).toThrow(/district 150101/);
  });
});

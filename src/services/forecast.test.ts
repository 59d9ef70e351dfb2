import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InsufficientDataError } from '../core/errors.ts';
import { getForecast } from '../storage/forecasts.ts';
import { BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import { tempFile } from '../test/fixtures.ts';
import { getStudyArea } from './areas.ts';
import { writeDemoCsv } from './demo.ts';
import { currentForecastIndex, forecast } from './forecast.ts';
import { ingestFile } from './ingest.ts';

describe.each(BACKENDS)('stored forecasts on %s', (backend) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(backend);
    const area = await getStudyArea(t.db, 'callao');
    const file = tempFile(`forecast-synthetic-${backend}.csv`, '');
    await writeDemoCsv(area, { years: 1, start: '2024-01-01', annualVolume: 10_000, seed: 9 }, file);
    await ingestFile(t.db, { file, adapter: 'sidpol-geo', area: 'callao', now: Date.UTC(2026, 0, 1) });
  });
  afterAll(async () => {
    await t.drop();
  });

  it('stores one surface per group and turno with model, settings and cutoff; a re-run replaces them', async () => {
    const req = {
      area: 'callao',
      day: '2024-12-20',
      horizon: 'turno' as const,
      groups: ['property', 'all'],
      model: 'sepp-grid',
    };
    const first = await forecast(t.db, req);
    expect(first).toHaveLength(8);
    expect(first.every((f) => f.totalRisk > 0 && f.eventsUsed > 100)).toBe(true);
    const again = await forecast(t.db, req);
    expect(again.map((f) => f.id)).toEqual(first.map((f) => f.id)); // replaced in place, not duplicated
    const current = (await currentForecastIndex(t.db, 'callao')).filter((m) => m.group === 'property');
    expect(current.map((m) => m.turno)).toEqual(['madrugada', 'mañana', 'tarde', 'noche']);
    const f = await getForecast(t.db, current[0]?.id as number);
    expect(f).toMatchObject({ targetDay: '2024-12-20', modelKind: 'sepp-grid', horizon: 'turno' });
    // Cut at local midnight in Lima: 05:00 UTC, nothing after it used.
    expect(f?.dataCutoff.toISOString()).toBe('2024-12-20T05:00:00.000Z');
    expect(f?.modelConfig).toMatchObject({ trainingWindowDays: 365 });
    let total = 0;
    for (let c = 0; c < (f?.surface.values.length ?? 0); c++) {
      const v = f?.surface.values[c] as number;
      expect(v).toBeGreaterThanOrEqual(0);
      if (f?.surface.mask[c] === 0) expect(v).toBe(0);
      total += v;
    }
    expect(total).toBeCloseTo(first[0]?.totalRisk ?? 0, 2); // float32 storage
  });

  it('refuses a day before any data', async () => {
    await expect(
      forecast(t.db, {
        area: 'callao',
        day: '2023-01-01',
        horizon: 'day',
        groups: ['all'],
        model: 'naive-counts',
      }),
    ).rejects.toThrow(InsufficientDataError);
  });
});

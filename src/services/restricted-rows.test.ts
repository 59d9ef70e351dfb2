/**
 * Restricted rows (here: robberies a source flags as domestic) never shape a surface or a statistic
 * below the analyst's full view: 60 of them at one address leave the forecast, the persistent
 * hotspots, a backtest, the map cell's sparkline and the lower views' statistics exactly as they were;
 * the same 60 unrestricted move them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AggregateView } from '../core/access.ts';
import { cellOf } from '../core/grid.ts';
import { gridForArea } from '../geo/area-grid.ts';
import { getForecast } from '../storage/forecasts.ts';
import { BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import { tempFile, toCsv } from '../test/fixtures.ts';
import { getStudyArea } from './areas.ts';
import { backtest } from './backtest.ts';
import { writeDemoCsv } from './demo.ts';
import { forecast } from './forecast.ts';
import { ingestFile } from './ingest.ts';
import { persistentHotspots } from './persistence.ts';
import { statsTable, trends, turnoProfile } from './queries.ts';

const LAT = -12.0565;
const LON = -77.144;
const BBOX = [LON - 0.0007, LAT - 0.0007, LON + 0.0007, LAT + 0.0007].join(',');
const HEADER = ['id', 'fecha', 'tipo', 'lat', 'lon', 'domestic'];

/** Ingests 60 robberies at one address, one a day in Nov–Dec 2024, through a mapping file. */
async function robberies(t: TestDb, source: string, domestic: boolean, backend: string): Promise<void> {
  const mapping = tempFile(
    `${source}-${backend}.json`,
    JSON.stringify({
      source,
      id: 'id',
      time: { column: 'fecha', format: 'YYYY-MM-DD HH:mm', timeZone: 'America/Lima' },
      coordinates: { x: 'lon', y: 'lat' },
      type: { column: 'tipo', categories: { ROBBERY: 'robo' } },
      restricted: { column: 'domestic', values: ['true'] },
    }),
  );
  const rows = Array.from({ length: 60 }, (_, i) => {
    const day = new Date(Date.UTC(2024, 10, 1 + i)).toISOString().slice(0, 10);
    return {
      id: String(i + 1),
      fecha: `${day} 20:30`,
      tipo: 'ROBBERY',
      lat: String(LAT),
      lon: String(LON),
      domestic: String(domestic),
    };
  });
  const file = tempFile(`${source}-${backend}.csv`, toCsv(rows, HEADER));
  await ingestFile(t.db, { file, adapter: 'mapped', mappingFile: mapping, area: 'callao' });
}

describe.each(BACKENDS)('restricted rows on %s', (backend) => {
  let t: TestDb;

  /** Everything built from incidents that a role below analyst reads. */
  async function surfaces() {
    const [f] = await forecast(t.db, {
      area: 'callao',
      day: '2025-01-01',
      horizon: 'day',
      groups: ['property'],
      model: 'naive-counts',
    });
    const stored = await getForecast(t.db, f?.id as number);
    const values = Array.from(stored?.surface.values ?? []);
    const report = await backtest(t.db, {
      area: 'callao',
      group: 'property',
      from: '2024-12-20',
      to: '2024-12-23',
      horizon: 'day',
      models: [],
    });
    const p = { area: 'callao', group: 'property' };
    const views = async (view: AggregateView) => ({
      stats: await statsTable(t.db, p, view),
      trends: await trends(t.db, p, view),
      ...(view === 'suppressed' ? {} : { turnos: await turnoProfile(t.db, p, view) }),
    });
    return {
      values,
      top: values.indexOf(Math.max(...values)),
      eventsUsed: f?.eventsUsed,
      backtest: { events: report.events, curves: report.models.map((m) => m.curve) },
      persistence: JSON.parse(await persistentHotspots(t.db, { ...p, months: 3 })),
      // The map's cell details: the selected cell's monthly series (the sparkline).
      sparkline: await trends(t.db, { ...p, bbox: BBOX, from: '2024-01-01', to: '2024-12-31' }, 'exact'),
      exact: await views('exact'),
      suppressed: await views('suppressed'),
    };
  }

  const total = (s: Awaited<ReturnType<typeof statsTable>>): number =>
    s.rows.reduce((a, r) => a + (r.count ?? 0), 0);

  beforeAll(async () => {
    t = await createTestDb(backend);
    const area = await getStudyArea(t.db, 'callao');
    const file = tempFile(`restricted-background-${backend}.csv`, '');
    await writeDemoCsv(area, { years: 0.5, start: '2024-07-01', annualVolume: 6000, seed: 5 }, file);
    await ingestFile(t.db, { file, adapter: 'sidpol-geo', area: 'callao', now: Date.UTC(2026, 0, 1) });
  });
  afterAll(async () => {
    await t.drop();
  });

  it('60 restricted robberies at one address move no surface or lower-view statistic; the same 60 unrestricted do', async () => {
    const before = await surfaces();
    const full = total(await statsTable(t.db, { area: 'callao', group: 'property' }, 'full'));

    await robberies(t, 'prueba-domestica', true, backend);
    const [n] = await t.db.query<{ n: number }>(
      "select count(*)::int as n from incidents where source = 'prueba-domestica' and restricted and category = 'robo'",
    );
    expect(n?.n).toBe(60);
    // The analyst's full view counts them ...
    expect(total(await statsTable(t.db, { area: 'callao', group: 'property' }, 'full'))).toBe(full + 60);
    // ... nothing else moves.
    expect(await surfaces()).toEqual(before);

    await robberies(t, 'prueba-publica', false, backend);
    const after = await surfaces();
    const area = await getStudyArea(t.db, 'callao');
    const { grid } = gridForArea(area);
    const [p] = await t.db.query<{ x: number; y: number }>(
      "select x, y from incidents where source = 'prueba-publica' limit 1",
    );
    const address = cellOf(grid, p?.x as number, p?.y as number);
    expect(before.top).not.toBe(address);
    expect(after.top).toBe(address);
    expect(after.eventsUsed).toBe((before.eventsUsed as number) + 60);
    expect(after.persistence).not.toEqual(before.persistence);
    expect(after.backtest.events).not.toEqual(before.backtest.events);
    const series = (x: typeof before) =>
      x.sparkline.series.find((s) => s.district === null)?.points.reduce((a, q) => a + (q.count ?? 0), 0) ??
      0;
    expect(series(after)).toBe(series(before) + 60);
    expect(total(after.exact.stats)).toBe(total(before.exact.stats) + 60);
  });
});

/**
 * Why a cell is high, on both stores: a constructed case where one cell is high from its history
 * (two incidents a month all year, none in the last week) and another from a burst (five incidents
 * in the last five days, nothing before), with rows that must not count (restricted, after the
 * cutoff, known only after the cutoff) next to the burst.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../core/errors.ts';
import { cellCenter, type GridSpec } from '../core/grid.ts';
import { createRiskSurface } from '../core/risk-surface.ts';
import { gridForArea } from '../geo/area-grid.ts';
import { saveForecast } from '../storage/forecasts.ts';
import { BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import { getStudyArea } from './areas.ts';
import { cellWhy } from './cell-why.ts';

const DAY = 86_400_000;
/** The forecast's data cutoff: 2025-03-10 00:00 in Lima. */
const CUTOFF = Date.parse('2025-03-10T05:00:00Z');

describe.each(BACKENDS)('why a cell is high, on %s', (backend) => {
  let t: TestDb;
  let grid: GridSpec;
  let forecastId: number;
  let habitual: number;
  let burst: number;
  let low: number;
  let ids = 0;

  /** Incidents in `cell` at the given instants (ms); `known` defaults to the occurrence. */
  const put = async (cell: number, at: number[], o: { restricted?: boolean; known?: number } = {}) => {
    const xy = cellCenter(grid, cell);
    for (const when of at)
      await t.db.query(
        `insert into incidents (source, external_id, study_area, batch_id, occurred_at, reported_at, time_precision,
           lat, lon, x, y, geo_quality, category, restricted, channel)
         values ('prueba', $1, 'callao', 0, $2, $3, 'exact', -12.05, -77.1, $4, $5, 'exact', 'robo', $6, 'reported')`,
        [`w-${++ids}`, new Date(when), new Date(o.known ?? when), xy[0], xy[1], o.restricted ?? false],
      );
  };

  beforeAll(async () => {
    t = await createTestDb(backend);
    const area = await getStudyArea(t.db, 'callao');
    let mask: Uint8Array;
    ({ grid, mask } = gridForArea(area, { cellSize: 500 }));
    const valid = [...mask.keys()].filter((c) => mask[c] === 1);
    habitual = valid[Math.floor(valid.length / 3)] as number;
    burst = valid[Math.floor((2 * valid.length) / 3)] as number;
    low = valid[0] as number;
    const values = Array.from(mask, (m, c) =>
      m !== 1 ? 0 : c === habitual ? 2.0 : c === burst ? 1.5 : c === low ? 0 : 0.01 + (c % 7) * 0.001,
    );
    forecastId = await saveForecast(t.db, {
      area: 'callao',
      group: 'property',
      horizon: 'turno',
      turno: 'noche',
      targetDay: '2025-03-10',
      windowStart: new Date(CUTOFF + 18 * 3_600_000),
      windowEnd: new Date(CUTOFF + 24 * 3_600_000),
      modelKind: 'naive-counts',
      modelConfig: {},
      dataCutoff: new Date(CUTOFF),
      eventsUsed: 30,
      surface: createRiskSurface(grid, values, mask),
    });
    // History: 24 incidents, one every 15 days from 10 to 355 days before the cutoff.
    await put(
      habitual,
      Array.from({ length: 24 }, (_, i) => CUTOFF - (10 + 15 * i) * DAY),
    );
    // Burst: 5 incidents in the last 5 days; and, around it, what must not count.
    await put(
      burst,
      Array.from({ length: 5 }, (_, i) => CUTOFF - (i + 1) * DAY + 3_600_000),
    );
    await put(burst + 1, [CUTOFF - 2 * DAY], { restricted: true });
    await put(burst, [CUTOFF + 3_600_000]); // after the cutoff
    await put(burst, [CUTOFF - DAY], { known: CUTOFF + DAY }); // reported only after the cutoff
    await put(burst, [CUTOFF - 400 * DAY]); // more than a year before
  }, 120_000);

  afterAll(async () => {
    await t?.drop();
  });

  it('reads the cell high from its history as its usual level', async () => {
    const why = await cellWhy(t.db, forecastId, habitual);
    expect(why).toMatchObject({
      forecastId,
      cell: habitual,
      modelKind: 'naive-counts',
      windowHours: 6,
      rank: 1,
      percentile: 100,
      background: { lastYear: 24, rank: 1, percentile: 100 },
      recent: { last7Days: 0, last30Days: 2 },
      components: null,
      reading: 'habitual',
    });
    // 24 a year, as an average per 6-hour window.
    expect(why.background.perWindow).toBeCloseTo((24 * 6) / (365 * 24), 10);
    expect(why.text).toBe(
      'Alto sobre todo por su nivel habitual: 24 hechos en el último año, 0.016 por turno en promedio',
    );
  });

  it('reads the cell high from a burst as recent events, counting only what the forecast could know', async () => {
    const why = await cellWhy(t.db, forecastId, burst);
    expect(why).toMatchObject({
      rank: 2,
      background: { lastYear: 5 },
      recent: { last7Days: 5, last30Days: 5, usual7Days: 0 },
      reading: 'recent',
      text: 'Alto por hechos recientes: 5 en los últimos 7 días alrededor',
    });
  });

  it('says when a cell is not among the high ones, and refuses unknown forecasts and cells', async () => {
    const why = await cellWhy(t.db, forecastId, low);
    expect(why.reading).toBe('not-high');
    expect(why.text).toMatch(/^No está entre las celdas altas del área \(percentil /);
    await expect(cellWhy(t.db, forecastId + 999, habitual)).rejects.toThrow(NotFoundError);
    const outside = grid.cols * grid.rows + 5;
    await expect(cellWhy(t.db, forecastId, outside)).rejects.toThrow(ValidationError);
  });
});

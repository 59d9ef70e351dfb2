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
import { forecast } from './forecast.ts';

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
      componentsNote:
        'Este pronóstico se guardó sin la explicación del modelo; vuelva a ejecutarlo para obtenerla',
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

  /** The forecast of `model` for the 2025-03-10 turnos, stored by the real forecast service. */
  const run = async (model: string, config: unknown = {}) => {
    const out = await forecast(t.db, {
      area: 'callao',
      day: '2025-03-10',
      horizon: 'turno',
      groups: ['property'],
      model,
      config,
      cellSize: 500,
      feedbackCorrection: false,
    });
    return (out.find((f) => f.turno === 'noche') as { id: number }).id;
  };
  const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));

  it('ETAS (sepp-grid): the stored split of the value into background and triggered, and its sentence', async () => {
    const id = await run('sepp-grid');
    const why = await cellWhy(t.db, id, burst);
    const c = why.components;
    if (c?.kind !== 'etas') throw new Error(`se esperaban componentes ETAS: ${JSON.stringify(why)}`);
    expect(why.componentsNote).toBeNull();
    // The parts add up to the model's value (float64), which the stored surface holds as float32.
    expect(rel(c.background + c.triggered, c.value)).toBeLessThanOrEqual(1e-9);
    expect(rel(c.value, why.expected)).toBeLessThan(1e-6);
    expect(c.backgroundShare).toBeCloseTo(c.background / c.value, 12);
    const bg = Math.round(100 * c.backgroundShare);
    expect(why.text).toContain(
      `. El ${bg} % del valor es nivel de fondo; el ${100 - bg} % lo disparan hechos recientes cercanos.`,
    );
    // The burst's last event is a day before the cutoff: part of the value is triggered, while
    // the habitual cell's newest event is 10 days old: almost all of its value is background.
    expect(c.triggered).toBeGreaterThan(0);
    const habitualWhy = await cellWhy(t.db, id, habitual);
    expect(habitualWhy.components?.kind).toBe('etas');
    expect((habitualWhy.components as { backgroundShare: number }).backgroundShare).toBeGreaterThan(
      c.backgroundShare,
    );
    // A cell with nothing forecast is not among the explained ones, and says so.
    const none = await cellWhy(t.db, id, low);
    expect(none.components).toBeNull();
    expect(none.componentsNote).toMatch(
      /^El modelo explica solo las celdas que la lista de prioridad puede mostrar/,
    );
  });

  it('boosted trees (gbt-grid): the features that push the value, on the log link, summing to it', async () => {
    const id = await run('gbt-grid', { trainDays: 28, iterations: 10, minSamplesLeaf: 5 });
    const why = await cellWhy(t.db, id, habitual);
    const c = why.components;
    if (c?.kind !== 'features') throw new Error(`se esperaban variables: ${JSON.stringify(why)}`);
    expect(c.link).toBe('log');
    expect(c.start).toBeCloseTo(Math.exp(c.base), 12);
    expect(c.contributions.length).toBeGreaterThan(0);
    expect(c.contributions.length).toBeLessThanOrEqual(8);
    const raw = c.base + c.rest + c.contributions.reduce((a, x) => a + x.value, 0);
    expect(rel(Math.exp(raw), c.value)).toBeLessThanOrEqual(1e-9);
    expect(rel(c.value, why.expected)).toBeLessThan(1e-6);
    for (const x of c.contributions) {
      expect(x.direction).toBe(x.value >= 0 ? 'up' : 'down');
      expect(x.label).not.toBe(x.feature);
    }
    const up = c.contributions.filter((x) => x.value > 0).slice(0, 2);
    const down = c.contributions.filter((x) => x.value < 0).slice(0, 1);
    expect(up.length + down.length).toBeGreaterThan(0);
    if (up.length > 0)
      expect(why.text).toContain(`. Lo que más lo sube: ${up.map((x) => x.label).join('; ')}.`);
    if (down.length > 0) expect(why.text).toContain(`Lo que más lo baja: ${down[0]?.label}.`);
  }, 120_000);

  it('a model that does not explain itself stores that, and the answer says so', async () => {
    const id = await run('naive-counts');
    const why = await cellWhy(t.db, id, habitual);
    expect(why.components).toBeNull();
    expect(why.componentsNote).toBe(
      'El modelo Conteo simple (referencia) no descompone su valor en partes; la lectura usa solo los conteos',
    );
    expect(why.text).not.toContain('Lo que más');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../core/errors.ts';
import { cellCenter } from '../core/grid.ts';
import { mulberry32 } from '../core/random.ts';
import { createRiskSurface } from '../core/risk-surface.ts';
import { gridForArea } from '../geo/area-grid.ts';
import { DEFAULT_TACTICS } from '../prevention/tactics.ts';
import { saveForecast } from '../storage/forecasts.ts';
import type { StoredPlace } from '../storage/patrol-plans.ts';
import { BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import { getStudyArea } from './areas.ts';
import type { AuditContext } from './audit.ts';
import { getPatrolPlan, listPatrolPlans, makePatrolPlan } from './patrol-plans.ts';
import { OSM_ATTRIBUTION } from './places.ts';

const actor: AuditContext = { actor: 'cli:planner', role: null, ip: null, requestId: null };
const DAY = '2025-03-10';

describe.each(BACKENDS)('stored patrol plans on %s', (backend) => {
  let t: TestDb;
  /** Stores (or replaces, like a forecast re-run) the noche forecast of DAY on a 500 m Callao grid. */
  let storeForecast: (seed: number, model?: string) => Promise<number>;
  const auditRows = async () =>
    (
      await t.db.query<{ n: number }>(
        `select count(*)::int as n from audit_log where action = 'patrol-plan.create'`,
      )
    )[0]?.n;

  beforeAll(async () => {
    t = await createTestDb(backend);
    const area = await getStudyArea(t.db, 'callao');
    const { grid, mask } = gridForArea(area, { cellSize: 500 });
    storeForecast = (seed, model = 'naive-counts') => {
      const rand = mulberry32(seed);
      const values = Array.from(mask, (m) => (m === 1 ? rand() ** 3 : 0));
      const start = new Date(`${DAY}T23:00:00Z`); // 18:00 in Lima
      return saveForecast(t.db, {
        area: 'callao',
        group: 'all',
        horizon: 'turno',
        turno: 'noche',
        targetDay: DAY,
        windowStart: start,
        windowEnd: new Date(start.getTime() + 6 * 3_600_000),
        modelKind: model,
        modelConfig: { trainingWindowDays: 365 },
        dataCutoff: new Date(`${DAY}T05:00:00Z`),
        eventsUsed: 100,
        surface: createRiskSurface(grid, values, mask),
      });
    };
    await storeForecast(1);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('plans from the stored forecast: units spread over districts, areas in one district, named, dosage attached, audited once; a re-run returns the stored plan', async () => {
    const before = await auditRows();
    const { plan, duplicate } = await makePatrolPlan(t.db, {
      area: 'callao',
      turno: 'Noche',
      units: 12,
      actor,
    });
    expect(duplicate).toBe(false);
    expect(plan).toMatchObject({ area: 'callao', day: DAY, turno: 'noche', group: 'all', version: 1 });
    expect(plan.modelKind).toBe('naive-counts');
    expect(plan.modelConfig).toEqual({ trainingWindowDays: 365 });
    expect(plan.createdBy).toBe('cli:planner');
    const units = Object.values(plan.settings.unitsBySector);
    expect(units.reduce((a, b) => a + b, 0)).toBe(12);
    expect(Object.keys(plan.settings.unitsBySector)).toHaveLength(7); // Callao's districts
    expect(plan.settings).toMatchObject({ unitsFrom: 'spread', maxCells: 4 });
    expect(plan.settings.dosage).toEqual({
      minutesPerVisit: 15,
      pauseMinutes: 60,
      turnoMinutes: 360,
      visits: 5,
    });
    expect(plan.areas.length).toBeGreaterThan(0);
    expect(plan.areas.length).toBeLessThanOrEqual(12);
    const area = await getStudyArea(t.db, 'callao');
    for (const [i, a] of plan.areas.entries()) {
      expect(a.order).toBe(i + 1);
      expect(a.cells.length).toBeGreaterThanOrEqual(1);
      expect(a.cells.length).toBeLessThanOrEqual(4);
      expect(a.name).toBe(area.def.districts.find((d) => d.code === a.code)?.name);
      if (i > 0) expect(a.expected).toBeLessThanOrEqual(plan.areas[i - 1]?.expected as number);
    }
    for (const s of plan.sectors) {
      expect(s.units).toBe(plan.settings.unitsBySector[s.code]);
      expect(s.areas).toBe(plan.areas.filter((a) => a.code === s.code).length);
      expect(s.areas).toBeLessThanOrEqual(s.units);
    }
    // More units go where more crime is expected.
    const byExpected = [...plan.sectors].sort((a, b) => b.expectedTotal - a.expectedTotal);
    expect(byExpected[0]?.units).toBeGreaterThanOrEqual(byExpected.at(-1)?.units as number);
    expect(plan.expectedCovered).toBeCloseTo(
      plan.areas.reduce((a, b) => a + b.expected, 0),
      9,
    );
    expect(await auditRows()).toBe((before as number) + 1);

    const again = await makePatrolPlan(t.db, { area: 'callao', turno: 'noche', units: 12, day: DAY, actor });
    expect(again.duplicate).toBe(true);
    expect(again.plan.id).toBe(plan.id);
    expect(again.plan.version).toBe(1);
    expect(await listPatrolPlans(t.db, { area: 'callao', turno: 'noche' })).toHaveLength(1);
    expect(await auditRows()).toBe((before as number) + 1);
    expect((await getPatrolPlan(t.db, plan.id)).areas).toEqual(plan.areas);
  });

  it('gives a new version for other settings and for a new forecast (a re-run replaces it in place)', async () => {
    const first = (await makePatrolPlan(t.db, { area: 'callao', turno: 'noche', units: 12, actor })).plan;
    const capped = await makePatrolPlan(t.db, {
      area: 'callao',
      turno: 'noche',
      units: 12,
      maxCells: 2,
      actor,
    });
    expect(capped.duplicate).toBe(false);
    expect(capped.plan.version).toBe(first.version + 1);
    expect(capped.plan.areas.every((a) => a.cells.length <= 2)).toBe(true);
    const dosed = await makePatrolPlan(t.db, {
      area: 'callao',
      turno: 'noche',
      units: 12,
      dosage: { minutesPerVisit: 30 },
      actor,
    });
    expect(dosed.plan.version).toBe(first.version + 2);
    expect(dosed.plan.settings.dosage.visits).toBe(4); // 4 × 30 + 3 × 60 = 300 ≤ 360; 5 would need 390
    // The forecast re-run: same id, new creation time and surface.
    const id = await storeForecast(2);
    expect(id).toBe(first.forecastId);
    const renewed = await makePatrolPlan(t.db, { area: 'callao', turno: 'noche', units: 12, actor });
    expect(renewed.duplicate).toBe(false);
    expect(renewed.plan.version).toBe(first.version + 3);
    expect(renewed.plan.forecastCreatedAt.getTime()).toBeGreaterThan(first.forecastCreatedAt.getTime());
    // Another model's forecast for the same turno is newer: the next plan comes from it.
    const other = await storeForecast(3, 'sepp-grid');
    const fromOther = await makePatrolPlan(t.db, { area: 'callao', turno: 'noche', units: 12, actor });
    expect(fromOther.plan).toMatchObject({
      forecastId: other,
      modelKind: 'sepp-grid',
      version: first.version + 4,
    });
    const versions = (await listPatrolPlans(t.db, { area: 'callao', day: DAY })).map((p) => p.version);
    expect(versions).toEqual([5, 4, 3, 2, 1]);
    const [n] = await t.db.query<{ n: number }>('select count(*)::int as n from patrol_plans');
    expect(n?.n).toBe(5);
    const [audited] = await t.db.query<{ n: number }>(
      `select count(*)::int as n from audit_log where action = 'patrol-plan.create'`,
    );
    expect(audited?.n).toBe(5); // one audit row per stored plan
  });

  it('honours units per district: only the named districts get areas', async () => {
    const { plan } = await makePatrolPlan(t.db, {
      area: 'callao',
      turno: 'noche',
      unitsBySector: { '070101': 3, '070106': 1 },
      actor,
    });
    expect(plan.settings.unitsFrom).toBe('given');
    expect(plan.settings.unitsBySector).toMatchObject({ '070101': 3, '070106': 1, '070102': 0 });
    expect(new Set(plan.areas.map((a) => a.code))).toEqual(new Set(['070101', '070106']));
    expect(plan.areas.filter((a) => a.code === '070101').length).toBeLessThanOrEqual(3);
    // The same units with a matching total: the same settings, the stored plan.
    const same = await makePatrolPlan(t.db, {
      area: 'callao',
      turno: 'noche',
      units: 4,
      unitsBySector: { '070101': 3, '070106': 1 },
      actor,
    });
    expect(same.duplicate).toBe(true);
    expect(same.plan.id).toBe(plan.id);
  });

  it('refuses bad requests with Spanish errors naming the option', async () => {
    const fails = async (
      req: Partial<Parameters<typeof makePatrolPlan>[1]>,
      type: unknown,
      field: string | null,
      text: RegExp,
    ) => {
      const err = await makePatrolPlan(t.db, {
        area: 'callao',
        turno: 'noche',
        units: 5,
        actor,
        ...req,
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(type as never);
      if (field) expect((err as ValidationError).field).toBe(field);
      expect((err as Error).message).toMatch(text);
    };
    const [before] = await t.db.query<{ n: number }>('select count(*)::int as n from patrol_plans');
    await fails({ turno: 'siesta' }, ValidationError, '--turno', /turno desconocido "siesta".*madrugada/);
    await fails({ group: 'piracy' }, ValidationError, '--group', /grupo desconocido "piracy"/);
    await fails({ day: '2025-02-30' }, ValidationError, '--day', /fecha inválida/);
    await fails(
      { day: '2025-03-11' },
      NotFoundError,
      null,
      /No hay pronóstico .*turno noche, para el 11\/03\/2025 .*vigia forecast --area callao --day 2025-03-11 --groups all/,
    );
    await fails({ turno: 'mañana' }, NotFoundError, null, /turno mañana.*vigia forecast/);
    await fails(
      { unitsBySector: { '999999': 2 } },
      ValidationError,
      '--units-by',
      /"999999" no es un sector .*070101/,
    );
    await fails({ unitsBySector: { '070101': -1 } }, ValidationError, '--units-by', /070101.*entero/);
    await fails({ units: 5, unitsBySector: { '070101': 2 } }, ValidationError, '--units', /no coincide/);
    await fails({ units: 2.5 }, ValidationError, '--units', /se recibió 2.5/);
    await fails({ units: undefined }, ValidationError, '--units', /indique las unidades/);
    await fails({ maxCells: 12 }, ValidationError, '--max-cells', /entre 1 y 9/);
    await fails({ dosage: { minutesPerVisit: 0 } }, ValidationError, '--visit-minutes', /minutos por visita/);
    await fails({ area: 'atlantis' }, NotFoundError, null, /atlantis/);
    const [after] = await t.db.query<{ n: number }>('select count(*)::int as n from patrol_plans');
    expect(after?.n).toBe(before?.n); // nothing stored
    await expect(getPatrolPlan(t.db, 999_999)).rejects.toThrow(/No existe el plan de patrullaje 999999/);
  });

  it('names every area (district, nearest streets, landmark, how to get there) and attaches the tactics of its group', async () => {
    const { plan } = await makePatrolPlan(t.db, {
      area: 'callao',
      turno: 'noche',
      units: 30,
      maxCells: 3,
      actor,
    });
    const area = await getStudyArea(t.db, 'callao');
    const centre = new Float64Array(2);
    for (const a of plan.areas) {
      const place = a.place as StoredPlace;
      expect(place.district).toBe(a.name);
      expect(place.label.startsWith(a.name)).toBe(true);
      // The link leads to the centre of the area's cells.
      let x = 0;
      let y = 0;
      for (const c of a.cells) {
        cellCenter(plan.grid, c, centre);
        x += (centre[0] as number) / a.cells.length;
        y += (centre[1] as number) / a.cells.length;
      }
      const [lon, lat] = area.projection.inverse(x, y);
      expect(place.lat).toBeCloseTo(lat, 5);
      expect(place.lon).toBeCloseTo(lon, 5);
      expect(place.directionsUrl).toBe(
        `https://www.google.com/maps/dir/?api=1&destination=${place.lat},${place.lon}`,
      );
      const named = place.streets.length > 0 || place.landmark !== null;
      expect(place.attribution).toBe(named ? OSM_ATTRIBUTION : null);
      if (place.streets.length > 0) expect(place.label).toContain(` — ${place.streets.join(' / ')}`);
      expect(a.tactics).toEqual(DEFAULT_TACTICS.all);
    }
    // Callao's layer covers the south, the east and central Ventanilla (almost nothing in the north):
    // with risk spread at random over the province, a good part of the areas get street names.
    const withStreets = plan.areas.filter((a) => (a.place?.streets.length ?? 0) > 0);
    expect(withStreets.length).toBeGreaterThanOrEqual(plan.areas.length / 4);
    expect(plan.settings.tactics).toEqual(DEFAULT_TACTICS.all);
    expect((await getPatrolPlan(t.db, plan.id)).areas).toEqual(plan.areas); // kept in the stored JSON

    // Another tactics table is other settings: a new version with the new tactics on every area.
    const mine = [{ code: 'patrulla-mixta', text: 'Patrullaje mixto con el serenazgo' }];
    const again = await makePatrolPlan(
      t.db,
      { area: 'callao', turno: 'noche', units: 30, maxCells: 3, actor },
      { tactics: { ...DEFAULT_TACTICS, all: mine } },
    );
    expect(again.duplicate).toBe(false);
    expect(again.plan.version).toBe(plan.version + 1);
    expect(again.plan.areas.map((a) => a.cells)).toEqual(plan.areas.map((a) => a.cells));
    for (const a of again.plan.areas) expect(a.tactics).toEqual(mine);
    const same = await makePatrolPlan(
      t.db,
      { area: 'callao', turno: 'noche', units: 30, maxCells: 3, actor },
      { tactics: { ...DEFAULT_TACTICS, all: mine } },
    );
    expect(same.duplicate).toBe(true);
  });
});

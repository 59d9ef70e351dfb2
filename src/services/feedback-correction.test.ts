import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../core/access.ts';
import { cellCenter } from '../core/grid.ts';
import { createRiskSurface } from '../core/risk-surface.ts';
import { gridForArea } from '../geo/area-grid.ts';
import { getForecast, saveForecast } from '../storage/forecasts.ts';
import { BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import { geoRow, limaMs, tempFile, toCsv } from '../test/fixtures.ts';
import { changeUser, createUser } from './accounts.ts';
import { getStudyArea } from './areas.ts';
import type { AuditContext } from './audit.ts';
import { forecast } from './forecast.ts';
import { ingestFile } from './ingest.ts';
import { recordPatrolLog } from './patrol-logs.ts';
import { makePatrolPlan } from './patrol-plans.ts';
import { train } from './training.ts';

const actor: AuditContext = { actor: 'cli:test', role: null, ip: null, requestId: null };
const CELL = 500;
const PLAN_DAYS = ['2024-03-01', '2024-03-29'];
const DAY = '2024-04-01';
/** True crimes per cell; a share is reported by the public, the rest is found only by patrols. */
const TRUE_CRIMES = 600;
const REPORTED = 0.3;
const DISCOVERY = 0.8;
/** Patrol minutes in cell A and B (shares 0.9 and 0.1). */
const MINUTES = { A: 270, B: 30 };

describe.each(BACKENDS)('the feedback-loop correction in retraining on %s', (backend) => {
  let t: TestDb;
  let cellA = -1;
  let cellB = -1;
  /** The noche surface of `forecast` at cells A and B, with the stored surface bytes and config. */
  const run = async (feedbackCorrection?: boolean) => {
    const [f] = (
      await forecast(t.db, {
        area: 'callao',
        day: DAY,
        horizon: 'turno',
        groups: ['all'],
        model: 'naive-counts',
        cellSize: CELL,
        ...(feedbackCorrection === undefined ? {} : { feedbackCorrection }),
      })
    ).filter((s) => s.turno === 'noche');
    const stored = await getForecast(t.db, f?.id as number);
    const values = stored?.surface.values as Float64Array;
    return {
      summary: f,
      a: values[cellA] as number,
      b: values[cellB] as number,
      bytes: Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64'),
      config: JSON.stringify(stored?.modelConfig),
    };
  };

  beforeAll(async () => {
    t = await createTestDb(backend);
    const area = await getStudyArea(t.db, 'callao');
    const { grid, mask, districtOfCell } = gridForArea(area, { cellSize: CELL });
    const cercado = area.def.districts.findIndex((d) => d.code === '070101');
    const cells = [...mask.keys()].filter((c) => mask[c] === 1 && districtOfCell[c] === cercado);
    // Two cells of Cercado far apart (never one patrol area).
    cellA = cells[Math.floor(cells.length / 4)] as number;
    cellB = cells[Math.floor((3 * cells.length) / 4)] as number;
    // Equal true crimes in A and B; discovered ones in proportion to each cell's patrol presence.
    const rows: Record<string, string>[] = [];
    const share = { A: 0.9, B: 0.1 };
    for (const [name, cell] of [
      ['A', cellA],
      ['B', cellB],
    ] as const) {
      const [x, y] = cellCenter(grid, cell, [0, 0]) as [number, number];
      const [lon, lat] = area.projection.inverse(x, y);
      const reported = Math.round(TRUE_CRIMES * REPORTED);
      const discovered = Math.round(TRUE_CRIMES * (1 - REPORTED) * DISCOVERY * share[name]);
      for (let i = 0; i < reported + discovered; i++) {
        const at = limaMs(2024, 3, 2 + (i % 27), 19, i % 60);
        rows.push(
          geoRow(rows.length + 1, {
            fecha_hora_hecho: String(at),
            fecha_hora_registro_hecho: String(at + 3_600_000),
            lat_hecho: lat.toFixed(6),
            long_hecho: lon.toFixed(6),
            ...(i < reported ? {} : { modalidad_hecho: 'INTERVENCION POLICIAL' }),
          }),
        );
      }
    }
    const file = tempFile(`feedback-${backend}.csv`, toCsv(rows));
    await ingestFile(t.db, { file, adapter: 'sidpol-geo', area: 'callao', now: Date.UTC(2026, 0, 1) });
    // Forecasts to plan from (risk only in A and B), stored as the forecast service would.
    const values = Array.from(mask, (_, c) => (c === cellA ? 2 : c === cellB ? 1 : 0));
    for (const day of PLAN_DAYS) {
      const start = new Date(`${day}T23:00:00Z`);
      await saveForecast(t.db, {
        area: 'callao',
        group: 'all',
        horizon: 'turno',
        turno: 'noche',
        targetDay: day,
        windowStart: start,
        windowEnd: new Date(start.getTime() + 6 * 3_600_000),
        modelKind: 'naive-counts',
        modelConfig: {},
        dataCutoff: new Date(`${day}T05:00:00Z`),
        eventsUsed: 10,
        surface: createRiskSurface(grid, values, mask),
      });
    }
  });
  afterAll(async () => {
    await t.drop();
  });

  it('without patrol logs nothing changes: the forecast is byte-identical to one without the correction', async () => {
    const off = await run(false);
    const plain = await run();
    expect(plain.summary?.feedbackCorrection).toBeNull();
    expect(plain.bytes).toBe(off.bytes);
    expect(plain.config).toBe(off.config);
    // Plans without any completed visit are no patrol log either.
    for (const day of PLAN_DAYS)
      await makePatrolPlan(t.db, {
        area: 'callao',
        day,
        turno: 'noche',
        unitsBySector: { '070101': 2 },
        maxCells: 1,
        actor,
      });
    const planned = await run();
    expect(planned.summary?.feedbackCorrection).toBeNull();
    expect(planned.bytes).toBe(off.bytes);
    expect(planned.config).toBe(off.config);
  });

  it('thins discovered incidents by patrol presence: the patrolled cell is no riskier than the other; without it, it is', async () => {
    const user = await createUser(
      t.db,
      { username: 'agente', role: 'officer', password: 'clave-larga-123' },
      actor,
    );
    await changeUser(t.db, user.id, { sector: { area: 'callao', code: '070101' } }, actor);
    const officer: Principal = {
      userId: user.id,
      username: 'agente',
      role: 'officer',
      scopes: ['read'],
      via: 'token',
    };
    const [plan] = (
      await Promise.all(
        PLAN_DAYS.map((day) =>
          makePatrolPlan(t.db, {
            area: 'callao',
            day,
            turno: 'noche',
            unitsBySector: { '070101': 2 },
            maxCells: 1,
            actor,
          }),
        ),
      )
    ).map((r) => r.plan);
    const orderOf = (cell: number) => plan?.areas.find((a) => a.cells.includes(cell))?.order as number;
    let at = new Date('2024-03-01T23:00:00Z').getTime(); // 18:00 in Lima
    let n = 0;
    const uuid = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
    for (const [cell, minutes] of [
      [cellA, MINUTES.A],
      [cellB, MINUTES.B],
    ] as const) {
      const inId = uuid();
      const common = { planId: plan?.id as number, areaOrder: orderOf(cell) };
      await recordPatrolLog(
        t.db,
        officer,
        { id: inId, kind: 'check-in', ...common, at: new Date(at) },
        actor,
      );
      at += minutes * 60_000;
      await recordPatrolLog(
        t.db,
        officer,
        { id: uuid(), kind: 'check-out', ...common, checkIn: inId, at: new Date(at), report: 'sin novedad' },
        actor,
      );
      at += 60_000;
    }

    const without = await run(false);
    const corrected = await run();
    expect(without.a / without.b).toBeGreaterThan(1.8);
    expect(Math.abs(corrected.a / corrected.b - 1)).toBeLessThan(0.1);
    const c = corrected.summary?.feedbackCorrection;
    const discoveredA = Math.round(TRUE_CRIMES * (1 - REPORTED) * DISCOVERY * 0.9);
    const discoveredB = Math.round(TRUE_CRIMES * (1 - REPORTED) * DISCOVERY * 0.1);
    expect(c).toMatchObject({ from: PLAN_DAYS[0], to: PLAN_DAYS[1], plans: 2, visits: 2, seed: 1 });
    expect(c?.discovered).toBe(discoveredA + discoveredB);
    expect(c?.dropped).toBeGreaterThan(discoveredA * 0.7);
    expect(JSON.parse(corrected.config).feedbackCorrection).toEqual(c);
    // The same correction again gives the same forecast (seeded).
    expect((await run()).bytes).toBe(corrected.bytes);

    // Training records it in the model's metadata; turned off, nothing is recorded.
    const trained = await train(t.db, {
      area: 'callao',
      group: 'all',
      model: 'naive-counts',
      until: DAY,
      cellSize: CELL,
      audit: actor,
    });
    expect(trained.feedbackCorrection).toEqual(c);
    expect((trained.model.config as { feedbackCorrection?: unknown }).feedbackCorrection).toEqual(c);
    expect(trained.model.eventsUsed).toBe(
      2 * TRUE_CRIMES * REPORTED + discoveredA + discoveredB - (c?.dropped ?? 0),
    );
    const off = await train(t.db, {
      area: 'callao',
      group: 'all',
      model: 'naive-counts',
      until: DAY,
      cellSize: CELL,
      feedbackCorrection: false,
      audit: actor,
    });
    expect(off.feedbackCorrection).toBeNull();
    expect(off.model.eventsUsed).toBe(2 * TRUE_CRIMES * REPORTED + discoveredA + discoveredB);
  });
});

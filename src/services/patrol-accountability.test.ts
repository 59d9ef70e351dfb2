/**
 * The patrol accountability report, the scenario curve and the measured effect on both stores,
 * through the real services: forecasts stored, plans made with makePatrolPlan, visits recorded with
 * recordPatrolLog by officers of each district, incidents written to the store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../core/access.ts';
import { NotFoundError, ValidationError } from '../core/errors.ts';
import { cellCenter, type GridSpec } from '../core/grid.ts';
import { mulberry32 } from '../core/random.ts';
import { createRiskSurface } from '../core/risk-surface.ts';
import { gridForArea } from '../geo/area-grid.ts';
import { saveForecast } from '../storage/forecasts.ts';
import { BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import { changeUser, createUser } from './accounts.ts';
import { getStudyArea } from './areas.ts';
import type { AuditContext } from './audit.ts';
import { patrolDisparity, patrolEffect, patrolScenario } from './patrol-accountability.ts';
import { recordPatrolLog } from './patrol-logs.ts';
import { makePatrolPlan, type StoredPatrolPlan } from './patrol-plans.ts';

const ctx: AuditContext = { actor: 'test', role: null, ip: null, requestId: null };
/** Random risk (disparity, scenario) and uniform risk (the effect's constructed case). */
const DAY = '2025-03-10';
const DAY2 = '2025-03-12';
let ids = 0;
const uuid = (): string => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`;
const at = (day: string, minutes: number): Date =>
  new Date(new Date(`${day}T19:00:00-05:00`).getTime() + minutes * 60_000);

describe.each(BACKENDS)('patrol accountability on %s', (backend) => {
  let t: TestDb;
  let grid: GridSpec;
  let mask: Uint8Array;
  let plan: StoredPatrolPlan;
  /** One officer per district code. */
  const officers = new Map<string, Principal>();

  const storeForecast = (day: string, values: number[]) => {
    const start = new Date(`${day}T23:00:00Z`); // 18:00 in Lima
    return saveForecast(t.db, {
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
      eventsUsed: 100,
      surface: createRiskSurface(grid, values, mask),
    });
  };
  const officer = async (code: string): Promise<Principal> => {
    const known = officers.get(code);
    if (known) return known;
    const u = await createUser(
      t.db,
      { username: `of-${code}`, role: 'officer', password: 'clave-larga-de-prueba' },
      ctx,
    );
    await changeUser(t.db, u.id, { sector: { area: 'callao', code } }, ctx);
    const p: Principal = {
      userId: u.id,
      username: u.username,
      role: 'officer',
      scopes: ['read'],
      via: 'token',
    };
    officers.set(code, p);
    return p;
  };
  /** A completed visit of `minutes` to the plan's area, starting `offset` minutes after 19:00. */
  const visit = async (p: StoredPatrolPlan, order: number, offset: number, minutes: number) => {
    const area = p.areas.find((a) => a.order === order);
    if (!area) throw new Error(`no area ${order}`);
    const who = await officer(area.code);
    const id = uuid();
    await recordPatrolLog(
      t.db,
      who,
      { id, kind: 'check-in', planId: p.id, areaOrder: order, at: at(p.day, offset) },
      ctx,
    );
    await recordPatrolLog(
      t.db,
      who,
      {
        id: uuid(),
        kind: 'check-out',
        planId: p.id,
        areaOrder: order,
        checkIn: id,
        at: at(p.day, offset + minutes),
        report: 'sin novedad',
      },
      ctx,
    );
  };
  /** Incidents in a cell at 20:00 local of `day` (noche), straight into the store. */
  const incidents = async (
    rows: { cell: number; n: number; district?: string; channel?: string; turno?: string }[],
    day: string,
  ) => {
    const xy = new Float64Array(2);
    const values: unknown[][] = [];
    for (const r of rows)
      for (let i = 0; i < r.n; i++) {
        cellCenter(grid, r.cell, xy);
        values.push([
          `t-${++ids}`,
          xy[0],
          xy[1],
          r.district ?? null,
          r.channel ?? 'reported',
          r.turno ?? 'noche',
        ]);
      }
    await t.db.query(
      `insert into incidents (source, external_id, study_area, batch_id, occurred_at, time_precision, lat, lon, x, y,
         geo_quality, district_code, category, turno, channel, restricted)
       select 'prueba', v.id, 'callao', 0, $1::timestamptz, 'exact', -12.05, -77.1, v.x, v.y, 'exact', v.d, 'robo', v.t, v.c, false
       from unnest($2::text[], $3::float8[], $4::float8[], $5::text[], $6::text[], $7::text[]) as v(id, x, y, d, c, t)`,
      [
        at(day, 60),
        values.map((v) => v[0]),
        values.map((v) => v[1]),
        values.map((v) => v[2]),
        values.map((v) => v[3]),
        values.map((v) => v[4]),
        values.map((v) => v[5]),
      ],
    );
  };

  beforeAll(async () => {
    t = await createTestDb(backend);
    const area = await getStudyArea(t.db, 'callao');
    ({ grid, mask } = gridForArea(area, { cellSize: 500 }));
    const rand = mulberry32(3);
    await storeForecast(
      DAY,
      Array.from(mask, (m) => (m === 1 ? rand() ** 3 : 0)),
    );
    await storeForecast(
      DAY2,
      Array.from(mask, (m) => (m === 1 ? 0.01 : 0)),
    );
    ({ plan } = await makePatrolPlan(t.db, {
      area: 'callao',
      day: DAY,
      turno: 'noche',
      units: 30,
      actor: ctx,
    }));
  });
  afterAll(async () => {
    await t.drop();
  });

  it('disparity: shares sum to 1 per turno; no flag while patrol follows risk and reported crime, a flag on a constructed divergence; discovered incidents never counted', async () => {
    const riskTotal = plan.sectors.reduce((s, x) => s + x.expectedTotal, 0);
    const risk = new Map(plan.sectors.map((s) => [s.code, s.expectedTotal / riskTotal]));
    // Patrol minutes and reported crimes in proportion to each district's risk.
    let offset = 0;
    for (const [code, share] of risk) {
      const area = plan.areas.find((a) => a.code === code);
      const minutes = Math.round(600 * share);
      if (area && minutes > 0) await visit(plan, area.order, offset, minutes);
      offset += 1;
      const n = Math.round(100 * share);
      if (n > 0) await incidents([{ cell: mask.indexOf(1), n, district: code }], DAY);
    }
    const lowest = [...risk]
      .filter(([code]) => plan.areas.some((a) => a.code === code))
      .sort((a, b) => a[1] - b[1])[0] as [string, number];
    // Discovered incidents in the least risky district, and a reported one in another turno.
    await incidents([{ cell: mask.indexOf(1), n: 50, district: lowest[0], channel: 'discovered' }], DAY);
    await incidents([{ cell: mask.indexOf(1), n: 1, district: lowest[0], turno: 'tarde' }], DAY);

    const before = await patrolDisparity(t.db, { area: 'callao', from: DAY, to: DAY }, 'full', ctx);
    const noche = before.turnos.find((x) => x.turno === 'noche');
    if (!noche) throw new Error('no noche');
    for (const key of ['patrolShare', 'plannedShare', 'riskShare', 'reportedShare'] as const)
      expect(
        noche.districts.reduce((s, d) => s + (d[key] ?? 0), 0),
        key,
      ).toBeCloseTo(1, 9);
    expect(noche.plans).toBe(1);
    expect(noche.forecastDays).toBe(1);
    expect(noche.reported).toBe([...risk.values()].reduce((s, x) => s + Math.round(100 * x), 0));
    expect(before.turnos.find((x) => x.turno === 'tarde')?.reported).toBe(1);
    expect(before.flagged).toBe(0);
    expect(before.rule.text).toMatch(/fuera de \[0.67; 1.5\]/);
    expect(before.note).toMatch(/descubiertos por el patrullaje/);

    // The least risky district gets as much patrol as all the others together: flagged.
    const area = plan.areas.find((a) => a.code === lowest[0]) as StoredPatrolPlan['areas'][number];
    await visit(plan, area.order, 1000, 600);
    const after = await patrolDisparity(t.db, { area: 'callao', from: DAY, to: DAY }, 'full', ctx);
    const d = after.turnos.find((x) => x.turno === 'noche')?.districts.find((x) => x.code === lowest[0]);
    expect(d?.flags.map((f) => f.against).sort()).toEqual(['denuncias', 'riesgo']);
    expect(d?.flags[0]?.text).toMatch(/del tiempo de patrullaje/);
    expect(d?.patrolShare).toBeGreaterThan(0.5);
    // Audited, each read.
    const [row] = await t.db.query<{ n: number }>(
      `select count(*)::int as n from audit_log where action = 'patrol-disparity.read'`,
    );
    expect(row?.n).toBe(2);
  });

  it('scenario: curves non-decreasing, ≤ 1, marginal gains; the total at the plan’s units equals the stored plan (planPatrols)', async () => {
    const s = await patrolScenario(t.db, { area: 'callao', turno: 'noche', day: DAY, maxUnits: 30 }, ctx);
    expect(s.current?.planId).toBe(plan.id);
    expect(s.districts).toHaveLength(7);
    for (const curve of [s.total.curve, ...s.districts.map((d) => d.curve)]) {
      expect(curve).toHaveLength(31);
      expect(curve[0]?.expectedCovered).toBe(0);
      for (let u = 1; u < curve.length; u++) {
        const p = curve[u] as (typeof curve)[number];
        const prev = curve[u - 1] as (typeof curve)[number];
        expect(p.expectedCovered).toBeGreaterThanOrEqual(prev.expectedCovered);
        expect(p.marginal).toBeCloseTo(p.expectedCovered - prev.expectedCovered, 12);
      }
      expect((curve.at(-1) as (typeof curve)[number]).share).toBeLessThanOrEqual(1 + 1e-12);
    }
    const atPlan = s.total.curve[30];
    expect(atPlan?.unitsBySector).toEqual(plan.settings.unitsBySector);
    expect(atPlan?.expectedCovered).toBeCloseTo(plan.expectedCovered, 9);
    for (const d of s.districts) {
      const stored = plan.sectors.find((x) => x.code === d.code);
      expect(d.curve[d.currentUnits ?? 0]?.expectedCovered).toBeCloseTo(stored?.expectedCovered ?? -1, 9);
    }
  });

  it('effect: patrolled areas with half the reported crime of comparable unplanned areas give a rate ratio of 0.5 inside its interval', async () => {
    const { plan: p2 } = await makePatrolPlan(t.db, {
      area: 'callao',
      day: DAY2,
      turno: 'noche',
      units: 14,
      actor: ctx,
    });
    // One visit in the first area of every district: the patrolled areas.
    const patrolled = new Set<number>();
    const planned = new Set(p2.areas.flatMap((a) => a.cells));
    const seen = new Set<string>();
    let offset = 0;
    for (const a of p2.areas) {
      if (seen.has(a.code)) continue;
      seen.add(a.code);
      offset += 30;
      await visit(p2, a.order, offset, 20);
      for (const c of a.cells) patrolled.add(c);
    }
    // Uniform risk: every area is 4 cells; 1 reported crime per patrolled cell, 2 per unplanned cell.
    const rows: { cell: number; n: number; channel?: string }[] = [];
    for (let c = 0; c < mask.length; c++) {
      if (mask[c] !== 1) continue;
      if (patrolled.has(c)) rows.push({ cell: c, n: 1 }, { cell: c, n: 3, channel: 'discovered' });
      else if (!planned.has(c)) rows.push({ cell: c, n: 2 });
    }
    await incidents(rows, DAY2);
    const e = await patrolEffect(t.db, { area: 'callao', from: DAY2, to: DAY2 }, ctx);
    expect(e.patrolled.areas).toBe(seen.size);
    expect(e.comparable.areas).toBe(seen.size);
    expect(e.unmatched).toBe(0);
    expect(e.patrolled.crimes).toBe(4 * seen.size);
    expect(e.comparable.expected).toBeCloseTo(e.patrolled.expected, 9);
    expect(e.rateRatio).toBeCloseTo(0.5, 12);
    expect(e.interval?.[0]).toBeLessThan(0.5);
    expect(e.interval?.[1]).toBeGreaterThan(0.5);
    expect(e.note).toMatch(/observacional, no causal/);
    expect(e.note).toMatch(/regresión a la media/);
  });

  it('bad input: unknown area, from after to, a period too long, maxUnits out of range — Spanish errors naming the parameter', async () => {
    await expect(
      patrolDisparity(t.db, { area: 'no-existe', from: DAY, to: DAY }, 'full', ctx),
    ).rejects.toThrow(NotFoundError);
    const bad = async (p: Promise<unknown>, field: string, message: RegExp) => {
      const err = await p.then(
        () => null,
        (x: unknown) => x,
      );
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).field).toBe(field);
      expect((err as Error).message).toMatch(message);
    };
    await bad(
      patrolDisparity(t.db, { area: 'callao', from: DAY2, to: DAY }, 'full', ctx),
      'from',
      /posterior/,
    );
    await bad(
      patrolEffect(t.db, { area: 'callao', from: '2024-01-01', to: '2025-06-01' }, ctx),
      'to',
      /máximo es 366/,
    );
    await bad(
      patrolEffect(t.db, { area: 'callao', from: '2025-02-30', to: DAY }, ctx),
      'from',
      /fecha inválida/,
    );
    await bad(
      patrolScenario(t.db, { area: 'callao', turno: 'noche', maxUnits: 0 }, ctx),
      'maxUnits',
      /entre 1 y 200/,
    );
    await bad(
      patrolScenario(t.db, { area: 'callao', turno: 'noche', maxUnits: 201 }, ctx),
      'maxUnits',
      /entre 1 y 200/,
    );
    await bad(
      patrolScenario(t.db, { area: 'callao', turno: 'siesta', maxUnits: 3 }, ctx),
      'turno',
      /turno desconocido/,
    );
    await expect(patrolScenario(t.db, { area: 'callao', turno: 'tarde', maxUnits: 3 }, ctx)).rejects.toThrow(
      /No hay pronóstico por turno/,
    );
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GridSpec } from '../core/grid.ts';
import { createRiskSurface } from '../core/risk-surface.ts';
import { BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import { geoRow, limaMs, tempFile, toCsv } from '../test/fixtures.ts';
import { getStudyArea } from './areas.ts';
import { writeDemoCsv } from './demo.ts';
import { ingestFile } from './ingest.ts';
import { backtestPlans, type PatrolBacktestRequest, scorePatrolWindow } from './patrol-backtest.ts';

describe('scorePatrolWindow on a hand-made case', () => {
  // 2 rows × 4 columns; cells 0–3 are row 0, 4–7 row 1.
  const grid: GridSpec = { x0: 0, y0: 0, cellSize: 100, cols: 4, rows: 2, rotationDeg: 0, crs: 'EPSG:32718' };
  const mask = new Uint8Array(8).fill(1);
  const surface = createRiskSurface(grid, [5, 1, 0, 4, 0, 0, 0, 0], mask);
  const naive = createRiskSurface(grid, [0, 0, 0, 0, 0, 0, 2, 0], mask);
  // The window's crimes: 1 in cell 0, 2 in cell 1, 1 in cell 6.
  const counts = Float64Array.from([1, 2, 0, 0, 0, 0, 1, 0]);
  const base = { surface, naive, counts, total: 4, sectors: 1, units: 1, maxCells: 2 };

  it('counts crimes inside the plan, the top-k cells of the same size and the naive plan', () => {
    const w = scorePatrolWindow({ ...base, sectorOfCell: new Int16Array(8) });
    // One unit, areas of ≤ 2 cells: {0, 1} (5 + 1 = 6) beats {0} (5) and {3} (4).
    expect(w.plan).toMatchObject({ cells: 2, areas: 1, units: [1], cellList: [0, 1], hits: 3, share: 0.75 });
    expect(w.plan.expectedShare).toBeCloseTo(0.6, 12);
    // Top-2 cells of the same forecast: 0 and 3 (9 of 10 expected) but only 1 crime of 4.
    expect(w.topK).toMatchObject({ cells: 2, hits: 1, share: 0.25 });
    expect(w.topK.expectedShare).toBeCloseTo(0.9, 12);
    // Naive counts: only cell 6 has a value (zero neighbours add nothing, so the area is 1 cell).
    expect(w.naivePlan).toMatchObject({ cells: 1, cellList: [6], hits: 1, share: 0.25, expectedShare: 1 });
    expect(w.events).toBe(4);
  });

  it('spreads units over sectors by expected crime, and a window without crimes has no share', () => {
    // Sector 0 = columns 0–1 (expected 6), sector 1 = columns 2–3 (expected 4): 3 units → 2 + 1.
    const sectorOfCell = Int16Array.from([0, 0, 1, 1, 0, 0, 1, 1]);
    const w = scorePatrolWindow({
      ...base,
      sectorOfCell,
      sectors: 2,
      units: 3,
      total: 0,
      counts: new Float64Array(8),
    });
    expect(w.plan.units).toEqual([2, 1]);
    // Sector 0: {0} and {1} (one cell each, value 5 and 1); sector 1: {3}.
    expect(w.plan.cellList).toEqual([0, 1, 3]);
    expect(w.plan.share).toBeNull();
    expect(w.topK.share).toBeNull();
    // Naive: all its expected crime is in sector 1 → every unit there.
    expect(w.naivePlan.units).toEqual([0, 3]);
  });
});

describe.each(BACKENDS)('patrol plan backtest on %s', (backend) => {
  let t: TestDb;
  const req: PatrolBacktestRequest = {
    area: 'callao',
    group: 'all',
    from: '2024-11-01',
    to: '2024-11-03',
    model: 'sepp-grid',
    units: 30,
    maxCells: 3,
    cellSize: 300,
  };
  beforeAll(async () => {
    t = await createTestDb(backend);
    // Ten months of synthetic Callao data, loaded through the real path.
    const area = await getStudyArea(t.db, 'callao');
    const file = tempFile(`plans-${backend}.csv`, '');
    await writeDemoCsv(area, { years: 1, start: '2024-01-01', annualVolume: 4_000, seed: 5 }, file);
    await ingestFile(t.db, { file, adapter: 'sidpol-geo', area: 'callao', now: Date.UTC(2026, 0, 1) });
  });
  afterAll(async () => {
    await t.drop();
  });

  it('plans every turno through the harness; the top-k cells of the same size always hold at least the plan', async () => {
    const r = await backtestPlans(t.db, req);
    expect(r.windows.map((w) => w.label)).toEqual([
      '2024-11-01 madrugada',
      '2024-11-01 mañana',
      '2024-11-01 tarde',
      '2024-11-01 noche',
      '2024-11-02 madrugada',
      '2024-11-02 mañana',
      '2024-11-02 tarde',
      '2024-11-02 noche',
    ]);
    expect(r.sectors).toHaveLength(7); // Callao's districts
    for (const w of r.windows) {
      for (const p of [w.plan, w.naivePlan]) {
        expect(p.units.reduce((a, b) => a + b, 0)).toBe(30);
        expect(p.areas).toBeGreaterThan(0);
        expect(p.areas).toBeLessThanOrEqual(30);
        expect(p.cells).toBeLessThanOrEqual(30 * 3);
        expect(p.cellList).toHaveLength(p.cells);
      }
      // Same number of cells, no contiguity: the forecast's top-k can only hold more of its own crime.
      expect(w.topK.cells).toBe(w.plan.cells);
      expect(w.topK.expectedShare).toBeGreaterThanOrEqual(w.plan.expectedShare - 1e-12);
      expect(w.plan.hits).toBeLessThanOrEqual(w.events);
    }
    const events = r.windows.reduce((s, w) => s + w.events, 0);
    expect(events).toBeGreaterThan(0);
    expect(r.pooled.events).toBe(events);
    const hits = r.windows.reduce((s, w) => s + w.plan.hits, 0);
    expect(r.pooled.planShare).toBeCloseTo(hits / events, 12);
    expect(r.pooled.priceOfContiguity).toBeCloseTo(
      (r.pooled.topKShare as number) - (r.pooled.planShare as number),
      12,
    );
    expect(r.pooled.topKExpectedShare).toBeGreaterThanOrEqual(r.pooled.planExpectedShare);
    expect(r.pooled.planVsNaive.windows).toBe(r.windows.filter((w) => w.events > 0).length);
  });

  it('is deterministic', async () => {
    expect(await backtestPlans(t.db, req)).toEqual(await backtestPlans(t.db, req));
  });

  it('refuses bad input naming the parameter', async () => {
    await expect(backtestPlans(t.db, { ...req, units: 0 })).rejects.toThrow(/^--units: /);
    await expect(backtestPlans(t.db, { ...req, units: 2.5 })).rejects.toThrow(/^--units: /);
    await expect(backtestPlans(t.db, { ...req, maxCells: 10 })).rejects.toThrow(/^--max-cells: /);
    await expect(backtestPlans(t.db, { ...req, model: 'magia' })).rejects.toThrow(/^--model: /);
    await expect(backtestPlans(t.db, { ...req, group: 'robos' })).rejects.toThrow(/^--group: /);
    await expect(backtestPlans(t.db, { ...req, configs: { stkde: {} } })).rejects.toThrow(/^--set: /);
    await expect(backtestPlans(t.db, { ...req, from: '2024-11-03' })).rejects.toThrow(/^from: /);
    await expect(backtestPlans(t.db, { ...req, to: '2024-02-30' })).rejects.toThrow(/^to: /);
  });

  // Last: it adds events to the store.
  it('holds the harness cut: crimes of a later turno change no earlier plan', async () => {
    const before = await backtestPlans(t.db, req);
    // 40 robberies at one point on 2024-11-02 at 13:00 local (turno tarde), registered at 13:30.
    const rows = Array.from({ length: 40 }, (_, i) =>
      geoRow(900_000 + i, {
        fecha_hora_hecho: String(limaMs(2024, 11, 2, 13, 0)),
        fecha_hora_registro_hecho: String(limaMs(2024, 11, 2, 13, 30)),
      }),
    );
    const file = tempFile(`plans-later-${backend}.csv`, toCsv(rows));
    await ingestFile(t.db, { file, adapter: 'sidpol-geo', area: 'callao', now: Date.UTC(2026, 0, 1) });
    const after = await backtestPlans(t.db, req);
    const tarde = 6; // 2024-11-02 tarde holds the new crimes
    for (let i = 0; i <= tarde; i++) {
      expect(after.windows[i]?.plan.cellList).toEqual(before.windows[i]?.plan.cellList);
      expect(after.windows[i]?.naivePlan.cellList).toEqual(before.windows[i]?.naivePlan.cellList);
    }
    // The window that holds them scores them; the next plans see them.
    expect(after.windows[tarde]?.events).toBe((before.windows[tarde]?.events ?? 0) + 40);
    expect(after.windows[7]?.naivePlan.cellList).not.toEqual(before.windows[7]?.naivePlan.cellList);
  });
});

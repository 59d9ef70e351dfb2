import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InsufficientDataError, ValidationError } from '../core/errors.ts';
import { BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import { tempFile } from '../test/fixtures.ts';
import { addStudyArea, getStudyArea } from './areas.ts';
import { backtest } from './backtest.ts';
import { writeDemoCsv } from './demo.ts';
import { ingestFile } from './ingest.ts';

/** Real samples shipped with the repository (provenance and licences: test-data/README.md). */
const TEST_DATA = fileURLToPath(new URL('../../test-data/', import.meta.url));

describe.each(BACKENDS)('backtest on %s', (backend) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(backend);
    // One year of synthetic Callao data (self-exciting, with hotspots), loaded through the real path.
    const area = await getStudyArea(t.db, 'callao');
    const file = tempFile(`synthetic-${backend}.csv`, '');
    await writeDemoCsv(area, { years: 1, start: '2024-01-01', annualVolume: 20_000, seed: 3 }, file);
    await ingestFile(t.db, { file, adapter: 'sidpol-geo', area: 'callao', now: Date.UTC(2026, 0, 1) });
  });
  afterAll(async () => {
    await t.drop();
  });

  it('runs a daily backtest of the ladder with baselines, oracle and intervals', async () => {
    const report = await backtest(t.db, {
      area: 'callao',
      group: 'all',
      from: '2024-11-01',
      to: '2024-11-29',
      horizon: 'day',
      models: ['retro-hotspot', 'pro-hotspot'],
    });
    expect(report.models.map((m) => m.name)).toEqual([
      'naive-counts',
      'random',
      'retro-hotspot',
      'pro-hotspot',
      'oracle',
    ]);
    expect(report).toMatchObject({ windows: 28, cellSize: 150 });
    expect(report.validCells).toBeGreaterThan(5000);
    expect(report.events.test).toBeGreaterThan(500);
    const at = (name: string, coverage: number) =>
      report.models.find((m) => m.name === name)?.curve.find((p) => Math.abs(p.coverage - coverage) < 0.002);
    for (const m of report.models) {
      expect(m.curve).toHaveLength(20);
      for (const p of m.curve) {
        // The Jeffreys posterior keeps a 100 % hit rate just inside (0, 1); elsewhere it brackets the estimate.
        if (p.hits < p.events) {
          expect(p.hitRate).toBeGreaterThanOrEqual(p.interval95[0]);
          expect(p.hitRate).toBeLessThanOrEqual(p.interval95[1]);
        }
        // Nothing beats the real future.
        expect(p.hits).toBeLessThanOrEqual(
          (report.models.at(-1)?.curve.find((q) => q.coverage === p.coverage)?.hits ?? 0) + 1e-9,
        );
      }
    }
    // Random captures about its share of the area; hotspot models capture far more (the data has hotspots).
    expect(at('random', 0.05)?.pai).toBeLessThan(2);
    expect(at('pro-hotspot', 0.05)?.pai).toBeGreaterThan(3);
    expect(at('oracle', 0.05)?.pei).toBe(1);
    expect(at('pro-hotspot', 0.05)?.pBetterThanNaive).not.toBeNull();
    // Poisson deviance only for models that output expected counts (rates), never for scores.
    const byName = (name: string) => report.models.find((m) => m.name === name);
    expect(byName('naive-counts')).toMatchObject({ output: 'score', devianceWindows: null });
    expect(byName('pro-hotspot')).toMatchObject({ output: 'score', devianceWindows: null });
    expect(byName('oracle')?.output).toBe('rate');
    expect(byName('oracle')?.devianceWindows).toBeGreaterThanOrEqual(0);
  });

  it('reports skill per turno for turno backtests (pooled hits add up to the curve)', async () => {
    const report = await backtest(t.db, {
      area: 'callao',
      group: 'all',
      from: '2024-11-01',
      to: '2024-11-04',
      horizon: 'turno',
      models: ['retro-hotspot'],
    });
    expect(report.windows).toBe(12);
    const turnos = [...new Set(report.byTurno?.map((s) => s.turno))];
    expect(turnos).toEqual(['madrugada', 'mañana', 'tarde', 'noche']);
    for (const m of report.models) {
      const rows = report.byTurno?.filter((s) => s.model === m.name) ?? [];
      expect(rows.map((r) => r.windows)).toEqual([3, 3, 3, 3]);
      m.curve.forEach((p, ci) => {
        expect(rows.reduce((sum, r) => sum + (r.coverages[ci]?.hits ?? 0), 0)).toBeCloseTo(p.hits, 3); // per-window hits are stored to 6 decimals
        expect(rows.reduce((sum, r) => sum + r.events, 0)).toBe(p.events);
      });
    }
    const daily = await backtest(t.db, {
      area: 'callao',
      group: 'all',
      from: '2024-11-01',
      to: '2024-11-04',
      horizon: 'day',
      models: [],
    });
    expect(daily.byTurno).toBeUndefined();
  });

  it('compares variants of one model (kind:label) with their own settings on the same windows', async () => {
    const report = await backtest(t.db, {
      area: 'callao',
      group: 'all',
      from: '2024-11-01',
      to: '2024-11-08',
      horizon: 'day',
      models: ['retro-hotspot', 'retro-hotspot:ancho'],
      configs: { 'retro-hotspot:ancho': { bandwidth: 600 } },
    });
    const a = report.models.find((m) => m.name === 'retro-hotspot');
    const b = report.models.find((m) => m.name === 'retro-hotspot:ancho');
    expect(b).toMatchObject({ kind: 'retro-hotspot', config: { bandwidth: 600 } });
    expect((a?.config as { bandwidth?: number } | undefined)?.bandwidth).not.toBe(600);
    expect(b?.perWindow?.hits).not.toEqual(a?.perWindow?.hits);
    await expect(
      backtest(t.db, {
        area: 'callao',
        group: 'all',
        from: '2024-11-01',
        to: '2024-11-08',
        horizon: 'day',
        models: ['retro-hotspot:ancho'],
        configs: { 'retro-hotspot:ancho': { bandwidth: 1 } },
      }),
    ).rejects.toThrow(/^retro-hotspot:ancho\.bandwidth: /);
    await expect(
      backtest(t.db, {
        area: 'callao',
        group: 'all',
        from: '2024-11-01',
        to: '2024-11-08',
        horizon: 'day',
        models: ['retro-hotspot:Mal'],
      }),
    ).rejects.toThrow(/modelo:variante/);
  });

  it('re-runs on the grid shifted by half a cell when asked', async () => {
    const report = await backtest(t.db, {
      area: 'callao',
      group: 'property',
      from: '2024-12-01',
      to: '2024-12-08',
      horizon: 'day',
      models: ['retro-hotspot'],
      gridShift: true,
    });
    expect(report.shifted?.offsetMetres).toBe(75);
    expect(report.shifted?.models.map((m) => m.name)).toEqual(report.models.map((m) => m.name));
    const hr = (ms: typeof report.models) =>
      ms.find((m) => m.name === 'retro-hotspot')?.curve[4]?.hitRate ?? -1;
    expect(hr(report.shifted?.models ?? [])).toBeGreaterThan(0);
    expect(hr(report.shifted?.models ?? [])).not.toBe(hr(report.models)); // placement matters
  });

  it('gives clear typed errors for bad requests', async () => {
    const base = {
      area: 'callao',
      group: 'all',
      from: '2024-11-01',
      to: '2024-11-08',
      horizon: 'day' as const,
      models: [],
    };
    await expect(backtest(t.db, { ...base, group: 'robos' })).rejects.toThrow(/grupo de delitos desconocido/);
    await expect(backtest(t.db, { ...base, cellSize: 50 })).rejects.toThrow(ValidationError);
    await expect(backtest(t.db, { ...base, models: ['magic'] })).rejects.toThrow(/modelo desconocido/);
    await expect(backtest(t.db, { ...base, from: '2024-11-08' })).rejects.toThrow(/vacío/);
    await expect(backtest(t.db, { ...base, from: '2023-06-01', to: '2023-06-08' })).rejects.toThrow(
      InsufficientDataError,
    );
  });
});

describe('backtest on a non-Callao study area', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb('server');
  });
  afterAll(async () => {
    await t.drop();
  });

  it('backtests the real Chicago sample in its own bbox area and zone', async () => {
    await addStudyArea(t.db, {
      id: 'chicago',
      bbox: '-87.94,41.64,-87.52,42.03',
      timeZone: 'America/Chicago',
    });
    await ingestFile(t.db, {
      file: `${TEST_DATA}chicago/chicago_crimes_sample_cut.csv`,
      adapter: 'mapped',
      mappingFile: fileURLToPath(new URL('../../mappings/chicago.json', import.meta.url)),
      area: 'chicago',
      now: Date.UTC(2026, 0, 1),
    });
    const report = await backtest(t.db, {
      area: 'chicago',
      group: 'property',
      from: '2019-08-01',
      to: '2019-09-01',
      horizon: 'week',
      cellSize: 500,
      models: ['retro-hotspot'],
    });
    expect(report.area).toBe('chicago');
    expect(report.windows).toBe(4);
    expect(report.events.test).toBeGreaterThan(50);
    const oracle = report.models.find((m) => m.name === 'oracle');
    const retro = report.models.find((m) => m.name === 'retro-hotspot');
    expect(oracle?.curve[9]?.hitRate).toBeGreaterThan(retro?.curve[9]?.hitRate ?? 1);
    expect(retro?.curve[9]?.pai).toBeGreaterThan(1);
  });
});

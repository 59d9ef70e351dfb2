import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BacktestReport } from '../evaluation/report/report.ts';
import { getStudyArea } from '../services/areas.ts';
import { writeDemoCsv } from '../services/demo.ts';
import { ingestFile } from '../services/ingest.ts';
import { runCli } from '../test/cli.ts';
import { CLI_BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import { tempFile } from '../test/fixtures.ts';

describe('vigia models', () => {
  it('lists the models and every setting of one', async () => {
    const list = await runCli(['models'], {});
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/naive-counts\s+Conteo simple \(referencia\)\s+referencia/);
    expect(list.stdout).toMatch(/sepp-grid\s+Proceso autoexcitado \(ETAS\)\s+modelo\s+Proceso autoexcitado/);
    const show = await runCli(['models', 'show', 'sepp-grid'], {});
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(
      /trainingWindowDays\s+number\s+\(0, 36525\]\s+días\s+365\s+ventana de entrenamiento/,
    );
    expect(show.stdout).toMatch(/edgeCorrection\s+boolean\s+true/);
    expect(show.stdout).toMatch(/refitEveryDays\s+integer\s+\[1, 365\]\s+días\s+7/);
    const json = await runCli(['models', 'show', 'pro-hotspot', '--json'], {});
    expect(JSON.parse(json.stdout).map((s: { name: string }) => s.name)).toEqual([
      'bandwidth',
      'weeks',
      'distance',
    ]);
    // A model without settings says so, with no --set example (it would be refused).
    const none = await runCli(['models', 'show', 'random'], {});
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toContain('no tiene ajustes');
    expect(none.stdout).not.toContain('--set');
    const unknown = await runCli(['models', 'show', 'sepp'], {});
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('modelo desconocido "sepp"');
  });
});

describe.each(CLI_BACKENDS)('vigia backtest options on %s', (backend) => {
  let t: TestDb;
  let env: Record<string, string>;
  let out: string;
  beforeAll(async () => {
    t = await createTestDb(backend);
    env = { DATABASE_URL: t.url };
    out = mkdtempSync(join(tmpdir(), 'vigia-bt-opts-'));
    const area = await getStudyArea(t.db, 'callao');
    const file = tempFile(`bt-options-${backend}.csv`, '');
    await writeDemoCsv(area, { years: 1, start: '2024-01-01', annualVolume: 8_000, seed: 5 }, file);
    await ingestFile(t.db, { file, adapter: 'sidpol-geo', area: 'callao', now: Date.UTC(2026, 0, 1) });
  });
  afterAll(async () => {
    rmSync(out, { recursive: true, force: true });
    await t.drop();
  });

  const base = ['backtest', '--from', '2024-12-01', '--to', '2024-12-05', '--group', 'all'];

  it('records the grid, tie rule, data cut, settings, daily means, paired tests and per-window hits', async () => {
    const args = [
      ...base,
      '--models',
      'sepp-grid',
      '--set',
      'sepp-grid.refitEveryDays=2',
      '--set',
      'sepp-grid.edgeCorrection=false',
      '--set',
      'sepp-grid.maxIterations=10',
      '--set',
      'naive-counts.windowDays=null',
      '--tie-rule',
      'order',
      '--grid-origin',
      '0,0',
      '--out',
      out,
    ];
    const r = await runCli([...args, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as BacktestReport;
    expect(report.tieBreak).toBe('order');
    expect(report.dataCut).toMatch(/ocurridos y registrados antes del inicio de su ventana/);
    const g = report.grid;
    expect(g).toMatchObject({ crs: 'EPSG:32718', cellSize: 150, rotationDeg: 0, requestedOrigin: [0, 0] });
    // Snapped: the origin is a whole number of cells from the requested one.
    for (const v of g?.origin ?? [Number.NaN])
      expect(Math.abs(v / 150 - Math.round(v / 150))).toBeLessThan(1e-6);
    expect((g?.rows ?? 0) * (g?.cols ?? 0)).toBeGreaterThan(g?.validCells ?? 0);
    expect(g?.validCells).toBe(report.validCells);
    expect(report.windowStarts).toHaveLength(4);
    const sepp = report.models.find((m) => m.name === 'sepp-grid');
    expect(sepp?.refitEveryDays).toBe(2);
    expect(sepp?.config).toMatchObject({ edgeCorrection: false, maxIterations: 10, trainingWindowDays: 365 });
    expect(report.models.find((m) => m.name === 'naive-counts')?.config).toEqual({ windowDays: null });
    const p = sepp?.curve[4];
    expect(p?.meanHitRate).toBeGreaterThan(0);
    expect(p?.meanInterval95?.[0]).toBeLessThanOrEqual(p?.meanHitRate ?? -1);
    expect(p?.pairedVsNaive?.windows).toBe(4);
    expect(p?.pairedVsNaive?.pValue).toBeGreaterThan(0);
    expect(sepp?.perWindow?.events).toHaveLength(4);
    expect(sepp?.perWindow?.hits).toHaveLength(20);
    // Pooled hits are the sum of the per-window hits.
    const sum = (sepp?.perWindow?.hits[4] ?? []).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(p?.hits ?? -1, 4);
    // The files: the curve CSV gains the new columns, the per-window CSV and the HTML exist.
    const stem = join(out, 'backtest-callao-all-day-2024-12-01_2024-12-05');
    expect(readFileSync(`${stem}.csv`, 'utf8').split('\n')[0]).toContain('mean_hit_rate,mean_ci95_low');
    expect(readFileSync(`${stem}-windows.csv`, 'utf8')).toMatch(
      /^model,window,window_start,coverage,hits,events\n/,
    );
    const html = readFileSync(`${stem}.html`, 'utf8');
    expect(html).toContain('media diaria');
    expect(html).toContain('p pareado');
    expect(html).toContain('orden de open_cp');
    expect(existsSync(`${stem}.json`)).toBe(true);
    // The tie rule changes results: the all-history naive grid has tied cells at the cut-off.
    const avg = JSON.parse(
      (await runCli([...base, '--models', 'retro-hotspot', '--json', '--out', out], env)).stdout,
    );
    const naiveHits = (rep: BacktestReport) =>
      rep.models.find((m) => m.name === 'naive-counts')?.curve.map((c) => c.hits);
    expect(avg.tieBreak).toBe('average');
    expect(naiveHits(avg)).not.toEqual(naiveHits(report));
  });

  it('refuses bad options with a message naming them (exit code 2)', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['--set', 'pro-hotspot.bandwidth=10', '--models', 'pro-hotspot'],
        /pro-hotspot\.bandwidth: debe estar entre 50 y 5000 m/,
      ],
      [
        ['--set', 'sepp-grid.refitEveryDays=0', '--models', 'sepp-grid'],
        /sepp-grid\.refitEveryDays: debe ser un entero/,
      ],
      [['--set', 'sepp-grid.edgeCorrection=maybe', '--models', 'sepp-grid'], /sepp-grid\.edgeCorrection/],
      [['--set', 'stkde.bandwidth=100,200', '--models', 'stkde'], /stkde\.bandwidth: un solo valor/],
      [['--set', 'stkde.bandwidth=100', '--models', 'pro-hotspot'], /--set: ajustes para "stkde"/],
      [['--tie-rule', 'first'], /--tie-rule: regla de empates desconocida "first"/],
      [['--grid-origin', '270000'], /--grid-origin: "270000" no tiene la forma x,y/],
    ];
    for (const [extra, message] of cases) {
      const r = await runCli([...base, ...extra, '--out', out], env);
      expect(r.code, extra.join(' ')).toBe(2);
      expect(r.stderr, extra.join(' ')).toMatch(message);
    }
  });
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getStudyArea } from '../services/areas.ts';
import { writeDemoCsv } from '../services/demo.ts';
import { ingestFile } from '../services/ingest.ts';
import type { PatrolBacktestReport } from '../services/patrol-backtest.ts';
import { runCli } from '../test/cli.ts';
import { BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import { tempFile } from '../test/fixtures.ts';

describe.each(BACKENDS)('vigia backtest-plans on %s', (backend) => {
  let t: TestDb;
  let env: Record<string, string>;
  let out: string;
  const args = [
    'backtest-plans',
    '--from',
    '2024-11-01',
    '--to',
    '2024-11-02',
    '--model',
    'sepp-grid',
    '--units',
    '20',
    '--max-cells',
    '3',
    '--group',
    'all',
    '--cell-size',
    '300',
  ];
  beforeAll(async () => {
    t = await createTestDb(backend);
    env = { DATABASE_URL: t.url };
    out = mkdtempSync(join(tmpdir(), 'vigia-plans-'));
    const area = await getStudyArea(t.db, 'callao');
    const file = tempFile(`cli-plans-${backend}.csv`, '');
    await writeDemoCsv(area, { years: 1, start: '2024-01-01', annualVolume: 4_000, seed: 7 }, file);
    await ingestFile(t.db, { file, adapter: 'sidpol-geo', area: 'callao', now: Date.UTC(2026, 0, 1) });
  });
  afterAll(async () => {
    rmSync(out, { recursive: true, force: true });
    await t.drop();
  });

  it('prints the three shares and the price of contiguity in Spanish and writes the JSON report', async () => {
    const r = await runCli([...args, '--out', out], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('4 turnos');
    expect(r.stdout).toMatch(/plan sepp-grid \(áreas contiguas\)/);
    expect(r.stdout).toMatch(/top-k sepp-grid \(mismas celdas, sin contigüidad\)/);
    expect(r.stdout).toMatch(/plan naive-counts/);
    expect(r.stdout).toMatch(/Precio de la contigüidad \(top-k − plan\): -?\d+\.\d pp/);
    const path = join(out, 'plans-callao-all-sepp-grid-2024-11-01_2024-11-02.json');
    expect(r.stdout).toContain(path);
    const report = JSON.parse(readFileSync(path, 'utf8')) as PatrolBacktestReport;
    expect(report.windows).toHaveLength(4);
    expect(report).toMatchObject({ units: 20, maxCells: 3, model: 'sepp-grid', baseline: 'naive-counts' });
    const json = await runCli([...args, '--out', out, '--json'], env);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(report);
  });

  it('refuses bad input naming the option, with the usage exit code', async () => {
    const units = await runCli([...args, '--units', 'muchas'], env);
    expect(units.code).toBe(2);
    expect(units.stderr).toContain('--units: unidades por turno');
    const cells = await runCli([...args, '--max-cells', '12'], env);
    expect(cells.code).toBe(2);
    expect(cells.stderr).toContain('--max-cells: celdas por área');
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getStudyArea } from '../services/areas.ts';
import { writeDemoCsv } from '../services/demo.ts';
import { ingestFile } from '../services/ingest.ts';
import type { SweepReport } from '../services/sweep.ts';
import { getForecast } from '../storage/forecasts.ts';
import { runCli } from '../test/cli.ts';
import { CLI_BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import { tempFile } from '../test/fixtures.ts';

describe.each(CLI_BACKENDS)('vigia train, models trained/compare, forecast --trained on %s', (backend) => {
  let t: TestDb;
  let env: Record<string, string>;
  let out: string;
  beforeAll(async () => {
    t = await createTestDb(backend);
    env = { DATABASE_URL: t.url };
    out = mkdtempSync(join(tmpdir(), 'vigia-trained-'));
    const area = await getStudyArea(t.db, 'callao');
    const file = tempFile(`trained-cli-${backend}.csv`, '');
    await writeDemoCsv(area, { years: 1, start: '2024-01-01', annualVolume: 6_000, seed: 8 }, file);
    await ingestFile(t.db, { file, adapter: 'sidpol-geo', area: 'callao', now: Date.UTC(2026, 0, 1) });
  });
  afterAll(async () => {
    rmSync(out, { recursive: true, force: true });
    await t.drop();
  });

  const trainArgs = ['train', '--model', 'sepp-grid', '--group', 'property', '--until', '2024-12-01'];

  it('trains, refuses a duplicate, lists, shows, compares and forecasts from the stored artifact', async () => {
    const first = await runCli([...trainArgs, '--set', 'maxIterations=10', '--seed', '3'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(
      /Modelo entrenado (\d+) guardado: sepp-grid v1, área callao, grupo property/,
    );
    expect(first.stdout).toMatch(/datos hasta: 2024-12-01T05:00:00\.000Z/);
    expect(first.stdout).toMatch(/SHA-256 [0-9a-f]{64}/);
    const id = Number(/Modelo entrenado (\d+)/.exec(first.stdout)?.[1]);
    // Same data, settings (also as model.option), seed and code: the same artifact, not stored again.
    const again = await runCli([...trainArgs, '--set', 'sepp-grid.maxIterations=10', '--seed', '3'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`Idéntico a la versión 1 (modelo entrenado ${id})`);
    const second = await runCli([...trainArgs, '--set', 'maxIterations=4', '--seed', '3', '--json'], env);
    expect(second.code, second.stderr).toBe(0);
    const v2 = JSON.parse(second.stdout) as { id: number; version: number; duplicate: boolean };
    expect(v2).toMatchObject({ version: 2, duplicate: false });

    const list = await runCli(['models', 'trained', '--model', 'sepp-grid'], env);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`${v2.id}\\s+callao\\s+property\\s+sepp-grid\\s+2`));
    expect(list.stdout).toMatch(new RegExp(`${id}\\s+callao\\s+property\\s+sepp-grid\\s+1`));
    const show = await runCli(['models', 'trained', 'show', String(id)], env);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain(`Modelo entrenado ${id}: sepp-grid v1`);
    expect(show.stdout).toMatch(/hash de los datos: [0-9a-f]{64}/);
    expect(show.stdout).toMatch(/código 0\.1\.0\+/);
    expect(show.stdout).toMatch(/esquema de variables: ninguno/);
    expect(show.stdout).toContain('"maxIterations":10');

    const cmp = await runCli(
      ['models', 'compare', String(id), String(v2.id), '--backtest', '2024-12-05..2024-12-10'],
      env,
    );
    expect(cmp.code, cmp.stderr).toBe(0);
    expect(cmp.stdout).toMatch(/ajuste maxIterations\s+10\s+4/);
    expect(cmp.stdout).toContain('Mismos datos de entrenamiento: sí');
    expect(cmp.stdout).toMatch(/Backtest 2024-12-05 → 2024-12-10: 20 ventanas/);
    expect(cmp.stdout).toMatch(new RegExp(`#${v2.id} sepp-grid v2\\s+\\d+\\.\\d %`));
    const f = await runCli(['forecast', '--trained', String(id), '--day', '2024-12-12', '--json'], env);
    expect(f.code, f.stderr).toBe(0);
    const made = JSON.parse(f.stdout) as { id: number; group: string }[];
    expect(made.map((m) => m.group)).toEqual(['property', 'property', 'property', 'property']);
    const stored = await getForecast(t.db, made[0]?.id as number);
    expect(stored?.modelKind).toBe('sepp-grid');
    expect(stored?.modelConfig).toMatchObject({ trainedModelId: id, maxIterations: 10 });
    const audit = await t.db.query<{ action: string }>(
      `select action from audit_log where action in ('model.train', 'model.load') order by seq`,
    );
    expect(audit.filter((r) => r.action === 'model.train')).toHaveLength(3);
    expect(audit.filter((r) => r.action === 'model.load').length).toBeGreaterThanOrEqual(3);
  }, 300_000);

  it('refuses bad ids, other groups, stray options and bad settings with clear Spanish errors', async () => {
    const cases: [string[], number, RegExp][] = [
      [['models', 'trained', 'show', '424242'], 4, /No existe el modelo entrenado 424242/],
      [
        ['forecast', '--trained', '1', '--model', 'stkde', '--day', '2024-12-12'],
        2,
        /--trained: un modelo entrenado ya trae su modelo/,
      ],
      [
        ['models', 'compare', '1', '2', '--backtest', '2024-12-10'],
        2,
        /--backtest: "2024-12-10" no tiene la forma DESDE\.\.HASTA/,
      ],
      [
        [...trainArgs, '--set', 'stkde.bandwidth=100'],
        2,
        /--set: ajustes para "stkde", pero el modelo es sepp-grid/,
      ],
      // forecast --set names the model, as backtest does (services/models.ts resolveModel).
      [['forecast', '--model', 'sepp-grid', '--set', 'bad=1', '--day', '2024-12-12'], 2, /sepp-grid\.bad: /],
    ];
    const before = await t.db.query<{ n: number }>('select count(*)::int as n from trained_models');
    for (const [args, code, message] of cases) {
      const r = await runCli(args, env);
      expect(r.code, args.join(' ')).toBe(code);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
    expect(await t.db.query<{ n: number }>('select count(*)::int as n from trained_models')).toEqual(before);
    // A model of another group is refused for a forecast of this one.
    const v = await runCli(
      ['train', '--model', 'naive-counts', '--group', 'violent', '--until', '2024-12-01', '--json'],
      env,
    );
    expect(v.code, v.stderr).toBe(0);
    const violent = JSON.parse(v.stdout).id as number;
    const other = await runCli(
      ['forecast', '--trained', String(violent), '--groups', 'property', '--day', '2024-12-12'],
      env,
    );
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/--trained: el modelo entrenado \d+ es del grupo "violent"/);
  }, 300_000);
});

describe('vigia sweep --tie-rule / --grid-origin', () => {
  let t: TestDb;
  let env: Record<string, string>;
  let out: string;
  beforeAll(async () => {
    t = await createTestDb('server');
    env = { DATABASE_URL: t.url };
    out = mkdtempSync(join(tmpdir(), 'vigia-sweep-opts-'));
    const area = await getStudyArea(t.db, 'callao');
    const file = tempFile('sweep-opts.csv', '');
    await writeDemoCsv(area, { years: 1, start: '2024-01-01', annualVolume: 6_000, seed: 4 }, file);
    await ingestFile(t.db, { file, adapter: 'sidpol-geo', area: 'callao', now: Date.UTC(2026, 0, 1) });
  });
  afterAll(async () => {
    rmSync(out, { recursive: true, force: true });
    await t.drop();
  });

  const args = [
    'sweep',
    '--set',
    'naive-counts.windowDays=7,30',
    '--validate-from',
    '2024-11-01',
    '--validate-to',
    '2024-11-04',
    '--from',
    '2024-12-01',
    '--to',
    '2024-12-04',
    '--group',
    'all',
    '--workers',
    '1',
    '--out',
  ];

  it('uses the tie rule and grid origin in validation and test, like backtest', async () => {
    const run = async (extra: string[]) => {
      const r = await runCli([...args, out, ...extra, '--json'], env);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as SweepReport;
    };
    const order = await run(['--tie-rule', 'order', '--grid-origin', '0,0']);
    expect(order.test.tieBreak).toBe('order');
    expect(order.test.grid).toMatchObject({ requestedOrigin: [0, 0] });
    const average = await run(['--grid-origin', '0,0']);
    expect(average.test.tieBreak).toBe('average');
    // The all-history naive grid has ties at the cut: the rule changes its hits.
    const naive = (r: SweepReport) =>
      r.test.models.find((m) => m.name === 'naive-counts')?.curve.map((c) => c.hits);
    expect(naive(order)).not.toEqual(naive(average));
    // Validation scores move with the tie rule as well (they are scored in the workers).
    const scores = (r: SweepReport) => r.validation.candidates.map((c) => c.hitRate);
    expect(scores(order)).not.toEqual(scores(average));
    for (const [extra, message] of [
      [['--tie-rule', 'first'], /--tie-rule: regla de empates desconocida "first"/],
      [['--grid-origin', '1,2,3'], /--grid-origin: "1,2,3" no tiene la forma x,y/],
    ] as const) {
      const r = await runCli([...args, out, ...extra], env);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  }, 300_000);
});

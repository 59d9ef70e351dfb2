import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InsufficientDataError, ValidationError } from '../core/errors.ts';
import { SYNTHETIC_TAXONOMY } from '../synthetic/generator.ts';
import { runCli } from '../test/cli.ts';
import { BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import { tempFile } from '../test/fixtures.ts';
import { getStudyArea } from './areas.ts';
import { evaluateCrimeTypes, mostLikelyTypes, writeCrimeTypeReport } from './crime-type.ts';
import { writeDemoCsv } from './demo.ts';
import { ingestFile } from './ingest.ts';

/** Modalities of the protected kinds: they must never be a class or an answer. */
const RESTRICTED_MODALITIES = [...SYNTHETIC_TAXONOMY.violencia_familiar, ...SYNTHETIC_TAXONOMY.sexual].map(
  (l) => l.modalidad,
);

describe.each(BACKENDS)('crime-type classification on %s', (backend) => {
  let t: TestDb;
  let out: string;
  beforeAll(async () => {
    t = await createTestDb(backend);
    out = mkdtempSync(join(tmpdir(), 'vigia-classify-'));
    // Two years of synthetic Callao incidents (SIDPOL modalities), loaded through the real adapter.
    const area = await getStudyArea(t.db, 'callao');
    const file = tempFile(`classify-${backend}.csv`, '');
    await writeDemoCsv(area, { years: 2, start: '2023-01-01', annualVolume: 6_000, seed: 8 }, file);
    await ingestFile(t.db, { file, adapter: 'sidpol-geo', area: 'callao', now: Date.UTC(2026, 0, 1) });
  });
  afterAll(async () => {
    rmSync(out, { recursive: true, force: true });
    await t.drop();
  });

  it('trains on an earlier period, beats the class prior on a later one, and reports calibration', async () => {
    const report = await evaluateCrimeTypes(t.db, {
      area: 'callao',
      trainFrom: '2023-01-01',
      trainTo: '2024-07-01',
      testFrom: '2024-07-01',
      testTo: '2025-01-01',
      models: ['gbt'],
      minClassCount: 40,
      gbtIterations: 60,
    });
    expect(report.models.map((m) => m.kind)).toEqual(['prior', 'gbt']);
    expect(report.train.rows).toBeGreaterThan(2000);
    expect(report.test.rows).toBeGreaterThan(500);
    // Classes are SIDPOL modalities (the finest label), rare ones grouped; protected ones never appear.
    const names = report.classes.map((c) => c.name);
    expect(names).toContain('ROBO AGRAVADO');
    expect(names.at(-1)).toBe('otros');
    for (const m of RESTRICTED_MODALITIES) expect(names).not.toContain(m);
    expect(report.classes.reduce((s, c) => s + c.testCount, 0)).toBe(report.test.rows);
    expect(report.classes.reduce((s, c) => s + c.trainShare, 0)).toBeCloseTo(1, 10);
    const [prior, gbt] = report.models;
    expect(prior?.scores.vsReference).toBeNull();
    // The synthetic data's near repeats repeat the parent's kind: context beats the prior, with an interval.
    expect(gbt?.scores.logLoss).toBeLessThan(prior?.scores.logLoss as number);
    expect(gbt?.scores.vsReference?.interval95[1]).toBeLessThan(0);
    expect(gbt?.scores.macroF1).toBeGreaterThan(prior?.scores.macroF1 as number);
    expect(gbt?.scores.reliability.top).toHaveLength(10);
    expect(gbt?.scores.reliability.perClass).toHaveLength(report.classes.length);

    const paths = writeCrimeTypeReport(report, join(out, 'informe.html'));
    const html = readFileSync(paths.html, 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('<polyline');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect(JSON.parse(readFileSync(paths.json, 'utf8')).models).toHaveLength(2);
  });

  it('refuses overlapping periods, unknown models and empty periods', async () => {
    const base = {
      area: 'callao',
      trainFrom: '2023-01-01',
      trainTo: '2024-01-01',
      testFrom: '2024-01-01',
      testTo: '2024-02-01',
    };
    await expect(evaluateCrimeTypes(t.db, { ...base, testFrom: '2023-12-01' })).rejects.toThrow(
      ValidationError,
    );
    await expect(evaluateCrimeTypes(t.db, { ...base, models: ['knn'] })).rejects.toThrow(/knn/);
    await expect(
      evaluateCrimeTypes(t.db, { ...base, testFrom: '2030-01-01', testTo: '2030-02-01', models: ['gbt'] }),
    ).rejects.toThrow(InsufficientDataError);
  });

  it('most likely types at a cell this turno: probabilities from the year before, no protected type', async () => {
    const area = await getStudyArea(t.db, 'callao');
    const [x0, y0] = area.projectedBbox;
    const place = await busiestPoint(t);
    const res = await mostLikelyTypes(t.db, { area: 'callao', day: '2024-12-02', turno: 'noche', ...place });
    expect(res.turno).toBe('noche');
    expect(res.trainedOn.rows).toBeGreaterThan(1000);
    expect(res.types).toHaveLength(5);
    for (let i = 1; i < res.types.length; i++)
      expect(res.types[i - 1]?.probability).toBeGreaterThanOrEqual(res.types[i]?.probability as number);
    const total = res.types.reduce((s, r) => s + r.probability, 0);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(1 + 1e-9);
    for (const m of RESTRICTED_MODALITIES) expect(res.types.map((r) => r.type)).not.toContain(m);
    // The same day and area reuse the fitted model; another turno may give other probabilities.
    const morning = await mostLikelyTypes(t.db, {
      area: 'callao',
      day: '2024-12-02',
      turno: 'mañana',
      ...place,
    });
    expect(morning.trainedOn).toEqual(res.trainedOn);
    await expect(
      mostLikelyTypes(t.db, {
        area: 'callao',
        day: '2024-12-02',
        turno: 'noche',
        x: x0 - 5000,
        y: y0 - 5000,
      }),
    ).rejects.toThrow(ValidationError);
    await expect(
      mostLikelyTypes(t.db, { area: 'callao', day: '2024-12-02', turno: 'noche' }),
    ).rejects.toThrow(ValidationError);
  });
});

/** The centre of the densest 500 m cell of the loaded data (a place with history). */
async function busiestPoint(t: TestDb): Promise<{ x: number; y: number }> {
  const [r] = await t.db.query<{ x: number; y: number }>(
    `select (floor(x / 500) * 500 + 250)::float8 as x, (floor(y / 500) * 500 + 250)::float8 as y
     from incidents where x is not null and not restricted
     group by 1, 2 order by count(*) desc, 1, 2 limit 1`,
  );
  return { x: r?.x as number, y: r?.y as number };
}

describe('vigia classify evaluate', () => {
  it('refuses bad options with a usage error', async () => {
    const r = await runCli(
      [
        'classify',
        'evaluate',
        '--train-from',
        '2023-01-01',
        '--train-to',
        '2024-01-01',
        '--test-from',
        '2024-01-01',
        '--test-to',
        '2024-02-01',
        '--min-count',
        '0',
      ],
      {},
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--min-count');
  });
});

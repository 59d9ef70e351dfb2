import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.ts';
import { createTestDb, type TestDb } from '../test/db.ts';
import { tempFile } from '../test/fixtures.ts';
import { getStudyArea } from './areas.ts';
import { writeDemoCsv } from './demo.ts';
import { ingestFile } from './ingest.ts';
import { expandGrid, sweep } from './sweep.ts';

describe('expandGrid', () => {
  it('gives every combination of option values', () => {
    expect(expandGrid({ bandwidth: [150, 400], weeks: [8, 26, 52] })).toHaveLength(6);
    expect(expandGrid({ a: [1], b: ['x', 'y'] })).toEqual([
      { a: 1, b: 'x' },
      { a: 1, b: 'y' },
    ]);
    expect(() => expandGrid({ a: [] })).toThrow(ValidationError);
  });
});

describe('sweep (worker threads, validation before test)', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb('server');
    const area = await getStudyArea(t.db, 'callao');
    const file = tempFile('sweep-synthetic.csv', '');
    await writeDemoCsv(area, { years: 1, start: '2024-01-01', annualVolume: 15_000, seed: 5 }, file);
    await ingestFile(t.db, { file, adapter: 'sidpol-geo', area: 'callao', now: Date.UTC(2026, 0, 1) });
  });
  afterAll(async () => {
    await t.drop();
  });

  it('scores every setting on the validation period in parallel and tests the winners', async () => {
    const progress: number[] = [];
    const report = await sweep(t.db, {
      area: 'callao',
      group: 'all',
      grids: {
        'pro-hotspot': { bandwidth: [150, 400], weeks: [8, 52] },
        'retro-hotspot': { bandwidth: [100, 300] },
      },
      validateFrom: '2024-10-01',
      validateTo: '2024-10-15',
      testFrom: '2024-11-01',
      testTo: '2024-11-15',
      workers: 2,
      onProgress: (done) => progress.push(done),
    });
    expect(report.workers).toBe(2);
    expect(report.validation.candidates).toHaveLength(6);
    expect(report.validation.candidates.every((c) => !c.error && c.hitRate > 0)).toBe(true);
    expect(progress.at(-1)).toBe(6);
    const bestPro = report.validation.candidates
      .filter((c) => c.kind === 'pro-hotspot')
      .sort((a, b) => b.hitRate - a.hitRate)[0];
    expect(report.selected['pro-hotspot']).toEqual(bestPro?.config);
    expect(report.test.models.map((m) => m.name)).toEqual([
      'naive-counts',
      'random',
      'pro-hotspot',
      'retro-hotspot',
      'oracle',
    ]);
    expect(report.test.models.find((m) => m.name === 'pro-hotspot')?.config).toMatchObject(
      report.selected['pro-hotspot'] ?? {},
    );
  });

  it('refuses a validation period that overlaps the test period, and bad settings before starting workers', async () => {
    const base = {
      area: 'callao',
      group: 'all',
      validateFrom: '2024-10-01',
      validateTo: '2024-10-15',
      testFrom: '2024-11-01',
      testTo: '2024-11-15',
    };
    await expect(
      sweep(t.db, { ...base, grids: { 'retro-hotspot': { bandwidth: [200] } }, validateTo: '2024-11-05' }),
    ).rejects.toThrow(/validación debe terminar antes/);
    await expect(sweep(t.db, { ...base, grids: { 'retro-hotspot': { bandwidth: [5] } } })).rejects.toThrow(
      /bandwidth/,
    );
  });
});

import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, InsufficientDataError, NotFoundError, ValidationError } from '../core/errors.ts';
import { knownBefore } from '../core/events.ts';
import { totalRisk } from '../core/risk-surface.ts';
import { rollingWindows } from '../evaluation/backtest/windows.ts';
import { gridForArea } from '../geo/area-grid.ts';
import type { ModelArtifact } from '../models/predictor.ts';
import { getPredictor } from '../models/registry.ts';
import { loadEvents } from '../storage/events.ts';
import { getForecast } from '../storage/forecasts.ts';
import { getTrainedModel, sha256Hex } from '../storage/trained-models.ts';
import { BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import { tempFile } from '../test/fixtures.ts';
import { areaFacts, getStudyArea } from './areas.ts';
import { groupCategories } from './backtest.ts';
import { writeDemoCsv } from './demo.ts';
import { forecast } from './forecast.ts';
import { ingestFile } from './ingest.ts';
import { compareTrained, restoreTrainedModel, train, trainedModels } from './training.ts';

const who = { actor: 'test', role: null, ip: null, requestId: null };

describe.each(BACKENDS)('trained models on %s', (backend) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(backend);
    const area = await getStudyArea(t.db, 'callao');
    const file = tempFile(`training-${backend}.csv`, '');
    await writeDemoCsv(area, { years: 1, start: '2024-01-01', annualVolume: 6_000, seed: 3 }, file);
    await ingestFile(t.db, { file, adapter: 'sidpol-geo', area: 'callao', now: Date.UTC(2026, 0, 1) });
  });
  afterAll(async () => {
    await t.drop();
  });

  const rows = async () =>
    Number((await t.db.query<{ n: number }>('select count(*)::int as n from trained_models'))[0]?.n);
  const base = { area: 'callao', group: 'property', until: '2024-12-01', audit: who } as const;

  it('stores versions with cutoff, data hash, code version and metrics; the same data and seed give the same artifact', async () => {
    const first = await train(t.db, {
      ...base,
      model: 'sepp-grid',
      settings: { maxIterations: 15 },
      seed: 4,
    });
    expect(first.duplicate).toBe(false);
    const m = first.model;
    expect(m).toMatchObject({ version: 1, kind: 'sepp-grid', area: 'callao', group: 'property', seed: 4 });
    expect(m.dataCutoff.toISOString()).toBe('2024-12-01T05:00:00.000Z'); // local midnight in Lima
    expect(m.dataSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(m.codeVersion).toMatch(/^0\.1\.0\+([0-9a-f]{40}|unknown)$/);
    expect(m.config).toMatchObject({ maxIterations: 15 });
    expect(m.metrics.fitSeconds).toBeGreaterThanOrEqual(0);
    expect(m.storedSize).toBeLessThan(m.artifactSize); // gzipped
    expect(m.featureSchema).toBeNull();
    // Re-run: same data, seed and code → same artifact hash: nothing new stored.
    const again = await train(t.db, {
      ...base,
      model: 'sepp-grid',
      settings: { maxIterations: 15 },
      seed: 4,
    });
    expect(again.duplicate).toBe(true);
    expect(again.model.id).toBe(m.id);
    expect(again.model.artifactSha256).toBe(m.artifactSha256);
    // Other settings: a new version of the same key, trained on the same data.
    const other = await train(t.db, { ...base, model: 'sepp-grid', settings: { maxIterations: 5 }, seed: 4 });
    expect(other.model.version).toBe(2);
    expect(other.model.dataSha256).toBe(m.dataSha256);
    // Later data: another data hash.
    const later = await train(t.db, { ...base, until: '2024-12-10', model: 'naive-counts' });
    expect(later.model.dataSha256).not.toBe(m.dataSha256);
    const listed = await trainedModels(t.db, { model: 'sepp-grid' });
    expect(listed.map((x) => x.version)).toEqual([2, 1]);
    const c = await compareTrained(t.db, [m.id, other.model.id]);
    expect(c.sameData).toBe(true);
    expect(c.configDiff).toEqual({ maxIterations: [15, 5] });
    // Train and loads are audited.
    const audited = await t.db.query<{ action: string }>(
      `select action from audit_log where action like 'model.%' order by seq`,
    );
    expect(audited.map((a) => a.action).filter((a) => a === 'model.train')).toHaveLength(4);
  });

  it('gives a learned model the place types and the area’s environment layers its settings ask for', async () => {
    const { model } = await train(t.db, {
      ...base,
      model: 'gbt-grid',
      horizon: 'day',
      settings: { trainDays: 14, trainStrideDays: 7, iterations: 3, placeTypes: true, environment: true },
    });
    const names = (model.featureSchema as { columns: { name: string }[] }).columns.map((c) => c.name);
    // Callao's bundled OpenStreetMap layers (markets, named streets) and the incidents' `modalidad`.
    expect(names).toEqual(
      expect.arrayContaining([
        'env.mercados.distance',
        'env.mercados.count500m',
        'env.calles.distance',
        'placeType.count',
        'placeType.share3x3._other',
      ]),
    );
    expect(names.filter((n) => n.startsWith('placeType.share.')).length).toBeGreaterThan(1);
  });

  it('forecasts from the artifact exactly as the fitted model conditioned on the day, without refitting', async () => {
    const { model } = await train(t.db, { ...base, model: 'sepp-grid', settings: { maxIterations: 10 } });
    const day = '2024-12-15';
    const made = await forecast(t.db, {
      area: 'callao',
      day,
      horizon: 'turno',
      model: 'ignored',
      trained: model.id,
    });
    expect(made).toHaveLength(4);
    const stored = await getForecast(t.db, made[0]?.id as number);
    expect(stored?.modelKind).toBe('sepp-grid');
    expect(stored?.modelConfig).toMatchObject({ maxIterations: 10, trainedModelId: model.id });
    // The same by hand: fit at the training cutoff, condition on the day's data, predict.
    const area = await getStudyArea(t.db, 'callao');
    const g = gridForArea(area, { cellSize: 150 });
    const { events } = await loadEvents(t.db, { area: 'callao', categories: groupCategories('property') });
    const module = getPredictor('sepp-grid');
    const trainCut = model.dataCutoff.getTime();
    const fitted = await module.fit(
      knownBefore(events, trainCut),
      { grid: g.grid, mask: g.mask, cutoff: trainCut, seed: 1, area: areaFacts(area, g) },
      module.parseConfig({ maxIterations: 10 }),
    );
    const windows = rollingWindows(day, '2024-12-16', 'turno', area.def.timeZone);
    const cut = (windows[0] as { start: number }).start;
    const expected = fitted
      .condition?.(knownBefore(events, cut), cut)
      ?.predict(windows[0] as { start: number; end: number });
    for (let c = 0; c < g.mask.length; c++)
      expect(stored?.surface.values[c]).toBeCloseTo(expected?.values[c] as number, 5);
    expect(stored?.dataCutoff.getTime()).toBe(cut);
    // A refit at the day would differ (its parameters see two more weeks).
    const refit = await module.fit(
      knownBefore(events, cut),
      { grid: g.grid, mask: g.mask, cutoff: cut, seed: 1, area: areaFacts(area, g) },
      module.parseConfig({ maxIterations: 10 }),
    );
    expect(totalRisk(refit.predict(windows[0] as { start: number; end: number }))).not.toBeCloseTo(
      made[0]?.totalRisk as number,
      4,
    );
  });

  it('uses the restored state as stored: a changed (re-hashed) artifact changes the forecast, a refit would not', async () => {
    const { model } = await train(t.db, {
      ...base,
      until: '2024-11-20',
      model: 'naive-counts',
      horizon: 'day',
    });
    const stored = await getTrainedModel(t.db, model.id);
    const artifact = JSON.parse(stored?.artifactJson as string) as ModelArtifact<
      unknown,
      { counts: number[] }
    >;
    artifact.state.counts = artifact.state.counts.map(() => 1); // every counted cell: 1
    const json = JSON.stringify(artifact);
    await t.db.query(
      'update trained_models set artifact = $1, artifact_sha256 = $2, artifact_size = $3 where id = $4',
      [gzipSync(json), sha256Hex(json), Buffer.byteLength(json), model.id],
    );
    const day = '2024-12-15';
    const [fromArtifact] = await forecast(t.db, {
      area: 'callao',
      day,
      horizon: 'day',
      model: 'x',
      trained: model.id,
    });
    // Read it before the refit below replaces it (same area, group, window and model kind).
    const f = await getForecast(t.db, fromArtifact?.id as number);
    expect(f?.modelConfig).toMatchObject({ trainedModelId: model.id });
    const [refitted] = await forecast(t.db, {
      area: 'callao',
      day,
      horizon: 'day',
      model: 'naive-counts',
      groups: ['property'],
    });
    const nonZero = Array.from(f?.surface.values ?? []).filter((v) => v > 0);
    // The tampered table (all ones, normalised over the counted cells) — not the refit's counts.
    expect(new Set(nonZero.map((v) => v.toFixed(6))).size).toBe(1);
    const cells = (artifact.state as unknown as { cells: number[] }).cells;
    expect(nonZero.length).toBe(cells.filter((c) => f?.surface.mask[c] === 1).length);
    const r = await getForecast(t.db, refitted?.id as number);
    expect(
      new Set(
        Array.from(r?.surface.values ?? [])
          .filter((v) => v > 0)
          .map((v) => v.toFixed(6)),
      ).size,
    ).toBeGreaterThan(1);
  });

  it('refuses unknown ids, altered artifacts, other groups and areas, and days before the cutoff', async () => {
    const { model } = await train(t.db, { ...base, model: 'stkde' });
    const req = { area: 'callao', day: '2024-12-15', horizon: 'turno' as const, model: 'x' };
    await expect(forecast(t.db, { ...req, trained: 999_999 })).rejects.toThrow(NotFoundError);
    await expect(forecast(t.db, { ...req, trained: 999_999 })).rejects.toThrow(
      /No existe el modelo entrenado 999999/,
    );
    await expect(forecast(t.db, { ...req, groups: ['violent'], trained: model.id })).rejects.toThrow(
      /--trained: el modelo entrenado \d+ es del grupo "property"/,
    );
    await expect(forecast(t.db, { ...req, day: '2024-11-15', trained: model.id })).rejects.toThrow(
      ValidationError,
    );
    await expect(forecast(t.db, { ...req, horizon: 'day', trained: model.id })).rejects.toThrow(/--horizon/);
    // Altered bytes without a matching hash: refused, never used.
    const stored = await getTrainedModel(t.db, model.id);
    const altered = (stored?.artifactJson ?? '').replace('"bandwidth":', '"bandwidth": ');
    await t.db.query('update trained_models set artifact = $1 where id = $2', [gzipSync(altered), model.id]);
    await expect(forecast(t.db, { ...req, trained: model.id })).rejects.toThrow(ConflictError);
    await expect(restoreTrainedModel(t.db, model.id)).rejects.toThrow(/no coincide con su SHA-256/);
  });

  it('stores nothing when training fails', async () => {
    const before = await rows();
    await expect(train(t.db, { ...base, until: '2023-01-01', model: 'sepp-grid' })).rejects.toThrow(
      InsufficientDataError,
    );
    await expect(
      train(t.db, { ...base, model: 'sepp-grid', settings: { trainingWindowDays: -1 } }),
    ).rejects.toThrow(/sepp-grid\.trainingWindowDays/);
    await expect(train(t.db, { ...base, model: 'sepp-grid', until: '2024-13-01' })).rejects.toThrow(
      /--until/,
    );
    expect(await rows()).toBe(before);
  });
});

import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../core/errors.ts';
import { createGrid } from '../core/grid.ts';
import { getStudyArea } from '../services/areas.ts';
import { BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import {
  getTrainedModel,
  listTrainedModels,
  saveTrainedModel,
  sha256Hex,
  type TrainedModelRecord,
} from './trained-models.ts';

describe.each(BACKENDS)('trained_models on %s', (backend) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(backend);
    await getStudyArea(t.db, 'callao');
  });
  afterAll(async () => {
    await t.drop();
  });

  const record = (state: unknown): TrainedModelRecord => ({
    area: 'callao',
    group: 'property',
    kind: 'naive-counts',
    schemaVersion: 1,
    config: { windowDays: null },
    grid: createGrid([0, 0, 300, 300], 'EPSG:32718', { cellSize: 150 }),
    horizon: 'day',
    artifactJson: JSON.stringify({ kind: 'naive-counts', schemaVersion: 1, config: {}, state }),
    featureSchema: { version: 1, columns: [{ name: 'count.all.7d', kind: 'count' }] },
    dataCutoff: new Date('2024-12-01T05:00:00Z'),
    dataSha256: 'a'.repeat(64),
    eventsUsed: 10,
    codeVersion: '0.1.0+unknown',
    seed: 1,
    metrics: { loss: 0.5 },
    createdBy: 'test',
  });

  it('numbers versions per key, never stores an artifact twice, and refuses altered bytes', async () => {
    const [a, b] = await Promise.all([
      saveTrainedModel(t.db, record([1])),
      saveTrainedModel(t.db, record([2])),
    ]);
    expect([a?.meta.version, b?.meta.version].sort()).toEqual([1, 2]);
    const dup = await saveTrainedModel(t.db, record([1]));
    expect(dup.duplicate).toBe(true);
    expect(dup.meta.id).toBe(a.meta.id);
    expect(await listTrainedModels(t.db, { kind: 'naive-counts' })).toHaveLength(2);
    expect(await listTrainedModels(t.db, { group: 'violent' })).toHaveLength(0);
    const got = await getTrainedModel(t.db, a.meta.id);
    expect(got?.artifactJson).toBe(record([1]).artifactJson);
    expect(got?.meta).toMatchObject({
      featureSchema: { columns: [{ name: 'count.all.7d' }] },
      metrics: { loss: 0.5 },
      artifactSha256: sha256Hex(record([1]).artifactJson),
      grid: { cellSize: 150 },
    });
    expect(await getTrainedModel(t.db, 987_654)).toBeUndefined();
    await t.db.query('update trained_models set artifact = $1 where id = $2', [
      gzipSync(record([9]).artifactJson),
      a.meta.id,
    ]);
    await expect(getTrainedModel(t.db, a.meta.id)).rejects.toThrow(ConflictError);
    await t.db.query('update trained_models set artifact = $1 where id = $2', [
      Buffer.from('no gzip'),
      b.meta.id,
    ]);
    await expect(getTrainedModel(t.db, b.meta.id)).rejects.toThrow(/dañado/);
  });
});

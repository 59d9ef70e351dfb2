import { describe, expect, it } from 'vitest';
import { createEventSet } from '../../core/events.ts';
import type { GridSpec } from '../../core/grid.ts';
import { mulberry32 } from '../../core/random.ts';
import { CATEGORY_CODES } from '../../core/taxonomy.ts';
import { runPredictorConformance } from '../conformance.case.ts';
import { gbtGrid } from './gbt-grid.ts';

runPredictorConformance(gbtGrid, {
  config: { trainDays: 60, iterations: 20, minSamplesLeaf: 20 },
  explains: true,
});
runPredictorConformance(gbtGrid, {
  config: {
    trainDays: 60,
    iterations: 10,
    minSamplesLeaf: 20,
    hourFeatures: false,
    otherGroups: false,
    targetDays: 3,
    clusters: true,
  },
});

describe('gbt-grid: time of day', () => {
  it('ranks a night hotspot first at night and a day hotspot first in the afternoon (hour profiles)', async () => {
    const DAY = 86_400_000;
    const HOUR = 3_600_000;
    const grid: GridSpec = {
      x0: 0,
      y0: 0,
      cellSize: 100,
      cols: 10,
      rows: 10,
      rotationDeg: 0,
      crs: 'EPSG:32718',
    };
    const mask = new Uint8Array(100).fill(1);
    // Lima midnight of 2024-06-01 (UTC−5).
    const cutoff = Date.UTC(2024, 5, 1, 5);
    const next = mulberry32(9);
    const t: number[] = [];
    const x: number[] = [];
    const y: number[] = [];
    // Cell (2, 2): 22:00–23:00 local; cell (7, 7): 14:00–15:00 local; 150 days, about one a day each.
    for (let d = 1; d <= 150; d++) {
      const midnight = cutoff - d * DAY;
      for (const [cx, cy, hour] of [
        [2, 2, 22],
        [7, 7, 14],
      ] as const) {
        if (next() < 0.3) continue;
        t.push(midnight + (hour + next()) * HOUR);
        x.push(cx * 100 + 50);
        y.push(cy * 100 + 50);
      }
    }
    const events = createEventSet({ t, x, y, category: t.map(() => CATEGORY_CODES.indexOf('robo')) });
    const ctx = {
      grid,
      mask,
      cutoff,
      seed: 1,
      allEvents: events,
      area: { timeZone: 'America/Lima' },
      horizon: 'turno' as const,
    };
    const top = (values: Float64Array): number => values.indexOf(Math.max(...values));
    const train = async (hourFeatures: boolean) =>
      gbtGrid.fit(
        events,
        ctx,
        gbtGrid.parseConfig({
          trainDays: 120,
          trainStrideDays: 1,
          iterations: 60,
          minSamplesLeaf: 10,
          hourFeatures,
        }),
      );
    const p = await train(true);
    const noche = p.predict({ start: cutoff + 18 * HOUR, end: cutoff + DAY });
    const tarde = p.predict({ start: cutoff + 12 * HOUR, end: cutoff + 18 * HOUR });
    expect(top(noche.values)).toBe(22);
    expect(top(tarde.values)).toBe(77);
    // Without hour features the two turnos rank the cells alike.
    const q = await train(false);
    expect(top(q.predict({ start: cutoff + 18 * HOUR, end: cutoff + DAY }).values)).toBe(
      top(q.predict({ start: cutoff + 12 * HOUR, end: cutoff + 18 * HOUR }).values),
    );
  });
});

describe('gbt-grid: location clusters', () => {
  it('adds k-means cluster columns computed as of the first training window, kept in the artifact', async () => {
    const DAY = 86_400_000;
    const grid: GridSpec = {
      x0: 0,
      y0: 0,
      cellSize: 100,
      cols: 12,
      rows: 12,
      rotationDeg: 0,
      crs: 'EPSG:32718',
    };
    const mask = new Uint8Array(144).fill(1);
    const cutoff = Date.UTC(2024, 5, 1, 5);
    const next = mulberry32(4);
    const t: number[] = [];
    const x: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 400; i++) {
      const [cx, cy] = next() < 0.5 ? [250, 250] : [850, 850];
      t.push(cutoff - (1 + next() * 200) * DAY);
      x.push(cx + (next() - 0.5) * 200);
      y.push(cy + (next() - 0.5) * 200);
    }
    const order = t.map((_, i) => i).sort((a, b) => (t[a] as number) - (t[b] as number));
    const events = createEventSet({
      t: order.map((i) => t[i] as number),
      x: order.map((i) => x[i] as number),
      y: order.map((i) => y[i] as number),
      category: order.map(() => CATEGORY_CODES.indexOf('robo')),
    });
    const ctx = { grid, mask, cutoff, seed: 3, allEvents: events, area: { timeZone: 'America/Lima' } };
    const config = gbtGrid.parseConfig({ trainDays: 30, iterations: 10, minSamplesLeaf: 10, clusters: true });
    const p = await gbtGrid.fit(events, ctx, config);
    const artifact = p.toArtifact();
    const state = artifact.state as { clusterAsOf: number; featureSchema: { columns: { name: string }[] } };
    const names = state.featureSchema.columns.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['cluster.distance', 'cluster.size', 'cluster.density']));
    // As of the first training window (30 days before the cutoff's day), never later.
    expect(state.clusterAsOf).toBeLessThanOrEqual(cutoff - 29 * DAY);
    expect(state.clusterAsOf).toBeGreaterThanOrEqual(cutoff - 31 * DAY);
    const back = await gbtGrid.fromArtifact(JSON.parse(JSON.stringify(artifact)), ctx);
    const w = { start: cutoff, end: cutoff + DAY };
    expect(back.predict(w).values).toEqual(p.predict(w).values);
    const without = (
      await gbtGrid.fit(events, ctx, gbtGrid.parseConfig({ trainDays: 30, iterations: 10 }))
    ).toArtifact().state as { featureSchema: { columns: { name: string }[] } };
    expect(without.featureSchema.columns.map((c) => c.name)).not.toContain('cluster.distance');
  });
});

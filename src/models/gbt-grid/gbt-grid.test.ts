import { describe, expect, it } from 'vitest';
import { createEventSet } from '../../core/events.ts';
import type { GridSpec } from '../../core/grid.ts';
import { mulberry32 } from '../../core/random.ts';
import { CATEGORY_CODES } from '../../core/taxonomy.ts';
import { runBacktest } from '../../evaluation/backtest/runner.ts';
import { runPredictorConformance } from '../conformance.case.ts';
import { naiveCounts } from '../naive-counts/naive-counts.ts';
import { gbtGrid } from './gbt-grid.ts';

/** A side × side grid of 100 m cells at the origin (UTM 18S). */
const squareGrid = (side: number): GridSpec => ({
  x0: 0,
  y0: 0,
  cellSize: 100,
  cols: side,
  rows: side,
  rotationDeg: 0,
  crs: 'EPSG:32718',
});

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
    const grid = squareGrid(10);
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
    const grid = squareGrid(12);
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

describe('gbt-grid: place types and environment layers', () => {
  it('adds place-type columns of incidents known before the first training window and environment columns, kept in the artifact', async () => {
    const DAY = 86_400_000;
    const grid = squareGrid(8);
    const mask = new Uint8Array(64).fill(1);
    const cutoff = Date.UTC(2024, 5, 1, 5);
    const next = mulberry32(5);
    // Bars on the diagonal carry the risk (about one robbery every 2 days each), homes elsewhere
    // almost none; every incident records its place type.
    const rows: { t: number; c: number; type: string }[] = [];
    for (let d = 1; d <= 120; d++)
      for (let c = 0; c < 64; c++) {
        const bar = c % 9 === 0;
        if (next() < (bar ? 0.5 : 0.01))
          rows.push({ t: cutoff - (d - next()) * DAY, c, type: bar ? 'bar' : 'residencia' });
      }
    // A type first seen after the first training window: known before the cutoff, yet never a column.
    rows.push({ t: cutoff - 3 * DAY, c: 20, type: 'tienda' }, { t: cutoff - 2 * DAY, c: 21, type: 'tienda' });
    rows.sort((a, b) => a.t - b.t);
    const x = rows.map((r) => (r.c % 8) * 100 + 50);
    const y = rows.map((r) => Math.floor(r.c / 8) * 100 + 50);
    const events = createEventSet({
      t: rows.map((r) => r.t),
      x,
      y,
      category: rows.map(() => CATEGORY_CODES.indexOf('robo')),
    });
    const labels = ['bar', 'residencia', 'tienda'];
    const placeTypes = { known: events.known, x, y, label: rows.map((r) => labels.indexOf(r.type)), labels };
    const market = {
      type: 'Feature',
      properties: {},
      geometry: { type: 'Point', coordinates: [0.25, 0.25] },
    };
    const environment = {
      layers: [{ name: 'mercados', geojson: { type: 'FeatureCollection', features: [market] } }],
      project: (lon: number, lat: number) => [lon * 1000, lat * 1000] as const,
    };
    const ctx = { grid, mask, cutoff, seed: 2, allEvents: events, area: { timeZone: 'America/Lima' } };
    const config = gbtGrid.parseConfig({
      trainDays: 28,
      trainStrideDays: 2,
      iterations: 10,
      minSamplesLeaf: 10,
      placeTypes: true,
      environment: true,
    });
    expect(gbtGrid.usesInputs?.(config)).toEqual(['placeTypes', 'environment']);
    const p = await gbtGrid.fit(events, { ...ctx, placeTypes, environment }, config);
    const artifact = p.toArtifact();
    const names = (
      artifact.state as { featureSchema: { columns: { name: string }[] } }
    ).featureSchema.columns.map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'placeType.share.bar',
        'placeType.share.residencia',
        'placeType.share3x3.bar',
        'placeType.count',
        'env.mercados.distance',
        'env.mercados.count500m',
      ]),
    );
    expect(names).not.toContain('placeType.share.tienda');
    // A stored model predicts identically without being given the inputs again.
    const back = await gbtGrid.fromArtifact(JSON.parse(JSON.stringify(artifact)), ctx);
    const w = { start: cutoff, end: cutoff + DAY };
    const values = p.predict(w).values;
    expect(back.predict(w).values).toEqual(values);
    // The bars rank above the homes.
    const bars = [0, 9, 18, 27, 36, 45, 54, 63];
    expect(Math.min(...bars.map((c) => values[c] as number))).toBeGreaterThan(
      Math.max(...[...values.keys()].filter((c) => !bars.includes(c)).map((c) => values[c] as number)),
    );
    // A setting whose input the caller did not load is refused, naming it.
    await expect(gbtGrid.fit(events, ctx, config)).rejects.toThrow(/tipos de lugar/);
    expect(gbtGrid.usesInputs?.(gbtGrid.defaults)).toEqual([]);
  });
});

describe('the harness cuts place types like events', () => {
  it('gives each fit only the place types known before its window', async () => {
    const DAY = 86_400_000;
    const grid = squareGrid(2);
    const start = Date.UTC(2024, 5, 1, 5);
    const events = createEventSet({ t: [start - DAY], x: [50], y: [50], category: [0] });
    // Known 2 days before, half a day after the first window's start, and after the second's.
    const known = [start - 2 * DAY, start + DAY / 2, start + 3 * DAY];
    const placeTypes = { known, x: [50, 50, 150], y: [50, 50, 150], label: [0, 1, 0], labels: ['a', 'b'] };
    const seen: number[][] = [];
    const spy = {
      ...naiveCounts,
      fit(e: Parameters<typeof naiveCounts.fit>[0], ctx: Parameters<typeof naiveCounts.fit>[1], c: never) {
        seen.push(Array.from(ctx.placeTypes?.known ?? []));
        return naiveCounts.fit(e, ctx, c);
      },
    };
    await runBacktest(
      {
        events,
        placeTypes,
        grid,
        mask: new Uint8Array(4).fill(1),
        windows: [
          { start, end: start + DAY },
          { start: start + DAY, end: start + 2 * DAY },
        ],
        models: [{ name: 'spy', module: spy as never, config: naiveCounts.defaults }],
        seed: 1,
      },
      () => {},
    );
    expect(seen).toEqual([[start - 2 * DAY], [start - 2 * DAY, start + DAY / 2]]);
  });
});

/**
 * The shared predictor conformance suite (architecture convention 1). Every model test calls
 * `runPredictorConformance(module)` first; it declares vitest tests that check what the harness and
 * the rest of the system rely on, whatever the method:
 *
 * - `config`: `parseConfig` returns the defaults for no input and rejects an unknown option;
 * - `nonNegative`: one finite value ≥ 0 per cell, and some risk where there are events;
 * - `maskedZero`: masked cells are exactly 0 (the fixture has a hotspot inside the masked corner);
 * - `deterministic`: the same seed gives the same values;
 * - `roundTrip`: the artifact is plain JSON and `fromArtifact(JSON.parse(JSON.stringify(a)))`
 *   predicts identical values;
 * - `artifactErrors`: another kind or schema version is refused with a ValidationError;
 * - `noLeakage`: training on `knownBefore(events, cutoff)` and on `knownBefore(events + later
 *   events, cutoff)` gives identical forecasts (the later events include some that occurred before
 *   the cutoff but were registered at or after it);
 * - `emptyTraining`: no training events give a valid surface (all zero unless told otherwise), never NaN;
 * - `explain` (only for modules declared with `explains: true`): `explain(window, cells)` gives one
 *   entry per asked cell whose `value` is `predict`'s (1e-9 relative) and whose parts add up to it
 *   (ETAS: background + triggered; features: inverse link of base + contributions + rest), at most
 *   `EXPLAIN_TOP_FEATURES` features largest first with Spanish labels; a restored model explains
 *   identically; a masked cell is refused.
 *
 * A check can be skipped only with a reason, which is printed in the test name. The fixture is a
 * 20×20 grid of 150 m cells with a masked corner and a few hundred seeded synthetic events around
 * three hotspots (never real data). This file is test support: it is not exported by the barrel.
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.ts';
import { createEventSet, type EventSet, knownBefore } from '../core/events.ts';
import { cellCount, type GridSpec } from '../core/grid.ts';
import { mulberry32 } from '../core/random.ts';
import { CATEGORY_CODES } from '../core/taxonomy.ts';
import { runBacktest } from '../evaluation/backtest/runner.ts';
import {
  EXPLAIN_TOP_FEATURES,
  type FitContext,
  type ForecastWindow,
  type ModelArtifact,
  type Predictor,
  type PredictorModule,
} from './predictor.ts';

/** The checks of the suite, by name (the keys of `options.skip`). */
export const CONFORMANCE_CHECKS = [
  'config',
  'nonNegative',
  'maskedZero',
  'deterministic',
  'roundTrip',
  'artifactErrors',
  'noLeakage',
  'emptyTraining',
  'explain',
] as const;
/** One of {@link CONFORMANCE_CHECKS}. */
export type ConformanceCheck = (typeof CONFORMANCE_CHECKS)[number];

/** Options of {@link runPredictorConformance}. */
export interface ConformanceOptions {
  /** Options passed through `parseConfig` for every fit (default: the module's defaults). */
  config?: unknown;
  /** Checks to skip, each with the reason (required, non-empty; shown in the test name). */
  skip?: Partial<Record<ConformanceCheck, string>>;
  /**
   * What an empty training set must give: 'zero' (default) = all zeros; 'any' = any valid surface
   * (for models that do not use the events, such as the random baseline).
   */
  emptySurface?: 'zero' | 'any';
  /** The module's predictors implement `explain`: declares the `explain` check. */
  explains?: boolean;
}

/** The synthetic data of the suite. */
export interface ConformanceFixture {
  grid: GridSpec;
  /** 1 = valid; the 5×5 north-east corner is masked. */
  mask: Uint8Array;
  /** Prediction time. */
  cutoff: number;
  /** Events before the cutoff (some registered only after it). */
  events: EventSet;
  /** `events` plus later events: occurred at/after the cutoff, or before it but registered at/after it. */
  eventsWithFuture: EventSet;
  /** `events` plus events of another group (lesiones) around one of the hotspots, for multi-group features. */
  allEvents: EventSet;
  /** `allEvents` plus later events of both groups. */
  allEventsWithFuture: EventSet;
  /** Windows predicted by the checks: the day after the cutoff and the following week. */
  windows: readonly ForecastWindow[];
}

const DAY = 86_400_000;
const LESIONES = CATEGORY_CODES.indexOf('lesiones');

/**
 * Builds the suite's seeded synthetic fixture (deterministic for a given seed).
 * @param seed PRNG seed (default 20240601).
 * @returns Grid, mask, cutoff, events and the events with later additions.
 * @example
 * const { grid, mask, cutoff, events } = buildConformanceFixture();
 */
export function buildConformanceFixture(seed = 20240601): ConformanceFixture {
  const grid: GridSpec = Object.freeze({
    x0: 268_000,
    y0: 8_660_000,
    cellSize: 150,
    cols: 20,
    rows: 20,
    rotationDeg: 0,
    crs: 'EPSG:32718',
  });
  const mask = new Uint8Array(cellCount(grid)).fill(1);
  for (let r = 15; r < 20; r++) for (let c = 15; c < 20; c++) mask[r * 20 + c] = 0;
  const cutoff = Date.UTC(2024, 5, 1, 5);
  const next = mulberry32(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  // Hotspots (column, row in cells; age range in days): one recent, one old, one inside the mask.
  const hotspots = [
    { c: 4.5, r: 5.5, minAge: 0, maxAge: 50 },
    { c: 12, r: 9, minAge: 100, maxAge: 400 },
    { c: 17.5, r: 17.5, minAge: 0, maxAge: 400 },
  ];
  const t: number[] = [];
  const known: number[] = [];
  const x: number[] = [];
  const y: number[] = [];
  const category: number[] = [];
  // Categories by index in CATEGORY_CODES: hurto and robo for the forecast group.
  const push = (ti: number, ki: number, xi: number, yi: number, ci = t.length % 2): void => {
    t.push(ti);
    known.push(ki);
    x.push(xi);
    y.push(yi);
    category.push(ci);
  };
  const delay = (): number => (next() < 0.75 ? 0 : next() * 10 * DAY);
  for (let i = 0; i < 360; i++) {
    let xi: number;
    let yi: number;
    let age: number;
    const h = hotspots[i % 5];
    if (h) {
      xi = grid.x0 + h.c * 150 + 100 * normal();
      yi = grid.y0 + h.r * 150 + 100 * normal();
      age = h.minAge + next() * (h.maxAge - h.minAge);
    } else {
      // Background, over the grid plus a 200 m margin: some events fall just outside it.
      xi = grid.x0 - 200 + next() * (20 * 150 + 400);
      yi = grid.y0 - 200 + next() * (20 * 150 + 400);
      age = next() * 420;
    }
    const ti = cutoff - age * DAY - 1;
    push(ti, ti + delay(), xi, yi);
  }
  const events = createEventSet({ t, known, x, y, category });
  // Another group (lesiones) around the old hotspot, drawn once: 80 before the cutoff, 40 after.
  const other: [number, number, number][] = [];
  for (let i = 0; i < 120; i++)
    other.push([
      i < 80 ? cutoff - next() * 200 * DAY - 1 : cutoff + next() * 20 * DAY,
      grid.x0 + 12 * 150 + 120 * normal(),
      grid.y0 + 9 * 150 + 120 * normal(),
    ]);
  const withOther = (count: number): EventSet => {
    const cols = { t: [...t], known: [...known], x: [...x], y: [...y], category: [...category] };
    for (const [ti, xi, yi] of other.slice(0, count)) {
      cols.t.push(ti);
      cols.known.push(ti);
      cols.x.push(xi);
      cols.y.push(yi);
      cols.category.push(LESIONES);
    }
    return createEventSet(cols);
  };
  const allEvents = withOther(80);
  // Later information, placed on the hotspots so that any leak changes the forecast.
  for (let i = 0; i < 90; i++) {
    const h = hotspots[i % 3] ?? { c: 10, r: 10 };
    const xi = grid.x0 + h.c * 150 + 80 * normal();
    const yi = grid.y0 + h.r * 150 + 80 * normal();
    if (i % 3 === 0) {
      const ti = cutoff + next() * 30 * DAY;
      push(ti, ti, xi, yi);
    } else {
      // Occurred before the cutoff, registered at or after it.
      const ti = cutoff - next() * 20 * DAY - 1;
      push(ti, cutoff + next() * 10 * DAY, xi, yi);
    }
  }
  push(cutoff, cutoff, grid.x0 + 4.5 * 150, grid.y0 + 5.5 * 150);
  push(cutoff - DAY, cutoff, grid.x0 + 4.5 * 150, grid.y0 + 5.5 * 150);
  const eventsWithFuture = createEventSet({ t, known, x, y, category });
  const allEventsWithFuture = withOther(120);
  const windows = [
    { start: cutoff, end: cutoff + DAY },
    { start: cutoff + DAY, end: cutoff + 8 * DAY },
  ];
  return { grid, mask, cutoff, events, eventsWithFuture, allEvents, allEventsWithFuture, windows };
}

/**
 * Declares the conformance tests of a predictor module (call it at the top of the model's test).
 * @param module The module under test.
 * @param options `config` (raw options for `parseConfig`), `skip` (check → reason) and `emptySurface`.
 * @throws Error at declaration when a skip has no reason
 * @example
 * runPredictorConformance(retroHotspot);
 * runPredictorConformance(random, { emptySurface: 'any' });
 */
export function runPredictorConformance<C>(
  module: PredictorModule<C, Predictor | Promise<Predictor>>,
  options: ConformanceOptions = {},
): void {
  const fx = buildConformanceFixture();
  const area = { timeZone: 'America/Lima', country: 'PE' };
  const training = knownBefore(fx.events, fx.cutoff);
  const ctx: FitContext = {
    grid: fx.grid,
    mask: fx.mask,
    cutoff: fx.cutoff,
    seed: 1234,
    allEvents: knownBefore(fx.allEvents, fx.cutoff),
    area,
  };
  const restoreCtx = { grid: fx.grid, mask: fx.mask, seed: 1234, area };
  const config = (): C => module.parseConfig(options.config);
  const fitted = async (): Promise<Predictor> => module.fit(training, ctx, config());
  const predictAll = (p: { predict(w: ForecastWindow): { values: Float64Array } }): Float64Array[] =>
    fx.windows.map((w) => p.predict(w).values);

  const check = (name: ConformanceCheck, title: string, fn: () => void | Promise<void>): void => {
    const reason = options.skip?.[name];
    if (reason === undefined) {
      it(`${name}: ${title}`, fn);
      return;
    }
    if (reason.trim() === '') throw new Error(`conformance: skipping "${name}" needs a reason`);
    it.skip(`${name}: ${title} (omitida: ${reason})`, fn);
  };

  const label = options.config === undefined ? '' : ` ${JSON.stringify(options.config)}`;
  describe(`${module.kind}${label}: conformidad del predictor`, () => {
    check('config', 'parseConfig gives the defaults and rejects unknown options', () => {
      expect(module.parseConfig(undefined)).toEqual(module.defaults);
      expect(module.parseConfig({})).toEqual(module.defaults);
      expect(module.parseConfig(module.defaults)).toEqual(module.defaults);
      expect(() => module.parseConfig({ opcionInexistente: 1 })).toThrow(ValidationError);
      expect(() => module.parseConfig('no es un objeto')).toThrow(ValidationError);
      expect(module.kind).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(module.description.length).toBeGreaterThan(0);
    });

    check('nonNegative', 'one finite non-negative value per cell, positive somewhere', async () => {
      const p = await fitted();
      for (const w of fx.windows) {
        const s = p.predict(w);
        expect(s.values.length).toBe(cellCount(fx.grid));
        expect(s.mask).toEqual(fx.mask);
        let total = 0;
        for (const v of s.values) {
          expect(Number.isFinite(v) && v >= 0).toBe(true);
          total += v;
        }
        expect(total).toBeGreaterThan(0);
      }
    });

    check('maskedZero', 'masked cells are exactly 0', async () => {
      for (const values of predictAll(await fitted()))
        for (let c = 0; c < values.length; c++) if (fx.mask[c] === 0) expect(values[c]).toBe(0);
    });

    check('deterministic', 'the same seed gives identical values', async () => {
      expect(predictAll(await fitted())).toEqual(predictAll(await fitted()));
    });

    check('roundTrip', 'the artifact is plain JSON and restores identical predictions', async () => {
      const p = await fitted();
      const artifact = p.toArtifact();
      expect(artifact.kind).toBe(module.kind);
      expect(artifact.schemaVersion).toBe(module.schemaVersion);
      const json = JSON.parse(JSON.stringify(artifact)) as ModelArtifact;
      expect(json).toEqual(artifact);
      const restored = await module.fromArtifact(json, restoreCtx);
      expect(restored.kind).toBe(module.kind);
      expect(predictAll(restored)).toEqual(predictAll(p));
      // A restored model serialises to the same artifact.
      expect(JSON.parse(JSON.stringify(restored.toArtifact()))).toEqual(json);
    });

    check('artifactErrors', 'another kind or schema version is refused', async () => {
      const artifact = JSON.parse(JSON.stringify((await fitted()).toArtifact())) as ModelArtifact;
      await expect(async () =>
        module.fromArtifact({ ...artifact, kind: 'otro-modelo' }, restoreCtx),
      ).rejects.toThrow(ValidationError);
      await expect(async () =>
        module.fromArtifact({ ...artifact, schemaVersion: module.schemaVersion + 1 }, restoreCtx),
      ).rejects.toThrow(ValidationError);
    });

    check(
      'noLeakage',
      'events at or after the cutoff (by occurrence or registration) change nothing',
      async () => {
        // The fixture really adds later events, and the harness cut removes all of them.
        expect(fx.eventsWithFuture.length).toBeGreaterThan(fx.events.length);
        expect(fx.allEventsWithFuture.length).toBeGreaterThan(fx.allEvents.length);
        // Through the real harness: it is given the store's whole history (future rows included) and
        // must cut every set a model sees — the forecast group's events and every group's events.
        const viaHarness = async (events: EventSet, allEvents: EventSet): Promise<Float64Array[]> => {
          const out: Float64Array[] = [];
          await runBacktest(
            {
              events,
              allEvents,
              area,
              grid: fx.grid,
              mask: fx.mask,
              windows: fx.windows.slice(0, 1),
              models: [{ name: 'm', module, config: config() }],
              seed: 1234,
            },
            (model, _wi, surface) => {
              if (model === 'm') out.push(surface.values);
            },
          );
          return out;
        };
        const clean = await viaHarness(fx.events, fx.allEvents);
        expect(await viaHarness(fx.eventsWithFuture, fx.allEventsWithFuture)).toEqual(clean);
        // And directly: the harness's cut of the future-laden sets fits to the same forecasts.
        const b = await module.fit(
          knownBefore(fx.eventsWithFuture, fx.cutoff),
          {
            ...ctx,
            allEvents: knownBefore(fx.allEventsWithFuture, fx.cutoff),
          },
          config(),
        );
        expect(predictAll(b)).toEqual(predictAll(await fitted()));
      },
    );

    if (options.explains)
      check('explain', 'explains each asked cell: its value, parts that add up to it', async () => {
        const p = await fitted();
        expect(typeof p.explain).toBe('function');
        const explain = (q: Predictor, w: ForecastWindow, cells: Int32Array) =>
          (q.explain as NonNullable<Predictor['explain']>)(w, cells);
        const cells = Int32Array.from(fx.mask.keys()).filter((c) => fx.mask[c] === 1);
        const close = (a: number, b: number): void =>
          expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(Math.abs(a), Math.abs(b), 1e-300));
        const json = JSON.parse(JSON.stringify(p.toArtifact())) as ModelArtifact;
        const restored = await module.fromArtifact(json, restoreCtx);
        let labelled = 0;
        for (const w of fx.windows) {
          const values = p.predict(w).values;
          const ex = explain(p, w, cells);
          expect(ex.map((e) => e.cell)).toEqual([...cells]);
          for (const e of ex) {
            close(e.value, values[e.cell] as number);
            if (e.kind === 'etas') {
              expect(e.background).toBeGreaterThanOrEqual(0);
              expect(e.triggered).toBeGreaterThanOrEqual(0);
              close(e.background + e.triggered, e.value);
            } else {
              expect(e.contributions.length).toBeLessThanOrEqual(EXPLAIN_TOP_FEATURES);
              let raw = e.base + e.rest;
              e.contributions.forEach((c, i) => {
                raw += c.value;
                if (i > 0)
                  expect(Math.abs(c.value)).toBeLessThanOrEqual(
                    Math.abs((e.contributions[i - 1] as { value: number }).value),
                  );
                if (c.label !== c.feature) labelled++;
              });
              close(e.link === 'log' ? Math.exp(raw) : raw, e.value);
            }
          }
          expect(explain(restored, w, cells)).toEqual(ex);
        }
        if (explain(p, fx.windows[0] as ForecastWindow, cells.slice(0, 1))[0]?.kind === 'features')
          expect(labelled).toBeGreaterThan(0);
        const masked = fx.mask.indexOf(0);
        expect(() => explain(p, fx.windows[0] as ForecastWindow, Int32Array.of(masked))).toThrow(
          ValidationError,
        );
      });

    check('emptyTraining', 'no training events give a valid surface, never NaN', async () => {
      const empty = createEventSet({ t: [], x: [], y: [] });
      const p = await module.fit(empty, { ...ctx, allEvents: empty }, config());
      for (const values of predictAll(p)) {
        expect(values.length).toBe(cellCount(fx.grid));
        for (let c = 0; c < values.length; c++) {
          const v = values[c] as number;
          expect(Number.isFinite(v) && v >= 0).toBe(true);
          if (fx.mask[c] === 0 || (options.emptySurface ?? 'zero') === 'zero') expect(v).toBe(0);
        }
      }
      const json = JSON.parse(JSON.stringify(p.toArtifact())) as ModelArtifact;
      expect(predictAll(await module.fromArtifact(json, restoreCtx))).toEqual(predictAll(p));
    });
  });
}

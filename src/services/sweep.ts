/**
 * Parameter sweeps: every combination of the given settings of one or more models is backtested on
 * a validation period that ends before the test period starts, in parallel on all cores (one worker
 * thread per core, each holding the events once). The best setting per model — by pooled hit rate at
 * the chosen coverage — is then evaluated on the test period against naive, random and the oracle.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ValidationError } from '../core/errors.ts';
import type { EventSet } from '../core/events.ts';
import type { GridSpec } from '../core/grid.ts';
import { rollingWindows } from '../evaluation/backtest/windows.ts';
import { DEFAULT_COVERAGES, type TieBreak } from '../evaluation/metrics/index.ts';
import type { BacktestReport, CurvePoint } from '../evaluation/report/report.ts';
import type { EnvironmentLayer } from '../features/environment.ts';
import { gridForArea } from '../geo/area-grid.ts';
import type { AreaFacts, FitContext, ForecastWindow } from '../models/predictor.ts';
import { getPredictor } from '../models/registry.ts';
import type { Db } from '../storage/db.ts';
import { loadEvents } from '../storage/events.ts';
import { areaFacts, getStudyArea } from './areas.ts';
import { backtest, groupCategories, TIE_RULES } from './backtest.ts';
import { loadModelInputs } from './model-inputs.ts';
import { resolveModel } from './models.ts';

/** What every worker receives once. */
export interface SweepWorkerData {
  events: EventSet;
  /** Every group's events, when a swept model uses them (learned models). */
  allEvents?: EventSet;
  area: AreaFacts;
  grid: GridSpec;
  mask: Uint8Array;
  windows: ForecastWindow[];
  coverages: readonly number[];
  seed: number;
  /** Tie rule of the top slice (default `average`). */
  tieBreak?: TieBreak;
  /** Place types, when a swept setting uses them (the harness cuts them at each window). */
  placeTypes?: FitContext['placeTypes'];
  /** Environment layers and the area's projection (rebuilt in the worker), when a setting uses them. */
  environment?: { layers: EnvironmentLayer[]; crs: { code: string; definition: string } };
}

/** One setting to score. */
export interface SweepJob {
  id: number;
  kind: string;
  config: Record<string, unknown>;
}

/** A worker's answer. */
export interface SweepResult {
  id: number;
  curve?: CurvePoint[];
  seconds?: number;
  error?: string;
}

/** A request: per model kind, the values to try for each option (all combinations are tried). */
export interface SweepRequest {
  area: string;
  group: string;
  grids: Readonly<Record<string, Readonly<Record<string, readonly unknown[]>>>>;
  /** Validation period (local days) — must end on or before `testFrom`. */
  validateFrom: string;
  validateTo: string;
  testFrom: string;
  testTo: string;
  cellSize?: number;
  /** A point (metres in the grid's CRS) the grid is anchored on, snapped to the cell size. */
  gridOrigin?: readonly [number, number];
  /** Tie rule of the top slice, in validation and test (default `average`). */
  tieBreak?: TieBreak;
  seed?: number;
  /** Coverage whose pooled hit rate picks the winner (default 0.05). */
  coverage?: number;
  workers?: number;
  onProgress?: (done: number, total: number) => void;
}

/** One scored candidate. */
export interface SweepCandidate {
  kind: string;
  config: Record<string, unknown>;
  hitRate: number;
  seconds: number;
  error?: string;
}

/** Sweep output: every candidate's validation score, the winners, and the test-period report. */
export interface SweepReport {
  validation: { from: string; to: string; coverage: number; candidates: SweepCandidate[] };
  selected: Record<string, Record<string, unknown>>;
  workers: number;
  seconds: number;
  test: BacktestReport;
}

/** All combinations of option values. */
export function expandGrid(values: Readonly<Record<string, readonly unknown[]>>): Record<string, unknown>[] {
  let out: Record<string, unknown>[] = [{}];
  for (const [key, options] of Object.entries(values)) {
    if (options.length === 0) throw new ValidationError(key, 'la lista de valores a probar está vacía');
    out = out.flatMap((base) => options.map((v) => ({ ...base, [key]: v })));
  }
  return out;
}

/**
 * Runs a sweep.
 * @throws ValidationError when the validation period overlaps the test period or a setting is invalid
 */
export async function sweep(db: Db, req: SweepRequest): Promise<SweepReport> {
  if (req.validateTo > req.testFrom)
    throw new ValidationError(
      '--validate-to',
      'el periodo de validación debe terminar antes de que empiece el de prueba',
    );
  const tieBreak = req.tieBreak ?? 'average';
  if (!(TIE_RULES as readonly string[]).includes(tieBreak))
    throw new ValidationError(
      '--tie-rule',
      `regla de empates desconocida "${tieBreak}" (use: ${TIE_RULES.join(', ')})`,
    );
  const started = performance.now();
  const coverage = req.coverage ?? 0.05;
  const categories = groupCategories(req.group);
  const area = await getStudyArea(db, req.area);
  const areaGrid = gridForArea(area, {
    ...(req.cellSize === undefined ? {} : { cellSize: req.cellSize }),
    ...(req.gridOrigin ? { origin: req.gridOrigin } : {}),
  });
  const { grid, mask } = areaGrid;
  const windows = rollingWindows(req.validateFrom, req.validateTo, 'day', area.def.timeZone);
  const last = windows[windows.length - 1] as ForecastWindow;
  // Only what the validation period can use: nothing from the test period reaches the workers.
  const { events } = await loadEvents(db, { area: area.def.id, categories, to: last.end });
  const jobs: SweepJob[] = [];
  for (const [kind, values] of Object.entries(req.grids)) {
    for (const config of expandGrid(values)) {
      resolveModel(kind, config); // refuse a bad setting (naming model.option) before any worker starts
      jobs.push({ id: jobs.length, kind, config });
    }
  }
  const workers = Math.max(1, Math.min(req.workers ?? availableParallelism(), jobs.length));
  const seed = req.seed ?? 1;
  const allEvents = Object.keys(req.grids).some((kind) => getPredictor(kind).usesAllEvents)
    ? (await loadEvents(db, { area: area.def.id, to: last.end })).events
    : undefined;
  const { placeTypes, environment } = await loadModelInputs(
    db,
    area,
    jobs.map((job) => ({
      module: getPredictor(job.kind),
      config: resolveModel(job.kind, job.config).config,
    })),
    last.end,
  );
  const data: SweepWorkerData = {
    events,
    ...(placeTypes ? { placeTypes } : {}),
    ...(environment
      ? {
          environment: {
            layers: [...environment.layers],
            crs: { code: area.projection.code, definition: area.projection.definition },
          },
        }
      : {}),
    ...(allEvents ? { allEvents } : {}),
    area: areaFacts(area, areaGrid),
    grid,
    mask,
    windows,
    coverages: DEFAULT_COVERAGES,
    seed,
    tieBreak,
  };
  const results = await scoreSettings(jobs, data, workers, req.onProgress);
  const candidates: SweepCandidate[] = jobs.map((job) => {
    const r = results[job.id];
    const point = r?.curve?.reduce<CurvePoint | undefined>(
      (best, p) => (!best || Math.abs(p.coverage - coverage) < Math.abs(best.coverage - coverage) ? p : best),
      undefined,
    );
    return {
      kind: job.kind,
      config: job.config,
      hitRate: point?.hitRate ?? 0,
      seconds: r?.seconds ?? 0,
      ...(r?.error ? { error: r.error } : {}),
    };
  });
  const selected: Record<string, Record<string, unknown>> = {};
  for (const kind of Object.keys(req.grids)) {
    const best = candidates
      .filter((c) => c.kind === kind && !c.error)
      .sort((a, b) => b.hitRate - a.hitRate)[0];
    if (best) selected[kind] = best.config;
  }
  const test = await backtest(db, {
    area: req.area,
    group: req.group,
    from: req.testFrom,
    to: req.testTo,
    horizon: 'day',
    models: Object.keys(selected),
    configs: selected,
    seed,
    tieBreak,
    ...(req.gridOrigin ? { gridOrigin: req.gridOrigin } : {}),
    ...(req.cellSize === undefined ? {} : { cellSize: req.cellSize }),
  });
  return {
    validation: { from: req.validateFrom, to: req.validateTo, coverage, candidates },
    selected,
    workers,
    seconds: (performance.now() - started) / 1000,
    test,
  };
}

const WORKER_URL = new URL('./sweep-worker.mjs', import.meta.url);

/** Scores settings on a pool of `size` worker threads (one per core by default); results by job id. */
export async function scoreSettings(
  jobs: readonly SweepJob[],
  data: SweepWorkerData,
  size: number,
  onProgress?: (done: number, total: number) => void,
): Promise<SweepResult[]> {
  const results: SweepResult[] = [];
  let next = 0;
  let done = 0;
  const pool = Array.from({ length: size }, () => new Worker(WORKER_URL, { workerData: data }));
  try {
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const feed = (): void => {
              const job = jobs[next++];
              if (job) worker.postMessage(job);
              else resolve();
            };
            worker.on('message', (r: SweepResult) => {
              results[r.id] = r;
              onProgress?.(++done, jobs.length);
              feed();
            });
            worker.on('error', reject);
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results;
}

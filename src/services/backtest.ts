/**
 * The backtest use case (CLI now, API later): resolve the study area, grid, crime group, windows
 * and models, load the located events, run the harness and pool the results into a report that is
 * written as JSON, CSV and HTML. Naive counts, random and the oracle are always part of it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InsufficientDataError, NotFoundError, ValidationError } from '../core/errors.ts';
import type { EventSet } from '../core/events.ts';
import type { GridSpec } from '../core/grid.ts';
import { CRIME_GROUPS, type CrimeCategory } from '../core/taxonomy.ts';
import { BacktestAccumulator } from '../evaluation/backtest/accumulate.ts';
import { type BacktestModel, ORACLE, runBacktest } from '../evaluation/backtest/runner.ts';
import { type Horizon, rollingWindows } from '../evaluation/backtest/windows.ts';
import { DEFAULT_COVERAGES, type TieBreak } from '../evaluation/metrics/index.ts';
import {
  type BacktestReport,
  type ReportGrid,
  reportToCsv,
  reportToHtml,
  reportWindowsToCsv,
  turnoSkill,
} from '../evaluation/report/report.ts';
import { type AreaGrid, gridForArea } from '../geo/area-grid.ts';
import type { StudyArea } from '../geo/study-area.ts';
import type { ForecastWindow } from '../models/predictor.ts';
import { getPredictor } from '../models/registry.ts';
import { getReport, listReports, type ReportSummary, saveReport } from '../storage/backtest-reports.ts';
import type { Db } from '../storage/db.ts';
import { type LoadedEvents, loadEvents } from '../storage/events.ts';
import { areaFacts, getStudyArea } from './areas.ts';
import { loadModelInputs, type ModelInputs } from './model-inputs.ts';
import { kindOfModelName, resolveModel } from './models.ts';

export { HORIZONS, type Horizon } from '../evaluation/backtest/windows.ts';
export type { BacktestReport } from '../evaluation/report/report.ts';
export { PREDICTOR_KINDS } from '../models/registry.ts';
export type { ReportSummary } from '../storage/backtest-reports.ts';
export { defaultRefitDays } from './models.ts';

/** Tie rules of the top slice: `average` (expected hits, default) or `order` (open_cp's quirk). */
export const TIE_RULES = ['average', 'order'] as const satisfies readonly TieBreak[];

/** The data cut every backtest applies, as the report states it. */
export const DATA_CUT =
  'Corte de datos (lo hace el arnés, no el modelo): cada pronóstico se ajusta solo con hechos ocurridos y registrados antes del inicio de su ventana, y se evalúa con los ocurridos dentro de ella.';

/** Models that every backtest includes as references. */
export const BASELINES = ['naive-counts', 'random'] as const;

/** What to backtest. */
export interface BacktestRequest {
  area: string;
  /** A key of CRIME_GROUPS (property, extorsion, violent, all). */
  group: string;
  /** First and last-exclusive local day of the test period, YYYY-MM-DD. */
  from: string;
  to: string;
  horizon: Horizon;
  /** Model kinds from the registry; the baselines are added. */
  models: readonly string[];
  /**
   * Settings per model kind: its options (validated by its module) and `refitEveryDays` (refit slow
   * models every k days and condition them daily in between; default per model).
   */
  configs?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  cellSize?: number;
  seed?: number;
  /** Also run on the grid shifted by half a cell (forecasting reference §2.8). */
  gridShift?: boolean;
  /** A point (metres in the grid's CRS) the grid is anchored on, snapped to the cell size. */
  gridOrigin?: readonly [number, number];
  /** Tie rule of the top slice (default `average`). */
  tieBreak?: TieBreak;
  onProgress?: (done: number, total: number) => void;
}

/** Crime group name → category codes. */
export function groupCategories(group: string, field = '--group'): readonly CrimeCategory[] {
  if (!Object.hasOwn(CRIME_GROUPS, group))
    throw new ValidationError(
      field,
      `grupo de delitos desconocido "${group}" (use: ${Object.keys(CRIME_GROUPS).join(', ')})`,
    );
  return CRIME_GROUPS[group as keyof typeof CRIME_GROUPS];
}

/** The events a backtest runs on (what `runBacktest` cuts at every window). */
export interface BacktestEvents {
  /** The group's located events up to the last window's end. */
  loaded: LoadedEvents;
  /** Every group's events, when a model counts them (learned models). */
  allEvents?: EventSet;
  /** Events of the group that occurred before the first window. */
  before: number;
  /** Place types and environment layers, when a model's settings use them (cut at each window). */
  inputs: ModelInputs;
}

/**
 * Loads the events of a backtest: the group's located events up to the last window's end, and
 * every group's when a model uses them; the harness cuts both at each window.
 * @throws InsufficientDataError when no event of the group occurred before the first window
 */
export async function loadBacktestEvents(
  db: Db,
  q: {
    area: StudyArea;
    group: string;
    /** The first local day, as the user gave it (for the message). */
    from: string;
    windows: readonly ForecastWindow[];
    models: readonly BacktestModel[];
  },
): Promise<BacktestEvents> {
  const { area, windows, models } = q;
  const categories = groupCategories(q.group);
  const first = windows[0] as { start: number };
  const last = windows[windows.length - 1] as { end: number };
  const loaded = await loadEvents(db, { area: area.def.id, categories, to: last.end });
  // Learned models count every group; the harness cuts these at each window like the group's events.
  const allEvents = models.some((m) => m.module.usesAllEvents)
    ? (await loadEvents(db, { area: area.def.id, to: last.end })).events
    : undefined;
  const training = loaded.events.t.findIndex((t) => t >= first.start);
  const before = training < 0 ? loaded.events.length : training;
  if (before === 0)
    throw new InsufficientDataError(
      `No hay eventos ubicados del grupo "${q.group}" antes de ${q.from} en el área ${area.def.id}: el primer pronóstico no tendría datos`,
    );
  const inputs = await loadModelInputs(db, area, models, last.end);
  return { loaded, ...(allEvents ? { allEvents } : {}), before, inputs };
}

/**
 * Runs a rolling-origin backtest.
 * @throws ValidationError for unknown models, groups, horizons, bad dates or cell sizes;
 *   InsufficientDataError when no event is known before the first forecast
 */
export async function backtest(db: Db, req: BacktestRequest): Promise<BacktestReport> {
  groupCategories(req.group); // an unknown group is refused before anything is loaded
  const area = await getStudyArea(db, req.area);
  const tieBreak = req.tieBreak ?? 'average';
  if (!(TIE_RULES as readonly string[]).includes(tieBreak))
    throw new ValidationError(
      '--tie-rule',
      `regla de empates desconocida "${tieBreak}" (use: ${TIE_RULES.join(', ')})`,
    );
  const placement = {
    ...(req.cellSize === undefined ? {} : { cellSize: req.cellSize }),
    ...(req.gridOrigin ? { origin: req.gridOrigin } : {}),
  };
  const areaGrid = gridForArea(area, placement);
  const { grid, validCells } = areaGrid;
  const windows = rollingWindows(req.from, req.to, req.horizon, area.def.timeZone);
  const kinds = [...new Set([...BASELINES, ...req.models])];
  for (const kind of Object.keys(req.configs ?? {}))
    if (!kinds.includes(kind))
      throw new ValidationError(
        '--set',
        `ajustes para "${kind}", que no está en los modelos del backtest (${kinds.join(', ')})`,
      );
  // "kind:label" is a variant: the same model with other settings, compared on the same windows.
  const models: BacktestModel[] = kinds.map((name) => {
    const kind = kindOfModelName(name);
    const resolved = resolveModel(kind, req.configs?.[name], name);
    return { name, module: getPredictor(kind), ...resolved };
  });
  const { loaded, allEvents, before, inputs } = await loadBacktestEvents(db, {
    area,
    group: req.group,
    from: req.from,
    windows,
    models,
  });
  const seed = req.seed ?? 1;
  const described = [
    ...models.map((m) => ({
      name: m.name,
      kind: m.module.kind,
      config: m.config,
      refitEveryDays: m.refitEveryDays ?? 1,
      output: m.module.output ?? 'score',
    })),
    { name: ORACLE, kind: ORACLE, config: {}, output: 'rate' as const },
  ];
  const run = async (placed: AreaGrid, onProgress?: (done: number, total: number) => void) => {
    const acc = new BacktestAccumulator(DEFAULT_COVERAGES, seed, tieBreak);
    let test = 0;
    let outside = 0;
    await runBacktest(
      {
        events: loaded.events,
        ...(allEvents ? { allEvents } : {}),
        ...inputs,
        area: areaFacts(area, placed),
        horizon: req.horizon,
        grid: placed.grid,
        mask: placed.mask,
        windows,
        models,
        seed,
        ...(onProgress ? { onProgress } : {}),
      },
      (model, wi, surface, outcome, ms) => {
        acc.add(model, surface, outcome, ms, wi);
        if (model === ORACLE) {
          test += outcome.total;
          outside += outcome.unassignable;
        }
      },
    );
    return { results: acc.results(described, 'naive-counts'), test, outside };
  };
  const main = await run(areaGrid, req.onProgress);
  const testEvents = main.test;
  const unassignable = main.outside;
  // Hit rates move with grid placement (the modifiable areal unit problem): optionally re-run with
  // the grid moved by half a cell in x and y and report both.
  let shifted: BacktestReport['shifted'];
  if (req.gridShift) {
    const half = grid.cellSize / 2;
    const moved = gridForArea(area, { ...placement, cellSize: grid.cellSize, offsetX: half, offsetY: half });
    shifted = {
      offsetMetres: half,
      grid: reportGrid(moved.grid, moved.validCells, req.gridOrigin),
      models: (await run(moved)).results,
    };
  }
  return {
    title: `Backtest ${req.horizon === 'day' ? 'diario' : req.horizon === 'week' ? 'semanal' : 'por turno'} — ${area.def.name}, grupo ${req.group}`,
    area: area.def.id,
    group: req.group,
    horizon: req.horizon,
    from: req.from,
    to: req.to,
    cellSize: grid.cellSize,
    validCells,
    windows: windows.length,
    events: { training: before, test: testEvents, unassignable, excludedUnlocated: loaded.excludedUnlocated },
    seed,
    generatedAt: new Date().toISOString(),
    grid: reportGrid(grid, validCells, req.gridOrigin),
    tieBreak,
    dataCut: DATA_CUT,
    windowStarts: windows.map((w) => new Date(w.start).toISOString()),
    models: main.results,
    ...(shifted ? { shifted } : {}),
    ...(req.horizon === 'turno'
      ? {
          byTurno: turnoSkill(
            main.results,
            windows.map((w) => w.turno ?? ''),
          ),
        }
      : {}),
  };
}

/** The grid as a report states it. */
function reportGrid(g: GridSpec, validCells: number, requested?: readonly [number, number]): ReportGrid {
  return {
    crs: g.crs,
    origin: [g.x0, g.y0],
    requestedOrigin: requested ? [requested[0], requested[1]] : null,
    cellSize: g.cellSize,
    rotationDeg: g.rotationDeg,
    rows: g.rows,
    cols: g.cols,
    validCells,
  };
}

/**
 * Writes a report as JSON, CSV (the curves), a per-window CSV (every window's hits, for paired
 * tests) and HTML under `dir`; returns the paths.
 */
export function writeReport(
  report: BacktestReport,
  dir: string,
): { json: string; csv: string; windowsCsv: string; html: string } {
  mkdirSync(dir, { recursive: true });
  const base = join(
    dir,
    `backtest-${report.area}-${report.group}-${report.horizon}-${report.from}_${report.to}`,
  );
  const paths = {
    json: `${base}.json`,
    csv: `${base}.csv`,
    windowsCsv: `${base}-windows.csv`,
    html: `${base}.html`,
  };
  writeFileSync(paths.json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(paths.csv, reportToCsv(report));
  writeFileSync(paths.windowsCsv, reportWindowsToCsv(report));
  writeFileSync(paths.html, reportToHtml(report));
  return paths;
}

/** Stores a report for the API and the dashboard; returns its id. */
export function storeReport(db: Db, report: BacktestReport): Promise<number> {
  return saveReport(db, report);
}

/** Stored reports, newest first, with the hit rate at 5 % of the area per model. */
export function storedReports(
  db: Db,
  q: { area?: string; group?: string; limit: number },
): Promise<ReportSummary[]> {
  return listReports(db, q);
}

/**
 * One stored report as JSON, CSV or HTML.
 * @throws NotFoundError
 */
export async function storedReport(
  db: Db,
  id: number,
  format: 'json' | 'csv' | 'html',
): Promise<{ contentType: string; body: string }> {
  const r = await getReport<BacktestReport>(db, id);
  if (!r) throw new NotFoundError(`No existe el reporte de backtest ${id}`);
  if (format === 'csv') return { contentType: 'text/csv; charset=utf-8', body: reportToCsv(r) };
  if (format === 'html') return { contentType: 'text/html; charset=utf-8', body: reportToHtml(r) };
  return { contentType: 'application/json; charset=utf-8', body: JSON.stringify(r) };
}

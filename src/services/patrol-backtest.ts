/**
 * The backtest of patrol plans (issue 12): turno windows through the real backtest harness (the
 * cut is `runBacktest`'s), and in each window a plan from the model's forecast (`planPatrols`,
 * sectors = the area's districts, else one sector), the unconstrained top-k cells of the same
 * forecast with k = the cells the plan covers, and a plan from naive counts with the same units.
 * Each is scored by the share of the window's crimes inside it; the difference top-k − plan is the
 * price of contiguity. See docs/prevention.md, "Backtest of plans".
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '../core/errors.ts';
import type { RiskSurface } from '../core/risk-surface.ts';
import { ORACLE, runBacktest } from '../evaluation/backtest/runner.ts';
import { rollingWindows } from '../evaluation/backtest/windows.ts';
import { type PairedTest, topSlice, wilcoxonSignedRank } from '../evaluation/metrics/index.ts';
import { gridForArea } from '../geo/area-grid.ts';
import { getPredictor } from '../models/registry.ts';
import { AREA_CELLS, planPatrols } from '../prevention/patrol-plan.ts';
import { spreadUnits } from '../prevention/units.ts';
import type { Db } from '../storage/db.ts';
import { areaFacts, getStudyArea } from './areas.ts';
import { DATA_CUT, groupCategories, loadBacktestEvents } from './backtest.ts';
import { kindOfModelName, resolveModel } from './models.ts';

/** The plans' baseline. */
export const PLAN_BASELINE = 'naive-counts';

/** Units per turno that a backtest accepts. */
export const PLAN_UNITS = { min: 1, max: 10_000 } as const;

/** What to backtest. */
export interface PatrolBacktestRequest {
  area: string;
  /** A key of CRIME_GROUPS. */
  group: string;
  /** First and last-exclusive local day of the test period (turno windows), YYYY-MM-DD. */
  from: string;
  to: string;
  /** A registered model kind (or kind:variant); `naive-counts` is always the baseline. */
  model: string;
  /** Settings per model name (the model and/or naive-counts), as `vigia backtest` takes them. */
  configs?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Units per turno over all sectors. */
  units: number;
  /** Cells per patrol area, 1–9 (default 4). */
  maxCells?: number;
  cellSize?: number;
  gridOrigin?: readonly [number, number];
  seed?: number;
  onProgress?: (done: number, total: number) => void;
}

/** One set of cells scored on one window. */
export interface CellsScore {
  /** Cells covered. */
  cells: number;
  /** The window's crimes inside them (fractional for top-k when a tie group is split). */
  hits: number;
  /** hits / the window's crimes; null in a window without crimes. */
  share: number | null;
  /** Share of the forecast's expected crime (its own forecast) inside them. */
  expectedShare: number;
}

/** A plan scored on one window. */
export interface PlanScore extends CellsScore {
  areas: number;
  /** Units per sector the plan was made for. */
  units: number[];
  /** The cells covered, ascending. */
  cellList: number[];
}

/** One turno window. */
export interface PatrolBacktestWindow {
  label: string;
  start: string;
  /** Crimes of the group in valid cells during the window. */
  events: number;
  /** (a) the model's plan. */
  plan: PlanScore;
  /** (b) the model's top-k cells, k = plan.cells, no contiguity or sectors (ties: expected hits). */
  topK: CellsScore;
  /** (c) the naive-counts plan with the same total units. */
  naivePlan: PlanScore;
}

/** Pooled results. */
export interface PatrolBacktestPooled {
  events: number;
  /** Σ hits / Σ events of (a), (b), (c); null without events. */
  planShare: number | null;
  topKShare: number | null;
  naivePlanShare: number | null;
  /** topKShare − planShare: what contiguity costs in crimes covered. */
  priceOfContiguity: number | null;
  /** Mean over windows of the forecast's expected share inside (a) and (b). */
  planExpectedShare: number;
  topKExpectedShare: number;
  /** Mean cells per plan and its share of the valid cells. */
  meanCells: number;
  meanAreaShare: number;
  /** Paired Wilcoxon over the windows with crimes: (a) vs (c) and (b) vs (a), per-window shares. */
  planVsNaive: PairedTest;
  topKVsPlan: PairedTest;
}

/** The report. */
export interface PatrolBacktestReport {
  title: string;
  area: string;
  group: string;
  from: string;
  to: string;
  model: string;
  baseline: string;
  units: number;
  maxCells: number;
  cellSize: number;
  validCells: number;
  /** Sector names (the area's districts, or the whole area). */
  sectors: string[];
  seed: number;
  dataCut: string;
  windows: PatrolBacktestWindow[];
  pooled: PatrolBacktestPooled;
}

/** What one window is scored from (pure; see {@link scorePatrolWindow}). */
export interface PatrolWindowInput {
  /** The model's forecast for the window. */
  surface: RiskSurface;
  /** The naive-counts forecast for the window (same grid). */
  naive: RiskSurface;
  /** The window's crimes per cell and their total in valid cells. */
  counts: Float64Array;
  total: number;
  /** Sector of each cell (−1: none) and the number of sectors. */
  sectorOfCell: Int16Array;
  sectors: number;
  units: number;
  maxCells: number;
}

function sum(values: Float64Array): number {
  let s = 0;
  for (let c = 0; c < values.length; c++) s += values[c] as number;
  return s;
}

function planFor(
  surface: RiskSurface,
  w: PatrolWindowInput,
): { score: PlanScore; cells: Int32Array; expectedCovered: number } {
  const { rows, cols } = surface.grid;
  const risk = new Float64Array(w.sectors);
  for (let c = 0; c < w.sectorOfCell.length; c++) {
    const s = w.sectorOfCell[c] as number;
    if (s >= 0 && surface.mask[c] === 1) risk[s] = (risk[s] as number) + (surface.values[c] as number);
  }
  const units = spreadUnits(w.units, risk);
  const plan = planPatrols({
    rows,
    cols,
    mask: surface.mask,
    value: surface.values,
    sectorOfCell: w.sectorOfCell,
    units,
    maxCells: w.maxCells,
  });
  const cells = Int32Array.from(plan.areas.flatMap((a) => Array.from(a.cells))).sort();
  let hits = 0;
  for (const c of cells) hits += w.counts[c] as number;
  return {
    cells,
    expectedCovered: plan.expectedCovered,
    score: {
      cells: cells.length,
      hits,
      share: w.total > 0 ? hits / w.total : null,
      expectedShare: plan.shareOfGrid,
      areas: plan.areas.length,
      units,
      cellList: Array.from(cells),
    },
  };
}

/**
 * Scores one window: (a) the model's plan, (b) its top-k cells with k = the plan's cells, (c) the
 * naive plan; units over sectors in proportion to each forecast's expected crime per sector.
 */
export function scorePatrolWindow(w: PatrolWindowInput): Omit<PatrolBacktestWindow, 'label' | 'start'> {
  const a = planFor(w.surface, w);
  const c = planFor(w.naive, w);
  // Top-k over every valid cell: the exact top slice at coverage k/K (ties: expected hits).
  let valid = 0;
  for (let i = 0; i < w.surface.mask.length; i++) valid += w.surface.mask[i] as number;
  const k = a.cells.length;
  const top = topSlice(w.surface, w.counts, k / valid);
  const topExpected = topSlice(w.surface, w.surface.values, k / valid);
  const total = sum(w.surface.values);
  return {
    events: w.total,
    plan: a.score,
    topK: {
      cells: top.cellsSelected,
      hits: top.hits,
      share: w.total > 0 ? top.hits / w.total : null,
      expectedShare: total > 0 ? topExpected.hits / total : 0,
    },
    naivePlan: c.score,
  };
}

/** Pools the windows. */
export function poolPatrolWindows(
  windows: readonly Omit<PatrolBacktestWindow, 'label' | 'start'>[],
  validCells: number,
): PatrolBacktestPooled {
  let events = 0;
  let a = 0;
  let b = 0;
  let c = 0;
  let ea = 0;
  let eb = 0;
  let cells = 0;
  const withEvents = windows.filter((w) => w.events > 0);
  for (const w of windows) {
    events += w.events;
    a += w.plan.hits;
    b += w.topK.hits;
    c += w.naivePlan.hits;
    ea += w.plan.expectedShare;
    eb += w.topK.expectedShare;
    cells += w.plan.cells;
  }
  const n = Math.max(1, windows.length);
  const share = (h: number): number | null => (events > 0 ? h / events : null);
  const shares = (pick: (w: Omit<PatrolBacktestWindow, 'label' | 'start'>) => CellsScore) =>
    withEvents.map((w) => pick(w).share as number);
  return {
    events,
    planShare: share(a),
    topKShare: share(b),
    naivePlanShare: share(c),
    priceOfContiguity: events > 0 ? (b - a) / events : null,
    planExpectedShare: ea / n,
    topKExpectedShare: eb / n,
    meanCells: cells / n,
    meanAreaShare: cells / n / validCells,
    planVsNaive: wilcoxonSignedRank(
      shares((w) => w.plan),
      shares((w) => w.naivePlan),
    ),
    topKVsPlan: wilcoxonSignedRank(
      shares((w) => w.topK),
      shares((w) => w.plan),
    ),
  };
}

/** A model name checked against the registry, errors naming `--model`. */
function modelKind(name: string): string {
  try {
    const kind = kindOfModelName(name);
    getPredictor(kind);
    return kind;
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    const detail = err.message.startsWith(`${err.field}: `)
      ? err.message.slice(err.field.length + 2)
      : err.message;
    throw new ValidationError('--model', detail);
  }
}

/**
 * Backtests patrol plans over the turno windows of a period.
 * @throws ValidationError naming the parameter (`--units`, `--max-cells`, `--model`, `--group`,
 *   `--set`, dates, cell size); InsufficientDataError when no event is known before the period
 */
export async function backtestPlans(db: Db, req: PatrolBacktestRequest): Promise<PatrolBacktestReport> {
  groupCategories(req.group);
  if (!Number.isInteger(req.units) || req.units < PLAN_UNITS.min || req.units > PLAN_UNITS.max)
    throw new ValidationError(
      '--units',
      `unidades por turno: se espera un entero entre ${PLAN_UNITS.min} y ${PLAN_UNITS.max}, se recibió ${req.units}`,
    );
  const maxCells = req.maxCells ?? AREA_CELLS.default;
  if (!Number.isInteger(maxCells) || maxCells < AREA_CELLS.min || maxCells > AREA_CELLS.max)
    throw new ValidationError(
      '--max-cells',
      `celdas por área: se espera un entero entre ${AREA_CELLS.min} y ${AREA_CELLS.max}, se recibió ${maxCells}`,
    );
  modelKind(req.model);
  const names = [...new Set([req.model, PLAN_BASELINE])];
  for (const name of Object.keys(req.configs ?? {}))
    if (!names.includes(name))
      throw new ValidationError(
        '--set',
        `ajustes para "${name}", que no está en el backtest de planes (${names.join(', ')})`,
      );
  const models = names.map((name) => {
    const kind = modelKind(name);
    return { name, module: getPredictor(kind), ...resolveModel(kind, req.configs?.[name], name) };
  });

  const area = await getStudyArea(db, req.area);
  const areaGrid = gridForArea(area, {
    ...(req.cellSize === undefined ? {} : { cellSize: req.cellSize }),
    ...(req.gridOrigin ? { origin: req.gridOrigin } : {}),
  });
  const { grid, mask, validCells } = areaGrid;
  const windows = rollingWindows(req.from, req.to, 'turno', area.def.timeZone);
  const { loaded, allEvents, inputs } = await loadBacktestEvents(db, {
    area,
    group: req.group,
    from: req.from,
    windows,
    models,
  });

  // Sectors: the area's districts, else the whole area as one.
  const districts = area.def.districts;
  const sectorOfCell =
    districts.length > 0 ? areaGrid.districtOfCell : Int16Array.from(mask, (m) => (m === 1 ? 0 : -1));
  const sectors = districts.length > 0 ? districts.map((d) => d.name) : [area.def.name];

  const seed = req.seed ?? 1;
  const surfaces = new Map<string, RiskSurface>();
  const scored: PatrolBacktestWindow[] = [];
  await runBacktest(
    {
      events: loaded.events,
      ...(allEvents ? { allEvents } : {}),
      ...inputs,
      area: areaFacts(area, areaGrid),
      horizon: 'turno',
      grid,
      mask,
      windows,
      models,
      seed,
      ...(req.onProgress ? { onProgress: req.onProgress } : {}),
    },
    (name, wi, surface, outcome) => {
      if (name !== ORACLE) {
        surfaces.set(name, surface);
        return;
      }
      const w = windows[wi] as (typeof windows)[number];
      scored.push({
        label: w.label,
        start: new Date(w.start).toISOString(),
        ...scorePatrolWindow({
          surface: surfaces.get(req.model) as RiskSurface,
          naive: surfaces.get(PLAN_BASELINE) as RiskSurface,
          counts: outcome.counts,
          total: outcome.total,
          sectorOfCell,
          sectors: sectors.length,
          units: req.units,
          maxCells,
        }),
      });
      surfaces.clear();
    },
  );
  return {
    title: `Backtest de planes de patrullaje — ${area.def.name}, grupo ${req.group}, ${req.model} frente a ${PLAN_BASELINE}`,
    area: area.def.id,
    group: req.group,
    from: req.from,
    to: req.to,
    model: req.model,
    baseline: PLAN_BASELINE,
    units: req.units,
    maxCells,
    cellSize: grid.cellSize,
    validCells,
    sectors,
    seed,
    dataCut: DATA_CUT,
    windows: scored,
    pooled: poolPatrolWindows(scored, validCells),
  };
}

/** Writes the report as JSON under `dir`; returns the path. */
export function writePatrolBacktest(report: PatrolBacktestReport, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(
    dir,
    `plans-${report.area}-${report.group}-${report.model.replace(':', '_')}-${report.from}_${report.to}.json`,
  );
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}

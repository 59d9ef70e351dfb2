/**
 * Training as a recorded, reproducible step: `train` fits a model on the data known before a local
 * day, and stores its artifact as the next version of (area, crime group, model) with the settings,
 * the feature schema, the data cutoff, a hash of the training data, the code version, the seed and
 * the training metrics. A failed fit stores nothing. Stored models are restored (never refitted) by
 * `restoreTrainedModel` for forecasts and comparisons.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InsufficientDataError, NotFoundError, ValidationError } from '../core/errors.ts';
import { type EventSet, knownBefore, ofCategories } from '../core/events.ts';
import type { GridSpec } from '../core/grid.ts';
import { CATEGORY_CODES } from '../core/taxonomy.ts';
import { BacktestAccumulator } from '../evaluation/backtest/accumulate.ts';
import { type BacktestModel, ORACLE, runBacktest } from '../evaluation/backtest/runner.ts';
import { rollingWindows } from '../evaluation/backtest/windows.ts';
import { DEFAULT_COVERAGES } from '../evaluation/metrics/index.ts';
import type { ModelResult } from '../evaluation/report/report.ts';
import { type AreaGrid, gridForArea } from '../geo/area-grid.ts';
import type { StudyArea } from '../geo/study-area.ts';
import type { FitContext, ModelArtifact, Predictor, PredictorModule } from '../models/predictor.ts';
import { getPredictor } from '../models/registry.ts';
import type { Db } from '../storage/db.ts';
import { loadEvents } from '../storage/events.ts';
import {
  getTrainedModel,
  getTrainedModelMeta,
  listTrainedModels,
  saveTrainedModel,
  type TrainedModelMeta,
  type TrainedVia,
} from '../storage/trained-models.ts';
import { areaFacts, getStudyArea } from './areas.ts';
import { type AuditContext, audit } from './audit.ts';
import { groupCategories } from './backtest.ts';
import { correctedEvents, type FeedbackCorrection } from './feedback-correction.ts';
import { loadModelInputs } from './model-inputs.ts';
import { resolveModel } from './models.ts';

export type { TrainedModelMeta } from '../storage/trained-models.ts';

/** What to train. */
export interface TrainRequest {
  area: string;
  group: string;
  model: string;
  /** Local day YYYY-MM-DD: the model sees only what was known before it starts. */
  until: string;
  /** The model's options (validated by its module, errors name `model.option`). */
  settings?: Readonly<Record<string, unknown>>;
  /** The window layout the model will forecast (learned models train on it); default 'turno'. */
  horizon?: 'turno' | 'day' | 'week';
  cellSize?: number;
  seed?: number;
  /**
   * Correct discovered incidents for patrol presence before the fit (Ensign et al. 2018; default
   * true): applied only when the area has patrol logs before `until`, and recorded in the stored
   * model's config as `feedbackCorrection`.
   */
  feedbackCorrection?: boolean;
  /** What trains it: a person at the CLI (default) or through the API, or a scheduled job. */
  via?: TrainedVia;
  audit: AuditContext;
}

/** A training's outcome. */
export interface TrainResult {
  model: TrainedModelMeta;
  /** True when the same artifact was already stored: nothing new was written. */
  duplicate: boolean;
  /** Seconds the fit took. */
  seconds: number;
  /** What the feedback-loop correction did before the fit (null: not applied). */
  feedbackCorrection: FeedbackCorrection | null;
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
let codeVersionMemo: string | undefined;

/**
 * The running code's version: package.json's version and, when the repository's `.git` folder is
 * readable, the commit checked out ("0.1.0+<commit>"); else "0.1.0+unknown". Uncommitted changes
 * are not detected.
 */
export function codeVersion(): string {
  if (codeVersionMemo) return codeVersionMemo;
  const pkg = JSON.parse(readFileSync(`${REPO_ROOT}package.json`, 'utf8')) as { version: string };
  let commit = 'unknown';
  try {
    const head = readFileSync(`${REPO_ROOT}.git/HEAD`, 'utf8').trim();
    if (/^[0-9a-f]{40}$/.test(head)) commit = head;
    else if (head.startsWith('ref: ')) {
      const ref = head.slice(5);
      let sha = '';
      try {
        sha = readFileSync(`${REPO_ROOT}.git/${ref}`, 'utf8').trim();
      } catch {
        const packed = readFileSync(`${REPO_ROOT}.git/packed-refs`, 'utf8');
        sha =
          packed
            .split('\n')
            .find((l) => l.endsWith(` ${ref}`))
            ?.slice(0, 40) ?? '';
      }
      if (/^[0-9a-f]{40}$/.test(sha)) commit = sha;
    }
  } catch {
    // no readable .git (an installed copy): the commit is unknown
  }
  codeVersionMemo = `${pkg.version}+${commit}`;
  return codeVersionMemo;
}

/**
 * SHA-256 over the training events' columns (t, known, x, y, category as little-endian bytes) and,
 * when the model uses them, every group's events: the same data always gives the same hash.
 */
export function trainingDataHash(events: EventSet, allEvents?: EventSet): string {
  const h = createHash('sha256');
  const add = (label: string, e: EventSet): void => {
    h.update(`${label}:${e.length}\n`);
    for (const col of [e.t, e.known, e.x, e.y, e.category])
      h.update(new Uint8Array(col.buffer, col.byteOffset, col.byteLength));
  };
  add('events', events);
  if (allEvents) add('allEvents', allEvents);
  return h.digest('hex');
}

/** The start of a local day in the area's time zone (ms), checking the day's form. */
function dayStart(day: string, area: StudyArea, field: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`)))
    throw new ValidationError(field, `"${day}" no es una fecha AAAA-MM-DD`);
  const next = new Date(`${day}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  const [w] = rollingWindows(day, next.toISOString().slice(0, 10), 'day', area.def.timeZone);
  return (w as { start: number }).start;
}

/** The feature schema a learned model's artifact exposes (`state.featureSchema`), else null. */
function featureSchemaOf(artifact: ModelArtifact): unknown | null {
  const s = artifact.state as { featureSchema?: unknown } | null;
  return s && typeof s === 'object' && s.featureSchema && typeof s.featureSchema === 'object'
    ? s.featureSchema
    : null;
}

/** Loads the group's events (and every group's, when the model uses them) known before `cutoff`. */
async function knownData(
  db: Db,
  area: StudyArea,
  group: string,
  module: PredictorModule,
  cutoff: number,
  /** Every group's events known before `cutoff`, already corrected (feedback-correction.ts). */
  corrected?: EventSet,
): Promise<{ known: EventSet; allKnown?: EventSet }> {
  if (corrected) {
    const idx = new Set(groupCategories(group).map((c) => CATEGORY_CODES.indexOf(c)));
    const known = ofCategories(corrected, idx);
    return module.usesAllEvents ? { known, allKnown: corrected } : { known };
  }
  const { events } = await loadEvents(db, {
    area: area.def.id,
    categories: groupCategories(group),
    to: cutoff,
  });
  const known = knownBefore(events, cutoff);
  if (!module.usesAllEvents) return { known };
  const allKnown = knownBefore((await loadEvents(db, { area: area.def.id, to: cutoff })).events, cutoff);
  return { known, allKnown };
}

/**
 * Fits a model and stores it as the next version (nothing is stored when the fit fails, or when the
 * same artifact is already stored — then that version is returned with `duplicate`).
 * @throws ValidationError for an unknown model, group, setting or bad day; InsufficientDataError
 *   when no located event of the group is known before the day
 */
export async function train(db: Db, req: TrainRequest): Promise<TrainResult> {
  const area = await getStudyArea(db, req.area);
  const module = getPredictor(req.model);
  const { config } = resolveModel(module.kind, req.settings ?? {});
  groupCategories(req.group);
  const cutoff = dayStart(req.until, area, '--until');
  const areaGrid = gridForArea(area, req.cellSize === undefined ? {} : { cellSize: req.cellSize });
  const seed = req.seed ?? 1;
  const corrected =
    req.feedbackCorrection === false
      ? null
      : await correctedEvents(db, area, { day: req.until, cutoff, seed });
  const { known, allKnown } = await knownData(db, area, req.group, module, cutoff, corrected?.events);
  if (known.length === 0)
    throw new InsufficientDataError(
      `No hay eventos ubicados del grupo "${req.group}" antes de ${req.until} en el área ${area.def.id}`,
    );
  const horizon = req.horizon ?? 'turno';
  const inputs = await loadModelInputs(db, area, [{ module, config }], cutoff);
  const started = performance.now();
  const predictor = await module.fit(
    known,
    {
      grid: areaGrid.grid,
      mask: areaGrid.mask,
      cutoff,
      seed,
      horizon,
      area: areaFacts(area, areaGrid),
      ...(allKnown ? { allEvents: allKnown } : {}),
      ...inputs,
    },
    config,
  );
  const seconds = (performance.now() - started) / 1000;
  const artifact = predictor.toArtifact();
  const { model, duplicate } = await saveTrainedModel(db, {
    area: area.def.id,
    group: req.group,
    kind: module.kind,
    schemaVersion: artifact.schemaVersion,
    config: corrected
      ? { ...(artifact.config as object), feedbackCorrection: corrected.correction }
      : artifact.config,
    grid: areaGrid.grid,
    horizon,
    artifactJson: JSON.stringify(artifact),
    featureSchema: featureSchemaOf(artifact),
    dataCutoff: new Date(cutoff),
    dataSha256: trainingDataHash(known, allKnown),
    eventsUsed: known.length,
    codeVersion: codeVersion(),
    seed,
    metrics: { fitSeconds: Math.round(seconds * 1000) / 1000, ...(predictor.trainingReport?.() ?? {}) },
    createdBy: req.audit.actor,
    trainedVia: req.via ?? 'cli',
  }).then((r) => ({ model: r.meta, duplicate: r.duplicate }));
  const feedbackCorrection = corrected?.correction ?? null;
  await audit(db, req.audit, 'model.train', `trained-model:${model.id}`, {
    area: area.def.id,
    group: req.group,
    model: module.kind,
    version: model.version,
    artifactSha256: model.artifactSha256,
    dataSha256: model.dataSha256,
    duplicate,
    via: req.via ?? 'cli',
    ...(feedbackCorrection ? { feedbackCorrection } : {}),
  });
  return { model, duplicate, seconds, feedbackCorrection };
}

/** Stored trained models, newest version first per key. */
export async function trainedModels(
  db: Db,
  q: { area?: string; group?: string; model?: string } = {},
): Promise<TrainedModelMeta[]> {
  const area = q.area ? (await getStudyArea(db, q.area)).def.id : undefined;
  if (q.group) groupCategories(q.group);
  if (q.model) getPredictor(q.model);
  return listTrainedModels(db, {
    ...(area ? { area } : {}),
    ...(q.group ? { group: q.group } : {}),
    ...(q.model ? { kind: q.model } : {}),
  });
}

/** Whether two grids are the same (field by field: jsonb does not keep key order). */
function sameGrid(a: GridSpec, b: GridSpec): boolean {
  return (
    (Object.keys(a) as (keyof GridSpec)[]).every((k) => a[k] === b[k]) &&
    Object.keys(a).length === Object.keys(b).length
  );
}

/** Checks a trained model id as the user typed it. @throws ValidationError naming `field` */
export function parseTrainedId(raw: string | number, field = 'id'): number {
  const id = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isSafeInteger(id) || id < 1 || (typeof raw === 'string' && !/^\d+$/.test(raw.trim())))
    throw new ValidationError(field, `"${raw}" no es un número de modelo entrenado (ej. 3)`);
  return id;
}

/** One trained model's metadata. @throws NotFoundError */
export async function trainedModel(db: Db, id: number): Promise<TrainedModelMeta> {
  const m = await getTrainedModelMeta(db, id);
  if (!m) throw new NotFoundError(`No existe el modelo entrenado ${id} (véalos con "vigia models trained")`);
  return m;
}

/** A trained model restored from its artifact, with what it needs to forecast. */
export interface RestoredModel {
  meta: TrainedModelMeta;
  module: PredictorModule;
  predictor: Predictor;
  area: StudyArea;
  areaGrid: AreaGrid;
}

/**
 * Restores a stored model from its artifact (no refit): checks the artifact's hash, rebuilds the
 * grid it was fitted on and calls the module's `fromArtifact`. The load is audited.
 * @throws NotFoundError for an unknown id; ConflictError for an altered artifact; ValidationError
 *   when the area's grid no longer matches the stored one
 */
export async function restoreTrainedModel(
  db: Db,
  id: number,
  opts: { audit?: AuditContext; allEvents?: EventSet } = {},
): Promise<RestoredModel> {
  const stored = await getTrainedModel(db, id);
  if (!stored)
    throw new NotFoundError(`No existe el modelo entrenado ${id} (véalos con "vigia models trained")`);
  const { meta } = stored;
  const area = await getStudyArea(db, meta.area);
  const areaGrid = gridForArea(area, { cellSize: meta.grid.cellSize });
  if (!sameGrid(areaGrid.grid, meta.grid))
    throw new ValidationError(
      '--trained',
      `la grilla del área ${meta.area} cambió desde que se entrenó el modelo ${id}: vuelva a entrenarlo`,
    );
  const module = getPredictor(meta.kind);
  const predictor = await module.fromArtifact(JSON.parse(stored.artifactJson) as ModelArtifact, {
    grid: areaGrid.grid,
    mask: areaGrid.mask,
    seed: meta.seed,
    horizon: meta.horizon,
    area: areaFacts(area, areaGrid),
    ...(opts.allEvents ? { allEvents: opts.allEvents } : {}),
  });
  if (opts.audit)
    await audit(db, opts.audit, 'model.load', `trained-model:${id}`, {
      model: meta.kind,
      version: meta.version,
      artifactSha256: meta.artifactSha256,
    });
  return { meta, module, predictor, area, areaGrid };
}

/**
 * A restored predictor brought up to `cutoff`: conditioned on the newer data when the model can be
 * (`condition`), else as restored.
 */
export function conditionedOn(
  predictor: Predictor,
  known: EventSet,
  cutoff: number,
  allKnown?: EventSet,
): Predictor {
  return predictor.condition ? predictor.condition(known, cutoff, allKnown) : predictor;
}

export { knownData as knownTrainingData };

/** One stored model's scores in a comparison backtest, at 1 %, 2 % and 5 % of the area. */
export interface ComparedScores {
  id: number;
  name: string;
  /** Pooled hit rate at each coverage (0.01, 0.02, 0.05). */
  hitRate: Record<string, number>;
  /** Mean of the daily hit rates at each coverage. */
  meanHitRate: Record<string, number | null>;
  /** Paired Wilcoxon signed-rank test of the per-window hit rates against the first model. */
  pairedVsFirst: Record<string, { meanDifference: number; pValue: number; windows: number } | null>;
}

/** A side-by-side comparison of stored models. */
export interface TrainedComparison {
  models: TrainedModelMeta[];
  /** Whether every model was trained on the same data (equal training-data hashes). */
  sameData: boolean;
  /** Settings whose values differ between the models: name → one value per model. */
  configDiff: Record<string, unknown[]>;
  backtest?: { from: string; to: string; windows: number; events: number; models: ComparedScores[] };
}

/** The coverages a comparison reports. */
export const COMPARE_COVERAGES = [0.01, 0.02, 0.05] as const;

/**
 * Compares stored models side by side; with `backtest`, also runs them over a period, each restored
 * once and conditioned on the data known before every day (never refitted), and scores them.
 * @throws NotFoundError for an unknown id; ValidationError naming --backtest when the models are of
 *   different areas, groups, grids or horizons, or when the period starts before a model's cutoff
 */
export async function compareTrained(
  db: Db,
  ids: readonly number[],
  opts: { backtest?: { from: string; to: string }; audit?: AuditContext } = {},
): Promise<TrainedComparison> {
  if (ids.length < 2) throw new ValidationError('id', 'indique al menos dos modelos entrenados a comparar');
  const models: TrainedModelMeta[] = [];
  for (const id of ids) models.push(await trainedModel(db, id));
  const configs = models.map((m) => (m.config ?? {}) as Record<string, unknown>);
  const keys = [...new Set(configs.flatMap((c) => Object.keys(c)))].sort();
  const configDiff: Record<string, unknown[]> = {};
  for (const k of keys) {
    const values = configs.map((c) => c[k] ?? null);
    if (new Set(values.map((v) => JSON.stringify(v))).size > 1) configDiff[k] = values;
  }
  const out: TrainedComparison = {
    models,
    sameData: new Set(models.map((m) => m.dataSha256)).size === 1,
    configDiff,
  };
  if (opts.backtest) out.backtest = await compareBacktest(db, models, opts.backtest, opts.audit);
  return out;
}

/** A backtest of stored models over a period: the harness's per-model results (with per-window hits). */
export interface StoredBacktest {
  windows: number;
  events: number;
  /** In the order of the models given; the first is the paired tests' reference. */
  results: ModelResult[];
}

/**
 * Runs stored models over a period after every model's data cutoff, each restored once and
 * conditioned on the data known before every window (never refitted), against the same outcomes.
 * @throws ValidationError naming --backtest when the models differ in area, group, grid or
 *   horizon, or when the period starts before a model's cutoff
 */
export async function backtestStored(
  db: Db,
  models: readonly TrainedModelMeta[],
  period: { from: string; to: string },
  who?: AuditContext,
): Promise<StoredBacktest> {
  const first = models[0] as TrainedModelMeta;
  for (const m of models)
    if (
      m.area !== first.area ||
      m.group !== first.group ||
      m.horizon !== first.horizon ||
      !sameGrid(m.grid, first.grid)
    )
      throw new ValidationError(
        '--backtest',
        `los modelos ${first.id} y ${m.id} no son comparables en un backtest: difieren en área, grupo, horizonte o grilla`,
      );
  const restored: RestoredModel[] = [];
  for (const m of models) restored.push(await restoreTrainedModel(db, m.id, who ? { audit: who } : {}));
  const { area, areaGrid } = restored[0] as RestoredModel;
  const windows = rollingWindows(period.from, period.to, first.horizon, area.def.timeZone);
  const start = (windows[0] as { start: number }).start;
  for (const m of models)
    if (start < m.dataCutoff.getTime())
      throw new ValidationError(
        '--backtest',
        `el modelo ${m.id} vio datos hasta ${m.dataCutoff.toISOString()}: el periodo debe empezar después`,
      );
  const last = windows[windows.length - 1] as { end: number };
  const { events } = await loadEvents(db, {
    area: area.def.id,
    categories: groupCategories(first.group),
    to: last.end,
  });
  const allEvents = restored.some((r) => r.module.usesAllEvents)
    ? (await loadEvents(db, { area: area.def.id, to: last.end })).events
    : undefined;
  const named = restored.map((r) => ({ r, name: `#${r.meta.id} ${r.meta.kind} v${r.meta.version}` }));
  // Each stored model as a harness model whose "fit" only conditions the restored predictor.
  const harnessModels: BacktestModel[] = named.map(({ r, name }) => ({
    name,
    config: r.meta.config,
    refitEveryDays: 1,
    module: {
      ...r.module,
      fit: (known: EventSet, ctx: FitContext) => conditionedOn(r.predictor, known, ctx.cutoff, ctx.allEvents),
    } as PredictorModule<unknown>,
  }));
  const acc = new BacktestAccumulator(DEFAULT_COVERAGES, first.seed);
  let total = 0;
  await runBacktest(
    {
      events,
      ...(allEvents ? { allEvents } : {}),
      area: areaFacts(area, areaGrid),
      grid: areaGrid.grid,
      mask: areaGrid.mask,
      windows,
      models: harnessModels,
      seed: first.seed,
    },
    (model, wi, surface, outcome, ms) => {
      if (model === ORACLE) total += outcome.total;
      else acc.add(model, surface, outcome, ms, wi);
    },
  );
  const results = acc.results(
    named.map(({ r, name }) => ({ name, kind: r.meta.kind, config: r.meta.config })),
    (named[0] as { name: string }).name,
  );
  return { windows: windows.length, events: total, results };
}

async function compareBacktest(
  db: Db,
  models: readonly TrainedModelMeta[],
  period: { from: string; to: string },
  who?: AuditContext,
): Promise<NonNullable<TrainedComparison['backtest']>> {
  const { windows, events, results } = await backtestStored(db, models, period, who);
  return {
    from: period.from,
    to: period.to,
    windows,
    events,
    models: results.map((res, i) => {
      const at = (c: number) => res.curve.find((p) => Math.abs(p.coverage - c) < 1e-9);
      const per = <T>(f: (c: number) => T): Record<string, T> =>
        Object.fromEntries(COMPARE_COVERAGES.map((c) => [String(c), f(c)]));
      return {
        id: (models[i] as TrainedModelMeta).id,
        name: res.name,
        hitRate: per((c) => at(c)?.hitRate ?? 0),
        meanHitRate: per((c) => at(c)?.meanHitRate ?? null),
        pairedVsFirst: per((c) => at(c)?.pairedVsNaive ?? null),
      };
    }),
  };
}

/**
 * Learned grid models: one recipe, several learners. A learned model is fitted on the harness's cut
 * like any other predictor; inside `fit` it builds its own training set from that cut alone:
 *
 * - training windows of the same layout as the forecast (days, turnos or weeks — `ctx.horizon`),
 *   on every `trainStrideDays`-th local day of the `trainDays` days before the cutoff's day, each
 *   ending at or before the cutoff, so every target is an outcome already known at the cutoff;
 * - features of each window as of the start of its local day (`src/features/build.ts`, no
 *   look-ahead: only events known before that instant), for every crime group (`ctx.allEvents`),
 *   with the area's calendar and districts (`ctx.area`) and, unless `hourFeatures` is false, the
 *   time-of-day columns (window hour, length, the cell's and the area's hour profile);
 * - rows: the cells where any event fell in the year before the first training window or since,
 *   and a seeded sample of as many quiet cells (so the trees learn what quiet looks like);
 * - target: events of the forecast group in the cell and window.
 *
 * The learner (boosted trees, forest, neural net) maps feature rows to expected events per window
 * (a rate, so Poisson deviance is meaningful). `predict(window)` builds the window's features from
 * the events the model was fitted or conditioned on, as of the start of the window's local day
 * (never after the cutoff), for every valid cell. `condition` swaps in newer events without
 * re-training: the backtest refits every `refitEveryDays` days and conditions daily.
 *
 * The artifact holds the learner's own artifact, the feature schema, the training summary and the
 * conditioning events (typed arrays as base64), so a stored model predicts without refitting.
 */
import { z } from 'zod';
import { decodeTyped, encodeTyped } from '../../core/base64.ts';
import { ValidationError } from '../../core/errors.ts';
import {
  createEventSet,
  type EventSet,
  knownBefore,
  lowerBound,
  placeTypesKnownBefore,
} from '../../core/events.ts';
import { cellCount, cellOf } from '../../core/grid.ts';
import { mulberry32 } from '../../core/random.ts';
import { createRiskSurface, type RiskSurface } from '../../core/risk-surface.ts';
import { CATEGORY_CODES, CRIME_GROUPS, type CrimeCategory } from '../../core/taxonomy.ts';
import { localToUtc, TURNO_BANDS, utcToLocal } from '../../core/time.ts';
import { buildFeatures, type CrimeGroup, type FeatureWindow } from '../../features/build.ts';
import { clusterBlock } from '../../features/clusters.ts';
import { environmentBlock } from '../../features/environment.ts';
import { featureLabel } from '../../features/labels.ts';
import type { CellFeatureBlock, FeatureColumnSpec, FeatureSchema } from '../../features/matrix.ts';
import { placeTypeBlock } from '../../features/place-types.ts';
import {
  checkArtifact,
  checkContext,
  checkWindow,
  DAY_MS,
  describeSettings,
  numberBetween,
  parseModelConfig,
  parseModelState,
} from '../model-kit.ts';
import {
  type AreaFacts,
  type CellExplanation,
  type ContextInput,
  EXPLAIN_TOP_FEATURES,
  type FitContext,
  type ForecastWindow,
  type ModelArtifact,
  type Predictor,
  type PredictorModule,
} from '../predictor.ts';

/** A trained learner: rows of feature columns (and sequences, if it asked) → expected events per row. */
export interface TrainedLearner {
  predict(columns: readonly Float32Array[], sequences?: Float32Array): Float64Array;
  /**
   * Per-feature attribution of the rows' predictions (tree ensembles): `base` plus row i's
   * `contributions[i · F + f]` over the features is its prediction on the `link` scale ('log': log
   * rate; 'identity': the rate). Absent for a learner that cannot attribute.
   */
  explain?(columns: readonly Float32Array[]): {
    link: 'log' | 'identity';
    base: number;
    contributions: Float64Array;
  };
  /** Plain JSON (typed arrays as base64) that the learner's `restore` reads back. */
  toJSON(): unknown;
  /** Training facts for reports (e.g. iterations, training deviance). */
  readonly report: Readonly<Record<string, number>>;
}

/** How a learned grid model trains and restores its learner. */
export interface GridLearner<L> {
  /**
   * Days of per-row sequences the learner also reads (an LSTM), from its options; absent: none.
   * Each row then gets rows × steps × {@link SEQUENCE_CHANNELS} daily counts, oldest day first.
   */
  sequenceDays?(options: L): number;
  /** Trains on the rows (`columns`, target `y` = events per row). May be asynchronous. */
  train(
    columns: readonly Float32Array[],
    y: Float32Array,
    options: L,
    seed: number,
    sequences?: Float32Array,
  ): TrainedLearner | Promise<TrainedLearner>;
  /** @throws ValidationError for a malformed learner artifact */
  restore(json: unknown): TrainedLearner | Promise<TrainedLearner>;
}

/** The settings every learned grid model shares (docs/forecasting.md "Learned models"). */
const sharedShape = {
  trainDays: numberBetween(7, 1095, ' días', true).default(182).meta({
    unit: 'días',
    description: 'días de ventanas de entrenamiento antes del corte',
  }),
  trainStrideDays: numberBetween(1, 28, ' días', true).default(2).meta({
    unit: 'días',
    description: 'entrena con una de cada N jornadas (N = 1: todas)',
  }),
  hourFeatures: z.boolean({ error: 'debe ser true o false' }).default(true).meta({
    unit: '',
    description: 'variables de hora del día (hora, duración, perfil horario de la celda y del área)',
  }),
  targetDays: numberBetween(1, 28, ' días', true).default(1).meta({
    unit: 'días',
    description:
      'objetivo de entrenamiento: media de la misma ventana en N días seguidos (menos ruido; 1 = solo la ventana)',
  }),
  otherGroups: z.boolean({ error: 'debe ser true o false' }).default(true).meta({
    unit: '',
    description: 'cuenta también los demás grupos de delitos como variables',
  }),
  clusters: z.boolean({ error: 'debe ser true o false' }).default(false).meta({
    unit: '',
    description:
      'distancia, tamaño y densidad del agrupamiento k-means más cercano de los eventos del grupo anteriores a las ventanas de entrenamiento',
  }),
  placeTypes: z.boolean({ error: 'debe ser true o false' }).default(false).meta({
    unit: '',
    description:
      'proporción de cada tipo de lugar de los datos (p. ej. loc_cat de Chicago) en la celda y su entorno, de los incidentes anteriores a las ventanas de entrenamiento',
  }),
  environment: z.boolean({ error: 'debe ser true o false' }).default(false).meta({
    unit: '',
    description:
      'distancia y cantidad a 500 m de los elementos de las capas del entorno del área (Callao: mercados y calles de OpenStreetMap)',
  }),
};

/** Shared settings, as parsed. */
export interface LearnedSharedConfig {
  readonly trainDays: number;
  readonly trainStrideDays: number;
  readonly hourFeatures: boolean;
  readonly targetDays: number;
  readonly otherGroups: boolean;
  readonly clusters: boolean;
  readonly placeTypes: boolean;
  readonly environment: boolean;
}

/** What a learned model module is made of. */
export interface LearnedModelSpec<L extends object> {
  kind: string;
  description: string;
  schemaVersion: number;
  /**
   * The learner's own settings (zod shape with defaults and `.meta({ unit, description })`); the
   * learner receives exactly these options, parsed.
   */
  learnerShape: z.ZodRawShape;
  learner: GridLearner<L>;
  /** Backtest refit interval, days (conditioned daily in between). */
  refitEveryDays: number;
}

/** Training facts kept with a fitted model. */
export interface TrainingSummary {
  /** Training windows and rows (cells × windows). */
  windows: number;
  rows: number;
  /** Events of the forecast group in the training targets. */
  targetEvents: number;
  /** The learner's report. */
  learner: Record<string, number>;
}

/** Events older than this before the first training window do not make a cell a training row. */
const ACTIVE_LOOKBACK_DAYS = 365;

/** The crime group whose categories match `events` (the forecast group), or null when none does. */
function targetGroupOf(events: EventSet): CrimeGroup | null {
  const present = new Set<number>();
  for (let i = 0; i < events.length; i++) present.add(events.category[i] as number);
  let best: CrimeGroup | null = null;
  let bestSize = Number.POSITIVE_INFINITY;
  for (const [g, cats] of Object.entries(CRIME_GROUPS) as [CrimeGroup, readonly CrimeCategory[]][]) {
    const codes = new Set(cats.map((c) => CATEGORY_CODES.indexOf(c)));
    if ([...present].every((c) => codes.has(c)) && codes.size < bestSize) {
      best = g;
      bestSize = codes.size;
    }
  }
  return best;
}

/** Local midnight (ms) of the day containing `t`. */
function dayStart(t: number, timeZone: string): number {
  const l = utcToLocal(t, timeZone);
  return localToUtc({ year: l.year, month: l.month, day: l.day, hour: 0, minute: 0, second: 0 }, timeZone);
}

/** Local midnight `days` days after the local day of `t` (negative: before). */
function shiftDay(t: number, days: number, timeZone: string): number {
  const l = utcToLocal(t, timeZone);
  const d = new Date(Date.UTC(l.year, l.month - 1, l.day + days));
  return localToUtc(
    {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: 0,
      minute: 0,
      second: 0,
    },
    timeZone,
  );
}

/**
 * The training windows at `cutoff`: the layout's windows on every `stride`-th local day of the
 * `days` days before the cutoff's day, as of their day's start, each ending at or before the cutoff.
 */
export function trainingWindows(
  cutoff: number,
  layout: 'turno' | 'day' | 'week',
  days: number,
  stride: number,
  timeZone: string,
): FeatureWindow[] {
  const out: FeatureWindow[] = [];
  const today = dayStart(cutoff, timeZone);
  for (let i = days; i >= 1; i--) {
    if (i % stride !== 0) continue;
    const d = shiftDay(today, -i, timeZone);
    if (layout === 'day') out.push({ start: d, end: shiftDay(d, 1, timeZone), asOf: d });
    else if (layout === 'week') {
      const end = shiftDay(d, 7, timeZone);
      if (end <= cutoff) out.push({ start: d, end, asOf: d });
    } else
      for (const band of TURNO_BANDS)
        out.push({
          start: atLocalHour(d, band.fromHour, timeZone),
          end: atLocalHour(d, band.toHour, timeZone),
          asOf: d,
        });
  }
  return out.filter((w) => w.end <= cutoff);
}

/** The instant of local hour `hour` (0–24; 24 = next midnight) on the local day starting at `midnight`. */
function atLocalHour(midnight: number, hour: number, timeZone: string): number {
  if (hour === 24) return shiftDay(midnight, 1, timeZone);
  const l = utcToLocal(midnight, timeZone);
  return localToUtc({ year: l.year, month: l.month, day: l.day, hour, minute: 0, second: 0 }, timeZone);
}

/**
 * Training cells: every valid cell with an event (any group) from `from` on, and a seeded sample of
 * as many of the others (at least 1,000 when there are that many): the trees must see quiet cells
 * too, or they extrapolate to them. A uniform sample of a region of feature space leaves its rate
 * estimate unbiased. Ascending.
 */
function trainingCells(
  all: EventSet,
  from: number,
  ctx: Pick<FitContext, 'grid' | 'mask' | 'seed'>,
): Int32Array {
  const seen = new Uint8Array(cellCount(ctx.grid));
  for (let i = lowerBound(all.t, from); i < all.length; i++) {
    const c = cellOf(ctx.grid, all.x[i] as number, all.y[i] as number);
    if (c >= 0 && ctx.mask[c] === 1) seen[c] = 1;
  }
  const active: number[] = [];
  const quiet: number[] = [];
  for (let c = 0; c < seen.length; c++) {
    if (ctx.mask[c] !== 1) continue;
    (seen[c] === 1 ? active : quiet).push(c);
  }
  const want = Math.min(quiet.length, Math.max(active.length, 1000));
  const next = mulberry32(ctx.seed);
  // Partial Fisher–Yates: the first `want` entries become the sample.
  for (let i = 0; i < want; i++) {
    const j = i + Math.floor(next() * (quiet.length - i));
    const tmp = quiet[i] as number;
    quiet[i] = quiet[j] as number;
    quiet[j] = tmp;
  }
  return Int32Array.from([...active, ...quiet.slice(0, want)]).sort();
}

/** The event set every feature is built from: all groups when asked, else the forecast group. */
function featureEvents(events: EventSet, ctx: Pick<FitContext, 'allEvents'>, otherGroups: boolean): EventSet {
  return otherGroups && ctx.allEvents ? ctx.allEvents : events;
}

/** Groups counted as features: those with a category present in the data, without duplicates. */
function featureGroups(data: EventSet, target: CrimeGroup | null, otherGroups: boolean): CrimeGroup[] {
  const present = new Set<number>();
  for (let i = 0; i < data.length; i++) present.add(data.category[i] as number);
  const groups: CrimeGroup[] = [];
  const seen = new Set<string>();
  const order = (Object.keys(CRIME_GROUPS) as CrimeGroup[]).sort((a, b) =>
    a === target ? -1 : b === target ? 1 : 0,
  );
  for (const g of order) {
    if (!otherGroups && g !== target) continue;
    const key = (CRIME_GROUPS[g] as readonly CrimeCategory[])
      .map((c) => CATEGORY_CODES.indexOf(c))
      .filter((c) => present.has(c))
      .sort((a, b) => a - b)
      .join(',');
    if (key === '' || seen.has(key)) continue;
    seen.add(key);
    groups.push(g);
  }
  return groups.length > 0 ? groups : [target ?? 'all'];
}

const eventsState = z.object({
  t: z.string(),
  known: z.string(),
  x: z.string(),
  y: z.string(),
  category: z.string(),
});
type EventsState = z.infer<typeof eventsState>;

function eventsToState(e: EventSet): EventsState {
  const b64 = encodeTyped;
  return { t: b64(e.t), known: b64(e.known), x: b64(e.x), y: b64(e.y), category: b64(e.category) };
}
function eventsFromState(s: EventsState, field: string): EventSet {
  const f64 = (name: 't' | 'known' | 'x' | 'y') => decodeTyped(`${field}.${name}`, s[name], Float64Array);
  return createEventSet({
    t: f64('t'),
    known: f64('known'),
    x: f64('x'),
    y: f64('y'),
    category: decodeTyped(`${field}.category`, s.category, Uint8Array),
  });
}

const stateSchema = z.object({
  cutoff: z.number(),
  cellCount: z.number().int(),
  target: z.string().nullable(),
  groups: z.array(z.string()),
  featureSchema: z.object({ columns: z.array(z.object({ name: z.string() }).passthrough()) }).passthrough(),
  summary: z.object({
    windows: z.number(),
    rows: z.number(),
    targetEvents: z.number(),
    learner: z.record(z.string(), z.number()),
  }),
  learner: z.unknown(),
  events: eventsState,
  allEvents: eventsState.nullable(),
  /** With `clusters`: the instant the clusters were computed at (the first training window's start). */
  clusterAsOf: z.number().nullable().optional(),
  clusterSeed: z.number().int().optional(),
  /** With `placeTypes` / `environment`: the per-cell columns as computed at fit time. */
  placeTypeBlock: z.lazy(() => blockState).optional(),
  environmentBlock: z.lazy(() => blockState).optional(),
});

/** A per-cell block in an artifact: its column specs and one base64 Float32Array per column. */
const blockState = z.object({
  columns: z.array(z.object({ name: z.string() }).passthrough()),
  values: z.array(z.string()),
});
type BlockState = z.infer<typeof blockState>;

function blockToState(b: CellFeatureBlock): BlockState {
  return { columns: b.columns.map((c) => ({ ...c })), values: b.values.map(encodeTyped) };
}
function blockFromState(s: BlockState, field: string, cells: number): CellFeatureBlock {
  if (s.values.length !== s.columns.length)
    throw new ValidationError(field, `${s.columns.length} columnas y ${s.values.length} arreglos de valores`);
  const values = s.values.map((v, i) => {
    const a = decodeTyped(`${field}.values[${i}]`, v, Float32Array);
    if (a.length !== cells)
      throw new ValidationError(
        `${field}.values[${i}]`,
        `${a.length} valores, la grilla tiene ${cells} celdas`,
      );
    return a;
  });
  return { columns: s.columns as unknown as FeatureColumnSpec[], values };
}

/** What a fitted learned model holds. */
interface Fitted<C> {
  config: C;
  cutoff: number;
  target: CrimeGroup | null;
  groups: CrimeGroup[];
  schema: FeatureSchema;
  summary: TrainingSummary;
  learner: TrainedLearner;
  events: EventSet;
  allEvents: EventSet | null;
  clusters: Clusters | null;
  /** Place-type and environment columns, computed once at fit time (as of the first training window). */
  placeTypes: CellFeatureBlock | null;
  environment: CellFeatureBlock | null;
}

/** Cluster columns of a fitted model: computed once, as of the first training window. */
interface Clusters {
  asOf: number;
  seed: number;
  block: CellFeatureBlock;
}

/**
 * The cluster columns from the forecast group's events known before `asOf` (no look-ahead into any
 * training window or forecast; fixed between refits, like the learner).
 */
function clustersAsOf(events: EventSet, grid: FitContext['grid'], asOf: number, seed: number): Clusters {
  return { asOf, seed, block: clusterBlock(knownBefore(events, asOf), grid, { seed }) };
}

/**
 * The place-type and environment columns a configuration asks for, from the context's inputs: place
 * types only of incidents known before `asOf` (the first training window), environment layers as
 * given (they do not change with time).
 * @throws ValidationError when a setting asks for an input the context does not carry
 */
function contextBlocks(
  ctx: FitContext,
  config: LearnedSharedConfig,
  asOf: number,
): Pick<Fitted<unknown>, 'placeTypes' | 'environment'> {
  const missing = (name: string, what: string): never => {
    throw new ValidationError(name, `el modelo usa ${what}, pero no se le entregaron`);
  };
  const placeTypes = !config.placeTypes
    ? null
    : ctx.placeTypes
      ? placeTypeBlock(placeTypesKnownBefore(ctx.placeTypes, asOf), ctx.grid)
      : missing('placeTypes', 'los tipos de lugar de los incidentes');
  const environment = !config.environment
    ? null
    : ctx.environment
      ? environmentBlock(ctx.environment.layers, ctx.grid, ctx.environment.project)
      : missing('environment', 'capas del entorno');
  return { placeTypes, environment };
}

/**
 * Builds the predictor module of a learned grid model from its learner.
 * @example
 * export const gbtGrid = createLearnedModule({ kind: 'gbt-grid', learner: gbtLearner, ... });
 */
export function createLearnedModule<L extends object>(
  spec: LearnedModelSpec<L>,
): PredictorModule<LearnedSharedConfig & Record<string, unknown>, Promise<Predictor>> {
  const configSchema = z.strictObject({ ...sharedShape, ...spec.learnerShape });
  type Config = LearnedSharedConfig & Record<string, unknown>;
  const defaults = Object.freeze(parseModelConfig(configSchema, {})) as Config;
  const learnerOptions = (config: Config): L =>
    Object.fromEntries(Object.keys(spec.learnerShape).map((k) => [k, config[k]])) as L;

  const areaOf = (ctx: Pick<FitContext, 'area'>): AreaFacts => ctx.area ?? { timeZone: 'UTC' };

  const features = (
    f: Pick<
      Fitted<Config>,
      'events' | 'allEvents' | 'groups' | 'target' | 'config' | 'clusters' | 'placeTypes' | 'environment'
    >,
    ctx: Pick<FitContext, 'grid' | 'mask' | 'area'>,
    windows: readonly FeatureWindow[],
    cells?: Int32Array,
    withTarget = false,
  ) => {
    const area = areaOf(ctx);
    const cellBlocks = [f.clusters?.block, f.placeTypes, f.environment].filter(
      (b): b is CellFeatureBlock => b !== null && b !== undefined,
    );
    return buildFeatures({
      events: f.allEvents ?? f.events,
      grid: ctx.grid,
      mask: ctx.mask,
      windows,
      timeZone: area.timeZone,
      ...(area.country ? { country: area.country } : {}),
      ...(area.districtOfCell ? { districtOfCell: area.districtOfCell } : {}),
      groups: f.groups,
      ...(withTarget && f.target ? { target: f.target } : {}),
      ...(cells ? { cells } : {}),
      allHistory: true,
      hourFeatures: f.config.hourFeatures,
      ...(cellBlocks.length > 0 ? { cellBlocks } : {}),
      // The hour profile counts the forecast group (its categories), even when not training.
      ...(!withTarget && f.target ? { profileGroup: f.target } : {}),
    });
  };

  /** The feature rows of `window` (every valid cell, or `cells`), as of its local day's start. */
  const windowFeatures = (
    f: Fitted<Config>,
    ctx: Omit<FitContext, 'cutoff'>,
    window: ForecastWindow,
    cells?: Int32Array,
  ) => {
    checkWindow(window);
    const asOf = Math.min(f.cutoff, dayStart(window.start, areaOf(ctx).timeZone));
    return { asOf, m: features(f, ctx, [{ start: window.start, end: window.end, asOf }], cells) };
  };
  const clampRate = (v: number): number => (Number.isFinite(v) && v > 0 ? v : 0);

  const makePredictor = (f: Fitted<Config>, ctx: Omit<FitContext, 'cutoff'>): Predictor => {
    const predictor: Predictor = {
      kind: spec.kind,
      predict(window: ForecastWindow): RiskSurface {
        const { asOf, m } = windowFeatures(f, ctx, window);
        const days = spec.learner.sequenceDays?.(learnerOptions(f.config));
        const seq = days
          ? dailySequences(f.allEvents ?? f.events, ctx.grid, m.cells, [asOf], days, f.target ?? 'all')
          : undefined;
        const rates = f.learner.predict(m.columns, seq);
        const values = new Float64Array(cellCount(ctx.grid));
        m.cells.forEach((c, k) => {
          values[c] = clampRate(rates[k] as number);
        });
        return createRiskSurface(ctx.grid, values, ctx.mask);
      },
      condition(events: EventSet, cutoff: number, allEvents?: EventSet): Predictor {
        return makePredictor(
          {
            ...f,
            cutoff,
            events,
            allEvents:
              f.config.otherGroups && allEvents ? allEvents : f.allEvents && !allEvents ? f.allEvents : null,
          },
          ctx,
        );
      },
      trainingReport(): Record<string, number> {
        const { windows, rows, targetEvents, learner } = f.summary;
        return {
          trainingWindows: windows,
          trainingRows: rows,
          trainingTargetEvents: targetEvents,
          ...learner,
        };
      },
      toArtifact(): ModelArtifact {
        return {
          kind: spec.kind,
          schemaVersion: spec.schemaVersion,
          config: f.config,
          state: {
            cutoff: f.cutoff,
            cellCount: cellCount(ctx.grid),
            target: f.target,
            groups: f.groups,
            featureSchema: f.schema,
            summary: f.summary,
            learner: f.learner.toJSON(),
            events: eventsToState(f.events),
            allEvents: f.allEvents ? eventsToState(f.allEvents) : null,
            ...(f.clusters ? { clusterAsOf: f.clusters.asOf, clusterSeed: f.clusters.seed } : {}),
            ...(f.placeTypes ? { placeTypeBlock: blockToState(f.placeTypes) } : {}),
            ...(f.environment ? { environmentBlock: blockToState(f.environment) } : {}),
          },
        };
      },
    };
    const attribute = f.learner.explain?.bind(f.learner);
    if (!attribute) return predictor;
    return {
      ...predictor,
      explain(window: ForecastWindow, cells: Int32Array): CellExplanation[] {
        const { m } = windowFeatures(f, ctx, window, cells);
        const { link, base, contributions } = attribute(m.columns);
        const names = m.schema.columns.map((c) => c.name);
        const F = names.length;
        return Array.from(m.cells, (cell, k): CellExplanation => {
          let raw = base;
          const parts: { f: number; v: number }[] = [];
          for (let j = 0; j < F; j++) {
            const v = contributions[k * F + j] as number;
            raw += v;
            if (v !== 0) parts.push({ f: j, v });
          }
          parts.sort((a, b) => Math.abs(b.v) - Math.abs(a.v) || a.f - b.f);
          const top = parts.slice(0, EXPLAIN_TOP_FEATURES);
          let rest = 0;
          for (const p of parts.slice(EXPLAIN_TOP_FEATURES)) rest += p.v;
          return {
            kind: 'features',
            cell,
            value: clampRate(link === 'log' ? Math.exp(raw) : raw),
            link,
            base,
            contributions: top.map((p) => {
              const feature = names[p.f] as string;
              return { feature, label: featureLabel(feature), value: p.v };
            }),
            rest,
          };
        });
      },
    };
  };

  return {
    kind: spec.kind,
    schemaVersion: spec.schemaVersion,
    description: spec.description,
    defaults,
    settings: describeSettings(configSchema),
    usesAllEvents: true,
    usesInputs(config: Config): ContextInput[] {
      return [
        ...(config.placeTypes ? (['placeTypes'] as const) : []),
        ...(config.environment ? (['environment'] as const) : []),
      ];
    },
    output: 'rate',
    refitEveryDays: spec.refitEveryDays,
    parseConfig(input: unknown): Config {
      return parseModelConfig(configSchema, input) as Config;
    },
    async fit(events, ctx, config) {
      checkContext(ctx);
      const area = areaOf(ctx);
      const data = featureEvents(events, ctx, config.otherGroups);
      const target = targetGroupOf(events);
      const groups = featureGroups(data, target, config.otherGroups);
      const base = {
        config,
        events,
        allEvents: config.otherGroups && ctx.allEvents ? ctx.allEvents : null,
        groups,
        target: target ?? groups[0] ?? 'all',
      } as const;
      // Every day of a smoothed target must have ended before the cutoff.
      const windows = trainingWindows(
        ctx.cutoff,
        ctx.horizon ?? 'day',
        config.trainDays,
        config.trainStrideDays,
        area.timeZone,
      ).filter(
        (w) =>
          w.end + (shiftDay(w.asOf ?? w.start, config.targetDays - 1, area.timeZone) - (w.asOf ?? w.start)) <=
          ctx.cutoff,
      );
      const first = windows[0]?.start ?? ctx.cutoff;
      const cells = trainingCells(data, first - ACTIVE_LOOKBACK_DAYS * DAY_MS, ctx);
      const sequenceDays = spec.learner.sequenceDays?.(learnerOptions(config));
      const trainable = windows.length > 0 && cells.length > 0 && events.length > 0;
      // Per-cell blocks are fixed as of the first training window: no look-ahead into any target.
      const blocksAsOf = Math.min(windows[0]?.asOf ?? first, first);
      const clusters = config.clusters ? clustersAsOf(events, ctx.grid, blocksAsOf, ctx.seed) : null;
      const fixed = { clusters, ...contextBlocks(ctx, config, blocksAsOf) };
      const m = features(
        { ...base, ...fixed },
        ctx,
        trainable ? windows : [],
        trainable ? cells : new Int32Array(0),
        true,
      );
      const y =
        config.targetDays > 1 && trainable
          ? smoothedTargets(data, ctx.grid, m.cells, windows, config.targetDays, base.target, area.timeZone)
          : (m.target ?? new Float32Array(m.rows));
      let targetEvents = 0;
      for (const v of y) targetEvents += v * config.targetDays;
      const learner: TrainedLearner =
        targetEvents > 0
          ? await spec.learner.train(
              m.columns,
              y,
              learnerOptions(config),
              ctx.seed,
              sequenceDays
                ? dailySequences(
                    data,
                    ctx.grid,
                    m.cells,
                    windows.map((w) => w.asOf ?? w.start),
                    sequenceDays,
                    base.target,
                  )
                : undefined,
            )
          : zeroLearner();
      return makePredictor(
        {
          ...base,
          ...fixed,
          cutoff: ctx.cutoff,
          schema: m.schema,
          summary: { windows: windows.length, rows: m.rows, targetEvents, learner: { ...learner.report } },
          learner,
        },
        ctx,
      );
    },
    async fromArtifact(artifact, ctx) {
      checkContext(ctx);
      checkArtifact(artifact, spec.kind, spec.schemaVersion);
      const config = parseModelConfig(configSchema, artifact.config) as Config;
      const s = parseModelState(stateSchema, artifact.state);
      if (s.cellCount !== cellCount(ctx.grid))
        throw new ValidationError(
          'artifact.state.cellCount',
          `el modelo es de una grilla de ${s.cellCount} celdas; esta tiene ${cellCount(ctx.grid)}`,
        );
      const learner = s.learner === null ? zeroLearner() : await spec.learner.restore(s.learner);
      const events = eventsFromState(s.events, 'artifact.state.events');
      return makePredictor(
        {
          config,
          cutoff: s.cutoff,
          target: s.target as CrimeGroup | null,
          groups: s.groups as CrimeGroup[],
          schema: s.featureSchema as unknown as FeatureSchema,
          summary: s.summary,
          learner,
          events,
          allEvents: s.allEvents ? eventsFromState(s.allEvents, 'artifact.state.allEvents') : null,
          clusters:
            config.clusters && typeof s.clusterAsOf === 'number'
              ? clustersAsOf(events, ctx.grid, s.clusterAsOf, s.clusterSeed ?? 0)
              : null,
          placeTypes: s.placeTypeBlock
            ? blockFromState(s.placeTypeBlock, 'artifact.state.placeTypeBlock', s.cellCount)
            : null,
          environment: s.environmentBlock
            ? blockFromState(s.environmentBlock, 'artifact.state.environmentBlock', s.cellCount)
            : null,
        },
        ctx,
      );
    },
  };
}

/** The learner of a model without any training target: zero everywhere. */
function zeroLearner(): TrainedLearner {
  return {
    predict: (columns) => new Float64Array(columns[0]?.length ?? 0),
    toJSON: () => null,
    report: {},
  };
}

/** Channels of {@link dailySequences}: the forecast group in the cell, in its 3 × 3 block, and every group in the cell. */
export const SEQUENCE_CHANNELS = 3;

/**
 * Daily counts before each row's as-of time, rows × days × {@link SEQUENCE_CHANNELS}, oldest day
 * first; row `w * cells.length + k` is as-of `asOfs[w]` and cell `cells[k]` (the feature matrix's
 * order). Only events known before the as-of time count (the harness cut, again).
 */
export function dailySequences(
  events: EventSet,
  grid: FitContext['grid'],
  cells: Int32Array,
  asOfs: readonly number[],
  days: number,
  target: CrimeGroup,
): Float32Array {
  const K = cells.length;
  const C = SEQUENCE_CHANNELS;
  const out = new Float32Array(asOfs.length * K * days * C);
  const rowOf = new Int32Array(cellCount(grid)).fill(-1);
  cells.forEach((c, k) => {
    rowOf[c] = k;
  });
  const isTarget = new Uint8Array(CATEGORY_CODES.length);
  for (const cat of CRIME_GROUPS[target] as readonly CrimeCategory[])
    isTarget[CATEGORY_CODES.indexOf(cat)] = 1;
  asOfs.forEach((asOf, w) => {
    const from = lowerBound(events.t, asOf - days * DAY_MS);
    const to = lowerBound(events.t, asOf);
    for (let i = from; i < to; i++) {
      if ((events.known[i] as number) >= asOf) continue;
      const c = cellOf(grid, events.x[i] as number, events.y[i] as number);
      if (c < 0) continue;
      const step = days - 1 - Math.floor((asOf - (events.t[i] as number)) / DAY_MS);
      if (step < 0) continue;
      const hit = isTarget[events.category[i] as number] === 1;
      const k = rowOf[c] as number;
      if (k >= 0) {
        const at = ((w * K + k) * days + step) * C;
        out[at + 2] = (out[at + 2] as number) + 1;
        if (hit) out[at] = (out[at] as number) + 1;
      }
      if (!hit) continue;
      const col = c % grid.cols;
      const row = (c - col) / grid.cols;
      for (let dr = -1; dr <= 1; dr++)
        for (let dc = -1; dc <= 1; dc++) {
          const r2 = row + dr;
          const c2 = col + dc;
          if (r2 < 0 || r2 >= grid.rows || c2 < 0 || c2 >= grid.cols) continue;
          const k2 = rowOf[r2 * grid.cols + c2] as number;
          if (k2 < 0) continue;
          const at = ((w * K + k2) * days + step) * C + 1;
          out[at] = (out[at] as number) + 1;
        }
    }
  });
  return out;
}

/**
 * Training targets averaged over `days` days: for each window and row cell, the mean number of
 * events of the forecast group in the same local hours on the window's day and the next `days − 1`
 * days (row order of the feature matrix). The caller keeps only windows whose last day ended
 * before the cutoff.
 */
export function smoothedTargets(
  events: EventSet,
  grid: FitContext['grid'],
  cells: Int32Array,
  windows: readonly FeatureWindow[],
  days: number,
  target: CrimeGroup,
  timeZone: string,
): Float32Array {
  const K = cells.length;
  const out = new Float32Array(windows.length * K);
  const rowOf = new Int32Array(cellCount(grid)).fill(-1);
  cells.forEach((c, k) => {
    rowOf[c] = k;
  });
  const isTarget = new Uint8Array(CATEGORY_CODES.length);
  for (const cat of CRIME_GROUPS[target] as readonly CrimeCategory[])
    isTarget[CATEGORY_CODES.indexOf(cat)] = 1;
  windows.forEach((w, wi) => {
    const day0 = w.asOf ?? w.start;
    for (let k = 0; k < days; k++) {
      const shift = shiftDay(day0, k, timeZone) - day0;
      const to = lowerBound(events.t, w.end + shift);
      for (let i = lowerBound(events.t, w.start + shift); i < to; i++) {
        if (isTarget[events.category[i] as number] !== 1) continue;
        const c = cellOf(grid, events.x[i] as number, events.y[i] as number);
        const r = c < 0 ? -1 : (rowOf[c] as number);
        if (r >= 0) out[wi * K + r] = (out[wi * K + r] as number) + 1 / days;
      }
    }
  });
  return out;
}

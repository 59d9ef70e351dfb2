/**
 * The one predictor interface. A model is fitted on events the harness has already cut at the
 * prediction time, and returns a RiskSurface for a target window. Models never read the clock,
 * the database or the filesystem, and never cut data themselves: `ctx.cutoff` is information only
 * (the no-leakage conformance test checks this through the harness).
 */
import type { EventSet, PlaceTypeSet } from '../core/events.ts';
import type { GridSpec } from '../core/grid.ts';
import type { RiskSurface } from '../core/risk-surface.ts';
import type { Horizon } from '../core/time.ts';
import type { EnvironmentInput } from '../features/environment.ts';

/** The period a forecast is for: [start, end) in ms (a turno, a day, seven days). */
export interface ForecastWindow {
  readonly start: number;
  readonly end: number;
}

/** One feature's part of a learned model's value (tree-path attribution, on the model's link scale). */
export interface FeatureContribution {
  /** The feature column's name, e.g. "count.property.30d". */
  readonly feature: string;
  /** Its Spanish label, e.g. "robos y hurtos en la celda, últimos 30 días". */
  readonly label: string;
  /** Change of the raw score credited to the feature (> 0 pushes the value up). */
  readonly value: number;
}

/**
 * What a cell's predicted value is made of, one type for every model that explains itself:
 *
 * - `etas` (self-exciting models): `background + triggered = value` — the cell's background rate
 *   over the window and the part past events' kernels add;
 * - `features` (tree ensembles): `inverseLink(base + Σ contributions + rest) = value`, with `base`
 *   the ensemble's starting score (the same for every cell), `contributions` the features with the
 *   largest |value| (at most {@link EXPLAIN_TOP_FEATURES}, largest first) and `rest` the sum of all
 *   the others. `link` 'log': raw scores are log rates (a contribution v multiplies the value by
 *   e^v); 'identity': contributions are expected events added.
 */
export type CellExplanation =
  | {
      readonly kind: 'etas';
      readonly cell: number;
      readonly value: number;
      readonly background: number;
      readonly triggered: number;
    }
  | {
      readonly kind: 'features';
      readonly cell: number;
      readonly value: number;
      readonly link: 'log' | 'identity';
      readonly base: number;
      readonly contributions: readonly FeatureContribution[];
      readonly rest: number;
    };

/** Most features a `features` explanation names (the others are summed into `rest`). */
export const EXPLAIN_TOP_FEATURES = 8;

/** Facts of the study area that learned models use as features (calendar, district). */
export interface AreaFacts {
  /** IANA time zone of the area (local day, hour, turno). */
  readonly timeZone: string;
  /** Holiday calendar (ISO 3166-1 alpha-2, e.g. "PE"); absent = no holiday feature. */
  readonly country?: string;
  /** District index of every grid cell (−1 = none); absent = no district feature. */
  readonly districtOfCell?: Int16Array;
}

/** What a model may know besides the events. */
export interface FitContext {
  readonly grid: GridSpec;
  readonly mask: Uint8Array;
  /** Prediction time: every event given to `fit` occurred and was known before it. */
  readonly cutoff: number;
  /** Seed for any randomness (same seed → same surface). */
  readonly seed: number;
  /**
   * Located events of every crime group (not only the forecast group's `events`), cut by the
   * harness at the same `cutoff`: learned models count other groups as features. Absent: the
   * model sees only `events`.
   */
  readonly allEvents?: EventSet;
  /** The study area's calendar and districts; absent: UTC, no holidays, no districts. */
  readonly area?: AreaFacts;
  /**
   * The layout of the windows the model will be asked for (learned models train on windows of
   * the same layout); absent: days.
   */
  readonly horizon?: Horizon;
  /**
   * Past incidents with the data's place type (e.g. Chicago's `loc_cat`), cut at `cutoff` like the
   * events; given only when the model's settings use them ({@link PredictorModule.usesInputs}).
   */
  readonly placeTypes?: PlaceTypeSet;
  /** The area's environment layers (GeoJSON) and their projection; given only when used. */
  readonly environment?: EnvironmentInput;
}

/** Optional inputs of a {@link FitContext} that callers load only when a model's settings use them. */
export type ContextInput = 'placeTypes' | 'environment';

/** A serialised model: literal `kind`, versioned `config` (options) and learned `state`. */
export interface ModelArtifact<C = unknown, S = unknown> {
  kind: string;
  schemaVersion: number;
  config: C;
  state: S;
}

/** A fitted model. */
export interface Predictor {
  readonly kind: string;
  /** Risk for `window` (expected counts or scores; masked cells 0). */
  predict(window: ForecastWindow): RiskSurface;
  /**
   * The same fitted parameters conditioned on newer data (the harness's cut at a later `cutoff`),
   * without re-estimating them: lets a backtest refit a slow model weekly yet forecast daily with
   * the latest events. Optional; without it the harness refits.
   */
  condition?(events: EventSet, cutoff: number, allEvents?: EventSet): Predictor;
  /**
   * Training metrics (e.g. training and validation loss) recorded with a stored trained model.
   * Optional; learned models expose it.
   */
  trainingReport?(): Record<string, number>;
  /**
   * How the value of each of `cells` (valid cells, ascending) for `window` is made up, by the
   * model itself; one entry per cell, in that order, `value` equal to `predict(window)`'s. Optional:
   * models without an honest, cheap decomposition leave it out (docs/forecasting.md
   * "How a model explains a cell").
   */
  explain?(window: ForecastWindow, cells: Int32Array): CellExplanation[];
  toArtifact(): ModelArtifact;
}

/** One setting of a model, as `vigia models show` and docs/forecasting.md list it. */
export interface SettingInfo {
  name: string;
  /** JSON type: number, integer, boolean, string or array (+ " | null" when null is allowed). */
  type: string;
  /** Allowed values: an interval ("[25, 2000]", "(0, 1]") or the choices ("l1, chebyshev"); '' when free. */
  allowed: string;
  /** Unit ('m', 'días', 'semanas'); '' when none. */
  unit: string;
  default: unknown;
  /** One line, Spanish. */
  description: string;
}

/**
 * A model family: validates its options, fits, and restores from an artifact. `P` is what `fit`
 * returns: classical models fit synchronously (`Predictor`), learned ones return a promise.
 */
export interface PredictorModule<
  C = unknown,
  P extends Predictor | Promise<Predictor> = Predictor | Promise<Predictor>,
> {
  readonly kind: string;
  readonly schemaVersion: number;
  /** One line, Spanish first, for `--help`, the API and the dashboard. */
  readonly description: string;
  /** Default options. */
  readonly defaults: C;
  /** Every option with type, unit, default and description (from the option schema). */
  readonly settings: readonly SettingInfo[];
  /**
   * Whether `fit` uses `FitContext.allEvents` (every crime group, for learned features): callers
   * load them only then.
   */
  readonly usesAllEvents?: boolean;
  /** The optional context inputs `fit` uses with these settings (absent: none). */
  usesInputs?(config: C): readonly ContextInput[];
  /**
   * What `predict` gives: expected events per cell and window ('rate': Poisson deviance applies) or
   * a ranking score ('score', the default: only the ranking is evaluated).
   */
  readonly output?: 'rate' | 'score';
  /** Whether it is a reference baseline (random, naive) rather than a forecasting method. */
  readonly baseline?: boolean;
  /**
   * Default refit interval in backtests, days, for models whose predictors have `condition`: in
   * between they are conditioned on the latest data instead of refitted. Absent: refit every window.
   */
  readonly refitEveryDays?: number;
  /**
   * Checks options (merged over the defaults).
   * @throws ValidationError naming the option
   */
  parseConfig(input: unknown): C;
  /** Fits on the harness's cut; learned models train asynchronously (a promise). */
  fit(events: EventSet, ctx: FitContext, config: C): P;
  /** @throws ValidationError when the artifact's kind or schemaVersion do not match */
  fromArtifact(artifact: ModelArtifact, ctx: Omit<FitContext, 'cutoff'>): P;
}

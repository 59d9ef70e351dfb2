/**
 * The one predictor interface. A model is fitted on events the harness has already cut at the
 * prediction time, and returns a RiskSurface for a target window. Models never read the clock,
 * the database or the filesystem, and never cut data themselves: `ctx.cutoff` is information only
 * (the no-leakage conformance test checks this through the harness).
 */
import type { EventSet } from '../core/events.ts';
import type { GridSpec } from '../core/grid.ts';
import type { RiskSurface } from '../core/risk-surface.ts';
import type { Horizon } from '../core/time.ts';

/** The period a forecast is for: [start, end) in ms (a turno, a day, seven days). */
export interface ForecastWindow {
  readonly start: number;
  readonly end: number;
}

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
}

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

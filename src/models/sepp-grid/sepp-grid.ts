/**
 * Grid self-exciting point process (ETAS/Hawkes in time, one background rate per cell): the model
 * behind PredPol's field trial (Mohler et al. 2015, "Randomized controlled field trials of
 * predictive policing", JASA, doi:10.1080/01621459.2015.1077710), as in open_cp `seppexp`. The
 * reference is §1.5 of docs/forecasting-and-evaluation.md.
 *
 * Each valid cell n has the conditional intensity
 *
 *     λ_n(t) = μ_n + Σ_{j: t_j < t, j in n} θ ω e^{−ω (t − t_j)}
 *
 * so events excite later events **in the same cell**, in time only. μ_n is per cell; θ (expected
 * direct offspring per event) and ω (1/ω = mean delay) are shared by all cells. Times are days
 * inside the model.
 *
 * Fitting is EM on the training window [cutoff − W, cutoff), length T days:
 * - E-step: p_jk = θω e^{−ω(t_k − t_j)} / λ_n(t_k) (k triggered by j) and p_kk = μ_n / λ_n(t_k).
 * - M-step: ω = Σ p_jk / Σ p_jk (t_k − t_j), θ = Σ p_jk / Σ_n N_n, μ_n = Σ_{k in n} p_kk / T.
 * - Edge correction (Lewis & Mohler 2011, "A nonparametric EM algorithm for multiscale Hawkes
 *   processes"; open_cp `maximisation_corrected`): offspring after T are never observed, so the θ
 *   denominator becomes Σ_k (1 − e^{−ω(T − t_k)}) and θ Σ_k (T − t_k) e^{−ω(T − t_k)} is added to the
 *   ω denominator (with the current θ and ω, as open_cp does).
 * - Start: θ = 0.5, 1/ω = 1 day, μ_n = 0.5 N_n / T; stop after 50 iterations or when every
 *   parameter's relative change is below 1e-6.
 *
 * Only the E-step needs the pairs, and only the p_jk sums enter the M-step, so nothing is stored per
 * pair: for each event k the sums G = Σ_j θω e^{−ωΔ} and GD = Σ_j θω e^{−ωΔ} Δ give Σ_j p_jk = G/λ and
 * Σ_j p_jk Δ = GD/λ. Pairs with e^{−ωΔ} < 1e-10 are skipped (the cell's times are sorted, so the
 * inner loop stops at the first one), which makes an iteration O(N · k) with k the events of a cell
 * within ≈ 23/ω days, instead of O(Σ N_n²). Events are bucketed by a counting sort into one CSR
 * layout (offsets per cell + one times array), never into per-cell objects.
 *
 * The forecast for a window [t0, t0 + H) is the expected count
 *
 *     μ_n H + Σ_j θ (e^{−ω(t0 − t_j)} − e^{−ω(t0 + H − t_j)})
 *
 * which ignores offspring of events that fall inside the window. Only events whose trigger has not
 * decayed below the truncation at the cutoff are kept for it (≈ 46 days of events at 1/ω = 2 days).
 */
import { z } from 'zod';
import { ValidationError } from '../../core/errors.ts';
import type { EventSet } from '../../core/events.ts';
import { cellCount, cellOf, type GridSpec } from '../../core/grid.ts';
import { createRiskSurface, type RiskSurface } from '../../core/risk-surface.ts';
import { describeSettings } from '../model-kit.ts';
import type {
  CellExplanation,
  FitContext,
  ForecastWindow,
  ModelArtifact,
  Predictor,
  PredictorModule,
} from '../predictor.ts';

/** The model's kind, as written in artifacts. */
export const SEPP_GRID_KIND = 'sepp-grid';
const SCHEMA_VERSION = 1;
const DAY_MS = 86_400_000;

const configSchema = z.strictObject({
  /** Upper bound on EM iterations (open_cp runs a fixed 20). */
  maxIterations: z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(50)
    .meta({ description: 'máximo de iteraciones EM' }),
  /** Stop once every parameter's relative change in one iteration is below this. */
  tolerance: z
    .number()
    .positive()
    .max(1)
    .default(1e-6)
    .meta({ description: 'EM se detiene cuando todo parámetro cambia menos que esta fracción' }),
  /** Start value of θ (open_cp: 0.5). */
  initialTheta: z
    .number()
    .gt(0)
    .lt(1)
    .default(0.5)
    .meta({ description: 'valor inicial de θ (fracción de eventos desencadenados)' }),
  /** Start value of the mean trigger delay 1/ω, days (open_cp: 1 day). */
  initialMeanDelayDays: z
    .number()
    .positive()
    .max(3650)
    .default(1)
    .meta({ unit: 'días', description: 'valor inicial del retardo medio 1/ω del contagio' }),
  /** Training window W, days: events in [cutoff − W, cutoff). */
  trainingWindowDays: z
    .number()
    .positive()
    .max(36_525)
    .default(365)
    .meta({ unit: 'días', description: 'ventana de entrenamiento W: eventos de [corte − W, corte)' }),
  /** Lewis & Mohler edge correction for offspring after the cutoff. */
  edgeCorrection: z
    .boolean()
    .default(true)
    .meta({ description: 'corrección de borde de Lewis y Mohler para descendientes tras el corte' }),
  /** Pairs (and, for prediction, past events) whose e^{−ωΔ} is below this are ignored. */
  truncation: z
    .number()
    .gt(0)
    .lt(1)
    .default(1e-10)
    .meta({ description: 'se ignoran pares cuyo e^{−ωΔ} queda bajo este valor' }),
});

/** Options of the grid SEPP model (all have defaults). */
export type SeppGridConfig = z.output<typeof configSchema>;

/** Parameters learned by EM: per-cell background (events/day) and the shared trigger. */
export interface SeppParams {
  /** Background rate per cell slot, events per day. */
  readonly mu: Float64Array;
  /** Expected direct offspring per event. */
  readonly theta: number;
  /** Trigger decay, per day (1/ω = mean delay in days). */
  readonly omega: number;
}

/** Events bucketed by cell slot: slot s holds `times[offsets[s] .. offsets[s + 1])`, ascending. */
export interface CellTimes {
  readonly offsets: Int32Array;
  readonly times: Float64Array;
}

/** EM settings used by {@link emStep} and {@link fitEm}. */
export interface EmOptions {
  readonly edgeCorrection: boolean;
  readonly truncation: number;
}

/** What a fit found, for reports. */
export interface SeppGridFitted {
  readonly theta: number;
  readonly omegaPerDay: number;
  readonly meanDelayDays: number;
  /** EM iterations run. */
  readonly iterations: number;
  /** Whether the relative-change tolerance was met before `maxIterations`. */
  readonly converged: boolean;
  /** Training events that fell in valid cells. */
  readonly eventsUsed: number;
  /** Training window length T actually used, days. */
  readonly trainingDays: number;
}

/** A fitted grid SEPP. */
export interface SeppGridPredictor extends Predictor {
  readonly fitted: SeppGridFitted;
}

/** The module, with `fit` and `fromArtifact` typed to return a {@link SeppGridPredictor}. */
export interface SeppGridModule extends PredictorModule<SeppGridConfig, Predictor> {
  fit(events: EventSet, ctx: FitContext, config: SeppGridConfig): SeppGridPredictor;
  fromArtifact(artifact: ModelArtifact, ctx: Omit<FitContext, 'cutoff'>): SeppGridPredictor;
}

/** Serialised state (JSON-safe). */
export interface SeppGridState {
  /** Prediction time of the fit, ms. */
  cutoff: number;
  theta: number;
  omegaPerDay: number;
  /** Background rate per valid cell in mask order, events per day. */
  mu: number[];
  /** Events still able to trigger at the cutoff: valid-cell slot and time (ms), grouped by slot. */
  recentSlots: number[];
  recentTimes: number[];
  fit: { iterations: number; converged: boolean; eventsUsed: number; trainingDays: number };
}

const stateSchema = z.object({
  cutoff: z.number(),
  theta: z.number().min(0),
  omegaPerDay: z.number().positive(),
  mu: z.array(z.number().min(0)),
  recentSlots: z.array(z.number().int().min(0)),
  recentTimes: z.array(z.number()),
  fit: z.object({
    iterations: z.number().int().min(0),
    converged: z.boolean(),
    eventsUsed: z.number().int().min(0),
    trainingDays: z.number().min(0),
  }),
});

// ---------------------------------------------------------------------------------------------------
// EM core (exported for the hand-checked tests)
// ---------------------------------------------------------------------------------------------------

/**
 * Counting sort of events into slots (CSR). `slotOf[i]` is event i's slot or −1 to drop it. Stable,
 * so times already ascending (an EventSet is sorted) stay ascending inside each slot.
 */
export function bucketByCell(slotOf: Int32Array, times: Float64Array, slots: number): CellTimes {
  const offsets = new Int32Array(slots + 1);
  for (let i = 0; i < slotOf.length; i++) {
    const s = slotOf[i] as number;
    if (s >= 0) offsets[s + 1] = (offsets[s + 1] as number) + 1;
  }
  for (let s = 0; s < slots; s++) offsets[s + 1] = (offsets[s + 1] as number) + (offsets[s] as number);
  const fill = offsets.slice(0, slots);
  const out = new Float64Array(offsets[slots] as number);
  for (let i = 0; i < slotOf.length; i++) {
    const s = slotOf[i] as number;
    if (s < 0) continue;
    const at = fill[s] as number;
    out[at] = times[i] as number;
    fill[s] = at + 1;
  }
  return { offsets, times: out };
}

/**
 * One EM iteration (E-step and M-step together) on a window of `durationDays`; times in `cells` are
 * days from the window start. Returns new parameters; `params` is not modified.
 */
export function emStep(
  cells: CellTimes,
  durationDays: number,
  params: SeppParams,
  options: EmOptions,
): SeppParams {
  const { offsets, times } = cells;
  const { mu, theta, omega } = params;
  const slots = offsets.length - 1;
  const T = durationDays;
  const thetaOmega = theta * omega;
  // e^{−ωΔ} < truncation ⇔ Δ > −ln(truncation)/ω: past that lag a pair's weight is negligible.
  const maxLag = -Math.log(options.truncation) / omega;
  const newMu = new Float64Array(slots);
  let triggered = 0; // Σ p_jk
  let triggeredLag = 0; // Σ p_jk (t_k − t_j)
  let thetaDenominator = 0; // Σ_n N_n, or Σ_k (1 − e^{−ω(T − t_k)}) with the edge correction
  let edgeLag = 0; // Σ_k (T − t_k) e^{−ω(T − t_k)}
  for (let s = 0; s < slots; s++) {
    const start = offsets[s] as number;
    const end = offsets[s + 1] as number;
    if (start === end) continue;
    const m = mu[s] as number;
    let background = 0;
    for (let k = start; k < end; k++) {
      const tk = times[k] as number;
      let g = 0;
      let gLag = 0;
      for (let j = k - 1; j >= start; j--) {
        const lag = tk - (times[j] as number);
        if (lag > maxLag) break;
        const w = thetaOmega * Math.exp(-omega * lag);
        g += w;
        gLag += w * lag;
      }
      const lambda = m + g;
      background += m / lambda;
      triggered += g / lambda;
      triggeredLag += gLag / lambda;
      if (options.edgeCorrection) {
        const left = T - tk;
        const e = Math.exp(-omega * left);
        thetaDenominator += 1 - e;
        edgeLag += left * e;
      } else thetaDenominator += 1;
    }
    newMu[s] = background / T;
  }
  // No pair carries weight (θ = 0, or no two events close enough): triggering is absent, and ω
  // cannot be estimated, so it keeps its value.
  if (!(triggered > 0)) return { mu: newMu, theta: 0, omega };
  const omegaDenominator = triggeredLag + (options.edgeCorrection ? theta * edgeLag : 0);
  return {
    mu: newMu,
    theta: triggered / thetaDenominator,
    omega: omegaDenominator > 0 ? triggered / omegaDenominator : omega,
  };
}

/** Result of {@link fitEm}. */
export interface EmResult {
  readonly params: SeppParams;
  readonly iterations: number;
  readonly converged: boolean;
}

const relativeChange = (a: number, b: number): number =>
  a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Number.MIN_VALUE);

/**
 * EM from the §1.5 start values (θ0, 1/ω0 and μ_n = 0.5 N_n / T) until every parameter's relative
 * change is below `tolerance` or `maxIterations` have run.
 */
export function fitEm(
  cells: CellTimes,
  durationDays: number,
  options: EmOptions & {
    maxIterations: number;
    tolerance: number;
    initialTheta: number;
    initialMeanDelayDays: number;
  },
): EmResult {
  const slots = cells.offsets.length - 1;
  const mu0 = new Float64Array(slots);
  for (let s = 0; s < slots; s++)
    mu0[s] = (0.5 * ((cells.offsets[s + 1] as number) - (cells.offsets[s] as number))) / durationDays;
  let params: SeppParams = { mu: mu0, theta: options.initialTheta, omega: 1 / options.initialMeanDelayDays };
  if (cells.times.length === 0) return { params: { ...params, theta: 0 }, iterations: 0, converged: true };
  for (let it = 1; it <= options.maxIterations; it++) {
    const next = emStep(cells, durationDays, params, options);
    let change = Math.max(relativeChange(params.theta, next.theta), relativeChange(params.omega, next.omega));
    for (let s = 0; s < slots && change < options.tolerance; s++)
      change = Math.max(change, relativeChange(params.mu[s] as number, next.mu[s] as number));
    params = next;
    if (change < options.tolerance) return { params, iterations: it, converged: true };
  }
  return { params, iterations: options.maxIterations, converged: false };
}

/**
 * Expected counts per slot for [t0, t0 + H): μ_n H + Σ_j θ (e^{−ω(t0 − t_j)} − e^{−ω(t0 + H − t_j)})
 * over events j with t_j < t0 (days on any common origin).
 */
export function expectedCounts(
  recent: CellTimes,
  params: SeppParams,
  t0Days: number,
  horizonDays: number,
): Float64Array {
  const { offsets, times } = recent;
  const { mu, theta, omega } = params;
  const slots = offsets.length - 1;
  // e^{−ωa} − e^{−ω(a+H)} = e^{−ωa} (1 − e^{−ωH}): one exp per event.
  const windowShare = theta * -Math.expm1(-omega * horizonDays);
  const out = new Float64Array(slots);
  for (let s = 0; s < slots; s++) {
    let v = (mu[s] as number) * horizonDays;
    const end = offsets[s + 1] as number;
    for (let j = offsets[s] as number; j < end; j++) {
      const age = t0Days - (times[j] as number);
      // Events at or after t0 are inside (or beyond) the window: the formula leaves them out.
      if (age > 0) v += windowShare * Math.exp(-omega * age);
    }
    out[s] = v;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Predictor
// ---------------------------------------------------------------------------------------------------

/** Valid cells in mask order: slot → cell and cell → slot (−1 when masked). */
function slotsOf(grid: GridSpec, mask: Uint8Array): { slotCell: Int32Array; cellSlot: Int32Array } {
  const n = cellCount(grid);
  if (mask.length !== n)
    throw new ValidationError('mask', `se esperaban ${n} celdas en la máscara, hay ${mask.length}`);
  const cellSlot = new Int32Array(n).fill(-1);
  let k = 0;
  for (let c = 0; c < n; c++) if (mask[c] !== 0) cellSlot[c] = k++;
  const slotCell = new Int32Array(k);
  for (let c = 0; c < n; c++) if ((cellSlot[c] as number) >= 0) slotCell[cellSlot[c] as number] = c;
  return { slotCell, cellSlot };
}

interface Fitted {
  config: SeppGridConfig;
  grid: GridSpec;
  mask: Uint8Array;
  slotCell: Int32Array;
  cellSlot: Int32Array;
  cutoff: number;
  params: SeppParams;
  /** Recent events per slot, times in ms. */
  recent: CellTimes;
  fit: SeppGridState['fit'];
}

/**
 * The events that can still trigger at `cutoff` (e^{−ω(cutoff − t)} ≥ truncation), bucketed by slot,
 * from the whole input: the intensity depends on every past event, even one before a short window.
 */
function recentBySlot(
  events: EventSet,
  grid: GridSpec,
  cellSlot: Int32Array,
  slots: number,
  cutoff: number,
  omegaPerDay: number,
  truncation: number,
): CellTimes {
  const horizonMs = (-Math.log(truncation) / omegaPerDay) * DAY_MS;
  const recentSlot = new Int32Array(events.length).fill(-1);
  for (let i = events.length - 1; i >= 0; i--) {
    const t = events.t[i] as number;
    if (t < cutoff - horizonMs) break; // sorted by time: everything earlier is older still
    if (t >= cutoff) continue;
    const c = cellOf(grid, events.x[i] as number, events.y[i] as number);
    if (c >= 0) recentSlot[i] = cellSlot[c] as number;
  }
  return bucketByCell(recentSlot, events.t, slots);
}

function makePredictor(f: Fitted): SeppGridPredictor {
  const fitted: SeppGridFitted = Object.freeze({
    theta: f.params.theta,
    omegaPerDay: f.params.omega,
    meanDelayDays: 1 / f.params.omega,
    ...f.fit,
  });
  // Recent times relative to the cutoff, in days, once: predict is then a pass over the slots.
  const recentDays: CellTimes = {
    offsets: f.recent.offsets,
    times: f.recent.times.map((t) => (t - f.cutoff) / DAY_MS),
  };
  const n = cellCount(f.grid);
  const checkWindow = (window: ForecastWindow): void => {
    if (!(Number.isFinite(window.start) && Number.isFinite(window.end) && window.end > window.start))
      throw new ValidationError(
        'window',
        `ventana de pronóstico inválida: [${window.start}, ${window.end}) (se espera inicio < fin, en ms)`,
      );
  };
  return {
    kind: SEPP_GRID_KIND,
    fitted,
    predict(window: ForecastWindow): RiskSurface {
      checkWindow(window);
      const bySlot = expectedCounts(
        recentDays,
        f.params,
        (window.start - f.cutoff) / DAY_MS,
        (window.end - window.start) / DAY_MS,
      );
      const values = new Float64Array(n);
      for (let s = 0; s < bySlot.length; s++) values[f.slotCell[s] as number] = bySlot[s] as number;
      return createRiskSurface(f.grid, values, f.mask);
    },
    /**
     * Background μ_n H and triggered Σ_j θ (e^{−ω(t0 − t_j)} − e^{−ω(t0 + H − t_j)}) of each cell:
     * the two terms of {@link expectedCounts}, summed in its order for `value`.
     */
    explain(window: ForecastWindow, cells: Int32Array): CellExplanation[] {
      checkWindow(window);
      const t0 = (window.start - f.cutoff) / DAY_MS;
      const H = (window.end - window.start) / DAY_MS;
      const { mu, theta, omega } = f.params;
      const windowShare = theta * -Math.expm1(-omega * H);
      const { offsets, times } = recentDays;
      return Array.from(cells, (c): CellExplanation => {
        const s = c >= 0 && c < n ? (f.cellSlot[c] as number) : -1;
        if (s < 0) throw new ValidationError('cells', `la celda ${c} no es una celda válida de la grilla`);
        const background = (mu[s] as number) * H;
        let value = background;
        let triggered = 0;
        for (let j = offsets[s] as number; j < (offsets[s + 1] as number); j++) {
          const age = t0 - (times[j] as number);
          if (!(age > 0)) continue;
          const part = windowShare * Math.exp(-omega * age);
          value += part;
          triggered += part;
        }
        return { kind: 'etas', cell: c, value, background, triggered };
      });
    },
    condition(events: EventSet, cutoff: number): SeppGridPredictor {
      // Same background and trigger parameters; the trigger history is the newer data's.
      const recent = recentBySlot(
        events,
        f.grid,
        f.cellSlot,
        f.slotCell.length,
        cutoff,
        f.params.omega,
        f.config.truncation,
      );
      return makePredictor({ ...f, cutoff, recent });
    },
    toArtifact(): ModelArtifact<SeppGridConfig, SeppGridState> {
      const recentSlots: number[] = [];
      const { offsets, times } = f.recent;
      for (let s = 0; s + 1 < offsets.length; s++)
        for (let j = offsets[s] as number; j < (offsets[s + 1] as number); j++) recentSlots.push(s);
      return {
        kind: SEPP_GRID_KIND,
        schemaVersion: SCHEMA_VERSION,
        config: { ...f.config },
        state: {
          cutoff: f.cutoff,
          theta: f.params.theta,
          omegaPerDay: f.params.omega,
          mu: Array.from(f.params.mu),
          recentSlots,
          recentTimes: Array.from(times),
          fit: { ...f.fit },
        },
      };
    },
  };
}

function parseConfig(input: unknown): SeppGridConfig {
  const result = configSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  // An unknown option has an empty path: name the key itself so a typo is easy to spot.
  const field =
    issue?.code === 'unrecognized_keys'
      ? (issue.keys[0] ?? 'config')
      : issue && issue.path.length > 0
        ? issue.path.join('.')
        : 'config';
  throw new ValidationError(
    field,
    `opción inválida del modelo ${SEPP_GRID_KIND} / invalid option: ${issue?.message ?? 'valor inválido'}`,
  );
}

function fit(events: EventSet, ctx: FitContext, config: SeppGridConfig): SeppGridPredictor {
  const { slotCell, cellSlot } = slotsOf(ctx.grid, ctx.mask);
  const cutoff = ctx.cutoff;
  // When the history is shorter than W (early backtest folds), T = W would spread the background
  // over days without data and underestimate every μ_n: the window starts at the first event then.
  const first = events.length > 0 ? (events.t[0] as number) : cutoff;
  const windowStart = Math.max(cutoff - config.trainingWindowDays * DAY_MS, Math.min(first, cutoff));
  const durationDays = (cutoff - windowStart) / DAY_MS;

  const slotOf = new Int32Array(events.length).fill(-1);
  const days = new Float64Array(events.length);
  let used = 0;
  for (let i = 0; i < events.length; i++) {
    const t = events.t[i] as number;
    if (t < windowStart || t >= cutoff) continue;
    const c = cellOf(ctx.grid, events.x[i] as number, events.y[i] as number);
    if (c < 0) continue;
    const s = cellSlot[c] as number;
    if (s < 0) continue;
    slotOf[i] = s;
    days[i] = (t - windowStart) / DAY_MS;
    used++;
  }
  const cells = bucketByCell(slotOf, days, slotCell.length);
  const em =
    durationDays > 0
      ? fitEm(cells, durationDays, config)
      : {
          params: { mu: new Float64Array(slotCell.length), theta: 0, omega: 1 / config.initialMeanDelayDays },
          iterations: 0,
          converged: true,
        };

  const recent = recentBySlot(
    events,
    ctx.grid,
    cellSlot,
    slotCell.length,
    cutoff,
    em.params.omega,
    config.truncation,
  );

  return makePredictor({
    config,
    grid: ctx.grid,
    mask: ctx.mask,
    slotCell,
    cellSlot,
    cutoff,
    params: em.params,
    recent,
    fit: { iterations: em.iterations, converged: em.converged, eventsUsed: used, trainingDays: durationDays },
  });
}

function fromArtifact(artifact: ModelArtifact, ctx: Omit<FitContext, 'cutoff'>): SeppGridPredictor {
  if (artifact.kind !== SEPP_GRID_KIND)
    throw new ValidationError('artifact.kind', `se esperaba '${SEPP_GRID_KIND}', llegó '${artifact.kind}'`);
  if (artifact.schemaVersion !== SCHEMA_VERSION)
    throw new ValidationError(
      'artifact.schemaVersion',
      `versión ${artifact.schemaVersion} no soportada (se espera ${SCHEMA_VERSION})`,
    );
  const config = parseConfig(artifact.config);
  const parsed = stateSchema.safeParse(artifact.state);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError(
      `artifact.state${issue && issue.path.length > 0 ? `.${issue.path.join('.')}` : ''}`,
      `estado inválido: ${issue?.message ?? 'valor inválido'}`,
    );
  }
  const state = parsed.data;
  const { slotCell, cellSlot } = slotsOf(ctx.grid, ctx.mask);
  if (state.mu.length !== slotCell.length)
    throw new ValidationError(
      'artifact.state.mu',
      `el artefacto tiene ${state.mu.length} celdas válidas y la grilla ${slotCell.length}: otra grilla o máscara`,
    );
  if (state.recentSlots.length !== state.recentTimes.length)
    throw new ValidationError('artifact.state.recentTimes', 'longitud distinta de recentSlots');
  if (state.recentSlots.some((s) => s >= slotCell.length))
    throw new ValidationError('artifact.state.recentSlots', 'celda fuera de la grilla');
  return makePredictor({
    config,
    grid: ctx.grid,
    mask: ctx.mask,
    slotCell,
    cellSlot,
    cutoff: state.cutoff,
    params: { mu: Float64Array.from(state.mu), theta: state.theta, omega: state.omegaPerDay },
    recent: bucketByCell(
      Int32Array.from(state.recentSlots),
      Float64Array.from(state.recentTimes),
      slotCell.length,
    ),
    fit: state.fit,
  });
}

/** Grid SEPP (Mohler et al. 2015): per-cell background plus exponential self-excitation in time. */
export const seppGrid: SeppGridModule = Object.freeze({
  kind: SEPP_GRID_KIND,
  schemaVersion: SCHEMA_VERSION,
  description:
    'Proceso autoexcitado en grilla (Mohler et al. 2015): tasa de fondo por celda y contagio exponencial en el tiempo / grid self-exciting point process',
  defaults: Object.freeze(configSchema.parse({})),
  settings: describeSettings(configSchema),
  // EM is slow: refit weekly, condition on the latest events daily (PredPol re-learns rarely).
  refitEveryDays: 7,
  output: 'rate',
  parseConfig,
  fit,
  fromArtifact,
});

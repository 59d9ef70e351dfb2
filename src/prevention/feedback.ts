/**
 * The feedback-loop correction of Ensign, Friedler, Neville, Scheidegger and Venkatasubramanian
 * (2018), "Runaway Feedback Loops in Predictive Policing", Proceedings of the 1st Conference on
 * Fairness, Accountability and Transparency, PMLR 81:160–171 (arXiv:1706.09847).
 *
 * Patrols are sent where past incidents were; incidents *discovered* by a patrol are only seen where
 * patrols go, so retraining on them makes patrolled places look riskier (a Pólya urn that locks onto
 * one region). The paper's fix filters the feedback: an incident discovered in region i is counted
 * only with probability p_min / p_i, inversely proportional to the probability p_i that police were
 * sent there (p_min: the smallest such probability, so the acceptance is at most 1); incidents
 * *reported* by the public are always counted. The expected count of discovered incidents in region
 * i is then p_i · λ_i · p_min / p_i = p_min · λ_i, proportional to its true rate λ_i.
 *
 * Pure: typed arrays in, typed arrays out, seeded with mulberry32.
 */
import { ValidationError } from '../core/errors.ts';
import { type EventSet, pickEvents } from '../core/events.ts';
import { cellCount, cellOf, type GridSpec } from '../core/grid.ts';
import { mulberry32 } from '../core/random.ts';

/** Options of {@link exposureShare}. */
export interface ExposureOptions {
  /**
   * The share given to never-patrolled cells, in (0, 1]. Default: the share of the least-patrolled
   * cell, so a discovered incident logged in a never-patrolled cell (incomplete patrol logs) is
   * treated like one in the least-patrolled cell: always kept.
   */
  floor?: number;
}

/**
 * The share of patrol presence per cell — the probability that police were "sent there" — from
 * the patrol minutes per cell of one turno or a period: minutes_c / Σ minutes. Never-patrolled
 * cells get the floor instead of 0 (added on top: the patrolled cells' shares still sum to 1).
 * @throws ValidationError when the minutes are empty, negative or not finite, all zero, or the
 *   floor is outside (0, 1]
 */
export function exposureShare(minutes: Float64Array, options: ExposureOptions = {}): Float64Array {
  if (minutes.length === 0)
    throw new ValidationError('minutes', 'no hay celdas (minutos de patrullaje vacíos)');
  let total = 0;
  for (let c = 0; c < minutes.length; c++) {
    const m = minutes[c] as number;
    if (!(Number.isFinite(m) && m >= 0))
      throw new ValidationError(
        'minutes',
        `celda ${c}: minutos de patrullaje inválidos (${m}); deben ser ≥ 0`,
      );
    total += m;
  }
  if (!(total > 0))
    throw new ValidationError('minutes', 'ninguna celda fue patrullada (todos los minutos son 0)');
  const share = new Float64Array(minutes.length);
  let least = 1;
  for (let c = 0; c < minutes.length; c++) {
    share[c] = (minutes[c] as number) / total;
    if ((share[c] as number) > 0) least = Math.min(least, share[c] as number);
  }
  const floor = options.floor ?? least;
  if (!(floor > 0 && floor <= 1))
    throw new ValidationError(
      'floor',
      `piso de exposición fuera de rango: ${floor} (use un valor en (0, 1])`,
    );
  for (let c = 0; c < share.length; c++) if ((share[c] as number) === 0) share[c] = floor;
  return share;
}

/** Options of {@link correctDiscovered}. */
export interface CorrectionOptions {
  /** Seed of the thinning (default 1): the same inputs and seed keep the same events. */
  seed?: number;
}

/** The corrected events and how many discovered events were dropped. */
export interface CorrectedEvents {
  events: EventSet;
  dropped: number;
}

/**
 * Ensign et al.'s correction applied to data for retraining: every reported event is kept; an event
 * discovered by patrol in cell c is kept with probability p_min / exposure[c] (seeded thinning),
 * where p_min is the smallest exposure share of the grid. The result is an ordinary `EventSet`
 * (same order, same columns), so any model retrains on it unchanged.
 * @param events the events, time-sorted
 * @param discovered per event, 1 when a patrol discovered it, 0 when the public reported it
 * @param exposure per grid cell, the share of patrol presence in (0, 1] ({@link exposureShare})
 * @throws ValidationError for mismatched lengths, flags other than 0/1, shares outside (0, 1], or a
 *   discovered event outside the grid
 */
export function correctDiscovered(
  events: EventSet,
  discovered: Uint8Array,
  exposure: Float64Array,
  grid: GridSpec,
  options: CorrectionOptions = {},
): CorrectedEvents {
  if (discovered.length !== events.length)
    throw new ValidationError(
      'discovered',
      `longitud ${discovered.length}, se esperaba ${events.length} (una por evento)`,
    );
  const cells = cellCount(grid);
  if (exposure.length !== cells)
    throw new ValidationError(
      'exposure',
      `longitud ${exposure.length}, se esperaba ${cells} (una por celda de la grilla)`,
    );
  let pMin = 1;
  for (let c = 0; c < cells; c++) {
    const p = exposure[c] as number;
    if (!(p > 0 && p <= 1))
      throw new ValidationError('exposure', `celda ${c}: participación ${p} fuera de (0, 1]`);
    pMin = Math.min(pMin, p);
  }
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed)) throw new ValidationError('seed', `la semilla debe ser un entero (${seed})`);
  const random = mulberry32(seed);
  const keep = new Int32Array(events.length);
  let n = 0;
  for (let i = 0; i < events.length; i++) {
    const flag = discovered[i] as number;
    if (flag === 0) {
      keep[n++] = i;
      continue;
    }
    if (flag !== 1)
      throw new ValidationError(
        'discovered',
        `evento ${i}: marca ${flag}, se esperaba 0 (denunciado) o 1 (descubierto)`,
      );
    const c = cellOf(grid, events.x[i] as number, events.y[i] as number);
    if (c < 0) throw new ValidationError('events', `evento ${i}: descubierto fuera de la grilla`);
    if (random() < pMin / (exposure[c] as number)) keep[n++] = i;
  }
  return { events: pickEvents(events, keep, n), dropped: events.length - n };
}

/** Options of {@link simulateUrn}. */
export interface UrnOptions {
  /** Per region, the probability that a patrol there discovers a crime that day (the true rate). */
  rates: ArrayLike<number>;
  /** Per region, the probability that the public reports a crime that day (default none). */
  reported?: ArrayLike<number>;
  days: number;
  /** Patrols sent each day, each to region i with probability counts_i / Σ counts (default 1). */
  patrols?: number;
  /** Apply the correction: keep a discovered crime with probability p_min / p_i. */
  correct: boolean;
  /** Initial counts per region (default 1 each). */
  prior?: ArrayLike<number>;
  seed?: number;
}

/** The urn's course: `shares[d * R + i]` is region i's allocation share after day d. */
export interface UrnResult {
  regions: number;
  shares: Float64Array;
  /** The counts after the last day. */
  counts: Float64Array;
}

/**
 * The paper's model of predictive policing as an urn: each day the patrols go to the regions in
 * proportion to the counts so far, and a patrol in region i discovers a crime with probability
 * rates[i]; crimes reported by the public (probability reported[i] a day per region) are added
 * wherever the patrols went. Without the correction the allocation locks onto one region (or, with
 * equal rates, drifts to a random split); with it, the discovered counts grow in proportion to the
 * true rates, so the allocation converges to their ratio (when reports are proportional to them too).
 * @throws ValidationError for bad rates, counts, days or patrols
 */
export function simulateUrn(options: UrnOptions): UrnResult {
  const R = options.rates.length;
  const probabilities = (name: string, values: ArrayLike<number>): void => {
    if (values.length !== R)
      throw new ValidationError(name, `longitud ${values.length}, se esperaba ${R} (una por región)`);
    for (let i = 0; i < R; i++)
      if (!((values[i] as number) >= 0 && (values[i] as number) <= 1))
        throw new ValidationError(name, `región ${i}: probabilidad ${values[i]} fuera de [0, 1]`);
  };
  if (R < 2) throw new ValidationError('rates', `se necesitan al menos 2 regiones (hay ${R})`);
  probabilities('rates', options.rates);
  const reported = options.reported ?? new Float64Array(R);
  probabilities('reported', reported);
  const { days, patrols = 1, seed = 1 } = options;
  if (!(Number.isInteger(days) && days >= 1))
    throw new ValidationError('days', `días inválidos: ${days} (entero ≥ 1)`);
  if (!(Number.isInteger(patrols) && patrols >= 1))
    throw new ValidationError('patrols', `patrullas inválidas: ${patrols} (entero ≥ 1)`);
  if (!Number.isInteger(seed)) throw new ValidationError('seed', `la semilla debe ser un entero (${seed})`);
  const counts = Float64Array.from(options.prior ?? new Float64Array(R).fill(1));
  if (counts.length !== R) throw new ValidationError('prior', `longitud ${counts.length}, se esperaba ${R}`);
  if (!counts.every((v) => Number.isFinite(v) && v > 0))
    throw new ValidationError('prior', 'los conteos iniciales deben ser > 0');
  const random = mulberry32(seed);
  const p = new Float64Array(R);
  const shares = new Float64Array(days * R);
  for (let d = 0; d < days; d++) {
    let total = 0;
    for (let i = 0; i < R; i++) total += counts[i] as number;
    let pMin = 1;
    for (let i = 0; i < R; i++) {
      p[i] = (counts[i] as number) / total;
      pMin = Math.min(pMin, p[i] as number);
    }
    for (let k = 0; k < patrols; k++) {
      // The region of this patrol, drawn from the allocation p.
      let u = random();
      let i = 0;
      while (i < R - 1 && u >= (p[i] as number)) u -= p[i++] as number;
      if (random() < (options.rates[i] as number) && (!options.correct || random() < pMin / (p[i] as number)))
        counts[i] = (counts[i] as number) + 1;
    }
    for (let i = 0; i < R; i++) if (random() < (reported[i] as number)) counts[i] = (counts[i] as number) + 1;
    total = 0;
    for (let i = 0; i < R; i++) total += counts[i] as number;
    for (let i = 0; i < R; i++) shares[d * R + i] = (counts[i] as number) / total;
  }
  return { regions: R, shares, counts };
}

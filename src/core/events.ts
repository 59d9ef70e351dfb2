/**
 * Events for modelling, held column-wise in typed arrays and sorted by time: no per-event objects
 * in hot loops. Only located events (exact or street-level points) belong here; points forced to a
 * comisaría or without coordinates are left out when the set is loaded.
 */
import { ValidationError } from './errors.ts';

/** Located events sorted by occurrence time. */
export interface EventSet {
  readonly length: number;
  /** Occurrence instants, ms since the epoch, ascending. */
  readonly t: Float64Array;
  /** When each event became known to the police (registration time, else occurrence), ms. */
  readonly known: Float64Array;
  /** Projected coordinates, metres. */
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** Index into CATEGORY_CODES. */
  readonly category: Uint8Array;
}

/** Columns to build an event set from (any order; sorted here). */
export interface EventColumns {
  t: ArrayLike<number>;
  known?: ArrayLike<number>;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  category?: ArrayLike<number>;
}

/**
 * Builds a time-sorted event set.
 * @throws ValidationError when columns differ in length or hold non-finite values
 */
export function createEventSet(cols: EventColumns): EventSet {
  const n = cols.t.length;
  for (const [name, arr] of Object.entries(cols) as [string, ArrayLike<number> | undefined][])
    if (arr && arr.length !== n)
      throw new ValidationError(`events.${name}`, `longitud ${arr.length}, se esperaba ${n}`);
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (cols.t[a] as number) - (cols.t[b] as number) || a - b,
  );
  const out = {
    length: n,
    t: new Float64Array(n),
    known: new Float64Array(n),
    x: new Float64Array(n),
    y: new Float64Array(n),
    category: new Uint8Array(n),
  };
  order.forEach((src, i) => {
    const t = cols.t[src] as number;
    const known = cols.known ? (cols.known[src] as number) : t;
    const x = cols.x[src] as number;
    const y = cols.y[src] as number;
    if (![t, known, x, y].every(Number.isFinite))
      throw new ValidationError('events', `evento ${src} con valores no finitos`);
    out.t[i] = t;
    out.known[i] = Math.max(t, known);
    out.x[i] = x;
    out.y[i] = y;
    out.category[i] = cols.category ? (cols.category[src] as number) : 0;
  });
  return Object.freeze(out);
}

function select(events: EventSet, keep: (i: number) => boolean): EventSet {
  const idx: number[] = [];
  for (let i = 0; i < events.length; i++) if (keep(i)) idx.push(i);
  const pick = <T extends Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
    const out = make(idx.length);
    idx.forEach((src, i) => {
      out[i] = a[src] as number;
    });
    return out;
  };
  return Object.freeze({
    length: idx.length,
    t: pick(events.t, (n) => new Float64Array(n)),
    known: pick(events.known, (n) => new Float64Array(n)),
    x: pick(events.x, (n) => new Float64Array(n)),
    y: pick(events.y, (n) => new Float64Array(n)),
    category: pick(events.category, (n) => new Uint8Array(n)),
  });
}

/**
 * The data as known at `cutoff`: events that occurred **and** were registered strictly before it.
 * Only the backtest harness calls this; models never cut data themselves.
 */
export function knownBefore(events: EventSet, cutoff: number): EventSet {
  return select(events, (i) => (events.t[i] as number) < cutoff && (events.known[i] as number) < cutoff);
}

/** Events that occurred in [start, end) — the outcome a forecast is scored against. */
export function occurredIn(events: EventSet, start: number, end: number): EventSet {
  return select(events, (i) => (events.t[i] as number) >= start && (events.t[i] as number) < end);
}

/** Events whose category index is in `categories`. */
export function ofCategories(events: EventSet, categories: ReadonlySet<number>): EventSet {
  return select(events, (i) => categories.has(events.category[i] as number));
}

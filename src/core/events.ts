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

/** The events at the first `n` of the given indices (ascending), copied column by column. */
export function pickEvents(events: EventSet, idx: Int32Array, n = idx.length): EventSet {
  const t = new Float64Array(n);
  const known = new Float64Array(n);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const category = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const i = idx[k] as number;
    t[k] = events.t[i] as number;
    known[k] = events.known[i] as number;
    x[k] = events.x[i] as number;
    y[k] = events.y[i] as number;
    category[k] = events.category[i] as number;
  }
  return Object.freeze({ length: n, t, known, x, y, category });
}

/** First index with t ≥ value in an ascending array (event times are sorted). */
export function lowerBound(t: Float64Array, value: number): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((t[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The data as known at `cutoff`: events that occurred **and** were registered strictly before it.
 * Only the backtest harness calls this; models never cut data themselves.
 */
export function knownBefore(events: EventSet, cutoff: number): EventSet {
  const end = lowerBound(events.t, cutoff);
  // known ≥ t, so only events within the largest registration lag of the cutoff can be unknown yet:
  // everything before that is copied in bulk, and the rest is filtered one by one.
  const head = lowerBound(events.t, cutoff - maxLag(events));
  let late = 0;
  for (let i = head; i < end; i++) if ((events.known[i] as number) >= cutoff) late++;
  if (late === 0) return slice(events, 0, end); // the common case: views, no copy
  const n = end - late;
  const out = {
    length: n,
    t: new Float64Array(n),
    known: new Float64Array(n),
    x: new Float64Array(n),
    y: new Float64Array(n),
    category: new Uint8Array(n),
  };
  for (const k of ['t', 'known', 'x', 'y', 'category'] as const)
    (out[k] as Float64Array).set(events[k].subarray(0, head) as Float64Array);
  let j = head;
  for (let i = head; i < end; i++) {
    if ((events.known[i] as number) >= cutoff) continue;
    out.t[j] = events.t[i] as number;
    out.known[j] = events.known[i] as number;
    out.x[j] = events.x[i] as number;
    out.y[j] = events.y[i] as number;
    out.category[j] = events.category[i] as number;
    j++;
  }
  return Object.freeze(out);
}

const lags = new WeakMap<EventSet, number>();

/** The largest registration lag (known − t) in a set, computed once per set. */
function maxLag(events: EventSet): number {
  let lag = lags.get(events);
  if (lag === undefined) {
    lag = 0;
    for (let i = 0; i < events.length; i++)
      lag = Math.max(lag, (events.known[i] as number) - (events.t[i] as number));
    lags.set(events, lag);
  }
  return lag;
}

/** Events [a, b) as views into the same columns (an EventSet is immutable by contract). */
function slice(events: EventSet, a: number, b: number): EventSet {
  return Object.freeze({
    length: b - a,
    t: events.t.subarray(a, b),
    known: events.known.subarray(a, b),
    x: events.x.subarray(a, b),
    y: events.y.subarray(a, b),
    category: events.category.subarray(a, b),
  });
}

/** Events that occurred in [start, end) — the outcome a forecast is scored against. */
export function occurredIn(events: EventSet, start: number, end: number): EventSet {
  const a = lowerBound(events.t, start);
  const b = Math.max(a, lowerBound(events.t, end));
  return pickEvents(
    events,
    Int32Array.from({ length: b - a }, (_, k) => a + k),
    b - a,
  );
}

/** Events whose category index is in `categories`. */
export function ofCategories(events: EventSet, categories: ReadonlySet<number>): EventSet {
  const idx = new Int32Array(events.length);
  let n = 0;
  for (let i = 0; i < events.length; i++) if (categories.has(events.category[i] as number)) idx[n++] = i;
  return pickEvents(events, idx, n);
}

/**
 * Past events with a place-type label (e.g. Chicago's `loc_cat`), the input of the place-type
 * features (src/features/place-types.ts), with the instant each became known for the harness cut.
 */
export interface PlaceTypeSet {
  /** When each event was known (occurred and registered), ms. */
  readonly known: ArrayLike<number>;
  /** Projected coordinates, metres. */
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  /** Index into `labels`, −1 when the event has no place type. */
  readonly label: ArrayLike<number>;
  readonly labels: readonly string[];
}

/** The place types as known at `cutoff`: events known strictly before it (the harness cut). */
export function placeTypesKnownBefore(p: PlaceTypeSet, cutoff: number): PlaceTypeSet {
  const keep: number[] = [];
  for (let i = 0; i < p.known.length; i++) if ((p.known[i] as number) < cutoff) keep.push(i);
  if (keep.length === p.known.length) return p;
  const pick = (a: ArrayLike<number>) => Float64Array.from(keep, (i) => a[i] as number);
  return {
    known: pick(p.known),
    x: pick(p.x),
    y: pick(p.y),
    label: Int32Array.from(keep, (i) => p.label[i] as number),
    labels: p.labels,
  };
}

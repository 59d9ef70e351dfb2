/**
 * Small helpers shared by the model folders (not a model itself): option parsing that turns zod
 * issues into a `ValidationError` naming the option, artifact and state checks for `fromArtifact`,
 * window checks, binary search on the time-sorted `t` column, and grid-frame coordinates for
 * kernels that need an event's position inside its cell. Everything here is pure and allocation-free
 * in the hot paths, so that a daily backtest over a year stays cheap.
 */

import { z } from 'zod';
import { ValidationError } from '../core/errors.ts';
import type { EventSet } from '../core/events.ts';
import { cellCount, type GridSpec } from '../core/grid.ts';
import type { FitContext, ForecastWindow, ModelArtifact, SettingInfo } from './predictor.ts';

/** One day in milliseconds. */
export const DAY_MS = 86_400_000;
/** One week in milliseconds (the prospective-hotspot time unit). */
export const WEEK_MS = 7 * DAY_MS;

/**
 * A zod number check with one Spanish message for every failure (wrong type, NaN, out of range),
 * so that `parseModelConfig` reports e.g. `bandwidth: debe estar entre 25 y 2000 m`
 * (`weeks: debe ser un entero entre 1 y 104 semanas` for whole numbers).
 * @param min Smallest allowed value (inclusive).
 * @param max Largest allowed value (inclusive).
 * @param unit Unit written after the range, e.g. `' m'` or `' días'` (default none).
 * @param integer Require a whole number (default false).
 * @returns A zod schema for a finite number in [min, max].
 * @example
 * const bandwidth = numberBetween(25, 2000, ' m').default(200);
 */
export function numberBetween(min: number, max: number, unit = '', integer = false): z.ZodNumber {
  const message = `debe ${integer ? 'ser un entero' : 'estar'} entre ${min} y ${max}${unit}`;
  const base = z.number({ error: message }).min(min, { error: message }).max(max, { error: message });
  return integer ? base.int({ error: message }) : base;
}

/**
 * Validates model options merged over the defaults (missing keys take their defaults through the
 * schema's `.default()`s). Unknown options are rejected, so a typo never passes silently.
 * @param schema A strict zod object schema whose fields carry their defaults.
 * @param input Options from the CLI, the API or a backtest config; `undefined`/`null` = defaults.
 * @returns The validated options.
 * @throws ValidationError naming the first bad option (`config` when the input is not an object)
 * @example
 * parseModelConfig(schema, { bandwidth: 300 }); // → { bandwidth: 300, windowDays: 60 }
 */
export function parseModelConfig<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const value = input ?? {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new ValidationError('config', 'las opciones del modelo deben ser un objeto { opción: valor }');
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw new ValidationError('config', 'opciones inválidas');
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeys(schema);
    throw new ValidationError(
      issue.keys[0] ?? 'config',
      `opción desconocida${known.length > 0 ? ` (opciones válidas: ${known.join(', ')})` : ' (este modelo no tiene opciones)'}`,
    );
  }
  throw new ValidationError(issue.path.map(String).join('.') || 'config', issue.message);
}

interface JsonSchemaNode {
  type?: string;
  anyOf?: JsonSchemaNode[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
  unit?: string;
  description?: string;
}

/**
 * The settings of an option schema, read from the schema itself: type, range or choices and
 * default from zod, unit and description from each field's `.meta({ unit, description })`.
 * @throws Error (at module load, a programming error) when a field has no description
 * @example
 * const settings = describeSettings(configSchema);
 */
export function describeSettings(schema: z.ZodObject): SettingInfo[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, JsonSchemaNode>;
  };
  return Object.entries(json.properties ?? {}).map(([name, node]) => {
    if (!node.description) throw new Error(`model setting ${name} has no description`);
    const variants = node.anyOf ?? [node];
    const main = variants.find((v) => v.type !== 'null') ?? node;
    const nullable = variants.some((v) => v.type === 'null');
    const lo = main.minimum ?? main.exclusiveMinimum;
    const hi = main.maximum ?? main.exclusiveMaximum;
    const open = (v: number | undefined): boolean =>
      v === undefined || Math.abs(v) >= Number.MAX_SAFE_INTEGER;
    // Interval notation: [1, 3650], (0, 1], [1, ∞).
    const range =
      lo === undefined && hi === undefined
        ? ''
        : `${main.exclusiveMinimum !== undefined || open(lo) ? '(' : '['}${open(lo) ? '−∞' : lo}, ${open(hi) ? '∞' : hi}${main.exclusiveMaximum !== undefined || open(hi) ? ')' : ']'}`;
    return {
      name,
      type: `${main.type ?? 'string'}${nullable ? ' | null' : ''}`,
      allowed: main.enum ? main.enum.map(String).join(', ') : range,
      unit: node.unit ?? '',
      default: node.default,
      description: node.description,
    };
  });
}

function knownKeys(schema: z.ZodType): string[] {
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : [];
}

/**
 * Checks an artifact's `kind` and `schemaVersion` before a module restores it.
 * @param artifact The artifact (typically parsed from JSON, so untrusted).
 * @param kind The module's kind.
 * @param schemaVersion The module's schema version.
 * @throws ValidationError on another kind or version
 * @example
 * checkArtifact(artifact, 'retro-hotspot', 1);
 */
export function checkArtifact(artifact: ModelArtifact, kind: string, schemaVersion: number): void {
  if (artifact === null || typeof artifact !== 'object')
    throw new ValidationError(
      'artifact',
      'el artefacto debe ser un objeto { kind, schemaVersion, config, state }',
    );
  if (artifact.kind !== kind)
    throw new ValidationError(
      'artifact.kind',
      `el artefacto es de "${String(artifact.kind)}", se esperaba "${kind}"`,
    );
  if (artifact.schemaVersion !== schemaVersion)
    throw new ValidationError(
      'artifact.schemaVersion',
      `versión ${String(artifact.schemaVersion)} no soportada por ${kind} (se espera ${schemaVersion})`,
    );
}

/**
 * Validates an artifact's learned `state` with a zod schema.
 * @param schema The state schema.
 * @param state The untrusted state.
 * @returns The typed state.
 * @throws ValidationError naming the bad field as `artifact.state.<path>`
 * @example
 * const state = parseModelState(stateSchema, artifact.state);
 */
export function parseModelState<S extends z.ZodType>(schema: S, state: unknown): z.output<S> {
  const result = schema.safeParse(state);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue ? issue.path.map(String).join('.') : '';
  throw new ValidationError(
    path ? `artifact.state.${path}` : 'artifact.state',
    issue?.message ?? 'estado inválido',
  );
}

/**
 * Checks that the event columns of a state have equal lengths.
 * @param columns Named columns.
 * @throws ValidationError naming the first column whose length differs from the first one
 */
export function checkSameLength(columns: Record<string, readonly unknown[]>): void {
  const entries = Object.entries(columns);
  const n = entries[0]?.[1].length ?? 0;
  for (const [name, col] of entries)
    if (col.length !== n)
      throw new ValidationError(`artifact.state.${name}`, `longitud ${col.length}, se esperaba ${n}`);
}

/**
 * Checks a forecast window. Windows must not start before the prediction time: a model fitted at
 * `cutoff` holds only what was known then, so an earlier window would silently mix in hindsight.
 * @param window The window [start, end) in ms.
 * @param cutoff The fit's prediction time (ms); omit for models that ignore event times.
 * @throws ValidationError when the window is empty, not finite, or starts before `cutoff`
 */
export function checkWindow(window: ForecastWindow, cutoff?: number): void {
  if (!Number.isFinite(window.start) || !Number.isFinite(window.end) || !(window.end > window.start))
    throw new ValidationError('window', 'la ventana debe ser [inicio, fin) con fin > inicio (ms finitos)');
  if (cutoff !== undefined && window.start < cutoff)
    throw new ValidationError(
      'window.start',
      `la ventana empieza antes del corte del ajuste (${new Date(cutoff).toISOString()}); reajuste el modelo`,
    );
}

/**
 * Checks that the mask matches the grid (one byte per cell).
 * @param ctx The fit or restore context.
 * @throws ValidationError when the lengths differ
 */
export function checkContext(ctx: Omit<FitContext, 'cutoff'>): void {
  const n = cellCount(ctx.grid);
  if (ctx.mask.length !== n)
    throw new ValidationError('mask', `se esperaban ${n} celdas en la máscara, hay ${ctx.mask.length}`);
}

/**
 * First index `i` in `[from, to)` with `sorted[i] >= value` (`to` when none): the start of a time
 * window on the ascending `t` column, in O(log n).
 * @param sorted Ascending values.
 * @param value The bound.
 * @param from First index searched (default 0).
 * @param to One past the last index searched (default `sorted.length`).
 * @returns The insertion index.
 * @example
 * const a = lowerBound(events.t, start - windowMs); // first event inside the window
 */
export function lowerBound(sorted: Float64Array, value: number, from = 0, to = sorted.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A zod schema for a state column: an array of finite numbers (JSON has no typed arrays).
 * @returns The schema.
 */
export function numberColumn(): z.ZodArray<z.ZodNumber> {
  return z.array(z.number({ error: 'se esperaba una lista de números finitos' }));
}

/**
 * Checks that a state's time column is ascending (binary search relies on it).
 * @param t Times, ms.
 * @param field The state field, for the message (default `t`).
 * @throws ValidationError at the first decrease
 */
export function checkAscending(t: readonly number[], field = 't'): void {
  for (let i = 1; i < t.length; i++)
    if ((t[i] as number) < (t[i - 1] as number))
      throw new ValidationError(
        `artifact.state.${field}`,
        `los tiempos deben estar en orden ascendente (posición ${i})`,
      );
}

/**
 * The learned state of the event-window models (retro-hotspot, pro-hotspot, stkde): the events
 * that can still fall in a window starting at or after `cutoff`, as plain JSON columns.
 */
export interface EventWindowState {
  /** The fit's prediction time, ms. */
  cutoff: number;
  /** Projected coordinates, metres. */
  x: number[];
  y: number[];
  /** Occurrence times, ms, ascending. */
  t: number[];
}

const eventWindowStateSchema = z.object({
  cutoff: z.number({ error: 'se esperaba un número' }),
  x: numberColumn(),
  y: numberColumn(),
  t: numberColumn(),
});

/**
 * Validates an {@link EventWindowState} read from an artifact.
 * @param state The untrusted state.
 * @returns The state, with equal-length columns and ascending times.
 * @throws ValidationError naming the bad field
 */
export function parseEventWindowState(state: unknown): EventWindowState {
  const s = parseModelState(eventWindowStateSchema, state);
  checkSameLength({ x: s.x, y: s.y, t: s.t });
  checkAscending(s.t);
  return s;
}

/** Events located on the grid: column, row and position inside the cell (see {@link locateInGrid}). */
export interface GridPositions {
  /** Column and row; may be outside the grid (−1, cols, …) for events beyond its edge. */
  col: Int32Array;
  row: Int32Array;
  /** Metres from the cell's south-west corner along the grid axes, in [0, cellSize]. */
  fx: Float64Array;
  fy: Float64Array;
}

/**
 * Locates events on the grid without clipping, for kernels that need the cell and the position
 * inside it: an event just outside the grid still reaches the cells along the edge. Same arithmetic
 * as `cellOf` (so in-grid events get the same cell), in one allocation-free pass per event.
 * @param grid The grid (rotation handled: positions are along the grid axes).
 * @param x Projected x, metres.
 * @param y Projected y, metres.
 * @returns Columns, rows and in-cell offsets (new typed arrays, one entry per event).
 * @example
 * const { col, row, fx, fy } = locateInGrid(ctx.grid, events.x, events.y);
 */
export function locateInGrid(grid: GridSpec, x: Float64Array, y: Float64Array): GridPositions {
  const n = x.length;
  const col = new Int32Array(n);
  const row = new Int32Array(n);
  const fx = new Float64Array(n);
  const fy = new Float64Array(n);
  const { x0, y0, cellSize: s, rotationDeg } = grid;
  const th = (rotationDeg * Math.PI) / 180;
  const cos = Math.cos(th);
  const sin = Math.sin(th);
  for (let i = 0; i < n; i++) {
    let u = (x[i] as number) - x0;
    let v = (y[i] as number) - y0;
    if (rotationDeg !== 0) {
      const ru = u * cos + v * sin;
      v = -u * sin + v * cos;
      u = ru;
    }
    const cu = Math.floor(u / s);
    const rv = Math.floor(v / s);
    col[i] = cu;
    row[i] = rv;
    // Clamp: rounding can put u − cu·s a hair outside [0, s].
    fx[i] = Math.min(Math.max(u - cu * s, 0), s);
    fy[i] = Math.min(Math.max(v - rv * s, 0), s);
  }
  return { col, row, fx, fy };
}

/**
 * Adds 1 to `counts[cell]` for every event inside the grid, with the cells `cellOf` assigns, in one
 * tight allocation-free pass (the all-history counting grid re-counts the whole history each fit).
 * @param grid The grid.
 * @param x Projected x, metres.
 * @param y Projected y, metres.
 * @param counts One slot per cell, added to.
 * @example
 * const counts = new Float64Array(cellCount(grid));
 * countCells(grid, events.x, events.y, counts);
 */
export function countCells(grid: GridSpec, x: Float64Array, y: Float64Array, counts: Float64Array): void {
  const { x0, y0, cellSize: s, rotationDeg, cols, rows } = grid;
  const th = (rotationDeg * Math.PI) / 180;
  const cos = Math.cos(th);
  const sin = Math.sin(th);
  for (let i = 0; i < x.length; i++) {
    let u = (x[i] as number) - x0;
    let v = (y[i] as number) - y0;
    if (rotationDeg !== 0) {
      const ru = u * cos + v * sin;
      v = -u * sin + v * cos;
      u = ru;
    }
    const c = Math.floor(u / s);
    const r = Math.floor(v / s);
    if (c < 0 || r < 0 || c >= cols || r >= rows) continue;
    const cell = r * cols + c;
    counts[cell] = (counts[cell] as number) + 1;
  }
}

/**
 * The cell of each event (−1 outside the grid), exactly as `cellOf` assigns it, in one tight pass.
 * @param grid The grid.
 * @param x Projected x, metres.
 * @param y Projected y, metres.
 * @returns One cell index per event.
 * @example
 * const cells = cellsOf(ctx.grid, events.x, events.y);
 */
export function cellsOf(grid: GridSpec, x: Float64Array, y: Float64Array): Int32Array {
  const { col, row } = locateInGrid(grid, x, y);
  const { cols, rows } = grid;
  const out = new Int32Array(x.length);
  for (let i = 0; i < out.length; i++) {
    const c = col[i] as number;
    const r = row[i] as number;
    out[i] = c < 0 || r < 0 || c >= cols || r >= rows ? -1 : r * cols + c;
  }
  return out;
}

/** The event columns a windowed kernel model keeps (views into the EventSet, or restored arrays). */
export interface RecentColumns {
  cutoff: number;
  x: Float64Array;
  y: Float64Array;
  t: Float64Array;
}

/**
 * The events of the last `lookbackMs` before `cutoff`: older ones can never weigh in a window that
 * starts at or after the cutoff. Views, not copies — an EventSet is immutable by contract.
 */
export function recentColumns(events: EventSet, cutoff: number, lookbackMs: number): RecentColumns {
  const from = lowerBound(events.t, cutoff - lookbackMs);
  return { cutoff, x: events.x.subarray(from), y: events.y.subarray(from), t: events.t.subarray(from) };
}

/** Columns restored from an artifact's state. */
export function columnsFromState(state: unknown): RecentColumns {
  const s = parseEventWindowState(state);
  return {
    cutoff: s.cutoff,
    x: Float64Array.from(s.x),
    y: Float64Array.from(s.y),
    t: Float64Array.from(s.t),
  };
}

/** Columns as plain JSON for an artifact. */
export function columnsToState(c: RecentColumns): EventWindowState {
  return { cutoff: c.cutoff, x: Array.from(c.x), y: Array.from(c.y), t: Array.from(c.t) };
}

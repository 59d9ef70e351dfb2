/**
 * The data's own place types as per-cell features (e.g. Chicago's `loc_cat`: residence, street,
 * apartment…): per grid cell, the share of its past events in each of the most frequent place
 * types (the rest pooled as "other"), in the cell and in its 3 × 3 neighbourhood, and how many past
 * events with a place type there are.
 *
 * No look-ahead is the caller's duty: pass only events known before the earliest window the block
 * is used for (`src/storage/place-types.ts` reads them with that cut). Pure: typed arrays in, a
 * {@link CellFeatureBlock} out.
 */
import { ValidationError } from '../core/errors.ts';
import { cellCount, cellOf, type GridSpec } from '../core/grid.ts';
import type { CellFeatureBlock, FeatureColumnSpec } from './matrix.ts';

/** Past events with their place type. */
export interface PlaceTypeEvents {
  /** Projected coordinates, metres (the grid's CRS). */
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  /** Index into `labels`, −1 when the event has no place type. */
  readonly label: ArrayLike<number>;
  readonly labels: readonly string[];
}

/** Options of {@link placeTypeBlock}. */
export interface PlaceTypeOptions {
  /** How many of the most frequent place types get their own share column (default 8). */
  readonly topK?: number;
  /**
   * The place types to use instead of the top K, in this order (e.g. those a trained model was
   * built with, read back from its schema); types absent from the events get zero counts.
   */
  readonly types?: readonly string[];
  /** Column name prefix (default "placeType"). */
  readonly prefix?: string;
}

/** Column suffix of the pooled other types: slugs never hold "_", so no label can take it. */
export const PLACE_TYPE_REST = '_other';

/** The default number of place types with their own columns. */
export const PLACE_TYPE_TOP_K = 8;

/** The place types that get columns: the `topK` most frequent (ties by name), in that order. */
export function topPlaceTypes(events: PlaceTypeEvents, topK = PLACE_TYPE_TOP_K): string[] {
  const counts = labelCounts(events);
  return events.labels
    .map((name, i) => ({ name, n: counts[i] as number }))
    .filter((l) => l.n > 0)
    .sort((a, b) => b.n - a.n || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, topK)
    .map((l) => l.name);
}

function labelCounts(events: PlaceTypeEvents): Int32Array {
  const n = events.x.length;
  for (const [name, arr] of [
    ['y', events.y],
    ['label', events.label],
  ] as const)
    if (arr.length !== n)
      throw new ValidationError(`placeTypes.${name}`, `longitud ${arr.length}, se esperaba ${n}`);
  const counts = new Int32Array(events.labels.length);
  for (let i = 0; i < n; i++) {
    const l = events.label[i] as number;
    if (l === -1) continue;
    if (!(Number.isInteger(l) && l >= 0 && l < events.labels.length))
      throw new ValidationError(
        'placeTypes.label',
        `evento ${i}: código de tipo de lugar ${l} fuera de rango (0–${events.labels.length - 1} o −1)`,
      );
    counts[l] = (counts[l] as number) + 1;
  }
  return counts;
}

/** A column-name-safe form of a label: lowercase ASCII letters, digits and "-". */
export function placeTypeSlug(label: string): string {
  const s = label
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s || 'tipo';
}

/**
 * Per-cell place-type columns: `<prefix>.share.<type>` for each chosen type then
 * `<prefix>.share._other` (cell), the same as `<prefix>.share3x3.*` over the cell and its 8
 * neighbours, then `<prefix>.count` and `<prefix>.count3x3` (past events with a place type). Shares
 * of a cell sum to 1 where its count is > 0 and are NaN (missing) where it is 0; counts are 0 there.
 * Events outside the grid and events without a place type are not counted.
 * @throws ValidationError for columns of different lengths, a label code out of range or a bad option
 */
export function placeTypeBlock(
  events: PlaceTypeEvents,
  grid: GridSpec,
  options: PlaceTypeOptions = {},
): CellFeatureBlock {
  const topK = options.topK ?? PLACE_TYPE_TOP_K;
  if (!(Number.isInteger(topK) && topK >= 1))
    throw new ValidationError('topK', `debe ser un entero mayor que 0 (se recibió ${String(topK)})`);
  const prefix = options.prefix ?? 'placeType';
  const types = options.types ? [...options.types] : topPlaceTypes(events, topK);
  if (new Set(types).size !== types.length) throw new ValidationError('types', 'tipos de lugar repetidos');
  labelCounts(events); // validates lengths and codes
  // Label code → slot: 0..T−1 the chosen types, T = other.
  const T = types.length;
  const slotOf = new Int32Array(events.labels.length).fill(T);
  events.labels.forEach((name, i) => {
    const s = types.indexOf(name);
    if (s >= 0) slotOf[i] = s;
  });
  const n = cellCount(grid);
  const S = T + 1;
  const counts = new Int32Array(S * n);
  const total = new Int32Array(n);
  for (let i = 0; i < events.x.length; i++) {
    const l = events.label[i] as number;
    if (l < 0) continue;
    const c = cellOf(grid, events.x[i] as number, events.y[i] as number);
    if (c < 0) continue;
    const at = (slotOf[l] as number) * n + c;
    counts[at] = (counts[at] as number) + 1;
    total[c] = (total[c] as number) + 1;
  }
  // 3 × 3 sums (clipped at the grid edge) of every slot and of the total.
  const box = (src: Int32Array, offset: number, out: Int32Array): void => {
    for (let r = 0; r < grid.rows; r++)
      for (let q = 0; q < grid.cols; q++) {
        let sum = 0;
        for (let dr = Math.max(0, r - 1); dr <= Math.min(grid.rows - 1, r + 1); dr++)
          for (let dq = Math.max(0, q - 1); dq <= Math.min(grid.cols - 1, q + 1); dq++)
            sum += src[offset + dr * grid.cols + dq] as number;
        out[r * grid.cols + q] = sum;
      }
  };
  const total3 = new Int32Array(n);
  box(total, 0, total3);
  const slot3 = new Int32Array(n);
  const names = [...types.map(slugs()), PLACE_TYPE_REST];
  const columns: FeatureColumnSpec[] = [];
  const cellShares: Float32Array[] = [];
  const boxShares: Float32Array[] = [];
  for (let s = 0; s < S; s++) {
    const label = s < T ? `"${types[s]}"` : 'any other type';
    const share = new Float32Array(n);
    const share3 = new Float32Array(n);
    box(counts, s * n, slot3);
    for (let c = 0; c < n; c++) {
      const t = total[c] as number;
      const t3 = total3[c] as number;
      share[c] = t > 0 ? (counts[s * n + c] as number) / t : Number.NaN;
      share3[c] = t3 > 0 ? (slot3[c] as number) / t3 : Number.NaN;
    }
    cellShares.push(share);
    boxShares.push(share3);
    columns.push({
      name: `${prefix}.share.${names[s]}`,
      kind: 'place-type',
      unit: 'share (0–1)',
      description: `share of the cell's past events with a place type that are of place type ${label} (NaN: none)`,
    });
  }
  for (let s = 0; s < S; s++)
    columns.push({
      name: `${prefix}.share3x3.${names[s]}`,
      kind: 'place-type',
      unit: 'share (0–1)',
      description: `the same over the cell and its 8 neighbours, place type ${s < T ? `"${types[s]}"` : 'any other type'}`,
    });
  columns.push(
    {
      name: `${prefix}.count`,
      kind: 'place-type',
      unit: 'events',
      description: 'past events with a place type in the cell',
    },
    {
      name: `${prefix}.count3x3`,
      kind: 'place-type',
      unit: 'events',
      description: 'past events with a place type in the cell and its 8 neighbours',
    },
  );
  return {
    columns,
    values: [...cellShares, ...boxShares, Float32Array.from(total), Float32Array.from(total3)],
  };
}

/** Slugs made unique in order ("a-b", "a-b-2", …). */
function slugs(): (label: string) => string {
  const used = new Set<string>();
  return (label) => {
    const base = placeTypeSlug(label);
    let s = base;
    for (let k = 2; used.has(s); k++) s = `${base}-${k}`;
    used.add(s);
    return s;
  };
}

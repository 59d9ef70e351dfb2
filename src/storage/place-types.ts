/**
 * Place types of past incidents for the place-type features (src/features/place-types.ts): the
 * located, non-restricted incidents of an area known before a cutoff, with the text of one type
 * column as a label code. The mapping of Chicago's aggravated assaults puts `loc_cat` (residence,
 * street, education…) into `modalidad`, the default column here.
 *
 * The same rules as the modelling events (src/storage/events.ts): restricted rows never leave for a
 * model, and only points that mark the incident's place (exact or street-level) are used.
 */
import type { CrimeCategory } from '../core/taxonomy.ts';
import type { Queryable } from './db.ts';
import { LOCATED, SHARED_ONLY } from './events.ts';

/** The incident columns that can hold a place type (fixed names: never interpolated from input). */
export const PLACE_TYPE_COLUMNS = ['modalidad', 'subtipo', 'tipo'] as const;
export type PlaceTypeColumn = (typeof PLACE_TYPE_COLUMNS)[number];

/** What to load. */
export interface PlaceTypeQuery {
  area: string;
  /** The cut, ms: incidents that occurred and were registered strictly before it. */
  before: number;
  /** The column holding the place type (default "modalidad"). */
  column?: PlaceTypeColumn;
  /** Categories to keep (default: all). */
  categories?: readonly CrimeCategory[];
}

/** Past incidents with their place type, in occurrence order. */
export interface LoadedPlaceTypes {
  /** Occurrence and registration instants, ms. */
  t: Float64Array;
  known: Float64Array;
  /** Projected coordinates, metres (the area's CRS). */
  x: Float64Array;
  y: Float64Array;
  /** Index into `labels`; −1 where the column is empty. */
  label: Int32Array;
  /** Distinct place types, sorted (code-unit order). */
  labels: string[];
}

/**
 * Located, non-restricted incidents of `area` known before `before`, with their place type.
 * @throws Error (not a VigiaError) for a column outside {@link PLACE_TYPE_COLUMNS}: a programming error
 */
export async function loadPlaceTypes(db: Queryable, q: PlaceTypeQuery): Promise<LoadedPlaceTypes> {
  const column = q.column ?? 'modalidad';
  if (!PLACE_TYPE_COLUMNS.includes(column))
    throw new Error(`columna de tipo de lugar desconocida: ${column}`);
  const params: unknown[] = [q.area, new Date(q.before)];
  // Same predicates as src/storage/events.ts: shared rows only, located points only, the harness cut.
  let where = `study_area = $1 and ${SHARED_ONLY} and ${LOCATED}
    and occurred_at < $2 and coalesce(reported_at, occurred_at) < $2`;
  if (q.categories?.length) {
    params.push(q.categories);
    where += ` and category = any($${params.length})`;
  }
  const rows = await db.query<{ t: number; k: number; x: number; y: number; l: string | null }>(
    `select extract(epoch from occurred_at) * 1000 as t,
       extract(epoch from coalesce(reported_at, occurred_at)) * 1000 as k, x, y,
       nullif(btrim(${column}), '') as l
     from incidents where ${where}
     order by occurred_at, source, external_id`,
    params,
  );
  const n = rows.length;
  const labels = [...new Set(rows.flatMap((r) => (r.l === null ? [] : [r.l])))].sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  const code = new Map(labels.map((l, i) => [l, i]));
  const out: LoadedPlaceTypes = {
    t: new Float64Array(n),
    known: new Float64Array(n),
    x: new Float64Array(n),
    y: new Float64Array(n),
    label: new Int32Array(n),
    labels,
  };
  rows.forEach((r, i) => {
    out.t[i] = Number(r.t);
    out.known[i] = Math.max(Number(r.t), Number(r.k));
    out.x[i] = r.x;
    out.y[i] = r.y;
    out.label[i] = r.l === null ? -1 : (code.get(r.l) as number);
  });
  return out;
}

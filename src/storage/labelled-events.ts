/**
 * Labelled events for crime-type classification: located, exactly timed incidents of a study area
 * with the finest type label the source has (SIDPOL's modalidad, else subtipo, else tipo — a mapped
 * source's type column such as Vancouver's TYPE — else the category), as typed arrays.
 *
 * The rules of `events.ts` apply: restricted rows never leave for a model (no option to include
 * them), and only points that mark the incident's place (exact or street-level) are used. Rows with
 * a date but no time are left out too: the hour is a feature. This read feeds models, which
 * aggregate; it returns no row to a person, so it is not incident-level access (nothing audited).
 */
import type { Queryable } from './db.ts';
import { LOCATED, SHARED_ONLY } from './events.ts';

/** What to load: occurrence window [from, to), ms (default everything). */
export interface LabelledEventQuery {
  area: string;
  from?: number;
  to?: number;
}

/** Time-sorted labelled events; `label[i]` indexes `labels`. */
export interface LabelledEvents {
  length: number;
  t: Float64Array;
  /** When each event became known (registration time, else occurrence), ms. */
  known: Float64Array;
  x: Float64Array;
  y: Float64Array;
  label: Uint16Array;
  /** Distinct labels, sorted. */
  labels: string[];
}

/** The finest label of a row, in SQL (blank values skipped). */
const LABEL_SQL = `coalesce(nullif(btrim(modalidad), ''), nullif(btrim(subtipo), ''), nullif(btrim(tipo), ''), category)`;

/** Loads the located, exactly timed, non-restricted incidents of an area with their finest label. */
export async function loadLabelledEvents(db: Queryable, q: LabelledEventQuery): Promise<LabelledEvents> {
  const params: unknown[] = [q.area];
  let where = `study_area = $1 and ${SHARED_ONLY} and ${LOCATED} and time_precision = 'exact'`;
  if (q.from !== undefined) {
    params.push(new Date(q.from));
    where += ` and occurred_at >= $${params.length}`;
  }
  if (q.to !== undefined) {
    params.push(new Date(q.to));
    where += ` and occurred_at < $${params.length}`;
  }
  const rows = await db.query<{ t: number; k: number; x: number; y: number; l: string }>(
    `select extract(epoch from occurred_at) * 1000 as t,
       extract(epoch from greatest(occurred_at, coalesce(reported_at, occurred_at))) * 1000 as k,
       x, y, ${LABEL_SQL} as l
     from incidents where ${where}
     order by occurred_at, source, external_id`,
    params,
  );
  const labels = [...new Set(rows.map((r) => r.l))].sort();
  const index = new Map(labels.map((l, i) => [l, i]));
  const n = rows.length;
  const out: LabelledEvents = {
    length: n,
    t: new Float64Array(n),
    known: new Float64Array(n),
    x: new Float64Array(n),
    y: new Float64Array(n),
    label: new Uint16Array(n),
    labels,
  };
  rows.forEach((r, i) => {
    out.t[i] = Number(r.t);
    out.known[i] = Number(r.k);
    out.x[i] = r.x;
    out.y[i] = r.y;
    out.label[i] = index.get(r.l) as number;
  });
  return out;
}

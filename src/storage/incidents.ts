/**
 * Incident queries. Filtering and aggregation happen in SQL; only the requested page leaves the
 * database. Restricted incidents (protected categories) come back redacted — no coordinates, no
 * narrative, no cell-level position — unless the caller is explicitly allowed to see them.
 */
import type { Queryable } from './db.ts';

/** Filters shared by listing and statistics. */
export interface IncidentFilter {
  area: string;
  /** Inclusive lower bound (UTC instant). */
  from?: Date;
  /** Exclusive upper bound. */
  to?: Date;
  districts?: readonly string[];
  categories?: readonly string[];
  /** Case-insensitive substring of tipo, subtipo or modalidad. */
  type?: string;
  source?: string;
  /** [minLon, minLat, maxLon, maxLat]: only incidents located inside. */
  bbox?: readonly [number, number, number, number];
  /** Leave out protected categories (small-area queries below the full view). */
  excludeRestricted?: boolean;
}

/** An incident as listed. */
export interface IncidentView {
  /** Stable id: "source:external_id". */
  id: string;
  source: string;
  externalId: string;
  occurredAt: Date;
  timePrecision: string;
  reportedAt: Date | null;
  districtCode: string | null;
  districtName: string | null;
  category: string;
  tipo: string | null;
  subtipo: string | null;
  modalidad: string | null;
  turno: string | null;
  channel: string;
  geoQuality: string;
  restricted: boolean;
  lat: number | null;
  lon: number | null;
  /** The original narrative: full view only. */
  narrative: string | null;
  /** The redacted narrative (src/text/redact.ts): full view, and the redacted view outside protected categories. */
  narrativeRedacted: string | null;
}

function where(f: IncidentFilter, params: unknown[]): string {
  const parts: string[] = [];
  const add = (sql: string, v: unknown): void => {
    params.push(v);
    parts.push(sql.replace('?', `$${params.length}`));
  };
  add('i.study_area = ?', f.area);
  if (f.from) add('i.occurred_at >= ?', f.from);
  if (f.to) add('i.occurred_at < ?', f.to);
  if (f.districts?.length) add('i.district_code = any(?)', f.districts);
  if (f.categories?.length) add('i.category = any(?)', f.categories);
  if (f.source) add('i.source = ?', f.source);
  if (f.bbox) {
    add('i.lon >= ?', f.bbox[0]);
    add('i.lat >= ?', f.bbox[1]);
    add('i.lon <= ?', f.bbox[2]);
    add('i.lat <= ?', f.bbox[3]);
  }
  if (f.excludeRestricted) parts.push('not i.restricted');
  if (f.type) {
    // A substring, not a pattern: the user's % and _ are literal.
    params.push(`%${f.type.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    const k = `$${params.length}`;
    parts.push(`(i.tipo ilike ${k} or i.subtipo ilike ${k} or i.modalidad ilike ${k})`);
  }
  return parts.join(' and ');
}

/**
 * Lists incidents, newest first, with keyset paging.
 * @param options.after cursor: occurredAt and id of the last row of the previous page
 * @param options.showRestricted the full view: location and the original narrative of every row.
 *   When false (default), restricted rows lose location and narrative, and the others show only the
 *   redacted narrative (none when it has not been computed yet: fail closed).
 */
export async function listIncidents(
  db: Queryable,
  filter: IncidentFilter,
  options: { limit: number; after?: { occurredAt: Date; id: string }; showRestricted?: boolean },
): Promise<IncidentView[]> {
  const params: unknown[] = [];
  let sql = where(filter, params);
  if (options.after) {
    const cut = options.after.id.indexOf(':');
    params.push(options.after.occurredAt, options.after.id.slice(0, cut), options.after.id.slice(cut + 1));
    const n = params.length;
    sql += ` and (i.occurred_at, i.source, i.external_id) < ($${n - 2}, $${n - 1}, $${n})`;
  }
  params.push(options.limit, options.showRestricted === true);
  const show = `$${params.length}`;
  return db.query<IncidentView>(
    `select i.source || ':' || i.external_id as id, i.source, i.external_id as "externalId", i.occurred_at as "occurredAt",
       i.time_precision as "timePrecision", i.reported_at as "reportedAt", i.district_code as "districtCode",
       d.name as "districtName", i.category, i.tipo, i.subtipo, i.modalidad, i.turno, i.channel,
       case when i.restricted and not ${show} then 'redacted' else i.geo_quality end as "geoQuality",
       i.restricted,
       case when i.restricted and not ${show} then null else i.lat end as lat,
       case when i.restricted and not ${show} then null else i.lon end as lon,
       case when ${show} then i.narrative end as narrative,
       case when i.restricted and not ${show} then null else i.narrative_redacted end as "narrativeRedacted"
     from incidents i left join districts d on d.study_area = i.study_area and d.code = i.district_code
     where ${sql}
     order by i.occurred_at desc, i.source desc, i.external_id desc
     limit $${params.length - 1}`,
    params,
  );
}

/** Number of incidents matching a filter. */
export async function countIncidents(db: Queryable, filter: IncidentFilter): Promise<number> {
  const params: unknown[] = [];
  const rows = await db.query<{ n: number }>(
    `select count(*)::int as n from incidents i where ${where(filter, params)}`,
    params,
  );
  return rows[0]?.n ?? 0;
}

/** One cell of the district × month × category table. */
export interface StatsRow {
  districtCode: string | null;
  districtName: string | null;
  month: string; // YYYY-MM, local time
  category: string;
  count: number;
}

/** Counts by district × local month × category. */
export async function incidentStats(
  db: Queryable,
  filter: IncidentFilter,
  timeZone: string,
): Promise<StatsRow[]> {
  const params: unknown[] = [];
  const w = where(filter, params);
  params.push(timeZone);
  return db.query<StatsRow>(
    `select i.district_code as "districtCode", d.name as "districtName",
       to_char(i.occurred_at at time zone $${params.length}, 'YYYY-MM') as month, i.category, count(*)::int as count
     from incidents i left join districts d on d.study_area = i.study_area and d.code = i.district_code
     where ${w}
     group by 1, 2, 3, 4 order by 3, 1, 4`,
    params,
  );
}

/** Counts by turno (police shift) of the incident; date-only records have none. */
export async function turnoCounts(
  db: Queryable,
  filter: IncidentFilter,
): Promise<{ turno: string | null; count: number }[]> {
  const params: unknown[] = [];
  return db.query<{ turno: string | null; count: number }>(
    `select i.turno, count(*)::int as count from incidents i where ${where(filter, params)} group by 1 order by 1`,
    params,
  );
}

/** Summary numbers for a study area. */
export interface AreaSummary {
  incidents: number;
  first: Date | null;
  last: Date | null;
  located: number;
  station: number;
  missing: number;
  dateOnly: number;
  restricted: number;
  discovered: number;
  byDistrict: { code: string | null; name: string | null; count: number }[];
  sidpolMonthlyRows: number;
}

/** Totals used by `vigia start` and `vigia stats --summary`. */
export async function areaSummary(db: Queryable, area: string): Promise<AreaSummary> {
  const [t] = await db.query<Omit<AreaSummary, 'byDistrict' | 'sidpolMonthlyRows'>>(
    `select count(*)::int as incidents, min(occurred_at) as first, max(occurred_at) as last,
       count(*) filter (where geo_quality in ('exact', 'street'))::int as located,
       count(*) filter (where geo_quality = 'station')::int as station,
       count(*) filter (where geo_quality = 'missing')::int as missing,
       count(*) filter (where time_precision <> 'exact')::int as "dateOnly",
       count(*) filter (where restricted)::int as restricted,
       count(*) filter (where channel = 'discovered')::int as discovered
     from incidents where study_area = $1`,
    [area],
  );
  const byDistrict = await db.query<{ code: string | null; name: string | null; count: number }>(
    `select i.district_code as code, d.name, count(*)::int as count
     from incidents i left join districts d on d.study_area = i.study_area and d.code = i.district_code
     where i.study_area = $1 group by 1, 2 order by 3 desc`,
    [area],
  );
  const [m] = await db.query<{ n: number }>(
    'select count(*)::int as n from sidpol_monthly where study_area = $1',
    [area],
  );
  return {
    ...(t as Omit<AreaSummary, 'byDistrict' | 'sidpolMonthlyRows'>),
    byDistrict,
    sidpolMonthlyRows: m?.n ?? 0,
  };
}

/**
 * Newest occurrence time per study area, in seconds (a backward walk of the time index per area:
 * cheap per scrape). Restricted rows do not count: the newest day reaches every role (dataAge on
 * /api/v1/ui, the forecast index), and a restricted row's day there would tell a lower role that a
 * protected incident happened on it; forecasts are built without them too (storage/events.ts).
 */
export async function latestIncidentTimes(db: Queryable): Promise<{ area: string; latest: number | null }[]> {
  const rows = await db.query<{ area: string; latest: number | null }>(
    `select a.id as area,
       extract(epoch from (select max(i.occurred_at) from incidents i
         where i.study_area = a.id and not i.restricted))::float8 as latest
     from study_areas a order by a.id`,
  );
  return rows.map((r) => ({ area: r.area, latest: r.latest === null ? null : Number(r.latest) }));
}

/**
 * The version of an area's incidents: it changes when an ingest batch of the area finishes (the
 * only writer of incidents, storage/ingest-writer.ts, finishes its batch in the same transaction as
 * its rows). Cached aggregates are keyed by it. One small-table read.
 */
export async function dataVersion(db: Queryable, area: string): Promise<string> {
  const [v] = await db.query<{ n: number; last: number }>(
    `select count(*)::int as n, coalesce(max(id), 0)::int as last from ingest_batches
     where study_area = $1 and finished_at is not null`,
    [area],
  );
  return `${v?.n ?? 0}.${v?.last ?? 0}`;
}

// ---------------------------------------------------------------------------------------------------
// Narratives (issue 14): the original never leaves storage except through the full view above
// ---------------------------------------------------------------------------------------------------

/** A redacted narrative with what a reader of text needs about its incident. */
export interface RedactedNarrative {
  /** `source:external_id`, as in listings. */
  id: string;
  /** The redacted text. */
  text: string;
  category: string;
  modality: string | null;
  districtCode: string | null;
  district: string | null;
  occurredAt: Date;
  restricted: boolean;
}

/**
 * The redacted narratives of an area in [from, to), oldest first. Rows whose redacted text has not
 * been computed are left out (fail closed); protected categories only when `includeProtected`.
 */
export async function redactedNarratives(
  db: Queryable,
  o: { area: string; from: Date; to: Date; includeProtected: boolean; limit?: number },
): Promise<RedactedNarrative[]> {
  return db.query<RedactedNarrative>(
    `select i.source || ':' || i.external_id as id, i.narrative_redacted as text, i.category,
       i.modalidad as modality, i.district_code as "districtCode", d.name as district,
       i.occurred_at as "occurredAt", i.restricted
     from incidents i left join districts d on d.study_area = i.study_area and d.code = i.district_code
     where i.study_area = $1 and i.occurred_at >= $2 and i.occurred_at < $3
       and i.narrative_redacted is not null and ($4 or not i.restricted)
     order by i.occurred_at, i.source, i.external_id
     limit $5`,
    [o.area, o.from, o.to, o.includeProtected, o.limit ?? 1_000_000],
  );
}

/** A stored narrative whose redacted text is still missing (stored before migration 0014). */
export interface UnredactedNarrative {
  source: string;
  externalId: string;
  narrative: string;
  category: string;
  restricted: boolean;
}

/** Up to `limit` narratives without their redacted text. */
export async function unredactedNarratives(db: Queryable, limit: number): Promise<UnredactedNarrative[]> {
  return db.query<UnredactedNarrative>(
    `select source, external_id as "externalId", narrative, category, restricted from incidents
     where narrative is not null and narrative_redacted is null
     order by source, external_id limit $1`,
    [limit],
  );
}

/** Stores redacted texts of narratives that have none (a row already filled is left as it is). */
export async function storeRedactedNarratives(
  db: Queryable,
  rows: readonly { source: string; externalId: string; redacted: string }[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const done = await db.query<{ n: number }>(
    `with u as (
       update incidents i set narrative_redacted = r.redacted
       from unnest($1::text[], $2::text[], $3::text[]) as r(source, external_id, redacted)
       where i.source = r.source and i.external_id = r.external_id and i.narrative_redacted is null
         and i.narrative is not null
       returning 1)
     select count(*)::int as n from u`,
    [rows.map((r) => r.source), rows.map((r) => r.externalId), rows.map((r) => r.redacted)],
  );
  return done[0]?.n ?? 0;
}

/** Stored backtest reports (the harness's JSON report, as written to the report files). */
import type { Queryable } from './db.ts';

/** The fields of a report this module indexes; the rest is stored as it is. */
export interface ReportKey {
  area: string;
  group: string;
  horizon: string;
  from: string;
  to: string;
}

/** A report as listed, without its curves. */
export interface ReportSummary {
  id: number;
  area: string;
  group: string;
  horizon: string;
  from: string;
  to: string;
  createdAt: Date;
  /** Model name → hit rate at 5 % of the area. */
  hitRateAt5: Record<string, number | null>;
}

export async function saveReport(db: Queryable, r: ReportKey): Promise<number> {
  const [row] = await db.query<{ id: number }>(
    `insert into backtest_reports (study_area, crime_group, horizon, period_from, period_to, report)
     values ($1, $2, $3, $4, $5, $6) returning id`,
    [r.area, r.group, r.horizon, r.from, r.to, JSON.stringify(r)],
  );
  return (row as { id: number }).id;
}

/** Hit rate at 5 % of the area per model, read inside the database (no curve leaves it). */
const HIT_AT_5 = `(select coalesce(jsonb_object_agg(m->>'name', (
    select (p->>'hitRate')::float8 from jsonb_array_elements(m->'curve') p
    where abs((p->>'coverage')::float8 - 0.05) < 0.0025 limit 1)), '{}'::jsonb)
  from jsonb_array_elements(b.report->'models') m)`;

export function listReports(
  db: Queryable,
  q: { area?: string; group?: string; limit: number },
): Promise<ReportSummary[]> {
  return db.query<ReportSummary>(
    `select b.id, b.study_area as area, b.crime_group as "group", b.horizon,
       to_char(b.period_from, 'YYYY-MM-DD') as "from", to_char(b.period_to, 'YYYY-MM-DD') as "to",
       b.created_at as "createdAt", ${HIT_AT_5} as "hitRateAt5"
     from backtest_reports b
     where ($1::text is null or b.study_area = $1) and ($2::text is null or b.crime_group = $2)
     order by b.created_at desc, b.id desc limit $3`,
    [q.area ?? null, q.group ?? null, q.limit],
  );
}

export async function getReport<R extends ReportKey>(db: Queryable, id: number): Promise<R | null> {
  const rows = await db.query<{ report: R }>('select report from backtest_reports where id = $1', [id]);
  return rows[0]?.report ?? null;
}

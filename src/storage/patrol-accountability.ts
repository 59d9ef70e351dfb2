/**
 * The queries of the patrol accountability reports (issue 12, services/patrol-accountability.ts):
 * which turno forecast stands for each day × turno of a period, and the reported incidents of a
 * period by district × turno or located by day × turno. See docs/prevention.md, "Accountability".
 */
import type { Queryable } from './db.ts';

/**
 * Per local day × turno of [from, to], the stored turno forecast a plan would be made from: of the
 * area's and group's forecasts with horizon turno, the most recently made.
 */
export function turnoForecastIds(
  db: Queryable,
  q: { area: string; group: string; from: string; to: string },
): Promise<{ id: number; day: string; turno: string }[]> {
  return db.query(
    `select distinct on (f.target_day, f.turno) f.id::int as id, to_char(f.target_day, 'YYYY-MM-DD') as day, f.turno
     from forecasts f
     where f.study_area = $1 and f.crime_group = $2 and f.horizon = 'turno' and f.turno is not null
       and f.target_day between $3::date and $4::date
     order by f.target_day, f.turno, f.created_at desc, f.id desc`,
    [q.area, q.group, q.from, q.to],
  );
}

/** What a reported-incident query counts. */
export interface ReportedFilter {
  area: string;
  /** Inclusive lower and exclusive upper bound (instants). */
  from: Date;
  to: Date;
  categories: readonly string[];
  excludeRestricted: boolean;
}

/** Incidents reported by the public (channel `reported`) with a turno, by district × turno. */
export function reportedByDistrictTurno(
  db: Queryable,
  q: ReportedFilter,
): Promise<{ district: string | null; turno: string; count: number }[]> {
  return db.query(
    `select i.district_code as district, i.turno, count(*)::int as count
     from incidents i
     where i.study_area = $1 and i.occurred_at >= $2 and i.occurred_at < $3 and i.category = any($4)
       and i.channel = 'reported' and i.turno is not null and (not $5 or not i.restricted)
     group by 1, 2 order by 1, 2`,
    [q.area, q.from, q.to, q.categories, q.excludeRestricted],
  );
}

/** Located incidents reported by the public with a turno: local day, turno and position (metres). */
export function reportedLocated(
  db: Queryable,
  q: ReportedFilter & { timeZone: string },
): Promise<{ day: string; turno: string; x: number; y: number }[]> {
  return db.query(
    `select to_char(i.occurred_at at time zone $6, 'YYYY-MM-DD') as day, i.turno, i.x, i.y
     from incidents i
     where i.study_area = $1 and i.occurred_at >= $2 and i.occurred_at < $3 and i.category = any($4)
       and i.channel = 'reported' and i.turno is not null and i.x is not null
       and (not $5 or not i.restricted)`,
    [q.area, q.from, q.to, q.categories, q.excludeRestricted, q.timeZone],
  );
}

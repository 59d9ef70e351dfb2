/** Readiness and data-freshness facts for the server. */
import { listReports } from '../storage/backtest-reports.ts';
import type { Db } from '../storage/db.ts';
import { deployedModels, newestForecastTimes } from '../storage/forecasts.ts';
import { isMigrated } from '../storage/migrate.ts';

/** Ready when the database answers and every shipped migration is applied. */
export async function readiness(db: Db): Promise<{ ready: boolean; database: string; reason?: string }> {
  try {
    if (!(await isMigrated(db)))
      return { ready: false, database: db.description, reason: 'migraciones pendientes' };
    return { ready: true, database: db.description };
  } catch (err) {
    return {
      ready: false,
      database: db.description,
      reason: `la base de datos no responde: ${(err as Error).message}`,
    };
  }
}

export { latestIncidentTimes } from '../storage/incidents.ts';

/** Domain numbers read at scrape time. */
export interface DomainGauges {
  /** Creation time of the newest forecast per area (seconds since the epoch). */
  forecastCreated: { area: string; created: number }[];
  /** Rows ever accepted, already stored and rejected by ingestion, per area. */
  ingestRows: { area: string; accepted: number; existing: number; rejected: number }[];
  /** Hit rate at 5 % of the area of the deployed model in its latest backtest report. */
  backtestHitRate: { area: string; group: string; model: string; hitRate: number }[];
}

export async function domainGauges(db: Db): Promise<DomainGauges> {
  const [forecastCreated, ingestRows, deployed] = await Promise.all([
    newestForecastTimes(db),
    db.query<{ area: string; accepted: number; existing: number; rejected: number }>(
      `select study_area as area, sum(rows_accepted)::float8 as accepted, sum(rows_existing)::float8 as existing,
         sum(rows_rejected)::float8 as rejected from ingest_batches where finished_at is not null group by 1`,
    ),
    deployedModels(db),
  ]);
  const backtestHitRate: DomainGauges['backtestHitRate'] = [];
  for (const d of deployed) {
    const [latest] = await listReports(db, { area: d.area, group: d.group, limit: 1 });
    const hitRate = latest?.hitRateAt5[d.model];
    if (typeof hitRate === 'number') backtestHitRate.push({ ...d, hitRate });
  }
  return { forecastCreated, ingestRows, backtestHitRate };
}

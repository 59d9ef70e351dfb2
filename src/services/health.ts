/** Readiness and data-freshness facts for the server. */
import { listReports } from '../storage/backtest-reports.ts';
import type { Db } from '../storage/db.ts';
import { deployedModels, newestForecastTimes } from '../storage/forecasts.ts';
import { isMigrated } from '../storage/migrate.ts';
import { championModels } from '../storage/model-lifecycle.ts';
import { type DataAge, dataAge } from './data-age.ts';

/** What `/readyz` answers: no paths, addresses or driver messages, only the state. */
export interface Readiness {
  ready: boolean;
  /** Which kind of store answers: the embedded server or a PostgreSQL server. */
  database: Db['kind'];
  reason?: string;
  /** The age of the default area's data (when the database answers and is migrated). */
  data?: DataAge;
}

/**
 * Ready when the database answers and every shipped migration is applied. Stale data does not make
 * the server unready; it is reported in `data`. The database error itself goes to `log`, never to
 * the answer (it may name files, hosts or users).
 */
export async function readiness(
  db: Db,
  opts: { area: string; staleAfterDays: number; log?: { warn(obj: object, msg: string): void } },
): Promise<Readiness> {
  try {
    if (!(await isMigrated(db))) return { ready: false, database: db.kind, reason: 'migraciones pendientes' };
    const data = await dataAge(db, opts.area, { staleAfterDays: opts.staleAfterDays }).catch(() => undefined);
    return { ready: true, database: db.kind, ...(data ? { data } : {}) };
  } catch (err) {
    // One line per probe, no stack: a load balancer polls this every few seconds during an outage.
    const cause = (err as Error).cause ?? err;
    opts.log?.warn({ reason: String((cause as Error).message ?? cause) }, 'readiness: database unavailable');
    return { ready: false, database: db.kind, reason: 'la base de datos no responde' };
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
  /** The current champion of each area × group × horizon: its model kind and version. */
  champions: { area: string; group: string; horizon: string; model: string; version: number }[];
}

export async function domainGauges(db: Db): Promise<DomainGauges> {
  const [forecastCreated, ingestRows, deployed, champions] = await Promise.all([
    newestForecastTimes(db),
    db.query<{ area: string; accepted: number; existing: number; rejected: number }>(
      `select study_area as area, sum(rows_accepted)::float8 as accepted, sum(rows_existing)::float8 as existing,
         sum(rows_rejected)::float8 as rejected from ingest_batches where finished_at is not null group by 1`,
    ),
    deployedModels(db),
    championModels(db),
  ]);
  const backtestHitRate: DomainGauges['backtestHitRate'] = [];
  for (const d of deployed) {
    const [latest] = await listReports(db, { area: d.area, group: d.group, limit: 1 });
    const hitRate = latest?.hitRateAt5[d.model];
    if (typeof hitRate === 'number') backtestHitRate.push({ ...d, hitRate });
  }
  return { forecastCreated, ingestRows, backtestHitRate, champions };
}

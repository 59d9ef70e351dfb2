/** Readiness and data-freshness facts for the server. */
import type { Db } from '../storage/db.ts';
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

/**
 * Opens the store chosen by the configuration: a PostgreSQL server when DATABASE_URL is set, else
 * the embedded server in the data directory. Either way the same migrations run before use — on a
 * server with VIGIA_OWNER_DATABASE_URL, as the schema owner, which then grants the application's
 * role only what it needs (migrate.ts, grantAppRole); the store then offers `asOwner` for the job
 * engine's own schema and queues (services/job-engine.ts).
 */
import type { Config } from '../config/env.ts';
import type { Log } from '../config/logger.ts';
import { AUDIT_MAC_MIGRATION, bindAuditKey, signAuditHead } from './audit.ts';
import { auditKeySource } from './audit-key.ts';
import { connectDb, type Db } from './db.ts';
import { startEmbedded } from './embedded.ts';
import { grantAppRole, migrate } from './migrate.ts';

/** Connects (starting the embedded server if needed) and applies pending migrations. */
export async function openStore(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'embeddedPort' | 'db'> &
    Partial<Pick<Config, 'ownerDatabaseUrl' | 'auditKey'>>,
  log?: Log,
): Promise<Db> {
  let db: Db;
  if (config.databaseUrl) {
    db = await connectDb(config.databaseUrl, { kind: 'server', limits: config.db });
  } else {
    const server = await startEmbedded({
      dataDir: config.dataDir,
      port: config.embeddedPort,
      ...(log ? { log } : {}),
    });
    try {
      db = await connectDb(server.url, {
        kind: 'embedded',
        description: server.description,
        onClose: server.release,
        limits: config.db,
      });
    } catch (err) {
      await server.release();
      throw err;
    }
  }
  const keys = auditKeySource(config);
  bindAuditKey(db, keys);
  const owner = config.databaseUrl ? config.ownerDatabaseUrl : undefined;
  const grantApp = async (ownerDb: Db): Promise<void> => {
    const [app] = await db.query<{ role: string }>('select current_user as role');
    await grantAppRole(ownerDb, (app as { role: string }).role);
  };
  try {
    const migrator = owner ? await connectDb(owner, { kind: 'server', limits: config.db }) : db;
    try {
      // The audit head present when its signature column appears is signed then, in that transaction.
      const applied = await migrate(migrator, async (version, tx) => {
        if (version === AUDIT_MAC_MIGRATION) await signAuditHead(tx, keys.get(true) as Uint8Array);
      });
      if (applied.length > 0) log?.debug({ applied, database: db.description }, 'migrations applied');
      if (owner) await grantApp(migrator);
    } finally {
      if (migrator !== db) await migrator.close();
    }
  } catch (err) {
    await db.close();
    throw err;
  }
  if (!owner) return db;
  return Object.assign(db, {
    async asOwner<T>(fn: (ownerDb: Db) => Promise<T>): Promise<T> {
      const ownerDb = await connectDb(owner, { kind: 'server', limits: { ...config.db, poolMax: 2 } });
      try {
        const out = await fn(ownerDb);
        await grantApp(ownerDb);
        return out;
      } finally {
        await ownerDb.close();
      }
    },
  });
}

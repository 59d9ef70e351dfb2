/**
 * Opens the store chosen by the configuration: a PostgreSQL server when DATABASE_URL is set, else
 * the embedded server in the data directory. Either way the same migrations run before use.
 */
import type { Config } from '../config/env.ts';
import type { Log } from '../config/logger.ts';
import { connectDb, type Db } from './db.ts';
import { startEmbedded } from './embedded.ts';
import { migrate } from './migrate.ts';

/** Connects (starting the embedded server if needed) and applies pending migrations. */
export async function openStore(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'embeddedPort' | 'db'>,
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
  try {
    const applied = await migrate(db);
    if (applied.length > 0) log?.debug({ applied, database: db.description }, 'migrations applied');
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}

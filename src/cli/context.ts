/** Shared plumbing for CLI commands: configuration and a store that is always closed. */
import { type Config, getConfig } from '../config/env.ts';
import { createLogger } from '../config/logger.ts';
import type { Db } from '../storage/db.ts';
import { openStore } from '../storage/store.ts';

/** Runs `fn` with an open store and closes it afterwards (stopping an embedded server we started). */
export async function withStore<T>(fn: (db: Db, config: Config) => Promise<T>): Promise<T> {
  const config = getConfig();
  const log = createLogger(config);
  const started = performance.now();
  const db = await openStore(config, log);
  // Ctrl-C or a stop signal: exit at once with the conventional 128 + signal number. An open batch
  // rolls back when its connection drops (nothing partial is stored); an embedded server this command
  // started stays up for the next command to reuse (`vigia db stop` ends it). In a terminal, Ctrl-C
  // reaches the server too, which then shuts down by itself.
  const onSignal = (signal: NodeJS.Signals): void => process.exit(signal === 'SIGINT' ? 130 : 143);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  log.debug({ database: db.description, ms: Math.round(performance.now() - started) }, 'store open');
  try {
    return await fn(db, config);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await db.close();
    log.debug({ ms: Math.round(performance.now() - started) }, 'store closed');
  }
}

/** Splits a comma-separated option into values. */
export function list(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const parts = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return parts.length ? parts : undefined;
}

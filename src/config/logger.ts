/**
 * Structured logs (pino, JSON lines) on stderr at the configured LOG_LEVEL, so that stdout stays
 * for command output. CLI commands log internals at debug level; the API server will log requests.
 */
import { pino } from 'pino';
import type { Config } from './env.ts';

/** The logging surface the rest of the code depends on (pino's Logger satisfies it). */
export interface Log {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A logger for this process. */
export function createLogger(config: Pick<Config, 'logLevel'>): Log {
  return pino({ level: config.logLevel, base: { app: 'vigia' } }, pino.destination(2));
}

/**
 * One SQL client for both targets. The embedded default is a real PostgreSQL server managed by
 * Vigía (see embedded.ts and docs/storage.md for why), so the embedded store and a production
 * PostgreSQL server share this code path exactly: `pg`, the same SQL, the same migrations, COPY.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { StorageError } from '../core/errors.ts';

// timestamptz → JS Date is pg's default; bigint counts come back as strings unless parsed.
pg.types.setTypeParser(20, (v) => Number(v));

/** Anything that can run queries: the pool or a transaction. */
export interface Queryable {
  query<R extends object = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
}

/** A transaction: queries plus bulk COPY. */
export interface Tx extends Queryable {
  /** Streams text lines (already in COPY CSV format) into `COPY … FROM STDIN`. */
  copyIn(sql: string, lines: Iterable<string> | AsyncIterable<string>): Promise<void>;
}

/** The store's connection. */
export interface Db extends Queryable {
  /** Where the data lives, safe to print (no password). */
  readonly description: string;
  readonly kind: 'embedded' | 'server';
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Removes the password from a connection URL before it is printed or logged. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(URL inválida)';
  }
}

function wrap(client: pg.PoolClient): Tx {
  return {
    async query<R extends object>(text: string, params?: readonly unknown[]) {
      const res = await client.query(text, params as unknown[]);
      return res.rows as R[];
    },
    async copyIn(sql, lines) {
      const stream = client.query(copyFrom(sql));
      await pipeline(Readable.from(lines), stream);
    },
  };
}

/**
 * Connects a pool to a PostgreSQL URL and checks that it answers.
 * @param onClose extra work after the pool ends (the embedded server's shutdown)
 * @throws StorageError when the server cannot be reached, with the redacted URL
 */
export async function connectDb(
  url: string,
  options: {
    kind: 'embedded' | 'server';
    description?: string;
    onClose?: () => Promise<void>;
    max?: number;
  },
): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 4, application_name: 'vigia' });
  // An idle client can lose its server (restart, network): log-free, the next query reconnects.
  pool.on('error', () => undefined);
  try {
    const c = await pool.connect();
    c.release();
  } catch (cause) {
    await pool.end().catch(() => undefined);
    throw new StorageError(
      `No se pudo conectar a la base de datos ${redactUrl(url)}: ${(cause as Error).message}`,
      { cause },
    );
  }
  let closed = false;
  return {
    kind: options.kind,
    description: options.description ?? redactUrl(url),
    async query<R extends object>(text: string, params?: readonly unknown[]) {
      const res = await pool.query(text, params as unknown[]);
      return res.rows as R[];
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn(wrap(client));
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
      await options.onClose?.();
    },
  };
}

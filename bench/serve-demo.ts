/**
 * A real `vigia serve` for benchmarks: a temporary data folder (embedded store unless a database URL
 * is given), demo data loaded and forecasts made through the CLI, one user, then the server in its
 * own process. `stop()` ends the server and cleans up.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, VIGIA_BIN } from '../src/test/cli.ts';
import { freePort } from '../src/test/postgres-server.ts';

export const BENCH_PASSWORD = 'clave-del-benchmark';

export interface DemoServer {
  base: string;
  /** A read token of the analyst `bench`. */
  token: string;
  stop(): Promise<void>;
}

export async function serveDemo(o: {
  databaseUrl?: string;
  years?: number;
  model?: string;
  env?: Record<string, string>;
}): Promise<DemoServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigia-bench-'));
  const env: Record<string, string> = {
    VIGIA_DATA_DIR: dataDir,
    VIGIA_EMBEDDED_PORT: String(await freePort()),
    LOG_LEVEL: 'info',
    ...(o.databaseUrl ? { DATABASE_URL: o.databaseUrl } : {}),
    ...o.env,
  };
  const step = async (args: string[], input?: string): Promise<string> => {
    const r = await runCli(args, env, input);
    if (r.code !== 0) throw new Error(`vigia ${args.join(' ')} → ${r.code}\n${r.stderr}`);
    return r.stdout;
  };
  await step(['demo-data', '--years', String(o.years ?? 5)]);
  await step([
    'forecast',
    '--day',
    '2026-01-01',
    '--model',
    o.model ?? 'naive-counts',
    '--horizon',
    'turno',
    '--groups',
    'property',
  ]);
  await step(['user', 'add', 'bench', '--role', 'analyst'], `${BENCH_PASSWORD}\n`);
  const token = (await step(['token', 'create', 'bench', '--name', 'bench', '--scopes', 'read'])).trim();
  const port = await freePort();
  const server = spawn(process.execPath, [VIGIA_BIN, 'serve', '--port', String(port)], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let serverErr = '';
  server.stderr?.on('data', (d) => {
    serverErr += d;
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 400) throw new Error(`server did not start:\n${serverErr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    base,
    token,
    async stop() {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('close', r));
      if (!o.databaseUrl) await runCli(['db', 'stop'], env);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

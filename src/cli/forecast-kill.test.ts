/**
 * Forecast runs are atomic, through the real CLI on both stores: `vigia forecast` and the first-run
 * forecasts of `vigia start` are killed (-9) while they write; the database then holds all of that
 * run's surfaces or none, and the next run (or start) completes them, once.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../test/cli.ts';
import { createTestDb, type TestDb } from '../test/db.ts';
import { freePort } from '../test/postgres-server.ts';

const DAY = '2025-03-30';
/** Three groups × four turnos. */
const GROUPS = 'property,violent,all';
const RUN_SURFACES = 12;
/** Smaller cells than the default: bigger surfaces, so the write takes a while to catch. */
const FORECAST = [
  'forecast',
  '--day',
  DAY,
  '--model',
  'naive-counts',
  '--groups',
  GROUPS,
  '--cell-size',
  '75',
];

interface Store {
  env: Record<string, string>;
  /** The store's URL (known once the first command has created the embedded server). */
  url(): string;
}

/** Polls the store from outside the CLI. */
class Watcher {
  private constructor(private readonly c: pg.Client) {}
  /** Connects, waiting for the server (the embedded one runs only while a command holds it). */
  static async open(store: Store): Promise<Watcher> {
    let watcher: Watcher | undefined;
    await until(async () => {
      const c = new pg.Client({ connectionString: store.url() });
      try {
        await c.connect();
        watcher = new Watcher(c);
        return true;
      } catch {
        await c.end().catch(() => undefined);
        return false;
      }
    }, 'the database to answer');
    return watcher as Watcher;
  }
  async sql<R>(text: string): Promise<R[]> {
    return (await this.c.query(text)).rows as R[];
  }
  /** Surfaces stored (committed) for a target day (null: any day). */
  async surfaces(day: string | null): Promise<number> {
    const r = await this.c.query(
      'select count(*)::int as n from forecasts where $1::date is null or target_day = $1::date',
      [day],
    );
    return (r.rows[0] as { n: number }).n;
  }
  /** True once a Vigía connection is inserting forecasts (in an open transaction, or committed). */
  async writing(day: string | null): Promise<boolean> {
    const r = await this.c.query(
      `select count(*)::int as n from pg_stat_activity
       where datname = current_database() and pid <> pg_backend_pid() and query ilike 'insert into forecasts%'
         and state in ('active', 'idle in transaction')`,
    );
    return (r.rows[0] as { n: number }).n > 0 || (await this.surfaces(day)) > 0;
  }
  /** Connections of other processes to this database (the killed CLI's, until the server notices). */
  async others(): Promise<number> {
    const r = await this.c.query(
      `select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
    );
    return (r.rows[0] as { n: number }).n;
  }
  close(): Promise<void> {
    return this.c.end();
  }
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Starts the CLI, kills it (-9) at the `sighting`-th poll that sees it writing the run for `day`,
 * waits for the server to drop its connections, and returns the surfaces then stored for `day`.
 */
async function killWhileWriting(
  store: Store,
  args: string[],
  day: string | null,
  sighting: number,
): Promise<number> {
  const run = startCli(args, store.env);
  const w = await Watcher.open(store);
  try {
    let exited = false;
    void run.done.then(() => {
      exited = true;
    });
    let seen = 0;
    await until(async () => exited || ((await w.writing(day)) && ++seen >= sighting), `${args[0]} to write`);
    run.child.kill('SIGKILL');
    const done = await run.done;
    // Killed (no exit code), or finished just before the kill: never failed on its own.
    expect([null, 0], `${args[0]}: ${done.stderr}`).toContain(done.code);
    await until(async () => (await w.others()) === 0, 'the killed connections to end');
    return await w.surfaces(day);
  } finally {
    await w.close();
  }
}

async function checkStore(store: Store): Promise<void> {
  const load = await runCli(
    ['demo-data', '--years', '1', '--start', '2024-04-01', '--volume', '4000'],
    store.env,
  );
  expect(load.code, load.stderr).toBe(0);

  // `vigia forecast`, killed at several moments of its write: all of the run or nothing.
  for (const sighting of [1, 3]) {
    const left = await killWhileWriting(store, FORECAST, DAY, sighting);
    expect([0, RUN_SURFACES], `surfaces left by a kill at sighting ${sighting}`).toContain(left);
  }
  // The next run completes it; re-running replaces, never duplicates.
  for (let i = 0; i < 2; i++) {
    const again = await runCli([...FORECAST, '--json'], store.env);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toHaveLength(RUN_SURFACES);
    const w = await Watcher.open(store);
    expect(await w.surfaces(DAY)).toBe(RUN_SURFACES);
    await w.close();
  }

  // `vigia start`: its first-run forecasts (the day after the data, every group × turno).
  // No forecast left: start makes its first-run ones again (the only forecasts, whatever their day).
  const w = await Watcher.open(store);
  await w.sql('delete from forecasts');
  await w.close();
  const left = await killWhileWriting(store, ['start', '--no-serve'], null, 1);
  const complete = await runCli(['start', '--no-serve'], store.env);
  expect(complete.code, complete.stderr).toBe(0);
  const w2 = await Watcher.open(store);
  const all = await w2.surfaces(null);
  await w2.close();
  expect(all).toBeGreaterThan(0);
  expect(all % 4).toBe(0);
  expect([0, all], 'surfaces left by the killed start').toContain(left);
  expect(complete.stdout).toContain(left === 0 ? 'superficies de riesgo guardadas' : 'Siguientes pasos');
}

describe('forecast runs killed (-9) while writing: all or nothing', () => {
  describe('on a PostgreSQL server (DATABASE_URL)', () => {
    let t: TestDb;
    beforeAll(async () => {
      t = await createTestDb('server');
    });
    afterAll(async () => {
      await t?.drop();
    });
    it('keeps all or none of a run, and the next forecast / start completes it', async () => {
      await checkStore({ env: { DATABASE_URL: t.url }, url: () => t.url });
    }, 300_000);
  });

  describe('on the embedded default (the server outlives the killed CLI)', () => {
    let dir: string;
    let env: Record<string, string>;
    beforeAll(async () => {
      dir = mkdtempSync(join('/var/tmp', 'vigia-forecast-kill-'));
      env = { VIGIA_DATA_DIR: dir, VIGIA_EMBEDDED_PORT: String(await freePort()) };
    });
    afterAll(async () => {
      await runCli(['db', 'stop'], env);
      rmSync(dir, { recursive: true, force: true });
    });
    it('keeps all or none of a run, and the next forecast / start completes it', async () => {
      const url = (): string => {
        const creds = JSON.parse(readFileSync(join(dir, 'embedded-credentials.json'), 'utf8')) as {
          user: string;
          password: string;
        };
        return `postgres://${creds.user}:${encodeURIComponent(creds.password)}@127.0.0.1:${env.VIGIA_EMBEDDED_PORT}/vigia`;
      };
      await checkStore({ env, url });
    }, 300_000);
  });
});

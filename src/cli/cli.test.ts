import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../test/cli.ts';
import { createTestDb, type TestDb } from '../test/db.ts';
import { geoRow, limaMs, tempFile, toCsv } from '../test/fixtures.ts';
import { freePort } from '../test/postgres-server.ts';

const FIXTURE = fileURLToPath(new URL('../ingest/sources/test/sidpol-geo-fixture.csv', import.meta.url));

/** A valid SIDPOL geo file of `n` distinct robberies spread over 2023–2024. */
function bigFile(n: number, name: string, firstId = 100_000): string {
  const rows = Array.from({ length: n }, (_, i) => {
    const t = limaMs(2023, 1, 1) + (i % 600) * 86_400_000 + (i % 24) * 3_600_000;
    return geoRow(firstId + i, {
      fecha_hora_hecho: String(t),
      fecha_hora_registro_hecho: String(t + 3_600_000),
      turno_hecho: '',
      lat_hecho: (-12.05 + (i % 50) * 0.0002).toFixed(6),
      long_hecho: (-77.13 + (i % 40) * 0.0002).toFixed(6),
    });
  });
  return tempFile(name, toCsv(rows));
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** True while a Vigía connection is streaming rows by COPY. */
async function copyInProgress(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url });
  try {
    await c.connect();
    const r = await c.query(
      `select count(*)::int as n from pg_stat_activity where application_name = 'vigia' and query ilike 'copy %incidents%'`,
    );
    return (r.rows[0] as { n: number }).n > 0;
  } catch {
    return false; // the embedded server is not up yet
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function tableCounts(url: string): Promise<{ incidents: number; batches: number }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const r = await c.query(
    'select (select count(*)::int from incidents) as incidents, (select count(*)::int from ingest_batches) as batches',
  );
  await c.end();
  return r.rows[0] as { incidents: number; batches: number };
}

describe('vigia CLI against a PostgreSQL server (DATABASE_URL)', () => {
  let t: TestDb;
  let env: Record<string, string>;
  beforeAll(async () => {
    t = await createTestDb('server');
    env = { DATABASE_URL: t.url };
  });
  afterAll(async () => {
    await t.drop();
  });

  it('prints help and exits 0', async () => {
    const r = await runCli(['--help'], env);
    expect(r.code).toBe(0);
    for (const cmd of ['start', 'ingest', 'incidents', 'stats', 'demo-data', 'db'])
      expect(r.stdout).toContain(cmd);
    const sub = await runCli(['ingest', '--help'], env);
    expect(sub.stdout).toContain('sidpol-monthly');
  });

  it('fails fast on bad settings, listing every problem and never echoing a secret', async () => {
    const r = await runCli(['db', 'status'], {
      DATABASE_URL: 'mysql://ana:s3cr3t-pw@db/x',
      LOG_LEVEL: 'loud',
      VIGIA_STUDY_AREA: 'Callao!',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('DATABASE_URL');
    expect(r.stderr).toContain('LOG_LEVEL');
    expect(r.stderr).toContain('VIGIA_STUDY_AREA');
    expect(r.stderr).not.toContain('s3cr3t');
  });

  it('uses meaningful exit codes for bad usage, refused files and rejected rows', async () => {
    expect((await runCli(['ingest', FIXTURE, '-f', 'nope'], env)).code).toBe(2);
    const missing = await runCli(['ingest', '/no/such/file.csv', '-f', 'sidpol-geo'], env);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('/no/such/file.csv');
    const bad = await runCli(['incidents', '--from', '2024-02-30'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--from');
    const old = { fecha_hora_hecho: String(limaMs(2023, 6, 1, 12)), fecha_hora_registro_hecho: '' };
    const file = tempFile('cli-strict.csv', toCsv([geoRow(1, old), geoRow(2, { ...old, lat_hecho: 'x' })]));
    const strict = await runCli(['ingest', file, '-f', 'sidpol-geo', '--strict'], env);
    expect(strict.code).toBe(6);
    expect(strict.stdout).toMatch(/rechazadas:\s+1/);
    expect(strict.stdout).toContain('lat_hecho');
  });

  it('ingests, queries with filters (restricted rows redacted) and counts', async () => {
    const ing = await runCli(['ingest', FIXTURE, '-f', 'sidpol-geo', '--json'], env);
    expect(ing.code).toBe(0);
    expect(JSON.parse(ing.stdout)).toMatchObject({ accepted: 10, rejected: 0 });
    const list = await runCli(
      ['incidents', '--from', '2024-03-01', '--to', '2024-03-31', '--json', '-n', '100'],
      env,
    );
    const rows = JSON.parse(list.stdout) as {
      externalId: string;
      restricted: boolean;
      lat: number | null;
      geoQuality: string;
    }[];
    expect(rows).toHaveLength(10);
    for (const r of rows.filter((x) => x.restricted))
      expect(r).toMatchObject({ lat: null, geoQuality: 'redacted' });
    // The table says how each became known (the arms case: a police intervention).
    const shown = await runCli(['incidents', '--from', '2024-03-01', '--to', '2024-03-31'], env);
    expect(shown.stdout).toMatch(/modalidad +turno +cómo se conoció +ubicación/);
    expect(shown.stdout).toMatch(/^.* armas .* intervención policial .*$/m);
    expect(shown.stdout).toMatch(/ denuncia /);
    const robbery = await runCli(['incidents', '-c', 'robo', '-d', '70106', '--json'], env);
    expect((JSON.parse(robbery.stdout) as { externalId: string }[]).map((r) => r.externalId)).toEqual([
      '104',
    ]);
    const stats = await runCli(['stats', '--json', '--from', '2024-03-01', '--to', '2024-03-31'], env);
    const cells = JSON.parse(stats.stdout) as {
      districtCode: string;
      month: string;
      category: string;
      count: number;
    }[];
    expect(cells.reduce((s, c) => s + c.count, 0)).toBe(10);
    expect(cells.find((c) => c.districtCode === '070101' && c.category === 'robo')).toMatchObject({
      month: '2024-03',
      count: 1,
    });
    const table = await runCli(['stats', '--from', '2024-03-01', '--to', '2024-03-31'], env);
    expect(table.stdout).toContain('Bellavista');
  });

  it('exits quietly when the reader of its output goes away (`vigia incidents … | head`)', async () => {
    const file = bigFile(5000, 'cli-epipe.csv', 500_000);
    expect((await runCli(['ingest', file, '-f', 'sidpol-geo'], env)).code).toBe(0);
    // Far more than a pipe buffer (64 KiB): the reader closes its end after the first chunk, as head does.
    for (const format of [[], ['--json']]) {
      const run = startCli(['incidents', '-n', '5000', ...format], env);
      run.child.stdout?.once('data', () => run.child.stdout?.destroy());
      const done = await run.done;
      expect(done.stderr, format.join()).toBe('');
      expect(done.code, format.join()).toBe(0);
    }
  });

  it('shows backtest progress as done/total windows', async () => {
    const file = bigFile(5000, 'cli-epipe.csv', 500_000); // robberies over 2023–2024 (loaded once)
    expect((await runCli(['ingest', file, '-f', 'sidpol-geo'], env)).code).toBe(0);
    const out = mkdtempSync(join(tmpdir(), 'vigia-bt-'));
    try {
      const args = ['--from', '2024-03-01', '--to', '2024-03-08', '--models', 'retro-hotspot'];
      const r = await runCli(['backtest', ...args, '--out', out], env);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('7 ventanas');
      expect(r.stderr).toContain('7/7 ventanas');
      expect(r.stderr).not.toMatch(/\d+\/1 ventanas/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('says when the data is stale; forecasts the day after the data and refuses far days unless told', async () => {
    const file = bigFile(5000, 'cli-epipe.csv', 500_000); // robberies over 2023–2024 (loaded once)
    expect((await runCli(['ingest', file, '-f', 'sidpol-geo'], env)).code).toBe(0);
    const [row] = await t.db.query<{ day: string }>(
      `select to_char(max(occurred_at) at time zone 'America/Lima', 'YYYY-MM-DD') as day from incidents`,
    );
    const newest = row?.day as string;
    const plus = (n: number) => new Date(Date.parse(newest) + n * 86_400_000).toISOString().slice(0, 10);
    const dmy = (day: string) => day.split('-').reverse().join('/');
    const notice = `Datos desactualizados: la última denuncia es del ${dmy(newest)}`;
    const status = await runCli(['db', 'status'], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(notice);
    // A limit longer than the data's age: no notice.
    const lenient = await runCli(['db', 'status'], { ...env, VIGIA_STALE_DATA_DAYS: '3650' });
    expect(lenient.stdout).toContain(`Datos al día: la última denuncia es del ${dmy(newest)}`);
    const base = ['forecast', '--model', 'naive-counts', '--groups', 'property', '--horizon', 'day'];
    const next = await runCli(base, env);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stdout).toContain(`guardados para el ${dmy(plus(1))}`);
    expect(next.stderr).toContain(notice);
    const far = await runCli([...base, '--day', plus(30)], env);
    expect(far.code).toBe(2);
    expect(far.stderr).toMatch(/--day: .*30 días después de la última denuncia.*--allow-far/);
    const [before] = await t.db.query<{ n: number }>(
      `select count(*)::int as n from forecasts where target_day = $1::date`,
      [plus(30)],
    );
    expect(before?.n).toBe(0);
    const allowed = await runCli([...base, '--day', plus(30), '--allow-far'], env);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stdout).toContain(`guardados para el ${dmy(plus(30))}`);
  }, 180_000);

  it('serves HTTP until SIGTERM, then shuts down cleanly', async () => {
    const port = await freePort();
    const run = startCli(['serve', '--port', String(port)], env);
    let stderr = '';
    run.child.stderr?.on('data', (d) => {
      stderr += d;
    });
    await waitFor(async () => stderr.includes('escuchando'), 'the server to listen');
    const r = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(r.status).toBe(200);
    run.child.kill('SIGTERM');
    const done = await run.done;
    expect(done.code).toBe(0);
    expect(done.stderr).toContain('detenido');
  });

  it('start (the README command) loads demo data, makes forecasts and serves until SIGTERM', async () => {
    const fresh = await createTestDb('server');
    try {
      const port = await freePort();
      const run = startCli(['start', '--demo-years', '0.1', '--port', String(port)], {
        DATABASE_URL: fresh.url,
      });
      let stderr = '';
      run.child.stderr?.on('data', (d) => {
        stderr += d;
      });
      // Listening, then the reminder that no account exists yet.
      await waitFor(
        async () => stderr.includes('vigia user add admin --role admin'),
        'the server to listen',
        120_000,
      );
      expect(stderr).toContain('escuchando');
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/api/v1/forecasts`)).status).toBe(401);
      const [n] = await fresh.db.query<{ n: number }>('select count(*)::int as n from forecasts');
      expect(n?.n).toBe(16);
      // …and the first patrol plans, one per turno, so an officer's "Mi turno" has one to show.
      const [plans] = await fresh.db.query<{ n: number }>('select count(*)::int as n from patrol_plans');
      expect(plans?.n).toBe(4);
      run.child.kill('SIGTERM');
      const done = await run.done;
      expect(done.code).toBe(0);
      expect(done.stdout).toContain('superficies de riesgo guardadas');
      expect(done.stdout).toMatch(/Plan de patrullaje noche del \d{4}-\d\d-\d\d: \d+ áreas para 40 unidades/);
      // The demo data (from 2021) is far older than VIGIA_STALE_DATA_DAYS: the summary says so.
      expect(done.stdout).toContain('Aviso: Datos desactualizados: la última denuncia es del');
      expect(done.stderr).toContain('detenido');
    } finally {
      await fresh.drop();
    }
  }, 180_000);

  it('leaves nothing behind when killed (-9) mid-batch, and the re-run loads everything once', async () => {
    const file = bigFile(120_000, 'kill-server.csv');
    const run = startCli(['ingest', file, '-f', 'sidpol-geo'], env);
    await waitFor(() => copyInProgress(t.url), 'COPY into the staging table');
    run.child.kill('SIGKILL');
    await run.done;
    // The server rolls the open transaction back when it notices the dead connection.
    await waitFor(async () => !(await copyInProgress(t.url)), 'the killed backend to end');
    const before = await tableCounts(t.url);
    const again = await runCli(['ingest', file, '-f', 'sidpol-geo', '--json'], env);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ rowsRead: 120_000, accepted: 120_000, rejected: 0 });
    const after = await tableCounts(t.url);
    expect(after.incidents - before.incidents).toBe(120_000);
    expect(after.batches - before.batches).toBe(1);
    const third = await runCli(['ingest', file, '-f', 'sidpol-geo'], env);
    expect(third.stdout).toContain('ya fue ingerido');
    expect((await tableCounts(t.url)).incidents).toBe(after.incidents);
  });
});

describe('vigia CLI on the embedded default (VIGIA_DATA_DIR)', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    dir = mkdtempSync(join('/var/tmp', 'vigia-cli-'));
    env = { VIGIA_DATA_DIR: dir, VIGIA_EMBEDDED_PORT: String(await freePort()) };
  });
  afterAll(async () => {
    await runCli(['db', 'stop'], env);
    rmSync(dir, { recursive: true, force: true });
  });

  it('initialises the embedded store, survives kill -9 mid-batch and reuses the orphaned server', async () => {
    const status = await runCli(['db', 'migrate'], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`PostgreSQL embebido en ${dir}/pg`);
    expect(existsSync(join(dir, 'pg', 'postmaster.pid'))).toBe(false); // stopped after the command
    const creds = JSON.parse(readFileSync(join(dir, 'embedded-credentials.json'), 'utf8')) as {
      user: string;
      password: string;
    };
    const url = `postgres://${creds.user}:${encodeURIComponent(creds.password)}@127.0.0.1:${env.VIGIA_EMBEDDED_PORT}/vigia`;

    const file = bigFile(100_000, 'kill-embedded.csv');
    const run = startCli(['ingest', file, '-f', 'sidpol-geo'], env);
    await waitFor(() => copyInProgress(url), 'COPY into the staging table');
    run.child.kill('SIGKILL');
    await run.done;
    await waitFor(async () => !(await copyInProgress(url)), 'the killed backend to end');
    expect(existsSync(join(dir, 'pg', 'postmaster.pid'))).toBe(true); // the orphaned server still runs
    expect(await tableCounts(url)).toEqual({ incidents: 0, batches: 0 });

    const again = await runCli(['ingest', file, '-f', 'sidpol-geo', '--json'], env);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ accepted: 100_000, rejected: 0 });
    expect(await tableCounts(url)).toEqual({ incidents: 100_000, batches: 1 });
    const stop = await runCli(['db', 'stop'], env);
    expect(stop.stdout).toContain('detenido');
    expect(existsSync(join(dir, 'pg', 'postmaster.pid'))).toBe(false);
  }, 180_000); // several CLI runs and a kill -9: slow on a loaded 2-core machine

  it('on Ctrl-C mid-batch exits 130 and stores nothing partial', async () => {
    const creds = JSON.parse(readFileSync(join(dir, 'embedded-credentials.json'), 'utf8')) as {
      user: string;
      password: string;
    };
    const url = `postgres://${creds.user}:${encodeURIComponent(creds.password)}@127.0.0.1:${env.VIGIA_EMBEDDED_PORT}/vigia`;
    const before = await runCli(['stats', '--summary', '--json'], env);
    const incidentsBefore = (JSON.parse(before.stdout) as { incidents: number }).incidents;
    const run = startCli(
      ['ingest', bigFile(100_000, 'sigint-embedded.csv', 500_000), '-f', 'sidpol-geo'],
      env,
    );
    await waitFor(() => copyInProgress(url), 'COPY into incidents');
    run.child.kill('SIGINT');
    const done = await run.done;
    expect(done.code).toBe(130);
    // The dropped connection rolls the batch back on the (still running, reusable) server.
    await waitFor(async () => !(await copyInProgress(url)), 'the interrupted backend to end');
    const after = await runCli(['stats', '--summary', '--json'], env);
    expect((JSON.parse(after.stdout) as { incidents: number }).incidents).toBe(incidentsBefore);
  });
});

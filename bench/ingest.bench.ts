/**
 * Ingest benchmark: the 5-year synthetic Callao file (≈150k rows, SIDPOL geo-layer CSV) into the
 * embedded default and into a PostgreSQL server (Debian's, durable settings), each run in a fresh
 * child process on an empty database. Reports rows/s (validated rows over the whole ingest: file
 * check, parse, validation, COPY, commit) and the Vigía process's peak RSS.
 *
 *   npm run bench:ingest -- [--runs 3] [--years 5]
 *
 * Results are recorded in bench/README.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { compileStudyArea } from '../src/geo/study-area.ts';
import { callaoStudyArea } from '../src/services/areas.ts';
import { writeDemoCsv } from '../src/services/demo.ts';
import { freePort, startTestPostgres } from '../src/test/postgres-server.ts';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const runs = arg('runs', 3);
const years = arg('years', 5);
const here = fileURLToPath(new URL('.', import.meta.url));
const out = join(here, 'out');
mkdirSync(out, { recursive: true });

const file = join(out, `callao-synthetic-${years}y.csv`);
const gen = await writeDemoCsv(compileStudyArea(callaoStudyArea()), { years }, file);
console.log(`file: ${gen.rows} rows, ${(statSync(file).size / 1e6).toFixed(1)} MB`);

function child(env: Record<string, string>): Record<string, number> {
  const text = execFileSync(process.execPath, ['--import', 'tsx', join(here, 'ingest-child.ts'), file], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    encoding: 'utf8',
  });
  return JSON.parse(text.trim().split('\n').pop() as string) as Record<string, number>;
}

const results: { backend: string; run: number; [k: string]: number | string }[] = [];
for (let run = 1; run <= runs; run++) {
  const dir = mkdtempSync(join('/var/tmp', 'vigia-bench-'));
  const port = await freePort();
  results.push({
    backend: 'embedded',
    run,
    ...child({ VIGIA_DATA_DIR: dir, VIGIA_EMBEDDED_PORT: String(port) }),
  });
  rmSync(dir, { recursive: true, force: true });

  const server = await startTestPostgres({ durable: true });
  try {
    const c = new pg.Client({ connectionString: server.url });
    await c.connect();
    await c.query('create database vigia_bench');
    await c.end();
    results.push({
      backend: 'postgresql',
      run,
      ...child({ DATABASE_URL: server.url.replace(/\/postgres$/, '/vigia_bench') }),
    });
  } finally {
    server.stop();
  }
}
console.table(results);
const machine = {
  cpus: cpus().length,
  cpu: cpus()[0]?.model,
  memGb: Math.round(totalmem() / 2 ** 30),
  node: process.version,
};
writeFileSync(
  join(out, 'ingest-results.json'),
  JSON.stringify({ date: new Date().toISOString(), machine, rows: gen.rows, results }, null, 2),
);
console.log(machine);

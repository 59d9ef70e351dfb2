// Usage: node pglite-warm.mjs <existing dataDir>
import { PGlite } from '@electric-sql/pglite';
import { AGG, mb, now, procStatus } from './gen.mjs';

const [dir = '/var/tmp/pglite-measure/data'] = process.argv.slice(2);
const out = { engine: 'pglite', mode: 'warm', dir };
let t = now();
const db = await PGlite.create(dir);
out.warmStartS = +((now() - t) / 1000).toFixed(3);
t = now();
out.count = (await db.query('select count(*)::int c from incidents')).rows[0].c;
out.countMs = +(now() - t).toFixed(1);
const aggTimes = [];
for (let i = 0; i < 5; i++) {
  t = now();
  await db.query(AGG);
  aggTimes.push(+(now() - t).toFixed(1));
}
out.aggMsFirst = aggTimes[0];
out.aggMsBest = Math.min(...aggTimes);
out.rssMB = mb(procStatus().rssKb);
out.peakRssMB = mb(procStatus().hwmKb);
t = now();
await db.close();
out.closeMs = +(now() - t).toFixed(0);
console.log(JSON.stringify(out));

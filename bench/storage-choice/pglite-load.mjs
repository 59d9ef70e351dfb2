// Usage: node pglite-load.mjs <dataDir> <rows>   (fresh dir: removes it first)
import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { AGG, DDL, generateCsv, mb, now, procStatus } from './gen.mjs';

const [dir = '/var/tmp/pglite-measure/data', nStr = '150000'] = process.argv.slice(2);
const n = Number(nStr);
const reuse = process.env.REUSE === '1';
if (!reuse) fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(dir.split('/').slice(0, -1).join('/'), { recursive: true });
const out = {
  engine: 'pglite',
  mode: reuse ? 'reuse-existing-dir (truncate+reload)' : 'fresh-dir',
  dir,
  rows: n,
};
out.rssAtBootMB = mb(procStatus().rssKb);

let t = now();
const db = await PGlite.create(dir);
out[reuse ? 'warmStartS' : 'firstStartS'] = +((now() - t) / 1000).toFixed(3);
out.rssAfterCreateMB = mb(procStatus().rssKb);
out.version = (await db.query('select version()')).rows[0].version;

t = now();
await db.exec(reuse ? 'truncate incidents' : DDL);
out.ddlMs = +(now() - t).toFixed(1);

t = now();
const parts = generateCsv(n);
out.genMs = +(now() - t).toFixed(0);
out.csvMB = +(parts.reduce((a, s) => a + s.length, 0) / 1048576).toFixed(1);
out.rssAfterGenMB = mb(procStatus().rssKb);
out.hwmBeforeLoadMB = mb(procStatus().hwmKb);

t = now();
const blob = new Blob(parts);
const res = await db.query(`COPY incidents FROM '/dev/blob' WITH (FORMAT csv)`, [], { blob });
const loadMs = now() - t;
out.copyAffectedRows = res.affectedRows;
out.loadS = +(loadMs / 1000).toFixed(3);
out.rowsPerS = Math.round(n / (loadMs / 1000));
out.count = Number((await db.query('select count(*)::int c from incidents')).rows[0].c);
const st = procStatus();
out.rssAfterLoadMB = mb(st.rssKb);
out.peakRssMB = mb(st.hwmKb);

const aggTimes = [];
for (let i = 0; i < 5; i++) {
  t = now();
  const r = await db.query(AGG);
  aggTimes.push(+(now() - t).toFixed(1));
  out.aggGroups = r.rows.length;
}
out.aggMsFirst = aggTimes[0];
out.aggMsBest = Math.min(...aggTimes);
out.aggMsAll = aggTimes;

t = now();
await db.close();
out.closeMs = +(now() - t).toFixed(0);
out.finalPeakRssMB = mb(procStatus().hwmKb);
out.dataDirMB = Number(require_du(dir));
console.log(JSON.stringify(out));
function require_du(d) {
  let total = 0;
  const walk = (p) => {
    for (const e of fs.readdirSync(p, { withFileTypes: true })) {
      const q = p + '/' + e.name;
      if (e.isDirectory()) walk(q);
      else if (e.isFile()) total += fs.statSync(q).size;
    }
  };
  walk(d);
  return (total / 1048576).toFixed(1);
}

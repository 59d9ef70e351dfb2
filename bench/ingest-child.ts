/**
 * One measured ingest, in its own process so that its peak memory is Vigía's alone: opens the store
 * from the environment (DATABASE_URL or the embedded default), ingests one file, prints JSON.
 */
import { parseConfig } from '../src/config/env.ts';
import { ingestFile } from '../src/services/ingest.ts';
import { openStore } from '../src/storage/store.ts';

const file = process.argv[2];
if (!file) throw new Error('usage: ingest-child.ts <file.csv>');
const t0 = performance.now();
const db = await openStore(parseConfig());
const opened = performance.now();
const report = await ingestFile(db, { file, adapter: 'sidpol-geo', area: 'callao' });
await db.close();
process.stdout.write(
  `${JSON.stringify({
    rows: report.rowsRead,
    accepted: report.accepted,
    rejected: report.rejected,
    ingestSeconds: report.seconds,
    openSeconds: (opened - t0) / 1000,
    rowsPerSecond: Math.round(report.rowsRead / report.seconds),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  })}\n`,
);

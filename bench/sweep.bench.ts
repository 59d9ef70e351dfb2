/**
 * Sweep benchmark: 50 settings (25 prospective-hotspot, 25 retrospective-KDE) scored on a 90-day
 * daily validation period of the 5-year synthetic Callao data (≈150k events, 150 m cells), with 1
 * worker thread and with one per core. The speed-up shows whether the sweep uses every core.
 *
 *   node --import tsx bench/sweep.bench.ts
 */
import { availableParallelism, cpus } from 'node:os';
import { rollingWindows } from '../src/evaluation/backtest/windows.ts';
import { DEFAULT_COVERAGES } from '../src/evaluation/metrics/index.ts';
import { gridForArea } from '../src/geo/area-grid.ts';
import { expandGrid, type SweepJob, scoreSettings } from '../src/services/sweep.ts';
import { syntheticCallaoEvents } from './synthetic-events.ts';

const { area, events } = syntheticCallaoEvents();
const { grid, mask } = gridForArea(area, { cellSize: 150 });
const windows = rollingWindows('2025-06-01', '2025-08-30', 'day', 'America/Lima');
const jobs: SweepJob[] = [
  ...expandGrid({ bandwidth: [150, 200, 300, 400, 600], weeks: [4, 8, 16, 26, 52] }).map((config) => ({
    kind: 'pro-hotspot',
    config,
  })),
  ...expandGrid({ bandwidth: [100, 150, 200, 300, 400], windowDays: [14, 30, 60, 120, 365] }).map(
    (config) => ({ kind: 'retro-hotspot', config }),
  ),
].map((j, id) => ({ ...j, id }));
const data = {
  events,
  area: { timeZone: 'America/Lima' },
  grid,
  mask,
  windows,
  coverages: DEFAULT_COVERAGES,
  seed: 1,
};

const rows = [];
for (const workers of [1, availableParallelism()]) {
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const results = await scoreSettings(jobs, data, workers);
  const wall = (performance.now() - started) / 1000;
  const busy = results.reduce((s, r) => s + (r.seconds ?? 0), 0);
  rows.push({
    workers,
    settings: jobs.length,
    wallSeconds: Number(wall.toFixed(1)),
    workerSeconds: Number(busy.toFixed(1)),
    parallelism: Number((busy / wall).toFixed(2)),
    processCpuSeconds: Number((process.cpuUsage(cpu0).user / 1e6).toFixed(1)),
  });
}
console.table(rows);
console.log({
  peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  cpus: cpus().length,
  node: process.version,
  date: new Date().toISOString(),
});

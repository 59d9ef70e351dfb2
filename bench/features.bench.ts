/**
 * Feature-layer benchmark: the feature matrix of a year of daily windows (2025-01-01 → 2026-01-01)
 * on the 150 m Callao grid over the 5-year synthetic data (≈150k events, true times and positions),
 * every crime group, Peru's holidays, district per cell and the `all` target. Reports seconds, rows,
 * columns, the matrix's bytes and peak RSS.
 *
 *   node --import tsx bench/features.bench.ts [--days 365] [--horizon day|turno|week]
 *
 * Results are recorded in bench/README.md.
 */
import { cpus } from 'node:os';
import { cellCenter } from '../src/core/grid.ts';
import { rollingWindows } from '../src/evaluation/backtest/windows.ts';
import { buildFeatures } from '../src/features/build.ts';
import { gridForArea } from '../src/geo/area-grid.ts';
import { syntheticCallaoEvents } from './synthetic-events.ts';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const days = Number(arg('days') ?? 365);
const horizon = (arg('horizon') ?? 'day') as 'day' | 'turno' | 'week';
/** `--all-history`: the learned models' columns (all-history and long-lag counts, hour counts). */
const allHistory = process.argv.includes('--all-history');

const t0 = performance.now();
const { area, events } = syntheticCallaoEvents();
const { grid, mask, validCells } = gridForArea(area, { cellSize: 150 });
const xy = new Float64Array(2);
const districtOfCell = Int32Array.from(mask, (m, c) => {
  if (!m) return -1;
  cellCenter(grid, c, xy);
  const at = area.locate(xy[0] as number, xy[1] as number);
  return at.kind === 'district' ? at.index : -1;
});
const end = new Date(Date.UTC(2026, 0, 1));
const start = new Date(end.getTime() - days * 86_400_000);
const windows = rollingWindows(
  start.toISOString().slice(0, 10),
  end.toISOString().slice(0, 10),
  horizon,
  area.def.timeZone,
);
console.log(
  `${events.length} events, ${validCells} valid cells, ${windows.length} ${horizon} windows (setup ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
);

const rssBefore = Math.round(process.memoryUsage().rss / 1048576);
const started = performance.now();
const matrix = buildFeatures({
  events,
  grid,
  mask,
  windows,
  timeZone: area.def.timeZone,
  country: 'PE',
  districtOfCell,
  target: 'all',
  allHistory,
});
const seconds = (performance.now() - started) / 1000;
const matrixMb = Math.round(((matrix.columns.length + 1) * matrix.rows * 4) / 1048576);
console.log({
  seconds: Number(seconds.toFixed(2)),
  rows: matrix.rows,
  columns: matrix.columns.length,
  allHistory,
  matrixMb,
  rssBeforeMb: rssBefore,
  peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  cpus: cpus().length,
  node: process.version,
  date: new Date().toISOString(),
});

/**
 * Backtest benchmark: a 365-day daily backtest of each model on the 5-year synthetic Callao data
 * (≈150k events, true times and positions) over 150 m cells, in this process, one model at a time.
 * Reports seconds per model (fit + predict over all windows, scoring included) and peak RSS.
 *
 *   node --import tsx bench/backtest.bench.ts [--models a,b] [--days 365]
 *
 * Results are recorded in bench/README.md.
 */
import { cpus } from 'node:os';
import { BacktestAccumulator } from '../src/evaluation/backtest/accumulate.ts';
import { runBacktest } from '../src/evaluation/backtest/runner.ts';
import { rollingWindows } from '../src/evaluation/backtest/windows.ts';
import { gridForArea } from '../src/geo/area-grid.ts';
import { getPredictor, PREDICTOR_KINDS } from '../src/models/registry.ts';
import { syntheticCallaoEvents } from './synthetic-events.ts';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const days = Number(arg('days') ?? 365);
const kinds = (arg('models') ?? PREDICTOR_KINDS.join(',')).split(',');

const t0 = performance.now();
const { area, events } = syntheticCallaoEvents();
const { grid, mask, validCells } = gridForArea(area, { cellSize: 150 });
const end = new Date(Date.UTC(2026, 0, 1));
const start = new Date(end.getTime() - days * 86_400_000);
const windows = rollingWindows(
  start.toISOString().slice(0, 10),
  end.toISOString().slice(0, 10),
  'day',
  'America/Lima',
);
console.log(
  `${events.length} events, ${validCells} valid cells, ${windows.length} daily windows (setup ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
);

const rows: Record<string, string | number>[] = [];
for (const kind of kinds) {
  const module = getPredictor(kind);
  const acc = new BacktestAccumulator();
  const started = performance.now();
  await runBacktest(
    {
      events,
      grid,
      mask,
      windows,
      models: [
        { name: kind, module, config: module.parseConfig({}), refitEveryDays: kind === 'sepp-grid' ? 7 : 1 },
      ],
      seed: 1,
    },
    (model, _wi, surface, outcome, ms) => acc.add(model, surface, outcome, ms),
  );
  const seconds = (performance.now() - started) / 1000;
  const [result] = acc.results([{ name: kind, kind, config: {} }], kind);
  const p5 = result?.curve.find((p) => Math.abs(p.coverage - 0.05) < 0.0025);
  rows.push({
    model: kind,
    seconds: Number(seconds.toFixed(1)),
    hitRate5: Number((p5?.hitRate ?? 0).toFixed(3)),
    pai5: Number((p5?.pai ?? 0).toFixed(2)),
  });
}
console.table(rows);
console.log({
  peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  cpus: cpus().length,
  node: process.version,
  date: new Date().toISOString(),
});

/**
 * Paired comparison of two models from stored backtest reports (JSON) over the same windows: pooled
 * hit rates and a paired Wilcoxon signed-rank test of the per-window hit rates at 1, 2 and 5 %
 * coverage, overall and per turno (turno backtests). The models may come from one report (e.g.
 * `gbt-grid` and its variant `gbt-grid:sin-hora`) or from two reports of the same windows. Several
 * reports holding both models, comma-separated, pool their windows (e.g. two periods of one area).
 *
 *   node --import tsx bench/compare-reports.ts A.json modelA [B.json] modelB
 *   node --import tsx bench/compare-reports.ts A.json,C.json modelA modelB
 */
import { readFileSync } from 'node:fs';
import { wilcoxonSignedRank } from '../src/evaluation/metrics/per-window.ts';
import type { BacktestReport, ModelResult } from '../src/evaluation/report/report.ts';

const args = process.argv.slice(2);
if (args.length < 3) throw new Error('uso: compare-reports.ts A.json[,C.json…] modeloA [B.json] modeloB');
const [filesA, nameA] = args as [string, string];
const nameB = args[args.length - 1] as string;
const read = (f: string): BacktestReport => JSON.parse(readFileSync(f, 'utf8')) as BacktestReport;
const model = (r: BacktestReport, name: string): ModelResult => {
  const m = r.models.find((x) => x.name === name);
  if (!m?.perWindow) throw new Error(`sin resultados por ventana para ${name}`);
  return m;
};
const COVERAGES = [0.01, 0.02, 0.05];
const TURNOS = ['madrugada', 'mañana', 'tarde', 'noche'];

/** Per window: test events, hits of A and of B at each coverage, and the turno label. */
interface Window {
  events: number;
  a: number[];
  b: number[];
  label: string;
}
const pairs: [BacktestReport, BacktestReport][] =
  args.length === 4
    ? [[read(filesA), read(args[2] as string)]]
    : filesA.split(',').map((f) => [read(f), read(f)] as [BacktestReport, BacktestReport]);
const windows: Window[] = [];
let turno = false;
for (const [ra, rb] of pairs) {
  if (JSON.stringify(ra.windowStarts) !== JSON.stringify(rb.windowStarts))
    throw new Error('los reportes no tienen las mismas ventanas');
  const a = model(ra, nameA);
  const b = model(rb, nameB);
  turno ||= ra.horizon === 'turno';
  const index = (m: ModelResult, c: number) => m.curve.findIndex((p) => Math.abs(p.coverage - c) < 0.0025);
  a.perWindow?.events.forEach((events, w) => {
    windows.push({
      events,
      a: COVERAGES.map((c) => a.perWindow?.hits[index(a, c)]?.[w] ?? 0),
      b: COVERAGES.map((c) => b.perWindow?.hits[index(b, c)]?.[w] ?? 0),
      label: ra.horizon === 'turno' ? (TURNOS[w % 4] as string) : '',
    });
  });
}

for (const subset of ['todas', ...(turno ? TURNOS : [])]) {
  const rows = COVERAGES.map((c, ci) => {
    const x: number[] = [];
    const y: number[] = [];
    let ha = 0;
    let hb = 0;
    let n = 0;
    for (const w of windows) {
      if (subset !== 'todas' && w.label !== subset) continue;
      ha += w.a[ci] as number;
      hb += w.b[ci] as number;
      n += w.events;
      if (w.events > 0) {
        x.push((w.a[ci] as number) / w.events);
        y.push((w.b[ci] as number) / w.events);
      }
    }
    const test = wilcoxonSignedRank(x, y);
    return {
      coverage: `${c * 100} %`,
      [nameA]: `${((100 * ha) / n).toFixed(2)} %`,
      [nameB]: `${((100 * hb) / n).toFixed(2)} %`,
      meanDiff: (100 * test.meanDifference).toFixed(2),
      p: test.pValue.toPrecision(2),
      windows: test.windows,
    };
  });
  console.log(subset);
  console.table(rows);
}

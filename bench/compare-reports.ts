/**
 * Paired comparison of two models from stored backtest reports (JSON) over the same windows: pooled
 * hit rates and a paired Wilcoxon signed-rank test of the per-window hit rates at 1, 2 and 5 %
 * coverage, overall and per turno (turno backtests). The models may come from one report (e.g.
 * `gbt-grid` and its variant `gbt-grid:sin-hora`) or from two reports of the same windows.
 *
 *   node --import tsx bench/compare-reports.ts A.json modelA [B.json] modelB
 */
import { readFileSync } from 'node:fs';
import { wilcoxonSignedRank } from '../src/evaluation/metrics/per-window.ts';
import type { BacktestReport, ModelResult } from '../src/evaluation/report/report.ts';

const args = process.argv.slice(2);
if (args.length < 3) throw new Error('uso: compare-reports.ts A.json modeloA [B.json] modeloB');
const [fileA, nameA] = args as [string, string];
const fileB = args.length === 4 ? (args[2] as string) : fileA;
const nameB = args[args.length - 1] as string;
const read = (f: string): BacktestReport => JSON.parse(readFileSync(f, 'utf8')) as BacktestReport;
const ra = read(fileA);
const rb = read(fileB);
if (JSON.stringify(ra.windowStarts) !== JSON.stringify(rb.windowStarts))
  throw new Error('los reportes no tienen las mismas ventanas');
const model = (r: BacktestReport, name: string): ModelResult => {
  const m = r.models.find((x) => x.name === name);
  if (!m?.perWindow) throw new Error(`sin resultados por ventana para ${name}`);
  return m;
};
const a = model(ra, nameA);
const b = model(rb, nameB);
const turnos = ra.horizon === 'turno' ? ['madrugada', 'mañana', 'tarde', 'noche'] : [];
const labels = (ra.windowStarts ?? []).map((_, w) => (turnos.length ? (turnos[w % 4] as string) : ''));

for (const subset of ['todas', ...turnos]) {
  const rows = [];
  for (const c of [0.01, 0.02, 0.05]) {
    const ci = a.curve.findIndex((p) => Math.abs(p.coverage - c) < 0.0025);
    const x: number[] = [];
    const y: number[] = [];
    let ha = 0;
    let hb = 0;
    let n = 0;
    a.perWindow?.events.forEach((e, w) => {
      if (subset !== 'todas' && labels[w] !== subset) return;
      const hA = a.perWindow?.hits[ci]?.[w] ?? 0;
      const hB = b.perWindow?.hits[ci]?.[w] ?? 0;
      ha += hA;
      hb += hB;
      n += e;
      if (e > 0) {
        x.push(hA / e);
        y.push(hB / e);
      }
    });
    const test = wilcoxonSignedRank(x, y);
    rows.push({
      coverage: `${c * 100} %`,
      [nameA]: `${((100 * ha) / n).toFixed(2)} %`,
      [nameB]: `${((100 * hb) / n).toFixed(2)} %`,
      meanDiff: (100 * test.meanDifference).toFixed(2),
      p: test.pValue.toPrecision(2),
      windows: test.windows,
    });
  }
  console.log(subset);
  console.table(rows);
}

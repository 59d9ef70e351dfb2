/**
 * The backtest report: what was run, and for every model the pooled hit-rate curve with PAI, PEI*,
 * Jeffreys intervals and the probability of beating the naive baseline. Rendered as JSON (as is),
 * CSV (one row per model × coverage) and a self-contained HTML page (inline SVG, no network).
 */

/** One point of a model's pooled curve. */
export interface CurvePoint {
  /** Achieved coverage n/K. */
  coverage: number;
  hits: number;
  events: number;
  hitRate: number;
  pai: number;
  /** hits / n* pooled; null when the oracle captures nothing. */
  pei: number | null;
  /** Jeffreys posterior on the hit rate: [2.5 %, 97.5 %] and [16 %, 84 %]. */
  interval95: [number, number];
  interval68: [number, number];
  /** Seeded Monte-Carlo P(hit rate > naive's); null for the naive model itself. */
  pBetterThanNaive: number | null;
  /** Mean of per-window (daily) hit rates over windows with events; null without any. */
  meanHitRate?: number | null;
  /** Seeded percentile bootstrap over windows of that mean: [2.5 %, 97.5 %]. */
  meanInterval95?: [number, number] | null;
  /**
   * Paired Wilcoxon signed-rank test of the per-window hit rates against naive's on the same
   * windows (two-sided p-value; mean difference model − naive); null for naive itself.
   */
  pairedVsNaive?: { meanDifference: number; pValue: number; windows: number } | null;
}

/** A model's hits in every window: the inputs of the per-window statistics and of paired tests. */
export interface PerWindow {
  /** Events per window (in valid cells), in window order. */
  events: number[];
  /** `hits[coverage index][window]`, coverages as in the curve (6 decimals). */
  hits: number[][];
}

/** A model's results. */
export interface ModelResult {
  name: string;
  kind: string;
  /** Every setting as resolved (defaults included). */
  config: unknown;
  /** Refit interval in the harness, days (conditioned on newer data in between); absent for the oracle. */
  refitEveryDays?: number;
  curve: CurvePoint[];
  /** Expected events per cell ('rate') or a ranking score ('score'). */
  output?: 'rate' | 'score';
  /**
   * Mean Brier skill (share form) over windows with events, and mean Poisson deviance per cell
   * (rate models and the oracle only; null for scores).
   */
  brierSkill: number | null;
  devianceWindows: number | null;
  /** Mean ranking score (AUC over cells) over windows. */
  ranking: number | null;
  seconds: number;
  perWindow?: PerWindow;
}

/** The grid a backtest ran on. */
export interface ReportGrid {
  /** Projected CRS of the grid, e.g. "EPSG:32718" (UTM 18 S). */
  crs: string;
  /** South-west corner of cell 0, metres in `crs`. */
  origin: [number, number];
  /** The origin asked for (`--grid-origin`), before snapping to a cell corner covering the area. */
  requestedOrigin: [number, number] | null;
  cellSize: number;
  rotationDeg: number;
  rows: number;
  cols: number;
  validCells: number;
}

/**
 * A whole backtest. The fields marked optional (grid, tie rule, data cut, window starts, per-window
 * series, mean daily rates, paired tests) are absent only in reports stored before issue 11.
 */
export interface BacktestReport {
  title: string;
  area: string;
  group: string;
  horizon: string;
  from: string;
  to: string;
  cellSize: number;
  validCells: number;
  windows: number;
  events: { training: number; test: number; unassignable: number; excludedUnlocated: number };
  seed: number;
  generatedAt: string;
  /** The grid (shape, placement, CRS); `cellSize` and `validCells` above repeat two of its fields. */
  grid?: ReportGrid;
  /** Tie rule of the top slice: `average` (expected hits) or `order` (open_cp's row-major quirk). */
  tieBreak?: 'average' | 'order';
  /** The data cut rule, in words. */
  dataCut?: string;
  /** Start of every window (ISO instants), the order of each model's `perWindow` series. */
  windowStarts?: string[];
  models: ModelResult[];
  /** The same backtest on the grid moved by half a cell, when asked for. */
  shifted?: { offsetMetres: number; grid?: ReportGrid; models: ModelResult[] };
  /** Turno backtests: each model's pooled hit rate per turno (skill by time of day). */
  byTurno?: TurnoSkill[];
}

/** One model's pooled hits in the windows of one turno, at each coverage of its curve. */
export interface TurnoSkill {
  turno: string;
  model: string;
  /** Windows of this turno and events in them. */
  windows: number;
  events: number;
  /** Per coverage (the curve's order): hits and the pooled hit rate (null without events). */
  coverages: { coverage: number; hits: number; hitRate: number | null }[];
}

/**
 * Skill per turno from each model's per-window hits: the windows of each turno pooled.
 * @param turnoOfWindow The turno of every window, in the report's window order.
 */
export function turnoSkill(models: readonly ModelResult[], turnoOfWindow: readonly string[]): TurnoSkill[] {
  const turnos = [...new Set(turnoOfWindow)];
  const out: TurnoSkill[] = [];
  for (const m of models) {
    const pw = m.perWindow;
    if (!pw) continue;
    for (const turno of turnos) {
      const idx = turnoOfWindow.flatMap((t, w) => (t === turno ? [w] : []));
      const events = idx.reduce((s, w) => s + (pw.events[w] ?? 0), 0);
      out.push({
        turno,
        model: m.name,
        windows: idx.length,
        events,
        coverages: m.curve.map((p, ci) => {
          const hits = idx.reduce((s, w) => s + (pw.hits[ci]?.[w] ?? 0), 0);
          return { coverage: p.coverage, hits, hitRate: events > 0 ? hits / events : null };
        }),
      });
    }
  }
  return out;
}

const pct = (v: number | null, digits = 1): string => (v === null ? '—' : `${(100 * v).toFixed(digits)} %`);
const pValue = (p: number): string => (p < 0.001 ? '< 0,001' : p.toFixed(3).replace('.', ','));
const esc = (s: string): string =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);

/** One CSV row per model × coverage. */
export function reportToCsv(r: BacktestReport): string {
  const head =
    'model,coverage,hits,events,hit_rate,ci95_low,ci95_high,pai,pei,p_better_than_naive,' +
    'mean_hit_rate,mean_ci95_low,mean_ci95_high,paired_mean_diff,paired_p_vs_naive';
  const rows = r.models.flatMap((m) =>
    m.curve.map((p) =>
      [
        m.name,
        p.coverage,
        p.hits,
        p.events,
        p.hitRate,
        p.interval95[0],
        p.interval95[1],
        p.pai,
        p.pei ?? '',
        p.pBetterThanNaive ?? '',
        p.meanHitRate ?? '',
        p.meanInterval95?.[0] ?? '',
        p.meanInterval95?.[1] ?? '',
        p.pairedVsNaive?.meanDifference ?? '',
        p.pairedVsNaive?.pValue ?? '',
      ]
        .map((v) => (typeof v === 'number' ? Number(v.toPrecision(6)) : v))
        .join(','),
    ),
  );
  return `${[head, ...rows].join('\n')}\n`;
}

/**
 * Every window's hits per model and coverage, long format (one row per model × window × coverage):
 * what a paired test between any two models needs.
 */
export function reportWindowsToCsv(r: BacktestReport): string {
  const rows = ['model,window,window_start,coverage,hits,events'];
  for (const m of r.models)
    m.curve.forEach((p, ci) => {
      const hits = m.perWindow?.hits[ci] ?? [];
      m.perWindow?.events.forEach((n, w) => {
        rows.push(
          `${m.name},${w},${r.windowStarts?.[w] ?? ''},${Number(p.coverage.toPrecision(6))},${hits[w] ?? 0},${n}`,
        );
      });
    });
  return `${rows.join('\n')}\n`;
}

/** The curve point whose coverage is closest to `f`. */
function nearestPoint(m: ModelResult, f: number): CurvePoint | undefined {
  return m.curve.reduce<CurvePoint | undefined>(
    (best, p) => (!best || Math.abs(p.coverage - f) < Math.abs(best.coverage - f) ? p : best),
    undefined,
  );
}

const COLORS = [
  '#1b9e77',
  '#d95f02',
  '#7570b3',
  '#e7298a',
  '#66a61e',
  '#e6ab02',
  '#a6761d',
  '#666666',
  '#1f78b4',
];

/** The grid and tie rule, in one paragraph (empty for reports stored before they were recorded). */
function gridLine(r: BacktestReport): string {
  const g = r.grid;
  if (!g) return '';
  const requested = g.requestedOrigin ? ` (pedido ${g.requestedOrigin.join(', ')}, ajustado a la celda)` : '';
  const ties = r.tieBreak === 'order' ? 'orden de open_cp' : 'promedio (aciertos esperados)';
  return `<p>Grilla: ${esc(g.crs)}, origen (${g.origin.map((v) => v.toFixed(1)).join(', ')}) m${requested}, celdas de ${g.cellSize} m, rotación ${g.rotationDeg}°, ${g.rows} filas × ${g.cols} columnas, ${g.validCells} celdas válidas · empates en el corte: ${ties}.</p>`;
}

/** A self-contained HTML page (Spanish): hit-rate curves and the comparison table. */
export function reportToHtml(r: BacktestReport): string {
  const W = 640;
  const H = 360;
  const pad = 48;
  const maxCov = Math.max(...r.models.flatMap((m) => m.curve.map((p) => p.coverage)), 0.01);
  const maxHr = Math.min(1, Math.max(...r.models.flatMap((m) => m.curve.map((p) => p.interval95[1])), 0.05));
  const sx = (v: number): number => pad + (v / maxCov) * (W - 2 * pad);
  const sy = (v: number): number => H - pad - (v / maxHr) * (H - 2 * pad);
  const lines = r.models
    .map((m, i) => {
      const color = COLORS[i % COLORS.length] as string;
      const band = [
        ...m.curve.map((p) => `${sx(p.coverage)},${sy(p.interval95[1])}`),
        ...[...m.curve].reverse().map((p) => `${sx(p.coverage)},${sy(p.interval95[0])}`),
      ].join(' ');
      const path = m.curve.map((p) => `${sx(p.coverage)},${sy(p.hitRate)}`).join(' ');
      return `<polygon points="${band}" fill="${color}" fill-opacity="0.12"/><polyline points="${path}" fill="none" stroke="${color}" stroke-width="2"${m.name === 'oracle' ? ' stroke-dasharray="5 4"' : ''}/>`;
    })
    .join('\n');
  const ticksX = [0, 0.05, 0.1, 0.15, 0.2].filter((v) => v <= maxCov + 1e-9);
  const ticksY = [0, 0.25, 0.5, 0.75, 1].map((f) => f * maxHr);
  const axes =
    `<line x1="${pad}" y1="${H - pad}" x2="${W - pad}" y2="${H - pad}" stroke="#333"/><line x1="${pad}" y1="${pad}" x2="${pad}" y2="${H - pad}" stroke="#333"/>` +
    ticksX
      .map(
        (v) =>
          `<text x="${sx(v)}" y="${H - pad + 16}" text-anchor="middle" font-size="11">${Math.round(v * 100)} %</text>`,
      )
      .join('') +
    ticksY
      .map(
        (v) =>
          `<text x="${pad - 6}" y="${sy(v) + 4}" text-anchor="end" font-size="11">${Math.round(v * 100)} %</text>`,
      )
      .join('') +
    `<text x="${W / 2}" y="${H - 8}" text-anchor="middle" font-size="12">Área cubierta (celdas seleccionadas)</text>` +
    `<text x="14" y="${H / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 14 ${H / 2})">Tasa de acierto</text>`;
  const legend = r.models
    .map(
      (m, i) => `<span style="color:${COLORS[i % COLORS.length]};margin-right:1em">■ ${esc(m.name)}</span>`,
    )
    .join('');
  const shown = [0.01, 0.02, 0.05, 0.1, 0.2];
  const shiftedTable = r.shifted
    ? `<h2>Grilla desplazada ${r.shifted.offsetMetres} m (media celda)</h2>
<p>Las tasas de acierto cambian con la posición de la grilla; una diferencia grande indica que la comparación depende de ella.</p>
<table><thead><tr><th>Modelo</th>${shown.map((f) => `<th>${Math.round(f * 100)} % del área</th>`).join('')}</tr></thead><tbody>${r.shifted.models
        .map(
          (m) =>
            `<tr><th>${esc(m.name)}</th>${shown.map((f) => `<td>${pct(nearestPoint(m, f)?.hitRate ?? null)}</td>`).join('')}</tr>`,
        )
        .join('\n')}</tbody></table>`
    : '';
  const nearest = nearestPoint;
  const table = r.models
    .map((m) => {
      const cells = shown
        .map((f) => {
          const p = nearest(m, f);
          if (!p) return '<td>—</td>';
          const better =
            p.pBetterThanNaive === null ? '' : ` · P(&gt;naive) ${p.pBetterThanNaive.toFixed(2)}`;
          const daily =
            p.meanHitRate === undefined || p.meanHitRate === null
              ? ''
              : `<br>media diaria ${pct(p.meanHitRate)}${p.meanInterval95 ? ` [${pct(p.meanInterval95[0])}, ${pct(p.meanInterval95[1])}]` : ''}`;
          const paired = p.pairedVsNaive ? ` · p pareado ${pValue(p.pairedVsNaive.pValue)}` : '';
          return `<td><b>${pct(p.hitRate)}</b><br><small>[${pct(p.interval95[0])}, ${pct(p.interval95[1])}]${daily}<br>PAI ${p.pai.toFixed(2)} · PEI* ${p.pei === null ? '—' : p.pei.toFixed(2)}${better}${paired}</small></td>`;
        })
        .join('');
      return `<tr><th>${esc(m.name)}</th>${cells}<td>${m.ranking === null ? '—' : m.ranking.toFixed(3)}</td><td>${m.seconds.toFixed(1)} s</td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="es"><head><meta charset="utf-8"><title>${esc(r.title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.4em .6em;text-align:center;vertical-align:top}th{background:#f4f4f4}small{color:#555}</style>
</head><body>
<h1>${esc(r.title)}</h1>
<p>Área <b>${esc(r.area)}</b> · grupo <b>${esc(r.group)}</b> · horizonte <b>${esc(r.horizon)}</b> · ${esc(r.from)} → ${esc(r.to)} (${r.windows} ventanas) ·
celdas de ${r.cellSize} m (${r.validCells} válidas) · eventos de prueba ${r.events.test} (${r.events.unassignable} fuera de celdas válidas; ${r.events.excludedUnlocated} sin ubicación propia excluidos) · semilla ${r.seed}</p>
${gridLine(r)}
<p>${esc(r.dataCut ?? 'El corte de datos lo hace el arnés: cada pronóstico usa solo hechos ocurridos y registrados antes del inicio de su ventana.')}
Intervalos: posterior de Jeffreys Beta(h+½, N−h+½) sobre aciertos acumulados (optimistas: las ventanas no son independientes);
la media diaria promedia la tasa de acierto de cada ventana con eventos, con un intervalo bootstrap sobre ventanas (semilla ${r.seed});
el p pareado es la prueba de rangos con signo de Wilcoxon de las tasas por ventana contra naive en las mismas ventanas.</p>
<svg width="${W}" height="${H}" role="img" aria-label="Curvas de tasa de acierto">${axes}${lines}</svg>
<p>${legend}</p>
<table><thead><tr><th>Modelo</th>${shown.map((f) => `<th>${Math.round(f * 100)} % del área</th>`).join('')}<th>Ranking</th><th>Tiempo</th></tr></thead>
<tbody>${table}</tbody></table>
<h2>Ajustes de cada modelo</h2>
<table><thead><tr><th>Modelo</th><th>Ajustes (con valores por defecto)</th><th>Reajuste</th></tr></thead><tbody>${r.models
    .map(
      (m) =>
        `<tr><th>${esc(m.name)}</th><td style="text-align:left"><code>${esc(JSON.stringify(m.config))}</code></td><td>${m.refitEveryDays === undefined ? '—' : `cada ${m.refitEveryDays} d`}</td></tr>`,
    )
    .join('\n')}</tbody></table>
${shiftedTable}
<p><small>Generado ${esc(r.generatedAt)} por Vigía.</small></p>
</body></html>
`;
}

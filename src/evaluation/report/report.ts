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
}

/** A model's results. */
export interface ModelResult {
  name: string;
  kind: string;
  config: unknown;
  curve: CurvePoint[];
  /** Mean Brier skill (share form) over windows with events, and mean Poisson deviance per cell. */
  brierSkill: number | null;
  devianceWindows: number | null;
  /** Mean ranking score (AUC over cells) over windows. */
  ranking: number | null;
  seconds: number;
}

/** A whole backtest. */
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
  models: ModelResult[];
  /** The same backtest on the grid moved by half a cell, when asked for. */
  shifted?: { offsetMetres: number; models: ModelResult[] };
}

const pct = (v: number | null, digits = 1): string => (v === null ? '—' : `${(100 * v).toFixed(digits)} %`);
const esc = (s: string): string =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);

/** One CSV row per model × coverage. */
export function reportToCsv(r: BacktestReport): string {
  const head = 'model,coverage,hits,events,hit_rate,ci95_low,ci95_high,pai,pei,p_better_than_naive';
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
      ]
        .map((v) => (typeof v === 'number' ? Number(v.toPrecision(6)) : v))
        .join(','),
    ),
  );
  return `${[head, ...rows].join('\n')}\n`;
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
          return `<td><b>${pct(p.hitRate)}</b><br><small>[${pct(p.interval95[0])}, ${pct(p.interval95[1])}]<br>PAI ${p.pai.toFixed(2)} · PEI* ${p.pei === null ? '—' : p.pei.toFixed(2)}${better}</small></td>`;
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
<p>El corte de datos lo hace el arnés: cada pronóstico usa solo hechos ocurridos y registrados antes del inicio de su ventana.
Intervalos: posterior de Jeffreys Beta(h+½, N−h+½) sobre aciertos acumulados (optimistas: las ventanas no son independientes).</p>
<svg width="${W}" height="${H}" role="img" aria-label="Curvas de tasa de acierto">${axes}${lines}</svg>
<p>${legend}</p>
<table><thead><tr><th>Modelo</th>${shown.map((f) => `<th>${Math.round(f * 100)} % del área</th>`).join('')}<th>Ranking</th><th>Tiempo</th></tr></thead>
<tbody>${table}</tbody></table>
${shiftedTable}
<p><small>Generado ${esc(r.generatedAt)} por Vigía.</small></p>
</body></html>
`;
}

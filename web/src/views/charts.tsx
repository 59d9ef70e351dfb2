/** Small SVG charts (no chart library): line series with axes, and sparklines. */

const PALETTE = ['#0f2b46', '#d7301f', '#2563eb', '#16a34a', '#9333ea', '#ea580c', '#6b7280', '#0891b2'];

export interface Series {
  name: string;
  points: { x: number; y: number }[];
}

/** A line chart with labelled axes; x and y given in data units. */
export function LineChart({
  series,
  xLabel,
  yLabel,
  xMax,
  yMax,
  format = (v: number) => `${Math.round(v * 100)} %`,
  xTick,
  xTicks,
  title,
}: {
  series: Series[];
  xLabel: string;
  yLabel: string;
  xMax: number;
  yMax: number;
  format?: (v: number) => string;
  /** Label of an x tick (default: `format`). */
  xTick?: (v: number) => string;
  /** Where the x ticks go, in data units (default: quarters of xMax). */
  xTicks?: number[];
  title: string;
}): React.JSX.Element {
  const W = 560;
  const H = 300;
  const m = { l: 52, r: 12, t: 12, b: 40 };
  const x = (v: number): number => m.l + (v / xMax) * (W - m.l - m.r);
  const y = (v: number): number => H - m.b - (v / yMax) * (H - m.t - m.b);
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title}>
        <title>{title}</title>
        {ticks.map((f) => (
          <g key={f}>
            <line x1={m.l} x2={W - m.r} y1={y(f * yMax)} y2={y(f * yMax)} stroke="#e5e7eb" />
            <text x={m.l - 6} y={y(f * yMax)} textAnchor="end" dominantBaseline="middle" fontSize="11">
              {format(f * yMax)}
            </text>
          </g>
        ))}
        {(xTicks ?? ticks.map((f) => f * xMax)).map((v) => (
          <text key={v} x={x(v)} y={H - m.b + 16} textAnchor="middle" fontSize="11">
            {(xTick ?? format)(v)}
          </text>
        ))}
        <text x={(W + m.l) / 2} y={H - 6} textAnchor="middle" fontSize="12">
          {xLabel}
        </text>
        <text
          x={12}
          y={(H - m.b) / 2}
          textAnchor="middle"
          fontSize="12"
          transform={`rotate(-90 12 ${(H - m.b) / 2})`}
        >
          {yLabel}
        </text>
        {series.map((s, i) => (
          <polyline
            key={s.name}
            fill="none"
            stroke={PALETTE[i % PALETTE.length]}
            strokeWidth={2}
            points={s.points
              .filter((p) => p.x <= xMax)
              .map((p) => `${x(p.x)},${y(Math.min(p.y, yMax))}`)
              .join(' ')}
          />
        ))}
      </svg>
      <figcaption className="chart-legend">
        <strong>{title}</strong>
        {series.map((s, i) => (
          <span key={s.name}>
            <span className="swatch" style={{ background: PALETTE[i % PALETTE.length] }} /> {s.name}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

/** A 120×28 sparkline of counts (null = suppressed, drawn as a gap). */
export function Sparkline({
  values,
  label,
}: {
  values: (number | null)[];
  label: string;
}): React.JSX.Element {
  const max = Math.max(1, ...values.map((v) => v ?? 0));
  const W = 120;
  const H = 28;
  const step = values.length > 1 ? W / (values.length - 1) : W;
  const segments: string[][] = [[]];
  values.forEach((v, i) => {
    if (v === null) segments.push([]);
    else segments[segments.length - 1]?.push(`${i * step},${H - 2 - (v / max) * (H - 4)}`);
  });
  return (
    <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
      <title>{label}</title>
      {segments
        .filter((s) => s.length > 0)
        .map((s) => (
          <polyline key={s[0]} fill="none" stroke="#0f2b46" strokeWidth={1.5} points={s.join(' ')} />
        ))}
    </svg>
  );
}

/** Vertical bars with labels and values. */
export function BarChart({
  bars,
  title,
  format = (v: number) => String(v),
}: {
  bars: { label: string; value: number | null }[];
  title: string;
  format?: (v: number) => string;
}): React.JSX.Element {
  const W = 420;
  const H = 220;
  const m = { t: 20, b: 40 };
  const max = Math.max(1, ...bars.map((b) => b.value ?? 0));
  const slot = W / bars.length;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title}>
        <title>{title}</title>
        {bars.map((b, i) => {
          const h = ((b.value ?? 0) / max) * (H - m.t - m.b);
          return (
            <g key={b.label}>
              <rect x={i * slot + slot * 0.15} y={H - m.b - h} width={slot * 0.7} height={h} fill="#0f2b46" />
              <text x={i * slot + slot / 2} y={H - m.b - h - 4} textAnchor="middle" fontSize="11">
                {b.value === null ? '—' : format(b.value)}
              </text>
              <text x={i * slot + slot / 2} y={H - m.b + 16} textAnchor="middle" fontSize="11">
                {b.label}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>{title}</figcaption>
    </figure>
  );
}

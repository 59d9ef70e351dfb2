/** Trends: monthly counts for the area and per district, per crime type, and the turno profile. */
import { categoryLabel, formatNumber, type MessageKey, t, useLang } from '../i18n.ts';
import { useApi } from '../use-api.ts';
import { BarChart, LineChart } from './charts.tsx';
import { Pending } from './common.tsx';
import { Term } from './Glossary.tsx';

export function TrendsView(): React.JSX.Element {
  const lang = useLang();
  const trends = useApi('GET /api/v1/stats/trends', {});
  const stats = useApi('GET /api/v1/stats', {});
  const turnos = useApi('GET /api/v1/stats/turnos', {});
  const error = trends.error ?? stats.error ?? turnos.error;
  const data =
    trends.data && stats.data && turnos.data
      ? { trends: trends.data, stats: stats.data, turnos: turnos.data }
      : null;
  if (error || !data) return <Pending error={error} ready={false} />;
  // Whole months only: the month the data is still arriving in would look like a drop.
  const months = data.trends.series[0]?.points.filter((p) => p.complete).map((p) => p.month) ?? [];
  const last = months.slice(-24);
  const step = Math.max(1, Math.ceil(last.length / 8));
  const xTicks = last.map((_, i) => i).filter((i) => i % step === 0);
  const xTick = (v: number): string => {
    const m = last[Math.round(v)];
    return m ? `${m.slice(5)}/${m.slice(2, 4)}` : '';
  };
  const toSeries = (name: string, points: { month: string; count: number | null }[]) => ({
    name,
    points: last.map((month, i) => ({ x: i, y: points.find((p) => p.month === month)?.count ?? 0 })),
  });
  const area = data.trends.series.filter((s) => s.district === null).map((s) => toSeries(s.name, s.points));
  const districts = data.trends.series
    .filter((s) => s.district !== null)
    .map((s) => toSeries(s.name, s.points));
  // Per category: the six largest over the period.
  const byCat = new Map<string, Map<string, number>>();
  for (const r of data.stats.rows) {
    const m = byCat.get(r.category) ?? new Map<string, number>();
    byCat.set(r.category, m);
    m.set(r.month, (m.get(r.month) ?? 0) + (r.count ?? 0));
  }
  const cats = [...byCat.entries()]
    .map(([c, m]) => ({ c, total: [...m.values()].reduce((a, b) => a + b, 0), m }))
    .sort((a, b) => b.total - a.total)
    .slice(0, 6)
    .map(({ c, m }) =>
      toSeries(
        categoryLabel(c),
        [...m.entries()].map(([month, count]) => ({ month, count })),
      ),
    );
  const yMax = (ss: { points: { y: number }[] }[]): number =>
    Math.max(1, ...ss.flatMap((s) => s.points.map((p) => p.y)));
  const count = (v: number): string => formatNumber(Math.round(v));
  return (
    <section aria-label={t('view.trends')}>
      <h2>{t('view.trends')}</h2>
      <p className="note">
        <Term term="count">{lang === 'en' ? 'What the charts count' : 'Qué cuentan los gráficos'}</Term>
        {lang === 'en'
          ? ': crimes recorded (reports) per month, for the area, per district and per crime type; the bars, per turno.'
          : ': delitos registrados (denuncias) por mes, del área, por distrito y por tipo de delito; las barras, por turno.'}
      </p>
      <div className="charts" data-testid="trend-charts">
        {(
          [
            ['chart.area', area],
            ['chart.districts', districts],
            ['chart.types', cats],
          ] as const
        ).map(([title, series]) => (
          <LineChart
            key={title}
            title={t(title)}
            xLabel={t('month')}
            yLabel={t('count')}
            xMax={Math.max(1, last.length - 1)}
            yMax={yMax(series)}
            format={count}
            xTick={xTick}
            xTicks={xTicks}
            series={series}
          />
        ))}
        <BarChart
          title={t('chart.turnos')}
          format={count}
          bars={data.turnos.turnos.map((x) => ({
            label: x.turno ? (t(`turno.${x.turno}` as MessageKey).split(' ')[0] as string) : t('noTime'),
            value: x.count,
          }))}
        />
      </div>
    </section>
  );
}

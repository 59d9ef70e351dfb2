/** Officials' indicators: per district, the last month, the change on the same month a year earlier, a 12-month trend. */
import { formatNumber, t, useLang } from '../i18n.ts';
import { useApi } from '../use-api.ts';
import { Sparkline } from './charts.tsx';
import { Head, Pending } from './common.tsx';

interface Trends {
  series: {
    district: string | null;
    name: string;
    points: {
      month: string;
      count: number | null;
      previousYear: number | null;
      change: number | null;
      complete: boolean;
    }[];
  }[];
}

export function KpisView(): React.JSX.Element {
  useLang();
  const { data, error } = useApi<Trends>('/stats/trends');
  if (error || !data) return <Pending error={error} ready={false} />;
  // The whole area first, then districts by their last month.
  const rows = [...data.series].sort((a, b) =>
    a.district === null
      ? -1
      : b.district === null
        ? 1
        : (b.points.filter((p) => p.complete).at(-1)?.count ?? 0) -
          (a.points.filter((p) => p.complete).at(-1)?.count ?? 0),
  );
  return (
    <section aria-label={t('view.kpis')}>
      <h2>{t('view.kpis')}</h2>
      <div className="table-wrap">
        <table data-testid="kpi-table">
          <Head cols={[t('district'), t('lastMonth'), t('yoy'), t('trend12')]} />
          <tbody>
            {rows.map((s) => {
              const whole = s.points.filter((p) => p.complete);
              const last = whole.at(-1);
              const change = last?.change;
              return (
                <tr key={s.district ?? 'total'}>
                  <th scope="row">{s.district === null ? `${t('total')} — ${s.name}` : s.name}</th>
                  <td>
                    {last?.count === null || last?.count === undefined
                      ? '—'
                      : `${formatNumber(last.count)} (${last.month.slice(5)}/${last.month.slice(0, 4)})`}
                  </td>
                  <td className={change && change > 0 ? 'up' : 'down'}>
                    {change === null || change === undefined
                      ? '—'
                      : `${change > 0 ? '+' : ''}${formatNumber(100 * change, 1)} %`}
                  </td>
                  <td>
                    <Sparkline
                      values={s.points.slice(-12).map((p) => p.count)}
                      label={`${t('trend12')}: ${s.name}`}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

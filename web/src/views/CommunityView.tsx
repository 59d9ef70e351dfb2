/** District aggregates for community leaders (and anyone): counts by district and month, small counts hidden. */
import { formatNumber, t, useLang } from '../i18n.ts';
import { useApi } from '../use-api.ts';
import { Pending } from './common.tsx';

interface Trends {
  series: {
    district: string | null;
    name: string;
    points: { month: string; count: number | null; suppressed: boolean }[];
  }[];
}

export function CommunityView(): React.JSX.Element {
  useLang();
  const { data, error } = useApi<Trends>('/stats/trends');
  if (error || !data) return <Pending error={error} ready={false} />;
  const months = data.series[0]?.points.slice(-12).map((p) => p.month) ?? [];
  return (
    <section aria-label={t('view.community')}>
      <h2>{t('view.community')}</h2>
      <p className="note">{t('suppressedNote')}</p>
      <div className="table-wrap">
        <table data-testid="community-table">
          <caption>{t('count')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('district')}</th>
              {months.map((m) => (
                <th scope="col" key={m}>{`${m.slice(5)}/${m.slice(0, 4)}`}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.series
              .filter((s) => s.district !== null)
              .map((s) => (
                <tr key={s.district}>
                  <th scope="row">{s.name}</th>
                  {s.points.slice(-12).map((p) => (
                    <td key={p.month}>
                      {p.count === null ? '—' : `${p.suppressed ? '≥ ' : ''}${formatNumber(p.count)}`}
                    </td>
                  ))}
                </tr>
              ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

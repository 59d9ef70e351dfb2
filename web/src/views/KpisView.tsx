/**
 * Officials' indicators: per crime type for a period (the last 12 whole months by default) and
 * the district chosen — cases, the change on the same period a year earlier with its 95 % interval,
 * rates per 1,000 inhabitants once a population table is loaded, "pocos casos" — with the one-page
 * PDF report and the XLSX to download; then per district, the last month, the change on the same
 * month a year earlier, a 12-month trend.
 */
import { useState } from 'react';
import type { Answer, Role } from '../api.ts';
import { indicatorsUrl, lastTwelveMonths, REPORT_ROLES, words } from '../downloads.ts';
import { explain } from '../glossary.ts';
import { categoryLabel, formatDay, formatNumber, t, useLang } from '../i18n.ts';
import { useApi } from '../use-api.ts';
import { Sparkline } from './charts.tsx';
import { Head, Pending } from './common.tsx';
import { Term } from './Glossary.tsx';

type Indicators = Answer<'GET /api/v1/indicators'>;
type IndicatorRow = Indicators['total'];

const signedPct = (v: number): string => `${v > 0 ? '+' : ''}${formatNumber(100 * v, 1)} %`;

/** "+12,5 % (−3,0 % – +30,1 %)"; an open upper bound as "∞". */
function changeText(r: IndicatorRow): string {
  if (r.change === null) return '—';
  const lo = r.lower === null ? '—' : signedPct(r.lower);
  const hi = r.upper === null ? '∞' : signedPct(r.upper);
  return `${signedPct(r.change)} (${lo} – ${hi})`;
}

const count = (n: number | null): string => (n === null ? '—' : formatNumber(n));
const rate = (n: number | null): string => (n === null ? '—' : formatNumber(n, 2));

function IndicatorsPanel({ role }: { role: Role }): React.JSX.Element {
  const lang = useLang();
  const w = words(lang);
  const [period, setPeriod] = useState(lastTwelveMonths);
  const [district, setDistrict] = useState<string | null>(null);
  const districts = useApi('GET /api/v1/districts', {});
  const q = { ...period, district };
  const ind = useApi('GET /api/v1/indicators', q);
  const data = ind.data;
  const rows = data ? [...data.rows, { ...data.total, label: t('total') }] : [];
  return (
    <section aria-label={w.indicators} data-testid="indicators">
      <h3>{w.indicators}</h3>
      <div className="filters">
        <label>
          {w.from}
          <input
            type="date"
            value={period.from}
            onChange={(e) => e.target.value && setPeriod({ ...period, from: e.target.value })}
            data-testid="ind-from"
          />
        </label>
        <label>
          {w.to}
          <input
            type="date"
            value={period.to}
            onChange={(e) => e.target.value && setPeriod({ ...period, to: e.target.value })}
            data-testid="ind-to"
          />
        </label>
        <label>
          {w.district}
          <select
            value={district ?? ''}
            onChange={(e) => setDistrict(e.target.value || null)}
            data-testid="ind-district"
          >
            <option value="">{w.wholeArea}</option>
            {(districts.data?.features ?? []).map((f) => (
              <option key={f.properties.code} value={f.properties.code}>
                {f.properties.name}
              </option>
            ))}
          </select>
        </label>
        {REPORT_ROLES.includes(role) && (
          <>
            <a className="download-link" href={indicatorsUrl('pdf', q)} download data-testid="report-pdf">
              {w.reportPdf}
            </a>
            <a className="download-link" href={indicatorsUrl('xlsx', q)} download data-testid="report-xlsx">
              {w.reportXlsx}
            </a>
          </>
        )}
      </div>
      <Pending error={ind.error} ready={data !== null} />
      {data && (
        <>
          <p className="note" data-testid="ind-period" title={w.period}>
            {w.period}: {formatDay(data.from)} – {formatDay(data.to)}
          </p>
          {data.population ? (
            <p className="note" data-testid="ind-population" title={explain('per1000', lang)}>
              {w.population}: {formatNumber(data.population.population)} ({data.population.year}; {w.source}:{' '}
              {data.population.sources.join('; ')})
            </p>
          ) : (
            <p className="note" role="note" data-testid="no-population">
              {w.noPopulation}
            </p>
          )}
          <div className="table-wrap">
            <table data-testid="indicator-table">
              <Head
                cols={[
                  w.type,
                  <Term key="cases" term="count">
                    {w.cases}
                  </Term>,
                  w.previous,
                  <Term key="change" term="interval">
                    {w.change}
                  </Term>,
                  ...(data.population
                    ? [
                        <Term key="rate" term="per1000">
                          {w.rate}
                        </Term>,
                      ]
                    : []),
                  ...(data.population ? [w.previousRate] : []),
                ]}
              />
              <tbody>
                {rows.map((r) => (
                  <tr key={r.category} data-category={r.category}>
                    <th scope="row">
                      {r.category === data.total.category ? r.label : categoryLabel(r.category)}
                    </th>
                    <td>
                      {count(r.count)}
                      {r.fewCases && (
                        <>
                          {' '}
                          <span className="few-cases" title={w.fewCasesTitle} data-testid="few-cases">
                            {w.fewCases}
                          </span>
                        </>
                      )}
                    </td>
                    <td>{count(r.previous)}</td>
                    <td className={r.change && r.change > 0 ? 'up' : 'down'}>{changeText(r)}</td>
                    {data.population && <td data-testid="rate">{rate(r.ratePer1000)}</td>}
                    {data.population && <td>{rate(r.previousRatePer1000)}</td>}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <ul className="note" data-server-text lang="es">
            {data.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

export function KpisView({ role }: { role: Role }): React.JSX.Element {
  useLang();
  const { data, error } = useApi('GET /api/v1/stats/trends', {});
  // The whole area first, then districts by their last month.
  const series = data
    ? [...data.series].sort((a, b) =>
        a.district === null
          ? -1
          : b.district === null
            ? 1
            : (b.points.filter((p) => p.complete).at(-1)?.count ?? 0) -
              (a.points.filter((p) => p.complete).at(-1)?.count ?? 0),
      )
    : [];
  return (
    <section aria-label={t('view.kpis')}>
      <h2>{t('view.kpis')}</h2>
      <IndicatorsPanel role={role} />
      <Pending error={error} ready={data !== null} />
      {data && (
        <div className="table-wrap">
          <table data-testid="kpi-table">
            <Head cols={[t('district'), t('lastMonth'), t('yoy'), t('trend12')]} />
            <tbody>
              {series.map((s) => {
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
      )}
    </section>
  );
}

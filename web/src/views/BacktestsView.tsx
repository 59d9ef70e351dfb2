/**
 * Model evaluation for researchers (and analysts, planners, officials): stored backtest reports,
 * the models in production (champion, challengers, decisions: ModelLifecycle.tsx); for the roles
 * that may export, a panel to download de-identified incidents of a period and the
 * shown backtest as CSV or Parquet.
 */
import { useState } from 'react';
import { modelName } from '../../../src/core/models.ts';
import type { Answer, Role } from '../api.ts';
import {
  backtestExportUrl,
  EXPORT_ROLES,
  incidentsExportUrl,
  lastTwelveMonths,
  words,
} from '../downloads.ts';
import { formatDay, formatNumber, t, useLang } from '../i18n.ts';
import { useApi } from '../use-api.ts';
import { LineChart } from './charts.tsx';
import { Pending } from './common.tsx';
import { Figure, Term } from './Glossary.tsx';
import { ModelLifecycle } from './ModelLifecycle.tsx';

type Report = Answer<'GET /api/v1/backtests/:id'>;
type Point = Report['models'][number]['curve'][number];

const pct = (v: number | null | undefined): string =>
  v === null || v === undefined ? '—' : `${formatNumber(100 * v, 1)} %`;

/** Downloads of de-identified incidents (a period) and of the shown backtest. */
function ExportPanel({ reportId }: { reportId: number | null }): React.JSX.Element {
  const w = words(useLang());
  const [period, setPeriod] = useState(lastTwelveMonths);
  return (
    <section aria-label={w.exports} data-testid="export-panel">
      <h3>{w.exports}</h3>
      <p className="note">{w.exportsNote}</p>
      <div className="filters">
        <label>
          {w.from}
          <input
            type="date"
            value={period.from}
            onChange={(e) => e.target.value && setPeriod({ ...period, from: e.target.value })}
            data-testid="export-from"
          />
        </label>
        <label>
          {w.to}
          <input
            type="date"
            value={period.to}
            onChange={(e) => e.target.value && setPeriod({ ...period, to: e.target.value })}
            data-testid="export-to"
          />
        </label>
        <a
          className="download-link"
          href={incidentsExportUrl('csv', period)}
          download
          data-testid="export-incidents-csv"
        >
          {w.incidentsCsv}
        </a>
        <a
          className="download-link"
          href={incidentsExportUrl('parquet', period)}
          download
          data-testid="export-incidents-parquet"
        >
          {w.incidentsParquet}
        </a>
        {reportId !== null && (
          <>
            <a
              className="download-link"
              href={backtestExportUrl(reportId, 'csv')}
              download
              data-testid="export-backtest-csv"
            >
              {w.backtestCsv}
            </a>
            <a
              className="download-link"
              href={backtestExportUrl(reportId, 'parquet')}
              download
              data-testid="export-backtest-parquet"
            >
              {w.backtestParquet}
            </a>
          </>
        )}
      </div>
    </section>
  );
}

export function BacktestsView({ role }: { role: Role }): React.JSX.Element {
  const lang = useLang();
  const [chosen, setChosen] = useState<number | null>(null);
  const reports = useApi('GET /api/v1/backtests', {});
  const list = reports.data?.reports ?? null;
  const selected = chosen ?? list?.[0]?.id ?? null;
  const detail = useApi('GET /api/v1/backtests/:id', selected === null ? null : { id: selected });
  const report = detail.data;
  const error = reports.error ?? detail.error;
  if (error || !list) return <Pending error={error} ready={false} />;
  const exports = EXPORT_ROLES.includes(role) ? <ExportPanel reportId={selected} /> : null;
  if (list.length === 0)
    return (
      <section aria-label={t('view.backtests')}>
        <p>{t('noReports')}</p>
        <ModelLifecycle role={role} />
        {exports}
      </section>
    );
  const at5 = (curve: Point[]): Point | undefined => curve.find((p) => Math.abs(p.coverage - 0.05) < 0.0025);
  return (
    <section aria-label={t('view.backtests')}>
      <h2>{t('view.backtests')}</h2>
      <label>
        {t('report')}
        <select
          value={selected ?? ''}
          onChange={(e) => setChosen(Number(e.target.value))}
          data-testid="report"
        >
          {list.map((r) => (
            <option key={r.id} value={r.id}>
              #{r.id} · {r.group} · {r.horizon} · {formatDay(r.from)}–{formatDay(r.to)}
            </option>
          ))}
        </select>
      </label>
      {report && (
        <>
          <p className="note">
            {report.title} ·{' '}
            <Figure
              term="hitRate"
              what={
                lang === 'en'
                  ? 'windows scored and crimes in them (the test events)'
                  : 'ventanas evaluadas y delitos ocurridos en ellas (los eventos de prueba)'
              }
            >
              {formatNumber(report.windows)} ventanas · {formatNumber(report.events.test)} eventos de prueba
            </Figure>
          </p>
          <LineChart
            title={t('curve')}
            xLabel={t('areaShare')}
            yLabel={t('crimesCaught')}
            xMax={0.2}
            yMax={1}
            series={report.models.map((m) => ({
              name: m.name,
              points: m.curve.map((p) => ({ x: p.coverage, y: p.hitRate })),
            }))}
          />
          <div className="table-wrap">
            <table data-testid="report-table">
              <caption>{t('hitRate')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('models')}</th>
                  <th scope="col">
                    <Term term="hitRate">{t('hitRate')}</Term>
                  </th>
                  <th scope="col">
                    <Term term="interval">{t('interval')}</Term>
                  </th>
                  <th scope="col">
                    <Term term="pai">{t('pai')}</Term>
                  </th>
                  <th scope="col">
                    <Term term="pei">PEI*</Term>
                  </th>
                  <th scope="col">
                    <Term term="pBetter">{t('betterThanNaive')}</Term>
                  </th>
                </tr>
              </thead>
              <tbody>
                {report.models.map((m) => {
                  const p = at5(m.curve);
                  return (
                    <tr key={m.name}>
                      <th scope="row">{modelName(m.name, { lang, withKind: true })}</th>
                      <td>{pct(p?.hitRate)}</td>
                      <td>{p ? `${pct(p.interval95[0])} – ${pct(p.interval95[1])}` : '—'}</td>
                      <td>{p ? formatNumber(p.pai, 2) : '—'}</td>
                      <td>{p?.pei === null || p?.pei === undefined ? '—' : formatNumber(p.pei, 2)}</td>
                      <td>
                        {p?.pBetterThanNaive === null || p?.pBetterThanNaive === undefined
                          ? '—'
                          : formatNumber(p.pBetterThanNaive, 2)}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
      <ModelLifecycle role={role} />
      {exports}
    </section>
  );
}

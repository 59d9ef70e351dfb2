/**
 * Patrols for those who decide on them (planners, officials, analysts): how much of a turno's
 * expected crime N units would cover per district (the scenario curve), whether patrol time follows
 * risk and reported crime (the disparity report and its flags), and the measured effect of the plans,
 * labelled observational. Aggregates only: no area or cell (docs/prevention.md).
 */
import { useState } from 'react';
import { modelName } from '../../../src/core/models.ts';
import { CRIME_GROUPS } from '../../../src/core/taxonomy.ts';
import type { Answer } from '../api.ts';
import { formatDay, formatNumber, type MessageKey, t, useLang } from '../i18n.ts';
import { useApi } from '../use-api.ts';
import { LineChart } from './charts.tsx';
import { Head, Pending } from './common.tsx';
import { Term } from './Glossary.tsx';

const TURNOS = ['madrugada', 'mañana', 'tarde', 'noche'] as const;

type Scenario = Answer<'GET /api/v1/patrol-scenarios'>;
type Disparity = Answer<'GET /api/v1/patrol-disparity'>;
type Effect = Answer<'GET /api/v1/patrol-effect'>;

const pct = (v: number | null | undefined): string =>
  v === null || v === undefined ? '—' : `${formatNumber(100 * v, 1)} %`;

/** Local day `days` before `day` (YYYY-MM-DD). */
function minusDays(day: string, days: number): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

export function PatrolsView(): React.JSX.Element {
  useLang();
  const [group, setGroup] = useState<string>('all');
  const [turno, setTurno] = useState<string>('noche');
  const [maxUnits, setMaxUnits] = useState<number>(10);
  const days = useApi('GET /api/v1/forecasts/days', { group }).data?.days;
  const last = days?.[0] ?? null;
  const [to, setTo] = useState<string>('');
  const end = to || last;
  const from = end ? minusDays(end, 27) : null;
  const scenario = useApi('GET /api/v1/patrol-scenarios', { group, turno, maxUnits });
  const period = end && from ? { group, from, to: end } : null;
  const disparity = useApi('GET /api/v1/patrol-disparity', period);
  const effect = useApi('GET /api/v1/patrol-effect', period);
  return (
    <section aria-label={t('view.patrols')} className="patrols">
      <h2>{t('view.patrols')}</h2>

      <div className="controls">
        <label>
          {t('group')}
          <select value={group} onChange={(e) => setGroup(e.target.value)}>
            {Object.keys(CRIME_GROUPS).map((g) => (
              <option key={g} value={g}>
                {t(`group.${g}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <h3>{t('patrols.scenario')}</h3>
      <div className="controls">
        <label>
          {t('turno')}
          <select value={turno} onChange={(e) => setTurno(e.target.value)}>
            {TURNOS.map((x) => (
              <option key={x} value={x}>
                {t(`turno.${x}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('patrols.maxUnits')}
          <input
            type="number"
            min={1}
            max={50}
            value={maxUnits}
            onChange={(e) => setMaxUnits(Math.min(50, Math.max(1, Number(e.target.value) || 1)))}
          />
        </label>
      </div>
      <Pending error={scenario.error} ready={scenario.data !== null} />
      {scenario.data && <ScenarioPanel s={scenario.data} />}

      <h3>{t('patrols.disparity')}</h3>
      <div className="controls">
        <label>
          {t('patrols.periodEnd')}
          <input type="date" value={end ?? ''} onChange={(e) => setTo(e.target.value)} />
        </label>
        {from && end && (
          <p className="note">
            {formatDay(from)} – {formatDay(end)} (28 {t('patrols.days')})
          </p>
        )}
      </div>
      <Pending error={disparity.error} ready={disparity.data !== null || period === null} />
      {disparity.data && <DisparityPanel d={disparity.data} />}

      <h3>{t('patrols.effect')}</h3>
      <Pending error={effect.error} ready={effect.data !== null || period === null} />
      {effect.data && <EffectPanel e={effect.data} />}
    </section>
  );
}

function ScenarioPanel({ s }: { s: Scenario }): React.JSX.Element {
  const lang = useLang();
  const maxUnits = s.total.curve.at(-1)?.units ?? 1;
  const series = [
    { name: t('total'), points: s.total.curve.map((p) => ({ x: p.units, y: p.share })) },
    ...s.districts.map((d) => ({ name: d.name, points: d.curve.map((p) => ({ x: p.units, y: p.share })) })),
  ];
  const yMax = Math.min(1, Math.max(0.05, ...series.flatMap((x) => x.points.map((p) => p.y))) * 1.1);
  return (
    <div data-testid="scenario">
      <p className="note">
        {t('patrols.scenarioNote')} {t(`turno.${s.turno}` as MessageKey)} · {formatDay(s.day)} · {t('model')}{' '}
        {modelName(s.forecast.model, { lang, withKind: true })}
      </p>
      <LineChart
        series={series}
        xLabel={t('patrols.unitsPerDistrict')}
        yLabel={t('patrols.coveredShare')}
        xMax={maxUnits}
        yMax={yMax}
        xTick={(v) => formatNumber(v)}
        xTicks={[...new Set([0, 0.25, 0.5, 0.75, 1].map((f) => Math.round(f * maxUnits)))]}
        title={t('patrols.scenario')}
      />
      <div className="table-wrap">
        <table data-testid="scenario-table">
          <Head
            cols={[
              t('district'),
              <Term key="expected" term="expected">
                {t('patrols.expectedTurno')}
              </Term>,
              t('patrols.currentUnits'),
              <Term key="covered" term="coverage">
                {t('patrols.coveredNow')}
              </Term>,
              t('patrols.plusOne'),
              `${t('patrols.coveredAt')} ${maxUnits}`,
            ]}
          />
          <tbody>
            {s.districts.map((d) => {
              const now = d.currentUnits === null ? undefined : d.curve[d.currentUnits];
              const next = d.curve[(d.currentUnits ?? 0) + 1];
              return (
                <tr key={d.code}>
                  <th scope="row">{d.name}</th>
                  <td>{formatNumber(d.expectedTotal, 2)}</td>
                  <td>{d.currentUnits ?? '—'}</td>
                  <td>{pct(now?.share)}</td>
                  <td>{next ? `+${formatNumber(next.marginal ?? 0, 2)}` : '—'}</td>
                  <td>{pct(d.curve.at(-1)?.share)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function DisparityPanel({ d }: { d: Disparity }): React.JSX.Element {
  return (
    <div data-testid="disparity">
      <p className="note" data-server-text lang="es">
        {d.rule.text}
      </p>
      <p className="note" data-server-text lang="es">
        {d.note}
      </p>
      {d.turnos.map((x) => (
        <div key={x.turno} className="table-wrap">
          <table>
            <caption>
              {t(`turno.${x.turno}` as MessageKey)} · {formatNumber(x.patrolMinutes)} {t('patrols.minutes')} ·{' '}
              {formatNumber(x.reported)} {t('patrols.reported')}
            </caption>
            <Head
              cols={[
                t('district'),
                t('patrols.patrolShare'),
                t('patrols.plannedShare'),
                t('patrols.riskShare'),
                t('patrols.reportedShare'),
                <Term key="flags" term="disparity">
                  {t('patrols.flags')}
                </Term>,
              ]}
            />
            <tbody>
              {x.districts.map((r) => (
                <tr key={r.code} className={r.flags.length > 0 ? 'flagged' : undefined}>
                  <th scope="row">{r.name}</th>
                  <td>{pct(r.patrolShare)}</td>
                  <td>{pct(r.plannedShare)}</td>
                  <td>{pct(r.riskShare)}</td>
                  <td>{pct(r.reportedShare)}</td>
                  <td data-testid="disparity-flags" data-server-text lang="es">
                    {r.flags.map((f) => f.text).join(' · ') || '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </div>
  );
}

function EffectPanel({ e }: { e: Effect }): React.JSX.Element {
  return (
    <div data-testid="effect">
      <p role="note" className="note" data-server-text lang="es">
        {e.note}
      </p>
      <div className="table-wrap">
        <table>
          <Head cols={['', t('patrols.areas'), t('patrols.reported'), t('patrols.expected')]} />
          <tbody>
            <tr>
              <th scope="row">{t('patrols.patrolled')}</th>
              <td>{formatNumber(e.patrolled.areas)}</td>
              <td>{formatNumber(e.patrolled.crimes)}</td>
              <td>{formatNumber(e.patrolled.expected, 2)}</td>
            </tr>
            <tr>
              <th scope="row">{t('patrols.comparable')}</th>
              <td>{formatNumber(e.comparable.areas)}</td>
              <td>{formatNumber(e.comparable.crimes)}</td>
              <td>{formatNumber(e.comparable.expected, 2)}</td>
            </tr>
          </tbody>
        </table>
      </div>
      <p data-testid="effect-ratio" data-explained="rateRatio">
        <Term term="rateRatio">{t('patrols.rateRatio')}</Term>:{' '}
        {e.rateRatio === null
          ? t('patrols.noRatio')
          : `${formatNumber(e.rateRatio, 2)}${e.interval ? ` (IC 95 %: ${formatNumber(e.interval[0], 2)}–${formatNumber(e.interval[1], 2)})` : ''}`}
      </p>
      <p className="note" data-server-text lang="es">
        {e.matching}
      </p>
    </div>
  );
}

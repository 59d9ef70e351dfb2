/**
 * The cell panel's "why is it high" (issue 13): the cell's usual level against the recent events
 * around it, from GET /forecasts/:id/cells/:cell/why (counts only), with the server's Spanish
 * reading (English built from the same figures); then, when the forecast's model explains itself,
 * how the model makes up its value — ETAS: background level vs the part recent events trigger;
 * boosted trees and forests: the starting point and the features that raise or lower it — or the
 * server's note on why it does not. Every number is labelled by its <dt>.
 */
import { Fragment, useEffect, useState } from 'react';
import { type Answer, get } from '../api.ts';
import { formatNumber, type Lang, t, useLang } from '../i18n.ts';
import { Term } from './Glossary.tsx';

type Why = Answer<'GET /api/v1/forecasts/:id/cells/:cell/why'>;

const TEXT = {
  es: {
    title: '¿Por qué este valor?',
    usual: 'Nivel habitual (último año)',
    usualValue: (w: Why) =>
      `${formatNumber(w.background.lastYear)} hechos en el año; ${formatNumber(w.background.perWindow, 3)} por ${w.windowHours === 6 ? 'turno' : 'día'} en promedio`,
    recent: 'Hechos recientes en la celda y sus 8 vecinas',
    recentValue: (w: Why) =>
      `${formatNumber(w.recent.last7Days)} en 7 días, ${formatNumber(w.recent.last30Days)} en 30 días (lo habitual: ${formatNumber(w.recent.usual7Days, 1)} en 7 días)`,
    loading: 'calculando…',
  },
  en: {
    title: 'Why this value?',
    usual: 'Usual level (last year)',
    usualValue: (w: Why) =>
      `${formatNumber(w.background.lastYear)} events in the year; ${formatNumber(w.background.perWindow, 3)} per ${w.windowHours === 6 ? 'shift' : 'day'} on average`,
    recent: 'Recent events in the cell and its 8 neighbours',
    recentValue: (w: Why) =>
      `${formatNumber(w.recent.last7Days)} in 7 days, ${formatNumber(w.recent.last30Days)} in 30 days (usual: ${formatNumber(w.recent.usual7Days, 1)} in 7 days)`,
    loading: 'computing…',
  },
} as const;

/** The reading in English (the server's sentence is Spanish). */
function englishReading(w: Why): string {
  switch (w.reading) {
    case 'recent':
      return `High from recent events: ${w.recent.last7Days} in the last 7 days around it`;
    case 'habitual':
      return `High mostly from its usual level: ${w.background.lastYear} events in the last year`;
    case 'both':
      return `High from its usual level (${w.background.lastYear} events in the last year) and from recent events: ${w.recent.last7Days} in the last 7 days around it`;
    case 'surroundings':
      return 'High from its surroundings: the cell had no located event in the last year';
    default:
      return `Not among the area’s high cells (percentile ${formatNumber(w.percentile, 1)})`;
  }
}

const reading = (w: Why, lang: Lang): string => (lang === 'en' ? englishReading(w) : w.text);

/** Features shown in the panel (the answer carries up to 8). */
const SHOWN_FEATURES = 5;

/** The model's own parts of the value, every figure under its <dt>. */
function ModelParts({ c }: { c: NonNullable<Why['components']> }): React.JSX.Element {
  const pct = (v: number): string => `${formatNumber(100 * v)} % ${t('why.share')}`;
  const crimes = (v: number): string => `${formatNumber(v, 3)} ${t('why.expected')}`;
  return (
    <div data-testid="cell-why-components" data-kind={c.kind}>
      <h5>{t('why.model')}</h5>
      {c.kind === 'etas' ? (
        <dl>
          <dt>{t('why.background')}</dt>
          <dd>
            {crimes(c.background)} ({pct(c.backgroundShare)})
          </dd>
          <dt>{t('why.triggered')}</dt>
          <dd>
            {crimes(c.triggered)} ({pct(1 - c.backgroundShare)})
          </dd>
        </dl>
      ) : (
        <dl>
          <dt>{t('why.start')}</dt>
          <dd>{crimes(c.start)}</dd>
          {c.contributions.slice(0, SHOWN_FEATURES).map((x) => (
            <Fragment key={x.feature}>
              <dt lang="es" data-server-text title={x.feature}>
                {x.label}
              </dt>
              <dd data-direction={x.direction}>
                {t(x.direction === 'up' ? 'why.up' : 'why.down')}:{' '}
                {c.link === 'log'
                  ? `${t('why.times')} ${formatNumber(Math.exp(x.value), 2)}`
                  : `${x.value >= 0 ? '+' : '−'}${formatNumber(Math.abs(x.value), 3)} ${t('why.adds')}`}
              </dd>
            </Fragment>
          ))}
        </dl>
      )}
    </div>
  );
}

export function CellWhy({ forecastId, cell }: { forecastId: number; cell: number }): React.JSX.Element {
  const lang = useLang();
  const [why, setWhy] = useState<Why | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    setWhy(null);
    setError(null);
    get('GET /api/v1/forecasts/:id/cells/:cell/why', { id: forecastId, cell })
      .then((w) => {
        if (!cancelled) setWhy(w);
      })
      .catch((e: unknown) => {
        if (!cancelled) setError(e instanceof Error ? e.message : String(e));
      });
    return () => {
      cancelled = true;
    };
  }, [forecastId, cell]);
  const T = TEXT[lang];
  return (
    <div className="cell-why" data-testid="cell-why" data-reading={why?.reading ?? ''}>
      <h4>
        <Term term="whyHigh">{T.title}</Term>
      </h4>
      {error && <p className="error">{error}</p>}
      {!why && !error && <p>{T.loading}</p>}
      {why && (
        <>
          <p data-testid="cell-why-reading" title={T.title} data-explained="whyHigh">
            <strong>{reading(why, lang)}</strong>
          </p>
          <dl>
            <dt>{T.usual}</dt>
            <dd>{T.usualValue(why)}</dd>
            <dt>{T.recent}</dt>
            <dd>{T.recentValue(why)}</dd>
          </dl>
          {why.components ? (
            <ModelParts c={why.components} />
          ) : (
            why.componentsNote && (
              <p className="note" data-testid="cell-why-note" data-server-text lang="es">
                {why.componentsNote}
              </p>
            )
          )}
        </>
      )}
    </div>
  );
}

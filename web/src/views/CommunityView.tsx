/**
 * "Mi distrito" for community leaders (and anyone): their district first (chosen once, remembered in
 * localStorage), plain-language trends by crime type over the last 3 whole months against the 3
 * before, a chart of the district's months, prevention advice per crime type for residents, and the
 * district × month table. Only what the community endpoints answer is used: counts of published
 * cells (0 or ≥ 5), withheld ones shown as "—" or "≥ n" (docs/api.md, disclosure control), and the
 * approved community bulletins of the district (issue 14: built only from those published cells).
 */
import { useEffect, useState } from 'react';
import { type Answer, ApiError, get } from '../api.ts';
import { categoryLabel, formatNumber, type MessageKey, t, useLang } from '../i18n.ts';
import { periodText, type TextItem } from '../texts.ts';
import { useApi } from '../use-api.ts';
import { BarChart } from './charts.tsx';
import { Pending } from './common.tsx';

type Stats = Answer<'GET /api/v1/stats'>;

const KEY = 'vigia.community.district';
/** Months in each of the two windows compared. */
const WINDOW = 3;
/** Fewer published incidents than this in the two windows together: no trend is stated. */
const MIN_FOR_TREND = 10;

/** YYYY-MM → mm/yyyy. */
const monthText = (m: string): string => `${m.slice(5)}/${m.slice(0, 4)}`;
/** The last day of YYYY-MM as YYYY-MM-DD. */
const lastDay = (m: string): string => {
  const [y, mo] = m.split('-').map(Number) as [number, number];
  return `${m}-${String(new Date(Date.UTC(y, mo, 0)).getUTCDate()).padStart(2, '0')}`;
};

/** A window's sum of published cells, and whether a withheld cell was left out. */
interface Sum {
  count: number;
  partial: boolean;
}
const sumOf = (rows: Stats['rows'], months: string[]): Sum =>
  rows
    .filter((r) => months.includes(r.month))
    .reduce<Sum>((s, r) => ({ count: s.count + (r.count ?? 0), partial: s.partial || r.suppressed }), {
      count: 0,
      partial: false,
    });

/** One crime type's trend in words. */
function trendText(recent: Sum, before: Sum): { key: MessageKey; change: number | null } {
  if (recent.partial || before.partial || recent.count + before.count < MIN_FOR_TREND || before.count === 0)
    return { key: 'community.fewCases', change: null };
  const change = (recent.count - before.count) / before.count;
  if (change > 0.15) return { key: 'community.up', change };
  if (change < -0.15) return { key: 'community.down', change };
  return { key: 'community.stable', change };
}

const count = (s: Sum): string => `${s.partial ? '≥ ' : ''}${formatNumber(s.count)}`;

function DistrictPage({ code, name }: { code: string; name: string }): React.JSX.Element {
  useLang();
  const trends = useApi('GET /api/v1/stats/trends', { district: code });
  const series = trends.data?.series.find((s) => s.district === code);
  const complete = series?.points.filter((p) => p.complete) ?? [];
  const months = complete.slice(-2 * WINDOW).map((p) => p.month);
  const first = months[0];
  const last = months[months.length - 1];
  const stats = useApi(
    'GET /api/v1/stats',
    first && last ? { district: code, from: `${first}-01`, to: lastDay(last) } : null,
  );
  const advice = useApi('GET /api/v1/advice', {});
  if (trends.error || !trends.data) return <Pending error={trends.error} ready={false} />;
  if (!series || months.length < 2 * WINDOW) return <p>{t('community.noData')}</p>;
  const recentMonths = months.slice(WINDOW);
  const beforeMonths = months.slice(0, WINDOW);
  const rows = stats.data?.rows ?? [];
  const categories = [...new Set(rows.map((r) => r.category))]
    .map((c) => {
      const mine = rows.filter((r) => r.category === c);
      return { category: c, recent: sumOf(mine, recentMonths), before: sumOf(mine, beforeMonths) };
    })
    .filter((c) => c.recent.count + c.before.count > 0 || c.recent.partial || c.before.partial)
    .sort((a, b) => b.recent.count - a.recent.count);
  const period = (ms: string[]): string =>
    `${monthText(ms[0] as string)}–${monthText(ms[ms.length - 1] as string)}`;
  const adviceFor = (c: string) => advice.data?.categories.find((a) => a.category === c);
  // Advice for the types reported here, and always where to turn in case of violence at home.
  const adviceShown = [...categories.map((c) => c.category), 'violencia_familiar']
    .filter((c, i, all) => all.indexOf(c) === i)
    .flatMap((c) => adviceFor(c) ?? []);
  const bars = series.points
    .filter((p) => p.complete)
    .slice(-12)
    .map((p) => ({ label: monthText(p.month).replace(/\/\d\d(\d\d)$/, '/$1'), value: p.count }));
  return (
    <>
      <h3>{name}</h3>
      <p className="note">{t('suppressedNote')}</p>
      <section aria-label={t('community.trends')}>
        <h4>{t('community.trends')}</h4>
        <p>
          {t('community.compare')} {period(recentMonths)} {t('community.vs')} {period(beforeMonths)}.
        </p>
        <Pending error={stats.error} ready={stats.data !== null} />
        {stats.data && categories.length === 0 && <p>{t('noRows')}</p>}
        <ul className="community-trends" data-testid="community-trends">
          {categories.map((c) => {
            const tr = trendText(c.recent, c.before);
            return (
              <li key={c.category} data-category={c.category} data-trend={tr.key.slice('community.'.length)}>
                <strong>{categoryLabel(c.category)}</strong>: {count(c.recent)} {t('community.reports')} (
                {t('community.before')}: {count(c.before)}) — {t(tr.key)}
                {tr.change !== null && ` (${tr.change > 0 ? '+' : ''}${formatNumber(tr.change * 100)} %)`}
              </li>
            );
          })}
        </ul>
      </section>
      <BarChart bars={bars} title={`${t('community.chart')} — ${name}`} />
      <section aria-label={t('community.advice')}>
        <h4>{t('community.advice')}</h4>
        <Pending error={advice.error} ready={advice.data !== null} />
        <div data-testid="community-advice">
          {adviceShown.map((a) => (
            <details
              key={a.category}
              data-category={a.category}
              open={a.category === categories[0]?.category}
            >
              <summary>{categoryLabel(a.category)}</summary>
              <ul>
                {a.advice.map((text) => (
                  <li key={text}>{text}</li>
                ))}
              </ul>
            </details>
          ))}
        </div>
      </section>
    </>
  );
}

/** All districts × the last 12 months (the table every role had before). */
function DistrictTable(): React.JSX.Element {
  useLang();
  const { data, error } = useApi('GET /api/v1/stats/trends', {});
  if (error || !data) return <Pending error={error} ready={false} />;
  const months = data.series[0]?.points.slice(-12).map((p) => p.month) ?? [];
  return (
    <div className="table-wrap">
      <table data-testid="community-table">
        <caption>{t('count')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('district')}</th>
            {months.map((m) => (
              <th scope="col" key={m}>
                {monthText(m)}
              </th>
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
  );
}

/**
 * The approved community bulletins (GET /texts in the community's published view: the text alone)
 * of the chosen district and of the whole area. Reviewers read bulletins, drafts included, in
 * "Resúmenes"; roles that may not read texts get nothing here.
 */
function Bulletins({ code }: { code: string | null }): React.JSX.Element | null {
  useLang();
  const [state, setState] = useState<{ texts: TextItem[]; published: boolean } | 'hidden' | string | null>(
    null,
  );
  useEffect(() => {
    let cancelled = false;
    get('GET /api/v1/texts', { kind: 'bulletin' })
      .then((r) => !cancelled && setState({ texts: r.texts, published: r.view === 'published' }))
      .catch(
        (e: unknown) =>
          !cancelled &&
          setState(
            e instanceof ApiError && e.status === 403
              ? 'hidden'
              : e instanceof Error
                ? e.message
                : t('unexpected'),
          ),
      );
    return () => {
      cancelled = true;
    };
  }, []);
  if (state === 'hidden') return null;
  if (state === null || typeof state === 'string') return <Pending error={state} ready={false} />;
  const shown = state.texts.filter(
    (b): b is Extract<TextItem, { text: string }> =>
      'text' in b && (b.district === null || b.district === code),
  );
  return (
    <section aria-label={t('community.bulletins')} data-testid="community-bulletins">
      <h3>{t('community.bulletins')}</h3>
      {!state.published ? (
        <p className="note">{t('community.bulletinsInTexts')}</p>
      ) : shown.length === 0 ? (
        <p className="note">{t('community.noBulletins')}</p>
      ) : (
        shown.map((b) => (
          <article key={b.id} className="bulletin" data-testid="community-bulletin" data-id={b.id}>
            <h4>
              {t('community.bulletinOf')} {periodText(b.periodFrom, b.periodTo)}
              {b.district === null ? ` — ${t('texts.wholeArea')}` : ''}
            </h4>
            {b.text
              .split(/\n{2,}/)
              .filter((p) => p.trim() !== '')
              .map((p, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: paragraphs of one fixed text
                <p key={i} data-server-text="">
                  {p}
                </p>
              ))}
          </article>
        ))
      )}
    </section>
  );
}

export function CommunityView(): React.JSX.Element {
  useLang();
  const [code, setCode] = useState<string>(() => localStorage.getItem(KEY) ?? '');
  const [districts, setDistricts] = useState<{ code: string; name: string }[] | null>(null);
  const list = useApi('GET /api/v1/districts', {});
  useEffect(() => {
    if (list.data) setDistricts(list.data.features.map((f) => f.properties));
  }, [list.data]);
  const chosen = districts?.find((d) => d.code === code);
  return (
    <section aria-label={t('view.community')}>
      <h2>{t('view.community')}</h2>
      <label>
        {t('community.myDistrict')}
        <select
          value={chosen ? code : ''}
          data-testid="community-district"
          onChange={(e) => {
            setCode(e.target.value);
            if (e.target.value) localStorage.setItem(KEY, e.target.value);
            else localStorage.removeItem(KEY);
          }}
        >
          <option value="">{t('community.choose')}</option>
          {districts?.map((d) => (
            <option key={d.code} value={d.code}>
              {d.name}
            </option>
          ))}
        </select>
      </label>
      {chosen ? <DistrictPage code={chosen.code} name={chosen.name} /> : <p>{t('community.pick')}</p>}
      <Bulletins code={chosen?.code ?? null} />
      <h3>{t('community.allDistricts')}</h3>
      {!chosen && <p className="note">{t('suppressedNote')}</p>}
      <DistrictTable />
    </section>
  );
}

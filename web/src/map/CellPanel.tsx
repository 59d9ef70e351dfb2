/**
 * The selected cell: its rank of N cells, expected events, percentile, district and last 12 months;
 * on forecast maps its most likely crime types this turno and why it is high (CellWhy); for roles
 * that may see them, its recent incidents. Every figure carries its label or glossary tooltip.
 */
import { explain } from '../glossary.ts';
import { categoryLabel, formatInstant, formatNumber, type Lang, type MessageKey, t } from '../i18n.ts';
import type { DecodedRisk } from '../risk-layer.ts';
import { CellWhy } from '../views/CellWhy.tsx';
import { Sparkline } from '../views/charts.tsx';
import { Figure } from '../views/Glossary.tsx';
import { type MapMode, percentileOf } from './logic.ts';
import type { CellDetail, Likely } from './use-cell-detail.ts';

export function CellPanel({
  decoded,
  selected,
  district,
  detail,
  likely,
  mode,
  lang,
}: {
  decoded: DecodedRisk | null;
  selected: number;
  /** The selected cell's district name ('—' outside every district). */
  district: string;
  detail: CellDetail | null;
  likely: Likely | null;
  mode: MapMode;
  lang: Lang;
}): React.JSX.Element {
  const cell = decoded && selected >= 0 ? decoded : null;
  return (
    <div aria-live="polite" data-testid="cell-info" className="cell-info">
      {cell && (
        <dl>
          <dt>{t('rank')}</dt>
          <dd>
            <Figure term="rank">
              {formatNumber(cell.rank[selected] as number)} / {formatNumber(cell.rank.length)}
            </Figure>
          </dd>
          <dt>{t('risk')}</dt>
          <dd>
            <Figure term="expected">
              {formatNumber(cell.risk[selected] as number, 3)} {t('expected')}
            </Figure>
          </dd>
          <dt>{t('percentile')}</dt>
          <dd>
            <Figure term="percentile">
              {formatNumber(percentileOf(cell.rank[selected] as number, cell.rank.length), 1)}
            </Figure>
          </dd>
          <dt>{t('district')}</dt>
          <dd>{district}</dd>
          <dt>{t('trend12')}</dt>
          <dd data-testid="cell-trend">
            {detail ? (
              <>
                <Sparkline
                  values={detail.months.map((p) => p.count)}
                  label={`${t('trend12')}: ${detail.total}`}
                />{' '}
                <Figure term="count">{formatNumber(detail.total)}</Figure>
              </>
            ) : (
              '…'
            )}
          </dd>
        </dl>
      )}
      {cell && likely && (
        <p
          className="cell-types"
          data-testid="cell-types"
          data-state={likely.state}
          data-explained="crimeTypes"
          title={explain('crimeTypes', lang)}
        >
          <strong>
            {t(
              likely.state === 'ok' && likely.data.turno === null
                ? 'likely.day'
                : (`likely.${cell.forecast.turno ?? 'day'}` as MessageKey),
            )}
            :
          </strong>{' '}
          {likely.state === 'loading' && t('likelyLoading')}
          {likely.state === 'error' && <span title={likely.message}>{t('likelyError')}</span>}
          {likely.state === 'ok' &&
            `${likely.data.types
              .slice(0, 3)
              .map(
                (x) =>
                  `${x.label === 'otros' ? t('likelyOther') : x.label.toLocaleLowerCase('es-PE')} ${formatNumber(100 * x.probability)} %`,
              )
              .join(', ')}${likely.data.types.length > 3 ? ', …' : ''}`}
        </p>
      )}
      {cell && mode === 'forecast' && (
        <CellWhy forecastId={cell.forecast.id} cell={cell.cells[selected] as number} />
      )}
      {detail?.incidents && (
        <>
          <h4>{t('recentIncidents')}</h4>
          <ul
            className="recent"
            data-testid="cell-incidents"
            title={
              lang === 'en' ? 'when each incident happened · its type' : 'cuándo ocurrió cada hecho · su tipo'
            }
          >
            {detail.incidents.length === 0 && <li>{t('noRows')}</li>}
            {detail.incidents.map((i) => (
              <li key={i.id}>
                {formatInstant(i.occurredAt)} · {i.modalidad ?? categoryLabel(i.category)}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

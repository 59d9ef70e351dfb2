/**
 * The priority list: the chosen district's top cells in order, each with its place (the server's
 * name, or the district until it answers), expected crimes and rank, directions and "Ver"; under
 * it the OpenStreetMap credit when any place was named from it.
 */
import { explain } from '../glossary.ts';
import { formatNumber, type Lang, t } from '../i18n.ts';
import type { DecodedRisk } from '../risk-layer.ts';
import { Figure } from '../views/Glossary.tsx';
import type { PriorityCell } from './logic.ts';
import type { Place } from './use-priority-areas.ts';

export function PriorityList({
  decoded,
  hotspots,
  placeOf,
  lang,
  onFocus,
}: {
  decoded: DecodedRisk | null;
  hotspots: PriorityCell[];
  placeOf: Map<number, Place>;
  lang: Lang;
  onFocus: (p: number) => void;
}): React.JSX.Element {
  const credit = [...placeOf.values()].find((p) => p.attribution)?.attribution;
  return (
    <>
      <h3>{t('hotspots')}</h3>
      <ol className="hotspots" data-testid="hotspots">
        {hotspots.map((h, i) => {
          const place = decoded ? placeOf.get(decoded.cells[h.p] as number) : undefined;
          return (
            <li key={h.p}>
              <span title={explain('priority', lang)} data-explained="priority">
                {i + 1}. {place?.label ?? h.district} ·{' '}
                <Figure term="expected">{formatNumber(decoded?.risk[h.p] ?? 0, 2)}</Figure> (
                <Figure term="rank">
                  {t('rank')} {formatNumber(h.rank)}
                </Figure>
                )
              </span>
              {place && (
                <a href={place.directionsUrl} target="_blank" rel="noopener noreferrer">
                  {t('shift.directions')}
                </a>
              )}
              <button type="button" onClick={() => onFocus(h.p)}>
                {t('goTo')}
              </button>
            </li>
          );
        })}
      </ol>
      {credit && (
        <p className="note attribution" data-testid="hotspots-attribution">
          {t('shift.osm')} {credit} (ODbL)
        </p>
      )}
    </>
  );
}

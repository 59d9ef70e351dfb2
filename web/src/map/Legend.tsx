/** The map's legend: one swatch per class (share of the area, or of months on the persistence map). */
import { t } from '../i18n.ts';
import { CLASS_COLORS } from '../risk-layer.ts';
import { Figure } from '../views/Glossary.tsx';
import { legendKeys, type MapMode } from './logic.ts';

export function Legend({ mode }: { mode: MapMode }): React.JSX.Element {
  return (
    <div className="legend">
      <h3>{t(mode === 'persistence' ? 'legendMonths' : 'legend')}</h3>
      {legendKeys(mode).map((k, i) => (
        <div key={k} className="legend-row">
          <span className="swatch" style={{ background: CLASS_COLORS[i] }} />
          <Figure term={mode === 'persistence' ? 'persistence' : 'areaShare'}>{t(k)}</Figure>
        </div>
      ))}
    </div>
  );
}

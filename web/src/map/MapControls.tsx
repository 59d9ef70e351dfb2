/**
 * The map's filters (crime group, months or date and turno, district) and, under them, whatever the
 * view puts there (exports, the forecast line); ForecastMeta is that line.
 */
import { modelName } from '../../../src/core/models.ts';
import { CRIME_GROUPS } from '../../../src/core/taxonomy.ts';
import { TURNOS } from '../../../src/core/time.ts';
import type { Districts, GridForecast } from '../api.ts';
import { formatDay, type Lang, type MessageKey, t } from '../i18n.ts';
import type { DecodedRisk } from '../risk-layer.ts';
import type { MapMode } from './logic.ts';
import type { MapFilters } from './use-map-data.ts';

const GROUPS = Object.keys(CRIME_GROUPS);

export function MapControls({
  mode,
  filters,
  onChange,
  days,
  districts,
  children,
}: {
  mode: MapMode;
  filters: MapFilters;
  onChange: (change: Partial<MapFilters>) => void;
  /** Days with forecasts for the chosen group, newest first. */
  days: string[];
  districts: Districts | null;
  children?: React.ReactNode;
}): React.JSX.Element {
  return (
    <div className="controls">
      <label>
        {t('group')}
        <select
          value={filters.group}
          onChange={(e) => onChange({ group: e.target.value })}
          data-testid="group"
        >
          {GROUPS.map((g) => (
            <option key={g} value={g}>
              {t(`group.${g}` as MessageKey)}
            </option>
          ))}
        </select>
      </label>
      {mode === 'persistence' && (
        <label>
          {t('months')}
          <select
            value={filters.months}
            onChange={(e) => onChange({ months: Number(e.target.value) })}
            data-testid="months"
          >
            {[6, 12, 24].map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
      )}
      {mode === 'forecast' && days.length > 0 && (
        <label>
          {t('date')}
          <select value={filters.day} onChange={(e) => onChange({ day: e.target.value })} data-testid="day">
            <option value="">
              {t('latest')} ({formatDay(days[0] as string)})
            </option>
            {days.map((d) => (
              <option key={d} value={d}>
                {formatDay(d)}
              </option>
            ))}
          </select>
        </label>
      )}
      {mode === 'forecast' && (
        <label>
          {t('turno')}
          <select
            value={filters.turno}
            onChange={(e) => onChange({ turno: e.target.value })}
            data-testid="turno"
          >
            {TURNOS.map((x) => (
              <option key={x} value={x}>
                {t(`turno.${x}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        {t('district')}
        <select
          value={filters.district}
          onChange={(e) => onChange({ district: e.target.value })}
          data-testid="district"
        >
          <option value="">{t('allDistricts')}</option>
          {districts?.features.map((f) => (
            <option key={f.properties.code} value={f.properties.code}>
              {f.properties.name}
            </option>
          ))}
        </select>
      </label>
      {children}
    </div>
  );
}

/** The forecast line: the day forecast and the model (or the months a persistence map counts). */
export function ForecastMeta({
  decoded,
  mode,
  lang,
}: {
  decoded: DecodedRisk;
  mode: MapMode;
  lang: Lang;
}): React.JSX.Element {
  const f = decoded.forecast as GridForecast & { from: string; to: string };
  return (
    <p
      className="forecast-meta"
      data-testid="forecast-meta"
      title={
        lang === 'en'
          ? 'the day the forecast is for (or the months counted) and the model that made it'
          : 'día pronosticado (o meses contados) y modelo que hizo el pronóstico'
      }
    >
      {mode === 'persistence'
        ? `${t('monthsBetween')} ${formatDay(f.from)} – ${formatDay(f.to)}`
        : `${t('forecastFor')} ${formatDay(f.targetDay)} · ${t('model')} ${modelName(f.modelKind, { lang, withKind: true })}`}
    </p>
  );
}

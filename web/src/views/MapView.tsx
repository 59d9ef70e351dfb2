/**
 * The risk map: district outlines and names, the forecast grid for a crime group and turno with a
 * legend, the top hotspots outlined and ranked, and the cell under a click. Works without internet:
 * every layer is vector data from the Vigía server. This view only composes: the data hooks and the
 * presentational parts live in web/src/map/ (docs/dashboard.md#how-the-map-is-built).
 */
import { useRef, useState } from 'react';
import type { GridForecast } from '../api.ts';
import { t, useLang } from '../i18n.ts';
import { CellPanel } from '../map/CellPanel.tsx';
import { ExportButtons } from '../map/ExportButtons.tsx';
import { Legend } from '../map/Legend.tsx';
import { cellCentre, type MapMode } from '../map/logic.ts';
import { ForecastMeta, MapControls } from '../map/MapControls.tsx';
import { PriorityList } from '../map/PriorityList.tsx';
import { useCellDetail } from '../map/use-cell-detail.ts';
import { useDistricts, useForecastDays, useForecastGrid, useMapFilters } from '../map/use-map-data.ts';
import { usePriorityAreas } from '../map/use-priority-areas.ts';
import { useRiskMap } from '../map/use-risk-map.ts';
import type { DecodedRisk } from '../risk-layer.ts';

export function MapView({
  role,
  mode = 'forecast',
}: {
  role: string;
  /** forecast: the current forecast per turno; persistence: cells hot month after month. */
  mode?: MapMode;
}): React.JSX.Element {
  const lang = useLang();
  const mapDiv = useRef<HTMLDivElement>(null);
  const [filters, setFilters] = useMapFilters();
  const { districts, locate, error: districtsError } = useDistricts();
  const days = useForecastDays(filters.group, mode);
  const grid = useForecastGrid(mode, filters, days);
  const { decoded } = grid;
  // The selected cell (valid position) and an export's failure belong to the grid they were made on.
  const [pick, setPick] = useState<{ of: DecodedRisk | null; p: number }>({ of: null, p: -1 });
  const selected = pick.of === decoded ? pick.p : -1;
  const [exportError, setExportError] = useState<{ of: DecodedRisk; message: string } | null>(null);
  const { hotspots, top, placeOf } = usePriorityAreas(decoded, locate, filters.district, mode);
  const { detail, likely } = useCellDetail(decoded, selected, { group: filters.group, role, mode });
  const map = useRiskMap(mapDiv, {
    districts,
    district: filters.district,
    decoded,
    top,
    selected,
    onPick: (p) => setPick({ of: decoded, p }),
  });

  const error = (exportError?.of === decoded ? exportError.message : null) ?? grid.error ?? districtsError;
  const centre = decoded && selected >= 0 ? cellCentre(decoded.corners, selected) : null;

  return (
    <section className="map-view" aria-label={t('view.map')}>
      <MapControls
        mode={mode}
        filters={filters}
        onChange={setFilters}
        days={days ?? []}
        districts={districts}
      >
        {decoded && (
          <ExportButtons
            decoded={decoded}
            mode={mode}
            filters={filters}
            districts={districts}
            hotspots={hotspots}
            placeOf={placeOf}
            mapDiv={mapDiv}
            metresPerPixel={map.metresPerPixel}
            onError={(message) => setExportError({ of: decoded, message })}
          />
        )}
        {decoded && <ForecastMeta decoded={decoded} mode={mode} lang={lang} />}
      </MapControls>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="map-and-panel">
        <div
          ref={mapDiv}
          className="map"
          data-testid="map"
          data-forecast-id={
            decoded
              ? mode === 'persistence'
                ? `persistence-${decoded.forecast.group}-${(decoded.forecast as GridForecast & { months: number }).months}`
                : decoded.forecast.id
              : ''
          }
          data-cells={decoded?.risk.length ?? 0}
          role="application"
          aria-label={t('view.map')}
        />
        <aside className="panel">
          <Legend mode={mode} />
          <CellPanel
            decoded={decoded}
            selected={selected}
            district={(centre && locate(centre.lng, centre.lat)?.name) ?? '—'}
            detail={detail}
            likely={likely}
            mode={mode}
            lang={lang}
          />
          <PriorityList
            decoded={decoded}
            hotspots={hotspots}
            placeOf={placeOf}
            lang={lang}
            onFocus={map.focus}
          />
        </aside>
      </div>
    </section>
  );
}

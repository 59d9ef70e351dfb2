/**
 * The map's exports: the printable map (PNG with north arrow, scale, the filters used, legend and
 * priority list), the priority areas as CSV and, on forecast maps, the forecast's cells for a GIS
 * (GeoJSON, zipped Shapefile or KML, from GET /forecasts/:id?format=…).
 */
import type { RefObject } from 'react';
import type { Districts } from '../api.ts';
import { download, mapPng, toCsv } from '../export.ts';
import { formatDay, formatNumber, type MessageKey, t } from '../i18n.ts';
import type { DecodedRisk } from '../risk-layer.ts';
import { legendKeys, type MapMode, type PriorityCell, priorityCsv } from './logic.ts';
import type { MapFilters } from './use-map-data.ts';
import type { Place } from './use-priority-areas.ts';

export function ExportButtons({
  decoded,
  mode,
  filters,
  districts,
  hotspots,
  placeOf,
  mapDiv,
  metresPerPixel,
  onError,
}: {
  decoded: DecodedRisk;
  mode: MapMode;
  filters: MapFilters;
  districts: Districts | null;
  hotspots: PriorityCell[];
  placeOf: Map<number, Place>;
  mapDiv: RefObject<HTMLDivElement | null>;
  metresPerPixel: () => number | null;
  onError: (message: string) => void;
}): React.JSX.Element {
  const { group, turno, district, months } = filters;
  const stem = `vigia-${group}-${turno}-${decoded.forecast.targetDay}`;

  /** The printable map: the map with north arrow and scale, the filters used, legend and list. */
  const exportPng = async (): Promise<void> => {
    const scale = metresPerPixel();
    if (!mapDiv.current || scale === null) return;
    const districtName =
      districts?.features.find((f) => f.properties.code === district)?.properties.name ?? t('allDistricts');
    const used = [
      `${t('group')}: ${t(`group.${group}` as MessageKey)}`,
      ...(mode === 'persistence'
        ? [`${t('months')}: ${months}`]
        : [
            `${t('turno')}: ${t(`turno.${turno}` as MessageKey)}`,
            `${t('date')}: ${formatDay(decoded.forecast.targetDay)}`,
          ]),
      `${t('district')}: ${districtName}`,
    ];
    const list = hotspots.map((h, i) => {
      const place = placeOf.get(decoded.cells[h.p] as number);
      return `${i + 1}. ${place?.label ?? h.district} · ${formatNumber(decoded.risk[h.p] ?? 0, 2)} (${t('rank')} ${formatNumber(h.rank)})`;
    });
    download(
      `${stem}.png`,
      await mapPng(mapDiv.current, {
        title: `Vigía — ${t(mode === 'persistence' ? 'view.persistence' : 'view.map')}`,
        filters: used,
        legendTitle: t(mode === 'persistence' ? 'legendMonths' : 'legend'),
        legend: legendKeys(mode).map((k) => t(k)),
        listTitle: t('hotspots'),
        list,
        metresPerPixel: scale,
      }),
    );
  };
  const exportCsv = (): void => {
    const { header, rows } = priorityCsv(decoded, hotspots);
    download(`${stem}-zonas.csv`, toCsv(header, rows));
  };
  const exportGis = async (format: 'geojson' | 'shp' | 'kml'): Promise<void> => {
    const r = await fetch(`/api/v1/forecasts/${decoded.forecast.id}?format=${format}`, {
      credentials: 'same-origin',
    });
    if (!r.ok) return onError(t('unexpected'));
    const ext = format === 'shp' ? 'zip' : format;
    download(
      `${stem}.${ext}`,
      new Blob([await r.arrayBuffer()], {
        type: r.headers.get('content-type') ?? 'application/octet-stream',
      }),
    );
  };

  return (
    <div className="exports">
      <button type="button" onClick={() => void exportPng()} data-testid="export-png">
        {t('exportPng')}
      </button>
      <button type="button" onClick={exportCsv} data-testid="export-csv">
        {t('exportCsv')}
      </button>
      {mode === 'forecast' && (
        <>
          <button type="button" onClick={() => void exportGis('geojson')} data-testid="export-geojson">
            {t('exportGeojson')}
          </button>
          <button type="button" onClick={() => void exportGis('shp')} data-testid="export-shp">
            {t('exportShp')}
          </button>
          <button type="button" onClick={() => void exportGis('kml')} data-testid="export-kml">
            {t('exportKml')}
          </button>
        </>
      )}
    </div>
  );
}

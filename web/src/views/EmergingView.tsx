/**
 * Planners' emerging hot spots ("Zonas emergentes"): the compact grid of GET /hotspots/emerging drawn
 * on the canvas layer of the risk map, one colour per class (hot in reds, cold in blues, "sin
 * patrón" transparent), the legend with the answer's Spanish labels and cell counts, the cells per
 * class and district, and the cells as GeoJSON, Shapefile or KML for the planners' GIS.
 */
import L from 'leaflet';
import { useEffect, useMemo, useRef, useState } from 'react';
import { CRIME_GROUPS } from '../../../src/core/taxonomy.ts';
import { type Answer, ApiError, get, routePath } from '../api.ts';
import { formatDay, formatNumber, type MessageKey, t, useLang } from '../i18n.ts';
import { base64Bytes, decodeCells, RiskCanvasLayer } from '../risk-layer.ts';

type Emerging = Answer<'GET /api/v1/hotspots/emerging'>;

const GROUPS = Object.keys(CRIME_GROUPS);
/** Months analysed (the route takes 10–60). */
const MONTHS = [12, 24, 36, 60] as const;
const NONE = 'rgba(0, 0, 0, 0)';

/** A categorical colour per class code: hot classes in reds, cold in blues, "none" transparent. */
export const EMERGING_COLORS: Readonly<Record<string, string>> = {
  new_hot: '#67000d',
  consecutive_hot: '#a50f15',
  intensifying_hot: '#cb181d',
  persistent_hot: '#ef3b2c',
  diminishing_hot: '#fb6a4a',
  sporadic_hot: '#fc9272',
  oscillating_hot: '#fcbba1',
  historical_hot: '#fee0d2',
  new_cold: '#08306b',
  consecutive_cold: '#08519c',
  intensifying_cold: '#2171b5',
  persistent_cold: '#4292c6',
  diminishing_cold: '#6baed6',
  sporadic_cold: '#9ecae1',
  oscillating_cold: '#c6dbef',
  historical_cold: '#deebf7',
  none: NONE,
};

/** A GIS file of the same analysis (the server names the download). */
function fileUrl(group: string, months: number, format: 'geojson' | 'shp' | 'kml'): string {
  return `/api/v1${routePath('GET /api/v1/hotspots/emerging', { group, months, format })}`;
}

export function EmergingView(): React.JSX.Element {
  useLang();
  const mapDiv = useRef<HTMLDivElement>(null);
  const mapRef = useRef<L.Map | null>(null);
  const layerRef = useRef<RiskCanvasLayer | null>(null);
  const [group, setGroup] = useState<string>('property');
  const [months, setMonths] = useState<number>(24);
  const [data, setData] = useState<Emerging | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const map = L.map(mapDiv.current as HTMLDivElement, {
      preferCanvas: true,
      attributionControl: false,
      zoomSnap: 0.25,
    });
    mapRef.current = map;
    layerRef.current = new RiskCanvasLayer().addTo(map);
    map.setView([-12.0, -77.12], 11);
    get('GET /api/v1/districts')
      .then((d) => {
        if (mapRef.current !== map) return;
        const layer = L.geoJSON(d as never, {
          style: { color: '#1f2937', weight: 1.5, fill: false },
          interactive: false,
          onEachFeature: (f, l) =>
            l.bindTooltip((f.properties as { name: string }).name, {
              permanent: true,
              direction: 'center',
              className: 'district-label',
            }),
        }).addTo(map);
        map.fitBounds(layer.getBounds(), { padding: [8, 8], animate: false });
      })
      .catch(() => undefined);
    return () => {
      map.stop();
      map.remove();
      mapRef.current = null;
    };
  }, []);

  // The analysis for the chosen group and months, drawn as soon as it arrives.
  useEffect(() => {
    let cancelled = false;
    setError(null);
    setData(null);
    layerRef.current?.setData(null);
    get('GET /api/v1/hotspots/emerging', { group, months })
      .then((a) => {
        if (cancelled) return;
        const { corners } = decodeCells(a);
        layerRef.current?.setColors(a.classes.map((c) => EMERGING_COLORS[c.code] ?? NONE));
        layerRef.current?.setData({ corners, klass: base64Bytes(a.cellClasses), top: [] });
        setData(a);
      })
      .catch((e: unknown) => {
        if (!cancelled)
          setError(
            e instanceof ApiError && e.status === 404
              ? t('noData')
              : e instanceof Error
                ? e.message
                : t('unexpected'),
          );
      });
    return () => {
      cancelled = true;
    };
  }, [group, months]);

  // Table rows: the classes some cell has, in legend order.
  const rows = useMemo(() => data?.classes.filter((c) => c.cells > 0) ?? [], [data]);

  return (
    <section className="map-view emerging-view" aria-label={t('view.emerging')}>
      <div className="controls">
        <label>
          {t('group')}
          <select value={group} onChange={(e) => setGroup(e.target.value)} data-testid="group">
            {GROUPS.map((g) => (
              <option key={g} value={g}>
                {t(`group.${g}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('emerging.months')}
          <select value={months} onChange={(e) => setMonths(Number(e.target.value))} data-testid="months">
            {MONTHS.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
        <div className="exports" data-testid="emerging-downloads">
          {t('emerging.download')}:
          <a href={fileUrl(group, months, 'geojson')} download data-testid="download-geojson">
            GeoJSON
          </a>
          <a href={fileUrl(group, months, 'shp')} download data-testid="download-shp">
            Shapefile
          </a>
          <a href={fileUrl(group, months, 'kml')} download data-testid="download-kml">
            KML
          </a>
        </div>
        {data && (
          <p className="forecast-meta" data-testid="emerging-meta">
            {t('monthsBetween')} {formatDay(data.from)} – {formatDay(data.to)} ·{' '}
            {formatNumber(data.eventsUsed)} {t('emerging.events')} · {t('emerging.cellSize')}{' '}
            {formatNumber(data.cellSize)} m
          </p>
        )}
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {!data && !error && <p className="loading">{t('loading')}</p>}
      <div className="map-and-panel">
        <div
          ref={mapDiv}
          className="map"
          data-testid="map"
          data-cells={data?.validCells ?? 0}
          role="application"
          aria-label={t('view.emerging')}
        />
        <aside className="panel">
          <div className="legend" data-testid="emerging-legend">
            <h3>{t('emerging.legend')}</h3>
            {data?.classes.map((c) => (
              <div key={c.code} className="legend-row" data-code={c.code}>
                <span
                  className="swatch"
                  style={{ background: EMERGING_COLORS[c.code] ?? NONE, border: '1px solid #9ca3af' }}
                />
                <span>
                  <span className="legend-label">{c.label}</span>{' '}
                  <span className="legend-count" title={t('emerging.cells')}>
                    ({formatNumber(c.cells)})
                  </span>
                </span>
              </div>
            ))}
          </div>
          <p className="note">{t('emerging.note')}</p>
        </aside>
      </div>
      {data && (
        <div className="table-wrap">
          <h3>{t('emerging.table')}</h3>
          <table data-testid="emerging-table">
            <thead>
              <tr>
                <th scope="col">{t('emerging.class')}</th>
                {data.districts.map((d) => (
                  <th key={d.code} scope="col" data-code={d.code}>
                    {d.name}
                  </th>
                ))}
                <th scope="col">{t('total')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr key={c.code} data-code={c.code}>
                  <th scope="row">{c.label}</th>
                  {data.districts.map((d) => (
                    <td key={d.code}>{formatNumber(d.cells[c.code] ?? 0)}</td>
                  ))}
                  <td>{formatNumber(c.cells)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

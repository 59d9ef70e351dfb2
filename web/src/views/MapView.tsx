/**
 * The risk map: district outlines and names, the forecast grid for a crime group and turno with a
 * legend, the top hotspots outlined and ranked, and the cell under a click. Works without internet:
 * every layer is vector data from the Vigía server.
 */
import L from 'leaflet';
import { useEffect, useMemo, useRef, useState } from 'react';
import { modelName } from '../../../src/core/models.ts';
import { CRIME_GROUPS } from '../../../src/core/taxonomy.ts';
import {
  type Answer,
  ApiError,
  api,
  type CrimeTypes,
  type Districts,
  type GridForecast,
  get,
  type NamedHotspots,
} from '../api.ts';
import { download, mapPng, toCsv } from '../export.ts';
import { explain } from '../glossary.ts';
import {
  categoryLabel,
  formatDay,
  formatInstant,
  formatNumber,
  type MessageKey,
  t,
  useLang,
} from '../i18n.ts';
import {
  byMonths,
  byRankShare,
  CLASS_COLORS,
  centreOf,
  type DecodedRisk,
  decodeForecast,
  positionAt,
  RiskCanvasLayer,
} from '../risk-layer.ts';
import { useApi } from '../use-api.ts';
import { CellWhy } from './CellWhy.tsx';
import { Sparkline } from './charts.tsx';
import { Figure } from './Glossary.tsx';

const GROUPS = Object.keys(CRIME_GROUPS);
const TURNOS = ['madrugada', 'mañana', 'tarde', 'noche'] as const;

/** The turno of the current hour in Lima. */
function currentTurno(): (typeof TURNOS)[number] {
  const hour = Number(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'America/Lima', hour: '2-digit', hour12: false }).format(
      new Date(),
    ),
  );
  return TURNOS[Math.min(3, Math.floor(hour / 6))] as (typeof TURNOS)[number];
}

function insideRing(lng: number, lat: number, ring: number[][]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    if (yi > lat !== yj > lat && lng < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Name and code of the district containing a point. */
function districtAt(districts: Districts | null, at: L.LatLng): { code: string; name: string } | null {
  for (const f of districts?.features ?? []) {
    const polys = (
      f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates
    ) as number[][][][];
    if (polys.some((rings) => insideRing(at.lng, at.lat, rings[0] as number[][]))) return f.properties;
  }
  return null;
}

interface CellDetail {
  months: { month: string; count: number | null }[];
  total: number;
  incidents: Answer<'GET /api/v1/incidents'>['items'] | null;
}

/** Roles that may list a cell's recent incidents (the server's field rules apply). */
const INCIDENT_ROLES = new Set(['admin', 'analyst', 'officer']);

/** Roles that may ask for a cell's most likely crime types (the server's forecast roles). */
const CRIME_TYPE_ROLES = new Set(['admin', 'analyst', 'officer', 'planner', 'official', 'researcher']);

/** The cell panel's crime-type line: asked for on each click, its own loading and error states. */
type Likely = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ok'; data: CrimeTypes };

export function MapView({
  role,
  mode = 'forecast',
}: {
  role: string;
  /** forecast: the current forecast per turno; persistence: cells hot month after month. */
  mode?: 'forecast' | 'persistence';
}): React.JSX.Element {
  const lang = useLang();
  const mapDiv = useRef<HTMLDivElement>(null);
  const mapRef = useRef<L.Map | null>(null);
  const layerRef = useRef<RiskCanvasLayer | null>(null);
  const districtLayer = useRef<L.GeoJSON | null>(null);
  const started = useRef(performance.now());
  const [group, setGroup] = useState<string>('property');
  const [turno, setTurno] = useState<string>(currentTurno());
  const [district, setDistrict] = useState<string>('');
  const [months, setMonths] = useState<number>(12);
  const [day, setDay] = useState<string>('');
  // Days with forecasts for the chosen group, known before any surface is asked for.
  const [dayList, setDayList] = useState<{ group: string; days: string[] } | null>(null);
  const days = dayList?.group === group ? dayList.days : [];
  const [districts, setDistricts] = useState<Districts | null>(null);
  const [decoded, setDecoded] = useState<DecodedRisk | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<number>(-1);
  const [detail, setDetail] = useState<CellDetail | null>(null);
  const [likely, setLikely] = useState<Likely | null>(null);

  useEffect(() => {
    const map = L.map(mapDiv.current as HTMLDivElement, {
      preferCanvas: true,
      attributionControl: false,
      zoomSnap: 0.25,
    });
    mapRef.current = map;
    layerRef.current = new RiskCanvasLayer().addTo(map);
    map.setView([-12.0, -77.12], 11);
    // The map fills its box: Leaflet re-measures whenever the box changes size (layout, phone turn).
    const resize = new ResizeObserver(() => map.invalidateSize({ animate: false }));
    resize.observe(mapDiv.current as HTMLDivElement);
    return () => {
      resize.disconnect();
      map.stop();
      map.remove();
      mapRef.current = null;
    };
  }, []);

  // A base map only when one is configured (VIGIA_TILE_URL): the map never depends on the internet.
  useEffect(() => {
    get('GET /api/v1/ui')
      .then((ui) => {
        const map = mapRef.current;
        if (!map || !ui.tiles) return;
        map.attributionControl?.remove();
        L.control.attribution({ prefix: false }).addTo(map);
        L.tileLayer(ui.tiles.url, { attribution: ui.tiles.attribution, maxZoom: 19 })
          .addTo(map)
          .bringToBack();
      })
      .catch(() => undefined);
  }, []);

  useEffect(() => {
    get('GET /api/v1/districts')
      .then((d) => {
        setDistricts(d);
        const map = mapRef.current;
        if (!map) return;
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
        districtLayer.current = layer;
        map.fitBounds(layer.getBounds(), { padding: [8, 8], animate: false });
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : t('unexpected')));
  }, []);

  useEffect(() => {
    let cancelled = false;
    setError(null);
    if (mode === 'forecast') {
      if (dayList?.group !== group) return; // the list of days arrives first
      if (dayList.days.length === 0) {
        layerRef.current?.setData(null);
        setDecoded(null);
        setError(t('noForecast'));
        return;
      }
    }
    const url =
      mode === 'persistence'
        ? `/hotspots/persistence?group=${group}&months=${months}`
        : `/forecasts/current?group=${group}&turno=${encodeURIComponent(turno)}&format=grid${day ? `&day=${day}` : ''}`;
    api<GridForecast>(
      url,
      {},
      mode === 'persistence' ? 'GET /api/v1/hotspots/persistence' : 'GET /api/v1/forecasts/current',
    )
      .then((f) => {
        if (cancelled) return;
        const d = decodeForecast(f, 10, mode === 'persistence' ? byMonths : byRankShare);
        layerRef.current?.setData(d);
        setDecoded(d);
        setSelected(-1);
        const el = mapDiv.current;
        // First render, measured in the browser: since this view mounted, and since navigation start.
        if (el && !el.dataset.firstRenderMs) {
          el.dataset.firstRenderMs = String(Math.round(performance.now() - started.current));
          el.dataset.renderedAtMs = String(Math.round(performance.now()));
        }
      })
      .catch((e: unknown) => {
        if (cancelled) return;
        layerRef.current?.setData(null);
        setDecoded(null);
        setError(
          e instanceof ApiError && e.status === 404
            ? t('noForecast')
            : e instanceof Error
              ? e.message
              : t('unexpected'),
        );
      });
    return () => {
      cancelled = true;
    };
  }, [group, turno, mode, months, day, dayList]);

  // The days that have forecasts for this group (newest first).
  useEffect(() => {
    if (mode !== 'forecast') return;
    get('GET /api/v1/forecasts/days', { group })
      .then((r) => setDayList({ group, days: r.days }))
      .catch(() => setDayList({ group, days: [] }));
  }, [group, mode]);

  // Click on the map: the cell under it.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !decoded) return;
    const onClick = (e: L.LeafletMouseEvent): void => {
      const p = positionAt(decoded, e.latlng);
      setSelected(p);
      layerRef.current?.select(p);
    };
    map.on('click', onClick);
    return () => {
      map.off('click', onClick);
    };
  }, [decoded]);

  // Zoom to the chosen district.
  useEffect(() => {
    const map = mapRef.current;
    const layer = districtLayer.current;
    if (!map || !layer) return;
    let bounds = layer.getBounds();
    layer.eachLayer((l) => {
      const code = ((l as L.Polygon).feature?.properties as { code?: string } | undefined)?.code;
      if (district && code === district) bounds = (l as L.Polygon).getBounds();
    });
    map.fitBounds(bounds, { padding: [8, 8], animate: false });
  }, [district]);

  const hotspots = useMemo(() => {
    if (!decoded) return [];
    const all = decoded.rank.length;
    const order = Array.from({ length: all }, (_, p) => p).sort(
      (a, b) => (decoded.rank[a] as number) - (decoded.rank[b] as number),
    );
    const out: { p: number; rank: number; district: string }[] = [];
    for (const p of order) {
      if ((decoded.risk[p] as number) <= 0 || out.length >= 10) break;
      const d = districtAt(districts, centreOf(decoded, p));
      if (district && d?.code !== district) continue;
      out.push({ p, rank: decoded.rank[p] as number, district: d?.name ?? '—' });
    }
    return out;
  }, [decoded, districts, district]);

  // The forecast's hotspots named by the server (district, streets, landmark, directions), by cell.
  const named = useApi(
    'GET /api/v1/forecasts/:id/hotspots',
    mode === 'forecast' && decoded ? { id: decoded.forecast.id, limit: 10, district } : null,
  ).data;
  const placeOf = useMemo(() => {
    const byCell = new Map<number, NamedHotspots['hotspots'][number]['place']>();
    if (named && decoded && named.forecastId === decoded.forecast.id)
      for (const h of named.hotspots) byCell.set(h.cell, h.place);
    return byCell;
  }, [named, decoded]);

  // The outlined, numbered cells on the map are the list's (the chosen district's top cells).
  useEffect(() => {
    layerRef.current?.setTop(hotspots.map((h) => h.p));
  }, [hotspots]);

  const focus = (p: number): void => {
    if (!decoded) return;
    mapRef.current?.setView(centreOf(decoded, p), 16, { animate: false });
    setSelected(p);
    layerRef.current?.select(p);
  };

  // The selected cell's last 12 months and, for roles that may see them, its recent incidents.
  useEffect(() => {
    setDetail(null);
    if (!decoded || selected < 0) return;
    let cancelled = false;
    let minLat = 90;
    let minLng = 180;
    let maxLat = -90;
    let maxLng = -180;
    for (let k = 0; k < 4; k++) {
      const lat = decoded.corners[selected * 8 + k * 2] as number;
      const lng = decoded.corners[selected * 8 + k * 2 + 1] as number;
      minLat = Math.min(minLat, lat);
      maxLat = Math.max(maxLat, lat);
      minLng = Math.min(minLng, lng);
      maxLng = Math.max(maxLng, lng);
    }
    const bbox = [minLng, minLat, maxLng, maxLat].map((v) => v.toFixed(6)).join(',');
    const end = new Date(`${decoded.forecast.targetDay}T00:00:00Z`);
    const start = new Date(Date.UTC(end.getUTCFullYear() - 1, end.getUTCMonth(), 1))
      .toISOString()
      .slice(0, 10);
    const last = new Date(end.getTime() - 86_400_000).toISOString().slice(0, 10);
    Promise.all([
      get('GET /api/v1/stats/trends', { group, bbox, from: start, to: last }),
      INCIDENT_ROLES.has(role)
        ? get('GET /api/v1/incidents', { group, bbox, limit: 5, to: last })
        : Promise.resolve(null),
    ])
      .then(([trend, recent]) => {
        if (cancelled) return;
        const points = trend.series.find((x) => x.district === null)?.points ?? [];
        setDetail({
          months: points,
          total: points.reduce((a, p) => a + (p.count ?? 0), 0),
          incidents: recent?.items ?? null,
        });
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [decoded, selected, group, role]);

  // The selected cell's most likely crime types this turno (forecast maps, roles that may ask).
  useEffect(() => {
    setLikely(null);
    if (!decoded || selected < 0 || mode !== 'forecast' || !CRIME_TYPE_ROLES.has(role)) return;
    let cancelled = false;
    setLikely({ state: 'loading' });
    const f = decoded.forecast;
    get('GET /api/v1/crime-types', {
      cell: decoded.cells[selected],
      day: f.targetDay,
      group: f.group,
      turno: f.turno,
    })
      .then((data) => {
        if (!cancelled) setLikely({ state: 'ok', data });
      })
      .catch((e: unknown) => {
        if (!cancelled)
          setLikely({ state: 'error', message: e instanceof Error ? e.message : t('unexpected') });
      });
    return () => {
      cancelled = true;
    };
  }, [decoded, selected, mode, role]);

  const LEGEND =
    mode === 'persistence'
      ? (['legend.m75', 'legend.m50', 'legend.m25', 'legend.m0', 'legend.never'] as const)
      : (['legend.1', 'legend.5', 'legend.10', 'legend.20', 'legend.rest'] as const);
  const stem = decoded ? `vigia-${group}-${turno}-${decoded.forecast.targetDay}` : 'vigia';
  /** The printable map: the map with north arrow and scale, the filters used, legend and list. */
  const exportPng = async (): Promise<void> => {
    const map = mapRef.current;
    if (!decoded || !mapDiv.current || !map) return;
    const size = map.getSize();
    const mid = size.y / 2;
    const metresPerPixel =
      map.distance(map.containerPointToLatLng([0, mid]), map.containerPointToLatLng([size.x, mid])) / size.x;
    const districtName =
      districts?.features.find((f) => f.properties.code === district)?.properties.name ?? t('allDistricts');
    const filters = [
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
        filters,
        legendTitle: t(mode === 'persistence' ? 'legendMonths' : 'legend'),
        legend: LEGEND.map((k) => t(k)),
        listTitle: t('hotspots'),
        list,
        metresPerPixel,
      }),
    );
  };
  const exportCsv = (): void => {
    if (!decoded) return;
    download(
      `${stem}-zonas.csv`,
      toCsv(
        ['orden', 'puesto', 'distrito', 'riesgo', 'celda', 'lat', 'lon'],
        hotspots.map((h, i) => {
          const c = centreOf(decoded, h.p);
          return [
            i + 1,
            h.rank,
            h.district,
            (decoded.risk[h.p] as number).toFixed(4),
            decoded.cells[h.p] as number,
            c.lat.toFixed(5),
            c.lng.toFixed(5),
          ];
        }),
      ),
    );
  };
  /** The forecast's cells for a GIS: GeoJSON, zipped Shapefile or KML (GET /forecasts/:id?format=…). */
  const exportGis = async (format: 'geojson' | 'shp' | 'kml'): Promise<void> => {
    if (!decoded) return;
    const r = await fetch(`/api/v1/forecasts/${decoded.forecast.id}?format=${format}`, {
      credentials: 'same-origin',
    });
    if (!r.ok) return setError(t('unexpected'));
    const ext = format === 'shp' ? 'zip' : format;
    download(
      `${stem}.${ext}`,
      new Blob([await r.arrayBuffer()], {
        type: r.headers.get('content-type') ?? 'application/octet-stream',
      }),
    );
  };

  const cellInfo =
    decoded && selected >= 0
      ? {
          rank: decoded.rank[selected] as number,
          risk: decoded.risk[selected] as number,
          percentile: 100 * (1 - ((decoded.rank[selected] as number) - 1) / decoded.rank.length),
          district: districtAt(districts, centreOf(decoded, selected))?.name ?? '—',
        }
      : null;

  return (
    <section className="map-view" aria-label={t('view.map')}>
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
        {mode === 'persistence' && (
          <label>
            {t('months')}
            <select value={months} onChange={(e) => setMonths(Number(e.target.value))} data-testid="months">
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
            <select value={day} onChange={(e) => setDay(e.target.value)} data-testid="day">
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
            <select value={turno} onChange={(e) => setTurno(e.target.value)} data-testid="turno">
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
          <select value={district} onChange={(e) => setDistrict(e.target.value)} data-testid="district">
            <option value="">{t('allDistricts')}</option>
            {districts?.features.map((f) => (
              <option key={f.properties.code} value={f.properties.code}>
                {f.properties.name}
              </option>
            ))}
          </select>
        </label>
        {decoded && (
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
        )}
        {decoded && (
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
              ? `${t('monthsBetween')} ${formatDay((decoded.forecast as GridForecast & { from: string }).from)} – ${formatDay((decoded.forecast as GridForecast & { to: string }).to)}`
              : `${t('forecastFor')} ${formatDay(decoded.forecast.targetDay)} · ${t('model')} ${modelName(decoded.forecast.modelKind, { lang, withKind: true })}`}
          </p>
        )}
      </div>
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
          <div className="legend">
            <h3>{t(mode === 'persistence' ? 'legendMonths' : 'legend')}</h3>
            {LEGEND.map((k, i) => (
              <div key={k} className="legend-row">
                <span className="swatch" style={{ background: CLASS_COLORS[i] }} />
                <Figure term={mode === 'persistence' ? 'persistence' : 'areaShare'}>{t(k)}</Figure>
              </div>
            ))}
          </div>
          <div aria-live="polite" data-testid="cell-info" className="cell-info">
            {cellInfo && (
              <dl>
                <dt>{t('rank')}</dt>
                <dd>
                  <Figure term="rank">
                    {formatNumber(cellInfo.rank)} / {formatNumber(decoded?.rank.length ?? 0)}
                  </Figure>
                </dd>
                <dt>{t('risk')}</dt>
                <dd>
                  <Figure term="expected">
                    {formatNumber(cellInfo.risk, 3)} {t('expected')}
                  </Figure>
                </dd>
                <dt>{t('percentile')}</dt>
                <dd>
                  <Figure term="percentile">{formatNumber(cellInfo.percentile, 1)}</Figure>
                </dd>
                <dt>{t('district')}</dt>
                <dd>{cellInfo.district}</dd>
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
            {cellInfo && likely && (
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
                      : (`likely.${decoded?.forecast.turno ?? 'day'}` as MessageKey),
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
            {cellInfo && mode === 'forecast' && decoded && (
              <CellWhy forecastId={decoded.forecast.id} cell={decoded.cells[selected] as number} />
            )}
            {detail?.incidents && (
              <>
                <h4>{t('recentIncidents')}</h4>
                <ul
                  className="recent"
                  data-testid="cell-incidents"
                  title={
                    lang === 'en'
                      ? 'when each incident happened · its type'
                      : 'cuándo ocurrió cada hecho · su tipo'
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
                  <button type="button" onClick={() => focus(h.p)}>
                    {t('goTo')}
                  </button>
                </li>
              );
            })}
          </ol>
          {[...placeOf.values()].some((p) => p.attribution) && (
            <p className="note attribution" data-testid="hotspots-attribution">
              {t('shift.osm')} {[...placeOf.values()].find((p) => p.attribution)?.attribution} (ODbL)
            </p>
          )}
        </aside>
      </div>
    </section>
  );
}

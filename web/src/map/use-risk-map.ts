/**
 * The Leaflet map's whole lifecycle in one hook: the map in its box (re-measured when the box
 * changes size), the base map when one is configured, the district outlines and names, the zoom to
 * the chosen district, the risk grid on its canvas layer with the priority cells outlined and
 * numbered, the selected cell, and clicks → the cell under them. Nothing else touches Leaflet.
 */
import L from 'leaflet';
import { type RefObject, useEffect, useRef, useState } from 'react';
import { type Districts, get } from '../api.ts';
import { centreOf, type DecodedRisk, positionAt, RiskCanvasLayer } from '../risk-layer.ts';

export interface RiskMapInput {
  districts: Districts | null;
  /** The chosen district's code ('' = the whole area): the map fits it. */
  district: string;
  decoded: DecodedRisk | null;
  /** Valid positions of the outlined, numbered cells, best first. */
  top: number[];
  /** The selected cell's valid position, or −1. */
  selected: number;
  /** A click on the map: the valid position of the cell under it, or −1. */
  onPick: (p: number) => void;
}

export function useRiskMap(
  mapDiv: RefObject<HTMLDivElement | null>,
  { districts, district, decoded, top, selected, onPick }: RiskMapInput,
): {
  /** Centres the map on a cell, zoomed in, and selects it. */
  focus: (p: number) => void;
  /** Metres per pixel across the middle of the map (the printed scale), or null before it exists. */
  metresPerPixel: () => number | null;
} {
  const mapRef = useRef<L.Map | null>(null);
  const layerRef = useRef<RiskCanvasLayer | null>(null);
  const [outline, setOutline] = useState<L.GeoJSON | null>(null);
  const started = useRef(performance.now());
  const pick = useRef(onPick);
  pick.current = onPick;

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
    // A base map only when one is configured (VIGIA_TILE_URL): the map never depends on the internet.
    get('GET /api/v1/ui')
      .then((ui) => {
        if (mapRef.current !== map || !ui.tiles) return;
        map.attributionControl?.remove();
        L.control.attribution({ prefix: false }).addTo(map);
        L.tileLayer(ui.tiles.url, { attribution: ui.tiles.attribution, maxZoom: 19 })
          .addTo(map)
          .bringToBack();
      })
      .catch(() => undefined);
    return () => {
      resize.disconnect();
      map.stop();
      map.remove();
      mapRef.current = null;
      layerRef.current = null;
    };
  }, [mapDiv]);

  // District outlines with their names (permanent tooltips, which the numbered markers keep clear of).
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !districts) return;
    const layer = L.geoJSON(districts as never, {
      style: { color: '#1f2937', weight: 1.5, fill: false },
      interactive: false,
      onEachFeature: (f, l) =>
        l.bindTooltip((f.properties as { name: string }).name, {
          permanent: true,
          direction: 'center',
          className: 'district-label',
        }),
    }).addTo(map);
    setOutline(layer);
    return () => {
      layer.remove();
      setOutline(null);
    };
  }, [districts]);

  // Fit the chosen district, or the whole area.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !outline) return;
    let bounds = outline.getBounds();
    outline.eachLayer((l) => {
      const code = ((l as L.Polygon).feature?.properties as { code?: string } | undefined)?.code;
      if (district && code === district) bounds = (l as L.Polygon).getBounds();
    });
    map.fitBounds(bounds, { padding: [8, 8], animate: false });
  }, [district, outline]);

  // The grid on its canvas; the first one drawn is timed (since this view mounted, since navigation start).
  useEffect(() => {
    layerRef.current?.setData(decoded);
    const el = mapDiv.current;
    if (decoded && el && !el.dataset.firstRenderMs) {
      el.dataset.firstRenderMs = String(Math.round(performance.now() - started.current));
      el.dataset.renderedAtMs = String(Math.round(performance.now()));
    }
  }, [decoded, mapDiv]);

  // The outlined, numbered cells are the priority list's (the chosen district's top cells).
  useEffect(() => {
    layerRef.current?.setTop(top);
  }, [top]);

  useEffect(() => {
    layerRef.current?.select(selected);
  }, [selected]);

  // Click on the map: the cell under it.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !decoded) return;
    const onClick = (e: L.LeafletMouseEvent): void => pick.current(positionAt(decoded, e.latlng));
    map.on('click', onClick);
    return () => {
      map.off('click', onClick);
    };
  }, [decoded]);

  return {
    focus: (p) => {
      if (!decoded) return;
      mapRef.current?.setView(centreOf(decoded, p), 16, { animate: false });
      pick.current(p);
    },
    metresPerPixel: () => {
      const map = mapRef.current;
      if (!map) return null;
      const size = map.getSize();
      const mid = size.y / 2;
      return (
        map.distance(map.containerPointToLatLng([0, mid]), map.containerPointToLatLng([size.x, mid])) / size.x
      );
    },
  };
}

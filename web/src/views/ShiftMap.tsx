/**
 * The officer's patrol areas on a map: each area's cells filled, its outer edge outlined and its
 * order number on it. Cells come from the plan's grid (src/core/grid.ts), projected to degrees with
 * proj4 (the plan grids are UTM: EPSG:326zz north, 327zz south). A base map only when configured.
 */
import L from 'leaflet';
import proj4 from 'proj4';
import { useEffect, useRef } from 'react';
import { cellCorners, type GridSpec } from '../../../src/core/grid.ts';
import { get } from '../api.ts';
import { t } from '../i18n.ts';
import type { PlanArea } from '../use-shift.ts';

/** The proj4 definition of a UTM EPSG code, or null. */
function utmDefinition(crs: string): string | null {
  const m = /^EPSG:32([67])(\d{2})$/.exec(crs);
  if (!m) return null;
  const south = m[1] === '7';
  const zone = Number(m[2]);
  if (!(zone >= 1 && zone <= 60)) return null;
  return `+proj=utm +zone=${zone} ${south ? '+south ' : ''}+datum=WGS84 +units=m +no_defs`;
}

/** The edges of an area's cells that no other cell of the area shares: its outline. */
function outline(grid: GridSpec, cells: number[]): [number, number][][] {
  const set = new Set(cells);
  const edges: [number, number][][] = [];
  for (const c of cells) {
    const col = c % grid.cols;
    const [sw, se, ne, nw] = cellCorners(grid, c) as [
      [number, number],
      [number, number],
      [number, number],
      [number, number],
    ];
    if (!set.has(c - grid.cols)) edges.push([sw, se]);
    if (col === grid.cols - 1 || !set.has(c + 1)) edges.push([se, ne]);
    if (!set.has(c + grid.cols)) edges.push([ne, nw]);
    if (col === 0 || !set.has(c - 1)) edges.push([nw, sw]);
  }
  return edges;
}

export function ShiftMap({
  grid,
  areas,
  active,
}: {
  grid: GridSpec;
  areas: PlanArea[];
  /** The area being visited, drawn stronger. */
  active: number | null;
}): React.JSX.Element {
  const div = useRef<HTMLDivElement>(null);
  const mapRef = useRef<L.Map | null>(null);

  useEffect(() => {
    const map = L.map(div.current as HTMLDivElement, { attributionControl: false, zoomSnap: 0.25 });
    mapRef.current = map;
    map.setView([-12.0, -77.12], 12);
    get('GET /api/v1/ui')
      .then((ui) => {
        if (!ui.tiles || mapRef.current !== map) return;
        L.control.attribution({ prefix: false }).addTo(map);
        L.tileLayer(ui.tiles.url, { attribution: ui.tiles.attribution, maxZoom: 19 })
          .addTo(map)
          .bringToBack();
      })
      .catch(() => undefined);
    return () => {
      map.remove();
      mapRef.current = null;
    };
  }, []);

  useEffect(() => {
    const map = mapRef.current;
    const def = utmDefinition(grid.crs);
    if (!map || !def || areas.length === 0) return;
    const project = proj4(def, 'EPSG:4326');
    const ll = ([x, y]: [number, number]): L.LatLngTuple => {
      const [lon, lat] = project.forward([x, y]) as [number, number];
      return [lat, lon];
    };
    const group = L.featureGroup();
    for (const a of areas) {
      const strong = a.order === active;
      const color = strong ? '#b91c1c' : '#1d4ed8';
      for (const c of a.cells)
        L.polygon(cellCorners(grid, c).map(ll), {
          stroke: false,
          fillColor: color,
          fillOpacity: strong ? 0.35 : 0.2,
          interactive: false,
        }).addTo(group);
      const line = L.polyline(
        outline(grid, a.cells).map((e) => e.map(ll)),
        {
          color,
          weight: strong ? 4 : 3,
          className: `patrol-area-outline area-${a.order}`,
          interactive: false,
        },
      ).addTo(group);
      L.tooltip({ permanent: true, direction: 'center', className: 'area-number' })
        .setLatLng(line.getBounds().getCenter())
        .setContent(String(a.order))
        .addTo(group);
    }
    group.addTo(map);
    map.fitBounds(group.getBounds(), { padding: [16, 16], maxZoom: 17, animate: false });
    return () => {
      group.remove();
    };
  }, [grid, areas, active]);

  return (
    <div
      ref={div}
      className="shift-map"
      data-testid="shift-map"
      role="img"
      aria-label={`${t('shift.mapLabel')}: ${areas.map((a) => a.order).join(', ')}`}
    />
  );
}

/**
 * The vector map of printed documents (the patrol mission sheet, the CODISEC briefing): district
 * outlines, marked sets of grid cells outlined and labelled, a scale bar and a north arrow, as SVG
 * in points for pdfmake. No tiles: every line is Vigía's own vector data.
 */
import { cellCenter, type GridSpec } from '../core/grid.ts';
import { cellOutline, solidCells } from '../geo/cell-outline.ts';
import type { PolygonalGeometry } from '../geo/polygon.ts';
import type { StudyArea } from '../geo/study-area.ts';

/** A set of cells drawn outlined, with a short label (a number) at its centre. */
export interface MapMark {
  cells: readonly number[];
  label: string;
}

/** The map's colours (#rrggbb: tests look for them on the rendered page). */
export interface MapColours {
  areaOutline: string;
  areaFill: string;
  district: string;
  districtFill: string;
}

/** Size of the map in points, and its colours. */
export interface MapOptions {
  width: number;
  height: number;
  colours: MapColours;
}

type XY = [number, number];

/** Lattice vertex (col, row) of a grid → projected metres (the grid may be rotated). */
function latticePoint(grid: GridSpec, col: number, row: number): XY {
  const th = (grid.rotationDeg * Math.PI) / 180;
  const u = col * grid.cellSize;
  const v = row * grid.cellSize;
  return [grid.x0 + u * Math.cos(th) - v * Math.sin(th), grid.y0 + u * Math.sin(th) + v * Math.cos(th)];
}

/** The outline rings of a patrol area's cells, projected metres (cells' holes filled). */
function areaRings(grid: GridSpec, cells: readonly number[]): XY[][] {
  let r0 = Infinity;
  let c0 = Infinity;
  let r1 = -Infinity;
  let c1 = -Infinity;
  for (const c of cells) {
    const col = c % grid.cols;
    const row = (c - col) / grid.cols;
    r0 = Math.min(r0, row);
    r1 = Math.max(r1, row);
    c0 = Math.min(c0, col);
    c1 = Math.max(c1, col);
  }
  // A window of the grid around the area keeps the lattice small.
  const rows = r1 - r0 + 1;
  const cols = c1 - c0 + 1;
  const set = new Uint8Array(rows * cols);
  for (const c of cells) {
    const col = c % grid.cols;
    const row = (c - col) / grid.cols;
    set[(row - r0) * cols + (col - c0)] = 1;
  }
  return cellOutline(solidCells({ rows, cols, cells: set })).map((ring) => {
    const out: XY[] = [];
    for (let i = 0; i < ring.length; i += 2)
      out.push(latticePoint(grid, (ring[i] as number) + c0, (ring[i + 1] as number) + r0));
    return out;
  });
}

/** The rings of a GeoJSON polygon or multipolygon, projected. */
function geometryRings(geometry: PolygonalGeometry, area: StudyArea): XY[][] {
  const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return polys.flatMap((p) =>
    p.map((ring) => ring.map((pt) => area.projection.forward(pt[0] as number, pt[1] as number))),
  );
}

/** A round length for the scale bar: the largest 1, 2 or 5 × 10^k metres not above `max`. */
function scaleLength(max: number): number {
  const k = 10 ** Math.floor(Math.log10(max));
  for (const m of [5, 2, 1]) if (m * k <= max) return m * k;
  return k;
}

const num = (n: number): string => (Math.round(n * 100) / 100).toString();

/**
 * The map as SVG (points): the districts shown (null: all), every mark outlined and labelled, a
 * scale bar and a north arrow (projected north: the map is drawn in the area's projection, not the
 * grid's rotation).
 */
export function vectorMapSvg(
  area: StudyArea,
  grid: GridSpec,
  marks: readonly MapMark[],
  districtCodes: readonly string[] | null,
  { width, height, colours }: MapOptions,
): string {
  const MAP = { width, height };
  const districts = area.def.districts.filter(
    (d) => districtCodes === null || districtCodes.includes(d.code),
  );
  const outlines: XY[][] =
    area.def.districts.length === 0
      ? area.def.boundary.flatMap((g) => geometryRings(g, area))
      : districts.flatMap((d) => geometryRings(d.geometry, area));
  const patrol = marks.map((a) => ({ area: a, rings: areaRings(grid, a.cells) }));
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const ring of [...outlines, ...patrol.flatMap((p) => p.rings)])
    for (const [x, y] of ring) {
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
  if (!Number.isFinite(minX)) {
    minX = area.projectedBbox[0];
    minY = area.projectedBbox[1];
    maxX = area.projectedBbox[2];
    maxY = area.projectedBbox[3];
  }
  const margin = 14;
  const spanX = Math.max(maxX - minX, grid.cellSize);
  const spanY = Math.max(maxY - minY, grid.cellSize);
  const s = Math.min((MAP.width - 2 * margin) / spanX, (MAP.height - 2 * margin) / spanY);
  const ox = (MAP.width - spanX * s) / 2;
  const oy = (MAP.height - spanY * s) / 2;
  const px = (x: number): string => num(ox + (x - minX) * s);
  const py = (y: number): string => num(oy + (maxY - y) * s);
  const path = (rings: readonly XY[][]): string =>
    rings.map((r) => `M${r.map(([x, y]) => `${px(x)} ${py(y)}`).join(' L')} Z`).join(' ');

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${MAP.width}" height="${MAP.height}" viewBox="0 0 ${MAP.width} ${MAP.height}">`,
    `<rect x="0" y="0" width="${MAP.width}" height="${MAP.height}" fill="#ffffff" stroke="#999999" stroke-width="0.5"/>`,
  ];
  if (outlines.length > 0)
    parts.push(
      `<path d="${path(outlines)}" fill="${colours.districtFill}" fill-rule="evenodd" stroke="${colours.district}" stroke-width="0.8"/>`,
    );
  for (const p of patrol)
    parts.push(
      `<path d="${path(p.rings)}" fill="${colours.areaFill}" stroke="${colours.areaOutline}" stroke-width="2.2" stroke-linejoin="round"/>`,
    );
  // Labels last, so no outline covers a number.
  const centre = new Float64Array(2);
  for (const p of patrol) {
    let x = 0;
    let y = 0;
    for (const c of p.area.cells) {
      cellCenter(grid, c, centre);
      x += centre[0] as number;
      y += centre[1] as number;
    }
    let cx = px(x / p.area.cells.length);
    let cy = py(y / p.area.cells.length);
    // A mark smaller than its label keeps it visible: the label moves up and right, with a leader.
    if (Math.sqrt(p.area.cells.length) * grid.cellSize * s < 16) {
      const [x0, y0] = [cx, cy];
      cx = num(Number(x0) + 10);
      cy = num(Number(y0) - 10);
      parts.push(`<path d="M${x0} ${y0} L${cx} ${cy}" stroke="${colours.areaOutline}" stroke-width="0.8"/>`);
    }
    parts.push(
      `<circle cx="${cx}" cy="${cy}" r="6.5" fill="#ffffff" stroke="${colours.areaOutline}" stroke-width="1"/>`,
      `<text x="${cx}" y="${num(Number(cy) + 2.6)}" font-family="Roboto" font-weight="bold" font-size="7.5" text-anchor="middle" fill="#000000">${p.area.label}</text>`,
    );
  }
  // Scale bar (bottom left), about a fifth of the map's width.
  const metres = scaleLength(MAP.width / 5 / s);
  const bar = metres * s;
  const by = MAP.height - 12;
  parts.push(
    `<rect x="10" y="${by - 4}" width="${num(bar)}" height="4" fill="#000000"/>`,
    `<rect x="${num(10 + bar / 2)}" y="${by - 4}" width="${num(bar / 2)}" height="4" fill="#ffffff" stroke="#000000" stroke-width="0.5"/>`,
    `<text x="${num(14 + bar)}" y="${by}" font-family="Roboto" font-size="7" fill="#000000">${metres >= 1000 ? `${metres / 1000} km` : `${metres} m`}</text>`,
  );
  // North arrow (top right).
  const nx = MAP.width - 20;
  parts.push(
    `<path d="M${nx} 10 L${nx + 6} 28 L${nx} 24 L${nx - 6} 28 Z" fill="#000000"/>`,
    `<text x="${nx}" y="38" font-family="Roboto" font-weight="bold" font-size="8" text-anchor="middle" fill="#000000">N</text>`,
    '</svg>',
  );
  return parts.join('\n');
}

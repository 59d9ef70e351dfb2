/**
 * Square grids in projected metres. A grid is pure arithmetic — origin, cell size, shape and an
 * optional rotation — so cells are integers, never objects: cell `c = row * cols + col`, row 0 at
 * the south edge and column 0 at the west edge (the natural order used for deterministic ties).
 * Grid placement moves hit rates (the modifiable areal unit problem), so origin offset and rotation
 * are parameters.
 */
import { ValidationError } from './errors.ts';

/** Allowed cell sizes, metres. */
export const CELL_SIZE_RANGE = { min: 75, max: 500, default: 150 } as const;

/** A grid over a projected plane. */
export interface GridSpec {
  /** South-west corner of cell 0 (before rotation), metres. */
  readonly x0: number;
  readonly y0: number;
  readonly cellSize: number;
  readonly cols: number;
  readonly rows: number;
  /** Counter-clockwise rotation of the grid about (x0, y0), degrees. */
  readonly rotationDeg: number;
  /** The projected CRS the coordinates are in, e.g. "EPSG:32718". */
  readonly crs: string;
}

/** Options of {@link createGrid}. */
export interface GridOptions {
  /** Cell side in metres, 75–500 (default 150). */
  cellSize?: number;
  /** Shift of the origin, metres, as a fraction-free offset (e.g. half a cell = 75). */
  offsetX?: number;
  offsetY?: number;
  /**
   * A point (metres in the grid's CRS) that must be a cell corner: the grid is anchored on it, and
   * its cell 0 lies a whole number of cells from it (the origin snapped to the cell size). The
   * offsets above then move the grid from there.
   */
  origin?: readonly [number, number];
  /** Rotation in degrees, −45 to 45 (default 0). */
  rotationDeg?: number;
}

/**
 * A grid covering a projected bounding box (rotated grids are enlarged to still cover it).
 * @throws ValidationError for a cell size outside 75–500 m, a bad rotation or an empty box
 */
export function createGrid(
  bbox: readonly [number, number, number, number],
  crs: string,
  options: GridOptions = {},
): GridSpec {
  const cellSize = options.cellSize ?? CELL_SIZE_RANGE.default;
  if (!(cellSize >= CELL_SIZE_RANGE.min && cellSize <= CELL_SIZE_RANGE.max))
    throw new ValidationError(
      'cellSize',
      `tamaño de celda fuera de rango: ${cellSize} m (use ${CELL_SIZE_RANGE.min}–${CELL_SIZE_RANGE.max} m, por defecto 150)`,
    );
  const rotationDeg = options.rotationDeg ?? 0;
  if (!(rotationDeg >= -45 && rotationDeg <= 45))
    throw new ValidationError('rotationDeg', `rotación fuera de rango: ${rotationDeg}° (use −45 a 45)`);
  const [minX, minY, maxX, maxY] = bbox;
  if (!(maxX > minX && maxY > minY))
    throw new ValidationError('area', 'el área de estudio está vacía (caja sin superficie)');
  let offsetX = options.offsetX ?? 0;
  let offsetY = options.offsetY ?? 0;
  if (options.origin) {
    const [ox, oy] = options.origin;
    if (!Number.isFinite(ox) || !Number.isFinite(oy))
      throw new ValidationError('origin', 'el origen de la grilla debe ser x,y en metros (números finitos)');
  }
  if (rotationDeg === 0) {
    // x0 = minX − s + (offset mod s), so an offset of ox − minX puts a corner on ox.
    if (options.origin) {
      offsetX += options.origin[0] - minX;
      offsetY += options.origin[1] - minY;
    }
    const x0 = minX - cellSize + (((offsetX % cellSize) + cellSize) % cellSize);
    const y0 = minY - cellSize + (((offsetY % cellSize) + cellSize) % cellSize);
    return Object.freeze({
      x0,
      y0,
      cellSize,
      cols: Math.ceil((maxX - x0) / cellSize),
      rows: Math.ceil((maxY - y0) / cellSize),
      rotationDeg,
      crs,
    });
  }
  // Rotated: cover the box's corners expressed in grid coordinates around the box's SW corner.
  const th = (rotationDeg * Math.PI) / 180;
  const cos = Math.cos(th);
  const sin = Math.sin(th);
  let uMin = Infinity;
  let vMin = Infinity;
  let uMax = -Infinity;
  let vMax = -Infinity;
  for (const [x, y] of [
    [minX, minY],
    [maxX, minY],
    [minX, maxY],
    [maxX, maxY],
  ] as const) {
    const dx = x - minX;
    const dy = y - minY;
    const u = dx * cos + dy * sin;
    const v = -dx * sin + dy * cos;
    uMin = Math.min(uMin, u);
    vMin = Math.min(vMin, v);
    uMax = Math.max(uMax, u);
    vMax = Math.max(vMax, v);
  }
  if (options.origin) {
    // The same rule along the rotated axes: the anchor's (u, v) relative to the box's SW corner.
    const dx = options.origin[0] - minX;
    const dy = options.origin[1] - minY;
    offsetX += dx * cos + dy * sin - uMin;
    offsetY += -dx * sin + dy * cos - vMin;
  }
  const u0 = uMin - cellSize + (((offsetX % cellSize) + cellSize) % cellSize);
  const v0 = vMin - cellSize + (((offsetY % cellSize) + cellSize) % cellSize);
  return Object.freeze({
    x0: minX + u0 * cos - v0 * sin,
    y0: minY + u0 * sin + v0 * cos,
    cellSize,
    cols: Math.ceil((uMax - u0) / cellSize),
    rows: Math.ceil((vMax - v0) / cellSize),
    rotationDeg,
    crs,
  });
}

/** Number of cells. */
export function cellCount(grid: GridSpec): number {
  return grid.cols * grid.rows;
}

/** The cell containing (x, y), or −1 outside the grid. Hot path: no allocation. */
export function cellOf(grid: GridSpec, x: number, y: number): number {
  let dx = x - grid.x0;
  let dy = y - grid.y0;
  if (grid.rotationDeg !== 0) {
    const th = (grid.rotationDeg * Math.PI) / 180;
    const u = dx * Math.cos(th) + dy * Math.sin(th);
    dy = -dx * Math.sin(th) + dy * Math.cos(th);
    dx = u;
  }
  const col = Math.floor(dx / grid.cellSize);
  const row = Math.floor(dy / grid.cellSize);
  if (col < 0 || row < 0 || col >= grid.cols || row >= grid.rows) return -1;
  return row * grid.cols + col;
}

/** Centre of cell `c` in projected metres, written into `out` ([x, y]). */
export function cellCenter(
  grid: GridSpec,
  c: number,
  out: Float64Array | number[] = new Float64Array(2),
): Float64Array | number[] {
  const col = c % grid.cols;
  const row = (c - col) / grid.cols;
  const u = (col + 0.5) * grid.cellSize;
  const v = (row + 0.5) * grid.cellSize;
  if (grid.rotationDeg === 0) {
    out[0] = grid.x0 + u;
    out[1] = grid.y0 + v;
  } else {
    const th = (grid.rotationDeg * Math.PI) / 180;
    out[0] = grid.x0 + u * Math.cos(th) - v * Math.sin(th);
    out[1] = grid.y0 + u * Math.sin(th) + v * Math.cos(th);
  }
  return out;
}

/** The four corners of cell `c` (counter-clockwise from south-west), for maps and GeoJSON. */
export function cellCorners(grid: GridSpec, c: number): [number, number][] {
  const col = c % grid.cols;
  const row = (c - col) / grid.cols;
  const th = (grid.rotationDeg * Math.PI) / 180;
  const at = (u: number, v: number): [number, number] => [
    grid.x0 + u * Math.cos(th) - v * Math.sin(th),
    grid.y0 + u * Math.sin(th) + v * Math.cos(th),
  ];
  const s = grid.cellSize;
  return [
    at(col * s, row * s),
    at((col + 1) * s, row * s),
    at((col + 1) * s, (row + 1) * s),
    at(col * s, (row + 1) * s),
  ];
}

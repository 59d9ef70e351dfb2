/**
 * Outlines of a set of grid cells: the study area "where the data is", for a city whose boundary
 * file is not at hand (open_cp's `mask_grid_by_points_intersection`, widened by a buffer and with
 * its holes filled). Pure: typed arrays in, rings of grid vertices out.
 */
import { ValidationError } from '../core/errors.ts';

/** A cell set on a rows × cols lattice (row-major, 1 = in). */
export interface CellSet {
  readonly rows: number;
  readonly cols: number;
  readonly cells: Uint8Array;
}

/**
 * Every cell within `steps` cells (Chebyshev distance: the square around each cell) of a cell in
 * the set.
 */
export function dilateCells(set: CellSet, steps: number): CellSet {
  if (!(Number.isInteger(steps) && steps >= 0))
    throw new ValidationError('buffer', `debe ser un número entero de celdas ≥ 0 (es ${steps})`);
  const { rows, cols, cells } = set;
  // Separable: a horizontal pass, then a vertical one.
  const across = new Uint8Array(rows * cols);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      if (cells[r * cols + c] !== 1) continue;
      for (let d = Math.max(0, c - steps); d <= Math.min(cols - 1, c + steps); d++) across[r * cols + d] = 1;
    }
  const out = new Uint8Array(rows * cols);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      if (across[r * cols + c] !== 1) continue;
      for (let d = Math.max(0, r - steps); d <= Math.min(rows - 1, r + steps); d++) out[d * cols + c] = 1;
    }
  return { rows, cols, cells: out };
}

/**
 * The set with its holes filled (cells not reachable from the lattice's border through cells outside
 * the set, by edge neighbours) and its diagonal pinches closed (two cells touching only at a corner
 * get the two cells beside them), repeated until neither changes anything: the outline of the result
 * is a set of simple rings that do not touch.
 */
export function solidCells(set: CellSet): CellSet {
  const { rows, cols } = set;
  const cells = Uint8Array.from(set.cells);
  const outside = new Uint8Array(rows * cols);
  const stack = new Int32Array(rows * cols);
  for (;;) {
    // Flood the outside from every border cell not in the set.
    outside.fill(0);
    let top = 0;
    const push = (k: number): void => {
      if (cells[k] === 1 || outside[k] === 1) return;
      outside[k] = 1;
      stack[top++] = k;
    };
    for (let c = 0; c < cols; c++) {
      push(c);
      push((rows - 1) * cols + c);
    }
    for (let r = 0; r < rows; r++) {
      push(r * cols);
      push(r * cols + cols - 1);
    }
    while (top > 0) {
      const k = stack[--top] as number;
      const r = Math.floor(k / cols);
      const c = k - r * cols;
      if (c > 0) push(k - 1);
      if (c < cols - 1) push(k + 1);
      if (r > 0) push(k - cols);
      if (r < rows - 1) push(k + cols);
    }
    let changed = false;
    for (let k = 0; k < rows * cols; k++)
      if (cells[k] === 0 && outside[k] === 0) {
        cells[k] = 1;
        changed = true;
      }
    for (let r = 0; r + 1 < rows; r++)
      for (let c = 0; c + 1 < cols; c++) {
        const a = r * cols + c;
        const b = a + 1;
        const d = a + cols;
        const e = d + 1;
        const diagonal =
          (cells[a] === 1 && cells[e] === 1 && cells[b] === 0 && cells[d] === 0) ||
          (cells[b] === 1 && cells[d] === 1 && cells[a] === 0 && cells[e] === 0);
        if (diagonal) {
          cells[a] = 1;
          cells[b] = 1;
          cells[d] = 1;
          cells[e] = 1;
          changed = true;
        }
      }
    if (!changed) return { rows, cols, cells };
  }
}

/**
 * The outline of a solid cell set ({@link solidCells}): one closed ring per connected part, counter-
 * clockwise, as lattice vertices [col, row, col, row, …] (vertex (c, r) is the lower-left corner of
 * cell (r, c)), first vertex repeated last, straight runs merged.
 * @throws ValidationError when the set has holes or pinches (pass it through solidCells first)
 */
export function cellOutline(set: CellSet): Int32Array[] {
  const { rows, cols, cells } = set;
  const W = cols + 1;
  const inside = (r: number, c: number): boolean =>
    r >= 0 && c >= 0 && r < rows && c < cols && cells[r * cols + c] === 1;
  // Boundary edges with the set on their left; at most one leaves each vertex in a solid set.
  const next = new Int32Array((rows + 1) * W).fill(-1);
  const add = (c0: number, r0: number, c1: number, r1: number): void => {
    const from = r0 * W + c0;
    if (next[from] !== -1)
      throw new ValidationError('cells', 'el conjunto de celdas tiene huecos o esquinas tocándose');
    next[from] = r1 * W + c1;
  };
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      if (!inside(r, c)) continue;
      if (!inside(r - 1, c)) add(c, r, c + 1, r);
      if (!inside(r, c + 1)) add(c + 1, r, c + 1, r + 1);
      if (!inside(r + 1, c)) add(c + 1, r + 1, c, r + 1);
      if (!inside(r, c - 1)) add(c, r + 1, c, r);
    }
  const rings: Int32Array[] = [];
  for (let start = 0; start < next.length; start++) {
    if (next[start] === -1) continue;
    const ring: number[] = [];
    let v = start;
    let dir = 0; // no edge yet (a direction is never 0)
    let firstDir = 0;
    do {
      const to = next[v] as number;
      next[v] = -1;
      const d = to - v; // edge direction: ±1 (along a row) or ±W (across rows)
      if (d !== dir) ring.push(v % W, Math.floor(v / W));
      if (firstDir === 0) firstDir = d;
      dir = d;
      v = to;
    } while (v !== start);
    // The start sits inside a straight run when the last edge continues the first: drop it.
    if (dir === firstDir) ring.splice(0, 2);
    ring.push(ring[0] as number, ring[1] as number);
    rings.push(Int32Array.from(ring));
  }
  return rings;
}

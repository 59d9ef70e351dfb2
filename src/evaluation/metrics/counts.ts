/**
 * Observed outcome per cell: how many scored events fell in each valid cell of the grid. Every
 * metric in this folder works on these counts (`y_c` and `N` in the forecasting reference, §0), so
 * events are assigned to cells once, here, and never again in a hot loop.
 *
 * Events outside the grid or in masked cells are not silently dropped: they are counted as
 * `unassignable` and kept out of `N` (backtest protocol, rule 6).
 */

import { ValidationError } from '../../core/errors.ts';
import type { EventSet } from '../../core/events.ts';
import { cellCount, cellOf, type GridSpec } from '../../core/grid.ts';

/** Events per cell for one forecast window. */
export interface CellCounts {
  /** `y_c`: events in each cell (row-major, row 0 south); always 0 in masked cells. */
  readonly counts: Float64Array;
  /** `N`: events that fell in valid cells. */
  readonly total: number;
  /** Events outside the grid or in masked cells, reported so that none disappear unnoticed. */
  readonly unassignable: number;
}

/**
 * The typed result of a metric that divides by the number of events when there are none. A
 * sentinel such as open_cp's −1 or a NaN would flow into averages unnoticed; a tagged object
 * forces the caller to handle the empty window.
 */
export interface NoEvents {
  readonly kind: 'no-events';
}

/** The single {@link NoEvents} value (frozen, so it can be shared). */
export const NO_EVENTS: NoEvents = Object.freeze({ kind: 'no-events' });

/**
 * Counts the events of `events` per grid cell.
 * @param grid the forecast grid
 * @param mask 1 = valid cell, 0 = masked (one entry per cell)
 * @param events the events of the scored window (already cut to it by the harness)
 * @throws ValidationError when the mask does not have one entry per cell
 */
export function countsByCell(grid: GridSpec, mask: Uint8Array, events: EventSet): CellCounts {
  const k = cellCount(grid);
  if (mask.length !== k)
    throw new ValidationError('mask', `se esperaban ${k} celdas en la máscara, hay ${mask.length}`);
  const counts = new Float64Array(k);
  let total = 0;
  let unassignable = 0;
  const xs = events.x;
  const ys = events.y;
  for (let i = 0; i < events.length; i++) {
    const c = cellOf(grid, xs[i] as number, ys[i] as number);
    if (c < 0 || mask[c] === 0) {
      unassignable++;
      continue;
    }
    counts[c] = (counts[c] as number) + 1;
    total++;
  }
  return Object.freeze({ counts, total, unassignable });
}

/**
 * Checks that `counts` fits a surface's mask: one finite, non-negative entry per cell, 0 in masked
 * cells, and (when given) `total` equal to their sum. Metrics call it first so that counts built for
 * another grid or mask fail loudly instead of producing a hit rate above 1. Internal to the
 * metrics folder (not re-exported by the barrel).
 * @returns the sum of the counts over valid cells
 * @throws ValidationError on any mismatch
 */
export function checkCounts(mask: Uint8Array, counts: Float64Array, total?: number): number {
  if (counts.length !== mask.length)
    throw new ValidationError(
      'counts',
      `se esperaban ${mask.length} conteos (uno por celda), hay ${counts.length}`,
    );
  let sum = 0;
  for (let c = 0; c < counts.length; c++) {
    const y = counts[c] as number;
    if (!(y >= 0) || y === Infinity)
      throw new ValidationError(
        'counts',
        `conteo inválido en la celda ${c}: ${y} (se espera un número finito ≥ 0)`,
      );
    if (y > 0 && mask[c] === 0)
      throw new ValidationError('counts', `la celda ${c} está enmascarada pero tiene ${y} eventos`);
    sum += y;
  }
  // Counts are integers in practice, so the sum is exact; the tolerance only admits weighted counts.
  if (total !== undefined && !(Math.abs(total - sum) <= 1e-9 * Math.max(1, sum)))
    throw new ValidationError('total', `el total ${total} no coincide con la suma de los conteos (${sum})`);
  return sum;
}

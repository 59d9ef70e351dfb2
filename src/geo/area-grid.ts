/**
 * A study area's modelling grid: a square grid over its projected bounding box, with the mask of
 * cells whose centre lies on land inside the boundary (Callao at 150 m: ≈ 6,300 valid cells).
 */
import { ValidationError } from '../core/errors.ts';
import { cellCenter, cellCount, createGrid, type GridOptions, type GridSpec } from '../core/grid.ts';
import type { StudyArea } from './study-area.ts';

/** A grid and its mask. */
export interface AreaGrid {
  grid: GridSpec;
  mask: Uint8Array;
  validCells: number;
  /** District index of every cell (−1: none, or outside the area). */
  districtOfCell: Int16Array;
}

/**
 * The grid of a study area.
 * @throws ValidationError for a bad cell size or rotation, or when no cell falls inside the area
 */
export function gridForArea(area: StudyArea, options: GridOptions = {}): AreaGrid {
  const grid = createGrid(area.projectedBbox, area.projection.code, options);
  const n = cellCount(grid);
  const mask = new Uint8Array(n);
  const districtOfCell = new Int16Array(n).fill(-1);
  const centre = new Float64Array(2);
  let valid = 0;
  for (let c = 0; c < n; c++) {
    cellCenter(grid, c, centre);
    const where = area.locate(centre[0] as number, centre[1] as number);
    if (where.kind !== 'outside') {
      mask[c] = 1;
      if (where.kind === 'district') districtOfCell[c] = where.index;
      valid++;
    }
  }
  if (valid === 0)
    throw new ValidationError(
      'area',
      `el área de estudio ${area.def.id} no contiene ninguna celda de ${grid.cellSize} m: use celdas más pequeñas`,
    );
  return { grid, mask, validCells: valid, districtOfCell };
}

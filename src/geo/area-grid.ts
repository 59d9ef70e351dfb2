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
}

/**
 * The grid of a study area.
 * @throws ValidationError for a bad cell size or rotation, or when no cell falls inside the area
 */
export function gridForArea(area: StudyArea, options: GridOptions = {}): AreaGrid {
  const grid = createGrid(area.projectedBbox, area.projection.code, options);
  const n = cellCount(grid);
  const mask = new Uint8Array(n);
  const centre = new Float64Array(2);
  let valid = 0;
  for (let c = 0; c < n; c++) {
    cellCenter(grid, c, centre);
    if (area.locate(centre[0] as number, centre[1] as number).kind !== 'outside') {
      mask[c] = 1;
      valid++;
    }
  }
  if (valid === 0)
    throw new ValidationError(
      'area',
      `el área de estudio ${area.def.id} no contiene ninguna celda de ${grid.cellSize} m: use celdas más pequeñas`,
    );
  return { grid, mask, validCells: valid };
}

import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../core/random.ts';
import { type CellSet, cellOutline, dilateCells, solidCells } from './cell-outline.ts';
import { containsPoint } from './polygon.ts';

const setOf = (rows: string[]): CellSet => {
  // rows[0] is the top row of the picture: lattice row rows.length − 1.
  const R = rows.length;
  const C = (rows[0] as string).length;
  const cells = new Uint8Array(R * C);
  rows.forEach((line, i) => {
    for (let c = 0; c < C; c++) if (line[c] === '#') cells[(R - 1 - i) * C + c] = 1;
  });
  return { rows: R, cols: C, cells };
};
const picture = (s: CellSet): string[] =>
  Array.from({ length: s.rows }, (_, i) =>
    Array.from({ length: s.cols }, (_, c) => (s.cells[(s.rows - 1 - i) * s.cols + c] === 1 ? '#' : '.')).join(
      '',
    ),
  );
const flat = (rings: Int32Array[]) => {
  const fr = rings.map((r) => Float64Array.from(r));
  let b = [Infinity, Infinity, -Infinity, -Infinity] as [number, number, number, number];
  for (const r of fr)
    for (let i = 0; i < r.length; i += 2)
      b = [
        Math.min(b[0], r[i] as number),
        Math.min(b[1], r[i + 1] as number),
        Math.max(b[2], r[i] as number),
        Math.max(b[3], r[i + 1] as number),
      ];
  return { rings: fr, bbox: b };
};

describe('cell outlines (study area from where the data is)', () => {
  it('dilates by whole cells (the square around each cell)', () => {
    const s = setOf(['.....', '.....', '..#..', '.....', '.....']);
    expect(picture(dilateCells(s, 1))).toEqual(['.....', '.###.', '.###.', '.###.', '.....']);
    expect(picture(dilateCells(s, 0))).toEqual(picture(s));
    expect(() => dilateCells(s, 1.5)).toThrow(/buffer/);
  });

  it('fills holes and closes diagonal pinches', () => {
    expect(picture(solidCells(setOf(['#####', '#...#', '#.#.#', '#...#', '#####'])))).toEqual([
      '#####',
      '#####',
      '#####',
      '#####',
      '#####',
    ]);
    expect(picture(solidCells(setOf(['....', '.#..', '..#.', '....'])))).toEqual([
      '....',
      '.##.',
      '.##.',
      '....',
    ]);
  });

  it('traces one counter-clockwise ring per part, straight runs merged', () => {
    const rings = cellOutline(setOf(['##..', '##..', '...#']));
    expect(rings).toHaveLength(2);
    // The lone cell at (row 0, col 3): a unit square from its lower-left corner.
    expect(Array.from(rings[0] as Int32Array)).toEqual([3, 0, 4, 0, 4, 1, 3, 1, 3, 0]);
    // The 2 × 2 block: four corners only.
    expect(Array.from(rings[1] as Int32Array)).toEqual([0, 1, 2, 1, 2, 3, 0, 3, 0, 1]);
    expect(() => cellOutline(setOf(['#.', '.#']))).toThrow(/esquinas/);
  });

  it('a cell centre is inside the outline exactly when the solid set holds the cell (300 random sets)', () => {
    const random = mulberry32(11);
    for (let run = 0; run < 300; run++) {
      const rows = 1 + Math.floor(random() * 9);
      const cols = 1 + Math.floor(random() * 9);
      const density = random();
      const cells = Uint8Array.from({ length: rows * cols }, () => (random() < density ? 1 : 0));
      const solid = solidCells({ rows, cols, cells });
      const rings = cellOutline(solid);
      const poly = flat(rings);
      for (let r = 0; r < rows; r++)
        for (let c = 0; c < cols; c++)
          expect(rings.length > 0 && containsPoint(poly, c + 0.5, r + 0.5)).toBe(
            solid.cells[r * cols + c] === 1,
          );
      // Solid: every original cell is kept.
      for (let k = 0; k < rows * cols; k++) if (cells[k] === 1) expect(solid.cells[k]).toBe(1);
    }
  });
});

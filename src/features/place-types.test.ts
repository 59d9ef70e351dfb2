import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.ts';
import { cellOf, type GridSpec } from '../core/grid.ts';
import { type PlaceTypeEvents, placeTypeBlock, placeTypeSlug, topPlaceTypes } from './place-types.ts';

// 5 × 5 cells of 100 m.
const grid: GridSpec = { x0: 0, y0: 0, cellSize: 100, cols: 5, rows: 5, rotationDeg: 0, crs: 'EPSG:32718' };
const LABELS = ['street', 'residence', 'education', 'other', 'Vía pública'];
/** Events as [col, row, label code]. */
function events(list: [number, number, number][]): PlaceTypeEvents {
  return {
    x: list.map(([c]) => c * 100 + 50),
    y: list.map(([, r]) => r * 100 + 50),
    label: list.map(([, , l]) => l),
    labels: LABELS,
  };
}
const col = (b: ReturnType<typeof placeTypeBlock>, name: string): Float32Array => {
  const i = b.columns.findIndex((c) => c.name === name);
  expect(i, name).toBeGreaterThanOrEqual(0);
  return b.values[i] as Float32Array;
};
const FIXTURE: [number, number, number][] = [
  [1, 1, 0],
  [1, 1, 0],
  [1, 1, 1],
  [1, 1, 3],
  [1, 1, -1], // no place type: not counted
  [2, 1, 0],
  [2, 1, 2],
  [4, 4, 1],
  [0, 4, 4],
  [9, 9, 0], // outside the grid
];

describe('place-type features', () => {
  it('shares per cell and per 3 × 3 block over the top K types, the rest pooled; counts', () => {
    const ev = events(FIXTURE);
    // By count (events outside the grid included), ties by name in code-unit order.
    expect(topPlaceTypes(ev)).toEqual(['street', 'residence', 'Vía pública', 'education', 'other']);
    const b = placeTypeBlock(ev, grid, { topK: 2 });
    expect(b.columns.map((c) => c.name)).toEqual([
      'placeType.share.street',
      'placeType.share.residence',
      'placeType.share._other',
      'placeType.share3x3.street',
      'placeType.share3x3.residence',
      'placeType.share3x3._other',
      'placeType.count',
      'placeType.count3x3',
    ]);
    expect(b.columns.every((c) => c.kind === 'place-type')).toBe(true);
    const c11 = cellOf(grid, 150, 150);
    expect(col(b, 'placeType.count')[c11]).toBe(4);
    expect(col(b, 'placeType.share.street')[c11]).toBe(0.5);
    expect(col(b, 'placeType.share.residence')[c11]).toBe(0.25);
    expect(col(b, 'placeType.share._other')[c11]).toBe(0.25); // the data's own "other"
    expect(col(b, 'placeType.count3x3')[c11]).toBe(6);
    expect(col(b, 'placeType.share3x3.street')[c11]).toBeCloseTo(3 / 6, 6);
    expect(col(b, 'placeType.share3x3._other')[c11]).toBeCloseTo(2 / 6, 6);
    // Cell (3, 2) has no event of its own but neighbours (2, 1): NaN in the cell, shares in the block.
    const c32 = cellOf(grid, 350, 250);
    expect(col(b, 'placeType.count')[c32]).toBe(0);
    expect(col(b, 'placeType.share.street')[c32]).toBeNaN();
    expect(col(b, 'placeType.count3x3')[c32]).toBe(2);
    expect(col(b, 'placeType.share3x3.street')[c32]).toBe(0.5);
    // Shares sum to 1 wherever there are events, are NaN wherever there are none.
    const cell = ['street', 'residence', '_other'].map((s) => col(b, `placeType.share.${s}`));
    const block = ['street', 'residence', '_other'].map((s) => col(b, `placeType.share3x3.${s}`));
    for (let c = 0; c < 25; c++) {
      for (const [shares, count] of [
        [cell, col(b, 'placeType.count')],
        [block, col(b, 'placeType.count3x3')],
      ] as const) {
        const sum = shares.reduce((a, s) => a + (s[c] as number), 0);
        if ((count[c] as number) > 0) expect(sum).toBeCloseTo(1, 6);
        else expect(shares.every((s) => Number.isNaN(s[c]))).toBe(true);
      }
    }
  });

  it('fixed types (a trained model’s) replace the top K; labels become safe column names', () => {
    const b = placeTypeBlock(events(FIXTURE), grid, { types: ['Vía pública', 'hotel', 'other'] });
    expect(b.columns.slice(0, 4).map((c) => c.name)).toEqual([
      'placeType.share.via-publica',
      'placeType.share.hotel',
      'placeType.share.other',
      'placeType.share._other',
    ]);
    expect(col(b, 'placeType.share.via-publica')[cellOf(grid, 50, 450)]).toBe(1);
    expect(col(b, 'placeType.share.hotel')[cellOf(grid, 150, 150)]).toBe(0);
    expect(col(b, 'placeType.share._other')[cellOf(grid, 150, 150)]).toBe(0.75);
    expect(placeTypeSlug('Parking Lot / Garage')).toBe('parking-lot-garage');
    expect(placeTypeSlug('¿?')).toBe('tipo');
    const dup = placeTypeBlock({ x: [50], y: [50], label: [0], labels: ['a b', 'a-b'] }, grid, {
      types: ['a b', 'a-b'],
    });
    expect(dup.columns.slice(0, 2).map((c) => c.name)).toEqual([
      'placeType.share.a-b',
      'placeType.share.a-b-2',
    ]);
  });

  it('no events: NaN shares and zero counts; deterministic bytes', () => {
    const empty = placeTypeBlock({ x: [], y: [], label: [], labels: [] }, grid);
    expect(empty.columns.map((c) => c.name)).toEqual([
      'placeType.share._other',
      'placeType.share3x3._other',
      'placeType.count',
      'placeType.count3x3',
    ]);
    expect((empty.values[0] as Float32Array).every(Number.isNaN)).toBe(true);
    expect((empty.values[2] as Float32Array).every((v) => v === 0)).toBe(true);
    const a = placeTypeBlock(events(FIXTURE), grid);
    const b = placeTypeBlock(events(FIXTURE), grid);
    for (const [i, v] of a.values.entries())
      expect(Buffer.from(v.buffer)).toEqual(Buffer.from((b.values[i] as Float32Array).buffer));
  });

  it('names bad input', () => {
    const ev = events(FIXTURE);
    expect(() => placeTypeBlock({ ...ev, label: [0] }, grid)).toThrow(ValidationError);
    expect(() => placeTypeBlock({ ...ev, label: [0] }, grid)).toThrow(
      /placeTypes.label: longitud 1, se esperaba 10/,
    );
    expect(() => placeTypeBlock({ ...ev, labels: ['a'] }, grid)).toThrow(
      /evento 2: código de tipo de lugar 1 fuera de rango/,
    );
    expect(() => placeTypeBlock(ev, grid, { topK: 0 })).toThrow(/topK/);
    expect(() => placeTypeBlock(ev, grid, { types: ['a', 'a'] })).toThrow(/repetidos/);
  });
});

import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.ts';
import { mulberry32 } from '../core/random.ts';
import {
  orderByValue,
  type PatrolPlan,
  type PatrolPlanInput,
  patrolCandidates,
  planPatrols,
} from './patrol-plan.ts';

/** Whether the cells form one 4-connected set on a grid of `cols` columns. */
function connected(cells: readonly number[], cols: number): boolean {
  const set = new Set(cells);
  const seen = new Set([cells[0] as number]);
  const todo = [cells[0] as number];
  while (todo.length > 0) {
    const c = todo.pop() as number;
    const col = c % cols;
    for (const nb of [col > 0 ? c - 1 : -1, col < cols - 1 ? c + 1 : -1, c - cols, c + cols])
      if (set.has(nb) && !seen.has(nb)) {
        seen.add(nb);
        todo.push(nb);
      }
  }
  return seen.size === set.size;
}

/** A random instance: a grid with holes, sectors as vertical bands, skewed values with zeros. */
function randomInput(
  seed: number,
  rows: number,
  cols: number,
  units: number[],
  maxCells: number,
): PatrolPlanInput {
  const rand = mulberry32(seed);
  const n = rows * cols;
  const mask = new Uint8Array(n);
  const value = new Float64Array(n);
  const sectorOfCell = new Int16Array(n).fill(-1);
  for (let c = 0; c < n; c++) {
    if (rand() < 0.1) continue;
    mask[c] = 1;
    sectorOfCell[c] = rand() < 0.05 ? -1 : Math.floor(((c % cols) * units.length) / cols);
    value[c] = rand() < 0.4 ? 0 : 0.01 / (1 - rand());
  }
  return { rows, cols, mask, value, sectorOfCell, units, maxCells };
}

/** Every rule a plan must keep, checked against its input. */
function expectValidPlan(input: PatrolPlanInput, plan: PatrolPlan): void {
  const maxCells = input.maxCells ?? 4;
  const used = new Set<number>();
  const perSector = input.units.map(() => 0);
  let previous = Number.POSITIVE_INFINITY;
  for (const area of plan.areas) {
    const cells = [...area.cells];
    expect(cells.length).toBeGreaterThanOrEqual(1);
    expect(cells.length).toBeLessThanOrEqual(maxCells);
    expect(cells).toEqual([...cells].sort((a, b) => a - b));
    expect(connected(cells, input.cols)).toBe(true);
    let sum = 0;
    for (const c of cells) {
      expect(input.mask[c]).toBe(1);
      expect(input.sectorOfCell[c]).toBe(area.sector);
      expect(used.has(c)).toBe(false); // no overlaps
      used.add(c);
      sum += input.value[c] as number;
    }
    expect(area.expected).toBeCloseTo(sum, 12);
    expect(area.expected).toBeGreaterThan(0);
    expect(area.expected).toBeLessThanOrEqual(previous);
    previous = area.expected;
    perSector[area.sector] = (perSector[area.sector] as number) + 1;
  }
  input.units.forEach((u, s) => {
    expect(perSector[s]).toBeLessThanOrEqual(u);
    expect(plan.sectors[s]?.areas).toBe(perSector[s]);
    if ((perSector[s] as number) < u)
      // Fewer areas than units only when every positive cell of the sector is already covered.
      for (let c = 0; c < input.mask.length; c++)
        if (input.mask[c] === 1 && input.sectorOfCell[c] === s && (input.value[c] as number) > 0)
          expect(used.has(c)).toBe(true);
  });
  const covered = plan.areas.reduce((a, x) => a + x.expected, 0);
  expect(plan.expectedCovered).toBeCloseTo(covered, 10);
  expect(plan.shareOfGrid).toBeCloseTo(covered / plan.expectedTotal, 10);
}

describe('planPatrols', () => {
  it('keeps every area connected, inside one sector, within the cap, without overlaps, within the units', () => {
    for (const [seed, maxCells] of [
      [1, 4],
      [2, 1],
      [3, 2],
      [4, 6],
      [5, 9],
    ] as const) {
      const input = randomInput(seed, 16, 18, [5, 3, 7], maxCells);
      const plan = planPatrols(input);
      expect(plan.maxCells).toBe(maxCells);
      expectValidPlan(input, plan);
      expect(plan.areas.length).toBe(15);
      expect(plan.areas.some((a) => a.cells.length === maxCells)).toBe(true);
    }
  });

  it('plans fewer areas than units only when the sector runs out of positive cells', () => {
    // Sector 0 (left half) has two positive cells far apart; sector 1 (right half) has plenty.
    const rows = 4;
    const cols = 8;
    const n = rows * cols;
    const value = new Float64Array(n);
    const sectorOfCell = new Int16Array(n);
    for (let c = 0; c < n; c++) {
      sectorOfCell[c] = c % cols < 4 ? 0 : 1;
      if (c % cols >= 4) value[c] = 1 + (c % 5);
    }
    value[0] = 2;
    value[3 * cols + 3] = 1;
    const input: PatrolPlanInput = {
      rows,
      cols,
      mask: new Uint8Array(n).fill(1),
      value,
      sectorOfCell,
      units: [5, 3],
      maxCells: 3,
    };
    const plan = planPatrols(input);
    expectValidPlan(input, plan);
    expect(plan.sectors[0]).toMatchObject({
      units: 5,
      areas: 2,
      expectedCovered: 3,
      expectedTotal: 3,
      share: 1,
    });
    expect(plan.sectors[1]?.areas).toBe(3);
  });

  it('is deterministic: the same input gives the same plan', () => {
    const input = randomInput(7, 20, 20, [6, 6, 6, 6], 4);
    const copy: PatrolPlanInput = {
      ...input,
      mask: input.mask.slice(),
      value: input.value.slice(),
      sectorOfCell: input.sectorOfCell.slice(),
    };
    expect(planPatrols(copy)).toEqual(planPatrols(input));
    // Ties: four equal cells, one unit, single-cell areas → the smallest cell index wins.
    const tie = planPatrols({
      rows: 2,
      cols: 2,
      mask: new Uint8Array(4).fill(1),
      value: new Float64Array(4).fill(1),
      sectorOfCell: new Int16Array(4),
      units: [1],
      maxCells: 1,
    });
    expect([...(tie.areas[0]?.cells ?? [])]).toEqual([0]);
  });

  it('finds the known optimum where greedy alone does not (one row 1, 9, 9, 1; two units of two cells)', () => {
    const plan = planPatrols({
      rows: 1,
      cols: 4,
      mask: new Uint8Array(4).fill(1),
      value: Float64Array.of(1, 9, 9, 1),
      sectorOfCell: new Int16Array(4),
      units: [2],
      maxCells: 2,
    });
    // Greedy takes {1, 2} = 18 and then one end, 19; the optimum pairs each end with its 9: 20.
    expect(plan.expectedCovered).toBe(20);
    expect(plan.areas.map((a) => [...a.cells])).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(plan.shareOfGrid).toBe(1);
  });

  it('crosses a zero-valued cell when it joins two hot cells, and never leaves its sector', () => {
    // 3 × 3: hot corners 0 and 2 joined through zero cell 1; cell 5 is hot but of a sector with no unit.
    const value = Float64Array.of(5, 0, 5, 1, 0, 8, 0, 0, 0);
    const sectorOfCell = Int16Array.of(0, 0, 0, 0, 0, 1, 0, 0, 0);
    const plan = planPatrols({
      rows: 3,
      cols: 3,
      mask: new Uint8Array(9).fill(1),
      value,
      sectorOfCell,
      units: [1, 0],
      maxCells: 3,
    });
    expect(plan.areas).toEqual([{ sector: 0, cells: Int32Array.of(0, 1, 2), expected: 10 }]);
    expect(plan.sectors[1]).toMatchObject({ areas: 0, expectedCovered: 0, expectedTotal: 8, share: 0 });
    expect(plan.expectedTotal).toBe(19);
  });

  it('refuses bad input naming the parameter', () => {
    const good = randomInput(3, 4, 5, [1, 1], 3);
    const cases: [Partial<PatrolPlanInput>, string][] = [
      [{ rows: 0 }, 'rows'],
      [{ cols: 2.5 }, 'cols'],
      [{ mask: new Uint8Array(3) }, 'mask'],
      [{ mask: new Uint8Array(20).fill(2) }, 'mask'],
      [{ value: new Float64Array(19) }, 'value'],
      [{ value: new Float64Array(20).fill(Number.NaN) }, 'value'],
      [{ value: new Float64Array(20).fill(-1) }, 'value'],
      [{ sectorOfCell: new Int16Array(20).fill(2) }, 'sectorOfCell'],
      [{ sectorOfCell: new Int16Array(20).fill(-2) }, 'sectorOfCell'],
      [{ units: [] }, 'units'],
      [{ units: [1, -1] }, 'units'],
      [{ units: [1, 0.5] }, 'units'],
      [{ maxCells: 0 }, 'maxCells'],
      [{ maxCells: 10 }, 'maxCells'],
      [{ maxCells: 2.5 }, 'maxCells'],
    ];
    for (const [change, field] of cases) {
      const run = () => planPatrols({ ...good, ...change });
      expect(run).toThrow(ValidationError);
      try {
        run();
      } catch (e) {
        expect((e as ValidationError).field).toBe(field);
        expect((e as ValidationError).message).toMatch(/^\w+: .*(se espera|fuera de rango)/);
      }
    }
    // Masked cells may hold anything in value (a surface keeps them at 0, but they are ignored).
    const masked = { ...good, mask: good.mask.slice(), value: good.value.slice() };
    masked.mask[0] = 0;
    masked.value[0] = Number.NaN;
    expect(() => planPatrols(masked)).not.toThrow();
  });
});

describe('patrolCandidates', () => {
  it('enumerates every connected shape up to the cap exactly once (4 × 4 grid, brute force)', () => {
    const rows = 4;
    const cols = 4;
    const n = rows * cols;
    for (const maxCells of [1, 3, 5]) {
      const cand = patrolCandidates({
        rows,
        cols,
        mask: new Uint8Array(n).fill(1),
        value: new Float64Array(n).fill(1),
        sectorOfCell: new Int16Array(n),
        units: [1],
        maxCells,
      });
      const found = new Set<string>();
      for (let k = 0; k < cand.count; k++) {
        const key = [...cand.cells.slice(cand.offsets[k], cand.offsets[k + 1])].join(',');
        expect(found.has(key)).toBe(false);
        found.add(key);
        expect(cand.expected[k]).toBe(
          (cand.offsets[(k + 1) as number] as number) - (cand.offsets[k] as number),
        );
      }
      let expected = 0;
      for (let subset = 1; subset < 1 << n; subset++) {
        const cells = Array.from({ length: n }, (_, c) => c).filter((c) => subset & (1 << c));
        if (cells.length <= maxCells && connected(cells, cols)) {
          expected++;
          expect(found.has(cells.join(','))).toBe(true);
        }
      }
      expect(cand.count).toBe(expected);
    }
  });

  it('drops shapes that only add a zero cell to a smaller connected shape', () => {
    // One row 3, 0, 0, 4: {0}, {3}, and {0..3} would need 4 cells; with a cap of 4 the bridge stays.
    const input: PatrolPlanInput = {
      rows: 1,
      cols: 4,
      mask: new Uint8Array(4).fill(1),
      value: Float64Array.of(3, 0, 0, 4),
      sectorOfCell: new Int16Array(4),
      units: [1],
      maxCells: 4,
    };
    const cand = patrolCandidates(input);
    const shapes = Array.from({ length: cand.count }, (_, k) => [
      ...cand.cells.slice(cand.offsets[k], cand.offsets[k + 1]),
    ]);
    expect(shapes.sort()).toEqual([[0], [0, 1, 2, 3], [3]]);
  });
});

describe('orderByValue', () => {
  it('orders by value descending and ties by index ascending, like a comparison sort', () => {
    const rand = mulberry32(11);
    const values = Float64Array.from({ length: 3000 }, () =>
      rand() < 0.3 ? 0 : Math.round(rand() * 50) / 7,
    );
    const expected = Array.from(values, (_, k) => k).sort(
      (a, b) => (values[b] as number) - (values[a] as number) || a - b,
    );
    expect([...orderByValue(values)]).toEqual(expected);
  });
});

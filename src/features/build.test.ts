import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.ts';
import { createEventSet } from '../core/events.ts';
import type { GridSpec } from '../core/grid.ts';
import { CATEGORY_CODES, type CrimeCategory } from '../core/taxonomy.ts';
import { buildFeatures, type FeatureInput } from './build.ts';
import { type FeatureMatrix, featureColumn, parseSchema, serializeSchema } from './matrix.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
// 7 × 7 cells of 100 m, all valid; cell = row * 7 + col.
const grid: GridSpec = { x0: 0, y0: 0, cellSize: 100, cols: 7, rows: 7, rotationDeg: 0, crs: 'EPSG:32718' };
const mask = new Uint8Array(49).fill(1);
const cellAt = (col: number, row: number): number => row * 7 + col;
const TZ = 'America/Lima';
/** 2025-03-10 00:00 in Lima (UTC−5). */
const start = Date.UTC(2025, 2, 10, 5);
const window = { start, end: start + DAY };

/** An event: category, column, row, days before the window start, and optionally when it became known. */
interface Ev {
  cat: CrimeCategory;
  col: number;
  row: number;
  daysAgo: number;
  known?: number;
}
function eventsOf(list: readonly Ev[]) {
  return createEventSet({
    t: list.map((e) => start - e.daysAgo * DAY),
    known: list.map((e) => e.known ?? start - e.daysAgo * DAY),
    x: list.map((e) => (e.col + 0.5) * 100),
    y: list.map((e) => (e.row + 0.5) * 100),
    category: list.map((e) => CATEGORY_CODES.indexOf(e.cat)),
  });
}
function build(list: readonly Ev[], extra: Partial<FeatureInput> = {}): FeatureMatrix {
  return buildFeatures({ events: eventsOf(list), grid, mask, windows: [window], timeZone: TZ, ...extra });
}
/** Value of a column at a cell, first window. */
const at = (m: FeatureMatrix, name: string, cell: number, w = 0): number =>
  featureColumn(m, name)[w * m.cells.length + m.cells.indexOf(cell)] as number;

describe('feature layer: lagged counts, rings, near-repeat, decay', () => {
  it('counts each crime group over the lags ending at the window start', () => {
    const c = cellAt(3, 3);
    const m = build([
      { cat: 'hurto', col: 3, row: 3, daysAgo: 0.5 },
      { cat: 'hurto', col: 3, row: 3, daysAgo: 1 }, // exactly one day before: in the 1-day lag
      { cat: 'hurto', col: 3, row: 3, daysAgo: 5 },
      { cat: 'robo', col: 3, row: 3, daysAgo: 20 },
      { cat: 'hurto', col: 3, row: 3, daysAgo: 60 },
      { cat: 'hurto', col: 3, row: 3, daysAgo: 200 },
      { cat: 'hurto', col: 3, row: 3, daysAgo: 400 }, // beyond every lag
      { cat: 'extorsion', col: 0, row: 0, daysAgo: 3 },
    ]);
    expect(m.rows).toBe(49);
    expect([1, 7, 30, 90, 365].map((L) => at(m, `count.property.${L}d`, c))).toEqual([2, 3, 4, 5, 6]);
    expect([1, 7, 30, 90, 365].map((L) => at(m, `count.violent.${L}d`, c))).toEqual([0, 0, 1, 1, 1]);
    expect([1, 7, 30, 90, 365].map((L) => at(m, `count.all.${L}d`, c))).toEqual([2, 3, 4, 5, 6]);
    expect(at(m, 'count.extorsion.7d', c)).toBe(0);
    expect(at(m, 'count.extorsion.7d', cellAt(0, 0))).toBe(1);
    expect(at(m, 'count.all.7d', cellAt(0, 0))).toBe(1);
    expect(at(m, 'count.property.365d', cellAt(0, 0))).toBe(0);
  });

  it('sums the 8 neighbours and the 16-cell ring two steps away, clipped at the grid edge', () => {
    const m = build([
      { cat: 'hurto', col: 3, row: 3, daysAgo: 2 }, // the cell itself
      { cat: 'hurto', col: 4, row: 3, daysAgo: 2 }, // neighbour
      { cat: 'hurto', col: 2, row: 2, daysAgo: 2 }, // diagonal neighbour
      { cat: 'hurto', col: 5, row: 5, daysAgo: 2 }, // two steps away
      { cat: 'hurto', col: 1, row: 3, daysAgo: 2 }, // two steps away
      { cat: 'hurto', col: 6, row: 3, daysAgo: 2 }, // three steps away: in neither
      { cat: 'hurto', col: 4, row: 4, daysAgo: 10 }, // neighbour, 30-day lag only, not a near repeat
    ]);
    const c = cellAt(3, 3);
    expect(at(m, 'ring8.property.7d', c)).toBe(2);
    expect(at(m, 'ring16.property.7d', c)).toBe(2);
    expect(at(m, 'ring8.property.30d', c)).toBe(3);
    expect(at(m, 'ring16.property.30d', c)).toBe(2);
    expect(at(m, 'nearRepeat.property.3d', c)).toBe(3);
    // East edge: cell (6, 3) has (5, 2..4) as neighbours and (4, 1..5), (5, 1), (5, 5) two steps away.
    const e = cellAt(6, 3);
    expect(at(m, 'ring8.property.7d', e)).toBe(0);
    expect(at(m, 'ring16.property.7d', e)).toBe(2); // (4, 3) and (5, 5)
    expect(at(m, 'ring16.property.30d', e)).toBe(3); // and (4, 4)
    expect(at(m, 'nearRepeat.property.3d', e)).toBe(1); // itself
    expect(at(m, 'ring8.extorsion.30d', c)).toBe(0);
  });

  it('decays each event by 2^(−age / half-life)', () => {
    const m = build([
      { cat: 'robo', col: 1, row: 1, daysAgo: 7 },
      { cat: 'robo', col: 1, row: 1, daysAgo: 14 },
    ]);
    const c = cellAt(1, 1);
    expect(at(m, 'decay.property.h7d', c)).toBeCloseTo(0.75, 6);
    expect(at(m, 'decay.violent.h30d', c)).toBeCloseTo(2 ** (-7 / 30) + 2 ** (-14 / 30), 6);
    expect(at(m, 'decay.property.h7d', cellAt(2, 1))).toBe(0);
  });
});

describe('feature layer: no look-ahead', () => {
  const base: Ev[] = [
    { cat: 'hurto', col: 3, row: 3, daysAgo: 2 },
    { cat: 'robo', col: 4, row: 3, daysAgo: 20 },
    { cat: 'homicidio', col: 2, row: 4, daysAgo: 100 },
  ];
  const same = (a: FeatureMatrix, b: FeatureMatrix): boolean =>
    a.columns.every((col, i) =>
      Buffer.from(col.buffer).equals(Buffer.from((b.columns[i] as Float32Array).buffer)),
    );

  it('an event known at or after the window start changes no feature, even if it occurred before', () => {
    const before = build(base);
    for (const known of [start, start + HOUR, start + 30 * DAY]) {
      const late = build([...base, { cat: 'hurto', col: 3, row: 3, daysAgo: 2, known }]);
      expect(same(before, late), `known = start + ${(known - start) / HOUR} h`).toBe(true);
    }
    // The same event registered a millisecond before the start does count (the test is not vacuous).
    const known = build([...base, { cat: 'hurto', col: 3, row: 3, daysAgo: 2, known: start - 1 }]);
    expect(same(before, known)).toBe(false);
    expect(at(known, 'count.property.7d', cellAt(3, 3))).toBe(
      at(before, 'count.property.7d', cellAt(3, 3)) + 1,
    );
  });

  it('events in the window feed only the target', () => {
    const inWindow: Ev = { cat: 'robo', col: 3, row: 3, daysAgo: -0.5 };
    const a = build(base, { target: 'property' });
    const b = build([...base, inWindow, { cat: 'homicidio', col: 3, row: 3, daysAgo: -0.2 }], {
      target: 'property',
    });
    expect(same(a, b)).toBe(true);
    const k = b.cells.indexOf(cellAt(3, 3));
    expect(a.target?.[k]).toBe(0);
    expect(b.target?.[k]).toBe(1); // the homicide is not in the property group
    expect(b.target?.reduce((s, v) => s + v, 0)).toBe(1);
  });
});

describe('feature layer: calendar, district, schema', () => {
  const limaMidnight = (y: number, m: number, d: number): number => Date.UTC(y, m - 1, d, 5);
  const days = (list: [number, number, number][]) =>
    list.map(([y, m, d]) => ({ start: limaMidnight(y, m, d), end: limaMidnight(y, m, d) + DAY }));

  it("marks Peru's holidays, the local day of week, month and hour of each window", () => {
    const windows = [
      ...days([
        [2025, 4, 16],
        [2025, 4, 17],
        [2025, 4, 18],
        [2025, 7, 28],
        [2025, 7, 29],
        [2025, 12, 8],
      ]),
      { start: limaMidnight(2025, 12, 8) + 18 * HOUR, end: limaMidnight(2025, 12, 9) }, // noche turno
      { start: limaMidnight(2025, 7, 23), end: limaMidnight(2025, 7, 30) }, // a week: 23, 28, 29 July
    ];
    const m = buildFeatures({ events: eventsOf([]), grid, mask, windows, timeZone: TZ, country: 'PE' });
    const per = (name: string): number[] => windows.map((_, w) => at(m, name, 0, w));
    expect(per('calendar.holiday')).toEqual([0, 1, 1, 1, 1, 1, 1, 3]);
    expect(per('calendar.dayOfWeek')).toEqual([3, 4, 5, 1, 2, 1, 1, 3]);
    expect(per('calendar.month')).toEqual([4, 4, 4, 7, 7, 12, 12, 7]);
    expect(per('calendar.hour')).toEqual([0, 0, 0, 0, 0, 0, 18, 0]);
    // Every cell of a window carries the window's values.
    const dow = featureColumn(m, 'calendar.dayOfWeek');
    expect(dow.subarray(49, 98).every((v) => v === 4)).toBe(true);
    // Without a country there is no holiday column.
    const plain = buildFeatures({ events: eventsOf([]), grid, mask, windows, timeZone: TZ });
    expect(plain.schema.columns.map((c) => c.name)).not.toContain('calendar.holiday');
  });

  it('rows are the valid cells × windows, with the district of each cell', () => {
    const partial = Uint8Array.from({ length: 49 }, (_, c) => (c % 2 === 0 ? 1 : 0));
    const districtOfCell = Int32Array.from({ length: 49 }, (_, c) => (c < 20 ? 0 : c < 40 ? 1 : -1));
    const m = buildFeatures({
      events: eventsOf([{ cat: 'hurto', col: 1, row: 0, daysAgo: 1 }]), // cell 1: masked, no row
      grid,
      mask: partial,
      windows: days([
        [2025, 3, 10],
        [2025, 3, 11],
      ]),
      timeZone: TZ,
      districtOfCell,
    });
    expect(Array.from(m.cells)).toEqual(Array.from({ length: 25 }, (_, k) => 2 * k));
    expect(m.rows).toBe(50);
    expect(m.columns.every((c) => c.length === 50)).toBe(true);
    const district = featureColumn(m, 'district');
    expect(Array.from(district.subarray(0, 25))).toEqual(Array.from(m.cells, (c) => districtOfCell[c]));
    expect(Array.from(district.subarray(25))).toEqual(Array.from(district.subarray(0, 25)));
    // The masked cell's event still counts as a neighbour of cell 0 and cell 2.
    expect(at(m, 'ring8.property.7d', 0)).toBe(1);
    expect(at(m, 'ring8.property.7d', 2)).toBe(1);
  });

  it('is deterministic and its schema survives serialisation', () => {
    const list: Ev[] = Array.from({ length: 300 }, (_, i) => ({
      cat: CATEGORY_CODES[i % CATEGORY_CODES.length] as CrimeCategory,
      col: (i * 5) % 7,
      row: (i * 3) % 7,
      daysAgo: ((i * 37) % 500) / 3,
    }));
    const a = build(list, { country: 'PE', target: 'all' });
    const b = build(list, { country: 'PE', target: 'all' });
    expect(a.columns.map((c) => Array.from(c))).toEqual(b.columns.map((c) => Array.from(c)));
    expect(Array.from(a.target ?? [])).toEqual(Array.from(b.target ?? []));
    // Windows are independent: in reverse order, each window's block of rows is the same.
    const windows = days([
      [2025, 3, 10],
      [2025, 3, 11],
      [2025, 3, 20],
    ]);
    const fwd = build(list, { windows });
    const rev = build(list, { windows: [...windows].reverse() });
    for (const [i, col] of fwd.columns.entries())
      for (let w = 0; w < 3; w++)
        expect(Array.from(col.subarray(w * 49, (w + 1) * 49))).toEqual(
          Array.from((rev.columns[i] as Float32Array).subarray((2 - w) * 49, (3 - w) * 49)),
        );
    expect(featureColumn(fwd, 'count.all.30d').some((v) => v > 0)).toBe(true);
    const text = serializeSchema(a.schema);
    expect(parseSchema(text)).toEqual(a.schema);
    expect(new Set(a.schema.columns.map((c) => c.name)).size).toBe(a.columns.length);
    expect(a.schema.settings).toMatchObject({ lagsDays: [1, 7, 30, 90, 365], country: 'PE', timeZone: TZ });
    expect(() => parseSchema('{"version":2}')).toThrow(ValidationError);
    expect(() => parseSchema('no es json')).toThrow(/no es JSON válido/);
  });

  it('refuses bad input naming the parameter', () => {
    const events = eventsOf([]);
    const ok = { events, grid, mask, windows: [window], timeZone: TZ };
    expect(() => buildFeatures({ ...ok, mask: new Uint8Array(10) })).toThrow(
      /mask: la máscara tiene 10 celdas/,
    );
    expect(() => buildFeatures({ ...ok, windows: [{ start, end: start }] })).toThrow(/windows\[0\]/);
    expect(() => buildFeatures({ ...ok, groups: ['nada' as 'all'] })).toThrow(
      /grupo de delitos desconocido "nada"/,
    );
    expect(() => buildFeatures({ ...ok, country: 'XX' })).toThrow(/país sin calendario/);
    expect(() => buildFeatures({ ...ok, timeZone: 'Mars/Base' })).toThrow(ValidationError);
    expect(() => buildFeatures({ ...ok, districtOfCell: [1, 2] })).toThrow(/districtOfCell/);
  });
});

describe('feature layer: as-of time, all history, hour profile, row cells, cell blocks', () => {
  const c = cellAt(3, 3);

  it('computes a window as of an earlier instant: later events are unknown, ages count from it', () => {
    const list: Ev[] = [
      { cat: 'hurto', col: 3, row: 3, daysAgo: 0.25 }, // 6 h before the window, after the as-of
      { cat: 'hurto', col: 3, row: 3, daysAgo: 1.5 },
    ];
    const asOf = start - DAY;
    const m = build(list, { windows: [{ ...window, asOf }] });
    // As of one day earlier only the event 1.5 days before the start is known, half a day old.
    expect(at(m, 'count.property.1d', c)).toBe(1);
    expect(at(m, 'count.property.7d', c)).toBe(1);
    expect(at(build(list), 'count.property.1d', c)).toBe(1);
    expect(at(build(list), 'count.property.7d', c)).toBe(2);
    // Calendar columns still describe the window itself.
    expect(at(m, 'calendar.dayOfWeek', c)).toBe(1);
    expect(() => build(list, { windows: [{ ...window, asOf: start + 1 }] })).toThrow(/windows\[0\]\.asOf/);
  });

  it('adds every earlier event of a group, beyond the 365-day horizon, only when asked', () => {
    const list: Ev[] = [
      { cat: 'hurto', col: 3, row: 3, daysAgo: 3000 },
      { cat: 'robo', col: 3, row: 3, daysAgo: 400 },
      { cat: 'hurto', col: 3, row: 3, daysAgo: 10 },
      { cat: 'hurto', col: 3, row: 3, daysAgo: 2, known: start + HOUR }, // registered after: never
    ];
    const m = build(
      [
        ...list,
        { cat: 'hurto', col: 4, row: 3, daysAgo: 2000 },
        { cat: 'hurto', col: 5, row: 3, daysAgo: 900 },
      ],
      { allHistory: true },
    );
    expect(at(m, 'count.property.all', c)).toBe(3);
    expect(at(m, 'ring8.property.all', c)).toBe(1);
    expect(at(m, 'ring16.property.all', c)).toBe(1);
    expect(at(m, 'ring8.property.365d', c)).toBe(0);
    // Long lags: 730 days holds the 10-day-old event only (robo 400 d ago is violent and property).
    expect(at(m, 'count.property.730d', c)).toBe(2);
    expect(at(m, 'count.property.1825d', c)).toBe(2);
    expect(at(m, 'count.property.365d', c)).toBe(1);
    expect(at(m, 'count.violent.all', c)).toBe(1);
    expect(build(list).schema.columns.map((s) => s.name)).not.toContain('count.property.all');
  });

  it("gives the share of the cell's and the area's past events in the window's local hours", () => {
    // Lima is UTC−5: the window 18:00–24:00 local; events at 20:00 local (in) and 10:00 local (out).
    const evening = { start: start + 18 * HOUR, end: start + DAY };
    const timed = (hourLocal: number, col: number, daysAgo: number) => ({
      t: start - daysAgo * DAY + hourLocal * HOUR,
      col,
    });
    const rows = [timed(20, 3, 3), timed(20, 3, 4), timed(20, 3, 5), timed(10, 3, 6), timed(10, 0, 7)];
    const events = createEventSet({
      t: rows.map((r) => r.t),
      x: rows.map((r) => (r.col + 0.5) * 100),
      y: rows.map(() => 350),
      category: rows.map(() => CATEGORY_CODES.indexOf('hurto')),
    });
    const m = buildFeatures({ events, grid, mask, windows: [evening], timeZone: TZ, target: 'property' });
    expect(at(m, 'calendar.hour', c)).toBe(18);
    expect(at(m, 'window.hours', c)).toBe(6);
    expect(at(m, 'hour.areaShare', c)).toBeCloseTo(3 / 5, 6);
    // The 3 × 3 block of cell (3, 3) holds the three evening events and one morning event.
    expect(at(m, 'hour.cellShare', c)).toBeCloseTo((3 + 5 * 0.6) / (4 + 5), 6);
    // A cell with no events nearby gets the area's share.
    expect(at(m, 'hour.cellShare', cellAt(6, 6))).toBeCloseTo(0.6, 6);
    const without = buildFeatures({
      events,
      grid,
      mask,
      windows: [evening],
      timeZone: TZ,
      hourFeatures: false,
    });
    const names = without.schema.columns.map((s) => s.name);
    for (const n of ['calendar.hour', 'window.hours', 'hour.cellShare', 'hour.areaShare'])
      expect(names).not.toContain(n);
    expect(m.schema.columns.map((s) => s.name)).not.toContain('hour.count.all');
  });

  it("counts every earlier event in the window's local hours, beyond the horizon, with all history", () => {
    const evening = { start: start + 18 * HOUR, end: start + DAY };
    const morning = { start: start + 6 * HOUR, end: start + 12 * HOUR };
    // Evening events 3 and 900 days ago in (3, 3), one at 10:00 local 2000 days ago, one evening
    // event next door (4, 3) 1500 days ago, and a violent-only event that the profile ignores.
    const rows = [
      { h: 20, col: 3, days: 3, cat: 'hurto' },
      { h: 21, col: 3, days: 900, cat: 'hurto' },
      { h: 10, col: 3, days: 2000, cat: 'hurto' },
      { h: 19, col: 4, days: 1500, cat: 'hurto' },
      { h: 20, col: 3, days: 1200, cat: 'homicidio' },
    ];
    const events = createEventSet({
      t: rows.map((r) => start - r.days * DAY + r.h * HOUR),
      x: rows.map((r) => (r.col + 0.5) * 100),
      y: rows.map(() => 350),
      category: rows.map((r) => CATEGORY_CODES.indexOf(r.cat as 'hurto')),
    });
    const m = buildFeatures({
      events,
      grid,
      mask,
      windows: [evening, morning],
      timeZone: TZ,
      target: 'property',
      allHistory: true,
    });
    expect(at(m, 'hour.count.all', c, 0)).toBe(2);
    expect(at(m, 'hour.block.all', c, 0)).toBe(3);
    expect(at(m, 'hour.count.all', c, 1)).toBe(1);
    expect(at(m, 'hour.block.all', c, 1)).toBe(1);
    expect(at(m, 'hour.count.all', cellAt(4, 3), 0)).toBe(1);
  });

  it('builds rows for the given cells only, and appends per-cell blocks', () => {
    const list: Ev[] = [{ cat: 'hurto', col: 3, row: 3, daysAgo: 2 }];
    const cells = Int32Array.from([cellAt(0, 0), c]);
    const values = Float32Array.from({ length: 49 }, (_, i) => i * 10);
    const block = {
      columns: [{ name: 'env.test', kind: 'environment' as const, unit: 'm', description: 'test' }],
      values: [values],
    };
    const m = build(list, { cells, cellBlocks: [block] });
    expect(m.rows).toBe(2);
    expect(Array.from(m.cells)).toEqual([0, c]);
    expect(Array.from(featureColumn(m, 'env.test'))).toEqual([0, c * 10]);
    expect(at(m, 'count.property.7d', c)).toBe(1);
    expect(() => build(list, { cells: Int32Array.from([c, 0]) })).toThrow(/cells\[1\]/);
    expect(() => build(list, { cellBlocks: [{ ...block, values: [new Float32Array(3)] }] })).toThrow(
      /cellBlocks\[0\]\.values\[0\]/,
    );
    expect(() => build(list, { cellBlocks: [block, block] })).toThrow(/columna repetida "env.test"/);
  });
});

import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.ts';
import { createEventSet, type EventSet } from '../core/events.ts';
import { cellCenter, cellOf, type GridSpec } from '../core/grid.ts';
import { mulberry32 } from '../core/random.ts';
import { correctDiscovered, exposureShare, simulateUrn } from './feedback.ts';

const grid: GridSpec = { x0: 0, y0: 0, cellSize: 100, cols: 3, rows: 2, rotationDeg: 0, crs: 'EPSG:32718' };
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];
const DAYS = 20_000;

/** Region i's allocation share after the last day, per seed. */
function finalShares(
  options: Omit<Parameters<typeof simulateUrn>[0], 'seed' | 'days'>,
  region: number,
): number[] {
  return SEEDS.map((seed) => {
    const { shares, regions } = simulateUrn({ ...options, days: DAYS, seed });
    return shares[(DAYS - 1) * regions + region] as number;
  });
}

describe('the Pólya urn of Ensign et al. (2018)', () => {
  it('locks onto the riskier region without the correction and learns the true ratio with it', () => {
    // True rates 0.3 and 0.4: the share the allocation should reach is 0.4 / 0.7 ≈ 0.571.
    const truth = 0.4 / 0.7;
    const naive = finalShares({ rates: [0.3, 0.4], correct: false }, 1);
    const corrected = finalShares({ rates: [0.3, 0.4], correct: true }, 1);
    for (const s of naive) expect(s).toBeGreaterThan(0.8);
    for (const s of corrected) expect(Math.abs(s - truth)).toBeLessThan(0.03);
  });

  it('with equal rates drifts to a random split without the correction and stays at one half with it', () => {
    const naive = finalShares({ rates: [0.4, 0.4], correct: false }, 0);
    const corrected = finalShares({ rates: [0.4, 0.4], correct: true }, 0);
    const meanGap = (xs: number[]) => xs.reduce((a, s) => a + Math.abs(s - 0.5), 0) / xs.length;
    expect(meanGap(naive)).toBeGreaterThan(0.15);
    expect(Math.max(...naive.map((s) => Math.abs(s - 0.5)))).toBeGreaterThan(0.3);
    for (const s of corrected) expect(Math.abs(s - 0.5)).toBeLessThan(0.03);
  });

  it('keeps reported crimes: with reports proportional to the rates the corrected allocation still converges', () => {
    const truth = 0.4 / 0.7;
    const options = { rates: [0.3, 0.4], reported: [0.03, 0.04] };
    for (const s of finalShares({ ...options, correct: false }, 1)) expect(s).toBeGreaterThan(0.7);
    for (const s of finalShares({ ...options, correct: true }, 1))
      expect(Math.abs(s - truth)).toBeLessThan(0.03);
  });

  it('three regions and three patrols a day: the corrected allocation reaches 0.2 / 0.3 / 0.5', () => {
    const rates = [0.2, 0.3, 0.5];
    for (const seed of SEEDS.slice(0, 4)) {
      const naive = simulateUrn({ rates, patrols: 3, days: DAYS, correct: false, seed });
      const corrected = simulateUrn({ rates, patrols: 3, days: DAYS, correct: true, seed });
      expect(naive.shares[(DAYS - 1) * 3 + 2]).toBeGreaterThan(0.9);
      rates.forEach((rate, i) => {
        expect(Math.abs((corrected.shares[(DAYS - 1) * 3 + i] as number) - rate)).toBeLessThan(0.03);
      });
    }
  });

  it('is deterministic per seed and records one share per region and day', () => {
    const a = simulateUrn({ rates: [0.3, 0.4], days: 500, correct: true, seed: 9 });
    const b = simulateUrn({ rates: [0.3, 0.4], days: 500, correct: true, seed: 9 });
    expect(a.shares).toEqual(b.shares);
    expect(a.shares.length).toBe(1000);
    for (let d = 0; d < 500; d++)
      expect((a.shares[2 * d] as number) + (a.shares[2 * d + 1] as number)).toBeCloseTo(1, 12);
  });
});

/**
 * Two cells with the same true crime count; cell A patrolled nine times as much as cell B. Each crime
 * is reported by the public with probability 0.3; otherwise a patrol discovers it with a probability
 * proportional to the patrol presence there.
 */
function patrolledPair(seed: number) {
  const A = 0;
  const B = 2;
  const minutes = new Float64Array(6);
  minutes[A] = 900;
  minutes[B] = 100;
  const exposure = exposureShare(minutes);
  const random = mulberry32(seed);
  const t: number[] = [];
  const x: number[] = [];
  const y: number[] = [];
  const flags: number[] = [];
  for (const cell of [A, B]) {
    const [cx, cy] = cellCenter(grid, cell) as Float64Array;
    for (let k = 0; k < 2000; k++) {
      let flag: number;
      if (random() < 0.3) flag = 0;
      else if (random() < 0.8 * (exposure[cell] as number)) flag = 1;
      else continue; // neither reported nor discovered: never known
      t.push(t.length * 60_000);
      x.push((cx as number) + (random() - 0.5) * 90);
      y.push((cy as number) + (random() - 0.5) * 90);
      flags.push(flag);
    }
  }
  return { A, B, exposure, events: createEventSet({ t, x, y }), discovered: Uint8Array.from(flags) };
}

function countIn(events: EventSet, cell: number): number {
  let n = 0;
  for (let i = 0; i < events.length; i++)
    if (cellOf(grid, events.x[i] as number, events.y[i] as number) === cell) n++;
  return n;
}

describe('correctDiscovered', () => {
  it('retraining on corrected data does not amplify a patrolled cell', () => {
    for (const seed of [1, 2, 3]) {
      const { A, B, exposure, events, discovered } = patrolledPair(seed);
      const { events: corrected, dropped } = correctDiscovered(events, discovered, exposure, grid, { seed });
      // Naive per-cell counts (what a count model retrains on): uncorrected, A looks about twice as risky.
      expect(countIn(events, A) / countIn(events, B)).toBeGreaterThan(1.8);
      expect(Math.abs(countIn(corrected, A) / countIn(corrected, B) - 1)).toBeLessThan(0.1);
      expect(corrected.length + dropped).toBe(events.length);
    }
  });

  it('keeps every reported event and thins discovered ones with probability p_min / p_i', () => {
    const { A, B, exposure, events, discovered } = patrolledPair(4);
    const { events: corrected, dropped } = correctDiscovered(events, discovered, exposure, grid, { seed: 4 });
    const reported = discovered.reduce((n, f) => n + (f === 0 ? 1 : 0), 0);
    let discoveredA = 0;
    let discoveredB = 0;
    for (let i = 0; i < events.length; i++)
      if (discovered[i] === 1) {
        if (cellOf(grid, events.x[i] as number, events.y[i] as number) === A) discoveredA++;
        else discoveredB++;
      }
    // B is the least-patrolled cell (share 0.1): all its events are kept; A's with probability 0.1 / 0.9.
    const keptA = discoveredA - dropped;
    expect(corrected.length).toBe(reported + discoveredB + keptA);
    expect(keptA / discoveredA).toBeGreaterThan(0.08);
    expect(keptA / discoveredA).toBeLessThan(0.145);
    expect(exposure[B]).toBeCloseTo(0.1, 12);
    // Time order and columns kept; the same seed keeps the same events.
    for (let i = 1; i < corrected.length; i++)
      expect(corrected.t[i]).toBeGreaterThanOrEqual(corrected.t[i - 1] as number);
    expect(correctDiscovered(events, discovered, exposure, grid, { seed: 4 }).events.t).toEqual(corrected.t);
  });

  it('refuses bad input, naming the parameter', () => {
    const events = createEventSet({ t: [0, 1], x: [50, 250], y: [50, 50] });
    const exposure = exposureShare(Float64Array.from([3, 0, 1, 0, 0, 0]));
    const bad = (f: () => unknown, field: string, message: RegExp) => {
      try {
        f();
      } catch (err) {
        expect(err).toBeInstanceOf(ValidationError);
        expect((err as ValidationError).field).toBe(field);
        expect((err as Error).message).toMatch(message);
        return;
      }
      throw new Error('no error thrown');
    };
    bad(
      () => correctDiscovered(events, new Uint8Array(3), exposure, grid),
      'discovered',
      /longitud 3, se esperaba 2/,
    );
    bad(
      () => correctDiscovered(events, Uint8Array.from([0, 2]), exposure, grid),
      'discovered',
      /evento 1: marca 2/,
    );
    bad(
      () => correctDiscovered(events, new Uint8Array(2), new Float64Array(5).fill(0.2), grid),
      'exposure',
      /se esperaba 6/,
    );
    bad(() => correctDiscovered(events, new Uint8Array(2), new Float64Array(6), grid), 'exposure', /celda 0/);
    const outside = createEventSet({ t: [0], x: [900], y: [50] });
    bad(
      () => correctDiscovered(outside, Uint8Array.from([1]), exposure, grid),
      'events',
      /evento 0: descubierto fuera de la grilla/,
    );
    bad(() => correctDiscovered(events, new Uint8Array(2), exposure, grid, { seed: 0.5 }), 'seed', /entero/);
    // A reported event outside the grid is simply kept.
    expect(correctDiscovered(outside, Uint8Array.from([0]), exposure, grid).events.length).toBe(1);

    bad(() => exposureShare(new Float64Array(0)), 'minutes', /vacíos/);
    bad(() => exposureShare(Float64Array.from([1, -2])), 'minutes', /celda 1/);
    bad(() => exposureShare(Float64Array.from([1, Number.NaN])), 'minutes', /celda 1/);
    bad(() => exposureShare(new Float64Array(3)), 'minutes', /ninguna celda/);
    bad(() => exposureShare(Float64Array.from([1, 0]), { floor: 0 }), 'floor', /fuera de rango/);

    bad(() => simulateUrn({ rates: [0.3], days: 10, correct: true }), 'rates', /al menos 2/);
    bad(() => simulateUrn({ rates: [0.3, 1.5], days: 10, correct: true }), 'rates', /región 1/);
    bad(
      () => simulateUrn({ rates: [0.3, 0.4], reported: [0.1], days: 10, correct: true }),
      'reported',
      /longitud 1/,
    );
    bad(() => simulateUrn({ rates: [0.3, 0.4], days: 0, correct: true }), 'days', /días inválidos/);
    bad(
      () => simulateUrn({ rates: [0.3, 0.4], days: 10, patrols: 1.5, correct: true }),
      'patrols',
      /patrullas/,
    );
    bad(() => simulateUrn({ rates: [0.3, 0.4], days: 10, prior: [1, 0], correct: true }), 'prior', /> 0/);
  });
});

describe('exposureShare', () => {
  it('turns patrol minutes into shares, never-patrolled cells at the floor', () => {
    const share = exposureShare(Float64Array.from([30, 0, 90, 0]));
    expect([...share]).toEqual([0.25, 0.25, 0.75, 0.25]);
    expect([...exposureShare(Float64Array.from([30, 0, 90, 0]), { floor: 0.01 })]).toEqual([
      0.25, 0.01, 0.75, 0.01,
    ]);
  });
});

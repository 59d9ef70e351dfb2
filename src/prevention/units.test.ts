import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.ts';
import { spreadUnits } from './units.ts';

describe('spreadUnits (largest remainder)', () => {
  it('gives integer units in proportion to the weights, adding up to the total', () => {
    // Exact shares 1.8 and 1.2: floors 1 + 1, the larger remainder (0.8) gets the third unit.
    expect(spreadUnits(3, [6, 4])).toEqual([2, 1]);
    expect(spreadUnits(100, [50, 30, 20])).toEqual([50, 30, 20]);
    expect(spreadUnits(10, [1, 0, 0])).toEqual([10, 0, 0]);
    expect(spreadUnits(0, [1, 2])).toEqual([0, 0]);
  });

  it('breaks remainder ties by the lower sector and spreads evenly when every weight is 0', () => {
    expect(spreadUnits(1, [1, 1, 1])).toEqual([1, 0, 0]);
    expect(spreadUnits(5, [0, 0])).toEqual([3, 2]);
  });

  it('refuses bad input naming the parameter', () => {
    expect(() => spreadUnits(-1, [1])).toThrow(/^units: /);
    expect(() => spreadUnits(1.5, [1])).toThrow(ValidationError);
    expect(() => spreadUnits(1, [])).toThrow(/^weights: /);
    expect(() => spreadUnits(1, [1, Number.NaN])).toThrow(/^weights: sector 1/);
    expect(() => spreadUnits(1, [-1])).toThrow(/^weights: /);
  });
});

import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.ts';
import { parseSets } from './settings.ts';

describe('parseSets', () => {
  it('groups option values by model, numbers as numbers', () => {
    expect(
      parseSets([
        'pro-hotspot.bandwidth=150,300',
        'pro-hotspot.distance=l1',
        'sepp-grid.trainingWindowDays=730',
      ]),
    ).toEqual({
      'pro-hotspot': { bandwidth: [150, 300], distance: ['l1'] },
      'sepp-grid': { trainingWindowDays: [730] },
    });
  });

  it('types booleans, null and numbers; everything else stays text', () => {
    expect(
      parseSets([
        'sepp-grid.edgeCorrection=false',
        'sepp-grid.refitEveryDays=3',
        'naive-counts.windowDays=null',
        'stkde.timeKernel=quadratic',
        'x.flags=true, false,1e-6',
      ]),
    ).toEqual({
      'sepp-grid': { edgeCorrection: [false], refitEveryDays: [3] },
      'naive-counts': { windowDays: [null] },
      stkde: { timeKernel: ['quadratic'] },
      x: { flags: [true, false, 1e-6] },
    });
  });

  it('names the malformed setting', () => {
    expect(() => parseSets(['bandwidth=150'])).toThrow(ValidationError);
    expect(() => parseSets(['bandwidth=150'])).toThrow(
      /"bandwidth=150" no tiene la forma modelo\.opción=v1,v2/,
    );
    expect(() => parseSets([])).toThrow(/al menos un --set/);
  });
});

import { describe, expect, it } from 'vitest';
import * as metrics from './index.ts';

describe('metrics barrel', () => {
  it('re-exports exactly the public runtime names', () => {
    expect(Object.keys(metrics).sort()).toEqual([
      'DEFAULT_COVERAGES',
      'NO_EVENTS',
      'betaQuantile',
      'brierEvent',
      'brierShare',
      'countsByCell',
      'hitRateCurve',
      'hitRateInterval',
      'logGamma',
      'meanHitRate',
      'meanLogLikelihood',
      'poissonDeviance',
      'probabilityBetter',
      'rankingScore',
      'regularizedIncompleteBeta',
      'topSlice',
      'topSliceScores',
      'wilcoxonSignedRank',
      'windowHitRates',
    ]);
  });
});

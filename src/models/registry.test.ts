import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.ts';
import { MODEL_NAMES, modelName } from '../core/models.ts';
import { getPredictor, isPredictorKind, PREDICTOR_KINDS, predictors } from './registry.ts';

describe('predictor registry', () => {
  it('keys every module by its own kind, with schema version 1 and a description', () => {
    expect(PREDICTOR_KINDS).toEqual([
      'random',
      'naive-counts',
      'retro-hotspot',
      'pro-hotspot',
      'stkde',
      'sepp-grid',
      'gbt-grid',
      'forest-grid',
      'mlp-grid',
      'lstm-grid',
    ]);
    for (const kind of PREDICTOR_KINDS) {
      expect(predictors[kind].kind).toBe(kind);
      expect(predictors[kind].schemaVersion).toBe(1);
      expect(predictors[kind].description).toMatch(/ \/ /);
    }
  });

  it('looks kinds up and lists the known ones on a miss', () => {
    expect(getPredictor('stkde')).toBe(predictors.stkde);
    expect(getPredictor('retro-hotspot').defaults.bandwidth).toBe(200);
    expect(isPredictorKind('toString')).toBe(false);
    expect(() => getPredictor('sepp')).toThrow(ValidationError);
    expect(() => getPredictor('sepp')).toThrow(/random, naive-counts, retro-hotspot, pro-hotspot, stkde/);
  });

  it('names every registered kind in Spanish and English (core/models.ts), and no other', () => {
    expect(Object.keys(MODEL_NAMES)).toEqual(PREDICTOR_KINDS);
    expect(modelName('naive-counts')).toBe('Conteo simple (referencia)');
    expect(modelName('sepp-grid', { withKind: true })).toBe('Proceso autoexcitado (ETAS) (sepp-grid)');
    expect(modelName('gbt-grid', { lang: 'en' })).toBe('Boosted trees');
    expect(modelName('retired-model')).toBe('retired-model');
  });
});

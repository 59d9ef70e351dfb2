import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.ts';
import { predictors } from '../models/registry.ts';
import { listModels, modelSettings, resolveModel, settingsMarkdown, singleSettings } from './models.ts';

const DOC = fileURLToPath(new URL('../../docs/forecasting.md', import.meta.url));

describe('model catalogue and settings', () => {
  it('lists every registered model with its kind and description', () => {
    const all = listModels();
    expect(all.map((m) => m.name)).toEqual(Object.keys(predictors));
    expect(all.filter((m) => m.kind === 'baseline').map((m) => m.name)).toEqual(['random', 'naive-counts']);
    for (const m of all) expect(m.description.length).toBeGreaterThan(10);
  });

  it("lists every option of a model with its module's defaults, plus the refit interval", () => {
    expect(Object.values(predictors).filter((m) => m.refitEveryDays !== undefined).length).toBeGreaterThan(1);
    for (const [kind, module] of Object.entries(predictors)) {
      const settings = modelSettings(kind);
      const options = settings.filter((s) => s.name !== 'refitEveryDays');
      expect(Object.fromEntries(options.map((s) => [s.name, s.default]))).toEqual({ ...module.defaults });
      for (const s of settings) expect(s.description, `${kind}.${s.name}`).not.toBe('');
      // Only models that can be conditioned between refits have a refit interval.
      expect(settings.length - options.length).toBe(module.refitEveryDays === undefined ? 0 : 1);
    }
    expect(modelSettings('sepp-grid').find((s) => s.name === 'refitEveryDays')).toMatchObject({
      type: 'integer',
      unit: 'días',
      default: 7,
    });
    expect(modelSettings('pro-hotspot').find((s) => s.name === 'bandwidth')).toMatchObject({
      type: 'number',
      allowed: '[50, 5000]',
      unit: 'm',
      default: 400,
    });
    expect(modelSettings('naive-counts')[0]).toMatchObject({ type: 'number | null', default: null });
  });

  it('resolves settings: booleans, null, the refit interval; errors name model.setting', () => {
    expect(resolveModel('sepp-grid', { edgeCorrection: false, refitEveryDays: 1 })).toMatchObject({
      config: { edgeCorrection: false, trainingWindowDays: 365 },
      refitEveryDays: 1,
    });
    expect(resolveModel('sepp-grid').refitEveryDays).toBe(7);
    expect(resolveModel('stkde').refitEveryDays).toBe(1);
    expect(resolveModel('naive-counts', { windowDays: null }).config).toEqual({ windowDays: null });
    const fails = (kind: string, s: Record<string, unknown>, re: RegExp) => {
      expect(() => resolveModel(kind, s)).toThrow(ValidationError);
      expect(() => resolveModel(kind, s)).toThrow(re);
    };
    fails('pro-hotspot', { bandwidth: 10 }, /^pro-hotspot\.bandwidth: debe estar entre 50 y 5000 m$/);
    fails('pro-hotspot', { bandwith: 300 }, /^pro-hotspot\.bandwith: opción desconocida/);
    fails('sepp-grid', { edgeCorrection: 'yes' }, /^sepp-grid\.edgeCorrection: /);
    fails('sepp-grid', { refitEveryDays: 0 }, /^sepp-grid\.refitEveryDays: debe ser un entero entre 1 y 365/);
    fails('stkde', { refitEveryDays: 3 }, /^stkde\.refitEveryDays: opción desconocida/); // refits every window
    fails('sepp', {}, /modelo desconocido "sepp"/);
  });

  it('takes the settings of a variant (kind:label) against its model', () => {
    expect(singleSettings({ 'sepp-grid:corto': { refitEveryDays: [3] } })).toEqual({
      'sepp-grid:corto': { refitEveryDays: 3 },
    });
    expect(() => singleSettings({ 'no-existe:x': { a: [1] } })).toThrow(/modelo desconocido "no-existe"/);
  });

  it('takes one value per option where one is expected', () => {
    expect(singleSettings({ 'sepp-grid': { edgeCorrection: [false], refitEveryDays: [3] } })).toEqual({
      'sepp-grid': { edgeCorrection: false, refitEveryDays: 3 },
    });
    expect(() => singleSettings({ 'pro-hotspot': { bandwidth: [150, 300] } })).toThrow(
      /^pro-hotspot\.bandwidth: un solo valor aquí \(recibió 2\)/,
    );
  });

  it('docs/forecasting.md lists exactly the settings the registry has', () => {
    const doc = readFileSync(DOC, 'utf8');
    const table =
      /<!-- model-settings:begin -->\n[^\n]*\n[^\n]*\n([\s\S]*?)\n<!-- model-settings:end -->/.exec(doc);
    expect(table, 'settings table markers in docs/forecasting.md').not.toBeNull();
    expect(table?.[1]).toBe(settingsMarkdown());
  });
});

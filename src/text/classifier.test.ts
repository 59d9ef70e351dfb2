import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.ts';
import { mulberry32 } from '../core/random.ts';
import {
  DEFAULT_TEXT_CLASSIFIER_SETTINGS,
  disagreements,
  fitTextClassifier,
  TEXT_CLASSIFIER_KIND,
  textClassifierFromArtifact,
  tfidf,
} from './classifier.ts';
import { countMatrix, vocabularyOf } from './tokens.ts';

const CLASSES = ['robo', 'extorsion', 'hurto'];
/** Phrases typical of each class, and phrases any class may use. */
const TYPICAL = [
  [
    'le robaron el celular con un cuchillo',
    'asaltado a mano armada',
    'le arrebataron la cartera amenazándolo',
    'lo golpearon para quitarle la billetera',
  ],
  [
    'le llaman exigiendo dinero',
    'cobro de cupos a su negocio',
    'recibió una carta extorsiva',
    'amenazan con atentar contra su familia si no paga',
  ],
  [
    'le sustrajeron la mochila sin que se diera cuenta',
    'se llevaron su bicicleta estacionada',
    'hurtaron los espejos del auto',
    'desapareció su billetera del bolsillo',
  ],
];
const COMMON = [
  'en la avenida',
  'cerca del mercado',
  'en horas de la noche',
  'según refiere el denunciante',
  'placa [PLACA]',
  'DNI [DNI]',
];

/** Short narratives: two typical phrases of the class and two common ones (seeded). */
function corpus(n: number, seed: number): { texts: string[]; y: Int32Array } {
  const random = mulberry32(seed);
  const pick = (a: readonly string[]) => a[Math.floor(random() * a.length)] as string;
  const texts: string[] = [];
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(random() * CLASSES.length);
    y[i] = c;
    texts.push(
      `${pick(COMMON)}, ${pick(TYPICAL[c] as string[])}; ${pick(COMMON)} ${pick(TYPICAL[c] as string[])}.`,
    );
  }
  return { texts, y };
}

describe('TF-IDF', () => {
  it('is sublinear in the count, idf-weighted and of unit length per row', () => {
    const counts = countMatrix([['a', 'a', 'a', 'b'], []], vocabularyOf(['a', 'b']));
    const x = tfidf(counts, [1, 2]);
    const a = 1 + Math.log(3);
    const b = 2;
    const norm = Math.hypot(a, b);
    expect(x.values[0]).toBeCloseTo(a / norm, 6);
    expect(x.values[1]).toBeCloseTo(b / norm, 6);
    expect(x.indptr[2]).toBe(2); // the empty row stays empty
  });
});

describe('text classifier', () => {
  const train = corpus(240, 1);
  const test = corpus(120, 2);
  const model = fitTextClassifier(train.texts, train.y, CLASSES);

  it('learns the classes from the words: held-out accuracy far above the prior', () => {
    const p = model.predictProba(test.texts);
    let right = 0;
    for (let i = 0; i < test.y.length; i++) {
      const row = Array.from(p.subarray(i * 3, i * 3 + 3));
      expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 9);
      if (row.indexOf(Math.max(...row)) === test.y[i]) right++;
    }
    expect(right / test.y.length).toBeGreaterThan(0.95);
    const fit = model.toArtifact().fit;
    expect(fit.rows).toBe(240);
    expect(fit.loss).toBeLessThan(Math.log(3));
  });

  it('an empty or foreign text gets probabilities near the class mix, not a confident class', () => {
    const p = model.predictProba(['', 'the quick brown fox']);
    for (const v of p) expect(v).toBeLessThan(0.6);
  });

  it('is deterministic and its JSON artifact predicts the same', () => {
    const again = fitTextClassifier(train.texts, train.y, CLASSES);
    expect(again.toArtifact().weights).toEqual(model.toArtifact().weights);
    const loaded = textClassifierFromArtifact(JSON.parse(JSON.stringify(model.toArtifact())));
    expect(loaded.classes).toEqual(CLASSES);
    expect(Array.from(loaded.predictProba(test.texts))).toEqual(Array.from(model.predictProba(test.texts)));
    expect(model.toArtifact()).toMatchObject({
      kind: TEXT_CLASSIFIER_KIND,
      settings: DEFAULT_TEXT_CLASSIFIER_SETTINGS,
    });
  });

  it('refuses a malformed artifact naming what is wrong', () => {
    const a = model.toArtifact();
    expect(() => textClassifierFromArtifact(null)).toThrow(ValidationError);
    expect(() => textClassifierFromArtifact({ ...a, kind: 'gbt' })).toThrow(/tipo gbt/);
    expect(() => textClassifierFromArtifact({ ...a, weights: a.weights.slice(1) })).toThrow(
      /pesos inválidos/,
    );
    expect(() => textClassifierFromArtifact({ ...a, idf: [...a.idf.slice(1), Number.NaN] })).toThrow(/idf/);
  });

  it('refuses bad training input', () => {
    expect(() => fitTextClassifier(['a'], [0, 1], CLASSES)).toThrow(/etiquetas/);
    expect(() => fitTextClassifier(['robo', 'hurto'], [0, 3], CLASSES)).toThrow(/clase fuera/);
    expect(() => fitTextClassifier(['robo', 'hurto'], [0, 1], CLASSES)).toThrow(/ningún término/);
  });
});

describe('disagreements (the data-quality rule)', () => {
  it('flags rows predicted as another class with probability ≥ the threshold, most confident first', () => {
    const p = Float64Array.from([
      0.9,
      0.05,
      0.05, // recorded 0, predicted 0: agrees
      0.1,
      0.85,
      0.05, // recorded 0, predicted 1 at 0.85: flagged
      0.3,
      0.35,
      0.35, // recorded 0, predicted 1 but only 0.35: not flagged
      0.02,
      0.02,
      0.96, // recorded 1, predicted 2 at 0.96: flagged first
      0.9,
      0.05,
      0.05, // recorded class unknown to the model (−1): skipped
    ]);
    const flags = disagreements(p, 3, [0, 0, 0, 1, -1], 0.8);
    expect(flags.map((f) => [f.row, f.recorded, f.predicted])).toEqual([
      [3, 1, 2],
      [1, 0, 1],
    ]);
    expect(flags[0]?.probability).toBeCloseTo(0.96);
    expect(flags[0]?.recordedProbability).toBeCloseTo(0.02);
    expect(() => disagreements(p, 3, [0, 0, 0, 1, -1], 0)).toThrow(ValidationError);
  });
});

/**
 * Gradient-boosted trees on the grid (`src/ml/gbt.ts`, Poisson loss): the learned model in the
 * style of the winning NIJ Real-Time Crime Forecasting entries — boosted trees on lagged counts of
 * every crime type, spatial lags, near repeats, decayed intensities, calendar and time of day
 * (`src/features/`), trained on the windows before the cutoff (`../learned/grid-learner.ts`).
 * Outputs expected events per cell and window (rates).
 */
import { fitGbt, GbtModel } from '../../ml/gbt.ts';
import { createLearnedModule, type GridLearner, type TrainedLearner } from '../learned/grid-learner.ts';
import { numberBetween } from '../model-kit.ts';

/** Settings of the boosted trees (besides the shared ones of learned models). */
interface GbtGridLearnerOptions {
  iterations: number;
  learningRate: number;
  maxLeaves: number;
  minSamplesLeaf: number;
  l2: number;
  featureFraction: number;
  threads: number;
}

const learnerShape = {
  iterations: numberBetween(1, 2000, '', true).default(150).meta({
    unit: '',
    description: 'árboles (iteraciones de boosting)',
  }),
  learningRate: numberBetween(0.001, 1).default(0.05).meta({
    unit: '',
    description: 'tasa de aprendizaje (encogimiento de cada hoja)',
  }),
  maxLeaves: numberBetween(2, 255, '', true).default(31).meta({ unit: '', description: 'hojas por árbol' }),
  minSamplesLeaf: numberBetween(1, 100000, '', true).default(200).meta({
    unit: 'filas',
    description: 'filas mínimas por hoja',
  }),
  l2: numberBetween(0, 1000).default(1).meta({ unit: '', description: 'regularización L2 de las hojas' }),
  featureFraction: numberBetween(0.05, 1).default(0.8).meta({
    unit: '',
    description: 'fracción de variables que cada árbol puede usar',
  }),
  threads: numberBetween(1, 64, '', true).default(1).meta({
    unit: '',
    description: 'hilos que construyen histogramas (otro número cambia los últimos dígitos)',
  }),
};

function wrap(model: GbtModel): TrainedLearner {
  return {
    predict: (columns) => model.predict(columns),
    // Poisson loss: the raw score is the log rate (models stored before attribution cannot explain).
    ...(model.nodeValues
      ? {
          explain: (columns: readonly Float32Array[]) => ({
            link: 'log' as const,
            ...(model.contributions(columns) as { base: number; contributions: Float64Array }),
          }),
        }
      : {}),
    toJSON: () => model.toArtifact(),
    report: { trees: model.treeCount },
  };
}

const learner: GridLearner<GbtGridLearnerOptions> = {
  train(columns, y, o, seed) {
    return wrap(fitGbt(columns, y, { loss: 'poisson', ...o, seed }));
  },
  restore(json) {
    return wrap(GbtModel.fromArtifact(json));
  },
};

/**
 * Boosted trees (Poisson) on the feature layer.
 * @example
 * const p = await gbtGrid.fit(events, { ...ctx, allEvents }, gbtGrid.parseConfig({ iterations: 300 }));
 */
export const gbtGrid = createLearnedModule<GbtGridLearnerOptions>({
  kind: 'gbt-grid',
  schemaVersion: 1,
  description:
    'Árboles potenciados (Poisson) sobre conteos por grupo, vecinos, intensidades y calendario / gradient-boosted trees on lagged multi-group features',
  learnerShape,
  learner,
  refitEveryDays: 28,
});

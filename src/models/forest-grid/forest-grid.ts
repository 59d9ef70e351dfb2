/**
 * A random forest on the grid (`src/ml/forest.ts`, Poisson criterion): the risk-terrain-style
 * learner of published PAI comparisons, on the same features and training windows as the boosted
 * trees (`../learned/grid-learner.ts`). Leaf values are mean events per row, so outputs are rates.
 */
import { ForestModel, fitForest } from '../../ml/forest.ts';
import { createLearnedModule, type GridLearner, type TrainedLearner } from '../learned/grid-learner.ts';
import { numberBetween } from '../model-kit.ts';

/** Settings of the forest (besides the shared ones of learned models). */
interface ForestGridLearnerOptions {
  trees: number;
  maxDepth: number;
  minSamplesLeaf: number;
  maxFeatures: number;
  maxSamples: number;
  threads: number;
}

const learnerShape = {
  trees: numberBetween(1, 1000, '', true).default(60).meta({ unit: '', description: 'árboles del bosque' }),
  maxDepth: numberBetween(1, 64, '', true).default(14).meta({ unit: '', description: 'profundidad máxima' }),
  minSamplesLeaf: numberBetween(1, 100000, '', true).default(100).meta({
    unit: 'filas',
    description: 'filas mínimas por hoja',
  }),
  maxFeatures: numberBetween(0.05, 1).default(0.5).meta({
    unit: '',
    description: 'fracción de variables probadas en cada corte',
  }),
  maxSamples: numberBetween(0.01, 1).default(0.3).meta({
    unit: '',
    description: 'fracción de filas (con reemplazo) que ve cada árbol',
  }),
  threads: numberBetween(1, 64, '', true).default(1).meta({
    unit: '',
    description: 'hilos que crecen árboles (no cambia el resultado)',
  }),
};

function wrap(model: ForestModel): TrainedLearner {
  return {
    predict: (columns) => model.predict(columns),
    // Leaf means are rates: contributions add expected events.
    explain: (columns) => ({ link: 'identity', ...model.contributions(columns) }),
    toJSON: () => model.toArtifact(),
    report: { trees: model.treeCount },
  };
}

const learner: GridLearner<ForestGridLearnerOptions> = {
  train(columns, y, o, seed) {
    return wrap(
      fitForest(columns, y, { task: 'regression', criterion: 'poisson', bootstrap: true, ...o, seed }),
    );
  },
  restore(json) {
    return wrap(ForestModel.fromArtifact(json));
  },
};

/**
 * Random forest (Poisson criterion) on the feature layer.
 * @example
 * const p = await forestGrid.fit(events, { ...ctx, allEvents }, forestGrid.parseConfig({ trees: 100 }));
 */
export const forestGrid = createLearnedModule<ForestGridLearnerOptions>({
  kind: 'forest-grid',
  schemaVersion: 1,
  description:
    'Bosque aleatorio (Poisson) sobre conteos por grupo, vecinos, intensidades y calendario / random forest on lagged multi-group features',
  learnerShape,
  learner,
  refitEveryDays: 28,
});

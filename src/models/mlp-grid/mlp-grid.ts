/**
 * A feed-forward neural network on the grid (TensorFlow.js, `src/ml/nn.ts`; Poisson output) on the
 * same features and training windows as the boosted trees (`../learned/grid-learner.ts`).
 */
import { createLearnedModule } from '../learned/grid-learner.ts';
import { mlpLearner, type NnGridOptions, nnShape } from '../learned/nn-learners.ts';

/**
 * Feed-forward network (Poisson) on the feature layer.
 * @example
 * const p = await mlpGrid.fit(events, { ...ctx, allEvents }, mlpGrid.parseConfig({ epochs: 10 }));
 */
export const mlpGrid = createLearnedModule<NnGridOptions>({
  kind: 'mlp-grid',
  schemaVersion: 1,
  description:
    'Red neuronal densa (Poisson) sobre conteos por grupo, vecinos, intensidades y calendario / feed-forward neural network on lagged multi-group features',
  learnerShape: nnShape,
  learner: mlpLearner,
  refitEveryDays: 28,
});

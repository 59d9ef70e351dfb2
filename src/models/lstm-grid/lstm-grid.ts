/**
 * An LSTM on the grid (TensorFlow.js, `src/ml/nn.ts`; Poisson output): each cell's last
 * `sequenceDays` daily counts (the forecast group in the cell and in its 3 × 3 block, every group
 * in the cell) run through an LSTM whose output joins the cell's feature row
 * (`../learned/grid-learner.ts`).
 */
import { createLearnedModule } from '../learned/grid-learner.ts';
import { type LstmGridOptions, lstmLearner, nnShape } from '../learned/nn-learners.ts';
import { numberBetween } from '../model-kit.ts';

/**
 * LSTM over each cell's recent days, joined with the feature layer.
 * @example
 * const p = await lstmGrid.fit(events, { ...ctx, allEvents }, lstmGrid.parseConfig({ sequenceDays: 14 }));
 */
export const lstmGrid = createLearnedModule<LstmGridOptions>({
  kind: 'lstm-grid',
  schemaVersion: 1,
  description:
    'LSTM sobre la secuencia diaria reciente de cada celda más sus variables / LSTM over each cell’s recent daily counts plus its features',
  learnerShape: {
    ...nnShape,
    sequenceDays: numberBetween(2, 365, ' días', true).default(28).meta({
      unit: 'días',
      description: 'días de la secuencia de cada celda',
    }),
    units: numberBetween(1, 512, '', true).default(16).meta({ unit: '', description: 'unidades de la LSTM' }),
  },
  learner: lstmLearner,
  refitEveryDays: 28,
});

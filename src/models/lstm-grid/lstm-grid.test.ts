import { runPredictorConformance } from '../conformance.case.ts';
import { lstmGrid } from './lstm-grid.ts';

runPredictorConformance(lstmGrid, {
  config: { trainDays: 30, epochs: 1, batchSize: 512, hidden: 8, sequenceDays: 7, units: 4 },
});

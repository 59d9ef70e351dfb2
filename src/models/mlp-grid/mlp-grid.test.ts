import { runPredictorConformance } from '../conformance.case.ts';
import { mlpGrid } from './mlp-grid.ts';

runPredictorConformance(mlpGrid, { config: { trainDays: 60, epochs: 2, batchSize: 256, hidden: 8 } });

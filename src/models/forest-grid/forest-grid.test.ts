import { runPredictorConformance } from '../conformance.case.ts';
import { forestGrid } from './forest-grid.ts';

runPredictorConformance(forestGrid, {
  config: { trainDays: 60, trees: 8, minSamplesLeaf: 20 },
  explains: true,
});

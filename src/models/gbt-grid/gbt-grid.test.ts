import { runPredictorConformance } from '../conformance.case.ts';
import { gbtGrid } from './gbt-grid.ts';

runPredictorConformance(gbtGrid, { config: { trainDays: 60, iterations: 20, minSamplesLeaf: 20 } });
runPredictorConformance(gbtGrid, {
  config: { trainDays: 60, iterations: 10, minSamplesLeaf: 20, hourFeatures: false, otherGroups: false },
});

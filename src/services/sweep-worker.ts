/**
 * A sweep worker thread: receives the events, grid and validation windows once, then scores one
 * model setting per message (pooled hits over the windows at each coverage) and posts the result.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { BacktestAccumulator } from '../evaluation/backtest/accumulate.ts';
import { runBacktest } from '../evaluation/backtest/runner.ts';
import { createProjection } from '../geo/projection.ts';
import { getPredictor } from '../models/registry.ts';
import { resolveModel } from './models.ts';
import type { SweepJob, SweepResult, SweepWorkerData } from './sweep.ts';

const port = parentPort;
if (!port) throw new Error('sweep-worker.ts must run in a worker thread');
const data = workerData as SweepWorkerData;
// A function does not cross to a worker: the layers' projection is rebuilt from the area's CRS.
const environment = data.environment && {
  layers: data.environment.layers,
  project: createProjection(data.environment.crs.code, data.environment.crs.definition).forward,
};

port.on('message', async (job: SweepJob) => {
  try {
    const module = getPredictor(job.kind);
    const { config, refitEveryDays } = resolveModel(job.kind, job.config);
    const acc = new BacktestAccumulator(data.coverages, data.seed, data.tieBreak);
    const started = performance.now();
    await runBacktest(
      {
        events: data.events,
        ...(data.allEvents ? { allEvents: data.allEvents } : {}),
        ...(data.placeTypes ? { placeTypes: data.placeTypes } : {}),
        ...(environment ? { environment } : {}),
        area: data.area,
        grid: data.grid,
        mask: data.mask,
        windows: data.windows,
        models: [{ name: 'm', module, config, refitEveryDays }],
        seed: data.seed,
      },
      (model, wi, surface, outcome, ms) => {
        if (model === 'm') acc.add(model, surface, outcome, ms, wi);
      },
    );
    const [result] = acc.results([{ name: 'm', kind: job.kind, config }], 'm');
    const reply: SweepResult = {
      id: job.id,
      curve: result?.curve ?? [],
      seconds: (performance.now() - started) / 1000,
    };
    port.postMessage(reply);
  } catch (err) {
    port.postMessage({ id: job.id, error: (err as Error).message } satisfies SweepResult);
  }
});

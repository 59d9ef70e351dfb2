/**
 * Neural-network benchmark (`src/ml/nn.ts`, TensorFlow.js on the wasm backend): training seconds
 * per epoch of the MLP (default 200,000 rows × 30 Float32 features, Poisson target, hidden [32, 16])
 * and of the LSTM (default 100,000 sequences × 28 steps × 3 channels of daily counts, 16 units,
 * Poisson target), peak RSS of the process, and the held-out Poisson deviance against the mean rate
 * (a sanity check that training works at this size, not a tuned result).
 *
 *   node --import tsx bench/nn.bench.ts [--mlp-rows 200000] [--lstm-rows 100000] [--epochs 2] [--batch 256]
 *
 * The row counts are the rows given to fit; a quarter as many more rows are generated and held out.
 * Each model trains `--epochs` epochs (batch `--batch`, Adam 0.001, 10 % validation rows scored after each
 * epoch, no early stop within the run); an epoch's time includes that scoring.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { mulberry32 } from '../src/core/random.ts';
import { fitLstm, fitMlp, type NnModel, nnLoss } from '../src/ml/nn.ts';
import { tf, tfReady } from '../src/ml/tf.ts';

const { values } = parseArgs({
  options: {
    'mlp-rows': { type: 'string', default: '200000' },
    'lstm-rows': { type: 'string', default: '100000' },
    epochs: { type: 'string', default: '2' },
    batch: { type: 'string', default: '256' },
  },
});
/** Rows given to fit (10 % of them validation); a quarter as many more are held out. */
const mlpTrain = Number(values['mlp-rows']);
const lstmTrain = Number(values['lstm-rows']);
const mlpRows = Math.round(mlpTrain * 1.25);
const lstmRows = Math.round(lstmTrain * 1.25);
const epochs = Number(values.epochs);
const common = {
  epochs,
  batchSize: 256,
  learningRate: 0.001,
  validationFraction: 0.1,
  patience: epochs,
  seed: 1,
};

function poisson(lambda: number, u: () => number): number {
  let k = 0;
  let p = Math.exp(-lambda);
  let s = p;
  const v = u();
  while (v > s && k < 1000) {
    k++;
    p *= lambda / k;
    s += p;
  }
  return k;
}

const random = mulberry32(2026);
const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const rssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

/**
 * Times each epoch through `onEpoch`: wall seconds, and CPU seconds of the process (user + system;
 * the wasm backend runs on one thread, so CPU time is the work, whatever else shares the machine).
 */
async function timed(train: (onEpoch: (e: number) => void) => Promise<NnModel>) {
  const wall: number[] = [];
  const cpu: number[] = [];
  const cpuNow = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const t0 = performance.now();
  const c0 = cpuNow();
  const model = await train(() => {
    wall.push(performance.now());
    cpu.push(cpuNow());
  });
  const total = (performance.now() - t0) / 1000;
  const diff = (xs: number[], x0: number, scale: number) =>
    xs.map((t, i) => (t - (i === 0 ? x0 : (xs[i - 1] as number))) / scale);
  return { model, total, perEpoch: diff(wall, t0, 1000), cpuPerEpoch: diff(cpu, c0, 1) };
}

const backend = await tfReady();
console.log(`backend ${backend.backend}, threads ${backend.threads}, tfjs ${tf.version.tfjs}`);

// MLP: 30 standard-normal features, log λ = −1 + 0.5·x0 − 0.4·x1 + 0.3·x2·x3 + 0.3·sin(2·x4).
const features = 30;
const columns = Array.from({ length: features }, () => new Float32Array(mlpRows));
const yMlp = new Float64Array(mlpRows);
for (let i = 0; i < mlpRows; i++) {
  for (const c of columns) c[i] = normal();
  const x = (j: number) => (columns[j] as Float32Array)[i] as number;
  yMlp[i] = poisson(
    Math.exp(-1 + 0.5 * x(0) - 0.4 * x(1) + 0.3 * x(2) * x(3) + 0.3 * Math.sin(2 * x(4))),
    random,
  );
}
const mlp = await timed((onEpoch) =>
  fitMlp(
    columns.map((c) => c.subarray(0, mlpTrain)),
    yMlp.subarray(0, mlpTrain),
    { ...common, onEpoch },
  ),
);
const mlpHeld = mlp.model.predict(columns.map((c) => c.subarray(mlpTrain)));
const yHeld = yMlp.subarray(mlpTrain);
const meanRate = yMlp.subarray(0, mlpTrain).reduce((a, b) => a + b, 0) / mlpTrain;
const mlpResult = {
  rows: mlpTrain,
  features,
  secondsPerEpoch: mlp.perEpoch,
  cpuSecondsPerEpoch: mlp.cpuPerEpoch,
  totalSeconds: mlp.total,
  heldOutDeviance: nnLoss('poisson', yHeld, mlpHeld),
  meanRateDeviance: nnLoss('poisson', yHeld, new Float64Array(yHeld.length).fill(meanRate)),
  peakRssMb: rssMb(),
};
mlp.model.dispose();
console.log('mlp', mlpResult);

// LSTM: 3 channels of daily counts with a per-row level and a weekly cycle; the target day's rate
// follows the row's level, the weekday of the day 7 steps back and channel 0's last 3 days.
const steps = 28;
const channels = 3;
const sequences = new Float32Array(lstmRows * steps * channels);
const yLstm = new Float64Array(lstmRows);
for (let i = 0; i < lstmRows; i++) {
  const level = Math.exp(normal() * 0.7 - 0.5);
  const phase = Math.floor(random() * 7);
  const week = (t: number) => 1 + 0.5 * Math.sin((2 * Math.PI * (t + phase)) / 7);
  for (let t = 0; t < steps; t++)
    for (let k = 0; k < channels; k++)
      sequences[(i * steps + t) * channels + k] = poisson(level * week(t) * (k === 0 ? 1 : 0.5), random);
  let recent = 0;
  for (let t = steps - 3; t < steps; t++) recent += sequences[(i * steps + t) * channels] as number;
  yLstm[i] = poisson(level * week(steps) * (0.7 + 0.1 * recent), random);
}
const lstm = await timed((onEpoch) =>
  fitLstm(sequences.subarray(0, lstmTrain * steps * channels), null, yLstm.subarray(0, lstmTrain), {
    ...common,
    steps,
    channels,
    onEpoch,
  }),
);
const lstmHeldY = yLstm.subarray(lstmTrain);
const lstmHeld = lstm.model.predictSequences(sequences.subarray(lstmTrain * steps * channels));
const lstmMean = yLstm.subarray(0, lstmTrain).reduce((a, b) => a + b, 0) / lstmTrain;
const lstmResult = {
  rows: lstmTrain,
  steps,
  channels,
  units: 16,
  secondsPerEpoch: lstm.perEpoch,
  cpuSecondsPerEpoch: lstm.cpuPerEpoch,
  totalSeconds: lstm.total,
  heldOutDeviance: nnLoss('poisson', lstmHeldY, lstmHeld),
  meanRateDeviance: nnLoss('poisson', lstmHeldY, new Float64Array(lstmHeldY.length).fill(lstmMean)),
  peakRssMb: rssMb(),
};
lstm.model.dispose();
console.log('lstm', lstmResult);

const result = {
  date: new Date().toISOString(),
  loadAverage: loadavg(),
  machine: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
  node: process.version,
  tfjs: tf.version.tfjs,
  backend,
  batchSize: common.batchSize,
  mlp: mlpResult,
  lstm: lstmResult,
};
mkdirSync('bench/out', { recursive: true });
writeFileSync('bench/out/nn.json', `${JSON.stringify(result, null, 2)}\n`);
console.log('written bench/out/nn.json');

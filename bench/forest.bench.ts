/**
 * Random forest benchmark: our forest (`src/ml/forest.ts`) and scikit-learn's
 * `RandomForestRegressor` side by side, in one run, on the GBT bench's matrix
 * (1,000,000 rows × 30 Float32 features, Poisson target: the bytes of `bench/out/gbt-matrix.bin`,
 * generated here by the same code and seed into `bench/out/forest-matrix.bin` when absent). The first 80 % of the rows train, the rest are held
 * out. Every fit runs in its own process (ours: this file with `--child`; scikit-learn:
 * `bench/forest_sklearn.py`) with 1 and with 2 threads, so peak memory is per fit. Reports training
 * seconds (binning included), held-out MSE and Poisson deviance (both computed here, from each
 * side's predictions, by the same code), nodes and peak RSS.
 *
 *   node --import tsx bench/forest.bench.ts [--trees 20] [--max-depth 12] [--min-samples-leaf 1]
 *     [--max-features 1] [--matrix-only]
 *
 * Needs Debian's `python3-sklearn` for the comparison (bench only).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { mulberry32 } from '../src/core/random.ts';
import { fitForest, meanPoissonDeviance } from '../src/ml/forest.ts';

const { values } = parseArgs({
  options: {
    trees: { type: 'string', default: '20' },
    'max-depth': { type: 'string', default: '12' },
    'min-samples-leaf': { type: 'string', default: '1' },
    'max-features': { type: 'string', default: '1' },
    child: { type: 'boolean', default: false },
    'matrix-only': { type: 'boolean', default: false },
    threads: { type: 'string', default: '1' },
  },
});
const settings = {
  trees: Number(values.trees),
  maxDepth: Number(values['max-depth']),
  minSamplesLeaf: Number(values['min-samples-leaf']),
  maxFeatures: Number(values['max-features']),
};
const rows = 1_000_000;
const features = 30;
const trainRows = Math.floor(rows * 0.8);
// the GBT bench's matrix, generated here into our own file (same generator, seed and bytes as
// bench/out/gbt-matrix.bin) so that a concurrent GBT bench rewriting its file cannot be read half-written
const matrixPath = 'bench/out/forest-matrix.bin';
const metaPath = 'bench/out/forest-matrix.json';
const MISSING_AS = -1000;

/**
 * The matrix as written by bench/gbt.bench.ts: column-major features, then the target. scikit-learn
 * 1.2's forests refuse NaN, so both sides read missing values as −1000 (below every value).
 */
function loadMatrix(): Float32Array {
  const data = new Float32Array(Uint8Array.from(readFileSync(matrixPath)).buffer);
  for (let k = 0; k < features * rows; k++) if (Number.isNaN(data[k] as number)) data[k] = MISSING_AS;
  return data;
}

if (values.child) {
  // one fit of ours; prints seconds, nodes, peak RSS
  const data = loadMatrix();
  const column = (j: number, from: number, to: number) => data.subarray(j * rows + from, j * rows + to);
  const train = Array.from({ length: features }, (_, j) => column(j, 0, trainRows));
  const test = Array.from({ length: features }, (_, j) => column(j, trainRows, rows));
  const y = column(features, 0, trainRows);
  const threads = Number(values.threads);
  const started = performance.now();
  const model = fitForest(train, y, { task: 'regression', ...settings, seed: 1, threads });
  const seconds = (performance.now() - started) / 1000;
  const pred = model.predict(test);
  writeFileSync(`bench/out/forest-pred-ours-${threads}.bin`, new Uint8Array(pred.buffer));
  console.log(
    JSON.stringify({
      seconds,
      nodes: model.nodes.feature.length,
      peakMB: process.resourceUsage().maxRSS / 1024,
    }),
  );
  process.exit(0);
}

mkdirSync('bench/out', { recursive: true });
const loadBefore = loadavg()[0];
if (!existsSync(matrixPath) || statSync(matrixPath).size !== (features + 1) * rows * 4) generateMatrix();
writeFileSync(metaPath, JSON.stringify({ rows, features, trainRows }));
if (values['matrix-only']) process.exit(0);
const all = loadMatrix();
const testY = all.subarray(features * rows + trainRows, (features + 1) * rows);
const readPred = (path: string) => new Float64Array(Uint8Array.from(readFileSync(path)).buffer);
function metrics(pred: Float64Array) {
  let se = 0;
  const clipped = new Float64Array(pred.length);
  for (let i = 0; i < pred.length; i++) {
    se += ((testY[i] as number) - (pred[i] as number)) ** 2;
    clipped[i] = Math.max(pred[i] as number, 1e-6);
  }
  return { mse: se / pred.length, poissonDeviance: meanPoissonDeviance(testY, clipped) };
}

const threadCounts = [1, 2];
const ours = threadCounts.map((threads) => {
  const out = execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'bench/forest.bench.ts',
      '--child',
      '--threads',
      String(threads),
      ...Object.entries(values)
        .filter(([k]) => k in { trees: 1, 'max-depth': 1, 'min-samples-leaf': 1, 'max-features': 1 })
        .flatMap(([k, v]) => [`--${k}`, String(v)]),
    ],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  const r = JSON.parse(out.trim().split('\n').pop() as string) as {
    seconds: number;
    nodes: number;
    peakMB: number;
  };
  return { threads, ...r, ...metrics(readPred(`bench/out/forest-pred-ours-${threads}.bin`)) };
});

const sk = threadCounts.flatMap((threads) => {
  const predPath = `bench/out/forest-pred-sklearn-${threads}.bin`;
  try {
    const out = execFileSync(
      '/usr/bin/python3',
      ['bench/forest_sklearn.py', matrixPath, metaPath, JSON.stringify(settings), String(threads), predPath],
      { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } },
    );
    const r = JSON.parse(out.trim().split('\n').pop() as string) as {
      seconds: number;
      peakMB: number;
      nodes: number;
      sklearn: string;
      numpy: string;
    };
    return [{ threads, ...r, ...metrics(readPred(predPath)) }];
  } catch (e) {
    console.error('scikit-learn no disponible:', (e as Error).message);
    return [];
  }
});

const mean = (() => {
  let s = 0;
  for (let i = 0; i < trainRows; i++) s += all[features * rows + i] as number;
  return s / trainRows;
})();
const result = {
  date: new Date().toISOString().slice(0, 10),
  machine: `${cpus().length} vCPU ${cpus()[0]?.model ?? ''}, Node ${process.version}`,
  /** 1-minute load average before and after (a shared machine: above the core count, threads cannot help). */
  load: [loadBefore, loadavg()[0]],
  rows,
  trainRows,
  features,
  settings,
  ours,
  sklearn: sk,
  trainMean: metrics(new Float64Array(testY.length).fill(mean)),
};
writeFileSync('bench/out/forest-results.json', `${JSON.stringify(result, null, 2)}\n`);
console.table([
  ...ours.map((r) => ({
    learner: `vigia forest, ${r.threads} hilo(s)`,
    seconds: Number(r.seconds.toFixed(2)),
    mse: r.mse.toFixed(5),
    poissonDeviance: r.poissonDeviance.toFixed(5),
    nodes: r.nodes,
    peakMB: Math.round(r.peakMB),
  })),
  ...sk.map((r) => ({
    learner: `sklearn ${r.sklearn} RF, ${r.threads} hilo(s)`,
    seconds: Number(r.seconds.toFixed(2)),
    mse: r.mse.toFixed(5),
    poissonDeviance: r.poissonDeviance.toFixed(5),
    nodes: r.nodes,
    peakMB: Math.round(r.peakMB),
  })),
  {
    learner: 'training mean',
    seconds: null,
    mse: result.trainMean.mse.toFixed(5),
    poissonDeviance: result.trainMean.poissonDeviance.toFixed(5),
  },
]);

/** Writes the GBT bench's matrix (same generator, seed and layout as bench/gbt.bench.ts). */
function generateMatrix(): void {
  const rate = (x: (j: number) => number): number => {
    const x6 = x(6);
    const z = -1 + 0.5 * x(0) - x(1) * (x(2) > 0 ? 1 : 0) + 0.3 * Math.sin(3 * x(3)) + 0.2 * x(4) * x(5);
    return Math.exp(z + (Number.isNaN(x6) || x6 > 1 ? 0.4 : 0));
  };
  const poisson = (lambda: number, u: () => number): number => {
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
  };
  const random = mulberry32(2026);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const columns = Array.from({ length: features }, () => new Float32Array(rows));
  const y = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < features; j++)
      (columns[j] as Float32Array)[i] = j % 2 === 0 ? normal() : random() * 4 - 2;
    if (random() < 0.05) (columns[6] as Float32Array)[i] = Number.NaN;
    y[i] = poisson(
      rate((j) => (columns[j] as Float32Array)[i] as number),
      random,
    );
  }
  const bytes = new Uint8Array((features + 1) * rows * 4);
  for (const [j, c] of columns.entries()) bytes.set(new Uint8Array(c.buffer), j * rows * 4);
  bytes.set(new Uint8Array(y.buffer), features * rows * 4);
  writeFileSync(matrixPath, bytes);
}

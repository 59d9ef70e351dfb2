/**
 * Gradient-boosted trees benchmark: our histogram GBT (`src/ml/gbt.ts`) and scikit-learn's
 * `HistGradientBoostingRegressor(loss="poisson")` side by side, in one run, on the same synthetic
 * matrix (default 1,000,000 rows × 30 Float32 features, 5 % missing in one of them, Poisson target
 * with a known rate function), written once to `bench/out/gbt-matrix.bin` and read by both. The
 * first 80 % of the rows train, the rest are held out. Reports training seconds (binning included on
 * both sides), their ratio and the held-out Poisson deviance (and the true rate function's).
 *
 *   node --import tsx bench/gbt.bench.ts [--rows 1000000] [--iterations 100] [--runs 1]
 *
 * With `--runs N` every fit (both learners, each thread count) is repeated N times, interleaved;
 * the table shows medians and ranges, and the ratio is the median of the per-run ratios.
 *
 * Needs Debian's `python3-sklearn` for the comparison (bench only): `apt-get install -y python3-sklearn`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { mulberry32 } from '../src/core/random.ts';
import { fitGbt, meanLoss } from '../src/ml/gbt.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    iterations: { type: 'string', default: '100' },
    runs: { type: 'string', default: '1' },
  },
});
const rows = Number(values.rows);
const runs = Math.max(1, Number(values.runs));
const features = 30;
const trainRows = Math.floor(rows * 0.8);
const settings = {
  iterations: Number(values.iterations),
  learningRate: 0.1,
  maxLeaves: 31,
  minSamplesLeaf: 20,
  l2: 0,
  maxBins: 255,
};

/** The known rate: log λ = −1 + 0.5·x0 − x1·[x2 > 0] + 0.3·sin(3·x3) + 0.2·x4·x5 + 0.4·[x6 missing or x6 > 1]. */
function rate(x: (j: number) => number): number {
  const x6 = x(6);
  const z = -1 + 0.5 * x(0) - x(1) * (x(2) > 0 ? 1 : 0) + 0.3 * Math.sin(3 * x(3)) + 0.2 * x(4) * x(5);
  return Math.exp(z + (Number.isNaN(x6) || x6 > 1 ? 0.4 : 0));
}

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
const columns = Array.from({ length: features }, () => new Float32Array(rows));
const y = new Float32Array(rows);
const trueRate = new Float64Array(rows);
for (let i = 0; i < rows; i++) {
  for (let j = 0; j < features; j++)
    (columns[j] as Float32Array)[i] = j % 2 === 0 ? normal() : random() * 4 - 2;
  if (random() < 0.05) (columns[6] as Float32Array)[i] = Number.NaN;
  const r = rate((j) => (columns[j] as Float32Array)[i] as number);
  trueRate[i] = r;
  y[i] = poisson(r, random);
}

mkdirSync('bench/out', { recursive: true });
const matrixPath = 'bench/out/gbt-matrix.bin';
const metaPath = 'bench/out/gbt-matrix.json';
const bytes = new Uint8Array((features + 1) * rows * 4);
for (const [j, c] of columns.entries()) bytes.set(new Uint8Array(c.buffer), j * rows * 4);
bytes.set(new Uint8Array(y.buffer), features * rows * 4);
writeFileSync(matrixPath, bytes);
writeFileSync(metaPath, JSON.stringify({ rows, features, trainRows, settings }));

const trainColumns = columns.map((c) => c.subarray(0, trainRows));
const testColumns = columns.map((c) => c.subarray(trainRows));
const testY = y.subarray(trainRows);
/** Our GBT with `threads` threads: seconds, CPU seconds (all threads), held-out deviance. */
function ours(threads: number) {
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const model = fitGbt(trainColumns, y.subarray(0, trainRows), {
    loss: 'poisson',
    ...settings,
    seed: 1,
    threads,
  });
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = process.cpuUsage(cpu0).user / 1e6;
  const deviance = meanLoss('poisson', testY, model.predict(testColumns));
  return {
    threads,
    seconds: Number(seconds.toFixed(2)),
    cpuSeconds: Number(cpuSeconds.toFixed(2)),
    deviance,
    trees: model.treeCount,
  };
}
const threadCounts = [...new Set([1, availableParallelism()])];
const trueDeviance = meanLoss('poisson', testY, trueRate.subarray(trainRows));

/** scikit-learn with `threads` OpenMP threads (libgomp spins when it waits: on a busy machine, 1 thread can win). */
function sklearn(threads: number) {
  try {
    const out = execFileSync('/usr/bin/python3', ['bench/gbt_sklearn.py', matrixPath, metaPath], {
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: String(threads) },
    });
    const r = JSON.parse(out.trim().split('\n').pop() as string) as {
      seconds: number;
      deviance: number;
      sklearn: string;
    };
    return { ...r, threads, seconds: Number(r.seconds.toFixed(2)) };
  } catch (e) {
    console.error('scikit-learn no disponible:', (e as Error).message);
    return null;
  }
}
const hasPython = existsSync('/usr/bin/python3');
type Run = { ours: ReturnType<typeof ours>[]; sklearn: NonNullable<ReturnType<typeof sklearn>>[] };
const allRuns: Run[] = [];
for (let r = 0; r < runs; r++) {
  const run: Run = { ours: threadCounts.map(ours), sklearn: [] };
  if (hasPython) run.sklearn = threadCounts.map(sklearn).filter((x) => x !== null);
  allRuns.push(run);
  console.error(`run ${r + 1}/${runs}:`, JSON.stringify(run));
}
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const fastest = (xs: { seconds: number }[]): number => Math.min(...xs.map((x) => x.seconds));
const ratios = allRuns.filter((r) => r.sklearn.length > 0).map((r) => fastest(r.ours) / fastest(r.sklearn));
const summary = (list: (Run['ours'][number] | Run['sklearn'][number])[][], threads: number) => {
  const xs = list.map((l) => l.find((x) => x.threads === threads)).filter((x) => x !== undefined);
  const secs = xs.map((x) => x.seconds);
  return {
    threads,
    seconds: Number(median(secs).toFixed(2)),
    min: Math.min(...secs),
    max: Math.max(...secs),
    deviance: xs[0]?.deviance ?? Number.NaN,
  };
};
const ourRuns = threadCounts.map((t) =>
  summary(
    allRuns.map((r) => r.ours),
    t,
  ),
);
const sk =
  hasPython && ratios.length > 0
    ? threadCounts.map((t) =>
        summary(
          allRuns.map((r) => r.sklearn),
          t,
        ),
      )
    : [];
const skVersion = allRuns[0]?.sklearn[0]?.sklearn ?? '';

const result = {
  date: new Date().toISOString().slice(0, 10),
  machine: `${cpus().length} vCPU ${cpus()[0]?.model ?? ''}, Node ${process.version}`,
  rows,
  trainRows,
  features,
  settings,
  runs,
  ours: ourRuns,
  sklearn: sk,
  ratio: ratios.length > 0 ? Number(median(ratios).toFixed(2)) : null,
  ratios: ratios.map((r) => Number(r.toFixed(2))),
  trueDeviance,
  allRuns,
};
writeFileSync('bench/out/gbt-results.json', `${JSON.stringify(result, null, 2)}\n`);
console.table([
  ...ourRuns.map((r) => ({
    learner: `vigia gbt, ${r.threads} hilo(s)`,
    seconds: r.seconds,
    range: `${r.min}–${r.max}`,
    heldOutDeviance: r.deviance.toFixed(5),
  })),
  ...sk.map((r) => ({
    learner: `sklearn ${skVersion} HGB, ${r.threads} hilo(s)`,
    seconds: r.seconds,
    range: `${r.min}–${r.max}`,
    heldOutDeviance: r.deviance.toFixed(5),
  })),
  { learner: 'true rate', seconds: null, heldOutDeviance: trueDeviance.toFixed(5) },
]);
console.log(
  `ratio (fastest ours / fastest sklearn, median of ${ratios.length} run(s)): ${result.ratio} (${result.ratios.join(', ')})`,
);

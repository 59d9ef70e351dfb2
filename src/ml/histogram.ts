/**
 * The histogram loop of the tree learners, on one thread or split over worker threads.
 *
 * A histogram holds, per feature f and code c, at `(f · 256 + c) · 3`: the sum of gradients, the sum
 * of hessians and the row count. With `threads` > 1 the rows of a large node are cut into `threads`
 * fixed ranges: the calling thread sums the first into the target, each worker one other into its
 * own buffer, and the caller adds the workers' buffers in worker order. The cut and the order depend
 * only on the node and the thread count, so results are deterministic for a given thread count
 * (not bit-identical across thread counts: floating-point sums in another order).
 *
 * Workers run `accumulate` itself (its source text), over SharedArrayBuffers; they wait on
 * `Atomics.wait`, so the caller's `build` is synchronous.
 */

import { Worker } from 'node:worker_threads';

/** Histogram entries per bin and per feature. */
export const STRIDE = 3;
export const FEATURE_STRIDE = 256 * STRIDE;
/** Nodes with fewer rows are summed on the calling thread alone. */
const PARALLEL_MIN_ROWS = 16_384;

/**
 * Adds rows[start, end) to `hist` (row-major codes: one row's codes share a cache line).
 * Self-contained: its source runs in the workers too.
 */
export function accumulate(
  hist: Float64Array,
  rows: Uint32Array,
  start: number,
  end: number,
  grad: Float64Array,
  hess: Float64Array,
  rowCodes: Uint8Array,
  nFeatures: number,
): void {
  // unrolled by 4 features: V8 compiles the straight-line form about twice as fast as a
  // one-feature loop (measured; bounds checks and the loop counter are amortised)
  const f4 = nFeatures - (nFeatures % 4);
  for (let k = start; k < end; k++) {
    const i = rows[k] as number;
    const g = grad[i] as number;
    const h = hess[i] as number;
    const base = i * nFeatures;
    let f = 0;
    for (; f < f4; f += 4) {
      const p = base + f;
      const o = f * 768;
      let b = o + (rowCodes[p] as number) * 3;
      hist[b] = (hist[b] as number) + g;
      hist[b + 1] = (hist[b + 1] as number) + h;
      hist[b + 2] = (hist[b + 2] as number) + 1;
      b = o + 768 + (rowCodes[p + 1] as number) * 3;
      hist[b] = (hist[b] as number) + g;
      hist[b + 1] = (hist[b + 1] as number) + h;
      hist[b + 2] = (hist[b + 2] as number) + 1;
      b = o + 1536 + (rowCodes[p + 2] as number) * 3;
      hist[b] = (hist[b] as number) + g;
      hist[b + 1] = (hist[b + 1] as number) + h;
      hist[b + 2] = (hist[b + 2] as number) + 1;
      b = o + 2304 + (rowCodes[p + 3] as number) * 3;
      hist[b] = (hist[b] as number) + g;
      hist[b + 1] = (hist[b + 1] as number) + h;
      hist[b + 2] = (hist[b + 2] as number) + 1;
    }
    for (; f < nFeatures; f++) {
      const b = f * 768 + (rowCodes[base + f] as number) * 3;
      hist[b] = (hist[b] as number) + g;
      hist[b + 1] = (hist[b + 1] as number) + h;
      hist[b + 2] = (hist[b + 2] as number) + 1;
    }
  }
}

/** Shared inputs of the histogram loop (SharedArrayBuffer-backed when threads > 1). */
export interface HistInputs {
  readonly rows: Uint32Array;
  readonly grad: Float64Array;
  readonly hess: Float64Array;
  readonly rowCodes: Uint8Array;
  readonly nFeatures: number;
}

/** Typed arrays of `length` elements on a SharedArrayBuffer. */
export function shared<T>(
  Type: { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number },
  length: number,
): T {
  return new Type(new SharedArrayBuffer(length * Type.BYTES_PER_ELEMENT));
}

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const accumulate = ${accumulate.toString()};
const { control, slot, rows, grad, hess, rowCodes, nFeatures, hist } = workerData;
const ctrl = new Int32Array(control);
let gen = 0;
for (;;) {
  Atomics.wait(ctrl, slot, gen);
  gen = Atomics.load(ctrl, slot);
  if (gen < 0) break;
  hist.fill(0);
  accumulate(hist, rows, ctrl[slot + 1], ctrl[slot + 2], grad, hess, rowCodes, nFeatures);
  Atomics.store(ctrl, slot + 3, gen);
  Atomics.notify(ctrl, slot + 3);
}
`;

/** Builds histograms on the calling thread and `threads − 1` workers. Call `close` when done. */
export class HistogramBuilder {
  private readonly workers: Worker[] = [];
  private readonly buffers: Float64Array[] = [];
  /** Per worker w, at 4w: generation, start, end, generation done. */
  private readonly ctrl: Int32Array;
  private gen = 0;

  constructor(
    private readonly inputs: HistInputs,
    readonly threads: number,
  ) {
    this.ctrl = new Int32Array(new SharedArrayBuffer(4 * 4 * Math.max(1, threads - 1)));
    for (let w = 0; w + 1 < threads; w++) {
      const hist = shared(Float64Array, inputs.nFeatures * FEATURE_STRIDE);
      this.buffers.push(hist);
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { control: this.ctrl.buffer, slot: 4 * w, ...inputs, hist },
      });
      worker.unref();
      this.workers.push(worker);
    }
  }

  /** Adds rows[start, end) of the inputs to `hist` (zeroed by the caller). */
  build(hist: Float64Array, start: number, end: number): void {
    const { rows, grad, hess, rowCodes, nFeatures } = this.inputs;
    const m = end - start;
    if (this.workers.length === 0 || m < PARALLEL_MIN_ROWS) {
      accumulate(hist, rows, start, end, grad, hess, rowCodes, nFeatures);
      return;
    }
    const gen = ++this.gen;
    const chunk = Math.ceil(m / this.threads);
    const ctrl = this.ctrl;
    this.workers.forEach((_, w) => {
      const s = 4 * w;
      ctrl[s + 1] = Math.min(end, start + (w + 1) * chunk);
      ctrl[s + 2] = Math.min(end, start + (w + 2) * chunk);
      Atomics.store(ctrl, s, gen);
      Atomics.notify(ctrl, s);
    });
    accumulate(hist, rows, start, Math.min(end, start + chunk), grad, hess, rowCodes, nFeatures);
    this.workers.forEach((_, w) => {
      const s = 4 * w + 3;
      for (let done = Atomics.load(ctrl, s); done !== gen; done = Atomics.load(ctrl, s))
        Atomics.wait(ctrl, s, done);
      const part = this.buffers[w] as Float64Array;
      for (let j = 0; j < hist.length; j++) hist[j] = (hist[j] as number) + (part[j] as number);
    });
  }

  /** Stops the workers. */
  close(): void {
    this.workers.forEach((worker, w) => {
      Atomics.store(this.ctrl, 4 * w, -1);
      Atomics.notify(this.ctrl, 4 * w);
      void worker.terminate();
    });
    this.workers.length = 0;
  }
}

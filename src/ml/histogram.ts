/**
 * The row loops of the tree learner — histograms, the row partition of a split and the
 * gradients — on the calling thread or split over worker threads.
 *
 * A histogram holds, per feature f and code c, at `(f · 256 + c) · 3`: the sum of gradients, the sum
 * of hessians and the row count. The histogram loop is generated for the feature count (one
 * straight-line block per feature, `kernelSource`): V8 compiles it about 1.5× faster than a loop over
 * features (measured on 800,000 × 30 codes).
 *
 * With `threads` > 1 the rows of a large node (or the training rows, for gradients) are cut into
 * `threads` fixed ranges: the calling thread works on the first, each worker on one other. Histogram
 * parts are summed into the target in worker order; a partition is stable within each range and the
 * ranges are joined in order, so it equals the one-thread partition; gradients are per row. The
 * cut and the order depend only on the node and the thread count, so results are deterministic for
 * a given thread count (not bit-identical across thread counts: histogram sums in another order).
 *
 * Workers run the same functions (their source text) over SharedArrayBuffers and wait on
 * `Atomics.wait`, so the caller's calls are synchronous. Every wait has a timeout: a worker that
 * does not answer within `WORKER_TIMEOUT_MS`, or that fails, makes the call throw.
 *
 * Two histogram kernels give bit-identical sums: the generated JavaScript loop (`'js'`) and a
 * hand-written WebAssembly SIMD loop (`'wasm'`, `wasm/histogram.wat`, one f64x2 add of (gradient,
 * hessian) per row and feature and one f64 add of the count: the same double additions in the same
 * order). The WebAssembly kernel reads the rows, gradients, hessians and row-major codes where they
 * live, in one shared `WebAssembly.Memory` (`WasmArena`, sized once per fit; the codes are copied in
 * once), so the calling thread and the workers run it on the same memory without copies.
 */

import { Worker } from 'node:worker_threads';
import { WASM_BASE64 } from './wasm/histogram-wasm.ts';

/** Histogram entries per bin and per feature. */
export const STRIDE = 3;
export const FEATURE_STRIDE = 256 * STRIDE;
/** Nodes (or row sets) with fewer rows are handled on the calling thread alone. */
const PARALLEL_MIN_ROWS = 16_384;
/** Feature counts up to this get a fully unrolled histogram loop; more use `accumulate`. */
const UNROLL_MAX = 64;
/** How long the caller waits for a worker before giving up. */
export const WORKER_TIMEOUT_MS = 120_000;

/** Adds rows[start, end) to `hist`; the feature count is fixed when the kernel is generated. */
export type Kernel = (
  hist: Float64Array,
  rows: Uint32Array,
  start: number,
  end: number,
  grad: Float64Array,
  hess: Float64Array,
  rowCodes: Uint8Array,
) => void;

/**
 * Adds rows[start, end) to `hist` (row-major codes: one row's codes share a cache line), for any
 * feature count. Self-contained: its source runs in the workers too.
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
  for (let k = start; k < end; k++) {
    const i = rows[k] as number;
    const g = grad[i] as number;
    const h = hess[i] as number;
    const base = i * nFeatures;
    for (let f = 0, off = 0; f < nFeatures; f++, off += 768) {
      const b = off + (rowCodes[base + f] as number) * 3;
      hist[b] = (hist[b] as number) + g;
      hist[b + 1] = (hist[b + 1] as number) + h;
      hist[b + 2] = (hist[b + 2] as number) + 1;
    }
  }
}

/**
 * Source text of the histogram loop for `nFeatures` features: a function expression with the
 * `Kernel` signature. Only numbers are spliced into it.
 */
export function kernelSource(nFeatures: number): string {
  if (!Number.isInteger(nFeatures) || nFeatures < 1) throw new RangeError('nFeatures');
  if (nFeatures > UNROLL_MAX)
    return `(hist, rows, start, end, grad, hess, rowCodes) => (${accumulate.toString()})(hist, rows, start, end, grad, hess, rowCodes, ${nFeatures})`;
  let body = '';
  for (let f = 0; f < nFeatures; f++)
    body += `b = ${f * FEATURE_STRIDE} + rowCodes[base + ${f}] * 3; hist[b] += g; hist[b + 1] += h; hist[b + 2] += 1;\n`;
  return `function (hist, rows, start, end, grad, hess, rowCodes) {
  for (let k = start; k < end; k++) {
    const i = rows[k];
    const g = grad[i];
    const h = hess[i];
    const base = i * ${nFeatures};
    let b = 0;
${body}  }
}`;
}

/** The histogram loop for `nFeatures` features (compiled from `kernelSource`). */
export function compileKernel(nFeatures: number): Kernel {
  return new Function(`return ${kernelSource(nFeatures)};`)() as Kernel;
}

/**
 * Stable partition of rows[start, end): the rows whose code in `column` has `goesLeft[code]` = 1
 * first (in place), the others after them in `tmp[start …]`; returns how many go left. Branch-free:
 * each row is written to both sides and one cursor moves (w ≤ k: nothing unread is overwritten).
 * Self-contained: its source runs in the workers too.
 */
export function partitionRange(
  rows: Uint32Array,
  tmp: Uint32Array,
  start: number,
  end: number,
  codes: Uint8Array,
  column: number,
  goesLeft: Uint8Array,
): number {
  let w = start;
  let r = start;
  for (let k = start; k < end; k++) {
    const i = rows[k] as number;
    const left = goesLeft[codes[column + i] as number] as number;
    rows[w] = i;
    tmp[r] = i;
    w += left;
    r += 1 - left;
  }
  return w - start;
}

/**
 * Gradient and hessian of the loss at the raw scores of rows train[start, end): Poisson (log
 * link) when `poisson` is 1, else logistic (logit link). Self-contained: runs in the workers too.
 */
export function gradients(
  poisson: number,
  train: Uint32Array,
  start: number,
  end: number,
  raw: Float64Array,
  y: Float64Array,
  grad: Float64Array,
  hess: Float64Array,
): void {
  if (poisson === 1)
    for (let k = start; k < end; k++) {
      const i = train[k] as number;
      const p = Math.exp(raw[i] as number);
      grad[i] = p - (y[i] as number);
      hess[i] = p;
    }
  else
    for (let k = start; k < end; k++) {
      const i = train[k] as number;
      const p = 1 / (1 + Math.exp(-(raw[i] as number)));
      grad[i] = p - (y[i] as number);
      hess[i] = Math.max(p * (1 - p), 1e-16);
    }
}

/**
 * Adds leaf j's value to the raw scores of the rows at positions [leafStart[j], leafEnd[j]) ∩
 * [start, end) of `rows`, for every leaf j < nLeaves. Self-contained: runs in the workers too.
 */
export function updateScores(
  rows: Uint32Array,
  start: number,
  end: number,
  leafStart: Int32Array,
  leafEnd: Int32Array,
  leafValue: Float64Array,
  nLeaves: number,
  raw: Float64Array,
): void {
  for (let j = 0; j < nLeaves; j++) {
    const v = leafValue[j] as number;
    const e = Math.min(end, leafEnd[j] as number);
    for (let k = Math.max(start, leafStart[j] as number); k < e; k++) {
      const i = rows[k] as number;
      raw[i] = (raw[i] as number) + v;
    }
  }
}

/**
 * Rows [start, end) of the column-major codes (`codes[f * nRows + i]`) written row-major
 * (`rowCodes[i * nFeatures + f]`), in blocks of rows that stay in cache. Self-contained: runs in the
 * workers too.
 */
export function transposeRows(
  codes: Uint8Array,
  rowCodes: Uint8Array,
  nRows: number,
  nFeatures: number,
  start: number,
  end: number,
): void {
  for (let s = start; s < end; s += 4096) {
    const e = Math.min(end, s + 4096);
    for (let f = 0; f < nFeatures; f++)
      for (let i = s, k = f * nRows + s, w = s * nFeatures + f; i < e; i++, k++, w += nFeatures)
        rowCodes[w] = codes[k] as number;
  }
}

/** Which histogram loop runs: the generated JavaScript or the WebAssembly SIMD kernel. */
export type HistogramKernel = 'js' | 'wasm';

/** WebAssembly pages (64 KiB) at most in one memory (wasm32: 4 GiB). */
const MAX_PAGES = 65_536;
let wasmCompiled: WebAssembly.Module | null | undefined;

/**
 * The compiled WebAssembly kernel, or null where this runtime lacks WebAssembly SIMD or shared
 * memory (then only the JavaScript kernel runs).
 */
export function histogramWasm(): WebAssembly.Module | null {
  if (wasmCompiled === undefined)
    try {
      new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
      wasmCompiled = new WebAssembly.Module(Buffer.from(WASM_BASE64, 'base64'));
    } catch {
      wasmCompiled = null;
    }
  return wasmCompiled;
}

/** Typed array constructor over a buffer region. */
type TypedArrayOf<T> = {
  new (buffer: SharedArrayBuffer, byteOffset: number, length: number): T;
  BYTES_PER_ELEMENT: number;
};

/**
 * One shared `WebAssembly.Memory` of a fixed size, handed out as typed arrays by a bump allocator
 * (16-byte aligned, never freed). Sized once: it never grows.
 */
export class WasmArena {
  readonly memory: WebAssembly.Memory;
  readonly buffer: SharedArrayBuffer;
  private next = 0;

  private constructor(pages: number) {
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
    this.buffer = this.memory.buffer as unknown as SharedArrayBuffer;
  }

  /** Bytes to reserve for typed arrays of these byte lengths (each 16-byte aligned). */
  static bytes(...lengths: number[]): number {
    return lengths.reduce((s, l) => s + Math.ceil(l / 16) * 16, 0);
  }

  /** An arena of at least `bytes` bytes, or null when that exceeds WebAssembly's 4 GiB or SIMD is missing. */
  static create(bytes: number): WasmArena | null {
    const pages = Math.max(1, Math.ceil(bytes / 65_536));
    if (pages > MAX_PAGES || !histogramWasm()) return null;
    return new WasmArena(pages);
  }

  /** Bytes not yet handed out. */
  get free(): number {
    return this.buffer.byteLength - this.next;
  }

  /** A zeroed typed array of `length` elements in the memory; throws when it does not fit. */
  alloc<T>(Type: TypedArrayOf<T>, length: number): T {
    const bytes = length * Type.BYTES_PER_ELEMENT;
    if (bytes > this.free) throw new RangeError('WasmArena: sin espacio');
    const at = this.next;
    this.next += Math.ceil(bytes / 16) * 16;
    return new Type(this.buffer, at, length);
  }
}

/** Shared inputs of the row loops (SharedArrayBuffer-backed when threads > 1). */
export interface RowInputs {
  /** The rows of the current tree, reordered by the splits. */
  readonly rows: Uint32Array;
  /** Scratch of the partition, as long as `rows`. */
  readonly tmp: Uint32Array;
  readonly grad: Float64Array;
  readonly hess: Float64Array;
  /** Codes row-major (`rowCodes[i * nFeatures + f]`), for histograms. */
  readonly rowCodes: Uint8Array;
  /** Codes column-major (`codes[f * nRows + i]`), for partitions. */
  readonly codes: Uint8Array;
  readonly nRows: number;
  readonly nFeatures: number;
  /** Training rows, raw scores and targets (all rows indexed by row), for gradients. */
  readonly train: Uint32Array;
  readonly raw: Float64Array;
  readonly y: Float64Array;
  /** 1 for Poisson, 0 for logistic. */
  readonly poisson: number;
  /** The leaves of the last tree for `updateScores`: row ranges and values (as many as leaves). */
  readonly leafStart: Int32Array;
  readonly leafEnd: Int32Array;
  readonly leafValue: Float64Array;
}

/** Typed arrays of `length` elements on a SharedArrayBuffer. */
export function shared<T>(
  Type: { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number },
  length: number,
): T {
  return new Type(new SharedArrayBuffer(length * Type.BYTES_PER_ELEMENT));
}

/** Control words per worker: generation, operation, start, end, argument, done, result, error. */
const SLOT = 8;
const [GEN, OP, START, END, ARG, DONE, RESULT, FAILED] = [0, 1, 2, 3, 4, 5, 6, 7];
const [OP_HIST, OP_PARTITION, OP_GRADIENTS, OP_UPDATE, OP_TRANSPOSE] = [1, 2, 3, 4, 5];

const workerSource = (nFeatures: number, wasm: boolean): string => `
const { workerData } = require('node:worker_threads');
const partitionRange = ${partitionRange.toString()};
const gradients = ${gradients.toString()};
const updateScores = ${updateScores.toString()};
const transposeRows = ${transposeRows.toString()};
const { control, slot, rows, tmp, grad, hess, rowCodes, codes, nRows, nFeatures, train, raw, y, poisson, leafStart, leafEnd, leafValue, goesLeft, hist, wasmModule, wasmMemory } = workerData;
const kernel = ${wasm ? wasmKernelSource(nFeatures) : kernelSource(nFeatures)};
const ctrl = new Int32Array(control);
let gen = 0;
for (;;) {
  // idle until the next task (re-checked every second; the caller terminates the worker at the end)
  if (Atomics.wait(ctrl, slot + ${GEN}, gen, 1000) === 'timed-out') continue;
  const next = Atomics.load(ctrl, slot + ${GEN});
  if (next === gen) continue;
  gen = next;
  if (gen < 0) break;
  try {
    const op = ctrl[slot + ${OP}], start = ctrl[slot + ${START}], end = ctrl[slot + ${END}];
    if (op === ${OP_HIST}) {
      hist.fill(0);
      kernel(hist, rows, start, end, grad, hess, rowCodes);
    } else if (op === ${OP_PARTITION})
      ctrl[slot + ${RESULT}] = partitionRange(rows, tmp, start, end, codes, ctrl[slot + ${ARG}] * nRows, goesLeft);
    else if (op === ${OP_GRADIENTS}) gradients(poisson, train, start, end, raw, y, grad, hess);
    else if (op === ${OP_UPDATE})
      updateScores(rows, start, end, leafStart, leafEnd, leafValue, ctrl[slot + ${ARG}], raw);
    else if (op === ${OP_TRANSPOSE}) transposeRows(codes, rowCodes, nRows, nFeatures, start, end);
  } catch (e) {
    ctrl[slot + ${FAILED}] = 1;
  }
  Atomics.store(ctrl, slot + ${DONE}, gen);
  Atomics.notify(ctrl, slot + ${DONE});
}
`;

/**
 * The WebAssembly kernel with the `Kernel` signature (source text: it runs in the workers too, where
 * `wasmModule` and `wasmMemory` are in scope). Every array must live in `wasmMemory`.
 */
const wasmKernelSource = (nFeatures: number): string => `(() => {
  const run = new WebAssembly.Instance(wasmModule, { env: { memory: wasmMemory } }).exports.histogram;
  return (hist, rows, start, end, grad, hess, rowCodes) =>
    run(hist.byteOffset, rows.byteOffset, start, end, grad.byteOffset, hess.byteOffset, rowCodes.byteOffset, ${nFeatures});
})()`;

/**
 * The WebAssembly histogram kernel for `nFeatures` features over `arena`'s memory: `hist`, `rows`,
 * `grad`, `hess` and `rowCodes` must be arrays of the arena.
 */
export function wasmKernel(arena: WasmArena, nFeatures: number): Kernel {
  const wasmModule = histogramWasm();
  if (!wasmModule) throw new Error('WebAssembly SIMD no está disponible');
  const run = (
    new WebAssembly.Instance(wasmModule, { env: { memory: arena.memory } }).exports as {
      histogram: (...args: number[]) => void;
    }
  ).histogram;
  return (hist, rows, start, end, grad, hess, rowCodes) =>
    run(
      hist.byteOffset,
      rows.byteOffset,
      start,
      end,
      grad.byteOffset,
      hess.byteOffset,
      rowCodes.byteOffset,
      nFeatures,
    );
}

/**
 * Runs the row loops on the calling thread and `threads − 1` workers. Call `close` when done.
 * `goesLeft` (256 entries, shared) is the code → side table of the next partition.
 *
 * With an `arena`, the histograms run on the WebAssembly kernel: `rows`, `grad`, `hess` and
 * `rowCodes` must be arrays of the arena, and the arena must have room for `threads` histograms (the
 * callers' scratch and the workers' parts). `histogram` targets outside the arena are summed in the
 * scratch and added (0 + x = x: the same sums); `newHistogram` hands out histograms in the arena.
 */
export class RowLoops {
  private readonly workers: Worker[] = [];
  private readonly buffers: Float64Array[] = [];
  private readonly ctrl: Int32Array;
  private readonly kernel: Kernel;
  /** The WebAssembly kernel's scratch histogram (for targets outside the arena). */
  private readonly scratch: Float64Array | null = null;
  private gen = 0;
  readonly goesLeft: Uint8Array;

  constructor(
    private readonly inputs: RowInputs,
    readonly threads: number,
    /** How long the caller waits for a worker before throwing. */
    private readonly timeoutMs = WORKER_TIMEOUT_MS,
    /** The memory of the WebAssembly kernel (null: the JavaScript kernel). */
    private readonly arena: WasmArena | null = null,
  ) {
    const size = inputs.nFeatures * FEATURE_STRIDE;
    if (arena) {
      const { rows, grad, hess, rowCodes } = inputs;
      if ([rows, grad, hess, rowCodes].some((a) => a.buffer !== arena.buffer))
        throw new Error('RowLoops: rows, grad, hess y rowCodes deben estar en la memoria WebAssembly');
      this.kernel = wasmKernel(arena, inputs.nFeatures);
      this.scratch = arena.alloc(Float64Array, size);
    } else this.kernel = compileKernel(inputs.nFeatures);
    this.ctrl = new Int32Array(new SharedArrayBuffer(4 * SLOT * Math.max(1, threads - 1)));
    this.goesLeft = threads > 1 ? shared(Uint8Array, 256) : new Uint8Array(256);
    const source = threads > 1 ? workerSource(inputs.nFeatures, arena !== null) : '';
    const wasm = arena ? { wasmModule: histogramWasm(), wasmMemory: arena.memory } : {};
    for (let w = 0; w + 1 < threads; w++) {
      const hist = arena ? arena.alloc(Float64Array, size) : shared(Float64Array, size);
      this.buffers.push(hist);
      const worker = new Worker(source, {
        eval: true,
        workerData: {
          control: this.ctrl.buffer,
          slot: SLOT * w,
          ...inputs,
          goesLeft: this.goesLeft,
          hist,
          ...wasm,
        },
      });
      worker.unref();
      this.workers.push(worker);
    }
  }

  /** The cut of [start, end) for `threads` threads: range t is [cut(t), cut(t + 1)). */
  private cut(start: number, end: number, t: number): number {
    return Math.min(end, start + t * Math.ceil((end - start) / this.threads));
  }

  /** Starts `op` on every worker (worker w gets range w + 1), or returns false for small ranges. */
  private start(op: number, start: number, end: number, arg = 0): boolean {
    if (this.workers.length === 0 || end - start < PARALLEL_MIN_ROWS) return false;
    const gen = ++this.gen;
    const ctrl = this.ctrl;
    for (let w = 0; w < this.workers.length; w++) {
      const s = SLOT * w;
      ctrl[s + OP] = op;
      ctrl[s + START] = this.cut(start, end, w + 1);
      ctrl[s + END] = this.cut(start, end, w + 2);
      ctrl[s + ARG] = arg;
      Atomics.store(ctrl, s + GEN, gen);
      Atomics.notify(ctrl, s + GEN);
    }
    return true;
  }

  /** Waits for worker w's current task (bounded: throws after `WORKER_TIMEOUT_MS` or on failure). */
  private wait(w: number): void {
    const ctrl = this.ctrl;
    const s = SLOT * w + DONE;
    const deadline = Date.now() + this.timeoutMs;
    for (let done = Atomics.load(ctrl, s); done !== this.gen; done = Atomics.load(ctrl, s)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`el hilo ${w + 1} del árbol no respondió en ${this.timeoutMs} ms`);
      Atomics.wait(ctrl, s, done, left);
    }
    if (ctrl[SLOT * w + FAILED] === 1) throw new Error(`el hilo ${w + 1} del árbol falló`);
  }

  /**
   * A zeroed histogram (all features) for `histogram`: in the WebAssembly memory while the arena has
   * room for it (the kernel then adds into it directly), else an ordinary array.
   */
  newHistogram(): Float64Array {
    const size = this.inputs.nFeatures * FEATURE_STRIDE;
    const arena = this.arena;
    return arena && arena.free >= size * 8 ? arena.alloc(Float64Array, size) : new Float64Array(size);
  }

  /** Adds rows[start, end) of the inputs to `hist` (zeroed by the caller). */
  histogram(hist: Float64Array, start: number, end: number): void {
    const { rows, grad, hess, rowCodes } = this.inputs;
    const parallel = this.start(OP_HIST, start, end);
    const e0 = parallel ? this.cut(start, end, 1) : end;
    const scratch = this.scratch;
    if (scratch && hist.buffer !== scratch.buffer) {
      // the kernel writes only into its memory: sum there, then add (to a zeroed `hist`: the same sums)
      scratch.fill(0);
      this.kernel(scratch, rows, start, e0, grad, hess, rowCodes);
      for (let j = 0; j < hist.length; j++) hist[j] = (hist[j] as number) + (scratch[j] as number);
    } else this.kernel(hist, rows, start, e0, grad, hess, rowCodes);
    if (!parallel) return;
    for (let w = 0; w < this.workers.length; w++) {
      this.wait(w);
      const part = this.buffers[w] as Float64Array;
      for (let j = 0; j < hist.length; j++) hist[j] = (hist[j] as number) + (part[j] as number);
    }
  }

  /**
   * Stable partition of rows[start, end) by feature `feature` and the `goesLeft` table: the rows
   * going left first. Returns the index of the first row going right.
   */
  partition(start: number, end: number, feature: number): number {
    const { rows, tmp, codes, nRows } = this.inputs;
    const parallel = this.start(OP_PARTITION, start, end, feature);
    const e0 = parallel ? this.cut(start, end, 1) : end;
    let w = start + partitionRange(rows, tmp, start, e0, codes, feature * nRows, this.goesLeft);
    const rights = [[start, start + (e0 - start) - (w - start)]] as [number, number][];
    if (parallel)
      for (let t = 1; t < this.threads; t++) {
        this.wait(t - 1);
        const [s, e] = [this.cut(start, end, t), this.cut(start, end, t + 1)];
        const nl = this.ctrl[SLOT * (t - 1) + RESULT] as number;
        rows.copyWithin(w, s, s + nl);
        w += nl;
        rights.push([s, s + (e - s) - nl]);
      }
    let r = w;
    for (const [s, e] of rights) {
      rows.set(tmp.subarray(s, e), r);
      r += e - s;
    }
    return w;
  }

  /** Gradients and hessians of the training rows at the current raw scores. */
  gradients(): void {
    const { poisson, train, raw, y, grad, hess } = this.inputs;
    const n = train.length;
    const parallel = this.start(OP_GRADIENTS, 0, n);
    gradients(poisson, train, 0, parallel ? this.cut(0, n, 1) : n, raw, y, grad, hess);
    if (parallel) for (let w = 0; w < this.workers.length; w++) this.wait(w);
  }

  /**
   * Adds the leaf values (the first `nLeaves` of `leafStart`/`leafEnd`/`leafValue`) to the raw
   * scores of rows[0, end).
   */
  updateScores(end: number, nLeaves: number): void {
    const { rows, leafStart, leafEnd, leafValue, raw } = this.inputs;
    const parallel = this.start(OP_UPDATE, 0, end, nLeaves);
    updateScores(rows, 0, parallel ? this.cut(0, end, 1) : end, leafStart, leafEnd, leafValue, nLeaves, raw);
    if (parallel) for (let w = 0; w < this.workers.length; w++) this.wait(w);
  }

  /** Fills the row-major codes (`rowCodes`) from the column-major ones (`codes`). */
  transpose(): void {
    const { codes, rowCodes, nRows, nFeatures } = this.inputs;
    const parallel = this.start(OP_TRANSPOSE, 0, nRows);
    transposeRows(codes, rowCodes, nRows, nFeatures, 0, parallel ? this.cut(0, nRows, 1) : nRows);
    if (parallel) for (let w = 0; w < this.workers.length; w++) this.wait(w);
  }

  /** Stops the workers. */
  close(): void {
    this.workers.forEach((worker, w) => {
      Atomics.store(this.ctrl, SLOT * w + GEN, -1);
      Atomics.notify(this.ctrl, SLOT * w + GEN);
      void worker.terminate();
    });
    this.workers.length = 0;
  }
}

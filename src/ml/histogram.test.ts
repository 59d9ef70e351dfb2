import { describe, expect, it } from 'vitest';
import { assembleWat } from '../../bench/build-wasm.ts';
import { mulberry32 } from '../core/random.ts';
import {
  compileKernel,
  FEATURE_STRIDE,
  gradients,
  type RowInputs,
  RowLoops,
  shared,
  WasmArena,
  wasmKernel,
} from './histogram.ts';
import { WASM_BASE64 } from './wasm/histogram-wasm.ts';

/**
 * Shared inputs of `nRows` rows × `nFeatures` random codes, gradients and hessians (seeded); with
 * an arena, the rows, gradients, hessians and row-major codes live in its memory.
 */
function inputs(nRows: number, nFeatures: number, seed: number, arena?: WasmArena): RowInputs {
  const random = mulberry32(seed);
  const inArena = <T>(Type: { new (n: number): T; BYTES_PER_ELEMENT: number }, n: number): T =>
    arena ? arena.alloc(Type as never, n) : shared(Type as never, n);
  const rowCodes = inArena(Uint8Array, nRows * nFeatures);
  const codes = shared(Uint8Array, nRows * nFeatures);
  for (let i = 0; i < nRows; i++)
    for (let f = 0; f < nFeatures; f++) {
      const c = random() < 0.05 ? 255 : Math.floor(random() * 40);
      rowCodes[i * nFeatures + f] = c;
      codes[f * nRows + i] = c;
    }
  const grad = inArena(Float64Array, nRows);
  const hess = inArena(Float64Array, nRows);
  const raw = shared(Float64Array, nRows);
  const y = shared(Float64Array, nRows);
  const train = shared(Uint32Array, nRows);
  const rows = inArena(Uint32Array, nRows);
  for (let i = 0; i < nRows; i++) {
    grad[i] = random() - 0.5;
    hess[i] = random();
    raw[i] = random() * 4 - 2;
    y[i] = Math.floor(random() * 3);
    train[i] = i;
    rows[i] = i;
  }
  const tmp = shared(Uint32Array, nRows);
  const [leafStart, leafEnd, leafValue] = [
    shared(Int32Array, 4),
    shared(Int32Array, 4),
    shared(Float64Array, 4),
  ];
  return {
    ...{ rows, tmp, grad, hess, rowCodes, codes, nRows, nFeatures, train, raw, y, poisson: 1 },
    ...{ leafStart, leafEnd, leafValue },
  };
}

/** The histogram by definition: one feature, one row at a time. */
function reference(x: RowInputs, start: number, end: number): Float64Array {
  const hist = new Float64Array(x.nFeatures * FEATURE_STRIDE);
  for (let f = 0; f < x.nFeatures; f++)
    for (let k = start; k < end; k++) {
      const i = x.rows[k] as number;
      const b = f * FEATURE_STRIDE + (x.rowCodes[i * x.nFeatures + f] as number) * 3;
      hist[b] = (hist[b] as number) + (x.grad[i] as number);
      hist[b + 1] = (hist[b + 1] as number) + (x.hess[i] as number);
      hist[b + 2] = (hist[b + 2] as number) + 1;
    }
  return hist;
}

describe('histogram kernels and row loops', () => {
  it('the generated kernel sums like the definition, for unrolled and looped feature counts', () => {
    for (const nFeatures of [1, 3, 30, 70]) {
      const x = inputs(500, nFeatures, nFeatures);
      const hist = new Float64Array(nFeatures * FEATURE_STRIDE);
      compileKernel(nFeatures)(hist, x.rows, 10, 490, x.grad, x.hess, x.rowCodes);
      expect(Array.from(hist)).toEqual(Array.from(reference(x, 10, 490)));
    }
  });

  it('the committed WebAssembly binary is histogram.wat assembled (bench/build-wasm.ts)', async () => {
    const bytes = await assembleWat('src/ml/wasm/histogram.wat');
    expect(Buffer.from(bytes).toString('base64')).toBe(WASM_BASE64);
  });

  it('the WebAssembly kernel sums bit for bit like the JavaScript kernel (unrolled and remainder features)', () => {
    for (const nFeatures of [1, 3, 30, 70]) {
      const size = nFeatures * FEATURE_STRIDE;
      const arena = WasmArena.create(
        WasmArena.bytes(500 * nFeatures, 4000, 4000, 2000, 8 * size),
      ) as WasmArena;
      const x = inputs(500, nFeatures, nFeatures, arena);
      const [js, wasm] = [new Float64Array(size), arena.alloc(Float64Array, size)];
      compileKernel(nFeatures)(js, x.rows, 10, 490, x.grad, x.hess, x.rowCodes);
      wasmKernel(arena, nFeatures)(wasm, x.rows, 10, 490, x.grad, x.hess, x.rowCodes);
      expect(Array.from(wasm)).toEqual(Array.from(js)); // toEqual: Object.is on each sum
      wasmKernel(arena, nFeatures)(wasm, x.rows, 7, 7, x.grad, x.hess, x.rowCodes); // no rows: no change
      expect(Array.from(wasm)).toEqual(Array.from(js));
    }
  });

  it('threads: the WebAssembly row loops give the JavaScript ones’ histograms bit for bit, in and outside its memory', () => {
    const n = 40_000; // above the parallel threshold
    const nf = 7;
    const size = nf * FEATURE_STRIDE;
    for (const threads of [1, 2, 3]) {
      const arena = WasmArena.create(
        WasmArena.bytes(n * nf, 8 * n, 8 * n, 4 * n) + (threads + 1) * WasmArena.bytes(8 * size),
      ) as WasmArena;
      const [x, xw] = [inputs(n, nf, 5), inputs(n, nf, 5, arena)];
      const [js, wasm] = [new RowLoops(x, threads), new RowLoops(xw, threads, undefined, arena)];
      try {
        const inside = wasm.newHistogram();
        arena.alloc(Uint8Array, arena.free); // fill the arena (sized in whole 64 KiB pages)
        const outside = wasm.newHistogram();
        expect(inside.buffer).toBe(arena.buffer);
        expect(outside.buffer).not.toBe(arena.buffer); // the arena is full: an ordinary array
        for (const [start, end] of [
          [0, n],
          [3, 20_000],
          [100, 130],
        ] as const) {
          const expected = new Float64Array(size);
          js.histogram(expected, start, end);
          wasm.histogram(inside.fill(0), start, end);
          wasm.histogram(outside.fill(0), start, end);
          expect(Array.from(inside)).toEqual(Array.from(expected));
          expect(Array.from(outside)).toEqual(Array.from(expected));
        }
      } finally {
        js.close();
        wasm.close();
      }
    }
    const arena = WasmArena.create(1000) as WasmArena;
    expect(() => new RowLoops(inputs(10, 2, 1), 1, undefined, arena)).toThrow(/memoria WebAssembly/);
  });

  it('threads: histogram, stable partition and gradients equal the one-thread results', () => {
    const n = 40_000; // above the parallel threshold
    const results = [1, 2, 3].map((threads) => {
      const x = inputs(n, 7, 1);
      const loops = new RowLoops(x, threads);
      try {
        // the row-major codes rebuilt from the column-major ones (over the threads) are the same
        const rowCodes = Uint8Array.from(x.rowCodes);
        x.rowCodes.fill(0);
        loops.transpose();
        expect(Buffer.from(x.rowCodes).equals(Buffer.from(rowCodes))).toBe(true);
        loops.goesLeft.fill(0).fill(1, 0, 17);
        loops.goesLeft[255] = 1;
        const w = loops.partition(5, n - 5, 4);
        const hist = new Float64Array(7 * FEATURE_STRIDE);
        loops.histogram(hist, 5, n - 5);
        const sums = reference(x, 5, n - 5); // before the gradients change
        loops.gradients();
        const gradients = [Float64Array.from(x.grad), Float64Array.from(x.hess)];
        const raw0 = Float64Array.from(x.raw);
        // three leaves over the partitioned rows: [0, 100), [100, w), [w, n)
        x.leafStart.set([0, 100, w]);
        x.leafEnd.set([100, w, n]);
        x.leafValue.set([0.5, -0.25, 0.125]);
        loops.updateScores(n, 3);
        loops.gradients();
        return { x, w, hist, sums, gradients, raw0 };
      } finally {
        loops.close();
      }
    });
    const one = results[0] as (typeof results)[number];
    // the partition by definition: rows whose code of feature 4 is < 17 or missing first, in order
    const col = one.x.codes.subarray(4 * n, 5 * n);
    const goesLeft = (i: number) => (col[i] as number) < 17 || col[i] === 255;
    const inner = Array.from({ length: n - 10 }, (_, j) => j + 5);
    const expected = [0, 1, 2, 3, 4, ...inner.filter(goesLeft), ...inner.filter((i) => !goesLeft(i))];
    expected.push(n - 5, n - 4, n - 3, n - 2, n - 1);
    expect(Array.from(one.x.rows)).toEqual(expected);
    expect(one.w).toBe(5 + inner.filter(goesLeft).length);
    for (const r of results) {
      expect(Array.from(r.x.rows)).toEqual(expected);
      expect(r.w).toBe(one.w);
      for (let j = 0; j < r.sums.length; j++) expect(r.hist[j]).toBeCloseTo(r.sums[j] as number, 9);
      expect(Array.from(r.x.grad)).toEqual(Array.from(one.x.grad));
      expect(Array.from(r.x.hess)).toEqual(Array.from(one.x.hess));
    }
    for (const r of results) {
      expect(Array.from(r.gradients[0] as Float64Array)).toEqual(
        Array.from(one.gradients[0] as Float64Array),
      );
      expect(Array.from(r.raw0)).toEqual(Array.from(one.raw0));
    }
    // Poisson: gradient μ − y and hessian μ at μ = exp(raw)
    const [g0, h0] = one.gradients as [Float64Array, Float64Array];
    expect(g0[9]).toBe(Math.exp(one.raw0[9] as number) - (one.x.y[9] as number));
    expect(h0[9]).toBe(Math.exp(one.raw0[9] as number));
    // the score update: each row's raw score moved by its leaf's value (then gradients at the new score)
    one.x.rows.forEach((i, k) => {
      const v = k < 100 ? 0.5 : k < one.w ? -0.25 : 0.125;
      expect(one.x.raw[i]).toBe((one.raw0[i] as number) + v);
      expect(one.x.grad[i]).toBe(Math.exp(one.x.raw[i] as number) - (one.x.y[i] as number));
    });
  });

  it('logistic gradients: p − y and p(1 − p) at p = sigmoid(raw)', () => {
    const raw = Float64Array.of(0, 2, -40);
    const y = Float64Array.of(1, 0, 1);
    const [grad, hess] = [new Float64Array(3), new Float64Array(3)];
    gradients(0, Uint32Array.of(0, 1, 2), 0, 3, raw, y, grad, hess);
    const p = 1 / (1 + Math.exp(-2));
    expect(Array.from(grad)).toEqual([-0.5, p, 1 / (1 + Math.exp(40)) - 1]);
    expect(Array.from(hess)).toEqual([0.25, p * (1 - p), Math.max(1e-16, 1 / (1 + Math.exp(40)))]);
  });

  it('a worker that stops answering makes the call throw after the timeout instead of hanging', async () => {
    const x = inputs(40_000, 3, 2);
    const loops = new RowLoops(x, 2, 300);
    try {
      await (loops as unknown as { workers: { terminate(): Promise<number> }[] }).workers[0]?.terminate();
      const hist = new Float64Array(3 * FEATURE_STRIDE);
      expect(() => loops.histogram(hist, 0, 40_000)).toThrow(/no respondió/);
    } finally {
      loops.close();
    }
  });
});

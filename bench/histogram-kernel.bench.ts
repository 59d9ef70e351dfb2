/**
 * Micro-benchmark of the histogram kernels (`src/ml/histogram.ts`): the generated JavaScript loop
 * and the WebAssembly SIMD loop (`src/ml/wasm/histogram.wat`) on the same rows, gradients and codes
 * (default 800,000 rows × 30 features, random codes, rows in order as at a tree's root), one thread.
 * Reports CPU time per histogram (`process.cpuUsage()`: user + system, less sensitive to a shared
 * machine than wall time) and ns per row × feature, and checks both kernels' sums are identical.
 *
 *   node --import tsx bench/histogram-kernel.bench.ts [--rows 800000] [--features 30] [--reps 20]
 */
import { parseArgs } from 'node:util';
import { mulberry32 } from '../src/core/random.ts';
import { compileKernel, FEATURE_STRIDE, WasmArena, wasmKernel } from '../src/ml/histogram.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '800000' },
    features: { type: 'string', default: '30' },
    reps: { type: 'string', default: '20' },
  },
});
const n = Number(values.rows);
const nf = Number(values.features);
const reps = Number(values.reps);
const size = nf * FEATURE_STRIDE;
const arena = WasmArena.create(WasmArena.bytes(n * nf, 8 * n, 8 * n, 4 * n, 8 * size, 8 * size));
if (!arena) throw new Error('WebAssembly SIMD no está disponible');
const random = mulberry32(11);
const rowCodes = arena.alloc(Uint8Array, n * nf);
const grad = arena.alloc(Float64Array, n);
const hess = arena.alloc(Float64Array, n);
const rows = arena.alloc(Uint32Array, n);
for (let i = 0; i < n * nf; i++) rowCodes[i] = random() < 0.05 ? 255 : Math.floor(random() * 255);
for (let i = 0; i < n; i++) {
  grad[i] = random() - 0.5;
  hess[i] = random();
  rows[i] = i;
}
const kernels = { js: compileKernel(nf), wasm: wasmKernel(arena, nf) };
const hists = { js: arena.alloc(Float64Array, size), wasm: arena.alloc(Float64Array, size) };
const cpu: Record<string, number[]> = { js: [], wasm: [] };
for (let r = 0; r < reps + 2; r++)
  for (const k of ['js', 'wasm'] as const) {
    hists[k].fill(0);
    const t0 = process.cpuUsage();
    kernels[k](hists[k], rows, 0, n, grad, hess, rowCodes);
    const t = process.cpuUsage(t0);
    if (r >= 2) cpu[k]?.push((t.user + t.system) / 1000); // the first two are warm-up
  }
for (let j = 0; j < size; j++)
  if (!Object.is(hists.js[j], hists.wasm[j]))
    throw new Error(`sums differ at ${j}: ${hists.js[j]} vs ${hists.wasm[j]}`);
const median = (a: number[]): number => [...a].sort((x, y) => x - y)[a.length >> 1] as number;
console.log(`${n} rows × ${nf} features, ${reps} histograms per kernel (CPU ms; identical sums)`);
for (const k of ['js', 'wasm'] as const) {
  const m = median(cpu[k] as number[]);
  const lo = Math.min(...(cpu[k] as number[]));
  const hi = Math.max(...(cpu[k] as number[]));
  console.log(
    `${k.padEnd(5)} median ${m.toFixed(1)} ms (${lo.toFixed(1)}–${hi.toFixed(1)}), ${((m * 1e6) / (n * nf)).toFixed(2)} ns per row × feature`,
  );
}
console.log(`ratio js / wasm: ${(median(cpu.js as number[]) / median(cpu.wasm as number[])).toFixed(2)}`);

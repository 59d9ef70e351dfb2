import { defineConfig } from 'vitest/config';

// Vitest 5 prints failures with Map.groupBy (Node ≥ 21); we run on Node 20. Polyfill it in the main
// process so that failing tests are reported instead of crashing the reporter.
type GroupBy = <K, V>(items: Iterable<V>, key: (item: V, index: number) => K) => Map<K, V[]>;
const MapWithGroupBy = Map as unknown as { groupBy?: GroupBy };
MapWithGroupBy.groupBy ??= <K, V>(items: Iterable<V>, key: (item: V, index: number) => K): Map<K, V[]> => {
  const out = new Map<K, V[]>();
  let i = 0;
  for (const item of items) {
    const k = key(item, i++);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
};

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'bench/**/*.test.ts'],
    globalSetup: ['src/test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: keep parallelism modest so database-heavy files do not starve each other.
    maxWorkers: 2,
  },
});

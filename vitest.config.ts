import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'bench/**/*.test.ts'],
    globalSetup: ['src/test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // expect.poll waits on a browser or a worker process: on a loaded two-core CI machine the
    // default 1 s is too short (a cell panel's trend once took longer); 15 s is still a bound.
    expect: { poll: { timeout: 15_000 } },
    // Two cores: keep parallelism modest so database-heavy files do not starve each other.
    maxWorkers: 2,
  },
});

// Test configuration: unit tests live next to their code (*.test.ts); integration tests that
// start real clusters, Docker containers or a browser are in test/ and run one file at a time.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'app/**/*.test.ts', 'bench/**/*.test.ts', 'dbs/**/*.test.ts', 'checkers/**/*.test.ts', 'workloads/**/*.test.ts', 'nemesis/**/*.test.ts', 'docker/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    // Docker test files build the images they need in their setup hook (cached by recipe).
    hookTimeout: 600_000,
    pool: 'forks',
    // One file at a time: integration tests start clusters, containers and a browser, and a
    // 2-core machine running several at once turns their timeouts and timing checks flaky.
    fileParallelism: false,
    reporters: ['default'],
  },
});

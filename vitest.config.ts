// Test configuration: unit tests live next to their code (*.test.ts); integration tests that
// start real clusters, Docker containers or a browser are in test/. Two projects, each one file
// at a time, run side by side by `npm test` (test/run-projects.sh; a plain `vitest run` runs them
// one after the other): `docker` (the files that start Docker clusters, and everything
// that mounts filesystems or checks the host for leftovers) and `local` (unit tests, built-in
// clusters, the CLI, the browser, and two Docker files whose checks are per run). One file of each
// at once keeps a 2-core machine busy without turning timeouts flaky, and CI under 40 minutes.
import { defineConfig } from 'vitest/config';

const DOCKER = [
  'docker-cluster', 'docker-sweep', 'etcd-clients', 'etcd-clock', 'etcd-external', 'etcd-run', 'etcd-storage-faults', 'lazyfs',
  'mariadb-run', 'nats-power', 'nats-run', 'package', 'postgres-power', 'postgres-run', 'rabbitmq-run', 'redis-power', 'redis-run', 'remote-engine', 'sql-external',
  'ssh-cluster', 'supervised-node', 'zookeeper-power',
  // Calls `faultline sweep` without --run (dead owners' runs): not beside a test that SIGKILLs a run.
  'sweep-processes',
].map((f) => `test/${f}.test.ts`);

const shared = {
  testTimeout: 120_000,
  // Docker test files build the images they need in their setup hook (cached by recipe).
  hookTimeout: 600_000,
  pool: 'forks' as const,
  fileParallelism: false,
};

export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      { test: { ...shared, name: 'docker', include: DOCKER } },
      {
        test: {
          ...shared,
          name: 'local',
          include: ['src/**/*.test.ts', 'app/**/*.test.ts', 'bench/**/*.test.ts', 'dbs/**/*.test.ts', 'checkers/**/*.test.ts', 'workloads/**/*.test.ts', 'nemesis/**/*.test.ts', 'docker/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/node_modules/**', ...DOCKER],
        },
      },
    ],
  },
});

// Benchmark: time from nothing to a ready 5-node etcd cluster in Docker with cached images
// (network, volumes, containers created and started, every node's /health true), and the time
// to tear it down. Target: under 10 s to ready. Usage: npm run bench:etcd-ready [-- ROUNDS [NODES]]

import { createDb } from '../src/plugin/plan.js';
import type { ContainerDb } from '../src/docker/container-db.js';
import '../app/builtins.js';
import { ensureSystemImage } from '../src/docker/images.js';
import { fakeTest, leftovers } from '../test/docker-helpers.js';

const rounds = Number(process.argv[2] ?? 3);
const nodeCount = Number(process.argv[3] ?? 5);
const nodes = Array.from({ length: nodeCount }, (_, i) => `n${i + 1}`);

let t = Date.now();
await ensureSystemImage('etcd'); // builds once; not part of the measurement
console.log(`images ready (cached check or build): ${Date.now() - t} ms`);

const ready: number[] = [];
const down: number[] = [];
for (let i = 0; i < rounds; i++) {
  const runId = `bench-${process.pid}-${i}`;
  const db = createDb<ContainerDb<unknown>>('etcd', { dbOptions: {} }).db;
  const test = fakeTest(db, nodes, runId);
  t = Date.now();
  await db.setup(test);
  ready.push(Date.now() - t);
  t = Date.now();
  await db.teardown(test);
  down.push(Date.now() - t);
  const left = await leftovers(runId);
  if (left.length) throw new Error(`left behind: ${left.join(', ')}`);
  console.log(`round ${i + 1}: ${nodeCount}-node etcd ready in ${ready[i]} ms, torn down in ${down[i]} ms`);
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`etcd-ready: nodes=${nodeCount} rounds=${rounds} median_ready_ms=${med(ready)} max_ready_ms=${Math.max(...ready)} median_teardown_ms=${med(down)} target_ms=10000`);

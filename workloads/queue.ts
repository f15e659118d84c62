// The queue workload: unique values enqueued and dequeued by every client while faults happen,
// then every client drains the queue after healing. Judged by total-queue (Jepsen's): every
// acknowledged enqueue comes out (else lost), nothing comes out that never went in.

import { eachThread, fn, once } from '../src/generator/index.js';
import type { Workload } from '../src/protocols.js';
import { checkerFor, workloadChecker } from './checkers.js';
import { defineWorkload } from './registry.js';

export function queueWorkload(): Workload {
  let next = 0;
  return {
    name: 'queue',
    // Slightly more enqueues than dequeues: the queue is rarely empty, so dequeues race for elements.
    generator: fn((ctx) => (ctx.rng.next() < 0.55 ? { f: 'enqueue', value: next++ } : { f: 'dequeue', value: null })),
    finalGenerator: eachThread(once({ f: 'drain', value: null, final: true }))!,
    checker: workloadChecker({ queue: checkerFor('total-queue') }),
  };
}

defineWorkload({
  name: 'queue',
  doc: 'enqueue/dequeue of unique values, final drains; total-queue (no acknowledged enqueue lost, nothing unexpected)',
  create: queueWorkload,
});

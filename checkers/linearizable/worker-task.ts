// The linearizability check's share in a pool worker (src/parallel/pool.ts): rebuild the model by
// name, decode the partitions this thread claims, and run the same scheduler as the caller's
// thread on the shared job. An exception is sent back on the job's port and stops the job.

import type { MessagePort } from 'node:worker_threads';
import { Unpacker, type Packed } from '../../src/parallel/codec.js';
import { unpackPartition, type PackedPartitions } from './pack.js';
import { resolveModel } from './resolve-model.js';
import { ERROR, Job, runThread, type JobBuffers } from './schedule.js';

export interface LinearizableJob {
  buffers: JobBuffers;
  partitions: number;
  threads: number;
  thread: number;
  model: string;
  /** The user's initial value, packed (absent: the model's own). */
  init?: Packed;
  parts: PackedPartitions;
  deadline: number;
  memoryLimitBytes: number;
  firstSteps?: number;
  errors: MessagePort;
}

export function run(m: LinearizableJob): void {
  const job = new Job(m.partitions, m.threads, m.buffers);
  try {
    if (job.stopped() !== 0) return; // arrived after the check ended
    const model = resolveModel(m.model, m.init ? new Unpacker(m.init).value() : undefined);
    runThread(job, model, (i) => unpackPartition(m.parts, i), {
      thread: m.thread,
      deadline: m.deadline,
      memoryLimitBytes: m.memoryLimitBytes,
      firstSteps: m.firstSteps,
    });
  } catch (e) {
    m.errors.postMessage(`worker thread ${m.thread}: ${(e as Error)?.stack ?? String(e)}`);
    job.stop(ERROR);
  } finally {
    m.errors.close();
  }
}

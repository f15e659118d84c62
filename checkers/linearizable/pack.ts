// Partitions of model ops packed for worker threads (see src/parallel/codec.ts for why not plain
// structured cloning): one Packer for the partitions a worker may take, with each partition's
// start offsets, so that it decodes only the partitions it claims.

import { Packer, Unpacker, type Packed } from '../../src/parallel/codec.js';
import type { ModelOp, OpStatus } from './model.js';

export interface PackedPartitions {
  data: Packed;
  /** Per partition: [offset into nums, offset into strs, op count]. */
  offsets: Float64Array;
}

const STATUS: OpStatus[] = ['ok', 'fail', 'info'];

/**
 * The partitions `wanted` picks (all by default; the others are left empty). Throws Unpackable if
 * a value cannot be sent (the caller then stays single-threaded).
 */
export function packPartitions(parts: readonly { ops: readonly ModelOp[] }[], wanted: (i: number) => boolean = () => true): PackedPartitions {
  const p = new Packer();
  const offsets = new Float64Array(3 * parts.length).fill(-1);
  parts.forEach((part, j) => {
    if (!wanted(j)) return;
    offsets[3 * j] = p.n;
    offsets[3 * j + 1] = p.strs.length;
    offsets[3 * j + 2] = part.ops.length;
    for (const op of part.ops) {
      p.num(op.index);
      p.num(op.completeIndex ?? NaN);
      p.num(op.call);
      p.num(op.ret ?? NaN);
      p.num(STATUS.indexOf(op.status));
      p.value(op.process);
      p.str(op.f);
      p.value(op.value);
      p.value(op.output);
      p.value(op.key);
    }
  });
  return { data: p.finish(), offsets };
}

export function unpackPartition(packed: PackedPartitions, j: number): ModelOp[] {
  const u = new Unpacker(packed.data);
  u.n = packed.offsets[3 * j]!;
  u.s = packed.offsets[3 * j + 1]!;
  const count = packed.offsets[3 * j + 2]!;
  if (count < 0) throw new Error(`partition ${j} was not sent to this thread`);
  const ops: ModelOp[] = new Array(count);
  for (let k = 0; k < count; k++) {
    const index = u.num();
    const ci = u.num();
    const call = u.num();
    const r = u.num();
    const ret = Number.isNaN(r) ? null : r;
    const status = STATUS[u.num()]!;
    const op: ModelOp = {
      index,
      completeIndex: Number.isNaN(ci) ? null : ci,
      process: u.value() as ModelOp['process'],
      f: u.str(),
      value: u.value(),
      output: u.value(),
      status,
      call,
      ret,
    };
    const key = u.value();
    if (key !== undefined) op.key = key;
    ops[k] = op;
  }
  return ops;
}

// From a history to the partitions the search checks: pair invocations with completions, decide
// what each completion means for the model, split by independent key, drop what provably cannot
// matter. How `fail` is read (documented for users in README.md next to this file):
// - a `fail` completion is dropped (the op did not happen), as Knossos does - Jepsen's tests rely
//   on that - UNLESS the completion carries `observed: true`: then the op completed without
//   taking effect and that is an observation the model checks (a failed cas saw "not from").
//   The porcupine-etcd reader sets it for `:fail :cas`, as Porcupine's etcd model requires.
// - `info` (or no completion) is a crash: open to the end of the history.

import { checkpoint } from '../../src/budget.js';
import { badInput } from '../../src/errors.js';
import type { History } from '../../src/history.js';
import { isPair, type Model, type ModelOp, type Partition } from './model.js';
import { showValue, valueKey, type ValueKey } from '../values.js';

export interface PrepareOptions {
  /** Split by the model's partition function (default true). */
  partition?: boolean;
  /** Values are Jepsen `[k, v]` tuples of independent keys: 'auto' (default) detects them. */
  independent?: boolean | 'auto';
}

export interface Prepared {
  partitions: Partition[];
  /** True if split by independent `[k, v]` keys. */
  independent: boolean;
  counts: { ops: number; failedDropped: number; crashedReadsDropped: number; pruned: number; crashed: number };
}

const PREPARING = 'preparing the linearizability check';

export function prepare(history: History, model: Model<unknown>, opts: PrepareOptions = {}): Prepared {
  // One pass (this runs on every check, so it allocates only the ops it returns): the order
  // check, Jepsen's pairing (a completion completes its process's open invocation) and the model
  // ops, in invocation order. Errors keep their precedence: order, then orphan, then double invoke.
  const slots: (ModelOp | null)[] = [];
  const open = new Map<number, number>(); // process → its open op's slot
  let orphan: { op: History[number] } | undefined;
  let doubleInvoke: History[number] | undefined;
  const counts = { ops: 0, failedDropped: 0, crashedReadsDropped: 0, pruned: 0, crashed: 0 };
  let prevIndex = -Infinity;
  for (let i = 0; i < history.length; i++) {
    const op = history[i]!;
    if (!(op.index > prevIndex)) throw badInput(`op indices must increase along the history (op ${history[i - 1]!.index} is followed by op ${op.index})`, `history op ${i}`);
    prevIndex = op.index;
    if ((i & 4095) === 4095) checkpoint(PREPARING);
    if (typeof op.process !== 'number') continue; // the nemesis
    if (op.type === 'invoke') {
      if (doubleInvoke === undefined && open.has(op.process)) doubleInvoke = op;
      open.set(op.process, slots.length);
      slots.push({ index: op.index, completeIndex: null, process: op.process, f: op.f, value: op.value, output: undefined, status: 'info', call: op.time, ret: null });
      continue;
    }
    const slot = open.get(op.process);
    if (slot === undefined) {
      orphan ??= { op };
      continue;
    }
    open.delete(op.process);
    if (op.type === 'info') continue; // crashed: stays open to the end
    const m = slots[slot]!;
    if (op.type === 'fail' && op.observed !== true) {
      counts.failedDropped++;
      slots[slot] = null;
      continue;
    }
    m.completeIndex = op.index;
    m.output = op.value;
    m.status = op.type === 'fail' ? 'fail' : 'ok';
    m.ret = op.time;
  }
  if (orphan) throw badInput(`a completion (${orphan.op.type} ${orphan.op.f}) without an invocation by process ${orphan.op.process}`, `history op ${orphan.op.index}`);
  if (doubleInvoke) throw badInput(`process ${doubleInvoke.process} invokes again while its previous op is open`, `history op ${doubleInvoke.index}`);
  let ops: ModelOp[] = [];
  for (const m of slots) if (m !== null) ops.push(m);

  const independent =
    !model.keyed &&
    (opts.independent === true ||
      ((opts.independent ?? 'auto') === 'auto' && ops.length > 0 && ops.every((op) => isPair(op.value) && (op.f !== 'cas' || isPair(op.value[1])))));
  if (independent) {
    ops = ops.map((op, i) => {
      if ((i & 4095) === 4095) checkpoint(PREPARING);
      if (!isPair(op.value)) throw badInput(`expected a [key value] tuple, got ${showValue(op.value, 80)}`, `history op ${op.index}`);
      return { ...op, key: op.value[0], value: op.value[1], output: isPair(op.output) ? op.output[1] : op.output };
    });
  }
  for (const op of ops) {
    const err = model.validate?.(op);
    if (err) throw badInput(err, `history op ${op.index}`);
  }
  // An observed failure the model has no meaning for is an ordinary failure: it did not happen.
  // (Filtered only when there is something to drop: this runs on every check.)
  const before = ops.length;
  if (ops.some((op) => op.status === 'fail')) ops = ops.filter((op) => op.status !== 'fail' || !!model.observesFailure?.(op));
  counts.failedDropped += before - ops.length;
  counts.ops = ops.length;
  const kept = model.readOnly && ops.some((op) => op.status === 'info') ? ops.filter((op) => !(op.status === 'info' && model.readOnly!(op))) : ops;
  counts.crashedReadsDropped = ops.length - kept.length;

  let partitions: Partition[];
  if (independent) {
    const byKey = new Map<ValueKey, Partition>();
    for (const op of kept) {
      const k = valueKey(op.key);
      let p = byKey.get(k);
      if (!p) byKey.set(k, (p = { key: op.key, ops: [] }));
      p.ops.push(op);
    }
    partitions = [...byKey.values()];
  } else if ((opts.partition ?? true) && model.partition) {
    partitions = model.partition(kept);
  } else {
    partitions = [{ key: undefined, ops: kept }];
  }
  if (model.prune) {
    partitions = partitions.map((p) => {
      const pruned = model.prune!(p.ops);
      counts.pruned += p.ops.length - pruned.length;
      return { key: p.key, ops: pruned };
    });
  }
  for (const p of partitions) for (const op of p.ops) if (op.status === 'info') counts.crashed++;
  return { partitions, independent, counts };
}

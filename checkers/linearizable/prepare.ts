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
import { isClientOp, pairOps, type History } from '../../src/history.js';
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
  // The search orders events by `index`: it must follow the history's order.
  for (let i = 1; i < history.length; i++) {
    if (!(history[i]!.index > history[i - 1]!.index)) throw badInput(`op indices must increase along the history (op ${history[i - 1]!.index} is followed by op ${history[i]!.index})`, `history op ${i}`);
  }
  const { pairs, orphans, doubleInvokes } = pairOps(history.filter(isClientOp));
  if (orphans.length) throw badInput(`a completion (${orphans[0]!.type} ${orphans[0]!.f}) without an invocation by process ${orphans[0]!.process}`, `history op ${orphans[0]!.index}`);
  if (doubleInvokes.length) throw badInput(`process ${doubleInvokes[0]!.process} invokes again while its previous op is open`, `history op ${doubleInvokes[0]!.index}`);
  const counts = { ops: 0, failedDropped: 0, crashedReadsDropped: 0, pruned: 0, crashed: 0 };
  let ops: ModelOp[] = [];
  let steps = 0;
  for (const { invoke, complete } of pairs) {
    if ((++steps & 4095) === 0) checkpoint(PREPARING);
    if (complete?.type === 'fail' && complete.observed !== true) {
      counts.failedDropped++;
      continue;
    }
    const done = complete && complete.type !== 'info' ? complete : undefined;
    ops.push({
      index: invoke.index,
      completeIndex: done ? done.index : null,
      process: invoke.process,
      f: invoke.f,
      value: invoke.value,
      output: done ? done.value : undefined,
      status: !done ? 'info' : done.type === 'fail' ? 'fail' : 'ok',
      call: invoke.time,
      ret: done ? done.time : null,
    });
  }

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
  const before = ops.length;
  ops = ops.filter((op) => op.status !== 'fail' || !!model.observesFailure?.(op));
  counts.failedDropped += before - ops.length;
  counts.ops = ops.length;
  const kept = ops.filter((op) => !(op.status === 'info' && model.readOnly?.(op)));
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
  for (const p of partitions) counts.crashed += p.ops.filter((op) => op.status === 'info').length;
  return { partitions, independent, counts };
}

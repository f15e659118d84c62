// Explaining a violation: shrink the failing partition to a small set of ops that is still not
// linearizable (drop ops while the rest stays non-linearizable, ddmin-style, within a time
// budget), then search that small set once more recording the longest linearizable prefix, the
// op that cannot be placed after it, the states the model could be in, and partial
// linearizations - the data the report draws and the text the CLI prints.

import type { LinearizabilityWitness, WitnessOp } from '../../src/protocols.js';
import type { Model, ModelOp } from './model.js';
import { Search } from './search.js';

export interface WitnessOptions {
  /** Wall-clock deadline (performance.now() ms) for shrinking. */
  deadline: number;
  /** Step budget of each trial search while shrinking. */
  trialSteps?: number;
  key?: unknown;
  keyed?: boolean;
}

/** true = still not linearizable, false = linearizable, undefined = budget ran out. */
function notLinearizable(model: Model<unknown>, ops: ModelOp[], steps: number): boolean | undefined {
  const kept = model.prune ? model.prune(ops) : ops;
  const s = new Search(model, kept);
  const r = s.run(steps);
  return r === 'running' ? undefined : r === 'fail';
}

/** Shrink `ops` (known not linearizable) to a smaller set that is still not linearizable. */
export function shrink(model: Model<unknown>, ops: ModelOp[], furthestBlock: number, opts: WitnessOptions): ModelOp[] {
  const steps = opts.trialSteps ?? 200_000;
  let cur = ops;
  // Ops invoked after the furthest point the search got stuck at rarely matter: try without them.
  if (furthestBlock >= 0) {
    const cut = cur.filter((op) => op.index <= furthestBlock);
    if (cut.length < cur.length && notLinearizable(model, cut, steps) === true) cur = cut;
  }
  let chunk = Math.max(1, Math.ceil(cur.length / 2));
  for (;;) {
    let i = 0;
    while (i < cur.length) {
      if (performance.now() > opts.deadline) return cur;
      const trial = cur.slice(0, i).concat(cur.slice(i + chunk));
      if (trial.length > 0 && notLinearizable(model, trial, steps) === true) cur = trial;
      else i += chunk;
    }
    if (chunk === 1) return cur;
    chunk = Math.max(1, chunk >> 1);
  }
}

function fullValue(op: ModelOp, v: unknown, keyed: boolean): unknown {
  return keyed && op.key !== undefined ? [op.key, v] : v;
}

/** Build the witness for a partition already shown not linearizable. */
export function buildWitness(model: Model<unknown>, ops: ModelOp[], furthestBlock: number, opts: WitnessOptions): LinearizabilityWitness {
  const small = shrink(model, ops, furthestBlock, opts);
  const s = new Search(model, small, { explain: true });
  let r = s.run(5_000_000);
  const ex = r === 'fail' ? s.explanation() : undefined;
  const sorted = s.ops; // sorted by invocation index; explanation positions refer to these
  const keyed = !!opts.keyed;
  const wops: WitnessOp[] = sorted.map((op) => ({
    index: op.index,
    completeIndex: op.completeIndex,
    process: op.process,
    f: op.f,
    value: fullValue(op, op.value, keyed),
    output: op.output === undefined ? null : fullValue(op, op.output, keyed),
    type: op.status,
    call: op.call,
    ret: op.ret,
    label: model.describeOp(op),
  }));
  const prefix = ex ? ex.prefix.map((p) => sorted[p]!.index) : [];
  const failingOp = ex && ex.blocked >= 0 ? sorted[ex.blocked]! : sorted.find((op) => op.completeIndex !== null) ?? sorted[0]!;
  const states = ex ? ex.states.map((st) => model.describeState(st)) : [];
  const partials: Record<string, number[]> = {};
  if (ex) ex.partials.forEach((p, i) => p && (partials[String(sorted[i]!.index)] = p.map((q) => sorted[q]!.index)));
  const witness: LinearizabilityWitness = {
    model: model.name,
    ...(opts.key !== undefined ? { key: opts.key } : {}),
    ops: wops,
    prefix,
    failing: failingOp.index,
    states,
    partials,
    text: '',
  };
  if (r !== 'fail') r = 'running';
  witness.text = witnessText(witness, model, sorted, failingOp);
  return witness;
}

function pname(p: number | string): string {
  return typeof p === 'number' ? `p${p}` : String(p);
}

function witnessText(w: LinearizabilityWitness, model: Model<unknown>, sorted: ModelOp[], failing: ModelOp): string {
  const byIndex = new Map(sorted.map((op) => [op.index, op]));
  const label = (i: number): string => {
    const op = byIndex.get(i);
    return op ? `${pname(op.process)} ${model.describeOp(op)}` : `op ${i}`;
  };
  const lines: string[] = [];
  const where = w.key !== undefined ? ` on key ${JSON.stringify(w.key)}` : '';
  lines.push(`Not linearizable${where} (model ${w.model}): these ${w.ops.length} operations cannot be ordered consistently with real time.`);
  for (const op of w.ops) {
    const span = `[${op.index}..${op.completeIndex ?? '∞'}]`;
    lines.push(`  ${span.padEnd(14)} ${pname(op.process).padEnd(5)} ${op.label}`);
  }
  if (w.prefix.length) lines.push(`Longest linearizable prefix: ${w.prefix.map(label).join(', ')}`);
  else lines.push('Longest linearizable prefix: (empty)');
  const st = w.states.length ? w.states.join(' | ') : model.describeState(model.init());
  lines.push(`Then ${label(failing.index)} (ops ${failing.index}..${failing.completeIndex ?? '∞'}) cannot be placed: the ${w.model} could be ${st}, and no order of the ops still open makes it legal.`);
  return lines.join('\n');
}

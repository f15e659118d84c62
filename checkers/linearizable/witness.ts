// Explaining a violation: shrink the failing partition to a small set of ops that is still not
// linearizable (drop ops while the rest stays non-linearizable, ddmin-style, within a time
// budget), then search that small set once more recording the longest linearizable prefix, the
// op that cannot be placed after it, the states the model could be in, and partial
// linearizations - the data the report draws and the text the CLI prints.

import type { LinearizabilityWitness, WitnessOp } from '../../src/protocols.js';
import type { Model, ModelOp } from './model.js';
import { Search } from './search.js';
import { findStaleRead } from './stale-reads.js';
import { showValue } from '../values.js';

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

/**
 * Relax an op: drop every constraint it imposes while keeping every effect it could have. A
 * completed op becomes a crashed one (it may take effect at any time after its invocation, or
 * never); an op that never changes the state (a read, an observed failure) is dropped.
 * Relaxing only makes a history easier to linearize, so if the relaxed history is still not
 * linearizable, the ops left unrelaxed are a self-contained proof of the violation.
 */
function relax(model: Model<unknown>, op: ModelOp): ModelOp | undefined {
  if (op.completeIndex === null) return op;
  if (op.status === 'fail' || model.readOnly?.(op)) return undefined;
  return { ...op, completeIndex: null, ret: null, status: 'info', output: undefined };
}

/** `ops` with every op not in `constrained` (ops or invocation indices) relaxed. */
export function withConstrained(model: Model<unknown>, ops: ModelOp[], constrained: ReadonlySet<ModelOp> | ReadonlySet<number>): ModelOp[] {
  const out: ModelOp[] = [];
  const has = (op: ModelOp): boolean => (constrained as ReadonlySet<unknown>).has(op) || (constrained as ReadonlySet<unknown>).has(op.index);
  for (const op of ops) {
    const r = has(op) ? op : relax(model, op);
    if (r) out.push(r);
  }
  return out;
}

/**
 * Shrink: find a small set W of completed ops such that the history with every other op relaxed
 * is still not linearizable (ddmin-style: relax chunks, then single ops, while it stays so).
 * Returns W and the relaxed history it was checked in.
 */
/** The model started in state s0 instead of its initial state. */
function startingIn(model: Model<unknown>, s0: unknown): Model<unknown> {
  return { ...model, init: () => s0 };
}

/**
 * The window of `ops` from invocation index w0 on: ops completed before w0 are dropped, ops
 * pending at w0 are relaxed. If this window is not linearizable from ANY state the model could be
 * in at w0 (a superset of them: `initialStates`), the history is not linearizable either - take a
 * linearization, the state after the last dropped op, and what follows: it would linearize the
 * window. So a violation can be shown without the (possibly long) history before it.
 */
export function windowFrom(model: Model<unknown>, ops: ModelOp[], w0: number): ModelOp[] {
  const out: ModelOp[] = [];
  for (const op of ops) {
    if (op.index >= w0) out.push(op);
    else if (op.completeIndex === null || op.completeIndex >= w0) {
      const r = relax(model, op);
      if (r) out.push(r);
    }
  }
  return out;
}

export interface Shrunk {
  /** The constrained ops: a proof of the violation with everything else relaxed. */
  core: ModelOp[];
  /** The history the core was checked in (relaxed ops included, pruned). */
  history: ModelOp[];
  /** If set, the violation holds from every one of these starting states (a window of the history). */
  starts?: unknown[];
}

/**
 * Shrink: find a small set W of completed ops such that the history with every other op relaxed
 * is still not linearizable (ddmin-style: relax chunks, then single ops, while it stays so).
 * For models with finitely many states, first look for a short window before the failure that is
 * not linearizable from any starting state (see windowFrom).
 */
export function shrink(model: Model<unknown>, ops: ModelOp[], furthestBlock: number, opts: WitnessOptions): Shrunk {
  const steps = opts.trialSteps ?? 200_000;
  let base = ops;
  let starts: unknown[] | undefined;
  const bad = (hist: ModelOp[], from: unknown[] | undefined): boolean =>
    from ? from.every((s0) => notLinearizable(startingIn(model, s0), hist, steps) === true) : notLinearizable(model, hist, steps) === true;
  const test = (c: ModelOp[]): boolean => bad(withConstrained(model, base, new Set(c)), starts);
  let core = ops.filter((op) => op.completeIndex !== null);
  // Ops invoked after the furthest point the search got stuck at rarely matter: relax them first.
  if (furthestBlock >= 0) {
    const cut = core.filter((op) => op.index <= furthestBlock);
    if (cut.length < core.length && test(cut)) core = cut;
  }
  const all = model.initialStates?.(ops);
  if (all && all.length <= 32 && core.length > 8) {
    for (let w = 4; w < core.length; w *= 2) {
      if (performance.now() > opts.deadline) break;
      const win = windowFrom(model, ops, core[core.length - w]!.index);
      const winCore = new Set(core.slice(core.length - w));
      if (bad(withConstrained(model, win, winCore), all)) {
        base = win;
        starts = all;
        core = core.slice(core.length - w);
        break;
      }
    }
  }
  // Long histories otherwise: keep only a window of the last ops before that point constrained
  // (doubling it until the violation shows), so that the ddmin trials below stay small.
  if (!starts && core.length > 64) {
    for (let w = 16; w < core.length; w *= 2) {
      if (performance.now() > opts.deadline) break;
      const cand = core.slice(core.length - w);
      if (test(cand)) {
        core = cand;
        break;
      }
    }
  }
  let chunk = Math.max(1, Math.ceil(core.length / 2));
  outer: for (;;) {
    let i = 0;
    while (i < core.length) {
      if (performance.now() > opts.deadline) break outer;
      const trial = core.slice(0, i).concat(core.slice(i + chunk));
      if (trial.length > 0 && test(trial)) core = trial;
      else i += chunk;
    }
    if (chunk === 1) break;
    chunk = Math.max(1, chunk >> 1);
  }
  const history = withConstrained(model, base, new Set(core));
  return { core, history: model.prune ? model.prune(history) : history, ...(starts ? { starts } : {}) };
}

/** Label suffix of ops shown in a witness that were relaxed (not part of its core). */
export const RELAXED_SUFFIX = ' (relaxed)';

function fullValue(op: ModelOp, v: unknown, keyed: boolean): unknown {
  return keyed && op.key !== undefined ? [op.key, v] : v;
}

/** Build the witness for a partition already shown not linearizable. */
export function buildWitness(model: Model<unknown>, ops: ModelOp[], furthestBlock: number, opts: WitnessOptions): LinearizabilityWitness {
  const { core, history, starts } = shrink(model, ops, furthestBlock, opts);
  // A stale read left in the core explains the violation by itself (then the prefix search, which
  // may need millions of steps on a wide window, gets a short budget).
  const staleAt = starts ? undefined : findStaleRead(model, history);
  const stale = staleAt && { a: history[staleAt.a]!, b: history[staleAt.b]! };
  // Explain from the starting state that gets furthest (any one of them fails).
  let s = new Search(model, history, { explain: true });
  let ex: ReturnType<Search<unknown>['explanation']>;
  for (const s0 of starts ?? [undefined]) {
    const t = new Search(starts ? startingIn(model, s0) : model, history, { explain: true });
    const e = t.run(Math.floor((stale ? 200_000 : 5_000_000) / (starts?.length ?? 1))) === 'fail' ? t.explanation() : undefined;
    if (e && (!ex || e.prefix.length > ex.prefix.length)) {
      ex = e;
      s = t;
    }
  }
  const sorted = s.ops; // sorted by invocation index; explanation positions refer to these
  const keyed = !!opts.keyed;
  // Shown: the core, plus the relaxed or crashed ops the longest prefix used.
  const inCore = new Set(core.map((op) => op.index));
  const inPrefix = new Set(ex ? ex.prefix.map((p) => sorted[p]!.index) : []);
  const original = new Map(ops.map((op) => [op.index, op]));
  const shown = sorted.filter((op) => inCore.has(op.index) || inPrefix.has(op.index) || op.completeIndex === furthestBlock).map((op) => original.get(op.index) ?? op);
  const wops: WitnessOp[] = shown.map((op) => ({
    index: op.index,
    completeIndex: op.completeIndex,
    process: op.process,
    f: op.f,
    value: fullValue(op, op.value, keyed),
    output: op.output === undefined ? null : fullValue(op, op.output, keyed),
    type: op.status,
    call: op.call,
    ret: op.ret,
    label: model.describeOp(op) + (inCore.has(op.index) || op.completeIndex === null ? '' : RELAXED_SUFFIX),
  }));
  const prefix = ex ? ex.prefix.map((p) => sorted[p]!.index) : [];
  // Without an explanation (its search ran out of steps), name the furthest op the main search
  // could not get past.
  const failingOp =
    ex && ex.blocked >= 0
      ? sorted[ex.blocked]!
      : stale?.b ?? sorted.find((op) => op.completeIndex === furthestBlock) ?? sorted.find((op) => op.completeIndex !== null) ?? sorted[0]!;
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
  const staleText =
    stale &&
    ((): string => {
      const [a, b] = [stale.a, stale.b].map((op) => `${pname(op.process)} ${model.describeOp(original.get(op.index) ?? op)} (ops ${op.index}..${op.completeIndex})`);
      return (
        `Stale read: ${b} was invoked after ${a} returned, so it comes after it; from any state the earlier read ` +
        `is legal in, only an op that could make the later read legal again leads to one it is legal in, and no such op can be placed between them.`
      );
    })();
  witness.text = witnessText(witness, failingOp, core.length, starts?.map((st) => model.describeState(st)), staleText);
  return witness;
}

const MAX_TEXT_OPS = 16;

function pname(p: number | string): string {
  return typeof p === 'number' ? `p${p}` : String(p);
}

function witnessText(w: LinearizabilityWitness, failing: ModelOp, coreSize: number, starts?: string[], stale?: string): string {
  const byIndex = new Map(w.ops.map((op) => [op.index, op]));
  const label = (i: number): string => {
    const op = byIndex.get(i);
    return op ? `${pname(op.process)} ${op.label}` : `op ${i}`;
  };
  const lines: string[] = [];
  const where = w.key !== undefined ? ` on key ${showValue(w.key)}` : '';
  lines.push(`Not linearizable${where} (model ${w.model}): ${coreSize} operation${coreSize === 1 ? '' : 's'} (below, not marked relaxed or crashed) cannot be`);
  lines.push(`ordered consistently with real time, even letting every other operation take effect at any time after its invocation, or never${starts ? ',' : ':'}`);
  if (starts) lines.push(`and whatever state the ${w.model} was in before them (${starts.join(' | ')}):`);
  // Keep the text short: the core ops (at most MAX_TEXT_OPS, those nearest the failing op), the
  // other (relaxed, crashed) ops only while few; all of them stay in the data for the report.
  const isCore = (op: WitnessOp): boolean => op.type !== 'info' && !op.label.endsWith(RELAXED_SUFFIX);
  let listed = w.ops.length <= MAX_TEXT_OPS ? w.ops : w.ops.filter(isCore);
  if (listed.length > MAX_TEXT_OPS) {
    const near = [...listed].sort((a, b) => Math.abs(a.index - failing.index) - Math.abs(b.index - failing.index)).slice(0, MAX_TEXT_OPS);
    const keep = new Set(near);
    listed = listed.filter((op) => keep.has(op));
  }
  for (const op of listed) {
    const span = `[${op.index}..${op.completeIndex ?? '∞'}]`;
    lines.push(`  ${span.padEnd(14)} ${pname(op.process).padEnd(5)} ${op.label}`);
  }
  const hidden = w.ops.length - listed.length;
  if (hidden) lines.push(`  ... and ${hidden} more (${coreSize > listed.length ? 'earlier core ops, ' : ''}relaxed or crashed ops the prefix uses)`);
  const pre = w.prefix.length > MAX_TEXT_OPS ? ['…', ...w.prefix.slice(-MAX_TEXT_OPS).map(label)] : w.prefix.map(label);
  if (w.prefix.length) lines.push(`Longest linearizable prefix (${w.prefix.length} ops): ${pre.join(', ')}`);
  else if (w.states.length) lines.push('Longest linearizable prefix: (empty)'); // none found when the explanation ran out
  const what = `${label(failing.index)} (ops ${failing.index}..${failing.completeIndex ?? '∞'})`;
  if (w.states.length) lines.push(`Then ${what} cannot be placed: the ${w.model} could be ${w.states.join(' | ')}, and no order of the ops still open makes it legal.`);
  if (stale) lines.push(stale);
  else if (!w.states.length) lines.push(`The search could not get past ${what} (the explanation ran out of budget before listing states).`);
  return lines.join('\n');
}

// Register models: `register` (read, write) and `cas-register` (read, write, cas [from, to]).
// The state is the register's value (null = never written, Jepsen's nil).

import { canonicalJson, hashValue, isPair, sameValue, show, type Model, type ModelOp } from '../model.js';

type V = unknown;

function describe(op: ModelOp): string {
  const crashed = op.status === 'info' ? ' (crashed)' : '';
  switch (op.f) {
    case 'read':
      return op.status === 'info' ? 'read → ?' : `read → ${show(op.output)}`;
    case 'write':
      return `write ${show(op.value)}${crashed}`;
    case 'cas': {
      const [from, to] = isPair(op.value) ? op.value : [undefined, undefined];
      return `cas(${show(from)}→${show(to)})${op.status === 'fail' ? ' failed' : crashed}`;
    }
    default:
      return `${op.f} ${show(op.value)}`;
  }
}

/**
 * Crashed writes (and crashed cas) of a value that no op can observe never matter: drop them.
 * Proof: in a linearization that contains such an op c writing v, the ops between c and the next
 * write see v. None reads v, succeeds a cas from v, or fails (as an observation) a cas from
 * something other than v - that is what "unobserved" means - so they are writes, or crashed ops
 * that act as no-ops there (drop those as well). Removing c leaves every completed op legal.
 * Dropping a crashed `cas(v→x)` removes an observer of v, so iterate to a fixpoint.
 */
function pruneUnobserved(ops: ModelOp[]): ModelOp[] {
  let kept = ops;
  for (;;) {
    const observed = new Set<string>();
    const failFroms = new Set<string>();
    let failedCas = 0;
    for (const op of kept) {
      if (op.f === 'read' && op.status === 'ok') observed.add(key(op.output));
      else if (op.f === 'cas' && isPair(op.value)) {
        if (op.status === 'fail') {
          failedCas++;
          failFroms.add(key(op.value[0]));
        } else observed.add(key(op.value[0]));
      }
    }
    const isObserved = (v: unknown): boolean => {
      const k = key(v);
      if (observed.has(k)) return true;
      // A failed cas observes "not from": every value but `from` (if all failed cas share `from = v`, v is not observed).
      return failedCas > 0 && !(failFroms.size === 1 && failFroms.has(k));
    };
    const next = kept.filter((op) => {
      if (op.status !== 'info') return true;
      if (op.f === 'write') return isObserved(op.value);
      if (op.f === 'cas' && isPair(op.value)) return isObserved(op.value[1]);
      return true;
    });
    if (next.length === kept.length) return kept;
    kept = next;
  }
}

/** Value identity as a string (exact integers; undefined is nil). */
function key(v: unknown): string {
  return canonicalJson(v);
}

function makeRegister(name: string, withCas: boolean): Model<V> {
  const fs = withCas ? ['read', 'write', 'cas'] : ['read', 'write'];
  return {
    name,
    description: withCas
      ? 'compare-and-set register: read, write v, cas [from to] (initially nil)'
      : 'read/write register: read, write v (initially nil)',
    init: () => null,
    initFrom: (v) => (v === undefined ? null : v),
    step(s, op) {
      switch (op.f) {
        case 'read':
          return op.status === 'ok' && !sameValue(s, op.output) ? undefined : s;
        case 'write':
          return op.value === undefined ? null : op.value;
        case 'cas': {
          const [from, to] = op.value as [V, V];
          if (op.status === 'fail') return sameValue(s, from) ? undefined : s;
          // ok: must match. info: if it takes effect it matched; a non-match is "never happened".
          return sameValue(s, from) ? to : undefined;
        }
        default:
          return undefined;
      }
    },
    equal: sameValue,
    hash: hashValue,
    validate(op) {
      if (!fs.includes(op.f)) return `the ${name} model has no operation '${op.f}' (expected ${fs.join(', ')})`;
      if (op.f === 'cas' && !isPair(op.value)) return `cas expects a value [from to], got ${show(op.value)}`;
      return undefined;
    },
    readOnly: (op) => op.f === 'read',
    observesFailure: (op) => op.f === 'cas',
    blind: (op) => op.f === 'write',
    // A read of v needs a write or cas to v before it: without one among the candidates, any
    // state but v is a dead end for it.
    doomed: (st, read) => read.f === 'read' && read.status === 'ok' && !sameValue(st, read.output),
    resets: (op, read) =>
      read.f !== 'read' ||
      (op.f === 'write' && sameValue(op.value, read.output)) ||
      (op.f === 'cas' && isPair(op.value) && sameValue(op.value[1], read.output)),
    readDooms: (earlier, later) => earlier.f === 'read' && later.f === 'read' && !sameValue(earlier.output, later.output),
    subsumes: (x, y) => x.f === 'write' && y.f === 'cas' && isPair(y.value) && sameValue(x.value, y.value[1]),
    prune: pruneUnobserved,
    symmetryKey: (op) => op.f + ' ' + key(op.value),
    initialStates(ops) {
      // nil and every value a write or cas could leave in the register.
      const vals = new Map<string, unknown>([['null', null]]);
      for (const op of ops) {
        const v = op.f === 'write' ? op.value : op.f === 'cas' && isPair(op.value) ? op.value[1] : undefined;
        if (op.f === 'write' || op.f === 'cas') vals.set(key(v), v === undefined ? null : v);
      }
      return [...vals.values()];
    },
    describeOp: describe,
    describeState: show,
  };
}

export const registerModel = makeRegister('register', false);
export const casRegisterModel = makeRegister('cas-register', true);

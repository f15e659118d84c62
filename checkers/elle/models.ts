// Consistency models and the anomalies they rule out (after Adya, Cerone, and Elle's model map).
// An anomaly found implies weaker-shaped ones (a G0 cycle is also a G1c cycle, a G-single cycle
// over items is also a G2-item cycle, any cycle is also its -process and -realtime variant);
// a model is violated when it prohibits any anomaly in that closure. Models are ordered by the
// inclusion of their prohibited sets, which gives "weakest violated" and "strongest possible".

import { badArgument } from '../../src/errors.js';

const CYCLES = ['G0', 'G1c', 'G-single', 'G-nonadjacent', 'G2-item', 'G2'];

/** Anomalies that even read uncommitted forbids: version orders must be total and lists sets. */
const BROKEN = ['duplicate-elements', 'cyclic-versions'];

// Following Elle: an order no single timeline explains, or a value nobody wrote, implies a dirty
// read; a future read is a trivial wr self-cycle; a lost update is a write skew on one item.
const IMPLIES: Record<string, string[]> = {
  G0: ['G1c'],
  G1a: ['G1'],
  G1b: ['G1'],
  G1c: ['G1'],
  'G-single': ['G-nonadjacent', 'G2-item'],
  'G-nonadjacent': ['G2-item'],
  'G2-item': ['G2'],
  'dirty-update': ['G1a'],
  'incompatible-order': ['G1a'],
  'garbage-read': ['G1a'],
  'future-read': ['G1c'],
  'lost-update': ['G2-item'],
};
for (const c of CYCLES) {
  const p = `${c}-process`, r = `${c}-realtime`;
  const shapes = (IMPLIES[c] ?? []).filter((x) => CYCLES.includes(x));
  IMPLIES[p] = [r, ...shapes.map((x) => `${x}-process`)];
  IMPLIES[r] = shapes.map((x) => `${x}-realtime`);
  IMPLIES[c] = [...(IMPLIES[c] ?? []), p];
}

/** The closure of a set of anomaly types under implication. */
export function impliedAnomalies(types: Iterable<string>): Set<string> {
  const out = new Set<string>();
  const stack = [...types];
  while (stack.length) {
    const t = stack.pop()!;
    if (out.has(t)) continue;
    out.add(t);
    for (const u of IMPLIES[t] ?? []) stack.push(u);
  }
  return out;
}

const RU = ['G0', ...BROKEN];
const RC = [...RU, 'G1', 'G1a', 'G1b', 'G1c', 'dirty-update'];
const RR = [...RC, 'G2-item', 'lost-update'];
// Internal consistency is an axiom of SI and serializability (Cerone); Elle does not hold
// read committed or repeatable read to it.
const SI = [...RC, 'G-single', 'G-nonadjacent', 'lost-update', 'internal'];
const SER = [...new Set([...RR, ...SI, 'G2', 'internal'])];

const BASE_MODELS: Record<string, string[]> = {
  'read-uncommitted': RU,
  'read-committed': RC,
  'repeatable-read': RR,
  'snapshot-isolation': SI,
  serializable: SER,
};

const variant = (xs: string[], suffix: string): string[] => xs.filter((x) => CYCLES.includes(x)).map((x) => x + suffix);

/** Model name -> anomaly types it prohibits. */
export const MODELS: Record<string, Set<string>> = {};
for (const [name, xs] of Object.entries(BASE_MODELS)) {
  MODELS[name] = new Set(xs);
  MODELS[`strong-session-${name}`] = new Set([...xs, ...variant(xs, '-process')]);
  const strong = name === 'serializable' ? 'strict-serializable' : `strong-${name}`;
  MODELS[strong] = new Set([...xs, ...variant(xs, '-process'), ...variant(xs, '-realtime')]);
}

const ALIASES: Record<string, string> = {
  'strong-serializable': 'strict-serializable',
  'strong-session-si': 'strong-session-snapshot-isolation',
  si: 'snapshot-isolation',
  'strong-si': 'strong-snapshot-isolation',
  'serializability': 'serializable',
  linearizable: 'strict-serializable',
};

export function modelNames(): string[] {
  return Object.keys(MODELS).sort();
}

/** Canonical model name, or a BAD_ARGUMENT naming the option. */
export function canonicalModel(name: string, where = '--consistency-model'): string {
  const n = ALIASES[name] ?? name;
  if (!MODELS[n]) throw badArgument(`unknown consistency model '${name}' (known: ${modelNames().join(', ')})`, where);
  return n;
}

/** Does model a prohibit everything b prohibits (a is at least as strong as b)? */
function atLeast(a: string, b: string): boolean {
  for (const x of MODELS[b]!) if (!MODELS[a]!.has(x)) return false;
  return true;
}

export interface ModelVerdict {
  /** Weakest models violated. */
  not: string[];
  /** Other violated models (stronger than those in `not`). */
  alsoNot: string[];
  /** Strongest models not ruled out. */
  strongest: string[];
  /** All models not ruled out. */
  possible: string[];
}

export function judgeModels(anomalyTypes: Iterable<string>): ModelVerdict {
  const implied = impliedAnomalies(anomalyTypes);
  const names = modelNames();
  const violated = names.filter((m) => [...implied].some((a) => MODELS[m]!.has(a)));
  const possible = names.filter((m) => !violated.includes(m));
  const not = violated.filter((m) => !violated.some((o) => o !== m && atLeast(m, o) && !atLeast(o, m)));
  return {
    not,
    alsoNot: violated.filter((m) => !not.includes(m)),
    strongest: possible.filter((m) => !possible.some((o) => o !== m && atLeast(o, m) && !atLeast(m, o))),
    possible,
  };
}

/** Anomaly types that, if present, would rule `model` out. */
export function prohibits(model: string, type: string): boolean {
  const set = MODELS[model]!;
  for (const t of impliedAnomalies([type])) if (set.has(t)) return true;
  return false;
}

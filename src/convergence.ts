// How long the replicas took to converge, measured from the history of a workload with a final
// phase (g-set, broadcast, counters, set): the clock starts when the last fault was healed (the
// last nemesis op before the final reads) or, later, when the last update completed; then every
// successful read after that point is looked at, node by node. A node converged by the completion
// of its first read after which all its reads return the value the final reads agree on. What the
// history can prove is a bracket, and that is what is reported: converged within `withinMs` (the
// last node to show the agreed value) and not before `notBeforeMs` (a read still saw something
// else then). With an idle recovery wait before the final reads, the bracket is wide: the
// history has no reads in between (`finalReadsAfterMs` says how long that wait was).

import { pairOps, type History, type Op } from './history.js';
import { stringifyJson } from './json.js';

export interface NodeConvergence {
  /** Successful reads on the node from the start point on. */
  reads: number;
  /** ms after the start point when the node had the agreed value for good; null: it never showed it. */
  convergedByMs: number | null;
}

export interface Convergence {
  /** What the clock starts at: the end of the last fault, or the last update if that came later or there was no fault. */
  from: 'heal' | 'last-update';
  /** ns since the test start. */
  fromTime: number;
  /** Successful final reads. */
  finalReads: number;
  /** Whether all successful final reads returned the same value (sets compared as sets). */
  agreed: boolean;
  /** Different values among the final reads. */
  distinctFinalValues: number;
  /** Upper bound: every node read the agreed value for good this many ms after the start point (null: not agreed, or a node never did). */
  withinMs: number | null;
  /** Lower bound: a read invoked this many ms after the start point still returned another value (0: none did). */
  notBeforeMs: number;
  /** When the first final read was invoked, ms after the start point. */
  finalReadsAfterMs: number;
  nodes: Record<string, NodeConvergence>;
}

/** A value's comparable text: arrays as sets (read values of set workloads), object keys sorted. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).sort().join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return stringifyJson(v ?? null);
}

const ms = (ns: number): number => Math.round(ns / 1e4) / 100;

/** The convergence of a history, or undefined when it has no final reads. */
export function convergenceOf(history: History): Convergence | undefined {
  const { pairs } = pairOps(history);
  const isRead = (op: Op): boolean => op.f === 'read' && typeof op.process === 'number';
  const finals = pairs.filter((p) => p.invoke.final === true && isRead(p.invoke));
  if (!finals.length) return undefined;
  const firstFinal = Math.min(...finals.map((p) => p.invoke.time));
  // The start point: the last nemesis op done before the final reads, or the last update done.
  let heal = -1;
  let update = -1;
  for (const op of history) {
    if (op.time >= firstFinal || op.type === 'invoke') continue;
    if (op.process === 'nemesis') heal = Math.max(heal, op.time);
    else if (op.f !== 'read' && op.final !== true) update = Math.max(update, op.time);
  }
  const from: Convergence['from'] = heal >= 0 && heal >= update ? 'heal' : 'last-update';
  const t0 = Math.max(heal, update, 0);
  const okFinals = finals.filter((p) => p.complete?.type === 'ok');
  const values = new Set(okFinals.map((p) => canonical(p.complete!.value)));
  const agreed = okFinals.length > 0 && values.size === 1;
  const target = agreed ? [...values][0]! : undefined;

  // Every successful read from the start point on, by node, in invocation order.
  const byNode = new Map<string, Array<{ inv: number; done: number; same: boolean }>>();
  for (const p of pairs) {
    if (!isRead(p.invoke) || p.complete?.type !== 'ok' || p.invoke.time < t0) continue;
    const node = typeof p.invoke.node === 'string' ? p.invoke.node : `process ${String(p.invoke.process)}`;
    const list = byNode.get(node) ?? [];
    list.push({ inv: p.invoke.time, done: p.complete.time, same: canonical(p.complete.value) === target });
    byNode.set(node, list);
  }
  const nodes: Record<string, NodeConvergence> = {};
  let within: number | null = agreed ? 0 : null;
  let notBefore = 0;
  for (const [node, reads] of [...byNode].sort(([a], [b]) => a.localeCompare(b))) {
    reads.sort((a, b) => a.inv - b.inv);
    let lastOther = -1;
    reads.forEach((r, i) => {
      if (!r.same) {
        lastOther = i;
        notBefore = Math.max(notBefore, r.inv - t0);
      }
    });
    const first = reads[lastOther + 1];
    const by = agreed && first ? ms(first.done - t0) : null;
    nodes[node] = { reads: reads.length, convergedByMs: by };
    within = within === null || by === null ? null : Math.max(within, by);
  }
  return {
    from,
    fromTime: t0,
    finalReads: okFinals.length,
    agreed,
    distinctFinalValues: values.size,
    withinMs: within,
    notBeforeMs: ms(notBefore),
    finalReadsAfterMs: ms(firstFinal - t0),
    nodes,
  };
}

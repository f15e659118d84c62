// What a search in explain mode records for a witness (search.ts calls it on every push and
// every block): the longest linearizable prefix, the op that blocked it, the distinct states it
// was blocked in, and for each op the longest partial linearization containing it.

import type { Model } from './model.js';

export interface Explanation {
  /** Longest linearizable prefix found: positions into the search's `ops`, in order. */
  prefix: number[];
  /** Position of the op whose return could not be passed right after that prefix. */
  blocked: number;
  /** Distinct states the search was in when blocked at that op. */
  states: unknown[];
  /** For each op position, the longest partial linearization containing it (positions). */
  partials: (number[] | undefined)[];
}

/** The search's stack as it is read here: op positions of frames 0..depth-1. */
function stackOps(frameOp: Int32Array, depth: number): number[] {
  const out: number[] = new Array(depth);
  for (let d = 0; d < depth; d++) out[d] = frameOp[d]!;
  return out;
}

export class ExplainLog<S> {
  private best: number[] = [];
  private bestBlocked = -1;
  private bestDepth = 0;
  private readonly blockedStates = new Map<number, { s: S; h: number }[]>();
  // Partial linearizations cost O(depth) per step: only for witness-sized histories.
  private readonly partials: (number[] | undefined)[];
  private readonly withPartials: boolean;

  constructor(private readonly model: Model<S>, n: number) {
    this.withPartials = n <= 400;
    this.partials = this.withPartials ? new Array(n).fill(undefined) : [];
  }

  push(frameOp: Int32Array, depth: number): void {
    let snap: number[] | undefined;
    // A new deepest prefix: remember it when it gets blocked (snapshots only then, not per push).
    if (depth > this.bestDepth) this.bestDepth = depth;
    if (!this.withPartials) return;
    for (let d = 0; d < depth; d++) {
      const p = frameOp[d]!;
      const cur = this.partials[p];
      if (!cur || cur.length < depth) this.partials[p] = snap ??= stackOps(frameOp, depth);
    }
  }

  block(opPos: number, frameOp: Int32Array, depth: number, state: S): void {
    if (depth === this.bestDepth && this.best.length < this.bestDepth) {
      this.best = stackOps(frameOp, depth);
      this.bestBlocked = opPos;
    }
    let list = this.blockedStates.get(opPos);
    if (!list) this.blockedStates.set(opPos, (list = []));
    const h = this.model.hash(state);
    if (list.length < 16 && !list.some((x) => x.h === h && this.model.equal(x.s, state))) list.push({ s: state, h });
  }

  explanation(): Explanation {
    const blocked = this.bestBlocked >= 0 ? this.bestBlocked : [...this.blockedStates.keys()][0] ?? -1;
    return {
      prefix: this.best,
      blocked,
      states: (this.blockedStates.get(blocked) ?? []).map((x) => x.s),
      partials: this.partials,
    };
  }
}

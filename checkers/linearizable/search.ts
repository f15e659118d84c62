// The linearizability search for one partition: Wing & Gong's depth-first search over the
// history's call/return list, with Lowe's memoization of (set of linearized ops, model state).
// Resumable in slices (run(maxSteps)) so that several partitions can be interleaved and a budget
// can stop it. Crashed ops have no return: they may be linearized at any point after their call,
// or never; the search succeeds once every completed op is linearized.

import { ExplainLog, type Explanation } from './explain-log.js';
import { buildLayout } from './layout.js';
import { Memo } from './memo.js';
import { findStaleRead } from './stale-reads.js';
import type { Model, ModelOp } from './model.js';

export type SearchStatus = 'running' | 'ok' | 'fail';

export interface SearchOptions {
  /** Record the longest linearizable prefix, the op that blocks it, its states and partials. */
  explain?: boolean;
  /** Look for a stale read first (stale-reads.ts); default true, false when the caller did. */
  staleReads?: boolean;
}

export type { Explanation } from './explain-log.js';

/**
 * Layout: the calls and returns of completed ops are entries 1..E, in history order, in a circular
 * doubly linked list with sentinel 0 (Wing & Gong's list; lifting an op unlinks its two entries).
 * Crashed ops are kept apart, in symmetry classes, and tried only at a blocking return after the
 * completed candidates - every order is complete, this one finds linearizations with fewer detours.
 * See README.md for the pruning rules and why each is sound.
 */
export class Search<S> {
  readonly ops: ModelOp[];
  readonly stats = { steps: 0, memoEntries: 0, maxDepth: 0 };

  /** Bytes held by the memo now (0 once decided: the memo is freed). */
  memoBytes(): number {
    return this.memo.bytes;
  }
  status: SearchStatus = 'running';
  /** History index of the furthest return the search was blocked at (for witness shrinking). */
  furthestBlock = -1;

  private readonly model: Model<S>;
  // The layout, fixed for the search's life (layout.ts says what each array holds); classPtr and
  // bits change as ops are linearized and unlinearized.
  private readonly nCompleted: number;
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  private readonly entryOp: Int32Array;
  private readonly isCall: Uint8Array;
  private readonly matchRet: Int32Array;
  private readonly entryIndex: Float64Array;
  private readonly nClasses: number;
  private readonly classStart: Int32Array;
  private readonly classOps: Int32Array;
  private readonly classPtr: Int32Array;
  private readonly bitOf: Int32Array;
  private readonly bits: Uint32Array;
  private readonly completedWords: number;
  private readonly z1: Int32Array;
  private readonly z2: Int32Array;
  private readonly blind: Uint8Array;
  private readonly readOnly: Uint8Array;
  private h1 = 0;
  private h2 = 0;
  private lo = 0; // words [0, lo) of the completed region are all ones
  private linearizedCompleted = 0;
  // stack
  private depth = 0;
  private readonly frameEntry: Int32Array;
  private readonly frameCrashed: Uint8Array;
  private readonly framePrev: S[];
  private readonly frameAlts: (readonly S[] | null)[];
  private readonly frameAlt: Int32Array;
  private readonly frameBlock: Int32Array;
  private readonly frameDoom: Int32Array;
  private readonly frameOp: Int32Array;
  /**
   * Op position of the read-only op whose return blocks this configuration, when no candidate
   * could reset what it reads (model.doomed/resets); lifts that doom it are pruned. -1 if none.
   */
  private doomRead = -1;
  private readonly frameForced: Uint8Array;
  private freshScan = true;

  private mustBacktrack = false; // for crashed-phase frames: the return they were tried before
  // cursor
  private state: S;
  private entry = 0;
  private crashedPhase = false;
  private resumeAlts: readonly S[] | null = null;
  private resumeAlt = 0;
  private readonly memo: Memo<S>;
  /** Explain mode's record (undefined: not explaining). */
  private readonly log: ExplainLog<S> | undefined;

  constructor(model: Model<S>, ops: ModelOp[], opts: SearchOptions = {}) {
    this.model = model;
    ({
      ops: this.ops, nCompleted: this.nCompleted, next: this.next, prev: this.prev, entryOp: this.entryOp, isCall: this.isCall,
      matchRet: this.matchRet, entryIndex: this.entryIndex, nClasses: this.nClasses, classStart: this.classStart,
      classOps: this.classOps, classPtr: this.classPtr, bitOf: this.bitOf, bits: this.bits, completedWords: this.completedWords,
      z1: this.z1, z2: this.z2, blind: this.blind, readOnly: this.readOnly,
    } = buildLayout(model, ops));
    const n = this.ops.length;
    this.frameEntry = new Int32Array(n + 1);
    this.frameCrashed = new Uint8Array(n + 1);
    this.framePrev = new Array<S>(n + 1);
    this.frameAlts = new Array<readonly S[] | null>(n + 1).fill(null);
    this.frameAlt = new Int32Array(n + 1);
    this.frameOp = new Int32Array(n + 1);
    this.frameBlock = new Int32Array(n + 1);
    this.frameDoom = new Int32Array(n + 1);
    this.frameForced = new Uint8Array(n + 1);
    this.state = model.init();
    this.memo = new Memo<S>((a, b) => model.equal(a, b), model.stateBytes ? (x) => model.stateBytes!(x) : () => 32, 4 * n);
    this.entry = this.next[0]!;
    if (this.nCompleted === 0) this.status = 'ok';
    else if (!opts.explain && (opts.staleReads ?? true)) {
      // A stale read proves the violation at once (explaining still needs the search's prefix).
      const stale = findStaleRead(model, this.ops);
      if (stale) {
        this.furthestBlock = this.ops[stale.b]!.completeIndex!;
        this.status = 'fail';
        this.memo.clear();
      }
    }
    this.log = opts.explain ? new ExplainLog(model, n) : undefined;
  }

  /** Advance at most `maxSteps` steps. */
  run(maxSteps: number): SearchStatus {
    if (this.status !== 'running') return this.status;
    const model = this.model;
    const ops = this.ops;
    const next = this.next;
    let steps = 0;
    while (steps++ < maxSteps) {
      if (this.mustBacktrack) {
        // The frame just popped was forced: its config has no other useful branch.
        if (this.depth === 0) return this.finish('fail', steps);
        this.pop();
        continue;
      }
      if (this.freshScan) {
        // A read-only op legal now can be linearized first without loss of generality (moving it
        // to the front of any linearization keeps every state and real-time order): commit to it.
        this.freshScan = false;
        const forced = this.forcedReadOnly();
        if (forced < 0) {
          // A pending read can never become legal again: this configuration is dead.
          const idx = this.ops[this.deadRead]!.completeIndex!;
          if (idx > this.furthestBlock) this.furthestBlock = idx;
          this.log?.block(this.deadRead, this.frameOp, this.depth, this.state);
          if (this.depth === 0) return this.finish('fail', steps);
          this.pop();
          continue;
        }
        if (forced > 0) {
          if (!this.enter(forced, false, this.state, null, 0, 1)) this.mustBacktrack = true;
          else if (this.linearizedCompleted === this.nCompleted) return this.finish('ok', steps);
          continue;
        }
      }
      let e = this.entry;
      if (!this.crashedPhase) {
        if (e !== 0 && this.isCall[e]) {
          if (this.readOnly[this.entryOp[e]!]) {
            this.entry = next[e]!; // not legal here, or the forced pass would have taken it
            continue;
          }
          if (this.tryLift(e, false, ops[this.entryOp[e]!]!, model)) {
            if (this.linearizedCompleted === this.nCompleted) return this.finish('ok', steps);
            continue;
          }
          this.entry = next[e]!;
          continue;
        }
        // At the first pending return (e): now try crashed ops invoked before it.
        this.crashedPhase = true;
        this.entry = this.nClasses > 0 ? 1 : 0;
        this.blockAt = e;
        continue;
      }
      // Crashed phase: e walks the classes (1-based); each offers its earliest remaining op if
      // that op was invoked before the blocking return.
      const blockAt = this.blockAt;
      if (e !== 0) {
        const c = e - 1;
        const q = this.classStart[c]! + this.classPtr[c]!;
        if (q < this.classStart[c + 1]!) {
          const opPos = this.classOps[q]!;
          if ((blockAt === 0 || ops[opPos]!.index < this.entryIndex[blockAt]!) && this.tryLift(e, true, ops[opPos]!, model)) {
            if (this.linearizedCompleted === this.nCompleted) return this.finish('ok', steps);
            continue;
          }
        }
        this.entry = e < this.nClasses ? e + 1 : 0;
        continue;
      }
      // Blocked at return `blockAt`: backtrack.
      if (blockAt !== 0) {
        const idx = this.entryIndex[blockAt]!;
        if (idx > this.furthestBlock) this.furthestBlock = idx;
        this.log?.block(this.entryOp[blockAt]!, this.frameOp, this.depth, this.state);
      }
      if (this.depth === 0) return this.finish('fail', steps);
      this.pop();
    }
    this.stats.steps += steps - 1;
    return 'running';
  }

  private blockAt = 0;

  private finish(s: SearchStatus, steps: number): SearchStatus {
    this.stats.steps += steps;
    this.status = s;
    this.memo.clear(); // free memory as soon as a partition is decided
    return s;
  }

  /** Try to linearize the op at entry e now; on success push a frame and restart the scan. */
  private tryLift(e: number, crashed: boolean, op: ModelOp, model: Model<S>, mode = 0): boolean {
    let alts: readonly S[] | null;
    let from: number;
    if (this.resumeAlts !== null) {
      alts = this.resumeAlts;
      from = this.resumeAlt;
      this.resumeAlts = null;
    } else if (model.stepAll) {
      alts = model.stepAll(this.state, op);
      from = 0;
    } else {
      const s = model.step(this.state, op);
      if (s === undefined) return false;
      alts = null;
      from = 0;
      if (!this.enter(e, crashed, s, null, 0, mode)) return false;
      return true;
    }
    for (let a = from; a < alts.length; a++) {
      if (this.enter(e, crashed, alts[a]!, alts, a, mode)) return true;
    }
    return false;
  }

  /**
   * The first pending read-only op legal in the current state (its call entry), or 0; -1 if a
   * pending read-only op (called before the first pending return) is doomed in this state and no
   * op that could still come before it resets it (`deadRead` says which): see `rescuable`.
   */
  private forcedReadOnly(): number {
    const next = this.next;
    const state = this.state;
    const illegalAt = this.illegalAt;
    const doomedAt = this.doomedAt;
    const model = this.model;
    let e = next[0]!;
    for (; e !== 0 && this.isCall[e]; e = next[e]!) {
      const p = this.entryOp[e]!;
      if (!this.readOnly[p]) continue;
      if (illegalAt[p] !== state) {
        if (model.step(state, this.ops[p]!) !== undefined) return e;
        illegalAt[p] = state; // states are immutable: the same object gives the same answer
        doomedAt[p] = model.doomed?.(state, this.ops[p]!) ? state : undefined;
      }
      if (doomedAt[p] === state && !this.rescuable(p)) {
        this.deadRead = p;
        return -1;
      }
    }
    this.doomRead = e !== 0 && model.doomed ? this.doomable(e) : -1;
    return 0;
  }

  /**
   * Whether an op not yet linearized that may still come before read-only op `read` (invoked
   * before its return: real-time order puts every later one after it) could reset it. If none
   * can, a state doomed for `read` stays doomed (model.doomed is monotone under non-reset ops)
   * until `read` must be linearized: every extension of the configuration fails.
   */
  private rescuable(read: number): boolean {
    const model = this.model;
    if (!model.resets) return false;
    const rop = this.ops[read]!;
    const limit = rop.completeIndex!;
    for (let e = this.next[0]!; e !== 0 && this.entryIndex[e]! < limit; e = this.next[e]!) {
      if (this.isCall[e] && this.entryOp[e] !== read && model.resets(this.ops[this.entryOp[e]!]!, rop)) return true;
    }
    for (let c = 0; c < this.nClasses; c++) {
      for (let q = this.classStart[c]! + this.classPtr[c]!; q < this.classStart[c + 1]!; q++) {
        const op = this.ops[this.classOps[q]!]!;
        if (op.index >= limit) break;
        if (model.resets(op, rop)) return true;
      }
    }
    return false;
  }

  /** Per read-only op: the last state object it was found doomed in (see forcedReadOnly). */
  private readonly doomedAt: unknown[] = [];
  /** The read-only op that made forcedReadOnly answer -1. */
  private deadRead = -1;

  /**
   * The blocking return is entry r. If its op is read-only and no candidate before r (completed
   * or crashed) could reset what it reads, return its position: every op linearized before it
   * must keep it reachable (model.doomed is monotone under non-reset ops, so a doomed state stays
   * doomed until r, which must come before anything invoked after r).
   */
  private doomable(r: number): number {
    const read = this.entryOp[r]!;
    if (!this.readOnly[read]) return -1;
    const model = this.model;
    const rop = this.ops[read]!;
    if (!model.resets) return read;
    for (let e = this.next[0]!; e !== r; e = this.next[e]!) if (model.resets(this.ops[this.entryOp[e]!]!, rop)) return -1;
    const limit = this.entryIndex[r]!;
    for (let c = 0; c < this.nClasses; c++) {
      for (let q = this.classStart[c]! + this.classPtr[c]!; q < this.classStart[c + 1]!; q++) {
        const op = this.ops[this.classOps[q]!]!;
        if (op.index >= limit) break;
        if (model.resets(op, rop)) return -1;
      }
    }
    return read;
  }

  /**
   * Another available crashed op (head of another class, invoked before the blocking return)
   * that this one subsumes reaches the same state: spend that one instead (exchange argument:
   * this op can later do whatever that one would have).
   */
  private subsumed(cls: number, opPos: number, s: S): boolean {
    const model = this.model;
    if (!model.subsumes) return false;
    const x = this.ops[opPos]!;
    const limit = this.blockAt === 0 ? Infinity : this.entryIndex[this.blockAt]!;
    for (let c = 0; c < this.nClasses; c++) {
      if (c === cls) continue;
      const q = this.classStart[c]! + this.classPtr[c]!;
      if (q >= this.classStart[c + 1]!) continue;
      const y = this.ops[this.classOps[q]!]!;
      if (y.index >= limit || !model.subsumes(x, y)) continue;
      const t = model.step(this.state, y);
      if (t !== undefined && model.equal(t, s)) return true;
    }
    return false;
  }

  /** Per read-only op: the last state object it was found illegal in. */
  private readonly illegalAt: unknown[] = [];

  /** mode: 0 ordinary scan, 1 forced read-only op (no sibling branches). */
  private enter(e: number, crashed: boolean, s: S, alts: readonly S[] | null, alt: number, mode = 0): boolean {
    const opPos = crashed ? this.classOps[this.classStart[e - 1]! + this.classPtr[e - 1]!]! : this.entryOp[e]!;
    // Dominance pruning (sound, see README): a crashed op that leaves the state unchanged, or a
    // crashed op whose effect the very next op overwrites blindly, is better left unlinearized -
    // that sibling branch reaches the same state with one more crashed op still available.
    if (crashed && this.model.equal(s, this.state)) return false;
    if (this.doomRead >= 0 && mode === 0 && this.model.doomed!(s, this.ops[this.doomRead]!)) return false;
    if (crashed && this.subsumed(e - 1, opPos, s)) return false;
    if (this.blind[opPos] && this.depth > 0 && this.frameCrashed[this.depth - 1]) return false;
    this.setBit(opPos);
    if (!this.memoAdd(s)) {
      this.clearBit(opPos);
      return false;
    }
    const d = this.depth++;
    this.frameEntry[d] = e;
    this.frameCrashed[d] = crashed ? 1 : 0;
    this.framePrev[d] = this.state;
    this.frameAlts[d] = alts;
    this.frameAlt[d] = alt;
    this.frameOp[d] = opPos;
    this.frameBlock[d] = this.blockAt;
    this.frameDoom[d] = this.doomRead;
    this.frameForced[d] = mode === 1 ? 1 : 0;
    this.state = s;
    if (crashed) {
      this.classPtr[e - 1]!++;
    } else {
      const r = this.matchRet[e]!;
      this.next[this.prev[e]!] = this.next[e]!;
      this.prev[this.next[e]!] = this.prev[e]!;
      this.next[this.prev[r]!] = this.next[r]!;
      this.prev[this.next[r]!] = this.prev[r]!;
      this.linearizedCompleted++;
    }
    if (this.depth > this.stats.maxDepth) this.stats.maxDepth = this.depth;
    this.log?.push(this.frameOp, this.depth);
    this.crashedPhase = false;
    this.freshScan = true;
    this.entry = this.next[0]!;
    return true;
  }

  private pop(): void {
    const d = --this.depth;
    const e = this.frameEntry[d]!;
    const crashed = this.frameCrashed[d] === 1;
    this.state = this.framePrev[d]!;
    this.clearBit(this.frameOp[d]!);
    if (crashed) {
      this.classPtr[e - 1]!--;
    } else {
      const r = this.matchRet[e]!;
      this.next[this.prev[r]!] = r;
      this.prev[this.next[r]!] = r;
      this.next[this.prev[e]!] = e;
      this.prev[this.next[e]!] = e;
      this.linearizedCompleted--;
    }
    const alts = this.frameAlts[d]!;
    this.frameAlts[d] = null;
    this.crashedPhase = crashed;
    this.blockAt = this.frameBlock[d]!;
    this.doomRead = this.frameDoom[d]!;
    this.mustBacktrack = this.frameForced[d] === 1;
    this.freshScan = false;
    if (alts && this.frameAlt[d]! + 1 < alts.length) {
      // Resume the same op with its next possible state.
      this.resumeAlts = alts;
      this.resumeAlt = this.frameAlt[d]! + 1;
      this.entry = e;
    } else {
      this.entry = crashed ? (e < this.nClasses ? e + 1 : 0) : this.next[e]!;
    }
  }

  private setBit(opPos: number): void {
    const b = this.bitOf[opPos]!;
    const w = b >>> 5;
    this.bits[w]! |= 1 << (b & 31);
    this.h1 ^= this.z1[opPos]!;
    this.h2 ^= this.z2[opPos]!;
    if (w === this.lo) {
      while (this.lo < this.completedWords && this.bits[this.lo] === 0xffffffff) this.lo++;
    }
  }

  private clearBit(opPos: number): void {
    const b = this.bitOf[opPos]!;
    const w = b >>> 5;
    this.bits[w]! &= ~(1 << (b & 31));
    this.h1 ^= this.z1[opPos]!;
    this.h2 ^= this.z2[opPos]!;
    if (w < this.lo) this.lo = w;
  }

  /** Insert (linearized set, state) into the memo; false if it was already there. */
  private memoAdd(s: S): boolean {
    const sh = this.model.hash(s) | 0;
    const k = (this.h1 + Math.imul(sh, 0x9e3779b1)) | 0;
    if (!this.memo.add(k, this.h2 ^ sh, this.bits, this.lo, this.completedWords, s)) return false;
    this.stats.memoEntries++;
    return true;
  }

  explanation(): Explanation | undefined {
    return this.log !== undefined && this.status === 'fail' ? this.log.explanation() : undefined;
  }
}

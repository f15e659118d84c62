// Lowe's memo of visited configurations (set of linearized ops, model state), as an open-
// addressing hash table over typed arrays: few objects for the garbage collector, and an exact
// byte count for the memory budget. The linearized set is stored compactly: the all-ones prefix
// of the completed-op words is replaced by its length, trailing zero words are trimmed, and the
// crashed-op words follow.
//
// Dominance: a configuration is also "seen" when a visited one has the same completed ops and
// state and used a SUBSET of its crashed ops. Sound: crashed ops are never required, so every
// continuation of the new configuration is one of the visited configuration too (which failed,
// or is an ancestor on the search path and will try it). The hash therefore covers only the
// completed ops and the state; all crashed-set variants of one key are compared by inclusion.

export class Memo<S> {
  // Separate chaining: all crashed-set variants of one key sit in one chain, unrelated keys do not
  // lengthen it (linear probing clustered them).
  private table: Int32Array; // slot → first entry id + 1, 0 = empty
  private chain: Int32Array; // entry → next entry id + 1 in its slot
  private mask: number;
  private kh: Int32Array; // primary hash per entry
  private h2: Int32Array; // secondary hash per entry
  private off: Int32Array; // key offset in the arena
  private states: S[] = [];
  private arena: Int32Array;
  private arenaLen = 0;
  size = 0;
  private stateTotal = 0;

  constructor(
    private readonly equal: (a: S, b: S) => boolean,
    /** Estimated bytes held by one state. */
    private readonly stateBytes: (s: S) => number,
    /** Expected entries (a power of two is used): a search visits at least one per op. */
    sizeHint = 16,
  ) {
    // Sized by the caller's hint, small by default: a history split into thousands of keys makes
    // thousands of memos, while one big partition would otherwise regrow a dozen times.
    let cap = 16;
    while (cap < sizeHint && cap < 1 << 16) cap <<= 1;
    this.table = new Int32Array(cap);
    this.mask = cap - 1;
    this.kh = new Int32Array(cap);
    this.chain = new Int32Array(cap);
    this.h2 = new Int32Array(cap);
    this.off = new Int32Array(cap);
    this.arena = new Int32Array(cap * 4);
  }

  get bytes(): number {
    return this.table.byteLength + this.kh.byteLength * 4 + this.arena.byteLength + this.size * 8 + this.stateTotal;
  }

  clear(): void {
    this.table = new Int32Array(0);
    this.kh = this.h2 = this.off = this.chain = new Int32Array(0);
    this.arena = new Int32Array(0);
    this.states = [];
    this.size = 0;
  }

  /** Same completed ops, and the stored crashed ops are a subset of the current ones. */
  private dominates(o: number, bits: Uint32Array, lo: number, cw: number): boolean {
    const a = this.arena;
    if (a[o] !== lo) return false;
    const len = a[o + 1]!;
    for (let i = 0; i < len; i++) if (a[o + 2 + i] !== (bits[lo + i]! | 0)) return false;
    for (let w = lo + len; w < cw; w++) if (bits[w] !== 0) return false;
    const crashedWords = bits.length - cw;
    for (let i = 0; i < crashedWords; i++) if ((a[o + 2 + len + i]! & ~bits[cw + i]!) !== 0) return false;
    return true;
  }

  /** Add the configuration; false if it (or a configuration dominating it) was already present. */
  add(k: number, h2: number, bits: Uint32Array, lo: number, cw: number, state: S): boolean {
    const slot = (k ^ (k >>> 15)) & this.mask;
    for (let id = this.table[slot]!; id !== 0; id = this.chain[id - 1]!) {
      const e = id - 1;
      if (this.kh[e] === k && this.h2[e] === h2 && this.dominates(this.off[e]!, bits, lo, cw) && this.equal(this.states[e]!, state)) return false;
    }
    // Insert.
    const e = this.size++;
    if (e >= this.kh.length) this.growEntries();
    let hi = cw;
    while (hi > lo && bits[hi - 1] === 0) hi--;
    const len = hi - lo;
    const crashedWords = bits.length - cw;
    const need = 2 + len + crashedWords;
    if (this.arenaLen + need > this.arena.length) {
      const a = new Int32Array(Math.max(this.arena.length * 2, this.arenaLen + need));
      a.set(this.arena);
      this.arena = a;
    }
    const a = this.arena;
    const o = this.arenaLen;
    a[o] = lo;
    a[o + 1] = len;
    for (let i = 0; i < len; i++) a[o + 2 + i] = bits[lo + i]! | 0;
    for (let i = 0; i < crashedWords; i++) a[o + 2 + len + i] = bits[cw + i]! | 0;
    this.arenaLen += need;
    this.kh[e] = k;
    this.h2[e] = h2;
    this.off[e] = o;
    this.states[e] = state;
    this.stateTotal += this.stateBytes(state);
    this.chain[e] = this.table[slot]!;
    this.table[slot] = e + 1;
    if (this.size > this.table.length) this.rehash();
    return true;
  }

  private growEntries(): void {
    const n = this.kh.length * 2;
    for (const f of ['kh', 'h2', 'off', 'chain'] as const) {
      const x = new Int32Array(n);
      x.set(this[f]);
      this[f] = x;
    }
  }

  private rehash(): void {
    const cap = this.table.length * 2;
    const t = new Int32Array(cap);
    const mask = cap - 1;
    for (let e = 0; e < this.size; e++) {
      const k = this.kh[e]!;
      const slot = (k ^ (k >>> 15)) & mask;
      this.chain[e] = t[slot]!;
      t[slot] = e + 1;
    }
    this.table = t;
    this.mask = mask;
  }
}

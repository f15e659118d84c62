// A compact codec for JSON-like values (plus bigint and undefined) sent to worker threads: the
// structure and numbers go into one Float64Array, the strings into one string plus where each
// starts. All clone fast (postMessage copies typed arrays and a flat string in bulk), where
// structured cloning thousands of small objects, arrays or strings costs milliseconds. Values of
// any other kind (Map, Date, class instances...) are refused: the caller then keeps the work in
// its own thread.

const UNDEF = 0, NULL = 1, FALSE = 2, TRUE = 3, NUM = 4, STR = 5, ARR = 6, OBJ = 7, BIG = 8;

/** The value cannot be encoded (the caller falls back to single-threaded work). */
export class Unpackable extends Error {}

export class Packer {
  nums = new Float64Array(1024);
  n = 0;
  readonly strs: string[] = [];

  num(x: number): void {
    if (this.n === this.nums.length) {
      const a = new Float64Array(this.nums.length * 2);
      a.set(this.nums);
      this.nums = a;
    }
    this.nums[this.n++] = x;
  }

  str(s: string): void {
    this.strs.push(s);
  }

  value(v: unknown, depth = 0): void {
    if (depth > 200) throw new Unpackable('value nested too deeply');
    switch (typeof v) {
      case 'undefined': return this.num(UNDEF);
      case 'boolean': return this.num(v ? TRUE : FALSE);
      case 'number': this.num(NUM); return this.num(v);
      case 'string': this.num(STR); return this.str(v);
      case 'bigint': this.num(BIG); return this.str(v.toString());
      case 'object': {
        if (v === null) return this.num(NULL);
        if (Array.isArray(v)) {
          this.num(ARR);
          this.num(v.length);
          for (let i = 0; i < v.length; i++) this.value(v[i], depth + 1);
          return;
        }
        const proto = Object.getPrototypeOf(v) as unknown;
        if (proto !== Object.prototype && proto !== null) throw new Unpackable(`cannot send a ${(v as object).constructor?.name ?? 'object'} to a worker`);
        const keys = Object.keys(v);
        this.num(OBJ);
        this.num(keys.length);
        for (const k of keys) {
          this.str(k);
          this.value((v as Record<string, unknown>)[k], depth + 1);
        }
        return;
      }
      default:
        throw new Unpackable(`cannot send a ${typeof v} to a worker`);
    }
  }

  /**
   * The packed data, trimmed (the Float64Array's buffer may be transferred). The strings travel
   * as one string and their lengths: cloning one long string is a copy, cloning thousands of
   * short ones costs a fraction of a millisecond each way.
   */
  finish(): Packed {
    const starts = new Float64Array(this.strs.length + 1);
    for (let i = 0; i < this.strs.length; i++) starts[i + 1] = starts[i]! + this.strs[i]!.length;
    return { nums: this.nums.slice(0, this.n), text: this.strs.join(''), starts };
  }
}

export interface Packed {
  nums: Float64Array;
  /** Every string, concatenated in order. */
  text: string;
  /** Where string i starts in `text` (i = 0 .. count), so string i is text[starts[i], starts[i+1]). */
  starts: Float64Array;
}

/** Reads back what a Packer wrote, in the same order; positions can be saved and restored. */
export class Unpacker {
  n = 0;
  /** Index of the next string (positions can be saved and restored, like `n`). */
  s = 0;
  constructor(private readonly p: Packed) {}

  num(): number {
    return this.p.nums[this.n++]!;
  }

  str(): string {
    const i = this.s++;
    return this.p.text.slice(this.p.starts[i], this.p.starts[i + 1]);
  }

  value(): unknown {
    const tag = this.num();
    switch (tag) {
      case UNDEF: return undefined;
      case NULL: return null;
      case FALSE: return false;
      case TRUE: return true;
      case NUM: return this.num();
      case STR: return this.str();
      case BIG: return BigInt(this.str());
      case ARR: {
        const len = this.num();
        const a = new Array<unknown>(len);
        for (let i = 0; i < len; i++) a[i] = this.value();
        return a;
      }
      case OBJ: {
        const len = this.num();
        const o: Record<string, unknown> = {};
        for (let i = 0; i < len; i++) {
          const k = this.str();
          const v = this.value();
          // An own "__proto__" key (JSON.parse makes one) must not become the prototype.
          if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
          else o[k] = v;
        }
        return o;
      }
      default:
        throw new Error(`corrupt packed value (tag ${tag})`);
    }
  }
}

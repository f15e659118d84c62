// Checking a history op by op as a reader produces it: `type`, `process`, `f`, `time`, the
// `index` (line order), and the pairing of completions with invocations (a completion closes its
// process's open invocation, which must have the same f). Errors name file:line. Streaming: ops
// are handed on as they are checked, except in Elle's process-less files (see below), which are
// small and must be seen whole.

import { badInput } from './errors.js';
import type { Op, OpType, ProcessId } from './history.js';

/** A parsed op before validation, with the line it came from. */
export interface RawOp {
  fields: Record<string, unknown>;
  line: number;
}

const TYPES: Record<string, OpType> = { invoke: 'invoke', ok: 'ok', fail: 'fail', info: 'info' };
const TXN_FS = new Set(['append', 'r', 'w', 'read', 'write']);

/** A value shaped like an Elle transaction: a list of [f k v] micro-ops. */
function looksLikeTxn(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0 && v.every((m) => Array.isArray(m) && TXN_FS.has(String(m[0])));
}

export class OpValidator {
  /** Ops handed on so far (the index of the next one). */
  count = 0;
  private readonly open = new Map<ProcessId, { line: number; f: string }>();
  private readonly fNames = new Map<string, string>();
  /** Elle's process-less ops, held until the end; undefined until the first op decides. */
  private bare: RawOp[] | undefined;
  private decided = false;

  constructor(private readonly file: string, private readonly emit: (op: Op, line: number) => void) {}

  /** Check one op (the emitted op is a copy of `fields`, see `check`). */
  add(fields: Record<string, unknown>, line: number): void {
    if (!this.decided) {
      this.decided = true;
      // Elle's example histories name no process (and no f); only when the first op names none.
      if (fields.process === undefined) this.bare = [];
    }
    if (this.bare) this.bare.push({ fields, line });
    else this.check(fields, line);
  }

  /** The end of the input. */
  finish(): void {
    if (!this.bare) return;
    const raws = this.bare;
    this.bare = undefined;
    // One op naming a process among process-less ones: check them all as they are (an error).
    for (const r of raws.some((r) => r.fields.process !== undefined) ? raws : withSyntheticInvocations(raws)) this.check(r.fields, r.line);
  }

  private check(r: Record<string, unknown>, line: number): void {
    const type = typeof r.type === 'string' ? TYPES[r.type] : undefined;
    if (type === undefined) throw badInput(`unknown op type ${show(r.type)} (expected invoke, ok, fail or info)`, `${this.file}:${line}`);
    let process = r.process;
    if (typeof process === 'number') {
      if (!Number.isSafeInteger(process)) throw badInput(`bad process ${show(process)} (an integer or nemesis)`, `${this.file}:${line}`);
    } else if (process !== 'nemesis') {
      if (typeof process === 'string' && /^\d{1,15}$/.test(process)) process = Number(process);
      else throw badInput(`missing or bad process ${show(process)}`, `${this.file}:${line}`);
    }
    const p = process as ProcessId;
    let f = r.f;
    if (typeof f !== 'string' || f === '') throw badInput(`missing or bad f ${show(f)}`, `${this.file}:${line}`);
    const known = this.fNames.get(f);
    if (known !== undefined) f = known;
    else if (this.fNames.size < 1000) this.fNames.set(f, f);
    let time = r.time;
    if (time === undefined || time === null) time = this.count;
    else if (typeof time === 'bigint') time = Number(time);
    else if (typeof time !== 'number' || !Number.isFinite(time)) throw badInput(`bad time ${show(r.time)}`, `${this.file}:${line}`);

    if (type === 'invoke') {
      const o = this.open.get(p);
      if (o) throw badInput(`process ${p} invokes ${f} while its op on line ${o.line} is still open`, `${this.file}:${line}`);
      this.open.set(p, { line, f: f as string });
    } else {
      const o = this.open.get(p);
      if (o && o.f === f) this.open.delete(p);
      else if (o && p !== 'nemesis') {
        throw badInput(`the completion (${type} ${f}) of process ${p} does not match its invocation (${o.f}) on line ${o.line}`, `${this.file}:${line}`);
      } else if (!o && p !== 'nemesis') {
        throw badInput(`a completion (${type} ${f}) without an invocation by process ${p}`, `${this.file}:${line}`);
      }
      // The nemesis may log a fault as one lone completion (old Jepsen, Knossos), even while
      // another of its ops is open.
    }
    // A fresh copy, fields in the parsed order (writers keep it), the completed ones set: its
    // fields sit together and next to the previous op's in memory. The parsed object, with fields
    // added after parsing, kept them in a separate array elsewhere: every checker walking the
    // history paid cache misses per op (most of the linearizability check's preparation).
    const op = {} as Op;
    for (const k in r) {
      if (k === '__proto__') Object.defineProperty(op, k, { value: r[k], enumerable: true, writable: true, configurable: true });
      else op[k] = r[k];
    }
    op.index = this.count;
    op.time = time as number;
    op.type = type;
    op.process = p;
    op.f = f as string;
    if (op.value === undefined) op.value = null;
    this.count++;
    this.emit(op, line);
  }
}

/**
 * Elle's example histories name no process at all (and no f): bare invocations then each get a
 * process of their own and bare completions close them in order; a bare completion with nothing
 * open gets an invocation at the start of the history, so it is concurrent with everything. No
 * process order is invented, and real-time order is only what the file's order says.
 */
function withSyntheticInvocations(raws: RawOp[]): RawOp[] {
  let next = 0;
  const openBare: number[] = [];
  const invokes: RawOp[] = [];
  const rest = raws.map((r) => {
    const f = r.fields.f ?? (looksLikeTxn(r.fields.value) ? 'txn' : undefined);
    if (r.fields.type === 'invoke') {
      const process = next++;
      openBare.push(process);
      return { line: r.line, fields: { ...r.fields, process, f } };
    }
    let process = openBare.shift();
    if (process === undefined) {
      process = next++;
      invokes.push({ line: r.line, fields: { type: 'invoke', process, f, value: r.fields.value, time: 0 } });
    }
    return { line: r.line, fields: { ...r.fields, process, f } };
  });
  return [...invokes, ...rest];
}

function show(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (typeof v === 'bigint') return v.toString();
  try {
    const s = JSON.stringify(v) ?? String(v);
    return s.length > 80 ? s.slice(0, 79) + '…' : s;
  } catch {
    return String(v);
  }
}

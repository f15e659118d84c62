// Reading and writing histories: faultline's JSON Lines, Jepsen's history.edn, and any format
// registered by a plugin (Porcupine's logs...). Errors name the file and the line.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { badInput, FaultlineError } from './errors.js';
import { kw, parseEdnElements, toEdn } from './edn.js';
import { OP_TYPES, type History, type Op, type OpType, type ProcessId } from './history.js';

/** A parsed op before validation, with the line it came from. */
export interface RawOp {
  fields: Record<string, unknown>;
  line: number;
}

export interface HistoryFormat {
  name: string;
  /** Does this text look like this format? Called on the first few KB. */
  sniff(head: string, file: string): boolean;
  /** Parse a whole file into a history (validated by the format or by `validateOps`). */
  read(text: string, file: string): History;
}

const formats = new Map<string, HistoryFormat>();

/** Register a history format (plugins: Porcupine's logs, ...). Later registrations sniff first. */
export function registerFormat(f: HistoryFormat): void {
  formats.set(f.name, f);
}

export function formatNames(): string[] {
  return ['auto', ...formats.keys()];
}

export function readHistoryFile(file: string, format = 'auto'): History {
  if (!existsSync(file)) throw new FaultlineError('FILE_NOT_FOUND', `no such file`, file);
  const text = readFileSync(file, 'utf8');
  return parseHistory(text, file, format);
}

export function parseHistory(text: string, file: string, format = 'auto'): History {
  if (format === 'auto') {
    const head = text.slice(0, 4096);
    const found = [...formats.values()].reverse().find((f) => f.sniff(head, file));
    if (!found) throw badInput(`cannot tell the history format (known: ${[...formats.keys()].join(', ')}); give --format`, file);
    return found.read(text, file);
  }
  const f = formats.get(format);
  if (!f) throw new FaultlineError('BAD_ARGUMENT', `unknown history format '${format}' (known: ${formatNames().join(', ')})`, '--format');
  return f.read(text, file);
}

const TXN_FS = new Set(['append', 'r', 'w', 'read', 'write']);

/** A value shaped like an Elle transaction: a list of [f k v] micro-ops. */
function looksLikeTxn(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0 && v.every((m) => Array.isArray(m) && TXN_FS.has(String(m[0])));
}

/**
 * Elle's example histories name no process at all (and no f): bare invocations then each get a
 * process of their own and bare completions close them in order; a bare completion with nothing
 * open gets an invocation at the start of the history, so it is concurrent with everything. No
 * process order is invented, and real-time order is only what the file's order says.
 */
function withSyntheticInvocations(raws: RawOp[]): RawOp[] {
  // Only when no op names a process: one op without it among others is a broken line, reported.
  if (raws.length === 0 || raws.some((r) => r.fields.process !== undefined)) return raws;
  let next = 0;
  const openBare: number[] = [];
  const invokes: RawOp[] = [];
  const rest = raws.map((r) => {
    if (r.fields.process !== undefined) return r;
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

/**
 * Turn raw field maps into a validated history: checks `type`, `process`, `f`, assigns `index`
 * (line order) and `time` (index, when absent), and checks that every completion has an open
 * invocation of its process and no process invokes twice without completing. The nemesis's
 * completions may stand alone (Jepsen logs some faults as a single `:info`).
 */
export function validateOps(input: RawOp[], file: string): History {
  const raws = withSyntheticInvocations(input);
  const out: History = new Array(raws.length);
  const open = new Map<ProcessId, number>();
  for (let i = 0; i < raws.length; i++) {
    const { fields: r, line } = raws[i]!;
    const where = `${file}:${line}`;
    const type = r.type;
    if (typeof type !== 'string' || !OP_TYPES.includes(type as OpType)) {
      throw badInput(`unknown op type ${JSON.stringify(type)} (expected invoke, ok, fail or info)`, where);
    }
    let process = r.process as ProcessId;
    if (typeof process === 'string' && process !== 'nemesis') {
      if (/^\d+$/.test(process)) process = Number(process);
      else throw badInput(`bad process ${JSON.stringify(process)}`, where);
    } else if (typeof process !== 'number' && process !== 'nemesis') {
      throw badInput(`missing or bad process ${JSON.stringify(process)}`, where);
    }
    if (typeof r.f !== 'string' || r.f === '') throw badInput(`missing or bad f ${JSON.stringify(r.f)}`, where);
    const time = r.time === undefined || r.time === null ? i : r.time;
    if (typeof time !== 'number') throw badInput(`bad time ${JSON.stringify(r.time)}`, where);
    const op: Op = { ...r, index: i, time, type: type as OpType, process, f: r.f, value: r.value === undefined ? null : r.value };
    if (op.type === 'invoke') {
      if (open.has(process)) throw badInput(`process ${process} invokes ${op.f} while its op on line ${open.get(process)} is still open`, where);
      open.set(process, line);
    } else if (open.has(process)) {
      open.delete(process);
    } else if (process !== 'nemesis') {
      throw badInput(`a completion (${op.type} ${op.f}) without an invocation by process ${process}`, where);
    }
    out[i] = op;
  }
  return out;
}

// ---------------------------------------------------------------- JSON Lines

export const jsonlFormat: HistoryFormat = {
  name: 'jsonl',
  sniff: (head) => head.trimStart().startsWith('{"') || head.trim() === '',
  read(text, file) {
    const raws: RawOp[] = [];
    let line = 0;
    let start = 0;
    while (start <= text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      line++;
      const s = text.slice(start, end).trim();
      start = end + 1;
      if (!s) continue;
      let v: unknown;
      try {
        v = JSON.parse(s);
      } catch (e) {
        throw badInput(`malformed JSON: ${(e as Error).message}`, `${file}:${line}`);
      }
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw badInput('expected a JSON object (one op per line)', `${file}:${line}`);
      raws.push({ fields: v as Record<string, unknown>, line });
    }
    return validateOps(raws, file);
  },
};

export function opToJson(op: Op): string {
  return JSON.stringify(op);
}

export function writeHistoryJsonl(file: string, history: History): void {
  writeFileSync(file, history.map(opToJson).join('\n') + (history.length ? '\n' : ''));
}

// ---------------------------------------------------------------- Jepsen EDN

export const ednFormat: HistoryFormat = {
  name: 'edn',
  // After blank and `;` comment lines: a map (one op per line), or a vector/list of maps.
  sniff: (head) => /^(?:\s|;[^\n]*\n)*[[(]?(?:\s|;[^\n]*\n)*(#[\w.]+)?\{\s*:/.test(head),
  read(text, file) {
    const forms = parseEdnElements(text, file);
    const raws: RawOp[] = forms.map(({ value, line }) => {
      if (!value || typeof value !== 'object' || Array.isArray(value)) throw badInput('expected an op map', `${file}:${line}`);
      return { fields: value as Record<string, unknown>, line };
    });
    return validateOps(raws, file);
  },
};

const OP_KEYWORD_FIELDS = new Set(['type', 'f']);

/** One op as a Jepsen history.edn line: type and f as keywords, the nemesis as :nemesis. */
export function opToEdn(op: Op): string {
  const m: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(op)) {
    if (v === undefined) continue;
    if (OP_KEYWORD_FIELDS.has(k) && typeof v === 'string') m[k] = kw(v);
    else if (k === 'process' && v === 'nemesis') m[k] = kw('nemesis');
    else m[k] = v;
  }
  return toEdn(m);
}

export function writeHistoryEdn(file: string, history: History): void {
  writeFileSync(file, history.map(opToEdn).join('\n') + (history.length ? '\n' : ''));
}

registerFormat(jsonlFormat);
registerFormat(ednFormat);

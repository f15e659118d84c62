// Reading and writing histories: faultline's JSON Lines, Jepsen's history.edn, and any format
// registered by a plugin (Porcupine's logs...). Reading streams (chunks of the file, op by op);
// integers beyond 2^53 stay exact (bigint); errors name the file and the line. A history with no
// ops is an error, never a vacuous "valid": the empty file, or a file none of whose lines the
// (forced) format reads. In JSONL and EDN every non-blank line must be an op; only formats that
// define noise lines (Porcupine's Jepsen logs) skip lines, and they name the first one skipped
// when nothing matched.

import { closeSync, openSync, writeSync } from 'node:fs';
import { Budget, BudgetExhausted } from './budget.js';
import { badInput, FaultlineError } from './errors.js';
import { kw, readEdnStream, toEdn } from './edn.js';
import type { History, Op } from './history.js';
import { parseJson, stringifyJson } from './json.js';
import { OpValidator, type RawOp } from './op-validator.js';
import { forEachLine, TextSource } from './text-source.js';

export { OpValidator, type RawOp } from './op-validator.js';
export { TextSource, forEachLine } from './text-source.js';

/** What a format's parser reports to: the ops, and (formats with noise lines) the lines skipped. */
export interface FormatSink {
  /** One op's fields (a fresh object the reader may complete in place), with its line. */
  op(fields: Record<string, unknown>, line: number): void;
  /** A line that is not an op and that the format defines as noise. */
  skipped(line: number, text: string): void;
}

export interface HistoryFormat {
  name: string;
  /** Does this text look like this format? Called on the first few KB. */
  sniff(head: string, file: string): boolean;
  /** Parse the source's ops in order into `sink` (streaming). Errors name `src.name`:line. */
  parse?(src: TextSource, sink: FormatSink): void;
  /**
   * The older form, for plugins written before streaming: the whole text at once, returning a
   * validated history (see validateOps). Used only when there is no `parse`.
   */
  read?(text: string, file: string): History;
  /** For formats with noise lines: what an op line looks like (for the error when none does). */
  expects?: string;
}

const formats = new Map<string, HistoryFormat>();

/** Register a history format (plugins: Porcupine's logs, ...). Later registrations sniff first. */
export function registerFormat(f: HistoryFormat): void {
  formats.set(f.name, f);
}

export function formatNames(): string[] {
  return ['auto', ...formats.keys()];
}

export interface ReadOptions {
  /** A format name, or 'auto' (default): sniffed from the first few KB. */
  format?: string;
  /** Checked every few thousand ops: past it, reading stops with BudgetExhausted. */
  budget?: Budget;
  /** Accept a history without ops (a report of a run stopped before its first op); never for checking. */
  allowEmpty?: boolean;
}

/** How often (in ops) reading looks at the budget. */
const BUDGET_EVERY = 4096;

/**
 * Stream the ops of a history source, validated, to `each` (nothing is kept). Returns the number of
 * ops and the format used. Throws a FaultlineError naming file:line for anything malformed, and for
 * a history without ops.
 */
export function streamHistory(src: TextSource, opts: ReadOptions, each: (op: Op, line: number) => void): { count: number; format: string } {
  try {
    const fmt = resolveFormat(src, opts.format ?? 'auto');
    const budget = opts.budget;
    const v = new OpValidator(src.name, budget ? (op, line) => {
      if ((op.index & (BUDGET_EVERY - 1)) === 0) budget.check(() => `reading the history (line ${line} of ${src.name})`);
      each(op, line);
    } : each);
    let lines = 0;
    let firstSkipped: { line: number; text: string } | undefined;
    const sink: FormatSink = {
      op: (fields, line) => {
        lines++;
        v.add(fields, line);
      },
      skipped: (line, text) => {
        if (!firstSkipped && text.trim()) firstSkipped = { line, text };
      },
    };
    if (fmt.parse) fmt.parse(src, sink);
    else if (fmt.read) {
      // Validated by the plugin already, and again here (cheap): op i stands for line i + 1.
      const chunks: string[] = [];
      for (let c = src.next(); c !== null; c = src.next()) chunks.push(c);
      fmt.read(chunks.join(''), src.name).forEach((op, i) => sink.op({ ...op }, i + 1));
    } else throw new FaultlineError('INTERNAL', `history format ${fmt.name} has neither parse nor read`);
    v.finish();
    if (v.count === 0 && !opts.allowEmpty) throw noOps(src.name, fmt, lines || src.sawText, firstSkipped);
    return { count: v.count, format: fmt.name };
  } catch (e) {
    throw asReadError(e, src.name);
  } finally {
    src.close();
  }
}

function noOps(file: string, fmt: HistoryFormat, anyText: boolean | number, firstSkipped?: { line: number; text: string }): FaultlineError {
  if (firstSkipped) {
    const text = firstSkipped.text.trim();
    return badInput(
      `no ops: no line is a ${fmt.name} history line${fmt.expects ? ` (${fmt.expects})` : ''}; the first line that is not: ${JSON.stringify(text.length > 120 ? text.slice(0, 119) + '…' : text)}`,
      `${file}:${firstSkipped.line}`,
    );
  }
  return badInput(anyText ? 'no ops in the history' : 'empty history: the file holds no ops', file);
}

/** Errors out of a parser: ours pass; a stack overflow or a string too long becomes bad input. */
function asReadError(e: unknown, file: string): unknown {
  if (e instanceof FaultlineError || e instanceof BudgetExhausted) return e;
  if (e instanceof RangeError) return badInput(`cannot read the history: ${e.message}`, file);
  return e;
}

function resolveFormat(src: TextSource, format: string): HistoryFormat {
  if (format !== 'auto') {
    const f = formats.get(format);
    if (!f) throw new FaultlineError('BAD_ARGUMENT', `unknown history format '${format}' (known: ${formatNames().join(', ')})`, '--format');
    return f;
  }
  const head = src.head();
  const found = [...formats.values()].reverse().find((f) => f.sniff(head, src.name));
  if (!found) throw badInput(`cannot tell the history format (known: ${[...formats.keys()].join(', ')}); give --format`, src.name);
  return found;
}

/** A history read whole, with the line each op came from (errors of later stages name lines). */
export interface ReadHistory {
  history: History;
  /** lines[i]: the line of op i in the file. */
  lines: Int32Array;
  format: string;
  file: string;
}

/** Read a history file into memory (streaming its text), with each op's line. */
export function readHistory(file: string, opts: ReadOptions = {}): ReadHistory {
  return collect(TextSource.file(file), opts);
}

function collect(src: TextSource, opts: ReadOptions): ReadHistory {
  const history: History = [];
  let lines = new Int32Array(1024);
  const { format } = streamHistory(src, opts, (op, line) => {
    if (history.length === lines.length) {
      const grown = new Int32Array(lines.length * 2);
      grown.set(lines);
      lines = grown;
    }
    lines[history.length] = line;
    history.push(op);
  });
  return { history, lines: lines.slice(0, history.length), format, file: src.name };
}

export function readHistoryFile(file: string, format = 'auto'): History {
  return readHistory(file, { format }).history;
}

/** A history from text in memory; `file` names it in errors. */
export function parseHistory(text: string, file: string, format = 'auto'): History {
  return collect(TextSource.text(text, file), { format }).history;
}

/** Validate raw field maps as a history (for formats built outside this module). */
export function validateOps(input: RawOp[], file: string): History {
  const out: History = [];
  const v = new OpValidator(file, (op) => out.push(op));
  for (const r of input) v.add({ ...r.fields }, r.line);
  v.finish();
  return out;
}

/**
 * Rewrite "history op N" / "history index N" in a later stage's error (a checker's) as the file
 * and line of op N, so every error about a history names file:line.
 */
export function locateOpError(e: unknown, read: Pick<ReadHistory, 'file' | 'lines'>): unknown {
  if (!(e instanceof FaultlineError)) return e;
  const at = (i: string): string | undefined => {
    const n = Number(i);
    return Number.isInteger(n) && n >= 0 && n < read.lines.length ? `${read.file}:${read.lines[n]}` : undefined;
  };
  const m = e.where ? /^history (?:op|index) (\d+)$/.exec(e.where) : null;
  const where = m ? at(m[1]!) : undefined;
  if (!where) return e;
  const raw = e.message.startsWith(`${e.where}: `) ? e.message.slice(e.where!.length + 2) : e.message;
  const message = raw.replace(/\bhistory (?:op|index) (\d+)\b/g, (all, i: string) => at(i) ?? all);
  return new FaultlineError(e.code, message, where);
}

// ---------------------------------------------------------------- JSON Lines

export const jsonlFormat: HistoryFormat = {
  name: 'jsonl',
  sniff: (head) => head.trimStart().startsWith('{"') || head.trim() === '',
  parse(src, sink) {
    const file = src.name;
    forEachLine(src, (line, n) => {
      let s = line;
      if (s.length === 0) return;
      if (s.charCodeAt(0) <= 32 || s.charCodeAt(s.length - 1) <= 32) {
        s = s.trim();
        if (!s) return;
      }
      const v = parseJson(s, file, n);
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw badInput('expected a JSON object (one op per line)', `${file}:${n}`);
      sink.op(v as Record<string, unknown>, n);
    });
  },
};

/** One op as a line of history.jsonl; integers beyond 2^53 (bigints) are written exactly. */
export function opToJson(op: Op): string {
  return stringifyJson(op);
}

/** Write ops as JSON Lines in batches (never one string of the whole history). */
export function writeHistoryJsonl(file: string, history: Iterable<Op>): void {
  writeLines(file, history, opToJson);
}

function writeLines(file: string, history: Iterable<Op>, line: (op: Op) => string): void {
  const fd = openSync(file, 'w');
  try {
    let batch: string[] = [];
    let size = 0;
    for (const op of history) {
      const s = line(op);
      batch.push(s);
      size += s.length;
      if (size > 1 << 20) {
        writeSync(fd, batch.join('\n') + '\n');
        batch = [];
        size = 0;
      }
    }
    if (batch.length) writeSync(fd, batch.join('\n') + '\n');
  } finally {
    closeSync(fd);
  }
}

// ---------------------------------------------------------------- Jepsen EDN

export const ednFormat: HistoryFormat = {
  name: 'edn',
  // After blank and `;` comment lines: a map (one op per line), or a vector/list of maps.
  sniff: (head) => /^(?:\s|;[^\n]*\n)*[[(]?(?:\s|;[^\n]*\n)*(#[\w.]+)?\{\s*:/.test(head),
  parse(src, sink) {
    readEdnStream(src, (value, line) => {
      if (!value || typeof value !== 'object' || Array.isArray(value)) throw badInput('expected an op map', `${src.name}:${line}`);
      sink.op(value as Record<string, unknown>, line);
    });
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

export function writeHistoryEdn(file: string, history: Iterable<Op>): void {
  writeLines(file, history, opToEdn);
}

registerFormat(jsonlFormat);
registerFormat(ednFormat);

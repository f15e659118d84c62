// The report's data model: what a run directory holds (test.json, results.json, history) and the
// derived data the page draws — fault windows from nemesis ops, the anomaly list, and the compact
// history encoding embedded in the page (one array per op, f and node names interned; integers
// beyond 2^53 as {"$n": "digits"}, which the page shows exactly).

import type { History, Op } from '../../src/history.js';
import { setProperty, stringifyJson } from '../../src/json.js';
import type { AnomalyRef, CheckResult, FaultWindowSpec, TestInfo } from '../../src/protocols.js';
import { showValue } from './escape.js';

/** test.json as the controller writes it: TestInfo plus run facts. Every field may be missing. */
export interface RunTestInfo extends Partial<TestInfo> {
  windows?: FaultWindowSpec[];
  durationNs?: number;
  finishedAt?: string;
  /** For `check`: the file that was checked. */
  source?: string;
  kind?: 'run' | 'check';
}

/** Everything renderReport needs. `files` are relative links shown in the header. */
export interface ReportInput {
  test: RunTestInfo;
  results: CheckResult;
  history: History;
  /** Relative path of the history file (for the download link and "line N" labels). */
  historyFile?: string;
  /** Relative paths of node logs, e.g. nodes/n1/etcd.log. */
  logs?: string[];
  /** Other relative links (test.json, results.json). */
  files?: string[];
  /** Path of the run's message log (net.jsonl), drawn as a Lamport diagram. */
  netLog?: string;
}

export { faultWindows, faultWindowsOf, defaultWindowSpecs, type FaultWindow } from '../../src/fault-windows.js';

/** A checker result and its path in the results tree ("linear", "linear/key 3"). */
export interface NamedResult {
  path: string;
  result: CheckResult;
}

/** Top-level checker results by name; a bare CheckResult without `results` is one checker. */
export function checkerResults(results: CheckResult): NamedResult[] {
  if (results.results && typeof results.results === 'object') {
    return Object.entries(results.results).map(([path, result]) => ({ path, result }));
  }
  return [{ path: 'checker', result: results }];
}

function isAnomalyRef(x: unknown): x is AnomalyRef {
  return !!x && typeof x === 'object' && typeof (x as AnomalyRef).index === 'number';
}

/** The anomaly pointers, first one first: the combined list, else each checker's in order. */
export function collectAnomalies(results: CheckResult, historyLength: number): Array<AnomalyRef & { checker?: string }> {
  // Each checker's pointers, tagged with the checker's path; then the combined list's order wins.
  const fromCheckers: Array<AnomalyRef & { checker?: string }> = [];
  const walk = (r: CheckResult, path: string, depth: number) => {
    if (path && Array.isArray(r.anomalies)) for (const a of r.anomalies) if (isAnomalyRef(a)) fromCheckers.push({ index: a.index, message: String(a.message ?? ''), checker: path });
    if (depth < 3 && r.results && typeof r.results === 'object') {
      for (const [k, sub] of Object.entries(r.results)) if (sub && typeof sub === 'object') walk(sub, path ? `${path}/${k}` : k, depth + 1);
    }
  };
  walk(results, '', 0);
  const key = (a: AnomalyRef) => `${a.index}\u0000${a.message}`;
  const checkerOf = new Map<string, string>();
  for (const a of fromCheckers) if (!checkerOf.has(key(a))) checkerOf.set(key(a), a.checker!);
  const out: Array<AnomalyRef & { checker?: string }> = [];
  const seen = new Set<string>();
  const add = (a: unknown, checker?: string) => {
    if (!isAnomalyRef(a) || a.index < 0 || a.index >= historyLength) return;
    const ref = { index: a.index, message: String(a.message ?? '') };
    const k = key(ref);
    if (seen.has(k)) return;
    seen.add(k);
    const c = checker ?? checkerOf.get(k);
    out.push({ ...ref, ...(c ? { checker: c } : {}) });
  };
  if (Array.isArray(results.anomalies)) for (const a of results.anomalies) add(a);
  for (const a of fromCheckers) add(a, a.checker);
  if (!out.length) fallbackAnomalies(results, '', 0, add);
  return out;
}

/**
 * One op as the page embeds it: [time, type, process, f, value, node?, error?]. type: 0 invoke,
 * 1 ok, 2 fail, 3 info; process -1 = nemesis; f and node are indices into `fs`/`nodes` (node -1:
 * none). Trailing node/error are omitted when absent.
 */
export type EncodedOp = [number, number, number, number, unknown, ...unknown[]];

export interface EncodedHistory {
  fs: string[];
  nodes: string[];
  ops: EncodedOp[];
}

const TYPE_CODE: Record<Op['type'], number> = { invoke: 0, ok: 1, fail: 2, info: 3 };

/** Values longer than this (as JSON) are embedded cut short: the page shows at most a few hundred characters. */
export const MAX_VALUE_CHARS = 1000;

/**
 * A value as the page embeds it: unchanged when small; otherwise a string with its beginning and
 * its size (a set's final read can hold millions of elements; history.jsonl keeps them all).
 * Integers beyond 2^53 are embedded as {"$n": "digits"} (JSON.parse in the browser would round
 * them), and object keys beginning with "$" get one more "$", so the tag is unambiguous; the
 * page's client undoes both when it shows a value.
 */
export function compactValue(v: unknown): unknown {
  if (typeof v === 'string') return v.length > MAX_VALUE_CHARS ? `${v.slice(0, 400)}… (${v.length} characters in all; see the history file)` : v;
  if (typeof v === 'bigint') return embedValue(v);
  if (v === null || typeof v !== 'object') return v;
  // Cheap pass for the common small cases (register values, tuples, short txns) before stringifying.
  if (Array.isArray(v) && v.length <= 16 && v.every((x) => x === null || (typeof x !== 'object' && typeof x !== 'bigint' && !(typeof x === 'string' && x.length > 50)))) return v;
  let json: string;
  let exact = false;
  try {
    json = JSON.stringify(v) ?? 'null';
  } catch {
    try {
      json = stringifyJson(v);
      exact = true;
    } catch {
      return String(v);
    }
  }
  if (json.length <= MAX_VALUE_CHARS) return exact || json.includes('"$') ? embedValue(v) : v;
  const items = Array.isArray(v) ? `${v.length} items, ` : '';
  return `${json.slice(0, 400)}… (${items}${json.length} characters in all; see the history file)`;
}

/** The embedded form of a value: bigints tagged, "$" keys escaped (see compactValue). */
export function embedValue(v: unknown): unknown {
  if (typeof v === 'bigint') return { $n: v.toString() };
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(embedValue);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) setProperty(out, k.startsWith('$') ? '$' + k : k, embedValue((v as Record<string, unknown>)[k]));
  return out;
}

/** Encodes ops one at a time (a streamed history), interning f and node names. */
/** The index of `s` in `list` (a table of strings the report refers to by number), added if new. */
export function intern(s: string, list: string[], map: Map<string, number>): number {
  let i = map.get(s);
  if (i === undefined) {
    i = list.length;
    list.push(s);
    map.set(s, i);
  }
  return i;
}

export class HistoryEncoder {
  readonly fs: string[] = [];
  readonly nodes: string[] = [];
  private readonly fIdx = new Map<string, number>();
  private readonly nodeIdx = new Map<string, number>();

  encode(op: Op): EncodedOp {
    const proc = op.process === 'nemesis' ? -1 : typeof op.process === 'number' ? op.process : -2;
    const node = typeof op.node === 'string' ? intern(op.node, this.nodes, this.nodeIdx) : -1;
    const row: EncodedOp = [op.time, TYPE_CODE[op.type] ?? 0, proc, intern(String(op.f), this.fs, this.fIdx), compactValue(op.value ?? null)];
    // Node and error only when present: most ops have neither, and the page parses less.
    if (op.error !== undefined && op.error !== null) row.push(node, compactValue(op.error));
    else if (node >= 0) row.push(node);
    return row;
  }
}

export function encodeHistory(history: History): EncodedHistory {
  const enc = new HistoryEncoder();
  const ops: EncodedHistory['ops'] = new Array(history.length);
  for (let i = 0; i < history.length; i++) ops[i] = enc.encode(history[i]!);
  return { fs: enc.fs, nodes: enc.nodes, ops };
}

/**
 * For checkers that gave evidence but no AnomalyRef pointers: the witness's failing op, the ops of
 * transactional anomalies, and lost elements' adds, so "jump to the first anomaly" still works.
 */
function fallbackAnomalies(r: CheckResult, path: string, depth: number, add: (a: unknown, checker?: string) => void): void {
  const w = r.witness as { failing?: unknown } | undefined;
  if (w && typeof w.failing === 'number') add({ index: w.failing, message: 'cannot be linearized' }, path || undefined);
  const ex = (r.examples ?? (r.anomalies && !Array.isArray(r.anomalies) ? r.anomalies : undefined)) as Record<string, unknown> | undefined;
  if (ex && typeof ex === 'object') {
    for (const [type, list] of Object.entries(ex)) {
      const first = Array.isArray(list) ? (list[0] as { ops?: Array<{ index?: unknown }> } | undefined) : undefined;
      const idx = first?.ops?.[0]?.index;
      if (typeof idx === 'number') add({ index: idx, message: `${type} anomaly` }, path || undefined);
    }
  }
  if (Array.isArray(r.elements)) {
    for (const e of r.elements.slice(0, 100_000) as Array<{ outcome?: unknown; element?: unknown; addIndex?: unknown }>) {
      if (e && e.outcome === 'lost' && typeof e.addIndex === 'number') add({ index: e.addIndex, message: `element ${showValue(e.element, 80)} lost` }, path || undefined);
    }
  }
  if (depth < 3 && r.results && typeof r.results === 'object') {
    for (const [k, sub] of Object.entries(r.results)) if (sub && typeof sub === 'object' && sub.valid !== true) fallbackAnomalies(sub, path ? `${path}/${k}` : k, depth + 1, add);
  }
}

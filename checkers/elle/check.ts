// The Elle-style checker driver: transactions -> workload analysis (version orders, non-cyclic
// anomalies, ww/wr/rw edges) -> process and real-time edges -> SCCs and cycle search ->
// explanations -> consistency-model verdict.

import type { AnomalyRef, CheckResult, CycleStep, TxnAnomaly, Validity } from '../../src/protocols.js';
import type { History } from '../../src/history.js';
import { checkpoint } from '../../src/budget.js';
import { AnomalySink, txnOp, type Analysis } from './anomalies.js';
import { findCycles, type Cycle } from './cycles.js';
import { ALL, freeze, KIND_NAMES, PROC, RT } from './graph.js';
import { analyzeListAppend } from './list-append.js';
import { canonicalModel, judgeModels, prohibits } from './models.js';
import { addProcessEdges, addRealtimeEdges } from './order-edges.js';
import { analyzeRwRegister } from './rw-register.js';
import { collectTxns, FAIL, INFO, OK, txnName, type Txns, type WorkloadKind } from './txn.js';
import { showValue } from '../values.js';
import { timeLimitMs } from '../budget.js';

export interface ElleOptions {
  /** The model the verdict is judged against (default strict-serializable). */
  consistencyModel?: string;
  /** Wall-clock budget for the cycle search, ms (default 60 000). */
  timeLimitMs?: number;
  /** Explained examples kept per anomaly type (default 8). */
  maxExamples?: number;
  /** BFS states per (anomaly shape, SCC) before that search gives up (default 20 000 000). */
  maxStates?: number;
  /** rw-register: infer version order from each process's order of observations. */
  sequentialKeys?: boolean;
  /** rw-register: infer version order from real-time order. */
  linearizableKeys?: boolean;
}

export interface ElleResult extends CheckResult {
  valid: Validity;
  consistencyModel: string;
  anomalyTypes: string[];
  /** Explained examples per anomaly type. */
  examples: Record<string, TxnAnomaly[]>;
  anomalyCounts: Record<string, number>;
  not: string[];
  alsoNot: string[];
  strongest: string[];
  possible: string[];
  /** Cycle shapes whose search ran out of budget. */
  incomplete: string[];
  anomalies: AnomalyRef[];
  stats: Record<string, number>;
}

export function checkElle(history: History, workload: WorkloadKind, opts: ElleOptions = {}): ElleResult {
  const t0 = Date.now();
  timeLimitMs(opts.timeLimitMs); // the same rule as every checker: positive, or absent
  const model = canonicalModel(opts.consistencyModel ?? 'strict-serializable');
  const maxExamples = opts.maxExamples ?? 8;
  const txns = collectTxns(history, workload);
  const sink = new AnomalySink(maxExamples);
  const analysis: Analysis = workload === 'list-append'
    ? analyzeListAppend(txns, sink)
    : analyzeRwRegister(txns, sink, { sequentialKeys: opts.sequentialKeys, linearizableKeys: opts.linearizableKeys });
  const t1 = Date.now();
  checkpoint('analysing transactions');
  addProcessEdges(txns, analysis.edges);
  addRealtimeEdges(txns, analysis.edges);
  const graph = freeze(txns.n, analysis.edges);
  checkpoint('building the dependency graph');
  const t2 = Date.now();
  const search = findCycles(graph, {
    kinds: ALL,
    relevant: (type) => prohibits(model, type),
    maxStates: opts.maxStates ?? 20_000_000,
    deadline: t0 + (opts.timeLimitMs ?? 60_000),
    maxExamples,
  });
  const t3 = Date.now();

  const examples: Record<string, TxnAnomaly[]> = { ...sink.byType };
  const counts: Record<string, number> = { ...sink.counts };
  const refs: AnomalyRef[] = [...sink.refs];
  for (const [type, cycles] of Object.entries(search.cycles)) {
    counts[type] = search.counts[type]!;
    examples[type] = cycles.map((c) => explainCycle(txns, analysis, c));
    for (const a of examples[type]!) refs.push({ index: Math.min(...a.ops.map((o) => o.index)), message: `${type}: ${a.text.split('\n')[0]}` });
  }
  refs.sort((a, b) => a.index - b.index);
  const anomalyTypes = Object.keys(counts).sort();
  const verdict = judgeModels(anomalyTypes);
  const violated = verdict.not.includes(model) || verdict.alsoNot.includes(model);
  const unsure = search.incomplete.filter((type) => prohibits(model, type));
  const valid: Validity = violated ? false : unsure.length ? 'unknown' : true;
  let ok = 0, info = 0, fail = 0;
  for (let x = 0; x < txns.n; x++) {
    if (txns.status[x] === OK) ok++;
    else if (txns.status[x] === INFO) info++;
    else if (txns.status[x] === FAIL) fail++;
  }
  const summary = valid === true
    ? `no anomalies ruling out ${model} among ${txns.n} transactions${anomalyTypes.length ? ` (found ${anomalyTypes.map((a) => `${a} ×${counts[a]}`).join(', ')}, which ${model} allows)` : ''}`
    : valid === false
      ? `${model} is violated: ${anomalyTypes.map((a) => `${a} ×${counts[a]}`).join(', ')}`
      : `could not finish searching for ${unsure.join(', ')} within budget; ${anomalyTypes.length ? `found ${anomalyTypes.join(', ')}` : 'nothing found so far'}`;
  return {
    valid,
    summary,
    consistencyModel: model,
    anomalyTypes,
    examples,
    anomalyCounts: counts,
    not: verdict.not,
    alsoNot: verdict.alsoNot,
    strongest: verdict.strongest,
    possible: verdict.possible,
    incomplete: search.incomplete,
    anomalies: refs,
    ...(valid === 'unknown' ? { error: summary } : {}),
    stats: {
      txns: txns.n, ok, info, fail, keys: analysis.keys.size, edges: graph.adj.length,
      nontrivialSccs: search.nontrivialSccs, largestScc: search.largestScc,
      analyzeMs: t1 - t0, graphMs: t2 - t1, cycleMs: t3 - t2,
    },
  };
}

function explainCycle(t: Txns, a: Analysis, c: Cycle): TxnAnomaly {
  const steps: CycleStep[] = [];
  for (let i = 0; i < c.txns.length; i++) {
    const from = c.txns[i]!, to = c.txns[(i + 1) % c.txns.length]!;
    const k = c.kinds[i]!;
    const kind = KIND_NAMES[k]!;
    const A = txnName(t, from), B = txnName(t, to);
    let e: { key?: unknown; value?: unknown; explanation: string };
    if (k === PROC) e = { explanation: `${A} completed before ${B} began on the same process ${t.process[from]}` };
    else if (k === RT) e = { explanation: `${A} completed (history index ${t.index[from]}) before ${B} was invoked (history index ${t.invokeIndex[to]})` };
    else e = a.explain(from, to, kind as 'ww' | 'wr' | 'rw');
    steps.push({ from: t.index[from]!, to: t.index[to]!, kind, ...(e.key !== undefined ? { key: e.key } : {}), ...(e.value !== undefined ? { value: e.value } : {}), explanation: e.explanation });
  }
  const names = c.txns.map((x) => txnName(t, x));
  const text = [
    `${c.type} cycle of ${c.txns.length} transactions: ${[...names, names[0]].join(' < ')}`,
    ...c.txns.map((x) => `  ${txnName(t, x)} = process ${t.process[x]}: ${showValue(t.mops[x], 400)}`),
    ...steps.map((s, i) => `  ${names[i]} < ${names[(i + 1) % names.length]} (${s.kind}): ${s.explanation}`),
    `  so ${names[0]} precedes itself: a contradiction.`,
  ].join('\n');
  return { type: c.type, ops: c.txns.map((x) => txnOp(t, x)), steps, text };
}

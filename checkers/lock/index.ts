// The `lock` checker: a mutex (per lock name) never has two holders at once. A process surely
// holds the lock from the completion of its ok acquire until it invokes its release (the release
// takes effect somewhere after that); two such intervals of different processes that overlap are
// a violation, reported with both holders, their times, the lease each was granted and its
// fencing token when the client reports them (acquire's completion value `{ leaseMs, token }`).
// An ok release by a process that does not hold the lock is a violation too. Crashed acquires may
// or may not hold it, so they never count against the lock (no false alarms).
// Fenced writes (`write` ops between acquire and release, completion value `{ token }`): the
// store must never accept a token lower than one it accepted before (in real time); writes it
// refused as stale (`fail`, error "fenced: ...") are listed as caught.

import type { History } from '../../src/history.js';
import type { AnomalyRef, CheckResult } from '../../src/protocols.js';
import { clientRecords, firstAnomalies, optStr, show, type OpRecord } from '../op-pairs.js';
import { defineChecker, mergingOptions } from '../registry.js';
import { canonicalJson } from '../values.js';
import { checkFencing, type FencingReport } from './fencing.js';
import { opt } from '../../src/plugin/options.js';

interface Hold { lock: string; process: number; start: number; end: number; startNs: number; endNs: number | null; acquire: OpRecord; release?: OpRecord }

/** One overlap: the earlier holder still held the lock when the later one acquired it. */
export interface LockOverlap {
  lock: string;
  first: HolderInfo;
  second: HolderInfo;
  /** Seconds both held the lock at once (to the second's acquire, or to the first's release). */
  overlapS: number;
}

export interface HolderInfo {
  process: number;
  node?: string;
  /** History index of the ok acquire's completion. */
  acquiredIndex: number;
  /** Seconds since the test's start. */
  acquiredS: number;
  /** When it invoked its release (null: it never released). */
  releasedS: number | null;
  leaseMs?: number;
  token?: number;
  /** What the client learned at release ("the lease had expired", ...). */
  lost?: string;
}

const lockName = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v : canonicalJson(v));
const num = (v: unknown, k: string): number | undefined => {
  const x = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return typeof x === 'number' ? x : undefined;
};
const secs = (ns: number): number => Math.round(ns / 1e6) / 1e3;

function holderInfo(h: Hold): HolderInfo {
  const v = h.acquire.complete?.value;
  const lost = h.release?.complete?.value;
  const lostText = lost !== null && typeof lost === 'object' ? (lost as { lost?: unknown }).lost : undefined;
  return {
    process: h.process,
    ...(h.acquire.invoke.node ? { node: String(h.acquire.invoke.node) } : {}),
    acquiredIndex: h.start,
    acquiredS: secs(h.startNs),
    releasedS: h.endNs === null ? null : secs(h.endNs),
    ...(num(v, 'leaseMs') !== undefined ? { leaseMs: num(v, 'leaseMs') } : {}),
    ...(num(v, 'token') !== undefined ? { token: num(v, 'token') } : {}),
    ...(typeof lostText === 'string' ? { lost: lostText } : {}),
  };
}

function describeHolder(x: HolderInfo): string {
  const lease = x.leaseMs !== undefined ? `, lease ${x.leaseMs} ms` : '';
  const token = x.token !== undefined ? `, token ${x.token}` : '';
  const rel = x.releasedS === null ? 'never released' : `released at ${x.releasedS} s`;
  return `process ${x.process}${x.node ? ` (${x.node})` : ''} acquired at ${x.acquiredS} s${lease}${token}, ${rel}${x.lost ? ` (${x.lost})` : ''}`;
}

export function checkLock(history: History, opts: { acquireF?: string; releaseF?: string } = {}): CheckResult {
  const acquireF = opts.acquireF ?? 'acquire';
  const releaseF = opts.releaseF ?? 'release';
  const end = history.length ? history[history.length - 1]!.index + 1 : 0;
  const holding = new Map<string, Hold>(); // `${process}/${lock}` → open hold
  const holds: Hold[] = [];
  const anomalies: AnomalyRef[] = [];
  const warnings: string[] = [];
  let acquired = 0;
  const records = clientRecords(history);
  for (const r of records) {
    const lock = lockName(r.invoke.value);
    const key = `${r.process}/${lock}`;
    if (r.f === acquireF && r.type === 'ok') {
      acquired++;
      if (holding.has(key)) warnings.push(`process ${r.process} acquired ${show(lock)} again while holding it (index ${r.index})`);
      else {
        const h: Hold = { lock, process: r.process, start: r.complete!.index, end, startNs: r.complete!.time, endNs: null, acquire: r };
        holding.set(key, h);
        holds.push(h);
      }
    } else if (r.f === releaseF) {
      const h = holding.get(key);
      if (!h) {
        if (r.type === 'ok') anomalies.push({ index: r.index, message: `process ${r.process} released ${lock ? show(lock) : 'the lock'} without holding it` });
        continue;
      }
      if (r.type === 'fail') continue; // still held
      h.end = r.invoke.index;
      h.endNs = r.invoke.time;
      h.release = r;
      holding.delete(key);
    }
  }
  // Overlaps per lock: sweep holds by start, remembering the one reaching furthest.
  const overlaps: LockOverlap[] = [];
  const byLock = new Map<string, Hold[]>();
  for (const h of holds) (byLock.get(h.lock) ?? byLock.set(h.lock, []).get(h.lock)!).push(h);
  const lastNs = history.length ? history[history.length - 1]!.time : 0;
  for (const [lock, hs] of byLock) {
    hs.sort((x, y) => x.start - y.start);
    let far: Hold | undefined;
    for (const h of hs) {
      if (far && h.start < far.end && h.process !== far.process) {
        const first = holderInfo(far);
        const second = holderInfo(h);
        const overlapNs = Math.min(far.endNs ?? lastNs, h.endNs ?? lastNs) - h.startNs;
        overlaps.push({ lock, first, second, overlapS: secs(Math.max(0, overlapNs)) });
        anomalies.push({ index: h.acquire.index, message: `two holders of ${lock ? show(lock) : 'the lock'} for ${secs(Math.max(0, overlapNs))} s: ${describeHolder(second)}, while ${describeHolder(first)}` });
      }
      if (!far || h.end > far.end) far = h;
    }
  }
  const fencing: FencingReport | undefined = checkFencing(records);
  if (fencing) anomalies.push(...fencing.anomalies);
  const parts = [`lock: ${acquired} acquisitions, ${overlaps.length} with two holders at once, ${anomalies.length - overlaps.length - (fencing?.anomalies.length ?? 0)} releases without holding`];
  if (fencing) parts.push(fencing.summary);
  return {
    valid: anomalies.length === 0,
    summary: parts.join('; '),
    overlaps: overlaps.slice(0, 1000),
    ...(fencing ? { fencing: { accepted: fencing.accepted, caught: fencing.caught.slice(0, 1000), staleAccepted: fencing.staleAccepted.slice(0, 1000) } } : {}),
    ...(warnings.length ? { warnings: warnings.slice(0, 100) } : {}),
    ...(anomalies.length ? { anomalies: firstAnomalies(anomalies) } : {}),
  };
}

defineChecker({
  name: 'lock',
  options: {
    acquireF: opt.string({ default: 'acquire', doc: 'the f of acquires' }),
    releaseF: opt.string({ default: 'release', doc: 'the f of releases' }),
  },
  doc: 'mutex: no two processes hold the lock at once (overlaps with holders, times, leases); fenced writes never accept a stale token',
  create: mergingOptions('lock', (h, a) => checkLock(h, { acquireF: optStr(a.acquireF), releaseF: optStr(a.releaseF) })),
  format: (r) => [String(r.summary ?? ''), ...(r.anomalies ?? []).slice(0, 10).map((a) => `  history index ${a.index}: ${a.message}`)].join('\n'),
});

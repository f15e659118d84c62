// The `lock` checker: a mutex (per lock name) never has two holders at once. A process surely
// holds the lock from the completion of its ok acquire until it invokes its release (the release
// takes effect somewhere after that); two such intervals of different processes that overlap are
// a violation. An ok release by a process that does not hold the lock is one too. Crashed
// acquires may or may not hold it, so they never count against the lock (no false alarms).

import type { History } from '../../src/history.js';
import type { AnomalyRef, CheckResult } from '../../src/protocols.js';
import { clientRecords, firstAnomalies, optStr, show, type OpRecord } from '../op-pairs.js';
import { mergingOptions, registerChecker } from '../registry.js';
import { canonicalJson } from '../values.js';

interface Hold { lock: string; process: number; start: number; end: number; acquire: OpRecord; release?: OpRecord }

const lockName = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v : canonicalJson(v));

export function checkLock(history: History, opts: { acquireF?: string; releaseF?: string } = {}): CheckResult {
  const acquireF = opts.acquireF ?? 'acquire';
  const releaseF = opts.releaseF ?? 'release';
  const end = history.length ? history[history.length - 1]!.index + 1 : 0;
  const holding = new Map<string, Hold>(); // `${process}/${lock}` → open hold
  const holds: Hold[] = [];
  const anomalies: AnomalyRef[] = [];
  const warnings: string[] = [];
  let acquired = 0;
  for (const r of clientRecords(history)) {
    const lock = lockName(r.invoke.value);
    const key = `${r.process}/${lock}`;
    if (r.f === acquireF && r.type === 'ok') {
      acquired++;
      if (holding.has(key)) warnings.push(`process ${r.process} acquired ${show(lock)} again while holding it (index ${r.index})`);
      else {
        const h: Hold = { lock, process: r.process, start: r.complete!.index, end, acquire: r };
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
      h.release = r;
      holding.delete(key);
    }
  }
  // Overlaps per lock: sweep holds by start, remembering the one reaching furthest.
  const overlaps: { lock: string; a: number; b: number }[] = [];
  const byLock = new Map<string, Hold[]>();
  for (const h of holds) (byLock.get(h.lock) ?? byLock.set(h.lock, []).get(h.lock)!).push(h);
  for (const [lock, hs] of byLock) {
    hs.sort((x, y) => x.start - y.start);
    let far: Hold | undefined;
    for (const h of hs) {
      if (far && h.start < far.end && h.process !== far.process) {
        overlaps.push({ lock, a: far.acquire.index, b: h.acquire.index });
        anomalies.push({ index: h.acquire.index, message: `process ${h.process} acquired ${lock ? show(lock) : 'the lock'} while process ${far.process} held it (acquired at index ${far.acquire.index}, ${far.release ? `released from index ${far.end}` : 'never released'})` });
      }
      if (!far || h.end > far.end) far = h;
    }
  }
  return {
    valid: anomalies.length === 0,
    summary: `lock: ${acquired} acquisitions, ${overlaps.length} with two holders at once, ${anomalies.length - overlaps.length} releases without holding`,
    overlaps: overlaps.slice(0, 1000),
    ...(warnings.length ? { warnings: warnings.slice(0, 100) } : {}),
    ...(anomalies.length ? { anomalies: firstAnomalies(anomalies) } : {}),
  };
}

registerChecker({
  name: 'lock',
  description: 'mutex: no two processes hold the lock at once',
  create: mergingOptions('lock', (h, a) => checkLock(h, { acquireF: optStr(a.acquireF), releaseF: optStr(a.releaseF) })),
  format: (r) => [String(r.summary ?? ''), ...(r.anomalies ?? []).slice(0, 10).map((a) => `  history index ${a.index}: ${a.message}`)].join('\n'),
});

// The report's "Storage faults" section: every power failure, corruption and full disk of the
// run, read from the nemesis ops' values (storage-faults.ts shapes): what was at risk when the
// power went (lazyfs's counters), which bytes were flipped or cut, how full the disk was, and how
// each server behaved when it was started again (ready, exited with a code, not ready) with the
// log lines it wrote since. Pure: history in, HTML out.

import type { History, Op } from '../../src/history.js';
import type { CorruptionRecord, DiskFillRecord, PowerFailure, RestartOutcome } from '../../src/storage-faults.js';
import { escapeHtml as h } from './escape.js';

const START_FS = new Set(['power-off', 'flip-bits', 'truncate-file', 'fill-disk']);
const STOP_FS = new Set(['power-on', 'restart-flipped', 'restart-truncated', 'free-disk']);

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const list = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

function bytes(n: unknown): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '?';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

function opLink(op: Op): string {
  return `<a href="#op-${op.index}">op ${op.index}</a> <span class="muted">${(op.time / 1e9).toFixed(1)} s</span>`;
}

function whatHappened(f: string, rec: Record<string, unknown>): string {
  if (typeof rec.error === 'string') return `<span class="bad">${h(rec.error)}</span>`;
  if (f === 'power-off') {
    const p = rec as unknown as PowerFailure;
    const r = obj(p.atRisk);
    const nothing = r.unsyncedFiles === 0 && r.pendingNamespaceOps === 0;
    const lost = nothing
      ? 'nothing at risk: every write and name change was fsynced'
      : `at risk: ${h(String(r.unsyncedFiles ?? '?'))} file(s) with unsynced writes (${h(bytes(r.savedBytes))} of synced data overwritten), ${h(String(r.pendingNamespaceOps ?? '?'))} name change(s) not yet durable`;
    if (!p.ok) return `${lost}; <span class="bad">undo failed: ${h(p.error ?? `${p.undoErrors} error(s)`)}</span>`;
    return nothing ? lost : `${lost}; all of it lost`;
  }
  if (f === 'flip-bits' || f === 'truncate-file') {
    const c = rec as unknown as CorruptionRecord;
    const where = `${h(c.fileKind)} file <code>${h(c.file)}</code> (${h(bytes(c.sizeBefore))})`;
    if (c.flips) return `${where}: flipped ${c.flips.length} bit(s) at ${h(c.flips.map((x) => `${x.offset}:${x.bit}`).join(', '))}`;
    return `${where}: truncated to ${h(bytes(c.sizeAfter))}`;
  }
  if (f === 'fill-disk') {
    const d = rec as unknown as DiskFillRecord;
    return `filled ${h(bytes(d.ballastBytes))} (free before ${h(bytes(d.availBefore))}, after ${h(bytes(d.availAfter))}); probe write: ${h(d.probe ?? '?')}`;
  }
  const d = rec as unknown as DiskFillRecord;
  return `freed ${h(bytes(d.ballastBytes))} (free now ${h(bytes(d.availAfter))})`;
}

function restartCell(r: RestartOutcome): string {
  const head =
    r.outcome === 'ready' ? `<span class="good">ready</span> after ${(r.afterMs / 1000).toFixed(1)} s`
    : r.outcome === 'exited' ? `<span class="bad">exited with code ${h(String(r.exitCode ?? '?'))}</span>`
    : r.outcome === 'not-ready' ? `<span class="bad">not ready</span> after ${(r.afterMs / 1000).toFixed(1)} s`
    : 'was still running';
  const log = r.log?.length ? `<details><summary>${r.log.length} log line(s) since the restart</summary><pre class="text">${h(r.log.join('\n'))}</pre></details>` : '';
  return head + log;
}

/** The section, or '' when the run had no storage faults. */
export function renderStorageFaults(history: History): string {
  const rows: string[] = [];
  for (const op of history) {
    if (op.process !== 'nemesis' || op.type === 'invoke') continue;
    const v = obj(op.value);
    if (START_FS.has(op.f)) {
      const recs = list<Record<string, unknown>>(v.failures ?? v.corruptions ?? v.filled);
      const err = typeof op.error === 'string' ? ` <span class="bad">${h(op.error)}</span>` : '';
      for (const rec of recs) rows.push(`<tr><td>${opLink(op)}</td><td>${h(op.f)}</td><td>${h(String(rec.node ?? ''))}</td><td>${whatHappened(op.f, rec)}${err}</td></tr>`);
      if (!recs.length && op.error !== undefined) rows.push(`<tr><td>${opLink(op)}</td><td>${h(op.f)}</td><td></td><td><span class="bad">${h(String(op.error))}</span></td></tr>`);
    } else if (STOP_FS.has(op.f)) {
      for (const rec of list<Record<string, unknown>>(v.freed)) rows.push(`<tr><td>${opLink(op)}</td><td>${h(op.f)}</td><td>${h(String(rec.node ?? ''))}</td><td>${whatHappened(op.f, rec)}</td></tr>`);
      for (const r of list<RestartOutcome>(v.restarts)) rows.push(`<tr><td>${opLink(op)}</td><td>restart</td><td>${h(r.node)}</td><td>${restartCell(r)}</td></tr>`);
    }
  }
  if (!rows.length) return '';
  return `<section id="storage-faults"><h2>Storage faults</h2><p class="muted">Each power failure, corruption and full disk, and how each server behaved when it was started again.</p><table class="verdicts"><thead><tr><th>when</th><th>op</th><th>node</th><th>what happened</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

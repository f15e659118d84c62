// The `two-phase` checker: evidence of a two-phase-commit coordinator's crashes and recoveries.
// It gathers, from the ops that crashed the coordinator and the ops that ran its recovery, every
// in-doubt transaction branch and how it was resolved, grouped by transaction, and judges
// atomicity on what the coordinator's log said: a transaction whose logged decision was commit
// must not have a branch rolled back (that transfer then committed on some participants only).
// Totals are the bank checker's business; this one explains what happened to the transactions.

import type { History } from '../../src/history.js';
import type { AnomalyRef, CheckResult } from '../../src/protocols.js';
import type { InDoubtResolution, RecoveryReport } from './evidence.js';
import { firstAnomalies } from '../op-pairs.js';
import { defineChecker, mergingOptions } from '../registry.js';

export interface InDoubtTxn {
  gid: string;
  transfer?: unknown;
  decision: InDoubtResolution['decision'];
  branches: Array<{ participant: string; resolution: 'commit' | 'rollback'; reason: string; done: boolean; error?: string; index: number; by: string }>;
  /** Committed on some participants and rolled back on others. */
  split: boolean;
}

export interface CoordinatorCrash {
  index: number;
  point: string;
  how: string;
  gid?: string;
}

function isReport(v: unknown): v is RecoveryReport {
  return !!v && typeof v === 'object' && Array.isArray((v as RecoveryReport).resolved);
}

export function checkTwoPhase(history: History): CheckResult {
  const crashes: CoordinatorCrash[] = [];
  const byGid = new Map<string, InDoubtTxn>();
  let scans = 0;
  let unreachable = 0;
  let remaining: number | null = null;
  for (const op of history) {
    if (op.type === 'invoke') continue;
    const v = op.value as Record<string, unknown> | null;
    if (op.process === 'nemesis' && op.f === 'crash-coordinator' && v && typeof v === 'object') {
      crashes.push({ index: op.index, point: String(v.point ?? '?'), how: String(v.how ?? '?'), ...(typeof v.gid === 'string' ? { gid: v.gid } : {}) });
      continue;
    }
    const report = op.f === 'recover-coordinator' ? v?.recovery : op.f === 'recover' && op.type === 'ok' ? v : undefined;
    if (!isReport(report)) continue;
    scans++;
    unreachable += report.unreachable.length;
    remaining = report.remaining;
    const by = op.process === 'nemesis' ? 'coordinator restart' : `recovery scan (process ${op.process})`;
    for (const r of report.resolved) {
      const t = byGid.get(r.gid) ?? { gid: r.gid, decision: r.decision, branches: [], split: false, ...(r.transfer !== undefined ? { transfer: r.transfer } : {}) };
      t.decision ??= r.decision;
      t.branches.push({ participant: r.participant, resolution: r.resolution, reason: r.reason, done: r.done, ...(r.error ? { error: r.error } : {}), index: op.index, by });
      byGid.set(r.gid, t);
    }
  }
  const anomalies: AnomalyRef[] = [];
  const inDoubt = [...byGid.values()];
  for (const t of inDoubt) {
    const rolledBack = t.branches.filter((b) => b.resolution === 'rollback' && b.done);
    const committed = t.branches.some((b) => b.resolution === 'commit' && b.done);
    // A logged commit decision means the coordinator committed, or will commit, every branch it names.
    t.split = rolledBack.length > 0 && (committed || t.decision?.outcome === 'commit');
    if (t.split) {
      const named = t.decision ? t.decision.participants.join(', ') : '';
      for (const b of rolledBack) {
        anomalies.push({ index: b.index, message: `transaction ${t.gid}: the coordinator logged commit${named ? ` (naming ${named})` : ''} but ${b.participant}'s branch was rolled back (${b.reason}): committed on some participants only` });
      }
    }
  }
  const branches = inDoubt.flatMap((t) => t.branches);
  const commits = branches.filter((b) => b.resolution === 'commit' && b.done).length;
  const rollbacks = branches.filter((b) => b.resolution === 'rollback' && b.done).length;
  const failed = branches.filter((b) => !b.done).length;
  const split = inDoubt.filter((t) => t.split).length;
  const summary =
    `two-phase: ${crashes.length} coordinator crash${crashes.length === 1 ? '' : 'es'}, ${scans} recovery pass${scans === 1 ? '' : 'es'}, ` +
    `${inDoubt.length} in-doubt transaction${inDoubt.length === 1 ? '' : 's'} (${commits} branch${commits === 1 ? '' : 'es'} committed, ${rollbacks} rolled back` +
    `${failed ? `, ${failed} attempts failed` : ''})${split ? `, ${split} split (atomicity broken)` : ''}` +
    `${remaining ? `; ${remaining} still in doubt after the last pass` : ''}${unreachable ? `; participants unreachable ${unreachable} times` : ''}`;
  return {
    valid: split === 0,
    summary,
    crashes,
    inDoubt,
    recoveryPasses: scans,
    remaining,
    ...(anomalies.length ? { anomalies: firstAnomalies(anomalies) } : {}),
  };
}

defineChecker({
  name: 'two-phase',
  doc: 'two-phase commit: in-doubt transactions after coordinator crashes and how each was resolved; a logged commit with a rolled-back branch is invalid',
  create: mergingOptions('two-phase', (h) => checkTwoPhase(h)),
  format(r) {
    const txns = (r.inDoubt as InDoubtTxn[] | undefined) ?? [];
    return [String(r.summary ?? ''), ...txns.filter((t) => t.split).slice(0, 10).map((t) => `  ${t.gid}: ${t.branches.map((b) => `${b.participant} ${b.resolution} (${b.reason})`).join('; ')}`)].join('\n');
  },
});

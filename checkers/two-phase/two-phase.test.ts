import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../history-builder.js';
import type { InDoubtResolution, RecoveryReport } from './evidence.js';
import { checkTwoPhase } from './index.js';

const branch = (gid: string, participant: string, resolution: 'commit' | 'rollback', named: string[] | null): InDoubtResolution => ({
  gid, participant, resolution, done: true,
  reason: resolution === 'commit' ? 'commit decision logged' : named ? `the logged commit decision does not name ${participant}` : 'no decision logged: presumed abort',
  decision: named ? { outcome: 'commit', participants: named } : null,
  transfer: { from: 0, to: 1, amount: 2 },
});
const report = (resolved: InDoubtResolution[]): RecoveryReport => ({ resolved, unreachable: [], remaining: 0 });

describe('two-phase checker', () => {
  it('accepts crashes resolved by the log: commits where decided, presumed aborts elsewhere', () => {
    const b = new HistoryBuilder();
    b.op('nemesis', 'crash-coordinator', null, 'info', { point: 'after-decision', how: 'crashed at the point', gid: 'g1' });
    b.op('nemesis', 'recover-coordinator', null, 'info', { recovery: report([branch('g1', 'n1', 'commit', ['n1', 'n2']), branch('g1', 'n2', 'commit', ['n1', 'n2'])]) });
    b.op('nemesis', 'crash-coordinator', null, 'info', { point: 'after-prepare', how: 'crashed at the point', gid: 'g2' });
    b.op(3, 'recover', null, 'ok', report([branch('g2', 'n1', 'rollback', null), branch('g2', 'n2', 'rollback', null)]));
    const r = checkTwoPhase(b.history());
    expect(r.valid).toBe(true);
    expect(r.summary).toMatch(/2 coordinator crashes, 2 recovery passes, 2 in-doubt transactions \(2 branches committed, 2 rolled back\)/);
    expect((r.inDoubt as unknown[]).length).toBe(2);
    expect((r.crashes as Array<{ point: string }>).map((c) => c.point)).toEqual(['after-decision', 'after-prepare']);
  });

  it('a branch rolled back under a logged commit decision is a split transaction: invalid, pointed at', () => {
    const b = new HistoryBuilder();
    b.op(0, 'transfer', { from: 0, to: 1, amount: 2 }, 'ok');
    const i = b.op(1, 'recover', null, 'ok', report([branch('g9', 'n2', 'rollback', ['n1'])]));
    const r = checkTwoPhase(b.history());
    expect(r.valid).toBe(false);
    expect(r.summary).toMatch(/1 split/);
    expect(r.anomalies?.[0]).toMatchObject({ index: i });
    expect(r.anomalies?.[0]?.message).toMatch(/g9: the coordinator logged commit \(naming n1\) but n2's branch was rolled back/);
  });

  it('ignores failed recover ops and reports nothing in doubt when nothing was', () => {
    const b = new HistoryBuilder();
    b.op(1, 'recover', null, 'fail', null);
    const r = checkTwoPhase(b.history());
    expect(r.valid).toBe(true);
    expect(r.inDoubt).toEqual([]);
  });
});

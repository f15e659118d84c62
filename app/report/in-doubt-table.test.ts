import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../../checkers/history-builder.js';
import { checkTwoPhase } from '../../checkers/two-phase/index.js';
import { renderReport } from './render.js';

describe('two-phase evidence in the report', () => {
  it('shows each crash and each in-doubt transaction with its resolution, split ones first', () => {
    const b = new HistoryBuilder();
    const crash = b.op('nemesis', 'crash-coordinator', null, 'info', { point: 'after-decision', how: 'crashed at the point', gid: 'g1' });
    const decided = { outcome: 'commit', participants: ['n1', 'n2'] };
    const rec = b.op('nemesis', 'recover-coordinator', null, 'info', {
      recovery: {
        resolved: [
          { gid: 'g1', participant: 'n1', resolution: 'commit', reason: 'commit decision logged', decision: decided, transfer: { from: 0, to: 1, amount: 2 }, done: true },
          { gid: 'g1', participant: 'n2', resolution: 'commit', reason: 'commit decision logged', decision: decided, done: true },
        ],
        unreachable: [],
        remaining: 0,
      },
    });
    const scan = b.op(2, 'recover', null, 'ok', {
      resolved: [{ gid: 'g<7>', participant: 'n2', resolution: 'rollback', reason: 'the logged commit decision does not name n2', decision: { outcome: 'commit', participants: ['n1'] }, done: true }],
      unreachable: [],
      remaining: 0,
    });
    const result = checkTwoPhase(b.history());
    const html = renderReport({ test: { name: 't' }, results: { valid: false, results: { 'two-phase': result } }, history: b.history() });
    expect(html).toContain('Coordinator crashes');
    expect(html).toContain(`href="#op-${crash}"`);
    expect(html).toContain('In-doubt transactions (2)');
    // The split transaction (escaped) comes before the clean one, and says what each participant did.
    const split = html.indexOf('g&lt;7&gt;');
    expect(split).toBeGreaterThan(0);
    expect(split).toBeLessThan(html.indexOf('<code>g1</code>'));
    expect(html).toMatch(/<b>n1<\/b>: committed <span class="muted">\(named in the decision; never found in doubt\)/);
    expect(html).toMatch(/<b>n2<\/b>: rolled back <span class="muted">\(the logged commit decision does not name n2; recovery scan \(process 2\)/);
    expect(html).toContain(`href="#op-${scan}"`);
    expect(html).toContain(`coordinator restart, <a href="#op-${rec}"`);
  });
});

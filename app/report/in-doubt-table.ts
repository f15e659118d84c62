// Two-phase commit evidence (the two-phase checker): the coordinator crashes, each with the point
// it died at and the transaction it died in, and every in-doubt transaction with what the
// coordinator's log had decided and how recovery resolved each participant's branch. Split
// transactions (committed on some participants, rolled back on others) come first, in red.

import { escapeHtml as h, showValue } from './escape.js';

interface Branch {
  participant: string;
  resolution: string;
  reason: string;
  done: boolean;
  error?: string;
  index: number;
  by: string;
}
interface Txn {
  gid: string;
  transfer?: unknown;
  decision: { participants: string[] } | null;
  branches: Branch[];
  split: boolean;
}
interface Crash {
  index: number;
  point: string;
  how: string;
  gid?: string;
}

const isObj = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object';

export function isInDoubtList(x: unknown): x is Txn[] {
  return Array.isArray(x) && x.slice(0, 5).every((t) => isObj(t) && typeof t.gid === 'string' && Array.isArray(t.branches));
}

function isCrashList(x: unknown): x is Crash[] {
  return Array.isArray(x) && x.slice(0, 5).every((c) => isObj(c) && typeof c.index === 'number' && typeof c.point === 'string');
}

const op = (i: number) => `<a href="#op-${i}">op ${i}</a>`;
const MAX_ROWS = 300;

export function renderTwoPhase(r: Record<string, unknown>): string {
  const parts: string[] = [];
  if (isCrashList(r.crashes) && r.crashes.length) {
    parts.push(
      `<h4>Coordinator crashes</h4><table class="stat"><thead><tr><th>fault</th><th>crash point</th><th>what happened</th><th>transaction</th></tr></thead><tbody>${r.crashes
        .map((c) => `<tr><td>${op(c.index)}</td><td>${h(c.point)}</td><td>${h(c.how)}</td><td><code>${h(c.gid ?? '')}</code></td></tr>`)
        .join('')}</tbody></table>`,
    );
  }
  if (isInDoubtList(r.inDoubt)) {
    const txns = [...r.inDoubt].sort((a, b) => Number(b.split) - Number(a.split));
    if (!txns.length) {
      parts.push('<p class="muted">No transaction was found in doubt.</p>');
    } else {
      const rows = txns.slice(0, MAX_ROWS).map((t) => {
        const decision = t.decision ? `commit, naming ${t.decision.participants.join(', ')}` : 'none logged';
        // Participants the decision names that recovery never found in doubt: the coordinator committed them.
        const seen = new Set(t.branches.map((b) => b.participant));
        const committedInline = (t.decision?.participants ?? []).filter((p) => !seen.has(p)).map((p) => `<div><b>${h(p)}</b>: committed <span class="muted">(named in the decision; never found in doubt)</span></div>`);
        const branches = committedInline.join('') + t.branches
          .map((b) => `<div><b>${h(b.participant)}</b>: ${b.done ? h(b.resolution === 'commit' ? 'committed' : 'rolled back') : `<span class="bad">${h(b.resolution)} failed</span>`} <span class="muted">(${h(b.reason)}; ${h(b.by)}, ${op(b.index)}${b.error ? `; ${h(b.error)}` : ''})</span></div>`)
          .join('');
        return `<tr class="${t.split ? 'bad-row' : ''}"><td><code>${h(t.gid)}</code>${t.split ? ' <span class="badge bad">split</span>' : ''}</td><td><code>${h(t.transfer === undefined ? '' : showValue(t.transfer, 120))}</code></td><td>${h(decision)}</td><td>${branches}</td></tr>`;
      });
      parts.push(
        `<h4>In-doubt transactions (${txns.length})</h4><div class="scroll-y"><table class="stat"><thead><tr><th>transaction</th><th>transfer</th><th>logged decision</th><th>resolution per participant</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>` +
          (txns.length > MAX_ROWS ? `<p class="muted">${txns.length - MAX_ROWS} more in results.json.</p>` : ''),
      );
    }
  }
  return parts.length ? `<div class="two-phase">${parts.join('')}</div>` : '';
}

// The report's "Network" section for runs whose db routes messages itself (Maelstrom clusters):
// messages per client op by group and by message type (Maelstrom's net stats, results.json
// `net`), how long the replicas took to converge after healing (`convergence`), and the shell of
// the Lamport diagram that app/report/client/lamport.js draws from the embedded net.jsonl.

import type { Convergence } from '../../src/convergence.js';
import { isNetFacts, NET_GROUPS, type NetFacts } from '../../src/net-facts.js';
import type { CheckResult } from '../../src/protocols.js';
import { escapeHtml as h } from './escape.js';

const GROUP_DOC: Record<string, string> = {
  all: 'every message',
  servers: 'between nodes',
  clients: 'to and from clients',
  services: 'between nodes and services (lin-kv, seq-kv, ...)',
};

const num = (x: number | null | undefined): string => (x === null || x === undefined ? '—' : String(x));

export function renderNetFacts(net: NetFacts): string {
  const rows = NET_GROUPS.filter((g) => g === 'all' || net.groups[g].sent > 0).map((g) => {
    const c = net.groups[g];
    return `<tr><th>${h(g)}</th><td class="muted">${h(GROUP_DOC[g] ?? '')}</td><td>${c.sent}</td><td>${c.delivered}</td><td>${c.dropped}</td><td><b>${h(num(c.msgsPerOp))}</b></td></tr>`;
  });
  const all = net.groups.all;
  const types = Object.entries(all.byType).sort((a, b) => b[1] - a[1]);
  const typeRows = types.map(([t, k]) => {
    const per = (g: (typeof NET_GROUPS)[number]): string => (net.groups[g].byType[t] ? h(num(net.groups[g].byTypePerOp[t] ?? null)) : '');
    return `<tr><td><code>${h(t)}</code></td><td>${k}</td><td><b>${h(num(all.byTypePerOp[t] ?? null))}</b></td><td>${per('servers')}</td><td>${per('clients')}</td><td>${per('services')}</td></tr>`;
  });
  const refused = net.refused ? `<p class="muted">${net.refused} client requests were refused because their node was not running (offered again until their timeout; not counted as messages).</p>` : '';
  return (
    `<div class="net-facts"><h3>Messages per operation <span class="muted">(${net.clientOps} client ops)</span></h3>` +
    `<table class="net-groups"><thead><tr><th>group</th><th></th><th>sent</th><th>delivered</th><th>dropped</th><th>msgs per op</th></tr></thead><tbody>${rows.join('')}</tbody></table>` +
    `<details class="net-types"${types.length <= 12 ? ' open' : ''}><summary>By message type (${types.length})</summary><table><thead><tr><th>type</th><th>sent</th><th>per op</th><th>servers</th><th>clients</th><th>services</th></tr></thead><tbody>${typeRows.join('')}</tbody></table></details>${refused}</div>`
  );
}

export function isConvergence(x: unknown): x is Convergence {
  return !!x && typeof x === 'object' && typeof (x as Convergence).agreed === 'boolean' && typeof (x as Convergence).fromTime === 'number';
}

export function renderConvergence(c: Convergence): string {
  const from = c.from === 'heal' ? 'the end of the last fault' : 'the last update';
  const at = `${(c.fromTime / 1e9).toFixed(3)} s`;
  let line: string;
  if (!c.agreed) {
    line = `<span class="bad">The final reads did not agree</span> (${c.distinctFinalValues} different values among ${c.finalReads} successful final reads): the replicas did not converge.`;
  } else if (c.withinMs === null) {
    line = `The final reads agree, but a node never read the agreed value after ${from}: convergence not shown.`;
  } else {
    line = `Converged within <b>${h(c.withinMs)} ms</b> of ${from} (${h(at)})${c.notBeforeMs > 0 ? `, and not before ${h(c.notBeforeMs)} ms (a read still saw another value then)` : ''}.`;
  }
  const bound =
    c.agreed && c.finalReadsAfterMs > 0 && c.withinMs !== null && c.notBeforeMs === 0
      ? `<p class="muted">An upper bound: no read between ${from} and the final reads (${h(c.finalReadsAfterMs)} ms later, after the recovery wait) saw the replicas disagree; a shorter --recovery-wait measures more tightly.</p>`
      : '';
  const nodes = Object.entries(c.nodes)
    .map(([n, v]) => `<tr><td>${h(n)}</td><td>${v.reads}</td><td>${v.convergedByMs === null ? '<span class="bad">never</span>' : `${h(v.convergedByMs)} ms`}</td></tr>`)
    .join('');
  return (
    `<div class="convergence"><h3>Convergence</h3><p id="convergence-line">${line}</p>${bound}` +
    (nodes ? `<details><summary>By node</summary><table><thead><tr><th>node</th><th>reads after ${h(from)}</th><th>had the agreed value for good by</th></tr></thead><tbody>${nodes}</tbody></table></details>` : '') +
    `</div>`
  );
}

/** The diagram's controls and canvas; the messages come in a separate JSON script. */
export function renderDiagramShell(logTruncated: boolean): string {
  return (
    `<div class="lamport"><h3>Messages <span class="muted"><span id="ld-count"></span>${logTruncated ? ' (the log stopped at its bound: later messages were only counted)' : ''}</span></h3>` +
    `<div class="tl-bar"><button id="ld-earlier">Earlier</button><button id="ld-later">Later</button><button id="ld-in">Zoom in</button><button id="ld-out">Zoom out</button><button id="ld-op" disabled>Selected op</button><label class="muted"><input type="checkbox" id="ld-follow" checked> follow the selected op</label><span id="ld-info" class="muted"></span></div>` +
    `<div class="legend"><span>one line per node, time downward; an arrow per message from send to delivery</span><span><span class="sw" style="background:#c62828"></span>dropped</span><span><span class="sw openop"></span>in flight at the end</span><span class="muted">wheel to zoom, drag to scroll, hover an arrow</span></div>` +
    `<div id="ld-wrap"><canvas id="lamport" height="560"></canvas><div id="ld-tip"></div></div></div>`
  );
}

/** The whole section, or '' when the run has no network facts; `hasLog`: a message log will be embedded. */
export function renderNetSection(results: CheckResult, hasLog: boolean): string {
  const facts = isNetFacts(results.net) ? renderNetFacts(results.net) : '';
  const conv = isConvergence(results.convergence) ? renderConvergence(results.convergence) : '';
  const diagram = hasLog ? renderDiagramShell(isNetFacts(results.net) && results.net.log?.truncated === true) : '';
  if (!facts && !conv && !diagram) return '';
  return `<section id="net-section"><h2>${facts || diagram ? 'Network' : 'Convergence'}</h2>${facts}${conv}${diagram}</section>`;
}

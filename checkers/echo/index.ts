// The `echo` checker (Maelstrom's echo workload): every acknowledged echo returns exactly what
// was sent.

import type { History } from '../../src/history.js';
import type { AnomalyRef, CheckResult } from '../../src/protocols.js';
import { clientRecords, firstAnomalies, show } from '../op-pairs.js';
import { defineChecker, mergingOptions } from '../registry.js';
import { sameValue } from '../values.js';

export function checkEcho(history: History): CheckResult {
  let ok = 0;
  const anomalies: AnomalyRef[] = [];
  for (const r of clientRecords(history)) {
    if (r.f !== 'echo' || r.type !== 'ok') continue;
    ok++;
    const sent = r.invoke.value;
    const got = r.complete!.value;
    if (!sameValue(sent, got)) anomalies.push({ index: r.index, message: `sent ${show(sent)}, echoed ${show(got)}` });
  }
  return {
    valid: ok === 0 ? 'unknown' : anomalies.length === 0,
    summary: `echo: ${ok} acknowledged echoes, ${anomalies.length} wrong`,
    acknowledged: ok,
    wrong: anomalies.length,
    ...(anomalies.length ? { anomalies: firstAnomalies(anomalies) } : {}),
  };
}

defineChecker({
  name: 'echo',
  doc: 'echo: every acknowledged echo returns exactly what was sent',
  create: mergingOptions('echo', (h) => checkEcho(h)),
  format: (r) => [String(r.summary ?? ''), ...((r.anomalies as AnomalyRef[] | undefined) ?? []).slice(0, 10).map((a) => `  history index ${a.index}: ${a.message}`)].join('\n'),
});

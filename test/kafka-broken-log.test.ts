// The kafka workload and checker end to end on a deliberately broken log (test/fixtures/
// lossy-log.ts): it acknowledges sends before copying them, and killing its leader loses that
// suffix. A run with leader kills must be invalid and list the lost offsets, exactly those the
// double lost that had been acknowledged; the same double acknowledging only copied messages
// must be valid (no false alarm from kills, crashed clients, rewinds or commits).

import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../app/builtins.js';
import { runTest } from '../src/run.js';
import { writeReport } from '../app/report/write.js';
import { created } from './fixtures/lossy-log.js';
import { caughtInvalid } from './seeds.js';

const out = mkdtempSync(join(tmpdir(), 'faultline-lossy-log-'));

const runLog = (ack: 'early' | 'replicated', seed: number) =>
  runTest({
    db: 'test-lossy-log', workload: 'kafka', nemesis: ['kill'], dbOptions: { ack }, nemesisOptions: { kill: 'primaries' },
    nemesisIntervalS: 1, timeLimitS: 8, rate: 150, seed, out, quiet: true, quiesceS: 0.5,
    // The application writes the report, as `faultline run` does.
    afterStore: writeReport,
  });

describe('kafka checker on a log that loses a suffix on leader change', () => {
  it('catches the lost suffix and lists each lost offset', async () => {
    // Within three seeds (test/seeds.ts); `created.db` is the double of the last run, the caught one.
    const r = await caughtInvalid((seed) => runLog('early', seed));
    const db = created.db!;
    const kafka = r.results.results!.kafka!;
    const lost = (kafka.lost as Array<{ key: string; offset: number; msg: unknown }>).map((x) => `${x.key}@${x.offset}=${JSON.stringify(x.msg)}`);
    expect(lost.length).toBeGreaterThan(0);
    // Every reported loss is one the double really made.
    const made = new Set(db.lostOffsets.map((x) => `${x.key}@${x.offset}=${JSON.stringify(x.msg)}`));
    for (const l of lost) expect(made.has(l), `${l} reported lost, but the log did not lose it`).toBe(true);
    // Reused offsets show as inconsistent offsets too, and the report has the timelines.
    expect((kafka.inconsistentOffsets as unknown[]).length).toBeGreaterThan(0);
    const html = readFileSync(join(r.dir, 'report.html'), 'utf8');
    expect(html).toContain('Offsets of key');
    expect(html).toMatch(/class="kt-bad[^"]*"[^>]*title="[^"]*lost/);
  }, 150_000);

  it('the same log acknowledging only replicated messages is valid under the same kills', async () => {
    const r = await runLog('replicated', 1);
    const kafka = r.results.results!.kafka!;
    expect(r.valid, String(kafka.summary)).toBe(true);
    expect((kafka.counts as { sends: number; polls: number }).sends).toBeGreaterThan(50);
  }, 60_000);
});

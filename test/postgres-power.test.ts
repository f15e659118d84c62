// Power failures on PostgreSQL 15 with fsync on (its default; issue 18: "etcd and PostgreSQL with
// fsync on: nothing acknowledged is lost"). The server's data directory is on lazyfs; each power
// failure kills it and drops every write it never fsynced, and the restart runs crash recovery
// from the WAL, which PostgreSQL fsyncs before a commit returns. The register workload keeps
// reading and writing after each restart: every read must still see what was acknowledged before
// (linearizable). With fsync off, PostgreSQL's manual warns that a power failure can lose data:
// here the table the setup created goes with it; the client re-creates it empty (its setup DDL is
// idempotent), so later reads of nil show the lost acknowledged writes. Seed sweeps:
// bench/storage-faults.ts --db postgres --workloads register.

import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE_TOOLS_SETUP_MS, prepareNodeTools } from './docker-helpers.js';
import { historyOf, runAndClean } from './suite-run-helpers.js';
import type { Op } from '../src/history.js';

beforeAll(prepareNodeTools, NODE_TOOLS_SETUP_MS);

describe('power failures on PostgreSQL', () => {
  it('fsync=on: nothing acknowledged is lost across power failures and crash recovery', async () => {
    // Keys are not retired (ops-per-key): ops that fail while the server is down would otherwise
    // use them up, and reads after a restart would only meet fresh keys. Seed 1 on this machine:
    // two power failures, 53 reads after the first restart of keys written before it.
    const r = await runAndClean(['--db', 'postgres', '--workload', 'register', '--workload-option', 'ops-per-key=100000', '--nemesis', 'power', '--nemesis-option', 'power=all', '--time-limit', '30', '--seed', '1'], 240_000);
    const h = historyOf(r);
    const done = h.filter((o) => o.process === 'nemesis' && o.type !== 'invoke');
    const offs = done.filter((o) => o.f === 'power-off');
    expect(offs.length, r.out).toBeGreaterThanOrEqual(1);
    // Something was at risk: lazyfs held unsynced writes when the power went.
    const atRisk = offs.flatMap((o) => ((o.value as { failures?: Array<{ atRisk: { unsyncedFiles: number } }> }).failures ?? []).map((f) => f.atRisk.unsyncedFiles));
    expect(atRisk.some((n) => n > 0), JSON.stringify(atRisk)).toBe(true);
    // The server came back, and reads after its first restart saw the data (the verdict covers recovery).
    const firstOn = done.find((o) => o.f === 'power-on' && ((o.value as { restarts?: Array<{ outcome: string }> }).restarts ?? []).some((x) => x.outcome === 'ready'));
    expect(firstOn, r.out).toBeDefined();
    const keyOf = (o: Op): unknown => (o.value as [unknown, unknown])[0];
    const written = new Set(h.filter((o) => o.index < offs[0]!.index && o.type === 'ok' && (o.f === 'write' || o.f === 'cas')).map(keyOf));
    const reread = h.filter((o) => o.index > firstOn!.index && o.type === 'ok' && o.f === 'read' && written.has(keyOf(o)));
    expect(written.size, r.out).toBeGreaterThan(0);
    expect(reread.length, 'reads after the restart of keys written before the power failure').toBeGreaterThan(0);
    const lin = r.results?.results?.linearizable as { valid: unknown; summary: string } | undefined;
    expect(lin?.valid, lin?.summary ?? r.out).toBe(true);
    expect(r.code, r.out).toBe(0);
    const report = readFileSync(join(r.dir, 'report.html'), 'utf8');
    expect(report).toContain('id="storage-faults"');
  }, 300_000);

  it('fsync=off: a power failure loses acknowledged writes, down to the table itself (invalid)', async () => {
    const r = await runAndClean(['--db', 'postgres', '--db-option', 'fsync=off', '--workload', 'register', '--workload-option', 'ops-per-key=100000', '--nemesis', 'power', '--nemesis-option', 'power=all', '--time-limit', '20', '--seed', '1'], 240_000);
    const h = historyOf(r);
    // The server said the table does not exist; the client put it back empty, and reads saw nil.
    const lost = h.filter((o) => o.type === 'fail' && typeof o.error === 'string' && /^table-missing \(42P01\).*re-created it empty/.test(o.error));
    expect(lost.length, r.out).toBeGreaterThan(0);
    const lin = r.results?.results?.linearizable as { valid: unknown; summary: string } | undefined;
    expect(lin?.valid, lin?.summary ?? r.out).toBe(false);
    expect(r.code, r.out).toBe(1);
  }, 300_000);
});

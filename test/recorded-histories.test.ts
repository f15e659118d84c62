// faultline's own recorded anchors: histories recorded from real runs (the built-in Raft and
// gossip clusters, with and without their bug switches, and etcd in Docker) by
// scripts/record-fixtures.sh, each with the verdict its witnesses were read and confirmed for
// (test/fixtures/recorded/expected.tsv). Checking them again must give the same verdict: a
// checker change that flips one is either a fix (re-record and say why) or a regression. These
// exist so a fresh clone without ../shared still judges real histories.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { faultline, ROOT } from './cli-helpers.js';

const DIR = join(ROOT, 'test', 'fixtures', 'recorded');
const rows = existsSync(join(DIR, 'expected.tsv'))
  ? readFileSync(join(DIR, 'expected.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t') as [string, string])
  : [];
const EXIT: Record<string, number> = { valid: 0, invalid: 1, unknown: 2 };

describe('recorded histories keep their verdicts', () => {
  it('has recorded anchors, valid and invalid', () => {
    expect(rows.map((r) => r[1])).toEqual(expect.arrayContaining(['valid', 'invalid']));
  });
  it.each(rows)('%s is %s', async (name, expected) => {
    // Judged as the run would have been: check reads the workload from the test.json beside it.
    const r = await faultline(['check', join(DIR, name, 'history.jsonl')]);
    expect(r.exitCode, r.stdout + r.stderr).toBe(EXIT[expected]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeXml, junitXml, runCases, writeJunit, type CiRun } from './junit.js';

const test = { name: 'raft-register', db: 'raft', workload: 'register', nemesis: ['partition', 'kill'], seed: 7 };

describe('junit', () => {
  it('makes one testcase per checker: failure for invalid, error for unknown, none for valid', () => {
    const run: CiRun = { test, dir: 'results/x', results: { valid: false, results: { linearizable: { valid: false, summary: 'not linearizable', anomalies: [{ index: 12, message: 'stale read' }] }, stats: { valid: true }, perf: { valid: 'unknown', error: 'out of budget' } } } };
    const cases = runCases(run);
    expect(cases.map((c) => [c.classname, c.name, c.status])).toEqual([
      ['raft.register.partition+kill', 'linearizable [seed 7]', 'failure'],
      ['raft.register.partition+kill', 'stats [seed 7]', 'passed'],
      ['raft.register.partition+kill', 'perf [seed 7]', 'error'],
    ]);
    expect(cases[0]!.details).toContain('op 12: stale read');
    expect(cases[0]!.details).toContain('results/x/report.html');
    const xml = junitXml([run]);
    expect(xml).toMatch(/<testsuites name="faultline" tests="3" failures="1" errors="1">/);
    expect(xml).toContain('<failure message="invalid: not linearizable" type="invalid">');
    expect(xml).toContain('<error message="unknown: out of budget" type="unknown">');
    expect(xml).toContain('<testcase classname="raft.register.partition+kill" name="stats [seed 7]"/>');
  });

  it('names a checked file by its name, without db, nemesis or seed', () => {
    const cases = runCases({ test: { kind: 'check', db: 'none', workload: 'linearizable', nemesis: [], seed: 0, source: '/x/etcd-001.jsonl' }, results: { valid: false, results: { linearizable: { valid: false } } } });
    expect(cases.map((c) => [c.classname, c.name, c.status])).toEqual([['check.etcd-001_jsonl', 'linearizable', 'failure']]);
  });

  it('reports a crashed run as an error', () => {
    const xml = junitXml([{ test, crash: 'docker went away\nstack' }]);
    expect(xml).toContain('errors="1"');
    expect(xml).toContain('<error message="crashed: docker went away" type="unknown">docker went away\nstack</error>');
  });

  it('escapes markup and drops characters XML cannot hold', () => {
    expect(escapeXml('<a b="c">&\'\u0001\uFFFE')).toBe('&lt;a b=&quot;c&quot;&gt;&amp;&apos;\uFFFD\uFFFD');
    const xml = junitXml([{ test: { ...test, name: ']]><x/>' }, results: { valid: false, summary: '</failure><script>', results: undefined } }]);
    expect(xml).not.toContain('<script>');
    expect(xml).not.toContain(']]><x/>');
  });

  it('writes the file, creating its directory', () => {
    const f = join(mkdtempSync(join(tmpdir(), 'fl-junit-')), 'sub', 'junit.xml');
    writeJunit(f, [{ test, results: { valid: true } }]);
    expect(readFileSync(f, 'utf8')).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="faultline" tests="1" failures="0" errors="0">/);
  });
});

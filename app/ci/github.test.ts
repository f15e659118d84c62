import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emitGithub, escapeData, escapeMarkdownCell, escapeProperty, githubAnnotations, githubSummary } from './github.js';
import type { CiRun } from './junit.js';

const runs: CiRun[] = [
  { test: { db: 'raft', workload: 'register', nemesis: ['partition'], seed: 1 }, dir: 'results/a', results: { valid: false, results: { linearizable: { valid: false, summary: 'read 3 | stale\nsecond line <b>' } } } },
  { test: { db: 'raft', workload: 'set', nemesis: [], seed: 2 }, results: { valid: 'unknown', results: { 'set-full': { valid: 'unknown', error: 'budget' } } } },
  { test: { db: 'etcd', workload: 'register', nemesis: ['kill'], seed: 3 }, results: { valid: true, results: { linearizable: { valid: true } } } },
];

describe('github actions output', () => {
  it('escapes workflow command data and properties', () => {
    expect(escapeData('50%\r\nx')).toBe('50%25%0D%0Ax');
    expect(escapeProperty('a:b,c%')).toBe('a%3Ab%2Cc%25');
  });
  it('escapes markdown table cells', () => {
    expect(escapeMarkdownCell('a|b\n<img src=x>*')).toBe('a\\|b &lt;img src=x&gt;\\*');
  });
  it('annotates invalid and unknown as errors by default; unknown as warning under --fail-on invalid', () => {
    const a = githubAnnotations(runs);
    expect(a).toHaveLength(2);
    expect(a[0]).toMatch(/^::error title=faultline raft\.register\.partition linearizable \[seed 1\]::invalid: read 3 \| stale%0A/);
    expect(a[0]).not.toMatch(/\n/);
    expect(a[1]).toMatch(/^::error title=/);
    expect(githubAnnotations(runs, 'invalid')[1]).toMatch(/^::warning title=/);
  });
  it('points a checked JSONL file\'s annotation at the line of the first anomaly', () => {
    const run: CiRun = { test: { kind: 'check', source: '/ws/hist/a,b.jsonl' }, results: { valid: false, results: { linearizable: { valid: false, anomalies: [{ index: 41, message: 'x' }] } } } };
    expect(githubAnnotations([run], 'unknown', '/ws')[0]).toMatch(/^::error file=hist\/a%2Cb\.jsonl,line=42,title=/);
    expect(githubAnnotations([run], 'unknown', '/elsewhere')[0]).toMatch(/^::error title=/);
  });
  it('summarises every run × checker in a markdown table', () => {
    const md = githubSummary(runs);
    expect(md).toContain('| raft.register.partition | 1 | linearizable | ❌ invalid | read 3 \\| stale second line &lt;b&gt; | results/a/report.html |');
    expect(md).toContain('| raft.set.none | 2 | set-full | ⚠️ unknown | budget |  |');
    expect(md).toContain('| etcd.register.kill | 3 | linearizable | ✅ valid |');
  });
  it('only writes when GITHUB_ACTIONS is set, appending to the step summary', () => {
    const f = join(mkdtempSync(join(tmpdir(), 'fl-gh-')), 'summary.md');
    writeFileSync(f, 'before\n');
    const lines: string[] = [];
    expect(emitGithub(runs, {}, (l) => lines.push(l))).toBe(false);
    expect(lines).toEqual([]);
    expect(emitGithub(runs, { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: f }, (l) => lines.push(l))).toBe(true);
    expect(lines).toHaveLength(2);
    const text = readFileSync(f, 'utf8');
    expect(text.startsWith('before\n## faultline results')).toBe(true);
  });
});

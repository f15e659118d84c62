// History input through the real CLI: what is not a history is exit 254 with one line naming the
// file (and line), never a verdict and never a stack; a later stage's "history op N" is file:line;
// a spent memory budget while reading is `unknown` (exit 2) with the reason; integers beyond 2^53
// reach results.json, history.jsonl and the report exactly.

import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { faultline } from './cli-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'fl-cli-input-'));
const file = (name: string, text: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const inv = '{"type":"invoke","process":0,"f":"read","value":null}';

describe('faultline check on what is not a history', () => {
  it('exit 254 naming the file (and line), no stack, no verdict', async () => {
    mkdirSync(join(dir, 'a-dir'));
    const cases: Array<[string[], RegExp]> = [
      [['--model', 'register', file('empty.jsonl', '')], /empty\.jsonl: empty history: the file holds no ops/],
      [['--model', 'register', '/dev/null'], /\/dev\/null: empty history/],
      [['--model', 'register', '--format', 'porcupine-etcd', file('ops.jsonl', `${inv}\n`)], /ops\.jsonl:1: no ops: no line is a porcupine-etcd history line/],
      [['--model', 'register', file('mismatch.jsonl', `${inv}\n{"type":"ok","process":0,"f":"write","value":1}\n`)], /mismatch\.jsonl:2: the completion \(ok write\) of process 0 does not match its invocation \(read\) on line 1/],
      [['--model', 'register', join(dir, 'a-dir')], /a-dir: is a directory, not a history file/],
      [['--model', 'register', file('deep.edn', `{:type :invoke, :f :read, :process 0, :value ${'['.repeat(5000)}${']'.repeat(5000)}}\n`)], /deep\.edn:1: malformed EDN: nested deeper than 1000 levels/],
      [['--model', 'register', file('utf8.jsonl', Buffer.concat([Buffer.from(`${inv}\n{"type":"ok","process":0,"f":"read","value":"`), Buffer.from([0xff]), Buffer.from('"}\n')]))], /utf8\.jsonl:2: invalid UTF-8/],
      // A checker's "history op 1" (op 1 of the history) is named by its line: 3, after a blank line.
      [['--model', 'register', file('frob.jsonl', `{"type":"invoke","process":0,"f":"frob","value":1}\n\n{"type":"ok","process":0,"f":"frob","value":1}\n`)], /frob\.jsonl:[13]: /],
    ];
    const runs = await Promise.all(cases.map(([args]) => faultline(['check', ...args])));
    runs.forEach((r, i) => {
      expect(r.exitCode, `${cases[i]![0].join(' ')}\n${r.stdout}${r.stderr}`).toBe(254);
      expect(r.stderr).toMatch(cases[i]![1]);
      expect(r.stderr).not.toMatch(/^\s+at |history (op|index) \d/m);
      expect(r.stdout).not.toMatch(/VALID/);
    });
  });

  it('a memory limit spent while reading: unknown (exit 2) with the reason', async () => {
    const lines = [];
    for (let i = 0; i < 2000; i++) lines.push(`{"type":"invoke","process":0,"f":"write","value":${i}}`, `{"type":"ok","process":0,"f":"write","value":${i}}`);
    const r = await faultline(['check', '--model', 'cas-register', '--memory-limit', '1', file('w.jsonl', lines.join('\n'))]);
    expect(r.exitCode, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toMatch(/memory limit of 1 MiB exhausted while reading the history \(line 1 of .*w\.jsonl\)/);
  });

  it('integers beyond 2^53 reach results.json, history.jsonl and the report exactly', async () => {
    const h = file('big.edn', [
      '{:type :invoke, :f :txn, :process 0, :value [[:append 1 9007199254740993N]]}',
      '{:type :ok, :f :txn, :process 0, :value [[:append 1 9007199254740993N]]}',
      '{:type :invoke, :f :txn, :process 1, :value [[:r 1 nil]]}',
      '{:type :ok, :f :txn, :process 1, :value [[:r 1 [9007199254740993]]], :error {:$n 5}}',
    ].join('\n'));
    const out = join(dir, 'out');
    const r = await faultline(['check', '--checker', 'list-append', '--out', out, h]);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const jsonl = readFileSync(join(out, 'history.jsonl'), 'utf8');
    expect(jsonl).toContain('"value":[["r",1,[9007199254740993]]]');
    expect(jsonl).toContain('"error":{"$n":5}');
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    // Tagged for the page's client (JSON.parse would round a bare literal); a real "$n" key escaped.
    expect(html).toContain('[["r",1,[{"$n":"9007199254740993"}]]]');
    expect(html).toContain('"$$n"');
  });
});

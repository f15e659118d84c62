// Tests for history reading and writing: Jepsen EDN (keywords, vectors, sets, maps, nil, tagged
// values), faultline JSONL, round trips, and errors that name the file and line.

import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEdn, parseEdnForms, toEdn, kw } from './edn.js';
import { parseHistory, readHistoryFile, writeHistoryEdn, writeHistoryJsonl, opToEdn } from './history-io.js';
import { FaultlineError } from './errors.js';

const jepsen = `{:type :invoke, :f :txn, :value [[:append 3 1] [:r 4 nil]], :time 3291485, :process 0, :index 0}
{:type :ok, :f :txn, :value [[:append 3 1] [:r 4 [1 2]]], :time 3767733, :process 0, :index 1}
{:type :invoke, :f :start, :value nil, :time 4000000, :process :nemesis, :index 2}
{:type :info, :f :start, :value [:isolated {"n1" #{"n2" "n3"}}], :time 5000000, :process :nemesis, :index 3}
#jepsen.history.Op{:index 4, :time 6000000, :type :invoke, :process 1, :f :read, :value nil}
{:index 5, :time 7000000, :type :fail, :process 1, :f :read, :value nil, :error [:timed-out "no leader"]}
`;

describe('EDN', () => {
  it('reads the value types Jepsen writes', () => {
    expect(parseEdn('{:a 1, :b [1 2.5 -3], "c" nil, :d #{:x}, :e (1 2), :f true, :g \\a, :h "q\\"s\\n"}')).toEqual({
      a: 1, b: [1, 2.5, -3], c: null, d: ['x'], e: [1, 2], f: true, g: 'a', h: 'q"s\n',
    });
    expect(parseEdn('#_ :skipped 42N ; comment')).toBe(42);
    expect(parseEdn('#inst "2020-01-01T00:00:00Z"')).toBe('2020-01-01T00:00:00Z');
    expect(parseEdnForms('1\n\n{:a\n 2}\n3').map((f) => f.line)).toEqual([1, 3, 5]);
  });

  it('names the line of a malformed form', () => {
    expect(() => parseEdnForms('{:a 1}\n{:b [1 2}\n', 'h.edn')).toThrow(/h\.edn:2/);
    expect(() => parseEdnForms('{:a 1}\n{:b "x}\n', 'h.edn')).toThrow(/unterminated string/);
  });

  it('writes keywords, vectors, sets and maps', () => {
    expect(toEdn({ type: kw('ok'), value: [1, null, 'x'], s: new Set([1]) })).toBe('{:type :ok, :value [1 nil "x"], :s #{1}}');
  });
});

describe('history files', () => {
  it('loads a Jepsen history.edn unchanged, with nemesis ops and tagged records', () => {
    const h = parseHistory(jepsen, 'history.edn');
    expect(h.length).toBe(6);
    expect(h[1]).toMatchObject({ index: 1, type: 'ok', f: 'txn', process: 0, value: [['append', 3, 1], ['r', 4, [1, 2]]] });
    expect(h[2]!.process).toBe('nemesis');
    expect(h[4]).toMatchObject({ type: 'invoke', f: 'read', process: 1 });
    expect(h[5]!.error).toEqual(['timed-out', 'no leader']);
  });

  it('loads a whole-file vector or list of ops (Knossos data files), comments first, naming element lines', () => {
    const list = `; a comment line\n({:type :invoke, :f :write, :value 0, :process 0}\n ; inside\n {:type :ok, :f :write, :value 0, :process 0})\n`;
    const h = parseHistory(list, 'k.edn');
    expect(h.map((o) => [o.index, o.type])).toEqual([[0, 'invoke'], [1, 'ok']]);
    expect(parseHistory(`[{:type :invoke, :f :read, :process 0}\n {:type :ok, :f :read, :value 1, :process 0}]`, 'v.edn')).toHaveLength(2);
    expect(() => parseHistory(`[{:type :invoke, :f :read, :process 0}\n {:type :ok, :f :read, :value 1, :process 5}]`, 'v.edn')).toThrow(/v\.edn:2/);
  });

  it('accepts the nemesis logging a fault as one lone :info (old Jepsen and Knossos files)', () => {
    const h = parseHistory(`{:type :invoke, :f :read, :process 0}\n{:type :info, :f :start, :process :nemesis, :value "partition"}\n{:type :ok, :f :read, :value 1, :process 0}\n`, 'n.edn');
    expect(h.map((o) => o.process)).toEqual([0, 'nemesis', 0]);
    // A client's lone completion is still an error.
    expect(() => parseHistory(`{:type :info, :f :read, :process 3}\n`, 'c.edn')).toThrow(/c\.edn:1: .*without an invocation by process 3/);
  });

  it('gives ops without a process (Elle\'s example files) processes of their own, inventing no order', () => {
    const text = `{:index 0 :type :invoke :value [[:append 1 1]]}\n{:index 1 :type :ok :value [[:append 1 1]]}\n{:index 2 :type :ok :value [[:r 1 [1]]]}\n`;
    const h = parseHistory(text, 'e.edn');
    // The completion with nothing open gets an invocation at the start: concurrent with all.
    expect(h.map((o) => [o.type, o.process, o.f])).toEqual([['invoke', 1, 'txn'], ['invoke', 0, 'txn'], ['ok', 0, 'txn'], ['ok', 1, 'txn']]);
  });

  it('round-trips through JSONL and EDN', () => {
    const h = parseHistory(jepsen, 'history.edn');
    const dir = mkdtempSync(join(tmpdir(), 'fl-hist-'));
    writeHistoryJsonl(join(dir, 'h.jsonl'), h);
    writeHistoryEdn(join(dir, 'h.edn'), h);
    expect(readHistoryFile(join(dir, 'h.jsonl'))).toEqual(h);
    expect(readHistoryFile(join(dir, 'h.edn'))).toEqual(h);
    expect(opToEdn(h[2]!)).toContain(':process :nemesis');
  });

  it('rejects malformed input naming file and line', () => {
    const bad = (text: string, re: RegExp) => {
      let err: unknown;
      try {
        parseHistory(text, 'x.jsonl', 'jsonl');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(FaultlineError);
      expect((err as FaultlineError).code).toBe('BAD_INPUT');
      expect((err as Error).message).toMatch(re);
    };
    const ok = '{"type":"invoke","process":0,"f":"read","value":null}';
    bad(`${ok}\n{"type":"ok","process":0,"f":"read"`, /x\.jsonl:2: malformed JSON/);
    bad(`${ok}\n{"type":"done","process":0,"f":"read"}`, /x\.jsonl:2: unknown op type "done"/);
    bad(`{"type":"ok","process":3,"f":"read"}`, /x\.jsonl:1: a completion \(ok read\) without an invocation by process 3/);
    bad(`${ok}\n${ok}`, /x\.jsonl:2: process 0 invokes read while its op on line 1 is still open/);
    expect(() => readHistoryFile('/nonexistent/h.jsonl')).toThrow(/no such file/);
    expect(() => parseHistory('hello', 'x.txt')).toThrow(/cannot tell the history format/);
  });
});

describe('validated ops', () => {
  it('are copies of the parsed fields in their order, with index and time completed; a __proto__ field stays a field', () => {
    const h = parseHistory('{"type":"invoke","f":"write","process":0,"value":1,"node":"n1","__proto__":{"polluted":true}}\n{"type":"ok","f":"write","process":0,"value":1}\n', 'h.jsonl');
    expect(Object.keys(h[0]!)).toEqual(['type', 'f', 'process', 'value', 'node', '__proto__', 'index', 'time']);
    expect(h[0]!.node).toBe('n1');
    expect(Object.getPrototypeOf(h[0]!)).toBe(Object.prototype);
    expect((h[0] as Record<string, unknown>).polluted).toBeUndefined();
    expect(h.map((op) => [op.index, op.time])).toEqual([[0, 0], [1, 1]]);
  });
});

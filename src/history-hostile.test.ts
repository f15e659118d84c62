// What the readers refuse, always as BAD_INPUT naming the file (and line): histories with no ops
// (empty file, /dev/null, nothing a forced format reads), completions whose f differs from their
// invocation's, directories and unreadable files, deep nesting, invalid UTF-8, NUL bytes, overlong
// lines; and what they must still accept (Elle's f-less files, the nemesis's lone :info ops).

import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FaultlineError } from './errors.js';
import { forEachLine, parseHistory, readHistory, readHistoryFile, registerFormat, TextSource, validateOps } from './history-io.js';
import '../checkers/linearizable/porcupine-format.js';

const dir = mkdtempSync(join(tmpdir(), 'fl-hostile-'));
const file = (name: string, content: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

/** The error a read throws: must be a FaultlineError with code BAD_INPUT (or FILE_NOT_FOUND). */
function readError(path: string, format = 'auto'): FaultlineError {
  try {
    readHistoryFile(path, format);
  } catch (e) {
    expect(e).toBeInstanceOf(FaultlineError);
    return e as FaultlineError;
  }
  throw new Error(`${path} was read without an error`);
}

const inv = '{"type":"invoke","process":0,"f":"read","value":null}';
const ok = '{"type":"ok","process":0,"f":"read","value":1}';

describe('a history without ops is an error, never a vacuous verdict', () => {
  it('an empty file, whitespace, /dev/null, comments only, an empty vector', () => {
    for (const [name, text, format] of [['empty.jsonl', '', 'auto'], ['blank.jsonl', '\n \n\t\n', 'auto'], ['empty.edn', '', 'edn'], ['comments.edn', '; nothing\n;; at all\n', 'edn'], ['vec.edn', '[\n]\n', 'edn'], ['empty.log', '', 'porcupine-etcd']] as const) {
      const e = readError(file(name, text), format);
      expect(e.code).toBe('BAD_INPUT');
      expect(e.message).toMatch(new RegExp(`${name.replace('.', '\\.')}: (empty history|no ops)`));
    }
    expect(readError('/dev/null').message).toBe('/dev/null: empty history: the file holds no ops');
  });

  it('a forced format none of whose lines match names the file and the first line that does not', () => {
    const p = file('h.jsonl', `${inv}\n${ok}\n`);
    expect(readError(p, 'porcupine-etcd').message).toMatch(/h\.jsonl:1: no ops: no line is a porcupine-etcd history line \(lines like "INFO {2}jepsen\.util - 3 :invoke :cas \[1 4\]"\); the first line that is not: "\{\\"type\\":\\"invoke\\"/);
    // In the formats without noise lines, a line that is not an op is an error where it is.
    expect(readError(p, 'edn').message).toMatch(/h\.jsonl:1: /);
    expect(readError(p, 'porcupine-kv').message).toMatch(/h\.jsonl:1: /);
    expect(readError(file('h.edn', '{:type :invoke, :process 0, :f :read}\n'), 'jsonl').message).toMatch(/h\.edn:1: malformed JSON/);
    // Porcupine's noise lines are still skipped when there are history lines.
    expect(parseHistory('noise\nINFO  jepsen.util - 0\t:invoke\t:read\tnil\nmore noise\nINFO  jepsen.util - 0\t:ok\t:read\tnil\n', 'n.log')).toHaveLength(2);
  });
});

describe('completions must match their invocations', () => {
  it('a completion whose f differs is an error naming both lines', () => {
    const text = `${inv}\n\n{"type":"ok","process":0,"f":"write","value":1}\n`;
    expect(() => parseHistory(text, 'm.jsonl')).toThrow(/^m\.jsonl:3: the completion \(ok write\) of process 0 does not match its invocation \(read\) on line 1$/);
    expect(() => parseHistory('{:type :invoke, :f :cas, :process 3}\n{:type :info, :f :write, :process 3}\n', 'm.edn')).toThrow(/m\.edn:2: .*\(info write\).*\(cas\) on line 1/);
  });

  it('still reads Elle files without f, the nemesis lone :info, Maelstrom broadcast', () => {
    expect(parseHistory('{:type :invoke, :value [[:append 1 2]]}\n{:type :ok, :value [[:append 1 2]]}\n', 'e.edn').map((o) => o.f)).toEqual(['txn', 'txn']);
    const nem = parseHistory(
      '{:type :invoke, :f :start, :process :nemesis}\n{:type :info, :f :kill, :process :nemesis, :value "n1"}\n{:type :info, :f :start, :process :nemesis}\n',
      'n.edn',
    );
    expect(nem.map((o) => [o.type, o.f])).toEqual([['invoke', 'start'], ['info', 'kill'], ['info', 'start']]);
    const b = parseHistory('{"type":"invoke","process":0,"f":"broadcast","value":1}\n{"type":"ok","process":0,"f":"broadcast","value":1}\n', 'b.jsonl');
    expect(b).toHaveLength(2);
  });
});

describe('hostile input', () => {
  it('a directory, or a file that cannot be read', () => {
    mkdirSync(join(dir, 'adir'));
    expect(readError(join(dir, 'adir')).message).toMatch(/adir: is a directory, not a history file/);
    // /proc/self/mem opens but cannot be read from offset 0 (EIO), even as root.
    const e = readError('/proc/self/mem');
    expect(e.code).toBe('BAD_INPUT');
    expect(e.message).toMatch(/^\/proc\/self\/mem: cannot read the file/);
    expect(readError(join(dir, 'missing.jsonl')).code).toBe('FILE_NOT_FOUND');
  });

  it('nesting 3,000 and 100,000 deep in JSON and EDN: an error naming the line, no stack overflow', () => {
    for (const depth of [3000, 100_000]) {
      const j = file(`deep${depth}.jsonl`, `${inv}\n{"type":"ok","process":0,"f":"read","value":${'['.repeat(depth)}${']'.repeat(depth)}}\n`);
      expect(readError(j).message).toMatch(new RegExp(`deep${depth}\\.jsonl:2: JSON nested deeper than 1000 levels`));
      const big = file(`deepbig${depth}.jsonl`, `${inv}\n{"type":"ok","process":0,"f":"read","value":[12345678901234567890,${'['.repeat(depth)}${']'.repeat(depth)}]}\n`);
      expect(readError(big).message).toMatch(/deepbig\d+\.jsonl:2: JSON nested deeper/);
      const unclosed = file(`open${depth}.jsonl`, `${inv}\n{"value":${'['.repeat(depth)}\n`);
      expect(readError(unclosed).message).toMatch(/open\d+\.jsonl:2: malformed JSON/);
      const e = file(`deep${depth}.edn`, `{:type :invoke, :f :read, :process 0}\n{:type :ok, :f :read, :process 0, :value ${'['.repeat(depth)}${']'.repeat(depth)}}\n`);
      expect(readError(e).message).toMatch(new RegExp(`deep${depth}\\.edn:2: malformed EDN: nested deeper than 1000 levels`));
      const m = file(`deepmap${depth}.edn`, `${'{:a '.repeat(depth)}1${'}'.repeat(depth)}\n`);
      expect(readError(m, 'edn').message).toMatch(/deepmap\d+\.edn:1: malformed EDN: nested deeper/);
    }
  });

  it('invalid UTF-8 and NUL bytes, naming the line', () => {
    const bad = Buffer.concat([Buffer.from(`${inv}\n${ok}\n{"type":"invoke","process":1,"f":"read","value":"`), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]);
    expect(readError(file('utf8.jsonl', bad)).message).toBe(`${join(dir, 'utf8.jsonl')}:3: invalid UTF-8`);
    const truncated = Buffer.concat([Buffer.from(`${inv}\n{"type":"ok","process":0,"f":"read","value":"`), Buffer.from([0xe2, 0x82])]);
    expect(readError(file('trunc.jsonl', truncated)).message).toMatch(/trunc\.jsonl:2: invalid UTF-8/);
    const nul = Buffer.concat([Buffer.from(`${inv}\n`), Buffer.from([0, 0, 0, 0])]);
    expect(readError(file('nul.jsonl', nul)).message).toMatch(/nul\.jsonl:2: a NUL byte/);
    expect(() => parseHistory(`${inv}\n\u0000`, 't.jsonl')).toThrow(/t\.jsonl:2: a NUL character/);
    // Valid multi-byte text straddling chunk boundaries (chunks are 2 MiB) reads unchanged.
    const lines = [inv];
    for (let i = 0; i < 30_000; i++) lines.push(`{"type":"${i % 2 ? 'invoke' : 'ok'}","process":0,"f":"read","value":"é€😀 ${i} ${'ü'.repeat(i % 50)}"}`);
    const h = readHistoryFile(file('multibyte.jsonl', lines.join('\n') + '\n'));
    expect(h).toHaveLength(30_001);
    expect(h[h.length - 1]!.value).toMatch(/^é€😀 \d+ ü*$/);
  });

  it('a line longer than the limit is an error naming it', () => {
    const src = TextSource.text(`a\n${'x'.repeat(50)}\n`, 'long.jsonl');
    expect(() => forEachLine(src, () => {}, 40)).toThrow(/long\.jsonl:2: line longer than 40 characters/);
  });
});

describe('streaming', () => {
  it('reads EDN forms and a whole-file vector on one line across chunk boundaries, naming lines', () => {
    const ops: string[] = [];
    for (let i = 0; i < 12_000; i++) ops.push(`{:type :invoke, :f :txn, :process ${i}, :value [[:append ${i} ${i}] [:r ${i} nil]], :note "${'n'.repeat(i % 200)}"}`, `{:type :ok, :f :txn, :process ${i}, :value [[:append ${i} ${i}] [:r ${i} [${i}]]]}`);
    const perLine = readHistory(file('big.edn', ops.join('\n') + '\n'));
    expect(perLine.history).toHaveLength(24_000);
    expect(perLine.lines[23_999]).toBe(24_000);
    expect(perLine.history[23_999]!.value).toEqual([['append', 11_999, 11_999], ['r', 11_999, [11_999]]]);
    const oneLine = readHistory(file('vec.edn', `[${ops.join(' ')}]`));
    expect(oneLine.history).toEqual(perLine.history);
    expect(oneLine.lines[23_999]).toBe(1);
    // An error far into the one-line vector still names the line, and the problem.
    const broken = `[${ops.slice(0, 20_000).join(' ')} {:type :ok, :f :txn, :process 1, :value [1 2}]`;
    expect(readError(file('broken.edn', broken)).message).toMatch(/broken\.edn:1: malformed EDN: unexpected '}'/);
  });
});

describe('formats written before streaming', () => {
  it('a plugin format with only read(text) still works, and an empty result is still an error', () => {
    registerFormat({
      name: 'legacy-test',
      sniff: (head) => head.startsWith('#legacy'),
      read: (text, f) => validateOps(text.split('\n').slice(1).filter(Boolean).map((l, i) => ({ line: i + 2, fields: { type: l.split(' ')[0], process: 0, f: 'read', value: Number(l.split(' ')[1]) } })), f),
    });
    expect(parseHistory('#legacy\ninvoke 1\nok 1\n', 'l.txt').map((o) => [o.type, o.value])).toEqual([['invoke', 1], ['ok', 1]]);
    expect(() => parseHistory('#legacy\n', 'l.txt')).toThrow(/l\.txt: no ops/);
  });
});

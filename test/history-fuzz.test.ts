// Fuzzing the check path with mutated histories in every format (JSONL, EDN one op per line, EDN
// whole-file vector, Porcupine's Jepsen etcd log, Porcupine's kv log): whatever the bytes, the
// answer is a verdict (exit 0/1/2) or a bad-input error (254) with a message, never a crash (255)
// and never a stack trace. Most cases run in-process through `checkFile` (the CLI's own check
// path) and the CLI's error-to-exit mapping; a few go through the real binary.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkFile, type CheckCliOptions } from '../app/commands/check.js';
import { exitCodeForError, FaultlineError } from '../src/errors.js';
import { kw, toEdn } from '../src/edn.js';
import { opToEdn, opToJson } from '../src/history-io.js';
import type { History } from '../src/history.js';
import { simulateRegister } from '../checkers/linearizable/sim-register.js';
import { simulate } from '../checkers/elle/simulate.js';
import { faultline } from './cli-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'fl-fuzz-'));

// ---------------------------------------------------------------- valid seeds, one per format

const register: History = simulateRegister({ ops: 8, processes: 3, seed: 3, crashRate: 0.1 });

function etcdValue(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return `[${v.map(etcdValue).join(' ')}]`;
  return String(v);
}

const kvLines: string[] = [];
const kv = new Map<string, string>();
for (let i = 0; i < 6; i++) {
  const p = i % 2;
  const key = String(i % 2);
  const [f, v] = i % 3 === 0 ? ['put', `x ${i}`] : i % 3 === 1 ? ['append', ` y${i}`] : ['get', ''];
  kvLines.push(`{:process ${p}, :type :invoke, :f :${f}, :key "${key}", :value ${f === 'get' ? 'nil' : JSON.stringify(v)}}`);
  if (f === 'put') kv.set(key, v);
  if (f === 'append') kv.set(key, (kv.get(key) ?? '') + v);
  kvLines.push(`{:process ${p}, :type :ok, :f :${f}, :key "${key}", :value ${JSON.stringify(f === 'get' ? (kv.get(key) ?? '') : v)}}`);
}

const txns = simulate({ isolation: 'serializable', workload: 'list-append', txns: 8, processes: 3, seed: 5 });
const ednTxn = (op: History[number]): string =>
  toEdn({ ...op, type: kw(op.type), f: kw(op.f), value: (op.value as unknown[][]).map(([f, k, v]) => [kw(String(f)), k, v]) });

interface Seed {
  name: string;
  file: string;
  text: string;
  opts: Partial<CheckCliOptions>;
}

const SEEDS: Seed[] = [
  { name: 'jsonl', file: 'h.jsonl', text: register.map(opToJson).join('\n') + '\n', opts: { model: 'cas-register' } },
  { name: 'edn per line', file: 'h.edn', text: txns.map(ednTxn).join('\n') + '\n', opts: { checker: 'list-append' } },
  { name: 'edn vector', file: 'v.edn', text: `[${register.map(opToEdn).join('\n ')}]\n`, opts: { model: 'cas-register' } },
  {
    name: 'porcupine etcd',
    file: 'etcd.log',
    text: register.map((o) => `INFO  jepsen.util - ${o.process}\t:${o.type}\t:${o.f}\t${o.type === 'info' ? ':timed-out' : etcdValue(o.value)}`).join('\n') + '\n',
    opts: { model: 'cas-register' },
  },
  { name: 'porcupine kv', file: 'kv.txt', text: kvLines.join('\n') + '\n', opts: { model: 'kv' } },
];

// ---------------------------------------------------------------- mutations

const SPECIALS = ['[', ']', '{', '}', '(', ')', '"', '\\', ':', ',', '#', '#_', ';', '\n', '\r', '\u0000', '\u2028', 'nil', 'null', 'N', '-',
  '99999999999999999999', '9007199254740993N', '1e400', '##Inf', '#{', ':nemesis', ':invoke', ':ok', ':fail', ':info', '"ok"', '"read"', ':read',
  ':write', ':cas', '"f":"write"', ':f :write', '\\u12', '{"type":"ok","process":0,"f":"read","value":1}', 'INFO  jepsen.util - 0\t:ok\t:read\t3'];

/** Single characters that change a text's structure the most. */
const STRUCTURAL = ['\\', '"', '[', ']', '{', '}', '(', ')', ':', ',', '#', ';', '\n', '\u0000', '\\u', '\\"'];

type Mutation =
  | { kind: 'delete'; at: number; len: number }
  | { kind: 'insert' | 'inString'; at: number; text: string }
  | { kind: 'byte'; at: number; byte: number }
  | { kind: 'dupLine' | 'dropLine'; line: number }
  | { kind: 'swapLines'; a: number; b: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'nest'; at: number; depth: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constantFrom('insert' as const, 'inString' as const),
      at: fc.nat(),
      text: fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...STRUCTURAL) },
        { weight: 3, arbitrary: fc.constantFrom(...SPECIALS) },
        fc.string({ maxLength: 8 }),
        fc.string({ unit: 'binary', maxLength: 4 }),
      ),
    }),
  },
  fc.record({ kind: fc.constant('byte' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constantFrom('dupLine' as const, 'dropLine' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('swapLines' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('nest' as const), at: fc.nat(), depth: fc.constantFrom(5, 1500, 20_000) }),
);

function mutate(text: string, ms: Mutation[]): Buffer {
  let b = Buffer.from(text);
  for (const m of ms) {
    const at = (n: number) => (b.length ? n % (b.length + 1) : 0);
    const lines = () => b.toString('latin1').split('\n');
    const fromLines = (ls: string[]) => Buffer.from(ls.join('\n'), 'latin1');
    switch (m.kind) {
      case 'delete': { const i = at(m.at); b = Buffer.concat([b.subarray(0, i), b.subarray(i + m.len)]); break; }
      case 'insert': { const i = at(m.at); b = Buffer.concat([b.subarray(0, i), Buffer.from(m.text), b.subarray(i)]); break; }
      case 'inString': {
        // After the at-th double quote: inside a string (or just after one).
        const quotes: number[] = [];
        for (let i = b.indexOf(34); i >= 0; i = b.indexOf(34, i + 1)) quotes.push(i);
        const i = quotes.length ? quotes[m.at % quotes.length]! + 1 : at(m.at);
        b = Buffer.concat([b.subarray(0, i), Buffer.from(m.text), b.subarray(i)]);
        break;
      }
      case 'byte': { if (b.length) b[m.at % b.length] = m.byte; break; }
      case 'dupLine': { const ls = lines(); const i = m.line % ls.length; ls.splice(i, 0, ls[i]!); b = fromLines(ls); break; }
      case 'dropLine': { const ls = lines(); ls.splice(m.line % ls.length, 1); b = fromLines(ls); break; }
      case 'swapLines': { const ls = lines(); const i = m.a % ls.length, j = m.b % ls.length; [ls[i], ls[j]] = [ls[j]!, ls[i]!]; b = fromLines(ls); break; }
      case 'truncate': b = b.subarray(0, at(m.at)); break;
      case 'nest': { const i = at(m.at); b = Buffer.concat([b.subarray(0, i), Buffer.from('['.repeat(m.depth) + ']'.repeat(m.depth)), b.subarray(i)]); break; }
    }
  }
  return b;
}

const mutated = fc.record({ seed: fc.integer({ min: 0, max: SEEDS.length - 1 }), ms: fc.array(mutation, { minLength: 1, maxLength: 4 }) });

let n = 0;
function write(seed: Seed, bytes: Buffer): string {
  const p = join(dir, `${n++}-${seed.file}`);
  writeFileSync(p, bytes);
  return p;
}

/** The exit code `faultline check` gives for a file, in-process, mapping errors as the CLI does. */
async function exitCode(file: string, seed: Seed): Promise<number> {
  const o: CheckCliOptions = { format: 'auto', failOn: 'unknown', partition: true, opt: {}, timeLimit: 5, ...seed.opts };
  try {
    const { result } = await checkFile(file, o);
    return result.valid === true ? 0 : result.valid === false ? 1 : 2;
  } catch (e) {
    if (!(e instanceof FaultlineError)) throw new Error(`a crash, not a bad-input error, on ${file}: ${(e as Error)?.stack ?? String(e)}`);
    expect(e.message.length).toBeGreaterThan(0);
    return exitCodeForError(e);
  }
}

describe('fuzzed histories', () => {
  it('every seed is valid as written', async () => {
    for (const seed of SEEDS) expect(await exitCode(write(seed, Buffer.from(seed.text)), seed), seed.name).toBe(0);
  });

  it('mutations in every format give exit 0/1/2/254, never a crash (in-process, the CLI check path)', async () => {
    await fc.assert(
      fc.asyncProperty(mutated, async ({ seed, ms }) => {
        const s = SEEDS[seed]!;
        const code = await exitCode(write(s, mutate(s.text, ms)), s);
        expect([0, 1, 2, 254]).toContain(code);
      }),
      { numRuns: 250, seed: 20_261_205 },
    );
    // And a fresh sample every run, still bounded.
    await fc.assert(
      fc.asyncProperty(mutated, async ({ seed, ms }) => {
        const s = SEEDS[seed]!;
        expect([0, 1, 2, 254]).toContain(await exitCode(write(s, mutate(s.text, ms)), s));
      }),
      { numRuns: 100 },
    );
  }, 60_000);

  it('through the real CLI: exit 0/1/2/254 and no stack trace', async () => {
    // Few cases (each starts a process): a random one, deep nesting, invalid UTF-8.
    const cases = fc.sample(mutated, { numRuns: 1, seed: 7 });
    cases.push({ seed: 1, ms: [{ kind: 'nest', at: 30, depth: 20_000 }] }, { seed: 0, ms: [{ kind: 'byte', at: 10, byte: 0xff }] });
    const runs = await Promise.all(
      cases.map(async ({ seed, ms }) => {
        const s = SEEDS[seed]!;
        const file = write(s, mutate(s.text, ms));
        const args = ['check', ...(s.opts.model ? ['--model', s.opts.model] : ['--checker', s.opts.checker!]), '--time-limit', '5', file];
        return { file, r: await faultline(args) };
      }),
    );
    for (const { file, r } of runs) {
      expect([0, 1, 2, 254], `${file}\n${r.stdout}\n${r.stderr}`).toContain(r.exitCode);
      expect(r.stderr).not.toMatch(/^\s+at |crashed/m);
      if (r.exitCode === 254) expect(r.stderr).toMatch(/^faultline: \S/);
    }
  }, 60_000);
});

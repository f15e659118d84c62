import { describe, expect, it } from 'vitest';
import { describeOptions, opt, optionRows, parseOptions } from './options.js';

const specs = {
  reads: opt.enum(['linearizable', 'serializable'], { default: 'linearizable', doc: 'read path' }),
  'timeout-ms': opt.number({ min: 100, default: 5000, unit: 'ms', doc: 'request timeout' }),
  replicas: opt.number({ integer: true, min: 0, max: 5, doc: 'replica count' }),
  sync: opt.boolean({ default: false, doc: 'synchronous replication' }),
  targets: opt.list({ values: ['one', 'all'] as const, default: ['one'], doc: 'targets' }),
  lease: opt.duration({ unit: 's', min: 0.5, default: 5, doc: 'lease' }),
  url: opt.string({ doc: 'an address', placeholder: 'postgres://...' }),
  init: opt.json({ doc: 'initial value' }),
};
const ctx = { flag: '--db-option', owner: 'db demo' };

describe('parseOptions', () => {
  it('fills defaults, leaves undeclared-default options undefined, and parses CLI text by kind', () => {
    const v = parseOptions(specs, {}, ctx);
    expect(v).toEqual({ reads: 'linearizable', 'timeout-ms': 5000, replicas: undefined, sync: false, targets: ['one'], lease: 5, url: undefined, init: undefined });
    const w = parseOptions(specs, { reads: 'serializable', 'timeout-ms': '250', replicas: '2', sync: 'true', targets: 'one+all', lease: '1500ms', url: 'postgres://a', init: '{"x":0}' }, ctx);
    expect(w).toEqual({ reads: 'serializable', 'timeout-ms': 250, replicas: 2, sync: true, targets: ['one', 'all'], lease: 1.5, url: 'postgres://a', init: { x: 0 } });
  });

  it('takes typed values from code as they are', () => {
    expect(parseOptions(specs, { 'timeout-ms': 300, sync: true, targets: ['all'], init: 5 }, ctx)).toMatchObject({ 'timeout-ms': 300, sync: true, targets: ['all'], init: 5 });
    expect(parseOptions(specs, { lease: '2m' }, ctx).lease).toBe(120);
    expect(parseOptions(specs, { init: 'plain' }, ctx).init).toBe('plain');
  });

  it('refuses unknown keys and bad values with one wording that names the option', () => {
    expect(() => parseOptions(specs, { colour: 'red' }, ctx)).toThrow(
      "--db-option colour: db demo has no option 'colour' (its options: reads, timeout-ms, replicas, sync, targets, lease, url, init)",
    );
    expect(() => parseOptions({}, { x: '1' }, { flag: '--opt', owner: 'checker stats' })).toThrow("--opt x: checker stats has no option 'x' (it takes no options)");
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ reads: 'stale' }, "--db-option reads: expected one of linearizable, serializable, got 'stale'"],
      [{ 'timeout-ms': '50' }, "--db-option timeout-ms: expected a number >= 100, got '50'"],
      [{ 'timeout-ms': 'soon' }, "--db-option timeout-ms: expected a number >= 100, got 'soon'"],
      [{ replicas: '1.5' }, "--db-option replicas: expected an integer from 0 to 5, got '1.5'"],
      [{ replicas: '6' }, "--db-option replicas: expected an integer from 0 to 5, got '6'"],
      [{ sync: 'yes' }, "--db-option sync: expected true or false, got 'yes'"],
      [{ targets: 'one+some' }, "--db-option targets: expected items from one, all, got 'some'"],
      [{ targets: '' }, "--db-option targets: expected at least one item (one|all, separated by '+'), got ''"],
      [{ lease: 'forever' }, "--db-option lease: expected a duration (s >= 0.5; or with ms/s/m), got 'forever'"],
      [{ lease: '100ms' }, "--db-option lease: expected a duration (s >= 0.5; or with ms/s/m), got '100ms'"],
      [{ url: '' }, "--db-option url: expected postgres://..., got ''"],
    ];
    for (const [raw, msg] of bad) expect(() => parseOptions(specs, raw, ctx)).toThrow(msg);
  });

  it('lets keys of others sharing the flag pass (several nemeses share --nemesis-option)', () => {
    expect(parseOptions(specs, { kill: 'one' }, { ...ctx, foreign: new Set(['kill']) }).reads).toBe('linearizable');
  });
});

describe('option docs', () => {
  it('derive rows and help lines from the declarations', () => {
    expect(optionRows(specs)[0]).toEqual({ name: 'reads', hint: 'linearizable|serializable', default: 'linearizable', doc: 'read path' });
    expect(optionRows(specs).find((r) => r.name === 'targets')).toMatchObject({ hint: 'one|all+one|all...', default: 'one' });
    expect(describeOptions({ 'timeout-ms': specs['timeout-ms'] }, '  ')).toEqual(['  timeout-ms=number >= 100 (ms)  request timeout (default: 5000)']);
  });
});

describe('json options', () => {
  const init = { init: opt.json({ doc: 'initial value' }) };
  const parse = (raw: string) => parseOptions(init, { init: raw }, { flag: '--opt', owner: 'checker x' }).init;
  it('keeps integers beyond 2^53 exact and refuses them where JSON.parse would round them', () => {
    expect(parse('9007199254740993')).toBe(9007199254740993n);
    expect(parse('-12')).toBe(-12);
    expect(parse('[1,2]')).toEqual([1, 2]);
    expect(() => parse('{"x":9007199254740993}')).toThrow('--opt init: expected JSON without integers beyond 2^53');
  });
});

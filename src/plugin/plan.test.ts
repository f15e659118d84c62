// Planning a run against small plugins declared here: names, options, workloads and faults are
// all refused before anything starts, with messages naming the flag, the db and the fault.

import { describe, expect, it } from 'vitest';
import { createDb, planRun } from './plan.js';
import { capabilitiesOf } from './capabilities.js';
import { defineDb, defineNemesis, defineWorkload } from './registry.js';
import { opt } from './options.js';
import { faultPackage } from './nemesis-package.js';
import type { Client, Db, Net } from '../protocols.js';
import { once } from '../generator/index.js';

const client: Client = { open: async () => client, invoke: async () => ({ type: 'ok' }) };
const net: Net = { partition: async () => {}, heal: async () => {}, loss: async () => {}, fast: async () => {} };
let setups = 0;
/** The shape plan-cut was last created with. */
let cutShape: string | undefined;

class PlanDb implements Db {
  readonly name = 'plan-db';
  readonly net?: Net;
  constructor(readonly mode: string) {
    if (mode !== 'external') this.net = net;
  }
  describe() {
    return this.mode === 'external' ? 'existing cluster' : undefined;
  }
  async setup() {
    setups++;
  }
  async teardown() {}
  kill = async () => {};
  start = async () => {};
}

defineDb({
  name: 'plan-db',
  doc: 'a db for planning tests',
  options: { mode: opt.enum(['local', 'external'], { default: 'local', doc: 'where' }), level: opt.string({ doc: 'isolation' }) },
  defaultNodes: 3,
  bugs: { 'lose-writes': 'forgets' },
  create: ({ options }) => new PlanDb(options.mode),
  clients: { 'plan-w': () => client },
  workloadDefaults: (_w, o): Record<string, string> => (o.level ? { model: o.level } : {}),
});

// The same db, declaring the fault options its runs imply.
defineDb({
  name: 'plan-db-faulty',
  doc: 'a db with fault defaults',
  defaultNodes: 3,
  create: () => new PlanDb('local'),
  clients: { 'plan-w': () => client },
  nemesisDefaults: { 'cut-shape': 'one' },
});

defineWorkload({
  name: 'plan-w',
  doc: 'a workload for planning tests',
  options: { model: opt.enum(['strict', 'weak'], { default: 'strict', doc: 'model' }) },
  create: ({ options }) => ({ name: `plan-w:${options.model}`, generator: once({ f: 'read', value: null })!, checker: { name: 'c', check: () => ({ valid: true }) } }),
});
defineWorkload({ name: 'plan-other', doc: 'no db has a client for it', create: () => ({ name: 'x', generator: once({ f: 'read', value: null })!, checker: { name: 'c', check: () => ({ valid: true }) } }) });

defineNemesis({
  name: 'plan-cut',
  doc: 'partitions',
  options: { 'cut-shape': opt.enum(['halves', 'one'], { default: 'halves', doc: 'shape' }) },
  requires: ['partition'],
  create: ({ intervalS, options }) => (cutShape = options['cut-shape']) && faultPackage({ name: 'plan-cut', nemesis: { fs: ['a', 'b'], invoke: async () => ({ type: 'info' }) }, intervalS, start: ['a'], stop: 'b', color: '#000' }),
});
defineNemesis({
  name: 'plan-freeze',
  doc: 'pauses',
  requires: ['pause'],
  create: ({ intervalS }) => faultPackage({ name: 'plan-freeze', nemesis: { fs: ['c', 'd'], invoke: async () => ({ type: 'info' }) }, intervalS, start: ['c'], stop: 'd', color: '#000' }),
});

const base = { db: 'plan-db', workload: 'plan-w', nemesis: [] as string[] };

describe('planRun', () => {
  it('builds every plugin with parsed options and starts nothing', () => {
    const p = planRun({ ...base, nemesis: ['plan-cut'], nodes: 4, nemesisOptions: { 'cut-shape': 'one' } });
    expect(p.nodes).toEqual(['n1', 'n2', 'n3', 'n4']);
    expect(p.concurrency).toBe(8);
    expect(p.workload.name).toBe('plan-w:strict');
    expect(p.nemesis?.name).toBe('plan-cut');
    expect(setups).toBe(0);
  });

  it("puts the db's fault defaults under the user's fault options, for the run's faults only", () => {
    const faulty = { ...base, db: 'plan-db-faulty' };
    expect(planRun({ ...faulty, nemesis: ['plan-cut'] }).nemesisOptions).toEqual({ 'cut-shape': 'one' });
    expect(cutShape).toBe('one');
    expect(planRun({ ...faulty, nemesis: ['plan-cut'], nemesisOptions: { 'cut-shape': 'halves' } }).nemesisOptions).toEqual({ 'cut-shape': 'halves' });
    expect(cutShape).toBe('halves');
    // A run without the fault the default belongs to is no error, and records no such option.
    expect(planRun({ ...faulty, nemesis: [] }).nemesisOptions).toEqual({});
    expect(planRun({ ...base, nemesis: ['plan-cut'] }).nemesisOptions).toEqual({});
    expect(cutShape).toBe('halves'); // plan-db declares none: the nemesis's own default
  });

  it("puts the db's workload defaults under the user's workload options", () => {
    expect(planRun({ ...base, dbOptions: { level: 'weak' } }).workload.name).toBe('plan-w:weak');
    expect(planRun({ ...base, dbOptions: { level: 'weak' }, workloadOptions: { model: 'strict' } }).workload.name).toBe('plan-w:strict');
  });

  it('refuses unknown names, unsupported workloads, bad options and bugs, naming the flag', () => {
    expect(() => planRun({ ...base, db: 'nope' })).toThrow(/^--db: unknown db 'nope' \(known: .*plan-db/);
    expect(() => planRun({ ...base, workload: 'plan-other' })).toThrow('--workload: db plan-db has no client for workload plan-other (it supports: plan-w)');
    expect(() => planRun({ ...base, dbOptions: { mode: 'cloud' } })).toThrow("--db-option mode: expected one of local, external, got 'cloud'");
    expect(() => planRun({ ...base, workloadOptions: { model: 'x' } })).toThrow("--workload-option model: expected one of strict, weak, got 'x'");
    expect(() => planRun({ ...base, bug: 'typo' })).toThrow("--bug: db plan-db has no bug 'typo' (known: lose-writes)");
    expect(() => planRun({ ...base, nemesis: ['plan-nothing'] })).toThrow(/--nemesis: unknown nemesis 'plan-nothing'/);
  });

  it('refuses a fault the db cannot do, naming db, variant and fault', () => {
    expect(() => planRun({ ...base, nemesis: ['plan-freeze'] })).toThrow('--nemesis plan-freeze: db plan-db cannot pause and resume nodes');
    expect(() => planRun({ ...base, dbOptions: { mode: 'external' }, nemesis: ['plan-cut'] })).toThrow('--nemesis plan-cut: db plan-db (existing cluster) cannot cut the network between nodes');
  });

  it('refuses nemesis options no chosen fault declares, saying whose they are', () => {
    expect(() => planRun({ ...base, nemesis: ['plan-cut'], nemesisOptions: { 'cut-size': '2' } })).toThrow("--nemesis-option cut-size: no nemesis has an option 'cut-size' (options of plan-cut: cut-shape)");
    expect(() => planRun({ ...base, nemesis: [], nemesisOptions: { 'cut-shape': 'one' } })).toThrow('--nemesis-option cut-shape: option of nemesis plan-cut, which this run does not use (--nemesis none)');
  });
});

describe('createDb and capabilities', () => {
  it('derives capabilities from the Db object', () => {
    expect(capabilitiesOf(createDb('plan-db').db)).toEqual(['partition', 'packet-loss', 'kill']);
    expect(capabilitiesOf(createDb('plan-db', { dbOptions: { mode: 'external' } }).db)).toEqual(['kill']);
  });

  it('gives the clients the db declares, and refuses others', () => {
    const d = createDb('plan-db');
    expect(d.client('plan-w', {} as never)).toBe(client);
    expect(() => d.client('plan-other', {} as never)).toThrow('db plan-db has no client for workload plan-other');
  });
});

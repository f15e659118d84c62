// Network partitions through the Db's Net: random halves, one node isolated, a bridge, a ring of
// overlapping majorities, or the primaries isolated. Ops: start-partition (value: a shape or null
// for a random one), stop-partition.

import { FaultlineError } from '../src/errors.js';
import type { Db, Grudge, Nemesis, Test } from '../src/protocols.js';
import { opt } from '../src/plugin/options.js';
import { faultPackage } from '../src/plugin/nemesis-package.js';
import { bridge, halves, isolate, isolateOne, majoritiesRing } from './grudge.js';
import { defineNemesis } from './registry.js';
import { pickFavouringPrimaries } from './targets.js';

export const PARTITION_SHAPES = ['halves', 'one', 'bridge', 'majorities-ring', 'primaries'] as const;
export type PartitionShape = (typeof PARTITION_SHAPES)[number];
export const PARTITION_COLOR = '#e5484d';

export function partitionNemesis(db: Db, shapes: readonly PartitionShape[]): Nemesis {
  const net = (test: Test) => {
    const n = test.net;
    if (!n) throw new FaultlineError('UNSUPPORTED', `db ${db.name} has no network to partition`, '--nemesis partition');
    return n;
  };
  // Below 5 nodes a ring of majorities cuts every link in one direction, so over TCP nothing
  // works at all: a total outage, not a partition. Pick it at random only where it means one.
  const randomShapes = (n: number): readonly PartitionShape[] => {
    const ok = n >= 5 ? shapes : shapes.filter((x) => x !== 'majorities-ring');
    return ok.length ? ok : shapes;
  };
  return {
    fs: ['start-partition', 'stop-partition'],
    async setup(test) {
      net(test);
    },
    async invoke(test, op) {
      if (op.f === 'stop-partition') {
        await net(test).heal(test);
        return { type: 'info', value: 'healed' };
      }
      const shape = (typeof op.value === 'string' ? op.value : pickFavouringPrimaries(test, db, randomShapes(test.nodes.length))) as PartitionShape;
      const grudge = await grudgeFor(test, shape);
      await net(test).partition(test, grudge);
      return { type: 'info', value: { shape, grudge } };
    },
    async teardown(test) {
      await test.net?.heal(test);
    },
  };

  async function grudgeFor(test: Test, shape: PartitionShape): Promise<Grudge> {
    switch (shape) {
      case 'halves': return halves(test.nodes, test.rng);
      case 'one': return isolateOne(test.nodes, test.rng);
      case 'bridge': return bridge(test.nodes, test.rng);
      case 'majorities-ring': return majoritiesRing(test.nodes, test.rng);
      case 'primaries': {
        const p = db.primaries ? await db.primaries(test) : [];
        return p.length ? isolate(test.nodes, p) : isolateOne(test.nodes, test.rng);
      }
      default: throw new FaultlineError('BAD_ARGUMENT', `unknown partition shape '${String(shape)}' (known: ${PARTITION_SHAPES.join(', ')})`);
    }
  }
}

export const partitionPlugin = defineNemesis({
  name: 'partition',
  doc: 'network partitions: random halves, one node isolated, bridge, majorities ring, primaries',
  options: { partition: opt.list({ values: PARTITION_SHAPES, default: [...PARTITION_SHAPES], doc: 'the shapes picked from at random' }) },
  requires: ['partition'],
  create: (ctx) =>
    faultPackage({ name: 'partition', nemesis: partitionNemesis(ctx.db, ctx.options.partition), intervalS: ctx.intervalS, start: ['start-partition'], stop: 'stop-partition', color: PARTITION_COLOR }),
});

// Seed sweeps of the queue and log suites (issue 15): RabbitMQ quorum and classic queues and NATS
// JetStream (kafka and work-queue streams, replicas=3) under partitions and kills, one run per
// seed, each a full `faultline run` (containers, faults, final drain/polls, check). Prints one
// row per run and a markdown table of verdicts (the main checker's, then stats'). Usage:
//   npx tsx bench/queue-seeds.ts [--configs rabbitmq-quorum,rabbitmq-classic,nats-kafka,nats-queue]
//        [--seeds 1-5] [--time-limit 20] [--out /tmp/faultline-queue-bench]
import { parseArgs } from 'node:util';
import '../app/builtins.js';
import { runTest, type RunOptions } from '../src/run.js';
import type { CheckResult } from '../src/protocols.js';

const CONFIGS: Record<string, Omit<RunOptions, 'seed'> & { main: string }> = {
  'rabbitmq-quorum': { db: 'rabbitmq', workload: 'queue', nemesis: ['partition', 'kill'], dbOptions: { queue: 'quorum' }, main: 'queue' },
  'rabbitmq-classic': { db: 'rabbitmq', workload: 'queue', nemesis: ['partition', 'kill'], dbOptions: { queue: 'classic' }, main: 'queue' },
  'nats-kafka': { db: 'nats', workload: 'kafka', nemesis: ['partition', 'kill'], dbOptions: { replicas: 3 }, main: 'kafka' },
  'nats-queue': { db: 'nats', workload: 'queue', nemesis: ['partition', 'kill'], dbOptions: { replicas: 3 }, main: 'queue' },
};

const { values: a } = parseArgs({
  options: {
    configs: { type: 'string', default: Object.keys(CONFIGS).join(',') },
    seeds: { type: 'string', default: '1-5' },
    'time-limit': { type: 'string', default: '20' },
    out: { type: 'string', default: '/tmp/faultline-queue-bench' },
  },
});

const [lo, hi] = a.seeds!.split('-').map(Number) as [number, number];
const rows: string[] = [];
for (const name of a.configs!.split(',')) {
  const c = CONFIGS[name];
  if (!c) throw new Error(`unknown config ${name} (known: ${Object.keys(CONFIGS).join(', ')})`);
  for (let seed = lo; seed <= (hi ?? lo); seed++) {
    const t = performance.now();
    let line: string;
    try {
      const o = await runTest({ ...c, seed, timeLimitS: Number(a['time-limit']), out: a.out, quiet: true });
      const main = (o.results.results?.[c.main] ?? {}) as CheckResult;
      const stats = o.results.results?.stats as CheckResult | undefined;
      const lost = (main.lost as unknown[] | undefined) ?? [];
      line = `| ${name} | ${seed} | ${String(o.valid)} | ${String(main.valid)} | ${String(main.summary ?? '').replace(/\|/g, '/')}${lost.length ? ` (lost e.g. ${JSON.stringify(lost.slice(0, 5))})` : ''} | ${String(stats?.summary ?? '')} | ${((performance.now() - t) / 1000).toFixed(0)} s |`;
      console.log(`${name} seed ${seed}: ${String(o.valid)} ${o.dir}`);
    } catch (e) {
      line = `| ${name} | ${seed} | crashed | - | ${(e as Error).message.split('\n')[0]} | | ${((performance.now() - t) / 1000).toFixed(0)} s |`;
      console.log(`${name} seed ${seed}: crashed: ${(e as Error).message}`);
    }
    rows.push(line);
  }
}
console.log(['', '| config | seed | run verdict | main checker | summary | stats | wall |', '|---|---|---|---|---|---|---|', ...rows].join('\n'));
process.exit(0);

// NATS JetStream 2.9 (Debian's nats-server, three containers) against its documentation: a
// stream with three replicas tolerates the loss of one server (Raft: a new leader among the
// others keeps accepting and serving messages), and an acknowledged message is stored; a stream
// with one replica is unavailable while its server is down and has its messages back after a
// restart (a killed process leaves its writes in the page cache). The kafka workload under
// partitions and kills with replicas=3 must be valid, with offset timelines in the report. Clock
// faults are refused with the reason (nats-server is a Go program).

import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fakeTest, leftovers, prepareDocker, testRunId } from './docker-helpers.js';
import { createDb } from '../src/plugin/plan.js';
import { readHistoryFile } from '../src/history-io.js';
import type { ContainerDb } from '../src/docker/container-db.js';
import '../app/builtins.js';
import { NatsKafkaClient } from '../dbs/nats/clients.js';
import type { NatsOptions } from '../dbs/nats/index.js';
import { checkKafka } from '../checkers/kafka/analysis.js';
import type { Client } from '../src/protocols.js';
import type { Op } from '../src/history.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = (args: string[], timeout = 400_000) => spawnSync(process.execPath, ['bin/faultline.js', 'run', '--db', 'nats', '--quiet', ...args], { cwd: root, encoding: 'utf8', timeout });

describe('faultline run --db nats', () => {
  it('refuses clock faults, saying why', () => {
    const r = cli(['--workload', 'kafka', '--nemesis', 'clock', '--time-limit', '5'], 60_000);
    expect(r.status).toBe(254);
    expect(r.stderr).toMatch(/nats-server is written in Go/);
  });

  describe('with Docker', () => {
    beforeAll(prepareDocker);

    it('the kafka workload with replicas=3 under partitions and kills is valid, with offset timelines', async () => {
      const out = mkdtempSync(join(tmpdir(), 'faultline-nats-run-'));
      const r = cli(['--workload', 'kafka', '--db-option', 'replicas=3', '--nemesis', 'partition,kill', '--time-limit', '15', '--seed', '2', '--out', out]);
      const testDir = join(out, 'nats-kafka');
      const dir = join(testDir, readdirSync(testDir).find((d) => d !== 'latest')!);
      const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { results: { kafka: { valid: unknown; summary: string; counts: { sends: number; polls: number } } } };
      const kafka = results.results.kafka;
      expect(kafka.valid, kafka.summary).toBe(true);
      // How much gets through depends on where the faults land (a cut-off node plus a killed
      // leader leaves no quorum, and JetStream answers 503 until one is back: 9 to 376
      // acknowledged sends for seed 2 on this machine); the claim is validity, with some traffic.
      expect(kafka.counts.sends, kafka.summary).toBeGreaterThanOrEqual(5);
      expect(kafka.counts.polls, kafka.summary).toBeGreaterThanOrEqual(5);
      const history = readHistoryFile(join(dir, 'history.jsonl'));
      expect(history.some((o) => o.process === 'nemesis' && o.type !== 'invoke' && (o.f === 'kill' || o.f === 'start-partition') && !o.error)).toBe(true);
      expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('Offsets of key');
      const info = JSON.parse(readFileSync(join(dir, 'test.json'), 'utf8')) as { runId: string };
      expect(await leftovers(info.runId)).toEqual([]);
      // The run's verdict may also carry stats' liveness rule; the kafka checker's is the one that matters here.
      expect([0, 1, 2], `${r.stdout}\n${r.stderr}`).toContain(r.status);
    }, 420_000);

    for (const replicas of [3, 1]) {
      it(`killing the stream leader with replicas=${replicas}: ${replicas === 3 ? 'still available' : 'unavailable until it restarts'}, nothing lost`, async () => {
        const nodes = ['n1', 'n2', 'n3'];
        const db = createDb<ContainerDb<NatsOptions>>('nats', { dbOptions: { replicas: String(replicas), 'timeout-ms': '1500' } }).db;
        const test = fakeTest(db, nodes, testRunId(`nats${replicas}`));
        await db.setup(test);
        try {
          const proto = new NatsKafkaClient(db);
          // A run sets its workload up through a client opened on the first node; so does this.
          const first = await proto.open(test, 'n1');
          await first.setup!(test);
          await first.close?.(test);
          const [leader] = await db.primaries!(test);
          expect(nodes).toContain(leader);
          const other = nodes.find((n) => n !== leader)!;
          const c = await proto.open(test, other);
          const h: Op[] = [];
          const call = async (cl: Client, f: string, value: unknown) => {
            h.push({ index: h.length, time: test.now(), type: 'invoke', process: 0, f, value });
            const r = await cl.invoke(test, { index: 0, time: 0, type: 'invoke', process: 0, f, value });
            h.push({ index: h.length, time: test.now(), process: 0, f, ...r, value: r.value ?? value });
            return r;
          };
          for (let i = 0; i < 10; i++) expect((await call(c, 'send', { key: '0', msg: i })).type).toBe('ok');
          await db.kill(test, leader!);
          let sent = { type: 'fail' } as { type: string };
          for (let t = Date.now(), i = 100; Date.now() - t < 20_000 && sent.type !== 'ok'; i++) sent = await call(c, 'send', { key: '0', msg: i });
          expect(sent.type === 'ok', JSON.stringify(sent)).toBe(replicas === 3);
          await db.start(test, leader!);
          const got: unknown[] = [];
          for (let t = Date.now(), from = 1; Date.now() - t < 60_000; ) {
            const r = (await call(c, 'poll', { offsets: { '0': from } })) as { type: string; value?: { msgs?: Record<string, Array<[number, unknown]>> } };
            const pairs = r.value?.msgs?.['0'] ?? [];
            if (r.type === 'ok' && !pairs.length && got.length >= 10) break;
            for (const [o, m] of pairs) (got.push(m), (from = o + 1));
          }
          expect(got.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => i));
          const verdict = checkKafka(h);
          expect(verdict.valid, String(verdict.summary)).toBe(true);
          await c.close?.(test);
        } finally {
          await db.teardown(test);
        }
        expect(await leftovers(test.runId)).toEqual([]);
      }, 300_000);
    }
  });
});

// A matrix spread over CI runners: 8 cells against the built-in Raft cluster run whole, and run
// as 4 shards merged with `faultline merge`, give the same verdicts and the same JUnit (times
// aside); a shard that did not report makes the merged verdict unknown; --emit github-matrix
// prints one job per shard.

import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/faultline.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'fl-shards-'));
const cfg = join(tmp, 'matrix.json');
writeFileSync(cfg, JSON.stringify({ dbs: ['raft'], workloads: ['register', 'set'], nemeses: ['none', 'partition'], seeds: [1, 2], timeLimit: 2, nodes: 3 }));
const fl = (args: string[]) => execa('node', [BIN, ...args], { reject: false, env: { FORCE_COLOR: '0', GITHUB_ACTIONS: '' } });
const junit = (f: string) => readFileSync(f, 'utf8').replace(/ time="[^"]*"/g, '').replace(/ timestamp="[^"]*"/g, '');
const verdicts = (out: string) => out.split('\n').filter((l) => /^\[\d+\/\d+\] /.test(l)).map((l) => l.replace(/^\[\d+\/\d+\] (\S+) (.*?)  .*$/, '$2 $1')).sort();

describe('test-all --shard and faultline merge', () => {
  it('refuses a bad shard, and prints the GitHub job matrix', async () => {
    for (const bad of ['0/4', '5/4', '2', 'a/b']) {
      const r = await fl(['test-all', cfg, '--shard', bad, '--dry-run']);
      expect(r.exitCode, bad).toBe(254);
      expect(r.stderr).toMatch(/--shard: expected K\/N with 1 <= K <= N/);
    }
    const dry = await fl(['test-all', cfg, '--shard', '2/4', '--dry-run']);
    expect(dry.stdout).toMatch(/^2 runs \(shard 2\/4 of 8 cells\)$/m);
    const m = await fl(['test-all', cfg, '--emit', 'github-matrix', '--shards', '4']);
    expect(m.exitCode).toBe(0);
    const matrix = JSON.parse(m.stdout) as { include: Array<{ shard: string; cells: string }> };
    expect(matrix.include.map((j) => j.shard)).toEqual(['1/4', '2/4', '3/4', '4/4']);
    expect(matrix.include.flatMap((j) => j.cells.split('; ')).length).toBe(8);
    expect(JSON.parse((await fl(['test-all', cfg, '--emit', 'github-matrix'])).stdout).include).toHaveLength(8);
  });

  it('4 shards merged give the verdicts and JUnit of the whole matrix; a missing shard is unknown', async () => {
    const whole = await fl(['test-all', cfg, '--out', join(tmp, 'whole'), '--junit', join(tmp, 'whole.xml')]);
    expect(whole.exitCode, whole.stdout + whole.stderr).toBe(0);
    for (let k = 1; k <= 4; k++) {
      const r = await fl(['test-all', cfg, '--shard', `${k}/4`, '--out', join(tmp, `shard-${k}`)]);
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
      expect(existsSync(join(tmp, `shard-${k}`, `test-all-shard-${k}-of-4.json`))).toBe(true);
    }
    const shards = [1, 2, 3, 4].map((k) => join(tmp, `shard-${k}`));
    const merged = await fl(['merge', ...shards, '--out', join(tmp, 'merged'), '--junit', join(tmp, 'merged.xml')]);
    expect(merged.exitCode, merged.stdout + merged.stderr).toBe(0);
    expect(verdicts(merged.stdout)).toEqual(verdicts(whole.stdout));
    expect(verdicts(merged.stdout)).toHaveLength(8);
    expect(junit(join(tmp, 'merged.xml'))).toBe(junit(join(tmp, 'whole.xml')));
    const index = readFileSync(join(tmp, 'merged', 'index.html'), 'utf8');
    expect(index).toMatch(/8 of 8 cells reported/);
    // Each link leads to a report that exists.
    const links = [...index.matchAll(/href="([^"]+)"/g)].map((x) => x[1]!);
    expect(links).toHaveLength(8);
    for (const l of links) expect(existsSync(join(tmp, 'merged', l)), l).toBe(true);

    const partial = await fl(['merge', ...shards.slice(0, 3)]);
    expect(partial.exitCode).toBe(2);
    expect(partial.stdout).toMatch(/not reported by any shard: 2 of 8 cells/);
    const twice = await fl(['merge', shards[0]!, shards[0]!]);
    expect(twice.exitCode).toBe(254);
    expect(twice.stderr).toMatch(/reported twice/);
    const none = await fl(['merge', tmp + '/nope']);
    expect(none.exitCode).toBe(254);
    expect(none.stderr).toMatch(/no such results folder/);
  }, 600_000);
});

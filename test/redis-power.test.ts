// Power failures on Redis (issue 18): a single Redis with `appendfsync everysec` (the default)
// acknowledges writes it has not fsynced, so a power failure (lazyfs forgets them) loses up to a
// second of acknowledged adds, which the set checker lists; Redis's own documentation says as
// much. With `appendfsync always` the same fault loses nothing. A loss needs the power to go
// while writes are unsynced, so the everysec case tries up to three seeds.

import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { leftovers, NODE_TOOLS_SETUP_MS, prepareNodeTools } from './docker-helpers.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function run(appendfsync: string, seed: number): { code: number | null; out: string; report: string; runId: string } {
  const out = mkdtempSync(join(tmpdir(), 'faultline-redis-power-'));
  const args = ['bin/faultline.js', 'run', '--db', 'redis', '--db-option', 'topology=single', '--db-option', `appendfsync=${appendfsync}`, '--nodes', '1',
    '--workload', 'set', '--nemesis', 'power', '--nemesis-option', 'power=all', '--time-limit', '15', '--seed', String(seed), '--quiet', '--out', out];
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', timeout: 150_000 });
  const testDir = join(out, 'redis-set');
  const runs = existsSync(testDir) ? readdirSync(testDir).filter((d) => d !== 'latest') : [];
  const dir = runs.length ? join(testDir, runs[0]!) : '';
  const report = dir && existsSync(join(dir, 'report.html')) ? readFileSync(join(dir, 'report.html'), 'utf8') : '';
  const runId = dir ? (JSON.parse(readFileSync(join(dir, 'test.json'), 'utf8')) as { runId: string }).runId : '';
  return { code: r.status, out: `${r.stdout}\n${r.stderr}`, report, runId };
}

beforeAll(prepareNodeTools, NODE_TOOLS_SETUP_MS);

describe('power failures on Redis', () => {
  it('appendfsync everysec: acknowledged adds are lost and listed', async () => {
    const tried: string[] = [];
    let lost: RegExpExecArray | null = null;
    for (const seed of [1, 2, 3]) {
      const r = run('everysec', seed);
      expect(await leftovers(r.runId)).toEqual([]);
      expect([0, 1], r.out).toContain(r.code);
      lost = /(\d+) lost/.exec(r.out);
      tried.push(`seed ${seed}: exit ${r.code}, ${lost?.[0] ?? 'no count'}`);
      if (r.code === 1 && lost && Number(lost[1]) > 0) {
        expect(r.out).toMatch(/lost: \d+/);
        expect(r.report).toContain('id="storage-faults"');
        return;
      }
    }
    expect.fail(`no acknowledged add lost in seeds 1-3: ${tried.join('; ')}`);
  }, 480_000);

  it('appendfsync always: nothing acknowledged is lost', async () => {
    const r = run('always', 1);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/ 0 lost/);
    expect(r.report).toContain('id="storage-faults"');
    expect(await leftovers(r.runId)).toEqual([]);
  }, 180_000);
});

// The worker pool: it starts, runs a registered task, and never keeps the process alive (a CLI
// that used the pool must exit by itself when its work is done).

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { poolCapacity } from './pool.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe.skipIf(poolCapacity() === 0)('worker pool', () => {
  it('lets the process exit once the work is done', () => {
    const script = [
      `import { checkLinearizable } from './checkers/linearizable/index.ts';`,
      `import { poolReady } from './src/parallel/pool.ts';`,
      `const ready = await poolReady();`,
      `const h = [];`,
      `for (let i = 0; i < 300; i++) { const k = 'k' + (i % 4); h.push({ index: 2 * i, time: 2 * i, type: 'invoke', process: 0, f: 'write', value: [k, i] }, { index: 2 * i + 1, time: 2 * i + 1, type: 'ok', process: 0, f: 'write', value: [k, i] }); }`,
      `const r = checkLinearizable(h, { model: 'cas-register' });`,
      `console.log(JSON.stringify({ ready, valid: r.valid, threads: r.stats.threads }));`,
    ].join('\n');
    const t = Date.now();
    const out = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(out.status, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout.trim())).toEqual({ ready: 1, valid: true, threads: 2 });
    expect(Date.now() - t).toBeLessThan(60_000);
  }, 90_000);
});

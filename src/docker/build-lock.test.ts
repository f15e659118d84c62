// The image build lock: holders of one image's lock run one after another; a lock left by a dead
// process is taken over instead of waited for.
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withBuildLock } from './build-lock.js';

describe('withBuildLock', () => {
  it('runs the holders of one lock one at a time, other locks meanwhile', async () => {
    const ref = `faultline/test-lock:${process.pid}-${Date.now()}`;
    const events: string[] = [];
    const hold = (name: string, r: string) => withBuildLock(r, async () => {
      events.push(`${name}+`);
      await new Promise((res) => setTimeout(res, 150));
      events.push(`${name}-`);
    }, 20);
    await Promise.all([hold('a', ref), hold('b', ref), hold('c', ref + 'x')]);
    const ab = events.filter((e) => !e.startsWith('c'));
    expect(ab).toEqual([ab[0], ab[0]!.replace('+', '-'), ab[2], ab[2]!.replace('+', '-')]);
    expect(events.indexOf('c+')).toBeLessThan(events.indexOf('a-') > events.indexOf('b-') ? events.indexOf('a-') : events.indexOf('b-'));
  });

  it('takes over a lock whose holder is gone', async () => {
    const ref = `faultline/test-stale:${process.pid}-${Date.now()}`;
    const lock = join(tmpdir(), 'faultline-build-locks', ref.replace(/[^\w.-]/g, '_') + '.lock');
    mkdirSync(lock, { recursive: true });
    writeFileSync(join(lock, 'pid'), '2147483646');
    expect(await withBuildLock(ref, async () => 'built', 20)).toBe('built');
  });
});

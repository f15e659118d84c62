import { describe, expect, it } from 'vitest';
import { faketimeOffset, systemClock } from './fault-tools.js';
import type { Test } from './protocols.js';

describe('systemClock', () => {
  it('accumulates bumps per node into libfaketime offsets and resets exactly the nodes named', async () => {
    const writes: string[] = [];
    const clock = systemClock('libfaketime', async (n, ms) => void writes.push(`${n} ${faketimeOffset(ms).trim()}`));
    const t = {} as Test;
    await clock.bump(t, 'n1', 1500);
    await clock.bump(t, 'n1', -2250);
    await clock.bump(t, 'n2', 40);
    await clock.reset(t, ['n1']);
    expect(writes).toEqual(['n1 +1.500', 'n1 -0.750', 'n2 +0.040', 'n1 +0.000']);
  });

  it('refuses, with the reason, where the server ignores libfaketime', async () => {
    const clock = systemClock({ unsupported: 'a Go server' }, async () => {});
    expect(clock.supported).toBe(false);
    await expect(clock.bump({} as Test, 'n1', 5)).rejects.toThrow('clock faults: a Go server');
  });
});

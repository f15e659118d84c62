// The Galera group name fits the 32 characters Galera's handshake carries, is the same for
// every node of a run and differs between runs.

import { describe, expect, it } from 'vitest';
import { galeraClusterName } from './system.js';

describe('galeraClusterName', () => {
  it('keeps a short run id readable', () => {
    expect(galeraClusterName('fl-mxaio6lu-4b7bdd')).toBe('faultline-fl-mxaio6lu-4b7bdd');
  });

  it('digests a long run id into at most 32 characters, distinct per run', () => {
    const a = galeraClusterName('t-galera-dbg-6848-mxairn1i');
    const b = galeraClusterName('t-galera-dbg-6848-mxairn1j');
    expect(a.length).toBeLessThanOrEqual(32);
    expect(b.length).toBeLessThanOrEqual(32);
    expect(a).not.toBe(b);
    expect(galeraClusterName('t-galera-dbg-6848-mxairn1i')).toBe(a);
  });
});

// The report's storage-fault section: drawn from the nemesis ops only, escaped, and absent from
// runs without storage faults.

import { describe, expect, it } from 'vitest';
import type { Op } from '../../src/history.js';
import { renderStorageFaults } from './storage-faults.js';

const op = (index: number, f: string, value: unknown, extra: Partial<Op> = {}): Op => ({ index, time: index * 1e9, type: 'info', process: 'nemesis', f, value, ...extra });

describe('renderStorageFaults', () => {
  it('is empty without storage faults', () => {
    expect(renderStorageFaults([op(1, 'start-partition', 'majority'), { index: 2, time: 0, type: 'ok', process: 0, f: 'read', value: 1 }])).toBe('');
  });

  it('lists power failures with what was at risk, and each restart with its outcome and log', () => {
    const html = renderStorageFaults([
      op(1, 'power-off', { nodes: ['n1'], failures: [{ node: 'n1', atRisk: { unsyncedFiles: 2, savedBytes: 4096, pendingNamespaceOps: 1 }, ok: true, undoErrors: 0 }] }),
      op(2, 'power-on', { restarts: [{ node: 'n1', outcome: 'exited', exitCode: 2, afterMs: 900, log: ['panic: <wal> corrupt'] }] }),
    ]);
    expect(html).toContain('id="storage-faults"');
    expect(html).toContain('2 file(s) with unsynced writes (4.0 KiB');
    expect(html).toContain('exited with code 2');
    expect(html).toContain('panic: &lt;wal&gt; corrupt');
    expect(html).not.toContain('<wal>');
  });

  it('lists flipped bits, truncations, a full disk, and errors', () => {
    const html = renderStorageFaults([
      op(1, 'flip-bits', { corruptions: [{ node: 'n2', fileKind: 'wal', file: 'member/wal/0.wal', sizeBefore: 100, flips: [{ offset: 5, bit: 3, before: 0, after: 8 }] }, { node: 'n3', error: 'no non-empty wal file' }] }),
      op(2, 'truncate-file', { corruptions: [{ node: 'n1', fileKind: 'db', file: 'db', sizeBefore: 2048, sizeAfter: 1024 }] }),
      op(3, 'fill-disk', { filled: [{ node: 'n1', availBefore: 10, availAfter: 0, ballastBytes: 10, probe: 'No space left on device' }] }, { error: 'disk not full on n2' }),
    ]);
    expect(html).toContain('flipped 1 bit(s) at 5:3');
    expect(html).toContain('no non-empty wal file');
    expect(html).toContain('truncated to 1.0 KiB');
    expect(html).toContain('probe write: No space left on device');
    expect(html).toContain('disk not full on n2');
  });
});

// The pure parts of the container layer's storage faults: which bits a bitflip picks, how much a
// truncation drops, which log lines a restart record keeps, and how a node is laid out (what
// privileges it gets) for each kind of fault.

import { describe, expect, it } from 'vitest';
import { createRng } from '../rng.js';
import { dropBytes, flipPositions, logSince } from './storage.js';
import { DISK_DIR, layoutEnv, layoutHostConfig, needsTools, nodeLayout, wrapCommand } from './node-layout.js';
import { CLOCKSHIFT, SUPERVISE } from './node-tools.js';

describe('flipPositions', () => {
  it('picks distinct offsets inside the file, sorted, a bit 0-7 each', () => {
    const rng = createRng(7);
    for (const [size, bits] of [[1, 8], [5, 5], [100, 8], [64_000_000, 16]] as const) {
      const f = flipPositions(size, bits, () => rng.next());
      expect(f).toHaveLength(Math.min(size, bits));
      expect(new Set(f.map((x) => x.offset)).size).toBe(f.length);
      for (const x of f) {
        expect(x.offset).toBeGreaterThanOrEqual(0);
        expect(x.offset).toBeLessThan(size);
        expect(x.bit).toBeGreaterThanOrEqual(0);
        expect(x.bit).toBeLessThanOrEqual(7);
      }
      expect(f.map((x) => x.offset)).toEqual([...f.map((x) => x.offset)].sort((a, b) => a - b));
    }
  });

  it('is a function of the random source (the same seed flips the same bits)', () => {
    const a = createRng(3);
    const b = createRng(3);
    expect(flipPositions(10_000, 8, () => a.next())).toEqual(flipPositions(10_000, 8, () => b.next()));
  });
});

describe('dropBytes', () => {
  it('drops between 1 byte and the whole file, small tails as well as whole files', () => {
    const rng = createRng(11);
    const drops = Array.from({ length: 2000 }, () => dropBytes(1_000_000, () => rng.next()));
    for (const d of drops) {
      expect(d).toBeGreaterThanOrEqual(1);
      expect(d).toBeLessThanOrEqual(1_000_000);
    }
    // Log-uniform: torn tails of under 1 KiB and drops of over half the file both occur.
    expect(drops.some((d) => d < 1024)).toBe(true);
    expect(drops.some((d) => d > 500_000)).toBe(true);
    expect(dropBytes(1, () => 0.5)).toBe(1);
    expect(dropBytes(0, () => 0.5)).toBe(0);
  });
});

describe('logSince', () => {
  const log = [
    '2026-12-05T10:00:00.000000000Z old line',
    '2026-12-05T10:00:05.100000000Z first after',
    'not a docker line',
    '2026-12-05T10:00:05.200000000Z second after',
    '2026-12-05T10:00:05.300000000Z ',
  ].join('\n');

  it('keeps the lines from the restart on, without timestamps or empty lines', () => {
    expect(logSince(log, Date.parse('2026-12-05T10:00:05.000Z'))).toEqual(['first after', 'second after']);
  });

  it('keeps the head and the tail of a long log and says how much it left out', () => {
    const many = Array.from({ length: 40 }, (_, i) => `2026-12-05T10:00:06.${String(i).padStart(3, '0')}000000Z line ${i}`).join('\n');
    const out = logSince(many, 0, 2, 3);
    expect(out).toEqual(['line 0', 'line 1', '… 35 line(s) left out …', 'line 37', 'line 38', 'line 39']);
  });

  it('cuts very long lines', () => {
    const out = logSince(`2026-12-05T10:00:06.000Z ${'x'.repeat(1000)}`, 0, 5, 5, 10);
    expect(out).toEqual([`${'x'.repeat(10)}…`]);
  });
});

describe('node layout', () => {
  it('without storage or clock faults: the volume at the data directory, no tools, no privileges', () => {
    const l = nodeLayout('/data');
    expect(needsTools(l)).toBe(false);
    expect(wrapCommand(l, ['etcd'])).toEqual(['etcd']);
    const h = layoutHostConfig(l, 'vol');
    expect(h.Mounts).toEqual([{ Type: 'volume', Source: 'vol', Target: '/data' }]);
    expect(h.CapAdd).toBeUndefined();
    expect(h.Devices).toBeUndefined();
  });

  it('power: lazyfs over the data directory, /dev/fuse and CAP_SYS_ADMIN for this container only', () => {
    const l = nodeLayout('/data', { lazyfs: true });
    expect(l.supervised).toBe(true);
    expect(l.diskPath).toBe(DISK_DIR);
    expect(wrapCommand(l, ['etcd', '--x'])).toEqual([SUPERVISE, 'etcd', '--x']);
    expect(layoutEnv(l)).toEqual({ FAULTLINE_LAZYFS_STORE: `${DISK_DIR}/lazyfs`, FAULTLINE_LAZYFS_MNT: '/data' });
    const h = layoutHostConfig(l, 'vol');
    expect(h.Mounts).toEqual([{ Type: 'volume', Source: 'vol', Target: DISK_DIR }]);
    expect(h.CapAdd).toEqual(['SYS_ADMIN']);
    expect(h.Devices).toEqual([{ PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' }]);
  });

  it('disk-full: a tmpfs of the asked size, no privileges; clock: clockshift around the server', () => {
    const l = nodeLayout('/data', { diskBytes: 64 << 20, clockshift: true });
    expect(l.supervised).toBe(true);
    const h = layoutHostConfig(l, 'vol');
    expect(h.Mounts).toEqual([{ Type: 'tmpfs', Source: '', Target: '/data', TmpfsOptions: { SizeBytes: 64 << 20, Mode: 0o755 } }]);
    expect(h.CapAdd).toBeUndefined();
    expect(wrapCommand(l, ['etcd'])).toEqual([SUPERVISE, CLOCKSHIFT, expect.any(String), 'etcd']);
  });
});

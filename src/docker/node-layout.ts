// How a node's container is laid out for the faults a run uses. Without storage or clock faults
// it is what it always was: the data volume at the data directory, the server under tini. With
// them:
// - supervised (any storage fault): the server runs under faultline's supervisor, so it can be
//   killed and started again while the container, its mounts and lazyfs stay up;
// - lazyfs (power): the volume (or tmpfs) moves to DISK_DIR, lazyfs keeps its store there and is
//   mounted at the data directory; the container gets /dev/fuse and CAP_SYS_ADMIN, nothing more;
// - a small tmpfs (disk-full) instead of the volume, which the nemesis fills with a ballast file;
// - clockshift (clock faults on servers that bypass libc): the server's wall clock reads
//   FAKETIME_FILE's offset.
// Everything lives inside the container: removing it removes mounts, tmpfs and processes.

import { existsSync } from 'node:fs';
import type Docker from 'dockerode';
import { CLOCKSHIFT, SUPERVISE } from './node-tools.js';
import { FAKETIME_FILE } from './system-image.js';
import { DEFAULT_DISK_MIB } from '../storage-faults.js';

/** Where the node's disk (volume or tmpfs) goes when lazyfs takes the data directory. */
export const DISK_DIR = '/var/lib/faultline/disk';

export interface NodeLayoutNeeds {
  /** Run the server under the supervisor (kill and restart the server alone). */
  supervised?: boolean;
  /** lazyfs under the data directory (implies supervised). */
  lazyfs?: boolean;
  /** A tmpfs of this size for the node's disk instead of a volume (implies supervised). */
  diskBytes?: number;
  /** Start the server under clockshift. */
  clockshift?: boolean;
}

export interface NodeLayout {
  readonly dataPath: string;
  readonly supervised: boolean;
  readonly lazyfs: boolean;
  readonly diskBytes?: number;
  readonly clockshift: boolean;
  /** Mount point of the node's disk: the data directory, or DISK_DIR under lazyfs. */
  readonly diskPath: string;
  /** Where the disk-full ballast goes (on the disk, outside lazyfs so a power failure keeps it). */
  readonly ballastDir: string;
}

export function nodeLayout(dataPath: string, needs: NodeLayoutNeeds = {}): NodeLayout {
  const lazyfs = !!needs.lazyfs;
  const supervised = !!(needs.supervised || lazyfs || needs.diskBytes);
  const diskPath = lazyfs ? DISK_DIR : dataPath;
  return { dataPath, supervised, lazyfs, diskBytes: needs.diskBytes, clockshift: !!needs.clockshift, diskPath, ballastDir: diskPath };
}

/**
 * What a run's faults need of its nodes, from the capabilities its nemeses require and their
 * options (`disk-size` in MiB): what a Db's `prepareFaults` hands to its DockerCluster.
 * `clockshift`: the server's clock faults go through clockshift (it bypasses libc).
 */
export function layoutForFaults(capabilities: readonly string[], options: Readonly<Record<string, unknown>>, clockshift = false): NodeLayoutNeeds {
  const has = (c: string) => capabilities.includes(c);
  const mib = typeof options['disk-size'] === 'number' ? options['disk-size'] : DEFAULT_DISK_MIB;
  return {
    supervised: has('corrupt') || has('power') || has('disk-full'),
    lazyfs: has('power'),
    ...(has('disk-full') ? { diskBytes: Math.round(mib * 1024 * 1024) } : {}),
    clockshift: has('clock') && clockshift,
  };
}

/** Whether the layout needs the tools copied into the node. */
export function needsTools(l: NodeLayout): boolean {
  return l.supervised || l.clockshift;
}

/** The node's command, wrapped by the supervisor and clockshift as the layout says. */
export function wrapCommand(l: NodeLayout, cmd: readonly string[]): string[] {
  return [...(l.supervised ? [SUPERVISE] : []), ...(l.clockshift ? [CLOCKSHIFT, FAKETIME_FILE] : []), ...cmd];
}

/** Environment the supervisor reads. */
export function layoutEnv(l: NodeLayout): Record<string, string> {
  return l.lazyfs ? { FAULTLINE_LAZYFS_STORE: `${DISK_DIR}/lazyfs`, FAULTLINE_LAZYFS_MNT: l.dataPath } : {};
}

/** Mounts and the privileges the layout needs (Docker's HostConfig fields). */
export function layoutHostConfig(l: NodeLayout, volume: string): {
  Mounts: Docker.MountConfig;
  Devices?: Array<{ PathOnHost: string; PathInContainer: string; CgroupPermissions: string }>;
  CapAdd?: string[];
  SecurityOpt?: string[];
} {
  const disk: Docker.MountSettings = l.diskBytes
    ? { Type: 'tmpfs', Source: '', Target: l.diskPath, TmpfsOptions: { SizeBytes: l.diskBytes, Mode: 0o755 } }
    : { Type: 'volume', Source: volume, Target: l.diskPath };
  if (!l.lazyfs) return { Mounts: [disk] };
  return {
    Mounts: [disk],
    Devices: [{ PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' }],
    CapAdd: ['SYS_ADMIN'],
    // Docker's default AppArmor profile forbids mount(2); only where AppArmor is enabled.
    SecurityOpt: existsSync('/sys/kernel/security/apparmor') ? ['apparmor=unconfined'] : [],
  };
}

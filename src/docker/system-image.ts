// The image of a declared system: faultline's registry-free Debian base, then one layer of the
// tools every fault needs (identical in every image, so Docker builds it once and shares it),
// then the system's own Debian packages. The Dockerfile is generated from the declaration and
// cached by its hash, so a system needs no recipe file of its own.

import { writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import type { SystemSpec } from '../system.js';
import { ensureImage, type BuildOptions } from './images.js';

/** What faults need inside every node: iptables and tc, libfaketime, an init, ps. */
export const TOOL_PACKAGES = ['iproute2', 'iptables', 'faketime', 'libfaketime', 'tini', 'ca-certificates', 'procps'] as const;

const apt = (packages: readonly string[], before = ''): string =>
  `RUN ${before}apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ` +
  `${packages.join(' ')} && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb`;

/** Where libfaketime's offset file lives inside a node (read by the preloaded library). */
export const FAKETIME_FILE = '/var/lib/faultline/faketime';

export function dockerfileFor(spec: Pick<SystemSpec, 'name' | 'packages' | 'imageSteps' | 'dataPath'>): string {
  return [
    `# faultline image for ${spec.name}, generated from its declaration.`,
    'ARG BASE=faultline/base:latest',
    'FROM ${BASE}',
    apt(TOOL_PACKAGES),
    // Some post-install scripts (a JRE's update-alternatives) link man pages: the base has no man directories.
    ...(spec.packages.length ? [apt(spec.packages, 'mkdir -p /usr/share/man/man1 && ')] : []),
    ...(spec.imageSteps ?? []),
    `RUN mkdir -p ${spec.dataPath} /var/log/faultline ${dirname(FAKETIME_FILE)} && echo +0 > ${FAKETIME_FILE}`,
    'ENTRYPOINT ["/usr/bin/tini", "-g", "--"]',
    '',
  ].join('\n');
}

/** Builds (or finds) the system's image; returns its reference. */
export async function ensureSystemImageFor(spec: SystemSpec<never>, opts: BuildOptions = {}): Promise<string> {
  const text = dockerfileFor(spec);
  const id = createHash('sha256').update(text).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), `faultline-recipe-${spec.name}-${id}`);
  await mkdir(dir, { recursive: true });
  writeFileSync(join(dir, 'Dockerfile'), text);
  return ensureImage(spec.name, dir, opts);
}


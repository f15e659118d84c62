// `faultline images build [--system NAME] [--force]`: builds the registry-free base image and
// the per-system node images (cached by recipe hash, so a second call is instant).

import type { Command } from 'commander';
import { ensureBaseImage, ensureSystemImage, systems } from '../../src/docker/images.js';
import { note, say } from '../output.js';

export function register(program: Command): void {
  const images = program.command('images').description('Container images for Docker-backed databases');
  images
    .command('build')
    .description('Build the base image (debootstrap, no registry) and the images of every system, or of one')
    .option('--system <name>', 'build only this system (e.g. etcd)')
    .option('--force', 'rebuild even if an image with the same recipe hash exists')
    .option('--base <image>', 'base image to build systems on (e.g. debian:bookworm-slim where a registry is reachable)')
    .action(async (o: { system?: string; force?: boolean; base?: string }) => {
      const log = { info: (m: string) => note(`images: ${m}`) };
      const t0 = Date.now();
      if (!o.base) say(await ensureBaseImage({ force: o.force, log }));
      for (const s of o.system ? [o.system] : await systems()) {
        say(await ensureSystemImage(s, { force: o.force, log, base: o.base }));
      }
      log.info(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    });
}

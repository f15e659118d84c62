// `faultline images build [--system NAME] [--force]`: builds the registry-free base image and
// the per-system node images, and the node-tools image (lazyfs, clockshift) storage and clock
// faults put into nodes; all cached by recipe hash, so a second call is instant.

import type { Command } from 'commander';
import { ensureBaseImage, ensureSystemImage, systems } from '../../src/docker/images.js';
import { ensureSystemImageFor } from '../../src/docker/system-image.js';
import { ensureNodeToolsImage } from '../../src/docker/node-tools.js';

const NODE_TOOLS = 'node-tools';
import { dbs } from '../../src/plugin/registry.js';
import { FaultlineError } from '../../src/errors.js';
import { note, say } from '../output.js';
import { addEngineOption, addEngineSshOptions, configureEngineFrom, type EngineFlags } from './engine-options.js';

export function register(program: Command): void {
  const images = program.command('images').description('Container images for Docker-backed databases');
  const build = images.command('build');
  addEngineSshOptions(addEngineOption(build));
  build
    .description('Build the base image (debootstrap, no registry) and the images of every system, or of one')
    .option('--system <name>', 'build only this system (e.g. etcd)')
    .option('--base-only', 'build only the base image (system images are then built by the first run that needs them)')
    .option('--force', 'rebuild even if an image with the same recipe hash exists')
    .option('--base <image>', 'base image to build systems on (e.g. debian:bookworm-slim where a registry is reachable)')
    .action(async (o: EngineFlags & { system?: string; force?: boolean; base?: string; baseOnly?: boolean }) => {
      configureEngineFrom(o);
      const log = { info: (m: string) => note(`images: ${m}`) };
      const t0 = Date.now();
      if (!o.base) say(await ensureBaseImage({ force: o.force, log }));
      // Declared systems (db plugins built on a SystemSpec), then recipe folders under docker/.
      const declared = new Map(dbs.all().flatMap((p) => (p.system ? [[p.system.name, p.system] as const] : [])));
      const recipes = (await systems()).filter((s) => !declared.has(s));
      const wanted = o.baseOnly ? [] : o.system ? [o.system] : [...declared.keys(), ...recipes, NODE_TOOLS];
      for (const s of wanted) {
        // The tools storage and clock faults put into nodes (lazyfs, clockshift): not a system.
        if (s === NODE_TOOLS) {
          say(await ensureNodeToolsImage({ force: o.force, log, base: o.base }));
          continue;
        }
        const spec = declared.get(s);
        if (!spec && !recipes.includes(s)) throw new FaultlineError('BAD_ARGUMENT', `no system '${s}' (known: ${[...declared.keys(), ...recipes].join(', ')})`, '--system');
        const opts = { force: o.force, log, base: o.base };
        say(spec ? await ensureSystemImageFor(spec, opts) : await ensureSystemImage(s, opts));
      }
      log.info(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    });
}

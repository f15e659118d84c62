// Db plugin `maelstrom` (`faultline run --bin PROGRAM`): any program, in any language, that
// speaks Maelstrom's protocol on stdin/stdout, under every Maelstrom workload (echo, broadcast,
// g-set, g-counter, pn-counter, lin-kv, txn-list-append, txn-rw-register, unique-ids, kafka) and
// faultline's own register/set/counter. Nodes reach Maelstrom's services by name. Each node is one process of PROGRAM, run in its own data directory.

import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { badArgument } from '../../src/errors.js';
import { MaelstromDb } from '../../src/maelstrom/db.js';
import { maelstromClients, maelstromDbOptions, maelstromSpecOptions } from '../../src/maelstrom/db-options.js';
import { MAELSTROM_WORKLOADS } from '../../src/maelstrom/workload-client.js';
import { opt } from '../../src/plugin/options.js';
import { defineDb } from '../../src/plugin/registry.js';

const require = createRequire(import.meta.url);

/** The command that runs PROGRAM: scripts by extension, anything else directly (must be executable). */
export function binCommand(bin: string, extraArgs: string[] = []): { command: string; args: string[] } {
  const path = resolve(bin);
  if (!existsSync(path) || !statSync(path).isFile()) throw badArgument(`program not found: ${bin}`, '--bin');
  switch (extname(path)) {
    case '.py':
      return { command: 'python3', args: ['-u', path, ...extraArgs] };
    case '.js':
    case '.mjs':
    case '.cjs':
      return { command: process.execPath, args: [path, ...extraArgs] };
    case '.ts':
      return { command: process.execPath, args: ['--import', pathToFileURL(require.resolve('tsx')).href, path, ...extraArgs] };
    default:
      try {
        accessSync(path, constants.X_OK);
      } catch {
        throw badArgument(`program is not executable: ${bin} (chmod +x, or use a .py/.js/.ts file)`, '--bin');
      }
      return { command: path, args: extraArgs };
  }
}

const WORKLOADS = MAELSTROM_WORKLOADS;

defineDb({
  name: 'maelstrom',
  doc: 'an external program speaking the Maelstrom protocol (--bin PROGRAM)',
  options: {
    ...maelstromDbOptions,
    args: opt.string({ doc: 'extra command-line arguments for PROGRAM, space-separated', placeholder: '"arg ..."' }),
  },
  defaultNodes: 3,
  // The program's own bug switches: `--bug NAME` reaches every node as $FAULTLINE_BUG.
  anyBug: true,
  create({ nodes, bug, bin, options }) {
    if (!bin) throw badArgument('db maelstrom needs --bin PROGRAM', '--bin');
    const { command, args } = binCommand(bin, options.args?.split(/\s+/).filter(Boolean) ?? []);
    return new MaelstromDb({ name: 'maelstrom', command, args, env: bug ? { FAULTLINE_BUG: bug } : undefined, nodes, workloads: WORKLOADS, ...maelstromSpecOptions(options) });
  },
  clients: maelstromClients(WORKLOADS),
});

// Db plugin `maelstrom` (`faultline run --bin PROGRAM`): any program, in any language, that
// speaks Maelstrom's protocol on stdin/stdout (lin-kv read/write/cas, g-set add/read,
// pn-counter add/read). Each node is one process of PROGRAM, run in its own data directory.

import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { badArgument } from '../../src/errors.js';
import { MaelstromDb } from '../../src/maelstrom/db.js';
import { requestTimeoutMs } from '../../src/maelstrom/db-options.js';
import { registerDb, type DbOptions } from '../registry.js';

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

export function createMaelstromDb(opts: DbOptions): MaelstromDb {
  if (!opts.bin) throw badArgument('db maelstrom needs --bin PROGRAM', '--bin');
  const extra = opts.dbOptions['args']?.split(/\s+/).filter(Boolean) ?? [];
  const { command, args } = binCommand(opts.bin, extra);
  return new MaelstromDb({
    name: 'maelstrom',
    command,
    args,
    env: opts.bug ? { FAULTLINE_BUG: opts.bug } : undefined,
    nodes: opts.nodes || 3,
    workloads: ['register', 'set', 'counter'],
    requestTimeoutMs: requestTimeoutMs(opts),
  });
}

registerDb({
  name: 'maelstrom',
  description: 'an external program speaking the Maelstrom protocol (--bin PROGRAM; --db-option args="...")',
  workloads: ['register', 'set', 'counter'],
  defaultNodes: 3,
  create: createMaelstromDb,
});

// How faultline starts a built-in node program as its own OS process: Node with the tsx loader
// (resolved to an absolute path, since nodes run with their data directory as cwd).

import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface NodeCommand {
  command: string;
  args: string[];
}

const require = createRequire(import.meta.url);

export function builtinNodeCommand(file: 'raft-node.ts' | 'gossip-node.ts', bug?: string): NodeCommand {
  const loader = pathToFileURL(require.resolve('tsx')).href;
  const script = fileURLToPath(new URL(`./${file}`, import.meta.url));
  return { command: process.execPath, args: ['--import', loader, script, ...(bug ? ['--bug', bug] : [])] };
}

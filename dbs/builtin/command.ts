// How faultline starts a built-in node program as its own OS process. A program is named by the
// URL of its compiled module (`new URL('./node.js', import.meta.url)`): in the built package that
// file exists and runs under plain Node; in a source checkout only its `.ts` twin exists, which
// runs with the tsx loader (resolved to an absolute path, since nodes run with their data
// directory as cwd).

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FaultlineError } from '../../src/errors.js';

export interface NodeCommand {
  command: string;
  args: string[];
}

const require = createRequire(import.meta.url);

export function builtinNodeCommand(program: URL, bug?: string): NodeCommand {
  const js = fileURLToPath(program);
  const extra = bug ? ['--bug', bug] : [];
  if (existsSync(js)) return { command: process.execPath, args: [js, ...extra] };
  const ts = js.replace(/\.js$/, '.ts');
  if (!existsSync(ts)) throw new FaultlineError('INTERNAL', `built-in node program not found`, js);
  let loader: string;
  try {
    loader = pathToFileURL(require.resolve('tsx')).href;
  } catch {
    throw new FaultlineError('INTERNAL', 'running a built-in node from TypeScript sources needs tsx (npm install tsx), or run the built package', ts);
  }
  return { command: process.execPath, args: ['--import', loader, ts, ...extra] };
}

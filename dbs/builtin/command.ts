// How faultline starts a built-in node program as its own OS process. A program is named by the
// URL of its compiled module (`new URL('./node.js', import.meta.url)`): in the built package that
// file exists and runs under plain Node. In a source checkout only its `.ts` twin exists: it is
// bundled once per faultline process into one plain ES module (with esbuild, which tsx brings),
// cached in the temp directory under the hash of its contents, and run under plain Node.
// Running it under the tsx loader instead cost each node start about 0.5 s of CPU (against
// 0.1 s): on a loaded 2-core machine five nodes starting at once missed the init deadline, and a
// killed node took seconds to come back.

import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FaultlineError } from '../../src/errors.js';

export interface NodeCommand {
  command: string;
  args: string[];
}

const require = createRequire(import.meta.url);
const bundles = new Map<string, string>();

export function builtinNodeCommand(program: URL, bug?: string): NodeCommand {
  const js = fileURLToPath(program);
  const extra = bug ? ['--bug', bug] : [];
  if (existsSync(js)) return { command: process.execPath, args: [js, ...extra] };
  const ts = js.replace(/\.js$/, '.ts');
  if (!existsSync(ts)) throw new FaultlineError('INTERNAL', `built-in node program not found`, js);
  const bundled = bundle(ts);
  if (bundled) return { command: process.execPath, args: [bundled, ...extra] };
  let loader: string;
  try {
    loader = pathToFileURL(require.resolve('tsx')).href;
  } catch {
    throw new FaultlineError('INTERNAL', 'running a built-in node from TypeScript sources needs tsx (npm install tsx), or run the built package', ts);
  }
  return { command: process.execPath, args: ['--import', loader, ts, ...extra] };
}

interface Esbuild {
  buildSync(o: Record<string, unknown>): { outputFiles?: Array<{ text: string }> };
}

/** The program bundled into one module file, or undefined when esbuild is not at hand. */
function bundle(ts: string): string | undefined {
  const done = bundles.get(ts);
  if (done) return done;
  let esbuild: Esbuild;
  try {
    // esbuild comes with tsx (a dependency); resolve it from there, wherever npm put it.
    esbuild = createRequire(require.resolve('tsx/package.json'))('esbuild') as Esbuild;
  } catch {
    return undefined;
  }
  let text: string;
  try {
    const out = esbuild.buildSync({ entryPoints: [ts], bundle: true, platform: 'node', format: 'esm', target: 'node20', write: false, logLevel: 'silent' });
    text = out.outputFiles?.[0]?.text ?? '';
  } catch {
    return undefined; // the tsx loader reports whatever is wrong with the sources
  }
  if (!text) return undefined;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'faultline-node-programs');
  const file = join(dir, `${basename(dirname(ts))}-${basename(ts, '.ts')}-${hash}.mjs`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    // Written under a unique name and renamed: concurrent faultline processes never see half a file.
    const part = `${file}.${process.pid}.part`;
    writeFileSync(part, text);
    renameSync(part, file);
  }
  bundles.set(ts, file);
  return file;
}

// `npm run build`: compiles the TypeScript sources to dist/ (JavaScript and type declarations)
// and copies the files the code reads at run time beside their modules (report assets, image
// recipes, node programs in other languages), so that dist/ mirrors the source tree and every
// `new URL('./x', import.meta.url)` resolves the same way in the package as in a checkout.

import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist');
const SOURCE_DIRS = ['src', 'app', 'dbs', 'workloads', 'checkers', 'nemesis', 'docker'];
/** Files that are source or development-only, never copied. */
const skip = (file) => /\.test\.[cm]?[jt]s$/.test(file) || (extname(file) === '.ts' && !file.endsWith('.d.ts'));

rmSync(out, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });

let copied = 0;
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) continue;
    if (statSync(p).isDirectory()) walk(p);
    else if (!skip(p)) {
      cpSync(p, join(out, relative(root, p)));
      copied++;
    }
  }
};
for (const d of SOURCE_DIRS) if (existsSync(join(root, d))) walk(join(root, d));
console.log(`build: dist/ written (${copied} assets copied)`);

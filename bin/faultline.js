#!/usr/bin/env node
// The faultline CLI entry. In an installed package it runs the build (dist/). In a source
// checkout (app/cli.ts beside it, tsx installed) it runs the TypeScript sources through tsx, so
// an edit takes effect without a rebuild.
import { existsSync } from 'node:fs';

const sources = new URL('../app/cli.ts', import.meta.url);
const built = new URL('../dist/app/cli.js', import.meta.url);

async function tsxLoader() {
  try {
    return await import('tsx/esm/api');
  } catch {
    return null;
  }
}

const tsx = existsSync(sources) && process.env.FAULTLINE_USE_DIST !== '1' ? await tsxLoader() : null;
if (tsx) {
  tsx.register();
  await import(sources.href);
} else if (existsSync(built)) {
  await import(built.href);
} else {
  process.stderr.write('faultline: no build found (dist/app/cli.js); run `npm run build`, or install tsx to run from sources\n');
  process.exit(255);
}

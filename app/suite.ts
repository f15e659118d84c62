// Loading a user's suite: a module that declares its own databases, workloads, nemeses and
// checkers with faultline's public API (`defineDb(...)` and friends register on import). It comes
// from `--suite FILE` or from a `faultline.config.{js,mjs,ts}` in the working directory, and is
// loaded before the CLI builds its help, so its plugins show in `--help` and `test-all`.

import { existsSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FaultlineError } from '../src/errors.js';

export const CONFIG_NAMES = ['faultline.config.js', 'faultline.config.mjs', 'faultline.config.ts'] as const;

/** `--suite X` / `--suite=X` anywhere on the command line (repeatable), before commander runs. */
export function suiteArgs(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--suite') {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('-')) throw new FaultlineError('BAD_ARGUMENT', 'expected a file after --suite', '--suite');
      out.push(v);
      i++;
    } else if (a.startsWith('--suite=')) out.push(a.slice('--suite='.length));
  }
  return out;
}

/** The command line without its `--suite` arguments (handled before commander parses the rest). */
export function withoutSuiteArgs(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--suite') i++;
    else if (!argv[i]!.startsWith('--suite=')) out.push(argv[i]!);
  }
  return out;
}

/** The suites to load: those named, else a faultline.config.* in `cwd`. */
export function suiteFiles(named: readonly string[], cwd = process.cwd()): string[] {
  if (named.length) return named.map((f) => resolve(cwd, f));
  const found = CONFIG_NAMES.map((n) => join(cwd, n)).find((p) => existsSync(p));
  return found ? [found] : [];
}

/** Imports one suite module (TypeScript through tsx, where installed). */
export async function loadSuite(file: string): Promise<void> {
  if (!existsSync(file) || !statSync(file).isFile()) throw new FaultlineError('FILE_NOT_FOUND', 'no such suite file', file);
  const url = pathToFileURL(file).href;
  try {
    if (['.ts', '.mts', '.cts'].includes(extname(file))) {
      let tsx: { tsImport(specifier: string, parent: string): Promise<unknown> };
      try {
        tsx = (await import('tsx/esm/api')) as typeof tsx;
      } catch {
        throw new FaultlineError('UNSUPPORTED', 'a TypeScript suite needs tsx (npm install --save-dev tsx), or compile it to .js', file);
      }
      await tsx.tsImport(url, import.meta.url);
    } else await import(url);
  } catch (e) {
    if (e instanceof FaultlineError) throw e;
    const err = e as Error;
    throw new FaultlineError('BAD_INPUT', `the suite failed to load: ${err?.message ?? String(e)}`, file);
  }
}

export async function loadSuites(argv: readonly string[], cwd = process.cwd()): Promise<string[]> {
  const files = suiteFiles(suiteArgs(argv), cwd);
  for (const f of files) await loadSuite(f);
  return files;
}

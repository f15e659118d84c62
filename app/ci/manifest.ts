// The manifest a `test-all` writes into its results root: the verdict of every cell it ran (or
// why it crashed), with the cell's place in the whole matrix. `faultline merge` combines the
// manifests of the shards, run on different machines, into one list in matrix order.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { badInput, FaultlineError } from '../../src/errors.js';
import { parseJson } from '../../src/json.js';
import { writeJson } from '../../src/store.js';
import type { CiRun } from './junit.js';
import type { Shard } from './shard.js';

export const MANIFEST_PREFIX = 'test-all';

export interface ManifestRun extends CiRun {
  /** The cell's index in the whole (unsharded) matrix. */
  index: number;
  label: string;
}

export interface Manifest {
  faultline: 'test-all';
  config: string;
  cells: number;
  shard?: Shard;
  runs: ManifestRun[];
}

export function manifestName(shard: Shard | undefined): string {
  return shard ? `${MANIFEST_PREFIX}-shard-${shard.k}-of-${shard.n}.json` : `${MANIFEST_PREFIX}.json`;
}

/** Written after every cell, so an interrupted matrix still leaves what it ran. */
export function writeManifest(root: string, m: Manifest): string {
  const file = join(root, manifestName(m.shard));
  writeJson(file, m);
  return file;
}

function readManifest(file: string): Manifest {
  const m = parseJson(readFileSync(file, 'utf8'), file) as Partial<Manifest>;
  if (!m || m.faultline !== 'test-all' || !Array.isArray(m.runs) || typeof m.cells !== 'number') throw badInput('not a test-all manifest (faultline: "test-all", cells, runs)', file);
  return m as Manifest;
}

/** Manifests in `dir` and its subfolders (an artifact download nests them), up to a few levels deep. */
export function findManifests(dir: string, depth = 4): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new FaultlineError('FILE_NOT_FOUND', 'no such results folder', dir);
  const out: string[] = [];
  const walk = (d: string, left: number) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isFile() && e.name.startsWith(MANIFEST_PREFIX) && e.name.endsWith('.json')) out.push(p);
      // Run directories hold history and reports, never manifests: skip into them no further.
      else if (e.isDirectory() && left > 0 && !existsSync(join(p, 'results.json'))) walk(p, left - 1);
    }
  };
  walk(dir, depth);
  return out.sort();
}

export interface Merged {
  runs: ManifestRun[];
  cells: number;
  /** Cells of the matrix that no manifest reports (a shard that did not run or did not finish). */
  missing: number[];
}

/**
 * The runs of several manifests in matrix order. Run directories are made relative to `base`
 * wherever they were (the shards ran elsewhere: their absolute paths mean nothing here), found by
 * the manifest's folder. Manifests of different matrices, or one cell reported twice, are refused.
 */
export function mergeManifests(files: readonly string[], base: string): Merged {
  if (!files.length) throw badInput('no test-all manifests found (test-all writes test-all*.json into its results folder)', 'merge');
  const byIndex = new Map<number, ManifestRun>();
  let cells: number | undefined;
  for (const f of files) {
    const m = readManifest(f);
    if (cells !== undefined && m.cells !== cells) throw badInput(`a matrix of ${m.cells} cells, where the others have ${cells}: not slices of one matrix`, f);
    cells = m.cells;
    const root = join(f, '..');
    for (const r of m.runs) {
      if (byIndex.has(r.index)) throw badInput(`cell ${r.index + 1} (${r.label}) is reported twice`, f);
      const dir = r.dir ? localDir(root, r.dir) : undefined;
      byIndex.set(r.index, { ...r, ...(dir !== undefined ? { dir: relative(base, dir) || '.' } : {}) });
    }
  }
  const runs = [...byIndex.values()].sort((a, b) => a.index - b.index);
  const missing = [];
  for (let i = 0; i < cells!; i++) if (!byIndex.has(i)) missing.push(i);
  return { runs, cells: cells!, missing };
}

/** A run directory recorded on another machine, found here under the manifest's folder. */
function localDir(root: string, recorded: string): string {
  if (existsSync(recorded) && recorded.startsWith(root)) return recorded;
  // Recorded as <out>/<name>/<stamp>: the last two parts sit under the manifest's folder.
  const parts = recorded.split(/[\\/]/).filter(Boolean);
  const here = join(root, ...parts.slice(-2));
  return existsSync(here) ? here : recorded;
}

// `faultline merge DIR...`: combine the results folders of a matrix's shards (each written by
// `test-all --shard K/N`, typically on its own CI runner) into one index, one JUnit file and one
// exit code, the worst verdict. A cell no shard reported makes the verdict unknown.

import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { worst } from '../../src/protocols.js';
import { checkWritableDir, writeFileSafe } from '../../src/fs-safe.js';
import { checkCiTargets, overallValidity, reportCi, type FailOn } from '../ci/index.js';
import { findManifests, mergeManifests, writeManifest } from '../ci/manifest.js';
import { mergeIndexHtml } from '../ci/merge-index.js';
import { choiceOption } from './options.js';
import { cellLine, verdictWord } from './verdict.js';
import { reportError, say } from '../output.js';

export function register(program: Command): void {
  program
    .command('merge')
    .description('combine the results folders of test-all shards: one index, one JUnit file, the worst verdict as exit code')
    .argument('<dirs...>', 'results folders (each holding a test-all manifest, test-all*.json)')
    .option('--out <dir>', 'write the merged index (index.html, test-all.json) there')
    .option('--junit <file>', 'write one JUnit XML report for all cells')
    .option('--fail-on <what>', 'invalid | unknown', choiceOption('--fail-on', ['invalid', 'unknown']), 'unknown')
    .action((dirs: string[], o: { out?: string; junit?: string; failOn: FailOn }) => {
      if (o.out) checkWritableDir(o.out, '--out');
      checkCiTargets({ junit: o.junit });
      const files = dirs.flatMap((d) => findManifests(resolve(d)));
      const base = resolve(o.out ?? '.');
      const merged = mergeManifests(files, base);
      for (const r of merged.runs) {
        say(cellLine(r, r.index + 1, merged.cells, r.label));
      }
      if (merged.missing.length) say(`\nnot reported by any shard: ${merged.missing.length} of ${merged.cells} cells (${merged.missing.map((i) => i + 1).join(', ')})`);
      const v = worst(overallValidity(merged.runs), merged.missing.length ? 'unknown' : true);
      say(`\n${files.length} manifests, ${merged.runs.length} runs; worst verdict: ${verdictWord(v)}`);
      if (o.out) {
        const out = resolve(o.out);
        writeManifest(out, { faultline: 'test-all', config: 'merged', cells: merged.cells, runs: merged.runs });
        writeFileSafe(join(out, 'index.html'), mergeIndexHtml(merged, v), '--out');
        say(`index: ${join(out, 'index.html')}`);
      }
      let code: number;
      try {
        code = reportCi(merged.runs, { junit: o.junit, failOn: o.failOn });
        // Missing cells: the matrix was not judged whole.
        if (merged.missing.length && code === 0 && o.failOn === 'unknown') code = 2;
      } catch (e) {
        code = reportError(e);
      }
      process.exitCode = code;
    });
}

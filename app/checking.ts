// Choosing how to judge a history: a named checker, a model (linearizability), the checker a
// workload implies, or, for a history inside a run directory, the checker its run used. Shared
// by `faultline check` and the package's `check()`.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { badArgument } from '../src/errors.js';
import type { CheckOptions, Checker, TestInfo } from '../src/protocols.js';
import { checkerOptions, createChecker } from '../checkers/registry.js';
import { checkers, dbs, lookup, workloads } from '../src/plugin/registry.js';
import { parseOptions } from '../src/plugin/options.js';
import { readJson } from '../src/store.js';

/** How to judge a history (the `faultline check` options, or `check()`'s). */
export interface CheckSpec {
  /** A registered checker by name. */
  checker?: string;
  /** A linearizability model by name (implies the linearizable checker unless `checker` says otherwise). */
  model?: string;
  /** Judge as this workload's runs are judged. */
  workload?: string;
  consistencyModel?: string;
  /** Seconds; past it the verdict is unknown. */
  timeLimit?: number;
  /** MiB; past it the verdict is unknown. */
  memoryLimit?: number;
  /** Required fraction of ok client ops, 0..1 (the stats checker: below it, invalid). */
  availability?: number;
  /** false: check as one state, not split by key. */
  partition?: boolean;
  /** Checker-specific options. */
  opt?: Record<string, unknown>;
  /** The history's file: a run directory beside it names its workload. */
  file?: string;
}

/** The checker a workload implies (with its default options, or those its run recorded). */
function workloadChecker(name: string, info?: TestInfo): Checker {
  const plugin = lookup(workloads, name, '--workload');
  const options = parseOptions(plugin.options ?? {}, (info?.workloadOptions as Record<string, string> | undefined) ?? {}, { flag: '--workload-option', owner: `workload ${name}` });
  return plugin.create({ concurrency: info?.concurrency ?? 1, nodes: info?.nodes ?? [], eventual: info ? dbs.get(info.db)?.eventuallyConsistent : undefined, options }).checker;
}

export function chooseChecker(o: CheckSpec): { name: string; checker: Checker; opts: CheckOptions } {
  const opts: CheckOptions = { ...o.opt };
  if (o.model) opts.model = o.model;
  if (o.consistencyModel) opts.consistencyModel = o.consistencyModel;
  if (o.timeLimit !== undefined) opts.timeLimitMs = o.timeLimit * 1000;
  if (o.memoryLimit !== undefined) opts.memoryLimitBytes = o.memoryLimit * 1024 * 1024;
  // The stats checker declares availability as text (a fraction or 'total'), as --opt gives it.
  if (o.availability !== undefined) opts.availability = String(o.availability);
  if (o.partition === false) opts.partition = false;
  let name = o.checker;
  // A workload's checker composes several: its options are those any checker declares.
  if (!name && o.workload) return { name: o.workload, checker: workloadChecker(o.workload), opts: checkerOptions(checkers.all(), opts) };
  if (!name && o.model) name = 'linearizable';
  if (!name) {
    // A history inside a run directory: judge it the way the run would have.
    const testFile = o.file === undefined ? undefined : join(dirname(o.file), 'test.json');
    if (testFile && existsSync(testFile)) {
      const info = readJson<TestInfo>(testFile);
      if (workloads.get(info.workload)) return { name: info.workload, checker: workloadChecker(info.workload, info), opts: { ...checkerOptions(checkers.all(), opts), test: info } };
    }
    throw badArgument('say how to judge the history: --model M, --checker NAME or --workload W', 'check');
  }
  const parsed = checkerOptions([lookup(checkers, name, '--checker')], opts);
  return { name, checker: createChecker(name, parsed), opts: parsed };
}


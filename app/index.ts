// faultline's package API (`import { ... } from 'faultline'`): define your own databases,
// clients, workloads, nemeses, checkers and models; run a test; check a history; read and write
// histories. The built-in plugins load on first use of run() or check(), not on import, so a
// suite that only declares plugins costs nothing.

import type { History } from '../src/history.js';
import type { CheckResult } from '../src/protocols.js';
import { runTest, type RunOptions, type RunOutcome } from '../src/run.js';
import { chooseChecker, type CheckSpec } from './checking.js';

// ---- the protocols a plugin implements
export type {
  Db, Net, Grudge, Clock, Client, Completion, Invocation, Nemesis, NemesisPackage, FaultWindowSpec,
  Checker, CheckOptions, CheckResult, AnomalyRef, Validity, Workload, Test, TestInfo, Logger,
} from '../src/protocols.js';
export { worst, compose } from '../src/protocols.js';
export type { Op, OpType, History, ProcessId } from '../src/history.js';
export { FaultlineError, EXIT, type ErrorCode } from '../src/errors.js';

// ---- declaring plugins
export { defineDb, defineWorkload, defineNemesis, defineChecker, dbs, workloads, nemeses, checkers } from '../src/plugin/registry.js';
export type { DbPlugin, DbContext, WorkloadPlugin, WorkloadContext, NemesisPlugin, NemesisContext, CheckerPlugin } from '../src/plugin/kinds.js';
export { opt, parseOptions, type Option, type OptionSpecs, type OptionValues } from '../src/plugin/options.js';
export { CAPABILITIES, capabilitiesOf, type Capability } from '../src/plugin/capabilities.js';
export { createDb, planRun, type CreatedDb, type Plan, type PlanInput } from '../src/plugin/plan.js';
export { faultPackage, combinePackages, composeNemeses } from '../src/plugin/nemesis-package.js';

// ---- backends a database plugin builds on
export type { SystemSpec, NodeContext, NodeExec } from '../src/system.js';
export { ContainerDb, type Endpoint, type Endpoints } from '../src/docker/container-db.js';
export { ExternalDb, parseAddresses, type ExternalNode } from '../src/external-db.js';
export type { WaitStrategy } from '../src/docker/wait.js';

// ---- generators, for workloads and nemesis schedules
export * as gen from '../src/generator/index.js';

// ---- linearizability models (a model is a record of pure functions)
export { models } from '../checkers/linearizable/models/index.js';
export type { Model, ModelOp, OpStatus, Partition } from '../checkers/linearizable/model.js';

// ---- histories
export {
  readHistoryFile, readHistory, streamHistory, parseHistory, writeHistoryJsonl, writeHistoryEdn, registerFormat, validateOps, forEachLine, TextSource,
  type HistoryFormat, type FormatSink, type ReadHistory, type ReadOptions,
} from '../src/history-io.js';
export { readEdnStream, parseEdn, toEdn, kw } from '../src/edn.js';
export { parseJson, stringifyJson } from '../src/json.js';

export type { RunOptions, RunOutcome } from '../src/run.js';
export type { CheckSpec } from './checking.js';

let builtins: Promise<unknown> | undefined;
/** Registers faultline's own plugins (once). */
export function loadBuiltins(): Promise<unknown> {
  return (builtins ??= import('./builtins.js'));
}

/** Runs a test (cluster, workload, faults, check, report) as `faultline run` does. */
export async function run(options: RunOptions): Promise<RunOutcome> {
  await loadBuiltins();
  return runTest(options);
}

/** Judges a history: by checker name, model, or workload (see CheckSpec). */
export async function check(history: History, spec: CheckSpec): Promise<CheckResult> {
  await loadBuiltins();
  const { checker, opts } = chooseChecker(spec);
  return checker.check(history, opts);
}

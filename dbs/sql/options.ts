// What the SQL database plugins share in their declarations: the isolation level and timeout
// options, the consistency model each level promises (what a run checks by default), a per-run
// identifier for schemas and table prefixes on servers faultline did not start, and a refusal
// wording for options that do not fit together.

import { FaultlineError } from '../../src/errors.js';
import { opt } from '../../src/plugin/options.js';
import { ISOLATIONS, type Isolation } from './conn.js';

export const isolationOption = (dflt: Isolation, whose: string) =>
  opt.enum(ISOLATIONS, { default: dflt, doc: `transaction isolation level (default: ${whose}); list-append and rw-register are checked against the model it promises` });

export const timeoutOption = () => opt.number({ integer: true, min: 200, default: 3000, unit: 'ms', doc: 'deadline of one operation (the server gets shorter statement and lock limits, so most waits end with its answer)' });

/** The model a level promises, as Elle names it. */
export const PROMISED_MODEL: Record<Isolation, string> = {
  serializable: 'serializable',
  'repeatable-read': 'snapshot-isolation',
  'read-committed': 'read-committed',
};

/** The db's workload defaults: the Elle workloads check what the level promises (`consistency-model=` overrides). */
export function promisedModel(workload: string, isolation: Isolation): Record<string, string> {
  return workload === 'list-append' || workload === 'rw-register' ? { 'consistency-model': PROMISED_MODEL[isolation] } : {};
}

/** A per-run identifier usable as a schema or table prefix: `fl_` and the run id's letters and digits. */
export function runIdent(runId: string): string {
  return `fl_${runId.replace(/^fl-/, '').replace(/[^A-Za-z0-9]/g, '_').toLowerCase()}`.slice(0, 48);
}

/** Two options (or an option and the node count) that do not fit together. */
export function misfit(option: string, why: string): FaultlineError {
  return new FaultlineError('BAD_ARGUMENT', why, option.startsWith('--') ? option : `--db-option ${option}`);
}

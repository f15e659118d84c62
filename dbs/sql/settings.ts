// Option parsing shared by the SQL database plugins: one wording for every refused option, the
// isolation levels, and the consistency model each level promises (what a run checks by default).

import { FaultlineError } from '../../src/errors.js';
import { ISOLATIONS, type Isolation } from './conn.js';

/** The model a level promises, as Elle names it: what `list-append`/`rw-register` check by default. */
export const PROMISED_MODEL: Record<Isolation, string> = {
  serializable: 'serializable',
  'repeatable-read': 'snapshot-isolation',
  'read-committed': 'read-committed',
};

export class OptionReader {
  constructor(
    private readonly db: string,
    private readonly opts: Record<string, string>,
    known: readonly string[],
  ) {
    for (const k of Object.keys(opts)) {
      if (!known.includes(k)) throw this.bad(k, `unknown ${db} option '${k}' (known: ${known.join(', ')})`);
    }
  }

  bad(key: string, message: string): FaultlineError {
    return new FaultlineError('BAD_ARGUMENT', message, `--db-option ${key}`);
  }

  has(key: string): boolean {
    return this.opts[key] !== undefined;
  }

  str(key: string): string | undefined {
    return this.opts[key];
  }

  int(key: string, dflt: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const s = this.opts[key];
    if (s === undefined) return dflt;
    const n = Number(s);
    if (!Number.isSafeInteger(n) || n < min || n > max) throw this.bad(key, `${key} must be an integer from ${min} to ${max}, got '${s}'`);
    return n;
  }

  bool(key: string, dflt: boolean): boolean {
    const s = this.opts[key];
    if (s === undefined) return dflt;
    if (/^(true|on|yes|1)$/i.test(s)) return true;
    if (/^(false|off|no|0)$/i.test(s)) return false;
    throw this.bad(key, `${key} must be on or off (true/false), got '${s}'`);
  }

  isolation(dflt: Isolation): Isolation {
    const s = this.opts.isolation;
    if (s === undefined) return dflt;
    const n = s.toLowerCase().replace(/[ _]/g, '-');
    if (!(ISOLATIONS as readonly string[]).includes(n)) throw this.bad('isolation', `isolation must be one of ${ISOLATIONS.join(', ')}, got '${s}'`);
    return n as Isolation;
  }
}

/** The workload options a level implies: the promised consistency model for the Elle workloads. */
export function promisedModelDefaults(workload: string | undefined, isolation: Isolation): Record<string, string> {
  return workload === 'list-append' || workload === 'rw-register' ? { 'consistency-model': PROMISED_MODEL[isolation] } : {};
}

/** A per-run identifier usable as a schema or table prefix: `fl_` and the run id's letters and digits. */
export function runIdent(runId: string): string {
  return `fl_${runId.replace(/^fl-/, "").replace(/[^A-Za-z0-9]/g, '_').toLowerCase()}`.slice(0, 48);
}

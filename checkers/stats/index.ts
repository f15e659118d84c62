// The `stats` checker (Jepsen's): ok / fail / info counts per function and the fraction of client
// ops that succeeded. A function that never succeeded is an availability fact, not a consistency
// violation: the verdict is `unknown` (nothing of it was judged), unless the user states an
// availability requirement (`--availability FRACTION`, as Maelstrom has: the fraction of client
// ops that must complete ok; `total` = 1). Below the requirement the history is invalid.

import type { History } from '../../src/history.js';
import type { CheckOptions, CheckResult, Validity } from '../../src/protocols.js';
import { badArgument } from '../../src/errors.js';
import { clientRecords } from '../op-pairs.js';
import { defineChecker } from '../registry.js';
import { opt } from '../../src/plugin/options.js';

export interface Counts { count: number; ok: number; fail: number; info: number }

export interface StatsOptions {
  /** Required fraction of ok ops among client ops, in [0, 1]; undefined: no requirement. */
  availability?: number;
}

/**
 * `--availability` as given (a number, a numeric string or `total`) → a fraction in [0, 1].
 * Throws BAD_ARGUMENT naming `where` otherwise.
 */
export function parseAvailability(v: unknown, where = '--availability'): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (v === 'total') return 1;
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n) || n < 0 || n > 1) {
    throw badArgument(`expected a fraction of ok client ops between 0 and 1 (or 'total' for 1), got '${String(v)}'`, where);
  }
  return n;
}

const fmt = (x: number): string => String(Math.round(x * 10_000) / 10_000);

export function checkStats(history: History, opts: StatsOptions = {}): CheckResult {
  const byF: Record<string, Counts> = {};
  const total: Counts = { count: 0, ok: 0, fail: 0, info: 0 };
  for (const r of clientRecords(history)) {
    const c = (byF[r.f] ??= { count: 0, ok: 0, fail: 0, info: 0 });
    c.count++;
    c[r.type]++;
    total.count++;
    total[r.type]++;
  }
  const never = Object.entries(byF).filter(([, c]) => c.ok === 0).map(([f]) => f);
  const required = opts.availability;
  const okFraction = total.count ? total.ok / total.count : null;
  const facts = `stats: ${total.count} ops, ${total.ok} ok, ${total.fail} fail, ${total.info} info${okFraction !== null ? ` (ok fraction ${fmt(okFraction)}${required !== undefined ? `, required ${fmt(required)}` : ''})` : ''}${never.length ? `; never succeeded: ${never.join(', ')}` : ''}`;
  let valid: Validity = true;
  let error: string | undefined;
  if (required !== undefined && okFraction !== null && okFraction < required) {
    valid = false;
    error = `availability ${fmt(okFraction)} (${total.ok} ok of ${total.count} client ops) is below the required ${fmt(required)} (--availability)`;
  } else if (required !== undefined && okFraction === null) {
    valid = 'unknown';
    error = `no client operations: availability (required ${fmt(required)}) cannot be measured`;
  } else if (never.length) {
    valid = 'unknown';
    const what = never.map((f) => { const c = byF[f]!; return `${f} (${c.count} attempted: ${c.fail} fail, ${c.info} info)`; }).join(', ');
    error = `never succeeded: ${what}. Nothing of ${never.length === 1 ? 'it' : 'them'} could be judged; that is a fact about availability, not a consistency violation${required === undefined ? ' (require availability with --availability FRACTION)' : ''}`;
  }
  return {
    valid,
    summary: valid === false ? `${facts}; ${error}` : valid === 'unknown' ? `${facts}; unknown: ${never.length && okFraction !== null ? `nothing of ${never.join(', ')} could be judged (availability, not consistency)` : error}` : facts,
    total,
    byF,
    okFraction,
    ...(required !== undefined ? { availability: required } : {}),
    ...(never.length ? { neverSucceeded: never } : {}),
    ...(error ? { error } : {}),
  };
}

function statsOptions(o: CheckOptions): StatsOptions {
  // The user's requirement: given to this check, or recorded in the run's test.json.
  const a = o.availability ?? o.test?.availability;
  return { availability: parseAvailability(a) };
}

defineChecker({
  name: 'stats',
  options: { availability: opt.string({ placeholder: 'FRACTION|total', doc: "the fraction of client ops that must complete ok ('total': all); below it the verdict is invalid" }) },
  doc: 'ok/fail/info counts per function; unknown if a function never succeeds, invalid below --availability',
  create: (base: CheckOptions) => ({ name: 'stats', check: (h, o) => checkStats(h, statsOptions({ ...base, ...o })) }),
  format(r) {
    const byF = (r.byF as Record<string, Counts>) ?? {};
    const lines = [String(r.summary ?? '')];
    if (typeof r.error === 'string' && r.valid !== false) lines.push(r.error);
    for (const [f, c] of Object.entries(byF)) lines.push(`  ${f.padEnd(16)} ${String(c.count).padStart(8)} ops  ok ${c.ok}  fail ${c.fail}  info ${c.info}`);
    return lines.join('\n');
  },
});

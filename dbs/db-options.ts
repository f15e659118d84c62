// Declared `--db-option` settings of a database plugin (kind, default, bounds, doc), parsed in one
// place with one error wording that names the option. A stopgap shaped like the suite SDK's option
// declarations (issue 12): a plugin's table ports to them as it is.

import { FaultlineError } from '../src/errors.js';

export type OptionSpec =
  | { kind: 'enum'; values: readonly string[]; default: string; doc: string }
  | { kind: 'number'; default: number; min: number; max?: number; doc: string }
  | { kind: 'string'; doc: string };

type Value<S extends OptionSpec> = S extends { kind: 'number' } ? number : S extends { kind: 'enum' } ? string : string | undefined;
export type Parsed<T extends Record<string, OptionSpec>> = { [K in keyof T]: Value<T[K]> };

/** Parses `--db-option` pairs against the table; unknown keys and bad values are refused, named. */
export function parseOptions<T extends Record<string, OptionSpec>>(db: string, specs: T, given: Record<string, string>): Parsed<T> {
  for (const k of Object.keys(given)) {
    if (!(k in specs)) throw new FaultlineError('BAD_ARGUMENT', `unknown ${db} option '${k}' (known: ${Object.keys(specs).join(', ')})`, `--db-option ${k}`);
  }
  const out: Record<string, unknown> = {};
  for (const [k, spec] of Object.entries(specs)) {
    const raw = given[k];
    const where = `--db-option ${k}`;
    if (spec.kind === 'string') out[k] = raw;
    else if (spec.kind === 'enum') {
      const v = raw ?? spec.default;
      if (!spec.values.includes(v)) throw new FaultlineError('BAD_ARGUMENT', `${k} must be one of ${spec.values.join(', ')}, got '${v}'`, where);
      out[k] = v;
    } else {
      const v = raw === undefined ? spec.default : Number(raw);
      if (!Number.isFinite(v) || v < spec.min || (spec.max !== undefined && v > spec.max)) {
        throw new FaultlineError('BAD_ARGUMENT', `${k} must be a number in [${spec.min}, ${spec.max ?? '∞'}], got '${raw}'`, where);
      }
      out[k] = v;
    }
  }
  return out as Parsed<T>;
}

/** One line per option for a plugin's description: `name=...: doc (default d)`. */
export function describeOptions(specs: Record<string, OptionSpec>): string {
  return Object.entries(specs)
    .map(([k, s]) => `${k}=${s.kind === 'enum' ? s.values.join('|') : s.kind === 'number' ? 'N' : '...'} (${s.doc}${'default' in s ? `, default ${s.default}` : ''})`)
    .join('; ');
}

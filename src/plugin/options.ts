// Typed plugin options. A plugin declares each of its options once (kind, default, bounds, one
// line of doc); the core derives from that declaration the parsing and validation of
// `--db-option k=v`, `--nemesis-option`, `--workload-option` and `--opt`, the one error wording
// every option error uses, and the help text and README tables.

import { FaultlineError } from '../errors.js';

/** One declared option: how to read it (from CLI text or from code), its default and its doc. */
export interface Option<T, D extends T | undefined = T | undefined> {
  readonly kind: 'number' | 'boolean' | 'string' | 'enum' | 'list' | 'duration' | 'json';
  readonly doc: string;
  /** What a value looks like, for help and errors: `linearizable|serializable`, `ms >= 100`. */
  readonly hint: string;
  readonly default: D;
  /** Reads a raw value (CLI text, or a typed value from code); throws `expected …` on garbage. */
  parse(raw: unknown): T;
  /** The value as it would be written on the command line. */
  show(v: T): string;
}

export type OptionSpecs = Readonly<Record<string, Option<unknown, unknown>>>;

/** The parsed values of a declaration: an option without a default may be undefined. */
export type OptionValues<S extends OptionSpecs> = {
  -readonly [K in keyof S]: S[K] extends Option<infer T, infer D> ? (undefined extends D ? T | undefined : T) : never;
};

/** Thrown by `parse`; the caller adds the option's name and the place. */
class Expected extends Error {}
const expected = (what: string, raw: unknown): never => {
  throw new Expected(`expected ${what}, got ${typeof raw === 'string' ? `'${raw}'` : JSON.stringify(raw) ?? String(raw)}`);
};

interface Common<D> {
  doc: string;
  default?: D;
}

function make<T, D extends T | undefined>(kind: Option<T>['kind'], hint: string, c: Common<D>, parse: (raw: unknown) => T, show: (v: T) => string = String): Option<T, D> {
  return { kind, hint, doc: c.doc, default: c.default as D, parse, show };
}

function toNumber(raw: unknown, what: string): number {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  return Number.isFinite(n) ? n : expected(what, raw);
}

function bounded(n: number, raw: unknown, what: string, min?: number, max?: number, integer?: boolean): number {
  if ((integer && !Number.isInteger(n)) || (min !== undefined && n < min) || (max !== undefined && n > max)) expected(what, raw);
  return n;
}

function rangeText(noun: string, min?: number, max?: number): string {
  if (min !== undefined && max !== undefined) return `${noun} from ${min} to ${max}`;
  if (min !== undefined) return `${noun} >= ${min}`;
  if (max !== undefined) return `${noun} <= ${max}`;
  return noun;
}

interface NumberSpec<D> extends Common<D> {
  min?: number;
  max?: number;
  integer?: boolean;
  /** Shown after the number in help: 'ms', 's', 'nodes'. */
  unit?: string;
}

/** Durations: a number in `unit`, or with a suffix (`250ms`, `2s`, `1.5m`). Parsed into `unit`. */
interface DurationSpec<D> extends NumberSpec<D> {
  unit: 'ms' | 's';
}

const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/;
const IN_MS = { ms: 1, s: 1000, m: 60_000 } as const;

/** Builders for option declarations; the value type follows from the builder and the default. */
export const opt = {
  number<D extends number | undefined = undefined>(s: NumberSpec<D>): Option<number, NoInfer<D>> {
    const what = rangeText(s.integer ? 'an integer' : 'a number', s.min, s.max);
    return make('number', `${rangeText(s.integer ? 'integer' : 'number', s.min, s.max)}${s.unit ? ` (${s.unit})` : ''}`, s, (raw) =>
      bounded(toNumber(raw, what), raw, what, s.min, s.max, s.integer),
    );
  },

  duration<D extends number | undefined = undefined>(s: DurationSpec<D>): Option<number, NoInfer<D>> {
    const what = `a duration (${rangeText(s.unit, s.min, s.max)}; or with ms/s/m)`;
    return make('duration', `${rangeText(s.unit, s.min, s.max)}, or 250ms/2s/1m`, s, (raw) => {
      let n: number;
      if (typeof raw === 'number') n = raw;
      else {
        const m = typeof raw === 'string' ? DURATION.exec(raw) : null;
        if (!m) return expected(what, raw);
        n = (Number(m[1]) * IN_MS[(m[2] ?? s.unit) as keyof typeof IN_MS]) / IN_MS[s.unit];
      }
      return bounded(n, raw, what, s.min, s.max, s.integer);
    });
  },

  boolean<D extends boolean | undefined = undefined>(s: Common<D>): Option<boolean, NoInfer<D>> {
    return make('boolean', 'true|false', s, (raw) => {
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === 'false') return raw === 'true';
      return expected('true or false', raw);
    });
  },

  string<D extends string | undefined = undefined>(s: Common<D> & { pattern?: RegExp; placeholder?: string }): Option<string, NoInfer<D>> {
    return make('string', s.placeholder ?? 'text', s, (raw) => {
      if (typeof raw !== 'string' || raw === '' || (s.pattern && !s.pattern.test(raw))) return expected(s.placeholder ?? 'a non-empty string', raw);
      return raw;
    });
  },

  enum<const V extends string, D extends V | undefined = undefined>(values: readonly V[], s: Common<D>): Option<V, NoInfer<D>> {
    return make('enum', values.join('|'), s, (raw) => ((values as readonly unknown[]).includes(raw) ? (raw as V) : expected(`one of ${values.join(', ')}`, raw)));
  },

  /** A list written `a+b+c` (or with `separator`); `values` restricts the items. */
  list<const V extends string, D extends V[] | undefined = undefined>(s: Common<D> & { values?: readonly V[]; separator?: string }): Option<V[], NoInfer<D>> {
    const sep = s.separator ?? '+';
    const item = s.values ? s.values.join('|') : 'item';
    return make(
      'list',
      `${item}${sep}${item}...`,
      s,
      (raw) => {
        const items = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(sep).map((x) => x.trim()).filter(Boolean) : expected('a list', raw);
        if (items.length === 0) return expected(`at least one item (${item}, separated by '${sep}')`, raw);
        for (const x of items) if (s.values && !(s.values as readonly string[]).includes(x)) expected(`items from ${s.values.join(', ')}`, x);
        return items as V[];
      },
      (v) => v.join(sep),
    );
  },

  /**
   * JSON, or a bare word taken as a string (`init={"x":0}`, `init=5`, `init=foo`). An integer
   * literal beyond 2^53 stays exact (a bigint); inside a JSON structure, where JSON.parse would
   * round it, it is refused rather than silently changed. Values from code pass as they are.
   */
  json<D = undefined>(s: Common<D>): Option<unknown, NoInfer<D>> {
    return make('json', 'JSON', s, (raw) => {
      if (typeof raw !== 'string') return raw;
      const t = raw.trim();
      if (/^-?(0|[1-9]\d*)$/.test(t)) {
        const n = Number(t);
        return Number.isSafeInteger(n) ? n : BigInt(t);
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(t) as unknown;
      } catch {
        return raw;
      }
      const rounded = (x: unknown): boolean =>
        typeof x === 'number' ? Number.isInteger(x) && !Number.isSafeInteger(x) : Array.isArray(x) ? x.some(rounded) : !!x && typeof x === 'object' && Object.values(x).some(rounded);
      if (rounded(parsed)) return expected('JSON without integers beyond 2^53 (JSON.parse would round them: give a big integer alone, or as a string)', raw);
      return parsed;
    }, (v) => (typeof v === 'string' ? v : typeof v === 'bigint' ? v.toString() : JSON.stringify(v)));
  },
};

/** Where options come from, for error messages: `--db-option` and `db etcd`. */
export interface OptionContext {
  /** The flag the user wrote: '--db-option', '--nemesis-option', '--opt'. */
  flag: string;
  /** Whose options these are: 'db etcd', 'nemesis partition', 'checker set'. */
  owner: string;
  /** Keys that belong to someone else sharing the flag (several nemeses share --nemesis-option). */
  foreign?: ReadonlySet<string>;
}

/**
 * Parses raw options against a declaration. Unknown keys and bad values are BAD_ARGUMENT errors
 * that name the option: `--db-option reads: expected one of linearizable, serializable, got 'x'`.
 */
export function parseOptions<S extends OptionSpecs>(specs: S, raw: Readonly<Record<string, unknown>>, ctx: OptionContext): OptionValues<S> {
  for (const key of Object.keys(raw)) {
    if (!(key in specs) && !ctx.foreign?.has(key)) {
      const known = Object.keys(specs);
      throw new FaultlineError('BAD_ARGUMENT', `${ctx.owner} has no option '${key}' (${known.length ? `its options: ${known.join(', ')}` : 'it takes no options'})`, `${ctx.flag} ${key}`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(specs)) {
    const v = raw[key];
    if (v === undefined) {
      out[key] = spec.default;
      continue;
    }
    try {
      out[key] = spec.parse(v);
    } catch (e) {
      if (e instanceof Expected) throw new FaultlineError('BAD_ARGUMENT', e.message, `${ctx.flag} ${key}`);
      throw e;
    }
  }
  return out as OptionValues<S>;
}

/** One row per option, for `--help` and the README tables. */
export interface OptionRow {
  name: string;
  hint: string;
  default?: string;
  doc: string;
}

export function optionRows(specs: OptionSpecs | undefined): OptionRow[] {
  return Object.entries(specs ?? {}).map(([name, s]) => ({
    name,
    hint: s.hint,
    ...(s.default !== undefined ? { default: s.show(s.default) } : {}),
    doc: s.doc,
  }));
}

/** `name=hint  doc (default: x)` lines, indented, for help text. */
export function describeOptions(specs: OptionSpecs | undefined, indent = '    '): string[] {
  return optionRows(specs).map((r) => `${indent}${r.name}=${r.hint}  ${r.doc}${r.default !== undefined ? ` (default: ${r.default})` : ''}`);
}

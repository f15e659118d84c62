// Composing checkers by name, for workloads and `faultline check --checker compose
// --checkers a,b`: runs each named checker and combines their verdicts (worst wins).

import type { CheckOptions, Checker } from '../src/protocols.js';
import { compose } from '../src/protocols.js';
import { badArgument } from '../src/errors.js';
import { checkerNames, checkerOptions, defineChecker, getChecker } from './registry.js';
import { opt } from '../src/plugin/options.js';

/** A checker running the named plugins (each created with `opts`) and composing their results. */
export function composeByName(names: readonly string[], opts: CheckOptions = {}): Checker {
  const plugins = names.map((n) => {
    const p = getChecker(n);
    if (!p) throw badArgument(`unknown checker '${n}' (known: ${checkerNames().join(', ')})`, '--checkers');
    return p;
  });
  const { checkers: _names, ...rest } = opts;
  const parsed = checkerOptions(plugins, rest);
  return compose(names.join('+'), Object.fromEntries(plugins.map((p) => [p.name, p.create(parsed as never)])));
}

function namesFrom(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter(Boolean);
  throw badArgument('compose needs the option checkers: a list of checker names (e.g. stats,perf,set-full)', '--checkers');
}

defineChecker({
  name: 'compose',
  options: { checkers: opt.list({ separator: ',', doc: 'the checkers to run, comma-separated' }) },
  doc: 'runs several checkers (option checkers=a,b,c) and takes the worst verdict',
  create: (opts) => composeByName(namesFrom(opts.checkers), opts),
  format(r) {
    const lines: string[] = [];
    for (const [n, sub] of Object.entries(r.results ?? {})) {
      const p = getChecker(n);
      lines.push(`[${n}] ${sub.valid === true ? 'valid' : sub.valid === false ? 'INVALID' : 'unknown'}`);
      lines.push((p?.format?.(sub) ?? String(sub.summary ?? '')).replace(/^/gm, '  '));
    }
    return lines.join('\n');
  },
});

// Combining nemesis packages (Jepsen's nemesis.combined): one nemesis that routes each op to the
// fault that handles it, one schedule mixing all faults, one final phase healing all of them.

import { FaultlineError } from '../errors.js';
import type { Db, Nemesis, NemesisPackage } from '../protocols.js';
import { parseOptions } from './options.js';
import { requireCapabilities } from './capabilities.js';
import { lookup, nemeses } from './registry.js';
import type { OpSpec } from '../generator/index.js';
import { any, faultSchedule, once, seq, type Generator } from '../generator/index.js';

/**
 * The package of one fault: start ops (one or several kinds) each undone by one stop op, on the
 * usual random schedule; the stop op also heals at the end of the run.
 */
export function faultPackage(o: { name: string; nemesis: Nemesis; intervalS: number; start: string[]; stop: string; color: string }): NemesisPackage {
  const stop: OpSpec = { f: o.stop, value: null };
  const faults = o.start.map((f) => ({ start: { f, value: null }, stop }));
  return {
    name: o.name,
    nemesis: o.nemesis,
    generator: faultSchedule(o.intervalS, faults),
    faults,
    finalGenerator: once(stop),
    windows: [{ name: o.name, start: o.start, stop: [o.stop], color: o.color }],
  };
}

/** Routes ops by `f` to the nemesis that handles it; setup and teardown reach all of them. */
export function composeNemeses(nemeses: Nemesis[]): Nemesis {
  const byF = new Map<string, Nemesis>();
  for (const n of nemeses) for (const f of n.fs) byF.set(f, n);
  return {
    fs: [...byF.keys()],
    async setup(test) {
      for (const n of nemeses) await n.setup?.(test);
    },
    async invoke(test, op) {
      const n = byF.get(op.f);
      if (!n) throw new FaultlineError('UNSUPPORTED', `no nemesis handles ${op.f}`);
      return n.invoke(test, op);
    },
    async teardown(test) {
      // Heal everything even if one teardown fails; report the first failure after trying all.
      let first: unknown;
      for (const n of nemeses) {
        try {
          await n.teardown?.(test);
        } catch (e) {
          first ??= e;
        }
      }
      if (first) throw first;
    },
  };
}

export function combinePackages(pkgs: NemesisPackage[], intervalS: number): NemesisPackage {
  if (pkgs.length === 1) return pkgs[0]!;
  const faults = pkgs.flatMap((p) => p.faults ?? []);
  const opaque = pkgs.filter((p) => !p.faults).map((p) => p.generator);
  const schedules: Array<Generator | null> = [faults.length ? faultSchedule(intervalS, faults) : null, ...opaque];
  return {
    name: pkgs.map((p) => p.name).join('+'),
    nemesis: composeNemeses(pkgs.map((p) => p.nemesis)),
    generator: any(...schedules),
    finalGenerator: seq(pkgs.map((p) => p.finalGenerator)),
    windows: pkgs.flatMap((p) => p.windows),
    faults,
  };
}

/** What `--nemesis a,b,c` is built with. */
export interface NemesisBuild {
  db: Db;
  intervalS: number;
  /** `--nemesis-option k=v`, shared by the chosen faults. */
  options: Readonly<Record<string, unknown>>;
}

/**
 * Builds the package for `--nemesis a,b,c` ('none' or an empty list: no faults). Options are
 * parsed against each fault's declaration, and a fault the db cannot do is refused here, before
 * anything starts, naming the db and the fault.
 */
export function buildNemesis(names: string[], b: NemesisBuild): NemesisPackage | null {
  const plugins = names.filter((n) => n && n !== 'none').map((n) => lookup(nemeses, n, '--nemesis'));
  const declared = new Set(plugins.flatMap((p) => Object.keys(p.options ?? {})));
  for (const key of Object.keys(b.options)) {
    if (declared.has(key)) continue;
    const owner = nemeses.all().find((p) => key in (p.options ?? {}));
    const used = plugins.map((p) => p.name).join(', ') || 'none';
    throw new FaultlineError(
      'BAD_ARGUMENT',
      owner ? `option of nemesis ${owner.name}, which this run does not use (--nemesis ${used})` : `no nemesis has an option '${key}'${declared.size ? ` (options of ${used}: ${[...declared].join(', ')})` : ''}`,
      `--nemesis-option ${key}`,
    );
  }
  if (plugins.length === 0) return null;
  const parsed = plugins.map((p) => {
    const options = parseOptions(p.options ?? {}, b.options, { flag: '--nemesis-option', owner: `nemesis ${p.name}`, foreign: declared });
    const needs = typeof p.requires === 'function' ? p.requires(options) : p.requires;
    requireCapabilities(b.db, needs, `--nemesis ${p.name}`);
    return { p, options, needs };
  });
  // The db lays its nodes out for the faults before anything is created (e.g. lazyfs for power).
  b.db.prepareFaults?.([...new Set(parsed.flatMap((x) => x.needs))], Object.assign({}, ...parsed.map((x) => x.options)));
  const pkgs = parsed.map(({ p, options }) => p.create({ db: b.db, intervalS: b.intervalS, options }));
  return combinePackages(pkgs, b.intervalS);
}

// Help text derived from the plugin declarations: for each database its doc, its workloads (its
// clients), the faults it can take (its capabilities against each nemesis's needs), its bugs and
// its options; then each workload's and nemesis's options. `faultline run --help` prints it, and
// the README's plugin tables are checked against the same rows.

import { capabilitiesOf, type Capability } from '../../src/plugin/capabilities.js';
import { describeOptions, optionRows, parseOptions } from '../../src/plugin/options.js';
import { checkers, dbs, nemeses, workloads } from '../../src/plugin/registry.js';
import type { AnyDbPlugin, NemesisPlugin } from '../../src/plugin/kinds.js';

/** A nemesis's needs with its default options. */
function needs(n: NemesisPlugin): readonly Capability[] {
  if (typeof n.requires !== 'function') return n.requires;
  return n.requires(parseOptions(n.options ?? {}, {}, { flag: '--nemesis-option', owner: `nemesis ${n.name}` }));
}

/** The faults a db takes with its default options (variants may take fewer, e.g. existing clusters). */
export function faultsOf(p: AnyDbPlugin): string[] {
  let caps: Capability[];
  try {
    const options = parseOptions(p.options ?? {}, {}, { flag: '--db-option', owner: `db ${p.name}` });
    // Any existing file stands in for a --bin program: building a Db starts nothing.
    caps = capabilitiesOf(p.create({ nodes: p.defaultNodes, options, bin: process.execPath }));
  } catch {
    return []; // a db that cannot be built without more options (e.g. --bin) lists none here
  }
  return nemeses.all().filter((n) => needs(n).every((c) => caps.includes(c))).map((n) => n.name);
}

/**
 * The options a db implies for its runs (with its own options at their defaults): workload
 * options per workload (workloads sharing them listed together), then fault options.
 */
export function defaultsOf(p: AnyDbPlugin): string[] {
  const out: string[] = [];
  const kv = (o: Readonly<Record<string, string>>): string => Object.entries(o).map(([k, v]) => `${k}=${v}`).join(', ');
  if (p.workloadDefaults) {
    let options;
    try {
      options = parseOptions(p.options ?? {}, {}, { flag: '--db-option', owner: `db ${p.name}` });
    } catch {
      options = undefined; // a db that needs options to be built: its defaults depend on them
    }
    const byDefaults = new Map<string, string[]>();
    for (const w of options ? Object.keys(p.clients) : []) {
      const d = kv(p.workloadDefaults(w, options!));
      if (d) byDefaults.set(d, [...(byDefaults.get(d) ?? []), w]);
    }
    for (const [d, ws] of byDefaults) out.push(`workload options ${d} (${ws.join(', ')})`);
  }
  if (p.nemesisDefaults && Object.keys(p.nemesisDefaults).length) out.push(`nemesis options ${kv(p.nemesisDefaults)}`);
  return out;
}

export interface DbRow {
  name: string;
  doc: string;
  workloads: string[];
  faults: string[];
  bugs: string[];
  /** What the db implies unless told otherwise (see defaultsOf). */
  defaults: string[];
}

export function dbRows(): DbRow[] {
  return dbs.all().map((p) => ({ name: p.name, doc: p.doc, workloads: Object.keys(p.clients), faults: faultsOf(p), bugs: Object.keys(p.bugs ?? {}), defaults: defaultsOf(p) }));
}

export function pluginHelp(): string {
  const out: string[] = ['', 'Databases (--db):'];
  for (const r of dbRows()) {
    const p = dbs.get(r.name)!;
    out.push(`  ${r.name}: ${r.doc}`, `    workloads: ${r.workloads.join(', ')}`, `    faults: ${r.faults.join(', ') || 'none'}`);
    if (r.bugs.length) out.push(`    bugs (--bug): ${r.bugs.join(', ')}`);
    if (r.defaults.length) out.push(`    defaults: ${r.defaults.join('; ')}`);
    if (p.options && Object.keys(p.options).length) out.push('    options (--db-option):', ...describeOptions(p.options, '      '));
  }
  out.push('', 'Workloads (--workload):');
  for (const w of workloads.all()) {
    out.push(`  ${w.name}: ${w.doc}`);
    if (w.options && Object.keys(w.options).length) out.push('    options (--workload-option):', ...describeOptions(w.options, '      '));
  }
  out.push('', 'Faults (--nemesis, comma-separated, or none):');
  for (const n of nemeses.all()) {
    out.push(`  ${n.name}: ${n.doc}`);
    if (n.options && Object.keys(n.options).length) out.push('    options (--nemesis-option):', ...describeOptions(n.options, '      '));
  }
  out.push('', checkerHelp());
  return out.join('\n');
}

/** Each checker and its options (`faultline check --checker NAME --opt k=v`). */
export function checkerHelp(): string {
  const out: string[] = ['Checkers (faultline check --checker NAME; options: --opt k=v):'];
  for (const c of checkers.all()) {
    out.push(`  ${c.name}: ${c.doc}`);
    if (c.options && Object.keys(c.options).length) out.push(...describeOptions(c.options, '      '));
  }
  return out.join('\n');
}

const cell = (s: string): string => s.replace(/\|/g, '\\|');

/** The same facts as Markdown tables (docs/plugins.md is this output; a test keeps it current). */
export function pluginMarkdown(): string {
  const out: string[] = [
    '# Plugins',
    '',
    'Generated from the plugin declarations by `faultline plugins --markdown` (a suite of your own adds its plugins here too).',
    '',
    '## Databases (`--db`)',
    '',
    '| db | what | workloads | faults | bugs | defaults |',
    '|---|---|---|---|---|---|',
    ...dbRows().map((r) => `| \`${r.name}\` | ${cell(r.doc)} | ${r.workloads.join(', ')} | ${r.faults.join(', ') || '—'} | ${r.bugs.join(', ') || '—'} | ${cell(r.defaults.join('; ')) || '—'} |`),
  ];
  const table = (title: string, flag: string, ps: Array<{ name: string; doc: string; options?: Parameters<typeof describeOptions>[0] }>) => {
    out.push('', `## ${title}`, '');
    for (const p of ps) {
      out.push(`### \`${p.name}\``, '', p.doc, '');
      const rows = optionRows(p.options);
      if (rows.length) out.push(`| ${flag} | values | default | meaning |`, '|---|---|---|---|', ...rows.map((o) => `| \`${o.name}\` | ${cell(o.hint)} | ${o.default === undefined ? '—' : `\`${cell(o.default)}\``} | ${cell(o.doc)} |`), '');
    }
  };
  table('Database options', '`--db-option`', dbs.all());
  table('Workloads (`--workload`)', '`--workload-option`', workloads.all());
  table('Faults (`--nemesis`)', '`--nemesis-option`', nemeses.all());
  table('Checkers (`faultline check --checker`)', '`--opt`', checkers.all());
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

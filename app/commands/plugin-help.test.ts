// The plugin docs are derived from the declarations: docs/plugins.md must be what
// `faultline plugins --markdown` prints now, and `run --help` lists each db's workloads and faults.

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import '../builtins.js';
import { dbRows, pluginHelp, pluginMarkdown } from './plugin-help.js';

describe('plugin docs', () => {
  it('docs/plugins.md is current (regenerate: node bin/faultline.js plugins --markdown > docs/plugins.md)', () => {
    expect(readFileSync(new URL('../../docs/plugins.md', import.meta.url), 'utf8')).toBe(pluginMarkdown());
  });

  it('derives workloads from clients and faults from capabilities', () => {
    const etcd = dbRows().find((r) => r.name === 'etcd')!;
    expect(etcd.workloads).toEqual(['register', 'set', 'lock', 'list-append']);
    // etcd is a Go server: its clock faults go through clockshift; its containers take storage faults.
    expect(etcd.faults).toEqual(['bitflip', 'clock', 'disk-full', 'kill', 'packet', 'partition', 'pause', 'power', 'stall', 'truncate']);
    expect(pluginHelp()).toMatch(/raft: .*\n {4}workloads: register, set, lin-kv, g-set, kafka\n {4}faults: kill, packet, partition, pause, stall\n {4}bugs \(--bug\): stale-read, early-ack/);
  });
});

// How built-in node programs are started from a source checkout: bundled once into a plain
// module run by plain Node (the tsx loader cost each node start about 0.5 s of CPU, so five
// nodes starting at once on a loaded machine missed the init deadline).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinNodeCommand } from './command.js';

const raft = new URL('../raft/node.js', import.meta.url);

describe('builtinNodeCommand', () => {
  it('runs a source checkout\'s node program bundled, under plain Node, with its bug switch', () => {
    const { command, args } = builtinNodeCommand(raft, 'stale-read');
    expect(command).toBe(process.execPath);
    expect(args).not.toContain('--import');
    expect(args[0]).toMatch(/\.mjs$/);
    expect(existsSync(args[0]!)).toBe(true);
    expect(args.slice(1)).toEqual(['--bug', 'stale-read']);
    // The same sources give the same file.
    expect(builtinNodeCommand(raft).args[0]).toBe(args[0]);
  });

  it('the bundled program speaks the protocol', () => {
    const { command, args } = builtinNodeCommand(raft);
    const dir = mkdtempSync(join(tmpdir(), 'faultline-command-'));
    const init = JSON.stringify({ src: 'c0', dest: 'n1', body: { type: 'init', msg_id: 1, node_id: 'n1', node_ids: ['n1'] } });
    const r = spawnSync(command, args, { input: `${init}\n`, env: { ...process.env, FAULTLINE_NODE_DIR: dir }, encoding: 'utf8', timeout: 30_000 });
    expect(r.stdout).toContain('"init_ok"');
  });
});

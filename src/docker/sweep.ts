// Removes what faultline runs left in Docker: containers, volumes and networks labelled
// faultline (all runs, or one), and host iptables rules tagged with a faultline comment. Rules in
// a node's own network namespace vanish with its container; the host scan is a safety net.

import { spawn } from 'node:child_process';
import { connectDocker } from './engine.js';
import { removeRun } from './cluster.js';

export interface SweepResult {
  containers: number;
  volumes: number;
  networks: number;
  rules: number;
}

export async function sweep(runId?: string): Promise<SweepResult> {
  const d = await connectDocker();
  const removed = await removeRun(d, runId);
  const rules = await sweepHostRules(runId);
  return { ...removed, rules };
}

/** Deletes host iptables rules whose comment is `faultline:<run>` (any run without runId). */
export async function sweepHostRules(runId?: string): Promise<number> {
  const saved = await run('iptables-save', []);
  if (saved.code !== 0) return 0; // no iptables on this host: nothing of ours can be there
  const tag = runId ? `faultline:${runId}` : 'faultline:';
  let table = '';
  let removed = 0;
  for (const line of saved.stdout.split('\n')) {
    if (line.startsWith('*')) table = line.slice(1);
    if (!line.startsWith('-A ') || !line.includes(tag)) continue;
    // `-A CHAIN spec` → `-t table -D CHAIN spec`: the saved form is accepted back by iptables.
    const args = ['-w', '5', '-t', table, '-D', ...splitRule(line.slice(3))];
    if ((await run('iptables', args)).code === 0) removed++;
  }
  return removed;
}

/** Splits an iptables-save rule into arguments, honouring double quotes. */
function splitRule(s: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(s); m; m = re.exec(s)) out.push(m[1] !== undefined ? m[1].replace(/\\"/g, '"') : m[2]!);
  return out;
}

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    c.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    c.on('error', () => resolve({ code: 127, stdout: '' }));
    c.on('close', (code) => resolve({ code: code ?? 1, stdout }));
  });
}

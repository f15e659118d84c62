// Removes what faultline runs left in Docker: containers, volumes and networks labelled with a
// run, and host iptables rules tagged with a faultline comment. With a run id, that run goes;
// without, only runs whose owner process is gone (owner label, src/owner.ts): a run still in
// progress, or one whose owner cannot be judged (no owner label, another host), is left alone.
// Rules in a node's own network namespace vanish with its container; the host scan is a safety net.

import { spawn } from 'node:child_process';
import type Docker from 'dockerode';
import { connectDocker, OWNER_LABEL, RUN_LABEL } from './engine.js';
import { removeRun } from './remove-run.js';
import { ownerState, type OwnerState } from '../owner.js';

export interface SweepResult {
  containers: number;
  volumes: number;
  networks: number;
  rules: number;
}

/** A run's resources in Docker and whether its owner still runs. */
export interface DockerRun {
  runId: string;
  owner: OwnerState;
  containers: number;
  volumes: number;
  networks: number;
}

/** The runs that have resources in Docker, with their owners' state. */
export async function dockerRuns(d: Docker): Promise<DockerRun[]> {
  const filters = JSON.stringify({ label: [RUN_LABEL] });
  const [cs, vs, ns] = await Promise.all([d.listContainers({ all: true, filters }), d.listVolumes({ filters }), d.listNetworks({ filters })]);
  const runs = new Map<string, DockerRun & { tokens: Set<string> }>();
  const note = (labels: Record<string, string> | null | undefined, kind: 'containers' | 'volumes' | 'networks') => {
    const id = labels?.[RUN_LABEL];
    if (!id) return;
    let r = runs.get(id);
    if (!r) runs.set(id, (r = { runId: id, owner: 'unknown', containers: 0, volumes: 0, networks: 0, tokens: new Set() }));
    r[kind]++;
    const t = labels?.[OWNER_LABEL];
    if (t) r.tokens.add(t);
  };
  for (const c of cs) note(c.Labels, 'containers');
  for (const v of vs.Volumes ?? []) note(v.Labels, 'volumes');
  for (const n of ns) note(n.Labels, 'networks');
  return [...runs.values()].map(({ tokens, ...r }) => ({ ...r, owner: combineOwners([...tokens].map(ownerState)) }));
}

/** A run is alive if any owner runs, gone if an owner is known gone and none runs, else unknown. */
export function combineOwners(states: OwnerState[]): OwnerState {
  if (states.includes('alive')) return 'alive';
  if (states.includes('gone')) return 'gone';
  return 'unknown';
}

/**
 * Removes the Docker resources of `runId`, or (without it) of every run whose owner is gone.
 * Returns what was removed and the runs left alone.
 */
export async function sweepDocker(runId?: string): Promise<SweepResult & { kept: DockerRun[]; removedRuns: string[] }> {
  const d = await connectDocker();
  const runs = await dockerRuns(d);
  const doomed = runs.filter((r) => (runId ? r.runId === runId : r.owner === 'gone'));
  const kept = runs.filter((r) => !doomed.includes(r));
  const total = { containers: 0, volumes: 0, networks: 0 };
  for (const r of doomed) {
    const removed = await removeRun(d, r.runId);
    total.containers += removed.containers;
    total.volumes += removed.volumes;
    total.networks += removed.networks;
  }
  return { ...total, rules: 0, kept, removedRuns: doomed.map((r) => r.runId) };
}

/**
 * Deletes host iptables rules whose comment is `faultline:<run>`: those of `runId`, or (without
 * it) every run not in `keep` (runs still in progress or whose owner cannot be judged).
 */
export async function sweepHostRules(runId?: string, keep: ReadonlySet<string> = new Set()): Promise<number> {
  const saved = await run('iptables-save', []);
  if (saved.code !== 0) return 0; // no iptables on this host: nothing of ours can be there
  let table = '';
  let removed = 0;
  for (const line of saved.stdout.split('\n')) {
    if (line.startsWith('*')) table = line.slice(1);
    if (!line.startsWith('-A ')) continue;
    const m = /faultline:([A-Za-z0-9_.-]+)/.exec(line);
    if (!m) continue;
    if (runId ? m[1] !== runId : keep.has(m[1]!)) continue;
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

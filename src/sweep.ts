// `faultline sweep`: removes what runs left behind when they could not clean up (SIGKILL, a
// crash, a lost machine): node processes (found by the FAULTLINE_RUN label in their environment;
// a paused one is resumed, then killed), Docker containers, volumes, networks and host iptables
// rules. With a run id, that run; without, only runs whose owner process is gone.

import { readdirSync, readFileSync } from 'node:fs';
import { FaultlineError } from './errors.js';
import { OWNER_ENV, ownerState, procStart, RUN_ENV, type OwnerState } from './owner.js';
import { resumeAndKill } from './maelstrom/cluster.js';

export interface NodeProcess {
  pid: number;
  runId: string;
  owner: OwnerState;
  /** 'T' when stopped (a paused node), 'S'/'R' otherwise. */
  state: string;
}

/** Live processes labelled with a run (FAULTLINE_RUN in their environment). */
export function labelledProcesses(): NodeProcess[] {
  const out: NodeProcess[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out; // not Linux: no /proc to scan
  }
  for (const d of entries) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    let env: string;
    try {
      env = readFileSync(`/proc/${d}/environ`, 'latin1');
    } catch {
      continue; // gone, or not ours to read
    }
    const vars = new Map<string, string>();
    for (const kv of env.split('\0')) {
      const i = kv.indexOf('=');
      if (i > 0) vars.set(kv.slice(0, i), kv.slice(i + 1));
    }
    const runId = vars.get(RUN_ENV);
    if (!runId) continue;
    const p = procStart(Number(d));
    if (!p || p.state === 'Z' || p.state === 'X') continue;
    out.push({ pid: Number(d), runId, owner: ownerState(vars.get(OWNER_ENV)), state: p.state });
  }
  return out;
}

/** Resumes and kills the processes of `runId`, or of every run whose owner is gone; waits until they are gone. */
export async function sweepProcesses(runId?: string): Promise<{ killed: NodeProcess[]; kept: NodeProcess[] }> {
  const all = labelledProcesses();
  const killed = all.filter((p) => (runId ? p.runId === runId : p.owner === 'gone'));
  for (const p of killed) resumeAndKill(p.pid);
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && killed.some((p) => isLive(p.pid))) await new Promise((r) => setTimeout(r, 50));
  return { killed, kept: all.filter((p) => !killed.includes(p)) };
}

function isLive(pid: number): boolean {
  const p = procStart(pid);
  return p !== undefined && p.state !== 'Z' && p.state !== 'X';
}

export interface SweepReport {
  processes: number;
  containers: number;
  volumes: number;
  networks: number;
  rules: number;
  /** Runs left alone: still in progress, or their owner cannot be judged. */
  kept: Array<{ runId: string; owner: OwnerState }>;
  /** Set when Docker could not be swept (no engine): why. */
  dockerSkipped?: string;
}

export async function sweep(runId?: string): Promise<SweepReport> {
  const procs = await sweepProcesses(runId);
  const kept = new Map<string, OwnerState>();
  for (const p of procs.kept) kept.set(p.runId, p.owner);
  let docker = { containers: 0, volumes: 0, networks: 0 };
  let dockerSkipped: string | undefined;
  let rules = 0;
  // Loaded on demand: dockerode costs half a second and runs without Docker need none of it.
  const ds = await import('./docker/sweep.js');
  try {
    const r = await ds.sweepDocker(runId);
    docker = r;
    for (const k of r.kept) if (kept.get(k.runId) !== 'alive') kept.set(k.runId, k.owner);
  } catch (e) {
    // No local engine: nothing of Docker to sweep. A remote engine the user named must answer.
    const { isRemoteEngine } = await import('./docker/engine.js');
    if (!(e instanceof FaultlineError && (e.code === 'DOCKER' || e.code === 'UNREACHABLE')) || isRemoteEngine()) throw e;
    dockerSkipped = e.message;
  }
  // Host rules of a run still holding resources are left; orphaned rules of any other run go.
  // Without an engine the runs holding containers are unknown: then only a named run's rules go.
  if (runId || !dockerSkipped) rules = await ds.sweepHostRules(runId, new Set(kept.keys()));
  return { processes: procs.killed.length, ...docker, rules, kept: [...kept].map(([id, owner]) => ({ runId: id, owner })), dockerSkipped };
}

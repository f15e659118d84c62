// A persistent pool of worker threads for checkers that split their work (linearizability by
// key, ...). Workers are unref'd (they never keep the process alive) and reused by every later
// check in the process. In the built package the task modules are JavaScript and each worker
// imports them; in a source checkout they are TypeScript, and a worker loading them through tsx
// takes seconds, so the pool bundles them once with esbuild (a development dependency, in the
// background) and each worker evaluates that plain JavaScript: tens of milliseconds.
//
// Checks stay synchronous: a caller packs its job, posts it to the ready workers, works on it in
// its own thread too, and meets the workers in shared memory (claims, stop flags, results), never
// through the event loop. So a worker's readiness and liveness are published in shared memory
// as well: a caller that never yields to the event loop still sees them.

import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type TransferListItem } from 'node:worker_threads';

/** Worker states in the pool's shared word per worker. */
export const BOOTING = 0;
export const IDLE = 1;
export const BUSY = 2;
export const DEAD = 3;

export interface PoolWorker {
  readonly id: number;
  /** BOOTING, IDLE, BUSY or DEAD, read from shared memory (current even without the event loop). */
  state(): number;
  post(task: string, payload: unknown, transfer?: readonly TransferListItem[]): void;
}

const tasks = new Map<string, string>();
let workers: PoolWorker[] = [];
let states: Int32Array | undefined;
let starting: Promise<void> | undefined;
let failure: string | undefined;

/**
 * Register a task: a module whose `run(payload)` a worker calls with what `post` sent. Must happen
 * before the pool starts (at import time of the checker that uses it); later tasks are not in the
 * workers' bundle and `hasTask` says so.
 */
export function registerWorkerTask(name: string, moduleUrl: string | URL): void {
  if (!starting) tasks.set(name, typeof moduleUrl === 'string' && !moduleUrl.startsWith('file:') ? moduleUrl : fileURLToPath(moduleUrl));
}

/** How many workers the pool runs: FAULTLINE_WORKERS, else one fewer than the cores (max 8). */
export function poolCapacity(): number {
  const env = process.env.FAULTLINE_WORKERS;
  if (env !== undefined && env.trim() !== '') {
    const n = Number(env);
    return Number.isInteger(n) && n >= 0 ? Math.min(n, 64) : 0;
  }
  return Math.max(0, Math.min(availableParallelism() - 1, 8));
}

/** Start the pool in the background (idempotent). Resolves when it is up or has failed. */
export function warmPool(): Promise<void> {
  if (starting) return starting;
  const n = poolCapacity();
  if (n === 0) return (starting = Promise.resolve());
  starting = start(n).catch((e: unknown) => {
    failure = `worker pool unavailable: ${(e as Error)?.message ?? String(e)}`;
    workers = [];
  });
  return starting;
}

/** Workers ready for work now (booted, alive) that can run `task`. Never waits. */
export function readyWorkers(task: string): PoolWorker[] {
  if (!tasks.has(task) || !bundled.has(task)) return [];
  return workers.filter((w) => w.state() === IDLE || w.state() === BUSY);
}

/** Why the pool is not running (it failed to start) or why a worker thread died. */
export function poolFailure(): string | undefined {
  return failure;
}

const bundled = new Set<string>();

async function start(n: number): Promise<void> {
  const names = [...tasks.keys()];
  if (!names.length) return;
  // The worker's script: load each task, run jobs in arrival order, publish state in shared memory.
  const serve = (load: string): string => [
    `const { parentPort, workerData } = require('node:worker_threads');`,
    `const states = new Int32Array(workerData.states);`,
    `const me = workerData.id;`,
    `${load}.then((tasks) => {`,
    `  parentPort.on('message', (m) => {`,
    `    Atomics.store(states, me, ${BUSY});`,
    `    try { tasks[m.task].run(m.payload); }`,
    `    catch (e) { parentPort.postMessage({ error: String(e && e.stack || e) }); }`,
    `    finally { Atomics.store(states, me, ${IDLE}); }`,
    `  });`,
    `  Atomics.store(states, me, ${IDLE});`,
    `});`,
  ].join('\n');
  let code: string;
  const paths = names.map((name) => tasks.get(name)!);
  if (paths.every((f) => /\.[cm]?js$/.test(f))) {
    const imports = paths.map((f) => `import(${JSON.stringify(pathToFileURL(f).href)})`).join(', ');
    code = serve(`Promise.all([${imports}]).then((ms) => ({ ${names.map((name, i) => `${JSON.stringify(name)}: ms[${i}]`).join(', ')} }))`);
  } else {
    const { build } = await import('esbuild');
    const entry = `${paths.map((f, i) => `import * as t${i} from ${JSON.stringify(f)};`).join('\n')}\nexport const tasks = { ${names.map((name, i) => `${JSON.stringify(name)}: t${i}`).join(', ')} };`;
    const out = await build({
      stdin: { contents: entry, resolveDir: process.cwd(), loader: 'js', sourcefile: 'faultline-worker-tasks.js' },
      bundle: true,
      platform: 'node',
      format: 'iife',
      globalName: '__faultlineTasks',
      target: 'node20',
      write: false,
      logLevel: 'silent',
      external: ['esbuild'],
    });
    code = `${out.outputFiles[0]!.text}\n${serve('Promise.resolve(__faultlineTasks.tasks)')}`;
  }
  for (const name of names) bundled.add(name);
  states = new Int32Array(new SharedArrayBuffer(4 * n));
  const shared = states;
  workers = Array.from({ length: n }, (_, id) => {
    // No inherited node flags: `--input-type=module` would read the bundle as ESM, `--import tsx`
    // would load the TypeScript hooks that the bundle exists to avoid.
    const w = new Worker(code, { eval: true, execArgv: [], workerData: { states: shared.buffer, id } });
    w.on('error', (e) => {
      failure = `worker thread ${id} failed: ${e.message}`;
      Atomics.store(shared, id, DEAD);
    });
    w.on('exit', () => Atomics.store(shared, id, DEAD));
    // A task that throws past its own reporting: the job's caller sees no progress and gives up.
    w.on('message', () => undefined);
    w.unref(); // after the listeners: adding a 'message' listener refs the worker's port again
    return {
      id,
      state: () => Atomics.load(shared, id),
      post: (task: string, payload: unknown, transfer: readonly TransferListItem[] = []) => w.postMessage({ task, payload }, transfer as TransferListItem[]),
    };
  });
}

/** Start the pool and wait until its workers are up (or `timeoutMs` passed); resolves to how many are ready. */
export async function poolReady(timeoutMs = 30_000): Promise<number> {
  await warmPool();
  const until = Date.now() + timeoutMs;
  while (workers.some((w) => w.state() === BOOTING) && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
  return workers.filter((w) => w.state() === IDLE || w.state() === BUSY).length;
}

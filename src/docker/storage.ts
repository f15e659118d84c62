// Storage faults on a container cluster whose nodes are laid out for them (node-layout.ts): each
// call is a few node-ctl commands inside the nodes (docker/common/node/node-ctl.sh). A power
// failure kills every database process of the nodes, then has lazyfs forget what was never
// fsynced; a corruption stops the server and edits one file through the data directory (and
// fsyncs it: damage is durable); disk-full fills the node's small tmpfs with a ballast file.
// Servers stay down until `restart`, which starts them and watches what they do.

import { FaultlineError } from '../errors.js';
import type { Test } from '../protocols.js';
import type { Corruption, CorruptionRecord, DiskFillRecord, PowerFailure, RestartOutcome, Storage, StorageFault } from '../storage-faults.js';
import type { DockerCluster } from './cluster.js';
import { NODE_CTL } from './node-tools.js';

const num = (pairs: Array<[string, string]>, key: string): number => Number(pairs.find(([k]) => k === key)?.[1] ?? NaN);
const str = (pairs: Array<[string, string]>, key: string): string | undefined => pairs.find(([k]) => k === key)?.[1];

/**
 * Lines of the node's output since `sinceMs` (Docker's timestamps dropped, each cut to `width`):
 * the first `head` (recovery: what it found on disk) and the last `tail` (how it ended up).
 */
export function logSince(text: string, sinceMs: number, head = 5, tail = 12, width = 300): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) ?(.*)$/.exec(line);
    if (!m) continue;
    if (Date.parse(m[1]!) + 1 < sinceMs) continue; // Date.parse keeps milliseconds only
    const rest = m[2]!.trimEnd();
    if (rest) out.push(rest.length > width ? `${rest.slice(0, width)}…` : rest);
  }
  if (out.length <= head + tail) return out;
  return [...out.slice(0, head), `… ${out.length - head - tail} line(s) left out …`, ...out.slice(-tail)];
}

/**
 * Byte positions of `bits` flips spread uniformly over the file, with the bit in each byte.
 * Offsets are distinct, so no flip undoes another.
 */
export function flipPositions(size: number, bits: number, next: () => number): Array<{ offset: number; bit: number }> {
  const n = Math.min(bits, size);
  const used = new Set<number>();
  const out: Array<{ offset: number; bit: number }> = [];
  while (out.length < n) {
    const offset = Math.min(size - 1, Math.floor(next() * size));
    if (used.has(offset)) continue;
    used.add(offset);
    out.push({ offset, bit: Math.min(7, Math.floor(next() * 8)) });
  }
  return out.sort((a, b) => a.offset - b.offset);
}

/** How many bytes a truncation drops: log-uniform from 1 byte to the whole file (torn tails to lost files). */
export function dropBytes(size: number, next: () => number): number {
  if (size <= 1) return size;
  return Math.max(1, Math.min(size, Math.round(Math.exp(next() * Math.log(size)))));
}

export class ClusterStorage implements Storage {
  readonly unsupported: Partial<Record<StorageFault, string>>;

  constructor(
    private readonly cluster: () => DockerCluster,
    readonly files?: Readonly<Record<string, string>>,
  ) {
    this.unsupported = files && Object.keys(files).length ? {} : { corrupt: 'the system declares no data files to corrupt (SystemSpec.dataFiles)' };
  }

  private lazyfsCluster(what: string): DockerCluster {
    const c = this.cluster();
    if (!c.layout.lazyfs) throw new FaultlineError('INTERNAL', `${what}: the nodes were not laid out on lazyfs (the run did not declare the power fault)`);
    return c;
  }

  async checkpoint(_test: Test, nodes: readonly string[]): Promise<void> {
    const c = this.cluster();
    if (!c.layout.lazyfs) return;
    await Promise.all(nodes.map((n) => c.ctl(n, ['lazyfs', 'checkpoint'])));
  }

  async powerFail(_test: Test, nodes: readonly string[]): Promise<PowerFailure[]> {
    const c = this.lazyfsCluster('power failure');
    // Every node's database dies first, then each loses its unsynced writes: one power cut.
    await Promise.all(nodes.map((n) => c.kill(n)));
    return Promise.all(
      nodes.map(async (node): Promise<PowerFailure> => {
        const r = await c.ctl(node, ['lazyfs', 'power-fail']);
        const rc = num(r, 'rc');
        const undoErrors = num(r, 'after.undo_errors') - num(r, 'before.undo_errors');
        const ok = rc === 0 && !(undoErrors > 0);
        return {
          node,
          atRisk: { unsyncedFiles: num(r, 'before.unsynced_files'), savedBytes: num(r, 'before.saved_bytes'), pendingNamespaceOps: num(r, 'before.pending_namespace_ops') },
          ok,
          undoErrors: Number.isFinite(undoErrors) ? undoErrors : -1,
          ...(ok ? {} : { error: str(r, 'stderr') ?? `lazyfs power-fail exited ${rc}` }),
        };
      }),
    );
  }

  async corrupt(test: Test, node: string, kinds: readonly string[], how: Corruption): Promise<CorruptionRecord> {
    for (const k of kinds) if (!this.files?.[k]) throw new FaultlineError('BAD_ARGUMENT', `no data file kind '${k}' (declared: ${Object.keys(this.files ?? {}).join(', ') || 'none'})`, node);
    const c = this.cluster();
    await c.kill(node);
    const data = c.layout.dataPath;
    const found: Array<{ kind: string; files: Array<{ size: number; file: string }> }> = [];
    for (const kind of kinds) {
      const globs = this.files![kind]!.split(/\s+/).filter(Boolean);
      const r = await c.exec(node, ['sh', NODE_CTL, 'files', data, ...globs]);
      if (r.exitCode !== 0) throw new FaultlineError('DOCKER', `listing ${globs.join(' ')} under ${data} failed: ${r.stdout.trim()} ${r.stderr.trim()}`, node);
      const files = r.stdout
        .split('\n')
        .map((l) => /^(\d+) (.+)$/.exec(l))
        .filter((m): m is RegExpExecArray => !!m)
        .map((m) => ({ size: Number(m[1]), file: m[2]! }))
        .filter((f) => f.size > 0);
      if (files.length) found.push({ kind, files });
    }
    if (!found.length) throw new FaultlineError('UNSUPPORTED', `no non-empty ${kinds.join('/')} file (${kinds.map((k) => this.files![k]).join(' ')}) under ${data}; the server stays down until the restart`, node);
    // Random choices only after every await: the same seed picks the same file and bits.
    const { kind, files } = test.rng.pick(found);
    const pick = test.rng.pick(files);
    const path = `${data}/${pick.file}`;
    if (how.kind === 'bitflip') {
      const flips = flipPositions(pick.size, how.bits, () => test.rng.next());
      const r = await c.ctl(node, ['flip', path, ...flips.flatMap((f) => [String(f.offset), String(f.bit)])]);
      const done = r.filter(([k]) => k === 'flip').map(([, v]) => v.split(' ').map(Number) as [number, number, number, number]);
      return { node, fileKind: kind, file: pick.file, sizeBefore: pick.size, flips: done.map(([offset, bit, before, after]) => ({ offset, bit, before, after })) };
    }
    const to = pick.size - dropBytes(pick.size, () => test.rng.next());
    const r = await c.ctl(node, ['truncate', path, String(to)]);
    return { node, fileKind: kind, file: pick.file, sizeBefore: num(r, 'size.before'), sizeAfter: num(r, 'size.after') };
  }

  private diskCluster(what: string): DockerCluster {
    const c = this.cluster();
    if (!c.layout.diskBytes) throw new FaultlineError('INTERNAL', `${what}: the nodes have no small disk (the run did not declare the disk-full fault)`);
    return c;
  }

  async fill(_test: Test, node: string): Promise<DiskFillRecord> {
    const c = this.diskCluster('fill');
    const r = await c.ctl(node, ['fill', c.layout.ballastDir], 120_000);
    return { node, availBefore: num(r, 'avail.before'), availAfter: num(r, 'avail.after'), ballastBytes: num(r, 'ballast'), probe: str(r, 'probe') ?? '' };
  }

  async free(_test: Test, node: string): Promise<DiskFillRecord> {
    const c = this.diskCluster('free');
    const r = await c.ctl(node, ['free', c.layout.ballastDir]);
    return { node, availAfter: num(r, 'avail.after'), ballastBytes: num(r, 'ballast') };
  }

  async restart(_test: Test, nodes: readonly string[], timeoutMs: number): Promise<RestartOutcome[]> {
    const c = this.cluster();
    return Promise.all(
      nodes.map(async (node): Promise<RestartOutcome> => {
        const t0 = Date.now();
        const before = await c.serverState(node);
        if (before.running) return { node, outcome: 'running', afterMs: 0, log: [] };
        // The node's clock is the host's: its log lines from now on are the restarted server's.
        const since = Date.now() - 20;
        await c.start(node);
        let outcome: RestartOutcome['outcome'] = 'ready';
        try {
          await c.waitReady(node, undefined, timeoutMs);
        } catch (e) {
          if (!(e instanceof FaultlineError)) throw e;
          outcome = 'not-ready';
        }
        const after = await c.serverState(node);
        const exited = !after.running && after.sinceMs >= since;
        const log = logSince(await c.logs(node, 400), since);
        return { node, outcome: exited ? 'exited' : outcome, afterMs: Date.now() - t0, ...(exited ? { exitCode: after.exitCode } : {}), log };
      }),
    );
  }
}

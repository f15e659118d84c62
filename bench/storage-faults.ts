// Seed sweep of storage faults through the CLI (issue 18's "seeds 1-5" expectations): for each
// db/workload/nemesis/seed, one `faultline run` and a line with the verdict, the exit code, how
// many power failures/corruptions/fills ran, what lazyfs held at risk in total, and how servers
// came back, and the workload checkers' summaries (what was lost). Runs one after the other (the machine is shared).
// Usage: npm run bench:storage-faults -- [--db etcd] [--workloads register,set]
//        [--nemesis power] [--seeds 1-5] [--time-limit 20] [-- extra run flags]

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const dashes = args.indexOf('--');
const own = dashes >= 0 ? args.slice(0, dashes) : args;
const extra = dashes >= 0 ? args.slice(dashes + 1) : [];
const flag = (name: string, def: string): string => {
  const i = own.indexOf(name);
  return i >= 0 ? own[i + 1]! : def;
};
const db = flag('--db', 'etcd');
const workloads = flag('--workloads', 'register,set').split(',');
const nemesis = flag('--nemesis', 'power');
const [lo, hi] = flag('--seeds', '1-5').split('-').map(Number) as [number, number];
const timeLimit = flag('--time-limit', '20');

for (const workload of workloads) {
  for (let seed = lo; seed <= (hi ?? lo); seed++) {
    const out = mkdtempSync(join(tmpdir(), 'faultline-bench-storage-'));
    const t0 = Date.now();
    const r = spawnSync(process.execPath, ['bin/faultline.js', 'run', '--db', db, '--workload', workload, '--nemesis', nemesis, '--time-limit', timeLimit, '--seed', String(seed), '--quiet', '--out', out, ...extra], { encoding: 'utf8' });
    const testDir = join(out, `${db}-${workload}`);
    const runs = existsSync(testDir) ? readdirSync(testDir).filter((d) => d !== 'latest') : [];
    const hist = runs.length ? join(testDir, runs[0]!, 'history.jsonl') : '';
    const ops = hist && existsSync(hist) ? readFileSync(hist, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { process: unknown; type: string; f: string; value: Record<string, unknown> | null; error?: unknown }) : [];
    const nem = ops.filter((o) => o.process === 'nemesis' && o.type !== 'invoke');
    const failures = nem.flatMap((o) => (o.value?.failures as Array<{ atRisk: { unsyncedFiles: number; pendingNamespaceOps: number }; ok: boolean }>) ?? []);
    const restarts = nem.flatMap((o) => (o.value?.restarts as Array<{ outcome: string }>) ?? []);
    const outcomes = restarts.reduce<Record<string, number>>((m, x) => ((m[x.outcome] = (m[x.outcome] ?? 0) + 1), m), {});
    const verdict = /verdict: (\w+)/.exec(r.stdout + r.stderr)?.[1] ?? '?';
    // The workload's own checkers' summaries (lost, unexpected...), without stats and perf.
    const resultsFile = runs.length ? join(testDir, runs[0]!, 'results.json') : '';
    const checked = resultsFile && existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as { results?: Record<string, { summary?: string }> }).results ?? {} : {};
    const summaries = Object.entries(checked).filter(([k]) => k !== 'stats' && k !== 'perf').map(([, v]) => String(v?.summary ?? ''));
    console.log(
      [`${db}/${workload}/${nemesis} seed ${seed}`, `exit ${r.status}`, verdict, `${((Date.now() - t0) / 1000).toFixed(0)} s`,
        `faults ${nem.filter((o) => !/^(power-on|restart-|free-disk)/.test(o.f)).length}`,
        `power: ${failures.length} (unsynced files at risk ${failures.reduce((s, f) => s + (f.atRisk?.unsyncedFiles ?? 0), 0)}, names ${failures.reduce((s, f) => s + (f.atRisk?.pendingNamespaceOps ?? 0), 0)}, undo failed ${failures.filter((f) => !f.ok).length})`,
        `restarts ${JSON.stringify(outcomes)}`, ...summaries, `nemesis errors ${nem.filter((o) => o.error !== undefined).length}`, runs.length ? join(testDir, runs[0]!) : ''].join(' | '),
    );
  }
}

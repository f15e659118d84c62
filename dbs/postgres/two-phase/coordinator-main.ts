// The coordinator process's entry point: reads its configuration from the environment, says it
// is loaded and waits (a spare) until faultline activates it; then reads its log, runs a
// recovery pass, says it is ready, and serves transfer and recovery requests over the IPC
// channel. Armed with a crash point, it dies by SIGKILL when a transfer reaches it (after saying
// where). It exits when faultline goes away (the channel closes), so it never outlives a run.

import type { Transfer } from '../../../workloads/bank.js';
import { Coordinator } from './coordinator.js';
import { CONFIG_ENV, type CoordinatorConfig, type CrashPoint, type FromCoordinator, type ToCoordinator } from './protocol.js';

const send = (m: FromCoordinator, then?: () => void): void => {
  process.send?.(m, undefined, undefined, () => then?.());
};

const cfg = JSON.parse(process.env[CONFIG_ENV] ?? 'null') as CoordinatorConfig | null;
if (!cfg || !process.send) {
  process.stderr.write(`coordinator: needs ${CONFIG_ENV} and an IPC channel (it is started by faultline)\n`);
  process.exit(2);
}
process.on('disconnect', () => process.exit(0));

const die = (point: CrashPoint, gid: string, transfer: Transfer): Promise<never> =>
  new Promise(() => {
    process.stderr.write(`${new Date().toISOString()} crashing ${point} of ${gid}\n`);
    send({ type: 'crashing', point, gid, transfer }, () => process.kill(process.pid, 'SIGKILL'));
  });

let coordinator: Coordinator | undefined;

async function activate(): Promise<void> {
  coordinator = new Coordinator(cfg!, die);
  const recovery = await coordinator.recover();
  process.stderr.write(`${new Date().toISOString()} active; recovery resolved ${recovery.resolved.length} branches\n`);
  send({ type: 'ready', recovery });
}

process.on('message', (m: ToCoordinator) => {
  if (m.type === 'activate') {
    activate().catch((e: unknown) => {
      process.stderr.write(`${new Date().toISOString()} activation failed: ${(e as Error)?.stack ?? String(e)}\n`);
      process.exit(1);
    });
    return;
  }
  const c = coordinator;
  if (!c) return; // faultline sends requests only to the active coordinator
  if (m.type === 'arm') {
    c.arm(m.point);
    return;
  }
  const work = m.type === 'transfer' ? c.transfer(m.transfer) : c.recover().then((value) => ({ ok: true as const, value }));
  work.then(
    (r) => send({ id: m.id, ...r }),
    (e: unknown) => send({ id: m.id, ok: false, definite: false, error: String((e as Error)?.message ?? e) }),
  );
});

send({ type: 'standby' });

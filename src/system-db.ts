// A declared system's Db on the backend the run asked for: machines over SSH when the run names
// hosts (`--nodes-file`, `--node`), else containers. A db plugin built on a SystemSpec writes
// `create: (ctx) => systemDb(mySystem, ctx)` and runs on both.

import type { DbContext } from './plugin/kinds.js';
import type { SystemSpec } from './system.js';
import { ContainerDb } from './docker/container-db.js';
import { SshDb } from './ssh/ssh-db.js';

export function systemDb<O>(system: SystemSpec<O>, ctx: Pick<DbContext<O>, 'options' | 'ssh'>): ContainerDb<O> | SshDb<O> {
  return ctx.ssh ? new SshDb(system, ctx.options, ctx.ssh) : new ContainerDb(system, ctx.options);
}

// `faultline serve`: a local results browser listing every run under the results folder with
// its verdict, serving the reports (built on demand). Loopback only unless --host says otherwise;
// requests must name this server in their Host header (plus names given with --allow-host).

import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { FaultlineError } from '../../src/errors.js';
import { onStop } from '../../src/signals.js';
import { serveResults } from '../serve/server.js';
import { intOption, listOption } from './options.js';
import { say } from '../output.js';

export function register(program: Command): void {
  program
    .command('serve')
    .description('browse the runs under the results folder and their reports')
    .option('--port <n>', 'TCP port (0: any free port)', intOption('--port'), 8080)
    .option('--host <h>', 'address to bind (other than loopback exposes your results)', '127.0.0.1')
    .option('--allow-host <names>', 'further Host-header names to accept, comma-separated (e.g. a reverse proxy\'s name)', listOption, [])
    .option('--results <dir>', 'results folder', 'results')
    .action(async (o: { port: number; host: string; results: string; allowHost: string[] }) => {
      const root = resolve(o.results);
      if (!existsSync(root) || !statSync(root).isDirectory()) throw new FaultlineError('FILE_NOT_FOUND', 'no such results folder', '--results');
      if (o.port > 65535) throw new FaultlineError('BAD_ARGUMENT', `port out of range: ${o.port}`, '--port');
      const s = await serveResults({ root, host: o.host, port: o.port, allowHosts: o.allowHost }).catch((e: NodeJS.ErrnoException) => {
        throw new FaultlineError('BAD_ARGUMENT', `cannot listen on ${o.host}:${o.port}: ${e.code ?? e.message}`, '--port');
      });
      say(`faultline: serving ${root} at ${s.url}/ (Ctrl-C to stop)`);
      await new Promise<void>((done) => {
        const unsubscribe = onStop(() => {
          unsubscribe();
          void s.close().then(done);
        });
      });
    });
}

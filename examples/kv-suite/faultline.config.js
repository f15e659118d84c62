// faultline suite for pykv (kv_server.py beside this file): three containers of it, a register
// client over HTTP, and its documented bug. Only faultline's public exports are used. Run from
// this folder: `npx faultline run --db pykv --nemesis partition` (this file loads by itself as
// faultline.config.js; from elsewhere: `--suite path/to/faultline.config.js`).
import { readFileSync } from 'node:fs';
import { ContainerDb, defineDb, opt } from 'faultline';

const PORT = 8080;
const DATA = '/var/lib/faultline/data';

/** pykv as a declared system: faultline derives the image, the cluster and every fault from it. */
const pykv = {
  name: 'pykv',
  packages: ['python3'],
  clientPort: PORT,
  dataPath: DATA,
  files: () => ({ '/opt/pykv/kv_server.py': readFileSync(new URL('./kv_server.py', import.meta.url), 'utf8') }),
  command: ({ node, nodes, addresses, options }) => [
    'python3', '/opt/pykv/kv_server.py', '--node', node, '--primary', nodes[0], '--data', DATA, '--port', String(PORT),
    '--peers', nodes.map((n) => `${n}=${addresses[n]}:${PORT}`).join(','),
    ...(options.bug ? ['--bug', options.bug] : []),
  ],
  wait: { http: { port: PORT, path: '/health' } },
  primaries: async (nodes) => [nodes.nodes[0]],
  clock: 'libfaketime',
};

/** The register workload's ops over HTTP: value [key, v]; cas [key, [from, to]]. */
class RegisterClient {
  constructor(db, node, timeoutMs) {
    Object.assign(this, { db, node, timeoutMs });
  }
  async open(_test, node) {
    return new RegisterClient(this.db, node, this.timeoutMs);
  }
  async invoke(_test, op) {
    const [k, v] = op.value;
    const { host, port } = this.db.endpoint(this.node);
    const put = op.f === 'write' ? { value: v } : op.f === 'cas' ? { from: v[0], value: v[1] } : undefined;
    // A read changes nothing: its failures are definite. A write that got no answer may have happened.
    const unsure = (error) => ({ type: op.f === 'read' ? 'fail' : 'info', error });
    try {
      const res = await fetch(`http://${host}:${port}/kv/${k}`, {
        method: put ? 'PUT' : 'GET',
        body: put && JSON.stringify(put),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const body = await res.json();
      if (res.status === 200) return { type: 'ok', value: op.f === 'read' ? [k, body.value] : op.value };
      if (res.status === 412) return { type: 'fail', error: 'cas-mismatch' };
      return unsure(body.error ?? `HTTP ${res.status}`);
    } catch (e) {
      return unsure(e.cause?.code ?? e.name);
    }
  }
}

defineDb({
  name: 'pykv',
  doc: 'pykv (examples/kv-suite): a primary-backup key-value store over HTTP, in Python',
  options: { 'timeout-ms': opt.number({ min: 100, default: 3000, unit: 'ms', doc: 'client request timeout' }) },
  defaultNodes: 3,
  bugs: { 'local-reads': 'backups answer reads from their own copy: stale reads when cut off from the primary' },
  create: ({ options, bug }) => new ContainerDb(pykv, { ...options, bug }),
  clients: { register: (db) => new RegisterClient(db, undefined, db.options['timeout-ms']) },
});

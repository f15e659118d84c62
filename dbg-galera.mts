import { MariaDb } from './dbs/mariadb/docker-db.js';
import { mariaSettings } from './dbs/mariadb/settings.js';
import { fakeTest, testRunId } from './test/docker-helpers.js';
const db = new MariaDb(mariaSettings({ galera: 'true' }));
const t = fakeTest(db, ['n1', 'n2', 'n3'], testRunId('dbg'));
(db as any).nodeSpecs = ((orig) => (test: any) => ({ ...orig.call(db, test), readyTimeoutMs: 40000 }))((db as any).nodeSpecs);
const { DockerCluster } = await import('./src/docker/cluster.js');
const origDown = DockerCluster.prototype.down;
DockerCluster.prototype.down = async function () { console.log('down suppressed'); };
try { await db.setup(t); console.log('UP'); } catch (e) { console.log('ERR', (e as Error).message.slice(0, 300)); }
console.log(t.runId);

import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nonLinearizableRun, xssRun, XSS } from '../../test/report-fixtures.js';
import { listRuns, serveResults, type RunningServer } from './server.js';

/** GET with the path sent verbatim (fetch would normalise ../ away). */
function get(base: string, path: string): Promise<{ status: number; body: string; type: string }> {
  const u = new URL(base);
  return new Promise((ok, fail) => {
    const req = request({ host: u.hostname, port: u.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type'] ?? '') }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('faultline serve', () => {
  let root: string;
  let s: RunningServer;
  beforeAll(async () => {
    const base = mkdtempSync(join(tmpdir(), 'fl-serve-'));
    root = join(base, 'results');
    nonLinearizableRun(join(root, 'raft-register', '20261125-100000'));
    xssRun(join(root, 'xss', '20261125-110000'));
    mkdirSync(join(root, 'running', 'r1'), { recursive: true });
    writeFileSync(join(root, 'running', 'r1', 'test.json'), JSON.stringify({ name: 'still running', startedAt: '2026-11-25T09:00:00Z' }));
    writeFileSync(join(base, 'secret.txt'), 'top secret');
    symlinkSync(join(base, 'secret.txt'), join(root, 'link.txt'));
    symlinkSync('20261125-100000', join(root, 'raft-register', 'latest'));
    s = await serveResults({ root, port: 0 });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('binds to loopback by default', () => {
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('lists every run with its verdict, escaped', async () => {
    const runs = await listRuns(root);
    expect(runs.map((r) => [r.path, r.verdict])).toEqual([
      ['raft-register/20261125-100000', false],
      ['xss/20261125-110000', false],
      ['running/r1', 'none'],
    ]); // newest first; ties by path
    const page = await get(s.url, '/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('register-partition');
    expect(page.body).toContain('>invalid<');
    expect(page.body).toContain('>no result<');
    expect(page.body).toContain('3 runs under');
    expect(page.body).toContain(': 2 invalid, 0 unknown, 0 valid, 1 without result');
    expect(page.body).toContain('href="/r/raft-register/20261125-100000/report.html"');
    for (const x of XSS) expect(page.body).not.toContain(x);
    const json = JSON.parse((await get(s.url, '/runs.json')).body) as unknown[];
    expect(json).toHaveLength(3);
  });

  it('builds and serves a report on demand, and the run files it links', async () => {
    const r = await get(s.url, '/r/raft-register/20261125-100000/report.html');
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/text\/html/);
    expect(r.body).toContain('Jump to the first anomaly');
    const h = await get(s.url, '/r/raft-register/20261125-100000/history.jsonl');
    expect(h.status).toBe(200);
    expect(h.body.split('\n')[0]).toContain('start-partition');
    expect((await get(s.url, '/r/nope/report.html')).status).toBe(404);
  });

  it('refuses paths outside the results folder', async () => {
    for (const p of ['/r/../secret.txt', '/r/%2e%2e/secret.txt', '/r/..%2fsecret.txt', '/r/raft-register/..%2f..%2f..%2fsecret.txt', '/r/link.txt', '/r/%00']) {
      const r = await get(s.url, p);
      expect([403, 404], p).toContain(r.status);
      expect(r.body).not.toContain('top secret');
    }
  });
});

import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nonLinearizableRun, xssRun, XSS } from '../../test/report-fixtures.js';
import { listRuns, serveResults, type RunningServer } from './server.js';

/** GET with the path sent verbatim (fetch would normalise ../ away), and a Host header of choice. */
function get(base: string, path: string, host?: string): Promise<{ status: number; body: string; type: string }> {
  const u = new URL(base);
  // host '' sends no Host header at all.
  const hostOpts = host === undefined ? {} : host === '' ? { setHost: false } : { headers: { host } };
  return new Promise((ok, fail) => {
    const req = request({ host: u.hostname, port: u.port, path, method: 'GET', ...hostOpts }, (res) => {
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

  it('answers only requests whose Host header names this server (DNS rebinding)', async () => {
    const port = new URL(s.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST.:${port}`, `[::1]:${port}`]) {
      expect((await get(s.url, '/', host)).status, host).toBe(200);
    }
    for (const host of [`evil.example:${port}`, `127.0.0.1:${Number(port) + 1}`, '127.0.0.1', 'localhost@evil.example', `evil.example`, '']) {
      const r = await get(s.url, '/runs.json', host);
      // Node's server itself refuses a request without a Host header (400).
      expect(host === '' ? [400, 421] : [421], host).toContain(r.status);
      expect(r.body).not.toContain('raft-register');
    }
    const extra = await serveResults({ root, port: 0, allowHosts: ['results.internal'] });
    try {
      const p = new URL(extra.url).port;
      expect((await get(extra.url, '/', `results.internal:${p}`)).status).toBe(200);
      expect((await get(extra.url, '/', `other.internal:${p}`)).status).toBe(421);
    } finally {
      await extra.close();
    }
  });

  it('lists runs from an index refreshed in the background, not from a walk per request', async () => {
    const many = join(mkdtempSync(join(tmpdir(), 'fl-serve-many-')), 'results');
    for (let i = 0; i < 300; i++) {
      const d = join(many, 'raft-register', `run-${String(i).padStart(4, '0')}`);
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'test.json'), JSON.stringify({ name: `run ${i}`, startedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString() }));
      writeFileSync(join(d, 'results.json'), JSON.stringify({ valid: i % 2 === 0 }));
      writeFileSync(join(d, 'tiny.txt'), 'x');
    }
    const srv = await serveResults({ root: many, port: 0, refreshMs: 200 });
    try {
      await srv.index.ready;
      const scans = srv.index.scans;
      for (let i = 0; i < 20; i++) expect((await get(srv.url, '/r/raft-register/run-0001/tiny.txt')).body).toBe('x');
      // Serving files never scans; listing uses the index (a refresh at most once per staleness period).
      expect(srv.index.scans - scans).toBeLessThanOrEqual(1);
      expect(JSON.parse((await get(srv.url, '/runs.json')).body)).toHaveLength(300);
      // A new run and a changed verdict show up after a background refresh, re-reading only them.
      const fresh = join(many, 'raft-register', 'run-9999');
      mkdirSync(fresh);
      writeFileSync(join(fresh, 'test.json'), JSON.stringify({ name: 'fresh', startedAt: '2027-01-01T00:00:00Z' }));
      writeFileSync(join(many, 'raft-register', 'run-0001', 'results.json'), JSON.stringify({ valid: 'unknown' }));
      const deadline = Date.now() + 5000;
      let runs: Array<{ name: string; verdict: unknown }> = [];
      while (Date.now() < deadline) {
        runs = JSON.parse((await get(srv.url, '/runs.json')).body);
        if (runs.length === 301 && runs.find((r) => r.name === 'run 1')?.verdict === 'unknown') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(runs).toHaveLength(301);
      expect(runs[0]!.name).toBe('fresh');
      expect(runs.find((r) => r.name === 'run 1')?.verdict).toBe('unknown');
      // Once settled, a refresh of unchanged runs reads no file (stats only).
      await new Promise((r) => setTimeout(r, 1200));
      await srv.index.refresh();
      const reads = srv.index.reads;
      await srv.index.refresh();
      expect(srv.index.reads).toBe(reads);
    } finally {
      await srv.close();
    }
  });

  it('a report built on demand embeds nothing from outside the results folder', async () => {
    const base = mkdtempSync(join(tmpdir(), 'fl-serve-src-'));
    const r2 = join(base, 'results');
    const outside = join(base, 'outside-history.jsonl');
    writeFileSync(outside, '{"type":"invoke","process":0,"f":"write","value":"OUTSIDE-SECRET-VALUE"}\n{"type":"ok","process":0,"f":"write","value":"OUTSIDE-SECRET-VALUE"}\n');
    // A checked run whose test.json names a source outside the folder, and no history.jsonl.
    const run = join(r2, 'check', 'r1');
    mkdirSync(run, { recursive: true });
    writeFileSync(join(run, 'test.json'), JSON.stringify({ name: 'c', kind: 'check', source: outside, startedAt: '2026-01-01T00:00:00Z' }));
    writeFileSync(join(run, 'results.json'), JSON.stringify({ valid: true }));
    // A run whose history.jsonl is a symlink leaving the folder.
    const run2 = join(r2, 'check', 'r2');
    mkdirSync(run2, { recursive: true });
    writeFileSync(join(run2, 'test.json'), JSON.stringify({ name: 'c2', startedAt: '2026-01-01T00:00:00Z' }));
    writeFileSync(join(run2, 'results.json'), JSON.stringify({ valid: true }));
    symlinkSync(outside, join(run2, 'history.jsonl'));
    // A run directory that is itself a symlink to a folder outside: no report may be written there.
    const away = join(base, 'away');
    mkdirSync(away);
    writeFileSync(join(away, 'test.json'), JSON.stringify({ name: 'away' }));
    writeFileSync(join(away, 'results.json'), JSON.stringify({ valid: false }));
    symlinkSync(away, join(r2, 'check', 'r3'));
    const srv = await serveResults({ root: r2, port: 0 });
    try {
      for (const r of ['r1', 'r2']) {
        const page = await get(srv.url, `/r/check/${r}/report.html`);
        expect(page.status, r).toBe(200);
        expect(page.body, r).not.toContain('OUTSIDE-SECRET-VALUE');
      }
      expect((await get(srv.url, '/r/check/r2/history.jsonl')).status).toBe(403);
      expect((await get(srv.url, '/r/check/r3/report.html')).status).toBe(403);
      expect(existsSync(join(away, 'report.html'))).toBe(false);
    } finally {
      await srv.close();
    }
    // Outside serve (faultline report DIR), the user's own source is still read.
    const { writeReport } = await import('../report/write.js');
    expect(readFileSync(await writeReport(run), 'utf8')).toContain('OUTSIDE-SECRET-VALUE');
  });

  it('refuses paths outside the results folder', async () => {
    for (const p of ['/r/../secret.txt', '/r/%2e%2e/secret.txt', '/r/..%2fsecret.txt', '/r/raft-register/..%2f..%2f..%2fsecret.txt', '/r/link.txt', '/r/%00']) {
      const r = await get(s.url, p);
      expect([403, 404], p).toContain(r.status);
      expect(r.body).not.toContain('top secret');
    }
  });
});

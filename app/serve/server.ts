// The results browser behind `faultline serve`: lists every run under the results folder (a run
// is a directory holding test.json), coloured by verdict, and serves their reports and files.
// Bound to 127.0.0.1 unless told otherwise; paths outside the results folder are refused.

import { createReadStream, existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, relative, resolve, sep } from 'node:path';
import type { Validity } from '../../src/protocols.js';
import { escapeHtml as h } from '../report/escape.js';
import { writeReport } from '../report/write.js';

export interface RunSummary {
  /** Path relative to the results folder, with '/' separators. */
  path: string;
  name: string;
  /** ISO time the run started (or the directory's mtime). */
  time: string;
  /** 'none' while results.json does not exist yet (running or crashed). */
  verdict: Validity | 'none';
  db?: string;
  workload?: string;
  nemesis?: string[];
  seed?: number;
  kind?: string;
}

function readJsonSafe(file: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8'));
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Every run directory under root (depth-limited), newest first. */
export function listRuns(root: string, maxDepth = 6): RunSummary[] {
  const out: RunSummary[] = [];
  const walk = (dir: string, depth: number) => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    if (entries.includes('test.json')) {
      const test = readJsonSafe(join(dir, 'test.json')) ?? {};
      const results = readJsonSafe(join(dir, 'results.json'));
      const v = results?.valid;
      const rel = relative(root, dir).split(sep).join('/');
      out.push({
        path: rel,
        name: typeof test.name === 'string' ? test.name : rel || '.',
        time: typeof test.startedAt === 'string' ? test.startedAt : statSync(dir).mtime.toISOString(),
        verdict: v === true || v === false || v === 'unknown' ? v : 'none',
        ...(typeof test.db === 'string' ? { db: test.db } : {}),
        ...(typeof test.workload === 'string' ? { workload: test.workload } : {}),
        ...(Array.isArray(test.nemesis) ? { nemesis: test.nemesis.map(String) } : {}),
        ...(typeof test.seed === 'number' ? { seed: test.seed } : {}),
        ...(typeof test.kind === 'string' ? { kind: test.kind } : {}),
      });
      return; // a run does not contain runs
    }
    if (depth >= maxDepth) return;
    for (const e of entries.sort()) {
      if (e.startsWith('.') || e === 'node_modules') continue;
      const p = join(dir, e);
      try {
        // Skip symlinks: `latest` points at a run listed already (and links may leave the folder).
        const st = lstatSync(p);
        if (st.isDirectory() && !st.isSymbolicLink()) walk(p, depth + 1);
      } catch {
        /* vanished while listing */
      }
    }
  };
  walk(root, 0);
  return out.sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : a.path.localeCompare(b.path)));
}

const VERDICT: Record<string, [string, string]> = {
  true: ['valid', '#1b8a4a'],
  false: ['invalid', '#c62828'],
  unknown: ['unknown', '#b26a00'],
  none: ['no result', '#7a8194'],
};

function tally(runs: RunSummary[]): string {
  const n = (v: RunSummary['verdict']) => runs.filter((r) => r.verdict === v).length;
  return [`${n(false)} invalid`, `${n('unknown')} unknown`, `${n(true)} valid`, `${n('none')} without result`].join(', ');
}

export function renderRunList(runs: RunSummary[], root: string): string {
  const rows = runs
    .map((r) => {
      const [word, color] = VERDICT[String(r.verdict)]!;
      const href = `/r/${r.path.split('/').map(encodeURIComponent).join('/')}/report.html`;
      return `<tr><td><span class="v" style="background:${color}">${word}</span></td><td><a href="${h(href)}">${h(r.name)}</a><div class="p">${h(r.path)}</div></td><td>${h(r.time)}</td><td>${h(r.db ?? '')}</td><td>${h(r.workload ?? '')}</td><td>${h((r.nemesis ?? []).join(', '))}</td><td>${r.seed ?? ''}</td></tr>`;
    })
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>faultline runs</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1d2330}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:6px 10px;border-bottom:1px solid #e3e6ee;vertical-align:top}th{background:#f0f2f8}.v{color:#fff;font-weight:700;border-radius:10px;padding:1px 9px;font-size:12px;text-transform:uppercase}.p{color:#667085;font-size:12px}</style>
</head><body><h1>faultline runs</h1><p class="p">${runs.length} runs under ${h(root)}: ${tally(runs)}</p>
<table><thead><tr><th>verdict</th><th>name</th><th>started</th><th>db</th><th>workload</th><th>nemeses</th><th>seed</th></tr></thead><tbody>${rows}</tbody></table></body></html>`;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.jsonl': 'application/x-ndjson; charset=utf-8',
  '.edn': 'text/plain; charset=utf-8',
  '.log': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** Resolve a URL path under root, or undefined if it escapes root (.., symlinks, NUL). */
export function safeResolve(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.split(/[\\/]/).includes('..')) return undefined;
  const realRoot = realpathSync(root);
  const p = resolve(realRoot, '.' + (decoded.startsWith('/') ? decoded : '/' + decoded));
  if (p !== realRoot && !p.startsWith(realRoot + sep)) return undefined;
  if (existsSync(p)) {
    const real = realpathSync(p);
    if (real !== realRoot && !real.startsWith(realRoot + sep)) return undefined;
  }
  return p;
}

export interface ServeOptions {
  root: string;
  host?: string;
  port?: number;
}

export interface RunningServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' });
  res.end(body);
}

async function handle(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/' || url.pathname === '/index.html') return send(res, 200, renderRunList(listRuns(root), root), TYPES['.html']);
  if (url.pathname === '/runs.json') return send(res, 200, JSON.stringify(listRuns(root)), TYPES['.json']);
  if (!url.pathname.startsWith('/r/')) return send(res, 404, 'not found');
  const file = safeResolve(root, url.pathname.slice(2));
  if (!file) return send(res, 403, 'forbidden: outside the results folder');
  // Reports are built on demand for runs that have results but no report yet (or an older one).
  if (file.endsWith(`${sep}report.html`)) {
    const dir = file.slice(0, -'/report.html'.length);
    const results = join(dir, 'results.json');
    if (existsSync(results) && (!existsSync(file) || statSync(file).mtimeMs < statSync(results).mtimeMs)) {
      try {
        await writeReport(dir);
      } catch (e) {
        return send(res, 500, `cannot build the report: ${(e as Error).message}`);
      }
    }
  }
  if (!existsSync(file)) return send(res, 404, 'not found');
  const st = statSync(file);
  if (st.isDirectory()) {
    const rel = relative(realpathSync(root), file).split(sep).join('/');
    res.writeHead(302, { location: `/r/${rel.split('/').map(encodeURIComponent).join('/')}/report.html` });
    return void res.end();
  }
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': st.size, 'x-content-type-options': 'nosniff' });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file).pipe(res);
}

/** Start the results browser; resolves once listening. */
export function serveResults(opts: ServeOptions): Promise<RunningServer> {
  const root = resolve(opts.root);
  const host = opts.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    handle(root, req, res).catch((e) => send(res, 500, `error: ${(e as Error).message}`));
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, host, () => {
      const a = server.address() as AddressInfo;
      const shownHost = a.family === 'IPv6' ? `[${a.address}]` : a.address;
      ok({ server, url: `http://${shownHost}:${a.port}`, close: () => new Promise((c) => server.close(() => c())) });
    });
  });
}

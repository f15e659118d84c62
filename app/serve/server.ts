// The results browser behind `faultline serve`: lists every run under the results folder (a run
// is a directory holding test.json), coloured by verdict, and serves their reports and files.
// The list comes from an index refreshed in the background (run-index.ts), never from a walk per
// request. Bound to 127.0.0.1 unless told otherwise; requests whose Host header does not name
// this server are refused (host-check.ts); nothing outside the results folder is served or
// embedded in a report built on demand (no `..`, no symlink leaving it, no outside `source`).

import { createReadStream, existsSync, realpathSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { escapeHtml as h } from '../report/escape.js';
import { writeReport } from '../report/write.js';
import { RunIndex, type RunSummary } from './run-index.js';
import { allowedHostnames, hostAllowed } from './host-check.js';

export { listRuns, RunIndex, type RunSummary } from './run-index.js';

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

/** Whether `p` is `root` or inside it. */
function inside(root: string, p: string): boolean {
  return p === root || p.startsWith(root + sep);
}

/**
 * Resolve a URL path under root, or undefined if it escapes root (.., NUL, or a symlink anywhere
 * along the path: the deepest existing ancestor's real path must lie inside root too).
 */
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
  if (!inside(realRoot, p)) return undefined;
  let existing = p;
  while (!existsSync(existing) && inside(realRoot, dirname(existing)) && existing !== realRoot) existing = dirname(existing);
  try {
    if (!inside(realRoot, realpathSync(existing))) return undefined;
  } catch {
    return undefined;
  }
  return p;
}

export interface ServeOptions {
  root: string;
  host?: string;
  port?: number;
  /** Further Host-header names to accept (a reverse proxy's name, a machine name). */
  allowHosts?: string[];
  /** Background refresh period of the run index (ms). */
  refreshMs?: number;
}

export interface RunningServer {
  server: Server;
  url: string;
  index: RunIndex;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' });
  res.end(body);
}

interface Ctx {
  root: string;
  index: RunIndex;
  hosts: Set<string>;
  port: number;
  /** The run list rendered for the index version it was made from. */
  page?: { version: number; html: string; json: string };
}

async function handle(ctx: Ctx, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!hostAllowed(req.headers.host, ctx.hosts, ctx.port)) {
    return send(res, 421, 'misdirected request: the Host header does not name this server (add it with --allow-host NAME)');
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');
  const url = new URL(req.url ?? '/', 'http://localhost');
  const root = ctx.root;
  if (url.pathname === '/' || url.pathname === '/index.html' || url.pathname === '/runs.json') {
    await ctx.index.ready;
    const runs = ctx.index.list();
    if (ctx.page?.version !== ctx.index.version) ctx.page = { version: ctx.index.version, html: renderRunList(runs, root), json: JSON.stringify(runs) };
    return url.pathname === '/runs.json' ? send(res, 200, ctx.page.json, TYPES['.json']) : send(res, 200, ctx.page.html, TYPES['.html']);
  }
  if (!url.pathname.startsWith('/r/')) return send(res, 404, 'not found');
  const file = safeResolve(root, url.pathname.slice(2));
  if (!file) return send(res, 403, 'forbidden: outside the results folder');
  // Reports are built on demand for runs that have results but no report yet (or an older one),
  // from files inside the results folder only.
  if (file.endsWith(`${sep}report.html`)) {
    const dir = file.slice(0, -'/report.html'.length);
    const results = join(dir, 'results.json');
    if (existsSync(results) && (!existsSync(file) || statSync(file).mtimeMs < statSync(results).mtimeMs)) {
      try {
        await writeReport(dir, { within: realpathSync(root) });
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
  const index = new RunIndex(root, { intervalMs: opts.refreshMs });
  const ctx: Ctx = { root, index, hosts: allowedHostnames(host, opts.allowHosts), port: 0 };
  const server = createServer((req, res) => {
    handle(ctx, req, res).catch((e) => send(res, 500, `error: ${(e as Error).message}`));
  });
  return new Promise((ok, fail) => {
    server.once('error', (e) => {
      index.close();
      fail(e);
    });
    server.listen(opts.port ?? 0, host, () => {
      const a = server.address() as AddressInfo;
      ctx.port = a.port;
      const shownHost = a.family === 'IPv6' ? `[${a.address}]` : a.address;
      ok({
        server,
        url: `http://${shownHost}:${a.port}`,
        index,
        close: () =>
          new Promise((c) => {
            index.close();
            server.close(() => c());
            server.closeAllConnections();
          }),
      });
    });
  });
}

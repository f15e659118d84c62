// Report benchmark for the Network section: a synthetic broadcast run (test/net-fixtures.ts) with
// 3,000 to 100,000 logged messages: time to write report.html, its size and the part the embedded
// messages take, and in Chromium (when installed): time to data-ready, time from scrolling to the
// diagram until it is drawn (the log is parsed lazily), and the time of a redraw of the window
// with the most arrows (zoomed out until the 20,000-arrow cap or the whole log). One JSON line per size.
//   npm run bench:report-net        (or: npx tsx bench/report-net.ts [messages...])

import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { writeReport } from '../app/report/write.js';
import { broadcastNetRun } from '../test/net-fixtures.js';

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const CHROMIUM = process.env.FAULTLINE_CHROMIUM ?? '/usr/bin/chromium';
const base = mkdtempSync(join(tmpdir(), 'fl-bench-report-net-'));
/** In the page: zoom out until the window holds the whole log or the arrow cap, then time "Later" redraws (median of 5, ms). */
const REDRAW = `(async () => {
  const frame = () => new Promise((r) => requestAnimationFrame(() => r(null)));
  const info = () => document.getElementById('ld-info').textContent;
  for (let k = 0; k < 30 && !/more: zoom in/.test(info()); k++) {
    const before = info();
    document.getElementById('ld-out').click();
    await frame(); await frame();
    if (info() === before) break;
  }
  const times = [];
  for (let k = 0; k < 5; k++) {
    const s = performance.now();
    document.getElementById('ld-later').click();
    await frame(); await frame();
    times.push(performance.now() - s);
  }
  return Math.round(times.sort((a, b) => a - b)[2]);
})()`;
const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
try {
  for (const n of sizes.length ? sizes : [3_000, 10_000, 30_000, 100_000]) {
    const { dir, lines } = broadcastNetRun(join(base, String(n)), n, true);
    const t = performance.now();
    const file = await writeReport(dir);
    const writeMs = Math.round(performance.now() - t);
    const html = readFileSync(file, 'utf8');
    const netJson = /<script type="application\/json" id="fl-net">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    const embedded = (JSON.parse(netJson || '{"messages":[]}') as { messages: unknown[] }).messages.length;
    const out: Record<string, unknown> = { bench: 'report-net', messages: lines, embedded, writeMs, fileBytes: statSync(file).size, netBytes: netJson.length };
    if (existsSync(CHROMIUM)) {
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
      const ready: number[] = [];
      const drawn: number[] = [];
      const redraw: number[] = [];
      for (let i = 0; i < 3; i++) {
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        const t0 = performance.now();
        await page.goto(pathToFileURL(file).href);
        await page.waitForSelector('body[data-ready="1"]');
        ready.push(Math.round(performance.now() - t0));
        const t1 = performance.now();
        await page.locator('#net-section').scrollIntoViewIfNeeded();
        await page.waitForSelector('body[data-net="1"]');
        drawn.push(Math.round(performance.now() - t1));
        // Zoom out until the window holds the whole log or the arrow cap, then time redraws.
        redraw.push(
          // A string, not a function: tsx would add its __name helper, which the page lacks.
          (await page.evaluate(REDRAW)) as number,
        );
        await page.close();
      }
      await browser.close();
      Object.assign(out, { readyMs: median(ready), diagramDrawnMs: median(drawn), fullWindowRedrawMs: median(redraw) });
    }
    console.log(JSON.stringify(out));
  }
} finally {
  rmSync(base, { recursive: true, force: true });
}

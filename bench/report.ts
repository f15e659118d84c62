// Report benchmark: time to render report.html for histories of 10k, 100k and 1M entries, its
// size, and (when Chromium is installed) the time for the 100k report to load in the browser and
// show the first anomaly. Prints one JSON line per measurement.
//   npm run bench:report        (or: npx tsx bench/report.ts [sizes...])

import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { renderReport } from '../app/report/render.js';
import { readRunDir, writeReport } from '../app/report/write.js';
import { bigRun } from '../test/report-fixtures.js';

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const CHROMIUM = process.env.FAULTLINE_CHROMIUM ?? '/usr/bin/chromium';
const base = mkdtempSync(join(tmpdir(), 'fl-bench-report-'));
try {
  for (const n of sizes.length ? sizes : [10_000, 100_000, 1_000_000]) {
    const { dir } = bigRun(join(base, String(n)), n);
    let t = performance.now();
    const input = readRunDir(dir);
    const readMs = performance.now() - t;
    t = performance.now();
    const html = renderReport(input);
    const renderMs = performance.now() - t;
    const file = await writeReport(dir);
    const out: Record<string, unknown> = { bench: 'report', entries: input.history.length, readMs: Math.round(readMs), renderMs: Math.round(renderMs), bytes: html.length, fileBytes: statSync(file).size };
    if (existsSync(CHROMIUM) && n <= 200_000) {
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        const t0 = performance.now();
        await page.goto(pathToFileURL(file).href);
        await page.waitForSelector('body[data-ready="1"]');
        await page.click('#jump-first');
        await page.waitForSelector('.hrow.hl');
        times.push(Math.round(performance.now() - t0));
        await page.close();
      }
      await browser.close();
      out.browserInteractiveMs = times;
    }
    console.log(JSON.stringify(out));
  }
} finally {
  rmSync(base, { recursive: true, force: true });
}

// Integers beyond 2^53 in a report, in a real browser (Debian's chromium): the page shows every
// digit (JSON.parse alone would round 9007199254740993 to ...992), and a history map whose key
// happens to be "$n" is still shown as that map.

import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeHistoryJsonl } from '../src/history-io.js';
import { writeJson } from '../src/store.js';
import { writeReport } from '../app/report/write.js';
import type { History } from '../src/history.js';

const CHROMIUM = process.env.FAULTLINE_CHROMIUM ?? '/usr/bin/chromium';
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}. Install Debian's package (apt-get install -y chromium) or set FAULTLINE_CHROMIUM.`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
});
afterAll(async () => {
  await browser?.close();
});

describe('report of a history with integers beyond 2^53', () => {
  it('shows every digit in the history table and the selected op', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-exact-report-'));
    const history: History = [
      { index: 0, time: 0, type: 'invoke', process: 0, f: 'write', value: 9007199254740993n },
      { index: 1, time: 1e6, type: 'ok', process: 0, f: 'write', value: 9007199254740993n },
      { index: 2, time: 2e6, type: 'invoke', process: 1, f: 'read', value: null },
      { index: 3, time: 3e6, type: 'ok', process: 1, f: 'read', value: [-18446744073709551617n, { $n: 'not a number' }] },
    ];
    writeHistoryJsonl(join(dir, 'history.jsonl'), history);
    writeJson(join(dir, 'results.json'), { valid: false, anomalies: [{ index: 3, message: `read ${-18446744073709551617n}` }] });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(await writeReport(dir)).href);
    await page.waitForSelector('body[data-ready="1"]');
    const rows = await page.$$eval('#hist .hrow', (rs) => rs.map((r) => (r as HTMLElement).innerText));
    expect(rows.join('\n')).toContain('9007199254740993');
    expect(rows.join('\n')).not.toContain('9007199254740992');
    await page.click('#jump-first');
    await page.waitForFunction(() => document.getElementById('selected-op')!.textContent!.includes('op 3'));
    expect(await page.textContent('#selected-op')).toContain('[-18446744073709551617,{"$n":"not a number"}]');
    expect(errors).toEqual([]);
    await page.close();
  });
});

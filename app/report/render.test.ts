import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nonLinearizableRun, xssRun, XSS } from '../../test/report-fixtures.js';
import type { Op } from '../../src/history.js';
import { collectAnomalies, encodeHistory, faultWindows } from './data.js';
import { renderReport } from './render.js';
import { readRunDir } from './write.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'fl-render-'));
const op = (index: number, time: number, type: Op['type'], process: Op['process'], f: string, value: unknown = null): Op => ({ index, time, type, process, f, value });

describe('renderReport', () => {
  it('puts the verdict first and draws the witness with links to ops', () => {
    const { dir, anomalyIndex } = nonLinearizableRun(join(tmp(), 'run'));
    const html = renderReport(readRunDir(dir));
    const body = html.slice(html.indexOf('<body>'));
    expect(body.indexOf('INVALID')).toBeLessThan(body.indexOf('What was tested'));
    expect(html).toContain('Jump to the first anomaly');
    expect(html).toContain('class="witness"');
    expect(html).toContain('class="wbar failing" data-idx="6"');
    expect(html).toContain(`href="#op-${anomalyIndex}"`);
    expect(html).toContain('Longest linearizable prefix');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet|https?:\/\/(?!www\.w3\.org|github\.com\/leeoniya)/);
  });

  it('never emits a history or result string unescaped', () => {
    const { dir } = xssRun(join(tmp(), 'run'));
    const html = renderReport(readRunDir(dir));
    for (const x of XSS) expect(html).not.toContain(x);
    // Only our own two executable scripts and the JSON data block.
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(html.match(/<\/script>/g)).toHaveLength(3);
    expect(html).toContain('&lt;img src=x onerror=window.__pwned=1&gt;');
    expect(html).toContain("Content-Security-Policy");
  });

  it('shows an unknown checker result generically', () => {
    const html = renderReport({ test: {}, results: { valid: 'unknown', results: { mystery: { valid: 'unknown', error: 'budget exhausted', odd: [1, 2] } } }, history: [] });
    expect(html).toContain('UNKNOWN');
    expect(html).toContain('budget exhausted');
    expect(html).toContain('Raw result (JSON)');
    expect(html).toContain('No anomaly pointers');
  });
});

describe('report data', () => {
  it('pairs nemesis ops into windows, open ones running to the end', () => {
    const h = [op(0, 10, 'invoke', 'nemesis', 'start-partition'), op(1, 20, 'info', 'nemesis', 'start-partition'), op(2, 50, 'invoke', 'nemesis', 'stop-partition'), op(3, 60, 'info', 'nemesis', 'stop-partition'), op(4, 70, 'invoke', 'nemesis', 'kill'), op(5, 80, 'info', 'nemesis', 'kill'), op(6, 90, 'invoke', 0, 'read'), op(7, 100, 'ok', 0, 'read')];
    h.push(op(8, 95, 'invoke', 'nemesis', 'start'));
    const w = faultWindows(h);
    expect(w.map((x) => [x.name, x.start, x.end])).toEqual([['partition', 10, 60], ['kill', 70, 95]]);
    const w2 = faultWindows(h, [{ name: 'kill', start: ['kill'], stop: ['start'], color: '#f00' }]);
    expect(w2.map((x) => [x.name, x.start, x.end])).toEqual([['kill', 70, 95]]);
  });
  it('collects anomalies first-first, from nested results, without duplicates or out-of-range', () => {
    const a = collectAnomalies({ valid: false, anomalies: [{ index: 3, message: 'x' }], results: { c: { valid: false, anomalies: [{ index: 3, message: 'x' }, { index: 1, message: 'y' }, { index: 99, message: 'z' }] } } }, 10);
    expect(a).toEqual([{ index: 3, message: 'x', checker: 'c' }, { index: 1, message: 'y', checker: 'c' }]);
    const b = collectAnomalies({ valid: false, anomalies: [{ index: 5, message: 'top only' }, { index: 1, message: 'y' }], results: { c: { valid: false, anomalies: [{ index: 1, message: 'y' }] } } }, 10);
    expect(b).toEqual([{ index: 5, message: 'top only' }, { index: 1, message: 'y', checker: 'c' }]);
  });
  it('falls back to evidence when a checker gives no anomaly pointers', () => {
    const a = collectAnomalies({ valid: false, results: { lin: { valid: false, witness: { failing: 4 } }, elle: { valid: false, examples: { G0: [{ type: 'G0', ops: [{ index: 7 }], text: '' }] } }, set: { valid: false, elements: [{ element: 1, outcome: 'lost', addIndex: 2 }] } } }, 10);
    expect(a.map((x) => [x.index, x.checker])).toEqual([[4, 'lin'], [7, 'elle'], [2, 'set']]);
  });
  it('cuts large values short for the page (history.jsonl keeps them)', () => {
    const big = Array.from({ length: 5000 }, (_, i) => i);
    const e = encodeHistory([op(0, 1, 'ok', 0, 'read', big), op(1, 2, 'ok', 0, 'read', 'y'.repeat(5000)), op(2, 3, 'ok', 0, 'txn', [['r', 1, [1, 2]]])]);
    expect(e.ops[0]![4]).toMatch(/^\[0,1,2,3,.*… \(5000 items, 23891 characters in all; see the history file\)$/);
    expect(String(e.ops[1]![4])).toMatch(/… \(5000 characters in all/);
    expect(e.ops[2]![4]).toEqual([['r', 1, [1, 2]]]);
  });
  it('encodes the history compactly with interned names', () => {
    const e = encodeHistory([op(0, 1, 'invoke', 0, 'read'), { ...op(1, 2, 'ok', 'nemesis', 'read', 5), node: 'n1', error: 'e' }, { ...op(2, 3, 'fail', 1, 'write', 2), error: 'x' }, { ...op(3, 4, 'invoke', 1, 'read'), node: 'n1' }]);
    expect(e.fs).toEqual(['read', 'write']);
    expect(e.nodes).toEqual(['n1']);
    expect(e.ops).toEqual([[1, 0, 0, 0, null], [2, 1, -1, 0, 5, 0, 'e'], [3, 2, 1, 1, 2, -1, 'x'], [4, 0, 1, 0, null, 0]]);
  });
});

// Internal-consistency cases in report.html: the transaction's micro-ops with the earlier read
// or writes and the later read marked, expected vs seen, every value escaped.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { xssRun, XSS } from '../../test/report-fixtures.js';
import { checkElle } from '../../checkers/elle/index.js';
import { build, concurrent } from '../../checkers/elle/test-helpers.js';
import { renderReport } from './render.js';
import { readRunDir } from './write.js';

describe('internal (INT) cases in the report', () => {
  it("draws PostgreSQL's non-repeatable read: the earlier read, the later read, expected vs seen", () => {
    const history = build(concurrent([[['r', 7, null], ['r', 7, [1, 2]]], [['append', 7, 1], ['append', 7, 2]]]));
    const elle = checkElle(history, 'list-append');
    const html = renderReport({ test: { kind: 'check' }, results: { valid: false, results: { 'list-append': elle } }, history });
    const at = html.indexOf('class="int-case"');
    expect(at).toBeGreaterThan(0);
    const view = html.slice(at, html.indexOf('</table>', at));
    expect(view).toContain('the read of key <code>7</code> at micro-op 2 should have returned <code class="good">[]</code> but returned <code class="bad">[1,2]</code>');
    expect(view).toMatch(/<tr class="int-earlier"><td>1<\/td><td><code>r 7 nil<\/code><\/td><td>earlier read<\/td><\/tr>/);
    expect(view).toMatch(/<tr class="int-later"><td>2<\/td><td><code>r 7 \[1,2\]<\/code><\/td><td>later read<\/td><\/tr>/);
    expect(html).toContain('then read it as [1 2] at micro-op 2 (a non-repeatable read): expected [], saw [1 2]');
  });

  it('shows own appends since the read, and integers past 2^53 with every digit', () => {
    const big = 9007199254740993n;
    const history = build([['invoke', 0, [['r', 'x', null], ['append', 'x', big], ['r', 'x', null]]], ['ok', 0, [['r', 'x', []], ['append', 'x', big], ['r', 'x', [1n, big]]]]]);
    const html = renderReport({ test: { kind: 'check' }, results: { valid: false, results: { e: checkElle(history, 'list-append') } }, history });
    expect(html).toContain('should have returned <code class="good">[9007199254740993]</code> but returned <code class="bad">[1,9007199254740993]</code>');
    expect(html).toMatch(/<tr class="int-earlier"><td>2<\/td><td><code>append &quot;x&quot; 9007199254740993<\/code><\/td><td>own write since<\/td><\/tr>/);
  });

  it('escapes hostile keys and values in the micro-op table', () => {
    const { dir } = xssRun(join(mkdtempSync(join(tmpdir(), 'fl-int-')), 'run'));
    const html = renderReport(readRunDir(dir));
    expect(html).toContain('class="int-case"');
    expect(html).toContain('int-later');
    for (const x of XSS) expect(html).not.toContain(x);
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt;');
  });
});

import { describe, expect, it } from 'vitest';
import { escapeHtml, inlineScript, jsonForScript, showValue } from './escape.js';

describe('escaping', () => {
  it('escapes HTML text and attribute specials', () => {
    expect(escapeHtml(`<img src=x onerror="a('b')">&\``)).toBe('&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;&#96;');
  });
  it('writes JSON that cannot close a script element and still parses back', () => {
    const v = { a: '</script><script>alert(1)</script>', b: '<!--', c: 'x\u2028y\u2029z', d: '&amp;' };
    const s = jsonForScript(v);
    expect(s).not.toMatch(/<|>|\u2028|\u2029/);
    expect(JSON.parse(s)).toEqual(v);
  });
  it('survives bigints (tagged, every digit kept) and non-finite numbers', () => {
    expect(JSON.parse(jsonForScript({ n: 9007199254740993n, x: Infinity }))).toEqual({ n: { $n: '9007199254740993' }, x: 'Infinity' });
  });
  it('neutralises </script inside trusted inline code', () => {
    expect(inlineScript('var s = "</script>"; // <!-- x')).toBe('var s = "<\\/script>"; // <\\!-- x');
  });
  it('shows values compactly with a cap', () => {
    expect(showValue([1, 'a'])).toBe('[1,"a"]');
    expect(showValue('x'.repeat(300), 10)).toHaveLength(10);
  });
  it('shows integers beyond 2^53 with every digit', () => {
    expect(showValue([9007199254740993n, { k: -18446744073709551617n }])).toBe('[9007199254740993,{"k":-18446744073709551617}]');
  });
});

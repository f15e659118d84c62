// Escaping for everything the report interpolates: HTML text and attributes, JSON embedded in a
// <script> element, and inline scripts/styles. History values are attacker-controlled data (a
// database may return anything), so every path from a value to the page goes through here.

import { jsonText } from '../../checkers/values.js';

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Escape text for an HTML text node or a quoted attribute value. */
export function escapeHtml(s: unknown): string {
  return String(s).replace(/[&<>"'`]/g, (c) => HTML_ESCAPES[c]!);
}

/** Alias that reads better at attribute sites. */
export const escapeAttr = escapeHtml;

/**
 * JSON for a `<script type="application/json">` block (or a JS expression). `<` is written as
 * \u003c so no `</script>` or `<!--` can end or confuse the script element; U+2028/2029 are
 * escaped because older JS parsers treat them as line ends. The result is still valid JSON.
 */
export function jsonForScript(value: unknown): string {
  const json = JSON.stringify(value, jsonReplacer) ?? 'null';
  return json.replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/**
 * Integers beyond 2^53 (bigints) travel to the page as {"$n": "digits"}, which its client shows
 * exactly (see compactValue in data.ts); non-finite numbers must not break JSON.stringify.
 */
function jsonReplacer(_k: string, v: unknown): unknown {
  if (typeof v === 'bigint') return { $n: v.toString() };
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return v;
}

/** Make trusted inline code (our client script, uPlot) safe inside <script>: no `</script`. */
export function inlineScript(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** Make trusted CSS safe inside <style>. */
export function inlineStyle(css: string): string {
  return css.replace(/<\/(style)/gi, '<\\/$1');
}

/** A compact one-line rendering of a history value for humans (JSON with exact integers, with a length cap). */
export function showValue(v: unknown, max = 200): string {
  let s: string;
  if (v === undefined) s = '';
  else if (typeof v === 'string') s = v;
  // Integers past 2^53 (bigint) keep every digit, unquoted, as in the history file.
  else s = jsonText(v);
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

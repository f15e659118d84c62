import { describe, expect, it } from 'vitest';
import { escapeControl } from './terminal.js';

describe('terminal escaping', () => {
  it('shows control characters as visible escapes, keeping tabs and newlines', () => {
    expect(escapeControl('a\x1b[31mred\x1b[0m')).toBe('a\\x1b[31mred\\x1b[0m');
    expect(escapeControl('\x1b]0;title\x07')).toBe('\\x1b]0;title\\x07');
    expect(escapeControl('x\ry\bz\x7f')).toBe('x\\x0dy\\x08z\\x7f');
    expect(escapeControl('\u009b31m')).toBe('\\x9b31m'); // C1 CSI
    expect(escapeControl('a\u202eb')).toBe('a\\u202eb'); // bidi override
    expect(escapeControl('line 1\n\tline 2 — ünïcödé ✓')).toBe('line 1\n\tline 2 — ünïcödé ✓');
  });
});

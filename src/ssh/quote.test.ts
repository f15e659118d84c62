import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { shellCommand } from './quote.js';

describe('shellCommand', () => {
  it('makes every argument reach the program whole and uninterpreted', () => {
    const nasty = ['plain', '', "it's", 'a b', '$(touch /tmp/pwned)', '`id`', '"q"', '; rm -rf /', '\\', '*', '\n', 'ünï', '-n'];
    const out = execFileSync('sh', ['-c', `printf '%s\\0' ${shellCommand(nasty)}`]).toString();
    expect(out.split('\0').slice(0, -1)).toEqual(nasty);
  });
});

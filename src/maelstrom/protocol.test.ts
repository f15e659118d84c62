// The wire format: message parsing, line splitting, definite/indefinite error codes.
import { describe, expect, it } from 'vitest';
import { ERR, isDefinite, LineSplitter, parseMessage } from './protocol.js';

describe('Maelstrom protocol', () => {
  it('marks timeouts, crashes and unknown codes indefinite, the rest definite', () => {
    expect(isDefinite(ERR.timeout)).toBe(false);
    expect(isDefinite(ERR.crash)).toBe(false);
    expect(isDefinite(1000)).toBe(false);
    for (const c of [1, 10, 11, 12, 14, 20, 21, 22, 30]) expect(isDefinite(c)).toBe(true);
  });

  it('parses messages and says what is wrong with bad ones', () => {
    expect(parseMessage('{"src":"c1","dest":"n1","body":{"type":"read","msg_id":1}}')).toEqual({
      src: 'c1',
      dest: 'n1',
      body: { type: 'read', msg_id: 1 },
    });
    expect(parseMessage('{"src":"c1","dest":"n1"}')).toMatch(/body/);
    expect(parseMessage('{"src":"c1","dest":"n1","body":{}}')).toMatch(/body.type/);
    expect(parseMessage('nope')).toMatch(/not JSON/);
  });

  it('splits chunks into lines, keeping partial lines for the next chunk', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    s.push('{"a":1}\n{"b"');
    s.push(':2}\n\n{"c":3}');
    expect(lines).toEqual(['{"a":1}', '{"b":2}']);
    s.push('\n');
    expect(lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });
});
